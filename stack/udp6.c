// SPDX-License-Identifier: MIT
/*
 * udp6.c - UDP over IPv6: input with the mandatory checksum (RFC 8200
 * 8.1), delivery to AF_INET6 sockets, output, and ICMPv6 errors in
 *
 * Sockets live in udp.c's port table; an AF_INET6 socket matches an IPv6
 * datagram when its IPv6 address is :: (or the datagram's destination)
 * and, once connected to an IPv6 peer, the source is that peer.  As in
 * udp_lookup() a bound address and a connection each make a better
 * match.  IPv4-only sockets never see IPv6 datagrams.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "engine.h"
#include "icmp6.h"
#include "ipv6.h"
#include "sock6.h"
#include "socket.h"
#include "udp.h"
#include "udp6.h"
#include "wire/csum.h"
#include "wire/cursor.h"
#include "wire/udp.h"

/* The AF_INET6 socket for [@src]:@sport -> [@dst]:@dport, or NULL. */
static struct sock *udp6_lookup(struct engine *eng, const struct ip6_addr *dst,
				uint16_t dport, const struct ip6_addr *src,
				uint16_t sport)
{
	struct sock *best = NULL;
	int best_score = -1;

	for (struct sock *sk = udp_port_socks(eng, dport); sk;
	     sk = sk->port_next) {
		int score = 0;

		if (sk->family != AF_INET6)
			continue;
		if (!ip6_unspec_or_mapped(sk->laddr6)) {
			if (memcmp(sk->laddr6, dst->b, 16) != 0)
				continue;
			score += 4;
		} else if (sk->laddr) {
			continue; /* bound to an IPv4 address */
		}
		if (sk->connected) {
			if (!sk->peer6 || memcmp(sk->raddr6, src->b, 16) != 0 ||
			    sk->rport != sport)
				continue;
			score += 8;
		}
		if (score > best_score) {
			best = sk;
			best_score = score;
		}
	}
	return best;
}

/**
 * udp6_input() - one UDP datagram to us over IPv6
 * @p: p->data at the UDP header; always consumed
 * @ip: its IPv6 view (borrowed from @p's buffer)
 */
void udp6_input(struct netif *ifp, struct pkt *p, const struct ip6_view *ip)
{
	struct engine *eng = ifp->eng;
	struct udp6_stats *st = &eng->stats.udp6;
	struct sock_rxinfo ri;
	struct udp_view u;
	struct sock *sk;
	uint64_t *why;
	const char *reason;

	if (udp_parse(p->data, p->len, &u)) {
		why = &st->Udp6InErrors;
		reason = "malformed UDP";
		goto drop;
	}
	/* RFC 8200 8.1: a zero checksum is invalid over IPv6. */
	if (u.csum_none || (!p->off.csum_valid &&
			    !udp_csum_ok(p->data, u.len,
					 csum_pseudo6(&ip->src, &ip->dst,
						      IP6_NH_UDP, u.len)))) {
		why = &st->Udp6InCsumErrors;
		reason = "bad or zero UDP checksum";
		goto drop;
	}
	sk = udp6_lookup(eng, &ip->dst, u.dport, &ip->src, u.sport);
	if (!sk) {
		/* RFC 4443 3.1 code 4; icmp6_send_error() stays silent
		 * for multicast destinations (2.4 (e.3)). */
		icmp6_send_error(eng, ifp, ip->payload - IP6_HLEN,
				 IP6_HLEN + ip->payload_len, ICMP6_DST_UNREACH,
				 ICMP6_UNREACH_PORT, 0);
		why = &st->Udp6NoPorts;
		reason = "no IPv6 socket on port";
		goto drop;
	}
	/* The readiness callback may close @sk: do not touch it after. */
	memset(&ri, 0, sizeof(ri));
	ri.ifindex = ifp->index;
	memcpy(ri.dst6, ip->dst.b, sizeof(ri.dst6));
	if (sock_queue_dgram6(sk, ip->src.b, u.sport, &ri, u.payload,
			      u.payload_len)) {
		why = &st->Udp6RcvbufErrors;
		reason = "receive buffer full";
		goto drop;
	}
	st->Udp6InDatagrams++;
	pkt_free(p);
	return;
drop:
	pkt_drop(eng, p, why, reason);
}

/**
 * udp6_sendto() - send @len bytes from @sk to [@dst]:@dport
 *
 * Return: @len, or -EMSGSIZE, -EAGAIN (no port), -ENOBUFS, or what
 * ip6_select_src()/ipv6_output() say.
 */
ssize_t udp6_sendto(struct sock *sk, const void *buf, size_t len,
		    const struct ip6_addr *dst, uint16_t dport)
{
	struct engine *eng = sk->eng;
	struct ip6_out o = { .dst = *dst,
			     .proto = IP6_NH_UDP,
			     .hop_limit = sk->hops < 0 ? 0
						       : (uint8_t)sk->hops };
	struct udp_view u = { 0 };
	struct pkt *p;
	uint8_t *h;
	int rc;

	if (len > IP6_MAX_PAYLOAD - UDP_HLEN)
		return -EMSGSIZE;
	if (!sk->lport) {
		rc = udp_autobind(sk, 0, dport);
		if (rc)
			return rc;
	}
	/* A multicast bound address is not a source (RFC 4291 2.7). */
	if (!ip6_unspec_or_mapped(sk->laddr6) && sk->laddr6[0] != 0xff)
		memcpy(o.src.b, sk->laddr6, 16);
	else if (ip6_select_src(eng, 0, dst, &o.src))
		return -EADDRNOTAVAIL;
	p = pkt_alloc(UDP_HLEN + len);
	if (!p)
		return -ENOBUFS;
	h = pkt_put(p, UDP_HLEN + len);
	if (len)
		memcpy(h + UDP_HLEN, buf, len);
	u.sport = sk->lport;
	u.dport = dport;
	u.payload = h + UDP_HLEN;
	u.payload_len = len;
	udp_emit(h, UDP_HLEN + len, &u,
		 csum_pseudo6(&o.src, dst, IP6_NH_UDP,
			      (uint32_t)(UDP_HLEN + len)));
	rc = ipv6_output(eng, p, &o);
	if (rc)
		return rc;
	eng->stats.udp6.Udp6OutDatagrams++;
	return (ssize_t)len;
}

/**
 * udp6_err() - an ICMPv6 error about a datagram we sent (@inner: the
 * quoted IPv6 packet): a connected socket learns @err (RFC 4443 3.1,
 * Linux udpv6_err() reports it to connected sockets only)
 */
void udp6_err(struct engine *eng, const uint8_t *inner, size_t len, int err)
{
	struct ip6_view v;
	struct cursor c;
	uint16_t sport, dport;
	struct sock *sk;

	if (ip6_parse(inner, len, &v) || v.upper_proto != IP6_NH_UDP)
		return;
	c = cur_make(v.upper, v.upper_len);
	sport = cur_be16(&c);
	dport = cur_be16(&c);
	if (!cur_ok(&c))
		return;
	sk = udp6_lookup(eng, &v.src, sport, &v.dst, dport);
	if (sk && sk->connected)
		sock_set_error(sk, err);
}
