// SPDX-License-Identifier: MIT
/*
 * tcp_reass.c - the receive-side out-of-order queue
 *
 * Theory of operation
 *
 * RFC 9293 3.10.7.4 lets a receiver keep segments that arrive beyond
 * RCV.NXT and deliver them once the gap before them fills.  The queue
 * holds such data as pieces: owned copies, sorted by sequence number and
 * pairwise disjoint.  An arriving segment is first trimmed to the window
 * (the part below RCV.NXT is old, the part at or past RCV.NXT + RCV.WND is
 * outside it, ibid. "trim"), then only the stretches no piece holds yet
 * are copied in: data already held wins, so overlapping retransmissions
 * cost no copying and can never rewrite bytes the queue has vouched for
 * with a SACK.  Pieces are never merged: merging would copy a growing run
 * once per arriving segment.  Adjacent pieces are coalesced only when
 * SACK blocks are computed.
 *
 * Memory is bounded by a byte budget that charges each piece its payload
 * plus TCP_REASS_PIECE_OVERHEAD; a segment that does not fit is refused
 * whole (-ENOBUFS) and the sender will retransmit it.
 *
 * SACK (RFC 2018 section 4): every insert stamps the pieces it touched
 * with a rising arrival counter, and a contiguous run's recency is its
 * newest stamp.  The first block is the run holding the most recent
 * segment, the rest follow by recency, which is the order RFC 2018 asks
 * for ("the most recently reported SACK blocks").
 *
 * D-SACK (RFC 2883): bytes that arrive a second time, whether below
 * RCV.NXT or inside held pieces, are remembered as one range and reported
 * as the first block of the next ACK only; because the duplicate's run was
 * just stamped, the run that contains it follows as the second block
 * (RFC 2883 section 4).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_reass.h"
#include "tcp_seq.h"

static uint32_t piece_end(const struct tcp_reass_piece *p)
{
	return p->seq + p->len;
}

/**
 * tcp_reass_init() - start an empty queue
 * @q:      queue
 * @budget: most bytes (payload + per-piece overhead) the queue may hold
 */
void tcp_reass_init(struct tcp_reass *q, size_t budget)
{
	struct tcp_reass z = { 0 };

	*q = z;
	q->budget = budget;
}

/**
 * tcp_reass_free() - release every piece; the queue stays usable (empty)
 * @q: queue
 */
void tcp_reass_free(struct tcp_reass *q)
{
	size_t budget = q->budget;

	for (size_t i = 0; i < q->count; i++)
		free(q->pieces[i].data);
	free(q->pieces);
	tcp_reass_init(q, budget);
}

/**
 * tcp_reass_trim() - release the piece array of an empty queue, so an
 * idle connection does not keep it (it comes back on the next insert)
 * @q: queue
 *
 * Return: the queue still holds memory.
 */
bool tcp_reass_trim(struct tcp_reass *q)
{
	if (!q->count) {
		free(q->pieces);
		q->pieces = NULL;
		q->cap = 0;
	}
	return q->pieces != NULL;
}

/* Drop piece @i, keeping the array sorted. */
static void piece_remove(struct tcp_reass *q, size_t i)
{
	q->held -= q->pieces[i].len + TCP_REASS_PIECE_OVERHEAD;
	free(q->pieces[i].data);
	memmove(&q->pieces[i], &q->pieces[i + 1],
		(q->count - i - 1) * sizeof(q->pieces[0]));
	q->count--;
}

/* Make room for @extra more pieces. */
static int reserve(struct tcp_reass *q, size_t extra)
{
	size_t want = q->count + extra, cap = q->cap ? q->cap : 8;
	struct tcp_reass_piece *p;

	if (want <= q->cap)
		return 0;
	while (cap < want)
		cap *= 2;
	p = realloc(q->pieces, cap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	q->pieces = p;
	q->cap = cap;
	return 0;
}

/* Index of the first piece that ends after @seq (all before end at or
 * before it); pieces are disjoint, so their ends are sorted too. */
static size_t first_ending_after(const struct tcp_reass *q, uint32_t seq)
{
	size_t lo = 0, hi = q->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (seq_gt(piece_end(&q->pieces[mid]), seq))
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/**
 * tcp_reass_note_dup() - remember a duplicate range for the next ACK
 * @q:     queue
 * @start: first duplicate sequence number
 * @end:   one past the last
 *
 * RFC 2883 section 4: the D-SACK block goes first in the next ACK.  A
 * newer duplicate replaces an unreported older one, so the block always
 * describes the segment that triggered the ACK.
 */
void tcp_reass_note_dup(struct tcp_reass *q, uint32_t start, uint32_t end)
{
	if (!seq_lt(start, end))
		return;
	q->dsack.start = start;
	q->dsack.end = end;
	q->dsack_valid = true;
}

/* Copy [cur, gap_end) of the segment into a new piece at index @k. */
static int add_piece(struct tcp_reass *q, size_t k, uint32_t cur,
		     uint32_t gap_end, const uint8_t *bytes, uint64_t stamp)
{
	struct tcp_reass_piece p = {
		.seq = cur,
		.len = gap_end - cur,
		.touch = stamp,
	};

	p.data = malloc(p.len);
	if (!p.data)
		return -ENOMEM;
	memcpy(p.data, bytes, p.len);
	memmove(&q->pieces[k + 1], &q->pieces[k],
		(q->count - k) * sizeof(q->pieces[0]));
	q->pieces[k] = p;
	q->count++;
	q->held += p.len + TCP_REASS_PIECE_OVERHEAD;
	return 0;
}

/**
 * tcp_reass_insert() - queue an arriving segment's data
 * @q:       queue
 * @rcv_nxt: RCV.NXT
 * @rcv_wnd: RCV.WND as offered
 * @seq:     SEG.SEQ of the first data octet (after any SYN)
 * @data:    the payload, copied; the caller keeps ownership
 * @len:     payload length
 * @fin:     the segment carries FIN (it follows the last data octet)
 *
 * The caller has found the segment acceptable (tcp_seq_acceptable()).
 * Octets below @rcv_nxt are duplicates and are reported by D-SACK
 * (RFC 2883 4.1.1); octets at or past RCV.NXT + RCV.WND are trimmed
 * (RFC 9293 3.10.7.4) and so is a FIN that lies past the window.  In-order
 * data may be inserted too and is then available to tcp_reass_read()
 * at once; a TCB may instead deliver in-order data itself while the queue
 * is empty.
 *
 * Return: 0 (also when nothing new was stored), -ENOBUFS when the new
 * bytes would exceed the budget (nothing is stored), -ENOMEM.
 */
int tcp_reass_insert(struct tcp_reass *q, uint32_t rcv_nxt, uint32_t rcv_wnd,
		     uint32_t seq, const uint8_t *data, uint32_t len, bool fin)
{
	uint32_t end = seq + len, wnd_end = rcv_nxt + rcv_wnd;
	uint32_t cur, dup_start = 0, dup_end = 0;
	size_t k, gaps = 0, fresh = 0;
	bool dup = false;
	uint64_t stamp;
	int err;

	/* RFC 9293 3.10.7.4: a FIN counts only where it fits the window. */
	if (fin && seq_geq(end, rcv_nxt) && seq_leq(end, wnd_end)) {
		q->fin_valid = true;
		q->fin_seq = end;
	}
	if (len == 0)
		return 0;
	if (seq_lt(seq, rcv_nxt)) {
		/* RFC 2883 4.1.1: report what was already acknowledged. */
		tcp_reass_note_dup(q, seq, seq_min(end, rcv_nxt));
		dup = true;
		if (seq_leq(end, rcv_nxt))
			return 0;
		data += rcv_nxt - seq;
		seq = rcv_nxt;
	}
	if (!seq_lt(seq, wnd_end))
		return 0;
	if (seq_gt(end, wnd_end))
		end = wnd_end;

	/* Pass 1: count the missing stretches; find the first duplicate. */
	k = first_ending_after(q, seq);
	cur = seq;
	for (size_t i = k; i < q->count && seq_lt(q->pieces[i].seq, end); i++) {
		const struct tcp_reass_piece *p = &q->pieces[i];
		uint32_t os = seq_max(cur, p->seq);
		uint32_t oe = seq_min(end, piece_end(p));

		if (seq_lt(cur, p->seq)) {
			fresh += p->seq - cur;
			gaps++;
		}
		/* RFC 2883 4.1.2: duplicates of out-of-order data. */
		if (!dup && dup_start == dup_end) {
			dup_start = os;
			dup_end = oe;
		} else if (!dup && dup_end == os && seq_lt(os, oe)) {
			dup_end = oe; /* the duplicate spans adjacent pieces */
		}
		cur = seq_max(cur, piece_end(p));
	}
	if (seq_lt(cur, end)) {
		fresh += end - cur;
		gaps++;
	}
	if (!dup)
		tcp_reass_note_dup(q, dup_start, dup_end);
	if (q->held + fresh + gaps * TCP_REASS_PIECE_OVERHEAD > q->budget)
		return -ENOBUFS;
	err = reserve(q, gaps);
	if (err)
		return err;

	/* Pass 2: stamp what is held, copy in what is not. */
	stamp = ++q->clock;
	cur = seq;
	while (seq_lt(cur, end)) {
		struct tcp_reass_piece *p = k < q->count ? &q->pieces[k] : NULL;
		uint32_t gap_end;

		if (p && seq_leq(p->seq, cur)) {
			p->touch = stamp;
			cur = seq_max(cur, piece_end(p));
			k++;
			continue;
		}
		gap_end = p && seq_lt(p->seq, end) ? p->seq : end;
		err = add_piece(q, k, cur, gap_end, data + (cur - seq), stamp);
		if (err)
			return err;
		k++;
		cur = gap_end;
	}
	return 0;
}

/**
 * tcp_reass_ready() - in-order bytes available at @rcv_nxt
 * @q:       queue
 * @rcv_nxt: RCV.NXT
 *
 * Return: how many contiguous bytes starting at @rcv_nxt the queue holds.
 */
size_t tcp_reass_ready(const struct tcp_reass *q, uint32_t rcv_nxt)
{
	uint32_t cur = rcv_nxt;

	for (size_t i = 0; i < q->count; i++) {
		const struct tcp_reass_piece *p = &q->pieces[i];

		if (seq_leq(piece_end(p), cur))
			continue; /* already delivered another way */
		if (seq_gt(p->seq, cur))
			break;
		cur = piece_end(p);
	}
	return cur - rcv_nxt;
}

/**
 * tcp_reass_forget() - discard the pieces RCV.NXT has passed
 * @q:       queue
 * @rcv_nxt: RCV.NXT
 *
 * A retransmission may cover a hole and held pieces at once (RFC 9293
 * 3.8.1 lets a sender repacketize; Linux collapses segments when it
 * retransmits), so it arrives in order and the pieces it covered are
 * delivered another way.  Called after every in-order arrival, so an
 * empty queue means no data is held beyond RCV.NXT.
 */
void tcp_reass_forget(struct tcp_reass *q, uint32_t rcv_nxt)
{
	while (q->count && seq_leq(piece_end(&q->pieces[0]), rcv_nxt))
		piece_remove(q, 0);
}

/**
 * tcp_reass_read() - move in-order data out of the queue
 * @q:       queue
 * @rcv_nxt: RCV.NXT
 * @buf:     destination
 * @cap:     room in @buf
 *
 * Copies up to @cap contiguous bytes starting at @rcv_nxt and frees what
 * was copied; pieces wholly below @rcv_nxt are discarded on the way.  The
 * caller advances RCV.NXT by the return value.
 *
 * Return: bytes copied.
 */
size_t tcp_reass_read(struct tcp_reass *q, uint32_t rcv_nxt, uint8_t *buf,
		      size_t cap)
{
	uint32_t cur = rcv_nxt;
	size_t done = 0;

	while (q->count && done < cap) {
		struct tcp_reass_piece *p = &q->pieces[0];
		uint32_t skip, n;

		if (seq_leq(piece_end(p), cur)) {
			piece_remove(q, 0);
			continue;
		}
		if (seq_gt(p->seq, cur))
			break;
		skip = cur - p->seq;
		n = p->len - skip;
		if (n > cap - done)
			n = (uint32_t)(cap - done);
		memcpy(buf + done, p->data + skip, n);
		done += n;
		cur += n;
		if (skip + n == p->len) {
			piece_remove(q, 0);
		} else {
			/* Keep the tail; the head is gone. */
			uint32_t keep = p->len - skip - n;

			memmove(p->data, p->data + skip + n, keep);
			q->held -= p->len - keep;
			p->seq = cur;
			p->len = keep;
		}
	}
	return done;
}

/**
 * tcp_reass_fin_ready() - has a FIN arrived that is now in sequence?
 * @q:       queue
 * @rcv_nxt: RCV.NXT after all in-order data was read
 *
 * RFC 9293 3.10.7.4 "eighth, check the FIN bit": a FIN takes effect only
 * once every octet before it has been received.
 *
 * Return: true when the FIN occupies @rcv_nxt.
 */
bool tcp_reass_fin_ready(const struct tcp_reass *q, uint32_t rcv_nxt)
{
	return q->fin_valid && q->fin_seq == rcv_nxt;
}

/*
 * Find the contiguous run (of pieces above @rcv_nxt) with the newest
 * stamp older than @below; returns false when none is left.
 */
static bool newest_run(const struct tcp_reass *q, uint32_t rcv_nxt,
		       uint64_t below, struct tcp_sack_block *run,
		       uint64_t *touch)
{
	bool found = false, open = false;
	struct tcp_sack_block cur = { 0, 0 };
	uint64_t cur_touch = 0;

	*touch = 0;
	for (size_t i = 0; i <= q->count; i++) {
		const struct tcp_reass_piece *p = i < q->count ? &q->pieces[i]
							       : NULL;

		if (p && seq_leq(piece_end(p), rcv_nxt))
			continue;
		if (p && open && p->seq == cur.end) {
			cur.end = piece_end(p);
			if (p->touch > cur_touch)
				cur_touch = p->touch;
			continue;
		}
		if (open && cur_touch < below && cur_touch > *touch) {
			*run = cur;
			*touch = cur_touch;
			found = true;
		}
		if (!p)
			break;
		cur.start = seq_max(p->seq, rcv_nxt);
		cur.end = piece_end(p);
		cur_touch = p->touch;
		open = true;
	}
	return found;
}

/**
 * tcp_reass_sack() - the SACK blocks for the next ACK
 * @q:       queue
 * @rcv_nxt: RCV.NXT; blocks never cover data below it (RFC 2018 4)
 * @out:     destination
 * @max:     blocks that fit the option space: 4, or 3 next to timestamps
 *
 * A pending D-SACK block comes first (RFC 2883 section 4), then the run
 * that holds the most recently received segment, then the others by
 * recency (RFC 2018 section 4).  Does not clear the D-SACK: call
 * tcp_reass_ack_sent() once the ACK is out.
 *
 * Return: blocks written.
 */
size_t tcp_reass_sack(const struct tcp_reass *q, uint32_t rcv_nxt,
		      struct tcp_sack_block *out, size_t max)
{
	uint64_t below = UINT64_MAX, touch;
	size_t n = 0;

	if (q->dsack_valid && n < max)
		out[n++] = q->dsack;
	while (n < max && newest_run(q, rcv_nxt, below, &out[n], &touch)) {
		below = touch;
		n++;
	}
	return n;
}

/**
 * tcp_reass_ack_sent() - an ACK carrying the SACK blocks went out
 * @q: queue
 *
 * RFC 2883 section 4: each duplicate is reported in one ACK only.
 */
void tcp_reass_ack_sent(struct tcp_reass *q)
{
	q->dsack_valid = false;
}
