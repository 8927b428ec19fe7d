/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* UTF-8 <-> UTF-16 (code units in host order).  Strict: ill-formed input (bad
 * UTF-8 sequences, overlongs, lone surrogates) is refused, never guessed at. */
#ifndef BASE_UTF16_H
#define BASE_UTF16_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length in code units of a NUL-terminated UTF-16 string. */
size_t utf16_len(const uint16_t *s);

/* Number of UTF-16 units needed for utf8[0..n) (no NUL), or -1 if ill-formed. */
long utf8_to_utf16_len(const char *utf8, size_t n);
/* Convert; out must hold utf8_to_utf16_len() units.  Returns units written or -1. */
long utf8_to_utf16(const char *utf8, size_t n, uint16_t *out);

/* Number of UTF-8 bytes for s[0..n) (no NUL), or -1 if ill-formed. */
long utf16_to_utf8_len(const uint16_t *s, size_t n);
long utf16_to_utf8(const uint16_t *s, size_t n, char *out);

/* Allocating forms; NUL-terminated results, NULL on error (errno EILSEQ/ENOMEM). */
uint16_t *utf16_from_utf8_dup(const char *utf8);
char *utf16_to_utf8_dup(const uint16_t *s, size_t n);

#endif
