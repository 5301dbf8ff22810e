// SPDX-License-Identifier: MIT
/*
 * test_csum.c - the Internet checksum against a byte-pair reference
 */
#include "testutil.h"
#include "wire/csum.h"
#include "wire/cursor.h"

/* RFC 1071 section 4.1, one 16-bit big-endian word at a time. */
static uint16_t ref_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

Test(csum, rfc1071_example)
{
	/* RFC 1071 section 3: these words sum to ddf2 before complement. */
	static const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03,
				     0xf4, 0xf5, 0xf6, 0xf7 };

	cr_assert_eq(csum_inet(b, sizeof(b)), (uint16_t)~0xddf2);
}

Test(csum, matches_reference_at_every_length_and_alignment)
{
	uint8_t buf[600];
	unsigned int seed = 1;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand_r(&seed);
	for (size_t off = 0; off < 8; off++)
		for (size_t len = 0; len + off <= sizeof(buf); len++)
			cr_assert_eq(csum_inet(buf + off, len),
				     ref_csum(buf + off, len),
				     "off %zu len %zu", off, len);
}

Test(csum, all_ones_does_not_overflow_the_accumulator)
{
	static uint8_t buf[65536 * 2];

	memset(buf, 0xff, sizeof(buf));
	cr_assert_eq(csum_inet(buf, sizeof(buf)), ref_csum(buf, sizeof(buf)));
}

Test(csum, chained_even_pieces_equal_one_pass)
{
	uint8_t buf[301];
	unsigned int seed = 7;
	uint32_t sum;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rand_r(&seed);
	sum = csum_partial(buf, 100, 0);
	sum = csum_partial(buf + 100, 2, sum);
	sum = csum_partial(buf + 102, sizeof(buf) - 102, sum);
	cr_assert_eq(csum_fold(sum), ref_csum(buf, sizeof(buf)));
}

Test(csum, stored_checksum_verifies_to_zero)
{
	uint8_t hdr[20] = { 0x45, 0, 0,	  0x54, 0x12, 0x34, 0x40, 0, 64, 1,
			    0,	  0, 192, 0,	2,    1,    192,  0, 2,	 2 };

	st_be16(hdr + 10, csum_inet(hdr, sizeof(hdr)));
	cr_assert_eq(csum_inet(hdr, sizeof(hdr)), 0);
}

Test(csum, pseudo4_matches_a_built_header)
{
	uint8_t ph[12] = { 192, 0, 2, 1, 192, 0, 2, 2, 0, 17, 0x01, 0x23 };

	cr_assert_eq(csum_fold(csum_pseudo4(0xc0000201, 0xc0000202, 17, 0x123)),
		     ref_csum(ph, sizeof(ph)));
}

Test(csum, pseudo6_matches_a_built_header)
{
	struct ip6_addr s = { { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
	struct ip6_addr d = { { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } };
	uint8_t ph[40] = { 0 };

	memcpy(ph, s.b, 16);
	memcpy(ph + 16, d.b, 16);
	ph[34] = 0x12, ph[35] = 0x34, ph[39] = 58;
	cr_assert_eq(csum_fold(csum_pseudo6(&s, &d, 58, 0x1234)),
		     ref_csum(ph, sizeof(ph)));
}

/* RFC 1624: patching a field must equal recomputing from scratch. */
Test(csum, incremental_update_equals_recompute)
{
	uint8_t hdr[20];
	unsigned int seed = 3;

	for (int round = 0; round < 10000; round++) {
		uint16_t c, nv16;
		uint32_t nv32, ov32;
		size_t at = (size_t)(rand_r(&seed) % 9) * 2;

		for (size_t i = 0; i < sizeof(hdr); i++)
			hdr[i] = (uint8_t)rand_r(&seed);
		st_be16(hdr + 10, 0);
		st_be16(hdr + 10, csum_inet(hdr, sizeof(hdr)));
		if (at == 10)
			at = 12;
		c = ld_be16(hdr + 10);
		nv16 = (uint16_t)rand_r(&seed);
		c = csum_update16(c, ld_be16(hdr + at), nv16);
		st_be16(hdr + at, nv16);
		st_be16(hdr + 10, c);
		cr_assert_eq(csum_inet(hdr, sizeof(hdr)), 0, "round %d", round);

		ov32 = ld_be32(hdr + 12);
		nv32 = (uint32_t)rand_r(&seed) << 1 ^ (uint32_t)rand_r(&seed);
		c = csum_update32(ld_be16(hdr + 10), ov32, nv32);
		st_be32(hdr + 12, nv32);
		st_be16(hdr + 10, c);
		cr_assert_eq(csum_inet(hdr, sizeof(hdr)), 0, "round %d", round);
	}
}
