/* SPDX-License-Identifier: Apache-2.0 */
/* code.c: the code alphabet (code.h). */
#include "core/code.h"

#include <string.h>

static int code_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

int code_valid_n(const char *s, size_t len)
{
	if (!s || len == 0 || len > CODE_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!code_char((unsigned char)s[i]))
			return 0;
	return 1;
}

int code_valid(const char *s)
{
	return s && code_valid_n(s, strnlen(s, CODE_MAX + 1));
}
