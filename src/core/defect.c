/* SPDX-License-Identifier: Apache-2.0 */
/* defect.c: the glove defect catalogue as a table. The default classes
 * follow how glove buyers' inspection checklists grade findings: what can
 * hurt the wearer or defeat the glove's protection is critical (a broken
 * needle left in the glove, bare spots in a protective coating, a marking
 * the glove does not meet); what makes the glove unusable or unsaleable is
 * major (holes, open seams, wrong size, mismatched pair, wrong label); what
 * a wearer would notice but not mind much is minor (loose threads, small
 * stains, an uneven cuff). */
#include "core/defect.h"

#include <string.h>

static const defect_type catalogue[] = {
    /* critical */
    {"needle_fragment", "断针残留", "broken needle fragment", DEFECT_CRITICAL, DEFECT_ANY},
    {"sharp_object", "尖锐异物", "sharp foreign object", DEFECT_CRITICAL, DEFECT_ANY},
    {"bare_coating", "漏胶露底", "bare coating (uncovered area)", DEFECT_CRITICAL, DEFECT_DIPPED},
    {"wrong_marking", "防护标识不符", "protection marking wrong", DEFECT_CRITICAL, DEFECT_ANY},
    /* major */
    {"hole", "破洞", "hole", DEFECT_MAJOR, DEFECT_ANY},
    {"open_seam", "开线", "open seam", DEFECT_MAJOR, DEFECT_SEWN},
    {"skipped_stitch", "跳针", "skipped stitch", DEFECT_MAJOR, DEFECT_SEWN},
    {"broken_stitch", "断线", "broken stitch", DEFECT_MAJOR, DEFECT_SEWN},
    {"dropped_stitch", "漏针", "dropped stitch (knit)", DEFECT_MAJOR, DEFECT_KNITTED},
    {"thin_coating", "涂层薄", "thin coating", DEFECT_MAJOR, DEFECT_DIPPED},
    {"coating_bubble", "气泡", "bubbles in coating", DEFECT_MAJOR, DEFECT_DIPPED},
    {"delamination", "脱胶", "coating delamination", DEFECT_MAJOR, DEFECT_DIPPED},
    {"wrong_size", "尺码错", "wrong size", DEFECT_MAJOR, DEFECT_ANY},
    {"mismatched_pair", "配双不符", "mismatched pair", DEFECT_MAJOR, DEFECT_ANY},
    {"misshapen", "变形", "misshapen", DEFECT_MAJOR, DEFECT_ANY},
    {"wrong_label", "标签错", "wrong label", DEFECT_MAJOR, DEFECT_ANY},
    {"missing_label", "缺标签", "missing label", DEFECT_MAJOR, DEFECT_ANY},
    {"wrong_colour", "色差", "wrong colour / shade", DEFECT_MAJOR, DEFECT_ANY},
    {"wrong_material", "用料错", "wrong material", DEFECT_MAJOR, DEFECT_ANY},
    /* minor */
    {"stain", "污渍", "stain", DEFECT_MINOR, DEFECT_ANY},
    {"loose_thread", "线头", "loose thread", DEFECT_MINOR, DEFECT_ANY},
    {"uneven_cuff", "袖口不齐", "uneven cuff", DEFECT_MINOR, DEFECT_ANY},
    {"uneven_stitch", "针距不匀", "uneven stitch length", DEFECT_MINOR, DEFECT_SEWN},
    {"coating_drip", "滴胶", "coating drip / run", DEFECT_MINOR, DEFECT_DIPPED},
    {"crease", "折痕", "crease", DEFECT_MINOR, DEFECT_ANY},
    {"packing", "包装不良", "packing defect", DEFECT_MINOR, DEFECT_ANY},
};

#define CATALOGUE_N (sizeof catalogue / sizeof catalogue[0])

static const char *const class_names[DEFECT_CLASS_COUNT] = {"critical", "major", "minor"};
static const char *const class_zh[DEFECT_CLASS_COUNT] = {"致命", "严重", "轻微"};

const defect_type *defect_catalogue(size_t *n)
{
	if (n)
		*n = CATALOGUE_N;
	return catalogue;
}

const defect_type *defect_find(const char *code)
{
	if (!code)
		return NULL;
	for (size_t i = 0; i < CATALOGUE_N; i++)
		if (strcmp(catalogue[i].code, code) == 0)
			return &catalogue[i];
	return NULL;
}

int defect_class_parse(const char *s, defect_class *out)
{
	if (!s)
		return -1;
	for (int c = 0; c < DEFECT_CLASS_COUNT; c++)
		if (strcmp(s, class_names[c]) == 0) {
			if (out)
				*out = (defect_class)c;
			return 0;
		}
	return -1;
}

const char *defect_class_name(defect_class c)
{
	return (unsigned)c < DEFECT_CLASS_COUNT ? class_names[c] : "?";
}

const char *defect_class_zh(defect_class c)
{
	return (unsigned)c < DEFECT_CLASS_COUNT ? class_zh[c] : "?";
}

unsigned defect_family_parse(const char *s)
{
	static const struct {
		const char *name;
		unsigned bit;
	} fam[] = {{"sewn", DEFECT_SEWN},
		   {"knitted", DEFECT_KNITTED},
		   {"dipped", DEFECT_DIPPED},
		   {"any", DEFECT_ANY}};
	if (!s)
		return 0;
	for (size_t i = 0; i < sizeof fam / sizeof fam[0]; i++)
		if (strcmp(s, fam[i].name) == 0)
			return fam[i].bit;
	return 0;
}
