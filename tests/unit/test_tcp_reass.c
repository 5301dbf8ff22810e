// SPDX-License-Identifier: MIT
/*
 * test_tcp_reass.c - the out-of-order queue, its SACK and D-SACK blocks,
 *                    checked against a byte-map model over every arrival
 *                    order of a few segments
 */
#include <errno.h>
#include <stdio.h>

#include "testutil.h"
#include "tcp_reass.h"

#define BIG_BUDGET (1u << 20)
#define BIG_WND (1u << 16)
#define SPAN 1024 /* bytes the model tracks above its base */

/* Payload byte for an absolute sequence number: overlaps agree. */
static uint8_t byte_at(uint32_t seq)
{
	return (uint8_t)(seq * 7u + 3u);
}

static void fill(uint8_t *buf, uint32_t seq, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		buf[i] = byte_at(seq + i);
}

static int insert(struct tcp_reass *q, uint32_t rcv_nxt, uint32_t seq,
		  uint32_t len)
{
	uint8_t buf[SPAN];

	cr_assert_leq(len, SPAN);
	fill(buf, seq, len);
	return tcp_reass_insert(q, rcv_nxt, BIG_WND, seq, buf, len, false);
}

/* Read everything in order, check the bytes, return the new RCV.NXT. */
static uint32_t drain(struct tcp_reass *q, uint32_t rcv_nxt)
{
	uint8_t buf[SPAN];
	size_t ready = tcp_reass_ready(q, rcv_nxt);
	size_t n = tcp_reass_read(q, rcv_nxt, buf, sizeof(buf));

	cr_assert_eq(n, ready);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(buf[i], byte_at(rcv_nxt + (uint32_t)i),
			     "byte at %u", rcv_nxt + (uint32_t)i);
	return rcv_nxt + (uint32_t)n;
}

static void expect_blocks(const struct tcp_reass *q, uint32_t rcv_nxt,
			  size_t max, const struct tcp_sack_block *want,
			  size_t nwant, const char *what)
{
	struct tcp_sack_block got[4];
	size_t n = tcp_reass_sack(q, rcv_nxt, got, max);

	cr_assert_eq(n, nwant, "%s: %zu blocks, want %zu", what, n, nwant);
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(got[i].start, want[i].start,
			     "%s: block %zu start %u want %u", what, i,
			     got[i].start, want[i].start);
		cr_assert_eq(got[i].end, want[i].end,
			     "%s: block %zu end %u want %u", what, i,
			     got[i].end, want[i].end);
	}
}

/*
 * The model: which bytes above the base have arrived, and the arrival
 * number of the last segment that covered each.
 */
struct model {
	uint32_t base, rcv_nxt;
	bool have[SPAN];
	unsigned int stamp[SPAN];
	struct tcp_sack_block dsack;
	bool dsack_valid;
};

/* RFC 2883 4.1: the duplicate range an arrival reports, and storage. */
static void model_arrive(struct model *m, uint32_t seq, uint32_t len,
			 unsigned int stamp)
{
	uint32_t off = seq - m->base, nxt = m->rcv_nxt - m->base;
	bool below = off < nxt, in_dup = false, done = false;

	m->dsack_valid = false;
	if (below) {
		m->dsack.start = seq;
		m->dsack.end = m->base + (off + len < nxt ? off + len : nxt);
		m->dsack_valid = true;
	}
	for (uint32_t b = off; b < off + len; b++) {
		if (b < nxt)
			continue;
		if (m->have[b] && !below && !done) {
			if (!in_dup)
				m->dsack.start = m->base + b;
			m->dsack.end = m->base + b + 1;
			m->dsack_valid = in_dup = true;
		} else if (in_dup) {
			done = true;
		}
		m->have[b] = true;
		m->stamp[b] = stamp;
	}
	while (m->rcv_nxt - m->base < SPAN && m->have[m->rcv_nxt - m->base])
		m->rcv_nxt++;
}

/* RFC 2018 4 / RFC 2883 4: D-SACK, then runs newest first. */
static size_t model_blocks(const struct model *m, struct tcp_sack_block *out,
			   size_t max)
{
	struct tcp_sack_block runs[SPAN / 2];
	unsigned int touch[SPAN / 2];
	size_t nruns = 0, n = 0;
	uint32_t nxt = m->rcv_nxt - m->base;

	for (uint32_t b = nxt; b < SPAN; b++) {
		if (!m->have[b])
			continue;
		if (nruns && runs[nruns - 1].end == m->base + b) {
			runs[nruns - 1].end++;
			if (m->stamp[b] > touch[nruns - 1])
				touch[nruns - 1] = m->stamp[b];
			continue;
		}
		runs[nruns].start = m->base + b;
		runs[nruns].end = m->base + b + 1;
		touch[nruns++] = m->stamp[b];
	}
	if (m->dsack_valid && n < max)
		out[n++] = m->dsack;
	while (n < max) {
		size_t best = SIZE_MAX;

		for (size_t i = 0; i < nruns; i++)
			if (touch[i] &&
			    (best == SIZE_MAX || touch[i] > touch[best]))
				best = i;
		if (best == SIZE_MAX)
			break;
		out[n++] = runs[best];
		touch[best] = 0;
	}
	return n;
}

static bool next_perm(size_t *a, size_t n)
{
	size_t i = n - 1, j = n - 1;

	while (i > 0 && a[i - 1] >= a[i])
		i--;
	if (i == 0)
		return false;
	while (a[j] <= a[i - 1])
		j--;
	size_t t = a[i - 1];
	a[i - 1] = a[j];
	a[j] = t;
	for (j = n - 1; i < j; i++, j--) {
		t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
	return true;
}

/*
 * Deliver @n segments in every order; after each arrival the TCB reads
 * what is in order, and the SACK list must match the model.
 */
static void every_order(const struct tcp_sack_block *segs, size_t n,
			uint32_t base, size_t max_blocks)
{
	size_t order[8];
	unsigned int perms = 0;

	for (size_t i = 0; i < n; i++)
		order[i] = i;
	do {
		struct tcp_reass q;
		struct model m = { .base = base, .rcv_nxt = base };
		uint32_t rcv_nxt = base, total = 0;
		char what[96];

		tcp_reass_init(&q, BIG_BUDGET);
		for (size_t i = 0; i < n; i++) {
			const struct tcp_sack_block *s = &segs[order[i]];
			struct tcp_sack_block want[4];
			size_t nwant;

			cr_assert_eq(insert(&q, rcv_nxt, s->start,
					    s->end - s->start),
				     0);
			rcv_nxt = drain(&q, rcv_nxt);
			model_arrive(&m, s->start, s->end - s->start,
				     (unsigned int)i + 1);
			cr_assert_eq(rcv_nxt, m.rcv_nxt, "perm %u step %zu",
				     perms, i);
			nwant = model_blocks(&m, want, max_blocks);
			snprintf(what, sizeof(what), "perm %u step %zu", perms,
				 i);
			expect_blocks(&q, rcv_nxt, max_blocks, want, nwant,
				      what);
			tcp_reass_ack_sent(&q);
		}
		for (size_t i = 0; i < n; i++)
			if (segs[i].end - base > total)
				total = segs[i].end - base;
		cr_assert_eq(rcv_nxt, base + total, "perm %u", perms);
		cr_assert(tcp_reass_empty(&q));
		cr_assert_eq(q.held, 0u);
		tcp_reass_free(&q);
		perms++;
	} while (next_perm(order, n));
}

/* RFC 9293 3.10.7.4 + RFC 2018 4: 4 disjoint segments, all 24 orders. */
Test(tcp_reass, every_order_of_four_segments_delivers_and_sacks)
{
	static const struct tcp_sack_block segs[] = {
		{ 1000, 1100 }, { 1100, 1200 }, { 1200, 1300 }, { 1300, 1400 }
	};

	every_order(segs, 4, 1000, 4);
	every_order(segs, 4, 1000, 3); /* 3 blocks when timestamps ride */
}

/*
 * RFC 9293 3.10.7.4 "trim" + RFC 2883 4.1: overlapping and duplicate
 * segments in all 720 orders, including D-SACK of both kinds.
 */
Test(tcp_reass, every_order_with_overlaps_and_duplicates)
{
	static const struct tcp_sack_block segs[] = {
		{ 1000, 1150 }, { 1100, 1250 }, { 1050, 1120 },
		{ 1300, 1400 }, { 1250, 1300 }, { 1300, 1400 },
	};

	every_order(segs, 6, 1000, 4);
}

/* RFC 9293 3.4: the same, across the 2^32 wrap. */
Test(tcp_reass, every_order_across_sequence_wrap)
{
	static const struct tcp_sack_block segs[] = {
		{ 0xffffff00u, 0xffffff80u }, { 0xffffff80u, 0x00000010u },
		{ 0x00000010u, 0x00000090u }, { 0xffffffc0u, 0x00000020u },
		{ 0x00000090u, 0x000000a0u },
	};

	every_order(segs, 5, 0xffffff00u, 4);
}

/* RFC 2018 4: the first block holds the most recent segment. */
Test(tcp_reass, first_sack_block_holds_the_latest_arrival)
{
	struct tcp_reass q;

	tcp_reass_init(&q, BIG_BUDGET);
	insert(&q, 0, 200, 100);
	insert(&q, 0, 500, 100);
	insert(&q, 0, 800, 100);
	expect_blocks(&q, 0, 4,
		      (struct tcp_sack_block[]){
			      { 800, 900 }, { 500, 600 }, { 200, 300 } },
		      3, "three islands");
	insert(&q, 0, 300, 100); /* extends the oldest island */
	expect_blocks(&q, 0, 4,
		      (struct tcp_sack_block[]){
			      { 200, 400 }, { 800, 900 }, { 500, 600 } },
		      3, "extended");
	tcp_reass_free(&q);
}

/* RFC 2018 4: at most as many blocks as the option space allows. */
Test(tcp_reass, sack_list_keeps_the_most_recent_blocks)
{
	struct tcp_reass q;

	tcp_reass_init(&q, BIG_BUDGET);
	for (uint32_t i = 1; i <= 6; i++)
		insert(&q, 0, i * 100, 50);
	expect_blocks(&q, 0, 3,
		      (struct tcp_sack_block[]){
			      { 600, 650 }, { 500, 550 }, { 400, 450 } },
		      3, "max 3");
	tcp_reass_free(&q);
}

/* RFC 2883 4.1.1: a duplicate below RCV.NXT is the first block, once. */
Test(tcp_reass, dsack_reports_a_duplicate_below_rcv_nxt_once)
{
	struct tcp_reass q;

	tcp_reass_init(&q, BIG_BUDGET);
	cr_assert_eq(insert(&q, 1000, 900, 100), 0);
	expect_blocks(&q, 1000, 4, (struct tcp_sack_block[]){ { 900, 1000 } },
		      1, "d-sack");
	tcp_reass_ack_sent(&q);
	expect_blocks(&q, 1000, 4, NULL, 0, "after the ACK");
	cr_assert(tcp_reass_empty(&q));
	tcp_reass_free(&q);
}

/* RFC 2883 4.1.1: a segment straddling RCV.NXT reports its old part. */
Test(tcp_reass, dsack_reports_the_old_part_of_a_straddling_segment)
{
	struct tcp_reass q;

	tcp_reass_init(&q, BIG_BUDGET);
	insert(&q, 1000, 900, 200);
	cr_assert_eq(drain(&q, 1000), 1100u);
	expect_blocks(&q, 1100, 4, (struct tcp_sack_block[]){ { 900, 1000 } },
		      1, "d-sack");
	tcp_reass_free(&q);
}

/*
 * RFC 2883 4.1.2: a duplicate of out-of-order data goes first, followed
 * by the block that contains it, then the others.
 */
Test(tcp_reass, dsack_of_out_of_order_data_is_followed_by_its_block)
{
	struct tcp_reass q;

	tcp_reass_init(&q, BIG_BUDGET);
	insert(&q, 0, 200, 100);
	insert(&q, 0, 500, 100);
	insert(&q, 0, 220, 40);
	expect_blocks(&q, 0, 4,
		      (struct tcp_sack_block[]){
			      { 220, 260 }, { 200, 300 }, { 500, 600 } },
		      3, "d-sack then container");
	tcp_reass_free(&q);
}

/* RFC 2883 4.1.3: a partly new segment reports only its duplicate part. */
Test(tcp_reass, dsack_of_partial_overlap_reports_the_overlap)
{
	struct tcp_reass q;

	tcp_reass_init(&q, BIG_BUDGET);
	insert(&q, 0, 200, 100);
	insert(&q, 0, 250, 100);
	expect_blocks(&q, 0, 4,
		      (struct tcp_sack_block[]){ { 250, 300 }, { 200, 350 } },
		      2, "overlap");
	tcp_reass_free(&q);
}

/* RFC 9293 3.10.7.4: held bytes win, later overlapping data is trimmed. */
Test(tcp_reass, held_data_is_not_overwritten_by_overlaps)
{
	struct tcp_reass q;
	uint8_t junk[100], out[400];

	memset(junk, 0xee, sizeof(junk));
	tcp_reass_init(&q, BIG_BUDGET);
	insert(&q, 0, 100, 100);
	tcp_reass_insert(&q, 0, BIG_WND, 50, junk, 100, false);
	insert(&q, 0, 0, 50);
	cr_assert_eq(tcp_reass_read(&q, 0, out, sizeof(out)), 200u);
	for (int i = 100; i < 200; i++)
		cr_assert_eq(out[i], byte_at((uint32_t)i));
	for (int i = 50; i < 100; i++)
		cr_assert_eq(out[i], 0xee);
	tcp_reass_free(&q);
}

/* RFC 9293 3.10.7.4: data beyond RCV.NXT + RCV.WND is trimmed off. */
Test(tcp_reass, data_past_the_window_is_trimmed)
{
	struct tcp_reass q;
	uint8_t buf[300];

	fill(buf, 100, 300);
	tcp_reass_init(&q, BIG_BUDGET);
	cr_assert_eq(tcp_reass_insert(&q, 0, 250, 100, buf, 300, true), 0);
	expect_blocks(&q, 0, 4, (struct tcp_sack_block[]){ { 100, 250 } }, 1,
		      "trimmed");
	cr_assert_not(q.fin_valid); /* the FIN lay outside too */
	fill(buf, 300, 10);
	cr_assert_eq(tcp_reass_insert(&q, 0, 250, 300, buf, 10, false), 0);
	cr_assert_eq(q.count, 1u);
	tcp_reass_free(&q);
}

/* Memory bound: a segment that does not fit the budget is refused whole. */
Test(tcp_reass, budget_refuses_whole_segments)
{
	struct tcp_reass q;

	tcp_reass_init(&q, (size_t)2 * (100 + TCP_REASS_PIECE_OVERHEAD));
	cr_assert_eq(insert(&q, 0, 100, 100), 0);
	cr_assert_eq(insert(&q, 0, 300, 100), 0);
	cr_assert_eq(insert(&q, 0, 500, 1), -ENOBUFS);
	cr_assert_eq(insert(&q, 0, 150, 50), 0); /* nothing new: free */
	cr_assert_eq(q.count, 2u);
	cr_assert_eq(q.held, (size_t)2 * (100 + TCP_REASS_PIECE_OVERHEAD));
	tcp_reass_free(&q);
}

/* The budget is given back as data is read, including partial reads. */
Test(tcp_reass, partial_reads_release_budget)
{
	struct tcp_reass q;
	uint8_t buf[60];

	tcp_reass_init(&q, BIG_BUDGET);
	insert(&q, 0, 0, 100);
	cr_assert_eq(tcp_reass_read(&q, 0, buf, 60), 60u);
	cr_assert_eq(q.held, 40 + TCP_REASS_PIECE_OVERHEAD);
	cr_assert_eq(tcp_reass_ready(&q, 60), 40u);
	cr_assert_eq(drain(&q, 60), 100u);
	cr_assert_eq(q.held, 0u);
	tcp_reass_free(&q);
}

/* Pieces the TCB delivered another way (fast path) are discarded. */
Test(tcp_reass, stale_pieces_below_rcv_nxt_are_dropped)
{
	struct tcp_reass q;

	tcp_reass_init(&q, BIG_BUDGET);
	insert(&q, 0, 100, 100);
	insert(&q, 0, 300, 100);
	expect_blocks(&q, 250, 4, (struct tcp_sack_block[]){ { 300, 400 } }, 1,
		      "stale run hidden");
	cr_assert_eq(tcp_reass_ready(&q, 250), 0u);
	cr_assert_eq(drain(&q, 300), 400u);
	cr_assert(tcp_reass_empty(&q));
	tcp_reass_free(&q);
}

/*
 * A repacketized retransmission covered the held pieces: forgetting them
 * empties the queue (a TCB closing then must not see unread data); a
 * piece that straddles RCV.NXT stays for the reader.
 */
Test(tcp_reass, forget_drops_only_what_rcv_nxt_passed)
{
	struct tcp_reass q;

	tcp_reass_init(&q, BIG_BUDGET);
	insert(&q, 0, 100, 100);
	insert(&q, 0, 300, 100);
	tcp_reass_forget(&q, 200);
	cr_assert_eq(q.count, 1u);
	cr_assert_eq(q.held, 100u + TCP_REASS_PIECE_OVERHEAD);
	tcp_reass_forget(&q, 350);
	cr_assert_eq(q.count, 1u, "a straddling piece is kept");
	cr_assert_eq(drain(&q, 350), 400u);
	insert(&q, 400, 500, 100);
	tcp_reass_forget(&q, 600);
	cr_assert(tcp_reass_empty(&q));
	cr_assert_eq(q.held, 0u);
	tcp_reass_free(&q);
}

/* RFC 9293 3.10.7.4 "eighth, check the FIN bit": only once in order. */
Test(tcp_reass, out_of_order_fin_waits_for_the_gap)
{
	struct tcp_reass q;
	uint8_t buf[100];
	uint32_t rcv_nxt = 0;

	fill(buf, 100, 100);
	tcp_reass_init(&q, BIG_BUDGET);
	tcp_reass_insert(&q, 0, BIG_WND, 100, buf, 100, true);
	cr_assert_not(tcp_reass_fin_ready(&q, rcv_nxt));
	rcv_nxt = drain(&q, rcv_nxt);
	cr_assert_eq(rcv_nxt, 0u);
	insert(&q, rcv_nxt, 0, 100);
	rcv_nxt = drain(&q, rcv_nxt);
	cr_assert_eq(rcv_nxt, 200u);
	cr_assert(tcp_reass_fin_ready(&q, rcv_nxt));
	tcp_reass_free(&q);
}

/* A duplicate bridging two held pieces is one D-SACK range. */
Test(tcp_reass, dsack_spans_adjacent_pieces)
{
	struct tcp_reass q;

	tcp_reass_init(&q, BIG_BUDGET);
	insert(&q, 0, 100, 100);
	insert(&q, 0, 200, 100);
	insert(&q, 0, 150, 100);
	expect_blocks(&q, 0, 4,
		      (struct tcp_sack_block[]){ { 150, 250 }, { 100, 300 } },
		      2, "bridging duplicate");
	tcp_reass_free(&q);
}
