// SPDX-License-Identifier: MIT
/*
 * tcp_undo.c - the books of spurious-retransmission detection; see
 * tcp_undo.h for the theory of operation
 */
#include "tcp_undo.h"
#include "tcp_seq.h"

/* Segments of at most @mss octets that @len octets took. */
static uint32_t segs(uint32_t len, uint32_t mss)
{
	return mss ? (len + mss - 1) / mss : 1;
}

/**
 * tcp_undo_begin() - a congestion response starts an episode
 * @u:       the books
 * @snd_una: SND.UNA now
 * @rto:     it is a retransmission timeout
 *
 * RFC 3708 2: the evidence of an earlier episode does not carry over.
 */
void tcp_undo_begin(struct tcp_undo *u, uint32_t snd_una, bool rto)
{
	struct tcp_undo z = { 0 };

	*u = z;
	u->marker = snd_una;
	u->rto = rto;
	u->active = true;
}

/**
 * tcp_undo_on_rxt() - the episode retransmitted [@seq, @seq + @len)
 * @u:     the books
 * @seq:   first octet
 * @len:   octets
 * @ts:    the segment carried a timestamp ...
 * @tsval: ... with this TSval
 * @mss:   SMSS, to count segments
 */
void tcp_undo_on_rxt(struct tcp_undo *u, uint32_t seq, uint32_t len, bool ts,
		     uint32_t tsval, uint32_t mss)
{
	if (!u->active || !len)
		return;
	if (!u->rxt_sent) {
		u->rxt_sent = true;
		u->rxt_seq = seq;
		u->rxt_ts = ts;
		u->rxt_tsval = tsval;
	}
	u->retrans += segs(len, mss);
}

/**
 * tcp_undo_on_dsack() - a D-SACK block [@start, @end) arrived
 * @u:     the books
 * @start: first octet reported twice
 * @end:   one past the last
 * @mss:   SMSS
 *
 * RFC 3708 3.2: each D-SACKed retransmission is taken back; when none is
 * left, the episode was spurious.  Blocks before the episode, or equal to
 * the last one counted, do not count.  Like Linux, a block for data
 * already acknowledged is counted without asking whether that data was
 * retransmitted (the record is gone); the network's own duplicates can
 * therefore make a loss look spurious, which costs one undone reduction.
 */
void tcp_undo_on_dsack(struct tcp_undo *u, uint32_t start, uint32_t end,
		       uint32_t mss)
{
	uint32_t n;

	if (!u->active || !u->rxt_sent || !seq_gt(end, u->marker) ||
	    !seq_lt(start, end))
		return;
	if (start == u->dsack_start && end == u->dsack_end)
		return; /* the same report, through a duplicated ACK */
	u->dsack_start = start;
	u->dsack_end = end;
	n = segs(end - seq_max(start, u->marker), mss);
	u->retrans = u->retrans > n ? u->retrans - n : 0;
	if (!u->retrans && u->spurious == TCP_UNDO_NONE)
		u->spurious = TCP_UNDO_DSACK;
}

/**
 * tcp_undo_on_ack() - RFC 3522 2: does this ACK acknowledge an original?
 * @u:            the books
 * @ack:          SEG.ACK, which advanced SND.UNA
 * @ts:           the ACK carried a timestamp ...
 * @tsecr:        ... echoing this
 * @recovery_end: this ACK ended fast recovery
 *
 * Judged once per episode: after a timeout on the first ACK that covers
 * the retransmission, otherwise on the ACK that ends recovery.  Spurious
 * when that ACK echoes a TSval older than the first retransmission
 * carried (a TSecr of 0 echoes nothing, RFC 7323 3.2).
 */
void tcp_undo_on_ack(struct tcp_undo *u, uint32_t ack, bool ts, uint32_t tsecr,
		     bool recovery_end)
{
	if (!u->active || !u->rxt_sent || !seq_gt(ack, u->rxt_seq))
		return;
	if (u->rto ? u->checked : !recovery_end)
		return;
	u->checked = true;
	if (u->rxt_ts && ts && tsecr && seq_lt(tsecr, u->rxt_tsval) &&
	    u->spurious == TCP_UNDO_NONE)
		u->spurious = TCP_UNDO_TS;
}
