/* SPDX-License-Identifier: MIT */
/*
 * testutil.h - helpers shared by the unit tests
 */
#ifndef NSSTACK_TESTUTIL_H
#define NSSTACK_TESTUTIL_H

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * tu_exact() - copy @n bytes into a heap block of exactly @n bytes
 *
 * Parsers under test read from such a copy, so AddressSanitizer reports any
 * read past the end of what the "wire" delivered.  Free with free().
 */
static inline uint8_t *tu_exact(const uint8_t *src, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	cr_assert_not_null(p);
	if (n)
		memcpy(p, src, n);
	return p;
}

/* Compare two byte ranges and name the first differing offset on failure. */
static inline void tu_assert_bytes(const uint8_t *a, size_t alen,
				   const uint8_t *b, size_t blen,
				   const char *what)
{
	cr_assert_eq(alen, blen, "%s: length %zu != %zu", what, alen, blen);
	for (size_t i = 0; i < alen; i++)
		cr_assert_eq(a[i], b[i], "%s: byte %zu: 0x%02x != 0x%02x", what,
			     i, a[i], b[i]);
}

#endif /* NSSTACK_TESTUTIL_H */
