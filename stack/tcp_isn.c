// SPDX-License-Identifier: MIT
/*
 * tcp_isn.c - initial sequence numbers, RFC 6528
 *
 * RFC 6528 section 3: ISN = M + F(localip, localport, remoteip,
 * remoteport, secretkey), where M is a timer ticking every 4 microseconds
 * and F a keyed pseudorandom function.  F here is SipHash-2-4 truncated to
 * 32 bits (RFC 6528 suggests MD5; any PRF with a secret key serves, and
 * SipHash is faster and keyed by design).  The clock is passed in, so the
 * function is pure: the same tuple, key and time give the same ISN.
 */
#include <string.h>

#include "tcp.h"
#include "tcp_isn.h"
#include "wire/cursor.h"

/**
 * tcp_tuple_v4() - fill @t for an IPv4 connection
 * @t:     tuple to fill (zeroed first)
 * @laddr: local address, host order (192.0.2.1 is 0xc0000201)
 * @lport: local port
 * @raddr: remote address, host order
 * @rport: remote port
 *
 * IPv4 addresses become IPv4-mapped IPv6 addresses (RFC 4291 2.5.5.2),
 * so one tuple type serves both families without ambiguity.
 */
void tcp_tuple_v4(struct tcp_tuple *t, uint32_t laddr, uint16_t lport,
		  uint32_t raddr, uint16_t rport)
{
	memset(t, 0, sizeof(*t));
	t->laddr.b[10] = t->laddr.b[11] = 0xff;
	t->raddr.b[10] = t->raddr.b[11] = 0xff;
	st_be32(&t->laddr.b[12], laddr);
	st_be32(&t->raddr.b[12], raddr);
	t->lport = lport;
	t->rport = rport;
}

/**
 * tcp_tuple_addr() - fill @t from a connection key's addresses (tcp.h),
 * either family: the same tuple tcp_tuple_v4() makes for IPv4
 */
void tcp_tuple_addr(struct tcp_tuple *t, const union tcp_addr *laddr,
		    uint16_t lport, const union tcp_addr *raddr, uint16_t rport)
{
	memset(t, 0, sizeof(*t));
	tcp_addr_to_ip6(laddr, &t->laddr);
	tcp_addr_to_ip6(raddr, &t->raddr);
	t->lport = lport;
	t->rport = rport;
}

/**
 * tcp_tuple_bytes() - the tuple as the fixed byte string hashes read
 * @t:   tuple
 * @out: local address, remote address, local port, remote port (big
 *       endian), in RFC 6528's argument order
 */
void tcp_tuple_bytes(const struct tcp_tuple *t, uint8_t out[TCP_TUPLE_BYTES])
{
	const size_t ports = (size_t)2 * IP6_LEN;

	memcpy(out, t->laddr.b, IP6_LEN);
	memcpy(out + IP6_LEN, t->raddr.b, IP6_LEN);
	st_be16(out + ports, t->lport);
	st_be16(out + ports + 2, t->rport);
}

/**
 * tcp_isn() - RFC 6528 section 3, ISN = M + F(4-tuple, secretkey)
 * @secret: the engine's ISN key, random, chosen at start-up
 * @t:      the connection's tuple
 * @now_us: engine clock
 *
 * M = now / 4 us, so within one tuple ISNs keep advancing with time as
 * RFC 9293 3.4.1 requires; F hides the offset from anyone who does not
 * know the key, so off-path attackers cannot predict it.
 *
 * Return: the ISN.
 */
uint32_t tcp_isn(const struct siphash_key *secret, const struct tcp_tuple *t,
		 uint64_t now_us)
{
	uint8_t b[TCP_TUPLE_BYTES];
	uint32_t m = (uint32_t)(now_us / 4);

	tcp_tuple_bytes(t, b);
	return m + (uint32_t)siphash24(secret, b, sizeof(b));
}
