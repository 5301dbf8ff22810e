// SPDX-License-Identifier: MIT
/*
 * mld.c - Multicast Listener Discovery version 2 (RFC 3810) as a
 * listener, with the MLDv1 (RFC 2710) compatibility mode of RFC 3810 8.2
 *
 * Theory of operation
 *
 * The engine only ever listens in EXCLUDE mode with no sources (a plain
 * join, like IPV6_JOIN_GROUP), so each group's state is "joined" or not.
 * Joining sends a State Change Report (CHANGE_TO_EXCLUDE {}) at once and
 * repeats it once after a random delay up to the Unsolicited Report
 * Interval (RFC 3810 6.1: Robustness Variable 2, interval 1 s); leaving
 * sends CHANGE_TO_INCLUDE {}.  A query schedules a Current State Report
 * (MODE_IS_EXCLUDE {}) for each group it covers at a random delay up to
 * the Maximum Response Delay (6.2).  While an MLDv1 query was heard
 * within the Older Version Querier Present Timeout (8.2.1), reports are
 * MLDv1 Reports and leaves are Done messages (8.3.2).
 *
 * All-nodes (ff02::1) and interface-local groups are never reported
 * (RFC 3810 6).  Reports leave from the link-local address, or from ::
 * while none is usable (5.2.13), with hop limit 1 and a Router Alert.
 */
#include <string.h>

#include "engine.h"
#include "hash.h"
#include "icmp6.h"
#include "ipv6.h"
#include "log.h"
#include "nd6.h"
#include "wire/csum.h"

#define container_of(ptr, type, member)                                        \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

#define MLD_ROBUSTNESS 2
#define MLD_UNSOL_INTERVAL 1000000ull /* RFC 3810 9.11 */
/* RFC 3810 9.12: RV * Query Interval (125 s) + Query Response (10 s). */
#define MLD_V1_PRESENT_US ((2 * 125 + 10) * 1000000ull)

/* A group MLD reports: not ff02::1, not interface-local. */
static bool reportable(const struct ip6_group *g)
{
	unsigned int scope = ip6_mc_scope(&g->grp);

	/* RFC 3810 6: never for ff02::1; nor for interface-local scope. */
	return scope > 1 && !ip6_eq(&g->grp, &ip6_all_nodes);
}

/* An MLDv1 querier was heard lately on @ifindex (RFC 3810 8.2.1). */
static bool v1_mode(struct engine *eng, int ifindex)
{
	struct nd6_if *ni = nd6_if_get(eng, ifindex);

	return ni && ni->mldv1_until > eng->now;
}

/* Send one report (or Done) about @grp on @ifp. */
static void send_report(struct netif *ifp, const struct ip6_addr *grp,
			uint8_t rec_type)
{
	struct engine *eng = ifp->eng;
	struct ip6_out o = { .proto = IP6_NH_ICMPV6,
			     .hop_limit = 1,
			     .oif = ifp->index,
			     .router_alert = true,
			     .allow_unspec_src = true };
	struct icmp6_view iv = { 0 };
	struct mld2_rec rec = { .type = rec_type, .mcast = *grp };
	uint8_t recbuf[MLD2_REC_HLEN];
	struct mac_addr mac;
	struct pkt *p;
	size_t total;

	/* 5.2.13 / RFC 2710 3: from link-local, or :: if none yet. */
	ip6_select_src(eng, ifp->index, &ip6_all_nodes, &o.src);
	if (!ip6_is_linklocal(&o.src))
		memset(&o.src, 0, sizeof(o.src));
	if (v1_mode(eng, ifp->index)) {
		/* RFC 3810 8.3.2: v1 Report to the group, Done to ff02::2. */
		bool leave = rec_type == MLD2_CHANGE_TO_INCLUDE;

		iv.type = leave ? ICMP6_MLD_DONE : ICMP6_MLD_REPORT;
		iv.mld_addr = *grp;
		o.dst = leave ? ip6_all_routers : *grp;
	} else {
		iv.type = ICMP6_MLD2_REPORT;
		iv.mld_nrec = 1;
		if (mld2_rec_emit(recbuf, sizeof(recbuf), &rec) < 0)
			return;
		iv.payload = recbuf;
		iv.payload_len = sizeof(recbuf);
		o.dst = ip6_all_mldv2;
	}
	total = (size_t)icmp6_hdr_len(&iv) + iv.payload_len;
	p = pkt_alloc(total);
	if (!p)
		return;
	if (icmp6_emit(pkt_put(p, total), total, &iv,
		       csum_pseudo6(&o.src, &o.dst, IP6_NH_ICMPV6,
				    (uint32_t)total)) < 0) {
		pkt_drop(eng, p, &eng->stats.ip6.Ip6OutDiscards,
			 "cannot build MLD report");
		return;
	}
	eng->stats.icmp6.Icmp6OutMsgs++;
	if (iv.type == ICMP6_MLD2_REPORT)
		eng->stats.icmp6.Icmp6OutMLDv2Reports++;
	ip6_mc_mac(&o.dst, &mac);
	ipv6_output_dev(ifp, p, &o, &mac);
}

/** mld_report_timer_fire() - a delayed report for one group is due. */
void mld_report_timer_fire(struct timer *t)
{
	struct ip6_group *g = container_of(t, struct ip6_group, report_timer);
	struct netif *ifp = netif_by_index(g->eng, g->ifindex);

	if (!ifp)
		return;
	if (g->reports_left) {
		/* The repeat of a State Change Report (RFC 3810 6.1). */
		g->reports_left--;
		send_report(ifp, &g->grp, MLD2_CHANGE_TO_EXCLUDE);
		return;
	}
	send_report(ifp, &g->grp, MLD2_MODE_IS_EXCLUDE); /* 6.3 */
}

/**
 * mld_group_joined() - @g was joined on @ifp: report it now and once more
 * later (RFC 3810 6.1)
 */
void mld_group_joined(struct netif *ifp, struct ip6_group *g)
{
	if (!reportable(g) || ifp->kind == NETIF_TUN)
		return;
	send_report(ifp, &g->grp, MLD2_CHANGE_TO_EXCLUDE);
	g->reports_left = MLD_ROBUSTNESS - 1;
	engine_timer_arm(ifp->eng, &g->report_timer,
			 rand_range(1, MLD_UNSOL_INTERVAL));
}

/** mld_group_left() - @g is being left on @ifp: say so (RFC 3810 6.1). */
void mld_group_left(struct netif *ifp, struct ip6_group *g)
{
	if (!reportable(g) || ifp->kind == NETIF_TUN)
		return;
	send_report(ifp, &g->grp, MLD2_CHANGE_TO_INCLUDE);
}

/* RFC 3810 5.1.3: the Maximum Response Code to µs. */
static uint64_t max_resp_us(const struct icmp6_view *iv)
{
	uint32_t code = iv->mld_max_resp, ms;

	if (!iv->mld_v2 || code < 32768)
		ms = code;
	else
		ms = ((code & 0x0fff) | 0x1000) << (((code >> 12) & 7) + 3);
	return (uint64_t)ms * 1000;
}

/**
 * mld_input() - a Multicast Listener Query on @ifp (RFC 3810 7.6, 6.2)
 *
 * Return: false for a query RFC 3810 5.1.14 says to ignore (the caller
 * drops it).
 */
bool mld_input(struct netif *ifp, const struct ip6_view *ip,
	       const struct icmp6_view *iv)
{
	struct engine *eng = ifp->eng;
	struct nd6_if *ni = nd6_if_get(eng, ifp->index);
	uint64_t delay_max = max_resp_us(iv);

	/* RFC 3810 5.1.14: from a link-local source, hop limit 1. */
	if (!ip6_is_linklocal(&ip->src) || ip->hop_limit != 1)
		return false;
	if (!iv->mld_v2 && ni)
		ni->mldv1_until = eng->now + MLD_V1_PRESENT_US; /* 8.2.1 */
	if (!delay_max)
		delay_max = 1000;
	for (size_t i = 0; i < eng->ip6->ngroups; i++) {
		struct ip6_group *g = eng->ip6->groups[i];
		uint64_t d;

		if (g->ifindex != ifp->index || !reportable(g))
			continue;
		if (!ip6_is_unspec(&iv->mld_addr) &&
		    !ip6_eq(&iv->mld_addr, &g->grp))
			continue;
		d = rand_range(0, (uint32_t)delay_max);
		/* 6.2: keep an earlier pending report. */
		if (timer_armed(&g->report_timer) &&
		    g->report_timer.expires <= eng->now + d)
			continue;
		g->reports_left = 0;
		engine_timer_arm(eng, &g->report_timer, d);
	}
	return true;
}
