// SPDX-License-Identifier: MIT
/*
 * test_tcp_isn.c - RFC 6528 initial sequence numbers
 */
#include "testutil.h"
#include "tcp_isn.h"
#include "tcp_seq.h"

static const struct siphash_key key = { 0x0706050403020100ull,
					0x0f0e0d0c0b0a0908ull };

static struct tcp_tuple tuple(uint16_t lport)
{
	struct tcp_tuple t;

	tcp_tuple_v4(&t, 0xc0000201, lport, 0xc6336402, 443);
	return t;
}

/* IPv4 travels as IPv4-mapped IPv6 (RFC 4291 2.5.5.2), ports big endian. */
Test(tcp_isn, tuple_bytes_are_v4_mapped_in_rfc6528_order)
{
	static const uint8_t want[TCP_TUPLE_BYTES] = {
		0,   0, 0,    0,    0,	 0,  0,	  0, 0,	   0,	 0xff, 0xff,
		192, 0, 2,    1,    0,	 0,  0,	  0, 0,	   0,	 0,    0,
		0,   0, 0xff, 0xff, 198, 51, 100, 2, 0xc3, 0x50, 0x01, 0xbb,
	};
	struct tcp_tuple t = tuple(50000);
	uint8_t b[TCP_TUPLE_BYTES];

	tcp_tuple_bytes(&t, b);
	tu_assert_bytes(b, sizeof(b), want, sizeof(want), "tuple");
}

/* RFC 6528 section 3: ISN = M + F(tuple, key), M ticking every 4 us. */
Test(tcp_isn, isn_is_four_microsecond_clock_plus_keyed_hash)
{
	struct tcp_tuple t = tuple(50000);
	uint8_t b[TCP_TUPLE_BYTES];
	uint32_t f;

	tcp_tuple_bytes(&t, b);
	f = (uint32_t)siphash24(&key, b, sizeof(b));
	cr_assert_eq(tcp_isn(&key, &t, 0), f);
	cr_assert_eq(tcp_isn(&key, &t, 3), f);
	cr_assert_eq(tcp_isn(&key, &t, 4000), f + 1000);
	/* M wraps modulo 2^32 after 4.77 hours. */
	cr_assert_eq(tcp_isn(&key, &t, (1ull << 34) + 8), f + 2);
}

/*
 * RFC 6528 section 3 / RFC 9293 3.4.1: for one tuple the ISN keeps
 * moving forward in sequence space as time passes.
 */
Test(tcp_isn, isn_advances_with_time_for_one_tuple)
{
	struct tcp_tuple t = tuple(50000);
	uint32_t prev = tcp_isn(&key, &t, 1000000);

	for (uint64_t now = 1000000; now < 1000000 + 3600000000ull;
	     now += 60000000) {
		uint32_t isn = tcp_isn(&key, &t, now + 60000000);

		cr_assert(seq_gt(isn, prev), "at %llu us",
			  (unsigned long long)now);
		prev = isn;
	}
}

/*
 * RFC 6528 section 3: F differs per connection-id and secret, so one
 * connection's ISN reveals nothing about another's.
 */
Test(tcp_isn, isn_differs_per_tuple_and_key)
{
	struct tcp_tuple a = tuple(50000), b = tuple(50001), c = a;
	struct siphash_key k2 = key;

	c.rport = 80;
	k2.k0 ^= 1;
	cr_assert_neq(tcp_isn(&key, &a, 0), tcp_isn(&key, &b, 0));
	cr_assert_neq(tcp_isn(&key, &a, 0), tcp_isn(&key, &c, 0));
	cr_assert_neq(tcp_isn(&key, &a, 0), tcp_isn(&k2, &a, 0));
	cr_assert_eq(tcp_isn(&key, &a, 777), tcp_isn(&key, &a, 777));
}
