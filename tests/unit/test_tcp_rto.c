// SPDX-License-Identifier: MIT
/*
 * test_tcp_rto.c - the RFC 6298 estimator against its formulas
 */
#include "testutil.h"
#include "tcp_rto.h"

static struct tcp_rto fresh(void)
{
	struct tcp_rto r;

	tcp_rto_init(&r, NULL);
	return r;
}

/* RFC 6298 2.1: before any sample the RTO is the initial 1 s. */
Test(tcp_rto, initial_rto_is_one_second)
{
	struct tcp_rto r = fresh();

	cr_assert_eq(tcp_rto_timeout(&r), 1000000u);
	cr_assert_not(r.has_sample);
}

/* RFC 6298 2.2: SRTT <- R, RTTVAR <- R/2, RTO <- SRTT + max(G, 4*RTTVAR). */
Test(tcp_rto, first_sample_sets_srtt_and_half_rttvar)
{
	struct tcp_rto r = fresh();

	tcp_rto_sample(&r, 300000);
	cr_assert_eq(r.srtt_us, 300000u);
	cr_assert_eq(r.rttvar_us, 150000u);
	cr_assert_eq(tcp_rto_timeout(&r), 300000u + 4 * 150000u);
}

/* RFC 6298 2.3, numerically: one update from SRTT=100 ms, RTTVAR=50 ms. */
Test(tcp_rto, second_sample_follows_alpha_beta_update)
{
	struct tcp_rto r = fresh();

	tcp_rto_sample(&r, 100000);
	tcp_rto_sample(&r, 180000);
	/* RTTVAR = 3/4 * 50000 + 1/4 * |100000 - 180000| = 57500 */
	cr_assert_eq(r.rttvar_us, 57500u);
	/* SRTT = 7/8 * 100000 + 1/8 * 180000 = 110000 */
	cr_assert_eq(r.srtt_us, 110000u);
	cr_assert_eq(tcp_rto_timeout(&r), 110000u + 4 * 57500u);
}

/*
 * RFC 6298 2.3: a long, noisy sample series tracks the formulas computed
 * in double precision to within a few microseconds.
 */
Test(tcp_rto, long_series_tracks_the_exact_formulas)
{
	struct tcp_rto_cfg cfg;
	struct tcp_rto r;
	double srtt = 0, rttvar = 0;
	unsigned int seed = 7;

	tcp_rto_cfg_default(&cfg);
	cfg.min_us = 1; /* let the raw formula show through */
	tcp_rto_init(&r, &cfg);
	for (int i = 0; i < 2000; i++) {
		uint32_t rtt = 20000 + (uint32_t)(rand_r(&seed) % 80000);

		if (i == 0) {
			srtt = rtt;
			rttvar = rtt / 2.0;
		} else {
			double d = srtt > rtt ? srtt - rtt : rtt - srtt;

			rttvar = 0.75 * rttvar + 0.25 * d;
			srtt = 0.875 * srtt + 0.125 * rtt;
		}
		tcp_rto_sample(&r, rtt);
		cr_assert_lt(
			r.srtt_us > srtt ? r.srtt_us - srtt : srtt - r.srtt_us,
			4.0, "sample %d: srtt %u vs %f", i, r.srtt_us, srtt);
		cr_assert_lt(r.rttvar_us > rttvar ? r.rttvar_us - rttvar
						  : rttvar - r.rttvar_us,
			     4.0, "sample %d: rttvar %u vs %f", i, r.rttvar_us,
			     rttvar);
	}
}

/* RFC 6298 2.2: with a steady RTT, RTTVAR decays and G takes over. */
Test(tcp_rto, granularity_bounds_the_variance_term)
{
	struct tcp_rto_cfg cfg;
	struct tcp_rto r;

	tcp_rto_cfg_default(&cfg);
	cfg.min_us = 1;
	tcp_rto_init(&r, &cfg);
	for (int i = 0; i < 200; i++)
		tcp_rto_sample(&r, 50000);
	cr_assert_eq(r.srtt_us, 50000u);
	/* Rounding to nearest parks RTTVAR at 2 us instead of 0. */
	cr_assert_leq(r.rttvar_us, 2u);
	cr_assert_eq(tcp_rto_timeout(&r), 50000u + TCP_RTO_GRANULARITY_US);
}

/* RFC 6298 2.4 (floor, 200 ms here like Linux) and 2.5 (ceiling). */
Test(tcp_rto, rto_is_clamped_to_min_and_max)
{
	struct tcp_rto r = fresh();

	tcp_rto_sample(&r, 1000);
	cr_assert_eq(tcp_rto_timeout(&r), TCP_RTO_MIN_US);
	r = fresh();
	tcp_rto_sample(&r, 100000000);
	cr_assert_eq(tcp_rto_timeout(&r), TCP_RTO_MAX_US);
}

/* RFC 6298 2.4: the floor is configurable, e.g. the RFC's own 1 s. */
Test(tcp_rto, rfc_one_second_floor_is_configurable)
{
	struct tcp_rto_cfg cfg;
	struct tcp_rto r;

	tcp_rto_cfg_default(&cfg);
	cfg.min_us = 1000000;
	tcp_rto_init(&r, &cfg);
	tcp_rto_sample(&r, 10000);
	cr_assert_eq(tcp_rto_timeout(&r), 1000000u);
}

/* RFC 6298 5.5: each expiry doubles the RTO, capped at the maximum. */
Test(tcp_rto, backoff_doubles_until_the_cap)
{
	struct tcp_rto r = fresh();
	uint32_t expect = 1000000;

	for (int i = 0; i < 10; i++) {
		cr_assert_eq(tcp_rto_timeout(&r), expect, "expiry %d", i);
		tcp_rto_backoff(&r);
		expect = expect * 2 > TCP_RTO_MAX_US ? TCP_RTO_MAX_US
						     : expect * 2;
	}
	for (int i = 0; i < 100; i++)
		tcp_rto_backoff(&r);
	cr_assert_eq(tcp_rto_timeout(&r), TCP_RTO_MAX_US);
}

/* RFC 6298 section 3 (Karn): a retransmitted segment yields no sample. */
Test(tcp_rto, karn_ignores_samples_from_retransmissions)
{
	struct tcp_rto r = fresh();

	tcp_rto_sample(&r, 100000);
	tcp_rto_backoff(&r);
	tcp_rto_backoff(&r);
	cr_assert_not(tcp_rto_on_ack(&r, 5000, true, false));
	cr_assert_eq(r.srtt_us, 100000u);
	/* ... and the backed-off RTO persists (RFC 6298 5.7). */
	cr_assert_eq(r.backoff, 2);
	cr_assert_eq(tcp_rto_timeout(&r), 4 * (100000u + 4 * 50000u));
}

/* RFC 7323 4.1: a timestamp echo disambiguates a retransmission. */
Test(tcp_rto, timestamps_allow_samples_from_retransmissions)
{
	struct tcp_rto r = fresh();

	tcp_rto_sample(&r, 100000);
	tcp_rto_backoff(&r);
	cr_assert(tcp_rto_on_ack(&r, 100000, true, true));
	cr_assert_eq(r.backoff, 0);
}

/* RFC 6298 5.7 / Karn: a valid new sample ends the backoff. */
Test(tcp_rto, valid_sample_resets_backoff)
{
	struct tcp_rto r = fresh();

	tcp_rto_sample(&r, 100000);
	for (int i = 0; i < 3; i++)
		tcp_rto_backoff(&r);
	cr_assert_eq(tcp_rto_timeout(&r), 8 * 300000u);
	cr_assert(tcp_rto_on_ack(&r, 100000, false, false));
	cr_assert_eq(r.backoff, 0);
	cr_assert_lt(tcp_rto_timeout(&r), 300000u);
}

/* Karn's rule as a truth table (RFC 6298 section 3, RFC 7323 4.1). */
Test(tcp_rto, sample_usable_truth_table)
{
	cr_assert(tcp_rto_sample_usable(false, false));
	cr_assert(tcp_rto_sample_usable(false, true));
	cr_assert_not(tcp_rto_sample_usable(true, false));
	cr_assert(tcp_rto_sample_usable(true, true));
}

/* RFC 6298 5.7: a lost SYN with no sample re-initialises the RTO to 3 s. */
Test(tcp_rto, lost_syn_reinitialises_rto_to_three_seconds)
{
	struct tcp_rto r = fresh();

	tcp_rto_backoff(&r);
	tcp_rto_syn_lost(&r);
	cr_assert_eq(tcp_rto_timeout(&r), 3000000u);
	r = fresh();
	tcp_rto_sample(&r, 100000);
	tcp_rto_syn_lost(&r); /* a sample exists: keep the measured RTO */
	cr_assert_eq(tcp_rto_timeout(&r), 300000u);
}

/* The explicit reset (for restart after idle) clears only the backoff. */
Test(tcp_rto, reset_backoff_keeps_the_averages)
{
	struct tcp_rto r = fresh();

	tcp_rto_sample(&r, 100000);
	tcp_rto_backoff(&r);
	tcp_rto_reset_backoff(&r);
	cr_assert_eq(tcp_rto_timeout(&r), 300000u);
	cr_assert_eq(r.srtt_us, 100000u);
}
