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
 *
 * Urgent data (MSG_OOB): the rx ring carries every byte; the engine
 * publishes where the urgent mark is and which bytes to skip, and reads,
 * FIONREAD, SIOCATMARK and poll apply Linux's rules from that
 * ("Urgent data" in nsstack/shimproto.h).  recv(MSG_OOB) asks the engine
 * (the OOB command); send(MSG_OOB) tells it which byte is urgent before
 * writing that byte.
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
 * struct rx_view - the rx ring as this reader sees it, urgent rules
 * applied (shimproto.h "Urgent data"); rx_lock held
 * @used:	bytes in the ring
 * @skip:	bytes at the head the reader drops unread (0 or all of a
 *		skip range that is wholly in the ring)
 * @wait:	a skip range not wholly in the ring yet: nothing readable
 * @mark:	there is a mark at or ahead of the head (after the skip)
 * @passed:	there is a mark, but behind the head: read past, none
 * @inline_:	SO_OOBINLINE
 * @off:	with @mark: bytes from the head (after the skip) to it
 */
struct rx_view {
	size_t used, skip;
	bool wait, mark, passed, inline_;
	uint32_t off;
};

/*
 * rx_look() - the ring's bytes and the urgent words, in that order: a
 * reader that sees the urgent byte sees its mark
 *
 * Return: 0, or -EIO for a broken ring.
 */
static int rx_look(struct shim_sock *s, struct rx_view *v)
{
	ssize_t used = ipc_bytering_used(&s->rx.byte);
	uint64_t urg = atomic_load_explicit(&s->st->urg, memory_order_acquire);
	uint64_t skip = atomic_load_explicit(&s->st->urg_skip,
					     memory_order_acquire);
	uint32_t head = s->rx.byte.s.mine, slen = (uint32_t)(skip >> 32);
	uint32_t flags = (uint32_t)(urg >> 32);

	memset(v, 0, sizeof(*v));
	if (used < 0)
		return -EIO;
	v->used = (size_t)used;
	if (slen && head == (uint32_t)skip) {
		if (slen > v->used)
			v->wait = true;
		else
			v->skip = slen;
	}
	v->inline_ = flags & SHIM_URG_INLINE;
	v->off = (uint32_t)urg - (head + (uint32_t)v->skip);
	/* A mark behind the head has been read past: none. */
	v->mark = (flags & SHIM_URG_MARK) && (int32_t)v->off >= 0;
	v->passed = (flags & SHIM_URG_MARK) && !v->mark;
	return 0;
}

/* rx_at_mark() - the reader is at the mark (SIOCATMARK). */
static bool rx_at_mark(const struct rx_view *v)
{
	return v->mark && !v->wait && v->off == 0;
}

/*
 * rx_readable() - bytes a read would return now (FIONREAD): up to the
 * mark if its byte is here and not inline, else all (Linux tcp_inq())
 */
static size_t rx_readable(const struct rx_view *v)
{
	size_t n = v->wait ? 0 : v->used - v->skip;

	if (v->mark && !v->inline_ && v->off < n)
		return v->off;
	return n;
}

/* rx_pollin() - POLLIN from data: at the mark the urgent byte does not
 * count (a read skips it), unless inline (Linux tcp_poll()). */
static bool rx_pollin(const struct rx_view *v)
{
	size_t n = v->wait ? 0 : v->used - v->skip;

	return n > (rx_at_mark(v) && !v->inline_ ? 1u : 0u);
}

/* copy_at() - copy @len ring bytes from @off past the head. */
static void copy_at(const struct ipc_span sp[2], size_t off, void *buf,
		    size_t len)
{
	size_t a = 0;

	if (off < sp[0].len) {
		a = sp[0].len - off < len ? sp[0].len - off : len;
		memcpy(buf, sp[0].p + off, a);
		off = 0;
	} else {
		off -= sp[0].len;
	}
	memcpy((uint8_t *)buf + a, sp[1].p + off, len - a);
}

/*
 * rx_take() - one read of what the ring holds now, by the urgent rules:
 * stop at the mark once something was copied (@got: bytes this call
 * copied before), skip the urgent byte when starting at it (unless
 * inline), drop a skip range
 * @peek:	leave the bytes (MSG_PEEK)
 * @moved:	set to the bytes consumed (copied or skipped)
 * @stop:	set when the read stopped at the mark
 *
 * Return: bytes copied (0: none readable now), or -EIO.
 */
static ssize_t rx_take(struct shim_sock *s, uint8_t *buf, size_t len, bool peek,
		       size_t got, size_t *moved, bool *stop)
{
	struct ipc_span sp[2];
	struct rx_view v;
	size_t pos, n, copied = 0;
	ssize_t used;

	*moved = 0;
	*stop = false;
	if (rx_look(s, &v))
		return -EIO;
	used = ipc_bytering_peek(&s->rx.byte, sp);
	if (used < 0)
		return -EIO;
	if (v.wait)
		return 0;
	/* The peek may see more than the look: read only what it saw. */
	pos = v.skip;
	if (v.mark && v.off == 0) {
		if (got) {
			*stop = true;
			goto out;
		}
		if (!v.inline_) {
			if (pos >= v.used)
				goto out; /* the urgent byte is not here yet */
			pos++;
			v.mark = false;
		}
	}
	n = v.used - pos;
	if (n > len)
		n = len;
	if (v.mark && v.off && v.off < n) {
		n = v.off;
		*stop = true;
	}
	copy_at(sp, pos, buf, n);
	pos += n;
	copied = n;
out:
	if (!peek && pos) {
		(void)ipc_bytering_consume(&s->rx.byte, pos);
		*moved = pos;
	}
	return (ssize_t)copied;
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

/*
 * tx_put() - write what fits of the @left bytes at @p into the tx ring
 *
 * With @oob (MSG_OOB) the last byte this call writes is urgent: it goes
 * alone, after the OOB command named it ("Urgent data" in shimproto.h),
 * so the engine never takes it as ordinary data.  Non-blocking (@nb),
 * this write is the call's last: its last byte is urgent.  Blocking,
 * only the write that completes the call is: the ones before it leave
 * the last byte out.  Our room only grows (we are the only producer,
 * under tx_lock), so the byte fits after the command.
 *
 * Return: bytes written, or -EPROTO.
 */
static ssize_t tx_put(struct shim_sock *s, const uint8_t *p, size_t left,
		      bool oob, bool nb)
{
	struct ipc_cmd c = { .op = IPC_OP_OOB,
			     .sock = s->id,
			     .arg = { SHIM_OOB_SEND } };
	struct ipc_cpl cpl;
	ssize_t room, rc;
	size_t n;

	if (!oob || !left)
		return ipc_bytering_write(&s->tx.byte, p, left);
	room = ipc_bytering_space(&s->tx.byte);
	if (room <= 0)
		return room;
	if ((size_t)room < left && !nb)
		return ipc_bytering_write(&s->tx.byte, p,
					  (size_t)room < left - 1 ? (size_t)room
								  : left - 1);
	n = (size_t)room < left ? (size_t)room : left;
	rc = ipc_bytering_write(&s->tx.byte, p, n - 1);
	if (rc != (ssize_t)(n - 1))
		return rc < 0 ? rc : -EPROTO;
	c.arg[1] = s->tx.byte.s.mine + 1u;
	/* Should the engine refuse, the byte still goes, as data. */
	if (esock_run(&c, &cpl))
		shim_log("MSG_OOB: no urgent mark for socket %#x", s->id);
	rc = ipc_bytering_write(&s->tx.byte, p + n - 1, 1);
	if (rc != 1)
		return rc < 0 ? rc : -EPROTO;
	return (ssize_t)n;
}

/**
 * stream_send() - send(2) on a stream socket
 *
 * Blocking: every byte goes into the ring, waiting for room (SO_SNDTIMEO
 * bounds it; a timeout or signal after some bytes returns the count).
 * Non-blocking: what fits, or EAGAIN.  MSG_OOB: the last byte taken is
 * urgent (tx_put()).
 *
 * Return: bytes taken, or -errno.
 */
ssize_t stream_send(struct shim_sock *s, const void *buf, size_t len, int flags)
{
	bool nb = s->nonblock || (flags & MSG_DONTWAIT);
	bool oob = flags & MSG_OOB;
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
			rc = tx_put(s, (const uint8_t *)buf + done, len - done,
				    oob, nb);
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
 * MSG_WAITALL; the urgent mark stops a read and its byte is skipped
 * (stream_recv_oob() for MSG_OOB)
 *
 * Return: bytes (0 at end of stream), or -errno.
 */
ssize_t stream_recv(struct shim_sock *s, void *buf, size_t len, int flags)
{
	bool nb = s->nonblock || (flags & MSG_DONTWAIT);
	bool peek = flags & MSG_PEEK;
	bool all = (flags & MSG_WAITALL) && !peek;
	struct esock_wait w = { .flags = ESOCK_WAIT_RING | ESOCK_WAIT_STATE |
					 ESOCK_WAIT_EVENTS,
				.ring = &s->rx.byte,
				.lock = &s->rx_lock,
				.deadline = esock_deadline(&s->rcvtimeo) };
	size_t got = 0, moved;
	ssize_t rc = 0;
	uint32_t ev;
	bool stop;

	if (!len)
		return 0;
	pthread_mutex_lock(&s->rx_lock);
	for (;;) {
		/* Events before the ring: see the header comment. */
		ev = events_of(s);
		rc = rx_take(s, (uint8_t *)buf + got, len - got, peek, got,
			     &moved, &stop);
		if (rc < 0)
			break;
		if (moved)
			(void)ipc_bytering_kick(&s->rx.byte,
						shim_engine_bells());
		if (rc > 0) {
			got += (size_t)rc;
			if (got == len || !all || stop)
				break;
			continue;
		}
		if (stop)
			break; /* at the mark after a WAITALL read */
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

/**
 * stream_recv_oob() - recv(MSG_OOB): the urgent byte, from the engine
 * (never waits, as on Linux)
 * @msg_flags:	MSG_OOB (and MSG_TRUNC) or-ed in as recvmsg() reports them
 *
 * Return: 1 or 0, or -errno (EINVAL without urgent data, EAGAIN before
 * its byte came, ENOTCONN).
 */
ssize_t stream_recv_oob(struct shim_sock *s, void *buf, size_t len, int flags,
			int *msg_flags)
{
	struct ipc_cmd c = { .op = IPC_OP_OOB,
			     .sock = s->id,
			     .arg = {
				     SHIM_OOB_RECV,
				     (uint64_t)(flags & (MSG_PEEK | MSG_TRUNC)),
				     len ? 1u : 0u } };
	struct ipc_cpl cpl;
	int rc = esock_run(&c, &cpl);

	if (rc)
		return rc;
	if (cpl.result < 0 || cpl.result > 1 || (cpl.result && !len))
		return -EIO;
	if (cpl.result && !(flags & MSG_TRUNC))
		*(uint8_t *)buf = (uint8_t)cpl.val[0];
	if (msg_flags)
		*msg_flags |= (int)(cpl.val[1] & (MSG_OOB | MSG_TRUNC));
	return (ssize_t)cpl.result;
}

/** stream_fionread() - FIONREAD: bytes a read would return (to the mark). */
int stream_fionread(struct shim_sock *s)
{
	struct rx_view v;
	size_t n = 0;

	pthread_mutex_lock(&s->rx_lock);
	if (!rx_look(s, &v))
		n = rx_readable(&v);
	pthread_mutex_unlock(&s->rx_lock);
	return n > INT_MAX ? INT_MAX : (int)n;
}

/** stream_atmark() - SIOCATMARK: 1 if the next byte read is the mark. */
int stream_atmark(struct shim_sock *s)
{
	struct rx_view v;
	bool at = false;

	pthread_mutex_lock(&s->rx_lock);
	if (!rx_look(s, &v))
		at = rx_at_mark(&v);
	pthread_mutex_unlock(&s->rx_lock);
	return at;
}

/**
 * stream_revents() - poll(2) bits for a stream socket, as Linux's
 * tcp_poll(): IN for data, end of stream or a queued connection; PRI
 * while an urgent byte waits for recv(MSG_OOB); OUT once connected with
 * ring room (or when sending is over, so the write reports the error);
 * RDHUP after the peer's FIN; HUP when both directions are done; ERR for
 * a pending error
 */
short stream_revents(struct shim_sock *s, short events)
{
	/* The error before the events: "State before error" in
	 * nsstack/shimproto.h. */
	bool errp = err_pending(s);
	uint32_t ev = events_of(s);
	short rev = 0, in = events & (POLLIN | POLLRDNORM);
	short out = events & (POLLOUT | POLLWRNORM);
	struct rx_view v = { 0 };
	bool looked = false;
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
	if ((in || (events & POLLPRI)) && !s->shut_rd) {
		pthread_mutex_lock(&s->rx_lock);
		looked = !rx_look(s, &v);
		pthread_mutex_unlock(&s->rx_lock);
	}
	/* The engine's PRI, unless this reader already read past the mark
	 * (shimproto.h "Urgent data"). */
	if ((ev & SHIM_EV_PRI) && !(looked && v.passed))
		rev |= events & POLLPRI;
	/* End of stream, or data a read returns (not a lone urgent byte). */
	if (ev & (SHIM_EV_RDHUP | SHIM_EV_HUP) || s->shut_rd || !looked ||
	    rx_pollin(&v))
		rev |= in;
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
