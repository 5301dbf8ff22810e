// SPDX-License-Identifier: MIT
/*
 * test_tcp_cc.c - the congestion-control registry, Reno and NewReno:
 *                 cwnd trajectories over scripted ACK sequences
 */
#include <errno.h>

#include "testutil.h"
#include "tcp_cc.h"

#define MSS 1000u
#define ISS 1000000u

static struct tcp_cc_state start(const char *algo)
{
	struct tcp_cc_state s;

	cr_assert_eq(tcp_cc_init(&s, tcp_cc_find(algo), MSS, ISS, 0), 0);
	return s;
}

/*
 * One round trip: every segment of the current window is acknowledged,
 * @per_ack segments per ACK (2 models delayed ACKs).  Returns the ACK
 * number reached.
 */
static uint32_t round_trip(struct tcp_cc_state *s, uint32_t una,
			   uint32_t per_ack)
{
	uint32_t segs = s->cwnd / MSS;
	uint32_t nxt = una + segs * MSS;

	for (uint32_t i = 0; i < segs; i += per_ack) {
		uint32_t n = segs - i < per_ack ? segs - i : per_ack;
		struct tcp_cc_ack a = {
			.ack = una + (i + n) * MSS,
			.acked = n * MSS,
			.flight = nxt - (una + (i + n) * MSS),
			.srtt_us = 100000,
		};

		cr_assert_eq(tcp_cc_on_ack(s, &a), TCP_CC_ACK_NEW);
	}
	return nxt;
}

static const char *const algos[] = { "reno", "newreno", "cubic" };

/* TCP_CONGESTION names, as net.ipv4.tcp_available_congestion_control. */
Test(tcp_cc, registry_finds_each_algorithm_by_name)
{
	char buf[64];

	for (size_t i = 0; i < 3; i++) {
		const struct tcp_cc_ops *ops = tcp_cc_find(algos[i]);

		cr_assert_not_null(ops, "%s", algos[i]);
		cr_assert_str_eq(ops->name, algos[i]);
	}
	cr_assert_null(tcp_cc_find("bbr"));
	cr_assert_null(tcp_cc_find(""));
	cr_assert_null(tcp_cc_find(NULL));
	cr_assert_eq(tcp_cc_list(buf, sizeof(buf)), 18u);
	cr_assert_str_eq(buf, "reno newreno cubic");
}

/* The list is cut short, still NUL-terminated, and reports its size. */
Test(tcp_cc, list_truncates_safely)
{
	char buf[8];

	cr_assert_eq(tcp_cc_list(buf, sizeof(buf)), 18u);
	cr_assert_str_eq(buf, "reno ne");
	cr_assert_eq(tcp_cc_list(NULL, 0), 18u);
}

/* RFC 6928 section 2: IW = min(10*MSS, max(2*MSS, 14600)). */
Test(tcp_cc, initial_window_follows_rfc6928)
{
	static const struct {
		uint32_t mss, iw;
	} rows[] = {
		{ 536, 5360 },	  /* 10 segments */
		{ 1000, 10000 },  /* 10 segments */
		{ 1460, 14600 },  /* both bounds meet */
		{ 4000, 14600 },  /* 14600 caps it */
		{ 8960, 17920 },  /* jumbo: 2 segments */
		{ 65495, 130990 } /* loopback MSS */
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		cr_assert_eq(tcp_cc_initial_window(rows[i].mss), rows[i].iw,
			     "mss %u", rows[i].mss);
}

/* RFC 5681 3.1: cwnd starts at IW, ssthresh "arbitrarily high". */
Test(tcp_cc, init_sets_iw_and_infinite_ssthresh)
{
	struct tcp_cc_state s;

	for (size_t i = 0; i < 3; i++) {
		s = start(algos[i]);
		cr_assert_eq(s.cwnd, 10 * MSS);
		cr_assert_eq(s.ssthresh, TCP_CC_INFINITE_SSTHRESH);
		cr_assert_eq(s.recover, ISS); /* RFC 6582 3.2 step 1 */
		cr_assert_not(s.in_recovery);
	}
	cr_assert_eq(tcp_cc_init(&s, NULL, 0, ISS, 0), -EINVAL);
	cr_assert_eq(tcp_cc_init(&s, NULL, MSS, ISS, 0), 0);
	cr_assert_str_eq(s.ops->name, TCP_CC_DEFAULT);
}

/* RFC 5681 3.1: slow start doubles cwnd every round trip. */
Test(tcp_cc, slow_start_doubles_cwnd_per_rtt)
{
	for (size_t i = 0; i < 3; i++) {
		struct tcp_cc_state s = start(algos[i]);
		uint32_t una = ISS + 1, expect = 10 * MSS;

		for (int rtt = 0; rtt < 6; rtt++) {
			cr_assert_eq(s.cwnd, expect, "%s rtt %d", algos[i],
				     rtt);
			una = round_trip(&s, una, 1);
			expect *= 2;
		}
	}
}

/*
 * RFC 3465 section 2 (L = 2*SMSS): with delayed ACKs, one ACK per two
 * segments, slow start still doubles per round trip.
 */
Test(tcp_cc, slow_start_with_delayed_acks_still_doubles)
{
	struct tcp_cc_state s = start("reno");
	uint32_t una = ISS + 1;

	for (int rtt = 0; rtt < 4; rtt++)
		una = round_trip(&s, una, 2);
	cr_assert_eq(s.cwnd, 160 * MSS);
}

/* RFC 3465 section 2: one stretch ACK grows cwnd by at most L = 2 SMSS. */
Test(tcp_cc, abc_limits_a_stretch_ack_to_two_smss)
{
	struct tcp_cc_state s = start("newreno");
	struct tcp_cc_ack a = { .ack = ISS + 1 + 10 * MSS, .acked = 10 * MSS };

	tcp_cc_on_ack(&s, &a);
	cr_assert_eq(s.cwnd, 12 * MSS);
	a.acked = 500; /* a partial segment counts as its bytes */
	tcp_cc_on_ack(&s, &a);
	cr_assert_eq(s.cwnd, 12 * MSS + 500);
}

/* RFC 3465 section 2: after an RTO, slow start uses L = 1 SMSS. */
Test(tcp_cc, slow_start_after_rto_counts_one_smss_per_ack)
{
	struct tcp_cc_state s = start("reno");
	struct tcp_cc_event e = { .flight = 40 * MSS, .snd_nxt = ISS + 1 };
	struct tcp_cc_ack a = { .acked = 4 * MSS };

	tcp_cc_on_rto_timeout(&s, &e);
	cr_assert_eq(s.cwnd, MSS);
	tcp_cc_on_ack(&s, &a);
	cr_assert_eq(s.cwnd, 2 * MSS);
	tcp_cc_on_ack(&s, &a);
	cr_assert_eq(s.cwnd, 3 * MSS);
}

/* RFC 5681 3.1 / RFC 3465 2.1: avoidance adds one SMSS per round trip. */
Test(tcp_cc, congestion_avoidance_adds_one_smss_per_rtt)
{
	for (size_t i = 0; i < 2; i++) {
		struct tcp_cc_state s = start(algos[i]);
		uint32_t una = ISS + 1;

		s.cwnd = 20 * MSS;
		s.ssthresh = 20 * MSS;
		for (uint32_t rtt = 0; rtt < 10; rtt++) {
			cr_assert_eq(s.cwnd, (20 + rtt) * MSS, "%s rtt %u",
				     algos[i], rtt);
			una = round_trip(&s, una, 1);
		}
	}
}

/* RFC 5681 3.1: slow start ends once cwnd reaches ssthresh. */
Test(tcp_cc, slow_start_hands_over_to_avoidance_at_ssthresh)
{
	struct tcp_cc_state s = start("reno");
	uint32_t una = ISS + 1;

	s.ssthresh = 20 * MSS;
	una = round_trip(&s, una, 1); /* 10 -> 20 segments */
	cr_assert_eq(s.cwnd, 20 * MSS);
	round_trip(&s, una, 1); /* now linear */
	cr_assert_eq(s.cwnd, 21 * MSS);
}

/*
 * RFC 5681 3.2 steps 2-3: ssthresh = max(FlightSize/2, 2*SMSS), and
 * cwnd = ssthresh + 3*SMSS.
 */
Test(tcp_cc_reno, loss_halves_cwnd_to_half_flight)
{
	for (size_t i = 0; i < 2; i++) {
		struct tcp_cc_state s = start(algos[i]);
		struct tcp_cc_event e = { .flight = 40 * MSS,
					  .snd_nxt = ISS + 1 + 40 * MSS };

		s.cwnd = 40 * MSS;
		tcp_cc_on_congestion_event(&s, &e);
		cr_assert_eq(s.ssthresh, 20 * MSS, "%s", algos[i]);
		cr_assert_eq(s.cwnd, 23 * MSS, "%s", algos[i]);
		cr_assert(s.in_recovery);
	}
}

/*
 * RFC 5681 3.1 eq. (4): ssthresh halves FlightSize, not cwnd, and is
 * never below 2 SMSS.
 */
Test(tcp_cc_reno, ssthresh_uses_flight_size_with_two_smss_floor)
{
	static const struct {
		uint32_t flight, ssthresh;
	} rows[] = {
		{ 40 * MSS, 20 * MSS }, { 5 * MSS, 2500 }, { 4 * MSS, 2 * MSS },
		{ 3 * MSS, 2 * MSS },	{ 0, 2 * MSS },	   { 7 * MSS, 3500 },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		cr_assert_eq(tcp_cc_reno_ssthresh(rows[i].flight, MSS),
			     rows[i].ssthresh, "flight %u", rows[i].flight);
}

/* RFC 5681 3.2 step 4: each further duplicate ACK inflates by SMSS. */
Test(tcp_cc_reno, dupacks_inflate_cwnd_during_recovery)
{
	struct tcp_cc_state s = start("reno");
	struct tcp_cc_event e = { .flight = 20 * MSS,
				  .snd_nxt = ISS + 1 + 20 * MSS };

	tcp_cc_on_dupack(&s); /* outside recovery: the TCB just counts */
	cr_assert_eq(s.cwnd, 10 * MSS);
	tcp_cc_on_congestion_event(&s, &e);
	cr_assert_eq(s.cwnd, 13 * MSS);
	for (int i = 0; i < 5; i++)
		tcp_cc_on_dupack(&s);
	cr_assert_eq(s.cwnd, 18 * MSS);
}

/* RFC 5681 3.2 step 6: the first new ACK deflates cwnd to ssthresh. */
Test(tcp_cc_reno, new_ack_ends_recovery_at_ssthresh)
{
	struct tcp_cc_state s = start("reno");
	struct tcp_cc_event e = { .flight = 20 * MSS,
				  .snd_nxt = ISS + 1 + 20 * MSS };
	struct tcp_cc_ack a = { .ack = ISS + 1 + MSS,
				.acked = MSS,
				.flight = 19 * MSS };

	tcp_cc_on_congestion_event(&s, &e);
	tcp_cc_on_dupack(&s);
	cr_assert_eq(tcp_cc_on_ack(&s, &a), TCP_CC_ACK_RECOVERED);
	cr_assert_eq(s.cwnd, 10 * MSS);
	cr_assert_not(s.in_recovery);
}

/* RFC 5681 3.1: a timeout sets cwnd to LW = 1 SMSS, ssthresh to eq. 4. */
Test(tcp_cc_reno, rto_collapses_cwnd_to_one_segment)
{
	for (size_t i = 0; i < 2; i++) {
		struct tcp_cc_state s = start(algos[i]);
		struct tcp_cc_event e = { .flight = 30 * MSS,
					  .snd_nxt = ISS + 1 + 30 * MSS };

		s.cwnd = 30 * MSS;
		tcp_cc_on_rto_timeout(&s, &e);
		cr_assert_eq(s.cwnd, MSS, "%s", algos[i]);
		cr_assert_eq(s.ssthresh, 15 * MSS, "%s", algos[i]);
		cr_assert_eq(s.recover, e.snd_nxt); /* RFC 6582 step 4 */
	}
}

/*
 * RFC 5681 3.1: ssthresh is set only when "the given segment has not yet
 * been resent by way of the retransmission timer"; a repeated timeout
 * (FlightSize now one segment) must not shrink it to 2 SMSS.
 */
Test(tcp_cc_reno, repeated_rto_keeps_ssthresh)
{
	struct tcp_cc_state s = start("reno");
	struct tcp_cc_event e = { .flight = 30 * MSS, .snd_nxt = ISS + 1 };

	tcp_cc_on_rto_timeout(&s, &e);
	e.flight = MSS;
	e.repeated = true;
	tcp_cc_on_rto_timeout(&s, &e);
	cr_assert_eq(s.ssthresh, 15 * MSS);
	cr_assert_eq(s.cwnd, MSS);
}

/* RFC 5681 3.1: a timeout during fast recovery ends the recovery. */
Test(tcp_cc_reno, rto_during_recovery_exits_recovery)
{
	struct tcp_cc_state s = start("newreno");
	struct tcp_cc_event e = { .flight = 20 * MSS,
				  .snd_nxt = ISS + 1 + 20 * MSS };

	tcp_cc_on_congestion_event(&s, &e);
	e.flight = 18 * MSS;
	tcp_cc_on_rto_timeout(&s, &e);
	cr_assert_not(s.in_recovery);
	cr_assert_eq(s.cwnd, MSS);
}

/* Plain Reno (RFC 5681) has no "recover" guard. */
Test(tcp_cc_reno, reno_may_fast_retransmit_whenever_not_recovering)
{
	struct tcp_cc_state s = start("reno");
	struct tcp_cc_event e = { .flight = 20 * MSS,
				  .snd_nxt = ISS + 1 + 20 * MSS };

	cr_assert(tcp_cc_may_fast_retransmit(&s, ISS + 1));
	tcp_cc_on_rto_timeout(&s, &e);
	cr_assert(tcp_cc_may_fast_retransmit(&s, ISS + 1));
	tcp_cc_on_congestion_event(&s, &e);
	cr_assert_not(tcp_cc_may_fast_retransmit(&s, ISS + 1));
}

/*
 * RFC 6582 3.2 step 5, partial ACK: deflate by the amount acknowledged,
 * add back one SMSS when at least one SMSS was acknowledged, and tell the
 * TCB to retransmit the next hole.
 */
Test(tcp_cc_newreno, partial_ack_deflates_and_asks_for_retransmit)
{
	struct tcp_cc_state s = start("newreno");
	uint32_t una = ISS + 1;
	struct tcp_cc_event e = { .flight = 20 * MSS,
				  .snd_nxt = una + 20 * MSS };
	struct tcp_cc_ack a = { .ack = una + 3 * MSS,
				.acked = 3 * MSS,
				.flight = 17 * MSS };

	tcp_cc_on_congestion_event(&s, &e); /* ssthresh 10, cwnd 13 */
	for (int i = 0; i < 4; i++)
		tcp_cc_on_dupack(&s); /* cwnd 17 */
	cr_assert_eq(tcp_cc_on_ack(&s, &a), TCP_CC_ACK_PARTIAL);
	cr_assert_eq(s.cwnd, 17 * MSS - 3 * MSS + MSS);
	cr_assert(s.in_recovery);
	/* Less than one SMSS acknowledged: no add-back. */
	a.ack += 400;
	a.acked = 400;
	cr_assert_eq(tcp_cc_on_ack(&s, &a), TCP_CC_ACK_PARTIAL);
	cr_assert_eq(s.cwnd, 15 * MSS - 400);
}

/*
 * RFC 6582 3.2 step 5, full ACK, option (1):
 * cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS).
 */
Test(tcp_cc_newreno, full_ack_exits_with_option_one_window)
{
	static const struct {
		uint32_t flight, cwnd;
	} rows[] = {
		{ 0, 2 * MSS },		/* max(0, SMSS) + SMSS */
		{ 3 * MSS, 4 * MSS },	/* FlightSize + SMSS */
		{ 30 * MSS, 10 * MSS }, /* capped by ssthresh */
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct tcp_cc_state s = start("newreno");
		uint32_t una = ISS + 1;
		struct tcp_cc_event e = { .flight = 20 * MSS,
					  .snd_nxt = una + 20 * MSS };
		struct tcp_cc_ack a = { .ack = una + 20 * MSS,
					.acked = 20 * MSS,
					.flight = rows[i].flight };

		tcp_cc_on_congestion_event(&s, &e);
		cr_assert_eq(tcp_cc_on_ack(&s, &a), TCP_CC_ACK_RECOVERED);
		cr_assert_eq(s.cwnd, rows[i].cwnd, "row %zu", i);
		cr_assert_not(s.in_recovery);
	}
}

/*
 * RFC 6582 3.2: three losses in one window are repaired by partial ACKs
 * without leaving recovery, then a full ACK exits once.
 */
Test(tcp_cc_newreno, several_losses_stay_in_one_recovery)
{
	struct tcp_cc_state s = start("newreno");
	uint32_t una = ISS + 1;
	struct tcp_cc_event e = { .flight = 20 * MSS,
				  .snd_nxt = una + 20 * MSS };
	uint32_t acks[] = { 5, 11, 20 };

	tcp_cc_on_congestion_event(&s, &e);
	for (size_t i = 0; i < 3; i++) {
		uint32_t to = ISS + 1 + acks[i] * MSS;
		struct tcp_cc_ack a = { .ack = to,
					.acked = to - una,
					.flight = e.snd_nxt - to };

		una = to;
		cr_assert_eq(tcp_cc_on_ack(&s, &a),
			     i < 2 ? TCP_CC_ACK_PARTIAL : TCP_CC_ACK_RECOVERED,
			     "ack %zu", i);
	}
	cr_assert_eq(s.ssthresh, 10 * MSS); /* halved once, not thrice */
}

/*
 * RFC 6582 3.2 step 2: a third duplicate ACK that does not cover more
 * than "recover" must not start another fast retransmit.
 */
Test(tcp_cc_newreno, fast_retransmit_only_past_recover)
{
	struct tcp_cc_state s = start("newreno");
	uint32_t una = ISS + 1;
	struct tcp_cc_event e = { .flight = 20 * MSS,
				  .snd_nxt = una + 20 * MSS };

	cr_assert(tcp_cc_may_fast_retransmit(&s, una)); /* ISS < una */
	tcp_cc_on_rto_timeout(&s, &e);			/* recover = snd_nxt */
	cr_assert_not(tcp_cc_may_fast_retransmit(&s, una + 5 * MSS));
	cr_assert_not(tcp_cc_may_fast_retransmit(&s, e.snd_nxt));
	cr_assert(tcp_cc_may_fast_retransmit(&s, e.snd_nxt + 1));
	tcp_cc_on_congestion_event(&s, &e);
	cr_assert_not(tcp_cc_may_fast_retransmit(&s, e.snd_nxt + 1));
}

/* RFC 6675 end of recovery, driven by the TCB: the algorithm's exit. */
Test(tcp_cc_newreno, explicit_recovery_exit_from_sack_recovery)
{
	struct tcp_cc_state s = start("newreno");
	struct tcp_cc_event e = { .flight = 20 * MSS,
				  .snd_nxt = ISS + 1 + 20 * MSS };

	tcp_cc_on_recovery_exit(&s, 0); /* not recovering: no effect */
	cr_assert_eq(s.cwnd, 10 * MSS);
	tcp_cc_on_congestion_event(&s, &e);
	tcp_cc_on_recovery_exit(&s, 15 * MSS);
	cr_assert_not(s.in_recovery);
	cr_assert_eq(s.cwnd, 10 * MSS);
}

/* RFC 7323 2.3: windows stop at 2^30 however many ACKs arrive. */
Test(tcp_cc, cwnd_saturates_at_the_largest_window)
{
	struct tcp_cc_state s = start("reno");
	struct tcp_cc_ack a = { .acked = 2 * MSS };

	s.cwnd = TCP_CC_CWND_MAX - MSS;
	tcp_cc_on_ack(&s, &a);
	cr_assert_eq(s.cwnd, TCP_CC_CWND_MAX);
	tcp_cc_on_ack(&s, &a);
	cr_assert_eq(s.cwnd, TCP_CC_CWND_MAX);
}
