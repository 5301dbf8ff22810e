// SPDX-License-Identifier: MIT
/*
 * fake_tcp.c - the peer side of TCP unit tests (see fake_tcp.h), for
 * either address family: the ft_*_af() functions build, send and parse
 * segments and drive handshakes for AF_INET (192.0.2.1, fake_l3.h) or
 * AF_INET6 ([2001:db8:1::1], fake_tcp6.h); ft_*() and ft6_*() are their
 * IPv4 and IPv6 names
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "fake_engine.h"
#include "fake_tcp.h"
#include "fake_tcp6.h"
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

/*
 * pop_hdr() - the next TCP segment the engine sent over @af (others
 * skipped, checked as ft_pop() and ft6_pop() check them), its header
 * alone: the frame is freed, so the view's payload and raw options are
 * cleared
 */
static bool pop_hdr(int af, struct tcp_view *th)
{
	struct ft6_seg s6;
	struct ft_seg s;

	if (af == AF_INET6) {
		if (!ft6_pop(&s6))
			return false;
		*th = s6.th;
		ft6_free(&s6);
	} else {
		if (!ft_pop(&s))
			return false;
		*th = s.th;
		ft_free(&s);
	}
	th->opts = NULL;
	th->opts_len = 0;
	th->payload = NULL;
	th->payload_len = 0;
	return true;
}

/* recv_hdr() - pop_hdr() that remembers the TSval, as ft_recv() does. */
static bool recv_hdr(int af, struct ft_peer *pp, struct tcp_view *th)
{
	if (!pop_hdr(af, th))
		return false;
	if (th->opt.present & TCP_OPT_TS)
		pp->tsecr = th->opt.tsval;
	return true;
}

/** ft_drain_af() - drop everything sent; Return: @af TCP segments dropped. */
size_t ft_drain_af(int af)
{
	struct tcp_view th;
	size_t n = 0;

	while (pop_hdr(af, &th))
		n++;
	return n;
}

/** ft_drain() - ft_drain_af() for IPv4. */
size_t ft_drain(void)
{
	return ft_drain_af(AF_INET);
}

/**
 * ft_send_raw_af() - one segment from the peer (L3_PEER, or ft6_peer for
 * AF_INET6), exactly as given
 */
void ft_send_raw_af(int af, const struct ft_peer *pp, uint32_t seq,
		    uint32_t ack, uint16_t flags, const struct tcp_opts *o,
		    const void *data, size_t len)
{
	static uint8_t buf[70000];
	struct tcp_view v = { 0 };
	uint32_t sum;
	int hlen, n;

	v.sport = pp->port;
	v.dport = pp->lport;
	v.seq = seq;
	v.ack = ack;
	v.flags = flags;
	v.window = pp->win;
	v.urg = (flags & TCP_URG) ? pp->up : 0;
	if (o)
		v.opt = *o;
	v.payload = data;
	v.payload_len = len;
	hlen = tcp_hdr_len(&v);
	cr_assert_gt(hlen, 0);
	if (af == AF_INET6)
		sum = csum_pseudo6(&ft6_peer, &ft6_us, IP6_NH_TCP,
				   (uint32_t)(hlen + (int)len));
	else
		sum = csum_pseudo4(L3_PEER, L3_US, IPV4_PROTO_TCP,
				   (uint16_t)(hlen + (int)len));
	n = tcp_emit(buf, sizeof(buf), &v, sum);
	cr_assert_gt(n, 0);
	if (af == AF_INET6)
		ft6_rx(&ft6_peer, &ft6_us, IP6_NH_TCP, buf, (size_t)n);
	else
		l3_rx_ipv4(L3_PEER, L3_US, IPV4_PROTO_TCP, buf, (size_t)n);
}

/** ft_send_raw() - ft_send_raw_af() for IPv4. */
void ft_send_raw(const struct ft_peer *pp, uint32_t seq, uint32_t ack,
		 uint16_t flags, const struct tcp_opts *o, const void *data,
		 size_t len)
{
	ft_send_raw_af(AF_INET, pp, seq, ack, flags, o, data, len);
}

/**
 * ft_send_af() - a segment at the peer's SND.NXT acknowledging pp->ack
 * (ACK added unless a bare SYN), with timestamps when pp->ts; advances
 * pp->seq over the data, SYN and FIN
 */
void ft_send_af(int af, struct ft_peer *pp, uint16_t flags, const void *data,
		size_t len)
{
	struct tcp_opts o = { 0 };

	if (pp->ts) {
		o.present = TCP_OPT_TS;
		o.tsval = pp->tsval++;
		o.tsecr = pp->tsecr;
	}
	if (!(flags & TCP_SYN) && !(flags & TCP_RST))
		flags |= TCP_ACK;
	ft_send_raw_af(af, pp, pp->seq, (flags & TCP_ACK) ? pp->ack : 0, flags,
		       &o, data, len);
	pp->seq += (uint32_t)len + !!(flags & TCP_SYN) + !!(flags & TCP_FIN);
}

/** ft_send() - ft_send_af() for IPv4. */
void ft_send(struct ft_peer *pp, uint16_t flags, const void *data, size_t len)
{
	ft_send_af(AF_INET, pp, flags, data, len);
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
 * ft_syn_af() - the peer's SYN, with options @syn (the Linux defaults when
 * NULL), to engine port @lport over @af; the SYN-ACK is checked and
 * consumed
 *
 * @pp is reset to the peer's view: SND.NXT past the SYN, acknowledging
 * the engine's SYN, no timestamps on what it sends next.
 */
void ft_syn_af(int af, struct ft_peer *pp, uint16_t lport,
	       const struct tcp_opts *syn)
{
	struct tcp_opts o;
	struct tcp_view th;

	if (syn)
		o = *syn;
	else
		ft_syn_opts(&o);
	memset(pp, 0, sizeof(*pp));
	pp->port = FT_PPORT;
	pp->lport = lport;
	pp->seq = FT_PEER_ISN;
	pp->win = 65535;
	ft_send_raw_af(af, pp, pp->seq, 0, TCP_SYN, &o, NULL, 0);
	pp->seq++;
	cr_assert(recv_hdr(af, pp, &th));
	cr_assert_eq(th.flags, TCP_SYN | TCP_ACK);
	cr_assert_eq(th.ack, FT_PEER_ISN + 1);
	pp->ack = th.seq + 1;
}

/** ft_syn() - ft_syn_af() for IPv4. */
void ft_syn(struct ft_peer *pp, uint16_t lport, const struct tcp_opts *syn)
{
	ft_syn_af(AF_INET, pp, lport, syn);
}

/**
 * ft_passive_af() - the peer connects to @ln over @af (its SYN carries
 * @syn, or the Linux defaults when NULL); Return: the accepted connection
 */
struct tcb *ft_passive_af(int af, struct ft_peer *pp, struct tcb *ln,
			  const struct tcp_opts *syn)
{
	struct tcp_opts o;
	struct tcb *c;

	if (syn)
		o = *syn;
	else
		ft_syn_opts(&o);
	ft_syn_af(af, pp, ln->key.lport, &o);
	/* Timestamps on the ACK and after it, if the SYN offered them. */
	pp->ts = o.present & TCP_OPT_TS;
	pp->tsval = o.tsval + 1;
	ft_send_af(af, pp, TCP_ACK, NULL, 0);
	cr_assert_eq(tcp_accept(ln, &c, NULL, NULL), 0);
	cr_assert_eq(c->state, TCPS_ESTABLISHED);
	return c;
}

/** ft_passive() - ft_passive_af() for IPv4. */
struct tcb *ft_passive(struct ft_peer *pp, struct tcb *ln,
		       const struct tcp_opts *syn)
{
	return ft_passive_af(AF_INET, pp, ln, syn);
}

/* peer_addr() - the peer's address and FT_PPORT as @af's sockaddr. */
static socklen_t peer_addr(int af, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (af == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(FT_PPORT);
		memcpy(sin6->sin6_addr.s6_addr, ft6_peer.b, 16);
		return sizeof(*sin6);
	}
	sin->sin_family = AF_INET;
	sin->sin_port = htons(FT_PPORT);
	sin->sin_addr.s_addr = htonl(L3_PEER);
	return sizeof(*sin);
}

/**
 * ft_connect_af() - an engine socket of family @af connecting to the
 * peer (its SYN is the next segment sent); Return: the TCB, SYN-SENT
 */
struct tcb *ft_connect_af(int af)
{
	struct sockaddr_storage ss;
	socklen_t sslen = peer_addr(af, &ss);
	struct tcb *c;

	cr_assert_eq(tcp_socket_af(&l3_eng, af, &c), 0);
	cr_assert_eq(tcp_connect(c, (struct sockaddr *)&ss, sslen),
		     -EINPROGRESS);
	return c;
}

/** ft_connect() - ft_connect_af() for IPv4. */
struct tcb *ft_connect(void)
{
	return ft_connect_af(AF_INET);
}

/**
 * ft_answer_syn_af() - the peer answers the engine's SYN (the next
 * segment sent over @af) with a SYN-ACK carrying @synack (the Linux
 * defaults when NULL); the engine's ACK is checked and consumed
 *
 * @pp is reset to the peer's view, with timestamps if both SYNs had them.
 */
void ft_answer_syn_af(int af, struct ft_peer *pp, const struct tcp_opts *synack)
{
	struct tcp_opts o;
	struct tcp_view th;

	if (synack)
		o = *synack;
	else
		ft_syn_opts(&o);
	cr_assert(pop_hdr(af, &th));
	cr_assert_eq(th.flags, TCP_SYN);
	memset(pp, 0, sizeof(*pp));
	pp->port = FT_PPORT;
	pp->lport = th.sport;
	pp->seq = FT_PEER_ISN;
	pp->ack = th.seq + 1;
	pp->win = 65535;
	pp->ts = (o.present & TCP_OPT_TS) && (th.opt.present & TCP_OPT_TS);
	if (pp->ts) {
		o.tsecr = th.opt.tsval;
		pp->tsecr = th.opt.tsval;
	}
	pp->tsval = o.tsval + 1;
	ft_send_raw_af(af, pp, pp->seq, pp->ack, TCP_SYN | TCP_ACK, &o, NULL,
		       0);
	pp->seq++;
	cr_assert(recv_hdr(af, pp, &th));
	cr_assert_eq(th.flags & (TCP_SYN | TCP_ACK | TCP_RST), TCP_ACK);
	cr_assert_eq(th.ack, pp->seq);
}

/** ft_answer_syn() - ft_answer_syn_af() for IPv4. */
void ft_answer_syn(struct ft_peer *pp, const struct tcp_opts *synack)
{
	ft_answer_syn_af(AF_INET, pp, synack);
}

/**
 * ft_active_af() - the engine connects to the peer over @af, which
 * answers with a SYN-ACK carrying @synack (Linux defaults when NULL)
 * Return: the established connection; the engine's ACK was consumed.
 */
struct tcb *ft_active_af(int af, struct ft_peer *pp,
			 const struct tcp_opts *synack)
{
	struct tcb *c = ft_connect_af(af);

	ft_answer_syn_af(af, pp, synack);
	cr_assert_eq(c->state, TCPS_ESTABLISHED);
	return c;
}

/** ft_active() - ft_active_af() for IPv4. */
struct tcb *ft_active(struct ft_peer *pp, const struct tcp_opts *synack)
{
	return ft_active_af(AF_INET, pp, synack);
}

/** ft_advance_ms() - move the virtual clock, firing due timers. */
void ft_advance_ms(uint64_t ms)
{
	fake_advance(&l3_eng, ms * 1000u);
}
