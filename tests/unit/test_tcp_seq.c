// SPDX-License-Identifier: MIT
/*
 * test_tcp_seq.c - sequence comparisons and the acceptability table
 */
#include "testutil.h"
#include "tcp_seq.h"

/* RFC 9293 3.4: comparisons are modulo 2^32, so they hold across the wrap. */
Test(tcp_seq, comparisons_hold_across_the_wrap)
{
	static const struct {
		uint32_t a, b;
		bool lt;
	} rows[] = {
		{ 1, 2, true },
		{ 2, 1, false },
		{ 0xffffffffu, 0, true }, /* -1 precedes 0 */
		{ 0, 0xffffffffu, false },
		{ 0xfffffff0u, 0x10, true },
		{ 0x7ffffffeu, 0x7fffffffu, true },
		{ 0x10, 0x80000000u, true }, /* just under half the circle */
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint32_t a = rows[i].a, b = rows[i].b;

		cr_assert_eq(seq_lt(a, b), rows[i].lt, "row %zu", i);
		cr_assert_eq(seq_gt(b, a), rows[i].lt, "row %zu", i);
		cr_assert_eq(seq_geq(a, b), !rows[i].lt, "row %zu", i);
		cr_assert_eq(seq_leq(b, a), !rows[i].lt, "row %zu", i);
		cr_assert_eq(seq_max(a, b), rows[i].lt ? b : a, "row %zu", i);
		cr_assert_eq(seq_min(a, b), rows[i].lt ? a : b, "row %zu", i);
	}
}

/* RFC 9293 3.4: a number equals itself under every non-strict compare. */
Test(tcp_seq, equal_numbers_are_leq_and_geq_but_not_lt_or_gt)
{
	uint32_t v[] = { 0, 1, 0x7fffffffu, 0x80000000u, 0xffffffffu };

	for (size_t i = 0; i < 5; i++) {
		cr_assert(seq_leq(v[i], v[i]));
		cr_assert(seq_geq(v[i], v[i]));
		cr_assert_not(seq_lt(v[i], v[i]));
		cr_assert_not(seq_gt(v[i], v[i]));
	}
}

/* RFC 9293 3.4: window edges are half-open, [lo, lo + len). */
Test(tcp_seq, in_range_is_half_open_and_wraps)
{
	cr_assert(seq_in_range(100, 100, 10));
	cr_assert(seq_in_range(109, 100, 10));
	cr_assert_not(seq_in_range(110, 100, 10));
	cr_assert_not(seq_in_range(99, 100, 10));
	cr_assert_not(seq_in_range(100, 100, 0));
	cr_assert(seq_in_range(2, 0xfffffffeu, 8));
	cr_assert_not(seq_in_range(6, 0xfffffffeu, 8));
}

/*
 * RFC 9293 3.10.7.4, the four-case acceptability table, each row with
 * segments on both sides of each window edge.
 */
Test(tcp_seq, acceptable_follows_the_four_case_table)
{
	static const struct {
		uint32_t rcv_nxt, rcv_wnd, seq, len;
		bool ok;
		const char *why;
	} rows[] = {
		/* SEG.LEN = 0, RCV.WND = 0: only SEG.SEQ = RCV.NXT. */
		{ 1000, 0, 1000, 0, true, "empty, zero window, at rcv_nxt" },
		{ 1000, 0, 999, 0, false, "empty, zero window, before" },
		{ 1000, 0, 1001, 0, false, "empty, zero window, after" },
		/* SEG.LEN = 0, RCV.WND > 0: SEG.SEQ inside the window. */
		{ 1000, 100, 1000, 0, true, "empty, left edge" },
		{ 1000, 100, 1099, 0, true, "empty, last in window" },
		{ 1000, 100, 1100, 0, false, "empty, right edge" },
		{ 1000, 100, 999, 0, false, "empty, before window" },
		/* SEG.LEN > 0, RCV.WND = 0: never acceptable. */
		{ 1000, 0, 1000, 1, false, "data into zero window" },
		{ 1000, 0, 999, 2, false, "overlapping data, zero window" },
		/* SEG.LEN > 0, RCV.WND > 0: either end inside the window. */
		{ 1000, 100, 1000, 10, true, "data at left edge" },
		{ 1000, 100, 990, 20, true, "starts before, ends inside" },
		{ 1000, 100, 990, 10, false, "ends just before window" },
		{ 1000, 100, 990, 11, true, "last octet is rcv_nxt" },
		{ 1000, 100, 1099, 50, true, "starts on last octet" },
		{ 1000, 100, 1100, 1, false, "starts at right edge" },
		{ 1000, 100, 900, 300, false, "spans the whole window" },
		/* Same rows across the 2^32 wrap. */
		{ 0xfffffff0u, 0x20, 0x8, 4, true, "wrapped, inside" },
		{ 0xfffffff0u, 0x20, 0x10, 4, false,
		  "wrapped, past right edge" },
		{ 0xfffffff0u, 0x20, 0xffffffe0u, 0x11, true,
		  "wrapped, last octet on rcv_nxt" },
		{ 0xfffffff0u, 0, 0xfffffff0u, 0, true,
		  "wrapped, zero window" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		cr_assert_eq(tcp_seq_acceptable(rows[i].rcv_nxt,
						rows[i].rcv_wnd, rows[i].seq,
						rows[i].len),
			     rows[i].ok, "row %zu: %s", i, rows[i].why);
}
