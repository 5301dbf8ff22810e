// SPDX-License-Identifier: MIT
/*
 * sock.c - engine sockets as the shim sees them: commands for control,
 * record rings for datagrams, state words for errors, and blocking waits
 * on the doorbell (stream sockets' data path is in stream.c)
 *
 * Sends never wait for the engine: a datagram is queued in the tx ring and
 * the engine is kicked; errors the engine meets while sending (no route,
 * ICMP unreachable) come back as the socket's pending error, returned by
 * the next call as the kernel does for ICMP errors.  Receives copy straight
 * out of the rx ring.  A blocking call arms the ring's wake-me flag and
 * the state word's, re-checks, and only then sleeps (ipc/README.md,
 * wait.c).
 */
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "shim.h"
#include "wait.h"

/* IPv4 UDP payload limit. */
#define DGRAM_MAX 65507u

/*
 * linger_wait() - SO_LINGER with a timeout: close(2) of the last reference
 * returns once everything sent, FIN included, is acknowledged, or after
 * l_linger seconds (Linux: inet_release() -> sk_stream_wait_close(), for
 * blocking and non-blocking sockets alike; after the timeout the
 * connection goes on closing without its owner).  The engine decided
 * (CLOSE with IPC_CLOSE_F_LINGER) that there is something to wait for.
 */
static void linger_wait(struct shim_sock *s)
{
	struct timeval tv = { .tv_sec = atomic_load(&s->linger) };
	struct esock_wait w = { .flags = ESOCK_WAIT_STATE | ESOCK_WAIT_EVENTS,
				.deadline = esock_deadline(&tv) };
	uint32_t ev;

	for (;;) {
		ev = atomic_load_explicit(&s->st->events, memory_order_acquire);
		if (ev & (SHIM_EV_FINACK | SHIM_EV_HUP | SHIM_EV_ERR |
			  SHIM_EV_CLOSED))
			return;
		w.seen = ev;
		if (esock_wait(s, &w))
			return; /* the time is up, a signal, or no engine */
	}
}

static void esock_release(struct fdt_obj *o)
{
	struct shim_sock *s = (struct shim_sock *)o;
	struct ipc_cmd c = { .op = IPC_OP_CLOSE, .sock = s->id };
	struct ipc_cpl cpl;

	if (s->type == SOCK_STREAM && atomic_load(&s->linger) &&
	    (atomic_load_explicit(&s->st->events, memory_order_acquire) &
	     SHIM_EV_CONNECTED)) {
		c.flags = IPC_CLOSE_F_LINGER;
		if (!shim_cmd(&c, &cpl) && !cpl.err && cpl.result == 1) {
			linger_wait(s);
			c.flags = 0;
			(void)shim_cmd_post(&c);
		}
	} else {
		/* close(2) has succeeded whatever the engine says: one
		 * round trip less per connection (nginx closes one per
		 * request with Connection: close). */
		(void)shim_cmd_post(&c);
	}
	pthread_mutex_destroy(&s->rx_lock);
	pthread_mutex_destroy(&s->tx_lock);
	pthread_mutex_destroy(&s->cmd_lock);
	free(s);
}

/* open_ring() - a ring the engine named by offset, checked like any input. */
static int open_ring(union shim_ring *r, int type, uint64_t off, bool producer)
{
	enum ipc_ring_kind kind = type == SOCK_STREAM ? IPC_RING_BYTES
						      : IPC_RING_RECORDS;
	void *region = shim_region(off);
	uint32_t cap;
	int rc;

	if (!region)
		return -EPROTO;
	rc = ipc_ring_info_check(region, shim_region_len(), kind, &cap);
	if (rc)
		return rc;
	if (type == SOCK_STREAM)
		return ipc_bytering_open(&r->byte, region, shim_region_len(),
					 cap, producer);
	return ipc_recring_open(&r->rec, region, shim_region_len(), cap,
				producer);
}

/**
 * esock_new() - the shim's side of engine socket @id, whose rings the
 * engine named (SOCKET or ACCEPT); on failure the engine socket is closed
 * @type:	SOCK_DGRAM or SOCK_STREAM, with SOCK_NONBLOCK honoured
 *
 * Return: 0 or -errno.
 */
int esock_new(uint32_t id, int type, uint64_t tx_off, uint64_t rx_off,
	      struct shim_sock **out)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct shim_sock *s;
	int rc = 0;

	s = calloc(1, sizeof(*s));
	if (!s)
		rc = -ENOMEM;
	else {
		s->id = id;
		s->type = base;
		s->family = AF_INET;
		s->st = shim_state(s->id);
		rc = s->st ? 0 : -EPROTO;
	}
	if (!rc)
		rc = open_ring(&s->tx, base, tx_off, true);
	if (!rc)
		rc = open_ring(&s->rx, base, rx_off, false);
	if (rc) {
		struct ipc_cmd cl = { .op = IPC_OP_CLOSE, .sock = id };
		struct ipc_cpl cpl;

		(void)shim_cmd(&cl, &cpl);
		free(s);
		return rc;
	}
	pthread_mutex_init(&s->rx_lock, NULL);
	pthread_mutex_init(&s->tx_lock, NULL);
	pthread_mutex_init(&s->cmd_lock, NULL);
	s->obj.release = esock_release;
	s->nonblock = (type & SOCK_NONBLOCK) != 0;
	*out = s;
	return 0;
}

/**
 * esock_create() - a new engine socket (no fd yet)
 * @domain:	AF_INET or AF_INET6.  An AF_INET6 socket is an AF_INET6
 *		engine socket, dual-stack unless IPV6_V6ONLY: the engine
 *		reports IPv4 peers as ::ffff:a.b.c.d, as Linux does
 * @type:	socket() type (SOCK_DGRAM or SOCK_STREAM) with SOCK_NONBLOCK /
 *		SOCK_CLOEXEC bits
 * @out:	the socket, holding no references (the caller's fdt_set adds
 *		the fd's)
 *
 * Return: 0 or -errno.
 */
int esock_create(int domain, int type, struct shim_sock **out)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct ipc_cmd c = { .op = IPC_OP_SOCKET,
			     .arg = { (uint64_t)domain, (uint64_t)base,
				      base == SOCK_STREAM ? IPPROTO_TCP
							  : IPPROTO_UDP } };
	struct ipc_cpl cpl;
	int rc;

	rc = shim_attach();
	if (!rc)
		rc = shim_cmd(&c, &cpl);
	if (rc)
		return rc;
	if (cpl.err)
		return -cpl.err;
	rc = esock_new((uint32_t)cpl.result, type, cpl.val[0], cpl.val[1], out);
	if (!rc)
		(*out)->family = domain;
	return rc;
}

/**
 * esock_scratch() - @s's scratch area in the state region (shimproto.h,
 * whose whole span the attach checked); hold @s->cmd_lock around a
 * command that uses it
 */
uint8_t *esock_scratch(const struct shim_sock *s)
{
	uint32_t slot = SHIM_ID_SLOT(s->id);

	return (uint8_t *)(s->st - slot) + SHIM_SCRATCH_OFF +
	       (size_t)slot * SHIM_SCRATCH_LEN;
}

/** esock_get() - the engine socket behind @fd (a reference), or NULL. */
struct shim_sock *esock_get(int fd)
{
	return (struct shim_sock *)fdt_get(&shim_fds, fd);
}

/** esock_put() - drop a reference from esock_get(). */
void esock_put(struct shim_sock *s)
{
	fdt_put(&s->obj);
}

/** esock_run() - one command about a socket; 0 or -errno from the engine. */
int esock_run(struct ipc_cmd *c, struct ipc_cpl *cpl)
{
	int rc = shim_cmd(c, cpl);

	if (rc)
		return rc == -ENETDOWN ? -ECONNRESET : rc;
	return cpl->err ? -cpl->err : 0;
}

static int addr_cmd(struct shim_sock *s, uint16_t op, const struct sockaddr *sa,
		    socklen_t len)
{
	struct ipc_cmd c = { .op = op, .sock = s->id };
	struct ipc_cpl cpl;

	if (len > IPC_REC_ADDR_MAX)
		len = IPC_REC_ADDR_MAX;
	c.arg[0] = len;
	if (len)
		memcpy(&c.arg[1], sa, len);
	return esock_run(&c, &cpl);
}

/** esock_bind() - bind(2) in the engine. */
int esock_bind(struct shim_sock *s, const struct sockaddr *sa, socklen_t len)
{
	return addr_cmd(s, IPC_OP_BIND, sa, len);
}

/** esock_connect() - connect(2) in the engine; AF_UNSPEC dissolves. */
int esock_connect(struct shim_sock *s, const struct sockaddr *sa, socklen_t len)
{
	int rc;

	if (s->type == SOCK_STREAM)
		return stream_connect(s, sa, len);
	rc = addr_cmd(s, IPC_OP_CONNECT, sa, len);

	if (!rc)
		s->connected = len >= sizeof(sa_family_t) &&
			       sa->sa_family != AF_UNSPEC;
	return rc;
}

/** esock_take_error() - the pending error, cleared, or 0. */
int esock_take_error(struct shim_sock *s)
{
	if (!atomic_load_explicit(&s->st->err, memory_order_acquire))
		return 0;
	atomic_fetch_and(&s->st->events, ~SHIM_EV_ERR);
	return (int)atomic_exchange(&s->st->err, 0);
}

static int tv_ms(const struct timeval *tv)
{
	long long ms;

	if (!tv->tv_sec && !tv->tv_usec)
		return -1;
	ms = (long long)tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/**
 * esock_left_ms() - what remains of a timeout that ends at @deadline
 * (-1: none)
 */
int esock_left_ms(int64_t deadline)
{
	int64_t left;

	if (deadline < 0)
		return -1;
	left = deadline - now_ms();
	return left < 0 ? 0 : (int)left;
}

/** esock_deadline() - when a wait of SO_*TIMEO @tv ends (-1: never). */
int64_t esock_deadline(const struct timeval *tv)
{
	return tv_ms(tv) >= 0 ? now_ms() + tv_ms(tv) : -1;
}

/** esock_arm_state() - ask the engine to ring waiter @who on a state
 * change. */
void esock_arm_state(struct shim_sock *s, uint64_t who)
{
	ipc_doorbell_wait_prepare(&s->st->wait, who);
}

/** esock_disarm_state() - undo esock_arm_state(). */
void esock_disarm_state(struct shim_sock *s, uint64_t who)
{
	ipc_doorbell_wait_cancel(&s->st->wait, who);
}

/**
 * esock_send() - sendto(2) on an engine socket
 *
 * Return: @len, or -errno as the kernel would return it.
 */
ssize_t esock_send(struct shim_sock *s, const void *buf, size_t len, int flags,
		   const struct sockaddr *sa, socklen_t salen)
{
	struct ipc_rec_meta meta = { 0 };
	struct esock_wait w = { .flags = ESOCK_WAIT_RING,
				.ring = &s->tx.rec.b,
				.lock = &s->tx_lock };
	ssize_t rc;
	int err;

	if (s->type == SOCK_STREAM)
		return stream_send(s, buf, len, flags);
	/* Linux udp_sendmsg(): "Mirror BSD error message compatibility". */
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	err = esock_take_error(s);
	if (err)
		return -err;
	if (shim_engine_gone())
		return -ENETDOWN;
	if (sa && salen) {
		if (salen < sizeof(struct sockaddr_in))
			return -EINVAL;
		/* An AF_INET6 socket takes both (Linux udpv6_sendmsg). */
		if (sa->sa_family == AF_INET6 && s->family == AF_INET6) {
			if (salen < sizeof(struct sockaddr_in6))
				return -EINVAL;
			meta.addrlen = sizeof(struct sockaddr_in6);
		} else if (sa->sa_family == AF_INET) {
			meta.addrlen = sizeof(struct sockaddr_in);
		} else {
			return -EAFNOSUPPORT;
		}
		memcpy(meta.addr, sa, meta.addrlen);
	} else if (!s->connected) {
		return -EDESTADDRREQ;
	}
	if (len > DGRAM_MAX)
		return -EMSGSIZE;
	w.need = ipc_recring_need(len);
	w.deadline = esock_deadline(&s->sndtimeo);
	pthread_mutex_lock(&s->tx_lock);
	for (;;) {
		rc = ipc_recring_send(&s->tx.rec, &meta, buf, len);
		(void)ipc_recring_kick(&s->tx.rec, shim_engine_bells());
		if (rc != -EAGAIN)
			break;
		if (s->nonblock || (flags & MSG_DONTWAIT))
			break;
		rc = esock_wait(s, &w);
		if (rc)
			break;
	}
	pthread_mutex_unlock(&s->tx_lock);
	if (rc == -EPROTO)
		rc = -EIO;
	return rc;
}

/*
 * put_cmsg() - Linux's put_cmsg(): one control message into @m's buffer
 * at *@used, cut to what is left (MSG_CTRUNC in *@mflags); none at all
 * when not even a header fits
 */
static void put_cmsg(struct msghdr *m, size_t *used, int *mflags, int level,
		     int type, const void *data, size_t len)
{
	size_t room = m->msg_control && m->msg_controllen > *used
			      ? m->msg_controllen - *used
			      : 0;
	size_t cmlen = CMSG_LEN(len), space = CMSG_SPACE(len);
	struct cmsghdr h;
	uint8_t *p = (uint8_t *)m->msg_control + *used;

	if (room < sizeof(h)) {
		*mflags |= MSG_CTRUNC;
		return;
	}
	if (room < cmlen) {
		*mflags |= MSG_CTRUNC;
		cmlen = room;
	}
	h.cmsg_len = cmlen;
	h.cmsg_level = level;
	h.cmsg_type = type;
	memcpy(p, &h, sizeof(h));
	memcpy(p + CMSG_LEN(0), data, cmlen - CMSG_LEN(0));
	*used += space < room ? space : room;
}

/*
 * dgram_cmsgs() - the control messages @meta's flags ask for, in Linux's
 * order (IPV6_PKTINFO; then IP_PKTINFO, IP_TTL, IP_TOS): shimproto.h
 * SHIM_REC_F_*.  @m->msg_controllen becomes the bytes used.
 */
static void dgram_cmsgs(struct msghdr *m, const struct ipc_rec_meta *meta,
			int *mflags)
{
	size_t used = 0;
	int ttl = meta->ttl;

	if (meta->flags & SHIM_REC_F_PKTINFO6) {
		struct in6_pktinfo pi6 = { .ipi6_ifindex = (int)meta->ifindex };

		if (meta->flags & SHIM_REC_F_DST6) {
			memcpy(&pi6.ipi6_addr, meta->dst, 16);
		} else {
			pi6.ipi6_addr.s6_addr[10] = 0xff;
			pi6.ipi6_addr.s6_addr[11] = 0xff;
			memcpy(&pi6.ipi6_addr.s6_addr[12], meta->dst, 4);
		}
		put_cmsg(m, &used, mflags, IPPROTO_IPV6, IPV6_PKTINFO, &pi6,
			 sizeof(pi6));
	}
	if (meta->flags & SHIM_REC_F_PKTINFO) {
		struct in_pktinfo pi = { .ipi_ifindex = (int)meta->ifindex };

		memcpy(&pi.ipi_addr, meta->dst, 4);
		memcpy(&pi.ipi_spec_dst, meta->dst + 4, 4);
		put_cmsg(m, &used, mflags, IPPROTO_IP, IP_PKTINFO, &pi,
			 sizeof(pi));
	}
	if (meta->flags & SHIM_REC_F_TTL)
		put_cmsg(m, &used, mflags, IPPROTO_IP, IP_TTL, &ttl,
			 sizeof(ttl));
	if (meta->flags & SHIM_REC_F_TOS)
		put_cmsg(m, &used, mflags, IPPROTO_IP, IP_TOS, &meta->tos, 1);
	m->msg_controllen = used;
}

/**
 * esock_recv() - recvfrom(2), or recvmsg(2) with @ctl, on an engine socket
 * @msg_flags:	MSG_TRUNC is or-ed in when the datagram was longer than @len,
 *		MSG_CTRUNC when its control messages did not fit
 * @ctl:	recvmsg()'s header for the control messages (msg_control,
 *		msg_controllen), or NULL
 *
 * With MSG_TRUNC in @flags the return value is the datagram's real length,
 * as on Linux.  Return: bytes, or -errno.
 */
ssize_t esock_recv(struct shim_sock *s, void *buf, size_t len, int flags,
		   struct sockaddr *sa, socklen_t *salen, int *msg_flags,
		   struct msghdr *ctl)
{
	struct ipc_rec_meta meta = { 0 };
	struct esock_wait w = { .flags = ESOCK_WAIT_RING | ESOCK_WAIT_STATE,
				.ring = &s->rx.rec.b,
				.lock = &s->rx_lock };
	size_t reclen = 0;
	ssize_t rc;
	int err;

	if (s->type == SOCK_STREAM) {
		rc = (flags & MSG_OOB)
			     ? stream_recv_oob(s, buf, len, flags, msg_flags)
			     : stream_recv(s, buf, len, flags);
		/* A stream socket's peer is its connection's: no address. */
		if (rc >= 0 && sa && salen)
			*salen = 0;
		if (rc >= 0 && ctl)
			ctl->msg_controllen = 0;
		return rc;
	}
	w.deadline = esock_deadline(&s->rcvtimeo);
	pthread_mutex_lock(&s->rx_lock);
	for (;;) {
		err = esock_take_error(s);
		if (err) {
			rc = -err;
			break;
		}
		rc = ipc_recring_recv(&s->rx.rec, &meta, buf, len,
				      flags & MSG_PEEK ? IPC_REC_PEEK : 0,
				      &reclen);
		if (rc >= 0) {
			(void)ipc_recring_kick(&s->rx.rec, shim_engine_bells());
			break;
		}
		if (rc != -EAGAIN) {
			rc = -EIO;
			break;
		}
		if (shim_engine_gone()) {
			rc = -ECONNRESET;
			break;
		}
		if (s->nonblock || (flags & MSG_DONTWAIT))
			break;
		rc = esock_wait(s, &w);
		if (rc)
			break;
	}
	pthread_mutex_unlock(&s->rx_lock);
	if (rc < 0)
		return rc;
	if (sa && salen) {
		socklen_t n = *salen < meta.addrlen ? *salen : meta.addrlen;

		memcpy(sa, meta.addr, n);
		*salen = meta.addrlen;
	}
	if (ctl) {
		int cf = 0;

		dgram_cmsgs(ctl, &meta, &cf);
		if (msg_flags)
			*msg_flags |= cf;
	}
	if (reclen > len) {
		if (msg_flags)
			*msg_flags |= MSG_TRUNC;
		if (flags & MSG_TRUNC)
			return (ssize_t)reclen;
	}
	return rc;
}

/**
 * esock_getname() - getsockname(2) (@which SHIM_NAME_SOCK) or
 * getpeername(2) (SHIM_NAME_PEER); 0 or -errno
 */
int esock_getname(struct shim_sock *s, int which, struct sockaddr *sa,
		  socklen_t *len)
{
	struct ipc_cmd c = { .op = IPC_OP_GETNAME,
			     .sock = s->id,
			     .arg = { (uint64_t)which } };
	struct ipc_cpl cpl;
	struct sockaddr_storage ss;
	uint8_t *scratch = esock_scratch(s);
	socklen_t n;
	int rc;

	pthread_mutex_lock(&s->cmd_lock);
	rc = esock_run(&c, &cpl);
	if (!rc && (cpl.result < 0 || cpl.result > (int64_t)sizeof(ss) ||
		    (cpl.result > (int64_t)sizeof(cpl.val) && !scratch)))
		rc = -EIO;
	if (!rc) {
		/* A sockaddr_in6 comes in the scratch area. */
		memset(&ss, 0, sizeof(ss));
		memcpy(&ss,
		       cpl.result > (int64_t)sizeof(cpl.val)
			       ? (const void *)scratch
			       : (const void *)cpl.val,
		       (size_t)cpl.result);
	}
	pthread_mutex_unlock(&s->cmd_lock);
	if (rc)
		return rc;
	n = *len < (socklen_t)cpl.result ? *len : (socklen_t)cpl.result;
	memcpy(sa, &ss, n);
	*len = (socklen_t)cpl.result;
	return 0;
}

static int get_timeo(const struct timeval *tv, void *val, socklen_t *len)
{
	if (*len < sizeof(*tv))
		return -EINVAL;
	memcpy(val, tv, sizeof(*tv));
	*len = sizeof(*tv);
	return 0;
}

static int put_int(int v, void *val, socklen_t *len)
{
	if (*len < sizeof(int))
		return -EINVAL;
	memcpy(val, &v, sizeof(v));
	*len = sizeof(int);
	return 0;
}

/* The engine took SO_LINGER: remember what the last close() waits. */
static void note_linger(struct shim_sock *s, int level, int name,
			const void *val, socklen_t len)
{
	struct linger l;

	if (level != SOL_SOCKET || name != SO_LINGER ||
	    s->type != SOCK_STREAM || len < sizeof(l))
		return;
	memcpy(&l, val, sizeof(l));
	atomic_store(&s->linger, l.l_onoff && l.l_linger > 0 ? l.l_linger : 0);
}

/**
 * esock_setsockopt() - setsockopt(2): timeouts are kept here (the shim
 * does the waiting), everything else is the engine's
 */
int esock_setsockopt(struct shim_sock *s, int level, int name, const void *val,
		     socklen_t len)
{
	struct ipc_cmd c = { .op = IPC_OP_SETSOCKOPT, .sock = s->id };
	struct ipc_cpl cpl;
	struct timeval tv;
	int rc;

	if (level == SOL_SOCKET &&
	    (name == SO_RCVTIMEO || name == SO_SNDTIMEO)) {
		if (!val || len < sizeof(tv))
			return -EINVAL;
		memcpy(&tv, val, sizeof(tv));
		if (tv.tv_usec < 0 || tv.tv_usec >= 1000000)
			return -EDOM;
		if (tv.tv_sec < 0)
			tv = (struct timeval){ 0 };
		if (name == SO_RCVTIMEO)
			s->rcvtimeo = tv;
		else
			s->sndtimeo = tv;
		return 0;
	}
	if (len && !val)
		return -EFAULT;
	if (len > SHIM_SCRATCH_LEN || (len > SHIM_OPT_MAX && !esock_scratch(s)))
		return -EINVAL;
	c.arg[0] = (uint64_t)level;
	c.arg[1] = (uint64_t)name;
	c.arg[2] = len;
	if (len <= SHIM_OPT_MAX) {
		if (len)
			memcpy(&c.arg[3], val, len);
		rc = esock_run(&c, &cpl);
		if (!rc)
			note_linger(s, level, name, val, len);
		return rc;
	}
	/* Longer values (struct ipv6_mreq, ...) go by the scratch area. */
	pthread_mutex_lock(&s->cmd_lock);
	memcpy(esock_scratch(s), val, len);
	rc = esock_run(&c, &cpl);
	pthread_mutex_unlock(&s->cmd_lock);
	if (!rc)
		note_linger(s, level, name, val, len);
	return rc;
}

/**
 * esock_getsockopt() - getsockopt(2): the type, domain, protocol, pending
 * error and timeouts answered here; the rest asked of the engine
 */
int esock_getsockopt(struct shim_sock *s, int level, int name, void *val,
		     socklen_t *len)
{
	struct ipc_cmd c = { .op = IPC_OP_GETSOCKOPT, .sock = s->id };
	struct ipc_cpl cpl;
	int rc;

	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_TYPE:
			return put_int(s->type, val, len);
		case SO_DOMAIN:
			return put_int(s->family, val, len);
		case SO_PROTOCOL:
			return put_int(s->type == SOCK_STREAM ? IPPROTO_TCP
							      : IPPROTO_UDP,
				       val, len);
		case SO_ACCEPTCONN:
			return put_int(s->listening, val, len);
		case SO_ERROR:
			rc = put_int(0, val, len);
			return rc ? rc : put_int(esock_take_error(s), val, len);
		case SO_RCVTIMEO:
			return get_timeo(&s->rcvtimeo, val, len);
		case SO_SNDTIMEO:
			return get_timeo(&s->sndtimeo, val, len);
		default:
			break;
		}
	}
	c.arg[0] = (uint64_t)level;
	c.arg[1] = (uint64_t)name;
	c.arg[2] = *len < SHIM_SCRATCH_LEN ? *len : SHIM_SCRATCH_LEN;
	if (c.arg[2] > SHIM_OPT_MAX && !esock_scratch(s))
		c.arg[2] = SHIM_OPT_MAX;
	/* Longer values (struct tcp_info) come back in the scratch area. */
	pthread_mutex_lock(&s->cmd_lock);
	rc = esock_run(&c, &cpl);
	if (!rc && (cpl.result < 0 || (uint64_t)cpl.result > c.arg[2]))
		rc = -EIO;
	if (!rc) {
		if ((socklen_t)cpl.result < *len)
			*len = (socklen_t)cpl.result;
		memcpy(val,
		       c.arg[2] > SHIM_OPT_MAX ? (const void *)esock_scratch(s)
					       : (const void *)cpl.val,
		       *len);
	}
	pthread_mutex_unlock(&s->cmd_lock);
	return rc;
}

/** esock_fionread() - FIONREAD: the next datagram's length, or 0. */
int esock_fionread(struct shim_sock *s)
{
	ssize_t n;

	if (s->type == SOCK_STREAM)
		return stream_fionread(s);
	pthread_mutex_lock(&s->rx_lock);
	n = ipc_recring_next_len(&s->rx.rec);
	pthread_mutex_unlock(&s->rx_lock);
	return n < 0 ? 0 : (int)(n > INT_MAX ? INT_MAX : n);
}

/**
 * esock_atmark() - SIOCATMARK: 1 at the urgent mark of a stream socket;
 * 0 for a datagram socket (the kernel's UDP has none either)
 */
int esock_atmark(struct shim_sock *s)
{
	return s->type == SOCK_STREAM ? stream_atmark(s) : 0;
}

/**
 * esock_set_owner() - F_SETOWN (or FIOSETOWN / SIOCSPGRP) succeeded on
 * the anchor: tell the engine, which sends SIGURG to the owner if it is
 * this process (shimproto.h, SHIM_OOB_OWNER); the anchor keeps the
 * owner for F_GETOWN.  Nothing to do for datagram sockets.
 */
int esock_set_owner(struct shim_sock *s, long owner)
{
	struct ipc_cmd c = { .op = IPC_OP_OOB,
			     .sock = s->id,
			     .arg = { SHIM_OOB_OWNER, (uint64_t)owner } };
	struct ipc_cpl cpl;

	if (s->type != SOCK_STREAM)
		return 0;
	return esock_run(&c, &cpl);
}

/**
 * esock_revents() - poll(2) bits for @s from the rings and the state words,
 * without asking the engine
 */
short esock_revents(struct shim_sock *s, short events)
{
	short rev = 0;

	if (shim_engine_gone())
		return (short)(POLLERR | POLLHUP |
			       (events &
				(POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM)));
	if (s->type == SOCK_STREAM)
		return stream_revents(s, events);
	if (atomic_load_explicit(&s->st->err, memory_order_acquire))
		rev |= POLLERR;
	if (events & (POLLIN | POLLRDNORM)) {
		pthread_mutex_lock(&s->rx_lock);
		if (ipc_spsc_avail(&s->rx.rec.b.s) > 0)
			rev |= events & (POLLIN | POLLRDNORM);
		pthread_mutex_unlock(&s->rx_lock);
	}
	if (events & (POLLOUT | POLLWRNORM)) {
		pthread_mutex_lock(&s->tx_lock);
		if (ipc_spsc_space(&s->tx.rec.b.s) >=
		    ipc_recring_need(DGRAM_MAX))
			rev |= events & (POLLOUT | POLLWRNORM);
		pthread_mutex_unlock(&s->tx_lock);
	}
	return rev;
}

/**
 * esock_arm() - set waiter @who's wake-me bits for @events before sleeping
 * in poll
 *
 * Return: true if @s turned ready meanwhile (the caller must not sleep).
 */
bool esock_arm(struct shim_sock *s, short events, uint64_t who)
{
	bool ready = false;

	if (s->type == SOCK_STREAM)
		return stream_arm(s, events, who);
	esock_arm_state(s, who);
	if (events & (POLLIN | POLLRDNORM)) {
		pthread_mutex_lock(&s->rx_lock);
		ready |= ipc_recring_wait_prepare(&s->rx.rec, 0, who) != 0;
		pthread_mutex_unlock(&s->rx_lock);
	}
	if (events & (POLLOUT | POLLWRNORM)) {
		pthread_mutex_lock(&s->tx_lock);
		ready |= ipc_recring_wait_prepare(&s->tx.rec,
						  ipc_recring_need(DGRAM_MAX),
						  who) != 0;
		pthread_mutex_unlock(&s->tx_lock);
	}
	return ready || atomic_load(&s->st->err);
}

/** esock_disarm() - clear the bits esock_arm() set for @who. */
void esock_disarm(struct shim_sock *s, uint64_t who)
{
	/* The record ring's masks are its byte ring's, either kind; a
	 * cancel is one atomic and-not, no lock needed. */
	ipc_bytering_wait_cancel(&s->rx.byte, who);
	ipc_bytering_wait_cancel(&s->tx.byte, who);
	esock_disarm_state(s, who);
}

/*
 * esock_rx_mark(), esock_tx_mark() - the rx ring's producer index and the
 * tx ring's consumer index: free-running counters the engine advances on
 * every arrival and on every send it takes, so epoll can tell a new edge
 * from an old one.  Datagram and stream rings share the index layout.
 */
_Static_assert(offsetof(struct ipc_recring, b) == 0,
	       "a record ring's indices are its byte ring's");

uint32_t esock_rx_mark(const struct shim_sock *s)
{
	return atomic_load_explicit(&s->rx.byte.s.shm->tail,
				    memory_order_acquire);
}

uint32_t esock_tx_mark(const struct shim_sock *s)
{
	return atomic_load_explicit(&s->tx.byte.s.shm->head,
				    memory_order_acquire);
}
