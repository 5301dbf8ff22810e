// SPDX-License-Identifier: MIT
/*
 * fake_tcp.c - the peer side of TCP unit tests (see fake_tcp.h)
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "fake_engine.h"
#include "fake_tcp.h"
#include "wire/csum.h"

/** ft_setup() - the L3 fake engine with a resolved peer. */
void ft_setup(void)
{
	l3_setup();
	l3_peer_permanent();
}

/** ft_teardown() - free the engine (and every TCB with it). */
void ft_teardown(void)
{
	l3_teardown();
}

/** ft_syn_opts() - what a Linux SYN offers: MSS 1460, WS 7, SACK, TS. */
void ft_syn_opts(struct tcp_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->present = TCP_OPT_MSS | TCP_OPT_WS | TCP_OPT_SACKOK | TCP_OPT_TS;
	o->mss = 1460;
	o->ws = 7;
	o->tsval = 5000;
}

/** ft_pop() - the next TCP segment the engine sent (others skipped). */
bool ft_pop(struct ft_seg *s)
{
	memset(s, 0, sizeof(*s));
	while (l3_tx_pop(&s->f)) {
		if (s->f.eth.type == ETHERTYPE_IPV4 &&
		    s->f.ip.proto == IPV4_PROTO_TCP) {
			cr_assert_eq(tcp_parse(s->f.ip.payload,
					       s->f.ip.payload_len, &s->th),
				     0);
			cr_assert(tcp_csum_ok(
				s->f.ip.payload, s->f.ip.payload_len,
				csum_pseudo4(s->f.ip.src, s->f.ip.dst,
					     IPV4_PROTO_TCP,
					     (uint16_t)s->f.ip.payload_len)));
			cr_assert(s->f.ip.df); /* RFC 1191 PMTUD */
			return true;
		}
		l3_frame_free(&s->f);
	}
	return false;
}

/** ft_recv() - ft_pop() that also remembers the TSval for echoing. */
bool ft_recv(struct ft_peer *pp, struct ft_seg *s)
{
	if (!ft_pop(s))
		return false;
	if (s->th.opt.present & TCP_OPT_TS)
		pp->tsecr = s->th.opt.tsval;
	return true;
}

/** ft_free() - release a popped segment. */
void ft_free(struct ft_seg *s)
{
	l3_frame_free(&s->f);
}

/** ft_drain() - drop everything sent; Return: TCP segments dropped. */
size_t ft_drain(void)
{
	struct ft_seg s;
	size_t n = 0;

	while (ft_pop(&s)) {
		n++;
		ft_free(&s);
	}
	return n;
}

/** ft_send_raw() - one segment from the peer, exactly as given. */
void ft_send_raw(const struct ft_peer *pp, uint32_t seq, uint32_t ack,
		 uint16_t flags, const struct tcp_opts *o, const void *data,
		 size_t len)
{
	static uint8_t buf[70000];
	struct tcp_view v = { 0 };
	int hlen, n;

	v.sport = pp->port;
	v.dport = pp->lport;
	v.seq = seq;
	v.ack = ack;
	v.flags = flags;
	v.window = pp->win;
	if (o)
		v.opt = *o;
	v.payload = data;
	v.payload_len = len;
	hlen = tcp_hdr_len(&v);
	cr_assert_gt(hlen, 0);
	n = tcp_emit(buf, sizeof(buf), &v,
		     csum_pseudo4(L3_PEER, L3_US, IPV4_PROTO_TCP,
				  (uint16_t)(hlen + (int)len)));
	cr_assert_gt(n, 0);
	l3_rx_ipv4(L3_PEER, L3_US, IPV4_PROTO_TCP, buf, (size_t)n);
}

/**
 * ft_send() - a segment at the peer's SND.NXT acknowledging pp->ack (ACK
 * added unless a bare SYN), with timestamps when pp->ts; advances
 * pp->seq over the data, SYN and FIN
 */
void ft_send(struct ft_peer *pp, uint16_t flags, const void *data, size_t len)
{
	struct tcp_opts o = { 0 };

	if (pp->ts) {
		o.present = TCP_OPT_TS;
		o.tsval = pp->tsval++;
		o.tsecr = pp->tsecr;
	}
	if (!(flags & TCP_SYN) && !(flags & TCP_RST))
		flags |= TCP_ACK;
	ft_send_raw(pp, pp->seq, (flags & TCP_ACK) ? pp->ack : 0, flags, &o,
		    data, len);
	pp->seq += (uint32_t)len + !!(flags & TCP_SYN) + !!(flags & TCP_FIN);
}

/** ft_listen() - a listener on 0.0.0.0:@port. */
struct tcb *ft_listen(uint16_t port, int backlog)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };
	struct tcb *ln;

	cr_assert_eq(tcp_socket(&l3_eng, &ln), 0);
	cr_assert_eq(tcp_bind(ln, (struct sockaddr *)&sin, sizeof(sin)), 0);
	cr_assert_eq(tcp_listen(ln, backlog), 0);
	return ln;
}

/**
 * ft_passive() - the peer connects to @ln (its SYN carries @syn, or the
 * Linux defaults when NULL); Return: the accepted connection
 */
struct tcb *ft_passive(struct ft_peer *pp, struct tcb *ln,
		       const struct tcp_opts *syn)
{
	struct tcp_opts o;
	struct ft_seg s;
	struct tcb *c;

	if (syn)
		o = *syn;
	else
		ft_syn_opts(&o);
	memset(pp, 0, sizeof(*pp));
	pp->port = FT_PPORT;
	pp->lport = ln->key.lport;
	pp->seq = FT_PEER_ISN;
	pp->win = 65535;
	pp->ts = o.present & TCP_OPT_TS;
	pp->tsval = o.tsval + 1;
	ft_send_raw(pp, pp->seq, 0, TCP_SYN, &o, NULL, 0);
	pp->seq++;
	cr_assert(ft_recv(pp, &s));
	cr_assert_eq(s.th.flags, TCP_SYN | TCP_ACK);
	cr_assert_eq(s.th.ack, FT_PEER_ISN + 1);
	pp->ack = s.th.seq + 1;
	ft_free(&s);
	ft_send(pp, TCP_ACK, NULL, 0);
	cr_assert_eq(tcp_accept(ln, &c, NULL, NULL), 0);
	cr_assert_eq(c->state, TCPS_ESTABLISHED);
	return c;
}

/**
 * ft_active() - the engine connects to the peer, which answers with a
 * SYN-ACK carrying @synack (Linux defaults when NULL)
 * Return: the established connection; the engine's ACK was consumed.
 */
struct tcb *ft_active(struct ft_peer *pp, const struct tcp_opts *synack)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(FT_PPORT),
				   .sin_addr.s_addr = htonl(L3_PEER) };
	struct tcp_opts o;
	struct ft_seg s;
	struct tcb *c;

	if (synack)
		o = *synack;
	else
		ft_syn_opts(&o);
	cr_assert_eq(tcp_socket(&l3_eng, &c), 0);
	cr_assert_eq(tcp_connect(c, (struct sockaddr *)&sin, sizeof(sin)),
		     -EINPROGRESS);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.flags, TCP_SYN);
	memset(pp, 0, sizeof(*pp));
	pp->port = FT_PPORT;
	pp->lport = s.th.sport;
	pp->seq = FT_PEER_ISN;
	pp->ack = s.th.seq + 1;
	pp->win = 65535;
	pp->ts = (o.present & TCP_OPT_TS) && (s.th.opt.present & TCP_OPT_TS);
	if (pp->ts) {
		o.tsecr = s.th.opt.tsval;
		pp->tsecr = s.th.opt.tsval;
	}
	pp->tsval = o.tsval + 1;
	ft_free(&s);
	ft_send_raw(pp, pp->seq, pp->ack, TCP_SYN | TCP_ACK, &o, NULL, 0);
	pp->seq++;
	cr_assert_eq(c->state, TCPS_ESTABLISHED);
	cr_assert(ft_recv(pp, &s));
	cr_assert_eq(s.th.flags & (TCP_SYN | TCP_ACK | TCP_RST), TCP_ACK);
	cr_assert_eq(s.th.ack, pp->seq);
	ft_free(&s);
	return c;
}

/** ft_advance_ms() - move the virtual clock, firing due timers. */
void ft_advance_ms(uint64_t ms)
{
	fake_advance(&l3_eng, ms * 1000u);
}
