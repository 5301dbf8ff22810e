/* SPDX-License-Identifier: MIT */
/*
 * seq.h - TCP sequence number comparison modulo 2^32 (RFC 9293 3.4)
 *
 * Sequence numbers wrap, so "a before b" means that b lies less than 2^31
 * ahead of a: the signed difference says it.  The conversion of an
 * out-of-range uint32_t to int32_t is implementation-defined in C11;
 * every compiler nsstack supports (gcc, clang) defines it as modulo 2^32.
 * Two numbers exactly 2^31 apart compare "before" both ways round; no
 * window ever spans that far (RFC 7323 caps it at 2^30).
 */
#ifndef NSSTACK_WIRE_SEQ_H
#define NSSTACK_WIRE_SEQ_H

#include <stdbool.h>
#include <stdint.h>

/** seq_lt() - @a comes before @b. */
static inline bool seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/** seq_leq() - @a comes before @b or is @b. */
static inline bool seq_leq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

/** seq_gt() - @a comes after @b. */
static inline bool seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

/** seq_geq() - @a comes after @b or is @b. */
static inline bool seq_geq(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

/** seq_max() - the later of @a and @b. */
static inline uint32_t seq_max(uint32_t a, uint32_t b)
{
	return seq_gt(a, b) ? a : b;
}

/** seq_min() - the earlier of @a and @b. */
static inline uint32_t seq_min(uint32_t a, uint32_t b)
{
	return seq_lt(a, b) ? a : b;
}

#endif /* NSSTACK_WIRE_SEQ_H */
