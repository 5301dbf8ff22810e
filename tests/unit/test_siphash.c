// SPDX-License-Identifier: MIT
/*
 * test_siphash.c - SipHash-2-4 against the published test vectors
 */
#include "testutil.h"
#include "siphash.h"

static struct siphash_key key_00_0f(void)
{
	uint8_t b[16];
	struct siphash_key k;

	for (int i = 0; i < 16; i++)
		b[i] = (uint8_t)i;
	siphash_key_from_bytes(&k, b);
	return k;
}

/*
 * SipHash paper, Appendix A: key 00 01 .. 0f, message 00 01 .. 0e
 * (15 bytes), SipHash-2-4 = a129ca6149be45e5.
 */
Test(siphash, paper_appendix_vector)
{
	struct siphash_key k = key_00_0f();
	uint8_t m[15];

	for (int i = 0; i < 15; i++)
		m[i] = (uint8_t)i;
	cr_assert_eq(k.k0, 0x0706050403020100ull);
	cr_assert_eq(k.k1, 0x0f0e0d0c0b0a0908ull);
	cr_assert_eq(siphash24(&k, m, sizeof(m)), 0xa129ca6149be45e5ull);
}

/*
 * The reference implementation's vectors (vectors.h, SipHash-2-4, 64-bit
 * output): key 00..0f, message 00 01 .. (n-1) for n = 0..15 and a few
 * beyond, read as little-endian 64-bit words.  They cover every tail
 * length 0..7 and the one- and two-block paths.
 */
Test(siphash, reference_vectors_for_every_tail_length)
{
	static const uint64_t want[16] = {
		0x726fdb47dd0e0e31ull, 0x74f839c593dc67fdull,
		0x0d6c8009d9a94f5aull, 0x85676696d7fb7e2dull,
		0xcf2794e0277187b7ull, 0x18765564cd99a68dull,
		0xcbc9466e58fee3ceull, 0xab0200f58b01d137ull,
		0x93f5f5799a932462ull, 0x9e0082df0ba9e4b0ull,
		0x7a5dbbc594ddb9f3ull, 0xf4b32f46226bada7ull,
		0x751e8fbc860ee5fbull, 0x14ea5627c0843d90ull,
		0xf723ca908e7af2eeull, 0xa129ca6149be45e5ull,
	};
	struct siphash_key k = key_00_0f();
	uint8_t m[16];

	for (int i = 0; i < 16; i++)
		m[i] = (uint8_t)i;
	for (size_t n = 0; n < 16; n++)
		cr_assert_eq(siphash24(&k, m, n), want[n], "len %zu: %016llx",
			     n, (unsigned long long)siphash24(&k, m, n));
}

/* A PRF: another key gives an unrelated tag for the same message. */
Test(siphash, key_changes_the_tag)
{
	struct siphash_key a = key_00_0f(), b = a;

	b.k1 ^= 1;
	cr_assert_neq(siphash24(&a, "nsstack", 7), siphash24(&b, "nsstack", 7));
}
