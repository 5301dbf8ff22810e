// SPDX-License-Identifier: MIT
/*
 * test_tcp_output.c - what the engine sends: Nagle, cork, windows, the
 * initial window, FIN placement, window updates
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "fake_tcp.h"
#include "testutil.h"

TestSuite(tcp_output, .init = ft_setup, .fini = ft_teardown);

static uint8_t big[256 * 1024];

static struct tcb *estab(struct ft_peer *pp)
{
	return ft_passive(pp, ft_listen(FT_LPORT, 16), NULL);
}

static size_t count_payload(size_t *segs)
{
	struct ft_seg s;
	size_t bytes = 0;

	*segs = 0;
	while (ft_pop(&s)) {
		bytes += s.th.payload_len;
		if (s.th.payload_len)
			(*segs)++;
		ft_free(&s);
	}
	return bytes;
}

/* RFC 9293 3.7.4: a small segment waits while data is unacknowledged. */
Test(tcp_output, nagle_holds_small_segment_while_unacked)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	size_t segs;

	tcp_send(c, "a", 1, 0);
	cr_assert_eq(count_payload(&segs), 1);
	tcp_send(c, "b", 1, 0);
	cr_assert_eq(count_payload(&segs), 0);
	cr_assert_eq(c->snd.len, 2);
}

/* RFC 9293 3.7.4: the ACK of outstanding data releases what was held. */
Test(tcp_output, nagle_releases_on_ack)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	size_t segs;

	tcp_send(c, "a", 1, 0);
	tcp_send(c, "bc", 2, 0);
	ft_drain();
	pp.ack += 1;
	ft_send(&pp, TCP_ACK, NULL, 0);
	cr_assert_eq(count_payload(&segs), 2);
}

/* TCP_NODELAY turns Nagle off. */
Test(tcp_output, nodelay_sends_small_segments_at_once)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	int one = 1;
	size_t segs;

	cr_assert_eq(
		tcp_setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)),
		0);
	tcp_send(c, "a", 1, 0);
	tcp_send(c, "b", 1, 0);
	cr_assert_eq(count_payload(&segs), 2);
	cr_assert_eq(segs, 2);
}

/* TCP_CORK: hold partial segments until uncorked. */
Test(tcp_output, cork_holds_until_uncork)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	int on = 1, off = 0;
	size_t segs;

	tcp_setsockopt(c, IPPROTO_TCP, TCP_CORK, &on, sizeof(on));
	tcp_send(c, "head", 4, 0);
	cr_assert_eq(count_payload(&segs), 0);
	tcp_setsockopt(c, IPPROTO_TCP, TCP_CORK, &off, sizeof(off));
	cr_assert_eq(count_payload(&segs), 4);
}

/* TCP_CORK still lets full-sized segments go. */
Test(tcp_output, cork_sends_full_segments)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	int on = 1;
	size_t segs;

	tcp_setsockopt(c, IPPROTO_TCP, TCP_CORK, &on, sizeof(on));
	tcp_send(c, big, c->mss + 10, 0);
	cr_assert_eq(count_payload(&segs), c->mss);
	cr_assert_eq(segs, 1);
}

/* RFC 6928: the initial window is 10 segments. */
Test(tcp_output, initial_window_is_ten_segments)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	size_t segs;

	tcp_send(c, big, (size_t)20 * c->mss, 0);
	cr_assert_eq(count_payload(&segs), (size_t)10 * c->mss);
	cr_assert_eq(segs, 10);
}

/* RFC 9293 3.8.6: never beyond the peer's window; and (3.8.6.2.1)
 * no runt to fill its last 1112 bytes while the window once was large. */
Test(tcp_output, send_respects_peer_window)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	size_t segs;

	pp.win = 20; /* << 7 = 2560 bytes */
	ft_send(&pp, TCP_ACK, NULL, 0);
	c->nodelay = true;
	tcp_send(c, big, 10000, 0);
	cr_assert_eq(count_payload(&segs), c->mss);
	cr_assert_leq(c->snd_nxt - c->snd_una, 2560);
}

/* RFC 5681 3.1: each ACK in slow start grows cwnd (while cwnd is what
 * limits the sender). */
Test(tcp_output, slow_start_grows_cwnd)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	uint32_t cwnd = c->cc.cwnd;

	tcp_send(c, big, (size_t)20 * c->mss, 0);
	ft_drain();
	pp.ack += 4 * c->mss;
	ft_send(&pp, TCP_ACK, NULL, 0);
	cr_assert_gt(c->cc.cwnd, cwnd);
}

/* RFC 7661 in spirit: an application-limited sender does not grow cwnd
 * beyond twice what it had in flight. */
Test(tcp_output, app_limited_sender_keeps_cwnd)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	uint32_t cwnd = c->cc.cwnd;

	tcp_send(c, big, (size_t)2 * c->mss, 0);
	ft_drain();
	pp.ack += 2 * c->mss;
	ft_send(&pp, TCP_ACK, NULL, 0);
	cr_assert_eq(c->cc.cwnd, cwnd);
}

/* RFC 9293 3.10.4: the FIN rides on the last data segment. */
Test(tcp_output, fin_piggybacks_on_last_data)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	tcp_send(c, "bye", 3, 0);
	ft_drain();
	pp.ack += 3;
	ft_send(&pp, TCP_ACK, NULL, 0);
	c->cork = true; /* hold "end" so that the FIN can join it */
	tcp_send(c, "end", 3, 0);
	tcp_shutdown(c, SHUT_WR);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.payload_len, 3);
	cr_assert(s.th.flags & TCP_FIN);
	ft_free(&s);
}

/* RFC 9293 3.10.4: the FIN waits for queued data, then follows it. */
Test(tcp_output, fin_follows_queued_data)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;
	uint32_t last_seq = 0;
	bool fin = false;

	tcp_send(c, big, (size_t)12 * c->mss, 0);
	tcp_shutdown(c, SHUT_WR);
	ft_drain();
	pp.ack += 10 * c->mss;
	ft_send(&pp, TCP_ACK, NULL, 0);
	while (ft_pop(&s)) {
		if (s.th.flags & TCP_FIN) {
			fin = true;
			last_seq = s.th.seq + (uint32_t)s.th.payload_len;
		}
		ft_free(&s);
	}
	cr_assert(fin);
	cr_assert_eq(last_seq, c->snd_una + 2 * c->mss);
}

/* RFC 9293 3.8.6.2.2: reading a little does not advertise a tiny
 * window increase. */
Test(tcp_output, receiver_sws_no_tiny_window_update)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	char b[8];

	ft_send(&pp, TCP_ACK, "abcdefgh", 8);
	ft_drain();
	cr_assert_eq(tcp_recv(c, b, 8, 0), 8);
	cr_assert_eq(ft_drain(), 0);
}

/* RFC 9293 3.8.6.2.2: once the buffer drains enough, a window update. */
Test(tcp_output, window_update_after_reading_a_full_buffer)
{
	struct ft_peer pp;
	struct tcb *c;
	static uint8_t buf[300000];
	size_t got;

	c = estab(&pp);
	/* Fill exactly what was offered (the edge is a multiple of the
	 * window scale's unit, so a few bytes of buffer stay unoffered). */
	while (seq_lt(pp.seq, c->rcv_adv)) {
		uint32_t k = c->rcv_adv - pp.seq;

		ft_send(&pp, TCP_ACK, big, k < 1448 ? k : 1448);
	}
	ft_drain();
	cr_assert_lt(tcp_rcv_space(c), 1u << c->rcv_wscale);
	got = c->rcv.len;
	cr_assert_eq(tcp_recv(c, buf, sizeof(buf), 0), (ssize_t)got);
	cr_assert_eq(ft_drain(), 1);
	cr_assert_gt(c->rcv_wnd, got / 2);
}

/* RFC 9293 3.8.6: the advertised right edge never moves left. */
Test(tcp_output, window_never_shrinks)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	uint32_t edge = c->rcv_adv;

	ft_send(&pp, TCP_ACK, big, 1000);
	cr_assert(seq_geq(c->rcv_adv, edge));
}

/* RFC 1191: every segment carries DF (asserted in ft_pop) and the
 * payload checksum is right; large sends become MSS-sized segments. */
Test(tcp_output, segments_are_mss_sized)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	tcp_send(c, big, (size_t)5 * c->mss, 0);
	while (ft_pop(&s)) {
		cr_assert_eq(s.th.payload_len, c->mss);
		cr_assert(s.th.opt.present & TCP_OPT_TS);
		ft_free(&s);
	}
}

/* MSG_MORE corks one call, as in Linux. */
Test(tcp_output, msg_more_holds_partial_segment)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	size_t segs;

	tcp_send(c, "part", 4, MSG_MORE);
	cr_assert_eq(count_payload(&segs), 0);
	tcp_send(c, "rest", 4, 0);
	cr_assert_eq(count_payload(&segs), 8);
}
