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
 */
#include "engine.h"
#include "netif.h"
#include "pkt.h"
#include "route.h"
#include "tcp.h"
#include "tcp_offload.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

static const struct netif *egress(struct engine *eng, uint32_t raddr)
{
	struct route4_result r;

	return route4_lookup(eng, raddr, &r) ? NULL : r.ifp;
}

/**
 * tcp_tso_max() - the most payload one segment of @tcb may carry: the MSS,
 * or with TSO on the egress device as many whole MSS as fit in a 64 KiB
 * datagram (headers of the largest size assumed)
 */
uint32_t tcp_tso_max(struct tcb *tcb)
{
	const struct netif *ifp = tcp_key_is4(&tcb->key)
					  ? egress(tcb->eng, tcb->key.raddr)
					  : NULL; /* IPv6: plain MSS */
	uint32_t room = NETIF_GSO_MAX - IPV4_HLEN - TCP_MAX_HLEN;

	if (!ifp || !(ifp->offload & NETIF_OFF_TSO4) || !tcb->mss ||
	    tcb->mss >= room)
		return tcb->mss;
	return room / tcb->mss * tcb->mss;
}

/** tcp_offload_csum() - the device towards @raddr finishes checksums. */
bool tcp_offload_csum(struct engine *eng, uint32_t raddr)
{
	const struct netif *ifp = egress(eng, raddr);

	return ifp && (ifp->offload & NETIF_OFF_CSUM);
}

/**
 * tcp_offload_mark() - record in @p that its TCP checksum (header at @th)
 * is partial, and that a payload over @mss is a super-segment to be cut
 * at @mss (@mss 0: never)
 */
void tcp_offload_mark(struct pkt *p, uint8_t *th, size_t payload_len,
		      uint16_t mss)
{
	p->off.csum_partial = true;
	p->off.csum_start = th;
	p->off.csum_offset = 16; /* RFC 9293 3.1: the checksum field */
	if (mss && payload_len > mss) {
		p->off.gso_type = PKT_GSO_TCPV4;
		p->off.gso_size = mss;
	}
}
