// SPDX-License-Identifier: MIT
/*
 * test_tcp_sock.c - the engine-level TCP socket calls: errno values,
 * options, TCP_INFO, readiness, close semantics
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <json-c/json.h>
#include <netinet/tcp.h>

#include "fake_tcp.h"
#include "route.h"
#include "testutil.h"

TestSuite(tcp_sock, .init = ft_setup, .fini = ft_teardown);

static struct sockaddr_in sin4(uint32_t a, uint16_t port)
{
	struct sockaddr_in s = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(a) };

	return s;
}

#define SA(s) ((struct sockaddr *)(void *)&(s))

static struct tcb *sock(void)
{
	struct tcb *c;

	cr_assert_eq(tcp_socket(&l3_eng, &c), 0);
	return c;
}

static struct tcb *estab(struct ft_peer *pp)
{
	return ft_passive(pp, ft_listen(FT_LPORT, 16), NULL);
}

Test(tcp_sock, bind_port_in_use_is_eaddrinuse)
{
	struct sockaddr_in a = sin4(0, 5000);

	cr_assert_eq(tcp_bind(sock(), SA(a), sizeof(a)), 0);
	cr_assert_eq(tcp_bind(sock(), SA(a), sizeof(a)), -EADDRINUSE);
}

Test(tcp_sock, bind_twice_is_einval)
{
	struct sockaddr_in a = sin4(0, 5000), b = sin4(0, 5001);
	struct tcb *c = sock();

	cr_assert_eq(tcp_bind(c, SA(a), sizeof(a)), 0);
	cr_assert_eq(tcp_bind(c, SA(b), sizeof(b)), -EINVAL);
}

Test(tcp_sock, bind_foreign_address_is_eaddrnotavail)
{
	struct sockaddr_in a = sin4(IP4(198, 51, 100, 7), 5000);

	cr_assert_eq(tcp_bind(sock(), SA(a), sizeof(a)), -EADDRNOTAVAIL);
}

Test(tcp_sock, bind_port_zero_picks_ephemeral)
{
	struct sockaddr_in a = sin4(0, 0), got;
	socklen_t len = sizeof(got);
	struct tcb *c = sock();

	cr_assert_eq(tcp_bind(c, SA(a), sizeof(a)), 0);
	tcp_getsockname(c, SA(got), &len);
	cr_assert_geq(ntohs(got.sin_port), 32768);
}

Test(tcp_sock, bind_short_address_is_einval)
{
	struct sockaddr_in a = sin4(0, 5000);

	cr_assert_eq(tcp_bind(sock(), SA(a), 4), -EINVAL);
}

Test(tcp_sock, reuseaddr_lets_two_bind)
{
	struct sockaddr_in a = sin4(0, 5000);
	struct tcb *c1 = sock(), *c2 = sock();
	int one = 1;

	tcp_setsockopt(c1, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	tcp_setsockopt(c2, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	cr_assert_eq(tcp_bind(c1, SA(a), sizeof(a)), 0);
	cr_assert_eq(tcp_bind(c2, SA(a), sizeof(a)), 0);
}

Test(tcp_sock, listen_unbound_autobinds)
{
	struct tcb *c = sock();

	cr_assert_eq(tcp_listen(c, 5), 0);
	cr_assert_geq(c->key.lport, 32768);
	cr_assert_eq(c->state, TCPS_LISTEN);
}

Test(tcp_sock, second_listener_on_port_is_eaddrinuse)
{
	struct sockaddr_in a = sin4(0, 5000);
	struct tcb *c1 = sock(), *c2 = sock();
	int one = 1;

	tcp_setsockopt(c1, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	tcp_setsockopt(c2, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	tcp_bind(c1, SA(a), sizeof(a));
	tcp_bind(c2, SA(a), sizeof(a));
	cr_assert_eq(tcp_listen(c1, 5), 0);
	cr_assert_eq(tcp_listen(c2, 5), -EADDRINUSE);
}

Test(tcp_sock, accept_on_empty_queue_is_eagain)
{
	struct tcb *ln = ft_listen(FT_LPORT, 4), *c;

	cr_assert_eq(tcp_accept(ln, &c, NULL, NULL), -EAGAIN);
}

Test(tcp_sock, accept_on_non_listener_is_einval)
{
	struct tcb *c;

	cr_assert_eq(tcp_accept(sock(), &c, NULL, NULL), -EINVAL);
}

Test(tcp_sock, accept_reports_peer_address)
{
	struct tcb *ln = ft_listen(FT_LPORT, 4), *c;
	struct ft_peer pp;
	struct tcp_opts o;
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	struct ft_seg s;

	ft_syn_opts(&o);
	pp = (struct ft_peer){ .port = FT_PPORT,
			       .lport = FT_LPORT,
			       .win = 65535 };
	ft_send_raw(&pp, 1, 0, TCP_SYN, &o, NULL, 0);
	cr_assert(ft_pop(&s));
	ft_send_raw(&pp, 2, s.th.seq + 1, TCP_ACK, NULL, NULL, 0);
	ft_free(&s);
	cr_assert_eq(tcp_accept(ln, &c, SA(peer), &len), 0);
	cr_assert_eq(ntohl(peer.sin_addr.s_addr), L3_PEER);
	cr_assert_eq(ntohs(peer.sin_port), FT_PPORT);
}

Test(tcp_sock, connect_twice_is_ealready)
{
	struct sockaddr_in a = sin4(L3_PEER, 80);
	struct tcb *c = sock();

	cr_assert_eq(tcp_connect(c, SA(a), sizeof(a)), -EINPROGRESS);
	cr_assert_eq(tcp_connect(c, SA(a), sizeof(a)), -EALREADY);
}

Test(tcp_sock, connect_when_connected_is_eisconn)
{
	struct ft_peer pp;
	struct tcb *c = ft_active(&pp, NULL);
	struct sockaddr_in a = sin4(L3_PEER, 80);

	cr_assert_eq(tcp_connect(c, SA(a), sizeof(a)), -EISCONN);
}

Test(tcp_sock, connect_unroutable_is_enetunreach)
{
	struct sockaddr_in a = sin4(IP4(10, 9, 9, 9), 80);
	struct tcb *c = sock();

	route4_del(&l3_eng, 0, 0);
	cr_assert_eq(tcp_connect(c, SA(a), sizeof(a)), -ENETUNREACH);
}

Test(tcp_sock, connect_on_listener_is_einval)
{
	struct sockaddr_in a = sin4(L3_PEER, 80);

	cr_assert_eq(tcp_connect(ft_listen(FT_LPORT, 1), SA(a), sizeof(a)),
		     -EINVAL);
}

Test(tcp_sock, send_before_connect_is_enotconn)
{
	cr_assert_eq(tcp_send(sock(), "x", 1, 0), -ENOTCONN);
}

Test(tcp_sock, send_while_connecting_is_eagain)
{
	struct sockaddr_in a = sin4(L3_PEER, 80);
	struct tcb *c = sock();

	tcp_connect(c, SA(a), sizeof(a));
	cr_assert_eq(tcp_send(c, "x", 1, 0), -EAGAIN);
}

Test(tcp_sock, send_after_shutdown_is_epipe)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);

	cr_assert_eq(tcp_shutdown(c, SHUT_WR), 0);
	cr_assert_eq(tcp_send(c, "x", 1, 0), -EPIPE);
}

Test(tcp_sock, send_after_reset_reports_econnreset_then_epipe)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);

	ft_send(&pp, TCP_RST, NULL, 0);
	cr_assert_eq(tcp_send(c, "x", 1, 0), -ECONNRESET);
	cr_assert_eq(tcp_send(c, "x", 1, 0), -EPIPE);
}

Test(tcp_sock, send_buffer_full_is_eagain)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	static uint8_t big[1 << 20];
	ssize_t n;

	pp.win = 0;
	ft_send(&pp, TCP_ACK, NULL, 0);
	n = tcp_send(c, big, sizeof(big), 0);
	cr_assert_eq((size_t)n, c->snd.cap);
	cr_assert_eq(tcp_send(c, big, 1, 0), -EAGAIN);
	cr_assert_not(tcp_poll(c) & TCP_POLL_OUT);
}

Test(tcp_sock, recv_peek_leaves_data)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	char b[8];

	ft_send(&pp, TCP_ACK, "peek", 4);
	cr_assert_eq(tcp_recv(c, b, sizeof(b), MSG_PEEK), 4);
	cr_assert_eq(tcp_recv(c, b, sizeof(b), 0), 4);
	cr_assert_eq(memcmp(b, "peek", 4), 0);
	cr_assert_eq(tcp_recv(c, b, sizeof(b), 0), -EAGAIN);
}

Test(tcp_sock, recv_at_eof_returns_zero)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	char b[8];

	ft_send(&pp, TCP_FIN, "end", 3);
	cr_assert_eq(tcp_recv(c, b, sizeof(b), 0), 3);
	cr_assert_eq(tcp_recv(c, b, sizeof(b), 0), 0);
}

Test(tcp_sock, recv_on_listener_is_enotconn)
{
	char b;

	cr_assert_eq(tcp_recv(ft_listen(FT_LPORT, 1), &b, 1, 0), -ENOTCONN);
}

Test(tcp_sock, shutdown_rd_makes_recv_return_zero)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	char b;

	cr_assert_eq(tcp_shutdown(c, SHUT_RD), 0);
	cr_assert_eq(tcp_recv(c, &b, 1, 0), 0);
}

Test(tcp_sock, shutdown_unconnected_is_enotconn)
{
	cr_assert_eq(tcp_shutdown(sock(), SHUT_WR), -ENOTCONN);
}

Test(tcp_sock, shutdown_bad_how_is_einval)
{
	struct ft_peer pp;

	cr_assert_eq(tcp_shutdown(estab(&pp), 7), -EINVAL);
}

/* SO_ERROR is read once, then cleared (Linux sock_error()). */
Test(tcp_sock, so_error_read_once)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	int err = 0;
	socklen_t len = sizeof(err);

	ft_send(&pp, TCP_RST, NULL, 0);
	tcp_getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
	cr_assert_eq(err, ECONNRESET);
	tcp_getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
	cr_assert_eq(err, 0);
}

/* RFC 9293 3.10.5 / SO_LINGER 0: close aborts with a RST. */
Test(tcp_sock, so_linger_zero_sends_rst)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct ft_seg s;

	tcp_setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	tcp_close(c);
	cr_assert(ft_pop(&s));
	cr_assert(s.th.flags & TCP_RST);
	ft_free(&s);
	cr_assert_null(tcp_lookup(&l3_eng, L3_US, FT_LPORT, L3_PEER, FT_PPORT));
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPAbortOnLinger, 1);
}

/* SO_LINGER {1, 0}: the close is an abort and the TCB is gone at once. */
Test(tcp_sock, so_linger_zero_frees_at_once)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	size_t n;

	tcp_setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	n = l3_eng.tcp->nconns;
	cr_assert_eq(tcp_close(c), 0);
	cr_assert_eq(l3_eng.tcp->nconns, n - 1);
	ft_drain();
}

/* What a lingering close's callback saw. */
static unsigned int linger_calls, linger_events;

static void linger_cb(struct tcb *tcb, unsigned int events, void *arg)
{
	(void)tcb;
	cr_assert_eq(arg, &linger_calls);
	linger_calls++;
	linger_events = events;
}

/* An established connection with SO_LINGER {1, @sec} and linger_cb. */
static struct tcb *lingering(struct ft_peer *pp, int sec)
{
	struct tcb *c = estab(pp);
	struct linger lg = { .l_onoff = 1, .l_linger = sec };

	cr_assert_eq(tcp_setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)),
		     0);
	tcp_set_ready(c, linger_cb, &linger_calls);
	linger_calls = 0;
	linger_events = 0;
	return c;
}

/*
 * SO_LINGER {1, 5} (POSIX close(): "block until all queued messages
 * have been sent or the linger time has elapsed"): the engine does not
 * block; it sends the data and FIN (RFC 9293 3.10.4) and calls back once,
 * with TCP_POLL_LINGER, when the peer has acknowledged them all.
 */
Test(tcp_sock, so_linger_reports_when_data_and_fin_are_acked)
{
	static uint8_t data[3000];
	struct ft_peer pp;
	struct tcb *c = lingering(&pp, 5);
	struct ft_seg s;
	uint32_t end = 0;

	cr_assert_eq(tcp_send(c, data, sizeof(data), 0), (ssize_t)sizeof(data));
	cr_assert_eq(tcp_close(c), 0);
	cr_assert_eq(linger_calls, 0);
	while (ft_recv(&pp, &s)) {
		end = s.th.seq + (uint32_t)s.th.payload_len +
		      !!(s.th.flags & TCP_FIN);
		ft_free(&s);
	}
	cr_assert_eq(c->state, TCPS_FIN_WAIT_1);
	/* Part of the data acknowledged: no call (not even POLLOUT). */
	pp.ack = end - 1000;
	ft_send(&pp, TCP_ACK, NULL, 0);
	cr_assert_eq(linger_calls, 0);
	pp.ack = end;
	ft_send(&pp, TCP_ACK, NULL, 0);
	cr_assert_eq(linger_calls, 1);
	cr_assert(linger_events & TCP_POLL_LINGER);
	cr_assert_not(linger_events & TCP_POLL_ERR);
	cr_assert_eq(c->state, TCPS_FIN_WAIT_2); /* the engine's now */
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPAbortOnLinger, 0);
	/* Nothing more: the peer's FIN finishes the orphan's close. */
	ft_send(&pp, TCP_FIN, NULL, 0);
	ft_advance_ms(120000);
	cr_assert_eq(linger_calls, 1);
	cr_assert_null(tcp_lookup(&l3_eng, L3_US, FT_LPORT, L3_PEER, FT_PPORT));
}

/*
 * The linger time elapses with data unacknowledged: the engine resets
 * the connection (RST, TcpExtTCPAbortOnLinger) and calls back with
 * TCP_POLL_LINGER | TCP_POLL_ERR; the TCB is then freed.
 */
Test(tcp_sock, so_linger_timeout_resets_and_reports)
{
	struct ft_peer pp;
	struct tcb *c = lingering(&pp, 2);
	struct ft_seg s;
	bool rst = false;

	cr_assert_eq(tcp_send(c, "unacked", 7, 0), 7);
	cr_assert_eq(tcp_close(c), 0);
	ft_drain();
	ft_advance_ms(1999);
	cr_assert_eq(linger_calls, 0);
	ft_drain();
	ft_advance_ms(2);
	cr_assert_eq(linger_calls, 1);
	cr_assert_eq(linger_events & (TCP_POLL_LINGER | TCP_POLL_ERR),
		     TCP_POLL_LINGER | TCP_POLL_ERR);
	while (ft_pop(&s)) {
		rst |= !!(s.th.flags & TCP_RST);
		ft_free(&s);
	}
	cr_assert(rst);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPAbortOnLinger, 1);
	cr_assert_null(tcp_lookup(&l3_eng, L3_US, FT_LPORT, L3_PEER, FT_PPORT));
}

/* A peer's RST ends the linger too, reported as an error. */
Test(tcp_sock, so_linger_ends_on_peer_reset)
{
	struct ft_peer pp;
	struct tcb *c = lingering(&pp, 30);

	cr_assert_eq(tcp_send(c, "x", 1, 0), 1);
	cr_assert_eq(tcp_close(c), 0);
	ft_drain();
	ft_send(&pp, TCP_RST, NULL, 0);
	cr_assert_eq(linger_calls, 1);
	cr_assert(linger_events & TCP_POLL_LINGER);
	cr_assert(linger_events & (TCP_POLL_ERR | TCP_POLL_HUP));
	cr_assert_null(tcp_lookup(&l3_eng, L3_US, FT_LPORT, L3_PEER, FT_PPORT));
}

/* Nothing to wait for (unread data makes the close an abort): at once. */
Test(tcp_sock, so_linger_abort_reports_before_close_returns)
{
	struct ft_peer pp;
	struct tcb *c = lingering(&pp, 5);

	ft_send(&pp, TCP_ACK, "unread", 6);
	ft_drain();
	linger_calls = 0; /* the data's POLLIN call */
	cr_assert_eq(tcp_close(c), 0);
	cr_assert_eq(linger_calls, 1);
	cr_assert(linger_events & TCP_POLL_LINGER);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPAbortOnClose, 1);
	ft_drain();
}

/* RFC 2525 2.17: closing with unread data sends RST, not FIN. */
Test(tcp_sock, close_with_unread_data_sends_rst)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	ft_send(&pp, TCP_ACK, "unread", 6);
	ft_drain();
	tcp_close(c);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.flags & (TCP_RST | TCP_FIN), TCP_RST);
	ft_free(&s);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPAbortOnClose, 1);
}

/* RFC 9293 3.10.4: a normal close sends FIN and enters FIN-WAIT-1. */
Test(tcp_sock, close_sends_fin)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	tcp_close(c);
	cr_assert(ft_pop(&s));
	cr_assert(s.th.flags & TCP_FIN);
	ft_free(&s);
	c = tcp_lookup(&l3_eng, L3_US, FT_LPORT, L3_PEER, FT_PPORT);
	cr_assert_eq(c->state, TCPS_FIN_WAIT_1);
}

/* Closing a listener resets its unaccepted connections. */
Test(tcp_sock, close_listener_resets_pending)
{
	struct tcb *ln = ft_listen(FT_LPORT, 4);
	struct ft_peer pp = { .port = FT_PPORT,
			      .lport = FT_LPORT,
			      .win = 65535 };
	struct tcp_opts o;

	ft_syn_opts(&o);
	ft_send_raw(&pp, 1, 0, TCP_SYN, &o, NULL, 0);
	ft_drain();
	tcp_close(ln);
	cr_assert_eq(ft_drain(), 1);
	cr_assert_eq(l3_eng.tcp->nconns, 0);
}

Test(tcp_sock, tcp_info_reports_state_and_options)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	cr_assert_eq(tcp_getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti, &len), 0);
	cr_assert_eq(len, sizeof(ti));
	cr_assert_eq(ti.tcpi_state, 1); /* TCP_ESTABLISHED */
	cr_assert(ti.tcpi_options & TCPI_OPT_TIMESTAMPS);
	cr_assert(ti.tcpi_options & TCPI_OPT_SACK);
	cr_assert(ti.tcpi_options & TCPI_OPT_WSCALE);
	cr_assert_eq(ti.tcpi_snd_wscale, 7);
	cr_assert_eq(ti.tcpi_snd_mss, 1448);
	cr_assert_eq(ti.tcpi_snd_cwnd, 10);
}

Test(tcp_sock, tcp_info_truncates_to_buffer)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	uint8_t b[8];
	socklen_t len = sizeof(b);

	cr_assert_eq(tcp_getsockopt(c, IPPROTO_TCP, TCP_INFO, b, &len), 0);
	cr_assert_eq(len, 8);
	cr_assert_eq(b[0], 1);
}

Test(tcp_sock, tcp_congestion_set_and_get)
{
	struct tcb *c = sock();
	char name[16] = { 0 };
	socklen_t len = sizeof(name);

	cr_assert_eq(tcp_setsockopt(c, IPPROTO_TCP, TCP_CONGESTION, "reno", 4),
		     0);
	cr_assert_eq(tcp_getsockopt(c, IPPROTO_TCP, TCP_CONGESTION, name, &len),
		     0);
	cr_assert_str_eq(name, "reno");
	cr_assert_eq(tcp_setsockopt(c, IPPROTO_TCP, TCP_CONGESTION, "nope", 4),
		     -ENOENT);
}

Test(tcp_sock, default_congestion_is_cubic)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);

	cr_assert_str_eq(c->cc.ops->name, "cubic");
}

Test(tcp_sock, so_rcvbuf_is_doubled)
{
	struct tcb *c = sock();
	int v = 100000, got = 0;
	socklen_t len = sizeof(got);

	tcp_setsockopt(c, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	tcp_getsockopt(c, SOL_SOCKET, SO_RCVBUF, &got, &len);
	cr_assert_eq(got, 200000);
}

Test(tcp_sock, tcp_maxseg_clamps_our_mss)
{
	struct ft_peer pp;
	struct tcb *ln = ft_listen(FT_LPORT, 4), *c;
	int mss = 1000, got = 0;
	socklen_t len = sizeof(got);

	tcp_setsockopt(ln, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof(mss));
	c = ft_passive(&pp, ln, NULL);
	tcp_getsockopt(c, IPPROTO_TCP, TCP_MAXSEG, &got, &len);
	cr_assert_eq(got, 1000 - 12);
}

Test(tcp_sock, tcp_maxseg_rejects_tiny)
{
	int mss = 10;

	cr_assert_eq(tcp_setsockopt(sock(), IPPROTO_TCP, TCP_MAXSEG, &mss,
				    sizeof(mss)),
		     -EINVAL);
}

Test(tcp_sock, unknown_option_is_enoprotoopt)
{
	int v = 1;

	cr_assert_eq(tcp_setsockopt(sock(), IPPROTO_TCP, 9999, &v, sizeof(v)),
		     -ENOPROTOOPT);
}

Test(tcp_sock, poll_listener_readable_with_pending_connection)
{
	struct tcb *ln = ft_listen(FT_LPORT, 4);
	struct ft_peer pp;
	struct tcp_opts o;
	struct ft_seg s;

	cr_assert_eq(tcp_poll(ln), 0);
	ft_syn_opts(&o);
	pp = (struct ft_peer){ .port = FT_PPORT,
			       .lport = FT_LPORT,
			       .win = 65535 };
	ft_send_raw(&pp, 1, 0, TCP_SYN, &o, NULL, 0);
	cr_assert_eq(tcp_poll(ln), 0);
	cr_assert(ft_pop(&s));
	ft_send_raw(&pp, 2, s.th.seq + 1, TCP_ACK, NULL, NULL, 0);
	ft_free(&s);
	cr_assert_eq(tcp_poll(ln), TCP_POLL_IN);
}

static unsigned int seen_events;
static int seen_calls;

static void on_ready(struct tcb *c, unsigned int ev, void *arg)
{
	(void)c;
	(void)arg;
	seen_events = ev;
	seen_calls++;
}

Test(tcp_sock, ready_callback_on_data)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);

	seen_calls = 0;
	tcp_set_ready(c, on_ready, NULL);
	ft_send(&pp, TCP_ACK, "x", 1);
	cr_assert_geq(seen_calls, 1);
	cr_assert(seen_events & TCP_POLL_IN);
}

Test(tcp_sock, ready_callback_on_connect_completion)
{
	struct sockaddr_in a = sin4(L3_PEER, FT_PPORT);
	struct tcb *c = sock();
	struct ft_peer pp = { .port = FT_PPORT, .win = 65535 };
	struct ft_seg s;

	seen_calls = 0;
	tcp_set_ready(c, on_ready, NULL);
	tcp_connect(c, SA(a), sizeof(a));
	cr_assert(ft_pop(&s));
	pp.lport = s.th.sport;
	ft_send_raw(&pp, 7, s.th.seq + 1, TCP_SYN | TCP_ACK, NULL, NULL, 0);
	ft_free(&s);
	cr_assert_geq(seen_calls, 1);
	cr_assert(seen_events & TCP_POLL_OUT);
}

Test(tcp_sock, ready_callback_on_reset_reports_error)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);

	tcp_set_ready(c, on_ready, NULL);
	ft_send(&pp, TCP_RST, NULL, 0);
	cr_assert(seen_events & TCP_POLL_ERR);
	cr_assert(seen_events & TCP_POLL_HUP);
}

Test(tcp_sock, getpeername_unconnected_is_enotconn)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	cr_assert_eq(tcp_getpeername(sock(), SA(a), &len), -ENOTCONN);
}

Test(tcp_sock, ss_dump_lists_connection)
{
	struct ft_peer pp;
	struct json_object *arr, *o, *v;

	estab(&pp);
	arr = tcp_dump(&l3_eng);
	cr_assert_eq(json_object_array_length(arr), 2);
	o = json_object_array_get_idx(arr, 1);
	cr_assert(json_object_object_get_ex(o, "state", &v));
	cr_assert_str_eq(json_object_get_string(v), "ESTABLISHED");
	cr_assert(json_object_object_get_ex(o, "cwnd", &v));
	cr_assert_eq(json_object_get_int(v), 10);
	json_object_put(arr);
}

static void echo_ready(struct tcb *c, unsigned int ev, void *arg)
{
	char b[64];
	ssize_t n;

	(void)ev;
	(void)arg;
	n = tcp_recv(c, b, sizeof(b), 0);
	if (n > 0)
		tcp_send(c, b, (size_t)n, 0);
}

/* RFC 9293 3.8.6.3 / RFC 1122 4.2.3.2: an ACK owed for arriving data
 * rides on the reply a readiness callback writes, not a segment alone. */
Test(tcp_sock, reply_from_callback_carries_the_ack)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	tcp_set_ready(c, echo_ready, NULL);
	ft_send(&pp, TCP_PSH, "hi", 2);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.payload_len, 2);
	cr_assert_eq(s.th.ack, pp.seq);
	ft_free(&s);
	while (ft_pop(&s)) {
		cr_assert_fail("extra: flags %x len %zu seq %u ack %u win %u",
			       s.th.flags, s.th.payload_len, s.th.seq, s.th.ack,
			       s.th.window);
		ft_free(&s);
	}
}

/* Linux tcp_rcv_space_adjust(): a reader that keeps draining a full
 * buffer within a round trip gets a bigger one, up to tcp_rmem[2]. */
Test(tcp_sock, receive_buffer_grows_for_a_fast_reader)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	static uint8_t data[1448], buf[1 << 20];
	size_t cap = c->rcv.cap;

	for (int round = 0; round < 3; round++) {
		while (seq_lt(pp.seq, c->rcv_adv) &&
		       c->rcv.len + sizeof(data) <= c->rcv.cap)
			ft_send(&pp, TCP_ACK, data, sizeof(data));
		ft_advance_ms(2);
		tcp_recv(c, buf, sizeof(buf), 0);
		ft_drain();
	}
	cr_assert_gt(c->rcv.cap, cap);
	cr_assert_leq(c->rcv.cap, l3_eng.sysctl.tcp_rmem[2]);
}

/* SO_RCVBUF turns auto-tuning off and sizes the window scale. */
Test(tcp_sock, so_rcvbuf_locks_the_buffer)
{
	struct tcb *c = sock();
	int v = 32768;

	tcp_setsockopt(c, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	cr_assert(c->rcvbuf_locked);
	cr_assert_eq(tcp_rcv_wscale(c), 1); /* 65536 bytes need one shift */
}
