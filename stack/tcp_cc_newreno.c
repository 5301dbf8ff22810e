// SPDX-License-Identifier: MIT
/*
 * tcp_cc_newreno.c - NewReno congestion control, RFC 6582
 *
 * Reno's window rules (RFC 5681) with NewReno's fast recovery: recovery
 * lasts until the ACK covers "recover", the SND.NXT of the moment loss was
 * detected.  Each partial ACK in between deflates the window by what it
 * acknowledged and makes the TCB retransmit the next hole, so several
 * losses in one window are repaired one per RTT without a timeout.
 */
#include "tcp_cc.h"

/* Nothing beyond the common state; "recover" starts at ISS (step 1). */
static void newreno_init(struct tcp_cc_state *s, uint64_t now_us)
{
	(void)s;
	(void)now_us;
}

/* RFC 6582 3.2 step 5 inside recovery, RFC 5681 3.1 outside it. */
static enum tcp_cc_verdict newreno_on_ack(struct tcp_cc_state *s,
					  const struct tcp_cc_ack *a)
{
	if (s->in_recovery)
		return tcp_cc_newreno_recovery_ack(s, a);
	tcp_cc_reno_grow(s, a->acked);
	return TCP_CC_ACK_NEW;
}

/* RFC 6582 3.2 step 4 defers to RFC 5681 3.2 step 4: inflate by SMSS. */
static void newreno_on_dupack(struct tcp_cc_state *s)
{
	tcp_cc_inflate(s);
}

/*
 * RFC 6582 3.2 step 2: record "recover" and enter fast retransmit with
 * RFC 5681's ssthresh (the caller has checked tcp_cc_may_fast_retransmit).
 */
static void newreno_congestion_event(struct tcp_cc_state *s,
				     const struct tcp_cc_event *e)
{
	tcp_cc_enter_fast_recovery(s, tcp_cc_reno_ssthresh(e->flight, s->mss),
				   e->snd_nxt);
}

/*
 * RFC 6582 3.2 step 4: "After a retransmit timeout, record the highest
 * sequence number transmitted in the variable recover, and exit the fast
 * recovery procedure if applicable"; RFC 5681 3.1 for the windows.
 */
static void newreno_rto_timeout(struct tcp_cc_state *s,
				const struct tcp_cc_event *e)
{
	uint32_t ssthresh = e->repeated
				    ? 0
				    : tcp_cc_reno_ssthresh(e->flight, s->mss);

	tcp_cc_loss_window(s, ssthresh, e->snd_nxt);
}

const struct tcp_cc_ops tcp_cc_newreno = {
	.name = "newreno",
	.careful_recover = true,
	.init = newreno_init,
	.on_ack = newreno_on_ack,
	.on_dupack = newreno_on_dupack,
	.on_congestion_event = newreno_congestion_event,
	.on_recovery_exit = tcp_cc_newreno_exit,
	.on_rto_timeout = newreno_rto_timeout,
};
