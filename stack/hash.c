// SPDX-License-Identifier: MIT
/*
 * hash.c - random numbers from getrandom(); keyed hashing is hash_keyed()
 * in hash.h, on top of siphash.c
 */
#include <string.h>
#include <sys/random.h>

#include "hash.h"

/**
 * rand_u32() - 32 unpredictable bits
 *
 * Used for protocol timers (RFC 4861 6.3.2, RFC 5227 2.1.1) and random
 * payload sizes, a few times per second at most, so one getrandom() call
 * each is cheap enough and needs no generator state.
 *
 * Return: the random value.
 */
uint32_t rand_u32(void)
{
	uint32_t v = 0;

	/* getrandom() of 4 bytes never returns short once the pool is up. */
	if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
		v = 0x9e3779b9u;
	return v;
}

/**
 * rand_range() - a random value in [@lo, @hi] (both included)
 *
 * Return: the value; @lo when @hi <= @lo.
 */
uint32_t rand_range(uint32_t lo, uint32_t hi)
{
	uint64_t span;

	if (hi <= lo)
		return lo;
	span = (uint64_t)hi - lo + 1;
	return lo + (uint32_t)(rand_u32() % span);
}
