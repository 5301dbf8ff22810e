// SPDX-License-Identifier: MIT
/*
 * tcp_cc_reno.c - Reno congestion control, RFC 5681
 *
 * Slow start and congestion avoidance (3.1, with RFC 3465 byte counting),
 * fast retransmit and fast recovery (3.2).  Plain Reno leaves recovery on
 * the first ACK of new data (step 6), so a window with several losses
 * usually ends in a timeout; NewReno (tcp_cc_newreno.c) fixes that.
 */
#include "tcp_cc.h"

/* Nothing beyond the common state. */
static void reno_init(struct tcp_cc_state *s, uint64_t now_us)
{
	(void)s;
	(void)now_us;
}

/*
 * RFC 5681 3.2 step 6: "When the next ACK arrives that acknowledges
 * previously unacknowledged data, a TCP MUST set cwnd to ssthresh".
 */
static void reno_recovery_exit(struct tcp_cc_state *s, uint32_t flight)
{
	(void)flight;
	s->cwnd = s->ssthresh;
	s->in_recovery = false;
	s->bytes_acked = 0;
}

/* RFC 5681 3.1 growth outside recovery, step 6 inside it. */
static enum tcp_cc_verdict reno_on_ack(struct tcp_cc_state *s,
				       const struct tcp_cc_ack *a)
{
	if (s->in_recovery) {
		reno_recovery_exit(s, a->flight);
		return TCP_CC_ACK_RECOVERED;
	}
	tcp_cc_reno_grow(s, a->acked);
	return TCP_CC_ACK_NEW;
}

/* RFC 5681 3.2 step 4: inflate by SMSS per further duplicate ACK. */
static void reno_on_dupack(struct tcp_cc_state *s)
{
	tcp_cc_inflate(s);
}

/* RFC 5681 3.2 steps 2-3: ssthresh from equation (4), cwnd inflated. */
static void reno_congestion_event(struct tcp_cc_state *s,
				  const struct tcp_cc_event *e)
{
	tcp_cc_enter_fast_recovery(s, tcp_cc_reno_ssthresh(e->flight, s->mss),
				   e->snd_nxt);
}

/*
 * RFC 5681 3.1: on a timeout ssthresh follows equation (4) unless the
 * segment was already resent by the timer, and cwnd drops to LW = 1 SMSS.
 */
static void reno_rto_timeout(struct tcp_cc_state *s,
			     const struct tcp_cc_event *e)
{
	uint32_t ssthresh = e->repeated
				    ? 0
				    : tcp_cc_reno_ssthresh(e->flight, s->mss);

	tcp_cc_loss_window(s, ssthresh, e->snd_nxt);
}

const struct tcp_cc_ops tcp_cc_reno = {
	.name = "reno",
	.careful_recover = false,
	.init = reno_init,
	.on_ack = reno_on_ack,
	.on_dupack = reno_on_dupack,
	.on_congestion_event = reno_congestion_event,
	.on_recovery_exit = reno_recovery_exit,
	.on_rto_timeout = reno_rto_timeout,
};
