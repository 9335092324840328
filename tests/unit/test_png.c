/* SPDX-License-Identifier: Apache-2.0 */
/* test_png.c: the PNG writer (util/png.c) read back by hand: the signature,
 * each chunk's length and CRC-32 (the IEND chunk's is the constant every
 * PNG ends with), IHDR's fields, and the zlib stream of stored blocks
 * giving back each row behind its filter byte 0 with the right Adler-32,
 * for a tiny picture and one over a stored block's 65,535 bytes; the
 * refusals leave out as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/png.h"

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* CRC-32 (ISO 3309), table-driven: a different computation from png.c's */
static uint32_t crc_of(const unsigned char *p, size_t n)
{
	static uint32_t t[256];
	if (!t[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;
			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			t[i] = c;
		}
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++)
		c = t[(c ^ p[i]) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

/* Decodes out (a PNG of w x h) and checks it holds rgb. */
static void check(const buf *out, const unsigned char *rgb, uint32_t w, uint32_t h)
{
	const unsigned char *p = (const unsigned char *)out->data;
	size_t n = out->len, i = 8;
	assert_true(n > 8);
	assert_memory_equal(p, "\x89PNG\r\n\x1a\n", 8);
	unsigned char *z = malloc(n);
	assert_non_null(z);
	size_t zn = 0;
	int seen_end = 0, k = 0;
	while (i < n) {
		assert_true(i + 12 <= n);
		uint32_t len = rd32(p + i);
		assert_true(i + 12 + len <= n);
		assert_int_equal(rd32(p + i + 8 + len), crc_of(p + i + 4, 4 + len));
		if (k == 0) {
			assert_memory_equal(p + i + 4, "IHDR", 4);
			assert_int_equal(len, 13);
			assert_int_equal(rd32(p + i + 8), w);
			assert_int_equal(rd32(p + i + 12), h);
			assert_memory_equal(p + i + 16, "\x08\x02\x00\x00\x00", 5);
		} else if (!memcmp(p + i + 4, "IDAT", 4)) {
			memcpy(z + zn, p + i + 8, len);
			zn += len;
		} else {
			assert_memory_equal(p + i + 4, "IEND", 4);
			assert_int_equal(len, 0);
			assert_int_equal(rd32(p + i + 8), 0xae426082u);
			seen_end = 1;
		}
		i += 12 + len;
		k++;
	}
	assert_true(seen_end);
	assert_int_equal(i, n);
	/* the zlib stream */
	assert_true(zn > 6);
	assert_int_equal((z[0] << 8 | z[1]) % 31, 0);
	assert_int_equal(z[0] & 0x0f, 8);
	size_t row = (size_t)w * 3 + 1, raw_n = row * h, got = 0, o = 2;
	unsigned char *raw = malloc(raw_n);
	assert_non_null(raw);
	for (int last = 0; !last;) {
		assert_true(o + 5 <= zn);
		last = z[o] & 1;
		assert_int_equal(z[o] >> 1, 0); /* stored */
		size_t len = (size_t)z[o + 1] | (size_t)z[o + 2] << 8;
		assert_int_equal(len ^ 0xffff, (size_t)z[o + 3] | (size_t)z[o + 4] << 8);
		o += 5;
		assert_true(o + len <= zn && got + len <= raw_n);
		memcpy(raw + got, z + o, len);
		got += len;
		o += len;
	}
	assert_int_equal(got, raw_n);
	assert_int_equal(o + 4, zn);
	uint32_t a = 1, b = 0;
	for (size_t j = 0; j < raw_n; j++) {
		a = (a + raw[j]) % 65521u;
		b = (b + a) % 65521u;
	}
	assert_int_equal(rd32(z + o), b << 16 | a);
	for (uint32_t y = 0; y < h; y++) {
		assert_int_equal(raw[y * row], 0);
		assert_memory_equal(raw + y * row + 1, rgb + (size_t)y * w * 3, (size_t)w * 3);
	}
	free(raw);
	free(z);
}

static void test_tiny(void **state)
{
	(void)state;
	static const unsigned char rgb[] = {255, 0, 0, 0, 255, 0, 0, 0, 255,
					    1,   2, 3, 4, 5,   6, 7, 8, 9};
	buf out;
	buf_init(&out, 0);
	assert_int_equal(png_rgb(rgb, 3, 2, &out), GLOVED_OK);
	check(&out, rgb, 3, 2);
	buf_free(&out);
}

static void test_several_blocks(void **state)
{
	(void)state;
	uint32_t w = 200, h = 150; /* 601 x 150 = 90,150 bytes: two stored blocks */
	unsigned char *rgb = malloc((size_t)w * h * 3);
	assert_non_null(rgb);
	for (size_t i = 0; i < (size_t)w * h * 3; i++)
		rgb[i] = (unsigned char)(i * 7 + i / 601);
	buf out;
	buf_init(&out, 0);
	assert_int_equal(png_rgb(rgb, w, h, &out), GLOVED_OK);
	check(&out, rgb, w, h);
	buf_free(&out);
	free(rgb);
}

static void test_refusals(void **state)
{
	(void)state;
	unsigned char px[3] = {0};
	buf out;
	buf_init(&out, 0);
	assert_int_equal(buf_puts(&out, "x"), 0);
	assert_int_equal(png_rgb(px, 0, 1, &out), GLOVED_EINVAL);
	assert_int_equal(png_rgb(px, 1, 0, &out), GLOVED_EINVAL);
	assert_int_equal(png_rgb(px, 4097, 1, &out), GLOVED_EINVAL);
	assert_int_equal(png_rgb(NULL, 1, 1, &out), GLOVED_EINVAL);
	assert_int_equal(out.len, 1);
	buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tiny),
	    cmocka_unit_test(test_several_blocks),
	    cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
