// SPDX-License-Identifier: MIT
/*
 * tcp_cc_cubic.c - CUBIC congestion control, RFC 9438
 *
 * Theory of operation
 *
 * In congestion avoidance CUBIC sets the window from the time t since the
 * current epoch began (RFC 9438 4.2, Figure 1), in segments and seconds:
 *
 *   W_cubic(t) = C * (t - K)^3 + W_max,  K = cbrt((W_max - cwnd_epoch) / C)
 *
 * with C = 0.4.  Below W_max the curve is concave (4.4): fast growth that
 * flattens as it nears the window where loss last struck; past K it turns
 * convex (4.5) and probes for more.  Each ACK moves cwnd a fraction of the
 * way to target = W_cubic(t + RTT), clamped to [cwnd, 1.5 * cwnd] (4.2).
 * Alongside runs W_est, the window a Reno flow would have (4.3); while
 * W_cubic(t) < W_est, cwnd follows W_est ("Reno-friendly region").
 *
 * On loss (4.6) ssthresh becomes FlightSize * beta_cubic, beta = 0.7, and
 * W_max the window before the reduction, lowered further by fast
 * convergence (4.7) when the window had not regained the previous W_max.
 * A timeout (4.8) collapses cwnd like Reno; the first epoch after it uses
 * K = 0 and W_max = the window at the start of congestion avoidance.
 *
 * Loss recovery itself is NewReno's (RFC 6582), shared with
 * tcp_cc_newreno.c, or PRR driven by a SACK-enabled TCB; slow start is
 * RFC 5681's with RFC 3465 byte counting (4.10 allows HyStart++, not done).
 *
 * The formulas run in double precision, so the code reads like the RFC.
 * The cube root is computed here by Newton's method, which keeps the
 * engine free of libm and is exact to the last bit or two.
 */
#include "tcp_cc.h"

#define CUBIC_C 0.4    /* RFC 9438 4.2 */
#define CUBIC_BETA 0.7 /* RFC 9438 4.6, beta_cubic */
#define USEC_PER_SEC 1e6

/* RFC 9438 4.3: alpha_cubic = 3 * (1 - beta) / (1 + beta). */
static const double alpha_cubic = 3.0 * (1.0 - CUBIC_BETA) / (1.0 + CUBIC_BETA);

/**
 * tcp_cc_cubic_cbrt() - cube root of a non-negative number
 * @x: radicand; values <= 0 give 0
 *
 * Newton's iteration g <- (2g + x/g^2) / 3 from a start above the root
 * (max(1, x) is always >= cbrt(x)) decreases monotonically onto the root,
 * so it stops as soon as a step no longer decreases g.
 *
 * Return: cbrt(@x).
 */
double tcp_cc_cubic_cbrt(double x)
{
	double g;

	if (!(x > 0))
		return 0;
	g = x > 1 ? x : 1;
	for (int i = 0; i < 400; i++) {
		double n = (2 * g + x / (g * g)) / 3;

		if (!(n < g))
			break;
		g = n;
	}
	return g;
}

/**
 * tcp_cc_cubic_k() - K of RFC 9438 4.2, Figure 2
 * @w_max:      W_max in segments
 * @cwnd_epoch: the window when the epoch began, in segments
 *
 * Return: K = cbrt((W_max - cwnd_epoch) / C) in seconds, 0 when the
 * epoch starts at or above W_max.
 */
double tcp_cc_cubic_k(double w_max, double cwnd_epoch)
{
	return tcp_cc_cubic_cbrt((w_max - cwnd_epoch) / CUBIC_C);
}

/**
 * tcp_cc_cubic_w() - W_cubic(t) of RFC 9438 4.2, Figure 1
 * @w_max: W_max in segments
 * @k:     K in seconds
 * @t:     seconds since the epoch began
 *
 * Return: C * (t - K)^3 + W_max, in segments.
 */
double tcp_cc_cubic_w(double w_max, double k, double t)
{
	double d = t - k;

	return CUBIC_C * d * d * d + w_max;
}

static double seg(const struct tcp_cc_state *s, uint32_t bytes)
{
	return (double)bytes / s->mss;
}

static uint32_t to_bytes(const struct tcp_cc_state *s, double segs)
{
	double b = segs * s->mss;

	if (!(b > 0))
		return 0;
	if (b >= TCP_CC_CWND_MAX)
		return TCP_CC_CWND_MAX;
	return (uint32_t)b;
}

/* RFC 9438 4.7: fast convergence is on unless the TCB turns it off. */
static void cubic_init(struct tcp_cc_state *s, uint64_t now_us)
{
	struct tcp_cc_cubic *c = &s->u.cubic;

	(void)now_us;
	c->fast_convergence = true;
}

/*
 * Start a congestion-avoidance epoch: RFC 9438 4.2 (K from W_max and
 * cwnd_epoch), 4.3 (W_est starts at cwnd_epoch), 4.8 (after a timeout
 * K = 0 and W_max is the current window).  With no loss seen yet, or a
 * window already above W_max, there is no plateau to approach: K = 0 and
 * the curve is convex from here, as in Linux.
 */
static void cubic_epoch_start(struct tcp_cc_state *s, uint64_t now_us)
{
	struct tcp_cc_cubic *c = &s->u.cubic;

	c->t_epoch_us = now_us;
	c->cwnd_epoch = seg(s, s->cwnd);
	if (c->after_rto || c->w_max <= c->cwnd_epoch) {
		c->w_max = c->cwnd_epoch;
		c->k = 0;
	} else {
		c->k = tcp_cc_cubic_k(c->w_max, c->cwnd_epoch);
	}
	c->after_rto = false;
	c->w_est = c->cwnd_epoch;
	c->byte_frac = 0;
	c->epoch_valid = true;
}

/* RFC 9438 4.2-4.5: one ACK's worth of congestion avoidance. */
static void cubic_avoid(struct tcp_cc_state *s, const struct tcp_cc_ack *a)
{
	struct tcp_cc_cubic *c = &s->u.cubic;
	double w, t, rtt, target, alpha, inc;

	s->after_rto = false;
	if (!c->epoch_valid)
		cubic_epoch_start(s, a->now_us);
	w = seg(s, s->cwnd);
	t = (double)(a->now_us - c->t_epoch_us) / USEC_PER_SEC;
	rtt = (double)a->srtt_us / USEC_PER_SEC;

	/*
	 * 4.3: W_est grows like Reno with alpha_cubic, and with alpha = 1
	 * once it has regained the window before the last reduction.
	 */
	alpha = c->w_est >= c->cwnd_prior ? 1.0 : alpha_cubic;
	c->w_est += alpha * seg(s, a->acked) / w;

	if (tcp_cc_cubic_w(c->w_max, c->k, t) < c->w_est) {
		/* 4.3: Reno-friendly region, "cwnd SHOULD be set to W_est". */
		uint32_t est = to_bytes(s, c->w_est);

		if (est > s->cwnd)
			s->cwnd = est;
		return;
	}
	/* 4.2: target = W_cubic(t + RTT), kept within [cwnd, 1.5 cwnd]. */
	target = tcp_cc_cubic_w(c->w_max, c->k, t + rtt);
	if (target < w)
		target = w;
	if (target > 1.5 * w)
		target = 1.5 * w;
	/*
	 * 4.4 / 4.5: "cwnd MUST be incremented by (target - cwnd) / cwnd"
	 * segments per ACK of one segment; in bytes that is the same
	 * fraction of the bytes acknowledged.  Sub-byte remainders carry.
	 */
	inc = (target - w) / w * a->acked + c->byte_frac;
	if (inc >= 1) {
		double whole = (double)(uint64_t)inc;
		uint64_t v = (uint64_t)s->cwnd + (uint64_t)whole;

		s->cwnd = v > TCP_CC_CWND_MAX ? TCP_CC_CWND_MAX : (uint32_t)v;
		inc -= whole;
	}
	c->byte_frac = inc;
}

static enum tcp_cc_verdict cubic_on_ack(struct tcp_cc_state *s,
					const struct tcp_cc_ack *a)
{
	if (s->in_recovery)
		return tcp_cc_newreno_recovery_ack(s, a);
	if (s->cwnd < s->ssthresh)
		tcp_cc_reno_grow(s, a->acked); /* 4.10: standard slow start */
	else
		cubic_avoid(s, a);
	return TCP_CC_ACK_NEW;
}

static void cubic_on_dupack(struct tcp_cc_state *s)
{
	tcp_cc_inflate(s);
}

/*
 * RFC 9438 4.6 and 4.7: remember the window (cwnd_prior, W_max with fast
 * convergence) and compute ssthresh = FlightSize * beta_cubic, at least
 * 2 SMSS.  The next epoch starts at the first ACK in avoidance.
 */
static uint32_t cubic_reduce(struct tcp_cc_state *s, uint32_t flight)
{
	struct tcp_cc_cubic *c = &s->u.cubic;
	double w = seg(s, s->cwnd);
	uint32_t ssthresh = to_bytes(s, seg(s, flight) * CUBIC_BETA);

	if (c->fast_convergence && w < c->w_max)
		c->w_max = w * (1.0 + CUBIC_BETA) / 2.0;
	else
		c->w_max = w;
	c->cwnd_prior = w;
	c->epoch_valid = false;
	return ssthresh > 2 * s->mss ? ssthresh : 2 * s->mss;
}

static void cubic_congestion_event(struct tcp_cc_state *s,
				   const struct tcp_cc_event *e)
{
	tcp_cc_enter_fast_recovery(s, cubic_reduce(s, e->flight), e->snd_nxt);
}

/*
 * RFC 9438 4.8: "CUBIC follows Reno to reduce cwnd [RFC5681] but sets
 * ssthresh using beta_cubic (same as in Section 4.6)"; the following epoch
 * uses K = 0 and W_max = the window at its start.
 */
static void cubic_rto_timeout(struct tcp_cc_state *s,
			      const struct tcp_cc_event *e)
{
	uint32_t ssthresh = e->repeated ? 0 : cubic_reduce(s, e->flight);

	s->u.cubic.epoch_valid = false;
	s->u.cubic.after_rto = true;
	tcp_cc_loss_window(s, ssthresh, e->snd_nxt);
}

const struct tcp_cc_ops tcp_cc_cubic = {
	.name = "cubic",
	.careful_recover = true,
	.init = cubic_init,
	.on_ack = cubic_on_ack,
	.on_dupack = cubic_on_dupack,
	.on_congestion_event = cubic_congestion_event,
	.on_recovery_exit = tcp_cc_newreno_exit,
	.on_rto_timeout = cubic_rto_timeout,
};
