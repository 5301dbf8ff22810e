// SPDX-License-Identifier: MIT
/*
 * sock6.c - AF_INET6 UDP sockets: dual-stack addressing (RFC 4291 2.5.5.2
 * v4-mapped addresses, RFC 3493 5.3 IPV6_V6ONLY), bind, connect and
 * sendto to IPv6 peers, IPv6 socket options (IPV6_V6ONLY,
 * IPV6_UNICAST_HOPS, IPV6_JOIN_GROUP / IPV6_LEAVE_GROUP, RFC 3493 5.2)
 *
 * An AF_INET6 socket speaks IPv4 through the IPv4 fields of struct sock
 * (laddr, raddr): a v4-mapped address given to bind, connect or sendto is
 * handed back to socket.c's IPv4 path, and IPv4 datagrams reach the
 * socket through udp_lookup() unless it is IPV6_V6ONLY or bound to a
 * real IPv6 address.  IPv6 peers use laddr6/raddr6 and udp6.c.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "engine.h"
#include "ipv6.h"
#include "sock6.h"
#include "socket.h"
#include "udp.h"
#include "udp6.h"

/*
 * Read a sockaddr_in6 (Linux inet6_bind() / udpv6_sendmsg() checks).
 * Return: 0, 1 with *@sin filled for a v4-mapped address, or -errno.
 */
static int get_sin6(const struct sock *sk, const struct sockaddr *addr,
		    socklen_t len, struct sockaddr_in6 *s6,
		    struct sockaddr_in *sin)
{
	if (!addr || len < (socklen_t)sizeof(*s6))
		return -EINVAL;
	memcpy(s6, addr, sizeof(*s6));
	if (s6->sin6_family != AF_INET6)
		return -EAFNOSUPPORT;
	if (!ip6_is_v4mapped((const struct ip6_addr *)s6->sin6_addr.s6_addr))
		return 0;
	/* RFC 3493 5.3: a v6-only socket has no IPv4 side. */
	if (sk->v6only)
		return -ENETUNREACH;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = s6->sin6_port;
	memcpy(&sin->sin_addr.s_addr, s6->sin6_addr.s6_addr + 12, 4);
	return 1;
}

/**
 * sock6_bind() - bind(2) for AF_INET6: :: (both families unless v6-only),
 * a local IPv6 address, or a v4-mapped one (handed back: returns 1)
 */
int sock6_bind(struct sock *sk, const struct sockaddr *addr, socklen_t len,
	       struct sockaddr_in *sin)
{
	struct sockaddr_in6 s6;
	const struct ip6_addr *a;
	uint16_t port;
	int rc = get_sin6(sk, addr, len, &s6, sin);

	if (rc)
		return rc;
	a = (const struct ip6_addr *)s6.sin6_addr.s6_addr;
	port = ntohs(s6.sin6_port);
	if (ip6_is_unspec(a)) {
		/* :: takes IPv4 too, like Linux with bindv6only=0. */
		sin->sin_family = AF_INET;
		sin->sin_port = s6.sin6_port;
		sin->sin_addr.s_addr = 0;
		return 1;
	}
	if (sk->lport)
		return -EINVAL;
	/* Linux inet6_bind(): our address, or a multicast group. */
	if (!ip6_is_multicast(a) && !ip6_addr_is_local(sk->eng, a))
		return -EADDRNOTAVAIL;
	rc = udp_bind(sk, 0, port);
	if (rc)
		return rc;
	memcpy(sk->laddr6, a->b, 16);
	sk->addr_locked = true;
	sk->port_locked = port != 0;
	return 0;
}

/** sock6_connect() - connect(2) to an IPv6 peer, or 1 for a v4-mapped one. */
int sock6_connect(struct sock *sk, const struct sockaddr *addr, socklen_t len,
		  struct sockaddr_in *sin)
{
	struct sockaddr_in6 s6;
	struct ip6_addr src;
	const struct ip6_addr *a;
	int rc = get_sin6(sk, addr, len, &s6, sin);

	if (rc)
		return rc;
	a = (const struct ip6_addr *)s6.sin6_addr.s6_addr;
	if (ip6_unspec_or_mapped(sk->laddr6)) {
		rc = ip6_select_src(sk->eng, (int)s6.sin6_scope_id, a, &src);
		if (rc)
			return -ENETUNREACH;
	} else {
		memcpy(src.b, sk->laddr6, 16);
	}
	if (!sk->lport) {
		rc = udp_autobind(sk, 0, ntohs(s6.sin6_port));
		if (rc)
			return rc;
	}
	memcpy(sk->laddr6, src.b, 16);
	memcpy(sk->raddr6, a->b, 16);
	sk->rport = ntohs(s6.sin6_port);
	sk->raddr = 0;
	sk->peer6 = true;
	sk->connected = true;
	return 0;
}

/**
 * sock6_sendto() - sendto(2) on an AF_INET6 socket to an IPv6 peer; for an
 * IPv4 one (v4-mapped @addr, filled into *@sin, or a connected IPv4 peer)
 * sets *@v4 and returns 0: the caller takes the IPv4 path
 */
ssize_t sock6_sendto(struct sock *sk, const void *buf, size_t len,
		     const struct sockaddr *addr, socklen_t alen,
		     struct sockaddr_in *sin, bool *v4)
{
	struct sockaddr_in6 s6;
	struct ip6_addr dst;
	uint16_t port;
	int rc;

	*v4 = false;
	if (addr) {
		rc = get_sin6(sk, addr, alen, &s6, sin);
		if (rc == 1)
			*v4 = true;
		if (rc)
			return rc < 0 ? rc : 0;
		memcpy(dst.b, s6.sin6_addr.s6_addr, 16);
		port = ntohs(s6.sin6_port);
		if (!port)
			return -EINVAL;
	} else {
		if (!sk->connected)
			return -EDESTADDRREQ;
		if (!sk->peer6) {
			*v4 = true;
			return 0;
		}
		memcpy(dst.b, sk->raddr6, 16);
		port = sk->rport;
	}
	return udp6_sendto(sk, buf, len, &dst, port);
}

/**
 * sock6_put_addr() - fill a sockaddr_in6 for recvfrom/getsockname/
 * getpeername: @a6 when @v6, else the v4-mapped @a4 (:: for 0.0.0.0)
 */
void sock6_put_addr(const struct sock *sk, bool v6, const uint8_t a6[16],
		    uint32_t a4, uint16_t port, struct sockaddr *addr,
		    socklen_t *len)
{
	struct sockaddr_in6 s6;

	(void)sk;
	if (!addr || !len)
		return;
	memset(&s6, 0, sizeof(s6));
	s6.sin6_family = AF_INET6;
	s6.sin6_port = htons(port);
	if (v6) {
		memcpy(s6.sin6_addr.s6_addr, a6, 16);
	} else if (a4) {
		s6.sin6_addr.s6_addr[10] = 0xff;
		s6.sin6_addr.s6_addr[11] = 0xff;
		s6.sin6_addr.s6_addr32[3] = htonl(a4);
	}
	memcpy(addr, &s6, *len < sizeof(s6) ? *len : sizeof(s6));
	*len = sizeof(s6);
}

/* IPV6_JOIN_GROUP / IPV6_LEAVE_GROUP (RFC 3493 5.2). */
static int mreq6(struct sock *sk, int name, const void *val, socklen_t len)
{
	struct ipv6_mreq m;
	struct netif *ifp;

	if (!val || len < (socklen_t)sizeof(m))
		return -EINVAL;
	memcpy(&m, val, sizeof(m));
	if (!ip6_is_multicast(
		    (const struct ip6_addr *)m.ipv6mr_multiaddr.s6_addr))
		return -EINVAL;
	if (m.ipv6mr_interface) {
		ifp = netif_by_index(sk->eng, (int)m.ipv6mr_interface);
	} else {
		for (ifp = sk->eng->ifaces; ifp && !ifp->up; ifp = ifp->next)
			;
	}
	if (!ifp)
		return -ENODEV;
	if (name == IPV6_JOIN_GROUP)
		return ip6_mc_join(
			ifp,
			(const struct ip6_addr *)m.ipv6mr_multiaddr.s6_addr);
	return ip6_mc_leave(
		ifp, (const struct ip6_addr *)m.ipv6mr_multiaddr.s6_addr);
}

/** sock6_setsockopt() - the IPPROTO_IPV6 options the engine knows. */
int sock6_setsockopt(struct sock *sk, int name, const void *val, socklen_t len)
{
	int v;

	if (name == IPV6_JOIN_GROUP || name == IPV6_LEAVE_GROUP)
		return mreq6(sk, name, val, len);
	if (!val || len < (socklen_t)sizeof(int))
		return -EINVAL;
	memcpy(&v, val, sizeof(v));
	switch (name) {
	case IPV6_V6ONLY:
		/* Linux: only before the socket is bound. */
		if (sk->lport)
			return -EINVAL;
		sk->v6only = v != 0;
		return 0;
	case IPV6_UNICAST_HOPS:
		if (v < -1 || v > 255)
			return -EINVAL;
		sk->hops = v;
		return 0;
	case IPV6_RECVPKTINFO:
		sk->recvpktinfo6 = v != 0;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

/**
 * sock6_getsockopt() - *@v for IPV6_V6ONLY, IPV6_UNICAST_HOPS or
 * IPV6_RECVPKTINFO
 */
int sock6_getsockopt(struct sock *sk, int name, int *v)
{
	switch (name) {
	case IPV6_V6ONLY:
		*v = sk->v6only;
		return 0;
	case IPV6_UNICAST_HOPS:
		*v = sk->hops < 0 ? IP6_DEFAULT_HOPLIMIT : sk->hops;
		return 0;
	case IPV6_RECVPKTINFO:
		*v = sk->recvpktinfo6;
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}
