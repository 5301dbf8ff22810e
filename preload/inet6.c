// SPDX-License-Identifier: MIT
/*
 * inet6.c - AF_INET6 stream sockets on IPv4 engine TCBs
 *
 * The engine has no TCP over IPv6 yet, but dual-stack servers (iperf3 -s,
 * node) listen on :: and clients may connect to ::ffff:a.b.c.d.  Such a
 * socket only ever speaks IPv4, so the shim runs it on an AF_INET TCB and
 * translates addresses at its edge: :: and ::ffff:a.b.c.d become 0.0.0.0
 * and a.b.c.d going in; IPv4 addresses come back as ::ffff:a.b.c.d (and
 * 0.0.0.0 as ::), exactly as Linux reports IPv4 peers of AF_INET6
 * sockets (RFC 4291 2.5.5.2, RFC 3493 3.7).  Sockets that would need real
 * IPv6 (IPV6_V6ONLY, a real IPv6 address) are left on the kernel by
 * decide.c before they get here.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "inet6.h"

/** inet6_is_v4mapped() - ::ffff:a.b.c.d? */
bool inet6_is_v4mapped(const struct in6_addr *a)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a->s6_addr, pfx, sizeof(pfx)) == 0;
}

/**
 * inet6_to_v4() - the IPv4 address an AF_INET6 stream socket's bind or
 * connect argument @sa names
 *
 * Return: 0 with @out filled, -EINVAL (short), -EAFNOSUPPORT (not
 * AF_INET6) or -ENETUNREACH (a real IPv6 address: no TCP over IPv6 in the
 * engine).
 */
int inet6_to_v4(const struct sockaddr *sa, socklen_t len,
		struct sockaddr_in *out)
{
	struct sockaddr_in6 s6;

	if (!sa || len < sizeof(s6))
		return -EINVAL;
	memcpy(&s6, sa, sizeof(s6));
	if (s6.sin6_family != AF_INET6)
		return -EAFNOSUPPORT;
	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	out->sin_port = s6.sin6_port;
	if (IN6_IS_ADDR_UNSPECIFIED(&s6.sin6_addr))
		return 0;
	if (!inet6_is_v4mapped(&s6.sin6_addr))
		return -ENETUNREACH;
	memcpy(&out->sin_addr, s6.sin6_addr.s6_addr + 12, 4);
	return 0;
}

/**
 * inet6_from_v4() - @sin as an AF_INET6 socket reports it, truncated to
 * *@len with *@len set to the full length (getsockname(2) semantics)
 */
void inet6_from_v4(const struct sockaddr_in *sin, struct sockaddr *sa,
		   socklen_t *len)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6,
				   .sin6_port = sin->sin_port };
	socklen_t n;

	if (sin->sin_addr.s_addr != htonl(INADDR_ANY)) {
		s6.sin6_addr.s6_addr[10] = 0xff;
		s6.sin6_addr.s6_addr[11] = 0xff;
		memcpy(s6.sin6_addr.s6_addr + 12, &sin->sin_addr, 4);
	}
	if (!sa || !len)
		return;
	n = *len < sizeof(s6) ? *len : (socklen_t)sizeof(s6);
	memcpy(sa, &s6, n);
	*len = sizeof(s6);
}
