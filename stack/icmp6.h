/* SPDX-License-Identifier: MIT */
/*
 * icmp6.h - the engine's ICMPv6 (RFC 4443): echo, errors out under the
 * RFC 4443 2.4 rules and a token bucket, errors in, and dispatch of ND
 * and MLD messages to nd6.c and mld.c
 */
#ifndef NSSTACK_ICMP6_H
#define NSSTACK_ICMP6_H

#include <stddef.h>
#include <stdint.h>

#include "wire/icmp6.h"
#include "wire/ipv6.h"

struct engine;
struct netif;
struct pkt;

#define ICMP6_TOKENS_BURST 50	  /* like Linux icmp_msgs_burst */
#define ICMP6_TOKENS_PER_SEC 1000 /* like Linux icmp_msgs_per_sec */

void icmp6_input(struct netif *ifp, struct pkt *p, const struct ip6_view *ip);
void icmp6_send_error(struct engine *eng, struct netif *ifp, const uint8_t *pkt,
		      size_t len, uint8_t type, uint8_t code, uint32_t info);
bool icmp6_ratelimit_ok(struct engine *eng);
int icmp6_send(struct engine *eng, struct pkt *p, struct icmp6_view *iv,
	       const struct ip6_addr *src, const struct ip6_addr *dst, int oif,
	       uint8_t hop_limit);

#endif /* NSSTACK_ICMP6_H */
