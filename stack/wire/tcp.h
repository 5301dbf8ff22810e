/* SPDX-License-Identifier: MIT */
/*
 * tcp.h - the TCP header and its options (RFC 9293, 6691, 7323, 2018)
 */
#ifndef NSSTACK_WIRE_TCP_H
#define NSSTACK_WIRE_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/seq.h"

#define TCP_HLEN 20	/* without options */
#define TCP_OPTS_MAX 40 /* a 4-bit data offset caps the header at 60 */
#define TCP_MAX_HLEN (TCP_HLEN + TCP_OPTS_MAX)

/* Flags: the low 9 bits of header bytes 12-13 (RFC 9293 3.1, RFC 3168). */
#define TCP_FIN 0x001
#define TCP_SYN 0x002
#define TCP_RST 0x004
#define TCP_PSH 0x008
#define TCP_ACK 0x010
#define TCP_URG 0x020
#define TCP_ECE 0x040
#define TCP_CWR 0x080
#define TCP_AE 0x100 /* RFC 3540's NS bit, reassigned to AccECN as AE */
#define TCP_FLAGS_MASK 0x1ff

/* Option kinds (IANA "TCP Option Kind Numbers"). */
#define TCP_KIND_EOL 0
#define TCP_KIND_NOP 1
#define TCP_KIND_MSS 2	  /* RFC 9293 3.2, RFC 6691 */
#define TCP_KIND_WS 3	  /* RFC 7323 2 */
#define TCP_KIND_SACKOK 4 /* RFC 2018 2 */
#define TCP_KIND_SACK 5	  /* RFC 2018 3 */
#define TCP_KIND_TS 8	  /* RFC 7323 3 */
#define TCP_KIND_EXP1 253 /* RFC 4727 experiments */
#define TCP_KIND_EXP2 254

#define TCP_OLEN_MSS 4
#define TCP_OLEN_WS 3
#define TCP_OLEN_SACKOK 2
#define TCP_OLEN_TS 10
#define TCP_OLEN_SACK_BASE 2
#define TCP_OLEN_SACK_BLOCK 8
#define TCP_SACK_MAX 4 /* 2 + 4 * 8 = 34 is the most 40 bytes can hold */

/* Which options a struct tcp_opts carries (its @present bits). */
#define TCP_OPT_MSS 0x01
#define TCP_OPT_WS 0x02
#define TCP_OPT_SACKOK 0x04
#define TCP_OPT_SACK 0x08
#define TCP_OPT_TS 0x10
#define TCP_OPT_UNKNOWN 0x20 /* parse only: some kind was skipped */

struct tcp_sack_block {
	uint32_t start; /* left edge: first sequence number of the block */
	uint32_t end;	/* right edge: the one after its last */
};

/*
 * struct tcp_opts - the options of one segment, host order
 * @present: TCP_OPT_* bits; a field below means something only when its
 *	bit is set.  When an option appears twice the last one wins.
 * @ws: the shift count as received, not clamped: RFC 7323 2.3 has the
 *	receiver use 14 for anything larger, which is the engine's job
 * @sack_n: SACK blocks in @sack, 1..TCP_SACK_MAX when TCP_OPT_SACK is set
 */
struct tcp_opts {
	uint32_t present;
	uint16_t mss;
	uint8_t ws;
	uint8_t sack_n;
	uint32_t tsval;
	uint32_t tsecr;
	struct tcp_sack_block sack[TCP_SACK_MAX];
};

/*
 * struct tcp_view - one TCP header in host order
 * @doff: the data offset as read, in 32-bit words; emit computes its own
 * @flags: TCP_FIN ... TCP_AE; the three reserved bits are ignored on input
 *	(RFC 9293 3.1) and emit rejects anything outside TCP_FLAGS_MASK
 * @csum: the checksum as read; emit computes it
 * @opts: the raw options region, borrowed from the parsed buffer, or NULL.
 *	When non-NULL, emit copies these @opts_len bytes verbatim (a multiple
 *	of 4, at most 40) and ignores @opt: that re-emits a parsed segment
 *	exactly, whatever the sender's option order.  When NULL, emit writes
 *	@opt in the canonical layout of tcp_opts_emit().  Parse sets it only
 *	when there are options, so a segment built from scratch (zeroed view)
 *	gets the canonical layout; clear it before editing @opt of a parsed
 *	segment that is to be re-emitted.
 * @opt: the options, decoded by tcp_opts_parse()
 * @payload: everything after the header: TCP has no length of its own, so
 *	the caller's length (the IP payload) decides where it ends
 */
struct tcp_view {
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t doff;
	uint16_t flags;
	uint16_t window;
	uint16_t csum;
	uint16_t urg;
	const uint8_t *opts;
	size_t opts_len;
	struct tcp_opts opt;
	const uint8_t *payload;
	size_t payload_len;
};

int tcp_parse(const uint8_t *buf, size_t len, struct tcp_view *v);
bool tcp_csum_ok(const uint8_t *buf, size_t len, uint32_t pseudo_sum);
int tcp_hdr_len(const struct tcp_view *v);
int tcp_emit(uint8_t *buf, size_t cap, const struct tcp_view *v,
	     uint32_t pseudo_sum);
int tcp_emit_partial(uint8_t *buf, size_t cap, const struct tcp_view *v,
		     uint32_t pseudo_sum);

int tcp_opts_parse(const uint8_t *buf, size_t len, struct tcp_opts *o);
int tcp_opts_len(const struct tcp_opts *o);
int tcp_opts_emit(uint8_t *buf, size_t cap, const struct tcp_opts *o);

#endif /* NSSTACK_WIRE_TCP_H */
