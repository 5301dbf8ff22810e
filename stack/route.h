/* SPDX-License-Identifier: MIT */
/*
 * route.h - the IPv4 forwarding information base: longest-prefix match over
 * connected and static routes, the path MTU cache (RFC 1191) and the
 * multicast groups the host has joined
 */
#ifndef NSSTACK_ROUTE_H
#define NSSTACK_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hash.h"

struct engine;
struct netif;
struct json_object;
struct mac_addr;
struct pmtu4;

/* A static route; gw 0 means on-link (the destination is the next hop). */
struct route4 {
	uint32_t prefix; /* host order, no host bits */
	uint8_t plen;
	uint32_t gw;
	int ifindex;
};

/*
 * struct route4_result - where a packet to one destination goes
 * @ifp: the egress interface
 * @nexthop: the neighbour to hand it to (the gateway, or the destination)
 * @src: the preferred source address (RFC 1122 3.3.4.3): a VALID address
 *	of @ifp on the next hop's subnet, else any VALID address of @ifp;
 *	0 when the interface has none yet (still probing, RFC 5227)
 * @plen: the matching prefix length; @connected: derived from an address
 */
struct route4_result {
	struct netif *ifp;
	uint32_t nexthop;
	uint32_t src;
	uint8_t plen;
	bool connected;
};

#define MC4_MAX_GROUPS 64

struct mc4_group {
	int ifindex;
	uint32_t group;
	unsigned int refs;
};

struct fib4 {
	struct route4 *routes; /* sorted by prefix length, longest first */
	size_t n, cap;
	struct pmtu4 *pmtu;	    /* uthash: destination -> learnt path MTU */
	struct hash_memo pmtu_memo; /* the last pmtu_hash() */
	size_t npmtu;
	struct mc4_group mc[MC4_MAX_GROUPS];
	size_t nmc;
};

#define PMTU4_MAX_ENTRIES 4096
#define PMTU4_MIN 552 /* Linux min_pmtu: smaller reports are clamped */

int route4_init(struct engine *eng);
void route4_fini(struct engine *eng);
int route4_add(struct engine *eng, uint32_t prefix, uint8_t plen, uint32_t gw,
	       struct netif *ifp);
int route4_del(struct engine *eng, uint32_t prefix, uint8_t plen);
int route4_flush_dev(struct engine *eng, int ifindex);
int route4_lookup(struct engine *eng, uint32_t dst, struct route4_result *r);
uint32_t route4_pref_src(const struct netif *ifp, uint32_t peer);
struct json_object *route4_dump(struct engine *eng);

uint32_t route4_mtu(struct engine *eng, const struct netif *ifp, uint32_t dst);
uint32_t route4_pmtu_update(struct engine *eng, const struct netif *ifp,
			    uint32_t dst, uint32_t mtu, uint32_t orig_len);

int mc4_join(struct engine *eng, struct netif *ifp, uint32_t group);
int mc4_leave(struct engine *eng, struct netif *ifp, uint32_t group);
bool mc4_joined(const struct engine *eng, const struct netif *ifp,
		uint32_t group);
bool mc4_mac_accepted(const struct engine *eng, const struct netif *ifp,
		      const struct mac_addr *m);

/* Address classes, host order (RFC 1122 3.2.1.3, RFC 5735). */
static inline uint32_t ip4_mask(uint8_t plen)
{
	return plen ? 0xffffffffu << (32 - plen) : 0;
}

static inline bool ip4_is_multicast(uint32_t a)
{
	return (a >> 28) == 0xe;
}

static inline bool ip4_is_lbcast(uint32_t a)
{
	return a == 0xffffffffu;
}

static inline bool ip4_is_loopback(uint32_t a)
{
	return (a >> 24) == 127;
}

static inline bool ip4_is_zeronet(uint32_t a)
{
	return (a >> 24) == 0;
}

static inline bool ip4_is_class_e(uint32_t a)
{
	return (a >> 28) == 0xf && a != 0xffffffffu;
}

#endif /* NSSTACK_ROUTE_H */
