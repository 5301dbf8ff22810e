// SPDX-License-Identifier: MIT
/*
 * udp6.c - UDP over IPv6 input: validation and the mandatory checksum
 * (RFC 8200 8.1), then the socket lookup
 *
 * The socket layer (udp.c, socket.c) holds IPv4 addresses only so far, so
 * no IPv6 socket can be bound yet: every valid datagram is answered with
 * a Port Unreachable (RFC 4443 3.1 code 4), as a host without a listener
 * on that port answers.
 */
#include "engine.h"
#include "icmp6.h"
#include "ipv6.h"
#include "udp6.h"
#include "wire/csum.h"
#include "wire/udp.h"

/**
 * udp6_input() - one UDP datagram to us over IPv6
 * @p: p->data at the UDP header; always consumed
 * @ip: its IPv6 view (borrowed from @p's buffer)
 */
void udp6_input(struct netif *ifp, struct pkt *p, const struct ip6_view *ip)
{
	struct engine *eng = ifp->eng;
	struct udp6_stats *st = &eng->stats.udp6;
	struct udp_view u;
	uint64_t *why;
	const char *reason;

	if (udp_parse(p->data, p->len, &u)) {
		why = &st->Udp6InErrors;
		reason = "malformed UDP";
		goto drop;
	}
	/* RFC 8200 8.1: a zero checksum is invalid over IPv6. */
	if (u.csum_none ||
	    !udp_csum_ok(p->data, u.len,
			 csum_pseudo6(&ip->src, &ip->dst, IP6_NH_UDP, u.len))) {
		why = &st->Udp6InCsumErrors;
		reason = "bad or zero UDP checksum";
		goto drop;
	}
	/* RFC 4443 3.1: code 4, port unreachable; icmp6_send_error()
	 * stays silent for multicast destinations (2.4 (e.3)). */
	icmp6_send_error(eng, ifp, ip->payload - IP6_HLEN,
			 IP6_HLEN + ip->payload_len, ICMP6_DST_UNREACH,
			 ICMP6_UNREACH_PORT, 0);
	why = &st->Udp6NoPorts;
	reason = "no IPv6 socket on port";
drop:
	pkt_drop(eng, p, why, reason);
}
