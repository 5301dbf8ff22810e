// SPDX-License-Identifier: MIT
/*
 * tcp_input.c - SEGMENT ARRIVES (RFC 9293 3.10.7), step by step
 *
 * Theory of operation
 *
 * tcp_input() checks the header and checksum, finds the connection and
 * hands the segment to the part of 3.10.7 for its state: CLOSED
 * (3.10.7.1), LISTEN (3.10.7.2, with SYN cookies), SYN-SENT (3.10.7.3),
 * or the synchronised states (3.10.7.4), which run one static function
 * per step in the RFC's order: check_seq (with PAWS, RFC 7323 5),
 * check_rst and check_syn (RFC 5961 challenge ACKs), check_ack (with
 * loss recovery: RFC 5681/6582 without SACK, RFC 6675 + PRR with it,
 * RACK-TLP (RFC 8985) deciding what is lost when tcp_recovery bit 0 is set),
 * process_urg (tcp_urg.c), process_text (in-order data to the
 * receive ring, out-of-order to tcp_reass, delayed ACKs) and check_fin.
 * Each step returns false when the segment goes no further; the one that
 * says so counts the drop.  The segment travels in a struct seg, never in
 * globals.  After the steps, tcp_output() sends what the ACK made
 * possible, and readiness callbacks run last (tcp_notify_flush()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "hash.h"
#include "ipv4.h"
#include "route.h"
#include "tcp.h"
#include "tcp_isn.h"
#include "tcp_seq.h"
#include "tcp_syncookie.h"
#include "wire/csum.h"

/* PAWS: TS.Recent older than this is no longer trusted (RFC 7323 5.5). */
#define PAWS_IDLE_US (24ull * 24 * 3600 * 1000000)

/*
 * struct seg - the arriving segment as the steps see it
 * @th: the parsed header and options
 * @src, @dst: the addresses, either family (union tcp_addr)
 * @seq: SEG.SEQ, advanced past anything trimmed at the front
 * @data, @dlen: the payload still to process
 * @syn, @fin: SYN and FIN still to process (trimming may clear them)
 * @len: SEG.LEN as received, SYN and FIN included
 */
struct seg {
	struct tcp_view th;
	union tcp_addr src, dst;
	uint32_t seq;
	const uint8_t *data;
	uint32_t dlen;
	bool syn, fin;
	uint32_t len;
};

enum step { STEP_GO, STEP_DONE, STEP_DROP };

/* ---- helpers ---- */

/*
 * RFC 5961 7: challenge ACKs are rate-limited (tcp_challenge_ack_limit a
 * second, engine-wide like Linux) so they cannot be used to amplify.
 */
static void challenge_ack(struct tcb *tcb)
{
	struct tcp_table *t = tcb->eng->tcp;
	uint64_t sec = tcb->eng->now / 1000000u;

	if (sec != t->challenge_window) {
		t->challenge_window = sec;
		t->challenge_count = 0;
	}
	if (t->challenge_count >= tcb->eng->sysctl.tcp_challenge_ack_limit) {
		tcb->eng->stats.tcp.TcpExtTCPACKSkippedChallenge++;
		return;
	}
	t->challenge_count++;
	tcb->eng->stats.tcp.TcpExtTCPChallengeACK++;
	tcp_send_ack(tcb);
}

/* Options of a SYN apply to the TCB (RFC 7323 1.3, RFC 2018 2). */
static void take_syn_options(struct tcb *tcb, const struct tcp_opts *o,
			     bool we_offered_all)
{
	struct sysctl *sc = &tcb->eng->sysctl;
	uint32_t p = o->present;

	tcb->peer_mss = (p & TCP_OPT_MSS) && o->mss ? o->mss : TCP_DEFAULT_MSS;
	tcb->ws_ok = (p & TCP_OPT_WS) && sc->tcp_window_scaling &&
		     we_offered_all;
	if (tcb->ws_ok) {
		tcb->snd_wscale = o->ws > TCP_MAX_WSCALE ? TCP_MAX_WSCALE
							 : o->ws;
	} else {
		tcb->snd_wscale = 0;
		tcb->rcv_wscale = 0;
	}
	tcb->sack_ok = (p & TCP_OPT_SACKOK) && sc->tcp_sack && we_offered_all;
	tcb->ts_ok = (p & TCP_OPT_TS) && sc->tcp_timestamps && we_offered_all;
	if (tcb->ts_ok) {
		tcb->ts_recent = o->tsval;
		tcb->ts_recent_stamp = tcb->eng->now;
	}
}

static int alloc_rings(struct tcb *tcb);

/*
 * The handshake is done: buffers, congestion control, MSS, SACK start.
 * A passive child gets its buffers only now, so a SYN flood costs a
 * TCB per SYN-queue entry, not a TCB and two buffers.
 */
static int conn_established(struct tcb *tcb, bool syn_rexmit)
{
	if (!tcb->snd.cap && alloc_rings(tcb)) {
		tcp_reset_conn(tcb, ENOMEM); /* frees an unaccepted child */
		return -ENOMEM;
	}
	tcp_set_mss(tcb);
	tcp_cc_init(&tcb->cc, tcb->cc.ops, tcb->mss, tcb->iss, tcb->eng->now);
	tcp_sack_init(&tcb->sb, tcb->snd_una);
	/* RFC 8985: RACK reads delivery from SACK, so only with SACK. */
	tcb->sb.rack = tcb->sack_ok && (tcb->eng->sysctl.tcp_recovery & 1);
	if (syn_rexmit && !tcb->rto.has_sample)
		tcp_rto_syn_lost(&tcb->rto);
	tcb->retries = 0;
	tcp_rto_reset_backoff(&tcb->rto);
	timer_cancel(&tcb->eng->timers, &tcb->t_rtx);
	tcb->last_rx = tcb->eng->now;
	tcp_set_state(tcb, TCPS_ESTABLISHED);
	/* A shutdown() during the handshake sends its FIN now. */
	if (tcb->shut_wr)
		tcp_set_state(tcb, TCPS_FIN_WAIT_1);
	return 0;
}

static int alloc_rings(struct tcb *tcb)
{
	int rc = tcp_ring_alloc(&tcb->snd, tcb->sndbuf);

	if (!rc)
		rc = tcp_ring_alloc(&tcb->rcv, tcb->rcvbuf);
	tcp_reass_init(&tcb->reass, tcb->rcvbuf);
	return rc;
}

/* A child of @ln for the 4-tuple of @s; NULL without memory. */
static struct tcb *child_new(struct tcb *ln, const struct seg *s)
{
	struct tcb *c = tcp_tcb_new(ln->eng);

	if (!c)
		return NULL;
	memset(&c->key, 0, sizeof(c->key));
	c->key.la = s->dst;
	c->key.lport = s->th.dport;
	c->key.ra = s->src;
	c->key.rport = s->th.sport;
	c->parent = ln;
	c->family = ln->family;
	c->v6only = ln->v6only;
	c->hops = ln->hops;
	c->tclass = ln->tclass;
	c->user_closed = true; /* the engine's until accept() */
	c->sndbuf = ln->sndbuf;
	c->rcvbuf = ln->rcvbuf;
	c->nodelay = ln->nodelay;
	c->keepalive = ln->keepalive;
	c->keep_idle_s = ln->keep_idle_s;
	c->keep_intvl_s = ln->keep_intvl_s;
	c->keep_cnt = ln->keep_cnt;
	c->user_mss = ln->user_mss;
	c->linger = ln->linger;
	c->linger_sec = ln->linger_sec;
	c->rcvbuf_locked = ln->rcvbuf_locked;
	c->cc.ops = ln->cc.ops;
	c->ts_offset = rand_u32();
	c->rcv_wscale = tcp_rcv_wscale(c);
	if (tcp_hash(c)) {
		tcp_tcb_free(c);
		return NULL;
	}
	return c;
}

/* Append an established child to its listener's accept queue. */
static void to_accept_queue(struct tcb *c)
{
	struct tcb *ln = c->parent;

	if (!ln || c->in_aq)
		return;
	if (ln->synq_len)
		ln->synq_len--;
	c->in_aq = true;
	c->aq_next = NULL;
	if (ln->aq_tail)
		ln->aq_tail->aq_next = c;
	else
		ln->aq_head = c;
	ln->aq_tail = c;
	ln->aq_len++;
	tcp_notify(ln);
}

/* ---- CLOSED (RFC 9293 3.10.7.1) ---- */

/*
 * "If the state is CLOSED (i.e., TCB does not exist), then all data in the
 * incoming segment is discarded.  An incoming segment containing a RST is
 * discarded.  An incoming segment not containing a RST causes a RST to be
 * sent in response."
 */
static void closed_input(struct engine *eng, struct pkt *p, const struct seg *s)
{
	tcp_send_rst_for(eng, &s->src, &s->dst, &s->th, s->len);
	pkt_drop(eng, p, &eng->stats.tcp.TcpInNoSocket, "no TCP socket");
}

/* ---- LISTEN (RFC 9293 3.10.7.2) ---- */

/*
 * The option bits a cookie ACK brings back (tcp_syncookie.c): from the
 * TSecr when the ACK has timestamps and we do, else TCP_SYNCOOKIE_NO_TS.
 */
static uint32_t cookie_ack_opts(struct engine *eng, const struct seg *s,
				uint32_t ts_off)
{
	if (!eng->sysctl.tcp_timestamps || !(s->th.opt.present & TCP_OPT_TS))
		return TCP_SYNCOOKIE_NO_TS;
	return tcp_syncookie_ts_decode(s->th.opt.tsecr,
				       (uint32_t)(eng->now / 1000u) + ts_off);
}

/*
 * An ACK to a listener may complete a SYN-cookie handshake.  With
 * timestamps, the options of the SYN come back from the TSecr
 * (tcp_syncookie.c), so the connection gets its window scaling, SACK and
 * timestamps (RFC 7323 2.2, 3.2; RFC 2018 2) as if the SYN had been kept.
 */
static struct tcb *cookie_ack(struct tcb *ln, const struct seg *s)
{
	struct engine *eng = ln->eng;
	struct tcp_tuple tu;
	uint32_t opts, ts_off;
	uint16_t mss;
	struct tcb *c;

	if (!eng->sysctl.tcp_syncookies || (s->th.flags & (TCP_SYN | TCP_FIN)))
		return NULL;
	tcp_tuple_addr(&tu, &s->dst, s->th.dport, &s->src, s->th.sport);
	ts_off = tcp_syncookie_ts_offset(&eng->tcp->isn_key, &tu);
	opts = cookie_ack_opts(eng, s, ts_off);
	if (opts == TCP_SYNCOOKIE_BAD ||
	    tcp_syncookie_check(&eng->tcp->isn_key, &tu, s->seq - 1,
				s->th.ack - 1, opts, eng->now, &mss)) {
		eng->stats.tcp.TcpExtSyncookiesFailed++;
		return NULL;
	}
	if (ln->aq_len + ln->aq_handed > ln->backlog) {
		eng->stats.tcp.TcpExtListenOverflows++;
		return NULL;
	}
	c = child_new(ln, s);
	if (!c)
		return NULL;
	eng->stats.tcp.TcpExtSyncookiesRecv++;
	eng->stats.tcp.TcpPassiveOpens++;
	c->iss = s->th.ack - 1;
	c->snd_una = s->th.ack;
	c->snd_nxt = s->th.ack;
	c->snd_max = s->th.ack;
	c->irs = s->seq - 1;
	c->rcv_nxt = s->seq;
	c->rcv_adv = s->seq + 65535;
	c->rcv_wnd = 65535;
	c->peer_mss = mss;
	c->ws_ok = false;
	c->rcv_wscale = 0;
	c->snd_wscale = 0;
	if (opts != TCP_SYNCOOKIE_NO_TS) {
		c->ts_ok = true;
		c->ts_offset = ts_off;
		c->ts_recent = s->th.opt.tsval;
		c->ts_recent_stamp = eng->now;
		c->sack_ok = opts & TCP_SYNCOOKIE_SACK;
		if ((opts & 0xf) != TCP_SYNCOOKIE_WS_NONE) {
			c->ws_ok = true;
			c->snd_wscale = (uint8_t)(opts & 0xf);
			c->rcv_wscale = tcp_rcv_wscale(c);
		}
	}
	/* RFC 7323 2.2: the ACK's window is already scaled. */
	c->snd_wnd = (uint32_t)s->th.window << c->snd_wscale;
	c->max_sndwnd = c->snd_wnd;
	c->snd_wl1 = s->seq;
	c->snd_wl2 = s->th.ack;
	ln->synq_len++; /* to_accept_queue() takes it off again */
	if (conn_established(c, false))
		return NULL;
	to_accept_queue(c);
	return c;
}

/*
 * Answer the SYN @s with a stateless cookie SYN-ACK.  When the SYN had
 * timestamps (and we do them), its window scale and SACK-permitted ride
 * in the SYN-ACK's TSval and are offered back as a kept SYN would be.
 */
static void send_cookie(struct tcb *ln, const struct tcp_key *k,
			const struct tcp_tuple *tu, const struct seg *s)
{
	struct engine *eng = ln->eng;
	struct sysctl *sc = &eng->sysctl;
	struct tcp_cookie_synack sa = { 0 };
	uint32_t opts = TCP_SYNCOOKIE_NO_TS;

	if (sc->tcp_timestamps && (s->th.opt.present & TCP_OPT_TS)) {
		uint32_t now_ts = (uint32_t)(eng->now / 1000u) +
				  tcp_syncookie_ts_offset(&eng->tcp->isn_key,
							  tu);

		opts = tcp_syncookie_opts(&s->th.opt, sc->tcp_window_scaling,
					  sc->tcp_sack);
		sa.ts = true;
		sa.tsval = tcp_syncookie_tsval(now_ts, opts);
		sa.tsecr = s->th.opt.tsval;
		sa.sack = opts & TCP_SYNCOOKIE_SACK;
		sa.ws = (opts & 0xf) != TCP_SYNCOOKIE_WS_NONE;
		sa.rcv_wscale = tcp_rcv_wscale(ln);
	}
	sa.iss = tcp_syncookie_make(&eng->tcp->isn_key, tu, s->seq,
				    (s->th.opt.present & TCP_OPT_MSS)
					    ? s->th.opt.mss
					    : TCP_DEFAULT_MSS,
				    opts, eng->now, &sa.mss);
	sa.irs = s->seq;
	tcp_send_synack_cookie(eng, k, &sa);
}

/*
 * "first, check for a RST ... An incoming RST should be ignored."
 * "second, check for an ACK ... Any acknowledgment is bad if it arrives on
 * a connection still in the LISTEN state.  An acceptable reset segment
 * should be formed for any arriving ACK-bearing segment."  (Unless it is
 * the ACK of a SYN cookie.)
 * "third, check for a SYN ... set RCV.NXT to SEG.SEQ+1, IRS is set to
 * SEG.SEQ ... ISS should be selected and a SYN segment sent".
 * Returns the child when a cookie ACK made one, for the steps to go on.
 */
static struct tcb *listen_input(struct tcb *ln, struct pkt *p, struct seg *s)
{
	struct engine *eng = ln->eng;
	struct tcp_stats *st = &eng->stats.tcp;
	uint32_t max_syn = eng->sysctl.tcp_max_syn_backlog;
	struct tcp_tuple tu;
	struct tcb *c;

	if (s->th.flags & TCP_RST) {
		pkt_drop(eng, p, &st->TcpInStateDrop, "RST to a listener");
		return NULL;
	}
	if (s->th.flags & TCP_ACK) {
		c = cookie_ack(ln, s);
		if (c)
			return c;
		tcp_send_rst_for(eng, &s->src, &s->dst, &s->th, s->len);
		pkt_drop(eng, p, &st->TcpInBadAck, "ACK to a listener");
		return NULL;
	}
	if (!(s->th.flags & TCP_SYN)) {
		pkt_drop(eng, p, &st->TcpInBadFlags, "no SYN to a listener");
		return NULL;
	}
	if (ln->aq_len + ln->aq_handed > ln->backlog) {
		/* Linux: a full accept queue drops the SYN; the peer's
		 * retry may find room. */
		st->TcpExtListenOverflows++;
		pkt_drop(eng, p, &st->TcpExtListenDrops, "accept queue full");
		return NULL;
	}
	/* Linux (tcp_conn_request()): the SYN queue is full at the
	 * listener's backlog; then a SYN gets a cookie, or is dropped
	 * without cookies; tcp_syncookies=2 sends cookies always.  Without
	 * cookies the last quarter of tcp_max_syn_backlog is kept for peers
	 * Linux has proven (we prove none): the SYN is dropped sooner. */
	if (!eng->sysctl.tcp_syncookies &&
	    (ln->synq_len >= ln->backlog ||
	     ln->synq_len > max_syn - (max_syn >> 2))) {
		pkt_drop(eng, p, &st->TcpExtListenDrops, "SYN queue full");
		return NULL;
	}
	if (ln->synq_len >= ln->backlog || eng->sysctl.tcp_syncookies == 2) {
		struct tcp_key k;

		memset(&k, 0, sizeof(k));
		k.la = s->dst;
		k.lport = s->th.dport;
		k.ra = s->src;
		k.rport = s->th.sport;
		tcp_tuple_addr(&tu, &s->dst, s->th.dport, &s->src, s->th.sport);
		send_cookie(ln, &k, &tu, s);
		st->TcpExtSyncookiesSent++;
		pkt_free(p);
		return NULL;
	}
	c = child_new(ln, s);
	if (!c) {
		pkt_drop(eng, p, &st->TcpExtListenDrops, "no memory");
		return NULL;
	}
	ln->synq_len++;
	st->TcpPassiveOpens++;
	c->irs = s->seq;
	c->rcv_nxt = s->seq + 1;
	take_syn_options(c, &s->th.opt, true);
	c->snd_wnd = s->th.window; /* RFC 7323 2.2: never scaled in a SYN */
	c->max_sndwnd = c->snd_wnd;
	c->snd_wl1 = s->seq;
	tcp_tuple_addr(&tu, &s->dst, s->th.dport, &s->src, s->th.sport);
	c->iss = tcp_isn(&eng->tcp->isn_key, &tu, eng->now);
	c->snd_una = c->iss;
	c->snd_nxt = c->iss + 1;
	c->snd_max = c->snd_nxt;
	c->snd_wl2 = c->iss;
	tcp_set_state(c, TCPS_SYN_RECEIVED);
	tcp_send_syn(c);
	c->rtt_timing = true;
	c->rtt_seq = c->snd_nxt;
	c->rtt_start = eng->now;
	tcp_rtx_arm(c);
	/* "any other control or text should be queued for processing
	 * later": the peer retransmits data we do not ACK, so drop it. */
	pkt_free(p);
	return NULL;
}

/* ---- SYN-SENT (RFC 9293 3.10.7.3) ---- */

static void syn_sent_input(struct tcb *tcb, struct pkt *p, struct seg *s)
{
	struct engine *eng = tcb->eng;
	struct tcp_stats *st = &eng->stats.tcp;
	bool ack = s->th.flags & TCP_ACK;
	bool rexmit = tcb->rto.backoff > 0;

	/* "first, check the ACK bit: If SEG.ACK =< ISS or SEG.ACK >
	 * SND.NXT, send a reset (unless the RST bit is set, if so drop the
	 * segment and return)". */
	if (ack &&
	    (seq_leq(s->th.ack, tcb->iss) || seq_gt(s->th.ack, tcb->snd_max))) {
		tcp_send_rst_for(eng, &s->src, &s->dst, &s->th, s->len);
		pkt_drop(eng, p, &st->TcpInBadAck, "bad ACK in SYN-SENT");
		return;
	}
	/* "second, check the RST bit: If the ACK was acceptable, then
	 * signal to the user 'error: connection reset', drop the segment,
	 * enter CLOSED state ... Otherwise (no ACK), drop the segment." */
	if (s->th.flags & TCP_RST) {
		if (!ack) {
			pkt_drop(eng, p, &st->TcpInRstDrop,
				 "RST without ACK in SYN-SENT");
			return;
		}
		pkt_free(p);
		tcp_reset_conn(tcb, ECONNREFUSED);
		return;
	}
	/* "fourth, check the SYN bit". */
	if (!(s->th.flags & TCP_SYN)) {
		pkt_drop(eng, p, &st->TcpInBadFlags, "no SYN in SYN-SENT");
		return;
	}
	tcb->irs = s->seq;
	tcb->rcv_nxt = s->seq + 1;
	take_syn_options(tcb, &s->th.opt, true);
	tcb->snd_wl1 = s->seq;
	if (ack) {
		/* "SND.UNA should be advanced to equal SEG.ACK ... If
		 * SND.UNA > ISS (our SYN has been ACKed), change the
		 * connection state to ESTABLISHED, form an ACK segment". */
		tcb->snd_una = s->th.ack;
		tcb->snd_wl2 = s->th.ack;
		tcb->snd_wnd = s->th.window; /* a SYN's window is unscaled */
		tcb->max_sndwnd = tcb->snd_wnd;
		if (tcb->ts_ok && s->th.opt.tsecr)
			tcp_rto_on_ack(&tcb->rto,
				       (tcp_ts_now(tcb) - s->th.opt.tsecr) *
					       1000u,
				       false, true);
		else if (!rexmit)
			tcp_rto_on_ack(&tcb->rto,
				       (uint32_t)(eng->now - tcb->rtt_start),
				       false, false);
		tcb->rtt_timing = false;
		conn_established(tcb, rexmit);
		tcb->ack_now = true;
		pkt_free(p);
		tcp_output(tcb);
		if (tcb->ack_now)
			tcp_send_ack(tcb); /* the handshake's third segment */
		return;
	}
	/* "Otherwise, enter SYN-RECEIVED, form a SYN,ACK segment" (the
	 * simultaneous open of 3.5, figure 7). */
	tcb->snd_wnd = s->th.window;
	tcb->max_sndwnd = tcb->snd_wnd;
	tcp_set_state(tcb, TCPS_SYN_RECEIVED);
	tcp_send_syn(tcb);
	tcp_rtx_arm(tcb);
	pkt_free(p);
}

/* ---- synchronised states (RFC 9293 3.10.7.4) ---- */

/*
 * disordered_ack() - would PAWS drop @s only because a later segment
 * overtook it?
 *
 * A pure duplicate ACK at RCV.NXT that leaves the window as it is, with a
 * TSval at most one RTO older than TS.Recent, is an ACK reordered behind
 * a newer one, not a segment of an earlier incarnation: it carries no
 * data for PAWS to protect (RFC 7323 5.3 guards the data), and its SACK
 * blocks are news for loss recovery.  Linux exempts these the same way;
 * dropping them made reordered SACKs useless.  The TSval clock is assumed
 * to tick at least once per millisecond (RFC 7323 5.4 allows 1 ms to 1 s;
 * Linux peers use 1 ms), so an RTO in ms is a generous bound for a slower
 * one.
 */
static bool disordered_ack(const struct tcb *tcb, const struct seg *s)
{
	uint32_t wnd = (uint32_t)s->th.window << tcb->snd_wscale;

	return (s->th.flags & TCP_ACK) && !s->syn && !s->fin && !s->dlen &&
	       s->seq == tcb->rcv_nxt && s->th.ack == tcb->snd_una &&
	       wnd == tcb->snd_wnd &&
	       tcb->ts_recent - s->th.opt.tsval <= tcb->rto.rto_us / 1000;
}

/*
 * "first, check sequence number" ... "If a segment's contents straddle
 * the boundary between old and new, only the new parts are processed."
 * PAWS comes first (RFC 7323 5.3 R1-R3): a segment whose TSval is older
 * than TS.Recent is a duplicate from an earlier incarnation of the
 * sequence space; it is ACKed (unless RST) and dropped, unless it is a
 * reordered duplicate ACK (disordered_ack()).
 * "If an incoming segment is not acceptable, an acknowledgment should be
 * sent in reply (unless the RST bit is set ...)".
 */
static enum step check_seq(struct tcb *tcb, struct pkt *p, struct seg *s)
{
	struct engine *eng = tcb->eng;
	struct tcp_stats *st = &eng->stats.tcp;
	const struct tcp_opts *o = &s->th.opt;
	bool rst = s->th.flags & TCP_RST;
	uint32_t wnd, skip;

	if (tcb->ts_ok && (o->present & TCP_OPT_TS) && !rst &&
	    seq_lt(o->tsval, tcb->ts_recent) &&
	    eng->now - tcb->ts_recent_stamp < PAWS_IDLE_US &&
	    !disordered_ack(tcb, s)) {
		tcb->ack_now = true;
		tcp_send_ack(tcb);
		pkt_drop(eng, p, &st->TcpExtPAWSEstab, "PAWS: old timestamp");
		return STEP_DROP;
	}
	/* SYN-RECEIVED: the peer's SYN again.  With an ACK of our SYN it
	 * is the SYN-ACK of a simultaneous open (RFC 9293 3.5 figure 7):
	 * its SYN is old, its ACK is news.  Without, our SYN-ACK was lost. */
	if (tcb->state == TCPS_SYN_RECEIVED && s->syn && s->seq == tcb->irs) {
		if (!(s->th.flags & TCP_ACK) || s->th.ack != tcb->snd_nxt) {
			tcp_send_syn(tcb);
			pkt_drop(eng, p, &st->TcpInBadSeq, "SYN again");
			return STEP_DROP;
		}
		s->syn = false;
		s->seq++;
		s->len--;
	}
	wnd = seq_gt(tcb->rcv_adv, tcb->rcv_nxt) ? tcb->rcv_adv - tcb->rcv_nxt
						 : 0;
	if (!tcp_seq_acceptable(tcb->rcv_nxt, wnd, s->seq, s->len)) {
		if (!rst) {
			/* RFC 2883: report a duplicate with a D-SACK. */
			if (s->dlen && tcb->sack_ok &&
			    seq_lt(s->seq, tcb->rcv_nxt))
				tcp_reass_note_dup(&tcb->reass, s->seq,
						   seq_min(s->seq + s->dlen,
							   tcb->rcv_nxt));
			tcp_send_ack(tcb);
		}
		pkt_drop(eng, p, &st->TcpInBadSeq, "sequence not acceptable");
		return STEP_DROP;
	}
	/* Trim the front: a SYN there is old, then old data. */
	if (seq_lt(s->seq, tcb->rcv_nxt)) {
		if (s->syn) {
			s->syn = false;
			s->seq++;
		}
		skip = tcb->rcv_nxt - s->seq;
		if (skip > s->dlen)
			skip = s->dlen;
		if (skip && tcb->sack_ok)
			tcp_reass_note_dup(&tcb->reass, s->seq, s->seq + skip);
		s->data += skip;
		s->dlen -= skip;
		s->seq += skip;
	}
	/* Trim the tail beyond the window; a FIN there is not yet ours. */
	if (s->dlen && seq_gt(s->seq + s->dlen, tcb->rcv_nxt + wnd)) {
		s->dlen = tcb->rcv_nxt + wnd - s->seq;
		s->fin = false;
	}
	/* RFC 7323 4.3: TS.Recent from a segment covering Last.ACK.sent. */
	if (tcb->ts_ok && (o->present & TCP_OPT_TS) &&
	    seq_leq(s->seq, tcb->rcv_nxt) &&
	    seq_geq(o->tsval, tcb->ts_recent)) {
		tcb->ts_recent = o->tsval;
		tcb->ts_recent_stamp = eng->now;
	}
	return STEP_GO;
}

/*
 * "second, check the RST bit" with RFC 5961 3.2: "If the RST bit is set
 * and the sequence number exactly matches the next expected sequence
 * number (RCV.NXT), then TCP MUST reset the connection ... If the RST bit
 * is set and the sequence number does not exactly match ... but is within
 * the current receive window, TCP MUST send an acknowledgment (challenge
 * ACK)".  SYN-RECEIVED from a passive open returns to LISTEN, which for
 * us means dropping the embryonic child; from an active open the
 * connection was refused.
 */
static enum step check_rst(struct tcb *tcb, struct pkt *p, struct seg *s)
{
	struct tcp_stats *st = &tcb->eng->stats.tcp;

	if (!(s->th.flags & TCP_RST))
		return STEP_GO;
	if (s->seq != tcb->rcv_nxt) {
		challenge_ack(tcb);
		pkt_drop(tcb->eng, p, &st->TcpInRstDrop, "RST not at RCV.NXT");
		return STEP_DROP;
	}
	pkt_free(p);
	switch (tcb->state) {
	case TCPS_SYN_RECEIVED:
		if (tcb->parent) {
			st->TcpAttemptFails++;
			tcp_set_state(tcb, TCPS_CLOSED);
			tcp_maybe_free(tcb);
		} else {
			tcp_reset_conn(tcb, ECONNREFUSED);
		}
		break;
	case TCPS_ESTABLISHED:
	case TCPS_FIN_WAIT_1:
	case TCPS_FIN_WAIT_2:
		tcp_reset_conn(tcb, ECONNRESET);
		break;
	case TCPS_CLOSE_WAIT:
		/* The peer had closed already: Linux's tcp_reset() reports
		 * EPIPE here, which is what a writer sees next. */
		tcp_reset_conn(tcb, EPIPE);
		break;
	case TCPS_CLOSING:
	case TCPS_LAST_ACK:
	case TCPS_TIME_WAIT:
		/* "enter the CLOSED state, delete the TCB, and return". */
		tcp_reset_conn(tcb, 0);
		break;
	case TCPS_CLOSED:
	case TCPS_LISTEN:
	case TCPS_SYN_SENT:
	default:
		/* Not synchronised: handled before the steps. */
		break;
	}
	return STEP_DONE;
}

/*
 * "fourth, check the SYN bit" with RFC 5961 4.2: in any synchronised
 * state, a SYN (in window or not) gets a challenge ACK and is dropped;
 * a genuine new connection's peer answers it with a RST.
 */
static enum step check_syn(struct tcb *tcb, struct pkt *p, struct seg *s)
{
	if (!s->syn)
		return STEP_GO;
	tcb->eng->stats.tcp.TcpExtTCPSYNChallenge++;
	challenge_ack(tcb);
	pkt_drop(tcb->eng, p, &tcb->eng->stats.tcp.TcpInBadFlags,
		 "SYN in a synchronised state");
	return STEP_DROP;
}

/*
 * Forget what the arrival just delivered, then copy the bytes it made
 * contiguous from the reassembly queue into the receive ring.
 */
static void pull_reass(struct tcb *tcb)
{
	uint8_t buf[4096];
	size_t n;

	tcp_reass_forget(&tcb->reass, tcb->rcv_nxt);
	while (tcp_reass_ready(&tcb->reass, tcb->rcv_nxt) &&
	       tcb->rcv.cap - tcb->rcv.len > 0) {
		size_t room = tcb->rcv.cap - tcb->rcv.len;

		/* Storage first: what leaves the queue must fit.  Without
		 * memory the bytes stay queued, unacknowledged. */
		if (tcp_ring_reserve(&tcb->rcv,
				     room < sizeof(buf) ? room : sizeof(buf)))
			break;
		n = tcp_reass_read(&tcb->reass, tcb->rcv_nxt, buf,
				   room < sizeof(buf) ? room : sizeof(buf));
		if (!n)
			break;
		tcp_ring_write(&tcb->rcv, buf, n);
		tcb->rcv_nxt += (uint32_t)n;
		tcb->bytes_received += n;
	}
}

/* RFC 6675 5 (NextSeg loop) with PRR: send while pipe < cwnd. */
static void sack_send(struct tcb *tcb)
{
	uint32_t end = tcb->snd_una + (uint32_t)tcb->snd.len;
	uint32_t pipe = tcp_sack_pipe(&tcb->sb, tcb->snd_max, tcb->mss);
	uint32_t mss = tcp_seg_mss(tcb);
	struct tcp_sack_seg sg;

	while (pipe < tcb->cc.cwnd) {
		bool can_new = seq_lt(tcb->snd_max, end) &&
			       seq_lt(tcb->snd_max,
				      tcb->snd_una + tcb->snd_wnd);
		uint32_t len;

		if (!tcp_sack_next_seg(&tcb->sb, tcb->snd_max, mss, can_new,
				       &sg))
			break;
		if (sg.kind == TCP_SEG_NEW) {
			len = end - tcb->snd_max;
			if (len > mss)
				len = mss;
			if (len > tcb->snd_una + tcb->snd_wnd - tcb->snd_max)
				len = tcb->snd_una + tcb->snd_wnd -
				      tcb->snd_max;
			if (!len)
				break;
			sg.seq = tcb->snd_max;
			sg.len = len;
			tcp_send_segment(tcb, sg.seq, len, 0);
			tcb->snd_max += len;
			tcb->snd_nxt = tcb->snd_max;
		} else {
			len = sg.len;
			if (seq_gt(sg.seq + len, end))
				len = seq_gt(end, sg.seq) ? end - sg.seq : 0;
			if (!len)
				break;
			sg.len = len;
			tcb->eng->stats.tcp.TcpRetransSegs++;
			tcb->total_retrans++;
			tcp_send_segment(tcb, sg.seq, len, 0);
		}
		tcp_sack_sent(&tcb->sb, &sg);
		tcp_prr_on_send(&tcb->prr, len);
		pipe += len;
	}
	if (tcp_flight(tcb) && !timer_armed(&tcb->t_rtx))
		tcp_rtx_arm(tcb);
}

/*
 * RFC 8985 6.2: RACK on an ACK (or the reordering timer): mark what the
 * ACK delivered, deem lost what was sent before it and waited longer than
 * RACK.rtt + reo_wnd, and arm the reordering timer for the rest.  Lost
 * octets reach RFC 6675's NextSeg() through the scoreboard; a lost
 * retransmission pulls HighRxt back so it is sent again.
 */
static void rack_process(struct tcb *tcb, uint32_t una, bool dsack)
{
	struct engine *eng = tcb->eng;
	struct tcp_rack_loss l;
	uint32_t reo;

	if (!tcb->sb.rack)
		return;
	tcp_rack_dsack(&tcb->rack, dsack, una, tcb->snd_max);
	tcp_rack_ack(&tcb->rack, una, &tcb->sb, eng->now);
	reo = tcp_rack_reo_wnd(&tcb->rack, tcb->sb.in_recovery,
			       tcb->sb.sacked >= TCP_DUPTHRESH * tcb->mss,
			       tcb->rto.has_sample ? tcb->rto.srtt_us : 0);
	tcp_rack_detect(&tcb->rack, eng->now, reo, &l);
	if (l.lost && seq_gt(l.lost_end, tcb->sb.rack_lost_end))
		tcb->sb.rack_lost_end = l.lost_end;
	if (l.rxt_lost && tcb->sb.in_recovery &&
	    seq_lt(l.rxt_start, tcb->sb.high_rxt)) {
		eng->stats.tcp.TcpExtTCPLostRetransmit++;
		tcb->sb.high_rxt = seq_max(l.rxt_start, tcb->snd_una);
	}
	if (l.timeout_us)
		engine_timer_arm(eng, &tcb->t_reo, l.timeout_us);
	else
		timer_cancel(&eng->timers, &tcb->t_reo);
}

static void enter_recovery(struct tcb *tcb, uint32_t delivered);
static void sack_send(struct tcb *tcb);

/*
 * May a loss signal start fast recovery now?  With SACK, RFC 6675's
 * RecoveryPoint (tcp_sack_should_enter_recovery()) keeps one window's
 * losses to one response, and a loss among the segments sent during the
 * last recovery is a new event once that recovery has ended.  NewReno's
 * "recover" test (RFC 6582 3.2 step 2) would hold that loss off until SND.UNA
 * passed it, which only a retransmission timeout can then bring about.
 * Without SACK, RFC 6582 applies.
 */
static bool may_fast_retransmit(const struct tcb *tcb, uint32_t ack)
{
	if (tcb->sack_ok)
		return !tcb->cc.in_recovery;
	return tcp_cc_may_fast_retransmit(&tcb->cc, ack);
}

/*
 * RACK deemed SND.UNA lost: start recovery as DupThresh would have.
 * @delivered: DeliveredData of the ACK that showed it (0 from the timer).
 */
static void rack_maybe_recover(struct tcb *tcb, uint32_t delivered)
{
	if (!tcb->sb.rack || tcb->cc.in_recovery ||
	    !tcp_sack_should_enter_recovery(&tcb->sb, 0, tcb->mss) ||
	    !may_fast_retransmit(tcb, tcb->snd_una) ||
	    tcb->snd_nxt != tcb->snd_max)
		return;
	enter_recovery(tcb, delivered);
}

/**
 * tcp_rack_timeout() - the RACK reordering timer (RFC 8985 6.3): look
 * for losses again; start or continue recovery with what expired
 */
void tcp_rack_timeout(struct tcb *tcb)
{
	if (!tcp_synchronized(tcb) || tcb->state == TCPS_TIME_WAIT)
		return;
	rack_process(tcb, tcb->snd_una, false);
	if (tcb->sb.in_recovery)
		sack_send(tcb);
	else
		rack_maybe_recover(tcb, 0);
}

/*
 * Loss detected by duplicate ACKs or SACK: RFC 5681 3.2 / RFC 6675 5.
 * PRR (RFC 6937 3.1) counts the @delivered octets of the ACK that starts
 * recovery: with SSRB that lets one new segment follow the retransmission
 * when the pipe is low, and its ACK is what tells RACK whether the
 * retransmission was lost (RFC 8985 6.2) before the timer must.
 */
static void enter_recovery(struct tcb *tcb, uint32_t delivered)
{
	struct tcp_stats *st = &tcb->eng->stats.tcp;
	struct tcp_cc_event ev = { 0 };

	ev.flight = tcb->snd_max - tcb->snd_una;
	ev.snd_nxt = tcb->snd_max;
	ev.now_us = tcb->eng->now;
	tcp_cc_on_congestion_event(&tcb->cc, &ev);
	tcp_undo_begin(&tcb->undo, tcb->snd_una, false);
	st->TcpExtTCPFastRetrans++;
	tcb->rtt_timing = false;
	if (tcb->sb.rack)
		tcp_rack_recovery(&tcb->rack);
	if (tcb->sack_ok) {
		st->TcpExtTCPSackRecovery++;
		tcp_sack_enter_recovery(&tcb->sb, tcb->snd_max);
		tcp_prr_init(&tcb->prr, ev.flight, tcb->cc.ssthresh, tcb->mss);
		tcb->cc.cwnd = tcp_prr_on_ack(
			&tcb->prr, delivered,
			tcp_sack_pipe(&tcb->sb, tcb->snd_max, tcb->mss));
		sack_send(tcb);
	} else {
		st->TcpExtTCPRenoRecovery++;
		tcp_retransmit_head(tcb);
	}
}

/* RFC 3042 limited transmit: a new segment for each of the first two
 * duplicate ACKs, if the peer's window allows. */
static void limited_transmit(struct tcb *tcb)
{
	uint32_t end = tcb->snd_una + (uint32_t)tcb->snd.len;
	uint32_t len, mss;

	if (tcb->snd_nxt != tcb->snd_max || !seq_lt(tcb->snd_nxt, end))
		return;
	len = end - tcb->snd_nxt;
	mss = tcp_seg_mss(tcb);
	if (len > mss)
		len = mss;
	if (seq_gt(tcb->snd_nxt + len, tcb->snd_una + tcb->snd_wnd))
		return;
	tcp_send_segment(tcb, tcb->snd_nxt, len, 0);
	tcb->snd_nxt += len;
	tcb->snd_max = tcb->snd_nxt;
}

/* SND.UNA moves to @ack: free acked data, sample the RTT, reset backoff. */
static void ack_advance(struct tcb *tcb, const struct seg *s)
{
	uint32_t ack = s->th.ack;
	uint32_t acked = ack - tcb->snd_una;
	uint32_t data = acked;
	uint32_t end = tcb->snd_una + (uint32_t)tcb->snd.len;

	if (tcb->fin_sent && seq_gt(ack, end))
		data--; /* the FIN's sequence number */
	tcp_ring_drop(&tcb->snd, data);
	tcb->bytes_acked += data;
	tcb->snd_una = ack;
	if (seq_lt(tcb->snd_nxt, ack))
		tcb->snd_nxt = ack;
	/* RFC 7323 4.1 / RFC 6298 with Karn: measure from the echoed
	 * timestamp, or from the one timed segment if not retransmitted. */
	if (tcb->ts_ok && (s->th.opt.present & TCP_OPT_TS) && s->th.opt.tsecr) {
		tcp_rto_on_ack(&tcb->rto,
			       (tcp_ts_now(tcb) - s->th.opt.tsecr) * 1000u,
			       false, true);
	} else if (tcb->rtt_timing && seq_geq(ack, tcb->rtt_seq)) {
		tcp_rto_on_ack(&tcb->rto,
			       (uint32_t)(tcb->eng->now - tcb->rtt_start),
			       false, false);
	}
	if (tcb->rtt_timing && seq_geq(ack, tcb->rtt_seq))
		tcb->rtt_timing = false;
	tcb->retries = 0;
	tcp_rto_reset_backoff(&tcb->rto);
	/* RFC 6298 5.2/5.3: stop when all is acked, else restart. */
	if (tcb->snd_una == tcb->snd_max)
		timer_cancel(&tcb->eng->timers, &tcb->t_rtx);
	else
		tcp_rtx_arm(tcb);
	tcp_notify(tcb); /* send space may have opened */
}

/*
 * RFC 8985 7.4: an ACK at or past TLP.end_seq ends the probe's episode.
 * A probe of new data needs no verdict (RACK judges it as any segment).
 * A retransmitted probe that comes back without a D-SACK repaired a real
 * loss ("the TLP sender MUST ... invoke a congestion control response
 * equivalent to fast recovery"): reduce cwnd as fast recovery would,
 * without a recovery phase (nothing is left to repair).  With a D-SACK
 * the original had arrived: no loss, no reduction.  Recovery or an RTO
 * end the episode as well.
 */
static void tlp_on_ack(struct tcb *tcb, uint32_t ack,
		       const struct tcp_sack_result *res)
{
	struct tcp_cc_event ev = { 0 };

	if (!tcb->tlp_out)
		return;
	if (tcb->sb.in_recovery || tcb->cc.in_recovery) {
		tcb->tlp_out = false;
		return;
	}
	if (!seq_geq(ack, tcb->tlp_end))
		return;
	tcb->tlp_out = false;
	if (!tcb->tlp_rxt || res->dsack)
		return;
	tcb->eng->stats.tcp.TcpExtTCPLossProbeRecovery++;
	ev.flight = tcb->snd_max - tcb->snd_una;
	ev.snd_nxt = tcb->snd_max;
	ev.now_us = tcb->eng->now;
	tcp_cc_on_congestion_event(&tcb->cc, &ev);
	tcp_cc_on_recovery_exit(&tcb->cc, ev.flight);
	tcb->undo.active = false; /* the saved state is this response's */
}

/*
 * RFC 3708 / RFC 3522: the episode answered no loss.  Restore the
 * congestion state (RFC 9438 4.9); after a timeout, stop resending what
 * the peer had (the rest of go-back-N): RACK judges anything still
 * missing as usual.  Waits for a running recovery to end, since PRR sets
 * the window on every ACK until then.
 */
static void undo_episode(struct tcb *tcb)
{
	struct tcp_stats *st = &tcb->eng->stats.tcp;
	struct tcp_undo *u = &tcb->undo;

	if (!u->active || u->spurious == TCP_UNDO_NONE || tcb->sb.in_recovery ||
	    tcb->cc.in_recovery)
		return;
	u->active = false;
	if (!tcp_cc_undo(&tcb->cc))
		return;
	if (u->rto) {
		st->TcpExtTCPLossUndo++;
		if (seq_lt(tcb->snd_nxt, tcb->snd_max))
			tcb->snd_nxt = tcb->snd_max;
	} else if (u->spurious == TCP_UNDO_DSACK) {
		st->TcpExtTCPDSACKUndo++;
	} else {
		st->TcpExtTCPFullUndo++;
	}
}

/* Is our FIN acknowledged? */
static bool fin_acked(const struct tcb *tcb)
{
	return tcb->fin_sent && tcb->snd_una == tcb->snd_max &&
	       tcb->snd.len == 0;
}

/*
 * "fifth, check the ACK field": "if the ACK bit is off, drop the segment
 * and return".  RFC 5961 5.2: an ACK is acceptable only within
 * [SND.UNA - MAX.SND.WND, SND.NXT]; older ones get a challenge ACK, ones
 * for data never sent an ACK, and both are dropped.  SYN-RECEIVED moves
 * to ESTABLISHED on an ACK of our SYN.  Then SND.UNA, the send window
 * (SND.WL1/WL2 rule) and loss recovery, and the closing states' FIN
 * bookkeeping.  Returns STEP_DONE when the TCB is gone.
 */
static enum step check_ack(struct tcb *tcb, struct pkt *p, struct seg *s)
{
	struct engine *eng = tcb->eng;
	struct tcp_stats *st = &eng->stats.tcp;
	uint32_t ack = s->th.ack, old_una, wnd;
	struct tcp_sack_result res = { 0 };
	bool advanced, dup;

	if (!(s->th.flags & TCP_ACK)) {
		pkt_drop(eng, p, &st->TcpInBadFlags, "no ACK");
		return STEP_DROP;
	}
	if (tcb->state == TCPS_SYN_RECEIVED) {
		/* "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED
		 * ... Otherwise send a reset <SEQ=SEG.ACK><CTL=RST>". */
		if (!seq_gt(ack, tcb->snd_una) || seq_gt(ack, tcb->snd_max)) {
			tcp_send_rst_for(eng, &s->src, &s->dst, &s->th, s->len);
			pkt_drop(eng, p, &st->TcpInBadAck,
				 "bad ACK in SYN-RECEIVED");
			return STEP_DROP;
		}
		if (tcb->rtt_timing && tcb->rto.backoff == 0)
			tcp_rto_on_ack(&tcb->rto,
				       (uint32_t)(eng->now - tcb->rtt_start),
				       false, false);
		tcb->rtt_timing = false;
		tcb->snd_una = ack;
		tcb->snd_wnd = (uint32_t)s->th.window << tcb->snd_wscale;
		tcb->max_sndwnd = tcb->snd_wnd;
		tcb->snd_wl1 = s->seq;
		tcb->snd_wl2 = ack;
		if (conn_established(tcb, tcb->rto.backoff > 0)) {
			pkt_free(p);
			return STEP_DONE;
		}
		to_accept_queue(tcb);
		if (tcb->state == TCPS_FIN_WAIT_1)
			tcp_output(tcb);
	}
	if (seq_gt(ack, tcb->snd_max)) {
		/* "If the ACK acks something not yet sent (SEG.ACK >
		 * SND.NXT), then send an ACK, drop the segment". */
		tcp_send_ack(tcb);
		pkt_drop(eng, p, &st->TcpInBadAck, "ACK of unsent data");
		return STEP_DROP;
	}
	if (seq_lt(ack, tcb->snd_una - tcb->max_sndwnd)) {
		challenge_ack(tcb);
		pkt_drop(eng, p, &st->TcpInBadAck, "ACK too old");
		return STEP_DROP;
	}
	old_una = tcb->snd_una;
	advanced = seq_gt(ack, old_una);
	wnd = (uint32_t)s->th.window << tcb->snd_wscale;
	if (tcb->sack_ok)
		tcp_sack_update(&tcb->sb, advanced ? ack : old_una,
				tcb->snd_max, s->th.opt.sack,
				(s->th.opt.present & TCP_OPT_SACK)
					? s->th.opt.sack_n
					: 0,
				&res);
	if (res.dsack) {
		st->TcpExtTCPDSACKRecv++;
		tcp_undo_on_dsack(&tcb->undo, s->th.opt.sack[0].start,
				  s->th.opt.sack[0].end, tcb->mss);
	}
	tlp_on_ack(tcb, ack, &res);
	rack_process(tcb, advanced ? ack : old_una, res.dsack);
	/* RFC 5681 2 "DUPLICATE ACKNOWLEDGMENT" (RFC 6675 adds: any ACK
	 * that SACKs new data). */
	dup = !advanced && tcp_flight(tcb) &&
	      ((s->dlen == 0 && !s->fin && wnd == tcb->snd_wnd) ||
	       res.newly_sacked);
	if (advanced) {
		struct tcp_cc_ack a = { 0 };
		enum tcp_cc_verdict v;

		ack_advance(tcb, s);
		a.ack = ack;
		a.acked = ack - old_una;
		a.flight = tcb->snd_max - ack;
		a.srtt_us = tcb->rto.has_sample ? tcb->rto.srtt_us : 0;
		a.now_us = eng->now;
		{
			uint32_t before = tcb->cc.cwnd;
			uint32_t prior = tcb->snd_max - old_una;

			v = tcp_cc_on_ack(&tcb->cc, &a);
			/* RFC 7661 in spirit (Linux tcp_is_cwnd_limited()):
			 * grow cwnd only while it limits sending, so an
			 * application- or receiver-limited flow does not
			 * build a window it never used. */
			if (!tcb->cc.in_recovery && tcb->cc.cwnd > before &&
			    tcb->cc.cwnd > 2 * prior)
				tcb->cc.cwnd = before > 2 * prior ? before
								  : 2 * prior;
		}
		if (tcb->sack_ok && tcb->sb.in_recovery) {
			if (tcp_sack_recovery_done(&tcb->sb)) {
				if (tcb->cc.in_recovery)
					tcp_cc_on_recovery_exit(&tcb->cc,
								a.flight);
				v = TCP_CC_ACK_RECOVERED;
			} else {
				tcb->cc.cwnd = tcp_prr_on_ack(
					&tcb->prr, res.delivered,
					tcp_sack_pipe(&tcb->sb, tcb->snd_max,
						      tcb->mss));
				sack_send(tcb);
			}
		} else if (v == TCP_CC_ACK_PARTIAL && !tcb->sack_ok) {
			/* RFC 6582 3.2 step 5. */
			tcp_retransmit_head(tcb);
		}
		tcp_undo_on_ack(&tcb->undo, ack,
				tcb->ts_ok && (s->th.opt.present & TCP_OPT_TS),
				s->th.opt.tsecr, v == TCP_CC_ACK_RECOVERED);
		tcb->dupacks = 0;
	} else if (dup) {
		tcb->dupacks++;
		if (tcb->sack_ok && tcb->sb.in_recovery) {
			tcb->cc.cwnd = tcp_prr_on_ack(
				&tcb->prr, res.delivered,
				tcp_sack_pipe(&tcb->sb, tcb->snd_max,
					      tcb->mss));
			sack_send(tcb);
		} else if (tcb->cc.in_recovery) {
			tcp_cc_on_dupack(&tcb->cc);
		} else if ((tcb->sack_ok
				    ? tcp_sack_should_enter_recovery(
					      &tcb->sb, tcb->dupacks, tcb->mss)
				    : tcb->dupacks == TCP_DUPTHRESH) &&
			   may_fast_retransmit(tcb, ack) &&
			   tcb->snd_nxt == tcb->snd_max) {
			enter_recovery(tcb, res.delivered);
		} else if (tcb->dupacks < TCP_DUPTHRESH) {
			limited_transmit(tcb);
		}
	}
	undo_episode(tcb);
	/* RFC 8985: a cumulative ACK can reveal a loss as well. */
	rack_maybe_recover(tcb, res.delivered);
	/* "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be
	 * updated.  If (SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and
	 * SND.WL2 =< SEG.ACK)), set SND.WND <- SEG.WND, set SND.WL1 <-
	 * SEG.SEQ, and set SND.WL2 <- SEG.ACK." */
	if (seq_lt(tcb->snd_wl1, s->seq) ||
	    (tcb->snd_wl1 == s->seq && seq_leq(tcb->snd_wl2, ack))) {
		bool opened = tcb->snd_wnd == 0 && wnd > 0;

		tcb->snd_wnd = wnd;
		tcb->snd_wl1 = s->seq;
		tcb->snd_wl2 = ack;
		if (wnd > tcb->max_sndwnd)
			tcb->max_sndwnd = wnd;
		if (opened || (tcb->persist && wnd)) {
			if (tcb->persist)
				timer_cancel(&eng->timers, &tcb->t_rtx);
			tcb->persist = false;
			tcb->probes = 0;
			tcp_notify(tcb);
		}
	}
	switch (tcb->state) {
	case TCPS_FIN_WAIT_1:
		/* "if the FIN segment is now acknowledged, then enter
		 * FIN-WAIT-2 and continue processing". */
		if (fin_acked(tcb))
			tcp_set_state(tcb, TCPS_FIN_WAIT_2);
		break;
	case TCPS_CLOSING:
		/* "if the ACK acknowledges our FIN, then enter the
		 * TIME-WAIT state; otherwise, ignore the segment". */
		if (fin_acked(tcb))
			tcp_set_state(tcb, TCPS_TIME_WAIT);
		break;
	case TCPS_LAST_ACK:
		/* "If our FIN is now acknowledged, delete the TCB, enter
		 * the CLOSED state, and return." */
		if (fin_acked(tcb)) {
			pkt_free(p);
			tcp_set_state(tcb, TCPS_CLOSED);
			tcp_maybe_free(tcb);
			return STEP_DONE;
		}
		break;
	case TCPS_TIME_WAIT:
		/* "The only thing that can arrive in this state is a
		 * retransmission of the remote FIN" (check_fin). */
	case TCPS_ESTABLISHED:
	case TCPS_CLOSE_WAIT:
	case TCPS_FIN_WAIT_2:
		/* Nothing beyond the common processing above. */
	case TCPS_CLOSED:
	case TCPS_LISTEN:
	case TCPS_SYN_SENT:
	case TCPS_SYN_RECEIVED:
	default:
		/* SYN-RECEIVED became ESTABLISHED above; the rest never
		 * reach the steps. */
		break;
	}
	return STEP_GO;
}

/*
 * "sixth, check the URG bit": "ESTABLISHED STATE, FIN-WAIT-1 STATE,
 * FIN-WAIT-2 STATE: If the URG bit is set, RCV.UP <- max(RCV.UP, SEG.UP),
 * and signal the user that the remote side has urgent data if the urgent
 * pointer (RCV.UP) is in advance of the data consumed."  Linux runs the
 * same rules in CLOSE-WAIT, CLOSING and LAST-ACK too (the RFC: "ignore
 * the URG"), where an honest pointer lies before RCV.NXT and is ignored
 * as a replay; TIME-WAIT (a timewait sock in Linux) ignores it.  The BSD
 * reading of SEG.UP (RFC 6093) and the rest are in tcp_urg.c.
 */
static enum step process_urg(struct tcb *tcb, struct seg *s)
{
	if (tcb->state != TCPS_TIME_WAIT)
		tcp_urg_input(tcb, &s->th);
	return STEP_GO;
}

/*
 * "seventh, process the segment text": in ESTABLISHED, FIN-WAIT-1 and
 * FIN-WAIT-2, "deliver segment text to user RECEIVE buffers ... Once the
 * TCP takes responsibility for the data, it advances RCV.NXT over the data
 * accepted, and adjusts RCV.WND as appropriate to the current buffer
 * availability."  Out-of-order data goes to the reassembly queue and is
 * ACKed at once with SACK blocks (RFC 5681 4.2, RFC 2018 4).  In-order
 * data is ACKed on every second full segment or by the 40 ms delayed-ACK
 * timer (RFC 9293 3.8.6.3), at once during the quick-ACK start.  Data for
 * an orphan (the application closed) cannot be delivered: RST, as Linux
 * does (TcpExtTCPAbortOnData).
 */
static enum step process_text(struct tcb *tcb, struct pkt *p, struct seg *s)
{
	struct engine *eng = tcb->eng;
	struct tcp_stats *st = &eng->stats.tcp;
	size_t n;

	if (!s->dlen)
		return STEP_GO;
	switch (tcb->state) {
	case TCPS_ESTABLISHED:
	case TCPS_FIN_WAIT_1:
	case TCPS_FIN_WAIT_2:
		break;
	case TCPS_CLOSE_WAIT:
	case TCPS_CLOSING:
	case TCPS_LAST_ACK:
	case TCPS_TIME_WAIT:
	case TCPS_CLOSED:
	case TCPS_LISTEN:
	case TCPS_SYN_SENT:
	case TCPS_SYN_RECEIVED:
	default:
		/* "This should not occur since a FIN has been received
		 * from the remote side.  Ignore the segment text." */
		return STEP_GO;
	}
	if (tcb->user_closed && !tcb->parent) {
		st->TcpExtTCPAbortOnData++;
		tcp_send_rst(tcb);
		pkt_free(p);
		tcp_reset_conn(tcb, ECONNRESET);
		return STEP_DONE;
	}
	tcb->segs_in++;
	tcp_trim_arm(tcb->eng); /* rings and queue may take storage */
	if (s->seq == tcb->rcv_nxt) {
		size_t room = tcb->rcv.cap - tcb->rcv.len;

		n = tcp_ring_write(&tcb->rcv, s->data, s->dlen);
		tcb->rcv_nxt += (uint32_t)n;
		tcb->bytes_received += n;
		if (n < s->dlen) {
			/* Beyond the buffer: not acknowledged, the peer
			 * sends it again.  Only a peer ignoring our window
			 * gets here, or a ring whose storage could not
			 * grow to what the window offered. */
			s->fin = false;
			if (n < room)
				st->TcpExtTCPRcvQDrop++;
			else
				st->TcpInRcvbufDrop++;
		}
		if (!tcp_reass_empty(&tcb->reass)) {
			pull_reass(tcb);
			tcb->ack_now = true; /* a hole was filled */
		}
		if (tcb->quickacks) {
			tcb->quickacks--;
			tcb->ack_now = true;
		} else if ((tcb->unacked_segs += 1 + (s->dlen > tcb->mss)) >=
			   TCP_DELACK_SEGS) {
			/* A super-segment (GRO/TSO) is two or more. */
			tcb->ack_now = true;
		} else {
			tcp_delack_arm(tcb);
		}
		tcp_notify(tcb);
	} else {
		uint32_t wnd = tcb->rcv_adv - tcb->rcv_nxt;

		st->TcpExtTCPOFOQueue++;
		if (tcp_reass_insert(&tcb->reass, tcb->rcv_nxt, wnd, s->seq,
				     s->data, s->dlen, s->fin))
			st->TcpExtTCPOFODrop++;
		s->fin = false; /* remembered by the queue */
		tcb->ack_now = true;
	}
	return STEP_GO;
}

/*
 * "eighth, check the FIN bit": "If the FIN bit is set, signal the user
 * 'connection closing' and return any pending RECEIVEs with same message,
 * advance RCV.NXT over the FIN, and send an acknowledgment for the FIN."
 * A FIN that arrived out of order is taken once the queue reaches it.
 */
static enum step check_fin(struct tcb *tcb, struct seg *s)
{
	bool fin = (s->fin && s->seq + s->dlen == tcb->rcv_nxt) ||
		   (tcb->reass.fin_valid &&
		    tcp_reass_fin_ready(&tcb->reass, tcb->rcv_nxt));

	if (!fin || tcb->fin_rcvd) {
		if (fin && tcb->state == TCPS_TIME_WAIT) {
			/* "Acknowledge it, and restart the 2 MSL timeout." */
			tcb->ack_now = true;
			tcp_tw_arm(tcb);
		} else if (fin) {
			tcb->ack_now = true; /* a retransmitted FIN */
		}
		return STEP_GO;
	}
	tcb->rcv_nxt++;
	tcb->fin_rcvd = true;
	tcb->ack_now = true;
	tcp_notify(tcb);
	switch (tcb->state) {
	case TCPS_SYN_RECEIVED:
	case TCPS_ESTABLISHED:
		tcp_set_state(tcb, TCPS_CLOSE_WAIT);
		break;
	case TCPS_FIN_WAIT_1:
		/* "If our FIN has been ACKed (perhaps in this segment),
		 * then enter TIME-WAIT ... otherwise, enter the CLOSING
		 * state." */
		tcp_set_state(tcb,
			      fin_acked(tcb) ? TCPS_TIME_WAIT : TCPS_CLOSING);
		break;
	case TCPS_FIN_WAIT_2:
		tcp_set_state(tcb, TCPS_TIME_WAIT);
		break;
	case TCPS_TIME_WAIT:
		tcp_tw_arm(tcb);
		break;
	case TCPS_CLOSE_WAIT:
	case TCPS_CLOSING:
	case TCPS_LAST_ACK:
	case TCPS_CLOSED:
	case TCPS_LISTEN:
	case TCPS_SYN_SENT:
	default:
		/* "Remain in the ... state." */
		break;
	}
	return STEP_GO;
}

/* The synchronised states: the steps of 3.10.7.4 in order. */
static void synchronized_input(struct tcb *tcb, struct pkt *p, struct seg *s)
{
	enum step r;

	tcb->last_rx = tcb->eng->now;
	if (tcb->keepalive && !tcb->persist)
		tcb->probes = 0;
	r = check_seq(tcb, p, s);
	if (r == STEP_GO)
		r = check_rst(tcb, p, s);
	if (r == STEP_GO)
		r = check_syn(tcb, p, s);
	if (r == STEP_GO)
		r = check_ack(tcb, p, s);
	if (r != STEP_GO)
		goto out;
	process_urg(tcb, s);
	r = process_text(tcb, p, s);
	if (r != STEP_GO)
		return;
	check_fin(tcb, s);
	pkt_free(p);
	tcp_output(tcb);
	if (tcb->ack_now && tcp_synchronized(tcb))
		tcp_ack_later(tcb);
	return;
out:
	/* A dropped or consumed segment may still owe an ACK (PAWS). */
	(void)r;
}

/* RFC 6191: may a SYN reopen this TIME-WAIT connection? */
static bool tw_reusable(const struct tcb *tw, const struct seg *s)
{
	const struct tcp_opts *o = &s->th.opt;

	if (!tw->eng->sysctl.tcp_tw_reuse)
		return false;
	if (tw->ts_ok && (o->present & TCP_OPT_TS))
		return seq_gt(o->tsval, tw->ts_recent);
	return seq_gt(s->seq, tw->rcv_nxt);
}

/**
 * tcp_input() - one TCP segment for us
 * @p: p->data at the TCP header; always consumed (freed or dropped with
 *	exactly one counter)
 * @ip: its IPv4 header (borrowed from @p's buffer)
 */
void tcp_input(struct netif *ifp, struct pkt *p, const struct ipv4_view *ip)
{
	struct engine *eng = ifp->eng;
	struct tcp_stats *st = &eng->stats.tcp;
	union tcp_addr src, dst;
	struct tcp_view th;

	if (!eng->tcp) {
		pkt_drop(eng, p, &st->TcpInNoSocket, "TCP not running");
		return;
	}
	/* RFC 1122 4.2.3.10: no connections to or from broadcast or
	 * multicast addresses. */
	if (ip4_is_multicast(ip->dst) || ipv4_addr_is_bcast(eng, ip->dst) ||
	    ip4_is_multicast(ip->src) || ip4_is_lbcast(ip->src)) {
		pkt_drop(eng, p, &st->TcpInBroadcastDrop,
			 "broadcast or multicast");
		return;
	}
	if (!tcp_input_parse(eng, p,
			     csum_pseudo4(ip->src, ip->dst, IPV4_PROTO_TCP,
					  (uint16_t)p->len),
			     &th))
		return;
	tcp_addr_set4(&src, ip->src);
	tcp_addr_set4(&dst, ip->dst);
	tcp_input_common(eng, p, &th, &src, &dst);
}

/**
 * tcp_input_parse() - parse @p's TCP header and check the checksum with
 * @pseudo, the family's pseudo-header sum (RFC 9293 3.1, RFC 8200 8.1),
 * unless a device with checksum offload vouched for it (netdev_vnet.c)
 *
 * Return: true with @th filled; false when @p was dropped and counted.
 */
bool tcp_input_parse(struct engine *eng, struct pkt *p, uint32_t pseudo,
		     struct tcp_view *th)
{
	struct tcp_stats *st = &eng->stats.tcp;

	if (tcp_parse(p->data, p->len, th)) {
		pkt_drop(eng, p, &st->TcpInErrs, "malformed TCP");
		return false;
	}
	if (!p->off.csum_valid && !tcp_csum_ok(p->data, p->len, pseudo)) {
		pkt_drop(eng, p, &st->TcpInCsumErrors, "bad TCP checksum");
		return false;
	}
	return true;
}

/**
 * tcp_input_common() - the family-neutral rest of SEGMENT ARRIVES, once
 * tcp_input() or tcp6_input() checked the addresses, the header (@th,
 * parsed from @p) and the checksum
 * @src, @dst: the segment's addresses (IPv4 as v4-mapped)
 */
void tcp_input_common(struct engine *eng, struct pkt *p,
		      const struct tcp_view *th, const union tcp_addr *src,
		      const union tcp_addr *dst)
{
	struct tcp_stats *st = &eng->stats.tcp;
	struct tcb *tcb, *ln;
	struct seg s;

	memset(&s, 0, sizeof(s));
	s.th = *th;
	st->TcpInSegs++;
	eng->tcp->in_input = true;
	s.src = *src;
	s.dst = *dst;
	s.seq = s.th.seq;
	s.data = s.th.payload;
	s.dlen = (uint32_t)s.th.payload_len;
	s.syn = s.th.flags & TCP_SYN;
	s.fin = s.th.flags & TCP_FIN;
	s.len = s.dlen + s.syn + s.fin;
	if (s.syn)
		s.seq++; /* data starts after the SYN */

	tcb = tcp_lookup_addr(eng, dst, s.th.dport, src, s.th.sport);
	if (tcb && tcb->state == TCPS_TIME_WAIT && s.syn &&
	    !(s.th.flags & (TCP_ACK | TCP_RST)) && tw_reusable(tcb, &s) &&
	    tcp_listener_lookup_addr(eng, dst, s.th.dport)) {
		st->TcpExtTCPTimeWaitReuse++;
		tcp_set_state(tcb, TCPS_CLOSED);
		tcp_maybe_free(tcb);
		tcb = NULL;
	}
	if (!tcb) {
		ln = tcp_listener_lookup_addr(eng, dst, s.th.dport);
		if (!ln) {
			closed_input(eng, p, &s);
			goto out;
		}
		if (s.syn)
			s.seq--; /* listen_input wants SEG.SEQ */
		tcb = listen_input(ln, p, &s);
		if (!tcb)
			goto out;
		/* A SYN-cookie ACK made @tcb: process the rest of it. */
		synchronized_input(tcb, p, &s);
		goto out;
	}
	switch (tcb->state) {
	case TCPS_SYN_SENT:
		if (s.syn)
			s.seq--;
		syn_sent_input(tcb, p, &s);
		break;
	case TCPS_SYN_RECEIVED:
	case TCPS_ESTABLISHED:
	case TCPS_FIN_WAIT_1:
	case TCPS_FIN_WAIT_2:
	case TCPS_CLOSE_WAIT:
	case TCPS_CLOSING:
	case TCPS_LAST_ACK:
	case TCPS_TIME_WAIT:
		if (s.syn)
			s.seq--; /* check_seq trims the SYN itself */
		synchronized_input(tcb, p, &s);
		break;
	case TCPS_CLOSED:
	case TCPS_LISTEN:
	default:
		/* Never in the connection table. */
		closed_input(eng, p, &s);
		break;
	}
out:
	tcp_notify_flush(eng);
	eng->tcp->in_input = false;
	tcp_ack_flush(eng);
}

/**
 * tcp_err() - an ICMP error about a segment we sent (@inner, quoted)
 * @err: positive errno; @hard: the ICMP type makes it fatal
 *
 * EMSGSIZE (fragmentation needed) means the route's PMTU just dropped:
 * shrink the MSS and resend (RFC 1191 6.5).  RFC 1122 4.2.3.9: other
 * errors abort only a connection still in SYN-SENT (hard errors), as
 * Linux does; established connections keep trying until their timers say.
 */
void tcp_err(struct engine *eng, const struct ipv4_view *inner, int err,
	     bool hard)
{
	union tcp_addr src, dst;

	tcp_addr_set4(&src, inner->src);
	tcp_addr_set4(&dst, inner->dst);
	tcp_err_common(eng, &src, &dst, inner->payload, inner->payload_len, err,
		       hard);
}

/**
 * tcp_err_common() - tcp_err() for either family: @th, @len: the quoted
 * TCP header (at least 8 bytes), of a segment from @src to @dst
 */
void tcp_err_common(struct engine *eng, const union tcp_addr *src,
		    const union tcp_addr *dst, const uint8_t *th, size_t len,
		    int err, bool hard)
{
	struct tcp_view v;
	struct tcb *tcb;
	uint8_t hdr[TCP_HLEN];
	size_t n = len < sizeof(hdr) ? len : sizeof(hdr);

	if (!eng->tcp || n < 8)
		return;
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, th, n);
	hdr[12] = 0x50; /* the quote may stop before the offset byte */
	if (tcp_parse(hdr, sizeof(hdr), &v))
		return;
	tcb = tcp_lookup_addr(eng, src, v.sport, dst, v.dport);
	if (!tcb)
		return;
	if (err == EMSGSIZE) {
		tcp_set_mss(tcb);
		if (tcp_flight(tcb))
			tcp_retransmit_head(tcb);
		return;
	}
	if (tcb->state == TCPS_SYN_SENT && hard) {
		tcp_reset_conn(tcb, err);
		tcp_notify_flush(eng);
	}
}
