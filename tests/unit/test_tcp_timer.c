// SPDX-License-Identifier: MIT
/*
 * test_tcp_timer.c - retransmission, SYN retries, persist, keepalive,
 * TIME-WAIT and FIN-WAIT-2 timers on the virtual clock
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "fake_tcp.h"
#include "testutil.h"

TestSuite(tcp_timer, .init = ft_setup, .fini = ft_teardown);

static uint8_t big[64 * 1024];

static struct tcb *estab(struct ft_peer *pp)
{
	return ft_passive(pp, ft_listen(FT_LPORT, 16), NULL);
}

static struct tcb *connecting(void)
{
	struct tcb *c = ft_connect();

	ft_drain();
	return c;
}

/*
 * The RFC 6298 tests watch the RTO alone: with RACK-TLP on, a tail loss
 * probe (RFC 8985 7) would fire first.
 */
static void no_tlp(void)
{
	l3_eng.sysctl.tcp_recovery = 0;
}

static int so_error(struct tcb *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	tcp_getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
	return err;
}

/* RFC 6298 5.4: on expiry, retransmit the earliest unacked segment. */
Test(tcp_timer, rto_retransmits_first_segment)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	uint32_t una = c->snd_una;
	struct ft_seg s;
	no_tlp();

	tcp_send(c, "data", 4, 0);
	ft_drain();
	ft_advance_ms(tcp_rto_timeout(&c->rto) / 1000);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.seq, una);
	cr_assert_eq(s.th.payload_len, 4);
	ft_free(&s);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPTimeouts, 1);
	cr_assert_eq(l3_eng.stats.tcp.TcpRetransSegs, 1);
}

/* RFC 6298 5.5: the RTO doubles on each expiry. */
Test(tcp_timer, rto_backs_off)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	uint32_t rto;
	no_tlp();

	tcp_send(c, "data", 4, 0);
	ft_drain();
	rto = tcp_rto_timeout(&c->rto);
	ft_advance_ms(rto / 1000);
	cr_assert_eq(tcp_rto_timeout(&c->rto), 2 * rto);
	ft_advance_ms(2 * rto / 1000 - 1);
	cr_assert_eq(ft_drain(), 1);
	ft_advance_ms(1);
	cr_assert_eq(ft_drain(), 1);
	cr_assert_eq(c->rto.backoff, 2);
}

/* RFC 6298 5.3 / 5.7: a new ACK resets the backoff. */
Test(tcp_timer, ack_resets_backoff)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	no_tlp();

	tcp_send(c, "data", 4, 0);
	ft_drain();
	ft_advance_ms(tcp_rto_timeout(&c->rto) / 1000);
	cr_assert_eq(c->rto.backoff, 1);
	pp.ack += 4;
	ft_send(&pp, TCP_ACK, NULL, 0);
	cr_assert_eq(c->rto.backoff, 0);
	cr_assert_not(timer_armed(&c->t_rtx));
}

/* RFC 9293 3.8.3 R2 / tcp_retries2: give up with ETIMEDOUT. */
Test(tcp_timer, abort_after_retries2)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);

	l3_eng.sysctl.tcp_retries2 = 3;
	tcp_send(c, "data", 4, 0);
	ft_advance_ms(600000);
	cr_assert_eq(c->state, TCPS_CLOSED);
	cr_assert_eq(so_error(c), ETIMEDOUT);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPAbortOnTimeout, 1);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPTimeouts, 3);
}

/* tcp_syn_retries: the SYN is resent, then connect() fails ETIMEDOUT. */
Test(tcp_timer, syn_retries_then_etimedout)
{
	struct tcb *c;

	l3_eng.sysctl.tcp_syn_retries = 2;
	c = connecting();
	ft_advance_ms(1000);
	cr_assert_eq(ft_drain(), 1); /* first retry after 1 s */
	ft_advance_ms(2000);
	cr_assert_eq(ft_drain(), 1); /* then 2 s */
	ft_advance_ms(4000);
	cr_assert_eq(c->state, TCPS_CLOSED);
	cr_assert_eq(so_error(c), ETIMEDOUT);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPSynRetrans, 2);
}

/* TCP_SYNCNT overrides tcp_syn_retries per socket. */
Test(tcp_timer, tcp_syncnt_limits_syn_retries)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(FT_PPORT),
				   .sin_addr.s_addr = htonl(L3_PEER) };
	struct tcb *c;
	int one = 1;

	cr_assert_eq(tcp_socket(&l3_eng, &c), 0);
	tcp_setsockopt(c, IPPROTO_TCP, TCP_SYNCNT, &one, sizeof(one));
	tcp_connect(c, (struct sockaddr *)&sin, sizeof(sin));
	ft_advance_ms(4000);
	cr_assert_eq(c->state, TCPS_CLOSED);
}

/* tcp_synack_retries: an unanswered SYN-ACK is resent, then forgotten. */
Test(tcp_timer, synack_retries_then_child_freed)
{
	struct ft_peer pp = { .port = FT_PPORT,
			      .lport = FT_LPORT,
			      .win = 65535 };
	struct tcb *ln = ft_listen(FT_LPORT, 4);
	struct tcp_opts o;

	l3_eng.sysctl.tcp_synack_retries = 2;
	ft_syn_opts(&o);
	ft_send_raw(&pp, 1, 0, TCP_SYN, &o, NULL, 0);
	ft_drain();
	ft_advance_ms(1000);
	cr_assert_eq(ft_drain(), 1);
	ft_advance_ms(10000);
	cr_assert_null(tcp_lookup(&l3_eng, L3_US, FT_LPORT, L3_PEER, FT_PPORT));
	cr_assert_eq(ln->synq_len, 0);
}

/* RFC 9293 3.8.6.1: a zero window starts the persist timer, which
 * probes. */
Test(tcp_timer, zero_window_probed_by_persist_timer)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	pp.win = 0;
	ft_send(&pp, TCP_ACK, NULL, 0);
	tcp_send(c, "blocked", 7, 0);
	cr_assert_eq(ft_drain(), 0);
	cr_assert(c->persist);
	ft_advance_ms(200);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.seq, c->snd_una - 1);
	ft_free(&s);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPWinProbe, 1);
}

/* RFC 1122 4.2.2.17: persist probes back off exponentially. */
Test(tcp_timer, persist_backs_off)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);

	pp.win = 0;
	ft_send(&pp, TCP_ACK, NULL, 0);
	tcp_send(c, "blocked", 7, 0);
	ft_advance_ms(200);
	cr_assert_eq(ft_drain(), 1);
	ft_advance_ms(200);
	cr_assert_eq(ft_drain(), 0);
	ft_advance_ms(200);
	cr_assert_eq(ft_drain(), 1);
	cr_assert_eq(c->probes, 2);
}

/* A window update ends the persist state and the data goes out. */
Test(tcp_timer, window_opening_resumes_sending)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	pp.win = 0;
	ft_send(&pp, TCP_ACK, NULL, 0);
	tcp_send(c, "blocked", 7, 0);
	ft_advance_ms(200);
	ft_drain();
	pp.win = 100;
	ft_send(&pp, TCP_ACK, NULL, 0);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.payload_len, 7);
	ft_free(&s);
	cr_assert_not(c->persist);
}

/* RFC 1122 4.2.3.6: keepalive probes after the idle time. */
Test(tcp_timer, keepalive_probe_after_idle)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	int one = 1, idle = 10;
	struct ft_seg s;

	tcp_setsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	tcp_setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	ft_advance_ms(9999);
	cr_assert_eq(ft_drain(), 0);
	ft_advance_ms(1);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.seq, c->snd_una - 1);
	cr_assert_eq(s.th.payload_len, 0);
	ft_free(&s);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPKeepAlive, 1);
}

/* RFC 1122 4.2.3.6: unanswered probes kill the connection. */
Test(tcp_timer, keepalive_abort_after_probes)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	int one = 1, idle = 10, intvl = 2, cnt = 3;

	tcp_setsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	tcp_setsockopt(c, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	tcp_setsockopt(c, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
	tcp_setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	ft_advance_ms(10000 + 3 * 2000);
	cr_assert_eq(c->state, TCPS_CLOSED);
	cr_assert_eq(so_error(c), ETIMEDOUT);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPKeepAlive, 3);
}

/* An answered probe keeps the connection alive. */
Test(tcp_timer, keepalive_answered_keeps_connection)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	int one = 1, idle = 10, intvl = 2, cnt = 2;

	tcp_setsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	tcp_setsockopt(c, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	tcp_setsockopt(c, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
	tcp_setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	for (int i = 0; i < 5; i++) {
		ft_advance_ms(10000);
		ft_drain();
		ft_send(&pp, TCP_ACK, NULL, 0);
	}
	cr_assert_eq(c->state, TCPS_ESTABLISHED);
}

/* RFC 9293 3.10.8: TIME-WAIT lasts 2 MSL, then the TCB is deleted. */
Test(tcp_timer, time_wait_expires_after_2msl)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);

	l3_eng.sysctl.tcp_tw_timeout_ms = 1000;
	tcp_close(c);
	ft_drain();
	pp.ack++;
	ft_send(&pp, TCP_FIN, NULL, 0);
	c = tcp_lookup(&l3_eng, L3_US, FT_LPORT, L3_PEER, FT_PPORT);
	cr_assert_not_null(c);
	cr_assert_eq(c->state, TCPS_TIME_WAIT);
	ft_advance_ms(999);
	cr_assert_not_null(
		tcp_lookup(&l3_eng, L3_US, FT_LPORT, L3_PEER, FT_PPORT));
	ft_advance_ms(1);
	cr_assert_null(tcp_lookup(&l3_eng, L3_US, FT_LPORT, L3_PEER, FT_PPORT));
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTW, 1);
}

/* Linux tcp_fin_timeout: an orphan in FIN-WAIT-2 does not wait for ever. */
Test(tcp_timer, fin_wait_2_orphan_times_out)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);

	l3_eng.sysctl.tcp_fin_timeout_ms = 5000;
	tcp_close(c);
	ft_drain();
	pp.ack++;
	ft_send(&pp, TCP_ACK, NULL, 0);
	c = tcp_lookup(&l3_eng, L3_US, FT_LPORT, L3_PEER, FT_PPORT);
	cr_assert_eq(c->state, TCPS_FIN_WAIT_2);
	ft_advance_ms(5000);
	cr_assert_null(tcp_lookup(&l3_eng, L3_US, FT_LPORT, L3_PEER, FT_PPORT));
}

/* RFC 6298 2.2 / RFC 7323 4: the first sample sets SRTT. */
Test(tcp_timer, rtt_sample_from_timestamps)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	uint32_t before = c->rto.srtt_us;
	struct ft_seg s;

	tcp_send(c, "ping", 4, 0);
	cr_assert(ft_recv(&pp, &s));
	ft_free(&s);
	ft_advance_ms(30);
	pp.ack += 4;
	ft_send(&pp, TCP_ACK, NULL, 0);
	cr_assert(c->rto.has_sample);
	/* SRTT = 7/8 SRTT + 1/8 R' (RFC 6298 2.3), R' = 30 ms. */
	cr_assert_eq(c->rto.srtt_us, before - before / 8 + 30000 / 8);
}

/* After an RTO, everything from SND.UNA is resent as the window allows
 * (go-back-N), and cwnd restarts from one segment (RFC 5681 3.1). */
Test(tcp_timer, rto_collapses_cwnd)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	no_tlp();

	tcp_send(c, big, (size_t)8 * c->mss, 0);
	ft_drain();
	ft_advance_ms(tcp_rto_timeout(&c->rto) / 1000);
	cr_assert_eq(c->cc.cwnd, c->mss);
	cr_assert_eq(ft_drain(), 1);
}

/* The delayed-ACK timer is cancelled by an ACK sent with data. */
Test(tcp_timer, delack_cancelled_by_piggybacked_ack)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	c->quickacks = 0;
	c->nodelay = true;
	ft_send(&pp, TCP_ACK, "q", 1);
	cr_assert(timer_armed(&c->t_delack));
	tcp_send(c, "r", 1, 0);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.ack, pp.seq);
	ft_free(&s);
	cr_assert_not(timer_armed(&c->t_delack));
}

/* RFC 6675 5.1 / RFC 2018 8: after a timeout, data SACKed again is not
 * resent by go-back-N. */
Test(tcp_timer, go_back_n_skips_data_sacked_after_rto)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	uint32_t una, mss = c->mss;
	struct tcp_opts o = { .present = TCP_OPT_SACK, .sack_n = 1 };
	struct ft_seg s;
	bool jumped = false;

	c->nodelay = true;
	una = c->snd_una;
	tcp_send(c, big, (size_t)8 * mss, 0);
	ft_drain();
	ft_advance_ms(tcp_rto_timeout(&c->rto) / 1000);
	ft_drain(); /* the retransmission of the first segment */
	o.sack[0].start = una + 2 * mss;
	o.sack[0].end = una + 4 * mss;
	ft_send_raw(&pp, pp.seq, una + mss, TCP_ACK, &o, NULL, 0);
	while (ft_pop(&s)) {
		cr_assert(s.th.seq == una + mss ||
				  seq_geq(s.th.seq, una + 4 * mss),
			  "resent SACKed data at +%u", s.th.seq - una);
		jumped |= s.th.seq == una + 4 * mss;
		ft_free(&s);
	}
	/* SND.NXT went past the SACKed block (sending there waits for the
	 * window: SACKed bytes still count in SND.NXT - SND.UNA). */
	cr_assert(jumped || seq_geq(c->snd_nxt, una + 4 * mss));
}

/* ---- tail loss probe (RFC 8985 7) ---- */

/*
 * Send @nseg full segments, then let the peer acknowledge the first
 * @acked of them after @rtt_ms; Return: SND.UNA before the send.
 */
static uint32_t tail_flight(struct tcb *c, struct ft_peer *pp,
			    unsigned int nseg, unsigned int acked,
			    unsigned int rtt_ms)
{
	uint32_t una = c->snd_una;

	cr_assert_eq(tcp_send(c, big, (size_t)nseg * c->mss, 0),
		     (ssize_t)nseg * c->mss);
	ft_drain();
	ft_advance_ms(rtt_ms);
	if (acked) {
		pp->ack = una + acked * c->mss;
		ft_send(pp, TCP_ACK, NULL, 0);
	}
	return una;
}

/* Advance 1 ms at a time until the engine sends; Return: ms waited. */
static unsigned int wait_segment(struct ft_seg *s, unsigned int max_ms)
{
	for (unsigned int ms = 1; ms <= max_ms; ms++) {
		ft_advance_ms(1);
		if (ft_pop(s))
			return ms;
	}
	cr_assert_fail("nothing sent in %u ms", max_ms);
	return 0;
}

/*
 * RFC 8985 7.3: the last segment of a flight is lost and no ACK will
 * come for it: after PTO (2 SRTT, well before the RTO) the sender
 * retransmits the most recently sent segment as a probe; its ACK ends
 * the episode with a congestion response (7.4), and no RTO happens.
 */
Test(tcp_timer, tlp_recovers_lost_tail_segment_instead_of_rto)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	uint32_t una, rto_ms, cwnd;
	unsigned int waited;
	struct ft_seg s;

	una = tail_flight(c, &pp, 6, 4, 5);
	cr_assert(c->pto, "the probe timer runs, not the RTO");
	rto_ms = tcp_rto_timeout(&c->rto) / 1000;
	waited = wait_segment(&s, rto_ms);
	cr_assert_lt(waited, rto_ms);
	cr_assert_eq(s.th.seq, una + 5 * c->mss); /* the last segment */
	cr_assert_eq(s.th.payload_len, c->mss);
	ft_free(&s);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPLossProbes, 1);
	cr_assert_not(c->pto, "after the probe, the RTO");
	cwnd = c->cc.cwnd;
	pp.ack = una + 6 * c->mss;
	ft_send(&pp, TCP_ACK, NULL, 0);
	cr_assert_eq(c->snd_una, pp.ack);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPLossProbeRecovery, 1);
	cr_assert_lt(c->cc.cwnd, cwnd);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPTimeouts, 0);
	cr_assert_not(timer_armed(&c->t_rtx));
}

/*
 * RFC 8985 7.4.1: a D-SACK for the probe says the original had arrived
 * (only its ACK was lost): no loss, no congestion response.
 */
Test(tcp_timer, tlp_with_dsack_is_not_a_loss)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct tcp_opts o = { 0 };
	uint32_t una, cwnd;
	struct ft_seg s;

	una = tail_flight(c, &pp, 6, 4, 5);
	wait_segment(&s, 1000);
	ft_free(&s);
	cwnd = c->cc.cwnd;
	o.present = TCP_OPT_SACK;
	o.sack_n = 1;
	o.sack[0].start = una + 5 * c->mss;
	o.sack[0].end = una + 6 * c->mss;
	ft_send_raw(&pp, pp.seq, una + 6 * c->mss, TCP_ACK, &o, NULL, 0);
	cr_assert_eq(c->snd_una, una + 6 * c->mss);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPDSACKRecv, 1);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPLossProbeRecovery, 0);
	cr_assert_geq(c->cc.cwnd, cwnd);
}

/*
 * RFC 8985 7.3: "If a previously unsent segment exists AND the receive
 * window allows, send that segment": with cwnd full and nothing ACKed,
 * the probe is new data past cwnd, not a retransmission.
 */
Test(tcp_timer, tlp_sends_new_data_when_there_is_some)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	uint32_t una = c->snd_una, inflight;
	struct ft_seg s;

	cr_assert_eq(tcp_send(c, big, (size_t)14 * c->mss, 0),
		     (ssize_t)14 * c->mss);
	ft_drain();
	inflight = tcp_flight(c);
	cr_assert_lt(inflight, 14 * c->mss, "cwnd limits the flight");
	wait_segment(&s, 1000);
	cr_assert_eq(s.th.seq, una + inflight);
	ft_free(&s);
	cr_assert_eq(l3_eng.stats.tcp.TcpRetransSegs, 0);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPLossProbes, 1);
	cr_assert_not(c->tlp_rxt);
}

/* RFC 8985 7.3: one probe per episode; if it goes unanswered, the RTO. */
Test(tcp_timer, unanswered_probe_is_followed_by_rto)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	tail_flight(c, &pp, 6, 4, 5);
	wait_segment(&s, 1000);
	ft_free(&s);
	wait_segment(&s, 5000);
	ft_free(&s);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPLossProbes, 1);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPTimeouts, 1);
}

/* tcp_recovery bit 0 off (Linux's knob): no probe, the RTO as before. */
Test(tcp_timer, tcp_recovery_zero_disables_tlp)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	no_tlp();
	tail_flight(c, &pp, 6, 4, 5);
	cr_assert_not(c->pto);
	wait_segment(&s, 5000);
	ft_free(&s);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPLossProbes, 0);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPTimeouts, 1);
}

/* ---- RACK (RFC 8985 6) ---- */

/* An ACK from the peer for SND.UNA @ack with SACK blocks @b (n of them). */
static void sack_ack(struct ft_peer *pp, uint32_t ack,
		     const struct tcp_sack_block *b, size_t n)
{
	struct tcp_opts o = { 0 };

	o.present = n ? TCP_OPT_SACK : 0;
	o.sack_n = (uint8_t)n;
	for (size_t i = 0; i < n; i++)
		o.sack[i] = b[i];
	pp->ack = ack;
	ft_send_raw(pp, pp->seq, ack, TCP_ACK, &o, NULL, 0);
}

/* An established connection with SRTT 20 ms (PTO 40 ms: out of the way). */
static struct tcb *rack_estab(struct ft_peer *pp)
{
	struct tcb *c = estab(pp);

	c->rto.srtt_us = 20000;
	cr_assert(c->sb.rack, "RACK is on by default with SACK");
	return c;
}

/*
 * RFC 8985 6.2: segment 2 is SACKed 8 ms after the flight left
 * (RACK.rtt = min_RTT = 8 ms); segment 1, sent before it, is not lost
 * until RACK.rtt + reo_wnd (SRTT 20 ms / 4 = 5 ms) has passed, one SACK
 * below DupThresh notwithstanding; then it is retransmitted in recovery,
 * by the reordering timer (6.3), with no RTO and no probe.
 */
Test(tcp_timer, rack_marks_lost_after_reo_wnd)
{
	struct ft_peer pp;
	struct tcb *c = rack_estab(&pp);
	uint32_t una = c->snd_una;
	struct tcp_sack_block b;
	struct ft_seg s;

	cr_assert_eq(tcp_send(c, big, (size_t)4 * c->mss, 0),
		     (ssize_t)4 * c->mss);
	ft_drain();
	ft_advance_ms(8);
	b.start = una + c->mss;
	b.end = una + 2 * c->mss;
	sack_ack(&pp, una, &b, 1);
	cr_assert_eq(ft_drain(), 0, "within RACK.rtt + reo_wnd: wait");
	cr_assert_eq(c->rack.min_rtt_us, 8000);
	ft_advance_ms(4);
	cr_assert_eq(ft_drain(), 0);
	ft_advance_ms(1);
	cr_assert(ft_pop(&s), "lost after reo_wnd");
	cr_assert_eq(s.th.seq, una);
	cr_assert_eq(s.th.payload_len, c->mss);
	ft_free(&s);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPSackRecovery, 1);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPLossProbes, 0);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPTimeouts, 0);
}

/*
 * RFC 8985 6.2 step 3-4: once reordering was seen, reo_wnd stays a quarter
 * RTT even with more than DupThresh segments SACKed, so a late segment
 * that arrives inside the window causes no retransmission (RFC 6675's
 * DupThresh would have retransmitted at once).
 */
Test(tcp_timer, rack_reordering_within_window_does_not_retransmit)
{
	struct ft_peer pp;
	struct tcb *c = rack_estab(&pp);
	uint32_t una = c->snd_una, mss = c->mss;
	struct tcp_sack_block b;

	/* First flight: segment 1 arrives after segment 2. */
	tcp_send(c, big, (size_t)2 * mss, 0);
	ft_drain();
	ft_advance_ms(8);
	b.start = una + mss;
	b.end = una + 2 * mss;
	sack_ack(&pp, una, &b, 1);
	ft_advance_ms(1);
	sack_ack(&pp, una + 2 * mss, NULL, 0);
	cr_assert(c->rack.reord, "reordering seen");
	cr_assert_eq(ft_drain(), 0);
	/* Second flight: four segments SACKed above a late first one. */
	una = c->snd_una;
	tcp_send(c, big, (size_t)6 * mss, 0);
	ft_drain();
	ft_advance_ms(8);
	b.start = una + mss;
	b.end = una + 5 * mss;
	sack_ack(&pp, una, &b, 1);
	cr_assert_eq(ft_drain(), 0, "4 SACKed > DupThresh, yet no rtx");
	ft_advance_ms(1);
	sack_ack(&pp, una + 5 * mss, NULL, 0);
	ft_advance_ms(5);
	cr_assert_eq(ft_drain(), 0);
	cr_assert_eq(l3_eng.stats.tcp.TcpRetransSegs, 0);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPSackRecovery, 0);
}

/* Without reordering, DupThresh SACKed segments make reo_wnd 0 (6.2). */
Test(tcp_timer, rack_without_reordering_recovers_at_dupthresh_at_once)
{
	struct ft_peer pp;
	struct tcb *c = rack_estab(&pp);
	uint32_t una = c->snd_una, mss = c->mss;
	struct tcp_sack_block b;
	struct ft_seg s;

	tcp_send(c, big, (size_t)5 * mss, 0);
	ft_drain();
	ft_advance_ms(8);
	b.start = una + mss;
	b.end = una + 4 * mss;
	sack_ack(&pp, una, &b, 1);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.seq, una);
	ft_free(&s);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPSackRecovery, 1);
}
