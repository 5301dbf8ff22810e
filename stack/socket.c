// SPDX-License-Identifier: MIT
/*
 * socket.c - the engine's socket layer: argument checking with the
 * kernel's errno values, receive queues, options, errors and readiness;
 * the protocol work is in udp.c (and later tcp.c)
 *
 * Errors follow Linux: an ICMP error on a connected UDP socket is kept in
 * sk->err and returned once by the next recvfrom() or sendto() (or read
 * with SO_ERROR), then cleared (sock_error()).  The receive queue is
 * bounded in bytes by SO_RCVBUF, which like Linux doubles the value asked
 * for, caps it at rmem_max and floors it at SOCK_MIN_RCVBUF.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "ipv4.h"
#include "route.h"
#include "sock6.h"
#include "socket.h"
#include "udp.h"

/**
 * sock_create() - socket(@domain, @type, @protocol)
 * @out: the new socket, unbound and unconnected
 *
 * Return: 0, -EAFNOSUPPORT (not AF_INET), -ESOCKTNOSUPPORT (not
 * SOCK_DGRAM, for now), -EPROTONOSUPPORT, -EINVAL (unknown type flags)
 * or -ENOMEM.
 */
int sock_create(struct engine *eng, int domain, int type, int protocol,
		struct sock **out)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
	struct sock *sk;

	*out = NULL;
	if (domain != AF_INET && domain != AF_INET6)
		return -EAFNOSUPPORT;
	if (base < 0 || base > SOCK_PACKET)
		return -EINVAL;
	if (base != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	if (protocol != 0 && protocol != IPPROTO_UDP)
		return -EPROTONOSUPPORT;
	sk = calloc(1, sizeof(*sk));
	if (!sk)
		return -ENOMEM;
	sk->eng = eng;
	sk->type = SOCK_DGRAM;
	sk->protocol = IPPROTO_UDP;
	sk->ttl = -1;
	sk->pmtudisc = eng->sysctl.ip_no_pmtu_disc ? IP_PMTUDISC_DONT
						   : IP_PMTUDISC_WANT;
	sk->rcvbuf = eng->sysctl.udp_rmem_default;
	sk->family = domain;
	sk->hops = -1;
	eng->udp->nsocks++;
	*out = sk;
	return 0;
}

/**
 * sock_get_sin() - read an AF_INET sockaddr the way inet_bind() and
 * udp_sendmsg() check it
 *
 * Return: 0 with the host-order address and port, -EINVAL for a short or
 * missing address, -EAFNOSUPPORT for another family.
 */
int sock_get_sin(const struct sockaddr *addr, socklen_t len, uint32_t *a,
		 uint16_t *port)
{
	struct sockaddr_in sin;

	if (!addr || len < (socklen_t)sizeof(sin))
		return -EINVAL;
	memcpy(&sin, addr, sizeof(sin));
	if (sin.sin_family != AF_INET)
		return -EAFNOSUPPORT;
	*a = ntohl(sin.sin_addr.s_addr);
	*port = ntohs(sin.sin_port);
	return 0;
}

/**
 * sock_put_sin() - write an AF_INET sockaddr as getsockname() does: copy
 * what fits in *@len, and report the full size in *@len.
 */
void sock_put_sin(uint32_t a, uint16_t port, struct sockaddr *addr,
		  socklen_t *len)
{
	struct sockaddr_in sin;

	if (!addr || !len)
		return;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(a);
	sin.sin_port = htons(port);
	/* Like the kernel: copy what fits, report the full size. */
	memcpy(addr, &sin, *len < sizeof(sin) ? *len : sizeof(sin));
	*len = sizeof(sin);
}

/**
 * sock_bind() - bind(@sk, @addr)
 *
 * Return: 0; -EINVAL (already bound, short address); -EAFNOSUPPORT;
 * -EADDRNOTAVAIL (not an address of ours, nor any/broadcast/multicast);
 * -EADDRINUSE.
 */
int sock_bind(struct sock *sk, const struct sockaddr *addr, socklen_t len)
{
	struct sockaddr_in sin;
	uint32_t a;
	uint16_t port;
	int rc;

	if (sk->family == AF_INET6) {
		rc = sock6_bind(sk, addr, len, &sin);
		if (rc <= 0)
			return rc;
		addr = (const struct sockaddr *)&sin; /* v4-mapped */
		len = sizeof(sin);
	}
	rc = sock_get_sin(addr, len, &a, &port);
	if (rc)
		return rc;
	if (sk->lport)
		return -EINVAL;
	/* Linux inet_bind(): local, any, broadcast or multicast. */
	if (a && !ipv4_addr_is_local(sk->eng, a) &&
	    !ipv4_addr_is_bcast(sk->eng, a) && !ip4_is_multicast(a))
		return -EADDRNOTAVAIL;
	rc = udp_bind(sk, a, port);
	if (rc)
		return rc;
	sk->addr_locked = a != 0;
	sk->port_locked = port != 0;
	return 0;
}

/* Linux __udp_disconnect(): forget the peer and what connect() chose. */
static void disconnect(struct sock *sk)
{
	sk->connected = false;
	sk->peer6 = false;
	sk->raddr = 0;
	sk->rport = 0;
	if (!sk->addr_locked)
		sk->laddr = 0;
	if (!sk->port_locked && sk->lport)
		udp_unhash(sk);
}

/**
 * sock_connect() - connect(@sk, @addr): fix the peer, pick a source
 *
 * AF_UNSPEC dissolves the association (RFC 1122 4.1.3.4 leaves it open;
 * Linux does this).
 *
 * Return: 0; -EINVAL; -EAFNOSUPPORT; -EACCES (broadcast without
 * SO_BROADCAST); -ENETUNREACH; -EADDRNOTAVAIL; -EAGAIN (no free port).
 */
int sock_connect(struct sock *sk, const struct sockaddr *addr, socklen_t len)
{
	struct sockaddr_in sin;
	uint32_t a, src;
	uint16_t port;
	sa_family_t fam;
	int rc;

	if (addr && len >= (socklen_t)sizeof(fam)) {
		memcpy(&fam, addr, sizeof(fam));
		if (fam == AF_UNSPEC) {
			disconnect(sk);
			return 0;
		}
	}
	if (sk->family == AF_INET6) {
		rc = sock6_connect(sk, addr, len, &sin);
		if (rc <= 0)
			return rc;
		addr = (const struct sockaddr *)&sin; /* v4-mapped */
		len = sizeof(sin);
	}
	rc = sock_get_sin(addr, len, &a, &port);
	if (rc)
		return rc;
	if (ipv4_addr_is_bcast(sk->eng, a) && !sk->broadcast)
		return -EACCES;
	rc = ipv4_route_src(sk->eng, a, &src);
	if (rc)
		return rc;
	if (!sk->lport) {
		rc = udp_autobind(sk, a, port);
		if (rc)
			return rc;
	}
	if (!sk->laddr)
		sk->laddr = src;
	sk->raddr = a;
	sk->rport = port;
	sk->connected = true;
	return 0;
}

/* Linux sock_error(): report a pending error once. */
static int take_error(struct sock *sk)
{
	int err = sk->err;

	sk->err = 0;
	return -err;
}

/**
 * sock_sendto() - sendto(@sk, @buf, @len, @flags, @addr)
 *
 * Return: @len; a pending error once (e.g. -ECONNREFUSED); -EDESTADDRREQ
 * (no address, not connected); -EINVAL (port 0, short address);
 * -EAFNOSUPPORT; -EMSGSIZE; -EACCES (broadcast without SO_BROADCAST);
 * -ENETUNREACH; -EADDRNOTAVAIL; -EAGAIN (no ephemeral port left).
 */
ssize_t sock_sendto(struct sock *sk, const void *buf, size_t len, int flags,
		    const struct sockaddr *addr, socklen_t alen)
{
	struct sockaddr_in sin;
	uint32_t a;
	uint16_t port;
	int rc;
	ssize_t n;
	bool v4;

	(void)flags; /* every engine call is non-blocking already */
	if (sk->err)
		return take_error(sk);
	if (sk->family == AF_INET6) {
		n = sock6_sendto(sk, buf, len, addr, alen, &sin, &v4);
		if (!v4)
			return n;
		if (addr) {
			addr = (const struct sockaddr *)&sin; /* v4-mapped */
			alen = sizeof(sin);
		}
	}
	if (addr) {
		rc = sock_get_sin(addr, alen, &a, &port);
		if (rc)
			return rc;
		if (!port)
			return -EINVAL;
	} else {
		if (!sk->connected)
			return -EDESTADDRREQ;
		a = sk->raddr;
		port = sk->rport;
	}
	if (ipv4_addr_is_bcast(sk->eng, a) && !sk->broadcast)
		return -EACCES;
	return udp_sendto(sk, buf, len, a, port);
}

/**
 * sock_recvfrom() - recvfrom(@sk, @buf, @len, @flags, @addr, @alen)
 * @flags: MSG_PEEK leaves the datagram queued; MSG_TRUNC returns its full
 *	length even when @len was shorter
 *
 * Return: the bytes copied (or the datagram length with MSG_TRUNC); a
 * pending error once; -EAGAIN when nothing is queued.
 */
ssize_t sock_recvfrom(struct sock *sk, void *buf, size_t len, int flags,
		      struct sockaddr *addr, socklen_t *alen)
{
	struct sock_dgram *d = sk->rq_head;
	size_t n;

	if (sk->err)
		return take_error(sk);
	if (!d)
		return -EAGAIN;
	n = d->len < len ? d->len : len;
	if (n)
		memcpy(buf, d->data, n);
	if (sk->family == AF_INET6)
		sock6_put_addr(sk, d->v6, d->saddr6, d->saddr, d->sport, addr,
			       alen);
	else
		sock_put_sin(d->saddr, d->sport, addr, alen);
	if (flags & MSG_TRUNC)
		n = d->len;
	if (!(flags & MSG_PEEK)) {
		sk->rq_head = d->next;
		if (!sk->rq_head)
			sk->rq_tail = NULL;
		sk->rq_count--;
		sk->rmem -= sizeof(*d) + d->len;
		free(d);
	}
	return (ssize_t)n;
}

/** sock_getsockname() - the local address; 0.0.0.0:0 while unbound. */
int sock_getsockname(const struct sock *sk, struct sockaddr *addr,
		     socklen_t *len)
{
	if (sk->family == AF_INET6)
		sock6_put_addr(sk, !ip6_unspec_or_mapped(sk->laddr6),
			       sk->laddr6, sk->laddr, sk->lport, addr, len);
	else
		sock_put_sin(sk->laddr, sk->lport, addr, len);
	return 0;
}

/** sock_getpeername() - the connected peer; -ENOTCONN otherwise. */
int sock_getpeername(const struct sock *sk, struct sockaddr *addr,
		     socklen_t *len)
{
	if (!sk->connected)
		return -ENOTCONN;
	if (sk->family == AF_INET6)
		sock6_put_addr(sk, sk->peer6, sk->raddr6, sk->raddr, sk->rport,
			       addr, len);
	else
		sock_put_sin(sk->raddr, sk->rport, addr, len);
	return 0;
}

static int get_int(const void *val, socklen_t len, int *out)
{
	if (!val || len < (socklen_t)sizeof(int))
		return -EINVAL;
	memcpy(out, val, sizeof(int));
	return 0;
}

static int mreq_dev(struct sock *sk, const void *val, socklen_t len,
		    struct netif **ifp, uint32_t *group)
{
	struct ip_mreq m;
	uint32_t itf;

	if (!val || len < (socklen_t)sizeof(m))
		return -EINVAL;
	memcpy(&m, val, sizeof(m));
	*group = ntohl(m.imr_multiaddr.s_addr);
	itf = ntohl(m.imr_interface.s_addr);
	for (*ifp = sk->eng->ifaces; *ifp; *ifp = (*ifp)->next)
		if (itf ? netif_has_addr4(*ifp, itf) : (*ifp)->up)
			return 0;
	return -ENODEV;
}

/**
 * sock_setsockopt() - SO_RCVBUF, SO_REUSEADDR, SO_BROADCAST, IP_TTL,
 * IP_TOS, IP_MTU_DISCOVER, IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP, and
 * the control messages IP_PKTINFO, IP_RECVTOS, IP_RECVTTL (AF_INET6
 * sockets too, for their IPv4 datagrams, as in Linux)
 *
 * Return: 0, -EINVAL (short or bad value), -ENOPROTOOPT (anything else),
 * or the membership call's error.
 */
int sock_setsockopt(struct sock *sk, int level, int name, const void *val,
		    socklen_t len)
{
	struct netif *ifp;
	uint32_t group;
	int v = 0, rc;

	if (level == IPPROTO_IP &&
	    (name == IP_ADD_MEMBERSHIP || name == IP_DROP_MEMBERSHIP)) {
		rc = mreq_dev(sk, val, len, &ifp, &group);
		if (rc)
			return rc;
		return name == IP_ADD_MEMBERSHIP
			       ? mc4_join(sk->eng, ifp, group)
			       : mc4_leave(sk->eng, ifp, group);
	}
	if (level == IPPROTO_IPV6 && sk->family == AF_INET6)
		return sock6_setsockopt(sk, name, val, len);
	rc = get_int(val, len, &v);
	if (rc)
		return rc;
	if (level == SOL_SOCKET) {
		switch (name) {
		case SO_RCVBUF:
			/* Linux sock_setsockopt(): doubled for overhead. */
			if (v < 0)
				v = 0;
			if ((size_t)v > SOCK_RMEM_MAX)
				v = SOCK_RMEM_MAX;
			sk->rcvbuf = (size_t)v * 2 < SOCK_MIN_RCVBUF
					     ? SOCK_MIN_RCVBUF
					     : (size_t)v * 2;
			return 0;
		case SO_REUSEADDR:
			sk->reuseaddr = v != 0;
			return 0;
		case SO_BROADCAST:
			sk->broadcast = v != 0;
			return 0;
		default:
			return -ENOPROTOOPT;
		}
	}
	if (level == IPPROTO_IP) {
		switch (name) {
		case IP_TTL:
			if (v != -1 && (v < 1 || v > 255))
				return -EINVAL;
			sk->ttl = v;
			return 0;
		case IP_TOS:
			sk->tos = (uint8_t)v;
			return 0;
		case IP_MTU_DISCOVER:
			if (v < IP_PMTUDISC_DONT || v > IP_PMTUDISC_OMIT)
				return -EINVAL;
			sk->pmtudisc = v;
			return 0;
		case IP_PKTINFO:
			sk->pktinfo = v != 0;
			return 0;
		case IP_RECVTOS:
			sk->recvtos = v != 0;
			return 0;
		case IP_RECVTTL:
			sk->recvttl = v != 0;
			return 0;
		default:
			return -ENOPROTOOPT;
		}
	}
	return -ENOPROTOOPT;
}

/**
 * sock_getsockopt() - SO_RCVBUF, SO_ERROR (read and clear), SO_TYPE,
 * SO_REUSEADDR, SO_BROADCAST, IP_TTL, IP_TOS, IP_MTU_DISCOVER,
 * IP_PKTINFO, IP_RECVTOS, IP_RECVTTL
 *
 * Return: 0, -EINVAL (short buffer) or -ENOPROTOOPT.
 */
int sock_getsockopt(struct sock *sk, int level, int name, void *val,
		    socklen_t *len)
{
	int v;

	if (!val || !len || *len < (socklen_t)sizeof(int))
		return -EINVAL;
	if (level == SOL_SOCKET && name == SO_RCVBUF)
		v = (int)sk->rcvbuf;
	else if (level == SOL_SOCKET && name == SO_ERROR)
		v = -take_error(sk);
	else if (level == SOL_SOCKET && name == SO_TYPE)
		v = sk->type;
	else if (level == SOL_SOCKET && name == SO_REUSEADDR)
		v = sk->reuseaddr;
	else if (level == SOL_SOCKET && name == SO_BROADCAST)
		v = sk->broadcast;
	else if (level == IPPROTO_IP && name == IP_TTL)
		v = sk->ttl < 0 ? (int)sk->eng->sysctl.ip_default_ttl : sk->ttl;
	else if (level == IPPROTO_IP && name == IP_TOS)
		v = sk->tos;
	else if (level == IPPROTO_IP && name == IP_MTU_DISCOVER)
		v = sk->pmtudisc;
	else if (level == IPPROTO_IP && name == IP_PKTINFO)
		v = sk->pktinfo;
	else if (level == IPPROTO_IP && name == IP_RECVTOS)
		v = sk->recvtos;
	else if (level == IPPROTO_IP && name == IP_RECVTTL)
		v = sk->recvttl;
	else if (level != IPPROTO_IPV6 || sk->family != AF_INET6 ||
		 sock6_getsockopt(sk, name, &v))
		return -ENOPROTOOPT;
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

/** sock_poll() - SOCK_IN / SOCK_OUT / SOCK_ERR as poll(2) would say. */
unsigned int sock_poll(const struct sock *sk)
{
	unsigned int ev = SOCK_OUT; /* UDP sends never wait */

	if (sk->rq_head || sk->err)
		ev |= SOCK_IN;
	if (sk->err)
		ev |= SOCK_ERR;
	return ev;
}

/** sock_set_ready() - call @fn(@sk, events, @arg) on readiness changes. */
void sock_set_ready(struct sock *sk, sock_ready_fn *fn, void *arg)
{
	sk->ready = fn;
	sk->ready_arg = arg;
}

static void notify(struct sock *sk)
{
	if (sk->ready)
		sk->ready(sk, sock_poll(sk), sk->ready_arg);
}

static int queue_dgram(struct sock *sk, const uint8_t *saddr6, uint32_t saddr,
		       uint16_t sport, const struct sock_rxinfo *ri,
		       const uint8_t *data, size_t len);

/**
 * sock_queue_dgram() - append a received datagram to @sk's queue
 * @ri:	where it came in (NULL: nowhere in particular, all zero)
 *
 * Linux __udp_enqueue_schedule_skb(): refused while the queue already
 * holds more than SO_RCVBUF bytes.  Notifies the readiness callback, after
 * which @sk may be gone: the caller must not touch it again.
 *
 * Return: 0, or -ENOBUFS (queue full, or no memory).
 */
int sock_queue_dgram(struct sock *sk, uint32_t saddr, uint16_t sport,
		     const struct sock_rxinfo *ri, const uint8_t *data,
		     size_t len)
{
	return queue_dgram(sk, NULL, saddr, sport, ri, data, len);
}

/** sock_queue_dgram6() - sock_queue_dgram() for an IPv6 source. */
int sock_queue_dgram6(struct sock *sk, const uint8_t saddr6[16], uint16_t sport,
		      const struct sock_rxinfo *ri, const uint8_t *data,
		      size_t len)
{
	return queue_dgram(sk, saddr6, 0, sport, ri, data, len);
}

/* Both families: @saddr6 set for an IPv6 source, else @saddr. */
static int queue_dgram(struct sock *sk, const uint8_t *saddr6, uint32_t saddr,
		       uint16_t sport, const struct sock_rxinfo *ri,
		       const uint8_t *data, size_t len)
{
	static const struct sock_rxinfo none;
	struct sock_dgram *d;

	if (sk->rmem > sk->rcvbuf)
		return -ENOBUFS;
	d = malloc(sizeof(*d) + len);
	if (!d)
		return -ENOBUFS;
	d->next = NULL;
	d->v6 = saddr6 != NULL;
	if (saddr6)
		memcpy(d->saddr6, saddr6, 16);
	d->saddr = saddr;
	d->sport = sport;
	d->ri = ri ? *ri : none;
	d->len = len;
	if (len)
		memcpy(d->data, data, len);
	if (sk->rq_tail)
		sk->rq_tail->next = d;
	else
		sk->rq_head = d;
	sk->rq_tail = d;
	sk->rq_count++;
	sk->rmem += sizeof(*d) + len;
	notify(sk);
	return 0;
}

/** sock_set_error() - record @err (positive errno) and notify. */
void sock_set_error(struct sock *sk, int err)
{
	sk->err = err;
	notify(sk);
}

/** sock_close() - release @sk and everything queued on it. */
int sock_close(struct sock *sk)
{
	struct sock_dgram *d, *next;

	if (sk->lport)
		udp_unhash(sk);
	for (d = sk->rq_head; d; d = next) {
		next = d->next;
		free(d);
	}
	sk->eng->udp->nsocks--;
	free(sk);
	return 0;
}
