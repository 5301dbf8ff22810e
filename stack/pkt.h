/* SPDX-License-Identifier: MIT */
/*
 * pkt.h - one contiguous packet buffer with headroom
 *
 * A packet is a single allocation: the struct, then PKT_HEADROOM bytes of
 * headroom, then room for the frame.  Transmit paths build the payload
 * first and prepend each header outward with pkt_push(); receive paths
 * consume headers with pkt_pull().  There are no chains: a packet's bytes
 * are always data[0 .. len).
 *
 * Ownership: whoever holds a struct pkt * owns it and must pass it on or
 * pkt_free() it.  Every function that takes a packet says in its comment
 * who frees it on each path.
 */
#ifndef NSSTACK_PKT_H
#define NSSTACK_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_HEADROOM 128
/* Largest frame the engine handles: a 64 KiB IP datagram and its L2 header. */
#define PKT_MAX_FRAME (65535 + 64)

struct netif;

/* What a packet's offload metadata says about segmentation. */
enum pkt_gso {
	PKT_GSO_NONE,  /* one packet on the wire */
	PKT_GSO_TCPV4, /* a TCP/IPv4 super-segment, cut at gso_size */
	PKT_GSO_TCPV6, /* the same for IPv6 */
};

/*
 * struct pkt_offload - the device-offload metadata of one packet, as the
 * virtio-net header carries it (netdev_vnet.c converts both ways); the
 * rest of the stack sees only this
 * @csum_start: TX and RX: checksum this and every later byte and store it
 *	at @csum_start + @csum_offset (the field holds the pseudo-header sum
 *	meanwhile); a pointer into the buffer, so pushing headers in front
 *	leaves it right.  Meaningful only with @csum_partial.
 * @csum_partial: the L4 checksum is not computed yet (NEEDS_CSUM)
 * @csum_valid: RX: the device vouches for the L4 checksum (DATA_VALID, or
 *	a partial checksum from the kernel on the same host)
 * @gso_type/@gso_size: a super-segment the device cuts into gso_size
 *	payload pieces (TX), or that the kernel did not cut (RX, GRO/TSO)
 */
struct pkt_offload {
	uint8_t *csum_start;
	uint16_t csum_offset;
	uint16_t gso_size;
	uint8_t gso_type; /* enum pkt_gso */
	bool csum_partial;
	bool csum_valid;
};

struct pkt {
	struct pkt *next;  /* queue link: neighbour pending, reassembly, tx */
	struct netif *ifp; /* interface received on / to send on */
	uint8_t *data;	   /* first valid byte */
	size_t len;	   /* valid bytes */
	size_t cap;	   /* bytes from buf[0] to the end of the allocation */
	uint32_t nexthop4; /* IPv4 next hop (host order), for neighbour TX */
	uint8_t *rx_frame; /* received: the whole frame, for drop capture */
	size_t rx_len;
	struct pkt_offload off; /* checksum and segmentation offload */
	uint8_t buf[];
};

struct pkt *pkt_alloc(size_t room);
void pkt_free(struct pkt *p);
struct pkt *pkt_from(const uint8_t *bytes, size_t len);
uint8_t *pkt_push(struct pkt *p, size_t n);
uint8_t *pkt_put(struct pkt *p, size_t n);
void pkt_pull(struct pkt *p, size_t n);
size_t pkt_headroom(const struct pkt *p);
size_t pkt_tailroom(const struct pkt *p);

/* A singly linked FIFO of packets with a count, for bounded queues. */
struct pktq {
	struct pkt *head;
	struct pkt *tail;
	size_t count;
};

void pktq_push(struct pktq *q, struct pkt *p);
struct pkt *pktq_pop(struct pktq *q);
void pktq_purge(struct pktq *q);

#endif /* NSSTACK_PKT_H */
