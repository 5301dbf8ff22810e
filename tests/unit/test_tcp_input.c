// SPDX-License-Identifier: MIT
/*
 * test_tcp_input.c - SEGMENT ARRIVES (RFC 9293 3.10.7) through the fake
 * engine: handshakes, data, closes, resets, challenge ACKs, PAWS, SACK,
 * loss recovery, SYN cookies and the listen queues
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>

#include "fake_tcp.h"
#include "route.h"
#include "tcp_syncookie.h"
#include "testutil.h"
#include "wire/csum.h"
#include "wire/cursor.h"

TestSuite(tcp_input, .init = ft_setup, .fini = ft_teardown);

static struct tcb *estab(struct ft_peer *pp)
{
	return ft_passive(pp, ft_listen(FT_LPORT, 16), NULL);
}

/* Drive a connection (passive side) into @st; the peer's view in @pp. */
static struct tcb *drive(struct ft_peer *pp, enum tcp_state st)
{
	struct ft_seg s;
	struct tcb *c;

	if (st == TCPS_SYN_RECEIVED) {
		ft_listen(FT_LPORT, 16);
		ft_syn(pp, FT_LPORT, NULL);
		c = tcp_lookup(&l3_eng, L3_US, FT_LPORT, L3_PEER, FT_PPORT);
		cr_assert_not_null(c);
		return c;
	}
	c = estab(pp);
	switch (st) {
	case TCPS_ESTABLISHED:
		break;
	case TCPS_FIN_WAIT_1:
	case TCPS_FIN_WAIT_2:
	case TCPS_CLOSING:
	case TCPS_TIME_WAIT:
		cr_assert_eq(tcp_shutdown(c, SHUT_WR), 0);
		cr_assert(ft_recv(pp, &s));
		cr_assert(s.th.flags & TCP_FIN);
		ft_free(&s);
		if (st == TCPS_CLOSING) {
			ft_send(pp, TCP_FIN, NULL, 0);
			break;
		}
		if (st == TCPS_FIN_WAIT_1)
			break;
		pp->ack++;
		ft_send(pp, TCP_ACK, NULL, 0);
		if (st == TCPS_TIME_WAIT)
			ft_send(pp, TCP_FIN, NULL, 0);
		break;
	case TCPS_CLOSE_WAIT:
	case TCPS_LAST_ACK:
		ft_send(pp, TCP_FIN, NULL, 0);
		if (st == TCPS_LAST_ACK)
			cr_assert_eq(tcp_shutdown(c, SHUT_WR), 0);
		break;
	default:
		cr_assert_fail("state not drivable");
	}
	ft_drain();
	cr_assert_eq(c->state, st, "wanted %s, got %s", tcp_state_name(st),
		     tcp_state_name(c->state));
	return c;
}

/* ---- opening ---- */

/* RFC 9293 3.10.7.2, RFC 7323, RFC 2018: SYN-ACK echoes what was offered. */
Test(tcp_input, passive_open_sends_synack_with_options)
{
	struct ft_peer pp = { .port = FT_PPORT,
			      .lport = FT_LPORT,
			      .win = 65535 };
	struct tcp_opts o;
	struct ft_seg s;

	ft_listen(FT_LPORT, 8);
	ft_syn_opts(&o);
	ft_send_raw(&pp, FT_PEER_ISN, 0, TCP_SYN, &o, NULL, 0);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.flags, TCP_SYN | TCP_ACK);
	cr_assert_eq(s.th.ack, FT_PEER_ISN + 1);
	cr_assert(s.th.opt.present & TCP_OPT_MSS);
	cr_assert_eq(s.th.opt.mss, 1460);
	cr_assert(s.th.opt.present & TCP_OPT_WS);
	cr_assert(s.th.opt.present & TCP_OPT_SACKOK);
	cr_assert(s.th.opt.present & TCP_OPT_TS);
	cr_assert_eq(s.th.opt.tsecr, 5000);
	ft_free(&s);
}

/* RFC 7323 1.3 / 2.2, RFC 2018 2: no option the SYN did not carry. */
Test(tcp_input, synack_omits_options_the_syn_lacked)
{
	struct ft_peer pp = { .port = FT_PPORT,
			      .lport = FT_LPORT,
			      .win = 65535 };
	struct tcp_opts o = { .present = TCP_OPT_MSS, .mss = 1400 };
	struct ft_seg s;

	ft_listen(FT_LPORT, 8);
	ft_send_raw(&pp, FT_PEER_ISN, 0, TCP_SYN, &o, NULL, 0);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.opt.present, TCP_OPT_MSS);
	ft_free(&s);
}

/* RFC 9293 3.5 figure 6: the three-way handshake, passive side. */
Test(tcp_input, passive_open_completes_and_is_accepted)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);

	cr_assert_eq(l3_eng.stats.tcp.TcpPassiveOpens, 1);
	cr_assert_eq(l3_eng.stats.tcp.TcpCurrEstab, 1);
	cr_assert(c->ts_ok && c->sack_ok && c->ws_ok);
	cr_assert_eq(c->snd_wscale, 7);
	cr_assert_eq(c->mss, 1460 - 12);
}

/* RFC 9293 3.10.1 OPEN: the SYN carries MSS, WS, SACK-permitted, TS. */
Test(tcp_input, active_open_sends_syn_with_options)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(FT_PPORT),
				   .sin_addr.s_addr = htonl(L3_PEER) };
	struct ft_seg s;
	struct tcb *c;

	cr_assert_eq(tcp_socket(&l3_eng, &c), 0);
	cr_assert_eq(tcp_connect(c, (struct sockaddr *)&sin, sizeof(sin)),
		     -EINPROGRESS);
	cr_assert_eq(c->state, TCPS_SYN_SENT);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.flags, TCP_SYN);
	cr_assert_eq(s.th.opt.present,
		     TCP_OPT_MSS | TCP_OPT_WS | TCP_OPT_SACKOK | TCP_OPT_TS);
	cr_assert_eq(s.th.opt.mss, 1460);
	cr_assert_geq(s.th.sport, 32768);
	cr_assert_eq(l3_eng.stats.tcp.TcpActiveOpens, 1);
	ft_free(&s);
}

/* RFC 9293 3.10.7.3: SYN-ACK in SYN-SENT -> ESTABLISHED, ACK sent. */
Test(tcp_input, active_open_established_on_synack)
{
	struct ft_peer pp;
	struct tcb *c = ft_active(&pp, NULL);

	cr_assert_eq(c->state, TCPS_ESTABLISHED);
	cr_assert(tcp_poll(c) & TCP_POLL_OUT);
	cr_assert_eq(c->rcv_nxt, FT_PEER_ISN + 1);
	cr_assert(c->rto.has_sample);
}

/* RFC 9293 3.5 figure 7: simultaneous open via SYN-RECEIVED. */
Test(tcp_input, simultaneous_open_goes_through_syn_received)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(FT_PPORT),
				   .sin_addr.s_addr = htonl(L3_PEER) };
	struct ft_peer pp = { .port = FT_PPORT, .win = 65535 };
	struct tcp_opts o = { .present = TCP_OPT_MSS, .mss = 1460 };
	struct ft_seg s;
	struct tcb *c;
	uint32_t iss;

	cr_assert_eq(tcp_socket(&l3_eng, &c), 0);
	tcp_connect(c, (struct sockaddr *)&sin, sizeof(sin));
	cr_assert(ft_pop(&s));
	iss = s.th.seq;
	pp.lport = s.th.sport;
	ft_free(&s);
	ft_send_raw(&pp, FT_PEER_ISN, 0, TCP_SYN, &o, NULL, 0);
	cr_assert_eq(c->state, TCPS_SYN_RECEIVED);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.flags, TCP_SYN | TCP_ACK);
	cr_assert_eq(s.th.seq, iss);
	cr_assert_eq(s.th.ack, FT_PEER_ISN + 1);
	ft_free(&s);
	ft_send_raw(&pp, FT_PEER_ISN, iss + 1, TCP_SYN | TCP_ACK, &o, NULL, 0);
	cr_assert_eq(c->state, TCPS_ESTABLISHED);
}

/* RFC 9293 3.10.7.3: RST+ACK of our SYN -> "connection refused". */
Test(tcp_input, rst_to_syn_gives_econnrefused)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(FT_PPORT),
				   .sin_addr.s_addr = htonl(L3_PEER) };
	struct ft_peer pp = { .port = FT_PPORT };
	struct ft_seg s;
	struct tcb *c;
	int err = 0;
	socklen_t len = sizeof(err);

	cr_assert_eq(tcp_socket(&l3_eng, &c), 0);
	tcp_connect(c, (struct sockaddr *)&sin, sizeof(sin));
	cr_assert(ft_pop(&s));
	pp.lport = s.th.sport;
	ft_send_raw(&pp, 0, s.th.seq + 1, TCP_RST | TCP_ACK, NULL, NULL, 0);
	ft_free(&s);
	cr_assert_eq(c->state, TCPS_CLOSED);
	cr_assert(tcp_poll(c) & TCP_POLL_ERR);
	cr_assert_eq(tcp_getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	cr_assert_eq(err, ECONNREFUSED);
	cr_assert_eq(l3_eng.stats.tcp.TcpAttemptFails, 1);
}

/* RFC 9293 3.10.7.3: an ACK of something else in SYN-SENT gets a RST. */
Test(tcp_input, syn_sent_bad_ack_gets_rst)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(FT_PPORT),
				   .sin_addr.s_addr = htonl(L3_PEER) };
	struct ft_peer pp = { .port = FT_PPORT };
	struct ft_seg s;
	struct tcb *c;
	uint32_t iss;

	cr_assert_eq(tcp_socket(&l3_eng, &c), 0);
	tcp_connect(c, (struct sockaddr *)&sin, sizeof(sin));
	cr_assert(ft_pop(&s));
	pp.lport = s.th.sport;
	iss = s.th.seq;
	ft_free(&s);
	ft_send_raw(&pp, 77, iss + 100, TCP_SYN | TCP_ACK, NULL, NULL, 0);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.flags, TCP_RST);
	cr_assert_eq(s.th.seq, iss + 100);
	ft_free(&s);
	cr_assert_eq(c->state, TCPS_SYN_SENT);
	cr_assert_eq(l3_eng.stats.tcp.TcpInBadAck, 1);
}

/* RFC 9293 3.10.7.3: a RST without ACK in SYN-SENT is dropped. */
Test(tcp_input, syn_sent_rst_without_ack_ignored)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(FT_PPORT),
				   .sin_addr.s_addr = htonl(L3_PEER) };
	struct ft_peer pp = { .port = FT_PPORT };
	struct ft_seg s;
	struct tcb *c;

	cr_assert_eq(tcp_socket(&l3_eng, &c), 0);
	tcp_connect(c, (struct sockaddr *)&sin, sizeof(sin));
	cr_assert(ft_pop(&s));
	pp.lport = s.th.sport;
	ft_free(&s);
	ft_send_raw(&pp, 0, 0, TCP_RST, NULL, NULL, 0);
	cr_assert_eq(c->state, TCPS_SYN_SENT);
	cr_assert_eq(l3_eng.stats.tcp.TcpInRstDrop, 1);
}

/* ---- data ---- */

/* RFC 9293 3.10.7.4 seventh: in-order text reaches the user. */
Test(tcp_input, in_order_data_is_delivered)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	char buf[16];

	ft_send(&pp, TCP_PSH, "hello", 5);
	cr_assert(tcp_poll(c) & TCP_POLL_IN);
	cr_assert_eq(tcp_recv(c, buf, sizeof(buf), 0), 5);
	cr_assert_eq(memcmp(buf, "hello", 5), 0);
	cr_assert_eq(c->rcv_nxt, pp.seq);
	cr_assert_eq(tcp_recv(c, buf, sizeof(buf), 0), -EAGAIN);
}

/* RFC 2018 4, RFC 5681 4.2: out-of-order data -> immediate SACK. */
Test(tcp_input, out_of_order_data_held_and_sacked)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;
	char buf[16];

	ft_send_raw(&pp, pp.seq + 5, pp.ack, TCP_ACK, NULL, "world", 5);
	cr_assert_eq(tcp_recv(c, buf, sizeof(buf), 0), -EAGAIN);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.ack, pp.seq);
	cr_assert(s.th.opt.present & TCP_OPT_SACK);
	cr_assert_eq(s.th.opt.sack_n, 1);
	cr_assert_eq(s.th.opt.sack[0].start, pp.seq + 5);
	cr_assert_eq(s.th.opt.sack[0].end, pp.seq + 10);
	ft_free(&s);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPOFOQueue, 1);
}

/* RFC 9293 3.10.7.4: filling the hole delivers everything, ACKs at once. */
Test(tcp_input, hole_filled_delivers_all)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;
	char buf[16];

	ft_send_raw(&pp, pp.seq + 5, pp.ack, TCP_ACK, NULL, "world", 5);
	ft_drain();
	ft_send(&pp, TCP_ACK, "hello", 5);
	pp.seq += 5;
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.ack, pp.seq);
	cr_assert_eq(s.th.opt.present & TCP_OPT_SACK, 0);
	ft_free(&s);
	cr_assert_eq(tcp_recv(c, buf, sizeof(buf), 0), 10);
	cr_assert_eq(memcmp(buf, "helloworld", 10), 0);
}

/*
 * RFC 9293 3.10.7.4: a retransmission that covers both the hole and what
 * the queue held (a sender may repacketize, RFC 9293 3.8.1: Linux
 * collapses segments when it retransmits) leaves nothing behind in the
 * queue, so closing after reading everything sends a FIN, not a RST.
 */
Test(tcp_input, repacketized_retransmission_empties_the_queue)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;
	char buf[16];

	ft_send_raw(&pp, pp.seq + 5, pp.ack, TCP_ACK, NULL, "world", 5);
	ft_drain();
	ft_send(&pp, TCP_ACK, "helloworld", 10);
	cr_assert(tcp_reass_empty(&c->reass), "a delivered piece stayed");
	ft_send(&pp, TCP_FIN, NULL, 0);
	ft_drain();
	cr_assert_eq(tcp_recv(c, buf, sizeof(buf), 0), 10);
	cr_assert_eq(memcmp(buf, "helloworld", 10), 0);
	cr_assert_eq(tcp_recv(c, buf, sizeof(buf), 0), 0);
	cr_assert_eq(tcp_close(c), 0);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.flags & (TCP_FIN | TCP_RST), TCP_FIN);
	ft_free(&s);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPAbortOnClose, 0);
}

/* RFC 2883 4: an old duplicate is reported with a D-SACK block. */
Test(tcp_input, duplicate_data_reported_with_dsack)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	ft_send(&pp, TCP_ACK, "hello", 5);
	ft_drain();
	ft_send_raw(&pp, pp.seq - 5, pp.ack, TCP_ACK, NULL, "hello", 5);
	cr_assert(ft_pop(&s));
	cr_assert(s.th.opt.present & TCP_OPT_SACK);
	cr_assert_eq(s.th.opt.sack[0].start, pp.seq - 5);
	cr_assert_eq(s.th.opt.sack[0].end, pp.seq);
	ft_free(&s);
	cr_assert_eq(c->rcv.len, 5);
	cr_assert_eq(l3_eng.stats.tcp.TcpInBadSeq, 1);
}

/* RFC 9293 3.8.6.3 / RFC 5681 4.2: ACK at least every second segment. */
Test(tcp_input, delayed_ack_every_second_segment)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	uint8_t data[1448] = { 0 };
	struct ft_seg s;

	c->quickacks = 0;
	ft_send(&pp, TCP_ACK, data, sizeof(data));
	cr_assert_eq(ft_drain(), 0);
	ft_send(&pp, TCP_ACK, data, sizeof(data));
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.ack, pp.seq);
	ft_free(&s);
}

/* RFC 9293 3.8.6.3: a lone segment is ACKed by the 40 ms timer. */
Test(tcp_input, delayed_ack_sent_by_timer)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	c->quickacks = 0;
	ft_send(&pp, TCP_ACK, "x", 1);
	ft_advance_ms(39);
	cr_assert_eq(ft_drain(), 0);
	ft_advance_ms(1);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.ack, pp.seq);
	ft_free(&s);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtDelayedACKs, 1);
}

/* Linux quick-ACK mode: the first segments are ACKed at once. */
Test(tcp_input, quickack_at_connection_start)
{
	struct ft_peer pp;
	struct ft_seg s;

	estab(&pp);
	ft_send(&pp, TCP_ACK, "x", 1);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.ack, pp.seq);
	ft_free(&s);
}

/* ---- closing ---- */

/* RFC 9293 3.10.7.4 eighth: FIN -> CLOSE-WAIT, recv() returns 0. */
Test(tcp_input, fin_moves_to_close_wait)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;
	char b;

	ft_send(&pp, TCP_FIN, NULL, 0);
	cr_assert_eq(c->state, TCPS_CLOSE_WAIT);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.ack, pp.seq);
	ft_free(&s);
	cr_assert_eq(tcp_recv(c, &b, 1, 0), 0);
	cr_assert(tcp_poll(c) & TCP_POLL_RDHUP);
}

/* RFC 9293 3.6 figure 12: FIN-WAIT-1 -> FIN-WAIT-2 -> TIME-WAIT. */
Test(tcp_input, active_close_reaches_time_wait)
{
	struct ft_peer pp;
	struct tcb *c = drive(&pp, TCPS_FIN_WAIT_2);

	ft_send(&pp, TCP_FIN, NULL, 0);
	cr_assert_eq(c->state, TCPS_TIME_WAIT);
}

/* TIME-WAIT gives its empty rings and RACK history back at once (for
 * the next connection), data the app did not read stays. */
Test(tcp_input, time_wait_releases_empty_buffers)
{
	struct ft_peer pp;
	struct tcb *c = drive(&pp, TCPS_FIN_WAIT_2);
	char buf[8];

	ft_send(&pp, TCP_ACK, "unread", 6);
	cr_assert_not_null(c->rcv.buf);
	ft_send(&pp, TCP_FIN, NULL, 0);
	cr_assert_eq(c->state, TCPS_TIME_WAIT);
	cr_assert_null(c->snd.buf);
	cr_assert_null(c->rack.seg);
	cr_assert_not_null(c->rcv.buf);
	cr_assert_eq(tcp_recv(c, buf, sizeof(buf), 0), 6);
	cr_assert_eq(memcmp(buf, "unread", 6), 0);
}

/* RFC 9293 3.6 figure 13: simultaneous close via CLOSING. */
Test(tcp_input, simultaneous_close_goes_through_closing)
{
	struct ft_peer pp;
	struct tcb *c = drive(&pp, TCPS_CLOSING);

	pp.ack++;
	ft_send(&pp, TCP_ACK, NULL, 0);
	cr_assert_eq(c->state, TCPS_TIME_WAIT);
}

/* RFC 9293 3.6: CLOSE-WAIT -> LAST-ACK -> CLOSED on the FIN's ACK. */
Test(tcp_input, passive_close_last_ack_to_closed)
{
	struct ft_peer pp;
	struct tcb *c = drive(&pp, TCPS_LAST_ACK);

	pp.ack++;
	ft_send(&pp, TCP_ACK, NULL, 0);
	cr_assert_eq(c->state, TCPS_CLOSED);
	cr_assert_eq(l3_eng.stats.tcp.TcpCurrEstab, 0);
}

/* RFC 9293 3.6: after SHUT_WR, data from the peer is still received. */
Test(tcp_input, half_close_still_receives)
{
	struct ft_peer pp;
	struct tcb *c = drive(&pp, TCPS_FIN_WAIT_2);
	char buf[8];

	ft_send(&pp, TCP_ACK, "late", 4);
	cr_assert_eq(tcp_recv(c, buf, sizeof(buf), 0), 4);
	cr_assert_eq(memcmp(buf, "late", 4), 0);
	cr_assert_eq(tcp_send(c, "x", 1, 0), -EPIPE);
}

/* RFC 9293 3.10.7.4 eighth: a retransmitted FIN in TIME-WAIT is ACKed. */
Test(tcp_input, time_wait_reacks_retransmitted_fin)
{
	struct ft_peer pp;
	struct tcb *c = drive(&pp, TCPS_TIME_WAIT);
	struct ft_seg s;

	ft_send_raw(&pp, pp.seq - 1, pp.ack, TCP_FIN | TCP_ACK, NULL, NULL, 0);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.ack, pp.seq);
	ft_free(&s);
	cr_assert_eq(c->state, TCPS_TIME_WAIT);
}

/* ---- resets, in every state ---- */

static void rst_exact(enum tcp_state st, int want_err)
{
	struct ft_peer pp;
	struct tcb *c = drive(&pp, st);
	int err = 0;
	socklen_t len = sizeof(err);

	ft_send(&pp, TCP_RST, NULL, 0);
	cr_assert_eq(c->state, TCPS_CLOSED, "%s", tcp_state_name(st));
	tcp_getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
	cr_assert_eq(err, want_err, "%s: err %d", tcp_state_name(st), err);
}

/* RFC 9293 3.10.7.4 second, RFC 5961 3.2: exact RST resets. */
Test(tcp_input, rst_in_established_resets)
{
	rst_exact(TCPS_ESTABLISHED, ECONNRESET);
	cr_assert_eq(l3_eng.stats.tcp.TcpEstabResets, 1);
}

Test(tcp_input, rst_in_fin_wait_1_resets)
{
	rst_exact(TCPS_FIN_WAIT_1, ECONNRESET);
}

Test(tcp_input, rst_in_fin_wait_2_resets)
{
	rst_exact(TCPS_FIN_WAIT_2, ECONNRESET);
}

/* Linux's tcp_reset(): the peer had closed, so a writer sees EPIPE. */
Test(tcp_input, rst_in_close_wait_resets_with_epipe)
{
	rst_exact(TCPS_CLOSE_WAIT, EPIPE);
}

Test(tcp_input, rst_in_closing_closes)
{
	rst_exact(TCPS_CLOSING, 0);
}

Test(tcp_input, rst_in_last_ack_closes)
{
	rst_exact(TCPS_LAST_ACK, 0);
}

Test(tcp_input, rst_in_time_wait_closes)
{
	rst_exact(TCPS_TIME_WAIT, 0);
}

/* RFC 9293 3.10.7.4 second: SYN-RECEIVED from LISTEN returns to LISTEN. */
Test(tcp_input, rst_in_syn_rcvd_returns_to_listen)
{
	struct ft_peer pp;
	struct tcb *ln;

	drive(&pp, TCPS_SYN_RECEIVED);
	ln = tcp_listener_lookup(&l3_eng, L3_US, FT_LPORT);
	cr_assert_eq(ln->synq_len, 1);
	ft_send(&pp, TCP_RST, NULL, 0);
	cr_assert_null(tcp_lookup(&l3_eng, L3_US, FT_LPORT, L3_PEER, FT_PPORT));
	cr_assert_eq(ln->synq_len, 0);
	cr_assert_eq(ln->state, TCPS_LISTEN);
	cr_assert_eq(l3_eng.tcp->nconns, 1); /* only the listener */
}

/* RFC 5961 3.2: an in-window RST not at RCV.NXT gets a challenge ACK. */
Test(tcp_input, rst_in_window_not_exact_gets_challenge_ack)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	ft_send_raw(&pp, pp.seq + 100, 0, TCP_RST, NULL, NULL, 0);
	cr_assert_eq(c->state, TCPS_ESTABLISHED);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.flags, TCP_ACK);
	cr_assert_eq(s.th.ack, pp.seq);
	ft_free(&s);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPChallengeACK, 1);
}

/* RFC 9293 3.10.7.4 first: a RST outside the window is dropped silently. */
Test(tcp_input, rst_outside_window_dropped_silently)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);

	ft_send_raw(&pp, pp.seq + 10000000, 0, TCP_RST, NULL, NULL, 0);
	cr_assert_eq(c->state, TCPS_ESTABLISHED);
	cr_assert_eq(ft_drain(), 0);
}

/* RFC 5961 4.2: a SYN in ESTABLISHED gets a challenge ACK. */
Test(tcp_input, syn_in_established_gets_challenge_ack)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	ft_send_raw(&pp, pp.seq + 10, 0, TCP_SYN, NULL, NULL, 0);
	cr_assert_eq(c->state, TCPS_ESTABLISHED);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.flags, TCP_ACK);
	cr_assert_eq(s.th.ack, pp.seq);
	ft_free(&s);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPSYNChallenge, 1);
}

/* RFC 5961 7: challenge ACKs are limited per second. */
Test(tcp_input, challenge_ack_rate_limited)
{
	struct ft_peer pp;

	estab(&pp);
	l3_eng.sysctl.tcp_challenge_ack_limit = 3;
	for (int i = 0; i < 5; i++)
		ft_send_raw(&pp, pp.seq + 100, 0, TCP_RST, NULL, NULL, 0);
	cr_assert_eq(ft_drain(), 3);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPACKSkippedChallenge, 2);
	ft_advance_ms(1000);
	ft_send_raw(&pp, pp.seq + 100, 0, TCP_RST, NULL, NULL, 0);
	cr_assert_eq(ft_drain(), 1);
}

/* RFC 7323 5.3: an older timestamp is rejected (PAWS) and ACKed. */
Test(tcp_input, paws_rejects_old_timestamp)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct tcp_opts o = { .present = TCP_OPT_TS, .tsval = 10 };
	struct ft_seg s;

	ft_send_raw(&pp, pp.seq, pp.ack, TCP_ACK, &o, "old", 3);
	cr_assert_eq(c->rcv.len, 0);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.ack, pp.seq);
	ft_free(&s);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtPAWSEstab, 1);
	ft_send(&pp, TCP_ACK, "new", 3);
	cr_assert_eq(c->rcv.len, 3);
}

/* RFC 7323 4.3: TS.Recent follows the segments that advance. */
Test(tcp_input, ts_recent_updated_and_echoed)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	pp.tsval = 90000;
	ft_send(&pp, TCP_ACK, "a", 1);
	cr_assert_eq(c->ts_recent, 90000);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.opt.tsecr, 90000);
	ft_free(&s);
}

/* RFC 9293 3.10.7.4 fifth: ACK of unsent data -> ACK, drop. */
Test(tcp_input, ack_of_unsent_data_is_acked_and_dropped)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	pp.ack += 1000;
	ft_send(&pp, TCP_ACK, "data", 4);
	cr_assert_eq(c->rcv.len, 0);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.flags, TCP_ACK);
	ft_free(&s);
	cr_assert_eq(l3_eng.stats.tcp.TcpInBadAck, 1);
}

/* RFC 9293 3.10.7.4 fifth: no ACK bit -> drop. */
Test(tcp_input, segment_without_ack_dropped)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);

	ft_send_raw(&pp, pp.seq, 0, TCP_PSH, NULL, "x", 1);
	cr_assert_eq(c->rcv.len, 0);
	cr_assert_eq(l3_eng.stats.tcp.TcpInBadFlags, 1);
}

/* RFC 9293 3.10.7.4 first: data beyond the window is ACKed and dropped. */
Test(tcp_input, segment_beyond_window_acked_and_dropped)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);

	ft_send_raw(&pp, pp.seq + 50000000, pp.ack, TCP_ACK, NULL, "x", 1);
	cr_assert_eq(c->rcv.len, 0);
	cr_assert_eq(ft_drain(), 1);
	cr_assert_eq(l3_eng.stats.tcp.TcpInBadSeq, 1);
}

/* ---- CLOSED ports (RFC 9293 3.10.7.1) ---- */

/* No ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. */
Test(tcp_input, syn_to_closed_port_gets_rst_ack)
{
	struct ft_peer pp = { .port = FT_PPORT, .lport = 81 };
	struct ft_seg s;

	ft_send_raw(&pp, 500, 0, TCP_SYN, NULL, NULL, 0);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.flags, TCP_RST | TCP_ACK);
	cr_assert_eq(s.th.seq, 0);
	cr_assert_eq(s.th.ack, 501);
	ft_free(&s);
	cr_assert_eq(l3_eng.stats.tcp.TcpOutRsts, 1);
	cr_assert_eq(l3_eng.stats.tcp.TcpInNoSocket, 1);
}

/* With ACK: <SEQ=SEG.ACK><CTL=RST>. */
Test(tcp_input, ack_to_closed_port_gets_rst_at_its_ack)
{
	struct ft_peer pp = { .port = FT_PPORT, .lport = 81 };
	struct ft_seg s;

	ft_send_raw(&pp, 500, 4242, TCP_ACK, NULL, "abc", 3);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.flags, TCP_RST);
	cr_assert_eq(s.th.seq, 4242);
	ft_free(&s);
}

/* "An incoming segment containing a RST is discarded." */
Test(tcp_input, rst_to_closed_port_not_answered)
{
	struct ft_peer pp = { .port = FT_PPORT, .lport = 81 };

	ft_send_raw(&pp, 500, 0, TCP_RST, NULL, NULL, 0);
	cr_assert_eq(ft_drain(), 0);
}

/* A FIN counts in SEG.LEN of the reset's ACK. */
Test(tcp_input, fin_to_closed_port_acked_past_fin)
{
	struct ft_peer pp = { .port = FT_PPORT, .lport = 81 };
	struct ft_seg s;

	ft_send_raw(&pp, 500, 0, TCP_FIN, NULL, "ab", 2);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.ack, 503);
	ft_free(&s);
}

/* A bad checksum is counted and nothing answers. */
Test(tcp_input, bad_checksum_counted)
{
	uint8_t seg[20] = { 0x9c, 0x40, 0,    80,   0, 0,    0,
			    1,	  0,	0,    0,    0, 0x50, 0x02,
			    0xff, 0xff, 0x12, 0x34, 0, 0 };

	l3_rx_ipv4(L3_PEER, L3_US, IPV4_PROTO_TCP, seg, sizeof(seg));
	cr_assert_eq(l3_eng.stats.tcp.TcpInCsumErrors, 1);
	cr_assert_eq(ft_drain(), 0);
}

/* STYLE.md: doff < 5 is malformed. */
Test(tcp_input, malformed_header_counted)
{
	uint8_t seg[20] = { 0x9c, 0x40, 0,    80,   0,	  0,	0, 1, 0, 0,
			    0,	  0,	0x40, 0x02, 0xff, 0xff, 0, 0, 0, 0 };

	l3_rx_ipv4(L3_PEER, L3_US, IPV4_PROTO_TCP, seg, sizeof(seg));
	cr_assert_eq(l3_eng.stats.tcp.TcpInErrs, 1);
}

/* RFC 1122 4.2.3.10: nothing to or from broadcast. */
Test(tcp_input, broadcast_destination_dropped)
{
	struct ft_peer pp = { .port = FT_PPORT, .lport = FT_LPORT };
	static uint8_t buf[64];
	struct tcp_view v = { .sport = FT_PPORT,
			      .dport = FT_LPORT,
			      .flags = TCP_SYN,
			      .window = 100 };
	uint32_t bc = IP4(192, 0, 2, 255);
	int n;

	(void)pp;
	ft_listen(FT_LPORT, 4);
	n = tcp_emit(buf, sizeof(buf), &v,
		     csum_pseudo4(L3_PEER, bc, IPV4_PROTO_TCP, 20));
	l3_rx_ipv4(L3_PEER, bc, IPV4_PROTO_TCP, buf, (size_t)n);
	cr_assert_eq(ft_drain(), 0);
}

/* ---- windows, MSS ---- */

/* RFC 7323 2.3: the peer's window field is shifted by its scale. */
Test(tcp_input, peer_window_is_scaled)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);

	pp.win = 100;
	ft_send(&pp, TCP_ACK, NULL, 0);
	cr_assert_eq(c->snd_wnd, 100u << 7);
}

/* RFC 7323 2.2: the window in a SYN is never scaled. */
Test(tcp_input, syn_window_not_scaled)
{
	struct ft_peer pp;
	struct tcb *ln = ft_listen(FT_LPORT, 4);
	struct tcp_opts o;
	struct tcb *c;

	ft_syn_opts(&o);
	memset(&pp, 0, sizeof(pp));
	pp.port = FT_PPORT;
	pp.lport = FT_LPORT;
	pp.win = 1000;
	ft_send_raw(&pp, FT_PEER_ISN, 0, TCP_SYN, &o, NULL, 0);
	c = tcp_lookup(&l3_eng, L3_US, FT_LPORT, L3_PEER, FT_PPORT);
	cr_assert_eq(c->snd_wnd, 1000);
	(void)ln;
}

/* RFC 7323 2.3: our window field is shifted by our scale. */
Test(tcp_input, our_window_is_scaled)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	ft_send(&pp, TCP_ACK, "z", 1);
	cr_assert(ft_pop(&s));
	cr_assert_gt(c->rcv_wscale, 0);
	cr_assert_eq((uint32_t)s.th.window << c->rcv_wscale, c->rcv_wnd);
	cr_assert_gt(c->rcv_wnd, 65535);
	ft_free(&s);
}

/* Without WS in the SYN, neither side scales (RFC 7323 1.3). */
Test(tcp_input, no_scaling_without_ws_option)
{
	struct ft_peer pp;
	struct tcp_opts o = { .present = TCP_OPT_MSS, .mss = 1460 };
	struct tcb *c = ft_passive(&pp, ft_listen(FT_LPORT, 4), &o);

	cr_assert_not(c->ws_ok);
	cr_assert_eq(c->rcv_wscale, 0);
	cr_assert_eq(c->snd_wscale, 0);
}

/* RFC 9293 3.7.1, RFC 6691: segments fit the peer's MSS less options. */
Test(tcp_input, segments_clamped_to_peer_mss)
{
	struct ft_peer pp;
	struct tcp_opts o;
	struct tcb *c;
	static uint8_t data[4000];
	struct ft_seg s;

	ft_syn_opts(&o);
	o.mss = 536;
	c = ft_passive(&pp, ft_listen(FT_LPORT, 4), &o);
	cr_assert_eq(c->mss, 536 - 12);
	cr_assert_eq(tcp_send(c, data, sizeof(data), 0), (ssize_t)sizeof(data));
	while (ft_pop(&s)) {
		cr_assert_leq(s.th.payload_len, 524);
		ft_free(&s);
	}
}

/* ---- listen queues, SYN cookies ---- */

/*
 * Linux: a full accept queue (backlog + 1 connections) drops new SYNs
 * (TcpExtListenOverflows).  Backlog 1: with 0 the SYN queue would be
 * full at once and every SYN answered with a cookie, as Linux does.
 */
Test(tcp_input, accept_queue_overflow_drops_syn)
{
	struct tcb *ln = ft_listen(FT_LPORT, 1);
	struct ft_peer pp;
	struct tcp_opts o;
	struct ft_seg s;

	ft_passive(&pp, ln, NULL);
	/* That one was accepted and does not count: fill the queue again. */
	ft_syn_opts(&o);
	for (uint16_t i = 1; i <= 2; i++) {
		pp.port = (uint16_t)(FT_PPORT + i);
		ft_send_raw(&pp, 1, 0, TCP_SYN, &o, NULL, 0);
		cr_assert(ft_pop(&s));
		cr_assert_eq(s.th.flags, TCP_SYN | TCP_ACK);
		pp.ack = s.th.seq + 1;
		ft_free(&s);
		ft_send_raw(&pp, 2, pp.ack, TCP_ACK, NULL, NULL, 0);
	}
	cr_assert_eq(ln->aq_len, 2);
	pp.port = FT_PPORT + 3;
	ft_send_raw(&pp, 1, 0, TCP_SYN, &o, NULL, 0);
	cr_assert_eq(ft_drain(), 0);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtListenOverflows, 1);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtListenDrops, 1);
}

/*
 * SYN queue full + tcp_syncookies: answer with a cookie, keep nothing.
 * Full means as many embryonic connections as the listen backlog, as in
 * Linux (tcp_max_syn_backlog only matters without cookies).
 */
Test(tcp_input, syn_cookie_sent_when_syn_queue_full)
{
	struct tcb *ln = ft_listen(FT_LPORT, 2);
	struct ft_peer pp = { .lport = FT_LPORT, .win = 65535 };
	struct tcp_opts o;
	struct ft_seg s;
	size_t before;

	l3_eng.sysctl.tcp_max_syn_backlog = 1; /* not the limit */
	ft_syn_opts(&o);
	for (int i = 0; i < 2; i++) {
		pp.port = (uint16_t)(FT_PPORT + i);
		ft_send_raw(&pp, 1, 0, TCP_SYN, &o, NULL, 0);
	}
	ft_drain();
	cr_assert_eq(ln->synq_len, 2);
	before = l3_eng.tcp->nconns;
	pp.port = FT_PPORT + 9;
	ft_send_raw(&pp, 1, 0, TCP_SYN, &o, NULL, 0);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.flags, TCP_SYN | TCP_ACK);
	/* The SYN had timestamps: its options are offered back. */
	cr_assert_eq(s.th.opt.present,
		     TCP_OPT_MSS | TCP_OPT_TS | TCP_OPT_WS | TCP_OPT_SACKOK);
	ft_free(&s);
	cr_assert_eq(l3_eng.tcp->nconns, before);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtSyncookiesSent, 1);
}

/*
 * Without cookies, a SYN is dropped once the queue holds the backlog, or
 * more than three quarters of tcp_max_syn_backlog (Linux keeps the rest
 * for proven peers).
 */
Test(tcp_input, syn_dropped_without_cookies_when_the_queue_fills)
{
	struct tcb *ln = ft_listen(FT_LPORT, 100);
	struct ft_peer pp = { .lport = FT_LPORT, .win = 65535 };
	struct tcp_opts o;

	l3_eng.sysctl.tcp_syncookies = 0;
	l3_eng.sysctl.tcp_max_syn_backlog = 8;
	ft_syn_opts(&o);
	for (int i = 0; i < 10; i++) {
		pp.port = (uint16_t)(FT_PPORT + i);
		ft_send_raw(&pp, 1, 0, TCP_SYN, &o, NULL, 0);
	}
	ft_drain();
	cr_assert_eq(ln->synq_len, 7);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtListenDrops, 3);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtSyncookiesSent, 0);
}

/* The ACK carrying a valid cookie makes an established connection. */
Test(tcp_input, syn_cookie_ack_creates_connection)
{
	struct tcb *ln = ft_listen(FT_LPORT, 100);
	struct ft_peer pp = { .lport = FT_LPORT, .win = 65535 };
	struct tcp_opts o;
	struct ft_seg s;
	struct tcb *c;
	char buf[8];

	l3_eng.sysctl.tcp_syncookies = 2; /* every SYN gets a cookie */
	ft_syn_opts(&o);
	pp.port = FT_PPORT;
	ft_send_raw(&pp, 1, 0, TCP_SYN, &o, NULL, 0);
	cr_assert(ft_pop(&s));
	pp.ack = s.th.seq + 1;
	o.present = TCP_OPT_TS;
	o.tsval = 5001;
	o.tsecr = s.th.opt.tsval;
	ft_free(&s);
	ft_send_raw(&pp, 2, pp.ack, TCP_ACK, &o, "hi", 2);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtSyncookiesRecv, 1);
	cr_assert_eq(tcp_accept(ln, &c, NULL, NULL), 0);
	cr_assert_eq(c->state, TCPS_ESTABLISHED);
	cr_assert_eq(tcp_recv(c, buf, sizeof(buf), 0), 2);
}

/* A SYN through a full SYN queue; Return: the cookie SYN-ACK. */
static void cookie_synack(struct ft_peer *pp, const struct tcp_opts *o,
			  struct ft_seg *s)
{
	l3_eng.sysctl.tcp_syncookies = 2;
	memset(pp, 0, sizeof(*pp));
	pp->port = FT_PPORT;
	pp->lport = FT_LPORT;
	pp->win = 1000;
	ft_send_raw(pp, 1, 0, TCP_SYN, o, NULL, 0);
	cr_assert(ft_pop(s));
	cr_assert_eq(s->th.flags, TCP_SYN | TCP_ACK);
	pp->ack = s->th.seq + 1;
}

/*
 * RFC 7323 5.4 lets TSval be any monotonic value: the cookie SYN-ACK
 * hides the SYN's window scale and SACK-permitted in it, and the ACK's
 * TSecr brings them back, so the connection gets window scaling (RFC 7323
 * 2.2), SACK (RFC 2018 2) and timestamps (RFC 7323 3.2) after all.
 */
Test(tcp_input, syn_cookie_round_trip_restores_ws_sack_ts)
{
	struct tcb *ln = ft_listen(FT_LPORT, 100), *c;
	struct ft_peer pp;
	struct tcp_opts o;
	struct ft_seg s;

	ft_syn_opts(&o); /* MSS 1460, WS 7, SACK, TS */
	cookie_synack(&pp, &o, &s);
	cr_assert(s.th.opt.present & TCP_OPT_WS);
	cr_assert_eq(s.th.opt.ws, tcp_rcv_wscale(ln));
	cr_assert(s.th.opt.present & TCP_OPT_SACKOK);
	cr_assert_eq(s.th.opt.tsecr, 5000);
	cr_assert_eq(s.th.opt.tsval & TCP_SYNCOOKIE_TSMASK,
		     7 | TCP_SYNCOOKIE_SACK);
	o.present = TCP_OPT_TS;
	o.tsval = 5001;
	o.tsecr = s.th.opt.tsval;
	ft_free(&s);
	ft_advance_ms(30);
	ft_send_raw(&pp, 2, pp.ack, TCP_ACK, &o, NULL, 0);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtSyncookiesRecv, 1);
	cr_assert_eq(tcp_accept(ln, &c, NULL, NULL), 0);
	cr_assert(c->ws_ok && c->sack_ok && c->ts_ok);
	cr_assert_eq(c->snd_wscale, 7);
	cr_assert_eq(c->rcv_wscale, tcp_rcv_wscale(ln));
	cr_assert_eq(c->snd_wnd, 1000u << 7); /* RFC 7323 2.2: scaled */
	cr_assert_eq(c->ts_recent, 5001);
	cr_assert_eq(c->mss, 1460 - 12); /* RFC 7323 3.2: TS in every one */
	/* Our later TSvals continue monotonically from the SYN-ACK's. */
	cr_assert_eq(tcp_send(c, "x", 1, 0), 1);
	cr_assert(ft_pop(&s));
	cr_assert(s.th.opt.present & TCP_OPT_TS);
	cr_assert_geq((int32_t)(s.th.opt.tsval - o.tsecr), 0);
	ft_free(&s);
}

/* Without window scaling or SACK in the SYN, the cookie adds neither. */
Test(tcp_input, syn_cookie_keeps_absent_options_absent)
{
	struct tcb *ln = ft_listen(FT_LPORT, 100), *c;
	struct ft_peer pp;
	struct tcp_opts o;
	struct ft_seg s;

	ft_syn_opts(&o);
	o.present = TCP_OPT_MSS | TCP_OPT_TS;
	cookie_synack(&pp, &o, &s);
	cr_assert_eq(s.th.opt.present, TCP_OPT_MSS | TCP_OPT_TS);
	o.present = TCP_OPT_TS;
	o.tsecr = s.th.opt.tsval;
	ft_free(&s);
	ft_send_raw(&pp, 2, pp.ack, TCP_ACK, &o, NULL, 0);
	cr_assert_eq(tcp_accept(ln, &c, NULL, NULL), 0);
	cr_assert(!c->ws_ok && !c->sack_ok && c->ts_ok);
	cr_assert_eq(c->rcv_wscale, 0);
}

/* No timestamps in the SYN: as before, the cookie keeps the MSS only. */
Test(tcp_input, syn_cookie_without_timestamps_keeps_mss_only)
{
	struct tcb *ln = ft_listen(FT_LPORT, 100), *c;
	struct ft_peer pp;
	struct tcp_opts o;
	struct ft_seg s;

	ft_syn_opts(&o);
	o.present &= ~(uint32_t)TCP_OPT_TS;
	cookie_synack(&pp, &o, &s);
	cr_assert_eq(s.th.opt.present, TCP_OPT_MSS);
	ft_free(&s);
	ft_send_raw(&pp, 2, pp.ack, TCP_ACK, NULL, NULL, 0);
	cr_assert_eq(tcp_accept(ln, &c, NULL, NULL), 0);
	cr_assert(!c->ws_ok && !c->sack_ok && !c->ts_ok);
	cr_assert_eq(c->peer_mss, 1460);
}

/*
 * A TSecr with other option bits than the cookie was made for (forged to
 * switch options on), or one older than the cookie lifetime, is refused.
 */
Test(tcp_input, syn_cookie_forged_or_stale_echo_is_refused)
{
	struct ft_peer pp;
	struct tcp_opts o;
	struct ft_seg s;
	uint32_t tsval;

	ft_listen(FT_LPORT, 100);
	ft_syn_opts(&o);
	o.present &= ~(uint32_t)TCP_OPT_SACKOK;
	cookie_synack(&pp, &o, &s);
	tsval = s.th.opt.tsval;
	ft_free(&s);
	o.present = TCP_OPT_TS;
	o.tsecr = tsval | TCP_SYNCOOKIE_SACK; /* claim SACK */
	ft_send_raw(&pp, 2, pp.ack, TCP_ACK, &o, NULL, 0);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtSyncookiesFailed, 1);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.flags, TCP_RST);
	ft_free(&s);
	/* No TSecr at all, though the cookie was made with timestamps. */
	ft_send_raw(&pp, 2, pp.ack, TCP_ACK, NULL, NULL, 0);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtSyncookiesFailed, 2);
	ft_drain();
	/* The right echo, but after the cookie's lifetime. */
	ft_advance_ms(TCP_SYNCOOKIE_MAX_AGE * TCP_SYNCOOKIE_PERIOD_US / 1000 +
		      1000);
	o.tsecr = tsval;
	ft_send_raw(&pp, 2, pp.ack, TCP_ACK, &o, NULL, 0);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtSyncookiesFailed, 3);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtSyncookiesRecv, 0);
	ft_drain();
}

/* A forged cookie ACK is refused with a RST. */
Test(tcp_input, bad_cookie_ack_gets_rst)
{
	struct ft_peer pp = { .port = FT_PPORT,
			      .lport = FT_LPORT,
			      .win = 65535 };
	struct ft_seg s;

	ft_listen(FT_LPORT, 10);
	ft_send_raw(&pp, 2, 123456, TCP_ACK, NULL, NULL, 0);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtSyncookiesFailed, 1);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.flags, TCP_RST);
	cr_assert_eq(s.th.seq, 123456);
	ft_free(&s);
}

/* ---- TIME-WAIT reuse (RFC 6191) ---- */

static struct tcb *time_wait_closed_by_app(struct ft_peer *pp)
{
	struct tcb *c = drive(pp, TCPS_TIME_WAIT);

	tcp_close(c);
	c = tcp_lookup(&l3_eng, L3_US, FT_LPORT, L3_PEER, FT_PPORT);
	cr_assert_not_null(c);
	cr_assert_eq(c->state, TCPS_TIME_WAIT);
	return c;
}

/* RFC 6191 2: a SYN with a newer timestamp reopens the pair. */
Test(tcp_input, time_wait_reused_by_newer_timestamp)
{
	struct ft_peer pp;
	struct tcp_opts o;
	struct ft_seg s;

	time_wait_closed_by_app(&pp);
	ft_syn_opts(&o);
	o.tsval = pp.tsval + 1000;
	ft_send_raw(&pp, pp.seq - 5000, 0, TCP_SYN, &o, NULL, 0);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.flags, TCP_SYN | TCP_ACK);
	ft_free(&s);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPTimeWaitReuse, 1);
}

/* RFC 6191 2: an older timestamp gets no new connection. */
Test(tcp_input, time_wait_not_reused_by_old_timestamp)
{
	struct ft_peer pp;
	struct tcp_opts o;
	struct tcb *c;

	c = time_wait_closed_by_app(&pp);
	ft_syn_opts(&o);
	o.tsval = 1;
	ft_send_raw(&pp, pp.seq + 5000, 0, TCP_SYN, &o, NULL, 0);
	cr_assert_eq(c->state, TCPS_TIME_WAIT);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPTimeWaitReuse, 0);
}

/* ---- loss recovery ---- */

static struct tcb *sender(struct ft_peer *pp, bool sack, size_t nseg)
{
	struct tcp_opts o;
	struct tcb *c;
	static uint8_t data[64 * 1448];

	ft_syn_opts(&o);
	if (!sack)
		o.present &= ~TCP_OPT_SACKOK;
	c = ft_passive(pp, ft_listen(FT_LPORT, 4), &o);
	c->nodelay = true;
	cr_assert_eq(tcp_send(c, data, nseg * c->mss, 0),
		     (ssize_t)(nseg * c->mss));
	return c;
}

/*
 * RFC 7323 5.3 guards data: duplicate ACKs overtaken by a newer one (an
 * older TSval, within an RTO) are not PAWS-dropped, so their SACK blocks
 * still start recovery (RFC 6675); an old one with data, or a TSval older
 * than an RTO, still is.
 */
Test(tcp_input, reordered_duplicate_acks_pass_paws)
{
	struct ft_peer pp;
	struct tcb *c = sender(&pp, true, 8);
	uint32_t una = c->snd_una, mss = c->mss, recent;
	struct tcp_opts o = { 0 };
	struct ft_seg s;

	ft_drain();
	/* A newer ACK first: TS.Recent moves to its TSval. */
	ft_send(&pp, TCP_ACK, NULL, 0);
	recent = c->ts_recent;
	cr_assert_eq(recent, pp.tsval - 1);
	o.present = TCP_OPT_SACK | TCP_OPT_TS;
	o.tsecr = pp.tsecr;
	o.sack_n = 1;
	for (uint32_t i = 1; i <= 4; i++) {
		o.tsval = recent - 5 + i; /* older than TS.Recent */
		o.sack[0].start = una + mss;
		o.sack[0].end = una + (i + 1) * mss;
		ft_send_raw(&pp, pp.seq, una, TCP_ACK, &o, NULL, 0);
	}
	cr_assert_eq(l3_eng.stats.tcp.TcpExtPAWSEstab, 0);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPSackRecovery, 1);
	cr_assert_eq(c->ts_recent, recent, "an old TSval must not move it");
	ft_drain();
	/* Older than an RTO (in ms): from another incarnation. */
	o.sack_n = 0;
	o.present = TCP_OPT_TS;
	o.tsval = recent - c->rto.rto_us / 1000 - 1;
	ft_send_raw(&pp, pp.seq, una, TCP_ACK, &o, NULL, 0);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtPAWSEstab, 1);
	/* With data: PAWS protects it. */
	o.tsval = recent - 1;
	ft_send_raw(&pp, pp.seq, una, TCP_ACK, &o, "old", 3);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtPAWSEstab, 2);
	cr_assert_eq(c->rcv.len, 0);
	/* Changing the window: not a plain duplicate. */
	pp.win = (uint16_t)(pp.win - 1);
	ft_send_raw(&pp, pp.seq, una, TCP_ACK, &o, NULL, 0);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtPAWSEstab, 3);
	while (ft_pop(&s))
		ft_free(&s);
}

/* RFC 5681 3.2: three duplicate ACKs retransmit the first segment. */
Test(tcp_input, fast_retransmit_on_three_dupacks)
{
	struct ft_peer pp;
	struct tcb *c = sender(&pp, false, 8);
	uint32_t una = c->snd_una;
	struct ft_seg s;

	ft_drain();
	for (int i = 0; i < 3; i++)
		ft_send(&pp, TCP_ACK, NULL, 0);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPFastRetrans, 1);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPRenoRecovery, 1);
	cr_assert(c->cc.in_recovery);
	/* The last segment out is the retransmission of SND.UNA. */
	{
		bool found = false;

		while (ft_pop(&s)) {
			if (s.th.seq == una && s.th.payload_len)
				found = true;
			ft_free(&s);
		}
		cr_assert(found);
	}
}

/* RFC 3042: the first two dupacks each release one new segment. */
Test(tcp_input, limited_transmit_on_first_dupacks)
{
	struct ft_peer pp;
	struct tcb *c;
	static uint8_t more[2 * 1448];
	struct ft_seg s;
	uint32_t nxt;

	c = sender(&pp, false, 10); /* IW10 fills cwnd */
	tcp_send(c, more, sizeof(more), 0);
	ft_drain();
	nxt = c->snd_nxt;
	ft_send(&pp, TCP_ACK, NULL, 0);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.seq, nxt);
	ft_free(&s);
}

/* RFC 6675 5: SACK blocks drive recovery; the hole is retransmitted. */
Test(tcp_input, sack_recovery_retransmits_the_hole)
{
	struct ft_peer pp;
	struct tcb *c = sender(&pp, true, 8);
	uint32_t una = c->snd_una, mss = c->mss;
	struct tcp_opts o = { 0 };
	struct ft_seg s;
	bool found = false;

	ft_drain();
	o.present = TCP_OPT_SACK;
	o.sack_n = 1;
	for (uint32_t i = 1; i <= 4; i++) {
		o.sack[0].start = una + mss;
		o.sack[0].end = una + (i + 1) * mss;
		ft_send_raw(&pp, pp.seq, una, TCP_ACK, &o, NULL, 0);
	}
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPSackRecovery, 1);
	while (ft_pop(&s)) {
		if (s.th.seq == una)
			found = true;
		ft_free(&s);
	}
	cr_assert(found);
	cr_assert_gt(l3_eng.stats.tcp.TcpRetransSegs, 0);
}

/* RFC 6582 3.2 step 5: a partial ACK retransmits the next hole. */
Test(tcp_input, newreno_partial_ack_retransmits_next)
{
	struct ft_peer pp;
	struct tcb *c = sender(&pp, false, 8);
	uint32_t una = c->snd_una, mss = c->mss;
	struct ft_seg s;
	bool found = false;

	ft_drain();
	for (int i = 0; i < 3; i++)
		ft_send(&pp, TCP_ACK, NULL, 0);
	ft_drain();
	pp.ack = una + 2 * mss;
	ft_send(&pp, TCP_ACK, NULL, 0);
	while (ft_pop(&s)) {
		if (s.th.seq == una + 2 * mss)
			found = true;
		ft_free(&s);
	}
	cr_assert(found);
}

/* A new ACK advances SND.UNA and frees the acknowledged bytes. */
Test(tcp_input, ack_frees_send_buffer)
{
	struct ft_peer pp;
	struct tcb *c = sender(&pp, true, 4);

	ft_drain();
	pp.ack += 2 * c->mss;
	ft_send(&pp, TCP_ACK, NULL, 0);
	cr_assert_eq(c->snd.len, (size_t)2 * c->mss);
	cr_assert_eq(c->bytes_acked, (uint64_t)2 * c->mss);
}

/* Linux (tcp_rcv_state_process): data for a closed socket gets a RST. */
Test(tcp_input, data_after_close_gets_rst)
{
	struct ft_peer pp;
	struct tcb *c = drive(&pp, TCPS_FIN_WAIT_2);
	struct ft_seg s;

	tcp_close(c);
	ft_send(&pp, TCP_ACK, "late", 4);
	cr_assert(ft_pop(&s));
	cr_assert(s.th.flags & TCP_RST);
	ft_free(&s);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPAbortOnData, 1);
	cr_assert_null(tcp_lookup(&l3_eng, L3_US, FT_LPORT, L3_PEER, FT_PPORT));
}

/* RFC 1191 / RFC 1122 4.2.3.9: ICMP frag-needed shrinks the MSS. */
Test(tcp_input, icmp_frag_needed_lowers_mss)
{
	struct ft_peer pp;
	struct tcb *c = sender(&pp, true, 2);
	struct ipv4_view inner = { 0 };
	uint8_t quote[28] = { 0 };

	ft_drain();
	route4_pmtu_update(&l3_eng, l3_if, L3_PEER, 1000, 0);
	st_be16(quote, FT_LPORT);
	st_be16(quote + 2, FT_PPORT);
	inner.src = L3_US;
	inner.dst = L3_PEER;
	inner.proto = IPV4_PROTO_TCP;
	inner.payload = quote;
	inner.payload_len = 8;
	tcp_err(&l3_eng, &inner, EMSGSIZE, false);
	cr_assert_eq(c->mss, 1000 - 40 - 12);
}

/* ---- loss recovery: new episodes, PRR's first ACK, undo ---- */

/* Run the clock until the retransmission timer (after the probe) fires. */
static void rto_fires(void)
{
	for (int ms = 0; ms < 5000 && !l3_eng.stats.tcp.TcpExtTCPTimeouts; ms++)
		ft_advance_ms(1);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPTimeouts, 1);
}

/* The peer ACKs @ack and SACKs [@from, @to), if not empty (no TS). */
static void sack_ack(struct ft_peer *pp, uint32_t ack, uint32_t from,
		     uint32_t to)
{
	struct tcp_opts o = { .present = TCP_OPT_SACK, .sack_n = 1 };

	if (from == to)
		o.present = 0;
	o.sack[0].start = from;
	o.sack[0].end = to;
	ft_send_raw(pp, pp->seq, ack, TCP_ACK, &o, NULL, 0);
}

/* Was a segment starting at @seq sent (retransmitted) since the last pop? */
static bool sent_seq(uint32_t seq, uint32_t *max_end)
{
	struct ft_seg s;
	bool found = false;

	while (ft_pop(&s)) {
		if (s.th.seq == seq && s.th.payload_len)
			found = true;
		if (max_end && seq_gt(s.th.seq + s.th.payload_len, *max_end))
			*max_end = s.th.seq + s.th.payload_len;
		ft_free(&s);
	}
	return found;
}

/*
 * RFC 6937 3.1 (PRR-SSRB): the ACK that starts recovery counts its
 * DeliveredData, so with the pipe below ssthresh one new segment follows
 * the retransmission (its ACK lets RACK judge the retransmission, RFC
 * 8985 6.2, before the timer must).
 */
Test(tcp_input, recovery_start_sends_new_data_after_the_retransmission)
{
	struct ft_peer pp;
	struct tcb *c = sender(&pp, true, 14); /* 10 sent, 4 queued */
	uint32_t una = c->snd_una, mss = c->mss, top = c->snd_max;

	ft_drain();
	cr_assert_eq(top, una + 10 * mss);
	sack_ack(&pp, una, una + mss, una + 5 * mss);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPSackRecovery, 1);
	cr_assert(sent_seq(una, NULL), "the hole is retransmitted");
	cr_assert(seq_gt(c->snd_max, top), "and new data follows it");
}

/*
 * RFC 6675 5 (RecoveryPoint): once an ACK covers the last recovery, a
 * loss among the segments sent during it is a new episode, found by the
 * SACKs (RFC 8985), not left to the retransmission timer.
 */
Test(tcp_input, loss_past_recovery_point_starts_a_new_recovery)
{
	struct ft_peer pp;
	struct tcb *c = sender(&pp, true, 30);
	uint32_t una = c->snd_una, mss = c->mss, end;

	ft_drain();
	sack_ack(&pp, una, una + mss, una + 5 * mss);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPSackRecovery, 1);
	ft_drain();
	/* Everything up to RecoveryPoint arrives: recovery ends. */
	sack_ack(&pp, una + 10 * mss, una + 10 * mss, una + 10 * mss);
	cr_assert_not(c->sb.in_recovery);
	end = c->snd_max;
	cr_assert(seq_geq(end, una + 12 * mss), "sent during recovery");
	/* The first segment sent during recovery was lost. */
	sack_ack(&pp, una + 10 * mss, una + 11 * mss, end);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPSackRecovery, 2);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPTimeouts, 0);
	cr_assert(sent_seq(una + 10 * mss, NULL));
}

/*
 * RFC 3708 3.2, RFC 9438 4.9: when the retransmission comes back
 * D-SACKed, the original had arrived (reordering, not loss): the
 * reduction is undone.
 */
Test(tcp_input, dsack_of_every_retransmission_undoes_the_reduction)
{
	struct ft_peer pp;
	struct tcb *c = sender(&pp, true, 14);
	uint32_t una = c->snd_una, mss = c->mss, cwnd = c->cc.cwnd;

	ft_drain();
	sack_ack(&pp, una, una + mss, una + 5 * mss);
	cr_assert_lt(c->cc.cwnd, cwnd);
	ft_drain();
	/* The original arrives late; then the retransmission, twice. */
	sack_ack(&pp, una + 10 * mss, una + 10 * mss, una + 10 * mss);
	cr_assert_lt(c->cc.cwnd, cwnd, "a cumulative ACK proves nothing");
	sack_ack(&pp, una + 10 * mss, una, una + mss);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPDSACKUndo, 1);
	cr_assert_geq(c->cc.cwnd, cwnd);
}

/*
 * RFC 3522 2 (Eifel): after a timeout, an ACK that echoes the TSval of
 * the original transmission shows the timeout was spurious: cwnd and
 * ssthresh come back, and the rest of go-back-N is not resent.
 */
Test(tcp_input, ack_echoing_the_original_undoes_a_timeout)
{
	struct ft_peer pp;
	struct tcb *c = sender(&pp, true, 4);
	uint32_t una = c->snd_una, mss = c->mss, cwnd = c->cc.cwnd;
	uint32_t orig_tsval;
	struct ft_seg s;

	cr_assert(pp.ts);
	cr_assert(ft_pop(&s));
	orig_tsval = s.th.opt.tsval;
	ft_free(&s);
	ft_drain();
	rto_fires();
	cr_assert_eq(c->cc.cwnd, mss);
	cr_assert(sent_seq(una, NULL));
	pp.tsecr = orig_tsval;
	pp.ack = una + 4 * mss;
	ft_send(&pp, TCP_ACK, NULL, 0);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPLossUndo, 1);
	cr_assert_geq(c->cc.cwnd, cwnd);
	cr_assert_eq(c->snd_nxt, c->snd_max);
}

/* The echo of the retransmission itself: the loss was real. */
Test(tcp_input, ack_echoing_the_retransmission_keeps_the_reduction)
{
	struct ft_peer pp;
	struct tcb *c = sender(&pp, true, 4);
	uint32_t una = c->snd_una, mss = c->mss;
	struct ft_seg s;
	uint32_t rxt_tsval = 0;

	ft_drain();
	rto_fires();
	while (ft_pop(&s)) {
		if (s.th.seq == una && s.th.payload_len)
			rxt_tsval = s.th.opt.tsval;
		ft_free(&s);
	}
	cr_assert_neq(rxt_tsval, 0);
	pp.tsecr = rxt_tsval;
	pp.ack = una + mss;
	ft_send(&pp, TCP_ACK, NULL, 0);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPLossUndo, 0);
	cr_assert_lt(c->cc.cwnd, 4 * mss);
}

/*
 * RFC 9293 3.7.1, RFC 2018 3: a data segment that also reports
 * out-of-order data carries the SACK option inside the same MTU, so its
 * payload shrinks by the option; without that the datagram is too big
 * for the path and IPv4 refuses it (DF), silently losing every data
 * segment of a two-way transfer over a lossy path.
 */
Test(tcp_input, data_segment_with_sack_blocks_fits_the_mtu)
{
	struct ft_peer pp;
	struct tcb *c = sender(&pp, true, 0);
	static uint8_t data[4 * 1448];
	uint32_t mss = c->mss, budget = c->mss + 12; /* MSS + timestamps */
	struct ft_seg s;
	int n = 0;

	cr_assert(c->ts_ok);
	ft_send_raw(&pp, pp.seq + 100, pp.ack, TCP_ACK, NULL, "late", 4);
	ft_send_raw(&pp, pp.seq + 300, pp.ack, TCP_ACK, NULL, "later", 5);
	ft_drain();
	cr_assert_eq(tcp_send(c, data, sizeof(data), 0), (ssize_t)sizeof(data));
	while (ft_pop(&s)) {
		if (s.th.payload_len) {
			uint32_t opts = s.th.doff * 4u - 20u;

			cr_assert(s.th.opt.present & TCP_OPT_SACK);
			cr_assert_leq(s.th.payload_len + opts, budget,
				      "segment %d: %zu + %u > %u", n,
				      s.th.payload_len, opts, budget);
			n++;
		}
		ft_free(&s);
	}
	cr_assert_geq(n, 4);
	cr_assert_eq(l3_eng.stats.ip.IpFragFails, 0);
	cr_assert_eq(tcp_seg_mss(c), mss - (4 + 8 * 2), "two blocks");
}
