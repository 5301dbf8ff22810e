// SPDX-License-Identifier: MIT
/*
 * tcp_offload.c - TCP segmentation offload (TSO) and checksum offload on
 * the send side
 *
 * Theory of operation
 *
 * When the egress device cuts and checksums TCP segments itself
 * (ifp->offload, a TAP with IFF_VNET_HDR: netdev_tap.c), tcp_output() may
 * hand down one super-segment of up to 64 KiB of IP datagram instead of
 * up to ~44 MSS-sized ones: the kernel splits it at gso_size = MSS,
 * copying our header to each piece with the sequence number advanced and
 * FIN/PSH only on the last, exactly as Linux's own TSO does.  On the wire
 * nothing changes: every segment is at most one MSS, so RFC 9293's
 * segment-size rules (3.7.1) hold; only the number of system calls and
 * stack traversals drops by that factor.
 *
 * The congestion and receive windows bound a super-segment just as they
 * bound the sum of the segments it replaces (tcp_output() computes the
 * usable window first); a window-limited one is cut to whole MSS so the
 * last piece obeys the sender's SWS rule (RFC 9293 3.8.6.2.1) like any
 * other short segment.
 *
 * Checksum offload: a data segment for such a device leaves the checksum
 * partial (tcp_emit_partial(): the field holds the pseudo-header sum) and
 * says where it starts, so neither the engine nor the kernel sums the
 * payload twice.  Segments without data (ACK, SYN, RST) keep a full
 * software checksum: they are short, and the route lookup would cost
 * more than it saves.
 *
 * IPv6 connections (tcp6.c) use TSO6 and the same partial checksum: the
 * pseudo-header sum tcp6_pseudo() puts in the field is all that differs.
 */
#include "engine.h"
#include "ipv6.h"
#include "netif.h"
#include "pkt.h"
#include "route.h"
#include "tcp.h"
#include "tcp_offload.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

/* The device @k's segments leave by, or NULL without a route. */
static const struct netif *egress(struct engine *eng, const struct tcp_key *k)
{
	struct route4_result r;
	struct route6_result r6;
	struct ip6_addr dst;

	if (tcp_key_is4(k))
		return route4_lookup(eng, k->raddr, &r) ? NULL : r.ifp;
	tcp_addr_to_ip6(&k->ra, &dst);
	if (route6_lookup(eng, &dst, 0, &r6))
		return NULL;
	return netif_by_index(eng, r6.ifindex);
}

/**
 * tcp_tso_max() - the most payload one segment of @tcb may carry:
 * tcp_seg_mss(), or with TSO on the egress device (TSO4 or TSO6 by the
 * connection's family) as many whole such pieces as fit in a 64 KiB
 * datagram (headers of the largest size assumed)
 */
uint32_t tcp_tso_max(struct tcb *tcb)
{
	bool v4 = tcp_key_is4(&tcb->key);
	const struct netif *ifp = egress(tcb->eng, &tcb->key);
	uint32_t room = NETIF_GSO_MAX - (v4 ? IPV4_HLEN : IP6_HLEN) -
			TCP_MAX_HLEN;
	unsigned int tso = v4 ? NETIF_OFF_TSO4 : NETIF_OFF_TSO6;
	uint32_t mss = tcp_seg_mss(tcb);

	if (!ifp || !(ifp->offload & tso) || !mss || mss >= room)
		return mss;
	return room / mss * mss;
}

/** tcp_offload_csum() - the device towards @k's peer finishes checksums. */
bool tcp_offload_csum(struct engine *eng, const struct tcp_key *k)
{
	const struct netif *ifp = egress(eng, k);

	return ifp && (ifp->offload & NETIF_OFF_CSUM);
}

/**
 * tcp_offload_mark() - record in @p that its TCP checksum (header at @th)
 * is partial, and that a payload over @mss is a super-segment to be cut
 * at @mss (@mss 0: never), a TCP/IPv6 one when @v6
 */
void tcp_offload_mark(struct pkt *p, uint8_t *th, size_t payload_len,
		      uint16_t mss, bool v6)
{
	p->off.csum_partial = true;
	p->off.csum_start = th;
	p->off.csum_offset = 16; /* RFC 9293 3.1: the checksum field */
	if (mss && payload_len > mss) {
		p->off.gso_type = v6 ? PKT_GSO_TCPV6 : PKT_GSO_TCPV4;
		p->off.gso_size = mss;
	}
}
