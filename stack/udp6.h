/* SPDX-License-Identifier: MIT */
/*
 * udp6.h - UDP over IPv6 (RFC 768, RFC 8200 8.1): input, output and
 * ICMPv6 errors for AF_INET6 sockets
 */
#ifndef NSSTACK_UDP6_H
#define NSSTACK_UDP6_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "wire/ipv6.h"

struct engine;
struct netif;
struct pkt;
struct sock;

void udp6_input(struct netif *ifp, struct pkt *p, const struct ip6_view *ip);
ssize_t udp6_sendto(struct sock *sk, const void *buf, size_t len,
		    const struct ip6_addr *dst, uint16_t dport);
void udp6_err(struct engine *eng, const uint8_t *inner, size_t len, int err);

#endif /* NSSTACK_UDP6_H */
