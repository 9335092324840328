/* SPDX-License-Identifier: Apache-2.0 */
/* png.c: the PNG writer (png.h). A PNG is the 8-byte signature and chunks
 * (length, type, data, CRC-32 of type and data); the image data (IDAT) is
 * a zlib stream of the rows, each led by its filter byte (0: none). The
 * zlib stream here is the 2-byte header, stored deflate blocks of at most
 * 65,535 bytes and the Adler-32 of the data. */
#include "util/png.h"

#include "util/err.h"

#include <stdlib.h>
#include <string.h>

static uint32_t crc32_update(uint32_t crc, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return crc;
}

static void be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static int chunk(buf *out, const char *type, const unsigned char *data, size_t n)
{
	unsigned char head[8], tail[4];
	be32(head, (uint32_t)n);
	memcpy(head + 4, type, 4);
	uint32_t crc = crc32_update(0xffffffffu, head + 4, 4);
	crc = crc32_update(crc, data, n) ^ 0xffffffffu;
	be32(tail, crc);
	if (buf_append(out, head, 8) || (n && buf_append(out, data, n)) || buf_append(out, tail, 4))
		return GLOVED_ENOMEM;
	return GLOVED_OK;
}

int png_rgb(const unsigned char *rgb, uint32_t w, uint32_t h, buf *out)
{
	if (!rgb || w == 0 || h == 0 || w > 4096 || h > 4096)
		return GLOVED_EINVAL;
	size_t row = (size_t)w * 3 + 1, raw_n = row * h;
	size_t blocks = (raw_n + 65534) / 65535;
	size_t zn = 2 + blocks * 5 + raw_n + 4;
	unsigned char *raw = malloc(raw_n), *z = malloc(zn);
	if (!raw || !z) {
		free(raw);
		free(z);
		return GLOVED_ENOMEM;
	}
	for (uint32_t y = 0; y < h; y++) {
		raw[y * row] = 0; /* filter: none */
		memcpy(raw + y * row + 1, rgb + (size_t)y * w * 3, (size_t)w * 3);
	}
	size_t o = 0;
	z[o++] = 0x78; /* deflate, 32 KiB window */
	z[o++] = 0x01; /* no dictionary, fastest; (0x78 << 8 | 0x01) % 31 == 0 */
	uint32_t a = 1, b = 0;
	for (size_t i = 0; i < raw_n; i++) {
		a = (a + raw[i]) % 65521u;
		b = (b + a) % 65521u;
	}
	for (size_t off = 0; off < raw_n;) {
		size_t n = raw_n - off > 65535 ? 65535 : raw_n - off;
		z[o++] = off + n == raw_n ? 1 : 0; /* BFINAL, BTYPE 00: stored */
		z[o++] = (unsigned char)n;
		z[o++] = (unsigned char)(n >> 8);
		z[o++] = (unsigned char)~n;
		z[o++] = (unsigned char)(~n >> 8);
		memcpy(z + o, raw + off, n);
		o += n;
		off += n;
	}
	be32(z + o, (b << 16) | a);
	o += 4;
	unsigned char ihdr[13];
	be32(ihdr, w);
	be32(ihdr + 4, h);
	ihdr[8] = 8;  /* bits per sample */
	ihdr[9] = 2;  /* colour type: RGB */
	ihdr[10] = 0; /* compression: deflate */
	ihdr[11] = 0; /* filter method 0 */
	ihdr[12] = 0; /* no interlace */
	int rc = buf_append(out, "\x89PNG\r\n\x1a\n", 8) ? GLOVED_ENOMEM : GLOVED_OK;
	if (!rc)
		rc = chunk(out, "IHDR", ihdr, sizeof ihdr);
	if (!rc)
		rc = chunk(out, "IDAT", z, o);
	if (!rc)
		rc = chunk(out, "IEND", NULL, 0);
	free(raw);
	free(z);
	return rc;
}
