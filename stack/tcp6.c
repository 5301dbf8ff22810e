// SPDX-License-Identifier: MIT
/*
 * tcp6.c - TCP over IPv6 (RFC 9293 carried by RFC 8200): the IPv6 entry
 * point, ICMPv6 errors, the IPv6 output step, and the AF_INET6 side of
 * the socket calls
 *
 * Theory of operation
 *
 * The TCP core is family-neutral: a connection key holds two 16-byte
 * addresses (union tcp_addr, tcp.h), IPv4 as IPv4-mapped ::ffff:a.b.c.d,
 * so one table, one keyed SipHash and one ISN/SYN-cookie tuple serve both
 * families.  This file holds only what differs for IPv6:
 *
 *  - input: tcp6_input() refuses multicast, unspecified and v4-mapped
 *    addresses, checks the checksum over the IPv6 pseudo-header (RFC 8200
 *    8.1) and hands the segment to tcp_input_common();
 *  - errors: tcp6_err() maps ICMPv6 errors like Linux's
 *    icmpv6_err_convert() and passes Packet Too Big on as EMSGSIZE after
 *    icmp6.c updated the path MTU (RFC 8201), so the MSS shrinks;
 *  - output: tcp6_output() sends through ipv6_output() with the socket's
 *    hop limit and traffic class and a flow label that is a keyed hash of
 *    the 4-tuple (RFC 6437 3: stable for the flow, unguessable);
 *  - MSS: path MTU - 60 (IPv6 40 + TCP 20), the path MTU never below 1280.
 *
 * Offload: on a device with TSO6 and checksum offload (a TAP with
 * IFF_VNET_HDR) data leaves as TCPV6 super-segments with a partial
 * checksum, exactly as over IPv4 (tcp_offload.c); ipv6_output() lets such
 * a super-segment past the MTU check instead of fragmenting it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "engine.h"
#include "ipv6.h"
#include "netif.h"
#include "pkt.h"
#include "socket.h"
#include "tcp.h"
#include "wire/csum.h"
#include "wire/icmp6.h"
#include "wire/ipv6.h"
#include "wire/tcp.h"

/**
 * tcp_addr_from_ip6() - @a from a wire IPv6 address; a v4-mapped one
 * becomes the IPv4 form (host-order last word)
 */
void tcp_addr_from_ip6(union tcp_addr *a, const struct ip6_addr *ip)
{
	uint32_t n;

	memcpy(a->b, ip->b, 16);
	if (tcp_addr_is4(a)) {
		memcpy(&n, ip->b + 12, 4);
		a->v4 = ntohl(n);
	}
}

/** tcp_addr_to_ip6() - the wire form of @a (v4-mapped for IPv4). */
void tcp_addr_to_ip6(const union tcp_addr *a, struct ip6_addr *ip)
{
	uint32_t n;

	memcpy(ip->b, a->b, 16);
	if (tcp_addr_is4(a)) {
		n = htonl(a->v4);
		memcpy(ip->b + 12, &n, 4);
	}
}

/** tcp6_pseudo() - the IPv6 pseudo-header sum of @k for @len TCP bytes. */
uint32_t tcp6_pseudo(const struct tcp_key *k, size_t len)
{
	struct ip6_addr s, d;

	tcp_addr_to_ip6(&k->la, &s);
	tcp_addr_to_ip6(&k->ra, &d);
	return csum_pseudo6(&s, &d, IP6_NH_TCP, (uint32_t)len);
}

/**
 * tcp6_mtu() - the MTU towards @ra: the path MTU (RFC 8201), or with
 * @link the egress link's MTU (for our MSS option); 1280 at least
 */
uint32_t tcp6_mtu(struct engine *eng, const union tcp_addr *ra, bool link)
{
	struct route6_result r;
	struct ip6_addr dst;
	struct netif *ifp = NULL;
	uint32_t mtu = 1500;

	tcp_addr_to_ip6(ra, &dst);
	if (!route6_lookup(eng, &dst, 0, &r))
		ifp = netif_by_index(eng, r.ifindex);
	if (ifp)
		mtu = link ? ifp->mtu : route6_mtu(eng, ifp, &dst);
	return mtu < IP6_MIN_MTU ? IP6_MIN_MTU : mtu;
}

/* RFC 6437 3: a flow label from a keyed hash of the 4-tuple. */
static uint32_t flow_label(struct engine *eng, const struct tcp_key *k)
{
	uint8_t b[sizeof(*k) + 1];

	memcpy(b, k, sizeof(*k));
	b[sizeof(*k)] = 'f'; /* not the table's hash of the same key */
	return (uint32_t)siphash24(&eng->tcp->hkey, b, sizeof(b)) &
	       IP6_FLOW_MASK;
}

/**
 * tcp6_output() - send the TCP segment in @p (checksummed) for @k over
 * IPv6; @tcb (may be NULL) gives the hop limit and traffic class
 *
 * Return: 0 or -errno from ipv6_output().
 */
int tcp6_output(struct engine *eng, struct pkt *p, const struct tcp_key *k,
		const struct tcb *tcb)
{
	struct ip6_out o;

	memset(&o, 0, sizeof(o));
	tcp_addr_to_ip6(&k->la, &o.src);
	tcp_addr_to_ip6(&k->ra, &o.dst);
	o.proto = IP6_NH_TCP;
	o.dontfrag = true; /* segments fit the path MTU (RFC 8201) */
	if (tcb && tcb->hops >= 0)
		o.hop_limit = (uint8_t)tcb->hops;
	if (tcb)
		o.tclass = tcb->tclass;
	o.flow_label = flow_label(eng, k);
	return ipv6_output(eng, p, &o);
}

/**
 * tcp6_input() - one TCP segment to us over IPv6
 * @p: p->data at the TCP header; always consumed
 * @ip: its IPv6 view (borrowed from @p's buffer)
 */
void tcp6_input(struct netif *ifp, struct pkt *p, const struct ip6_view *ip)
{
	struct engine *eng = ifp->eng;
	struct tcp_stats *st = &eng->stats.tcp;
	union tcp_addr src, dst;
	struct tcp_view th;

	if (!eng->tcp) {
		pkt_drop(eng, p, &st->TcpInNoSocket, "TCP not running");
		return;
	}
	/* RFC 9293 3.10.7.2 / RFC 1122 4.2.3.10: no connections with
	 * multicast or unspecified addresses; v4-mapped addresses never
	 * travel in IPv6 headers (RFC 4291 2.5.5.2, Linux drops them). */
	if (ip6_is_multicast(&ip->dst) || ip6_is_multicast(&ip->src) ||
	    ip6_is_unspec(&ip->src) || ip6_is_v4mapped(&ip->src) ||
	    ip6_is_v4mapped(&ip->dst)) {
		pkt_drop(eng, p, &st->TcpInBroadcastDrop,
			 "multicast, unspecified or v4-mapped IPv6 address");
		return;
	}
	if (!tcp_input_parse(eng, p,
			     csum_pseudo6(&ip->src, &ip->dst, IP6_NH_TCP,
					  (uint32_t)p->len),
			     &th))
		return;
	tcp_addr_from_ip6(&src, &ip->src);
	tcp_addr_from_ip6(&dst, &ip->dst);
	tcp_input_common(eng, p, &th, &src, &dst);
}

/**
 * tcp6_err() - an ICMPv6 error (@type, @code) quoting @inner, an IPv6
 * packet we sent
 *
 * Like Linux's icmpv6_err_convert(): Packet Too Big is EMSGSIZE (the path
 * MTU is already lowered: the MSS follows, RFC 8201 4); port unreachable,
 * administratively prohibited and parameter problems are hard errors;
 * no route, address unreachable and time exceeded are soft ones, which
 * abort only nothing (tcp_err_common() aborts SYN-SENT on hard ones).
 */
void tcp6_err(struct engine *eng, const uint8_t *inner, size_t len,
	      uint8_t type, uint8_t code)
{
	union tcp_addr src, dst;
	struct ip6_view v;
	bool hard = false;
	int err;

	if (!eng->tcp || ip6_parse(inner, len, &v) ||
	    v.upper_proto != IP6_NH_TCP)
		return;
	switch (type) {
	case ICMP6_PACKET_TOO_BIG:
		err = EMSGSIZE;
		break;
	case ICMP6_DST_UNREACH:
		switch (code) {
		case ICMP6_UNREACH_PORT:
			err = ECONNREFUSED;
			hard = true;
			break;
		case ICMP6_UNREACH_ADMIN:
			err = EACCES;
			hard = true;
			break;
		case ICMP6_UNREACH_NOROUTE:
			err = ENETUNREACH;
			break;
		default:
			err = EHOSTUNREACH;
			break;
		}
		break;
	case ICMP6_PARAM_PROB:
		err = EPROTO;
		hard = true;
		break;
	case ICMP6_TIME_EXCEEDED:
		err = EHOSTUNREACH;
		break;
	default:
		return;
	}
	tcp_addr_from_ip6(&src, &v.src);
	tcp_addr_from_ip6(&dst, &v.dst);
	tcp_err_common(eng, &src, &dst, v.upper, v.upper_len, err, hard);
}

/**
 * tcp6_sockaddr_get() - the address and port of a bind()/connect()
 * argument for @tcb: sockaddr_in for AF_INET sockets, sockaddr_in6 for
 * AF_INET6 ones (a v4-mapped address meaning IPv4)
 *
 * Return: 0, -EINVAL (short), -EAFNOSUPPORT (the other family).
 */
int tcp6_sockaddr_get(const struct tcb *tcb, const struct sockaddr *addr,
		      socklen_t len, union tcp_addr *a, uint16_t *port)
{
	struct sockaddr_in6 s6;
	struct ip6_addr ip;
	uint32_t a4;
	int rc;

	if (tcb->family == AF_INET) {
		rc = sock_get_sin(addr, len, &a4, port);
		if (!rc)
			tcp_addr_set4(a, a4);
		return rc;
	}
	if (!addr || len < (socklen_t)sizeof(s6))
		return -EINVAL;
	memcpy(&s6, addr, sizeof(s6));
	if (s6.sin6_family != AF_INET6)
		return -EAFNOSUPPORT;
	memcpy(ip.b, s6.sin6_addr.s6_addr, 16);
	tcp_addr_from_ip6(a, &ip);
	*port = ntohs(s6.sin6_port);
	return 0;
}

/**
 * tcp6_sockaddr_put() - @a:@port as a sockaddr_in6 (IPv4 v4-mapped, as
 * Linux reports IPv4 peers of AF_INET6 sockets), truncated to *@len
 */
void tcp6_sockaddr_put(const union tcp_addr *a, uint16_t port,
		       struct sockaddr *addr, socklen_t *len)
{
	struct sockaddr_in6 s6;
	struct ip6_addr ip;
	size_t n;

	if (!addr || !len)
		return;
	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	s6.sin6_port = htons(port);
	tcp_addr_to_ip6(a, &ip);
	memcpy(s6.sin6_addr.s6_addr, ip.b, 16);
	n = *len < sizeof(s6) ? *len : sizeof(s6);
	memcpy(addr, &s6, n);
	*len = (socklen_t)sizeof(s6);
}

static int get_int(const void *val, socklen_t len, int *out)
{
	if (!val || len < (socklen_t)sizeof(int))
		return -EINVAL;
	memcpy(out, val, sizeof(int));
	return 0;
}

/**
 * tcp6_setsockopt() - IPPROTO_IPV6 options of an AF_INET6 TCP socket:
 * IPV6_V6ONLY (before bind, RFC 3493 5.3), IPV6_UNICAST_HOPS (-1..255,
 * -1 the default), IPV6_TCLASS (-1..255, -1 is 0; RFC 3542 6.5)
 *
 * Return: 0, -EINVAL, -ENOPROTOOPT.
 */
int tcp6_setsockopt(struct tcb *tcb, int name, const void *val, socklen_t len)
{
	int v, rc;

	if (tcb->family != AF_INET6)
		return -ENOPROTOOPT;
	rc = get_int(val, len, &v);
	if (rc)
		return rc;
	switch (name) {
	case IPV6_V6ONLY:
		if (tcb->bound || tcb->state != TCPS_CLOSED)
			return -EINVAL;
		tcb->v6only = v != 0;
		return 0;
	case IPV6_UNICAST_HOPS:
		if (v < -1 || v > 255)
			return -EINVAL;
		tcb->hops = v;
		return 0;
	case IPV6_TCLASS:
		if (v < -1 || v > 255)
			return -EINVAL;
		tcb->tclass = v < 0 ? 0 : (uint8_t)v;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

/** tcp6_getsockopt() - the options tcp6_setsockopt() sets. */
int tcp6_getsockopt(struct tcb *tcb, int name, void *val, socklen_t *len)
{
	int v;

	if (tcb->family != AF_INET6)
		return -ENOPROTOOPT;
	switch (name) {
	case IPV6_V6ONLY:
		v = tcb->v6only;
		break;
	case IPV6_UNICAST_HOPS:
		v = tcb->hops >= 0 ? tcb->hops : IP6_DEFAULT_HOPLIMIT;
		break;
	case IPV6_TCLASS:
		v = tcb->tclass;
		break;
	default:
		return -ENOPROTOOPT;
	}
	if (!val || !len || *len < (socklen_t)sizeof(int))
		return -EINVAL;
	memcpy(val, &v, sizeof(v));
	*len = (socklen_t)sizeof(v);
	return 0;
}
