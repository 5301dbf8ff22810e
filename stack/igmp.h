/* SPDX-License-Identifier: MIT */
/*
 * igmp.h - IGMPv3 host side (RFC 3376) with IGMPv1/v2 compatibility, for
 * the IPv4 groups sockets join (IP_ADD_MEMBERSHIP)
 */
#ifndef NSSTACK_IGMP_H
#define NSSTACK_IGMP_H

#include <stdbool.h>
#include <stdint.h>

#include "timer.h"
#include "wire/ipv4.h"

struct engine;
struct netif;
struct pkt;

#define IGMP_MAX_GROUPS 64
#define IGMP_MAX_IFS 8

struct igmp_group {
	bool used;
	int ifindex;
	uint32_t group;	      /* host order */
	uint8_t reports_left; /* unsolicited repeats (RFC 3376 5.1) */
	struct timer timer;
	struct engine *eng;
};

/* RFC 3376 7.2.1: Older Version Querier Present timers per interface. */
struct igmp_if {
	int ifindex;
	uint64_t v1_until, v2_until;
};

struct igmp_state {
	struct igmp_group groups[IGMP_MAX_GROUPS];
	struct igmp_if ifs[IGMP_MAX_IFS];
};

int igmp_init(struct engine *eng);
void igmp_fini(struct engine *eng);
void igmp_joined(struct engine *eng, struct netif *ifp, uint32_t group);
void igmp_left(struct engine *eng, struct netif *ifp, uint32_t group);
void igmp_input(struct netif *ifp, struct pkt *p, const struct ipv4_view *ip);

#endif /* NSSTACK_IGMP_H */
