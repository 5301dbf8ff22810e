// SPDX-License-Identifier: MIT
/*
 * route6.c - the IPv6 FIB: longest-prefix match over on-link prefixes,
 * static routes, default routers learnt from RAs (with lifetimes and RFC
 * 4191 preference) and redirects; and the path MTU cache (RFC 8201)
 *
 * A host holds few routes, so the table is a small array scanned in full:
 * the longest prefix wins; among equal prefixes a higher RFC 4191
 * preference, then a router whose neighbour entry is not FAILED (RFC 4861
 * 6.3.6: prefer routers known to be reachable), then the first added.
 * Learnt entries expire on one timer armed for the earliest expiry.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "engine.h"
#include "ipv6.h"
#include "nd6.h"
#include "neigh.h"

#define container_of(ptr, type, member)                                        \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

/* Arm the expiry timer for the earliest route lifetime end. */
static void rearm(struct engine *eng)
{
	struct ip6_state *s = eng->ip6;
	uint64_t next = IP6_LIFETIME_INF;

	for (size_t i = 0; i < s->nroutes; i++)
		if (s->routes[i].expires < next)
			next = s->routes[i].expires;
	if (next == IP6_LIFETIME_INF) {
		timer_cancel(&eng->timers, &s->route_timer);
		return;
	}
	timer_arm(&eng->timers, &s->route_timer, next);
}

/* Remove route @i, keeping the others in order. */
static void remove_at(struct ip6_state *s, size_t i)
{
	memmove(&s->routes[i], &s->routes[i + 1],
		(s->nroutes - i - 1) * sizeof(s->routes[0]));
	s->nroutes--;
}

/** route6_timer_fire() - drop routes whose lifetime ended. */
void route6_timer_fire(struct timer *t)
{
	struct ip6_state *s = container_of(t, struct ip6_state, route_timer);
	struct engine *eng = s->eng;

	for (size_t i = s->nroutes; i-- > 0;)
		if (s->routes[i].expires <= eng->now)
			remove_at(s, i);
	rearm(eng);
}

/* Clear the bits of @a after the first @len. */
static void mask(struct ip6_addr *a, unsigned int len)
{
	for (unsigned int i = len; i < 128; i++)
		a->b[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
}

/**
 * route6_add() - add @r, or refresh the lifetime and preference of the
 * same route (prefix, length, gateway, interface)
 *
 * Return: 0, -EINVAL (length over 128), -ENOSPC.
 */
int route6_add(struct engine *eng, const struct route6 *r)
{
	struct ip6_state *s = eng->ip6;
	struct route6 n = *r;

	if (n.len > 128)
		return -EINVAL;
	if (!n.expires)
		n.expires = IP6_LIFETIME_INF; /* static and connected */
	mask(&n.prefix, n.len);
	for (size_t i = 0; i < s->nroutes; i++) {
		struct route6 *e = &s->routes[i];

		if (e->len == n.len && e->ifindex == n.ifindex &&
		    ip6_eq(&e->prefix, &n.prefix) && ip6_eq(&e->gw, &n.gw)) {
			if (e->proto == RT6_KERNEL || n.proto == RT6_KERNEL)
				return -EEXIST;
			e->expires = n.expires;
			e->pref = n.pref;
			rearm(eng);
			return 0;
		}
	}
	if (s->nroutes == IP6_MAX_ROUTES)
		return -ENOSPC;
	s->routes[s->nroutes++] = n;
	rearm(eng);
	return 0;
}

/**
 * route6_del() - remove the route @prefix/@len via @gw (:: for on-link)
 * on @ifindex
 *
 * Return: 0 or -ESRCH.
 */
int route6_del(struct engine *eng, const struct ip6_addr *prefix, uint8_t len,
	       const struct ip6_addr *gw, int ifindex)
{
	struct ip6_state *s = eng->ip6;
	struct ip6_addr pfx = *prefix;

	if (len > 128)
		return -ESRCH;
	mask(&pfx, len);
	for (size_t i = 0; i < s->nroutes; i++) {
		struct route6 *e = &s->routes[i];

		if (e->len == len && e->ifindex == ifindex &&
		    ip6_eq(&e->prefix, &pfx) && ip6_eq(&e->gw, gw)) {
			remove_at(s, i);
			rearm(eng);
			return 0;
		}
	}
	return -ESRCH;
}

/** route6_flush_dev() - remove every route out of @ifindex. */
void route6_flush_dev(struct engine *eng, int ifindex)
{
	struct ip6_state *s = eng->ip6;

	for (size_t i = s->nroutes; i-- > 0;)
		if (s->routes[i].ifindex == ifindex)
			remove_at(s, i);
	rearm(eng);
}

/* RFC 4861 6.3.6: a router whose entry failed is a worse choice. */
static bool router_reachable(struct engine *eng, const struct route6 *r)
{
	struct neigh *n;

	if (ip6_is_unspec(&r->gw) || !eng->neigh)
		return true;
	n = neigh_lookup(eng, r->ifindex, AF_INET6, r->gw.b);
	return !n || n->state != NUD_FAILED;
}

/**
 * route6_lookup() - the route for @dst: longest prefix first (see the top
 * of the file for ties)
 * @oif: only routes out of this interface, or 0 for any
 *
 * Return: 0 and *@res, or -ENETUNREACH.
 */
int route6_lookup(struct engine *eng, const struct ip6_addr *dst, int oif,
		  struct route6_result *res)
{
	struct ip6_state *s = eng->ip6;
	const struct route6 *best = NULL;
	bool best_ok = false;

	for (size_t i = 0; i < s->nroutes; i++) {
		const struct route6 *r = &s->routes[i];
		bool ok;

		if (oif && r->ifindex != oif)
			continue;
		if (r->expires <= eng->now ||
		    !ip6_prefix_match(&r->prefix, dst, r->len))
			continue;
		ok = router_reachable(eng, r);
		if (best && r->len < best->len)
			continue;
		if (best && r->len == best->len) {
			if (ok != best_ok) {
				if (!ok)
					continue;
			} else if (r->pref <= best->pref) {
				continue;
			}
		}
		best = r;
		best_ok = ok;
	}
	if (!best)
		return -ENETUNREACH;
	res->ifindex = best->ifindex;
	res->nexthop = ip6_is_unspec(&best->gw) ? *dst : best->gw;
	return 0;
}

/**
 * route6_onlink() - @a is covered by an on-link prefix of @ifindex
 */
bool route6_onlink(struct engine *eng, int ifindex, const struct ip6_addr *a)
{
	struct ip6_state *s = eng->ip6;

	if (ip6_is_linklocal(a))
		return true;
	for (size_t i = 0; i < s->nroutes; i++) {
		const struct route6 *r = &s->routes[i];

		if (r->ifindex == ifindex && ip6_is_unspec(&r->gw) &&
		    ip6_prefix_match(&r->prefix, a, r->len))
			return true;
	}
	return false;
}

/**
 * route6_mtu() - the MTU towards @dst out of @ifp: the path MTU learnt
 * from Packet Too Big (RFC 8201), else the RA's MTU, else the link's
 */
uint32_t route6_mtu(struct engine *eng, struct netif *ifp,
		    const struct ip6_addr *dst)
{
	struct ip6_state *s = eng->ip6;
	struct nd6_if *ni = nd6_if_get(eng, ifp->index);
	uint32_t mtu = ni && ni->mtu ? ni->mtu : ifp->mtu;

	for (size_t i = 0; i < IP6_MAX_PMTU; i++) {
		const struct pmtu6 *pm = &s->pmtu[i];

		if (pm->mtu && pm->expires > eng->now &&
		    ip6_eq(&pm->dst, dst) && pm->mtu < mtu)
			mtu = pm->mtu;
	}
	return mtu < IP6_MIN_MTU ? IP6_MIN_MTU : mtu;
}

/**
 * route6_pmtu_update() - a Packet Too Big said @mtu towards @dst
 *
 * RFC 8201 4: the path MTU only shrinks from a PTB, and never below 1280
 * (the caller clamps); it is forgotten after IP6_PMTU_EXPIRES so that an
 * increase is noticed (RFC 8201 4, "at least 10 minutes").
 */
void route6_pmtu_update(struct engine *eng, const struct ip6_addr *dst,
			uint32_t mtu)
{
	struct ip6_state *s = eng->ip6;
	struct pmtu6 *slot = NULL;

	for (size_t i = 0; i < IP6_MAX_PMTU; i++) {
		struct pmtu6 *pm = &s->pmtu[i];

		if (pm->mtu && ip6_eq(&pm->dst, dst)) {
			slot = pm;
			break;
		}
		if (!slot && (!pm->mtu || pm->expires <= eng->now))
			slot = pm;
	}
	if (!slot)
		slot = &s->pmtu[eng->now % IP6_MAX_PMTU];
	if (slot->mtu && ip6_eq(&slot->dst, dst) && slot->expires > eng->now &&
	    slot->mtu <= mtu)
		return;
	slot->dst = *dst;
	slot->mtu = mtu;
	slot->expires = eng->now + IP6_PMTU_EXPIRES;
}

static const char *const proto_names[] = {
	[RT6_KERNEL] = "kernel",
	[RT6_STATIC] = "static",
	[RT6_RA] = "ra",
	[RT6_REDIRECT] = "redirect",
};

/**
 * route6_list() - append the IPv6 routes to @arr as `ip -j -6 route`
 * lists them: {"dst", "gateway"?, "dev", "protocol", "pref", "expires"?}
 */
void route6_list(struct engine *eng, struct json_object *arr)
{
	char buf[INET6_ADDRSTRLEN + 4], a[INET6_ADDRSTRLEN];
	static const char *const prefs[] = { "low", "medium", "high" };

	if (!arr || !eng->ip6)
		return;
	for (size_t i = 0; i < eng->ip6->nroutes; i++) {
		const struct route6 *r = &eng->ip6->routes[i];
		struct netif *ifp = netif_by_index(eng, r->ifindex);
		struct json_object *o = json_object_new_object();

		if (r->len)
			snprintf(buf, sizeof(buf), "%s/%u",
				 ip6_str(&r->prefix, a), r->len);
		else
			snprintf(buf, sizeof(buf), "default");
		json_object_object_add(o, "dst", json_object_new_string(buf));
		if (!ip6_is_unspec(&r->gw))
			json_object_object_add(
				o, "gateway",
				json_object_new_string(ip6_str(&r->gw, a)));
		json_object_object_add(
			o, "dev",
			json_object_new_string(ifp ? ifp->name : "?"));
		json_object_object_add(
			o, "protocol",
			json_object_new_string(proto_names[r->proto]));
		json_object_object_add(
			o, "pref", json_object_new_string(prefs[r->pref + 1]));
		if (r->expires != IP6_LIFETIME_INF)
			json_object_object_add(
				o, "expires",
				json_object_new_int64(
					(int64_t)((r->expires - eng->now) /
						  1000000)));
		json_object_array_add(arr, o);
	}
}
