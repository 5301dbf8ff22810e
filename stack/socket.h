/* SPDX-License-Identifier: MIT */
/*
 * socket.h - the engine's socket layer: BSD socket calls on engine
 * sockets, with the kernel's errno values, independent of any IPC
 *
 * The shim (and the engine's own services) drive sockets through these
 * calls; every call returns at once (the engine never blocks): an empty
 * receive queue is -EAGAIN, and the readiness callback says when to try
 * again.  Functions return 0 / a byte count, or a negative errno.
 */
#ifndef NSSTACK_SOCKET_H
#define NSSTACK_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

struct engine;
struct sock;

/* Readiness bits, as poll(2) reports them. */
#define SOCK_IN 0x1  /* POLLIN: a datagram or an error is waiting */
#define SOCK_OUT 0x4 /* POLLOUT */
#define SOCK_ERR 0x8 /* POLLERR */

/*
 * sock_ready_fn - called when a socket becomes readable or gets an error
 * @events: sock_poll() at the time of the call
 *
 * Called from the packet path: it may call any sock_* function on @sk,
 * including sock_close().
 */
typedef void sock_ready_fn(struct sock *sk, unsigned int events, void *arg);

/* Linux SOCK_MIN_RCVBUF and the default net.core.rmem_max. */
#define SOCK_MIN_RCVBUF 2304
#define SOCK_RMEM_MAX 212992

/* A queued datagram; charged as its length plus this struct. */
struct sock_dgram {
	struct sock_dgram *next;
	uint32_t saddr; /* host order */
	uint16_t sport;
	size_t len;
	uint8_t data[];
};

struct sock {
	struct engine *eng;
	int type;	/* SOCK_DGRAM */
	int protocol;	/* IPPROTO_UDP */
	uint32_t laddr; /* host order; 0 = INADDR_ANY */
	uint16_t lport; /* 0 = not bound */
	uint32_t raddr;
	uint16_t rport;
	bool connected;
	bool addr_locked; /* laddr set by bind(), not by connect() */
	bool port_locked; /* lport set by bind(), not automatically */
	bool reuseaddr;
	bool broadcast;
	int pmtudisc; /* IP_PMTUDISC_* */
	int ttl;      /* -1: ip_default_ttl */
	uint8_t tos;
	int err; /* pending error (positive errno), SO_ERROR */
	size_t rcvbuf;
	size_t rmem;
	struct sock_dgram *rq_head, *rq_tail;
	size_t rq_count;
	sock_ready_fn *ready;
	void *ready_arg;
	struct sock *port_next; /* udp.c: the next socket on this port */
};

int sock_create(struct engine *eng, int domain, int type, int protocol,
		struct sock **out);
int sock_bind(struct sock *sk, const struct sockaddr *addr, socklen_t len);
int sock_connect(struct sock *sk, const struct sockaddr *addr, socklen_t len);
ssize_t sock_sendto(struct sock *sk, const void *buf, size_t len, int flags,
		    const struct sockaddr *addr, socklen_t alen);
ssize_t sock_recvfrom(struct sock *sk, void *buf, size_t len, int flags,
		      struct sockaddr *addr, socklen_t *alen);
int sock_getsockname(const struct sock *sk, struct sockaddr *addr,
		     socklen_t *len);
int sock_getpeername(const struct sock *sk, struct sockaddr *addr,
		     socklen_t *len);
int sock_setsockopt(struct sock *sk, int level, int name, const void *val,
		    socklen_t len);
int sock_getsockopt(struct sock *sk, int level, int name, void *val,
		    socklen_t *len);
unsigned int sock_poll(const struct sock *sk);
void sock_set_ready(struct sock *sk, sock_ready_fn *fn, void *arg);
int sock_close(struct sock *sk);

/* For the protocols. */
int sock_queue_dgram(struct sock *sk, uint32_t saddr, uint16_t sport,
		     const uint8_t *data, size_t len);
void sock_set_error(struct sock *sk, int err);

#endif /* NSSTACK_SOCKET_H */
