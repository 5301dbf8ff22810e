// SPDX-License-Identifier: MIT
/*
 * nd6.c - Neighbor Discovery for IPv6 (RFC 4861) as a host: NS/NA and the
 * IPv6 family of the shared neighbour cache, Router Solicitation, Router
 * Advertisement and Redirect processing
 *
 * Theory of operation
 *
 * Resolution reuses neigh.c's NUD machine (RFC 4861 7.3): an NS is the
 * solicitation (multicast to the solicited-node group while INCOMPLETE,
 * unicast while PROBE), a solicited NA is the confirmation.  NA input
 * follows the override rules of 7.2.5 and 7.2.6 here, since only ND has
 * an Override flag; a cached address differing from an NA without O
 * makes a REACHABLE entry STALE and is otherwise ignored.
 *
 * Every message is validated per its section of RFC 4861 (6.1.1, 6.1.2,
 * 7.1.1, 7.1.2, 8.1): hop limit 255 (proof it was not forwarded), code 0,
 * length, and the address rules.  Failures count Icmp6InNdInvalid.
 *
 * Router discovery runs only with --slaac: RS at start after a random
 * delay, MAX_RTR_SOLICITATIONS 4 s apart (6.3.7), then with the RFC 7559
 * exponential backoff until an RA arrives; RAs set the hop limit,
 * the link MTU, on-link prefixes, SLAAC prefixes (slaac.c), default
 * routers with their lifetime and RFC 4191 preference, and RDNSS servers
 * (RFC 8106, recorded for `nsctl`).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "dhcp6_client.h"
#include "engine.h"
#include "eth.h"
#include "hash.h"
#include "icmp6.h"
#include "ipv6.h"
#include "log.h"
#include "nd6.h"
#include "neigh.h"
#include "wire/csum.h"
#include "wire/eth.h"
#include "wire/nd.h"

#define container_of(ptr, type, member)                                        \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

/*
 * Build and send one ND message on @ifp straight to @mac (no resolution),
 * hop limit 255 (RFC 4861 6.1, 7.1).  Options go in @opts.
 */
static void nd_send(struct netif *ifp, struct icmp6_view *iv,
		    const struct ip6_addr *src, const struct ip6_addr *dst,
		    const struct mac_addr *mac, const uint8_t *opts,
		    size_t optlen)
{
	struct engine *eng = ifp->eng;
	struct ip6_out o = { .src = *src,
			     .dst = *dst,
			     .proto = IP6_NH_ICMPV6,
			     .hop_limit = 255,
			     .oif = ifp->index };
	size_t total;
	struct pkt *p;
	uint8_t *b;

	iv->payload = opts;
	iv->payload_len = optlen;
	total = (size_t)icmp6_hdr_len(iv) + optlen;
	p = pkt_alloc(total);
	if (!p)
		return;
	b = pkt_put(p, total);
	if (icmp6_emit(b, total, iv,
		       csum_pseudo6(src, dst, IP6_NH_ICMPV6, (uint32_t)total)) <
	    0) {
		pkt_drop(eng, p, &eng->stats.ip6.Ip6OutDiscards,
			 "cannot build ND message");
		return;
	}
	eng->stats.icmp6.Icmp6OutMsgs++;
	ipv6_output_dev(ifp, p, &o, mac);
}

/* A Source or Target Link-layer Address option for our MAC (4.6.1). */
static size_t lladdr_opt(const struct netif *ifp, uint8_t type, uint8_t *buf)
{
	buf[0] = type;
	buf[1] = 1;
	memcpy(buf + 2, ifp->mac.b, MAC_LEN);
	return 8;
}

/**
 * nd6_send_ns() - a Neighbor Solicitation for @target on @ifp
 * @dad: from :: without SLLA, for Duplicate Address Detection (RFC 4862
 *	5.4.2); otherwise from our best source with our SLLA (RFC 4861 7.2.2)
 *
 * Sent to the target's solicited-node group.
 */
void nd6_send_ns(struct netif *ifp, const struct ip6_addr *target, bool dad)
{
	struct icmp6_view iv = { .type = ICMP6_ND_NS, .target = *target };
	struct ip6_addr src = { { 0 } }, dst;
	struct mac_addr mac;
	uint8_t opt[8];
	size_t optlen = 0;

	ip6_solicited_node(target, &dst);
	ip6_mc_mac(&dst, &mac);
	if (!dad) {
		if (ip6_select_src(ifp->eng, ifp->index, target, &src))
			return;
		optlen = lladdr_opt(ifp, ND_OPT_SRC_LLADDR, opt);
	}
	ifp->eng->stats.icmp6.Icmp6OutNeighborSolicits++;
	nd_send(ifp, &iv, &src, &dst, &mac, opt, optlen);
}

/* ---- the IPv6 family of the neighbour cache ---- */

static void nd6_solicit(struct neigh *n, bool unicast, const struct pkt *hint)
{
	struct netif *ifp = netif_by_index(n->eng, n->key.ifindex);
	struct icmp6_view iv = { .type = ICMP6_ND_NS };
	struct ip6_addr src = { { 0 } }, dst;
	struct ifaddr6 *ia;
	struct mac_addr mac;
	uint8_t opt[8];

	if (!ifp)
		return;
	memcpy(iv.target.b, n->key.addr, IP6_LEN);
	/* RFC 4861 7.2.2: the source of the waiting packet, if ours. */
	if (hint && hint->len >= IP6_HLEN) {
		memcpy(src.b, hint->data + 8, IP6_LEN);
		ia = ip6_addr_find(n->eng, ifp->index, &src);
		if (!ia || ia->state == ADDR6_TENTATIVE ||
		    ia->state == ADDR6_DUPLICATE)
			memset(src.b, 0, IP6_LEN);
	}
	if (ip6_is_unspec(&src) &&
	    ip6_select_src(n->eng, ifp->index, &iv.target, &src))
		return;
	if (unicast && n->has_lladdr) {
		/* RFC 4861 7.3.3 PROBE: unicast to the cached address. */
		dst = iv.target;
		mac = n->lladdr;
	} else {
		ip6_solicited_node(&iv.target, &dst);
		ip6_mc_mac(&dst, &mac);
	}
	n->eng->stats.icmp6.Icmp6OutNeighborSolicits++;
	nd_send(ifp, &iv, &src, &dst, &mac, opt,
		lladdr_opt(ifp, ND_OPT_SRC_LLADDR, opt));
}

/* neigh_ops.xmit: @p to the resolved link address. */
static void nd6_xmit(struct neigh *n, struct pkt *p)
{
	struct netif *ifp = netif_by_index(n->eng, n->key.ifindex);

	if (!ifp) {
		pkt_drop(n->eng, p, &n->eng->stats.ip6.Ip6OutDiscards,
			 "interface gone");
		return;
	}
	eth_output(ifp, p, &n->lladdr, ETHERTYPE_IPV6);
}

/* neigh_ops.unreachable: resolution of @n failed for queued @p. */
static void nd6_unreachable(struct neigh *n, struct pkt *p)
{
	/* RFC 4861 7.2.2: address unreachable for each waiting packet. */
	icmp6_send_error(n->eng, netif_by_index(n->eng, n->key.ifindex),
			 p->data, p->len, ICMP6_DST_UNREACH, ICMP6_UNREACH_ADDR,
			 0);
	pkt_drop(n->eng, p, &n->eng->stats.arp.NeighUnresolvedDiscards,
		 "address resolution failed");
}

const struct neigh_ops nd6_neigh_ops = {
	.family = AF_INET6,
	.solicit = nd6_solicit,
	.xmit = nd6_xmit,
	.unreachable = nd6_unreachable,
};

/**
 * nd6_output() - send the IPv6 packet @p to @nexthop on Ethernet @ifp
 *
 * Multicast maps to 33:33:... directly (RFC 2464 7); unicast goes through
 * the neighbour cache.  Always consumes @p.
 */
void nd6_output(struct netif *ifp, struct pkt *p,
		const struct ip6_addr *nexthop)
{
	struct mac_addr m;

	if (ip6_is_multicast(nexthop)) {
		ip6_mc_mac(nexthop, &m);
		eth_output(ifp, p, &m, ETHERTYPE_IPV6);
		return;
	}
	neigh_output(ifp->eng, ifp, &nd6_neigh_ops, nexthop->b, p);
}

/* ---- input ---- */

/* The first SLLA/TLLA option of @type, if any; false for bad options. */
static bool find_lladdr(const struct icmp6_view *iv, uint8_t type,
			struct mac_addr *mac, bool *found)
{
	struct nd_opt_iter it;
	struct nd_opt o;

	*found = false;
	if (nd_opts_check(iv->payload, iv->payload_len))
		return false; /* RFC 4861 6.1: an option of length 0 */
	nd_opt_iter_init(&it, iv->payload, iv->payload_len);
	while (nd_opt_next(&it, &o) > 0) {
		if (o.type == type && !*found) {
			*mac = o.lladdr;
			*found = true;
		}
	}
	return true;
}

/* The Ethernet source of the frame @p arrived in, for DAD logs. */
static void frame_src(const struct pkt *p, struct mac_addr *mac)
{
	memset(mac, 0, sizeof(*mac));
	if (p->rx_frame && p->rx_len >= ETH_HLEN)
		memcpy(mac->b, p->rx_frame + 6, MAC_LEN);
}

/* RFC 4861 7.2.4: answer a solicitation for our @ia. */
static void send_na(struct netif *ifp, const struct ifaddr6 *ia,
		    const struct ip6_addr *dst, const struct mac_addr *mac,
		    bool solicited)
{
	struct icmp6_view iv = { .type = ICMP6_ND_NA,
				 .target = ia->addr,
				 .na_solicited = solicited,
				 .na_override = true };
	uint8_t opt[8];

	ifp->eng->stats.icmp6.Icmp6OutNeighborAdvertisements++;
	nd_send(ifp, &iv, &ia->addr, dst, mac, opt,
		lladdr_opt(ifp, ND_OPT_TGT_LLADDR, opt));
}

/* RFC 4861 7.1.1, 7.2.3, 7.2.4: a Neighbor Solicitation; consumes @p. */
static void ns_input(struct netif *ifp, struct pkt *p,
		     const struct ip6_view *ip, const struct icmp6_view *iv)
{
	struct engine *eng = ifp->eng;
	struct ip6_addr sn;
	struct mac_addr slla, from, mac;
	struct ifaddr6 *ia;
	bool has_slla;

	eng->stats.icmp6.Icmp6InNeighborSolicits++;
	ip6_solicited_node(&iv->target, &sn);
	/* RFC 4861 7.1.1: target not multicast; options sane; from ::
	 * only to a solicited-node group and without SLLA. */
	if (ip6_is_multicast(&iv->target) ||
	    !find_lladdr(iv, ND_OPT_SRC_LLADDR, &slla, &has_slla) ||
	    (ip6_is_unspec(&ip->src) && (!ip6_eq(&ip->dst, &sn) || has_slla))) {
		pkt_drop(eng, p, &eng->stats.icmp6.Icmp6InNdInvalid,
			 "invalid NS");
		return;
	}
	ia = ip6_addr_find(eng, ifp->index, &iv->target);
	if (!ia || ia->state == ADDR6_DUPLICATE) {
		pkt_drop(eng, p, &eng->stats.icmp6.Icmp6InNdIgnored,
			 "NS for another target");
		return;
	}
	if (ia->state == ADDR6_TENTATIVE || ia->state == ADDR6_OPTIMISTIC) {
		/* RFC 4862 5.4.3: another node's DAD for our tentative
		 * address means it is a duplicate; a resolution NS for it
		 * is ignored. */
		if (ip6_is_unspec(&ip->src)) {
			frame_src(p, &from);
			slaac_dad_failed(ia, &from);
		}
		pkt_free(p);
		return;
	}
	if (ip6_is_unspec(&ip->src)) {
		/* RFC 4861 7.2.4: defend against DAD: to all-nodes, S=0. */
		ip6_mc_mac(&ip6_all_nodes, &mac);
		send_na(ifp, ia, &ip6_all_nodes, &mac, false);
		pkt_free(p);
		return;
	}
	/* RFC 4861 7.2.3: the sender's SLLA creates or updates its entry
	 * (STALE when new or changed). */
	if (has_slla)
		neigh_event(eng, ifp, &nd6_neigh_ops, ip->src.b, &slla,
			    NEV_UNSOLICITED, true);
	else
		frame_src(p, &slla); /* 7.2.4: reply to the frame's source */
	send_na(ifp, ia, &ip->src, &slla, true);
	pkt_free(p);
}

/* RFC 4861 7.2.5 and 7.2.6: an advertisement for a neighbour's address. */
static void na_update(struct netif *ifp, const struct ip6_view *ip,
		      const struct icmp6_view *iv, const struct mac_addr *tlla,
		      bool has_tlla)
{
	struct engine *eng = ifp->eng;
	struct neigh *n = neigh_lookup(eng, ifp->index, AF_INET6, iv->target.b);
	bool differs;

	(void)ip;
	if (!n || n->state == NUD_PERMANENT)
		return; /* 7.2.5: no entry: silently discard */
	if (n->state == NUD_INCOMPLETE) {
		if (!has_tlla)
			return;
		neigh_event(eng, ifp, &nd6_neigh_ops, iv->target.b, tlla,
			    iv->na_solicited ? NEV_CONFIRM : NEV_UNSOLICITED,
			    false);
		return;
	}
	differs = has_tlla && (!n->has_lladdr || !mac_eq(tlla, &n->lladdr));
	if (!iv->na_override && differs) {
		/* 7.2.5: O clear and a different address: REACHABLE goes
		 * STALE, the cached address stays; otherwise ignore. */
		if (n->state == NUD_REACHABLE) {
			n->state = NUD_STALE;
			n->updated = eng->now;
		}
		return;
	}
	if (iv->na_solicited)
		neigh_event(eng, ifp, &nd6_neigh_ops, iv->target.b,
			    differs ? tlla : NULL, NEV_CONFIRM, false);
	else if (differs)
		neigh_event(eng, ifp, &nd6_neigh_ops, iv->target.b, tlla,
			    NEV_UNSOLICITED, false);
	/* 7.2.5: IsRouter cleared: the node is no longer a default router
	 * (6.3.4 says to remove it from the Default Router List). */
	if (!iv->na_router)
		route6_del(eng, &(struct ip6_addr){ { 0 } }, 0, &iv->target,
			   ifp->index);
}

/* RFC 4861 7.1.2, 7.2.5: a Neighbor Advertisement; consumes @p. */
static void na_input(struct netif *ifp, struct pkt *p,
		     const struct ip6_view *ip, const struct icmp6_view *iv)
{
	struct engine *eng = ifp->eng;
	struct mac_addr tlla, from;
	struct ifaddr6 *ia;
	bool has_tlla;

	eng->stats.icmp6.Icmp6InNeighborAdvertisements++;
	/* RFC 4861 7.1.2: target not multicast; S clear to a multicast
	 * destination; options sane. */
	if (ip6_is_multicast(&iv->target) ||
	    (ip6_is_multicast(&ip->dst) && iv->na_solicited) ||
	    !find_lladdr(iv, ND_OPT_TGT_LLADDR, &tlla, &has_tlla)) {
		pkt_drop(eng, p, &eng->stats.icmp6.Icmp6InNdInvalid,
			 "invalid NA");
		return;
	}
	ia = ip6_addr_find(eng, ifp->index, &iv->target);
	if (ia) {
		if (has_tlla)
			from = tlla;
		else
			frame_src(p, &from);
		if (ia->state == ADDR6_TENTATIVE ||
		    ia->state == ADDR6_OPTIMISTIC)
			slaac_dad_failed(ia, &from); /* RFC 4862 5.4.4 */
		else
			log_warn("nd6: another node advertises our address");
		pkt_free(p);
		return;
	}
	na_update(ifp, ip, iv, &tlla, has_tlla);
	pkt_free(p);
}

/* ---- router discovery ---- */

static void send_rs(struct netif *ifp)
{
	struct icmp6_view iv = { .type = ICMP6_ND_RS };
	struct ip6_addr src = { { 0 } };
	struct mac_addr mac;
	uint8_t opt[8];
	size_t optlen = 0;

	/* RFC 4861 6.3.7: from a link-local address with SLLA, or from ::
	 * without it while none is usable yet. */
	if (!ip6_select_src(ifp->eng, ifp->index, &ip6_all_routers, &src))
		optlen = lladdr_opt(ifp, ND_OPT_SRC_LLADDR, opt);
	ip6_mc_mac(&ip6_all_routers, &mac);
	ifp->eng->stats.icmp6.Icmp6OutRouterSolicits++;
	nd_send(ifp, &iv, &src, &ip6_all_routers, &mac, opt, optlen);
}

/** nd6_rs_timer_fire() - the next Router Solicitation (RFC 4861 6.3.7). */
void nd6_rs_timer_fire(struct timer *t)
{
	struct nd6_if *ni = container_of(t, struct nd6_if, rs_timer);
	struct netif *ifp = netif_by_index(ni->eng, ni->ifindex);

	if (!ifp || ni->rs_done)
		return;
	send_rs(ifp);
	if (ni->rs_sent < UINT8_MAX)
		ni->rs_sent++;
	if (ni->rs_sent < ND_MAX_RTR_SOLICITATIONS) {
		ni->rs_interval = ND_RTR_SOLICITATION_INTERVAL;
	} else {
		/*
		 * RFC 7559 2: keep soliciting, with exponential backoff
		 * RT = 2 * RTprev + RAND * RTprev (RAND in -0.1..0.1, RFC
		 * 3315 14) capped at MAX_RTR_SOLICITATION_INTERVAL (3600 s),
		 * so a host that came up before its router still finds it.
		 */
		uint64_t rt = ni->rs_interval * 2;

		rt = rt - rt / 20 +
		     (uint64_t)rand_range(0, (uint32_t)(rt / 10000)) * 1000;
		ni->rs_interval = rt > ND_MAX_RTR_SOLICITATION_INTERVAL
					  ? ND_MAX_RTR_SOLICITATION_INTERVAL
					  : rt;
	}
	engine_timer_arm(ni->eng, t, ni->rs_interval);
}

/**
 * nd6_rs_start() - solicit routers on @ifp after a random delay of up to
 * MAX_RTR_SOLICITATION_DELAY (RFC 4861 6.3.7)
 */
void nd6_rs_start(struct netif *ifp)
{
	struct nd6_if *ni = nd6_if_get(ifp->eng, ifp->index);

	if (!ni)
		return;
	ni->rs_sent = 0;
	ni->rs_done = false;
	engine_timer_arm(ifp->eng, &ni->rs_timer,
			 rand_range(0, ND_MAX_RTR_SOLICITATION_DELAY));
}

/* RFC 4191 2.1: preference bits to a rank; reserved (10) is medium. */
static int prf_rank(uint8_t prf)
{
	switch (prf) {
	case ND_RA_PRF_HIGH:
		return 1;
	case ND_RA_PRF_LOW:
		return -1;
	default:
		return 0;
	}
}

/* The engine time @s seconds from now, or never for ND_INFINITY. */
static uint64_t expiry(const struct engine *eng, uint32_t s)
{
	return s == ND_INFINITY ? IP6_LIFETIME_INF
				: eng->now + (uint64_t)s * 1000000;
}

/* RFC 4861 6.3.4: one Prefix Information option. */
static void ra_prefix(struct netif *ifp, const struct nd_opt *o)
{
	struct engine *eng = ifp->eng;
	struct route6 r = { .prefix = o->prefix,
			    .len = o->prefix_len,
			    .ifindex = ifp->index,
			    .proto = RT6_RA };

	/* 6.3.4: ignore link-local prefixes; 4.6.2: preferred <= valid. */
	if (ip6_is_linklocal(&o->prefix) || o->pi_preferred > o->pi_valid ||
	    o->prefix_len > 128)
		return;
	if (o->pi_onlink) {
		if (o->pi_valid) {
			r.expires = expiry(eng, o->pi_valid);
			route6_add(eng, &r); /* adds or refreshes */
		} else {
			route6_del(eng, &o->prefix, o->prefix_len, &r.gw,
				   ifp->index);
		}
	}
	if (o->pi_auto)
		slaac_prefix(ifp, &o->prefix, o->prefix_len, o->pi_valid,
			     o->pi_preferred);
}

/*
 * RFC 4191 3.1 (a type C host): a Route Information option installs, or
 * with lifetime 0 removes, a route to its prefix via the advertising
 * router, with the option's preference; invalid ones are ignored.
 */
static void ra_route_info(struct netif *ifp, const struct ip6_addr *router,
			  const struct nd_opt *o)
{
	struct engine *eng = ifp->eng;
	struct route6 r = { .prefix = o->prefix,
			    .len = o->prefix_len,
			    .gw = *router,
			    .ifindex = ifp->index,
			    .proto = RT6_RA };

	if (!o->rio_ok) {
		eng->stats.icmp6.Icmp6InNdBadOpts++;
		return;
	}
	if (!o->rio_lifetime) {
		route6_del(eng, &r.prefix, r.len, &r.gw, r.ifindex);
		return;
	}
	r.pref = prf_rank(o->rio_prf);
	r.expires = expiry(eng, o->rio_lifetime);
	route6_add(eng, &r); /* adds or refreshes; route6_add masks */
}

/* RFC 4861 6.1.2, 6.3.4: a Router Advertisement; consumes @p. */
static void ra_input(struct netif *ifp, struct pkt *p,
		     const struct ip6_view *ip, const struct icmp6_view *iv)
{
	struct engine *eng = ifp->eng;
	struct nd6_if *ni = nd6_if_get(eng, ifp->index);
	struct route6 dr = { .gw = ip->src,
			     .ifindex = ifp->index,
			     .proto = RT6_RA };
	struct nd_opt_iter it;
	struct nd_opt o;

	eng->stats.icmp6.Icmp6InRouterAdvertisements++;
	/* RFC 4861 6.1.2: from a link-local source; options sane. */
	if (!ip6_is_linklocal(&ip->src) ||
	    nd_opts_check(iv->payload, iv->payload_len)) {
		pkt_drop(eng, p, &eng->stats.icmp6.Icmp6InNdInvalid,
			 "invalid RA");
		return;
	}
	if (!ni || !ni->slaac) {
		pkt_drop(eng, p, &eng->stats.icmp6.Icmp6InNdIgnored,
			 "RA processing off");
		return;
	}
	ni->rs_done = true; /* RFC 4861 6.3.7: stop soliciting */
	if (iv->ra_hop_limit)
		ni->cur_hop_limit = iv->ra_hop_limit; /* 6.3.4 */
	nd_opt_iter_init(&it, iv->payload, iv->payload_len);
	while (nd_opt_next(&it, &o) > 0) {
		switch (o.type) {
		case ND_OPT_SRC_LLADDR:
			/* 6.3.4: create or update the router's entry. */
			neigh_event(eng, ifp, &nd6_neigh_ops, ip->src.b,
				    &o.lladdr, NEV_UNSOLICITED, true);
			break;
		case ND_OPT_MTU:
			/* 6.3.4: within the IPv6 minimum and the link's. */
			if (o.mtu >= IP6_MIN_MTU && o.mtu <= ifp->mtu)
				ni->mtu = o.mtu;
			break;
		case ND_OPT_PREFIX_INFO:
			ra_prefix(ifp, &o);
			break;
		case ND_OPT_RDNSS:
			/* RFC 8106 5.3.1: record the servers. */
			ni->nrdnss = 0;
			for (unsigned int i = 0; i < o.rdnss_n && i < 3; i++)
				nd_rdnss_addr(&o, i, &ni->rdnss[ni->nrdnss++]);
			ni->rdnss_expires = expiry(eng, o.rdnss_lifetime);
			break;
		default:
			break; /* 4.6: unknown options are skipped */
		}
	}
	/* 6.3.4 and RFC 4191 3.2: Router Lifetime 0 removes the default
	 * router; otherwise it is added or refreshed with its preference
	 * (the reserved value is treated as medium, or ignored: RFC 4191 2.2
	 * says medium). */
	if (iv->ra_lifetime) {
		dr.pref = prf_rank(iv->ra_prf);
		dr.expires = expiry(eng, iv->ra_lifetime);
		route6_add(eng, &dr);
	} else {
		route6_del(eng, &dr.prefix, 0, &ip->src, ifp->index);
	}
	/* RFC 4191 3.1: Route Information after the Router Lifetime, so a
	 * ::/0 RIO overrides the default route the lifetime set. */
	nd_opt_iter_init(&it, iv->payload, iv->payload_len);
	while (nd_opt_next(&it, &o) > 0)
		if (o.type == ND_OPT_ROUTE_INFO)
			ra_route_info(ifp, &ip->src, &o);
	/* RFC 4861 4.2: M asks for DHCPv6 addresses, O for other
	 * configuration (RFC 8415 section 6). */
	if (iv->ra_managed || iv->ra_other)
		dhcp6c_ra_flags(ifp, iv->ra_managed, iv->ra_other);
	pkt_free(p);
}

/* RFC 4861 8.1, 8.3: a Redirect; consumes @p. */
static void redirect_input(struct netif *ifp, struct pkt *p,
			   const struct ip6_view *ip,
			   const struct icmp6_view *iv)
{
	struct engine *eng = ifp->eng;
	struct route6_result cur;
	struct route6 r = { .prefix = iv->dest,
			    .len = 128,
			    .ifindex = ifp->index,
			    .proto = RT6_REDIRECT,
			    .expires = eng->now + IP6_PMTU_EXPIRES };
	struct mac_addr tlla;
	bool has_tlla, onlink = ip6_eq(&iv->target, &iv->dest);

	eng->stats.icmp6.Icmp6InRedirects++;
	/* RFC 4861 8.1: link-local source; the target link-local or the
	 * destination itself; the destination not multicast; the source is
	 * the current first hop for the destination; options sane. */
	if (!ip6_is_linklocal(&ip->src) || ip6_is_multicast(&iv->dest) ||
	    (!onlink && !ip6_is_linklocal(&iv->target)) ||
	    !find_lladdr(iv, ND_OPT_TGT_LLADDR, &tlla, &has_tlla) ||
	    route6_lookup(eng, &iv->dest, ifp->index, &cur) ||
	    !ip6_eq(&cur.nexthop, &ip->src)) {
		pkt_drop(eng, p, &eng->stats.icmp6.Icmp6InNdInvalid,
			 "invalid redirect");
		return;
	}
	/* 8.3: a host route to the destination via the target (on-link
	 * when they are equal), and the target's link address. */
	if (!onlink)
		r.gw = iv->target;
	route6_del(eng, &r.prefix, 128, &r.gw, ifp->index);
	route6_add(eng, &r);
	if (has_tlla)
		neigh_event(eng, ifp, &nd6_neigh_ops, iv->target.b, &tlla,
			    NEV_UNSOLICITED, true);
	pkt_free(p);
}

/**
 * nd6_input() - one ND message (RS, RA, NS, NA, Redirect)
 * @ip, @iv: its IPv6 and ICMPv6 views; p->data at the ICMPv6 header
 *
 * Consumes @p.
 */
void nd6_input(struct netif *ifp, struct pkt *p, const struct ip6_view *ip,
	       const struct icmp6_view *iv)
{
	struct engine *eng = ifp->eng;

	/* RFC 4861 6.1, 7.1, 8.1: hop limit 255 proves the message was not
	 * forwarded; code 0.  Lengths are checked by icmp6_parse(). */
	if (ip->hop_limit != 255 || iv->code != 0) {
		pkt_drop(eng, p, &eng->stats.icmp6.Icmp6InNdInvalid,
			 "ND hop limit or code");
		return;
	}
	if (ifp->kind == NETIF_TUN) {
		pkt_drop(eng, p, &eng->stats.icmp6.Icmp6InNdIgnored,
			 "ND on a TUN link");
		return;
	}
	switch (iv->type) {
	case ICMP6_ND_NS:
		ns_input(ifp, p, ip, iv);
		return;
	case ICMP6_ND_NA:
		na_input(ifp, p, ip, iv);
		return;
	case ICMP6_ND_RA:
		ra_input(ifp, p, ip, iv);
		return;
	case ICMP6_ND_REDIRECT:
		redirect_input(ifp, p, ip, iv);
		return;
	case ICMP6_ND_RS:
	default:
		/* 6.2.6: a host silently discards RS. */
		eng->stats.icmp6.Icmp6InRouterSolicits++;
		pkt_drop(eng, p, &eng->stats.icmp6.Icmp6InNdIgnored,
			 "RS to a host");
		return;
	}
}
