// SPDX-License-Identifier: MIT
/*
 * ipv6.c - IPv6 input (validation, extension headers, address filtering,
 * reassembly, dispatch), output (routing, source selection,
 * fragmentation), and the per-interface address and group tables
 *
 * Theory of operation
 *
 * Input follows RFC 8200 as a host (no forwarding): ip6_parse() walks the
 * extension-header chain (Ip6InHdrErrors, Ip6InTruncatedPkts); a
 * multicast source is impossible (RFC 4291 2.7, Ip6InMartians); the
 * destination must be an address of ours that is not DUPLICATE, or a
 * group joined on the arrival interface (Ip6InAddrErrors otherwise).
 * Hop-by-Hop and Destination options are acted on per the two high bits of
 * their type (RFC 8200 4.2); a Routing header with Segments Left not zero
 * is answered with a Parameter Problem, since a host forwards nothing and
 * type 0 is deprecated (RFC 5095 3).  Fragments are reassembled
 * (ipv6_frag.c) and the whole datagram is walked again.  A tentative
 * address receives only Neighbor Discovery (RFC 4862 5.4).
 *
 * Output: multicast and link-local destinations go out of the given (or
 * the first) interface; others through route6_lookup().  The source is
 * chosen by RFC 6724 5 when the caller leaves it unspecified.  Packets
 * over the path MTU are fragmented with a random Identification (RFC
 * 7739).  TUN interfaces take the bare packet; Ethernet ones resolve the
 * next hop through nd6_output().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "engine.h"
#include "eth.h"
#include "icmp6.h"
#include "tcp.h"
#include "ipv6.h"
#include "log.h"
#include "nd6.h"
#include "udp6.h"
#include "wire/cursor.h"
#include "wire/eth.h"

const struct ip6_addr ip6_all_nodes = { { 0xff, 0x02, [15] = 1 } };
const struct ip6_addr ip6_all_routers = { { 0xff, 0x02, [15] = 2 } };
const struct ip6_addr ip6_all_mldv2 = { { 0xff, 0x02, [15] = 0x16 } };

/** ip6_str() - @a in RFC 5952 text; @buf holds INET6_ADDRSTRLEN bytes. */
const char *ip6_str(const struct ip6_addr *a, char *buf)
{
	return inet_ntop(AF_INET6, a->b, buf, INET6_ADDRSTRLEN);
}

/** ip6_prefix_match() - the first @len bits of @a and @b agree. */
bool ip6_prefix_match(const struct ip6_addr *a, const struct ip6_addr *b,
		      unsigned int len)
{
	unsigned int bytes = len / 8, bits = len % 8;

	if (len > 128)
		return false;
	if (memcmp(a->b, b->b, bytes) != 0)
		return false;
	if (!bits)
		return true;
	return ((a->b[bytes] ^ b->b[bytes]) & (0xff00 >> bits)) == 0;
}

/** ip6_common_prefix() - how many leading bits @a and @b share. */
unsigned int ip6_common_prefix(const struct ip6_addr *a,
			       const struct ip6_addr *b)
{
	unsigned int n = 0;

	for (int i = 0; i < IP6_LEN; i++) {
		uint8_t x = a->b[i] ^ b->b[i];

		if (!x) {
			n += 8;
			continue;
		}
		while (!(x & 0x80)) {
			x <<= 1;
			n++;
		}
		break;
	}
	return n;
}

/** ip6_solicited_node() - ff02::1:ffXX:XXXX for @a (RFC 4291 2.7.1). */
void ip6_solicited_node(const struct ip6_addr *a, struct ip6_addr *sn)
{
	static const struct ip6_addr base = {
		{ 0xff, 0x02, [11] = 0x01, [12] = 0xff }
	};

	*sn = base;
	memcpy(sn->b + 13, a->b + 13, 3);
}

/** ip6_mc_mac() - 33:33 and the group's low 32 bits (RFC 2464 7). */
void ip6_mc_mac(const struct ip6_addr *grp, struct mac_addr *m)
{
	m->b[0] = 0x33;
	m->b[1] = 0x33;
	memcpy(m->b + 2, grp->b + 12, 4);
}

/* ---- per-interface ND state ---- */

/**
 * nd6_if_get() - the ND/SLAAC state of interface @ifindex, made on first
 * use; NULL when IP6_MAX_IFS interfaces are in use
 */
struct nd6_if *nd6_if_get(struct engine *eng, int ifindex)
{
	struct nd6_if *free_slot = NULL;

	if (!eng->ip6)
		return NULL;
	for (size_t i = 0; i < IP6_MAX_IFS; i++) {
		struct nd6_if *ni = &eng->ip6->ifs[i];

		if (ni->used && ni->ifindex == ifindex)
			return ni;
		if (!ni->used && !free_slot)
			free_slot = ni;
	}
	if (!free_slot)
		return NULL;
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->used = true;
	free_slot->ifindex = ifindex;
	free_slot->eng = eng;
	timer_init(&free_slot->rs_timer, nd6_rs_timer_fire);
	return free_slot;
}

/* ---- addresses ---- */

/** ip6_addr_find() - the address @a on @ifindex (0: any interface). */
struct ifaddr6 *ip6_addr_find(struct engine *eng, int ifindex,
			      const struct ip6_addr *a)
{
	for (size_t i = 0; i < eng->ip6->naddrs; i++) {
		struct ifaddr6 *ia = eng->ip6->addrs[i];

		if ((!ifindex || ia->ifindex == ifindex) &&
		    ip6_eq(&ia->addr, a))
			return ia;
	}
	return NULL;
}

/* Preferred, deprecated or optimistic: an address that may be used. */
static bool addr_usable(const struct ifaddr6 *ia)
{
	return ia->state == ADDR6_PREFERRED || ia->state == ADDR6_DEPRECATED ||
	       ia->state == ADDR6_OPTIMISTIC;
}

/**
 * ip6_addr_is_local() - @a is an address of ours that may receive
 * (preferred, deprecated or optimistic: RFC 4862 5.5.4, RFC 4429 3.1)
 */
bool ip6_addr_is_local(struct engine *eng, const struct ip6_addr *a)
{
	struct ifaddr6 *ia;

	if (!eng->ip6)
		return false;
	ia = ip6_addr_find(eng, 0, a);
	return ia && addr_usable(ia);
}

/**
 * ip6_addr_add() - add @a/@plen on @ifp and start Duplicate Address
 * Detection on it (slaac.c)
 * @valid_s, @pref_s: lifetimes in seconds, ND_INFINITY for ever
 *
 * Return: 0, -EEXIST, -EINVAL (multicast, unspecified, loopback,
 * v4-mapped, a prefix over 128), -ENOSPC, -ENOMEM.
 */
int ip6_addr_add(struct netif *ifp, const struct ip6_addr *a, uint8_t plen,
		 unsigned int flags, uint32_t valid_s, uint32_t pref_s)
{
	struct engine *eng = ifp->eng;
	struct ip6_state *s = eng->ip6;
	struct ifaddr6 *ia;
	struct ip6_addr sn;

	if (plen > 128 || ip6_is_multicast(a) || ip6_is_unspec(a) ||
	    ip6_is_loopback(a) || ip6_is_v4mapped(a))
		return -EINVAL;
	if (ip6_addr_find(eng, ifp->index, a))
		return -EEXIST;
	if (s->naddrs == IP6_MAX_ADDRS)
		return -ENOSPC;
	ia = calloc(1, sizeof(*ia));
	if (!ia)
		return -ENOMEM;
	ia->eng = eng;
	ia->ifindex = ifp->index;
	ia->addr = *a;
	ia->prefixlen = plen;
	ia->flags = flags;
	ia->state = ADDR6_TENTATIVE;
	slaac_set_lifetimes(ia, valid_s, pref_s);
	timer_init(&ia->timer, slaac_addr_timer_fire);
	s->addrs[s->naddrs++] = ia;
	/* RFC 4862 5.4.2: join the solicited-node group before DAD. */
	ip6_solicited_node(a, &sn);
	ip6_mc_join(ifp, &sn);
	/* RFC 4861 6.3.3 and Linux: a prefix of ours is on-link. */
	if (plen < 128 && !(flags & IFA6_F_AUTOCONF)) {
		struct route6 r = { .prefix = *a,
				    .len = plen,
				    .ifindex = ifp->index,
				    .proto = RT6_KERNEL,
				    .expires = IP6_LIFETIME_INF };

		for (unsigned int i = plen; i < 128; i++)
			r.prefix.b[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
		route6_add(eng, &r); /* -EEXIST is fine */
	}
	slaac_dad_start(ifp, ia);
	return 0;
}

/** ip6_addr_free() - unlink and free @ia, leaving its groups. */
void ip6_addr_free(struct engine *eng, struct ifaddr6 *ia)
{
	struct ip6_state *s = eng->ip6;
	struct netif *ifp = netif_by_index(eng, ia->ifindex);
	struct ip6_addr sn;

	for (size_t i = 0; i < s->naddrs; i++) {
		if (s->addrs[i] != ia)
			continue;
		memmove(&s->addrs[i], &s->addrs[i + 1],
			(s->naddrs - i - 1) * sizeof(struct ifaddr6 *));
		s->naddrs--;
		break;
	}
	timer_cancel(&eng->timers, &ia->timer);
	ip6_solicited_node(&ia->addr, &sn);
	if (ifp)
		ip6_mc_leave(ifp, &sn);
	free(ia);
}

/** ip6_addr_del() - remove @a from @ifindex; -EADDRNOTAVAIL if absent. */
int ip6_addr_del(struct engine *eng, int ifindex, const struct ip6_addr *a)
{
	struct ifaddr6 *ia = ip6_addr_find(eng, ifindex, a);

	if (!ia)
		return -EADDRNOTAVAIL;
	ip6_addr_free(eng, ia);
	return 0;
}

static const char *const addr6_state_names[] = {
	[ADDR6_TENTATIVE] = "tentative", [ADDR6_OPTIMISTIC] = "optimistic",
	[ADDR6_PREFERRED] = "preferred", [ADDR6_DEPRECATED] = "deprecated",
	[ADDR6_DUPLICATE] = "dadfailed",
};

/* A lifetime end as seconds from now, or "forever". */
static json_object *lifetime_json(const struct engine *eng, uint64_t until)
{
	if (until == IP6_LIFETIME_INF)
		return json_object_new_string("forever");
	return json_object_new_int64(
		until > eng->now ? (int64_t)((until - eng->now) / 1000000) : 0);
}

/**
 * ip6_addr_list() - append the IPv6 addresses of @ifp to @arr as
 * `nsctl addr` lists them: {"dev", "index", "family": "inet6", "addr",
 * "prefixlen", "state", "scope", "origin", "valid_lft", "preferred_lft"}
 * (lifetimes in seconds, or "forever")
 */
void ip6_addr_list(struct engine *eng, const struct netif *ifp,
		   struct json_object *arr)
{
	char buf[INET6_ADDRSTRLEN];

	if (!arr || !eng->ip6)
		return;
	for (size_t i = 0; i < eng->ip6->naddrs; i++) {
		const struct ifaddr6 *ia = eng->ip6->addrs[i];
		struct json_object *o;

		if (ia->ifindex != ifp->index)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "dev",
				       json_object_new_string(ifp->name));
		json_object_object_add(o, "index",
				       json_object_new_int(ifp->index));
		json_object_object_add(o, "family",
				       json_object_new_string("inet6"));
		json_object_object_add(
			o, "addr",
			json_object_new_string(ip6_str(&ia->addr, buf)));
		json_object_object_add(o, "prefixlen",
				       json_object_new_int(ia->prefixlen));
		json_object_object_add(
			o, "state",
			json_object_new_string(addr6_state_names[ia->state]));
		json_object_object_add(
			o, "scope",
			json_object_new_string(ip6_is_linklocal(&ia->addr)
						       ? "link"
						       : "global"));
		json_object_object_add(
			o, "origin",
			json_object_new_string(
				ia->flags & IFA6_F_TEMPORARY   ? "temporary"
				: ia->flags & IFA6_F_AUTOCONF  ? "slaac"
				: ia->flags & IFA6_F_DHCP6     ? "dhcp6"
				: ia->flags & IFA6_F_LINKLOCAL ? "kernel_ll"
							       : "static"));
		json_object_object_add(o, "valid_lft",
				       lifetime_json(eng, ia->valid_until));
		json_object_object_add(o, "preferred_lft",
				       lifetime_json(eng, ia->preferred_until));
		json_object_array_add(arr, o);
	}
}

/* ---- multicast groups ---- */

static struct ip6_group *group_find(struct engine *eng, int ifindex,
				    const struct ip6_addr *grp)
{
	for (size_t i = 0; i < eng->ip6->ngroups; i++) {
		struct ip6_group *g = eng->ip6->groups[i];

		if (g->ifindex == ifindex && ip6_eq(&g->grp, grp))
			return g;
	}
	return NULL;
}

/**
 * ip6_mc_join() - join @grp on @ifp (counted: joins nest), and announce
 * it with MLD (mld.c) on the first join
 *
 * Return: 0, -EINVAL (not multicast), -ENOSPC, -ENOMEM.
 */
int ip6_mc_join(struct netif *ifp, const struct ip6_addr *grp)
{
	struct engine *eng = ifp->eng;
	struct ip6_group *g;

	if (!ip6_is_multicast(grp))
		return -EINVAL;
	g = group_find(eng, ifp->index, grp);
	if (g) {
		g->users++;
		return 0;
	}
	if (eng->ip6->ngroups == IP6_MAX_GROUPS)
		return -ENOSPC;
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->ifindex = ifp->index;
	g->grp = *grp;
	g->users = 1;
	g->eng = eng;
	timer_init(&g->report_timer, mld_report_timer_fire);
	eng->ip6->groups[eng->ip6->ngroups++] = g;
	mld_group_joined(ifp, g);
	return 0;
}

/** ip6_mc_leave() - drop one join of @grp; -EADDRNOTAVAIL if none. */
int ip6_mc_leave(struct netif *ifp, const struct ip6_addr *grp)
{
	struct ip6_state *s = ifp->eng->ip6;
	struct ip6_group *g = group_find(ifp->eng, ifp->index, grp);

	if (!g)
		return -EADDRNOTAVAIL;
	if (--g->users)
		return 0;
	mld_group_left(ifp, g);
	for (size_t i = 0; i < s->ngroups; i++) {
		if (s->groups[i] != g)
			continue;
		memmove(&s->groups[i], &s->groups[i + 1],
			(s->ngroups - i - 1) * sizeof(struct ip6_group *));
		s->ngroups--;
		break;
	}
	timer_cancel(&ifp->eng->timers, &g->report_timer);
	free(g);
	return 0;
}

/** ip6_mc_joined() - @grp is joined on @ifindex (all-nodes always is). */
bool ip6_mc_joined(struct engine *eng, int ifindex, const struct ip6_addr *grp)
{
	if (!eng->ip6)
		return false;
	/* RFC 4291 2.8: every node listens to ff02::1 (and ff01::1). */
	if (grp->b[0] == 0xff && (grp->b[1] == 0x01 || grp->b[1] == 0x02) &&
	    !memcmp(grp->b + 2, ip6_all_nodes.b + 2, 14))
		return true;
	return group_find(eng, ifindex, grp) != NULL;
}

/**
 * ip6_mc_mac_accepted() - the Ethernet filter: @m is 33:33:xx:xx:xx:xx
 * of a group joined on @ifp (RFC 2464 7)
 */
bool ip6_mc_mac_accepted(const struct netif *ifp, const struct mac_addr *m)
{
	struct engine *eng = ifp->eng;
	struct mac_addr gm;

	if (!eng->ip6 || m->b[0] != 0x33 || m->b[1] != 0x33)
		return false;
	ip6_mc_mac(&ip6_all_nodes, &gm);
	if (mac_eq(m, &gm))
		return true;
	for (size_t i = 0; i < eng->ip6->ngroups; i++) {
		const struct ip6_group *g = eng->ip6->groups[i];

		if (g->ifindex != ifp->index)
			continue;
		ip6_mc_mac(&g->grp, &gm);
		if (mac_eq(m, &gm))
			return true;
	}
	return false;
}

/* ---- source address selection (RFC 6724 5) ---- */

/* The scope of a unicast or multicast address (RFC 6724 3.1). */
static unsigned int scope_of(const struct ip6_addr *a)
{
	if (ip6_is_multicast(a))
		return ip6_mc_scope(a);
	if (ip6_is_linklocal(a) || ip6_is_loopback(a))
		return 2;
	return 14;
}

/*
 * RFC 6724 5: is candidate @a better than @b for @dst, out of @oif?
 * Rules 4 (home addresses), 6 (labels: all our addresses share the label
 * of ::/0 or fe80::/10 rows alike for the destinations we serve) and 7
 * (temporary addresses are not made) do not separate our candidates.
 */
static bool src_better(const struct ifaddr6 *a, const struct ifaddr6 *b,
		       const struct ip6_addr *dst, int oif)
{
	unsigned int sd = scope_of(dst), sa = scope_of(&a->addr),
		     sb = scope_of(&b->addr);
	bool da, db;

	/* Rule 1: prefer the same address. */
	if (ip6_eq(&a->addr, dst) != ip6_eq(&b->addr, dst))
		return ip6_eq(&a->addr, dst);
	/* Rule 2: prefer appropriate scope. */
	if (sa != sb) {
		if (sa < sb)
			return sa >= sd;
		return sb < sd;
	}
	/* Rule 3: avoid deprecated addresses (and optimistic ones, RFC
	 * 4429 3.3: they rank as deprecated). */
	da = a->state != ADDR6_PREFERRED;
	db = b->state != ADDR6_PREFERRED;
	if (da != db)
		return !da;
	/* Rule 5: prefer the outgoing interface. */
	if ((a->ifindex == oif) != (b->ifindex == oif))
		return a->ifindex == oif;
	/* Rule 7: prefer temporary addresses (RFC 8981 3.6 makes that the
	 * default where temporary addresses are enabled). */
	if ((a->flags & IFA6_F_TEMPORARY) != (b->flags & IFA6_F_TEMPORARY))
		return a->flags & IFA6_F_TEMPORARY;
	/* Rule 8: longest matching prefix. */
	return ip6_common_prefix(&a->addr, dst) >
	       ip6_common_prefix(&b->addr, dst);
}

/**
 * ip6_select_src() - the source address for @dst (RFC 6724 5)
 * @oif: the outgoing interface, or 0
 *
 * Only usable addresses are candidates (RFC 4862 5.4: never a tentative
 * one); link-local destinations only get addresses of @oif.
 *
 * Return: 0 and *@src, or -EADDRNOTAVAIL.
 */
int ip6_select_src(struct engine *eng, int oif, const struct ip6_addr *dst,
		   struct ip6_addr *src)
{
	const struct ifaddr6 *best = NULL;

	for (size_t i = 0; i < eng->ip6->naddrs; i++) {
		const struct ifaddr6 *ia = eng->ip6->addrs[i];

		if (!addr_usable(ia))
			continue;
		if (oif && scope_of(dst) <= 2 && ia->ifindex != oif)
			continue;
		if (!best || src_better(ia, best, dst, oif))
			best = ia;
	}
	if (!best)
		return -EADDRNOTAVAIL;
	*src = best->addr;
	return 0;
}

/* ---- input ---- */

/*
 * Act on the options of one Hop-by-Hop or Destination Options header
 * (RFC 8200 4.2).  Return: 0 to go on, or -1 when the packet was dropped
 * (an error sent where the option type asks for one).
 */
static int check_options(struct netif *ifp, struct pkt *p,
			 const struct ip6_view *v, const struct ip6_ext_hdr *e)
{
	struct engine *eng = ifp->eng;
	struct ip6_opt_iter it;
	struct ip6_opt o;
	const uint8_t *base = p->data + e->off + 2;

	ip6_opt_iter_init(&it, base, e->len - 2);
	while (ip6_opt_next(&it, &o) > 0) {
		if (o.type == IP6_OPT_PAD1 || o.type == IP6_OPT_PADN)
			continue;
		if (o.type == IP6_OPT_ROUTER_ALERT && e->type == IP6_NH_HOPOPTS)
			continue; /* RFC 2711: MLD looks at it */
		switch (ip6_opt_action(o.type)) {
		case IP6_OPT_SKIP:
			continue;
		case IP6_OPT_DISCARD:
			break;
		case IP6_OPT_DISCARD_ICMP_UCAST:
			if (ip6_is_multicast(&v->dst))
				break;
			/* fall through */
		case IP6_OPT_DISCARD_ICMP:
			icmp6_send_error(eng, ifp, p->data, p->len,
					 ICMP6_PARAM_PROB,
					 ICMP6_PARAMPROB_OPTION,
					 (uint32_t)(e->off + 2 + o.off));
			break;
		}
		pkt_drop(eng, p, &eng->stats.ip6.Ip6InOptionDrops,
			 "unrecognized IPv6 option");
		return -1;
	}
	return 0;
}

/*
 * Everything after the address check: options, routing, fragments, then
 * the transport.  Consumes @p.
 */
static void input_chain(struct netif *ifp, struct pkt *p, struct ip6_view *v)
{
	struct engine *eng = ifp->eng;
	struct ip6_stats *st = &eng->stats.ip6;
	uint64_t *why;
	const char *reason;

	for (unsigned int i = 0; i < v->n_ext; i++) {
		const struct ip6_ext_hdr *e = &v->ext[i];

		if (e->type != IP6_NH_HOPOPTS && e->type != IP6_NH_DSTOPTS)
			continue;
		if (check_options(ifp, p, v, e))
			return;
	}
	if (v->have_rh && v->rh_segs_left) {
		/*
		 * RFC 5095 3: type 0 is treated as unrecognized; RFC 8200
		 * 4.4: unrecognized with Segments Left non-zero gets a
		 * Parameter Problem code 0 at the Routing Type.  A host
		 * forwards nothing, so any type ends here.
		 */
		icmp6_send_error(eng, ifp, p->data, p->len, ICMP6_PARAM_PROB,
				 ICMP6_PARAMPROB_HEADER,
				 (uint32_t)(v->rh_off + 2));
		why = v->rh_type == IP6_RT_TYPE0 ? &st->Ip6InRtHdr0Drops
						 : &st->Ip6InHdrErrors;
		reason = "routing header with segments left";
		goto drop;
	}
	if (v->have_frag) {
		if (!v->frag_off && !v->frag_more) {
			/* RFC 6946 4: an atomic fragment is a whole
			 * datagram; no reassembly queue is touched. */
			st->Ip6AtomicFrags++;
		} else {
			if (v->chain_incomplete) {
				/* RFC 7112 5: the first fragment must hold
				 * the whole header chain. */
				why = &st->Ip6ReasmIncomplete1st;
				reason = "first fragment without upper header";
				goto drop;
			}
			p = ipv6_frag_input(eng, p, v);
			if (!p)
				return;
			p->rx_frame = NULL;
			if (ip6_parse(p->data, p->len, v) || v->have_frag) {
				why = &st->Ip6InHdrErrors;
				reason = "reassembled datagram malformed";
				goto drop;
			}
			input_chain(ifp, p, v);
			return;
		}
	}
	switch (v->upper_proto) {
	case IP6_NH_ICMPV6:
		st->Ip6InDelivers++;
		pkt_pull(p, v->upper_off);
		icmp6_input(ifp, p, v);
		return;
	case IP6_NH_UDP:
		st->Ip6InDelivers++;
		pkt_pull(p, v->upper_off);
		udp6_input(ifp, p, v);
		return;
	case IP6_NH_TCP:
		st->Ip6InDelivers++;
		pkt_pull(p, v->upper_off);
		tcp6_input(ifp, p, v);
		return;
	case IP6_NH_NONE:
		/* RFC 8200 4.7: nothing follows; nothing to do. */
		why = &st->Ip6InDiscards;
		reason = "no next header";
		goto drop;
	default:
		/* RFC 8200 4: unrecognized Next Header: Parameter Problem
		 * code 1 pointing at it. */
		icmp6_send_error(eng, ifp, p->data, p->len, ICMP6_PARAM_PROB,
				 ICMP6_PARAMPROB_NEXTHEADER,
				 (uint32_t)v->nh_off);
		why = &st->Ip6InUnknownProtos;
		reason = "unknown next header";
		goto drop;
	}
drop:
	pkt_drop(eng, p, why, reason);
}

/* Payload Length beyond the bytes received: the link cut it. */
static bool is_truncated(const struct pkt *p)
{
	struct cursor c = cur_make(p->data, p->len);
	uint32_t vtf = cur_be32(&c);
	uint16_t plen = cur_be16(&c);

	return cur_ok(&c) && vtf >> 28 == 6 && p->len >= IP6_HLEN &&
	       (size_t)plen + IP6_HLEN > p->len;
}

/**
 * ipv6_input() - one IPv6 packet from @ifp
 * @p: p->data at the IPv6 header, link pad possibly after it
 *
 * Consumes @p: delivered, queued for reassembly, or dropped with exactly
 * one counter.
 */
void ipv6_input(struct netif *ifp, struct pkt *p)
{
	struct engine *eng = ifp->eng;
	struct ip6_stats *st = &eng->stats.ip6;
	struct ip6_view v;
	struct ifaddr6 *ia;
	uint64_t *why;
	const char *reason;

	st->Ip6InReceives++;
	if (!eng->ip6) {
		why = &st->Ip6InDiscards;
		reason = "IPv6 not enabled";
		goto drop;
	}
	if (ip6_parse(p->data, p->len, &v)) {
		if (is_truncated(p)) {
			why = &st->Ip6InTruncatedPkts;
			reason = "truncated IPv6 packet";
		} else {
			why = &st->Ip6InHdrErrors;
			reason = "malformed IPv6 header chain";
		}
		goto drop;
	}
	p->len = IP6_HLEN + v.payload_len; /* cut link pad */
	st->Ip6InOctets += p->len;
	if (ip6_is_multicast(&v.src) || ip6_addr_is_local(eng, &v.src)) {
		/* RFC 4291 2.7: never a source; our own address looped
		 * back (Linux drops it too, unless it is DAD's echo). */
		why = &st->Ip6InMartians;
		reason = "martian IPv6 source";
		goto drop;
	}
	if (ip6_is_multicast(&v.dst)) {
		if (!ip6_mc_joined(eng, ifp->index, &v.dst)) {
			why = &st->Ip6InAddrErrors;
			reason = "multicast group not joined";
			goto drop;
		}
		st->Ip6InMcastPkts++;
	} else {
		ia = ip6_addr_find(eng, 0, &v.dst);
		if (!ia || ia->state == ADDR6_DUPLICATE ||
		    (ip6_is_linklocal(&v.dst) && ia->ifindex != ifp->index)) {
			why = &st->Ip6InAddrErrors;
			reason = "not for this host";
			goto drop;
		}
		if (ia->state == ADDR6_TENTATIVE &&
		    v.upper_proto != IP6_NH_ICMPV6) {
			/* RFC 4862 5.4: a tentative address takes only
			 * Neighbor Discovery. */
			why = &st->Ip6InAddrErrors;
			reason = "tentative destination";
			goto drop;
		}
	}
	input_chain(ifp, p, &v);
	return;
drop:
	pkt_drop(eng, p, why, reason);
}

/* ---- output ---- */

/* The interface for a link-scope or multicast destination. */
static struct netif *scoped_dev(struct engine *eng, int oif)
{
	if (oif)
		return netif_by_index(eng, oif);
	for (struct netif *ifp = eng->ifaces; ifp; ifp = ifp->next)
		if (ifp->up && nd6_if_get(eng, ifp->index))
			return ifp;
	return NULL;
}

/* Send one finished packet on @ifp towards @nexthop. */
static void link_output(struct netif *ifp, struct pkt *p,
			const struct ip6_addr *nexthop)
{
	if (ifp->kind == NETIF_TUN) {
		netif_xmit(ifp, p);
		return;
	}
	nd6_output(ifp, p, nexthop);
}

/*
 * Push the IPv6 header (and the Router Alert Hop-by-Hop header when asked)
 * in front of the payload in @p.  Return: 0 or -ENOBUFS.
 */
static int push_header(struct pkt *p, struct ip6_view *v, bool router_alert)
{
	uint8_t *h;

	if (router_alert) {
		h = pkt_push(p, 8);
		if (!h)
			return -ENOBUFS;
		ip6_hbh_router_alert(h, 8, v->next_header, IP6_RA_MLD);
		v->next_header = IP6_NH_HOPOPTS;
	}
	h = pkt_push(p, IP6_HLEN);
	if (!h)
		return -ENOBUFS;
	v->payload = h + IP6_HLEN;
	v->payload_len = p->len - IP6_HLEN;
	return ip6_emit(h, p->len, v) < 0 ? -EINVAL : 0;
}

/**
 * ipv6_output_dev() - send @p with an IPv6 header on @ifp straight to
 * @mac, without routing or neighbour resolution
 *
 * For Neighbor Discovery's own messages (an NS must not wait on the entry
 * it resolves).  @o->src is used as is.  Always consumes @p.
 * Return: 0 or -errno.
 */
int ipv6_output_dev(struct netif *ifp, struct pkt *p, const struct ip6_out *o,
		    const struct mac_addr *mac)
{
	struct engine *eng = ifp->eng;
	struct ip6_view v = { .next_header = o->proto,
			      .hop_limit = o->hop_limit,
			      .tclass = o->tclass,
			      .flow_label = o->flow_label,
			      .src = o->src,
			      .dst = o->dst };
	int rc;

	eng->stats.ip6.Ip6OutRequests++;
	rc = push_header(p, &v, o->router_alert);
	if (rc) {
		pkt_drop(eng, p, &eng->stats.ip6.Ip6OutDiscards, "no headroom");
		return rc;
	}
	eng->stats.ip6.Ip6OutOctets += p->len;
	if (ip6_is_multicast(&o->dst))
		eng->stats.ip6.Ip6OutMcastPkts++;
	if (ifp->kind == NETIF_TUN)
		return netif_xmit(ifp, p);
	return eth_output(ifp, p, mac, ETHERTYPE_IPV6);
}

/**
 * ipv6_output() - send @p as the payload of an IPv6 packet
 * @p: the upper-layer header and data, with headroom; always consumed
 *
 * Return: 0 once handed to the link; -ENETUNREACH (no route, or a
 * destination of our own: the engine has no loopback), -EADDRNOTAVAIL
 * (no usable source), -EMSGSIZE (over 65535 bytes, or over the path MTU
 * with @o->dontfrag), -ENOBUFS.
 */
int ipv6_output(struct engine *eng, struct pkt *p, const struct ip6_out *o)
{
	struct ip6_stats *st = &eng->stats.ip6;
	struct ip6_view v = { .next_header = o->proto,
			      .hop_limit = o->hop_limit,
			      .tclass = o->tclass,
			      .flow_label = o->flow_label,
			      .src = o->src,
			      .dst = o->dst };
	struct route6_result r;
	struct ip6_addr nexthop = o->dst;
	struct pktq frags = { 0 };
	struct netif *ifp = NULL;
	struct nd6_if *ni;
	uint64_t *why;
	const char *reason;
	uint32_t mtu;
	int rc, n;

	if (ip6_is_multicast(&o->dst) || ip6_is_linklocal(&o->dst)) {
		ifp = scoped_dev(eng, o->oif);
	} else if (!ip6_addr_is_local(eng, &o->dst) &&
		   !route6_lookup(eng, &o->dst, o->oif, &r)) {
		ifp = netif_by_index(eng, r.ifindex);
		nexthop = r.nexthop;
	}
	if (!ifp || !ifp->up) {
		rc = -ENETUNREACH;
		why = &st->Ip6OutNoRoutes;
		reason = "no IPv6 route";
		goto drop;
	}
	if (ip6_is_unspec(&v.src) && !o->allow_unspec_src &&
	    ip6_select_src(eng, ifp->index, &o->dst, &v.src)) {
		rc = -EADDRNOTAVAIL;
		why = &st->Ip6OutDiscards;
		reason = "no IPv6 source address";
		goto drop;
	}
	if (!v.hop_limit) {
		ni = nd6_if_get(eng, ifp->index);
		/* RFC 3493 5.2: multicast hops default to 1. */
		v.hop_limit = ip6_is_multicast(&o->dst) ? 1
			      : ni && ni->cur_hop_limit ? ni->cur_hop_limit
							: IP6_DEFAULT_HOPLIMIT;
	}
	if (p->len > IP6_MAX_PAYLOAD - 8) {
		rc = -EMSGSIZE;
		why = &st->Ip6OutDiscards;
		reason = "IPv6 payload over 65535 bytes";
		goto drop;
	}
	st->Ip6OutRequests++;
	if (ip6_is_multicast(&o->dst))
		st->Ip6OutMcastPkts++;
	mtu = route6_mtu(eng, ifp, &o->dst);
	/* A TCP super-segment goes whole to a device that cuts it (TSO6). */
	if (IP6_HLEN + (o->router_alert ? 8 : 0) + p->len <= mtu ||
	    (p->off.gso_type == PKT_GSO_TCPV6 &&
	     (ifp->offload & NETIF_OFF_TSO6))) {
		rc = push_header(p, &v, o->router_alert);
		if (rc) {
			why = &st->Ip6OutDiscards;
			reason = "no headroom";
			goto drop;
		}
		st->Ip6OutOctets += p->len;
		link_output(ifp, p, &nexthop);
		return 0;
	}
	if (o->dontfrag || o->router_alert) {
		rc = -EMSGSIZE;
		why = &st->Ip6FragFails;
		reason = "over the path MTU, fragmentation refused";
		goto drop;
	}
	n = ipv6_fragment(eng, &v, p->data, p->len, mtu, &frags);
	if (n < 0) {
		rc = n;
		why = &st->Ip6FragFails;
		reason = "fragmentation failed";
		goto drop;
	}
	pkt_free(p);
	st->Ip6FragOKs++;
	st->Ip6FragCreates += (uint64_t)n;
	while ((p = pktq_pop(&frags))) {
		st->Ip6OutOctets += p->len;
		link_output(ifp, p, &nexthop);
	}
	return 0;
drop:
	pkt_drop(eng, p, why, reason);
	return rc;
}

/* ---- life cycle ---- */

/**
 * ip6_init() - the IPv6 tables of @eng (empty: interfaces enable IPv6
 * with ip6_enable())
 *
 * Return: 0 or -ENOMEM.
 */
int ip6_init(struct engine *eng)
{
	eng->ip6 = calloc(1, sizeof(*eng->ip6));
	if (!eng->ip6)
		return -ENOMEM;
	eng->ip6->eng = eng;
	timer_init(&eng->ip6->route_timer, route6_timer_fire);
	return 0;
}

/** ip6_fini() - free everything ip6_init() and later calls made. */
void ip6_fini(struct engine *eng)
{
	struct ip6_state *s = eng->ip6;

	if (!s)
		return;
	frag6_fini(eng);
	while (s->naddrs)
		ip6_addr_free(eng, s->addrs[0]);
	for (size_t i = 0; i < s->ngroups; i++) {
		timer_cancel(&eng->timers, &s->groups[i]->report_timer);
		free(s->groups[i]);
	}
	for (size_t i = 0; i < IP6_MAX_IFS; i++)
		if (s->ifs[i].used) /* others were never timer_init()ed */
			timer_cancel(&eng->timers, &s->ifs[i].rs_timer);
	timer_cancel(&eng->timers, &s->route_timer);
	free(s);
	eng->ip6 = NULL;
}

/**
 * ip6_netif_down() - @ifp goes away: its addresses, groups, routes and
 * ND state with it
 */
void ip6_netif_down(struct netif *ifp)
{
	struct engine *eng = ifp->eng;
	struct ip6_state *s = eng->ip6;
	struct nd6_if *ni;

	if (!s)
		return;
	for (size_t i = s->naddrs; i-- > 0;)
		if (s->addrs[i]->ifindex == ifp->index)
			ip6_addr_free(eng, s->addrs[i]);
	for (size_t i = s->ngroups; i-- > 0;) {
		struct ip6_group *g = s->groups[i];

		if (g->ifindex != ifp->index)
			continue;
		timer_cancel(&eng->timers, &g->report_timer);
		free(g);
		memmove(&s->groups[i], &s->groups[i + 1],
			(s->ngroups - i - 1) * sizeof(struct ip6_group *));
		s->ngroups--;
	}
	route6_flush_dev(eng, ifp->index);
	ni = nd6_if_get(eng, ifp->index);
	if (ni) {
		timer_cancel(&eng->timers, &ni->rs_timer);
		ni->used = false;
	}
}

/**
 * ip6_enable() - start IPv6 on @ifp: the link-local address (Ethernet
 * interfaces, RFC 4862 5.3), DAD on it, and with @slaac Router
 * Solicitations and RA processing (RFC 4861 6.3.7)
 *
 * Return: 0 or -errno.
 */
int ip6_enable(struct netif *ifp, bool slaac)
{
	struct nd6_if *ni = nd6_if_get(ifp->eng, ifp->index);
	int rc = 0;

	if (!ni)
		return -ENOSPC;
	ni->slaac = slaac;
	if (ifp->kind != NETIF_TUN)
		rc = slaac_linklocal(ifp);
	if (!rc && slaac)
		nd6_rs_start(ifp);
	return rc;
}
