/* SPDX-License-Identifier: Apache-2.0 */
/* sparkplug_codec.c: see sparkplug_codec.h. */
#include "ingest/sparkplug_codec.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>

spb_payload *spb_decode(const void *buf, size_t len)
{
	if (!buf || len > SPB_MAX_PAYLOAD)
		return NULL;
	return gloved__sparkplug__payload__unpack(NULL, len, buf);
}

void spb_free(spb_payload *p)
{
	if (p)
		gloved__sparkplug__payload__free_unpacked(p, NULL);
}

int spb_encode(const spb_payload *p, uint8_t **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	size_t n = gloved__sparkplug__payload__get_packed_size(p);
	uint8_t *b = malloc(n ? n : 1);
	if (!b)
		return GLOVED_ENOMEM;
	*len = gloved__sparkplug__payload__pack(p, b);
	*out = b;
	return GLOVED_OK;
}

int spb_is_integer(uint32_t datatype)
{
	return datatype >= SPB_INT8 && datatype <= SPB_UINT64;
}

/* 1 when raw holds a w-bit signed value (w < 64): the bits above w are
 * zero (the value's own bit pattern) or copies of its sign bit to 32 or
 * 64 bits (sign-extended into int_value or long_value). Anything else does
 * not fit the datatype: refused, where it was cut to w bits (an Int16
 * counter sent as 70000 read as 4464). */
static int fits_signed(uint64_t raw, int w)
{
	uint64_t hi = raw >> w;
	if (hi == 0)
		return 1;
	if (!((raw >> (w - 1)) & 1u))
		return 0;
	return hi == (UINT64_MAX >> w) || hi == (0xffffffffULL >> w);
}

int spb_metric_int(const spb_metric *m, uint32_t datatype, int64_t *out)
{
	if (!spb_is_integer(datatype))
		return -1;
	if ((m->has_is_null && m->is_null) ||
	    m->value_case == GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE__NOT_SET)
		return -2;
	uint64_t raw;
	if (m->value_case == GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE_INT_VALUE)
		raw = m->int_value;
	else if (m->value_case == GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE_LONG_VALUE)
		raw = m->long_value;
	else
		return -1;
	/* senders put 8-32 bit types in int_value and 64-bit ones in
	 * long_value, but some use long_value for everything: read either,
	 * by the declared width */
	switch (datatype) {
	case SPB_INT8:
		if (!fits_signed(raw, 8))
			return -1;
		*out = (int8_t)(uint8_t)(raw & 0xffu);
		break;
	case SPB_INT16:
		if (!fits_signed(raw, 16))
			return -1;
		*out = (int16_t)(uint16_t)(raw & 0xffffu);
		break;
	case SPB_INT32:
		if (!fits_signed(raw, 32))
			return -1;
		*out = (int32_t)(uint32_t)(raw & 0xffffffffu);
		break;
	case SPB_INT64:
		*out = (int64_t)raw;
		break;
	case SPB_UINT8:
		if (raw > UINT8_MAX)
			return -1;
		*out = (int64_t)raw;
		break;
	case SPB_UINT16:
		if (raw > UINT16_MAX)
			return -1;
		*out = (int64_t)raw;
		break;
	case SPB_UINT32:
		if (raw > UINT32_MAX)
			return -1;
		*out = (int64_t)raw;
		break;
	default: /* UInt64: values above INT64_MAX are handled by spb_metric_uint */
		*out = (int64_t)raw;
		break;
	}
	return 0;
}

int spb_metric_uint(const spb_metric *m, uint32_t datatype, uint64_t *out)
{
	int64_t v;
	int rc = spb_metric_int(m, datatype, &v);
	if (rc)
		return rc;
	if (datatype == SPB_UINT64) {
		*out = m->value_case == GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE_LONG_VALUE
			   ? m->long_value
			   : m->int_value;
		return 0;
	}
	if (v < 0)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

int spb_metric_text(const spb_metric *m, uint32_t datatype, const char **out)
{
	if (datatype != SPB_STRING && datatype != SPB_TEXT && datatype != SPB_UUID)
		return -1;
	if (m->has_is_null && m->is_null)
		return -2;
	if (m->value_case == GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE__NOT_SET)
		return -2;
	if (m->value_case != GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE_STRING_VALUE ||
	    !m->string_value)
		return -1;
	*out = m->string_value;
	return 0;
}

int spb_metric_bool(const spb_metric *m, uint32_t datatype, int *out)
{
	if (datatype != SPB_BOOLEAN)
		return -1;
	if (m->has_is_null && m->is_null)
		return -2;
	if (m->value_case == GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE__NOT_SET)
		return -2;
	if (m->value_case != GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE_BOOLEAN_VALUE)
		return -1;
	*out = m->boolean_value ? 1 : 0;
	return 0;
}

void spb_metric_init(spb_metric *m, const char *name, int has_alias, uint64_t alias,
		     uint32_t datatype, int64_t ts_ms)
{
	gloved__sparkplug__payload__metric__init(m);
	m->name = (char *)name;
	m->has_alias = has_alias != 0;
	m->alias = alias;
	m->has_datatype = 1;
	m->datatype = datatype;
	if (ts_ms > 0) {
		m->has_timestamp = 1;
		m->timestamp = (uint64_t)ts_ms;
	}
}

void spb_metric_set_int(spb_metric *m, int64_t v)
{
	if (m->datatype == SPB_INT64 || m->datatype == SPB_UINT64 || m->datatype == SPB_DATETIME) {
		m->value_case = GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE_LONG_VALUE;
		m->long_value = (uint64_t)v;
	} else {
		m->value_case = GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE_INT_VALUE;
		m->int_value = (uint32_t)(uint64_t)v;
	}
}

void spb_metric_set_text(spb_metric *m, const char *s)
{
	m->value_case = GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE_STRING_VALUE;
	m->string_value = (char *)s;
}

void spb_metric_set_bool(spb_metric *m, int v)
{
	m->value_case = GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE_BOOLEAN_VALUE;
	m->boolean_value = v != 0;
}

void spb_metric_set_null(spb_metric *m)
{
	m->value_case = GLOVED__SPARKPLUG__PAYLOAD__METRIC__VALUE__NOT_SET;
	m->has_is_null = 1;
	m->is_null = 1;
}
