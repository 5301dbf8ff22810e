/* SPDX-License-Identifier: MIT */
/*
 * sock6.h - helpers shared by socket.c and sock6.c for AF_INET6 sockets
 */
#ifndef NSSTACK_SOCK6_H
#define NSSTACK_SOCK6_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* @a is :: or ::ffff:a.b.c.d: an IPv6 socket's IPv4 side. */
static inline bool ip6_unspec_or_mapped(const uint8_t a[16])
{
	static const uint8_t zero[16],
		mapped[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a, zero, 16) || !memcmp(a, mapped, 12);
}

#endif /* NSSTACK_SOCK6_H */
