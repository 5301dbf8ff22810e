// SPDX-License-Identifier: MIT
/*
 * test_tcp_sack.c - the sender scoreboard (RFC 6675), SACK validation
 *                   (RFC 2018, 2883) and PRR (RFC 6937)
 */
#include "testutil.h"
#include "tcp_sack.h"

#define MSS 100u
#define UNA 1000u
#define NXT 2000u /* ten segments outstanding */

static struct tcp_sack_result sack(struct tcp_scoreboard *sb, uint32_t una,
				   uint32_t nxt, size_t n,
				   const struct tcp_sack_block *b)
{
	struct tcp_sack_result r;

	tcp_sack_update(sb, una, nxt, b, n, &r);
	return r;
}

#define SACK(sb, una, nxt, ...)                                                \
	sack(sb, una, nxt,                                                     \
	     sizeof((struct tcp_sack_block[]){ __VA_ARGS__ }) /                \
		     sizeof(struct tcp_sack_block),                            \
	     (struct tcp_sack_block[]){ __VA_ARGS__ })

static struct tcp_scoreboard board(void)
{
	struct tcp_scoreboard sb;

	tcp_sack_init(&sb, UNA);
	return sb;
}

/* RFC 6675 section 5: SACKed ranges merge; only new bytes count. */
Test(tcp_sack, update_merges_ranges_and_counts_new_bytes)
{
	struct tcp_scoreboard sb = board();

	cr_assert_eq(SACK(&sb, UNA, NXT, { 1100, 1200 }).newly_sacked, 100u);
	cr_assert_eq(SACK(&sb, UNA, NXT, { 1100, 1200 }).newly_sacked, 0u);
	cr_assert_eq(SACK(&sb, UNA, NXT, { 1150, 1300 }).newly_sacked, 100u);
	cr_assert_eq(
		SACK(&sb, UNA, NXT, { 1500, 1600 }, { 1300, 1400 }).newly_sacked,
		200u);
	cr_assert_eq(sb.n, 2u);
	cr_assert_eq(sb.r[0].start, 1100u);
	cr_assert_eq(sb.r[0].end, 1400u);
	cr_assert_eq(sb.sacked, 400u);
	cr_assert(tcp_sack_is_sacked(&sb, 1399));
	cr_assert_not(tcp_sack_is_sacked(&sb, 1400));
}

/*
 * RFC 2018 section 3 (and RFC 5961's spirit): blocks that are empty,
 * start below SND.UNA or end past SND.NXT are ignored.
 */
Test(tcp_sack, invalid_blocks_are_ignored)
{
	struct tcp_scoreboard sb = board();
	struct tcp_sack_result r = SACK(&sb, UNA, NXT, { 1100, 1200 },
					{ 1300, 1300 }, { 1400, 1350 },
					{ 900, 1100 });

	cr_assert_eq(r.invalid, 3u);
	r = SACK(&sb, UNA, NXT, { 1900, 2100 });
	cr_assert_eq(r.invalid, 1u);
	cr_assert_eq(sb.n, 1u);
	cr_assert_eq(sb.sacked, 100u);
}

/* RFC 2883 section 4: the two D-SACK shapes are reported, not recorded. */
Test(tcp_sack, dsack_first_blocks_are_recognised)
{
	struct tcp_scoreboard sb = board();
	struct tcp_sack_result r;

	r = SACK(&sb, UNA, NXT, { 900, 1000 });
	cr_assert(r.dsack);
	cr_assert_eq(r.invalid, 0u);
	r = SACK(&sb, UNA, NXT, { 1120, 1140 }, { 1100, 1200 });
	cr_assert(r.dsack);
	cr_assert_eq(r.newly_sacked, 100u);
	cr_assert_eq(sb.sacked, 100u);
	r = SACK(&sb, UNA, NXT, { 1300, 1400 }, { 1100, 1200 });
	cr_assert_not(r.dsack);
}

/*
 * RFC 6937 section 3: DeliveredData = delta(snd.una) + delta(SACKd); a
 * cumulative ACK over SACKed data does not count that data twice.
 */
Test(tcp_sack, delivered_data_counts_each_byte_once)
{
	struct tcp_scoreboard sb = board();
	struct tcp_sack_result r;

	r = SACK(&sb, UNA, NXT, { 1200, 1400 });
	cr_assert_eq(r.delivered, 200u);
	r = sack(&sb, 1300, NXT, 0, NULL);
	cr_assert_eq(r.delivered, 200u); /* 1000-1200 newly; 1200-1300 old */
	cr_assert_eq(sb.sacked, 100u);
	r = sack(&sb, 1600, NXT, 0, NULL);
	cr_assert_eq(r.delivered, 200u);
	cr_assert_eq(sb.n, 0u);
}

/*
 * RFC 6675 section 4 IsLost(): lost once more than (DupThresh - 1) * SMSS
 * bytes, or DupThresh discontiguous ranges, are SACKed above it.
 */
Test(tcp_sack, is_lost_needs_three_segments_or_three_ranges_above)
{
	struct tcp_scoreboard sb = board();

	SACK(&sb, UNA, NXT, { 1100, 1300 });
	cr_assert_not(tcp_sack_is_lost(&sb, 1000, MSS)); /* 200 bytes */
	SACK(&sb, UNA, NXT, { 1300, 1301 });
	cr_assert(tcp_sack_is_lost(&sb, 1000, MSS)); /* 201 bytes */

	sb = board();
	SACK(&sb, UNA, NXT, { 1100, 1101 }, { 1200, 1201 });
	cr_assert_not(tcp_sack_is_lost(&sb, 1000, MSS));
	SACK(&sb, UNA, NXT, { 1300, 1301 });
	cr_assert(tcp_sack_is_lost(&sb, 1000, MSS)); /* three ranges */
	cr_assert_not(tcp_sack_is_lost(&sb, 1150, MSS));
}

/* RFC 6675 section 5 (a)/(b): DupAcks >= DupThresh or IsLost(HighACK+1). */
Test(tcp_sack, recovery_starts_on_dupthresh_or_lost_head)
{
	struct tcp_scoreboard sb = board();

	cr_assert_not(tcp_sack_should_enter_recovery(&sb, 2, MSS));
	cr_assert(tcp_sack_should_enter_recovery(&sb, 3, MSS));
	SACK(&sb, UNA, NXT, { 1100, 1400 });
	cr_assert(tcp_sack_should_enter_recovery(&sb, 1, MSS));
	tcp_sack_enter_recovery(&sb, NXT);
	cr_assert_not(tcp_sack_should_enter_recovery(&sb, 5, MSS));
}

/*
 * RFC 6675 section 4 SetPipe(): unSACKed octets not lost count once,
 * retransmitted ones once more.
 */
Test(tcp_sack, pipe_excludes_lost_and_sacked_and_adds_retransmits)
{
	struct tcp_scoreboard sb = board();
	struct tcp_sack_seg seg;

	cr_assert_eq(tcp_sack_pipe(&sb, NXT, MSS), 1000u);
	SACK(&sb, UNA, NXT, { 1100, 1400 });
	/* 1000-1100 lost, 1100-1400 SACKed, 1400-2000 in flight. */
	cr_assert_eq(tcp_sack_pipe(&sb, NXT, MSS), 600u);
	tcp_sack_enter_recovery(&sb, NXT);
	cr_assert(tcp_sack_next_seg(&sb, NXT, MSS, false, &seg));
	tcp_sack_sent(&sb, &seg);
	cr_assert_eq(tcp_sack_pipe(&sb, NXT, MSS), 700u);
}

/*
 * RFC 6675 section 4 NextSeg(): rule 1 retransmits the lost hole (up to
 * the next SACKed range), rule 2 sends new data, rule 4 one rescue.
 */
Test(tcp_sack, next_seg_follows_rules_one_two_and_four)
{
	struct tcp_scoreboard sb = board();
	struct tcp_sack_seg seg;

	SACK(&sb, UNA, NXT, { 1050, 1400 });
	tcp_sack_enter_recovery(&sb, NXT);
	cr_assert(tcp_sack_next_seg(&sb, NXT, MSS, true, &seg));
	cr_assert_eq(seg.kind, TCP_SEG_LOST);
	cr_assert_eq(seg.seq, 1000u);
	cr_assert_eq(seg.len, 50u); /* stops at the SACKed range */
	tcp_sack_sent(&sb, &seg);
	cr_assert_eq(sb.high_rxt, 1050u);

	cr_assert(tcp_sack_next_seg(&sb, NXT, MSS, true, &seg));
	cr_assert_eq(seg.kind, TCP_SEG_NEW);
	cr_assert_eq(seg.seq, NXT);

	cr_assert(tcp_sack_next_seg(&sb, NXT, MSS, false, &seg));
	cr_assert_eq(seg.kind, TCP_SEG_RESCUE);
	cr_assert_eq(seg.seq, 1900u); /* includes the highest unSACKed */
	cr_assert_eq(seg.len, 100u);
	tcp_sack_sent(&sb, &seg);
	cr_assert_eq(sb.high_rxt, 1050u); /* rule 4 leaves HighRxt */
	cr_assert_not(tcp_sack_next_seg(&sb, NXT, MSS, false, &seg));
}

/* RFC 6675 section 4 rule 3: an unSACKed hole that is not yet lost. */
Test(tcp_sack, next_seg_rule_three_retransmits_holes_not_yet_lost)
{
	struct tcp_scoreboard sb = board();
	struct tcp_sack_seg seg;

	SACK(&sb, UNA, NXT, { 1100, 1200 }, { 1300, 1400 });
	cr_assert_not(tcp_sack_is_lost(&sb, 1000, MSS));
	tcp_sack_enter_recovery(&sb, NXT); /* entered on three dupacks */
	cr_assert(tcp_sack_next_seg(&sb, NXT, MSS, true, &seg));
	cr_assert_eq(seg.kind, TCP_SEG_NEW); /* rule 2 before rule 3 */
	cr_assert(tcp_sack_next_seg(&sb, NXT, MSS, false, &seg));
	cr_assert_eq(seg.kind, TCP_SEG_RXT);
	cr_assert_eq(seg.seq, 1000u);
	cr_assert_eq(seg.len, 100u);
	tcp_sack_sent(&sb, &seg);
	cr_assert(tcp_sack_next_seg(&sb, NXT, MSS, false, &seg));
	cr_assert_eq(seg.kind, TCP_SEG_RXT);
	cr_assert_eq(seg.seq, 1200u);
}

/* Outside recovery NextSeg only offers new data. */
Test(tcp_sack, next_seg_outside_recovery_is_new_data_only)
{
	struct tcp_scoreboard sb = board();
	struct tcp_sack_seg seg;

	SACK(&sb, UNA, NXT, { 1100, 1400 });
	cr_assert_not(tcp_sack_next_seg(&sb, NXT, MSS, false, &seg));
	cr_assert(tcp_sack_next_seg(&sb, NXT, MSS, true, &seg));
	cr_assert_eq(seg.kind, TCP_SEG_NEW);
}

/* RFC 6675 section 5 (A): recovery ends when SND.UNA passes RecoveryPoint. */
Test(tcp_sack, recovery_ends_at_the_recovery_point)
{
	struct tcp_scoreboard sb = board();

	tcp_sack_enter_recovery(&sb, NXT);
	sack(&sb, 1500, NXT, 0, NULL);
	cr_assert_not(tcp_sack_recovery_done(&sb));
	sack(&sb, NXT, NXT + 500, 0, NULL);
	cr_assert(tcp_sack_recovery_done(&sb));
	cr_assert_not(sb.in_recovery);
	cr_assert_not(tcp_sack_recovery_done(&sb));
}

/*
 * RFC 6675 5.1: an RTO ends recovery and preserves RecoveryPoint = HighData;
 * RFC 2018 section 8: the SACK information is expunged.
 */
Test(tcp_sack, rto_clears_board_and_blocks_recovery_until_recovery_point)
{
	struct tcp_scoreboard sb = board();

	SACK(&sb, UNA, NXT, { 1100, 1400 });
	tcp_sack_enter_recovery(&sb, NXT);
	tcp_sack_rto(&sb, NXT);
	cr_assert_not(sb.in_recovery);
	cr_assert_eq(sb.n, 0u);
	cr_assert_eq(tcp_sack_pipe(&sb, NXT, MSS), 1000u);
	cr_assert_not(tcp_sack_should_enter_recovery(&sb, 3, MSS));
	sack(&sb, NXT, NXT + 1000, 0, NULL);
	cr_assert(tcp_sack_should_enter_recovery(&sb, 3, MSS));
}

/* A full table drops a new disjoint range but still merges into old. */
Test(tcp_sack, full_table_drops_new_ranges_safely)
{
	struct tcp_scoreboard sb;
	uint32_t una = 0, nxt = 100000;

	tcp_sack_init(&sb, una);
	for (uint32_t i = 0; i < TCP_SACK_RANGES; i++)
		SACK(&sb, una, nxt, { 100 + i * 200, 200 + i * 200 });
	cr_assert_eq(sb.n, (size_t)TCP_SACK_RANGES);
	cr_assert_eq(SACK(&sb, una, nxt, { 90000, 90100 }).newly_sacked, 0u);
	cr_assert_eq(SACK(&sb, una, nxt, { 200, 300 }).newly_sacked, 100u);
	cr_assert_eq(sb.n, (size_t)TCP_SACK_RANGES - 1);
	cr_assert_eq(SACK(&sb, una, nxt, { 90000, 90100 }).newly_sacked, 100u);
}

/* RFC 9293 3.4: the scoreboard works across the 2^32 wrap. */
Test(tcp_sack, scoreboard_works_across_the_wrap)
{
	struct tcp_scoreboard sb;
	uint32_t una = 0xffffff00u, nxt = 0x100;
	struct tcp_sack_seg seg;

	tcp_sack_init(&sb, una);
	cr_assert_eq(SACK(&sb, una, nxt, { 0xffffffc0u, 0x40 }).newly_sacked,
		     0x80u);
	cr_assert(tcp_sack_is_lost(&sb, una, 32));
	tcp_sack_enter_recovery(&sb, nxt);
	cr_assert(tcp_sack_next_seg(&sb, nxt, 32, false, &seg));
	cr_assert_eq(seg.kind, TCP_SEG_LOST);
	cr_assert_eq(seg.seq, una);
	cr_assert_eq(seg.len, 32u);
	cr_assert_eq(tcp_sack_pipe(&sb, nxt, 32), 0xc0u);
}

/*
 * RFC 6937 3.1, proportional part: with RecoverFS = 20 and ssthresh = 10
 * segments, one segment goes out for every two delivered while pipe is
 * above ssthresh; once it gets there, the reduction bound holds cwnd at
 * ssthresh.
 */
Test(tcp_prr, sends_ssthresh_over_recoverfs_of_what_is_delivered)
{
	struct tcp_prr p;
	uint32_t pipe = 19, sent = 0;

	tcp_prr_init(&p, 20, 10, 1);
	for (int ack = 1; ack <= 22; ack++) {
		uint32_t cwnd;

		pipe -= 1; /* one segment delivered */
		cwnd = tcp_prr_on_ack(&p, 1, pipe);
		cr_assert_geq(cwnd, pipe);
		if (ack <= 16)
			cr_assert_eq(cwnd - pipe, (uint32_t)(ack & 1), "ack %d",
				     ack);
		else
			cr_assert_eq(cwnd, 10u, "ack %d", ack);
		tcp_prr_on_send(&p, cwnd - pipe);
		sent += cwnd - pipe;
		pipe = cwnd;
	}
	cr_assert_eq(sent, 8u + 5u);
	cr_assert_eq(pipe, 10u);
}

/*
 * RFC 6937 3.1, reduction bound: below ssthresh PRR-SSRB grows like slow
 * start (delivered + 1 MSS), PRR-CRB only by what was delivered.
 */
Test(tcp_prr, reduction_bound_ssrb_versus_crb)
{
	struct tcp_prr p;

	tcp_prr_init(&p, 20, 10, 1);
	cr_assert_eq(tcp_prr_on_ack(&p, 1, 2), 2 + 2u); /* max(1,1)+1 */
	tcp_prr_init(&p, 20, 10, 1);
	p.conservative = true;
	cr_assert_eq(tcp_prr_on_ack(&p, 1, 2), 2 + 1u);
	/* Never past ssthresh. */
	tcp_prr_init(&p, 20, 10, 1);
	cr_assert_eq(tcp_prr_on_ack(&p, 30, 9), 10u);
}
