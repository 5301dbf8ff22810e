// SPDX-License-Identifier: MIT
/*
 * hash.c - SipHash-2-4 (Aumasson and Bernstein, 2012) and getrandom()
 * backed random numbers
 */
#include <string.h>
#include <sys/random.h>

#include "hash.h"

static inline uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static inline uint64_t load_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* One SipRound over the state v[0..3]. */
static inline void sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl(v[1], 13);
	v[1] ^= v[0];
	v[0] = rotl(v[0], 32);
	v[2] += v[3];
	v[3] = rotl(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = rotl(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = rotl(v[1], 17);
	v[1] ^= v[2];
	v[2] = rotl(v[2], 32);
}

/**
 * hash_siphash24() - SipHash-2-4 of @len bytes at @data under @key
 *
 * The reference algorithm, byte order independent: words are read little
 * endian as the specification says, so a hash is the same on every host.
 *
 * Return: the 64-bit hash.
 */
uint64_t hash_siphash24(const uint8_t key[16], const void *data, size_t len)
{
	const uint8_t *in = data;
	uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
	uint64_t v[4] = { k0 ^ 0x736f6d6570736575ull,
			  k1 ^ 0x646f72616e646f6dull,
			  k0 ^ 0x6c7967656e657261ull,
			  k1 ^ 0x7465646279746573ull };
	uint64_t b = (uint64_t)len << 56;
	uint8_t last[8] = { 0 };
	size_t full = len & ~(size_t)7;

	for (size_t i = 0; i < full; i += 8) {
		uint64_t m = load_le64(in + i);

		v[3] ^= m;
		sipround(v);
		sipround(v);
		v[0] ^= m;
	}
	memcpy(last, in + full, len - full);
	b |= load_le64(last);
	v[3] ^= b;
	sipround(v);
	sipround(v);
	v[0] ^= b;
	v[2] ^= 0xff;
	for (int i = 0; i < 4; i++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

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
