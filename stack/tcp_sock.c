// SPDX-License-Identifier: MIT
/*
 * tcp_sock.c - the engine-level socket calls for TCP (SOCK_STREAM):
 * socket, bind, listen, accept, connect, send, recv, shutdown, close,
 * options, TCP_INFO and readiness, with the kernel's errno values
 *
 * Like the UDP calls in socket.c, nothing here blocks: accept() on an
 * empty queue and recv() with nothing to read return -EAGAIN, connect()
 * returns -EINPROGRESS and completes through readiness (writable, or
 * error with SO_ERROR), send() copies what fits and returns -EAGAIN when
 * the send buffer is full.  Buffer sizes follow Linux: SO_SNDBUF and
 * SO_RCVBUF double the value asked for, within tcp_wmem/tcp_rmem[2].
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "hash.h"
#include "ipv4.h"
#include "ipv6.h"
#include "route.h"
#include "tcp.h"
#include "socket.h"
#include "tcp_isn.h"

#define SOMAXCONN_LINUX 4096

static int take_error(struct tcb *tcb)
{
	int err = tcb->err;

	tcb->err = 0;
	return -err;
}

/**
 * tcp_socket() - socket(AF_INET, SOCK_STREAM, 0)
 * @out: the new TCB, CLOSED, owned by the caller until tcp_close()
 *
 * Return: 0 or -ENOMEM.
 */
int tcp_socket(struct engine *eng, struct tcb **out)
{
	struct tcb *tcb = tcp_tcb_new(eng);

	*out = tcb;
	return tcb ? 0 : -ENOMEM;
}

/**
 * tcp_socket_af() - socket(@family, SOCK_STREAM, 0), @family AF_INET or
 * AF_INET6 (an AF_INET6 socket takes IPv4 peers as v4-mapped addresses
 * unless IPV6_V6ONLY, like Linux with net.ipv6.bindv6only = 0)
 *
 * Return: 0, -EAFNOSUPPORT or -ENOMEM.
 */
int tcp_socket_af(struct engine *eng, int family, struct tcb **out)
{
	int rc;

	*out = NULL;
	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	rc = tcp_socket(eng, out);
	if (rc || family == AF_INET)
		return rc;
	(*out)->family = AF_INET6;
	memset(&(*out)->key, 0, sizeof((*out)->key)); /* [::]:0 */
	return 0;
}

struct port_ctx {
	struct engine *eng;
};

/* RFC 6056 check_suitable_port(): a port nobody holds. */
static bool port_ok(uint16_t port, void *arg)
{
	struct port_ctx *c = arg;
	struct tcp_port *pp = NULL;

	HASH_FIND(hh, c->eng->tcp->ports, &port, sizeof(port), pp);
	return !pp;
}

/*
 * An ephemeral port for @tcb (RFC 6056 algorithm 3, one port space for
 * both families), bound with local address @la.  IPv4 keeps its 12-byte
 * identifier; IPv6 hashes both 16-byte addresses.
 */
static int pick_port(struct tcb *tcb, const union tcp_addr *la,
		     const union tcp_addr *ra, uint16_t rport)
{
	struct engine *eng = tcb->eng;
	struct port_ctx c = { eng };
	union tcp_addr old = tcb->key.la;
	uint32_t id[9];
	size_t idlen;
	int port, rc;

	memset(id, 0, sizeof(id));
	if (tcp_addr_is4(ra) || tcp_addr_is_zero(ra)) {
		id[0] = la->v4;
		id[1] = ra->v4;
		id[2] = rport;
		idlen = 3 * sizeof(uint32_t);
	} else {
		memcpy(id, la->b, 16);
		memcpy(id + 4, ra->b, 16);
		id[8] = rport;
		idlen = sizeof(id);
	}
	if (tcp_addr_is_any(ra)) /* bind(0): algorithm 1 (random peer) */
		id[1] = rand_u32();
	port = portsel_pick(&eng->tcp->ps, id, idlen,
			    (uint16_t)eng->sysctl.ip_local_port_first,
			    (uint16_t)eng->sysctl.ip_local_port_last, port_ok,
			    &c);
	if (port < 0)
		return port;
	tcb->key.la = *la;
	rc = tcp_port_get(eng, tcb, la->v4, (uint16_t)port);
	if (rc)
		tcb->key.la = old;
	return rc;
}

/*
 * Whether @a may be @tcb's local address: IPv4 ones only when the socket
 * takes IPv4 (not IPV6_V6ONLY), and each one ours or a wildcard.
 */
static int local_ok(const struct tcb *tcb, const union tcp_addr *a)
{
	struct ip6_addr ip;

	if (tcp_addr_is4(a)) {
		if (tcb->v6only)
			return -EINVAL;
		return a->v4 && !ipv4_addr_is_local(tcb->eng, a->v4)
			       ? -EADDRNOTAVAIL
			       : 0;
	}
	tcp_addr_to_ip6(a, &ip);
	return tcp_addr_is_zero(a) || ip6_addr_is_local(tcb->eng, &ip)
		       ? 0
		       : -EADDRNOTAVAIL;
}

/**
 * tcp_bind() - bind(@tcb, @addr); port 0 picks an ephemeral port
 *
 * Return: 0; -EINVAL (bound already, or not CLOSED); -EAFNOSUPPORT;
 * -EADDRNOTAVAIL (not one of our addresses); -EADDRINUSE.
 */
int tcp_bind(struct tcb *tcb, const struct sockaddr *addr, socklen_t len)
{
	static const union tcp_addr none;
	union tcp_addr a, old = tcb->key.la;
	uint16_t port;
	int rc = tcp6_sockaddr_get(tcb, addr, len, &a, &port);

	if (rc)
		return rc;
	if (tcb->bound || tcb->state != TCPS_CLOSED)
		return -EINVAL;
	rc = local_ok(tcb, &a);
	if (rc)
		return rc;
	if (!port)
		return pick_port(tcb, &a, &none, 0);
	tcb->key.la = a;
	rc = tcp_port_get(tcb->eng, tcb, a.v4, port);
	if (rc)
		tcb->key.la = old;
	return rc;
}

/* The IPv4 side of a listener: none, one address, or any (2). */
static int side4(const struct tcb *l)
{
	if (tcp_addr_is4(&l->key.la))
		return l->key.la.v4 ? 1 : 2;
	return tcp_addr_is_zero(&l->key.la) && !l->v6only ? 2 : 0;
}

/* Two listeners on one port that would both take some segment. */
static bool listeners_overlap(const struct tcb *a, const struct tcb *b)
{
	int a4 = side4(a), b4 = side4(b);
	bool a6 = !tcp_addr_is4(&a->key.la), b6 = !tcp_addr_is4(&b->key.la);

	if (a4 && b4 && (a4 == 2 || b4 == 2 || a->key.la.v4 == b->key.la.v4))
		return true;
	return a6 && b6 &&
	       (tcp_addr_is_zero(&a->key.la) || tcp_addr_is_zero(&b->key.la) ||
		tcp_addr_eq(&a->key.la, &b->key.la));
}

/**
 * tcp_listen() - listen(@tcb, @backlog): passive OPEN (RFC 9293 3.10.1)
 * @backlog: accept-queue length, capped at SOMAXCONN like Linux; the
 *	queue holds backlog + 1 connections, as Linux's does
 *
 * Return: 0; -EINVAL (connected or connecting); -EADDRINUSE (another
 * listener on the same address and port).
 */
int tcp_listen(struct tcb *tcb, int backlog)
{
	struct engine *eng = tcb->eng;
	struct tcp_port *pp = NULL;
	int rc;

	if (backlog < 0)
		backlog = 0;
	if (backlog > SOMAXCONN_LINUX)
		backlog = SOMAXCONN_LINUX;
	if (tcb->state == TCPS_LISTEN) {
		tcb->backlog = (unsigned int)backlog;
		return 0;
	}
	if (tcb->state != TCPS_CLOSED || tcb->err)
		return -EINVAL;
	if (!tcb->bound) {
		rc = pick_port(tcb, &tcb->key.la, &tcb->key.ra, 0);
		if (rc)
			return rc;
	}
	HASH_FIND(hh, eng->tcp->ports, &tcb->key.lport, sizeof(uint16_t), pp);
	if (!pp)
		return -EADDRINUSE;
	for (struct tcb *l = pp->listeners; l; l = l->ln_next)
		if (listeners_overlap(l, tcb))
			return -EADDRINUSE;
	tcb->backlog = (unsigned int)backlog;
	tcb->ln_next = pp->listeners;
	pp->listeners = tcb;
	tcp_set_state(tcb, TCPS_LISTEN);
	return 0;
}

/* @a:@port in @tcb's family: sockaddr_in, or sockaddr_in6. */
static void put_addr(const struct tcb *tcb, const union tcp_addr *a,
		     uint16_t port, struct sockaddr *addr, socklen_t *len)
{
	if (tcb->family == AF_INET6)
		tcp6_sockaddr_put(a, port, addr, len);
	else
		sock_put_sin(a->v4, port, addr, len);
}

/**
 * tcp_accept() - accept(@tcb): the first established connection
 * @out: the new connection, owned by the caller
 *
 * Return: 0; -EINVAL (not listening); -EAGAIN (queue empty).
 */
int tcp_accept(struct tcb *tcb, struct tcb **out, struct sockaddr *addr,
	       socklen_t *alen)
{
	struct tcb *c = tcb->aq_head;

	*out = NULL;
	if (tcb->state != TCPS_LISTEN)
		return -EINVAL;
	if (!c)
		return -EAGAIN;
	tcb->aq_head = c->aq_next;
	if (!tcb->aq_head)
		tcb->aq_tail = NULL;
	tcb->aq_len--;
	c->aq_next = NULL;
	c->in_aq = false;
	c->parent = NULL;
	c->user_closed = false;
	put_addr(c, &c->key.ra, c->key.rport, addr, alen);
	*out = c;
	return 0;
}

/*
 * The source address for @tcb's connection to @a, and whether it may go
 * there at all: an IPv4 peer needs a socket that takes IPv4 and is not
 * bound to an IPv6 address, and the other way round (Linux: ENETUNREACH).
 */
static int connect_src(struct tcb *tcb, const union tcp_addr *a,
		       union tcp_addr *src)
{
	struct engine *eng = tcb->eng;
	struct ip6_addr dst6, src6;
	bool la4 = tcp_addr_is4(&tcb->key.la);
	uint32_t s4;
	int rc;

	if (tcp_addr_is4(a)) {
		if (tcb->v6only || (!la4 && !tcp_addr_is_zero(&tcb->key.la)))
			return -ENETUNREACH;
		if (!a->v4 || ip4_is_multicast(a->v4) ||
		    ipv4_addr_is_bcast(eng, a->v4))
			return -ENETUNREACH;
		rc = ipv4_route_src(eng, a->v4, &s4);
		if (rc)
			return rc;
		tcp_addr_set4(src, s4);
		return 0;
	}
	if (la4) /* AF_INET6, bound to a v4-mapped address */
		return -ENETUNREACH;
	tcp_addr_to_ip6(a, &dst6);
	if (tcp_addr_is_zero(a) || ip6_is_multicast(&dst6))
		return -ENETUNREACH;
	rc = ip6_select_src(eng, 0, &dst6, &src6);
	if (rc)
		return rc;
	tcp_addr_from_ip6(src, &src6);
	return 0;
}

/**
 * tcp_connect() - connect(@tcb, @addr): active OPEN (RFC 9293 3.10.1)
 *
 * Sends the SYN and returns -EINPROGRESS; the outcome arrives through
 * readiness: writable when ESTABLISHED, error (SO_ERROR = ECONNREFUSED,
 * ETIMEDOUT, EHOSTUNREACH...) otherwise.
 *
 * Return: -EINPROGRESS; -EALREADY (connecting); -EISCONN; -EINVAL;
 * -EAFNOSUPPORT; -ENETUNREACH; -EADDRNOTAVAIL (no port); -ENOMEM.
 */
int tcp_connect(struct tcb *tcb, const struct sockaddr *addr, socklen_t len)
{
	struct engine *eng = tcb->eng;
	union tcp_addr a, src, old;
	struct tcp_tuple tu;
	uint16_t port;
	int rc;

	switch (tcb->state) {
	case TCPS_SYN_SENT:
	case TCPS_SYN_RECEIVED:
		return -EALREADY;
	case TCPS_LISTEN:
		return -EINVAL;
	case TCPS_CLOSED:
		break;
	case TCPS_ESTABLISHED:
	case TCPS_FIN_WAIT_1:
	case TCPS_FIN_WAIT_2:
	case TCPS_CLOSE_WAIT:
	case TCPS_CLOSING:
	case TCPS_LAST_ACK:
	case TCPS_TIME_WAIT:
	default:
		return -EISCONN;
	}
	if (!tcp_addr_is_any(&tcb->key.ra)) /* a finished one stays so */
		return tcb->err ? take_error(tcb) : -EISCONN;
	rc = tcp6_sockaddr_get(tcb, addr, len, &a, &port);
	if (rc)
		return rc;
	rc = connect_src(tcb, &a, &src);
	if (rc)
		return rc;
	if (!tcb->bound) {
		rc = pick_port(tcb, &src, &a, port);
		if (rc)
			return rc;
	}
	if (tcp_addr_is_any(&tcb->key.la))
		tcb->key.la = src;
	old = tcb->key.ra;
	tcb->key.ra = a;
	tcb->key.rport = port;
	rc = tcp_ring_alloc(&tcb->snd, tcb->sndbuf);
	if (!rc)
		rc = tcp_ring_alloc(&tcb->rcv, tcb->rcvbuf);
	if (rc)
		return rc;
	tcp_reass_init(&tcb->reass, tcb->rcvbuf);
	if (tcp_hash(tcb)) {
		tcb->key.ra = old;
		tcb->key.rport = 0;
		return -EADDRNOTAVAIL;
	}
	tcb->rcv_wscale = tcp_rcv_wscale(tcb);
	tcb->ts_offset = rand_u32();
	tcp_tuple_addr(&tu, &tcb->key.la, tcb->key.lport, &a, port);
	tcb->iss = tcp_isn(&eng->tcp->isn_key, &tu, eng->now);
	tcb->snd_una = tcb->iss;
	tcb->snd_nxt = tcb->iss + 1;
	tcb->snd_max = tcb->snd_nxt;
	eng->stats.tcp.TcpActiveOpens++;
	tcp_set_state(tcb, TCPS_SYN_SENT);
	tcp_send_syn(tcb);
	tcb->rtt_timing = true;
	tcb->rtt_seq = tcb->snd_nxt;
	tcb->rtt_start = eng->now;
	tcp_rtx_arm(tcb);
	return -EINPROGRESS;
}

/** tcp_send_space() - bytes send() would take now. */
size_t tcp_send_space(const struct tcb *tcb)
{
	if (tcb->state != TCPS_ESTABLISHED && tcb->state != TCPS_CLOSE_WAIT)
		return 0;
	if (tcb->shut_wr)
		return 0;
	return tcb->snd.cap - tcb->snd.len;
}

/**
 * tcp_send() - send(@tcb, @buf, @len, @flags): copy into the send buffer
 * and let tcp_output() decide when to send
 * @flags: MSG_MORE corks this call (Linux); MSG_OOB makes the last byte
 *	taken urgent (tcp_urg.c); others are ignored
 *
 * Return: bytes taken; a pending error once; -EPIPE (shut down or
 * closed: the kernel raises SIGPIPE too); -ENOTCONN; -EAGAIN (buffer
 * full, or still connecting); -ENOMEM (no memory for the buffer's
 * storage, tcp_ring.c).
 */
ssize_t tcp_send(struct tcb *tcb, const void *buf, size_t len, int flags)
{
	bool cork = tcb->cork;
	size_t n;

	if (tcb->err)
		return take_error(tcb);
	switch (tcb->state) {
	case TCPS_ESTABLISHED:
	case TCPS_CLOSE_WAIT:
		break;
	case TCPS_SYN_SENT:
	case TCPS_SYN_RECEIVED:
		return -EAGAIN;
	case TCPS_CLOSED:
		return !tcp_addr_is_any(&tcb->key.ra) ? -EPIPE : -ENOTCONN;
	case TCPS_LISTEN:
		return -ENOTCONN;
	case TCPS_FIN_WAIT_1:
	case TCPS_FIN_WAIT_2:
	case TCPS_CLOSING:
	case TCPS_LAST_ACK:
	case TCPS_TIME_WAIT:
	default:
		return -EPIPE;
	}
	if (tcb->shut_wr)
		return -EPIPE;
	if (!len)
		return 0;
	n = tcp_ring_write(&tcb->snd, buf, len);
	if (!n) /* full, or no memory for the room it has */
		return tcb->snd.len < tcb->snd.cap ? -ENOMEM : -EAGAIN;
	tcp_trim_arm(tcb->eng);
	if (flags & MSG_OOB)
		tcp_urg_mark(tcb);
	if (flags & MSG_MORE)
		tcb->cork = true;
	tcp_output(tcb);
	tcb->cork = cork;
	return (ssize_t)n;
}

/*
 * A ring of a new size keeping its bytes; refused if they do not fit.
 * A ring not set up yet takes the size when the connection does.
 */
static void ring_resize(struct tcp_ring *r, size_t cap)
{
	if (r->cap)
		tcp_ring_set_cap(r, cap);
}

/*
 * Receive-buffer auto-tuning, a simple form of Linux's
 * tcp_rcv_space_adjust() (dynamic right-sizing): when the application
 * read more than half the buffer within one round-trip time, the window
 * limited the sender, so the buffer doubles, up to tcp_rmem[2].  The
 * window scale chosen at the SYN already allows for that size.
 */
static void rcv_autotune(struct tcb *tcb, size_t n)
{
	struct engine *eng = tcb->eng;
	uint64_t rtt = tcb->rto.has_sample ? tcb->rto.srtt_us : 0;
	size_t want;

	if (tcb->rcvbuf_locked)
		return;
	tcb->rcvq_copied += n;
	if (rtt < 1000)
		rtt = 1000;
	if (eng->now - tcb->rcvq_time < rtt)
		return;
	if (tcb->rcvq_copied > tcb->rcv.cap / 2 &&
	    tcb->rcv.cap < eng->sysctl.tcp_rmem[2]) {
		want = tcb->rcv.cap * 2;
		if (want > eng->sysctl.tcp_rmem[2])
			want = eng->sysctl.tcp_rmem[2];
		ring_resize(&tcb->rcv, want);
		tcb->rcvbuf = tcb->rcv.cap;
		tcb->reass.budget = tcb->rcv.cap;
	}
	tcb->rcvq_copied = 0;
	tcb->rcvq_time = eng->now;
}

/**
 * tcp_recv() - recv(@tcb, @buf, @len, @flags)
 * @flags: MSG_PEEK leaves the data queued; MSG_OOB reads the urgent byte
 *	(tcp_recv_urg(), without its msg_flags)
 *
 * Reading opens the receive window; a window update goes out when the
 * window grew by min(RCV.BUFF / 2, 2 * MSS) since it was last advertised
 * (RFC 9293 3.8.6.2.2, receiver SWS avoidance).  A read stops at the
 * urgent mark and skips the urgent byte when it starts there (tcp_urg.c),
 * unless an outer reader (tcp_set_reader()) takes the bytes raw.
 *
 * Return: bytes copied; 0 at end of stream (FIN received, or SHUT_RD);
 * a pending error once; -ENOTCONN; -EAGAIN.
 */
ssize_t tcp_recv(struct tcb *tcb, void *buf, size_t len, int flags)
{
	uint32_t adv, space, thresh;
	size_t n, skip = 0;
	int mflags = 0;

	if (tcb->state == TCPS_LISTEN)
		return -ENOTCONN;
	if (flags & MSG_OOB)
		return tcp_recv_urg(tcb, buf, len, flags, &mflags);
	if (!tcb->shut_rd)
		skip = tcp_urg_read_plan(tcb, &len);
	if (skip && !(flags & MSG_PEEK)) {
		/* The urgent byte at the mark is not for read(). */
		tcp_ring_drop(&tcb->rcv, skip);
		tcp_urg_read_done(tcb);
		skip = 0;
	}
	if (tcb->rcv.len <= skip || tcb->shut_rd) {
		if (tcb->err)
			return take_error(tcb);
		if (tcb->fin_rcvd || tcb->shut_rd)
			return 0;
		if (tcb->state == TCPS_CLOSED)
			return -ENOTCONN;
		return -EAGAIN;
	}
	n = tcp_ring_peek(&tcb->rcv, skip, buf, len);
	if (flags & MSG_PEEK)
		return (ssize_t)n;
	tcp_ring_drop(&tcb->rcv, n);
	/* An outer reader's position did not move: the bytes are in its
	 * ring (and its count of them is not updated yet). */
	if (!tcb->rd_lag)
		tcp_urg_read_done(tcb);
	rcv_autotune(tcb, n);
	if (!tcp_synchronized(tcb) || tcb->fin_rcvd ||
	    tcb->state == TCPS_TIME_WAIT)
		return (ssize_t)n;
	adv = seq_gt(tcb->rcv_adv, tcb->rcv_nxt) ? tcb->rcv_adv - tcb->rcv_nxt
						 : 0;
	space = tcp_rcv_space(tcb);
	thresh = 2 * tcb->mss;
	if (thresh > tcb->rcv.cap / 2)
		thresh = (uint32_t)(tcb->rcv.cap / 2);
	if (space >= adv + thresh) {
		tcb->ack_now = true;
		if (tcb->eng->tcp->in_input) {
			/* Called back from tcp_input(): a reply may still
			 * carry the update (tcp_ack_flush()). */
			tcp_ack_later(tcb);
		} else {
			tcp_send_ack(tcb);
			tcp_notify_flush(tcb->eng);
		}
	}
	return (ssize_t)n;
}

/**
 * tcp_shutdown() - shutdown(@tcb, @how)
 *
 * SHUT_WR queues a FIN after the data (RFC 9293 3.10.4 CLOSE:
 * ESTABLISHED -> FIN-WAIT-1, CLOSE-WAIT -> LAST-ACK); SHUT_RD makes
 * recv() report end of stream.
 *
 * Return: 0; -EINVAL (bad @how); -ENOTCONN.
 */
int tcp_shutdown(struct tcb *tcb, int how)
{
	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return -EINVAL;
	switch (tcb->state) {
	case TCPS_CLOSED:
	case TCPS_LISTEN:
	case TCPS_SYN_SENT:
		return -ENOTCONN;
	case TCPS_SYN_RECEIVED:
	case TCPS_ESTABLISHED:
	case TCPS_FIN_WAIT_1:
	case TCPS_FIN_WAIT_2:
	case TCPS_CLOSE_WAIT:
	case TCPS_CLOSING:
	case TCPS_LAST_ACK:
	case TCPS_TIME_WAIT:
	default:
		break;
	}
	if (how != SHUT_WR) {
		tcb->shut_rd = true;
		tcp_notify(tcb);
	}
	if (how != SHUT_RD && !tcb->shut_wr) {
		tcb->shut_wr = true;
		if (tcb->state == TCPS_ESTABLISHED)
			tcp_set_state(tcb, TCPS_FIN_WAIT_1);
		else if (tcb->state == TCPS_CLOSE_WAIT)
			tcp_set_state(tcb, TCPS_LAST_ACK);
		tcp_output(tcb);
	}
	tcp_notify_flush(tcb->eng);
	return 0;
}

/* Reset and forget every child of a closing listener. */
static void close_children(struct tcb *ln)
{
	struct tcb *c, *tmp;

	HASH_ITER(hh, ln->eng->tcp->conns, c, tmp)
	{
		// cppcheck-suppress uninitvar ; c is set by HASH_ITER
		if (c->parent != ln)
			continue;
		tcp_send_rst(c);
		c->user_closed = true;
		tcp_set_state(c, TCPS_CLOSED);
		tcp_maybe_free(c);
	}
	/* Established children no longer in the table (reset already). */
	while (ln->aq_head) {
		c = ln->aq_head;
		ln->aq_head = c->aq_next;
		c->parent = NULL;
		c->in_aq = false;
		tcp_tcb_free(c);
	}
	ln->aq_tail = NULL;
	ln->aq_len = 0;
	ln->synq_len = 0;
}

/* RFC 9293 3.10.5 ABORT: RST, then CLOSED. */
static void abort_conn(struct tcb *tcb)
{
	if (tcp_synchronized(tcb) && tcb->state != TCPS_TIME_WAIT)
		tcp_send_rst(tcb);
	tcp_set_state(tcb, TCPS_CLOSED);
}

/*
 * SO_LINGER with a timeout: keep the callback for the one call that ends
 * the linger (see tcp.h), now if the close is already complete.
 */
static void linger_start(struct tcb *tcb, tcp_ready_fn *fn, void *arg)
{
	tcb->ready = fn;
	tcb->ready_arg = arg;
	tcb->lingering = true;
	switch (tcb->state) {
	case TCPS_FIN_WAIT_1:
	case TCPS_CLOSING:
	case TCPS_LAST_ACK:
		/* Our FIN (and maybe data) is not acknowledged yet. */
		tcp_linger_arm(tcb);
		break;
	case TCPS_CLOSED:
	case TCPS_LISTEN:
	case TCPS_SYN_SENT:
	case TCPS_SYN_RECEIVED:
	case TCPS_ESTABLISHED:
	case TCPS_FIN_WAIT_2:
	case TCPS_CLOSE_WAIT:
	case TCPS_TIME_WAIT:
	default:
		/* Reset, never connected, or everything acknowledged. */
		tcb->linger_done = true;
		tcp_notify(tcb);
		break;
	}
}

/**
 * tcp_close() - close(@tcb): the application lets go
 *
 * RFC 9293 3.10.4 CLOSE: queue a FIN after the data; the engine finishes
 * the exchange (and TIME-WAIT) on its own and frees the TCB at the end.
 * Unread received data turns the close into an abort with RST (RFC 9293
 * 3.10.4 / RFC 2525 2.17, as Linux: TcpExtTCPAbortOnClose), and so does
 * SO_LINGER with a zero timeout (TcpExtTCPAbortOnLinger).  A listener
 * resets its unaccepted connections.  SO_LINGER with a timeout keeps the
 * readiness callback for one last call that ends the linger: the
 * contract is in tcp.h, above the socket calls.
 *
 * Return: 0.  @tcb must not be used afterwards.
 */
int tcp_close(struct tcb *tcb)
{
	struct engine *eng = tcb->eng;
	tcp_ready_fn *fn = tcb->ready;
	void *arg = tcb->ready_arg;
	bool linger_wait = tcb->linger && tcb->linger_sec > 0 && fn;

	tcb->ready = NULL;
	tcb->ready_arg = NULL;
	tcb->user_closed = true;
	switch (tcb->state) {
	case TCPS_LISTEN:
		close_children(tcb);
		if (linger_wait)
			fn(tcb, TCP_POLL_LINGER, arg); /* nothing to wait for */
		tcp_tcb_free(tcb);
		return 0;
	case TCPS_CLOSED:
	case TCPS_SYN_SENT:
		tcp_set_state(tcb, TCPS_CLOSED);
		break;
	case TCPS_SYN_RECEIVED:
	case TCPS_ESTABLISHED:
	case TCPS_FIN_WAIT_1:
	case TCPS_FIN_WAIT_2:
	case TCPS_CLOSE_WAIT:
	case TCPS_CLOSING:
	case TCPS_LAST_ACK:
	case TCPS_TIME_WAIT:
	default:
		if (tcb->linger && tcb->linger_sec == 0) {
			eng->stats.tcp.TcpExtTCPAbortOnLinger++;
			abort_conn(tcb);
		} else if (tcb->rcv.len || !tcp_reass_empty(&tcb->reass)) {
			eng->stats.tcp.TcpExtTCPAbortOnClose++;
			abort_conn(tcb);
		} else {
			tcb->shut_rd = true;
			if (!tcb->shut_wr) {
				tcb->shut_wr = true;
				if (tcb->state == TCPS_ESTABLISHED ||
				    tcb->state == TCPS_SYN_RECEIVED)
					tcp_set_state(tcb, TCPS_FIN_WAIT_1);
				else if (tcb->state == TCPS_CLOSE_WAIT)
					tcp_set_state(tcb, TCPS_LAST_ACK);
				tcp_output(tcb);
			}
			if (tcb->state == TCPS_FIN_WAIT_2)
				tcp_keepalive_arm(tcb); /* fin timeout */
		}
		break;
	}
	if (linger_wait)
		linger_start(tcb, fn, arg);
	tcp_maybe_free(tcb);
	tcp_notify_flush(eng);
	return 0;
}

static int get_int(const void *val, socklen_t len, int *out)
{
	if (!val || len < (socklen_t)sizeof(int))
		return -EINVAL;
	memcpy(out, val, sizeof(int));
	return 0;
}

static int put_int(int v, void *val, socklen_t *len)
{
	socklen_t n;

	if (!val || !len)
		return -EFAULT;
	n = *len < (socklen_t)sizeof(v) ? *len : (socklen_t)sizeof(v);
	memcpy(val, &v, (size_t)n);
	*len = n;
	return 0;
}

/* Linux sock_setsockopt(): doubled, clamped to [min, max]. */
static size_t buf_size(int v, uint32_t min, uint32_t max)
{
	uint64_t d = v < 0 ? 0 : (uint64_t)v * 2;

	if (d > (uint64_t)max * 2)
		d = (uint64_t)max * 2;
	if (d < min)
		d = min;
	return (size_t)d;
}

static int set_sol_socket(struct tcb *tcb, int name, const void *val,
			  socklen_t len)
{
	struct engine *eng = tcb->eng;
	struct linger lg;
	int v = 0;

	if (name == SO_LINGER) {
		if (!val || len < (socklen_t)sizeof(lg))
			return -EINVAL;
		memcpy(&lg, val, sizeof(lg));
		tcb->linger = lg.l_onoff != 0;
		tcb->linger_sec = lg.l_linger;
		return 0;
	}
	if (get_int(val, len, &v))
		return -EINVAL;
	switch (name) {
	case SO_KEEPALIVE:
		tcb->keepalive = v != 0;
		if (tcb->state == TCPS_ESTABLISHED ||
		    tcb->state == TCPS_CLOSE_WAIT)
			tcp_keepalive_arm(tcb);
		return 0;
	case SO_REUSEADDR:
		tcb->reuseaddr = v != 0;
		return 0;
	case SO_OOBINLINE:
		tcb->oobinline = v != 0;
		return 0;
	case SO_SNDBUF:
		tcb->sndbuf = buf_size(v, eng->sysctl.tcp_wmem[0],
				       eng->sysctl.tcp_wmem[2]);
		ring_resize(&tcb->snd, tcb->sndbuf);
		return 0;
	case SO_RCVBUF:
		/* The window scale is fixed at the SYN (RFC 7323 2.2), so
		 * like Linux this matters most before connect/listen. */
		tcb->rcvbuf = buf_size(v, eng->sysctl.tcp_rmem[0],
				       eng->sysctl.tcp_rmem[2]);
		tcb->rcvbuf_locked = true;
		if (tcb->rcvbuf > tcb->rcv.cap)
			ring_resize(&tcb->rcv, tcb->rcvbuf);
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static int set_sol_tcp(struct tcb *tcb, int name, const void *val,
		       socklen_t len)
{
	const struct tcp_cc_ops *ops;
	char cc[TCP_CC_NAME_MAX];
	int v = 0;

	if (name == TCP_CONGESTION) {
		size_t n = len < sizeof(cc) - 1 ? (size_t)len : sizeof(cc) - 1;

		if (!val)
			return -EFAULT;
		memcpy(cc, val, n);
		cc[n] = '\0';
		ops = tcp_cc_find(cc);
		if (!ops)
			return -ENOENT;
		if (tcb->cc.ops != ops && tcp_synchronized(tcb)) {
			uint32_t cwnd = tcb->cc.cwnd, ss = tcb->cc.ssthresh;

			tcp_cc_init(&tcb->cc, ops, tcb->mss, tcb->snd_una,
				    tcb->eng->now);
			tcb->cc.cwnd = cwnd;
			tcb->cc.ssthresh = ss;
		}
		tcb->cc.ops = ops;
		return 0;
	}
	if (get_int(val, len, &v))
		return -EINVAL;
	switch (name) {
	case TCP_NODELAY:
		tcb->nodelay = v != 0;
		if (tcb->nodelay)
			tcp_output(tcb);
		return 0;
	case TCP_CORK:
		tcb->cork = v != 0;
		if (!tcb->cork)
			tcp_output(tcb); /* uncorking pushes what is held */
		return 0;
	case TCP_MAXSEG:
		if (v && (v < 88 || v > 32767))
			return -EINVAL;
		tcb->user_mss = (uint16_t)v;
		if (tcp_synchronized(tcb))
			tcp_set_mss(tcb);
		return 0;
	case TCP_KEEPIDLE:
	case TCP_KEEPINTVL:
		if (v < 1 || v > 32767)
			return -EINVAL;
		if (name == TCP_KEEPIDLE)
			tcb->keep_idle_s = v;
		else
			tcb->keep_intvl_s = v;
		if (tcb->keepalive && tcb->state == TCPS_ESTABLISHED)
			tcp_keepalive_arm(tcb);
		return 0;
	case TCP_KEEPCNT:
		if (v < 1 || v > 127)
			return -EINVAL;
		tcb->keep_cnt = v;
		return 0;
	case TCP_SYNCNT:
		if (v < 1 || v > 127)
			return -EINVAL;
		tcb->syn_retries = (uint32_t)v;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

/**
 * tcp_setsockopt() - SOL_SOCKET: SO_KEEPALIVE, SO_LINGER, SO_REUSEADDR,
 * SO_SNDBUF, SO_RCVBUF; IPPROTO_TCP: TCP_NODELAY, TCP_CORK, TCP_MAXSEG,
 * TCP_CONGESTION, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT, TCP_SYNCNT
 *
 * Return: 0; -EINVAL; -ENOENT (unknown congestion control, as Linux);
 * -ENOPROTOOPT.
 */
int tcp_setsockopt(struct tcb *tcb, int level, int name, const void *val,
		   socklen_t len)
{
	int rc;

	if (level == SOL_SOCKET)
		rc = set_sol_socket(tcb, name, val, len);
	else if (level == IPPROTO_TCP)
		rc = set_sol_tcp(tcb, name, val, len);
	else if (level == IPPROTO_IPV6)
		rc = tcp6_setsockopt(tcb, name, val, len);
	else
		rc = -ENOPROTOOPT;
	tcp_notify_flush(tcb->eng);
	return rc;
}

/* Linux's numbering of states in tcp_info (include/net/tcp_states.h). */
static uint8_t linux_state(enum tcp_state s)
{
	static const uint8_t map[] = {
		[TCPS_CLOSED] = 7,	[TCPS_LISTEN] = 10,
		[TCPS_SYN_SENT] = 2,	[TCPS_SYN_RECEIVED] = 3,
		[TCPS_ESTABLISHED] = 1, [TCPS_FIN_WAIT_1] = 4,
		[TCPS_FIN_WAIT_2] = 5,	[TCPS_CLOSE_WAIT] = 8,
		[TCPS_CLOSING] = 11,	[TCPS_LAST_ACK] = 9,
		[TCPS_TIME_WAIT] = 6,
	};

	return (unsigned int)s < sizeof(map) ? map[s] : 7;
}

static void fill_info(const struct tcb *tcb, struct tcp_info *ti)
{
	memset(ti, 0, sizeof(*ti));
	ti->tcpi_state = linux_state(tcb->state);
	ti->tcpi_ca_state = tcb->cc.in_recovery ? 3 /* TCP_CA_Recovery */
						: 0;
	ti->tcpi_retransmits = (uint8_t)tcb->retries;
	ti->tcpi_probes = (uint8_t)tcb->probes;
	ti->tcpi_backoff = tcb->rto.backoff;
	if (tcb->ts_ok)
		ti->tcpi_options |= TCPI_OPT_TIMESTAMPS;
	if (tcb->sack_ok)
		ti->tcpi_options |= TCPI_OPT_SACK;
	if (tcb->ws_ok) {
		ti->tcpi_options |= TCPI_OPT_WSCALE;
		ti->tcpi_snd_wscale = tcb->snd_wscale & 0xf;
		ti->tcpi_rcv_wscale = tcb->rcv_wscale & 0xf;
	}
	ti->tcpi_rto = tcp_rto_timeout(&tcb->rto);
	ti->tcpi_ato = tcb->eng->sysctl.tcp_delack_ms * 1000u;
	ti->tcpi_snd_mss = tcb->mss;
	ti->tcpi_rcv_mss = tcb->peer_mss;
	ti->tcpi_unacked = tcb->mss ? (tcb->snd_max - tcb->snd_una + tcb->mss -
				       1) / tcb->mss
				    : 0;
	ti->tcpi_sacked = tcb->mss ? tcb->sb.sacked / tcb->mss : 0;
	ti->tcpi_last_data_recv = (uint32_t)((tcb->eng->now - tcb->last_rx) /
					     1000u);
	ti->tcpi_pmtu = tcb->pmtu;
	ti->tcpi_rcv_ssthresh = tcb->rcv_wnd;
	ti->tcpi_rtt = tcb->rto.srtt_us;
	ti->tcpi_rttvar = tcb->rto.rttvar_us;
	ti->tcpi_snd_ssthresh = tcb->mss ? tcb->cc.ssthresh / tcb->mss : 0;
	ti->tcpi_snd_cwnd = tcb->mss ? tcb->cc.cwnd / tcb->mss : 0;
	ti->tcpi_advmss = tcb->mss;
	ti->tcpi_reordering = 3;
	ti->tcpi_rcv_space = (uint32_t)tcb->rcv.cap;
	ti->tcpi_total_retrans = tcb->total_retrans;
}

/**
 * tcp_getsockopt() - SO_ERROR (read and cleared), SO_TYPE, SO_ACCEPTCONN,
 * SO_KEEPALIVE, SO_REUSEADDR, SO_SNDBUF, SO_RCVBUF, SO_LINGER;
 * TCP_NODELAY, TCP_CORK, TCP_MAXSEG, TCP_CONGESTION, TCP_KEEPIDLE,
 * TCP_KEEPINTVL, TCP_KEEPCNT, TCP_SYNCNT, TCP_INFO (Linux's struct
 * tcp_info layout, truncated to *@len like the kernel)
 *
 * Return: 0; -EFAULT; -ENOPROTOOPT.
 */
int tcp_getsockopt(struct tcb *tcb, int level, int name, void *val,
		   socklen_t *len)
{
	struct sysctl *sc = &tcb->eng->sysctl;
	struct tcp_info ti;
	struct linger lg;
	const char *cc;
	size_t n;

	if (!val || !len)
		return -EFAULT;
	if (level == IPPROTO_IPV6)
		return tcp6_getsockopt(tcb, name, val, len);
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_ERROR:
			return put_int(-take_error(tcb), val, len);
		case SO_TYPE:
			return put_int(SOCK_STREAM, val, len);
		case SO_ACCEPTCONN:
			return put_int(tcb->state == TCPS_LISTEN, val, len);
		case SO_KEEPALIVE:
			return put_int(tcb->keepalive, val, len);
		case SO_REUSEADDR:
			return put_int(tcb->reuseaddr, val, len);
		case SO_OOBINLINE:
			return put_int(tcb->oobinline, val, len);
		case SO_SNDBUF:
			return put_int((int)tcb->sndbuf, val, len);
		case SO_RCVBUF:
			return put_int((int)tcb->rcvbuf, val, len);
		case SO_LINGER:
			lg.l_onoff = tcb->linger;
			lg.l_linger = tcb->linger_sec;
			n = *len < sizeof(lg) ? *len : sizeof(lg);
			memcpy(val, &lg, n);
			*len = (socklen_t)n;
			return 0;
		default:
			return -ENOPROTOOPT;
		}
	}
	if (level != IPPROTO_TCP)
		return -ENOPROTOOPT;
	switch (name) {
	case TCP_NODELAY:
		return put_int(tcb->nodelay, val, len);
	case TCP_CORK:
		return put_int(tcb->cork, val, len);
	case TCP_MAXSEG:
		return put_int(tcp_synchronized(tcb)
				       ? (int)tcb->mss
				       : (tcb->user_mss ? tcb->user_mss
							: TCP_DEFAULT_MSS),
			       val, len);
	case TCP_KEEPIDLE:
		return put_int(
			tcb->keep_idle_s
				? tcb->keep_idle_s
				: (int)(sc->tcp_keepalive_time_ms / 1000),
			val, len);
	case TCP_KEEPINTVL:
		return put_int(
			tcb->keep_intvl_s
				? tcb->keep_intvl_s
				: (int)(sc->tcp_keepalive_intvl_ms / 1000),
			val, len);
	case TCP_KEEPCNT:
		return put_int(tcb->keep_cnt ? tcb->keep_cnt
					     : (int)sc->tcp_keepalive_probes,
			       val, len);
	case TCP_SYNCNT:
		return put_int(tcb->syn_retries ? (int)tcb->syn_retries
						: (int)sc->tcp_syn_retries,
			       val, len);
	case TCP_CONGESTION:
		cc = tcb->cc.ops ? tcb->cc.ops->name : TCP_CC_DEFAULT;
		n = strlen(cc) + 1;
		if (n > *len)
			n = *len;
		memcpy(val, cc, n);
		*len = (socklen_t)n;
		return 0;
	case TCP_INFO:
		fill_info(tcb, &ti);
		n = *len < sizeof(ti) ? *len : sizeof(ti);
		memcpy(val, &ti, n);
		*len = (socklen_t)n;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

/** tcp_getsockname() - the local address; 0.0.0.0:0 while unbound. */
int tcp_getsockname(const struct tcb *tcb, struct sockaddr *addr,
		    socklen_t *len)
{
	put_addr(tcb, &tcb->key.la, tcb->key.lport, addr, len);
	return 0;
}

/** tcp_getpeername() - the peer; -ENOTCONN unless connected. */
int tcp_getpeername(const struct tcb *tcb, struct sockaddr *addr,
		    socklen_t *len)
{
	if (!tcp_synchronized(tcb) || tcb->state == TCPS_SYN_RECEIVED)
		return -ENOTCONN;
	put_addr(tcb, &tcb->key.ra, tcb->key.rport, addr, len);
	return 0;
}

/**
 * tcp_poll() - what poll/epoll would report for @tcb (tcp_poll() in
 * Linux): IN for data, end of stream, a pending connection or an error;
 * PRI while an urgent byte waits for recv(MSG_OOB); OUT for send space
 * once connected; RDHUP after the peer's FIN; HUP when both directions
 * are done or the connection is gone; ERR for SO_ERROR
 *
 * At the urgent mark (not SO_OOBINLINE) the urgent byte does not make
 * the socket readable: a read would skip it.
 */
unsigned int tcp_poll(const struct tcb *tcb)
{
	unsigned int ev = 0;
	size_t target = 1;

	if (tcb->state == TCPS_LISTEN)
		return tcb->aq_len ? TCP_POLL_IN : 0;
	if (tcb->err)
		ev |= TCP_POLL_ERR;
	if (tcb->state == TCPS_CLOSED || (tcb->shut_wr && tcb->fin_rcvd))
		ev |= TCP_POLL_HUP;
	if (tcb->fin_rcvd || tcb->shut_rd)
		ev |= TCP_POLL_IN | TCP_POLL_RDHUP;
	if (!tcb->rd_lag && !tcb->oobinline && tcp_urg_atmark(tcb))
		target++;
	if (tcb->rcv.len >= target)
		ev |= TCP_POLL_IN;
	if (tcb->state == TCPS_SYN_SENT || tcb->state == TCPS_SYN_RECEIVED)
		return ev;
	if (tcp_urg_state(tcb) & TCP_URG_VALID)
		ev |= TCP_POLL_PRI;
	if (tcp_send_space(tcb) || tcb->shut_wr || tcb->state == TCPS_CLOSED)
		ev |= TCP_POLL_OUT;
	return ev;
}

/**
 * tcp_set_ready() - call @fn(@tcb, events, @arg) when readiness changes
 * (see tcp_ready_fn); NULL stops the calls, and ends an outer reader
 * (tcp_set_reader()), whose callback shares @arg
 */
void tcp_set_ready(struct tcb *tcb, tcp_ready_fn *fn, void *arg)
{
	tcb->ready = fn;
	tcb->ready_arg = arg;
	if (!fn)
		tcb->rd_lag = NULL;
}

/**
 * tcp_set_reader() - the bytes tcp_recv() returns go to an outer reader
 * (the shim's rx ring) whose application reads them later: @fn(@tcb,
 * ready_arg) says how many it has not read yet.  tcp_recv() then moves
 * bytes without the urgent-data rules, which the outer reader applies
 * (tcp_urg_view()).  Set after tcp_set_ready(); NULL: tcp_recv() reads.
 */
void tcp_set_reader(struct tcb *tcb, tcp_lag_fn *fn)
{
	tcb->rd_lag = fn;
}
