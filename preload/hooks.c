// SPDX-License-Identifier: MIT
/*
 * hooks.c - the libc functions libnsshim.so interposes
 *
 * Every hook first lets the shim initialise (resolving the real functions)
 * and then asks one question: is this fd an engine socket?  If not, the
 * real function runs untouched.  Candidates for the engine (AF_INET and
 * AF_INET6 UDP and TCP sockets, decide.c) are created as ordinary kernel sockets and marked
 * "pending"; the first bind, connect or send with an address decides.
 * Going to the engine swaps the kernel socket for an anchor (an AF_UNIX
 * datagram socket) under the same fd number with dup3(), so the program's
 * fd keeps its number, its close-on-exec flag and its O_NONBLOCK flag.
 *
 * Hooks return what the kernel would: -1 with errno on failure, and they
 * leave errno alone on success.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "decide.h"
#include "epoll.h"
#include "shim.h"

#define EXPORT __attribute__((visibility("default")))
#define PENDING_MAX (1u << 20)
#define DGRAM_MAX 65507u
/* Most bytes one stream recvmsg()/readv() with several iovecs returns. */
#define STREAM_GATHER_MAX (256u << 10)

/* While fd is an AF_INET or AF_INET6 kernel socket not yet decided: its
 * type (PEND_DGRAM or PEND_STREAM), or-ed with PEND_INET6; 0 otherwise. */
#define PEND_DGRAM 1
#define PEND_STREAM 2
#define PEND_TYPE 3
#define PEND_INET6 4
static _Atomic unsigned char pending[PENDING_MAX];

static int pending_type(int fd)
{
	if (fd < 0 || (unsigned int)fd >= PENDING_MAX)
		return 0;
	switch (atomic_load_explicit(&pending[fd], memory_order_relaxed) &
		PEND_TYPE) {
	case PEND_DGRAM:
		return SOCK_DGRAM;
	case PEND_STREAM:
		return SOCK_STREAM;
	default:
		return 0;
	}
}

/* pending_family() - AF_INET or AF_INET6 for a pending @fd. */
static int pending_family(int fd)
{
	if (fd < 0 || (unsigned int)fd >= PENDING_MAX)
		return AF_INET;
	return atomic_load_explicit(&pending[fd], memory_order_relaxed) &
			       PEND_INET6
		       ? AF_INET6
		       : AF_INET;
}

static bool is_pending(int fd)
{
	return pending_type(fd) != 0;
}

/** shim_fd_pending() - @fd is a socket not yet sent to kernel or engine. */
bool shim_fd_pending(int fd)
{
	return is_pending(fd);
}

/* set_pending() - @type SOCK_DGRAM/SOCK_STREAM marks @fd, 0 clears it. */
static void set_pending(int fd, int type)
{
	unsigned char v = type == SOCK_DGRAM	? PEND_DGRAM
			  : type == SOCK_STREAM ? PEND_STREAM
						: 0;

	if (fd >= 0 && (unsigned int)fd < PENDING_MAX)
		atomic_store_explicit(&pending[fd], v, memory_order_relaxed);
}

/* set_pending6() - mark @fd pending as an AF_INET6 socket of @type. */
static void set_pending6(int fd, int type)
{
	set_pending(fd, type);
	if (fd >= 0 && (unsigned int)fd < PENDING_MAX)
		atomic_fetch_or_explicit(&pending[fd], PEND_INET6,
					 memory_order_relaxed);
}

/*
 * The engine refused a new socket because this process has SHIM_MAX_SOCKS
 * open (EMFILE) or no ring is left (ENOBUFS): the call that would have
 * made it fails so, as the kernel fails socket() at its fd limit, instead
 * of quietly going to the kernel stack.  Set by convert(), taken by the
 * hook that called decide().
 */
static __thread int exhausted;

/* take_exhausted() - -EMFILE/-ENOBUFS left by decide() (cleared), or 0. */
static int take_exhausted(void)
{
	int rc = exhausted;

	exhausted = 0;
	return rc;
}

/* ret() - a 0/-errno result as libc returns it. */
static long ret(long rc)
{
	if (rc < 0) {
		errno = (int)-rc;
		return -1;
	}
	return rc;
}

/*
 * convert() - make pending @fd an engine socket whose first call is
 * @op(@sa) (IPC_OP_BIND, IPC_OP_CONNECT, or IPC_OP_NOP for a send)
 *
 * The engine socket is made and its first call tried before the kernel
 * socket is replaced: if the engine refuses (no such address, no engine),
 * the socket stays on the kernel and the caller runs the real call.
 *
 * Return: the socket with a reference, or NULL (stay on the kernel).
 */
static struct shim_sock *convert(int fd, uint16_t op, const struct sockaddr *sa,
				 socklen_t len)
{
	int fl = shim_real.fcntl(fd, F_GETFL);
	int fdfl = shim_real.fcntl(fd, F_GETFD);
	int type = pending_type(fd);
	int family = pending_family(fd);
	static const int replay[] = { SO_REUSEADDR, SO_BROADCAST, SO_KEEPALIVE,
				      SO_OOBINLINE };
	/* Control messages a datagram socket asked for (IPPROTO_IP). */
	static const int replay_ip[] = { IP_PKTINFO, IP_RECVTOS, IP_RECVTTL };
	struct fdt_obj *old;
	struct shim_sock *s;
	struct timeval tv;
	socklen_t l;
	int rc, anchor, v, owner;
	size_t i;

	set_pending(fd, 0);
	if (fl < 0 || fdfl < 0 || !type)
		return NULL;
	rc = esock_create(family, type | (fl & O_NONBLOCK ? SOCK_NONBLOCK : 0),
			  &s);
	if (rc == -EMFILE || rc == -ENOBUFS) {
		shim_log("fd %d: no engine socket (%s)", fd, strerror(-rc));
		exhausted = rc;
		return NULL;
	}
	if (rc) {
		shim_log("fd %d: no engine socket (%s), kernel", fd,
			 strerror(-rc));
		return NULL;
	}
	atomic_store(&s->obj.refs, 1);
	/* Options set while it was a kernel socket carry over. */
	for (i = 0; i < sizeof(replay) / sizeof(replay[0]); i++) {
		if (type == SOCK_DGRAM &&
		    (replay[i] == SO_KEEPALIVE || replay[i] == SO_OOBINLINE))
			continue;
		l = sizeof(v);
		if (!shim_real.getsockopt(fd, SOL_SOCKET, replay[i], &v, &l) &&
		    v)
			(void)esock_setsockopt(s, SOL_SOCKET, replay[i], &v,
					       sizeof(v));
	}
	for (i = 0;
	     type == SOCK_DGRAM && i < sizeof(replay_ip) / sizeof(replay_ip[0]);
	     i++) {
		l = sizeof(v);
		if (!shim_real.getsockopt(fd, IPPROTO_IP, replay_ip[i], &v,
					  &l) &&
		    v)
			(void)esock_setsockopt(s, IPPROTO_IP, replay_ip[i], &v,
					       sizeof(v));
	}
	l = sizeof(v);
	if (family == AF_INET6 &&
	    !shim_real.getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, &l) && v)
		(void)esock_setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v,
				       sizeof(v));
	l = sizeof(v);
	if (family == AF_INET6 && type == SOCK_DGRAM &&
	    !shim_real.getsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &v, &l) &&
	    v)
		(void)esock_setsockopt(s, IPPROTO_IPV6, IPV6_RECVPKTINFO, &v,
				       sizeof(v));
	l = sizeof(tv);
	if (!shim_real.getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &l))
		s->rcvtimeo = tv;
	l = sizeof(tv);
	if (!shim_real.getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, &l))
		s->sndtimeo = tv;
	rc = 0;
	if (op == IPC_OP_BIND)
		rc = esock_bind(s, sa, len);
	else if (op == IPC_OP_CONNECT && type == SOCK_STREAM)
		rc = stream_connect_start(s, sa, len); /* the hook waits */
	else if (op == IPC_OP_CONNECT)
		rc = esock_connect(s, sa, len);
	if (rc) {
		shim_log("fd %d: engine refused (%s), kernel", fd,
			 strerror(-rc));
		goto drop;
	}
	anchor = shim_real.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (anchor < 0)
		goto drop;
	(void)shim_real.fcntl(anchor, F_SETFL, fl & O_NONBLOCK);
	/* F_SETOWN belongs to the open file: the anchor takes it over. */
	owner = shim_real.fcntl(fd, F_GETOWN);
	if (owner > 0 || owner < -1) {
		(void)shim_real.fcntl(anchor, F_SETOWN, owner);
		(void)esock_set_owner(s, owner);
	}
	if (shim_real.dup3(anchor, fd, fdfl & FD_CLOEXEC ? O_CLOEXEC : 0) < 0) {
		shim_real.close(anchor);
		goto drop;
	}
	shim_real.close(anchor);
	if (fdt_set(&shim_fds, fd, &s->obj, &old))
		goto drop; /* cannot happen: pending fds are in range */
	fdt_put(old);
	shim_log("fd %d: engine socket %#x", fd, s->id);
	return s; /* the creation reference becomes the caller's */
drop:
	fdt_put(&s->obj);
	return NULL;
}

/*
 * decide() - route pending @fd by @r; the engine socket (a reference) or
 * NULL when the kernel keeps it
 */
static struct shim_sock *decide(int fd, enum shim_route r, uint16_t op,
				const struct sockaddr *sa, socklen_t len)
{
	struct shim_sock *s;
	int saved = errno;

	exhausted = 0;
	if (r == ROUTE_UNDECIDED)
		return NULL;
	if (r == ROUTE_KERNEL) {
		set_pending(fd, 0);
		shim_log("fd %d: kernel", fd);
		return NULL;
	}
	/* Attaching and probing may fail inside; the app's call has not. */
	s = convert(fd, op, sa, len);
	errno = saved;
	return s;
}

EXPORT int socket(int domain, int type, int protocol)
{
	int fd;

	if (!shim_enabled())
		return shim_real.socket(domain, type, protocol);
	fd = shim_real.socket(domain, type, protocol);
	if (fd >= 0 && (size_t)fd < shim_fds.cap &&
	    shim_decide_socket(domain, type, protocol) == ROUTE_UNDECIDED) {
		if (domain == AF_INET6)
			set_pending6(fd,
				     type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC));
		else
			set_pending(fd, type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC));
	}
	return fd;
}

/*
 * addr_call() - bind(2) (@op IPC_OP_BIND) or connect(2) (IPC_OP_CONNECT):
 * in the engine for an engine socket, or for a pending one the decision
 * sends there; else the kernel's call
 */
static int addr_call(uint16_t op, int fd, const struct sockaddr *sa,
		     socklen_t len)
{
	bool is_bind = op == IPC_OP_BIND;
	struct shim_sock *s;
	int rc;

	if (!shim_enabled())
		goto kernel;
	s = esock_get(fd);
	if (s) {
		rc = is_bind ? esock_bind(s, sa, len)
			     : esock_connect(s, sa, len);
		esock_put(s);
		return (int)ret(rc);
	}
	if (is_pending(fd)) {
		s = decide(fd,
			   is_bind ? shim_decide_bind(sa, len,
						      shim_bind_any_engine())
				   : shim_decide_dest(sa, len),
			   op, sa, len);
		if (s) {
			/* A stream socket's handshake is under way. */
			rc = !is_bind && s->type == SOCK_STREAM
				     ? stream_connect_wait(s)
				     : 0;
			esock_put(s);
			return (int)ret(rc);
		}
		rc = take_exhausted();
		if (rc)
			return (int)ret(rc);
	}
kernel:
	return is_bind ? shim_real.bind(fd, sa, len)
		       : shim_real.connect(fd, sa, len);
}

EXPORT int bind(int fd, const struct sockaddr *sa, socklen_t len)
{
	return addr_call(IPC_OP_BIND, fd, sa, len);
}

EXPORT int connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	return addr_call(IPC_OP_CONNECT, fd, sa, len);
}

/**
 * shim_forget_fd() - @fd is about to close (close, close_range): it is no
 * longer pending nor in any epoll set
 *
 * Return: the engine socket it named (the caller drops that reference
 * after the real close), or NULL.
 */
struct fdt_obj *shim_forget_fd(int fd)
{
	struct fdt_obj *o;

	set_pending(fd, 0);
	o = fdt_take(&shim_fds, fd);
	shim_epoll_forget(fd, o);
	return o;
}

EXPORT int close(int fd)
{
	struct fdt_obj *o;
	int rc;

	/* A vfork() child shares our tables: it only closes its fd. */
	if (!shim_enabled() || shim_in_vfork_child())
		return shim_real.close(fd);
	o = shim_forget_fd(fd);
	rc = shim_real.close(fd);
	if (o) {
		int saved = errno;

		/* The last fd of an engine socket closes it in the engine. */
		fdt_put(o);
		errno = saved;
	}
	return rc;
}

/* send_sock() - the engine socket a send on @fd goes to, or NULL. */
static struct shim_sock *send_sock(int fd, const struct sockaddr *sa,
				   socklen_t len)
{
	struct shim_sock *s = esock_get(fd);

	/* A stream socket's send never picks its destination. */
	if (s || pending_type(fd) != SOCK_DGRAM || !sa)
		return s;
	return decide(fd, shim_decide_dest(sa, len), IPC_OP_NOP, sa, len);
}

EXPORT ssize_t sendto(int fd, const void *buf, size_t n, int flags,
		      const struct sockaddr *sa, socklen_t len)
{
	struct shim_sock *s;
	ssize_t rc;

	if (!shim_enabled())
		return shim_real.sendto(fd, buf, n, flags, sa, len);
	s = send_sock(fd, sa, len);
	if (!s)
		return shim_real.sendto(fd, buf, n, flags, sa, len);
	rc = esock_send(s, buf, n, flags, sa, len);
	esock_put(s);
	return ret(rc);
}

EXPORT ssize_t send(int fd, const void *buf, size_t n, int flags)
{
	return sendto(fd, buf, n, flags, NULL, 0);
}

EXPORT ssize_t write(int fd, const void *buf, size_t n)
{
	struct shim_sock *s;
	ssize_t rc;

	if (!shim_enabled() || !(s = esock_get(fd)))
		return shim_real.write(fd, buf, n);
	rc = esock_send(s, buf, n, 0, NULL, 0);
	esock_put(s);
	return ret(rc);
}

/* gather_max() - most bytes one multi-iovec receive on @s copies. */
static size_t gather_max(const struct shim_sock *s)
{
	return s->type == SOCK_STREAM ? STREAM_GATHER_MAX : DGRAM_MAX;
}

/*
 * stream_sendv() - send the iovecs in order: a blocking send takes them
 * all; a short count ends the call, as one sendmsg() on the kernel
 */
static ssize_t stream_sendv(struct shim_sock *s, const struct iovec *iov,
			    size_t n, int flags)
{
	ssize_t done = 0, rc = 0;
	size_t i, last = 0;

	/* MSG_OOB: the message's last byte is the urgent one. */
	for (i = 0; i < n; i++)
		if (iov[i].iov_len)
			last = i;
	for (i = 0; i < n; i++) {
		int fl = i == last ? flags : flags & ~MSG_OOB;

		if (!iov[i].iov_len)
			continue;
		rc = stream_send(s, iov[i].iov_base, iov[i].iov_len,
				 done ? fl | MSG_NOSIGNAL : fl);
		if (rc < 0)
			break;
		done += rc;
		if ((size_t)rc < iov[i].iov_len)
			break;
	}
	return done ? done : rc;
}

/* gather() - the iovecs of @m in one buffer; NULL on overflow/ENOMEM. */
static void *gather(const struct msghdr *m, size_t *len, ssize_t *err)
{
	size_t total = 0, i;
	uint8_t *buf, *p;

	for (i = 0; i < m->msg_iovlen; i++) {
		if (m->msg_iov[i].iov_len > DGRAM_MAX + 1 - total) {
			*err = -EMSGSIZE;
			return NULL;
		}
		total += m->msg_iov[i].iov_len;
	}
	buf = malloc(total ? total : 1);
	if (!buf) {
		*err = -ENOBUFS;
		return NULL;
	}
	for (p = buf, i = 0; i < m->msg_iovlen; i++) {
		memcpy(p, m->msg_iov[i].iov_base, m->msg_iov[i].iov_len);
		p += m->msg_iov[i].iov_len;
	}
	*len = total;
	return buf;
}

EXPORT ssize_t sendmsg(int fd, const struct msghdr *m, int flags)
{
	struct shim_sock *s;
	size_t len = 0;
	ssize_t rc = 0;
	void *buf;

	if (!shim_enabled())
		return shim_real.sendmsg(fd, m, flags);
	s = send_sock(fd, m->msg_name, m->msg_namelen);
	if (!s) {
		/* Engine sockets sent with SCM_RIGHTS (scm.c). */
		if (m->msg_control && m->msg_controllen)
			scm_pass(m);
		return shim_real.sendmsg(fd, m, flags);
	}
	/* Ancillary data (IP_PKTINFO, ...) is not carried yet: ignored. */
	if (s->type == SOCK_STREAM) {
		rc = stream_sendv(s, m->msg_iov, m->msg_iovlen, flags);
	} else if (m->msg_iovlen == 1) {
		rc = esock_send(s, m->msg_iov[0].iov_base,
				m->msg_iov[0].iov_len, flags, m->msg_name,
				m->msg_namelen);
	} else {
		buf = gather(m, &len, &rc);
		if (buf) {
			rc = esock_send(s, buf, len, flags, m->msg_name,
					m->msg_namelen);
			free(buf);
		}
	}
	esock_put(s);
	return ret(rc);
}

EXPORT ssize_t recvfrom(int fd, void *buf, size_t n, int flags,
			struct sockaddr *sa, socklen_t *len)
{
	struct shim_sock *s;
	ssize_t rc;

	if (!shim_enabled() || !(s = esock_get(fd)))
		return shim_real.recvfrom(fd, buf, n, flags, sa, len);
	rc = esock_recv(s, buf, n, flags, sa, len, NULL, NULL);
	esock_put(s);
	return ret(rc);
}

EXPORT ssize_t recv(int fd, void *buf, size_t n, int flags)
{
	return recvfrom(fd, buf, n, flags, NULL, NULL);
}

EXPORT ssize_t read(int fd, void *buf, size_t n)
{
	struct shim_sock *s;
	ssize_t rc;

	if (!shim_enabled() || !(s = esock_get(fd)))
		return shim_real.read(fd, buf, n);
	rc = esock_recv(s, buf, n, 0, NULL, NULL, NULL, NULL);
	esock_put(s);
	return ret(rc);
}

EXPORT ssize_t recvmsg(int fd, struct msghdr *m, int flags)
{
	struct shim_sock *s;
	socklen_t namelen;
	size_t cap = 0, i, off;
	ssize_t rc;
	int mflags = 0;
	uint8_t *buf;

	if (!shim_enabled())
		return shim_real.recvmsg(fd, m, flags);
	s = esock_get(fd);
	if (!s) {
		rc = shim_real.recvmsg(fd, m, flags);
		/* Engine sockets received with SCM_RIGHTS (scm.c). */
		if (rc >= 0)
			scm_adopt(m);
		return rc;
	}
	namelen = m->msg_name ? m->msg_namelen : 0;
	if (m->msg_iovlen == 1) {
		rc = esock_recv(s, m->msg_iov[0].iov_base,
				m->msg_iov[0].iov_len, flags, m->msg_name,
				&namelen, &mflags, m);
	} else {
		for (i = 0; i < m->msg_iovlen; i++)
			cap += m->msg_iov[i].iov_len;
		if (cap > gather_max(s))
			cap = gather_max(s);
		buf = malloc(cap ? cap : 1);
		rc = buf ? esock_recv(s, buf, cap, flags, m->msg_name, &namelen,
				      &mflags, m)
			 : -ENOBUFS;
		for (i = 0, off = 0; rc > 0 && i < m->msg_iovlen; i++) {
			size_t left = (size_t)rc < cap ? (size_t)rc : cap;
			size_t k = m->msg_iov[i].iov_len;

			if (off >= left)
				break;
			if (k > left - off)
				k = left - off;
			memcpy(m->msg_iov[i].iov_base, buf + off, k);
			off += k;
		}
		free(buf);
	}
	esock_put(s);
	if (rc >= 0) {
		/* esock_recv() set msg_controllen (IP_PKTINFO, ...). */
		if (m->msg_name)
			m->msg_namelen = namelen;
		m->msg_flags = mflags;
	}
	return ret(rc);
}

EXPORT ssize_t readv(int fd, const struct iovec *iov, int n)
{
	struct msghdr m = { .msg_iov = (struct iovec *)iov,
			    .msg_iovlen = n < 0 ? 0 : (size_t)n };
	struct shim_sock *s;

	if (!shim_enabled() || !(s = esock_get(fd)))
		return shim_real.readv(fd, iov, n);
	esock_put(s);
	if (n < 0 || n > IOV_MAX)
		return ret(-EINVAL);
	return recvmsg(fd, &m, 0);
}

EXPORT ssize_t writev(int fd, const struct iovec *iov, int n)
{
	struct msghdr m = { .msg_iov = (struct iovec *)iov,
			    .msg_iovlen = n < 0 ? 0 : (size_t)n };
	struct shim_sock *s;

	if (!shim_enabled() || !(s = esock_get(fd)))
		return shim_real.writev(fd, iov, n);
	esock_put(s);
	if (n < 0 || n > IOV_MAX)
		return ret(-EINVAL);
	return sendmsg(fd, &m, 0);
}

/*
 * sendfile() - to an engine socket: read the file with the real
 * pread/read and send what was read, until @count, end of file, or a
 * short send (non-blocking socket)
 */
EXPORT ssize_t sendfile(int out, int in, off_t *off, size_t count)
{
	static const size_t chunk = 64u << 10;
	struct shim_sock *s;
	ssize_t done = 0, rc = 0;
	uint8_t *buf;

	if (!shim_enabled() || !(s = esock_get(out)))
		return shim_real.sendfile(out, in, off, count);
	buf = malloc(chunk);
	if (!buf) {
		esock_put(s);
		return ret(-ENOMEM);
	}
	while ((size_t)done < count) {
		size_t want = count - (size_t)done < chunk
				      ? count - (size_t)done
				      : chunk;
		ssize_t got, sent;

		got = off ? shim_real.pread(in, buf, want, *off + done)
			  : shim_real.read(in, buf, want);
		if (got < 0) {
			rc = -errno;
			break;
		}
		if (got == 0)
			break;
		sent = esock_send(s, buf, (size_t)got, 0, NULL, 0);
		if (sent < 0) {
			rc = sent;
			if (!off &&
			    sent == -EAGAIN) /* put back what was read */
				(void)lseek(in, -got, SEEK_CUR);
			break;
		}
		done += sent;
		if (sent < got) {
			if (!off)
				(void)lseek(in, sent - got, SEEK_CUR);
			break;
		}
	}
	free(buf);
	esock_put(s);
	if (off)
		*off += done;
	return done ? done : ret(rc);
}

EXPORT int listen(int fd, int backlog)
{
	struct shim_sock *s;
	int rc;

	if (!shim_enabled())
		return shim_real.listen(fd, backlog);
	s = esock_get(fd);
	if (s) {
		rc = s->type == SOCK_STREAM ? stream_listen(s, backlog)
					    : -EOPNOTSUPP;
		esock_put(s);
		return (int)ret(rc);
	}
	/* Never bound to an engine address: the kernel's socket. */
	if (is_pending(fd))
		(void)decide(fd, ROUTE_KERNEL, IPC_OP_NOP, NULL, 0);
	return shim_real.listen(fd, backlog);
}

/*
 * anchor_accepted() - a new fd for accepted engine socket @ns, as
 * convert() makes one: an AF_UNIX datagram socket carrying @flags'
 * SOCK_NONBLOCK / SOCK_CLOEXEC
 *
 * Return: the fd (holding @ns's only reference), or -errno (@ns
 * released).
 */
static int anchor_accepted(struct shim_sock *ns, int flags)
{
	struct fdt_obj *old;
	int fd;

	atomic_store(&ns->obj.refs, 1);
	fd = shim_real.socket(AF_UNIX,
			      SOCK_DGRAM | (flags & SOCK_NONBLOCK) |
				      (flags & SOCK_CLOEXEC),
			      0);
	if (fd < 0) {
		fd = -errno;
		fdt_put(&ns->obj);
		return fd;
	}
	set_pending(fd, 0);
	if (fdt_set(&shim_fds, fd, &ns->obj, &old)) {
		shim_real.close(fd);
		fdt_put(&ns->obj);
		return -EMFILE;
	}
	fdt_put(old);
	fdt_put(&ns->obj); /* the fd holds it now */
	shim_log("fd %d: accepted engine socket %#x", fd, ns->id);
	return fd;
}

EXPORT int accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
	struct shim_sock *s, *ns;
	int rc;

	if (!shim_enabled() || !(s = esock_get(fd)))
		return shim_real.accept4(fd, sa, len, flags);
	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		rc = -EINVAL;
	else if (s->type != SOCK_STREAM)
		rc = -EOPNOTSUPP;
	else
		rc = stream_accept(s, flags, sa, len, &ns);
	esock_put(s);
	if (!rc)
		rc = anchor_accepted(ns, flags);
	return (int)ret(rc);
}

EXPORT int accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	struct shim_sock *s;

	if (!shim_enabled() || !(s = esock_get(fd)))
		return shim_real.accept(fd, sa, len);
	esock_put(s);
	return accept4(fd, sa, len, 0);
}

EXPORT int shutdown(int fd, int how)
{
	struct shim_sock *s;
	int rc;

	if (!shim_enabled() || !(s = esock_get(fd)))
		return shim_real.shutdown(fd, how);
	if (s->type == SOCK_STREAM)
		rc = stream_shutdown(s, how);
	else
		rc = how < SHUT_RD || how > SHUT_RDWR ? -EINVAL
		     : s->connected		      ? 0
						      : -ENOTCONN;
	esock_put(s);
	return (int)ret(rc);
}

EXPORT int getsockname(int fd, struct sockaddr *sa, socklen_t *len)
{
	struct shim_sock *s;
	int rc;

	if (!shim_enabled() || !(s = esock_get(fd)))
		return shim_real.getsockname(fd, sa, len);
	rc = esock_getname(s, SHIM_NAME_SOCK, sa, len);
	esock_put(s);
	return (int)ret(rc);
}

EXPORT int getpeername(int fd, struct sockaddr *sa, socklen_t *len)
{
	struct shim_sock *s;
	int rc;

	if (!shim_enabled() || !(s = esock_get(fd)))
		return shim_real.getpeername(fd, sa, len);
	rc = esock_getname(s, SHIM_NAME_PEER, sa, len);
	esock_put(s);
	return (int)ret(rc);
}

EXPORT int setsockopt(int fd, int level, int name, const void *val,
		      socklen_t len)
{
	struct shim_sock *s;
	int rc;

	if (!shim_enabled() || !(s = esock_get(fd)))
		return shim_real.setsockopt(fd, level, name, val, len);
	rc = esock_setsockopt(s, level, name, val, len);
	esock_put(s);
	return (int)ret(rc);
}

EXPORT int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	struct shim_sock *s;
	int rc;

	if (!shim_enabled() || !(s = esock_get(fd)))
		return shim_real.getsockopt(fd, level, name, val, len);
	rc = esock_getsockopt(s, level, name, val, len);
	esock_put(s);
	return (int)ret(rc);
}

/* adopt() - @nfd is now a copy of @fd: mirror that in the table. */
static void adopt(int fd, int nfd)
{
	struct shim_sock *s = esock_get(fd);
	struct fdt_obj *old;

	set_pending(nfd, 0);
	if (s) {
		(void)fdt_set(&shim_fds, nfd, &s->obj, &old);
		esock_put(s);
	} else {
		old = fdt_take(&shim_fds, nfd);
	}
	shim_epoll_dup(fd, nfd, old);
	fdt_put(old);
}

static int fcntl_common(int (*real)(int, int, ...), int fd, int cmd,
			unsigned long arg)
{
	struct shim_sock *s;
	int rc, saved = errno;

	if (!shim_enabled())
		return real(fd, cmd, arg);
	rc = real(fd, cmd, arg);
	if (rc < 0)
		return rc;
	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) {
		adopt(fd, rc);
	} else if (cmd == F_SETFL && (s = esock_get(fd))) {
		s->nonblock = (arg & O_NONBLOCK) != 0;
		esock_put(s);
	} else if (cmd == F_SETOWN && (s = esock_get(fd))) {
		/* The anchor keeps the owner; SIGURG comes from the engine. */
		(void)esock_set_owner(s, (long)(int)arg);
		esock_put(s);
		errno = saved;
	}
	return rc;
}

EXPORT int fcntl(int fd, int cmd, ...)
{
	unsigned long arg;
	va_list ap;

	va_start(ap, cmd);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	shim_enabled();
	return fcntl_common(shim_real.fcntl, fd, cmd, arg);
}

EXPORT int fcntl64(int fd, int cmd, ...);
EXPORT int fcntl64(int fd, int cmd, ...)
{
	unsigned long arg;
	va_list ap;

	va_start(ap, cmd);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	shim_enabled();
	return fcntl_common(shim_real.fcntl, fd, cmd, arg);
}

EXPORT int ioctl(int fd, unsigned long req, ...)
{
	struct shim_sock *s;
	void *arg;
	va_list ap;
	int rc;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!shim_enabled() || !(s = esock_get(fd)))
		return shim_real.ioctl(fd, req, arg);
	if (req == FIONREAD || req == SIOCATMARK) {
		int n = req == FIONREAD ? esock_fionread(s) : esock_atmark(s);

		esock_put(s);
		if (!arg)
			return (int)ret(-EFAULT);
		memcpy(arg, &n, sizeof(n));
		return 0;
	}
	rc = shim_real.ioctl(fd, req, arg);
	if (rc == 0 && req == FIONBIO && arg) {
		int on;

		memcpy(&on, arg, sizeof(on));
		s->nonblock = on != 0;
	} else if (rc == 0 && (req == FIOSETOWN || req == SIOCSPGRP) && arg) {
		int owner, saved = errno;

		/* Like F_SETOWN (SIOCSPGRP's pid is the same number). */
		memcpy(&owner, arg, sizeof(owner));
		(void)esock_set_owner(s, owner);
		errno = saved;
	}
	esock_put(s);
	return rc;
}

EXPORT int dup(int fd)
{
	int nfd;

	if (!shim_enabled())
		return shim_real.dup(fd);
	nfd = shim_real.dup(fd);
	if (nfd >= 0)
		adopt(fd, nfd);
	return nfd;
}

EXPORT int dup2(int fd, int nfd)
{
	int rc;

	if (!shim_enabled() || shim_in_vfork_child())
		return shim_real.dup2(fd, nfd);
	rc = shim_real.dup2(fd, nfd);
	if (rc >= 0 && fd != nfd)
		adopt(fd, nfd);
	return rc;
}

EXPORT int dup3(int fd, int nfd, int flags)
{
	int rc;

	if (!shim_enabled() || shim_in_vfork_child())
		return shim_real.dup3(fd, nfd, flags);
	rc = shim_real.dup3(fd, nfd, flags);
	if (rc >= 0)
		adopt(fd, nfd);
	return rc;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * shim_poll() - poll(2) over kernel fds and engine sockets
 *
 * Engine readiness comes from the rings and state words; kernel fds from
 * the real poll.  To sleep, every engine socket's wake-me flags are armed
 * and the kernel fds are polled together with the app doorbell.
 */
static int shim_poll(struct pollfd *fds, nfds_t n, int timeout,
		     const sigset_t *mask)
{
	struct shim_sock **socks;
	struct shim_waiter w;
	struct pollfd *k;
	nfds_t i, nk, neng = 0;
	int64_t deadline = timeout < 0 ? -1 : mono_ms() + timeout;
	int ready, rc, left;

	socks = calloc(n ? n : 1, sizeof(struct shim_sock *));
	k = calloc(n ? n : 1, sizeof(*k));
	if (!socks || !k) {
		free(socks);
		free(k);
		return (int)ret(-ENOMEM);
	}
	for (i = 0; i < n; i++) {
		socks[i] = esock_get(fds[i].fd);
		neng += socks[i] != NULL;
	}
	for (;;) {
		ready = 0;
		for (i = 0, nk = 0; i < n; i++) {
			fds[i].revents = 0;
			if (socks[i]) {
				fds[i].revents = esock_revents(socks[i],
							       fds[i].events);
				ready += fds[i].revents != 0;
			} else {
				k[nk++] = fds[i];
			}
		}
		rc = shim_real.poll(k, nk, 0);
		if (rc < 0) {
			rc = -errno;
			break;
		}
		for (i = 0, nk = 0; i < n; i++)
			if (!socks[i]) {
				fds[i].revents = k[nk++].revents;
				ready += fds[i].revents != 0;
			}
		left = deadline < 0 ? -1 : (int)(deadline - mono_ms());
		if (ready || (deadline >= 0 && left <= 0)) {
			rc = ready;
			break;
		}
		rc = 0;
		shim_waiter_get(&w);
		for (i = 0; i < n; i++)
			if (socks[i] &&
			    esock_arm(socks[i], fds[i].events, w.bit))
				rc = 1;
		if (!rc)
			rc = shim_sleep(&w, k, nk, left, mask, NULL);
		for (i = 0; i < n; i++)
			if (socks[i])
				esock_disarm(socks[i], w.bit);
		shim_waiter_put(&w);
		if (rc == -EINTR || rc == -ENOMEM)
			break;
		if (rc == -ENETDOWN) {
			for (i = 0; i < n; i++)
				if (socks[i])
					fds[i].revents = POLLHUP | POLLERR;
			rc = (int)neng;
			break;
		}
	}
	for (i = 0; i < n; i++)
		if (socks[i])
			esock_put(socks[i]);
	free(socks);
	free(k);
	return (int)ret(rc);
}

static bool any_engine(const struct pollfd *fds, nfds_t n)
{
	nfds_t i;

	for (i = 0; i < n; i++) {
		struct shim_sock *s = esock_get(fds[i].fd);

		if (s) {
			esock_put(s);
			return true;
		}
	}
	return false;
}

EXPORT int poll(struct pollfd *fds, nfds_t n, int timeout)
{
	if (shim_enabled())
		shim_epoll_refresh_poll(fds, n);
	if (!shim_enabled() || !any_engine(fds, n))
		return shim_real.poll(fds, n, timeout);
	return shim_poll(fds, n, timeout, NULL);
}

EXPORT int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts,
		 const sigset_t *mask)
{
	long long ms;

	if (shim_enabled())
		shim_epoll_refresh_poll(fds, n);
	if (!shim_enabled() || !any_engine(fds, n))
		return shim_real.ppoll(fds, n, ts, mask);
	if (!ts) {
		ms = -1;
	} else {
		ms = (long long)ts->tv_sec * 1000 +
		     (ts->tv_nsec + 999999) / 1000000;
		if (ms > INT_MAX)
			ms = INT_MAX;
	}
	return shim_poll(fds, n, (int)ms, mask);
}

/*
 * do_select() - select(2) and pselect(2) over kernel and engine fds, as
 * poll: IN (with HUP and ERR) for @r, OUT (with ERR) for @w, PRI for @e
 * @timeout:	ms, -1 for none
 * @mask:	pselect's signal mask while waiting, or NULL
 *
 * Return: the number of bits set, or -1 with errno; or 1 + INT_MAX when
 * no engine fd is in the sets (the caller asks the kernel).
 */
#define SELECT_KERNEL ((long)INT_MAX + 1)
static long do_select(int nfds, fd_set *r, fd_set *w, fd_set *e, int timeout,
		      const sigset_t *mask)
{
	struct pollfd *pfd;
	int fd, n = 0, rc;
	bool eng = false;

	if (nfds < 0 || nfds > FD_SETSIZE)
		return SELECT_KERNEL;
	shim_epoll_refresh_select(nfds, r);
	for (fd = 0; fd < nfds && !eng; fd++) {
		struct shim_sock *s;

		if (!((r && FD_ISSET(fd, r)) || (w && FD_ISSET(fd, w)) ||
		      (e && FD_ISSET(fd, e))))
			continue;
		s = esock_get(fd);
		if (s) {
			eng = true;
			esock_put(s);
		}
	}
	if (!eng)
		return SELECT_KERNEL;
	pfd = calloc((size_t)nfds, sizeof(*pfd));
	if (!pfd)
		return ret(-ENOMEM);
	for (fd = 0; fd < nfds; fd++) {
		short ev = (short)((r && FD_ISSET(fd, r) ? POLLIN : 0) |
				   (w && FD_ISSET(fd, w) ? POLLOUT : 0) |
				   (e && FD_ISSET(fd, e) ? POLLPRI : 0));

		if (ev)
			pfd[n++] = (struct pollfd){ .fd = fd, .events = ev };
	}
	rc = shim_poll(pfd, (nfds_t)n, timeout, mask);
	if (rc >= 0) {
		rc = 0;
		if (r)
			FD_ZERO(r);
		if (w)
			FD_ZERO(w);
		if (e)
			FD_ZERO(e);
		for (fd = 0; fd < n; fd++) {
			short rev = pfd[fd].revents;

			if (r && (rev & (POLLIN | POLLHUP | POLLERR)) &&
			    (pfd[fd].events & POLLIN)) {
				FD_SET(pfd[fd].fd, r);
				rc++;
			}
			if (w && (rev & (POLLOUT | POLLERR)) &&
			    (pfd[fd].events & POLLOUT)) {
				FD_SET(pfd[fd].fd, w);
				rc++;
			}
			if (e && (rev & POLLPRI)) {
				FD_SET(pfd[fd].fd, e);
				rc++;
			}
		}
	}
	free(pfd);
	return rc;
}

/* ms_of() - a timeout as do_select() takes it, rounded up (-1: none). */
static int ms_of(long long sec, long long nsec)
{
	long long ms = sec * 1000 + (nsec + 999999) / 1000000;

	return ms > INT_MAX ? INT_MAX : (int)ms;
}

EXPORT int select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
	int64_t start = mono_ms(), left;
	long rc;

	if (!shim_enabled() || (tv && (tv->tv_sec < 0 || tv->tv_usec < 0 ||
				       tv->tv_usec >= 1000000)))
		return shim_real.select(nfds, r, w, e, tv);
	rc = do_select(nfds, r, w, e,
		       tv ? ms_of(tv->tv_sec, (long long)tv->tv_usec * 1000)
			  : -1,
		       NULL);
	if (rc == SELECT_KERNEL)
		return shim_real.select(nfds, r, w, e, tv);
	/* Linux leaves the time not slept in *tv (select(2) NOTES). */
	if (tv && rc >= 0) {
		left = (int64_t)tv->tv_sec * 1000 + tv->tv_usec / 1000 -
		       (mono_ms() - start);
		if (left < 0 || rc == 0)
			left = 0;
		tv->tv_sec = (time_t)(left / 1000);
		tv->tv_usec = (suseconds_t)(left % 1000) * 1000;
	}
	return (int)rc;
}

EXPORT int pselect(int nfds, fd_set *r, fd_set *w, fd_set *e,
		   const struct timespec *ts, const sigset_t *mask)
{
	long rc;

	if (!shim_enabled() || (ts && (ts->tv_sec < 0 || ts->tv_nsec < 0 ||
				       ts->tv_nsec >= 1000000000)))
		return shim_real.pselect(nfds, r, w, e, ts, mask);
	rc = do_select(nfds, r, w, e, ts ? ms_of(ts->tv_sec, ts->tv_nsec) : -1,
		       mask);
	if (rc == SELECT_KERNEL)
		return shim_real.pselect(nfds, r, w, e, ts, mask);
	return (int)rc;
}

/* The _FORTIFY_SOURCE entry points programs built with it call. */
EXPORT int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t len);
EXPORT int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t len)
{
	(void)len;
	return poll(fds, n, timeout);
}

EXPORT ssize_t __read_chk(int fd, void *buf, size_t n, size_t len);
EXPORT ssize_t __read_chk(int fd, void *buf, size_t n, size_t len)
{
	if (n > len)
		abort();
	return read(fd, buf, n);
}

EXPORT ssize_t __recv_chk(int fd, void *buf, size_t n, size_t len, int flags);
EXPORT ssize_t __recv_chk(int fd, void *buf, size_t n, size_t len, int flags)
{
	if (n > len)
		abort();
	return recv(fd, buf, n, flags);
}

EXPORT ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t len,
			      int flags, struct sockaddr *sa, socklen_t *salen);
EXPORT ssize_t __recvfrom_chk(int fd, void *buf, size_t n, size_t len,
			      int flags, struct sockaddr *sa, socklen_t *salen)
{
	if (n > len)
		abort();
	return recvfrom(fd, buf, n, flags, sa, salen);
}

EXPORT ssize_t sendfile64(int out, int in, off_t *off, size_t count);
EXPORT ssize_t sendfile64(int out, int in, off_t *off, size_t count)
{
	return sendfile(out, in, off, count);
}
