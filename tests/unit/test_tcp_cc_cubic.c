// SPDX-License-Identifier: MIT
/*
 * test_tcp_cc_cubic.c - CUBIC (RFC 9438) against its own formulas
 */
#include "testutil.h"
#include "tcp_cc.h"

#define MSS 1000u
#define ISS 5000u

static double fabs_(double x)
{
	return x < 0 ? -x : x;
}

static struct tcp_cc_state start(void)
{
	struct tcp_cc_state s;

	cr_assert_eq(tcp_cc_init(&s, &tcp_cc_cubic, MSS, ISS, 0), 0);
	return s;
}

/* A loss at @segs in flight, then the full ACK that ends recovery. */
static void lose_and_recover(struct tcp_cc_state *s, uint32_t segs,
			     uint32_t *una, uint64_t now)
{
	struct tcp_cc_event e = { .flight = segs * MSS,
				  .snd_nxt = *una + segs * MSS,
				  .now_us = now };
	struct tcp_cc_ack a = { .ack = e.snd_nxt,
				.acked = segs * MSS,
				.flight = segs * MSS, /* new data in flight */
				.now_us = now };

	tcp_cc_on_congestion_event(s, &e);
	cr_assert_eq(tcp_cc_on_ack(s, &a), TCP_CC_ACK_RECOVERED);
	*una = e.snd_nxt;
}

/*
 * One round trip of @rtt_us in congestion avoidance: every segment of the
 * window is acknowledged, ACKs spread evenly over the round trip.
 */
static uint64_t round_trip(struct tcp_cc_state *s, uint32_t *una, uint64_t now,
			   uint32_t rtt_us)
{
	uint32_t segs = s->cwnd / MSS;

	for (uint32_t i = 0; i < segs; i++) {
		struct tcp_cc_ack a = {
			.ack = *una + MSS,
			.acked = MSS,
			.flight = (segs - i - 1) * MSS,
			.srtt_us = rtt_us,
			.now_us = now + (uint64_t)rtt_us * i / segs,
		};

		*una += MSS;
		cr_assert_eq(tcp_cc_on_ack(s, &a), TCP_CC_ACK_NEW);
	}
	return now + rtt_us;
}

static double cwnd_segs(const struct tcp_cc_state *s)
{
	return (double)s->cwnd / MSS;
}

/* The cube root behind K (RFC 9438 4.2), exact to rounding. */
Test(tcp_cc_cubic, cube_root_is_exact)
{
	static const double rows[][2] = {
		{ 27, 3 },
		{ 0.001, 0.1 },
		{ 1e9, 1000 },
		{ 1, 1 },
		{ 75, 4.217163326508746 },
		{ 0, 0 },
		{ -8, 0 },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		cr_assert_lt(fabs_(tcp_cc_cubic_cbrt(rows[i][0]) - rows[i][1]),
			     1e-12 * (rows[i][1] + 1), "cbrt(%g)", rows[i][0]);
	double y = 0.01;

	for (int i = 0; i < 40; i++, y *= 1.37)
		cr_assert_lt(fabs_(tcp_cc_cubic_cbrt(y * y * y) - y), 1e-12 * y,
			     "cbrt(%g^3)", y);
}

/* RFC 9438 4.2 Figure 2: K = cbrt((W_max - cwnd_epoch) / C), C = 0.4. */
Test(tcp_cc_cubic, k_matches_the_rfc_formula)
{
	cr_assert_lt(fabs_(tcp_cc_cubic_k(100, 70) - 4.217163326508746), 1e-12);
	cr_assert_lt(fabs_(tcp_cc_cubic_k(1000, 700) - 9.085602964160698),
		     1e-12);
	cr_assert_eq(tcp_cc_cubic_k(50, 50), 0);
}

/*
 * RFC 9438 4.2 Figure 1: W_cubic(K) = W_max, concave (below W_max and
 * flattening) before K, convex (above W_max and steepening) after.
 */
Test(tcp_cc_cubic, w_cubic_is_concave_then_convex_around_k)
{
	double k = tcp_cc_cubic_k(1000, 700);
	double prev_step = 1e9;

	cr_assert_lt(fabs_(tcp_cc_cubic_w(1000, k, 0) - 700), 1e-9);
	cr_assert_lt(fabs_(tcp_cc_cubic_w(1000, k, k) - 1000), 1e-9);
	cr_assert_lt(fabs_(tcp_cc_cubic_w(1000, k, 2) - 857.7047407057063),
		     1e-9);
	for (int i = 0; i * 0.5 + 0.5 < k; i++) {
		double t = i * 0.5;
		double step = tcp_cc_cubic_w(1000, k, t + 0.5) -
			      tcp_cc_cubic_w(1000, k, t);

		cr_assert_gt(step, 0);
		cr_assert_lt(step, prev_step, "concave at t=%g", t);
		prev_step = step;
	}
	prev_step = 0;
	for (int i = 0; i < 10; i++) {
		double t = k + i * 0.5;
		double step = tcp_cc_cubic_w(1000, k, t + 0.5) -
			      tcp_cc_cubic_w(1000, k, t);

		cr_assert_gt(step, prev_step, "convex at t=%g", t);
		prev_step = step;
	}
}

/*
 * RFC 9438 4.6: ssthresh = FlightSize * beta_cubic (0.7); W_max and
 * cwnd_prior remember the window before the reduction.
 */
Test(tcp_cc_cubic, loss_reduces_to_beta_of_flight)
{
	struct tcp_cc_state s = start();
	struct tcp_cc_event e = { .flight = 100 * MSS, .snd_nxt = ISS + 1 };

	s.cwnd = 100 * MSS;
	tcp_cc_on_congestion_event(&s, &e);
	cr_assert_eq(s.ssthresh, 70 * MSS);
	cr_assert_eq(s.cwnd, 73 * MSS); /* RFC 5681 3.2 step 3 inflation */
	cr_assert_lt(fabs_(s.u.cubic.w_max - 100), 1e-9);
	cr_assert_lt(fabs_(s.u.cubic.cwnd_prior - 100), 1e-9);
	/* RFC 9438 4.6: ssthresh is at least 2 segments. */
	s = start();
	e.flight = 2 * MSS;
	tcp_cc_on_congestion_event(&s, &e);
	cr_assert_eq(s.ssthresh, 2 * MSS);
}

/*
 * RFC 9438 4.7: a loss before the window regained W_max lowers W_max to
 * cwnd * (1 + beta) / 2, releasing bandwidth to newer flows; with fast
 * convergence off W_max is just cwnd.
 */
Test(tcp_cc_cubic, fast_convergence_lowers_w_max)
{
	for (int fc = 0; fc < 2; fc++) {
		struct tcp_cc_state s = start();
		uint32_t una = ISS + 1;

		s.u.cubic.fast_convergence = fc;
		s.cwnd = 100 * MSS;
		lose_and_recover(&s, 100, &una, 0);
		s.cwnd = 80 * MSS;
		lose_and_recover(&s, 80, &una, 1000000);
		cr_assert_lt(fabs_(s.u.cubic.w_max - (fc ? 68.0 : 80.0)), 1e-9,
			     "fast convergence %d: w_max %g", fc,
			     s.u.cubic.w_max);
	}
}

/* RFC 9438 4.2: the first ACK in avoidance starts the epoch and sets K. */
Test(tcp_cc_cubic, epoch_start_computes_k_from_w_max_and_cwnd)
{
	struct tcp_cc_state s = start();
	uint32_t una = ISS + 1;

	s.cwnd = 100 * MSS;
	lose_and_recover(&s, 100, &una, 0);
	cr_assert_eq(s.cwnd, 70 * MSS);
	cr_assert_not(s.u.cubic.epoch_valid);
	round_trip(&s, &una, 1000, 100000);
	cr_assert(s.u.cubic.epoch_valid);
	cr_assert_eq(s.u.cubic.t_epoch_us, 1000u);
	cr_assert_lt(fabs_(s.u.cubic.k - 4.217163326508746), 1e-12);
	cr_assert_lt(fabs_(s.u.cubic.cwnd_epoch - 70), 1e-12);
}

/*
 * RFC 9438 4.4 and 4.5: over many round trips cwnd follows W_cubic(t):
 * concave up to W_max at t = K, then convex.  1000-segment window, 100 ms
 * RTT, so the Reno-friendly estimate stays far below the cubic curve.
 */
Test(tcp_cc_cubic, trajectory_follows_w_cubic_through_both_regions)
{
	struct tcp_cc_state s = start();
	uint32_t una = ISS + 1;
	uint64_t t0 = 5000000, now = t0;
	double k = tcp_cc_cubic_k(1000, 700), prev = 0, prev_step = 1e9;
	int rtts = 0;

	s.cwnd = 1000 * MSS;
	lose_and_recover(&s, 1000, &una, now);
	for (; rtts < 130; rtts++) {
		double t = (double)(now - t0) / 1e6;
		double w = tcp_cc_cubic_w(1000, k, t);
		double c = cwnd_segs(&s);

		cr_assert_lt(fabs_(c - w) / w, 0.01,
			     "rtt %d t=%.1f: cwnd %.1f vs W_cubic %.1f", rtts,
			     t, c, w);
		if (rtts > 0 && t + 0.5 < k) {
			cr_assert_leq(c - prev, prev_step + 0.5,
				      "concave at t=%.1f", t);
			prev_step = c - prev;
		}
		prev = c;
		now = round_trip(&s, &una, now, 100000);
	}
	/* t = 13 s is well past K = 9.09 s: convex and above W_max. */
	cr_assert_gt(cwnd_segs(&s), 1000 + 20);
}

/*
 * RFC 9438 4.3: with a short RTT and small window the Reno estimate
 * W_est outruns W_cubic and cwnd follows it: alpha_cubic (0.53) segments
 * per RTT until W_est reaches cwnd_prior, then 1 per RTT.
 */
Test(tcp_cc_cubic, reno_friendly_region_tracks_w_est)
{
	struct tcp_cc_state s = start();
	uint32_t una = ISS + 1;
	uint64_t now = 0;
	double before;

	s.cwnd = 10 * MSS;
	lose_and_recover(&s, 10, &una, now);
	cr_assert_eq(s.cwnd, 7 * MSS);
	now = round_trip(&s, &una, now, 1000);
	before = cwnd_segs(&s);
	for (int i = 0; i < 4; i++)
		now = round_trip(&s, &una, now, 1000);
	/* Four RTTs at alpha_cubic = 3 * 0.3 / 1.7 = 0.529. */
	cr_assert_gt(cwnd_segs(&s) - before, 4 * 0.40);
	cr_assert_lt(cwnd_segs(&s) - before, 4 * 0.60);
	for (int i = 0; i < 5; i++)
		now = round_trip(&s, &una, now, 1000);
	before = cwnd_segs(&s);
	cr_assert_gt(s.u.cubic.w_est, 10.0);
	for (int i = 0; i < 10; i++)
		now = round_trip(&s, &una, now, 1000);
	/* Past cwnd_prior: alpha = 1, about one segment per RTT. */
	cr_assert_gt(cwnd_segs(&s) - before, 10 * 0.85);
	cr_assert_lt(cwnd_segs(&s) - before, 10 * 1.05);
	cr_assert_gt(cwnd_segs(&s),
		     tcp_cc_cubic_w(10, s.u.cubic.k, (double)now / 1e6) + 5);
}

/*
 * RFC 9438 4.8: a timeout collapses cwnd to one segment with ssthresh
 * from beta_cubic; the next epoch has K = 0 and W_max = its start window.
 */
Test(tcp_cc_cubic, rto_collapses_and_restarts_with_k_zero)
{
	struct tcp_cc_state s = start();
	struct tcp_cc_event e = { .flight = 100 * MSS,
				  .snd_nxt = ISS + 1 + 100 * MSS };
	uint32_t una = ISS + 1;
	uint64_t now = 0;

	s.cwnd = 100 * MSS;
	tcp_cc_on_rto_timeout(&s, &e);
	cr_assert_eq(s.cwnd, MSS);
	cr_assert_eq(s.ssthresh, 70 * MSS);
	while (s.cwnd < s.ssthresh)
		now = round_trip(&s, &una, now, 10000);
	round_trip(&s, &una, now, 10000);
	cr_assert(s.u.cubic.epoch_valid);
	cr_assert_eq(s.u.cubic.k, 0);
	cr_assert_eq(s.u.cubic.w_max, s.u.cubic.cwnd_epoch);
	cr_assert_geq(s.u.cubic.cwnd_epoch, 70);
}

/*
 * RFC 9438 4.3 then 4.5: with no loss yet (K = 0, W_max = the window at
 * the start of avoidance) W_cubic = 0.4 t^3 + W_max first trails the
 * Reno estimate (about one segment per RTT here), then overtakes it near
 * t = 5 s and from there grows convexly: each RTT adds more than the last.
 */
Test(tcp_cc_cubic, first_avoidance_without_loss_turns_convex)
{
	struct tcp_cc_state s = start();
	uint32_t una = ISS + 1;
	uint64_t now = 0;
	double prev = 0, prev_step = 0;

	s.cwnd = 200 * MSS;
	s.ssthresh = 200 * MSS;
	for (int i = 0; i < 100; i++) {
		now = round_trip(&s, &una, now, 100000);
		if (i == 30) /* Reno-friendly: ~1 segment per RTT */
			cr_assert_lt(fabs_(cwnd_segs(&s) - 231), 2.0, "%g",
				     cwnd_segs(&s));
		if (i >= 65) {
			cr_assert_geq(cwnd_segs(&s) - prev, prev_step - 0.05,
				      "rtt %d", i);
			prev_step = cwnd_segs(&s) - prev;
		}
		prev = cwnd_segs(&s);
	}
	cr_assert_eq(s.u.cubic.k, 0);
	/* t = 10 s: W_cubic = 0.4 * 1000 + 200 = 600 segments. */
	cr_assert_lt(fabs_(cwnd_segs(&s) - 600) / 600, 0.02, "%g",
		     cwnd_segs(&s));
}

/* RFC 9438 4.2: target is capped at 1.5 * cwnd per round trip. */
Test(tcp_cc_cubic, growth_per_rtt_is_capped_at_half_the_window)
{
	struct tcp_cc_state s = start();
	uint32_t una = ISS + 1;

	s.cwnd = 100 * MSS;
	s.ssthresh = 100 * MSS;
	round_trip(&s, &una, 0, 100000); /* epoch starts at t = 0 */
	/* 60 s later the curve is far above: one RTT may add at most 50%. */
	round_trip(&s, &una, 60000000, 100000);
	cr_assert_leq(s.cwnd, 152 * MSS);
	cr_assert_geq(s.cwnd, 140 * MSS);
}
