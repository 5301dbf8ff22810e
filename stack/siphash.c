// SPDX-License-Identifier: MIT
/*
 * siphash.c - SipHash-2-4, written from the description in section 2 of
 *             Aumasson and Bernstein's paper (2012)
 *
 * State v0..v3 is initialised from the key and the constants
 * "somepseudorandomlygeneratedbytes"; each 8-byte little-endian message
 * word m is absorbed as v3 ^= m, two SipRounds, v0 ^= m.  The last word
 * carries the remaining bytes and, in its top byte, the message length
 * mod 256.  Finalisation is v2 ^= 0xff, four SipRounds, and the result is
 * v0 ^ v1 ^ v2 ^ v3.  The tests check the paper's appendix vector and
 * the reference implementation's table for every length 0..63.
 */
#include "siphash.h"

static uint64_t rotl(uint64_t x, unsigned int b)
{
	return (x << b) | (x >> (64 - b));
}

static uint64_t ld_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* One SipRound, the ARX network of the paper's Figure 2.1. */
static void sipround(uint64_t v[4])
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
 * siphash_key_from_bytes() - load a key from 16 bytes, as the paper does
 * @k: key to fill
 * @b: the key bytes k_0 .. k_15
 */
void siphash_key_from_bytes(struct siphash_key *k, const uint8_t b[16])
{
	k->k0 = ld_le64(b);
	k->k1 = ld_le64(b + 8);
}

/**
 * siphash24() - SipHash-2-4 of @len bytes
 * @k:    key
 * @data: message
 * @len:  message length in bytes
 *
 * Return: the 64-bit tag.
 */
uint64_t siphash24(const struct siphash_key *k, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t v[4] = {
		k->k0 ^ 0x736f6d6570736575ull,
		k->k1 ^ 0x646f72616e646f6dull,
		k->k0 ^ 0x6c7967656e657261ull,
		k->k1 ^ 0x7465646279746573ull,
	};
	uint64_t last = (uint64_t)(len & 0xff) << 56;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t m = ld_le64(p + i);

		v[3] ^= m;
		sipround(v);
		sipround(v);
		v[0] ^= m;
	}
	for (size_t j = 0; i + j < len; j++)
		last |= (uint64_t)p[i + j] << (8 * j);
	v[3] ^= last;
	sipround(v);
	sipround(v);
	v[0] ^= last;
	v[2] ^= 0xff;
	for (int r = 0; r < 4; r++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}
