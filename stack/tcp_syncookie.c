// SPDX-License-Identifier: MIT
/*
 * tcp_syncookie.c - SYN cookies, encoded like Linux's
 *                   (net/ipv4/syncookies.c), in the spirit of RFC 4987 3.6
 *
 * Theory of operation
 *
 * Under a SYN flood a listener answers SYNs without keeping state: the
 * SYN-ACK's ISN carries what it needs to rebuild the connection when the
 * final ACK returns (SEG.ACK - 1 is the cookie, SEG.SEQ - 1 the peer's
 * ISN).  Like Linux:
 *
 *   cookie = H0(tuple) + peer_isn + (count << 24)
 *          + ((H1(tuple, count, peer_isn) + mss_index) & 0xffffff)
 *
 * where count is a minute counter and H0, H1 keyed SipHash values.  Linux
 * leaves peer_isn out of H1; putting it in means a cookie checked against
 * a different peer ISN decodes to a random index instead of a neighbour
 * of the right one.  The
 * top 8 bits carry count, the low 24 bits the MSS index under a keyed
 * mask.  Checking subtracts H0 + peer_isn, reads the age from the top
 * bits (valid while age < TCP_SYNCOOKIE_MAX_AGE counts), removes H1 for
 * that count, and accepts only an MSS index inside the table: a forged
 * cookie passes with probability 4 / 2^24 per guess at a live count.
 * Window scaling, SACK and ECN are not encoded (Linux hides them in the
 * timestamp); a cookie connection runs without them.
 */
#include <errno.h>

#include "tcp_syncookie.h"
#include "wire/cursor.h"

/* RFC 4987 3.6: a few common MSS values; Linux's IPv4 table. */
static const uint16_t msstab[] = { 536, 1300, 1440, 1460 };

#define N_MSS (sizeof(msstab) / sizeof(msstab[0]))

/* Keyed hash of the tuple, count, peer ISN and which of the two hashes. */
static uint32_t cookie_hash(const struct siphash_key *secret,
			    const struct tcp_tuple *t, uint32_t count,
			    uint32_t peer_isn, uint8_t which)
{
	uint8_t b[TCP_TUPLE_BYTES + 9];

	tcp_tuple_bytes(t, b);
	st_be32(b + TCP_TUPLE_BYTES, count);
	st_be32(b + TCP_TUPLE_BYTES + 4, peer_isn);
	b[TCP_TUPLE_BYTES + 8] = which;
	return (uint32_t)siphash24(secret, b, sizeof(b));
}

static uint32_t cookie_count(uint64_t now_us)
{
	return (uint32_t)(now_us / TCP_SYNCOOKIE_PERIOD_US);
}

/**
 * tcp_syncookie_make() - the ISN to put in a stateless SYN-ACK
 * @secret:   the listener's cookie key (random, distinct from the ISN key)
 * @t:        tuple of the SYN, local side first
 * @peer_isn: SEG.SEQ of the SYN
 * @peer_mss: the MSS option of the SYN (536 when absent, RFC 9293 3.7.1)
 * @now_us:   engine clock
 * @mss_out:  the MSS the cookie encodes: the largest table value not
 *            above @peer_mss, which the SYN-ACK should advertise
 *
 * Return: the cookie, to be used as ISS.
 */
uint32_t tcp_syncookie_make(const struct siphash_key *secret,
			    const struct tcp_tuple *t, uint32_t peer_isn,
			    uint16_t peer_mss, uint64_t now_us,
			    uint16_t *mss_out)
{
	uint32_t count = cookie_count(now_us), idx = 0;

	for (uint32_t i = 0; i < N_MSS; i++)
		if (msstab[i] <= peer_mss)
			idx = i;
	if (mss_out)
		*mss_out = msstab[idx];
	return cookie_hash(secret, t, 0, 0, 0) + peer_isn +
	       (count << TCP_SYNCOOKIE_BITS) +
	       ((cookie_hash(secret, t, count, peer_isn, 1) + idx) &
		TCP_SYNCOOKIE_MASK);
}

/**
 * tcp_syncookie_check() - validate the cookie in a returning ACK
 * @secret:   the listener's cookie key
 * @t:        tuple of the ACK, local side first
 * @peer_isn: SEG.SEQ - 1 of the ACK
 * @cookie:   SEG.ACK - 1 of the ACK
 * @now_us:   engine clock
 * @mss_out:  the MSS the cookie encoded
 *
 * Return: 0 with *@mss_out set; -ETIMEDOUT when the cookie is older than
 * TCP_SYNCOOKIE_MAX_AGE counts (or from the future); -EACCES when it was
 * not made with this key for this tuple and ISN.
 */
int tcp_syncookie_check(const struct siphash_key *secret,
			const struct tcp_tuple *t, uint32_t peer_isn,
			uint32_t cookie, uint64_t now_us, uint16_t *mss_out)
{
	uint32_t count = cookie_count(now_us), diff, idx;

	cookie -= cookie_hash(secret, t, 0, 0, 0) + peer_isn;
	/* 8 bits of count: the age wraps, so "future" reads as very old. */
	diff = (count - (cookie >> TCP_SYNCOOKIE_BITS)) &
	       (0xffffffffu >> TCP_SYNCOOKIE_BITS);
	if (diff >= TCP_SYNCOOKIE_MAX_AGE)
		return -ETIMEDOUT;
	idx = (cookie - cookie_hash(secret, t, count - diff, peer_isn, 1)) &
	      TCP_SYNCOOKIE_MASK;
	if (idx >= N_MSS)
		return -EACCES;
	if (mss_out)
		*mss_out = msstab[idx];
	return 0;
}
