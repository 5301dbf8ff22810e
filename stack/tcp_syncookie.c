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
 *
 * Options.  When the SYN carried timestamps, the options a cookie cannot
 * hold travel in the low TCP_SYNCOOKIE_TSBITS bits of our SYN-ACK's TSval
 * and come back in the ACK's TSecr (the idea of Linux's timestamp
 * cookies): the peer's window shift (4 bits, 0xf = no window scaling),
 * SACK-permitted (bit 4) and ECN (bit 5, always clear: the engine does no
 * ECN).  RFC 7323 5.4 asks only that TSval be monotonic, not that it be a
 * clock: tcp_syncookie_tsval() rounds the clock down to free the bits and
 * steps back one unit when that would move it forward.  The option bits
 * (or TCP_SYNCOOKIE_NO_TS when the SYN had no timestamps) go into H1 as
 * well, so an ACK that echoes a TSecr with other bits fails the cookie
 * check instead of switching options on.  The per-connection TSval offset
 * of a cookie connection is a keyed hash of the tuple
 * (tcp_syncookie_ts_offset()), so the ACK's TSecr can be aged as well:
 * one older than the cookie lifetime, or from the future, is refused.
 * Without timestamps the connection runs, as before, with MSS only.
 */
#include <errno.h>

#include "tcp_syncookie.h"
#include "wire/cursor.h"

/* RFC 4987 3.6: a few common MSS values; Linux's IPv4 table. */
static const uint16_t msstab[] = { 536, 1300, 1440, 1460 };

#define N_MSS (sizeof(msstab) / sizeof(msstab[0]))

/*
 * Keyed hash of the tuple, count, peer ISN, option bits and which of the
 * hashes (0: H0, 1: H1, 2: the TSval offset).
 */
static uint32_t cookie_hash(const struct siphash_key *secret,
			    const struct tcp_tuple *t, uint32_t count,
			    uint32_t peer_isn, uint32_t opts, uint8_t which)
{
	uint8_t b[TCP_TUPLE_BYTES + 13];

	tcp_tuple_bytes(t, b);
	st_be32(b + TCP_TUPLE_BYTES, count);
	st_be32(b + TCP_TUPLE_BYTES + 4, peer_isn);
	st_be32(b + TCP_TUPLE_BYTES + 8, opts);
	b[TCP_TUPLE_BYTES + 12] = which;
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
 * @opts:     tcp_syncookie_opts() of the SYN, or TCP_SYNCOOKIE_NO_TS
 * @now_us:   engine clock
 * @mss_out:  the MSS the cookie encodes: the largest table value not
 *            above @peer_mss, which the SYN-ACK should advertise
 *
 * Return: the cookie, to be used as ISS.
 */
uint32_t tcp_syncookie_make(const struct siphash_key *secret,
			    const struct tcp_tuple *t, uint32_t peer_isn,
			    uint16_t peer_mss, uint32_t opts, uint64_t now_us,
			    uint16_t *mss_out)
{
	uint32_t count = cookie_count(now_us), idx = 0;

	for (uint32_t i = 0; i < N_MSS; i++)
		if (msstab[i] <= peer_mss)
			idx = i;
	if (mss_out)
		*mss_out = msstab[idx];
	return cookie_hash(secret, t, 0, 0, 0, 0) + peer_isn +
	       (count << TCP_SYNCOOKIE_BITS) +
	       ((cookie_hash(secret, t, count, peer_isn, opts, 1) + idx) &
		TCP_SYNCOOKIE_MASK);
}

/**
 * tcp_syncookie_check() - validate the cookie in a returning ACK
 * @secret:   the listener's cookie key
 * @t:        tuple of the ACK, local side first
 * @peer_isn: SEG.SEQ - 1 of the ACK
 * @cookie:   SEG.ACK - 1 of the ACK
 * @opts:     tcp_syncookie_ts_decode() of the ACK's TSecr, or
 *            TCP_SYNCOOKIE_NO_TS when it has no timestamps
 * @now_us:   engine clock
 * @mss_out:  the MSS the cookie encoded
 *
 * Return: 0 with *@mss_out set; -ETIMEDOUT when the cookie is older than
 * TCP_SYNCOOKIE_MAX_AGE counts (or from the future); -EACCES when it was
 * not made with this key for this tuple and ISN.
 */
int tcp_syncookie_check(const struct siphash_key *secret,
			const struct tcp_tuple *t, uint32_t peer_isn,
			uint32_t cookie, uint32_t opts, uint64_t now_us,
			uint16_t *mss_out)
{
	uint32_t count = cookie_count(now_us), diff, idx;

	cookie -= cookie_hash(secret, t, 0, 0, 0, 0) + peer_isn;
	/* 8 bits of count: the age wraps, so "future" reads as very old. */
	diff = (count - (cookie >> TCP_SYNCOOKIE_BITS)) &
	       (0xffffffffu >> TCP_SYNCOOKIE_BITS);
	if (diff >= TCP_SYNCOOKIE_MAX_AGE)
		return -ETIMEDOUT;
	idx = (cookie -
	       cookie_hash(secret, t, count - diff, peer_isn, opts, 1)) &
	      TCP_SYNCOOKIE_MASK;
	if (idx >= N_MSS)
		return -EACCES;
	if (mss_out)
		*mss_out = msstab[idx];
	return 0;
}

/**
 * tcp_syncookie_opts() - the option bits for a SYN's cookie timestamp
 * @syn:      the options of the SYN
 * @ws_on:    tcp_window_scaling
 * @sack_on:  tcp_sack
 *
 * Return: the peer's window shift (clamped to 14, RFC 7323 2.3) or
 * TCP_SYNCOOKIE_WS_NONE, with TCP_SYNCOOKIE_SACK when both sides do SACK.
 * The caller uses them only when the SYN had timestamps.
 */
uint32_t tcp_syncookie_opts(const struct tcp_opts *syn, bool ws_on,
			    bool sack_on)
{
	uint32_t bits = TCP_SYNCOOKIE_WS_NONE;

	if (ws_on && (syn->present & TCP_OPT_WS))
		bits = syn->ws > TCP_SYNCOOKIE_WS_MAX ? TCP_SYNCOOKIE_WS_MAX
						      : syn->ws;
	if (sack_on && (syn->present & TCP_OPT_SACKOK))
		bits |= TCP_SYNCOOKIE_SACK;
	return bits;
}

/**
 * tcp_syncookie_tsval() - the TSval of a cookie SYN-ACK
 * @now_ts: our timestamp clock for the connection (offset included)
 * @opts:   tcp_syncookie_opts()
 *
 * RFC 7323 5.4: TSval need only be monotonic.  The clock is rounded down
 * to a multiple of 2^TCP_SYNCOOKIE_TSBITS and the bits put below; when
 * that lands after @now_ts it steps back one multiple, so a later TSval
 * of the connection (the plain clock) never runs behind it.
 */
uint32_t tcp_syncookie_tsval(uint32_t now_ts, uint32_t opts)
{
	uint32_t ts = (now_ts & ~TCP_SYNCOOKIE_TSMASK) |
		      (opts & TCP_SYNCOOKIE_TSMASK);

	if ((int32_t)(ts - now_ts) > 0)
		ts -= TCP_SYNCOOKIE_TSMASK + 1;
	return ts;
}

/**
 * tcp_syncookie_ts_decode() - the option bits a cookie ACK's TSecr echoes
 * @tsecr:  TSecr of the ACK
 * @now_ts: our timestamp clock for the connection (offset included)
 *
 * Return: the bits, or TCP_SYNCOOKIE_BAD when they cannot come from us:
 * an impossible window shift, the ECN bit (never set), or a TSecr older
 * than the cookie lifetime or from the future.
 */
uint32_t tcp_syncookie_ts_decode(uint32_t tsecr, uint32_t now_ts)
{
	uint32_t bits = tsecr & TCP_SYNCOOKIE_TSMASK, ws = bits & 0xf;
	uint32_t age_ms = now_ts - tsecr;
	uint32_t life_ms = (uint32_t)(TCP_SYNCOOKIE_MAX_AGE *
				      TCP_SYNCOOKIE_PERIOD_US / 1000u);

	if (ws > TCP_SYNCOOKIE_WS_MAX && ws != TCP_SYNCOOKIE_WS_NONE)
		return TCP_SYNCOOKIE_BAD;
	if (bits & TCP_SYNCOOKIE_ECN)
		return TCP_SYNCOOKIE_BAD;
	if (age_ms > life_ms)
		return TCP_SYNCOOKIE_BAD;
	return bits;
}

/**
 * tcp_syncookie_ts_offset() - the TSval offset (RFC 7323 5.4) of a
 * connection born from a cookie: a keyed hash of the tuple, so the ACK
 * finds the same offset the SYN-ACK used without any state
 */
uint32_t tcp_syncookie_ts_offset(const struct siphash_key *secret,
				 const struct tcp_tuple *t)
{
	return cookie_hash(secret, t, 0, 0, 0, 2);
}
