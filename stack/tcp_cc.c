// SPDX-License-Identifier: MIT
/*
 * tcp_cc.c - the congestion-control registry and the pieces all
 *            algorithms share: RFC 5681 slow start and congestion
 *            avoidance with RFC 3465 byte counting, the RFC 6928 initial
 *            window and RFC 6582 fast-recovery bookkeeping
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tcp_cc.h"
#include "tcp_seq.h"

static const struct tcp_cc_ops *const registry[] = {
	&tcp_cc_reno,
	&tcp_cc_newreno,
	&tcp_cc_cubic,
};

#define N_ALGOS (sizeof(registry) / sizeof(registry[0]))

/**
 * tcp_cc_find() - look an algorithm up by its TCP_CONGESTION name
 * @name: NUL-terminated name, e.g. "cubic"
 *
 * Return: the ops, or NULL when no algorithm has that name.
 */
const struct tcp_cc_ops *tcp_cc_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < N_ALGOS; i++)
		if (strncmp(registry[i]->name, name, TCP_CC_NAME_MAX) == 0)
			return registry[i];
	return NULL;
}

/**
 * tcp_cc_list() - space-separated names, like
 *                 net.ipv4.tcp_available_congestion_control
 * @buf: destination, always NUL-terminated when @cap > 0
 * @cap: size of @buf
 *
 * Return: the length the full list needs, excluding the NUL, so a result
 * >= @cap means the list was cut short.
 */
size_t tcp_cc_list(char *buf, size_t cap)
{
	size_t len = 0;

	if (cap)
		buf[0] = '\0';
	for (size_t i = 0; i < N_ALGOS; i++) {
		char *at = len < cap ? buf + len : NULL;
		int n = snprintf(at, at ? cap - len : 0, "%s%s", i ? " " : "",
				 registry[i]->name);

		if (n > 0)
			len += (size_t)n;
	}
	return len;
}

/**
 * tcp_cc_initial_window() - IW of RFC 6928 section 2
 * @mss: SMSS in bytes
 *
 * "IW = min (10*MSS, max (2*MSS, 14600))".
 *
 * Return: the initial congestion window in bytes.
 */
uint32_t tcp_cc_initial_window(uint32_t mss)
{
	uint64_t ten = (uint64_t)mss * 10;
	uint64_t two = (uint64_t)mss * 2;
	uint64_t lo = two > 14600 ? two : 14600;
	uint64_t iw = ten < lo ? ten : lo;

	return iw > TCP_CC_CWND_MAX ? TCP_CC_CWND_MAX : (uint32_t)iw;
}

/**
 * tcp_cc_init() - start congestion control on a new connection
 * @s:      state to initialise
 * @ops:    algorithm; NULL selects TCP_CC_DEFAULT
 * @mss:    SMSS in bytes, > 0
 * @iss:    the connection's ISS; RFC 6582 3.2 step 1 starts "recover" there
 * @now_us: engine time
 *
 * RFC 5681 3.1: cwnd starts at IW (RFC 6928 here) and ssthresh
 * "arbitrarily high".
 *
 * Return: 0, or -EINVAL when @mss is 0.
 */
int tcp_cc_init(struct tcp_cc_state *s, const struct tcp_cc_ops *ops,
		uint32_t mss, uint32_t iss, uint64_t now_us)
{
	struct tcp_cc_state z = { 0 };

	if (mss == 0)
		return -EINVAL;
	*s = z;
	s->ops = ops ? ops : tcp_cc_find(TCP_CC_DEFAULT);
	s->mss = mss;
	s->cwnd = tcp_cc_initial_window(mss);
	s->ssthresh = TCP_CC_INFINITE_SSTHRESH;
	s->recover = iss;
	s->ops->init(s, now_us);
	return 0;
}

/**
 * tcp_cc_may_fast_retransmit() - may the third duplicate ACK start recovery?
 * @s:   state
 * @ack: SEG.ACK of the duplicate ACK
 *
 * Never while already in recovery.  For NewReno-style algorithms, RFC 6582
 * 3.2 step 2: only when "the Cumulative Acknowledgment field covers more
 * than recover", which keeps one window of losses from halving cwnd twice.
 * @recover holds SND.NXT (highest sequence sent plus one), so "covers more
 * than the highest sequence sent" is SEG.ACK > recover.
 *
 * Return: true when the TCB should call tcp_cc_on_congestion_event().
 */
bool tcp_cc_may_fast_retransmit(const struct tcp_cc_state *s, uint32_t ack)
{
	if (s->in_recovery)
		return false;
	if (s->ops->careful_recover)
		return seq_gt(ack, s->recover);
	return true;
}

/**
 * tcp_cc_on_ack() - an ACK advanced SND.UNA
 * @s: state
 * @a: the ACK
 *
 * Return: what the TCB must do next, see enum tcp_cc_verdict.
 */
enum tcp_cc_verdict tcp_cc_on_ack(struct tcp_cc_state *s,
				  const struct tcp_cc_ack *a)
{
	return s->ops->on_ack(s, a);
}

/**
 * tcp_cc_on_dupack() - a duplicate ACK arrived
 * @s: state
 *
 * Outside fast recovery this does nothing: the TCB counts duplicates and
 * calls tcp_cc_on_congestion_event() at DupThresh.
 */
void tcp_cc_on_dupack(struct tcp_cc_state *s)
{
	if (s->in_recovery)
		s->ops->on_dupack(s);
}

/* Remember the state a congestion response is about to change. */
static void save_prior(struct tcp_cc_state *s)
{
	s->prior.cwnd = s->cwnd;
	s->prior.ssthresh = s->ssthresh;
	s->prior.u = s->u;
	s->prior.valid = true;
}

/**
 * tcp_cc_on_congestion_event() - loss detected: enter fast recovery
 * @s: state
 * @e: the event
 */
void tcp_cc_on_congestion_event(struct tcp_cc_state *s,
				const struct tcp_cc_event *e)
{
	save_prior(s);
	s->ops->on_congestion_event(s, e);
}

/**
 * tcp_cc_on_recovery_exit() - the TCB's loss recovery ended
 * @s:      state
 * @flight: FlightSize after the ACK that ended recovery
 *
 * Called by a SACK-based TCB (RFC 6675 ends recovery when SND.UNA passes
 * RecoveryPoint); an algorithm's own on_ack calls it for NewReno's full
 * ACK.  Does nothing outside recovery.
 */
void tcp_cc_on_recovery_exit(struct tcp_cc_state *s, uint32_t flight)
{
	if (s->in_recovery)
		s->ops->on_recovery_exit(s, flight);
}

/**
 * tcp_cc_on_rto_timeout() - the retransmission timer expired
 * @s: state
 * @e: the event; @e->repeated when this segment was already resent by
 *     the timer
 */
void tcp_cc_on_rto_timeout(struct tcp_cc_state *s, const struct tcp_cc_event *e)
{
	if (!e->repeated)
		save_prior(s); /* a backed-off timer keeps the first one */
	s->ops->on_rto_timeout(s, e);
}

/**
 * tcp_cc_undo() - the last congestion response answered no loss
 * @s: state
 *
 * RFC 9438 4.9: on a spurious congestion event CUBIC restores cwnd,
 * ssthresh, W_max and K (here: all its private state) to their values
 * before the event; RFC 3522 3.2 / RFC 4015 restore the windows for any
 * algorithm.  The window is never made smaller than it has grown since,
 * and recovery ends: the loss it was repairing was not one.
 *
 * Return: true when there was a response to undo.
 */
bool tcp_cc_undo(struct tcp_cc_state *s)
{
	if (!s->prior.valid)
		return false;
	if (s->prior.cwnd > s->cwnd)
		s->cwnd = s->prior.cwnd;
	if (s->prior.ssthresh > s->ssthresh)
		s->ssthresh = s->prior.ssthresh;
	s->u = s->prior.u;
	s->in_recovery = false;
	s->after_rto = false;
	s->bytes_acked = 0;
	s->prior.valid = false;
	return true;
}

/**
 * tcp_cc_reno_ssthresh() - RFC 5681 equation (4)
 * @flight: FlightSize in bytes
 * @mss:    SMSS
 *
 * "ssthresh = max (FlightSize / 2, 2*SMSS)".  FlightSize, not cwnd: an
 * application-limited sender must not keep a window it never used.
 *
 * Return: the new ssthresh.
 */
uint32_t tcp_cc_reno_ssthresh(uint32_t flight, uint32_t mss)
{
	uint64_t two = (uint64_t)mss * 2;
	uint64_t half = flight / 2;
	uint64_t v = half > two ? half : two;

	return v > TCP_CC_CWND_MAX ? TCP_CC_CWND_MAX : (uint32_t)v;
}

static void cwnd_add(struct tcp_cc_state *s, uint64_t inc)
{
	uint64_t v = (uint64_t)s->cwnd + inc;

	s->cwnd = v > TCP_CC_CWND_MAX ? TCP_CC_CWND_MAX : (uint32_t)v;
}

/**
 * tcp_cc_reno_grow() - RFC 5681 3.1 window growth with RFC 3465 ABC
 * @s:     state, outside fast recovery
 * @acked: octets newly acknowledged
 *
 * Slow start while cwnd < ssthresh: cwnd += min(N, L) with L = 2*SMSS
 * (RFC 3465 section 2, the limit RFC 5681 3.1 allows), or L = 1*SMSS in
 * the slow start that follows a retransmission timeout, where an ACK can
 * cover many segments that were never really lost (RFC 3465 section 2).
 *
 * Congestion avoidance otherwise: byte counting (RFC 3465 2.1, the method
 * RFC 5681 3.1 recommends): add @acked to bytes_acked; once it reaches
 * cwnd, subtract cwnd and grow cwnd by one SMSS, i.e. one SMSS per RTT.
 */
void tcp_cc_reno_grow(struct tcp_cc_state *s, uint32_t acked)
{
	if (s->cwnd < s->ssthresh) {
		uint32_t limit = s->after_rto ? s->mss : 2 * s->mss;

		cwnd_add(s, acked < limit ? acked : limit);
		return;
	}
	s->after_rto = false;
	s->bytes_acked += acked;
	if (s->bytes_acked >= s->cwnd) {
		s->bytes_acked -= s->cwnd;
		cwnd_add(s, s->mss);
	}
}

/**
 * tcp_cc_enter_fast_recovery() - RFC 5681 3.2 steps 2 and 3
 * @s:        state
 * @ssthresh: the algorithm's new ssthresh
 * @snd_nxt:  SND.NXT, remembered as RFC 6582's "recover"
 *
 * Step 3: "cwnd = ssthresh + 3*SMSS", inflating the window by the three
 * segments the duplicate ACKs say have left the network.
 */
void tcp_cc_enter_fast_recovery(struct tcp_cc_state *s, uint32_t ssthresh,
				uint32_t snd_nxt)
{
	s->ssthresh = ssthresh;
	s->cwnd = ssthresh;
	cwnd_add(s, 3 * (uint64_t)s->mss);
	s->recover = snd_nxt;
	s->in_recovery = true;
	s->bytes_acked = 0;
}

/**
 * tcp_cc_inflate() - RFC 5681 3.2 step 4
 * @s: state, in fast recovery
 *
 * "For each additional duplicate ACK received (after the third), cwnd
 * MUST be incremented by SMSS."
 */
void tcp_cc_inflate(struct tcp_cc_state *s)
{
	cwnd_add(s, s->mss);
}

/**
 * tcp_cc_newreno_recovery_ack() - RFC 6582 3.2 step 5, an ACK of new data
 *                                 during fast recovery
 * @s: state, in fast recovery
 * @a: the ACK
 *
 * Full ACK (covers "recover"): leave recovery through the algorithm's
 * on_recovery_exit.  Partial ACK: "deflate the congestion window by the
 * amount of new data acknowledged ... If the partial ACK acknowledges at
 * least one SMSS of new data, then add back SMSS bytes", and tell the TCB
 * to retransmit the first unacknowledged segment.
 *
 * Return: TCP_CC_ACK_RECOVERED or TCP_CC_ACK_PARTIAL.
 */
enum tcp_cc_verdict tcp_cc_newreno_recovery_ack(struct tcp_cc_state *s,
						const struct tcp_cc_ack *a)
{
	if (seq_geq(a->ack, s->recover)) {
		s->ops->on_recovery_exit(s, a->flight);
		return TCP_CC_ACK_RECOVERED;
	}
	s->cwnd = a->acked < s->cwnd ? s->cwnd - a->acked : 0;
	if (a->acked >= s->mss)
		cwnd_add(s, s->mss);
	if (s->cwnd < s->mss)
		s->cwnd = s->mss; /* never below one segment */
	return TCP_CC_ACK_PARTIAL;
}

/**
 * tcp_cc_newreno_exit() - RFC 6582 3.2 step 5, full acknowledgment
 * @s:      state
 * @flight: FlightSize after the ACK that ended recovery
 *
 * Option (1): "Set cwnd to min (ssthresh, max(FlightSize, SMSS) + SMSS)".
 * Chosen over option (2) (cwnd = ssthresh) because it cannot release a
 * burst when little data is left in flight.
 */
void tcp_cc_newreno_exit(struct tcp_cc_state *s, uint32_t flight)
{
	uint64_t f = flight > s->mss ? flight : s->mss;
	uint64_t w = f + s->mss;

	s->cwnd = w < s->ssthresh ? (uint32_t)w : s->ssthresh;
	s->in_recovery = false;
	s->bytes_acked = 0;
}

/**
 * tcp_cc_loss_window() - the cwnd collapse of a retransmission timeout
 * @s:        state
 * @ssthresh: the algorithm's new ssthresh (ignored when 0)
 * @snd_nxt:  SND.NXT; RFC 6582 3.2 step 4 records it in "recover"
 *
 * RFC 5681 3.1: "Upon a timeout cwnd MUST be set to no more than the loss
 * window, LW, which equals 1 full-sized segment".  Fast recovery, if it
 * was running, is over (RFC 6582 3.2 step 4).
 */
void tcp_cc_loss_window(struct tcp_cc_state *s, uint32_t ssthresh,
			uint32_t snd_nxt)
{
	if (ssthresh)
		s->ssthresh = ssthresh;
	s->cwnd = s->mss;
	s->in_recovery = false;
	s->after_rto = true;
	s->bytes_acked = 0;
	s->recover = snd_nxt;
}
