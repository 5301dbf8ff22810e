/* SPDX-License-Identifier: MIT */
/*
 * tcp_undo.h - telling a spurious retransmission from a loss: D-SACK
 * (RFC 3708) and timestamps (the Eifel detection algorithm, RFC 3522)
 *
 * Theory of operation
 *
 * A congestion response (fast recovery, RACK, an RTO) starts an episode:
 * tcp_undo_begin() notes SND.UNA, and every retransmission of the episode
 * is counted with the TSval it carried.  Two kinds of evidence say the
 * episode answered no loss:
 *
 *  - RFC 3708 2: "if all retransmitted segments of an episode were
 *    D-SACKed", every retransmission was a duplicate at the receiver, so
 *    the originals had arrived.  Each D-SACK block at or past the episode's
 *    start takes back the segments it covers.  A block equal to the last
 *    one is the same report again (the network duplicated the ACK) and is
 *    not counted twice.
 *  - RFC 3522 2: an ACK that covers the episode's first retransmission
 *    echoes (TSecr) a TSval older than that retransmission carried: the
 *    original, not the retransmission, was acknowledged.  The TCB asks
 *    on the ACK that ends recovery, as Linux does, or after a timeout on
 *    the first ACK that advances SND.UNA (RFC 3522 2 exactly).
 *
 * Either sets @spurious; the TCB acts on it (tcp_cc_undo()) once no
 * recovery is under way.  This file only keeps the books: it reads no
 * clock and sends nothing.
 */
#ifndef NSSTACK_TCP_UNDO_H
#define NSSTACK_TCP_UNDO_H

#include <stdbool.h>
#include <stdint.h>

/* What showed an episode spurious. */
enum tcp_undo_why {
	TCP_UNDO_NONE,
	TCP_UNDO_DSACK, /* RFC 3708 */
	TCP_UNDO_TS,	/* RFC 3522 */
};

/**
 * struct tcp_undo - one episode's evidence
 * @marker:    SND.UNA when the episode began
 * @retrans:   its retransmitted segments not yet D-SACKed
 * @rxt_seq:   where its first retransmission began
 * @rxt_tsval: the TSval that retransmission carried
 * @dsack_start, @dsack_end: the last D-SACK block counted
 * @active:    an episode is open and its response not undone
 * @rto:       the episode began with a retransmission timeout
 * @rxt_sent:  it retransmitted something
 * @rxt_ts:    @rxt_tsval is set (the connection uses timestamps)
 * @checked:   after a timeout: the first ACK past @rxt_seq was judged
 * @spurious:  the verdict, TCP_UNDO_NONE while there is none
 */
struct tcp_undo {
	uint32_t marker;
	uint32_t retrans;
	uint32_t rxt_seq;
	uint32_t rxt_tsval;
	uint32_t dsack_start, dsack_end;
	bool active;
	bool rto;
	bool rxt_sent;
	bool rxt_ts;
	bool checked;
	enum tcp_undo_why spurious;
};

void tcp_undo_begin(struct tcp_undo *u, uint32_t snd_una, bool rto);
void tcp_undo_on_rxt(struct tcp_undo *u, uint32_t seq, uint32_t len, bool ts,
		     uint32_t tsval, uint32_t mss);
void tcp_undo_on_dsack(struct tcp_undo *u, uint32_t start, uint32_t end,
		       uint32_t mss);
void tcp_undo_on_ack(struct tcp_undo *u, uint32_t ack, bool ts, uint32_t tsecr,
		     bool recovery_end);

#endif /* NSSTACK_TCP_UNDO_H */
