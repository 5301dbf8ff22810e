// SPDX-License-Identifier: MIT
/*
 * decide.c - which sockets the shim sends to the engine
 *
 * The rule (README "libnsshim.so(7)"):
 *  - only AF_INET and AF_INET6 SOCK_DGRAM (UDP) and SOCK_STREAM (TCP)
 *    sockets are candidates; everything else (AF_UNIX, netlink, raw)
 *    stays on the kernel from socket() on;
 *  - a candidate is decided by its first bind(), connect(), sendto() or
 *    sendmsg() with an address (UDP), or listen() (kernel: it was never
 *    bound to an engine address):
 *      bind to a loopback address (127/8, ::1, ::ffff:127/104) -> kernel
 *      bind to 0.0.0.0 or ::                          -> engine, or kernel
 *                                                        with NSSHIM_BIND_ENGINE=0
 *      bind to any other address                      -> engine (if the
 *                                                        engine refuses the
 *                                                        address, the kernel)
 *      connect/send to loopback, 0.0.0.0, :: or port 53 -> kernel
 *      connect/send to any other address              -> engine
 *  - AF_INET6 follows the same rules for UDP and TCP: a real IPv6
 *    address goes to the engine (an AF_INET6 engine socket, which also
 *    takes IPv4 as ::ffff:a.b.c.d unless IPV6_V6ONLY), ::1 to the kernel;
 *  - DNS (port 53) stays on the kernel so name resolution keeps working
 *    through the host's resolver.
 */
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include "decide.h"

/** shim_decide_socket() - is a new socket a candidate for the engine? */
enum shim_route shim_decide_socket(int domain, int type, int protocol)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);

	if ((domain != AF_INET && domain != AF_INET6) ||
	    (base != SOCK_DGRAM && base != SOCK_STREAM))
		return ROUTE_KERNEL;
	if (protocol != 0 &&
	    protocol != (base == SOCK_DGRAM ? IPPROTO_UDP : IPPROTO_TCP))
		return ROUTE_KERNEL;
	return ROUTE_UNDECIDED;
}

/*
 * struct dest - what a sockaddr names, family-independently
 * @family:	AF_INET or AF_INET6
 * @any:	0.0.0.0 or ::
 * @loopback:	127/8, ::1 or ::ffff:127.0.0.0/104
 * @port:	host order
 */
struct dest {
	int family;
	bool any, loopback;
	uint16_t port;
};

/* get_dest() - parse @sa; false if it is neither IPv4 nor IPv6 or short. */
static bool get_dest(const struct sockaddr *sa, socklen_t len, struct dest *d)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	struct sockaddr_in6 s6;
	struct sockaddr_in sin;
	uint32_t a;

	memset(d, 0, sizeof(*d));
	if (!sa || len < sizeof(sa_family_t))
		return false;
	d->family = sa->sa_family;
	if (sa->sa_family == AF_INET) {
		if (len < sizeof(sin))
			return false;
		memcpy(&sin, sa, sizeof(sin));
		a = ntohl(sin.sin_addr.s_addr);
		d->port = ntohs(sin.sin_port);
		d->any = a == INADDR_ANY;
		d->loopback = (a >> 24) == 127;
		return true;
	}
	if (sa->sa_family != AF_INET6 || len < sizeof(s6))
		return false;
	memcpy(&s6, sa, sizeof(s6));
	d->port = ntohs(s6.sin6_port);
	d->any = IN6_IS_ADDR_UNSPECIFIED(&s6.sin6_addr);
	d->loopback = IN6_IS_ADDR_LOOPBACK(&s6.sin6_addr) ||
		      (memcmp(s6.sin6_addr.s6_addr, mapped, 12) == 0 &&
		       s6.sin6_addr.s6_addr[12] == 127);
	return true;
}

/** shim_decide_bind() - the route for bind(@sa) on a candidate */
enum shim_route shim_decide_bind(const struct sockaddr *sa, socklen_t len,
				 bool bind_any_engine)
{
	struct dest d;

	if (!get_dest(sa, len, &d) || d.loopback || d.port == 53)
		return ROUTE_KERNEL;
	if (d.any)
		return bind_any_engine ? ROUTE_ENGINE : ROUTE_KERNEL;
	return ROUTE_ENGINE;
}

/**
 * shim_decide_dest() - the route for connect(@sa) or sendto(@sa) on a
 * candidate; AF_UNSPEC (dissolve) and short addresses decide nothing
 */
enum shim_route shim_decide_dest(const struct sockaddr *sa, socklen_t len)
{
	struct dest d;

	if (!sa || len < sizeof(sa_family_t) || sa->sa_family == AF_UNSPEC)
		return ROUTE_UNDECIDED;
	if (!get_dest(sa, len, &d) || d.loopback || d.any || d.port == 53)
		return ROUTE_KERNEL;
	return ROUTE_ENGINE;
}
