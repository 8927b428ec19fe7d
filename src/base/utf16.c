/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "utf16.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

size_t utf16_len(const uint16_t *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

/* Decode one code point from utf8[*i..n); -1 if ill-formed. */
static long utf8_next(const unsigned char *p, size_t n, size_t *i)
{
	unsigned char c = p[*i];
	uint32_t cp;
	size_t len;
	uint32_t min;

	if (c < 0x80) {
		(*i)++;
		return c;
	} else if ((c & 0xe0) == 0xc0) {
		cp = c & 0x1f, len = 2, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		cp = c & 0x0f, len = 3, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		cp = c & 0x07, len = 4, min = 0x10000;
	} else {
		return -1;
	}
	if (n - *i < len)
		return -1;
	for (size_t k = 1; k < len; k++) {
		if ((p[*i + k] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (p[*i + k] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*i += len;
	return (long)cp;
}

static long utf8_convert(const char *utf8, size_t n, uint16_t *out)
{
	const unsigned char *p = (const unsigned char *)utf8;
	size_t i = 0;
	long units = 0;

	while (i < n) {
		long cp = utf8_next(p, n, &i);
		if (cp < 0)
			return -1;
		if (cp >= 0x10000) {
			if (out) {
				out[units] = (uint16_t)(0xd800 + ((cp - 0x10000) >> 10));
				out[units + 1] = (uint16_t)(0xdc00 + ((cp - 0x10000) & 0x3ff));
			}
			units += 2;
		} else {
			if (out)
				out[units] = (uint16_t)cp;
			units++;
		}
	}
	return units;
}

long utf8_to_utf16_len(const char *utf8, size_t n)
{
	return utf8_convert(utf8, n, NULL);
}

long utf8_to_utf16(const char *utf8, size_t n, uint16_t *out)
{
	return utf8_convert(utf8, n, out);
}

static long utf16_convert(const uint16_t *s, size_t n, char *out)
{
	long bytes = 0;

	for (size_t i = 0; i < n; i++) {
		uint32_t cp = s[i];
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (i + 1 >= n || s[i + 1] < 0xdc00 || s[i + 1] > 0xdfff)
				return -1;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (s[i + 1] - 0xdc00);
			i++;
		} else if (cp >= 0xdc00 && cp <= 0xdfff) {
			return -1;
		}
		unsigned char buf[4];
		int len;
		if (cp < 0x80) {
			buf[0] = (unsigned char)cp, len = 1;
		} else if (cp < 0x800) {
			buf[0] = (unsigned char)(0xc0 | (cp >> 6));
			buf[1] = (unsigned char)(0x80 | (cp & 0x3f));
			len = 2;
		} else if (cp < 0x10000) {
			buf[0] = (unsigned char)(0xe0 | (cp >> 12));
			buf[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
			buf[2] = (unsigned char)(0x80 | (cp & 0x3f));
			len = 3;
		} else {
			buf[0] = (unsigned char)(0xf0 | (cp >> 18));
			buf[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
			buf[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
			buf[3] = (unsigned char)(0x80 | (cp & 0x3f));
			len = 4;
		}
		if (out)
			memcpy(out + bytes, buf, (size_t)len);
		bytes += len;
	}
	return bytes;
}

long utf16_to_utf8_len(const uint16_t *s, size_t n)
{
	return utf16_convert(s, n, NULL);
}

long utf16_to_utf8(const uint16_t *s, size_t n, char *out)
{
	return utf16_convert(s, n, out);
}

uint16_t *utf16_from_utf8_dup(const char *utf8)
{
	size_t n = strlen(utf8);
	long units = utf8_to_utf16_len(utf8, n);
	if (units < 0) {
		errno = EILSEQ;
		return NULL;
	}
	uint16_t *out = malloc(((size_t)units + 1) * sizeof(uint16_t));
	if (!out)
		return NULL;
	utf8_to_utf16(utf8, n, out);
	out[units] = 0;
	return out;
}

char *utf16_to_utf8_dup(const uint16_t *s, size_t n)
{
	long bytes = utf16_to_utf8_len(s, n);
	if (bytes < 0) {
		errno = EILSEQ;
		return NULL;
	}
	char *out = malloc((size_t)bytes + 1);
	if (!out)
		return NULL;
	utf16_to_utf8(s, n, out);
	out[bytes] = 0;
	return out;
}
