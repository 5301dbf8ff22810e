// SPDX-License-Identifier: MIT
/*
 * app.c - attached applications: the engine's side of libnsshim.so
 *
 * Theory of operation
 *
 * An app (a process running with libnsshim.so) connects to the control
 * socket and sends a binary HELLO instead of a JSON request; ctl_server.c
 * spots the difference by the first byte and hands the connection here.
 * The app must run as the engine's user or as root (SO_PEERCRED, the same
 * policy as nsctl's): an arena is a window into the engine's sockets.
 *
 * Each app gets its own sealed memfd arena with one command ring, one
 * table of socket state words and two rings per socket (tx: app to
 * engine, rx: engine to app): record rings for UDP, byte rings for TCP;
 * and doorbells (ipc/doorbell.h): the engine sleeps on one (in the loop),
 * the app's threads on a shared one and on private waiters' ones, made on
 * request (WAITER); the engine keeps only the ends it needs.  The layout and command
 * encoding are in include/nsstack/shimproto.h.
 *
 * The engine is always "asleep" on every ring the app produces into (the
 * command ring and every tx ring): after servicing them it re-arms their
 * wake-me flags, so the app's kick after a publish reaches the loop.  The
 * rx rings are fed from the socket readiness callback; when an rx ring is
 * full the engine leaves the datagram queued in its socket and arms the
 * ring's producer flag, so the app's next receive rings the doorbell.
 *
 * Stream sockets (a struct tcb each) move bytes: tx bytes go into
 * tcp_send() as far as tcp_send_space() allows, the rest waits in the ring
 * for the TCB's TCP_POLL_OUT callback; received bytes go from tcp_recv()
 * straight into the rx ring's free space and stay in TCP's buffer (the
 * window shrinks) while the ring is full.  Connection state (connected,
 * peer FIN, hang-up, accept queue, pending error) is mirrored in the
 * socket's state words after every change, so the shim answers poll(),
 * SO_ERROR and end of stream without asking.  SHUT_WR and CLOSE take
 * effect only after the bytes already in the tx ring, as they would in
 * the kernel's send queue.
 *
 * Nothing read from the arena is trusted: commands are copied out of their
 * slot and every id, length and level is checked against the engine's own
 * books; ring indices and record headers are validated by ipc/.  A broken
 * command ring detaches the app; a broken tx ring poisons only its socket
 * (EPROTO).  Socket ids index the app's own table, so no value an app can
 * write names another app's socket.  When the control socket hangs up
 * (exit, crash, SIGKILL) every socket of the app is closed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app.h"
#include "app_priv.h"
#include "arena.h"
#include "bytering.h"
#include "cmdring.h"
#include "ctl.h"
#include "ctlmsg.h"
#include "ctlsock.h"
#include "doorbell.h"
#include "engine.h"
#include "engine_loop.h"
#include "log.h"
#include "nsstack/shimproto.h"
#include "recring.h"
#include "socket.h"
#include "tcp.h"

/* Sockets shared by several apps (fork): see "Sharing" below. */
static bool rx_owner(const struct app_sock *s);
static void share_each(struct app_sock *s, void (*fn)(struct app_sock *));
static bool share_leave(struct app_sock *s);

struct app_stats *stats_of(struct engine *eng)
{
	return &eng->apps->stats;
}

/* wake_app() - ring the app's threads that sleep on @st's state words. */
static void wake_app(struct app *a, struct shim_sock_state *st)
{
	uint64_t who;

	atomic_thread_fence(memory_order_seq_cst);
	if (!atomic_load_explicit(&st->wait, memory_order_acquire))
		return;
	who = ipc_doorbell_take(&st->wait);
	if (who)
		(void)ipc_doorbell_ring_mask(&a->bells, who);
}

/* close_fds() - close the @n fds at @fds that are open; mark them -1. */
static void close_fds(int *fds, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

static struct shim_sock_state *state_of(struct app *a, struct app_sock *s)
{
	return &a->state[SHIM_ID_SLOT(s->id)];
}

/* post_error() - publish a pending error for the app's next call. */
static void post_error(struct app *a, struct app_sock *s, int err)
{
	struct shim_sock_state *st = state_of(a, s);

	atomic_store_explicit(&st->err, (uint32_t)err, memory_order_release);
	atomic_fetch_or_explicit(&st->events, SHIM_EV_ERR,
				 memory_order_release);
	wake_app(a, st);
}

/* poison() - @s's ring held garbage: it gets EPROTO and no more service. */
static void poison(struct app *a, struct app_sock *s)
{
	stats_of(a->eng)->ShimBadRings++;
	s->broken = true;
	post_error(a, s, EPROTO);
}

/*
 * dgram_source() - @d's source as recvfrom() on @sk names it: a
 * sockaddr_in, or for an AF_INET6 socket a sockaddr_in6 (an IPv4 peer as
 * ::ffff:a.b.c.d, RFC 4291 2.5.5.2)
 */
static void dgram_source(const struct sock *sk, const struct sock_dgram *d,
			 struct ipc_rec_meta *meta)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(d->sport) };
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(d->sport),
				   .sin_addr.s_addr = htonl(d->saddr) };

	if (sk->family != AF_INET6) {
		meta->addrlen = sizeof(sin);
		memcpy(meta->addr, &sin, sizeof(sin));
		return;
	}
	if (d->v6) {
		memcpy(s6.sin6_addr.s6_addr, d->saddr6, 16);
	} else {
		s6.sin6_addr.s6_addr[10] = 0xff;
		s6.sin6_addr.s6_addr[11] = 0xff;
		memcpy(s6.sin6_addr.s6_addr + 12, &sin.sin_addr.s_addr, 4);
	}
	meta->addrlen = sizeof(s6);
	memcpy(meta->addr, &s6, sizeof(s6));
}

/*
 * dgram_rxinfo() - what recvmsg() control messages need of @d, for the
 * options @sk has on now (shimproto.h SHIM_REC_F_*)
 */
static void dgram_rxinfo(const struct sock *sk, const struct sock_dgram *d,
			 struct ipc_rec_meta *meta)
{
	uint32_t fl = 0, a;

	if (sk->family == AF_INET6 && sk->recvpktinfo6)
		fl |= SHIM_REC_F_PKTINFO6;
	if (!d->v6) {
		fl |= sk->pktinfo ? SHIM_REC_F_PKTINFO : 0;
		fl |= sk->recvttl ? SHIM_REC_F_TTL : 0;
		fl |= sk->recvtos ? SHIM_REC_F_TOS : 0;
	}
	if (!fl)
		return;
	meta->ifindex = (uint32_t)d->ri.ifindex;
	meta->tos = d->ri.tos;
	meta->ttl = d->ri.ttl;
	if (d->v6) {
		fl |= SHIM_REC_F_DST6;
		memcpy(meta->dst, d->ri.dst6, 16);
	} else {
		a = htonl(d->ri.dst);
		memcpy(meta->dst, &a, 4);
		a = htonl(d->ri.spec_dst);
		memcpy(meta->dst + 4, &a, 4);
	}
	meta->flags |= fl;
}

/*
 * pump_rx() - move queued datagrams from the engine socket into the app's
 * rx ring until it is empty or the ring is full
 *
 * A datagram leaves the socket queue only once it is in the ring, so a
 * full ring applies back-pressure through the socket's rcvbuf, as the
 * kernel's receive queue does.
 */
void pump_rx(struct app *a, struct app_sock *s)
{
	struct sock *sk = s->sk;
	bool sent = false;

	if (sk->err) {
		int err = 0;
		socklen_t len = sizeof(err);

		if (!sock_getsockopt(sk, SOL_SOCKET, SO_ERROR, &err, &len) &&
		    err)
			post_error(a, s, err);
	}
	while (sk->rq_head) {
		struct sock_dgram *d = sk->rq_head;
		struct ipc_rec_meta meta = { 0 };
		ssize_t rc;

		dgram_source(sk, d, &meta);
		dgram_rxinfo(sk, d, &meta);
		rc = ipc_recring_send(&s->rx.rec, &meta, d->data, d->len);
		if (rc == -EAGAIN) {
			/* Ready again at once: the app freed space meanwhile. */
			if (ipc_recring_wait_prepare(&s->rx.rec,
						     ipc_recring_need(d->len),
						     IPC_WAIT_SHARED) == 1)
				continue;
			break;
		}
		if (rc < 0 && rc != -EMSGSIZE) {
			stats_of(a->eng)->ShimBadRings++;
			break;
		}
		if (rc < 0)
			stats_of(a->eng)->ShimRxDrops++;
		else
			stats_of(a->eng)->ShimRxDatagrams++;
		(void)sock_recvfrom(sk, NULL, 0, 0, NULL, NULL);
		sent = true;
	}
	if (sent)
		(void)ipc_recring_kick(&s->rx.rec, &a->bells);
}

static void on_ready(struct sock *sk, unsigned int events, void *arg)
{
	struct app_sock *s = arg;

	(void)sk;
	(void)events;
	pump_rx(s->app, s);
}

/*
 * drain_tx() - send what the app queued on datagram socket @s
 *
 * Errors the kernel would return from sendto() come back as the socket's
 * pending error: the app does not wait for the engine on every datagram.
 */
static bool drain_tx(struct app *a, struct app_sock *s)
{
	bool did = false;
	int i;

	if (s->broken)
		return false;
	for (i = 0; i < APP_BATCH; i++) {
		struct ipc_rec_meta meta;
		struct sockaddr_storage ss;
		size_t reclen = 0;
		ssize_t n;

		n = ipc_recring_recv(&s->tx.rec, &meta, a->buf, sizeof(a->buf),
				     0, &reclen);
		if (n == -EAGAIN)
			break;
		if (n < 0) {
			/* Garbage in the ring: only this socket suffers. */
			poison(a, s);
			break;
		}
		did = true;
		stats_of(a->eng)->ShimTxDatagrams++;
		if (reclen > APP_DGRAM_MAX) {
			post_error(a, s, EMSGSIZE);
			continue;
		}
		memset(&ss, 0, sizeof(ss));
		memcpy(&ss, meta.addr, meta.addrlen);
		n = sock_sendto(s->sk, a->buf, (size_t)n, 0,
				meta.addrlen ? (struct sockaddr *)&ss : NULL,
				(socklen_t)meta.addrlen);
		/* A full device queue drops, as a UDP send may. */
		if (n < 0 && n != -EAGAIN && n != -ENOBUFS)
			post_error(a, s, (int)-n);
	}
	if (did)
		(void)ipc_recring_kick(&s->tx.rec, &a->bells);
	return did;
}

/*
 * tcp_wr_over() - TCP takes no more data on @tcb: shut down for writing,
 * past ESTABLISHED/CLOSE-WAIT, or a connection that ended
 */
static bool tcp_wr_over(const struct tcb *tcb)
{
	switch (tcb->state) {
	case TCPS_CLOSED:
		return tcb->key.raddr != 0;
	case TCPS_LISTEN:
	case TCPS_SYN_SENT:
	case TCPS_SYN_RECEIVED:
		return false;
	case TCPS_ESTABLISHED:
	case TCPS_CLOSE_WAIT:
		return tcb->shut_wr;
	case TCPS_FIN_WAIT_1:
	case TCPS_FIN_WAIT_2:
	case TCPS_CLOSING:
	case TCPS_LAST_ACK:
	case TCPS_TIME_WAIT:
	default:
		return true;
	}
}

/*
 * tcp_publish() - mirror @s's TCB in its state words: the pending error,
 * and the SHIM_EV_* stream bits the shim answers readiness from
 *
 * The end-of-stream bits (RDHUP, HUP) wait until TCP's receive buffer is
 * empty, i.e. every byte before the FIN or the reset is in the rx ring
 * already; the fetch_or is a release after the ring's tail store.
 */
static void tcp_publish(struct app *a, struct app_sock *s)
{
	struct shim_sock_state *st = state_of(a, s);
	struct tcb *tcb = s->tcb;
	unsigned int ev = tcp_poll(tcb);
	bool eof_ok = !tcb->rcv.len || tcb->shut_rd;
	uint32_t want = 0, old;
	bool changed;

	if (tcb->state == TCPS_LISTEN) {
		if (tcb->aq_len)
			want |= SHIM_EV_ACCEPT;
	} else {
		if (tcb->state >= TCPS_ESTABLISHED)
			want |= SHIM_EV_CONNECTED;
		if ((ev & TCP_POLL_RDHUP) && eof_ok)
			want |= SHIM_EV_RDHUP;
		if ((ev & TCP_POLL_HUP) && eof_ok)
			want |= SHIM_EV_HUP;
		if (s->wr_dead || s->shut_wr || tcp_wr_over(tcb))
			want |= SHIM_EV_WRHUP;
		if (tcb->fin_sent && tcb->snd_una == tcb->snd_max)
			want |= SHIM_EV_FINACK;
		if (ev & TCP_POLL_PRI)
			want |= SHIM_EV_PRI;
	}
	atomic_store_explicit(&st->tcp_state, (uint32_t)tcb->state,
			      memory_order_relaxed);
	old = atomic_load_explicit(&st->events, memory_order_relaxed);
	/* CONNECTED is sticky: a connection that ended was connected. */
	want |= old & SHIM_EV_CONNECTED;
	changed = (old & SHIM_EV_STREAM) != want;
	if (tcb->state != TCPS_LISTEN &&
	    (app_urg_publish(s, st, rx_owner(s)) || s->urg_wake)) {
		s->urg_wake = false;
		changed = true;
	}
	if (tcb->state != TCPS_LISTEN)
		app_urg_signal(a, s);
	if (changed) {
		atomic_fetch_and_explicit(&st->events,
					  ~(SHIM_EV_STREAM & ~want),
					  memory_order_release);
		atomic_fetch_or_explicit(&st->events, want,
					 memory_order_release);
	}
	/* The error last: "State before error" in nsstack/shimproto.h. */
	if (tcb->err) {
		int err = 0;
		socklen_t len = sizeof(err);

		if (!tcp_getsockopt(tcb, SOL_SOCKET, SO_ERROR, &err, &len) &&
		    err) {
			post_error(a, s, err);
			return;
		}
	}
	if (changed)
		wake_app(a, st);
}

/*
 * tcp_pump_rx() - copy what TCP received into the app's rx ring
 *
 * Bytes leave TCP's receive buffer only as the ring has room, so a full
 * ring keeps them there and the advertised window shrinks: the app's
 * reading speed is what the peer sees.  When the ring is full the
 * producer flag is armed, so the app's next read rings the engine.
 */
static void tcp_pump_rx(struct app *a, struct app_sock *s)
{
	struct tcb *tcb = s->tcb;
	bool sent = false;

	if (tcb->state == TCPS_LISTEN)
		return;
	/* The mark before the bytes that hold it (shimproto.h). */
	if (app_urg_publish(s, state_of(a, s), true))
		s->urg_wake = true;
	for (;;) {
		struct ipc_span sp[2];
		ssize_t room = ipc_bytering_reserve(&s->rx.byte, sp);
		ssize_t n, m;

		if (room < 0) {
			poison(a, s);
			break;
		}
		if (!tcb->rcv.len || tcb->shut_rd)
			break;
		if (room == 0) {
			if (ipc_bytering_wait_prepare(&s->rx.byte, 1,
						      IPC_WAIT_SHARED) == 1)
				continue;
			break;
		}
		n = tcp_recv(tcb, sp[0].p, sp[0].len, 0);
		if (n > 0 && (size_t)n == sp[0].len && sp[1].len) {
			m = tcp_recv(tcb, sp[1].p, sp[1].len, 0);
			if (m > 0)
				n += m;
		}
		if (n <= 0)
			break;
		(void)ipc_bytering_commit(&s->rx.byte, (size_t)n);
		stats_of(a->eng)->ShimTcpRxBytes += (uint64_t)n;
		sent = true;
	}
	if (sent)
		(void)ipc_bytering_kick(&s->rx.byte, &a->bells);
}

/*
 * tcp_drain_tx() - hand the app's tx bytes to TCP as its send buffer
 * allows
 *
 * When the send buffer is full the rest stays in the ring; the TCB's
 * TCP_POLL_OUT callback (on_tcp_ready) resumes.  Once TCP takes no more
 * data (reset, or the connection is closed), queued bytes are dropped,
 * as the kernel drops its send queue.
 *
 * Return: true if any byte left the ring.
 */
static bool tcp_drain_tx(struct app *a, struct app_sock *s)
{
	struct ipc_span sp[2];
	size_t done = 0, pos = 0;
	ssize_t used;
	int i = 0;

	used = ipc_bytering_peek(&s->tx.byte, sp);
	if (used < 0) {
		poison(a, s);
		return false;
	}
	if (tcp_wr_over(s->tcb))
		s->wr_dead = true;
	/* Span by span, a chunk cut short at an urgent byte (MSG_OOB). */
	while (i < 2 && !s->wr_dead && pos < sp[i].len) {
		size_t room = tcp_send_space(s->tcb);
		size_t want = sp[i].len - pos < room ? sp[i].len - pos : room;
		int flags;
		ssize_t n;

		if (!want)
			break;
		want = app_urg_tx_cut(s, done, want, &flags);
		n = tcp_send(s->tcb, sp[i].p + pos, want, flags);
		if (n < 0) {
			if (n != -EAGAIN) {
				if (n != -EPIPE && n != -ENOTCONN)
					post_error(a, s, (int)-n);
				s->wr_dead = true;
			}
			break;
		}
		if (flags && (size_t)n == want)
			s->urg_tx = false;
		done += (size_t)n;
		pos += (size_t)n;
		stats_of(a->eng)->ShimTcpTxBytes += (uint64_t)n;
		if ((size_t)n < want)
			break;
		if (pos == sp[i].len) {
			i++;
			pos = 0;
		}
	}
	if (s->wr_dead) {
		done = (size_t)used;
		s->urg_tx = false;
	}
	if (!done)
		return false;
	(void)ipc_bytering_consume(&s->tx.byte, done);
	(void)ipc_bytering_kick(&s->tx.byte, &a->bells);
	return true;
}

static void sock_release(struct app *a, struct app_sock *s);
static void slot_drop(struct app *a, struct app_sock *s);
static void aring_fill(struct app *a, struct app_sock *ln);

/*
 * tcp_service() - everything a stream socket may need: drain tx, fill
 * rx, publish state, and finish a SHUTDOWN(SHUT_WR) or CLOSE that waited
 * for the tx ring to empty
 *
 * TCP calls may run readiness callbacks (a window update flushes them),
 * which land here again: the nested call only asks for another round.
 * @s may be released on return when it was closing.
 *
 * Return: true if any tx byte was taken.
 */
bool tcp_service(struct app *a, struct app_sock *s)
{
	bool did = false;
	ssize_t left;

	if (s->busy) {
		s->again = true;
		return false;
	}
	if (s->broken)
		return false;
	s->busy = true;
	do {
		s->again = false;
		did |= tcp_drain_tx(a, s);
		if (!s->broken && rx_owner(s))
			tcp_pump_rx(a, s);
		left = s->broken ? 0 : ipc_bytering_used(&s->tx.byte);
		/* Still busy: the FIN's state change runs the readiness
		 * callbacks, whose tcp_service() must not release @s (it
		 * may be closing) under us; it asks for a round instead. */
		if (left <= 0 && s->shut_wr) {
			s->shut_wr = false;
			(void)tcp_shutdown(s->tcb, SHUT_WR);
		}
	} while (s->again && !s->broken);
	s->busy = false;
	if (left <= 0 && s->closing) {
		sock_release(a, s);
		return did;
	}
	if (s->aring)
		aring_fill(a, s);
	tcp_publish(a, s);
	return did;
}

static void service_one(struct app_sock *s)
{
	(void)tcp_service(s->app, s);
}

static void on_tcp_ready(struct tcb *tcb, unsigned int events, void *arg)
{
	(void)tcb;
	(void)events;
	/* Every holder: listeners wake all sharers, senders resume. */
	share_each(arg, service_one);
}

struct app_sock *sock_lookup(struct app *a, uint32_t id)
{
	uint32_t slot = SHIM_ID_SLOT(id);

	if (!id || slot >= SHIM_MAX_SOCKS || a->socks[slot].id != id ||
	    a->socks[slot].closing)
		return NULL;
	return &a->socks[slot];
}

/*
 * tcp_let_go() - close @s's TCB the way the kernel closes a socket: bytes
 * the app never read (in the rx ring or still in TCP) reset the connection
 * (RFC 9293 3.10.4 / RFC 2525 2.17), otherwise FIN after the data
 */
static void tcp_let_go(struct app_sock *s)
{
	/* A ring the app scribbled on counts as unread; a connection the
	 * app never took from the accept ring is reset, as Linux resets
	 * its accept queue when the listener closes. */
	app_tcp_close(s->tcb,
		      s->pending || ipc_bytering_used(&s->rx.byte) != 0);
}

/**
 * app_tcp_close() - close @tcb as close(2) does: reset if @unread (bytes
 * the app never read), else FIN after the data
 */
void app_tcp_close(struct tcb *tcb, bool unread)
{
	static const struct linger abort_now = { .l_onoff = 1, .l_linger = 0 };

	tcp_set_ready(tcb, NULL, NULL);
	if (unread && tcb->state != TCPS_LISTEN)
		(void)tcp_setsockopt(tcb, SOL_SOCKET, SO_LINGER, &abort_now,
				     sizeof(abort_now));
	(void)tcp_close(tcb);
}

static void aring_release(struct app *a, struct app_sock *ln);

/* sock_release() - close the engine socket and free its rings. */
static void sock_release(struct app *a, struct app_sock *s)
{
	struct shim_sock_state *st = state_of(a, s);

	if (s->aring)
		aring_release(a, s);
	if (share_leave(s) || pass_park(a, s)) {
		/* Other apps still hold it, or its anchor lives elsewhere
		 * (SCM_RIGHTS): only this holder goes. */
	} else if (s->kind == APP_UDP) {
		sock_set_ready(s->sk, NULL, NULL);
		sock_close(s->sk);
	} else {
		tcp_let_go(s);
	}
	(void)ipc_arena_free(&a->arena, s->tx_off);
	(void)ipc_arena_free(&a->arena, s->rx_off);
	atomic_store_explicit(&st->id, 0, memory_order_release);
	atomic_store_explicit(&st->events, SHIM_EV_CLOSED,
			      memory_order_release);
	slot_drop(a, s);
	a->nsocks--;
}

/* slot_drop() - @s is free again. */
static void slot_drop(struct app *a, struct app_sock *s)
{
	unsigned int slot = (unsigned int)(s - a->socks);

	memset(s, 0, sizeof(*s));
	a->used[slot / 64] &= ~(1ull << (slot % 64));
}

/* next_used() - the first taken slot at or after @slot, or SHIM_MAX_SOCKS. */
unsigned int next_used(const struct app *a, unsigned int slot)
{
	while (slot < SHIM_MAX_SOCKS) {
		uint64_t w = a->used[slot / 64] >> (slot % 64);

		if (w)
			return slot + (unsigned int)__builtin_ctzll(w);
		slot = (slot / 64 + 1) * 64;
	}
	return SHIM_MAX_SOCKS;
}

/* open_rings() - format and open @s's two rings for its kind. */
static int open_rings(struct app *a, struct app_sock *s)
{
	uint32_t cap = ipc_ring_cap_for(SHIM_REGION_LEN);
	enum ipc_ring_kind k = s->kind == APP_TCP ? IPC_RING_BYTES
						  : IPC_RING_RECORDS;
	void *tx = ipc_arena_region(&a->arena, s->tx_off);
	void *rx = ipc_arena_region(&a->arena, s->rx_off);
	int rc;

	rc = ipc_ring_format(tx, SHIM_REGION_LEN, k, cap);
	if (!rc)
		rc = ipc_ring_format(rx, SHIM_REGION_LEN, k, cap);
	if (rc)
		return rc;
	if (s->kind == APP_TCP) {
		rc = ipc_bytering_open(&s->tx.byte, tx, SHIM_REGION_LEN, cap,
				       false);
		if (!rc)
			rc = ipc_bytering_open(&s->rx.byte, rx, SHIM_REGION_LEN,
					       cap, true);
		return rc;
	}
	rc = ipc_recring_open(&s->tx.rec, tx, SHIM_REGION_LEN, cap, false);
	if (!rc)
		rc = ipc_recring_open(&s->rx.rec, rx, SHIM_REGION_LEN, cap,
				      true);
	return rc;
}

/*
 * slot_new() - a free slot with formatted rings for a socket of @kind
 *
 * Nothing is published until slot_commit(); slot_abandon() undoes.
 * Return: the slot, or NULL with *@err set (-EMFILE, -ENOBUFS).
 */
struct app_sock *slot_new(struct app *a, enum app_kind kind, int *err)
{
	struct app_sock *s = NULL;
	unsigned int slot = 0, w;

	for (w = 0; w < SHIM_MAX_SOCKS / 64; w++)
		if (a->used[w] != UINT64_MAX) {
			slot = w * 64 +
			       (unsigned int)__builtin_ctzll(~a->used[w]);
			s = &a->socks[slot];
			break;
		}
	if (!s) {
		*err = -EMFILE;
		return NULL;
	}
	a->used[w] |= 1ull << (slot % 64);
	s->kind = kind;
	*err = -ENOBUFS;
	if (ipc_arena_alloc(&a->arena, &s->tx_off))
		goto fail;
	if (ipc_arena_alloc(&a->arena, &s->rx_off)) {
		(void)ipc_arena_free(&a->arena, s->tx_off);
		goto fail;
	}
	*err = open_rings(a, s);
	if (!*err)
		return s;
	(void)ipc_arena_free(&a->arena, s->tx_off);
	(void)ipc_arena_free(&a->arena, s->rx_off);
fail:
	slot_drop(a, s);
	return NULL;
}

static void slot_abandon(struct app *a, struct app_sock *s)
{
	(void)ipc_arena_free(&a->arena, s->tx_off);
	(void)ipc_arena_free(&a->arena, s->rx_off);
	slot_drop(a, s);
}

/* slot_commit() - give @s its id and state words, hook up readiness. */
void slot_commit(struct app *a, struct app_sock *s, struct ipc_cpl *cpl)
{
	unsigned int slot = (unsigned int)(s - a->socks);
	struct shim_sock_state *st = &a->state[slot];

	if (++a->gen[slot] == 0)
		a->gen[slot] = 1;
	s->id = (uint32_t)a->gen[slot] << 16 | slot;
	atomic_store_explicit(&st->err, 0, memory_order_relaxed);
	atomic_store_explicit(&st->events, 0, memory_order_relaxed);
	atomic_store_explicit(&st->tcp_state, 0, memory_order_relaxed);
	atomic_store_explicit(&st->urg, 0, memory_order_relaxed);
	atomic_store_explicit(&st->urg_skip, 0, memory_order_relaxed);
	atomic_store_explicit(&st->id, s->id, memory_order_release);
	s->app = a;
	a->nsocks++;
	cpl->result = s->id;
	if (s->sh) {
		/* A new holder of a shared socket: the callback stays. */
		if (s->kind == APP_UDP)
			(void)ipc_recring_wait_prepare(&s->tx.rec, 0,
						       IPC_WAIT_SHARED);
		else
			(void)ipc_bytering_wait_prepare(&s->tx.byte, 0,
							IPC_WAIT_SHARED);
	} else if (s->kind == APP_UDP) {
		sock_set_ready(s->sk, on_ready, s);
		(void)ipc_recring_wait_prepare(&s->tx.rec, 0, IPC_WAIT_SHARED);
	} else {
		tcp_set_ready(s->tcb, on_tcp_ready, s);
		tcp_set_reader(s->tcb, app_rx_lag);
		(void)ipc_bytering_wait_prepare(&s->tx.byte, 0,
						IPC_WAIT_SHARED);
		tcp_publish(a, s);
	}
}

static int op_socket(struct app *a, const struct ipc_cmd *c,
		     struct ipc_cpl *cpl)
{
	uint64_t type = c->arg[1] & ~(uint64_t)(SOCK_NONBLOCK | SOCK_CLOEXEC);
	enum app_kind kind;
	struct app_sock *s;
	int rc;

	if (c->arg[0] != AF_INET && c->arg[0] != AF_INET6)
		return -EAFNOSUPPORT;
	if (type == SOCK_DGRAM)
		kind = APP_UDP;
	else if (type == SOCK_STREAM)
		kind = APP_TCP;
	else
		return -ESOCKTNOSUPPORT;
	if (c->arg[2] != 0 &&
	    c->arg[2] != (kind == APP_UDP ? IPPROTO_UDP : IPPROTO_TCP))
		return -EPROTONOSUPPORT;
	s = slot_new(a, kind, &rc);
	if (!s)
		return rc;
	if (kind == APP_UDP)
		rc = sock_create(a->eng, (int)c->arg[0], SOCK_DGRAM,
				 IPPROTO_UDP, &s->sk);
	else
		rc = tcp_socket_af(a->eng, (int)c->arg[0], &s->tcb);
	if (rc) {
		slot_abandon(a, s);
		return rc;
	}
	slot_commit(a, s, cpl);
	cpl->val[0] = s->tx_off;
	cpl->val[1] = s->rx_off;
	return 0;
}

static void publish_one(struct app_sock *s)
{
	tcp_publish(s->app, s);
}

/* scratch_of() - @s's scratch area in the state region (shimproto.h). */
static uint8_t *scratch_of(struct app *a, struct app_sock *s)
{
	return (uint8_t *)a->state + SHIM_SCRATCH_OFF +
	       (size_t)SHIM_ID_SLOT(s->id) * SHIM_SCRATCH_LEN;
}

/* ---- The accept ring (shimproto.h) ---------------------------------------
 *
 * A connection that completes its handshake on a listener an app accepts
 * on is accepted for that app at once: aring_fill() makes the app socket
 * as ACCEPT would and appends a record naming it to the listener's rx
 * ring, so accept() in the app reads a record instead of waiting for a
 * command's completion (one engine round trip and two wake-ups less per
 * connection).  Such a socket is "pending" until the ring's head shows the
 * app took its record (aring_sync()); pending sockets count against the
 * listener's backlog (tcb->aq_handed) and are reset when the listener
 * goes (aring_release()), as the kernel resets its accept queue.  Only a
 * listener with one holder and no pass in flight gets records: a pending
 * socket lives in one app's arena, and with several holders the one that
 * asks (ACCEPT) must get the connection.
 */

/* aring_arm() - ACCEPT came on @ln: give it an accept ring if it may. */
static void aring_arm(struct app *a, struct app_sock *ln)
{
	if (ln->aring || ln->sh || ln->broken || pass_held(a, ln))
		return;
	/* Without memory the command path goes on serving. */
	ln->aring = calloc(1, sizeof(*ln->aring));
}

/*
 * aring_sync() - learn from the ring's head which records @ln's app took:
 * their sockets stop being pending.  A head the app moved off a record
 * boundary, or past what was written, kills the ring.
 */
static void aring_sync(struct app *a, struct app_sock *ln)
{
	struct app_aring *r = ln->aring;
	ssize_t used;
	uint32_t left, taken;

	if (r->dead)
		return;
	used = ipc_bytering_used(&ln->rx.byte);
	if (used < 0 || (size_t)used % SHIM_ACCEPT_REC_LEN ||
	    (size_t)used / SHIM_ACCEPT_REC_LEN > r->tail - r->head) {
		stats_of(a->eng)->ShimBadRings++;
		r->dead = true;
		return;
	}
	left = (uint32_t)((size_t)used / SHIM_ACCEPT_REC_LEN);
	taken = r->tail - left;
	for (; r->head != taken; r->head++) {
		struct app_sock *s = sock_lookup(
			a, r->ids[r->head % APP_ARING_MAX]);

		if (s && s->pending)
			s->pending = false;
	}
	ln->tcb->aq_handed = r->tail - r->head;
}

/*
 * aring_put() - accept @ln's first queued connection into a new app
 * socket and append its record; the ring has room for the record
 *
 * Return: true if a record was written.
 */
static bool aring_put(struct app *a, struct app_sock *ln)
{
	struct app_aring *r = ln->aring;
	struct shim_accept_rec rec;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct ipc_cpl cpl;
	struct app_sock *s;
	int rc;

	s = slot_new(a, APP_TCP, &rc);
	if (!s)
		return false; /* the app's ACCEPT will report it */
	memset(&ss, 0, sizeof(ss));
	if (tcp_accept(ln->tcb, &s->tcb, (struct sockaddr *)&ss, &len)) {
		slot_abandon(a, s);
		return false;
	}
	stats_of(a->eng)->ShimAccepts++;
	stats_of(a->eng)->ShimAcceptRing++;
	memset(&cpl, 0, sizeof(cpl));
	slot_commit(a, s, &cpl);
	s->pending = true;
	memset(&rec, 0, sizeof(rec));
	rec.id = s->id;
	rec.addrlen = len < sizeof(rec.addr) ? len : sizeof(rec.addr);
	rec.tx_off = s->tx_off;
	rec.rx_off = s->rx_off;
	memcpy(rec.addr, &ss, rec.addrlen);
	(void)ipc_bytering_write(&ln->rx.byte, &rec, sizeof(rec));
	r->ids[r->tail % APP_ARING_MAX] = s->id;
	r->tail++;
	/* Bytes (or a FIN) that came with the handshake go to its ring. */
	(void)tcp_service(a, s);
	return true;
}

/*
 * aring_fill() - move @ln's accept queue into its accept ring, as far as
 * the ring, APP_ARING_MAX and the app's slots allow, and ring the app's
 * threads waiting in accept() or poll()
 */
static void aring_fill(struct app *a, struct app_sock *ln)
{
	struct app_aring *r = ln->aring;
	bool put = false;

	if (ln->tcb->state != TCPS_LISTEN || ln->broken)
		return;
	aring_sync(a, ln);
	/* Shared since it was armed: connections wait for an ACCEPT. */
	if (!r->dead && !ln->sh && !pass_held(a, ln))
		while (ln->tcb->aq_head && r->tail - r->head < APP_ARING_MAX &&
		       ipc_bytering_space(&ln->rx.byte) >=
			       (ssize_t)SHIM_ACCEPT_REC_LEN &&
		       aring_put(a, ln))
			put = true;
	ln->tcb->aq_handed = r->tail - r->head;
	if (put)
		(void)ipc_bytering_kick(&ln->rx.byte, &a->bells);
}

/*
 * aring_release() - listener @ln goes (close, app death): sockets whose
 * records the app never took are reset, as the kernel's accept queue is
 */
static void aring_release(struct app *a, struct app_sock *ln)
{
	struct app_aring *r = ln->aring;

	aring_sync(a, ln);
	ln->aring = NULL;
	for (; r->head != r->tail; r->head++) {
		struct app_sock *s = sock_lookup(
			a, r->ids[r->head % APP_ARING_MAX]);

		if (s && s->pending)
			sock_release(a, s);
	}
	ln->tcb->aq_handed = 0;
	free(r);
}

/**
 * app_aring_sync() - before the app's sockets are released one by one
 * (its death), learn which accept-ring records it took: those sockets
 * close as accepted ones (FIN), the rest are reset
 */
static void app_aring_sync(struct app *a)
{
	unsigned int i;

	for (i = next_used(a, 0); i < SHIM_MAX_SOCKS; i = next_used(a, i + 1))
		if (a->socks[i].id && a->socks[i].aring)
			aring_sync(a, &a->socks[i]);
}

/*
 * op_accept() - the first queued connection of listener @ln as a new app
 * socket; the connection stays queued when no slot or ring is free.  An
 * AF_INET6 listener's peer (a sockaddr_in6, IPv4 peers v4-mapped) goes to
 * the listener's scratch area; an AF_INET one's is packed in val1.
 */
static int op_accept(struct app *a, struct app_sock *ln, struct ipc_cpl *cpl)
{
	struct sockaddr_storage ss;
	struct sockaddr_in sin;
	socklen_t len = sizeof(ss);
	struct app_sock *s;
	uint32_t ip;
	int rc;

	if (ln->kind != APP_TCP)
		return -EOPNOTSUPP;
	if (ln->tcb->state != TCPS_LISTEN)
		return -EINVAL;
	aring_arm(a, ln);
	if (!ln->tcb->aq_head)
		return -EAGAIN;
	s = slot_new(a, APP_TCP, &rc);
	if (!s)
		return rc;
	memset(&ss, 0, sizeof(ss));
	rc = tcp_accept(ln->tcb, &s->tcb, (struct sockaddr *)&ss, &len);
	if (rc) {
		slot_abandon(a, s);
		return rc;
	}
	stats_of(a->eng)->ShimAccepts++;
	slot_commit(a, s, cpl);
	cpl->val[0] = s->tx_off | s->rx_off << 32;
	cpl->val[1] = 0;
	if (ss.ss_family == AF_INET6) {
		memcpy(scratch_of(a, ln), &ss, sizeof(struct sockaddr_in6));
	} else {
		memcpy(&sin, &ss, sizeof(sin));
		memcpy(&ip, &sin.sin_addr, sizeof(ip));
		cpl->val[1] = ip | (uint64_t)sin.sin_port << 32;
	}
	/* Bytes (or a FIN) that came before the accept go to the ring now. */
	(void)tcp_service(a, s);
	/* The rest of the queue goes to the accept ring. */
	if (ln->aring)
		aring_fill(a, ln);
	share_each(ln, publish_one);
	return 0;
}

/*
 * op_shutdown() - SHUT_RD at once; SHUT_WR after the bytes already in the
 * tx ring (the FIN must follow them), checked now as tcp_shutdown() would
 */
static int op_shutdown(struct app *a, struct app_sock *s, uint64_t how)
{
	int rc;

	if (s->kind != APP_TCP)
		return -EOPNOTSUPP;
	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return -EINVAL;
	if (s->tcb->state == TCPS_CLOSED || s->tcb->state == TCPS_LISTEN ||
	    s->tcb->state == TCPS_SYN_SENT)
		return -ENOTCONN;
	if (how != SHUT_WR) {
		rc = tcp_shutdown(s->tcb, SHUT_RD);
		if (rc)
			return rc;
	}
	if (how != SHUT_RD)
		s->shut_wr = true;
	(void)tcp_service(a, s);
	return 0;
}

/* cmd_addr() - the sockaddr packed into arg[1..4], length in arg[0]. */
static int cmd_addr(const struct ipc_cmd *c, struct sockaddr_storage *ss,
		    socklen_t *len)
{
	if (c->arg[0] > IPC_REC_ADDR_MAX)
		return -EINVAL;
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, &c->arg[1], (size_t)c->arg[0]);
	*len = (socklen_t)c->arg[0];
	return 0;
}

/*
 * op_sockopt() - SETSOCKOPT / GETSOCKOPT; values longer than
 * SHIM_OPT_MAX travel through the socket's scratch area, copied once
 * (the app may scribble on it meanwhile: we use only our copy)
 */
static int op_sockopt(struct app *a, struct app_sock *s,
		      const struct ipc_cmd *c, struct ipc_cpl *cpl)
{
	uint8_t val[SHIM_SCRATCH_LEN];
	socklen_t len;
	bool big;
	int rc;

	if (c->arg[0] > INT_MAX || c->arg[1] > INT_MAX ||
	    c->arg[2] > SHIM_SCRATCH_LEN)
		return -EINVAL;
	len = (socklen_t)c->arg[2];
	big = len > SHIM_OPT_MAX;
	if (c->op == IPC_OP_SETSOCKOPT) {
		memcpy(val,
		       big ? scratch_of(a, s) : (const uint8_t *)&c->arg[3],
		       len);
		if (s->kind == APP_TCP) {
			rc = tcp_setsockopt(s->tcb, (int)c->arg[0],
					    (int)c->arg[1], val, len);
			/* SO_OOBINLINE is in the state words. */
			share_each(s, publish_one);
			return rc;
		}
		return sock_setsockopt(s->sk, (int)c->arg[0], (int)c->arg[1],
				       val, len);
	}
	memset(val, 0, sizeof(val));
	if (s->kind == APP_TCP)
		rc = tcp_getsockopt(s->tcb, (int)c->arg[0], (int)c->arg[1], val,
				    &len);
	else
		rc = sock_getsockopt(s->sk, (int)c->arg[0], (int)c->arg[1], val,
				     &len);
	if (rc)
		return rc;
	if (len > c->arg[2])
		len = (socklen_t)c->arg[2];
	cpl->result = len;
	if (big)
		memcpy(scratch_of(a, s), val, len);
	else
		memcpy(cpl->val, val, SHIM_OPT_MAX);
	return 0;
}

static int op_getname(struct app *a, struct app_sock *s,
		      const struct ipc_cmd *c, struct ipc_cpl *cpl)
{
	struct sockaddr_storage ss;
	struct sockaddr *sa = (struct sockaddr *)&ss;
	socklen_t len = sizeof(ss);
	int rc;

	memset(&ss, 0, sizeof(ss));
	if (c->arg[0] == SHIM_NAME_SOCK)
		rc = s->kind == APP_TCP ? tcp_getsockname(s->tcb, sa, &len)
					: sock_getsockname(s->sk, sa, &len);
	else if (c->arg[0] == SHIM_NAME_PEER)
		rc = s->kind == APP_TCP ? tcp_getpeername(s->tcb, sa, &len)
					: sock_getpeername(s->sk, sa, &len);
	else
		return -EINVAL;
	if (rc)
		return rc;
	if (len > SHIM_SCRATCH_LEN)
		len = SHIM_SCRATCH_LEN;
	cpl->result = len;
	/* A sockaddr_in6 does not fit the completion: the scratch area. */
	if (len > sizeof(cpl->val))
		memcpy(scratch_of(a, s), &ss, len);
	else
		memcpy(cpl->val, &ss, len);
	return 0;
}

/* op_addr() - BIND or CONNECT on @s with the command's address. */
static int op_addr(struct app *a, struct app_sock *s, const struct ipc_cmd *c)
{
	struct sockaddr_storage ss;
	struct sockaddr *sa = (struct sockaddr *)&ss;
	socklen_t len;
	int rc;

	rc = cmd_addr(c, &ss, &len);
	if (rc)
		return rc;
	if (s->kind == APP_UDP)
		return c->op == IPC_OP_BIND ? sock_bind(s->sk, sa, len)
					    : sock_connect(s->sk, sa, len);
	if (c->op == IPC_OP_BIND)
		return tcp_bind(s->tcb, sa, len);
	rc = tcp_connect(s->tcb, sa, len);
	tcp_publish(a, s);
	return rc;
}

/*
 * op_close() - CLOSE: a stream socket lingers until its tx ring drained.
 * With IPC_CLOSE_F_LINGER, a connected stream this app alone holds, with
 * nothing unread (unread bytes reset it: no lingering), is only shut for
 * writing; @cpl's result 1 sends the shim to wait for the FIN's ACK.
 */
static int op_close(struct app *a, struct app_sock *s, uint16_t flags,
		    struct ipc_cpl *cpl)
{
	if ((flags & IPC_CLOSE_F_LINGER) && s->kind == APP_TCP && !s->sh &&
	    !s->broken && !s->closing && !pass_held(a, s) &&
	    (s->tcb->state == TCPS_ESTABLISHED ||
	     s->tcb->state == TCPS_CLOSE_WAIT) &&
	    !s->tcb->rcv.len && !ipc_bytering_used(&s->rx.byte)) {
		s->shut_wr = true;
		(void)tcp_service(a, s);
		cpl->result = 1;
		return 0;
	}
	if (s->kind == APP_UDP) {
		/* Datagrams the app queued before close() still go out. */
		(void)drain_tx(a, s);
		sock_release(a, s);
		return 0;
	}
	s->closing = true;
	if (s->broken)
		sock_release(a, s);
	else
		(void)tcp_service(a, s);
	return 0;
}

/* ---- Sharing: one engine socket, several holders (fork) ------------------
 *
 * A forked child re-attaches as an app of its own (HELLO with
 * IPC_HELLO_F_CHILD) and asks for each socket it inherited with SHARE:
 * the parent's client id and secret (SHIM_NOP_FORKKEY, known only to the
 * parent's arena, hence to it and its descendants) and the parent's socket
 * id.  The child's new app_sock names the same struct sock or tcb, with
 * rings of its own; all holders are listed in one struct app_share.
 *
 *  - The engine socket lives while any holder does: CLOSE, or the death
 *    of an app, releases only that holder; the last one closes it.
 *  - h[0], the oldest holder still open, is the rx owner: received bytes
 *    and datagrams go to its rx ring only.  When it leaves, the next
 *    oldest takes over (fork, then the parent closes: the child carries
 *    on); stream bytes the leaver had not read yet move to the new
 *    owner's ring first (move_rx()), datagrams it had not read are lost.
 *  - Every holder may send; each tx ring goes into the socket in its own
 *    order (between holders, by doorbell, as two processes' writes
 *    interleave in the kernel).
 *  - Listeners: any holder may ACCEPT; the connection belongs to the app
 *    that asked.  Readiness is published to every holder, so a queued
 *    connection wakes all sharers (nginx workers) and one of them wins.
 */
#define SHARE_MAX APP_MAX

struct app_share {
	unsigned int n;
	struct app_sock *h[SHARE_MAX]; /* oldest first */
};

static bool rx_owner(const struct app_sock *s)
{
	return !s->sh || s->sh->h[0] == s;
}

/*
 * share_each() - @fn on @s, or on every holder of @s's engine socket;
 * @fn may release the holder it is given
 */
static void share_each(struct app_sock *s, void (*fn)(struct app_sock *))
{
	struct app_sock *h[SHARE_MAX];
	uint32_t id[SHARE_MAX];
	unsigned int i, n;

	if (!s->sh) {
		fn(s);
		return;
	}
	n = s->sh->n;
	for (i = 0; i < n; i++) {
		h[i] = s->sh->h[i];
		id[i] = h[i]->id;
	}
	for (i = 0; i < n; i++)
		if (id[i] && h[i]->id == id[i])
			fn(h[i]);
}

/*
 * move_rx() - stream bytes @from never read move to @to's rx ring (empty:
 * it never received), so the next holder reads them before what TCP
 * still holds, as from one kernel receive queue.  @from's app left or
 * closed: its ring is ours to consume; garbage indices move nothing.
 */
static void move_one(void *arg, const uint8_t *p, size_t n)
{
	struct app_sock *to = arg;

	(void)ipc_bytering_write(&to->rx.byte, p, n);
}

static void move_rx(struct app_sock *from, struct app_sock *to)
{
	app_rx_drain(from->app, from, move_one, to);
	(void)ipc_bytering_kick(&to->rx.byte, &to->app->bells);
}

/**
 * app_rx_drain() - hand @fn the stream bytes in @s's rx ring that its app
 * never read (the app left or closed: the ring is ours to consume);
 * garbage indices hand over nothing
 */
void app_rx_drain(struct app *a, struct app_sock *s,
		  void (*fn)(void *arg, const uint8_t *p, size_t n), void *arg)
{
	void *r = ipc_arena_region(&a->arena, s->rx_off);
	struct ipc_bytering view;
	ssize_t n;

	/* A listener's rx ring holds accept records, never stream bytes. */
	if (s->kind == APP_TCP && s->tcb->state == TCPS_LISTEN)
		return;
	if (!r || ipc_bytering_open(&view, r, SHIM_REGION_LEN,
				    ipc_ring_cap_for(SHIM_REGION_LEN), false))
		return;
	while ((n = ipc_bytering_read(&view, a->buf, sizeof(a->buf))) > 0)
		fn(arg, a->buf, (size_t)n);
}

/*
 * share_leave() - @s stops holding its engine socket
 *
 * Return: true if other holders keep the socket open (the caller must not
 * close it), false if @s was its only holder.
 */
static bool share_leave(struct app_sock *s)
{
	struct app_share *sh = s->sh;
	struct app_sock *head;
	unsigned int i, j;
	bool owner;

	if (!sh)
		return false;
	owner = sh->h[0] == s;
	for (i = j = 0; i < sh->n; i++)
		if (sh->h[i] != s)
			sh->h[j++] = sh->h[i];
	sh->n = j;
	s->sh = NULL;
	if (!j) {
		free(sh);
		return false;
	}
	head = sh->h[0];
	if (j == 1) {
		head->sh = NULL;
		free(sh);
	}
	/* The oldest remaining holder receives from now on. */
	if (!owner) {
		/* Nothing changes hands. */
	} else if (s->kind == APP_UDP) {
		sock_set_ready(head->sk, on_ready, head);
		pump_rx(head->app, head);
	} else {
		if (owner && !s->broken && !head->broken)
			move_rx(s, head);
		tcp_set_ready(head->tcb, on_tcp_ready, head);
		tcp_set_reader(head->tcb, app_rx_lag);
		(void)tcp_service(head->app, head);
	}
	return true;
}

/* app_secret() - a fresh random secret for a new app; 0 or -errno. */
static int app_secret(uint64_t *out)
{
	ssize_t n;

	do {
		n = getrandom(out, sizeof(*out), 0);
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(*out))
		return n < 0 ? -errno : -EIO;
	if (!*out)
		*out = 1;
	return 0;
}

/*
 * op_share() - SHARE: a new holder in @a of socket c->sock of app
 * c->arg[0], proven by that app's secret in c->arg[1]
 */
static int op_share(struct app *a, const struct ipc_cmd *c, struct ipc_cpl *cpl)
{
	struct app_sock *ps;
	struct app *p = NULL;

	if (c->arg[0] && c->arg[0] <= UINT32_MAX)
		p = app_find(a->eng, (uint32_t)c->arg[0]);
	/* XOR-compare: the time taken does not depend on the secret. */
	if (!p || p == a || p->uid != a->uid || (p->secret ^ c->arg[1])) {
		stats_of(a->eng)->ShimShareDenied++;
		return -EPERM;
	}
	ps = sock_lookup(p, c->sock);
	if (!ps)
		return -EBADF;
	return share_into(a, ps, cpl);
}

/**
 * share_into() - a new holder in @a of @ps's engine socket (@a holds it
 * not yet); the completion gets its id and ring offsets
 *
 * Return: 0 or -errno (EPROTO, ENOMEM, EMFILE, ENOBUFS).
 */
int share_into(struct app *a, struct app_sock *ps, struct ipc_cpl *cpl)
{
	struct app_share *sh;
	struct app_sock *s;
	int rc;

	if (ps->broken)
		return -EPROTO;
	sh = ps->sh;
	if (!sh)
		sh = calloc(1, sizeof(*sh));
	if (!sh)
		return -ENOMEM;
	if (sh->n >= SHARE_MAX)
		return -EMFILE;
	s = slot_new(a, ps->kind, &rc);
	if (!s) {
		if (!ps->sh)
			free(sh);
		return rc;
	}
	if (!ps->sh) {
		sh->h[sh->n++] = ps;
		ps->sh = sh;
	}
	sh->h[sh->n++] = s;
	s->sh = sh;
	if (ps->kind == APP_UDP)
		s->sk = ps->sk;
	else
		s->tcb = ps->tcb;
	s->wr_dead = ps->wr_dead;
	slot_commit(a, s, cpl);
	cpl->val[0] = s->tx_off | s->rx_off << 32;
	if (s->kind == APP_TCP)
		tcp_publish(a, s);
	stats_of(a->eng)->ShimShares++;
	return 0;
}

/* ---- Commands ------------------------------------------------------------ */

/* do_cmd() - run one command copied out of the ring; -errno for the app. */
static int do_cmd(struct app *a, const struct ipc_cmd *c, struct ipc_cpl *cpl)
{
	struct app_sock *s;
	int rc;

	switch (c->op) {
	case IPC_OP_NOP:
		if (c->arg[0] == SHIM_NOP_DESCRIBE) {
			cpl->val[0] = a->state_off;
			cpl->val[1] = SHIM_MAX_SOCKS;
		} else if (c->arg[0] == SHIM_NOP_FORKKEY) {
			cpl->val[0] = a->secret;
			cpl->val[1] = a->client_id;
		}
		return 0;
	case IPC_OP_SOCKET:
		return op_socket(a, c, cpl);
	case IPC_OP_SHARE:
		return op_share(a, c, cpl);
	default:
		break;
	}
	s = sock_lookup(a, c->sock);
	if (!s)
		return -EBADF;
	/* Naming it proves the app took its accept-ring record, even if
	 * the ring's head has not told us yet (accept, then close). */
	s->pending = false;
	switch (c->op) {
	case IPC_OP_BIND:
	case IPC_OP_CONNECT:
		return op_addr(a, s, c);
	case IPC_OP_LISTEN:
		if (s->kind != APP_TCP)
			return -EOPNOTSUPP;
		rc = tcp_listen(s->tcb,
				c->arg[0] > INT_MAX ? INT_MAX : (int)c->arg[0]);
		tcp_publish(a, s);
		return rc;
	case IPC_OP_ACCEPT:
		return op_accept(a, s, cpl);
	case IPC_OP_SHUTDOWN:
		return op_shutdown(a, s, c->arg[0]);
	case IPC_OP_CLOSE:
		return op_close(a, s, c->flags, cpl);
	case IPC_OP_SETSOCKOPT:
	case IPC_OP_GETSOCKOPT:
		return op_sockopt(a, s, c, cpl);
	case IPC_OP_GETNAME:
		return op_getname(a, s, c, cpl);
	case IPC_OP_OOB:
		rc = app_op_oob(a, s, c, cpl);
		if (s->kind == APP_TCP)
			share_each(s, publish_one);
		return rc;
	default:
		return -EOPNOTSUPP;
	}
}

/*
 * einval_ok() - is EINVAL from @c the socket call's own answer (bind to a
 * bound socket, listen on a connected one, accept before listen), not a
 * malformed command?
 */
static bool einval_ok(const struct ipc_cmd *c)
{
	switch (c->op) {
	case IPC_OP_BIND:
	case IPC_OP_CONNECT:
	case IPC_OP_LISTEN:
	case IPC_OP_ACCEPT:
	case IPC_OP_OOB: /* recv(MSG_OOB) without urgent data */
		return true;
	default:
		return false;
	}
}

/*
 * service_cmds() - run queued commands
 *
 * Return: true if any ran; false when none, or when the ring is garbage
 * (then *@dead is set: the app is detached by the caller).
 */
static bool service_cmds(struct app *a, bool *dead)
{
	bool did = false;
	int i;

	for (i = 0; i < APP_BATCH; i++) {
		struct ipc_cmd c;
		struct ipc_cpl cpl;
		int rc;

		memset(&c, 0, sizeof(c));
		rc = ipc_cmd_fetch(&a->cmd, &c);
		if (rc == -EAGAIN)
			break;
		memset(&cpl, 0, sizeof(cpl));
		cpl.seq = c.seq;
		if (rc == -EBADMSG) {
			stats_of(a->eng)->ShimBadCmds++;
			rc = -EINVAL;
		} else if (rc) {
			stats_of(a->eng)->ShimBadRings++;
			*dead = true;
			return false;
		} else {
			rc = do_cmd(a, &c, &cpl);
			if (rc == -EBADF || (rc == -EINVAL && !einval_ok(&c)))
				stats_of(a->eng)->ShimBadCmds++;
		}
		if (rc) {
			cpl.err = -rc;
			cpl.result = -1;
		}
		did = true;
		if (ipc_cpl_post(&a->cmd, &cpl))
			stats_of(a->eng)->ShimBadCmds++;
	}
	if (did)
		(void)ipc_cmdring_kick(&a->cmd, &a->bells);
	return did;
}

/*
 * tcp_doorbell() - a stream socket's share of a doorbell: serve it, then
 * re-arm the tx ring's wake-me flag
 *
 * Return: true if another round is worth it: bytes moved, or bytes wait
 * in the ring while TCP has room for them.  Bytes that wait for send
 * space do not count: the TCB's readiness callback resumes them, so a
 * full send buffer never spins the loop.
 */
static bool tcp_doorbell(struct app *a, struct app_sock *s)
{
	bool more = tcp_service(a, s);

	if (!s->id || s->broken)
		return more;
	if (ipc_bytering_wait_prepare(&s->tx.byte, 0, IPC_WAIT_SHARED) == 1 &&
	    (tcp_send_space(s->tcb) || s->wr_dead))
		more = true;
	return more;
}

/**
 * app_doorbell() - the app rang: run its commands, send what its tx rings
 * hold, refill rx rings it made room in; then re-arm every wake-me flag
 * @a:	the app (may be freed on return if its command ring was garbage)
 */
void app_doorbell(struct app *a)
{
	bool dead = false;
	int round;

	(void)ipc_doorbell_drain(a->efd_engine);
	for (round = 0; round < APP_BATCH; round++) {
		bool more = service_cmds(a, &dead);
		unsigned int i;

		if (dead)
			break;
		for (i = next_used(a, 0); i < SHIM_MAX_SOCKS;
		     i = next_used(a, i + 1)) {
			struct app_sock *s = &a->socks[i];

			if (!s->id)
				continue;
			if (s->kind == APP_TCP) {
				more |= tcp_doorbell(a, s);
				continue;
			}
			more |= drain_tx(a, s);
			if (rx_owner(s) && (s->sk->rq_head || s->sk->err))
				pump_rx(a, s);
			if (!s->broken &&
			    ipc_recring_wait_prepare(&s->tx.rec, 0,
						     IPC_WAIT_SHARED) == 1)
				more = true;
		}
		if (ipc_cmdring_wait_prepare(&a->cmd, IPC_WAIT_SHARED) == 1)
			more = true;
		if (!more)
			return;
	}
	if (dead) {
		log_warn("app %u (pid %d): garbage in its command ring, "
			 "detached",
			 a->client_id, (int)a->pid);
		app_detach(a);
		return;
	}
	/* Still busy: come back after the rest of the loop had its turn. */
	(void)ipc_doorbell_ring(a->efd_engine_ring);
}

static void efd_event(void *arg, int events)
{
	(void)events;
	app_doorbell(arg);
}

static void ctl_event(void *arg, int events)
{
	struct app *a = arg;
	uint8_t buf[IPC_MSG_MAX_LEN];
	int fds[IPC_CTL_MAX_FDS];
	size_t nfds = 0;
	ssize_t n;

	if (events >= 0) {
		n = ipc_ctl_recv(a->fd, buf, sizeof(buf), fds, IPC_CTL_MAX_FDS,
				 &nfds, NULL);
		if (n > 0 || n == -EMSGSIZE) {
			/* PASS, ADOPT or WAITER; it closes every fd that came. */
			pass_ctl_msg(a, buf, n > 0 ? (size_t)n : 0, fds, nfds);
			return;
		}
		if (n == -EAGAIN || n == -EINTR)
			return;
	}
	log_info("app %u (pid %d) detached, %u sockets released", a->client_id,
		 (int)a->pid, a->nsocks);
	app_detach(a);
}

/** app_ctl_ready() - the app's control socket is readable (tests). */
void app_ctl_ready(struct app *a)
{
	ctl_event(a, LOOP_READABLE);
}

/**
 * app_detach() - the app is gone: close its sockets, unmap, free
 * @a:	the app; freed on return
 */
void app_detach(struct app *a)
{
	struct app_table *t = a->eng->apps;
	struct app **pp = &t->apps;
	unsigned int i;

	app_aring_sync(a);
	for (i = next_used(a, 0); i < SHIM_MAX_SOCKS; i = next_used(a, i + 1))
		if (a->socks[i].id)
			sock_release(a, &a->socks[i]);
	pass_app_gone(a);
	while (*pp && *pp != a)
		pp = &(*pp)->next;
	if (*pp) {
		*pp = a->next;
		t->napps--;
	}
	engine_loop_unwatch(a->watch);
	engine_loop_unwatch(a->efd_watch);
	close(a->fd);
	close_fds(&a->efd_engine, 1);
	close_fds(&a->efd_engine_ring, 1);
	close_fds(&a->bells.shared, 1);
	close_fds(a->waiter, IPC_WAITERS);
	ipc_arena_close(&a->arena);
	free(a);
}

/**
 * app_waiter_open() - WELCOME'd app @a asks for private waiter @slot's
 * doorbell (ipc/doorbell.h): make it, keep its ring end in place of any
 * earlier one (a new program after exec reuses the numbers)
 * @a:		the app
 * @slot:	0 .. IPC_WAITERS - 1 (decoding checked it)
 * @wait_end:	set to the sleeping end, for the RESULT; the caller closes
 *		it after sending
 *
 * Return: 0 or -errno.
 */
int app_waiter_open(struct app *a, uint32_t slot, int *wait_end)
{
	int bell[2], rc;

	if (slot >= IPC_WAITERS)
		return -EINVAL;
	rc = ipc_doorbell_open(bell);
	if (rc)
		return rc;
	close_fds(&a->waiter[slot], 1);
	a->waiter[slot] = bell[IPC_BELL_RING];
	*wait_end = bell[IPC_BELL_WAIT];
	stats_of(a->eng)->ShimWaiters++;
	return 0;
}

static void reject(struct engine *eng, int fd, int err)
{
	struct ipc_msg m = { .type = IPC_MSG_REJECT, .version = IPC_VERSION };
	uint8_t buf[IPC_MSG_MAX_LEN];
	ssize_t n;

	stats_of(eng)->ShimRejects++;
	m.u.reject.err = (uint32_t)err;
	n = ipc_msg_encode(&m, buf, sizeof(buf));
	if (n > 0)
		(void)ipc_ctl_send(fd, buf, (size_t)n, NULL, 0);
	close(fd);
}

/*
 * app_setup() - arena, rings, doorbells; 0 or -errno.  *@app_end is set
 * to the sleeping end of the app's shared doorbell, for WELCOME (the
 * engine keeps only the ring end).
 */
static int app_setup(struct app *a, int *app_end)
{
	int bell[2];
	uint32_t i;
	void *r;
	int rc;

	rc = ipc_arena_create(&a->arena, SHIM_REGION_LEN, SHIM_NREGIONS);
	if (rc)
		return rc;
	rc = ipc_arena_alloc(&a->arena, &a->cmd_off);
	if (!rc)
		rc = ipc_arena_alloc(&a->arena, &a->state_off);
	/* The state region spans consecutive regions: a fresh arena hands
	 * them out in order. */
	for (i = 1; !rc && i < SHIM_STATE_REGIONS; i++) {
		uint64_t off;

		rc = ipc_arena_alloc(&a->arena, &off);
		if (!rc && off != a->state_off + (uint64_t)i * SHIM_REGION_LEN)
			rc = -EINVAL;
	}
	if (rc)
		return rc;
	r = ipc_arena_region(&a->arena, a->cmd_off);
	rc = ipc_cmdring_format(r, SHIM_REGION_LEN, SHIM_CMD_SLOTS);
	if (!rc)
		rc = ipc_cmdring_open(&a->cmd, r, SHIM_REGION_LEN,
				      SHIM_CMD_SLOTS, true);
	if (rc)
		return rc;
	a->state = ipc_arena_region(&a->arena, a->state_off);
	rc = ipc_doorbell_open(bell);
	if (rc)
		return rc;
	a->efd_engine = bell[IPC_BELL_WAIT];
	a->efd_engine_ring = bell[IPC_BELL_RING];
	rc = ipc_doorbell_open(bell);
	if (rc)
		return rc;
	a->bells.shared = bell[IPC_BELL_RING];
	*app_end = bell[IPC_BELL_WAIT];
	return 0;
}

static int send_welcome(struct app *a, int app_end)
{
	struct ipc_msg m = { .type = IPC_MSG_WELCOME, .version = IPC_VERSION };
	int fds[IPC_WFD_COUNT];
	uint8_t buf[IPC_MSG_MAX_LEN];
	ssize_t n;

	m.u.welcome.arena_size = a->arena.lay.size;
	m.u.welcome.region_off = a->arena.lay.region_off;
	m.u.welcome.region_len = a->arena.lay.region_len;
	m.u.welcome.nregions = a->arena.lay.nregions;
	m.u.welcome.client_id = a->client_id;
	m.u.welcome.worker_id = 0;
	m.u.welcome.cmd_ring_off = a->cmd_off;
	m.u.welcome.cmd_slots = SHIM_CMD_SLOTS;
	m.u.welcome.nfds = IPC_WFD_COUNT;
	fds[IPC_WFD_ARENA] = a->arena.fd;
	fds[IPC_WFD_ENGINE] = a->efd_engine_ring;
	fds[IPC_WFD_THREAD] = app_end;
	n = ipc_msg_encode(&m, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	n = ipc_ctl_send(a->fd, buf, (size_t)n, fds, IPC_WFD_COUNT);
	return n < 0 ? (int)n : 0;
}

/**
 * app_is_hello() - does this control-socket message look like a binary
 * HELLO rather than a JSON request?  (JSON starts with '{' or blanks.)
 */
bool app_is_hello(const void *buf, size_t len)
{
	const uint8_t *b = buf;

	return len >= 2 && b[0] == IPC_MSG_HELLO && b[1] == 0;
}

/**
 * app_attach() - serve a HELLO received on control connection @fd
 * @eng:	the engine
 * @fd:		the connection; owned by this function from now on (closed
 *		after a REJECT, kept as the app's life line after WELCOME)
 * @hello:	the message
 * @len:	its length
 *
 * Policy: the peer (SO_PEERCRED) must be root or the engine's own user.
 *
 * Return: 0 if attached, or the -errno the app was rejected with.
 */
int app_attach(struct engine *eng, int fd, const void *hello, size_t len)
{
	struct app_table *t = eng->apps;
	struct ipc_msg m;
	struct ucred cr;
	int rc, app_end = -1;
	struct app *a;
	uint32_t i;

	if (!t) {
		close(fd);
		return -ENOTCONN;
	}
	rc = ipc_msg_decode(hello, len, &m);
	if (!rc && (m.type != IPC_MSG_HELLO || m.version != IPC_VERSION))
		rc = -EPROTONOSUPPORT;
	if (!rc)
		rc = ipc_ctl_peercred(fd, &cr);
	if (!rc && cr.uid != 0 && cr.uid != geteuid())
		rc = -EPERM;
	if (!rc && t->napps >= APP_MAX)
		rc = -ENOSPC;
	if (rc) {
		log_warn("app attach refused: %s", strerror(-rc));
		reject(eng, fd, -rc);
		return rc;
	}
	a = calloc(1, sizeof(*a));
	if (!a) {
		reject(eng, fd, ENOMEM);
		return -ENOMEM;
	}
	a->eng = eng;
	a->fd = fd;
	a->efd_engine = a->efd_engine_ring = a->bells.shared = -1;
	a->bells.priv = a->waiter;
	for (i = 0; i < IPC_WAITERS; i++)
		a->waiter[i] = -1;
	a->arena.fd = -1;
	a->pid = cr.pid;
	a->uid = cr.uid;
	a->client_id = ++t->next_id;
	a->child = (m.u.hello.flags & IPC_HELLO_F_CHILD) != 0;
	rc = app_secret(&a->secret);
	if (!rc)
		rc = app_setup(a, &app_end);
	/* Armed before WELCOME: the app's first kick must find the flag. */
	if (!rc)
		(void)ipc_cmdring_wait_prepare(&a->cmd, IPC_WAIT_SHARED);
	if (!rc)
		rc = send_welcome(a, app_end);
	close_fds(&app_end, 1);
	if (!rc)
		rc = engine_loop_watch(eng, fd, LOOP_READABLE, ctl_event, a,
				       &a->watch);
	if (!rc)
		rc = engine_loop_watch(eng, a->efd_engine, LOOP_READABLE,
				       efd_event, a, &a->efd_watch);
	a->next = t->apps;
	t->apps = a;
	t->napps++;
	if (rc) {
		app_detach(a);
		stats_of(eng)->ShimRejects++;
		return rc;
	}
	stats_of(eng)->ShimAttaches++;
	log_info("app %u attached: pid %d uid %u%s", a->client_id, (int)cr.pid,
		 (unsigned int)cr.uid, a->child ? " (forked child)" : "");
	return 0;
}

/** app_find() - the attached app with @client_id, or NULL. */
struct app *app_find(struct engine *eng, uint32_t client_id)
{
	struct app *a;

	for (a = eng->apps ? eng->apps->apps : NULL; a; a = a->next)
		if (a->client_id == client_id)
			return a;
	return NULL;
}

/** app_count() - apps attached. */
unsigned int app_count(const struct engine *eng)
{
	return eng->apps ? eng->apps->napps : 0;
}

/** app_nsocks() - engine sockets @a has open. */
unsigned int app_nsocks(const struct app *a)
{
	return a->nsocks;
}

/** app_stats() - the app layer's counters. */
const struct app_stats *app_stats(const struct engine *eng)
{
	return &eng->apps->stats;
}

#define STAT(name)                                                             \
	{                                                                      \
#name, offsetof(struct app_stats, name)                        \
	}

static const struct {
	const char *name;
	size_t off;
} stat_names[] = {
	STAT(ShimAttaches),    STAT(ShimRejects),    STAT(ShimBadCmds),
	STAT(ShimBadRings),    STAT(ShimRxDrops),    STAT(ShimTxDatagrams),
	STAT(ShimRxDatagrams), STAT(ShimTcpTxBytes), STAT(ShimTcpRxBytes),
	STAT(ShimAccepts),     STAT(ShimShares),     STAT(ShimShareDenied),
	STAT(ShimPasses),      STAT(ShimAdopts),     STAT(ShimAdoptDenied),
	STAT(ShimCtlBad),      STAT(ShimWaiters),    STAT(ShimAcceptRing),
};

/* `nsctl apps`: attached apps, their sockets, and the counters. */
static int cmd_apps(struct ctl_req *req)
{
	struct json_object *o = json_object_new_object();
	struct json_object *list = json_object_new_array();
	struct json_object *cnt = json_object_new_object();
	const struct app_stats *st = &req->eng->apps->stats;
	struct app *a;
	size_t i;

	for (a = req->eng->apps->apps; a; a = a->next) {
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "client",
				       json_object_new_int64(a->client_id));
		json_object_object_add(j, "pid", json_object_new_int64(a->pid));
		json_object_object_add(j, "uid", json_object_new_int64(a->uid));
		json_object_object_add(j, "sockets",
				       json_object_new_int64(a->nsocks));
		json_object_array_add(list, j);
	}
	for (i = 0; i < sizeof(stat_names) / sizeof(stat_names[0]); i++) {
		uint64_t v;

		memcpy(&v, (const char *)st + stat_names[i].off, sizeof(v));
		json_object_object_add(cnt, stat_names[i].name,
				       json_object_new_int64((int64_t)v));
	}
	json_object_object_add(o, "apps", list);
	json_object_object_add(o, "passes",
			       json_object_new_int64(app_npasses(req->eng)));
	json_object_object_add(o, "counters", cnt);
	req->data = o;
	return 0;
}

/**
 * app_init() - the app table and the "apps" command
 *
 * Return: 0 or -errno.
 */
int app_init(struct engine *eng)
{
	eng->apps = calloc(1, sizeof(*eng->apps));
	if (!eng->apps)
		return -ENOMEM;
	return ctl_register(eng, "apps", cmd_apps);
}

/** app_fini() - detach every app (closing their sockets), free the table. */
void app_fini(struct engine *eng)
{
	struct app *a, *next;

	if (!eng->apps)
		return;
	/* Each detach unlinks and frees only its own app. */
	for (a = eng->apps->apps; a; a = next) {
		next = a->next;
		app_detach(a);
	}
	pass_fini(eng);
	free(eng->apps);
	eng->apps = NULL;
}
