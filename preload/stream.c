// SPDX-License-Identifier: MIT
/*
 * stream.c - stream (TCP) engine sockets: byte rings for data, state
 * words for connection state, commands for the rest
 *
 * Theory of operation
 *
 * A stream socket's bytes go through two SPSC byte rings: send() copies
 * into the tx ring and kicks the engine, which feeds TCP as its send
 * buffer allows; the engine copies what TCP received into the rx ring and
 * recv() copies it out.  Nothing on the data path waits for the engine,
 * and nothing asks it: connection state (connected, peer FIN, hang-up,
 * accept queue, pending error) is published by the engine in the socket's
 * state words (shimproto.h), which also answer poll() and SO_ERROR.
 *
 * End of stream: the engine sets SHIM_EV_RDHUP / SHIM_EV_HUP only after
 * every byte before the FIN or reset is in the rx ring, with release
 * ordering.  A reader loads the events (acquire) before it reads the ring,
 * so seeing the bit and then an empty ring means end of stream.
 *
 * Blocking follows the doorbell protocol (ipc/README.md): arm the ring's
 * and the state words' wake-me flags, re-check, then sleep; readiness is
 * always re-checked after a wake.  errno values follow Linux's TCP: a
 * pending error is returned once (data first, then the error, then end of
 * stream), send() after the end raises SIGPIPE unless MSG_NOSIGNAL, and a
 * second connect() after a completed non-blocking one returns 0 once, then
 * EISCONN.
 */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "shim.h"
#include "wait.h"

/* POLLOUT needs this much tx ring space, as the kernel wants a third of
 * its send buffer free: a writer woken for one byte would just spin. */
static uint32_t writable_need(const struct shim_sock *s)
{
	return s->tx.byte.s.cap / 4;
}

/* send_need() - ring room a blocked send waits for: @left, capped. */
static uint32_t send_need(const struct shim_sock *s, size_t left)
{
	uint32_t need = writable_need(s);

	return left < need ? (uint32_t)left : need;
}

static uint32_t events_of(const struct shim_sock *s)
{
	return atomic_load_explicit(&s->st->events, memory_order_acquire);
}

static bool err_pending(const struct shim_sock *s)
{
	return atomic_load_explicit(&s->st->err, memory_order_acquire) != 0;
}

/*
 * wait_state() - sleep until the engine changes @s's state words (or any
 * wake), up to @deadline
 *
 * Return: 0 (re-check), -EAGAIN (timed out), -EINTR, -ECONNRESET (the
 * engine is gone).
 */
static int wait_state(struct shim_sock *s, uint32_t seen, int64_t deadline)
{
	struct esock_wait w = { .flags = ESOCK_WAIT_STATE | ESOCK_WAIT_EVENTS,
				.seen = seen,
				.deadline = deadline };

	return esock_wait(s, &w);
}

/**
 * stream_connect_start() - send CONNECT; the engine answers EINPROGRESS
 * for a handshake it started
 *
 * Return: 0 when the handshake is under way, or -errno (EALREADY,
 * EISCONN, ENETUNREACH, ...).
 */
int stream_connect_start(struct shim_sock *s, const struct sockaddr *sa,
			 socklen_t len)
{
	struct ipc_cmd c = { .op = IPC_OP_CONNECT, .sock = s->id };
	socklen_t n = s->family == AF_INET6 ? sizeof(struct sockaddr_in6)
					    : sizeof(struct sockaddr_in);
	struct ipc_cpl cpl;
	int rc;

	/* An AF_INET6 socket takes sockaddr_in6 only (IPv4 v4-mapped). */
	if (!sa || len < n)
		return -EINVAL;
	if (sa->sa_family != s->family)
		return -EAFNOSUPPORT;
	c.arg[0] = n;
	memcpy(&c.arg[1], sa, n);
	rc = esock_run(&c, &cpl);
	if (rc == -EINPROGRESS) {
		atomic_store(&s->conn, SHIM_CONN_STARTED);
		return 0;
	}
	return rc ? rc : -EIO;
}

/*
 * connect_outcome() - how a started handshake stands by events @ev: 0
 * (connected) or -errno (failed), with s->conn updated, or 1 (going on)
 */
static int connect_outcome(struct shim_sock *s, uint32_t ev)
{
	int err;

	if (ev & SHIM_EV_CONNECTED) {
		atomic_store(&s->conn, SHIM_CONN_DONE);
		return 0;
	}
	if (err_pending(s) || (ev & SHIM_EV_HUP)) {
		atomic_store(&s->conn, SHIM_CONN_NONE);
		err = esock_take_error(s);
		return err ? -err : -ECONNREFUSED;
	}
	return 1;
}

/**
 * stream_connect_wait() - what connect() returns once the handshake is
 * under way: EINPROGRESS when non-blocking, else the outcome
 *
 * SO_SNDTIMEO bounds the wait (EINPROGRESS on expiry, as Linux); a
 * signal returns EINTR with the handshake still going on.
 *
 * Return: 0 or -errno (ECONNREFUSED, ETIMEDOUT, EHOSTUNREACH, ...).
 */
int stream_connect_wait(struct shim_sock *s)
{
	int64_t deadline = esock_deadline(&s->sndtimeo);
	uint32_t ev;
	int rc;

	if (s->nonblock)
		return -EINPROGRESS;
	for (;;) {
		ev = events_of(s);
		rc = connect_outcome(s, ev);
		if (rc <= 0)
			return rc;
		rc = wait_state(s, ev, deadline);
		if (rc == -EAGAIN)
			return -EINPROGRESS;
		if (rc)
			return rc;
	}
}

/**
 * stream_connect() - connect(2) on a stream socket
 *
 * Return: 0 or -errno as Linux would return it.
 */
int stream_connect(struct shim_sock *s, const struct sockaddr *sa,
		   socklen_t len)
{
	int rc;

	switch (atomic_load(&s->conn)) {
	case SHIM_CONN_DONE:
		return -EISCONN;
	case SHIM_CONN_STARTED:
		/* Linux: the first connect() after completion returns 0. */
		rc = connect_outcome(s, events_of(s));
		if (rc <= 0)
			return rc;
		return s->nonblock ? -EALREADY : stream_connect_wait(s);
	default:
		break;
	}
	if (s->listening)
		return -EISCONN;
	rc = stream_connect_start(s, sa, len);
	return rc ? rc : stream_connect_wait(s);
}

/** stream_listen() - listen(2). */
int stream_listen(struct shim_sock *s, int backlog)
{
	struct ipc_cmd c = { .op = IPC_OP_LISTEN, .sock = s->id };
	struct ipc_cpl cpl;
	int rc;

	c.arg[0] = backlog < 0 ? 0 : (uint64_t)backlog;
	rc = esock_run(&c, &cpl);
	if (!rc)
		atomic_store(&s->listening, true);
	return rc;
}

/*
 * put_peer() - the peer address ACCEPT gave (packed into @v for an
 * AF_INET listener; a sockaddr_in6 in @s6 for an AF_INET6 one), as
 * accept(2) gives it
 */
static void put_peer(uint64_t v, const struct sockaddr_in6 *s6,
		     struct sockaddr *sa, socklen_t *salen)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	uint32_t ip = (uint32_t)v;
	uint16_t port = (uint16_t)(v >> 32);
	const void *src = &sin;
	socklen_t full = sizeof(sin), n;

	if (!sa || !salen)
		return;
	memcpy(&sin.sin_addr, &ip, sizeof(ip));
	memcpy(&sin.sin_port, &port, sizeof(port));
	if (s6) {
		src = s6;
		full = sizeof(*s6);
	}
	n = *salen < full ? *salen : full;
	memcpy(sa, src, n);
	*salen = full;
}

/*
 * ring_take() - the oldest connection in listener @s's accept ring
 * (nsstack/shimproto.h), which the engine accepted for us already, as a
 * new socket (esock_new() checks the record's id and offsets as it checks
 * a completion's)
 *
 * Return: 0, -EAGAIN when the ring is empty, or -errno.
 */
static int ring_take(struct shim_sock *s, int flags, struct sockaddr *sa,
		     socklen_t *salen, struct shim_sock **out)
{
	struct shim_accept_rec rec;
	ssize_t n;
	int rc;

	pthread_mutex_lock(&s->rx_lock);
	n = ipc_bytering_used(&s->rx.byte);
	if (n >= (ssize_t)sizeof(rec)) {
		n = ipc_bytering_read(&s->rx.byte, &rec, sizeof(rec));
		(void)ipc_bytering_kick(&s->rx.byte, shim_engine_bells());
	}
	pthread_mutex_unlock(&s->rx_lock);
	if (n >= 0 && n < (ssize_t)sizeof(rec))
		return -EAGAIN;
	if (n < 0)
		return (int)n;
	rc = esock_new(rec.id, SOCK_STREAM | (flags & SOCK_NONBLOCK),
		       rec.tx_off, rec.rx_off, out);
	if (rc)
		return rc;
	atomic_store(&(*out)->conn, SHIM_CONN_DONE);
	(*out)->family = s->family;
	if (sa && salen) {
		socklen_t full = rec.addrlen < sizeof(rec.addr)
					 ? (socklen_t)rec.addrlen
					 : (socklen_t)sizeof(rec.addr);

		memcpy(sa, rec.addr, *salen < full ? *salen : full);
		*salen = full;
	}
	return 0;
}

/*
 * wait_accept() - sleep until listener @s's state words change from
 * @seen or a record lands in its accept ring, up to @deadline
 */
static int wait_accept(struct shim_sock *s, uint32_t seen, int64_t deadline)
{
	struct esock_wait w = { .flags = ESOCK_WAIT_RING | ESOCK_WAIT_STATE |
					 ESOCK_WAIT_EVENTS,
				.ring = &s->rx.byte,
				.seen = seen,
				.lock = &s->rx_lock,
				.deadline = deadline };
	int rc;

	pthread_mutex_lock(&s->rx_lock);
	rc = esock_wait(s, &w);
	pthread_mutex_unlock(&s->rx_lock);
	return rc;
}

/**
 * stream_accept() - accept4(2) without the fd: the new engine socket
 * @flags:	SOCK_NONBLOCK for the new socket
 * @out:	the new socket, holding no references
 *
 * The accept ring first: a connection there costs no round trip.  ACCEPT
 * only when it is empty (it also asks the engine to fill the ring from
 * now on); its EAGAIN is checked against the ring once more, as the
 * engine may have filled it meanwhile.  Blocks (SO_RCVTIMEO bounds it)
 * unless the listener is non-blocking.
 *
 * Return: 0 or -errno (EAGAIN, EINVAL when not listening, EINTR, ...).
 */
int stream_accept(struct shim_sock *s, int flags, struct sockaddr *sa,
		  socklen_t *salen, struct shim_sock **out)
{
	int64_t deadline = esock_deadline(&s->rcvtimeo);
	struct ipc_cmd c = { .op = IPC_OP_ACCEPT, .sock = s->id };
	bool v6 = s->family == AF_INET6;
	uint8_t *scratch = esock_scratch(s);
	struct sockaddr_in6 s6;
	struct ipc_cpl cpl;
	uint32_t ev;
	int rc;

	if (!s->listening)
		return -EINVAL;
	if (v6 && !scratch)
		return -EIO;
	for (;;) {
		ev = events_of(s);
		rc = ring_take(s, flags, sa, salen, out);
		if (rc != -EAGAIN)
			return rc;
		/* An AF_INET6 peer comes back in the scratch area. */
		pthread_mutex_lock(&s->cmd_lock);
		rc = esock_run(&c, &cpl);
		if (!rc && v6)
			memcpy(&s6, scratch, sizeof(s6));
		pthread_mutex_unlock(&s->cmd_lock);
		if (!rc)
			break;
		if (rc == -EAGAIN) {
			rc = ring_take(s, flags, sa, salen, out);
			if (rc != -EAGAIN)
				return rc;
		}
		if (rc != -EAGAIN || s->nonblock)
			return rc;
		rc = wait_accept(s, ev & ~SHIM_EV_ACCEPT, deadline);
		if (rc)
			return rc;
	}
	rc = esock_new((uint32_t)cpl.result,
		       SOCK_STREAM | (flags & SOCK_NONBLOCK),
		       cpl.val[0] & 0xffffffffu, cpl.val[0] >> 32, out);
	if (rc)
		return rc;
	atomic_store(&(*out)->conn, SHIM_CONN_DONE);
	(*out)->family = s->family;
	put_peer(cpl.val[1], v6 ? &s6 : NULL, sa, salen);
	return 0;
}

/**
 * stream_shutdown() - shutdown(2): the engine sends the FIN after the
 * bytes already in the tx ring
 */
int stream_shutdown(struct shim_sock *s, int how)
{
	struct ipc_cmd c = { .op = IPC_OP_SHUTDOWN,
			     .sock = s->id,
			     .arg = { (uint64_t)how } };
	struct ipc_cpl cpl;
	int rc;

	if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
		return -EINVAL;
	rc = esock_run(&c, &cpl);
	if (rc)
		return rc;
	if (how != SHUT_WR)
		atomic_store(&s->shut_rd, true);
	if (how != SHUT_RD)
		atomic_store(&s->shut_wr, true);
	return 0;
}

/*
 * send_blocked() - why a send cannot go on now: 0 (it can), or -errno
 * (the pending error, EPIPE, ENOTCONN, or EAGAIN while connecting)
 */
static int send_blocked(struct shim_sock *s, uint32_t ev)
{
	int err = esock_take_error(s);

	if (err)
		return -err;
	if (s->shut_wr || (ev & SHIM_EV_WRHUP))
		return -EPIPE;
	if (shim_engine_gone())
		return -ECONNRESET; /* the engine, and the connection, died */
	if (ev & SHIM_EV_CONNECTED)
		return 0;
	if (atomic_load(&s->conn) == SHIM_CONN_STARTED && !(ev & SHIM_EV_HUP))
		return -EAGAIN;
	return -ENOTCONN;
}

/**
 * stream_send() - send(2) on a stream socket
 *
 * Blocking: every byte goes into the ring, waiting for room (SO_SNDTIMEO
 * bounds it; a timeout or signal after some bytes returns the count).
 * Non-blocking: what fits, or EAGAIN.
 *
 * Return: bytes taken, or -errno.
 */
ssize_t stream_send(struct shim_sock *s, const void *buf, size_t len, int flags)
{
	bool nb = s->nonblock || (flags & MSG_DONTWAIT);
	struct esock_wait w = { .ring = &s->tx.byte,
				.lock = &s->tx_lock,
				.deadline = esock_deadline(&s->sndtimeo) };
	size_t done = 0;
	ssize_t rc = 0;
	uint32_t ev;

	pthread_mutex_lock(&s->tx_lock);
	for (;;) {
		bool connecting;

		ev = events_of(s);
		rc = send_blocked(s, ev);
		if (rc && rc != -EAGAIN)
			break;
		connecting = rc == -EAGAIN;
		if (!connecting) {
			rc = ipc_bytering_write(&s->tx.byte,
						(const uint8_t *)buf + done,
						len - done);
			if (rc < 0) {
				rc = -EIO;
				break;
			}
			done += (size_t)rc;
			if (rc)
				(void)ipc_bytering_kick(&s->tx.byte,
							shim_engine_bells());
			if (done == len)
				break;
		}
		rc = -EAGAIN;
		if (nb)
			break;
		/* While connecting only the state words can change things. */
		w.flags = ESOCK_WAIT_STATE | ESOCK_WAIT_EVENTS |
			  (connecting ? 0 : ESOCK_WAIT_RING);
		w.need = send_need(s, len - done);
		w.seen = ev;
		rc = esock_wait(s, &w);
		if (rc)
			break;
	}
	pthread_mutex_unlock(&s->tx_lock);
	if (done)
		return (ssize_t)done;
	if (!len && rc == 0)
		return 0;
	if (rc == -EPIPE && !(flags & MSG_NOSIGNAL))
		(void)raise(SIGPIPE);
	return rc;
}

/* peek_copy() - copy up to @len ring bytes without consuming them. */
static ssize_t peek_copy(struct ipc_bytering *r, void *buf, size_t len)
{
	struct ipc_span sp[2];
	ssize_t n = ipc_bytering_peek(r, sp);
	size_t a, b;

	if (n <= 0)
		return n;
	a = sp[0].len < len ? sp[0].len : len;
	b = sp[1].len < len - a ? sp[1].len : len - a;
	memcpy(buf, sp[0].p, a);
	memcpy((uint8_t *)buf + a, sp[1].p, b);
	return (ssize_t)(a + b);
}

/*
 * recv_empty() - the ring was empty after @ev was loaded: 1 to wait,
 * 0 for end of stream, or -errno (pending error, ENOTCONN)
 */
static int recv_empty(struct shim_sock *s, uint32_t ev)
{
	int err;

	if (s->listening)
		return -ENOTCONN;
	err = esock_take_error(s);
	if (err)
		return -err;
	if (s->shut_rd || (ev & (SHIM_EV_RDHUP | SHIM_EV_HUP)))
		return (ev & SHIM_EV_CONNECTED) || s->shut_rd ? 0 : -ENOTCONN;
	if (shim_engine_gone())
		return -ECONNRESET;
	if (!(ev & SHIM_EV_CONNECTED) &&
	    atomic_load(&s->conn) != SHIM_CONN_STARTED)
		return -ENOTCONN;
	return 1;
}

/**
 * stream_recv() - recv(2) on a stream socket: MSG_PEEK, MSG_DONTWAIT,
 * MSG_WAITALL
 *
 * Return: bytes (0 at end of stream), or -errno.
 */
ssize_t stream_recv(struct shim_sock *s, void *buf, size_t len, int flags)
{
	bool nb = s->nonblock || (flags & MSG_DONTWAIT);
	bool all = (flags & MSG_WAITALL) && !(flags & MSG_PEEK);
	struct esock_wait w = { .flags = ESOCK_WAIT_RING | ESOCK_WAIT_STATE |
					 ESOCK_WAIT_EVENTS,
				.ring = &s->rx.byte,
				.lock = &s->rx_lock,
				.deadline = esock_deadline(&s->rcvtimeo) };
	size_t got = 0;
	ssize_t rc = 0;
	uint32_t ev;

	if (!len)
		return 0;
	pthread_mutex_lock(&s->rx_lock);
	for (;;) {
		/* Events before the ring: see the header comment. */
		ev = events_of(s);
		if (flags & MSG_PEEK)
			rc = peek_copy(&s->rx.byte, buf, len);
		else
			rc = ipc_bytering_read(&s->rx.byte,
					       (uint8_t *)buf + got, len - got);
		if (rc < 0) {
			rc = -EIO;
			break;
		}
		if (rc > 0) {
			got += (size_t)rc;
			if (!(flags & MSG_PEEK))
				(void)ipc_bytering_kick(&s->rx.byte,
							shim_engine_bells());
			if (got == len || !all)
				break;
			continue;
		}
		rc = recv_empty(s, ev);
		if (rc <= 0 || got)
			break;
		rc = -EAGAIN;
		if (nb)
			break;
		w.seen = ev;
		rc = esock_wait(s, &w);
		if (rc)
			break;
	}
	pthread_mutex_unlock(&s->rx_lock);
	if (got)
		return (ssize_t)got;
	return rc;
}

/** stream_fionread() - FIONREAD: bytes waiting in the rx ring. */
int stream_fionread(struct shim_sock *s)
{
	ssize_t n;

	pthread_mutex_lock(&s->rx_lock);
	n = ipc_bytering_used(&s->rx.byte);
	pthread_mutex_unlock(&s->rx_lock);
	return n < 0 ? 0 : (int)(n > INT_MAX ? INT_MAX : n);
}

/**
 * stream_revents() - poll(2) bits for a stream socket, as Linux's
 * tcp_poll(): IN for data, end of stream or a queued connection; OUT
 * once connected with ring room (or when sending is over, so the write
 * reports the error); RDHUP after the peer's FIN; HUP when both
 * directions are done; ERR for a pending error
 */
short stream_revents(struct shim_sock *s, short events)
{
	/* The error before the events: "State before error" in
	 * nsstack/shimproto.h. */
	bool errp = err_pending(s);
	uint32_t ev = events_of(s);
	short rev = 0, in = events & (POLLIN | POLLRDNORM);
	short out = events & (POLLOUT | POLLWRNORM);
	ssize_t n;

	if (errp || (ev & SHIM_EV_ERR))
		rev |= POLLERR;
	if (s->listening) {
		/* A queued connection, or one accepted into the accept
		 * ring (nsstack/shimproto.h). */
		if (in && !(ev & SHIM_EV_ACCEPT)) {
			pthread_mutex_lock(&s->rx_lock);
			n = ipc_bytering_used(&s->rx.byte);
			pthread_mutex_unlock(&s->rx_lock);
			if (n >= (ssize_t)SHIM_ACCEPT_REC_LEN)
				ev |= SHIM_EV_ACCEPT;
		}
		return (short)(rev | ((ev & SHIM_EV_ACCEPT) ? in : 0));
	}
	if (ev & SHIM_EV_HUP)
		rev |= POLLHUP;
	if (ev & SHIM_EV_RDHUP)
		rev |= events & POLLRDHUP;
	if (ev & (SHIM_EV_RDHUP | SHIM_EV_HUP) || s->shut_rd) {
		rev |= in;
	} else if (in) {
		pthread_mutex_lock(&s->rx_lock);
		n = ipc_bytering_used(&s->rx.byte);
		pthread_mutex_unlock(&s->rx_lock);
		if (n != 0)
			rev |= in;
	}
	if (ev & (SHIM_EV_WRHUP | SHIM_EV_HUP) || s->shut_wr) {
		rev |= out;
	} else if (out && (ev & SHIM_EV_CONNECTED)) {
		pthread_mutex_lock(&s->tx_lock);
		n = ipc_bytering_space(&s->tx.byte);
		pthread_mutex_unlock(&s->tx_lock);
		if (n < 0 || n >= (ssize_t)writable_need(s))
			rev |= out;
	}
	return rev;
}

/**
 * stream_arm() - set waiter @who's wake-me bits for @events, then
 * re-check
 *
 * Return: true if @s is ready now (the caller must not sleep).
 */
bool stream_arm(struct shim_sock *s, short events, uint64_t who)
{
	esock_arm_state(s, who);
	/* A listener's rx ring is its accept ring. */
	if (events & (POLLIN | POLLRDNORM)) {
		pthread_mutex_lock(&s->rx_lock);
		(void)ipc_bytering_wait_prepare(&s->rx.byte, 0, who);
		pthread_mutex_unlock(&s->rx_lock);
	}
	if (events & (POLLOUT | POLLWRNORM)) {
		pthread_mutex_lock(&s->tx_lock);
		(void)ipc_bytering_wait_prepare(&s->tx.byte, writable_need(s),
						who);
		pthread_mutex_unlock(&s->tx_lock);
	}
	/* Every flag is set and fenced: what is ready now stays visible. */
	return stream_revents(s, (short)(events | POLLRDHUP)) != 0;
}
