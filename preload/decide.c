// SPDX-License-Identifier: MIT
/*
 * decide.c - which sockets the shim sends to the engine
 *
 * The rule (README "libnsshim.so(7)"):
 *  - only AF_INET SOCK_DGRAM (UDP) and SOCK_STREAM (TCP) sockets are
 *    candidates; everything else (AF_UNIX, netlink, AF_INET6) stays on
 *    the kernel from socket() on;
 *  - a candidate is decided by its first bind(), connect(), sendto() or
 *    sendmsg() with an address (UDP), or listen() (kernel: it was never
 *    bound to an engine address):
 *      bind to a loopback address                     -> kernel
 *      bind to 0.0.0.0                                -> engine, or kernel
 *                                                        with NSSHIM_BIND_ENGINE=0
 *      bind to any other address                      -> engine (if the
 *                                                        engine refuses the
 *                                                        address, the kernel)
 *      connect/send to loopback, 0.0.0.0 or port 53   -> kernel
 *      connect/send to any other address              -> engine
 *  - DNS (port 53) stays on the kernel so name resolution keeps working
 *    through the host's resolver.
 */
#include <netinet/in.h>
#include <string.h>

#include "decide.h"

/** shim_decide_socket() - is a new socket a candidate for the engine? */
enum shim_route shim_decide_socket(int domain, int type, int protocol)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (domain != AF_INET || (base != SOCK_DGRAM && base != SOCK_STREAM))
		return ROUTE_KERNEL;
	if (protocol != 0 &&
	    protocol != (base == SOCK_DGRAM ? IPPROTO_UDP : IPPROTO_TCP))
		return ROUTE_KERNEL;
	return ROUTE_UNDECIDED;
}

/* get_sin() - @sa as an IPv4 address; false if it is not one. */
static bool get_sin(const struct sockaddr *sa, socklen_t len,
		    struct sockaddr_in *out)
{
	if (!sa || len < sizeof(*out))
		return false;
	memcpy(out, sa, sizeof(*out));
	return out->sin_family == AF_INET;
}

static bool is_loopback(const struct sockaddr_in *sin)
{
	return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
}

/** shim_decide_bind() - the route for bind(@sa) on a candidate. */
enum shim_route shim_decide_bind(const struct sockaddr *sa, socklen_t len,
				 bool bind_any_engine)
{
	struct sockaddr_in sin;

	if (!get_sin(sa, len, &sin) || is_loopback(&sin) ||
	    ntohs(sin.sin_port) == 53)
		return ROUTE_KERNEL;
	if (sin.sin_addr.s_addr == htonl(INADDR_ANY))
		return bind_any_engine ? ROUTE_ENGINE : ROUTE_KERNEL;
	return ROUTE_ENGINE;
}

/**
 * shim_decide_dest() - the route for connect(@sa) or sendto(@sa) on a
 * candidate; AF_UNSPEC (dissolve) and short addresses decide nothing.
 */
enum shim_route shim_decide_dest(const struct sockaddr *sa, socklen_t len)
{
	struct sockaddr_in sin;

	if (!sa || len < sizeof(sa_family_t) || sa->sa_family == AF_UNSPEC)
		return ROUTE_UNDECIDED;
	if (!get_sin(sa, len, &sin) || is_loopback(&sin) ||
	    sin.sin_addr.s_addr == htonl(INADDR_ANY) ||
	    ntohs(sin.sin_port) == 53)
		return ROUTE_KERNEL;
	return ROUTE_ENGINE;
}
