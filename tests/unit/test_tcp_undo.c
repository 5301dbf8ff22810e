// SPDX-License-Identifier: MIT
/*
 * test_tcp_undo.c - the books of spurious-retransmission detection
 *                   (RFC 3708 D-SACK, RFC 3522 Eifel) and tcp_cc_undo()
 */
#include "tcp_cc.h"
#include "tcp_undo.h"
#include "testutil.h"

#define MSS 1000u
#define UNA 5000u

/* RFC 3708 3.2: all retransmissions D-SACKed -> spurious. */
Test(tcp_undo, every_retransmission_dsacked_is_spurious)
{
	struct tcp_undo u;

	tcp_undo_begin(&u, UNA, false);
	tcp_undo_on_rxt(&u, UNA, MSS, true, 100, MSS);
	tcp_undo_on_rxt(&u, UNA + MSS, MSS, true, 101, MSS);
	tcp_undo_on_dsack(&u, UNA, UNA + MSS, MSS);
	cr_assert_eq(u.spurious, TCP_UNDO_NONE, "one of two is not enough");
	tcp_undo_on_dsack(&u, UNA + MSS, UNA + 2 * MSS, MSS);
	cr_assert_eq(u.spurious, TCP_UNDO_DSACK);
}

/* One block may report several segments at once. */
Test(tcp_undo, one_block_counts_the_segments_it_covers)
{
	struct tcp_undo u;

	tcp_undo_begin(&u, UNA, false);
	tcp_undo_on_rxt(&u, UNA, 3 * MSS, true, 100, MSS);
	cr_assert_eq(u.retrans, 3u);
	tcp_undo_on_dsack(&u, UNA, UNA + 3 * MSS, MSS);
	cr_assert_eq(u.spurious, TCP_UNDO_DSACK);
}

/* A duplicated ACK repeats its D-SACK block: counted once. */
Test(tcp_undo, repeated_dsack_block_counts_once)
{
	struct tcp_undo u;

	tcp_undo_begin(&u, UNA, false);
	tcp_undo_on_rxt(&u, UNA, MSS, true, 100, MSS);
	tcp_undo_on_rxt(&u, UNA + 4 * MSS, MSS, true, 100, MSS);
	tcp_undo_on_dsack(&u, UNA, UNA + MSS, MSS);
	tcp_undo_on_dsack(&u, UNA, UNA + MSS, MSS);
	cr_assert_eq(u.retrans, 1u);
	cr_assert_eq(u.spurious, TCP_UNDO_NONE);
}

/* RFC 3708 2: evidence about data before the episode does not count. */
Test(tcp_undo, dsack_before_the_episode_is_ignored)
{
	struct tcp_undo u;

	tcp_undo_begin(&u, UNA, false);
	tcp_undo_on_rxt(&u, UNA, MSS, true, 100, MSS);
	tcp_undo_on_dsack(&u, UNA - 2 * MSS, UNA - MSS, MSS);
	cr_assert_eq(u.retrans, 1u);
	cr_assert_eq(u.spurious, TCP_UNDO_NONE);
}

/* Nothing retransmitted yet: a D-SACK proves nothing. */
Test(tcp_undo, dsack_without_retransmission_proves_nothing)
{
	struct tcp_undo u;

	tcp_undo_begin(&u, UNA, false);
	tcp_undo_on_dsack(&u, UNA, UNA + MSS, MSS);
	cr_assert_eq(u.spurious, TCP_UNDO_NONE);
}

/* RFC 3522 2: after a timeout, the first ACK echoing the original. */
Test(tcp_undo, eifel_after_timeout_judges_the_first_ack)
{
	struct tcp_undo u;

	tcp_undo_begin(&u, UNA, true);
	tcp_undo_on_rxt(&u, UNA, MSS, true, 300, MSS);
	tcp_undo_on_ack(&u, UNA + MSS, true, 250, false);
	cr_assert_eq(u.spurious, TCP_UNDO_TS);
}

/* The retransmission's own echo: a real loss. */
Test(tcp_undo, eifel_echo_of_the_retransmission_is_a_loss)
{
	struct tcp_undo u;

	tcp_undo_begin(&u, UNA, true);
	tcp_undo_on_rxt(&u, UNA, MSS, true, 300, MSS);
	tcp_undo_on_ack(&u, UNA + MSS, true, 300, false);
	cr_assert_eq(u.spurious, TCP_UNDO_NONE);
	/* Judged once: a later, older echo changes nothing. */
	tcp_undo_on_ack(&u, UNA + 2 * MSS, true, 10, false);
	cr_assert_eq(u.spurious, TCP_UNDO_NONE);
}

/* Fast recovery is judged on the ACK that ends it, not before. */
Test(tcp_undo, eifel_in_fast_recovery_waits_for_its_end)
{
	struct tcp_undo u;

	tcp_undo_begin(&u, UNA, false);
	tcp_undo_on_rxt(&u, UNA, MSS, true, 300, MSS);
	tcp_undo_on_ack(&u, UNA + MSS, true, 250, false);
	cr_assert_eq(u.spurious, TCP_UNDO_NONE);
	tcp_undo_on_ack(&u, UNA + 5 * MSS, true, 250, true);
	cr_assert_eq(u.spurious, TCP_UNDO_TS);
}

/* RFC 7323 3.2: a TSecr of 0 echoes nothing; no timestamps, no Eifel. */
Test(tcp_undo, eifel_needs_timestamps)
{
	struct tcp_undo u;

	tcp_undo_begin(&u, UNA, true);
	tcp_undo_on_rxt(&u, UNA, MSS, true, 300, MSS);
	tcp_undo_on_ack(&u, UNA + MSS, true, 0, false);
	cr_assert_eq(u.spurious, TCP_UNDO_NONE);
	tcp_undo_begin(&u, UNA, true);
	tcp_undo_on_rxt(&u, UNA, MSS, false, 0, MSS);
	tcp_undo_on_ack(&u, UNA + MSS, true, 250, false);
	cr_assert_eq(u.spurious, TCP_UNDO_NONE);
}

/* An ACK that does not cover the retransmission says nothing of it. */
Test(tcp_undo, eifel_needs_the_ack_to_cover_the_retransmission)
{
	struct tcp_undo u;

	tcp_undo_begin(&u, UNA, true);
	tcp_undo_on_rxt(&u, UNA + MSS, MSS, true, 300, MSS);
	tcp_undo_on_ack(&u, UNA + MSS, true, 250, false);
	cr_assert_eq(u.spurious, TCP_UNDO_NONE);
	tcp_undo_on_ack(&u, UNA + 2 * MSS, true, 250, false);
	cr_assert_eq(u.spurious, TCP_UNDO_TS);
}

/* RFC 9438 4.9: undo restores cwnd, ssthresh and CUBIC's W_max and K. */
Test(tcp_undo, cc_undo_restores_the_state_before_the_response)
{
	struct tcp_cc_state s;
	struct tcp_cc_event ev = { .flight = 20 * MSS, .snd_nxt = 90000 };
	struct tcp_cc_cubic before;

	cr_assert_eq(tcp_cc_init(&s, tcp_cc_find("cubic"), MSS, 1, 0), 0);
	s.cwnd = 20 * MSS;
	s.ssthresh = 30 * MSS;
	before = s.u.cubic;
	tcp_cc_on_congestion_event(&s, &ev);
	cr_assert_lt(s.cwnd, 20 * MSS);
	cr_assert_lt(s.ssthresh, 30 * MSS);
	cr_assert(s.in_recovery);
	cr_assert(tcp_cc_undo(&s));
	cr_assert_eq(s.cwnd, 20 * MSS);
	cr_assert_eq(s.ssthresh, 30 * MSS);
	cr_assert_not(s.in_recovery);
	cr_assert_eq(s.u.cubic.w_max, before.w_max);
	cr_assert_eq(s.u.cubic.k, before.k);
	cr_assert_not(tcp_cc_undo(&s), "undone once");
}

/* A backed-off timer keeps the state before the first timeout. */
Test(tcp_undo, cc_undo_after_repeated_timeouts_restores_the_first)
{
	struct tcp_cc_state s;
	struct tcp_cc_event ev = { .flight = 20 * MSS, .snd_nxt = 90000 };

	cr_assert_eq(tcp_cc_init(&s, tcp_cc_find("newreno"), MSS, 1, 0), 0);
	s.cwnd = 20 * MSS;
	s.ssthresh = 30 * MSS;
	tcp_cc_on_rto_timeout(&s, &ev);
	ev.repeated = true;
	tcp_cc_on_rto_timeout(&s, &ev);
	cr_assert_eq(s.cwnd, MSS);
	cr_assert(tcp_cc_undo(&s));
	cr_assert_eq(s.cwnd, 20 * MSS);
	cr_assert_eq(s.ssthresh, 30 * MSS);
	cr_assert_not(s.after_rto);
}

/* Undo never shrinks a window that has grown since. */
Test(tcp_undo, cc_undo_keeps_a_larger_window)
{
	struct tcp_cc_state s;
	struct tcp_cc_event ev = { .flight = 10 * MSS, .snd_nxt = 90000 };

	cr_assert_eq(tcp_cc_init(&s, tcp_cc_find("reno"), MSS, 1, 0), 0);
	s.cwnd = 10 * MSS;
	tcp_cc_on_congestion_event(&s, &ev);
	s.cwnd = 40 * MSS;
	cr_assert(tcp_cc_undo(&s));
	cr_assert_eq(s.cwnd, 40 * MSS);
}
