// SPDX-License-Identifier: MIT
/*
 * route.c - the IPv4 FIB: connected and static routes with longest-prefix
 * match, the path MTU cache and multicast memberships
 *
 * Theory of operation
 *
 * Connected routes are not stored: a lookup derives them from the
 * interfaces' addresses (every address that is not in conflict makes its
 * subnet on-link), so they can never disagree with the addresses, however
 * interfaces and addresses come and go.  Static routes live in an array
 * sorted by prefix length, longest first, so the first static match is the
 * longest; it is compared with the best connected match and the longer
 * wins, a connected route winning a tie (the kernel would refuse the
 * duplicate; here the on-link route is the safer of the two).  Routes name
 * their interface by index and are skipped while it is down or gone.  A
 * sorted array is O(n) per lookup, which is what a host with a handful of
 * routes needs; a trie can replace it behind the same functions.
 *
 * The path MTU cache (RFC 1191) maps a destination to the MTU a router
 * reported, for mtu_expires; it is keyed by a SipHash of the destination
 * because peers choose which destinations we learn about.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "engine.h"
#include "hash.h"
#include "igmp.h"
#include "route.h"

struct pmtu4 {
	UT_hash_handle hh;
	uint32_t dst;
	uint32_t mtu;
	uint64_t expires; /* µs */
};

/** route4_init() - an empty FIB for @eng; 0 or -ENOMEM. */
int route4_init(struct engine *eng)
{
	eng->fib4 = calloc(1, sizeof(*eng->fib4));
	return eng->fib4 ? 0 : -ENOMEM;
}

/** route4_fini() - free the routes, the PMTU cache and the FIB. */
void route4_fini(struct engine *eng)
{
	struct fib4 *f = eng->fib4;
	struct pmtu4 *e, *tmp;

	if (!f)
		return;
	/* HASH_CLEAR frees the buckets but keeps the items' app order. */
	e = f->pmtu;
	HASH_CLEAR(hh, f->pmtu);
	for (; e; e = tmp) {
		tmp = e->hh.next;
		free(e);
	}
	free(f->routes);
	free(f);
	eng->fib4 = NULL;
}

static bool addr_usable_for_route(const struct ifaddr4 *a)
{
	/* A probing address already makes its subnet on-link (the route
	 * exists as soon as the address is configured, as in Linux); only a
	 * conflicting one does not. */
	return a->state != ADDR4_CONFLICT;
}

/* The interface that has @gw on one of its subnets (@only: just that one). */
static struct netif *onlink_dev(struct engine *eng, uint32_t gw,
				struct netif *only)
{
	for (struct netif *ifp = eng->ifaces; ifp; ifp = ifp->next) {
		if (only && ifp != only)
			continue;
		for (size_t i = 0; i < ifp->naddr4; i++) {
			const struct ifaddr4 *a = &ifp->addr4[i];
			uint32_t m = ip4_mask(a->prefixlen);

			if (addr_usable_for_route(a) &&
			    (gw & m) == (a->addr & m) && a->prefixlen < 32)
				return ifp;
		}
	}
	return NULL;
}

static bool is_local(struct engine *eng, uint32_t a)
{
	for (struct netif *ifp = eng->ifaces; ifp; ifp = ifp->next)
		if (netif_addr4_find(ifp, a))
			return true;
	return false;
}

/**
 * route4_add() - add a static route (`route add PREFIX/PLEN [via GW] [dev]`)
 * @gw: the gateway, or 0 for an on-link route through @ifp
 * @ifp: the egress interface; may be NULL when @gw says which
 *
 * The gateway must be on a subnet of an address we hold (of @ifp if
 * given), as the kernel insists without "onlink".
 *
 * Return: 0; -EINVAL (prefix length over 32, host bits set, neither
 * gateway nor device, gateway is our own address); -ENETUNREACH (gateway
 * not on-link); -EEXIST (the prefix is routed already); -ENOMEM.
 */
int route4_add(struct engine *eng, uint32_t prefix, uint8_t plen, uint32_t gw,
	       struct netif *ifp)
{
	struct fib4 *f = eng->fib4;
	struct route4 r = { .prefix = prefix, .plen = plen, .gw = gw };
	size_t pos;

	if (plen > 32 || (prefix & ~ip4_mask(plen)))
		return -EINVAL;
	if (!gw && !ifp)
		return -EINVAL;
	if (gw) {
		if (is_local(eng, gw))
			return -EINVAL;
		ifp = onlink_dev(eng, gw, ifp);
		if (!ifp)
			return -ENETUNREACH;
	}
	r.ifindex = ifp->index;
	for (size_t i = 0; i < f->n; i++)
		if (f->routes[i].prefix == prefix && f->routes[i].plen == plen)
			return -EEXIST;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct route4 *nr = realloc(f->routes, cap * sizeof(*nr));

		if (!nr)
			return -ENOMEM;
		f->routes = nr;
		f->cap = cap;
	}
	/* Keep longest prefixes first: the first static match is the LPM. */
	for (pos = 0; pos < f->n && f->routes[pos].plen >= plen; pos++)
		;
	memmove(&f->routes[pos + 1], &f->routes[pos],
		(f->n - pos) * sizeof(f->routes[0]));
	f->routes[pos] = r;
	f->n++;
	return 0;
}

static void remove_at(struct fib4 *f, size_t i)
{
	memmove(&f->routes[i], &f->routes[i + 1],
		(f->n - i - 1) * sizeof(f->routes[0]));
	f->n--;
}

/** route4_del() - remove the static route for @prefix/@plen; -ESRCH if none. */
int route4_del(struct engine *eng, uint32_t prefix, uint8_t plen)
{
	struct fib4 *f = eng->fib4;

	for (size_t i = 0; i < f->n; i++) {
		if (f->routes[i].prefix == prefix &&
		    f->routes[i].plen == plen) {
			remove_at(f, i);
			return 0;
		}
	}
	return -ESRCH;
}

/**
 * route4_flush_dev() - remove the static routes through @ifindex, as the
 * kernel does when an interface goes away
 *
 * Return: the number removed.
 */
int route4_flush_dev(struct engine *eng, int ifindex)
{
	struct fib4 *f = eng->fib4;
	int removed = 0;

	for (size_t i = f->n; i-- > 0;) {
		if (f->routes[i].ifindex == ifindex) {
			remove_at(f, i);
			removed++;
		}
	}
	return removed;
}

/**
 * route4_pref_src() - the source address for talking to @peer via @ifp
 *
 * RFC 1122 3.3.4.3: prefer an address on the peer's subnet; never a
 * tentative or conflicting one (RFC 5227 2.1).
 *
 * Return: the address, or 0 when @ifp holds no VALID address.
 */
uint32_t route4_pref_src(const struct netif *ifp, uint32_t peer)
{
	uint32_t any = 0;

	for (size_t i = 0; i < ifp->naddr4; i++) {
		const struct ifaddr4 *a = &ifp->addr4[i];
		uint32_t m = ip4_mask(a->prefixlen);

		if (a->state != ADDR4_VALID)
			continue;
		if ((peer & m) == (a->addr & m))
			return a->addr;
		if (!any)
			any = a->addr;
	}
	return any;
}

/* The longest connected prefix holding @dst, over every up interface. */
static bool lookup_connected(struct engine *eng, uint32_t dst,
			     struct route4_result *best)
{
	bool found = false;

	for (struct netif *ifp = eng->ifaces; ifp; ifp = ifp->next) {
		if (!ifp->up)
			continue;
		for (size_t i = 0; i < ifp->naddr4; i++) {
			const struct ifaddr4 *a = &ifp->addr4[i];
			uint32_t m = ip4_mask(a->prefixlen);

			if (!addr_usable_for_route(a) ||
			    (dst & m) != (a->addr & m))
				continue;
			if (found && a->prefixlen <= best->plen)
				continue;
			best->ifp = ifp;
			best->plen = a->prefixlen;
			best->nexthop = dst;
			best->connected = true;
			found = true;
		}
	}
	return found;
}

/**
 * route4_lookup() - longest-prefix match for @dst
 * @r: filled on success
 *
 * Return: 0, or -ENETUNREACH when nothing routes @dst.
 */
int route4_lookup(struct engine *eng, uint32_t dst, struct route4_result *r)
{
	struct fib4 *f = eng->fib4;
	bool found;

	memset(r, 0, sizeof(*r));
	found = lookup_connected(eng, dst, r);
	for (size_t i = 0; i < f->n; i++) {
		const struct route4 *rt = &f->routes[i];
		struct netif *ifp;

		if ((dst & ip4_mask(rt->plen)) != rt->prefix)
			continue;
		/* Sorted longest first: nothing further can beat this. */
		if (found && rt->plen <= r->plen)
			break;
		ifp = netif_by_index(eng, rt->ifindex);
		if (!ifp || !ifp->up)
			continue;
		r->ifp = ifp;
		r->plen = rt->plen;
		r->nexthop = rt->gw ? rt->gw : dst;
		r->connected = false;
		found = true;
		break;
	}
	if (!found)
		return -ENETUNREACH;
	r->src = route4_pref_src(r->ifp, r->nexthop);
	return 0;
}

static struct json_object *jstr_addr(uint32_t a)
{
	char buf[INET_ADDRSTRLEN];
	uint32_t n = htonl(a);

	inet_ntop(AF_INET, &n, buf, sizeof(buf));
	return json_object_new_string(buf);
}

static struct json_object *jstr_prefix(uint32_t p, uint8_t plen)
{
	char buf[INET_ADDRSTRLEN + 4];
	uint32_t n = htonl(p);

	if (!plen)
		return json_object_new_string("default");
	inet_ntop(AF_INET, &n, buf, INET_ADDRSTRLEN);
	if (plen < 32)
		snprintf(buf + strlen(buf), 5, "/%u", plen);
	return json_object_new_string(buf);
}

/**
 * route4_dump() - the FIB as `ip -j route` prints it: an array of
 * {"dst", "gateway"?, "dev", "protocol", "scope"?, "prefsrc"?}
 *
 * Return: a new JSON array (the caller puts it), or NULL without memory.
 */
struct json_object *route4_dump(struct engine *eng)
{
	struct json_object *arr = json_object_new_array();
	struct fib4 *f = eng->fib4;

	if (!arr)
		return NULL;
	for (size_t i = 0; i < f->n; i++) {
		const struct route4 *rt = &f->routes[i];
		struct netif *ifp = netif_by_index(eng, rt->ifindex);
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "dst",
				       jstr_prefix(rt->prefix, rt->plen));
		if (rt->gw)
			json_object_object_add(o, "gateway", jstr_addr(rt->gw));
		json_object_object_add(
			o, "dev",
			json_object_new_string(ifp ? ifp->name : "?"));
		json_object_object_add(o, "protocol",
				       json_object_new_string("static"));
		if (!rt->gw)
			json_object_object_add(o, "scope",
					       json_object_new_string("link"));
		json_object_array_add(arr, o);
	}
	for (struct netif *ifp = eng->ifaces; ifp; ifp = ifp->next) {
		for (size_t i = 0; i < ifp->naddr4; i++) {
			const struct ifaddr4 *a = &ifp->addr4[i];
			struct json_object *o;

			if (!addr_usable_for_route(a))
				continue;
			o = json_object_new_object();
			json_object_object_add(
				o, "dst",
				jstr_prefix(a->addr & ip4_mask(a->prefixlen),
					    a->prefixlen));
			json_object_object_add(
				o, "dev", json_object_new_string(ifp->name));
			json_object_object_add(
				o, "protocol",
				json_object_new_string("kernel"));
			json_object_object_add(o, "scope",
					       json_object_new_string("link"));
			json_object_object_add(o, "prefsrc",
					       jstr_addr(a->addr));
			if (!ifp->up)
				json_object_object_add(
					o, "flags",
					json_object_new_string("linkdown"));
			json_object_array_add(arr, o);
		}
	}
	return arr;
}

static unsigned int pmtu_hash(const struct engine *eng, uint32_t dst)
{
	return (unsigned int)hash_keyed_memo(&eng->fib4->pmtu_memo, eng->secret,
					     &dst, sizeof(dst));
}

static struct pmtu4 *pmtu_find(struct engine *eng, uint32_t dst)
{
	struct pmtu4 *e = NULL;

	HASH_FIND_BYHASHVALUE(hh, eng->fib4->pmtu, &dst, sizeof(dst),
			      pmtu_hash(eng, dst), e);
	return e;
}

static void pmtu_expire_all(struct engine *eng)
{
	struct fib4 *f = eng->fib4;
	struct pmtu4 *e, *tmp;

	for (e = f->pmtu; e; e = tmp) {
		tmp = e->hh.next;
		if (e->expires <= eng->now) {
			/* The analyzer loses track of uthash's table pointer
			 * once an item is deleted; the table is only freed
			 * with the last item, which then sets head to NULL. */
			// NOLINTNEXTLINE(clang-analyzer-unix.Malloc)
			HASH_DELETE(hh, f->pmtu, e);
			free(e);
			f->npmtu--;
		}
	}
}

/**
 * route4_mtu() - the MTU for a packet to @dst through @ifp: the link MTU,
 * lowered by a learnt path MTU until that expires (RFC 1191 6.3)
 */
uint32_t route4_mtu(struct engine *eng, const struct netif *ifp, uint32_t dst)
{
	struct pmtu4 *e = pmtu_find(eng, dst);

	if (e && e->expires > eng->now && e->mtu < ifp->mtu)
		return e->mtu;
	return ifp->mtu;
}

/* RFC 1191 section 7: the plateau table, for routers that report 0. */
static uint32_t plateau_below(uint32_t len)
{
	static const uint32_t plateaus[] = { 32000, 17914, 8166, 4352, 2002,
					     1492,  1006,  508,	 296,  68 };

	for (size_t i = 0; i < sizeof(plateaus) / sizeof(plateaus[0]); i++)
		if (plateaus[i] < len)
			return plateaus[i];
	return 68;
}

/**
 * route4_pmtu_update() - a router said packets to @dst need @mtu
 * @orig_len: the total length of the quoted datagram, for a zero @mtu
 *	(RFC 1191 section 5: pre-1191 routers send 0)
 *
 * The path MTU only ever goes down here (RFC 1191 6.3: an increase is
 * only learnt by the entry expiring); reports under PMTU4_MIN are raised to
 * it, as Linux does with min_pmtu, so a forged report cannot force tiny
 * fragments.
 *
 * Return: the path MTU now in force for @dst.
 */
uint32_t route4_pmtu_update(struct engine *eng, const struct netif *ifp,
			    uint32_t dst, uint32_t mtu, uint32_t orig_len)
{
	struct fib4 *f = eng->fib4;
	uint32_t cur = route4_mtu(eng, ifp, dst);
	struct pmtu4 *e;

	if (eng->sysctl.ip_no_pmtu_disc)
		return cur;
	if (!mtu)
		mtu = plateau_below(orig_len ? orig_len : cur);
	if (mtu < PMTU4_MIN)
		mtu = PMTU4_MIN;
	if (mtu >= cur)
		return cur;
	e = pmtu_find(eng, dst);
	if (!e) {
		if (f->npmtu >= PMTU4_MAX_ENTRIES)
			pmtu_expire_all(eng);
		if (f->npmtu >= PMTU4_MAX_ENTRIES)
			return cur;
		e = calloc(1, sizeof(*e));
		if (!e)
			return cur;
		e->dst = dst;
		// NOLINTNEXTLINE(clang-analyzer-unix.Malloc): see above
		HASH_ADD_BYHASHVALUE(hh, f->pmtu, dst, sizeof(e->dst),
				     pmtu_hash(eng, dst), e);
		f->npmtu++;
	}
	e->mtu = mtu;
	e->expires = eng->now + (uint64_t)eng->sysctl.mtu_expires_ms * 1000;
	return mtu;
}

/* RFC 1112 section 4: every host is in 224.0.0.1 on every interface. */
#define IP4_ALL_HOSTS 0xe0000001u

static struct mc4_group *mc_find(const struct engine *eng, int ifindex,
				 uint32_t group)
{
	struct fib4 *f = eng->fib4;

	for (size_t i = 0; i < f->nmc; i++)
		if (f->mc[i].ifindex == ifindex && f->mc[i].group == group)
			return &f->mc[i];
	return NULL;
}

/**
 * mc4_join() - receive @group on @ifp (IP_ADD_MEMBERSHIP), counted per
 * joiner
 *
 * Return: 0, -EINVAL (not a multicast address) or -ENOBUFS (too many).
 */
int mc4_join(struct engine *eng, struct netif *ifp, uint32_t group)
{
	struct fib4 *f = eng->fib4;
	struct mc4_group *g;

	if (!ip4_is_multicast(group))
		return -EINVAL;
	g = mc_find(eng, ifp->index, group);
	if (!g) {
		if (f->nmc == MC4_MAX_GROUPS)
			return -ENOBUFS;
		g = &f->mc[f->nmc++];
		g->ifindex = ifp->index;
		g->group = group;
		g->refs = 0;
		igmp_joined(eng, ifp, group); /* RFC 3376 5.1 */
	}
	g->refs++;
	return 0;
}

/** mc4_leave() - undo one mc4_join(); -EADDRNOTAVAIL if not joined. */
int mc4_leave(struct engine *eng, struct netif *ifp, uint32_t group)
{
	struct fib4 *f = eng->fib4;
	struct mc4_group *g = mc_find(eng, ifp->index, group);

	if (!g)
		return -EADDRNOTAVAIL;
	if (--g->refs == 0) {
		*g = f->mc[--f->nmc];
		igmp_left(eng, ifp, group);
	}
	return 0;
}

/**
 * mc4_mac_accepted() - the Ethernet filter for IPv4 groups: @m is
 * 01:00:5e followed by the low 23 bits of all-hosts or of a group joined
 * on @ifp (RFC 1112 6.4).  Groups sharing those bits share the MAC; IPv4
 * input tells them apart by mc4_joined().
 */
bool mc4_mac_accepted(const struct engine *eng, const struct netif *ifp,
		      const struct mac_addr *m)
{
	const struct fib4 *f = eng->fib4;
	uint32_t low;

	if (!f || m->b[0] != 0x01 || m->b[1] != 0x00 || m->b[2] != 0x5e ||
	    (m->b[3] & 0x80))
		return false;
	low = (uint32_t)m->b[3] << 16 | (uint32_t)m->b[4] << 8 | m->b[5];
	if (low == (IP4_ALL_HOSTS & 0x7fffffu))
		return true;
	for (size_t i = 0; i < f->nmc; i++)
		if (f->mc[i].ifindex == ifp->index &&
		    (f->mc[i].group & 0x7fffffu) == low)
			return true;
	return false;
}

/** mc4_joined() - the host listens to @group on @ifp. */
bool mc4_joined(const struct engine *eng, const struct netif *ifp,
		uint32_t group)
{
	return group == IP4_ALL_HOSTS || mc_find(eng, ifp->index, group);
}
