// SPDX-License-Identifier: MIT
/*
 * test_hash.c - keyed hashing: the one-entry memo gives exactly what
 * hashing afresh gives
 */
#include "testutil.h"
#include "hash.h"

static const uint8_t secret[16] = { 1, 2,  3,  4,  5,  6,  7,  8,
				    9, 10, 11, 12, 13, 14, 15, 16 };

Test(hash, memo_matches_fresh_hash_for_changing_inputs)
{
	struct hash_memo m = { 0 };
	uint32_t in[3] = { 0xc0000201, 0xc0000202, 6 };

	for (int i = 0; i < 100; i++) {
		in[i % 3] += (uint32_t)(i % 2); /* repeats and changes */
		cr_assert_eq(hash_keyed_memo(&m, secret, in, sizeof(in)),
			     hash_keyed(secret, in, sizeof(in)));
	}
}

Test(hash, memo_tells_lengths_apart)
{
	struct hash_memo m = { 0 };
	uint8_t in[8] = { 0 };

	cr_assert_eq(hash_keyed_memo(&m, secret, in, 8),
		     hash_keyed(secret, in, 8));
	cr_assert_eq(hash_keyed_memo(&m, secret, in, 4),
		     hash_keyed(secret, in, 4));
}

Test(hash, memo_handles_inputs_larger_than_it_keeps)
{
	struct hash_memo m = { 0 };
	uint8_t in[HASH_MEMO_MAX + 8];

	memset(in, 7, sizeof(in));
	for (int i = 0; i < 2; i++)
		cr_assert_eq(hash_keyed_memo(&m, secret, in, sizeof(in)),
			     hash_keyed(secret, in, sizeof(in)));
	in[sizeof(in) - 1] = 8;
	cr_assert_eq(hash_keyed_memo(&m, secret, in, sizeof(in)),
		     hash_keyed(secret, in, sizeof(in)));
}
