/* SPDX-License-Identifier: Apache-2.0 */
/* png.h: a minimal PNG writer for small generated pictures (the demo's
 * design images): 8-bit RGB, no filter, the image data in stored
 * (uncompressed) deflate blocks, so no compression library is needed. */
#ifndef GLOVED_UTIL_PNG_H
#define GLOVED_UTIL_PNG_H

#include <stdint.h>

#include "util/buf.h"

/* Appends the PNG of a w x h picture (rgb: h rows of w pixels of three
 * bytes, top row first) to out. GLOVED_OK, GLOVED_EINVAL (a side of 0 or
 * over 4096), GLOVED_ENOMEM (out unchanged past what was appended). */
int png_rgb(const unsigned char *rgb, uint32_t w, uint32_t h, buf *out);

#endif
