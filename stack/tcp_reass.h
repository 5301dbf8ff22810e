/* SPDX-License-Identifier: MIT */
/*
 * tcp_reass.h - the receive-side out-of-order queue, with the SACK and
 *               D-SACK blocks it implies (RFC 9293, 2018, 2883)
 */
#ifndef NSSTACK_TCP_REASS_H
#define NSSTACK_TCP_REASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/tcp.h" /* struct tcp_sack_block */

/*
 * Bytes charged per held piece on top of its payload, so a peer sending
 * one-byte segments into every other hole exhausts the budget as fast as
 * its bookkeeping costs us (the idea of Linux's skb truesize).
 */
#define TCP_REASS_PIECE_OVERHEAD 64u

/**
 * struct tcp_reass_piece - one held stretch of out-of-order data
 * @seq:   sequence number of the first byte
 * @len:   bytes, > 0
 * @touch: arrival stamp of the last segment that covered any of it
 * @data:  owned copy of the bytes
 */
struct tcp_reass_piece {
	uint32_t seq;
	uint32_t len;
	uint64_t touch;
	uint8_t *data;
};

/**
 * struct tcp_reass - one connection's out-of-order queue
 * @pieces:      sorted by sequence number, pairwise disjoint
 * @count:       pieces in use
 * @cap:         pieces allocated
 * @held:        bytes charged: payload plus overhead per piece
 * @budget:      most @held may reach
 * @clock:       arrival counter behind @touch
 * @dsack:       a duplicate range to report in the next ACK (RFC 2883)
 * @dsack_valid: @dsack is pending
 * @fin_valid:   a FIN has arrived, out of order or not
 * @fin_seq:     sequence number of that FIN
 */
struct tcp_reass {
	struct tcp_reass_piece *pieces;
	size_t count;
	size_t cap;
	size_t held;
	size_t budget;
	uint64_t clock;
	struct tcp_sack_block dsack;
	bool dsack_valid;
	bool fin_valid;
	uint32_t fin_seq;
};

void tcp_reass_init(struct tcp_reass *q, size_t budget);
void tcp_reass_free(struct tcp_reass *q);
bool tcp_reass_trim(struct tcp_reass *q);
int tcp_reass_insert(struct tcp_reass *q, uint32_t rcv_nxt, uint32_t rcv_wnd,
		     uint32_t seq, const uint8_t *data, uint32_t len, bool fin);
size_t tcp_reass_ready(const struct tcp_reass *q, uint32_t rcv_nxt);
void tcp_reass_forget(struct tcp_reass *q, uint32_t rcv_nxt);
size_t tcp_reass_read(struct tcp_reass *q, uint32_t rcv_nxt, uint8_t *buf,
		      size_t cap);
bool tcp_reass_fin_ready(const struct tcp_reass *q, uint32_t rcv_nxt);
void tcp_reass_note_dup(struct tcp_reass *q, uint32_t start, uint32_t end);
size_t tcp_reass_sack(const struct tcp_reass *q, uint32_t rcv_nxt,
		      struct tcp_sack_block *out, size_t max);
void tcp_reass_ack_sent(struct tcp_reass *q);

/** tcp_reass_empty() - true when no out-of-order data is held. */
static inline bool tcp_reass_empty(const struct tcp_reass *q)
{
	return q->count == 0;
}

#endif /* NSSTACK_TCP_REASS_H */
