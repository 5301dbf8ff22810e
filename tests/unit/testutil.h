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
#define tu_assert_bytes(a, alen, b, blen, what)                                \
	do {                                                                   \
		size_t tu_i_, tu_n_ = (alen) < (blen) ? (alen) : (blen);       \
		cr_assert_eq((size_t)(alen), (size_t)(blen),                   \
			     "%s: length %zu != %zu", (what), (size_t)(alen),  \
			     (size_t)(blen));                                  \
		for (tu_i_ = 0; tu_i_ < tu_n_; tu_i_++)                        \
			cr_assert_eq((a)[tu_i_], (b)[tu_i_],                   \
				     "%s: byte %zu: 0x%02x != 0x%02x", (what), \
				     tu_i_, (a)[tu_i_], (b)[tu_i_]);           \
	} while (0)

#endif /* NSSTACK_TESTUTIL_H */
