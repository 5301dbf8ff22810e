// SPDX-License-Identifier: MIT
/*
 * tcp_timer.c - the per-connection timers: retransmission (and SYN
 * retries), persist, delayed ACK, keepalive / FIN-WAIT-2, TIME-WAIT
 *
 * Six struct timers per TCB.  t_rtx serves as the retransmission timer
 * (RFC 6298), as the tail loss probe timer (RFC 8985 7, while the sender
 * is in its open state; when the probe is out, the RTO follows), or,
 * while the peer's window is zero and nothing is in flight, as the
 * persist timer (RFC 9293 3.8.6.1); none is needed while another is.
 * t_linger is SO_LINGER's timeout; t_reo RACK's reordering timer
 * (RFC 8985 6.3).  t_keep is the keepalive timer (RFC 9293 3.8.4, RFC
 * 1122 4.2.3.6) and, for an orphaned FIN-WAIT-2 connection, Linux's
 * tcp_fin_timeout.  Every callback ends with tcp_notify_flush(), so
 * readiness callbacks run after the timer's work is done.
 */
#include <errno.h>
#include <stddef.h>

#include "engine.h"
#include "tcp.h"

#define TCB_OF(t, member)                                                      \
	((struct tcb *)(void *)((char *)(t)-offsetof(struct tcb, member)))

#define PERSIST_MIN_US 200000u
#define PERSIST_MAX_US 60000000u

/* RFC 8985 7.2: WCDelAckT, the worst-case delayed-ACK time. */
#define TLP_WCDELACK_US 200000u
#define TLP_MIN_US 10000u      /* Linux's floor (TCP_TIMEOUT_MIN) */
#define TLP_NO_RTT_US 1000000u /* RFC 8985 7.2: no SRTT yet: 1 s */

/*
 * RFC 8985 7.2: a loss probe is scheduled instead of the RTO when RACK-TLP
 * is on (tcp_recovery bit 0), the connection does SACK (the probe's
 * outcome is read from SACK and D-SACK, as Linux requires too), data is
 * in flight and the sender is in its open state: no SACK or NewReno
 * recovery, no RTO episode (no unanswered expiry), no go-back-N
 * retransmission under way, and no earlier probe unanswered.
 */
static bool tlp_eligible(const struct tcb *tcb)
{
	if (!(tcb->eng->sysctl.tcp_recovery & 1) || !tcb->sack_ok)
		return false;
	if (tcb->tlp_out || tcb->sb.in_recovery || tcb->cc.in_recovery ||
	    tcb->retries || !tcp_flight(tcb) || tcb->snd_nxt != tcb->snd_max)
		return false;
	return tcp_can_send_data(tcb);
}

/*
 * RFC 8985 7.2: "PTO = 2 * SRTT; if FlightSize is one segment, PTO +=
 * WCDelAckT; PTO = min(RTO, PTO)"; 1 s before the first RTT sample.
 */
static uint64_t tlp_pto(const struct tcb *tcb)
{
	uint64_t rto = tcp_rto_timeout(&tcb->rto), pto = TLP_NO_RTT_US;

	if (tcb->rto.has_sample) {
		pto = 2ull * tcb->rto.srtt_us;
		if (tcp_flight(tcb) <= tcb->mss)
			pto += TLP_WCDELACK_US;
		if (pto < TLP_MIN_US)
			pto = TLP_MIN_US;
	}
	return pto < rto ? pto : rto;
}

static unsigned int syn_retries(const struct tcb *tcb)
{
	if (tcb->syn_retries)
		return tcb->syn_retries;
	return tcb->state == TCPS_SYN_SENT
		       ? tcb->eng->sysctl.tcp_syn_retries
		       : tcb->eng->sysctl.tcp_synack_retries;
}

/* Zero-window probe or keepalive: an old sequence number elicits an ACK
 * (RFC 1122 4.2.3.6 "SEG.SEQ = SND.NXT-1"; Linux probes the same way). */
static void send_probe(struct tcb *tcb)
{
	tcp_send_segment(tcb, tcb->snd_una - 1, 0, TCP_ACK);
}

/*
 * The retransmission timer expired (RFC 6298 5.4-5.7): retransmit the
 * first unacknowledged segment, back off, and give up after
 * tcp_syn_retries (SYN), tcp_synack_retries (SYN-ACK) or tcp_retries2
 * (data) expiries with ETIMEDOUT.  As persist timer: probe the window.
 */
static void rtx_fire(struct timer *t)
{
	struct tcb *tcb = TCB_OF(t, t_rtx);
	struct engine *eng = tcb->eng;
	struct tcp_cc_event ev = { 0 };
	unsigned int limit;

	if (tcb->pto) {
		/* RFC 8985 7.3: the probe timeout; then the RTO runs. */
		tcb->pto = false;
		if (tlp_eligible(tcb)) {
			eng->stats.tcp.TcpExtTCPLossProbes++;
			tcp_send_loss_probe(tcb);
		}
		if (tcp_flight(tcb))
			tcp_rtx_arm(tcb);
		goto out;
	}
	if (tcb->persist) {
		eng->stats.tcp.TcpExtTCPWinProbe++;
		send_probe(tcb);
		tcb->probes++;
		tcp_persist_arm(tcb);
		goto out;
	}
	if (tcb->state == TCPS_SYN_SENT || tcb->state == TCPS_SYN_RECEIVED)
		limit = syn_retries(tcb);
	else
		limit = eng->sysctl.tcp_retries2;
	if (tcb->retries >= limit) {
		eng->stats.tcp.TcpExtTCPAbortOnTimeout++;
		if (tcp_synchronized(tcb))
			tcp_send_rst(tcb);
		tcp_reset_conn(tcb, ETIMEDOUT);
		goto out;
	}
	tcb->retries++;
	tcb->tlp_out = false; /* RFC 8985 7.4: the RTO ends the episode */
	eng->stats.tcp.TcpExtTCPTimeouts++;
	if (tcp_synchronized(tcb) && tcb->state != TCPS_SYN_RECEIVED) {
		/* RFC 5681 3.1 eq. 4 and the cwnd = LW rule, RFC 6675 5.1. */
		ev.flight = tcp_flight(tcb);
		ev.snd_nxt = tcb->snd_max;
		ev.now_us = eng->now;
		ev.repeated = tcb->retries > 1;
		tcp_cc_on_rto_timeout(&tcb->cc, &ev);
		if (!ev.repeated)
			tcp_undo_begin(&tcb->undo, tcb->snd_una, true);
		tcp_sack_rto(&tcb->sb, tcb->snd_max);
		tcp_rack_rto(&tcb->rack);
		tcb->dupacks = 0;
		/* Go back N: resend everything from SND.UNA as the
		 * windows allow, starting now with the first segment. */
		tcb->snd_nxt = tcb->snd_una;
	}
	tcp_rto_backoff(&tcb->rto);
	tcp_retransmit_head(tcb);
	tcp_rtx_arm(tcb);
out:
	tcp_notify_flush(eng);
}

static void delack_fire(struct timer *t)
{
	struct tcb *tcb = TCB_OF(t, t_delack);

	if (tcp_synchronized(tcb) && tcb->state != TCPS_TIME_WAIT) {
		tcb->eng->stats.tcp.TcpExtDelayedACKs++;
		tcp_send_ack(tcb);
	}
}

static unsigned int keep_idle_ms(const struct tcb *tcb)
{
	return tcb->keep_idle_s ? (unsigned int)tcb->keep_idle_s * 1000u
				: tcb->eng->sysctl.tcp_keepalive_time_ms;
}

static unsigned int keep_intvl_ms(const struct tcb *tcb)
{
	return tcb->keep_intvl_s ? (unsigned int)tcb->keep_intvl_s * 1000u
				 : tcb->eng->sysctl.tcp_keepalive_intvl_ms;
}

static unsigned int keep_cnt(const struct tcb *tcb)
{
	return tcb->keep_cnt ? (unsigned int)tcb->keep_cnt
			     : tcb->eng->sysctl.tcp_keepalive_probes;
}

/*
 * Keepalive (RFC 1122 4.2.3.6): after keep_idle of silence, probe every
 * keep_intvl; after keep_cnt unanswered probes, the connection is dead
 * (ETIMEDOUT, with a RST like Linux).  For an orphan in FIN-WAIT-2 this is
 * the tcp_fin_timeout: the peer never closed, so drop the connection.
 */
static void keep_fire(struct timer *t)
{
	struct tcb *tcb = TCB_OF(t, t_keep);
	struct engine *eng = tcb->eng;
	uint64_t idle = eng->now - tcb->last_rx;

	if (tcb->state == TCPS_FIN_WAIT_2 && tcb->user_closed) {
		tcp_set_state(tcb, TCPS_CLOSED);
		tcp_maybe_free(tcb);
		goto out;
	}
	if (!tcb->keepalive ||
	    (tcb->state != TCPS_ESTABLISHED && tcb->state != TCPS_CLOSE_WAIT &&
	     tcb->state != TCPS_FIN_WAIT_2))
		goto out;
	if (tcb->snd.len || tcp_flight(tcb)) {
		/* Data outstanding: the retransmission timer watches. */
		tcp_keepalive_arm(tcb);
		goto out;
	}
	if (idle < (uint64_t)keep_idle_ms(tcb) * 1000u && !tcb->probes) {
		engine_timer_arm(eng, &tcb->t_keep,
				 (uint64_t)keep_idle_ms(tcb) * 1000u - idle);
		goto out;
	}
	if (tcb->probes >= keep_cnt(tcb)) {
		eng->stats.tcp.TcpExtTCPAbortOnTimeout++;
		tcp_send_rst(tcb);
		tcp_reset_conn(tcb, ETIMEDOUT);
		goto out;
	}
	eng->stats.tcp.TcpExtTCPKeepAlive++;
	send_probe(tcb);
	tcb->probes++;
	engine_timer_arm(eng, &tcb->t_keep,
			 (uint64_t)keep_intvl_ms(tcb) * 1000u);
out:
	tcp_notify_flush(eng);
}

/* TIME-WAIT is over (RFC 9293 3.10.8: "delete the TCB"). */
static void tw_fire(struct timer *t)
{
	struct tcb *tcb = TCB_OF(t, t_tw);
	struct engine *eng = tcb->eng;

	eng->stats.tcp.TcpExtTW++;
	tcp_set_state(tcb, TCPS_CLOSED);
	tcp_maybe_free(tcb);
	tcp_notify_flush(eng);
}

/*
 * SO_LINGER's timeout ran out before our data and FIN were acknowledged:
 * reset the connection (the "linger time has elapsed" end of POSIX
 * close(); Linux would let the orphan go on instead) and tell the
 * lingering caller (tcp_close()).
 */
static void linger_fire(struct timer *t)
{
	struct tcb *tcb = TCB_OF(t, t_linger);
	struct engine *eng = tcb->eng;

	if (!tcb->lingering || tcb->linger_done)
		return;
	eng->stats.tcp.TcpExtTCPAbortOnLinger++;
	tcb->linger_expired = true;
	if (tcp_synchronized(tcb) && tcb->state != TCPS_TIME_WAIT)
		tcp_send_rst(tcb);
	tcp_set_state(tcb, TCPS_CLOSED); /* marks linger_done, notifies */
	tcp_notify_flush(eng);		 /* calls back, then frees */
}

/* RFC 8985 6.3: the reordering window of a waiting segment ran out. */
static void reo_fire(struct timer *t)
{
	struct tcb *tcb = TCB_OF(t, t_reo);
	struct engine *eng = tcb->eng;

	tcp_rack_timeout(tcb);
	tcp_notify_flush(eng);
}

/** tcp_timers_init() - the timers of a new TCB, idle. */
void tcp_timers_init(struct tcb *tcb)
{
	timer_init(&tcb->t_rtx, rtx_fire);
	timer_init(&tcb->t_delack, delack_fire);
	timer_init(&tcb->t_keep, keep_fire);
	timer_init(&tcb->t_tw, tw_fire);
	timer_init(&tcb->t_linger, linger_fire);
	timer_init(&tcb->t_reo, reo_fire);
}

/** tcp_timers_stop() - cancel every timer of @tcb. */
void tcp_timers_stop(struct tcb *tcb)
{
	struct timers *ts = &tcb->eng->timers;

	timer_cancel(ts, &tcb->t_rtx);
	timer_cancel(ts, &tcb->t_delack);
	timer_cancel(ts, &tcb->t_keep);
	timer_cancel(ts, &tcb->t_tw);
	timer_cancel(ts, &tcb->t_linger);
	timer_cancel(ts, &tcb->t_reo);
}

/**
 * tcp_rtx_arm() - (re)start the retransmission timer at the current RTO,
 * or, when a tail loss probe may be sent, as the probe timer at the PTO
 * (RFC 8985 7.2: "the sender SHOULD start or restart a loss probe PTO
 * timer" after new data and on ACKs in the open state)
 */
void tcp_rtx_arm(struct tcb *tcb)
{
	tcb->persist = false;
	tcb->pto = tlp_eligible(tcb);
	engine_timer_arm(tcb->eng, &tcb->t_rtx,
			 tcb->pto ? tlp_pto(tcb) : tcp_rto_timeout(&tcb->rto));
}

/**
 * tcp_persist_arm() - (re)start the persist timer: the RTO, doubled for
 * each unanswered probe, within [200 ms, 60 s] (RFC 1122 4.2.2.17)
 */
void tcp_persist_arm(struct tcb *tcb)
{
	uint64_t d = tcp_rto_timeout(&tcb->rto);

	for (unsigned int i = 0; i < tcb->probes && d < PERSIST_MAX_US; i++)
		d <<= 1;
	if (d < PERSIST_MIN_US)
		d = PERSIST_MIN_US;
	if (d > PERSIST_MAX_US)
		d = PERSIST_MAX_US;
	tcb->persist = true;
	tcb->pto = false;
	engine_timer_arm(tcb->eng, &tcb->t_rtx, d);
}

/**
 * tcp_delack_arm() - start the delayed-ACK timer unless it runs
 * (RFC 9293 3.8.6.3: "the delay MUST be less than 0.5 seconds"; 40 ms
 * like Linux's TCP_DELACK_MIN)
 */
void tcp_delack_arm(struct tcb *tcb)
{
	if (timer_armed(&tcb->t_delack))
		return;
	engine_timer_arm(tcb->eng, &tcb->t_delack,
			 (uint64_t)tcb->eng->sysctl.tcp_delack_ms * 1000u);
}

/**
 * tcp_keepalive_arm() - start the keepalive timer (SO_KEEPALIVE), or the
 * FIN-WAIT-2 timeout of an orphan
 */
void tcp_keepalive_arm(struct tcb *tcb)
{
	struct engine *eng = tcb->eng;

	if (tcb->state == TCPS_FIN_WAIT_2 && tcb->user_closed) {
		engine_timer_arm(eng, &tcb->t_keep,
				 (uint64_t)eng->sysctl.tcp_fin_timeout_ms *
					 1000u);
		return;
	}
	if (!tcb->keepalive) {
		timer_cancel(&eng->timers, &tcb->t_keep);
		return;
	}
	tcb->probes = 0;
	engine_timer_arm(eng, &tcb->t_keep,
			 (uint64_t)keep_idle_ms(tcb) * 1000u);
}

/** tcp_linger_arm() - start SO_LINGER's l_linger seconds. */
void tcp_linger_arm(struct tcb *tcb)
{
	engine_timer_arm(tcb->eng, &tcb->t_linger,
			 (uint64_t)tcb->linger_sec * 1000000u);
}

/** tcp_tw_arm() - start TIME-WAIT's 2MSL (tcp_tw_timeout_ms). */
void tcp_tw_arm(struct tcb *tcb)
{
	engine_timer_arm(tcb->eng, &tcb->t_tw,
			 (uint64_t)tcb->eng->sysctl.tcp_tw_timeout_ms * 1000u);
}
