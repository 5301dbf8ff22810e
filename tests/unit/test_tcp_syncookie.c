// SPDX-License-Identifier: MIT
/*
 * test_tcp_syncookie.c - SYN cookies: round trip, expiry, forgery
 */
#include <errno.h>

#include "testutil.h"
#include "tcp_syncookie.h"

static const struct siphash_key key = { 0x1122334455667788ull,
					0x99aabbccddeeff00ull };

#define T0 (1000 * TCP_SYNCOOKIE_PERIOD_US + 12345)

static struct tcp_tuple tuple(void)
{
	struct tcp_tuple t;

	tcp_tuple_v4(&t, 0xc0000201, 80, 0xc6336402, 40000);
	return t;
}

/* RFC 4987 3.6: the MSS survives the round trip, rounded down the table. */
Test(tcp_syncookie, round_trip_recovers_the_encoded_mss)
{
	static const uint16_t rows[][2] = {
		{ 1460, 1460 }, { 9000, 1460 }, { 1440, 1440 }, { 1400, 1300 },
		{ 1300, 1300 }, { 1000, 536 },	{ 536, 536 },	{ 100, 536 },
	};
	struct tcp_tuple t = tuple();

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint16_t enc = 0, dec = 0;
		uint32_t isn = 0xdeadbeef + (uint32_t)i;
		uint32_t c = tcp_syncookie_make(&key, &t, isn, rows[i][0],
						TCP_SYNCOOKIE_NO_TS, T0, &enc);

		cr_assert_eq(enc, rows[i][1], "peer mss %u", rows[i][0]);
		cr_assert_eq(tcp_syncookie_check(&key, &t, isn, c,
						 TCP_SYNCOOKIE_NO_TS, T0, &dec),
			     0);
		cr_assert_eq(dec, rows[i][1]);
	}
}

/*
 * RFC 4987 3.6 (cookies expire): valid while less than MAX_AGE counts
 * old, like Linux, refused after, and refused from the future.
 */
Test(tcp_syncookie, cookie_expires_after_max_age)
{
	struct tcp_tuple t = tuple();
	uint32_t c = tcp_syncookie_make(&key, &t, 7, 1460, TCP_SYNCOOKIE_NO_TS,
					T0, NULL);
	uint64_t p = TCP_SYNCOOKIE_PERIOD_US;
	uint64_t start = T0 - T0 % p;

	cr_assert_eq(tcp_syncookie_check(&key, &t, 7, c, TCP_SYNCOOKIE_NO_TS,
					 start + p - 1, NULL),
		     0);
	cr_assert_eq(tcp_syncookie_check(&key, &t, 7, c, TCP_SYNCOOKIE_NO_TS,
					 start + 2 * p - 1, NULL),
		     0);
	cr_assert_eq(tcp_syncookie_check(&key, &t, 7, c, TCP_SYNCOOKIE_NO_TS,
					 start + 2 * p, NULL),
		     -ETIMEDOUT);
	cr_assert_eq(tcp_syncookie_check(&key, &t, 7, c, TCP_SYNCOOKIE_NO_TS,
					 start - 1, NULL),
		     -ETIMEDOUT);
}

/* The cookie is bound to the tuple, the peer's ISN and the key. */
Test(tcp_syncookie, cookie_is_bound_to_tuple_isn_and_key)
{
	struct tcp_tuple t = tuple(), other = tuple();
	struct siphash_key k2 = key;
	uint32_t c = tcp_syncookie_make(&key, &t, 1000, 1460,
					TCP_SYNCOOKIE_NO_TS, T0, NULL);

	other.rport++;
	k2.k1 ^= 0x100;
	cr_assert_neq(tcp_syncookie_check(&key, &other, 1000, c,
					  TCP_SYNCOOKIE_NO_TS, T0, NULL),
		      0);
	cr_assert_neq(tcp_syncookie_check(&key, &t, 1001, c,
					  TCP_SYNCOOKIE_NO_TS, T0, NULL),
		      0);
	cr_assert_neq(tcp_syncookie_check(&k2, &t, 1000, c, TCP_SYNCOOKIE_NO_TS,
					  T0, NULL),
		      0);
	/*
	 * 1460 is the last table index, so one more is out of range.  (A
	 * cookie nudged by one may decode to a neighbouring MSS, as in
	 * Linux: harmless, since only the holder of the cookie can nudge.)
	 */
	cr_assert_neq(tcp_syncookie_check(&key, &t, 1000, c + 1,
					  TCP_SYNCOOKIE_NO_TS, T0, NULL),
		      0);
}

/*
 * RFC 4987 3.6: an attacker guessing cookies blind almost never wins
 * (4 / 2^24 per guess at a live count): 200000 guesses, none accepted.
 */
Test(tcp_syncookie, blind_guesses_are_rejected)
{
	struct tcp_tuple t = tuple();
	unsigned int seed = 42, accepted = 0;

	for (int i = 0; i < 200000; i++) {
		uint32_t guess = (uint32_t)rand_r(&seed) << 16 ^
				 (uint32_t)rand_r(&seed);

		if (tcp_syncookie_check(&key, &t, 1000, guess,
					TCP_SYNCOOKIE_NO_TS, T0, NULL) == 0)
			accepted++;
	}
	cr_assert_eq(accepted, 0u);
}

/* Cookies look random: different peers' ISNs give unrelated cookies. */
Test(tcp_syncookie, cookies_differ_between_connections)
{
	struct tcp_tuple t = tuple(), u = tuple();

	u.rport = 40001;
	cr_assert_neq(tcp_syncookie_make(&key, &t, 5, 1460, TCP_SYNCOOKIE_NO_TS,
					 T0, NULL),
		      tcp_syncookie_make(&key, &u, 5, 1460, TCP_SYNCOOKIE_NO_TS,
					 T0, NULL));
}

/*
 * RFC 7323 5.4: TSval need only be monotonic, so the option bits ride in
 * its low bits; the TSval never runs ahead of the clock it replaces.
 */
Test(tcp_syncookie, tsval_carries_option_bits_and_never_runs_ahead)
{
	static const uint32_t clocks[] = { 0,	 5,	      63,	  64,
					   1000, 0xffffffc0u, 0xffffffffu };
	uint32_t bits = 7 | TCP_SYNCOOKIE_SACK;

	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		uint32_t ts = tcp_syncookie_tsval(clocks[i], bits);

		cr_assert_eq(ts & TCP_SYNCOOKIE_TSMASK, bits);
		cr_assert_leq(clocks[i] - ts, TCP_SYNCOOKIE_TSMASK, "%u",
			      clocks[i]);
		cr_assert_eq(tcp_syncookie_ts_decode(ts, clocks[i] + 1000),
			     bits);
	}
}

/* Option bits round-trip; impossible shifts, ECN and stale TSecr do not. */
Test(tcp_syncookie, ts_decode_refuses_impossible_or_stale_echoes)
{
	struct tcp_opts o = { .present = TCP_OPT_WS | TCP_OPT_SACKOK, .ws = 9 };
	uint32_t now = 10000000, base = (now - 100) & ~63u;
	uint32_t life = (uint32_t)(TCP_SYNCOOKIE_MAX_AGE *
				   TCP_SYNCOOKIE_PERIOD_US / 1000u);

	cr_assert_eq(tcp_syncookie_opts(&o, true, true),
		     9 | TCP_SYNCOOKIE_SACK);
	cr_assert_eq(tcp_syncookie_opts(&o, false, false),
		     TCP_SYNCOOKIE_WS_NONE);
	o.ws = 20; /* RFC 7323 2.3: clamp to 14 */
	cr_assert_eq(tcp_syncookie_opts(&o, true, false), 14);
	cr_assert_eq(tcp_syncookie_ts_decode(base | 15, now), 15u);
	cr_assert_eq(tcp_syncookie_ts_decode(base | 14, now), 14u);
	cr_assert_eq(
		tcp_syncookie_ts_decode(base | 15 | TCP_SYNCOOKIE_ECN, now),
		TCP_SYNCOOKIE_BAD);
	/* Older than the cookie lifetime, or from the future. */
	cr_assert_eq(
		tcp_syncookie_ts_decode(((now - life - 64) & ~63u) | 3, now),
		TCP_SYNCOOKIE_BAD);
	cr_assert_eq(tcp_syncookie_ts_decode(((now + 6400) & ~63u) | 3, now),
		     TCP_SYNCOOKIE_BAD);
}

/* The option bits are bound into the cookie: another echo fails it. */
Test(tcp_syncookie, cookie_is_bound_to_option_bits)
{
	struct tcp_tuple t = tuple();
	uint32_t bits = 7 | TCP_SYNCOOKIE_SACK;
	uint32_t c = tcp_syncookie_make(&key, &t, 1000, 1460, bits, T0, NULL);
	int bad = 0;

	cr_assert_eq(tcp_syncookie_check(&key, &t, 1000, c, bits, T0, NULL), 0);
	for (uint32_t b = 0; b < 64; b++)
		if (b != bits &&
		    tcp_syncookie_check(&key, &t, 1000, c, b, T0, NULL) == 0)
			bad++;
	cr_assert_eq(tcp_syncookie_check(&key, &t, 1000, c, TCP_SYNCOOKIE_NO_TS,
					 T0, NULL),
		     -EACCES);
	cr_assert_eq(bad, 0);
}
