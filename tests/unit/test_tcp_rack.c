// SPDX-License-Identifier: MIT
/*
 * test_tcp_rack.c - RACK loss detection (RFC 8985 6) without a network
 */
#include "tcp_rack.h"
#include "testutil.h"

#define MSS 1000u

static struct tcp_rack r;
static struct tcp_scoreboard sb;

static void setup(void)
{
	memset(&r, 0, sizeof(r));
	tcp_sack_init(&sb, 0);
}

static void teardown(void)
{
	tcp_rack_free(&r);
}

TestSuite(tcp_rack, .init = setup, .fini = teardown);

/* Segments [i * MSS, (i + 1) * MSS) for i < n, all sent at @t. */
static void send_n(unsigned int n, uint64_t t)
{
	for (unsigned int i = 0; i < n; i++)
		tcp_rack_sent(&r, i * MSS, (i + 1) * MSS, t, false);
}

static void sack(uint32_t start, uint32_t end)
{
	struct tcp_sack_block b = { .start = start, .end = end };
	struct tcp_sack_result res;

	tcp_sack_update(&sb, 0, 100 * MSS, &b, 1, &res);
}

/*
 * RFC 8985 6.2 step 5: a segment sent before the delivered one is lost
 * once RACK.rtt + reo_wnd has passed since it left; until then the
 * reordering timer is asked for the rest of the wait.
 */
Test(tcp_rack, lost_only_after_rtt_plus_reo_wnd)
{
	struct tcp_rack_loss l;

	send_n(3, 1000);
	sack(MSS, 2 * MSS);
	tcp_rack_ack(&r, 0, &sb, 21000); /* RACK.rtt = 20 ms */
	cr_assert_eq(r.rtt_us, 20000);
	cr_assert_eq(r.min_rtt_us, 20000);
	tcp_rack_detect(&r, 21000, 5000, &l);
	cr_assert_not(l.lost);
	cr_assert_eq(l.timeout_us, 5000);
	tcp_rack_detect(&r, 26000, 5000, &l);
	cr_assert(l.lost);
	cr_assert_eq(l.lost_end, MSS);
	/* Segment 3 was sent with segment 2, above it: not judged. */
	cr_assert_not(r.seg[2].lost);
}

/* RFC 8985 6.2 step 3: delivery below RACK.fack, never resent. */
Test(tcp_rack, late_original_is_reordering)
{
	send_n(2, 0);
	sack(MSS, 2 * MSS);
	tcp_rack_ack(&r, 0, &sb, 10000);
	cr_assert_not(r.reord);
	tcp_rack_ack(&r, 2 * MSS, &sb, 11000);
	cr_assert(r.reord);
	cr_assert_eq(r.n, 0, "acknowledged entries are forgotten");
}

/*
 * RFC 8985 6.2 step 4: without reordering, reo_wnd is 0 in recovery or
 * with DupThresh SACKed; else a quarter RTT times reo_wnd_mult, which a
 * D-SACK raises at most once per round trip, capped at SRTT.  The RTT is
 * min_RTT, or SRTT when larger (a min_RTT dragged to zero by packets
 * that skip the queue would make every reordering a loss).
 */
Test(tcp_rack, reo_wnd_rules_and_dsack_growth)
{
	r.min_rtt_us = 20000;
	cr_assert_eq(tcp_rack_reo_wnd(&r, true, false, 20000), 0);
	cr_assert_eq(tcp_rack_reo_wnd(&r, false, true, 20000), 0);
	cr_assert_eq(tcp_rack_reo_wnd(&r, false, false, 20000), 5000);
	r.reord = true;
	cr_assert_eq(tcp_rack_reo_wnd(&r, true, true, 20000), 5000);
	tcp_rack_dsack(&r, true, 0, 10 * MSS);
	cr_assert_eq(tcp_rack_reo_wnd(&r, false, false, 20000), 10000);
	tcp_rack_dsack(&r, true, 5 * MSS, 12 * MSS); /* same round */
	cr_assert_eq(tcp_rack_reo_wnd(&r, false, false, 20000), 10000);
	tcp_rack_dsack(&r, true, 10 * MSS, 20 * MSS); /* next round */
	cr_assert_eq(tcp_rack_reo_wnd(&r, false, false, 20000), 15000);
	cr_assert_eq(tcp_rack_reo_wnd(&r, false, false, 12000), 12000);
	r.min_rtt_us = 40000;
	cr_assert_eq(tcp_rack_reo_wnd(&r, false, false, 20000), 20000);
	for (int i = 0; i < 16; i++)
		tcp_rack_recovery(&r);
	r.min_rtt_us = 100; /* polluted: SRTT rules */
	cr_assert_eq(tcp_rack_reo_wnd(&r, false, false, 20000), 5000);
}

/* A retransmission refreshes the send time: judged by its new one. */
Test(tcp_rack, retransmission_refreshes_xmit_time)
{
	struct tcp_rack_loss l;

	send_n(2, 0);
	tcp_rack_sent(&r, 0, MSS, 50000, true);
	cr_assert(r.seg[0].rxt);
	cr_assert_eq(r.seg[0].xmit_us, 50000);
	sack(MSS, 2 * MSS);
	tcp_rack_ack(&r, 0, &sb, 60000);
	/* Segment 1 was re-sent after segment 2 left: not lost. */
	tcp_rack_detect(&r, 200000, 0, &l);
	cr_assert_not(l.lost);
}
