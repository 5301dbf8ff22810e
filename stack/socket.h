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
struct sockaddr_in;

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

/*
 * struct sock_rxinfo - where a datagram came in, for the IP_PKTINFO,
 * IPV6_RECVPKTINFO, IP_RECVTOS and IP_RECVTTL control messages
 * @ifindex:	the engine's index of the interface (nsctl's, not the
 *		kernel's)
 * @dst:	IPv4: the destination address (host order)
 * @spec_dst:	IPv4: the local address a reply comes from: @dst for
 *		unicast, the preferred source towards the sender for a
 *		broadcast or multicast (Linux fib_compute_spec_dst())
 * @dst6:	IPv6: the destination address
 * @tos, @ttl:	IPv4: the header's TOS byte and TTL
 */
struct sock_rxinfo {
	int ifindex;
	uint32_t dst;
	uint32_t spec_dst;
	uint8_t dst6[16];
	uint8_t tos, ttl;
};

/* A queued datagram; charged as its length plus this struct. */
struct sock_dgram {
	struct sock_dgram *next;
	bool v6;	    /* from an IPv6 peer: @saddr6, else @saddr */
	uint8_t saddr6[16]; /* sock6.c: AF_INET6 sockets */
	uint32_t saddr;	    /* host order */
	uint16_t sport;
	struct sock_rxinfo ri;
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
	/* Control messages the receiver asked for (struct sock_rxinfo). */
	bool pktinfo;	   /* IP_PKTINFO */
	bool recvtos;	   /* IP_RECVTOS */
	bool recvttl;	   /* IP_RECVTTL */
	bool recvpktinfo6; /* IPV6_RECVPKTINFO (AF_INET6) */
	int err;	   /* pending error (positive errno), SO_ERROR */
	size_t rcvbuf;
	size_t rmem;
	struct sock_dgram *rq_head, *rq_tail;
	size_t rq_count;
	sock_ready_fn *ready;
	void *ready_arg;
	struct sock *port_next; /* udp.c: the next socket on this port */
	/* sock6.c: AF_INET6 sockets (dual-stack unless @v6only).  IPv4
	 * peers use @laddr/@raddr above, as ::ffff:a.b.c.d to the caller. */
	int family;	    /* AF_INET or AF_INET6 */
	bool v6only;	    /* IPV6_V6ONLY */
	bool peer6;	    /* connected to an IPv6 (not v4-mapped) peer */
	int hops;	    /* IPV6_UNICAST_HOPS, -1: the route's */
	uint8_t laddr6[16]; /* bound/chosen IPv6 address, :: for any */
	uint8_t raddr6[16]; /* the IPv6 peer when @peer6 */
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
int sock_get_sin(const struct sockaddr *addr, socklen_t len, uint32_t *a,
		 uint16_t *port);
void sock_put_sin(uint32_t a, uint16_t port, struct sockaddr *addr,
		  socklen_t *len);
int sock_close(struct sock *sk);

/* For the protocols. */
int sock_queue_dgram(struct sock *sk, uint32_t saddr, uint16_t sport,
		     const struct sock_rxinfo *ri, const uint8_t *data,
		     size_t len);
int sock_queue_dgram6(struct sock *sk, const uint8_t saddr6[16], uint16_t sport,
		      const struct sock_rxinfo *ri, const uint8_t *data,
		      size_t len);
void sock_set_error(struct sock *sk, int err);

/* sock6.c: the AF_INET6 side of the calls above.  Those taking an
 * address return 1 with *@sin filled when it is v4-mapped: the caller
 * goes on with the IPv4 path. */
int sock6_bind(struct sock *sk, const struct sockaddr *addr, socklen_t len,
	       struct sockaddr_in *sin);
int sock6_connect(struct sock *sk, const struct sockaddr *addr, socklen_t len,
		  struct sockaddr_in *sin);
ssize_t sock6_sendto(struct sock *sk, const void *buf, size_t len,
		     const struct sockaddr *addr, socklen_t alen,
		     struct sockaddr_in *sin, bool *v4);
void sock6_put_addr(const struct sock *sk, bool v6, const uint8_t a6[16],
		    uint32_t a4, uint16_t port, struct sockaddr *addr,
		    socklen_t *len);
int sock6_setsockopt(struct sock *sk, int name, const void *val, socklen_t len);
int sock6_getsockopt(struct sock *sk, int name, int *v);

#endif /* NSSTACK_SOCKET_H */
