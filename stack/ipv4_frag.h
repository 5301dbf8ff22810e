/* SPDX-License-Identifier: MIT */
/*
 * ipv4_frag.h - IPv4 reassembly (RFC 791, RFC 815), fragmentation on
 * output, and datagram identification (RFC 6864, RFC 7739)
 */
#ifndef NSSTACK_IPV4_FRAG_H
#define NSSTACK_IPV4_FRAG_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"
#include "pkt.h"
#include "wire/ipv4.h"

struct engine;
struct frag4_q;
struct frag4_src;

#define FRAG4_IDENT_BUCKETS 2048 /* Linux IP_IDENTS_SZ */

struct frag4 {
	struct frag4_q *queues;		 /* uthash by (src, dst, proto, id) */
	struct frag4_q *oldest, *newest; /* creation order, for eviction */
	struct frag4_src *srcs;		 /* uthash by source: max_dist */
	size_t nq;
	size_t mem; /* bytes held, against ipfrag_high_thresh */
	uint16_t ident[FRAG4_IDENT_BUCKETS];
	struct hash_memo ident_memo; /* the last ipv4_ident() bucket hash */
};

int frag4_init(struct engine *eng);
void frag4_fini(struct engine *eng);
struct pkt *ipv4_frag_input(struct engine *eng, struct pkt *p,
			    const struct ipv4_view *v);
int ipv4_fragment(const struct ipv4_view *v, uint32_t mtu, struct pktq *out);
uint16_t ipv4_ident(struct engine *eng, uint32_t src, uint32_t dst,
		    uint8_t proto);

#endif /* NSSTACK_IPV4_FRAG_H */
