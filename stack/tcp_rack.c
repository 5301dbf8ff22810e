// SPDX-License-Identifier: MIT
/*
 * tcp_rack.c - RACK: time-based loss detection (RFC 8985 6)
 *
 * Theory of operation
 *
 * RACK deems a segment lost when a segment sent after it (in time, not
 * in sequence) has been delivered and more than RACK.rtt + reo_wnd has
 * passed since it was sent.  So it needs, per segment in flight, its
 * latest transmission time: a ring of struct tcp_rack_seg in sequence
 * order, appended by every new transmission and refreshed by every
 * retransmission (tcp_rack_sent()).  When the ring is full, new data is
 * merged into the last entry, which only blurs detection for that tail.
 *
 * On each ACK, tcp_rack_ack() marks what the cumulative ACK and the SACK
 * scoreboard now cover as delivered, keeping the RACK.xmit_ts,
 * RACK.end_seq and RACK.rtt of the most recently sent of them (6.2 step
 * 2; ambiguous samples of retransmissions skipped as the RFC says),
 * watches for reordering (step 3), and forgets acknowledged entries.
 * tcp_rack_reo_wnd() is step 4 and tcp_rack_detect() step 5: it marks
 * lost what expired and says when to look again (the reordering timer,
 * 6.3).  The TCB turns "lost" into RFC 6675 retransmissions through the
 * scoreboard (tcp_sack.c's IsLost() answers from RACK when it is on).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tcp_rack.h"
#include "tcp_seq.h"

#define RACK_BYTES (TCP_RACK_SEGS * sizeof(struct tcp_rack_seg))

#if defined(__SANITIZE_ADDRESS__)
#define RACK_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RACK_MALLOC 1
#endif
#endif

/*
 * The ring comes and goes with data in flight (tcp.c's idle sweep frees
 * it), so like the byte rings (tcp_ring.c) it takes whole pages from
 * mmap(): a heap block freed between live TCBs would stay resident.
 * Sanitizer builds keep malloc() for AddressSanitizer's sake.
 */
#ifndef RACK_MALLOC
/*
 * Freed rings kept for the next connection (cleared, as a fresh mapping
 * would be): a connection per request would otherwise map, fault in and
 * unmap one per connection (perf: nginx under wrk -H 'Connection:
 * close').  At most RACK_KEEP per engine thread.
 */
#define RACK_KEEP 16
static _Thread_local struct tcp_rack_seg *kept[RACK_KEEP];
static _Thread_local unsigned int nkept;
#endif

static struct tcp_rack_seg *ring_get(void)
{
#ifdef RACK_MALLOC
	return calloc(TCP_RACK_SEGS, sizeof(struct tcp_rack_seg));
#else
	void *p;

	if (nkept) {
		p = kept[--nkept];
		memset(p, 0, RACK_BYTES);
		return p;
	}
	p = mmap(NULL, RACK_BYTES, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
#endif
}

static void ring_put(struct tcp_rack_seg *seg)
{
#ifdef RACK_MALLOC
	free(seg);
#else
	if (!seg)
		return;
	if (nkept < RACK_KEEP) {
		kept[nkept++] = seg;
		return;
	}
	munmap(seg, RACK_BYTES);
#endif
}

static struct tcp_rack_seg *at(struct tcp_rack *r, size_t i)
{
	return &r->seg[(r->head + i) % TCP_RACK_SEGS];
}

/** tcp_rack_free() - release the ring. */
void tcp_rack_free(struct tcp_rack *r)
{
	ring_put(r->seg);
	r->seg = NULL;
	r->n = 0;
}

/**
 * tcp_rack_sent() - [@start, @end) was sent at @now_us: new data (@rxt
 * false, appended) or a retransmission (its entries refreshed)
 */
void tcp_rack_sent(struct tcp_rack *r, uint32_t start, uint32_t end,
		   uint64_t now_us, bool rxt)
{
	struct tcp_rack_seg *s;

	if (!seq_lt(start, end))
		return;
	if (!r->seg) {
		r->seg = ring_get();
		if (!r->seg)
			return; /* RACK blind: TLP and the RTO remain */
		r->head = 0;
		r->n = 0;
	}
	if (!rxt) {
		if (r->n == TCP_RACK_SEGS) {
			s = at(r, r->n - 1);
			s->end = end;
			s->xmit_us = now_us;
			return;
		}
		s = at(r, r->n++);
		s->start = start;
		s->end = end;
		s->xmit_us = now_us;
		s->rxt = false;
		s->delivered = false;
		s->lost = false;
		return;
	}
	for (size_t i = 0; i < r->n; i++) {
		s = at(r, i);
		if (seq_leq(s->end, start) || s->delivered)
			continue;
		if (seq_geq(s->start, end))
			break;
		s->xmit_us = now_us;
		s->rxt = true;
		s->lost = false;
	}
}

/* RFC 8985 6.2 step 2 and 3 for a newly delivered segment. */
static void delivered(struct tcp_rack *r, const struct tcp_rack_seg *s,
		      uint64_t now_us)
{
	uint64_t rtt = now_us - s->xmit_us;

	/* "If Segment.retransmitted is TRUE and ... ACK.ack_time -
	 * Segment.xmit_ts < RACK.min_RTT": the ACK is for the original. */
	if (!(s->rxt && r->have_xmit && rtt < r->min_rtt_us)) {
		if (!r->have_xmit || rtt < r->min_rtt_us)
			r->min_rtt_us = (uint32_t)rtt;
		if (!r->have_xmit || s->xmit_us > r->xmit_us ||
		    (s->xmit_us == r->xmit_us && seq_gt(s->end, r->end_seq))) {
			r->xmit_us = s->xmit_us;
			r->end_seq = s->end;
			r->rtt_us = (uint32_t)rtt;
		}
		r->have_xmit = true;
	}
	/* Step 3: delivered below the highest delivered, never resent. */
	if (!r->have_fack || seq_gt(s->end, r->fack)) {
		r->fack = s->end;
		r->have_fack = true;
	} else if (!s->rxt) {
		r->reord = true;
	}
}

/**
 * tcp_rack_ack() - RFC 8985 6.2 steps 1-3 for an ACK: what SND.UNA
 * (@snd_una) and the scoreboard @sb now cover is delivered
 */
void tcp_rack_ack(struct tcp_rack *r, uint32_t snd_una,
		  const struct tcp_scoreboard *sb, uint64_t now_us)
{
	for (size_t i = 0; i < r->n; i++) {
		struct tcp_rack_seg *s = at(r, i);

		if (s->delivered)
			continue;
		if (seq_leq(s->end, snd_una) ||
		    (seq_geq(s->start, snd_una) &&
		     tcp_sack_is_sacked(sb, s->start) &&
		     tcp_sack_is_sacked(sb, s->end - 1))) {
			s->delivered = true;
			delivered(r, s, now_us);
		}
	}
	while (r->n && seq_leq(at(r, 0)->end, snd_una)) {
		r->head = (r->head + 1) % TCP_RACK_SEGS;
		r->n--;
	}
}

/**
 * tcp_rack_reo_wnd() - RFC 8985 6.2 step 4: the reordering window
 * @in_recovery:      loss recovery is running
 * @dupthresh_sacked: at least DupThresh segments are SACKed
 * @srtt_us:          SRTT
 *
 * Without reordering seen, 0 once recovery runs or DupThresh segments
 * are SACKed (RFC 6675's rule); else reo_wnd_mult * RTT / 4, at most
 * SRTT.  The RFC's RTT here is min_RTT; we take SRTT when it is larger:
 * on a path where some packets skip the queue (impair.py's reorder,
 * priority queues) a few near-zero samples drag min_RTT, and so reo_wnd,
 * to nothing, and every reordering turns into a spurious recovery
 * (measured: twice the recoveries, half the throughput).
 */
uint32_t tcp_rack_reo_wnd(const struct tcp_rack *r, bool in_recovery,
			  bool dupthresh_sacked, uint32_t srtt_us)
{
	uint32_t base = r->min_rtt_us > srtt_us ? r->min_rtt_us : srtt_us;
	uint32_t w = (r->reo_mult ? r->reo_mult : 1) * (base / 4);

	if (!r->reord && (in_recovery || dupthresh_sacked))
		return 0;
	return w < srtt_us ? w : srtt_us;
}

/**
 * tcp_rack_detect() - RFC 8985 6.2 step 5: every undelivered segment
 * sent before RACK.xmit_ts is lost once RACK.rtt + @reo_wnd has passed
 * since its transmission; the earliest one still waiting sets the
 * reordering timer (6.3)
 */
void tcp_rack_detect(struct tcp_rack *r, uint64_t now_us, uint32_t reo_wnd,
		     struct tcp_rack_loss *out)
{
	out->lost = false;
	out->rxt_lost = false;
	out->timeout_us = 0;
	if (!r->have_xmit)
		return;
	for (size_t i = 0; i < r->n; i++) {
		struct tcp_rack_seg *s = at(r, i);
		uint64_t due;

		if (s->delivered || s->lost)
			continue;
		/* RACK_sent_after(Segment, RACK): not judged yet. */
		if (s->xmit_us > r->xmit_us ||
		    (s->xmit_us == r->xmit_us && seq_geq(s->end, r->end_seq)))
			continue;
		due = s->xmit_us + r->rtt_us + reo_wnd;
		if (due <= now_us) {
			s->lost = true;
			if (!out->lost || seq_gt(s->end, out->lost_end))
				out->lost_end = s->end;
			out->lost = true;
			if (s->rxt && (!out->rxt_lost ||
				       seq_lt(s->start, out->rxt_start))) {
				out->rxt_lost = true;
				out->rxt_start = s->start;
			}
		} else if (!out->timeout_us || due - now_us < out->timeout_us) {
			out->timeout_us = due - now_us;
		}
	}
}

/** tcp_rack_rto() - after an RTO everything is resent: forget "lost". */
void tcp_rack_rto(struct tcp_rack *r)
{
	for (size_t i = 0; i < r->n; i++)
		at(r, i)->lost = false;
}

#define RACK_REO_PERSIST 16 /* RFC 8985 6.2 step 4: recoveries */
#define RACK_REO_MULT_MAX 64

/**
 * tcp_rack_dsack() - RFC 8985 6.2 step 4, the adaptive reordering window:
 * a D-SACK says a retransmission was spurious, so the window grows by
 * min_RTT / 4, at most once per round trip (until SND.UNA passes the
 * SND.MAX of the last growth); it falls back after RACK_REO_PERSIST
 * recoveries without one (tcp_rack_recovery())
 */
void tcp_rack_dsack(struct tcp_rack *r, bool dsack, uint32_t snd_una,
		    uint32_t snd_max)
{
	if (r->in_dsack_round && seq_geq(snd_una, r->dsack_round))
		r->in_dsack_round = false;
	if (!dsack || r->in_dsack_round)
		return;
	if (!r->reo_mult)
		r->reo_mult = 1;
	if (r->reo_mult < RACK_REO_MULT_MAX)
		r->reo_mult++;
	r->in_dsack_round = true;
	r->dsack_round = snd_max;
	r->reo_persist = RACK_REO_PERSIST;
}

/** tcp_rack_recovery() - a loss recovery began: count towards the reset. */
void tcp_rack_recovery(struct tcp_rack *r)
{
	if (r->reo_persist && !--r->reo_persist)
		r->reo_mult = 1;
}
