/* SPDX-License-Identifier: MIT */
/*
 * nd6.h - Neighbor Discovery (RFC 4861), SLAAC and DAD (RFC 4862, RFC
 * 7217, RFC 4429) and MLDv2 (RFC 3810): the IPv6 control plane
 */
#ifndef NSSTACK_ND6_H
#define NSSTACK_ND6_H

#include <stdbool.h>
#include <stdint.h>

#include "ipv6.h"
#include "wire/icmp6.h"

struct engine;
struct netif;
struct pkt;
struct timer;
struct neigh_ops;

/* RFC 4861 10 host constants, in µs. */
#define ND_MAX_RTR_SOLICITATION_DELAY 1000000ull
#define ND_RTR_SOLICITATION_INTERVAL 4000000ull
#define ND_MAX_RTR_SOLICITATIONS 3
#define ND_MAX_RTR_SOLICITATION_INTERVAL 3600000000ull /* RFC 7559 2 */
#define ND_RETRANS_TIMER 1000000ull
/* RFC 4862 5.1 DupAddrDetectTransmits, and RFC 7217 6 IDGEN_RETRIES. */
#define SLAAC_DAD_TRANSMITS 1
#define SLAAC_IDGEN_RETRIES 3
#define SLAAC_TWO_HOURS 7200u /* RFC 4862 5.5.3 (e) */
/* RFC 8981 3.8 defaults, in seconds. */
#define TEMP_VALID_LIFETIME 172800u    /* 2 days */
#define TEMP_PREFERRED_LIFETIME 86400u /* 1 day */
/* 2 + TEMP_IDGEN_RETRIES * DupAddrDetectTransmits * RetransTimer (1 s) */
#define TEMP_REGEN_ADVANCE 5u
#define TEMP_IDGEN_RETRIES 3u

extern const struct neigh_ops nd6_neigh_ops;

/* nd6.c */
void nd6_input(struct netif *ifp, struct pkt *p, const struct ip6_view *ip,
	       const struct icmp6_view *iv);
void nd6_output(struct netif *ifp, struct pkt *p,
		const struct ip6_addr *nexthop);
void nd6_send_ns(struct netif *ifp, const struct ip6_addr *target, bool dad);
void nd6_rs_start(struct netif *ifp);
void nd6_rs_timer_fire(struct timer *t);

/* slaac.c */
int slaac_iid(const uint8_t secret[16], const struct ip6_addr *prefix,
	      const char *ifname, uint8_t dad_counter, uint8_t iid[8]);
int slaac_linklocal(struct netif *ifp);
void slaac_set_lifetimes(struct ifaddr6 *ia, uint32_t valid_s, uint32_t pref_s);
void slaac_update_lifetimes(struct ifaddr6 *ia, uint32_t valid_s,
			    uint32_t pref_s);
void slaac_dad_start(struct netif *ifp, struct ifaddr6 *ia);
void slaac_dad_failed(struct ifaddr6 *ia, const struct mac_addr *by);
void slaac_addr_timer_fire(struct timer *t);
void slaac_add_temp(struct netif *ifp, const struct ip6_addr *prefix,
		    uint32_t valid_s, uint32_t pref_s, uint8_t tries);
void slaac_prefix(struct netif *ifp, const struct ip6_addr *prefix,
		  uint8_t plen, uint32_t valid_s, uint32_t pref_s);

/* mld.c */
void mld_group_joined(struct netif *ifp, struct ip6_group *g);
void mld_group_left(struct netif *ifp, struct ip6_group *g);
bool mld_input(struct netif *ifp, const struct ip6_view *ip,
	       const struct icmp6_view *iv);
void mld_report_timer_fire(struct timer *t);

#endif /* NSSTACK_ND6_H */
