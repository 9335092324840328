/* SPDX-License-Identifier: Apache-2.0 */
/* defect.h: the glove defect catalogue inspectors record AQL findings in.
 * Each type has a stable code (what the API and the store carry), its
 * zh-CN and English names, the family of gloves it applies to (sewn, knitted,
 * dipped or any) and the class it counts in by default (critical, major,
 * minor, as ISO 2859-1 classifies nonconformities; an inspector may record
 * a finding in another class). The catalogue is data in defect.c; pure
 * lookups, no I/O, no allocation. docs/internals/quality.md lists it. */
#ifndef GLOVED_CORE_DEFECT_H
#define GLOVED_CORE_DEFECT_H

#include <stddef.h>

typedef enum defect_class {
	DEFECT_CRITICAL,
	DEFECT_MAJOR,
	DEFECT_MINOR,
	DEFECT_CLASS_COUNT
} defect_class;

/* Which gloves a defect type can be found on: a bitmask. */
enum { DEFECT_SEWN = 1, DEFECT_KNITTED = 2, DEFECT_DIPPED = 4, DEFECT_ANY = 7 };

typedef struct defect_type {
	const char *code; /* ascii, [a-z_], stable: stored with each finding */
	const char *zh;   /* 中文名 */
	const char *en;
	defect_class cls;  /* default class */
	unsigned families; /* DEFECT_SEWN | ... */
} defect_type;

/* The whole catalogue, in display order; *n gets its length. The array is
 * static: never freed. */
const defect_type *defect_catalogue(size_t *n);
/* The type with this code, or NULL (also for NULL). Exact, case-sensitive. */
const defect_type *defect_find(const char *code);
/* Parses "critical", "major", "minor" into *out: 0 ok, -1 unknown or NULL. */
int defect_class_parse(const char *s, defect_class *out);
/* The class's name as defect_class_parse reads it; "?" out of range. */
const char *defect_class_name(defect_class c);
/* The class's zh-CN name (致命 / 严重 / 轻微); "?" out of range. */
const char *defect_class_zh(defect_class c);
/* Parses a family name ("sewn", "knitted", "dipped", "any") into its bit:
 * 0 unknown or NULL. */
unsigned defect_family_parse(const char *s);

#endif
