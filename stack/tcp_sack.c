// SPDX-License-Identifier: MIT
/*
 * tcp_sack.c - the sender's SACK scoreboard, RFC 6675 loss recovery and
 *              RFC 6937 Proportional Rate Reduction
 *
 * Theory of operation
 *
 * The scoreboard is the set of octets in [SND.UNA, SND.NXT) the receiver
 * has SACKed, kept as at most TCP_SACK_RANGES sorted, disjoint ranges.
 * Blocks are untrusted input: one that is empty, starts below SND.UNA or
 * ends past SND.NXT is ignored (RFC 2018 section 3 lets a sender only act
 * on data it sent; RFC 5961's spirit is to ignore what cannot be right),
 * except that a first block below the cumulative ACK, or inside the
 * second block, is a D-SACK (RFC 2883 section 4) and is only reported.
 * When the table is full a new disjoint range is dropped, which at worst
 * retransmits data the receiver already has.
 *
 * RFC 6675's functions are answered from the ranges directly.  IsLost(S)
 * depends only on what was SACKed above S, and that is the same for every
 * octet of a hole between two ranges, so SetPipe() is evaluated hole by
 * hole rather than octet by octet, and NextSeg() only ever needs the
 * first unSACKed octet at or after HighRxt: if that one is not lost,
 * nothing above it is.
 *
 * Sequence numbers that RFC 6675 names as "highest octet" (HighData,
 * HighRxt, RecoveryPoint) are stored one past that octet, like SND.NXT,
 * so they compare directly with SND.UNA and range ends.
 */
#include <string.h>

#include "tcp_sack.h"
#include "tcp_seq.h"

static uint32_t blen(const struct tcp_sack_block *b)
{
	return b->end - b->start;
}

/**
 * tcp_sack_init() - an empty scoreboard, not in recovery
 * @sb:      scoreboard
 * @snd_una: the connection's SND.UNA
 */
void tcp_sack_init(struct tcp_scoreboard *sb, uint32_t snd_una)
{
	struct tcp_scoreboard z = { 0 };

	*sb = z;
	sb->snd_una = snd_una;
	sb->recovery_point = snd_una;
	sb->high_rxt = snd_una;
	sb->rack_lost_end = snd_una;
}

/* Forget what the cumulative ACK now covers. */
static void advance(struct tcp_scoreboard *sb, uint32_t snd_una)
{
	size_t drop = 0;

	if (!seq_gt(snd_una, sb->snd_una))
		return;
	sb->snd_una = snd_una;
	while (drop < sb->n && seq_leq(sb->r[drop].end, snd_una))
		sb->sacked -= blen(&sb->r[drop++]);
	memmove(&sb->r[0], &sb->r[drop], (sb->n - drop) * sizeof(sb->r[0]));
	sb->n -= drop;
	if (sb->n && seq_lt(sb->r[0].start, snd_una)) {
		sb->sacked -= snd_una - sb->r[0].start;
		sb->r[0].start = snd_una;
	}
	if (seq_lt(sb->high_rxt, snd_una))
		sb->high_rxt = snd_una;
	if (seq_lt(sb->rack_lost_end, snd_una))
		sb->rack_lost_end = snd_una;
}

/* Merge [s, e) into the ranges; return the octets not SACKed before. */
static uint32_t add_range(struct tcp_scoreboard *sb, uint32_t s, uint32_t e)
{
	size_t i = 0, j;
	uint32_t ns = s, ne = e, covered = 0;

	while (i < sb->n && seq_lt(sb->r[i].end, s))
		i++;
	for (j = i; j < sb->n && seq_leq(sb->r[j].start, e); j++) {
		uint32_t os = seq_max(s, sb->r[j].start);
		uint32_t oe = seq_min(e, sb->r[j].end);

		if (seq_lt(os, oe))
			covered += oe - os;
		ns = seq_min(ns, sb->r[j].start);
		ne = seq_max(ne, sb->r[j].end);
	}
	if (j == i) {
		if (sb->n == TCP_SACK_RANGES)
			return 0; /* full: forget it, see the file comment */
		memmove(&sb->r[i + 1], &sb->r[i],
			(sb->n - i) * sizeof(sb->r[0]));
		sb->n++;
	} else {
		memmove(&sb->r[i + 1], &sb->r[j],
			(sb->n - j) * sizeof(sb->r[0]));
		sb->n -= j - i - 1;
	}
	sb->r[i].start = ns;
	sb->r[i].end = ne;
	sb->sacked += (e - s) - covered;
	return (e - s) - covered;
}

/*
 * RFC 2883 section 4: the first block is a D-SACK when it lies below the
 * cumulative ACK or within the second block.
 */
static bool is_dsack(const struct tcp_sack_block *b, size_t n, uint32_t ack)
{
	if (seq_lt(b[0].start, ack))
		return true;
	return n > 1 && seq_geq(b[0].start, b[1].start) &&
	       seq_leq(b[0].end, b[1].end);
}

/**
 * tcp_sack_update() - apply one ACK: its cumulative point and SACK blocks
 * @sb:      scoreboard
 * @snd_una: SND.UNA after this ACK (SEG.ACK when it advanced)
 * @snd_nxt: SND.NXT; blocks past it are ignored
 * @blocks:  the ACK's SACK blocks, host order (from tcp_opts), or NULL
 * @nblocks: how many
 * @res:     filled with what changed
 *
 * RFC 6675 section 5 starts every ACK with this update of the scoreboard.
 */
void tcp_sack_update(struct tcp_scoreboard *sb, uint32_t snd_una,
		     uint32_t snd_nxt, const struct tcp_sack_block *blocks,
		     size_t nblocks, struct tcp_sack_result *res)
{
	struct tcp_sack_result z = { 0 };
	uint32_t adv = seq_gt(snd_una, sb->snd_una) ? snd_una - sb->snd_una : 0;
	uint32_t before = sb->sacked, trimmed;

	*res = z;
	advance(sb, snd_una);
	trimmed = before - sb->sacked;
	for (size_t i = 0; i < nblocks; i++) {
		const struct tcp_sack_block *b = &blocks[i];

		if (i == 0 && is_dsack(blocks, nblocks, snd_una)) {
			res->dsack = true;
			continue;
		}
		if (!seq_lt(b->start, b->end) || seq_lt(b->start, snd_una) ||
		    seq_gt(b->end, snd_nxt)) {
			res->invalid++;
			continue;
		}
		res->newly_sacked += add_range(sb, b->start, b->end);
	}
	/* RFC 6937 3: DeliveredData = delta(snd.una) + delta(SACKd). */
	res->delivered = adv - trimmed + res->newly_sacked;
}

/**
 * tcp_sack_is_sacked() - has the receiver SACKed octet @seq?
 * @sb:  scoreboard
 * @seq: octet
 *
 * Return: true when @seq lies in a SACKed range.
 */
bool tcp_sack_is_sacked(const struct tcp_scoreboard *sb, uint32_t seq)
{
	for (size_t i = 0; i < sb->n; i++)
		if (seq_in_range(seq, sb->r[i].start, blen(&sb->r[i])))
			return true;
	return false;
}

/**
 * tcp_sack_is_lost() - RFC 6675 section 4, IsLost(SeqNum)
 * @sb:  scoreboard
 * @seq: SeqNum
 * @mss: SMSS
 *
 * "This routine returns whether the given sequence number is considered
 * to be lost.  The routine returns true when either DupThresh
 * discontiguous SACKed sequences have arrived above 'SeqNum' or more than
 * (DupThresh - 1) * SMSS bytes with sequence numbers greater than 'SeqNum'
 * have been SACKed."
 *
 * Return: true when @seq is deemed lost.
 */
bool tcp_sack_is_lost(const struct tcp_scoreboard *sb, uint32_t seq,
		      uint32_t mss)
{
	unsigned int ranges = 0;
	uint64_t bytes = 0;

	/* RFC 8985 6.2: with RACK, time says what is lost, not DupThresh. */
	if (sb->rack)
		return seq_lt(seq, sb->rack_lost_end);
	for (size_t i = 0; i < sb->n; i++) {
		const struct tcp_sack_block *b = &sb->r[i];

		if (seq_gt(b->start, seq)) {
			ranges++;
			bytes += blen(b);
		} else if (seq_gt(b->end, seq + 1)) {
			bytes += b->end - (seq + 1);
		}
	}
	return ranges >= TCP_DUPTHRESH ||
	       bytes > (uint64_t)(TCP_DUPTHRESH - 1) * mss;
}

/**
 * tcp_sack_pipe() - RFC 6675 section 4, SetPipe()
 * @sb:      scoreboard
 * @snd_nxt: SND.NXT (one past HighData)
 * @mss:     SMSS
 *
 * For each unSACKed octet between SND.UNA and HighData: count it once if
 * it is not lost (it may still be in the network), and once more if it
 * was retransmitted in this recovery (the copy may be in the network).
 *
 * Return: pipe, the sender's estimate of octets in flight.
 */
uint32_t tcp_sack_pipe(const struct tcp_scoreboard *sb, uint32_t snd_nxt,
		       uint32_t mss)
{
	uint32_t cur = sb->snd_una, pipe = 0;
	uint32_t hr = sb->in_recovery ? seq_max(sb->high_rxt, sb->snd_una)
				      : sb->snd_una;

	for (size_t i = 0; i <= sb->n; i++) {
		uint32_t hole_end = i < sb->n ? sb->r[i].start : snd_nxt;

		if (seq_lt(cur, hole_end)) {
			if (!tcp_sack_is_lost(sb, cur, mss))
				pipe += hole_end - cur;
			if (seq_gt(hr, cur))
				pipe += seq_min(hr, hole_end) - cur;
		}
		if (i < sb->n)
			cur = sb->r[i].end;
	}
	return pipe;
}

/**
 * tcp_sack_should_enter_recovery() - RFC 6675 section 5, the entry test
 * @sb:      scoreboard
 * @dupacks: DupAcks, duplicate ACKs counted since SND.UNA last moved
 * @mss:     SMSS
 *
 * "(a) If DupAcks >= DupThresh, go to step (4) ... (b) If DupAcks <
 * DupThresh but IsLost (HighACK + 1) returns true", i.e. SND.UNA itself is
 * deemed lost.  Not while recovering, and not for data sent before the
 * last timeout (RecoveryPoint is preserved across an RTO, RFC 6675 5.1).
 *
 * Return: true when the TCB should start loss recovery.
 */
bool tcp_sack_should_enter_recovery(const struct tcp_scoreboard *sb,
				    unsigned int dupacks, uint32_t mss)
{
	if (sb->in_recovery || seq_lt(sb->snd_una, sb->recovery_point))
		return false;
	if (sb->rack) /* RFC 8985: recovery starts when RACK marks loss */
		return tcp_sack_is_lost(sb, sb->snd_una, mss);
	return dupacks >= TCP_DUPTHRESH ||
	       tcp_sack_is_lost(sb, sb->snd_una, mss);
}

/**
 * tcp_sack_enter_recovery() - RFC 6675 section 5 step (4.1)
 * @sb:      scoreboard
 * @snd_nxt: SND.NXT, one past HighData
 *
 * "RecoveryPoint = HighData"; HighRxt starts at HighACK and RescueRxt is
 * undefined, so every rule of NextSeg() is available.
 */
void tcp_sack_enter_recovery(struct tcp_scoreboard *sb, uint32_t snd_nxt)
{
	sb->in_recovery = true;
	sb->recovery_point = snd_nxt;
	sb->high_rxt = sb->snd_una;
	sb->rescue_valid = false;
}

/**
 * tcp_sack_recovery_done() - RFC 6675 section 5 (A): end of recovery
 * @sb: scoreboard, already updated with the ACK
 *
 * "An incoming cumulative ACK for a sequence number greater than
 * RecoveryPoint signals the end of loss recovery"; RecoveryPoint is held
 * one past the octet, hence SND.UNA >= it.
 *
 * Return: true when this ACK ended recovery (the TCB then calls
 * tcp_cc_on_recovery_exit()).
 */
bool tcp_sack_recovery_done(struct tcp_scoreboard *sb)
{
	if (!sb->in_recovery || seq_lt(sb->snd_una, sb->recovery_point))
		return false;
	sb->in_recovery = false;
	return true;
}

/* First unSACKed octet at or after @from. */
static uint32_t first_unsacked(const struct tcp_scoreboard *sb, uint32_t from,
			       size_t *next_range)
{
	size_t i = 0;

	while (i < sb->n && seq_leq(sb->r[i].end, from))
		i++;
	if (i < sb->n && seq_leq(sb->r[i].start, from))
		from = sb->r[i++].end; /* ranges are not adjacent */
	*next_range = i;
	return from;
}

/* RFC 6675 rule 4: the highest unSACKed octet's segment, once. */
static bool rescue(struct tcp_scoreboard *sb, uint32_t snd_nxt, uint32_t mss,
		   struct tcp_sack_seg *seg)
{
	uint32_t top = snd_nxt, floor = sb->snd_una, start;

	if (sb->rescue_valid && !seq_gt(sb->snd_una, sb->rescue_rxt))
		return false;
	if (sb->n && sb->r[sb->n - 1].end == snd_nxt) {
		top = sb->r[sb->n - 1].start;
		if (sb->n > 1)
			floor = sb->r[sb->n - 2].end;
	} else if (sb->n) {
		floor = sb->r[sb->n - 1].end;
	}
	if (!seq_lt(floor, top))
		return false; /* nothing outstanding is unSACKed */
	start = top - floor > mss ? top - mss : floor;
	seg->kind = TCP_SEG_RESCUE;
	seg->seq = start;
	seg->len = top - start;
	return true;
}

/**
 * tcp_sack_next_seg() - RFC 6675 section 4, NextSeg()
 * @sb:           scoreboard
 * @snd_nxt:      SND.NXT
 * @mss:          SMSS
 * @can_send_new: unsent data exists and the receive window allows it
 * @seg:          filled with the segment to send
 *
 * Rule 1: the first unSACKed octet S2 above HighRxt and below the highest
 * SACKed octet, if IsLost(S2).  Rule 2: new data.  Rule 3: that S2 even
 * if not lost.  Rule 4: once per recovery, a rescue retransmission of the
 * highest unSACKed segment.  Retransmissions are at most SMSS and stop at
 * the next SACKed range.  Outside recovery only new data is offered.
 *
 * Return: true when @seg is set, false when nothing may be sent.
 */
bool tcp_sack_next_seg(struct tcp_scoreboard *sb, uint32_t snd_nxt,
		       uint32_t mss, bool can_send_new,
		       struct tcp_sack_seg *seg)
{
	uint32_t high_sacked = sb->n ? sb->r[sb->n - 1].end : sb->snd_una;
	size_t next;
	uint32_t s2, stop;

	if (sb->in_recovery && sb->n) {
		s2 = first_unsacked(sb, seq_max(sb->high_rxt, sb->snd_una),
				    &next);
		if (seq_lt(s2, high_sacked)) {
			stop = next < sb->n ? sb->r[next].start : snd_nxt;
			seg->seq = s2;
			seg->len = stop - s2 < mss ? stop - s2 : mss;
			if (tcp_sack_is_lost(sb, s2, mss)) {
				seg->kind = TCP_SEG_LOST;
				return true;
			}
			if (!can_send_new) {
				seg->kind = TCP_SEG_RXT;
				return true;
			}
		}
	}
	if (can_send_new) {
		seg->kind = TCP_SEG_NEW;
		seg->seq = snd_nxt;
		seg->len = mss;
		return true;
	}
	if (sb->in_recovery && seq_lt(sb->snd_una, snd_nxt))
		return rescue(sb, snd_nxt, mss, seg);
	return false;
}

/**
 * tcp_sack_sent() - the TCB sent what tcp_sack_next_seg() chose
 * @sb:  scoreboard
 * @seg: the segment
 *
 * RFC 6675 section 5 (C.2): a retransmission moves HighRxt to its last
 * octet; rule 4 sets "RescueRxt to RecoveryPoint" and leaves HighRxt.
 */
void tcp_sack_sent(struct tcp_scoreboard *sb, const struct tcp_sack_seg *seg)
{
	switch (seg->kind) {
	case TCP_SEG_LOST:
	case TCP_SEG_RXT:
		sb->high_rxt = seq_max(sb->high_rxt, seg->seq + seg->len);
		break;
	case TCP_SEG_RESCUE:
		sb->rescue_rxt = sb->recovery_point;
		sb->rescue_valid = true;
		break;
	case TCP_SEG_NEW:
		break; /* the TCB advances SND.NXT; nothing to record */
	}
}

/**
 * tcp_sack_rto() - the retransmission timer expired
 * @sb:      scoreboard
 * @snd_nxt: SND.NXT, one past HighData
 *
 * RFC 6675 5.1: "RecoveryPoint MUST be set to HighData ... preserved and
 * the loss recovery algorithm ... MUST be terminated".  RFC 2018 section 8
 * says to expunge SACK information after a timeout (the receiver may have
 * reneged), which RFC 6675 leaves in force; the scoreboard is cleared.
 */
void tcp_sack_rto(struct tcp_scoreboard *sb, uint32_t snd_nxt)
{
	sb->n = 0;
	sb->sacked = 0;
	sb->in_recovery = false;
	sb->recovery_point = snd_nxt;
	sb->high_rxt = sb->snd_una;
	sb->rack_lost_end = sb->snd_una;
	sb->rescue_valid = false;
}

/**
 * tcp_prr_init() - RFC 6937 3.1, "at the beginning of recovery"
 * @p:          PRR state
 * @recover_fs: RecoverFS = SND.NXT - SND.UNA
 * @ssthresh:   the new ssthresh the congestion control chose
 * @mss:        SMSS
 *
 * PRR-SSRB is the default, as RFC 6937 section 3 recommends.
 */
void tcp_prr_init(struct tcp_prr *p, uint32_t recover_fs, uint32_t ssthresh,
		  uint32_t mss)
{
	struct tcp_prr z = { 0 };

	*p = z;
	p->recover_fs = recover_fs;
	p->ssthresh = ssthresh;
	p->mss = mss;
}

/**
 * tcp_prr_on_ack() - RFC 6937 3.1, "on every ACK during recovery"
 * @p:         PRR state
 * @delivered: DeliveredData (tcp_sack_result.delivered)
 * @pipe:      pipe after the ACK (tcp_sack_pipe())
 *
 * While pipe exceeds ssthresh, sending is paced to ssthresh / RecoverFS
 * of what is delivered: sndcnt = CEIL(prr_delivered * ssthresh /
 * RecoverFS) - prr_out.  Once pipe falls below ssthresh, the reduction
 * bound lets the window grow back: PRR-SSRB allows
 * MAX(prr_delivered - prr_out, DeliveredData) + MSS (slow start), PRR-CRB
 * only prr_delivered - prr_out; either way at most ssthresh - pipe.
 *
 * Return: the congestion window to use, pipe + sndcnt.
 */
uint32_t tcp_prr_on_ack(struct tcp_prr *p, uint32_t delivered, uint32_t pipe)
{
	int64_t sndcnt;
	uint64_t v;

	p->prr_delivered += delivered;
	if (pipe > p->ssthresh) {
		uint64_t fs = p->recover_fs ? p->recover_fs : 1;
		uint64_t share = (p->prr_delivered * p->ssthresh + fs - 1) / fs;

		sndcnt = (int64_t)share - (int64_t)p->prr_out;
	} else {
		int64_t room = (int64_t)p->prr_delivered - (int64_t)p->prr_out;
		int64_t limit = room;

		if (!p->conservative)
			limit = (room > (int64_t)delivered
					 ? room
					 : (int64_t)delivered) +
				p->mss;
		sndcnt = (int64_t)p->ssthresh - pipe;
		if (limit < sndcnt)
			sndcnt = limit;
	}
	if (sndcnt < 0)
		sndcnt = 0;
	v = (uint64_t)pipe + (uint64_t)sndcnt;
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/**
 * tcp_prr_on_send() - RFC 6937 3.1, "on any data transmission"
 * @p:     PRR state
 * @bytes: octets sent or retransmitted
 */
void tcp_prr_on_send(struct tcp_prr *p, uint32_t bytes)
{
	p->prr_out += bytes;
}
