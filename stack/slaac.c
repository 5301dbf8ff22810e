// SPDX-License-Identifier: MIT
/*
 * slaac.c - IPv6 Stateless Address Autoconfiguration (RFC 4862): stable
 * interface identifiers (RFC 7217), Duplicate Address Detection (RFC
 * 4862 5.4, optimistic per RFC 4429), and address lifetimes
 *
 * Interface identifiers (RFC 7217 5)
 *
 *   RID = F(Prefix, Net_Iface, Network_ID, DAD_Counter, secret_key)
 *
 * F is SipHash-2-4 keyed with the engine's 16-byte random secret
 * (eng->secret), over the 8 prefix bytes, the interface name padded with
 * zeros to IFNAMSIZ (16) bytes (Net_Iface), and one DAD_Counter byte;
 * Network_ID is not used (it is optional).  SipHash is a PRF with a
 * 128-bit key and 64-bit output, exactly the IID's width, and is already
 * the engine's keyed hash, so no second primitive is needed; RFC 7217 5
 * asks only that F be a PRF whose output cannot be guessed without the
 * key.  The 64 output bits are the IID in network order (SipHash's
 * little-endian result written big-endian).  An IID in the RFC 5453
 * reserved ranges is skipped by bumping the DAD_Counter, as RFC 7217 5
 * says.  The secret is random per engine start, so addresses are stable
 * for the engine's life, not across restarts (a persistent key file would
 * make them stable across restarts; see the report).
 *
 * DAD (RFC 4862 5.4): a new address is TENTATIVE (or OPTIMISTIC for SLAAC
 * addresses with RFC 4429 on), its solicited-node group is joined, and
 * after a random delay of up to MAX_RTR_SOLICITATION_DELAY one NS from ::
 * goes to that group (DupAddrDetectTransmits 1); RetransTimer (1 s) later
 * without an answer the address becomes PREFERRED.  An NA for it, or
 * another node's DAD NS for it, means a duplicate: the address becomes
 * DUPLICATE, is logged with the MAC that holds it, and an autoconfigured
 * one is regenerated with the next DAD_Counter (RFC 7217 6), at most
 * IDGEN_RETRIES times.
 *
 * Temporary addresses (RFC 8981, with --tempaddr): next to the stable
 * address of each SLAAC prefix, one with a random IID (3.3.1), valid for
 * at most TEMP_VALID_LIFETIME and preferred for at most
 * TEMP_PREFERRED_LIFETIME minus a random DESYNC_FACTOR (3.4, 3.8); a
 * successor is made REGEN_ADVANCE before it is deprecated (3.5), and
 * source selection prefers them (RFC 6724 rule 7).
 */
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include "dhcp6_client.h"
#include "engine.h"
#include "hash.h"
#include "ipv6.h"
#include "log.h"
#include "nd6.h"
#include "wire/nd.h"

#define container_of(ptr, type, member)                                        \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

static const struct ip6_addr ll_prefix = { { 0xfe, 0x80 } };

/* RFC 5453 reserved interface identifiers. */
static bool iid_reserved(const uint8_t iid[8])
{
	static const uint8_t zero[8],
		anycast[7] = { 0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (!memcmp(iid, zero, 8))
		return true; /* Subnet-Router Anycast (RFC 4291 2.6.1) */
	/* Reserved Subnet Anycast, fdff:ffff:ffff:ff80-ffff (RFC 2526). */
	return !memcmp(iid, anycast, 7) && iid[7] >= 0x80;
}

/**
 * slaac_iid() - the RFC 7217 interface identifier (see the top of file)
 * @prefix: its first 8 bytes are used
 * @ifname: Net_Iface
 * @iid: out, 8 bytes in network order
 *
 * Return: 0, or -EADDRNOTAVAIL when the result is a reserved IID (the
 * caller tries the next DAD_Counter).
 */
int slaac_iid(const uint8_t secret[16], const struct ip6_addr *prefix,
	      const char *ifname, uint8_t dad_counter, uint8_t iid[8])
{
	uint8_t in[8 + IFNAMSIZ + 1] = { 0 };
	uint64_t h;

	memcpy(in, prefix->b, 8);
	strncpy((char *)in + 8, ifname, IFNAMSIZ - 1);
	in[8 + IFNAMSIZ] = dad_counter;
	h = hash_keyed(secret, in, sizeof(in));
	for (int i = 0; i < 8; i++)
		iid[i] = (uint8_t)(h >> (56 - 8 * i));
	return iid_reserved(iid) ? -EADDRNOTAVAIL : 0;
}

/*
 * Form prefix::IID with the first DAD_Counter from @counter on that gives
 * an unreserved IID.  Return: the counter used.
 */
static uint8_t form_addr(struct netif *ifp, const struct ip6_addr *prefix,
			 uint8_t counter, struct ip6_addr *a)
{
	*a = *prefix;
	while (slaac_iid(ifp->eng->secret, prefix, ifp->name, counter,
			 a->b + 8) &&
	       counter < 255)
		counter++;
	return counter;
}

/* Form and add prefix::IID (RFC 7217) and start DAD on it. */
static int add_auto(struct netif *ifp, const struct ip6_addr *prefix,
		    unsigned int flags, uint8_t counter, uint32_t valid_s,
		    uint32_t pref_s)
{
	struct ip6_addr a;
	struct ifaddr6 *ia;
	int rc;

	counter = form_addr(ifp, prefix, counter, &a);
	rc = ip6_addr_add(ifp, &a, 64, flags, valid_s, pref_s);
	if (rc)
		return rc;
	ia = ip6_addr_find(ifp->eng, ifp->index, &a);
	if (ia)
		ia->dad_counter = counter;
	return 0;
}

/**
 * slaac_linklocal() - form fe80::/64 + the RFC 7217 IID on @ifp and start
 * DAD on it (RFC 4862 5.3)
 *
 * Return: 0 or -errno.
 */
int slaac_linklocal(struct netif *ifp)
{
	return add_auto(ifp, &ll_prefix, IFA6_F_LINKLOCAL, 0, ND_INFINITY,
			ND_INFINITY);
}

/** slaac_set_lifetimes() - valid and preferred lifetimes from now. */
void slaac_set_lifetimes(struct ifaddr6 *ia, uint32_t valid_s, uint32_t pref_s)
{
	uint64_t now = ia->eng->now;

	ia->valid_until = valid_s == ND_INFINITY
				  ? IP6_LIFETIME_INF
				  : now + (uint64_t)valid_s * 1000000;
	ia->preferred_until = pref_s == ND_INFINITY
				      ? IP6_LIFETIME_INF
				      : now + (uint64_t)pref_s * 1000000;
}

/* Arm @ia's timer for its next lifetime event, if any. */
static void arm_lifetime(struct ifaddr6 *ia)
{
	struct engine *eng = ia->eng;
	uint64_t next = ia->valid_until;

	if (ia->state == ADDR6_PREFERRED && ia->preferred_until < next)
		next = ia->preferred_until;
	/* RFC 8981 3.5: wake REGEN_ADVANCE early to make the successor. */
	if ((ia->flags & IFA6_F_TEMPORARY) && !ia->regen_done &&
	    ia->state == ADDR6_PREFERRED &&
	    ia->preferred_until != IP6_LIFETIME_INF &&
	    ia->preferred_until - TEMP_REGEN_ADVANCE * 1000000ull < next)
		next = ia->preferred_until - TEMP_REGEN_ADVANCE * 1000000ull;
	if (next == IP6_LIFETIME_INF) {
		timer_cancel(&eng->timers, &ia->timer);
		return;
	}
	timer_arm(&eng->timers, &ia->timer, next);
}

/**
 * slaac_update_lifetimes() - new lifetimes for an address past DAD (a
 * DHCPv6 RENEW, RFC 8415 18.2.10.1): a deprecated address whose preferred
 * lifetime grows is preferred again, and the timer follows
 */
void slaac_update_lifetimes(struct ifaddr6 *ia, uint32_t valid_s,
			    uint32_t pref_s)
{
	slaac_set_lifetimes(ia, valid_s, pref_s);
	if (ia->state == ADDR6_DEPRECATED && ia->preferred_until > ia->eng->now)
		ia->state = ADDR6_PREFERRED;
	if (ia->state == ADDR6_PREFERRED || ia->state == ADDR6_DEPRECATED)
		arm_lifetime(ia);
}

/* DAD is over without a conflict (RFC 4862 5.4.5 not taken). */
static void dad_done(struct ifaddr6 *ia)
{
	char buf[INET6_ADDRSTRLEN];

	/* RFC 4862 5.5.4: a preferred lifetime already over means
	 * deprecated from the start. */
	ia->state = ia->preferred_until <= ia->eng->now ? ADDR6_DEPRECATED
							: ADDR6_PREFERRED;
	log_info("ipv6: %s/%u is %s", ip6_str(&ia->addr, buf), ia->prefixlen,
		 ia->state == ADDR6_PREFERRED ? "preferred" : "deprecated");
	arm_lifetime(ia);
}

/**
 * slaac_dad_start() - begin Duplicate Address Detection on @ia (RFC 4862
 * 5.4.2); on a TUN link (no link layer, like Linux's IFF_NOARP) the
 * address is usable at once
 */
void slaac_dad_start(struct netif *ifp, struct ifaddr6 *ia)
{
	struct engine *eng = ifp->eng;

	if (ifp->kind == NETIF_TUN) {
		dad_done(ia);
		return;
	}
	/* RFC 4429 3.1: an optimistic address is usable during DAD. */
	ia->state = eng->ip6->optimistic_dad && (ia->flags & IFA6_F_AUTOCONF)
			    ? ADDR6_OPTIMISTIC
			    : ADDR6_TENTATIVE;
	ia->dad_ns_left = SLAAC_DAD_TRANSMITS;
	/* RFC 4862 5.4.2: delay the first NS randomly by up to
	 * MAX_RTR_SOLICITATION_DELAY, so hosts started together do not
	 * collide. */
	engine_timer_arm(eng, &ia->timer,
			 rand_range(0, ND_MAX_RTR_SOLICITATION_DELAY));
}

/**
 * slaac_dad_failed() - @ia is in use by the node at @by (RFC 4862 5.4.5):
 * mark it DUPLICATE, log it, and regenerate an autoconfigured one with the
 * next DAD_Counter (RFC 7217 6)
 */
void slaac_dad_failed(struct ifaddr6 *ia, const struct mac_addr *by)
{
	struct engine *eng = ia->eng;
	struct netif *ifp = netif_by_index(eng, ia->ifindex);
	const uint8_t *m = by->b;
	char buf[INET6_ADDRSTRLEN];
	struct ip6_addr prefix = ia->addr;
	uint32_t valid_s = ND_INFINITY, pref_s = ND_INFINITY;

	eng->stats.icmp6.Icmp6DadFailures++;
	log_err("DAD failed for %s: in use by %02x:%02x:%02x:%02x:%02x:%02x",
		ip6_str(&ia->addr, buf), m[0], m[1], m[2], m[3], m[4], m[5]);
	ia->state = ADDR6_DUPLICATE;
	timer_cancel(&eng->timers, &ia->timer);
	if (ifp && (ia->flags & IFA6_F_DHCP6)) {
		/* RFC 8415 18.2.10.1: the client DECLINEs it (and frees
		 * @ia): pass a copy of the address. */
		prefix = ia->addr;
		dhcp6c_dad_failed(ifp, &prefix);
		return;
	}
	if (ifp && (ia->flags & IFA6_F_TEMPORARY)) {
		/* RFC 8981 3.3.2: a new random IID, TEMP_IDGEN_RETRIES
		 * times at most. */
		memset(prefix.b + 8, 0, 8);
		if (ia->dad_counter < TEMP_IDGEN_RETRIES)
			slaac_add_temp(ifp, &prefix, ND_INFINITY, ND_INFINITY,
				       (uint8_t)(ia->dad_counter + 1));
		return;
	}
	if (!ifp || !(ia->flags & (IFA6_F_AUTOCONF | IFA6_F_LINKLOCAL)) ||
	    ia->dad_counter >= SLAAC_IDGEN_RETRIES)
		return;
	memset(prefix.b + 8, 0, 8);
	if (ia->valid_until != IP6_LIFETIME_INF)
		valid_s = (uint32_t)((ia->valid_until - eng->now) / 1000000);
	if (ia->preferred_until != IP6_LIFETIME_INF)
		pref_s = ia->preferred_until > eng->now
				 ? (uint32_t)((ia->preferred_until - eng->now) /
					      1000000)
				 : 0;
	add_auto(ifp, &prefix, ia->flags, (uint8_t)(ia->dad_counter + 1),
		 valid_s, pref_s);
}

/**
 * slaac_addr_timer_fire() - the next DAD step, or a lifetime ending
 * (preferred -> deprecated -> removed, RFC 4862 5.5.4)
 */
void slaac_addr_timer_fire(struct timer *t)
{
	struct ifaddr6 *ia = container_of(t, struct ifaddr6, timer);
	struct engine *eng = ia->eng;
	struct netif *ifp = netif_by_index(eng, ia->ifindex);

	switch (ia->state) {
	case ADDR6_TENTATIVE:
	case ADDR6_OPTIMISTIC:
		if (!ifp)
			return;
		if (ia->dad_ns_left) {
			ia->dad_ns_left--;
			nd6_send_ns(ifp, &ia->addr, true);
			engine_timer_arm(eng, t, ND_RETRANS_TIMER);
			return;
		}
		dad_done(ia);
		return;
	case ADDR6_PREFERRED:
	case ADDR6_DEPRECATED:
		if (ia->valid_until <= eng->now) {
			ip6_addr_free(eng, ia); /* frees ia */
			return;
		}
		if (ia->preferred_until <= eng->now)
			ia->state = ADDR6_DEPRECATED;
		else if ((ia->flags & IFA6_F_TEMPORARY) && !ia->regen_done &&
			 ifp &&
			 ia->preferred_until <=
				 eng->now + TEMP_REGEN_ADVANCE * 1000000ull) {
			struct ip6_addr prefix = ia->addr;

			ia->regen_done = true;
			memset(prefix.b + 8, 0, 8);
			slaac_add_temp(ifp, &prefix, ND_INFINITY, ND_INFINITY,
				       0);
		}
		arm_lifetime(ia);
		return;
	case ADDR6_DUPLICATE:
		return;
	}
}

/**
 * slaac_prefix() - a Prefix Information option with A set (RFC 4862
 * 5.5.3): form an address for a new prefix, or update the lifetimes of
 * the one formed earlier
 */
void slaac_prefix(struct netif *ifp, const struct ip6_addr *prefix,
		  uint8_t plen, uint32_t valid_s, uint32_t pref_s)
{
	struct engine *eng = ifp->eng;
	struct ifaddr6 *ia = NULL;
	uint64_t remaining;

	/* 5.5.3 (b), (c): not link-local; preferred <= valid. */
	if (ip6_is_linklocal(prefix) || pref_s > valid_s)
		return;
	for (size_t i = 0; i < eng->ip6->naddrs; i++) {
		struct ifaddr6 *a = eng->ip6->addrs[i];

		if (a->ifindex == ifp->index && (a->flags & IFA6_F_AUTOCONF) &&
		    !(a->flags & IFA6_F_TEMPORARY) &&
		    a->state != ADDR6_DUPLICATE &&
		    ip6_prefix_match(&a->addr, prefix, 64)) {
			ia = a;
			break;
		}
	}
	if (!ia) {
		/* 5.5.3 (d): a new prefix; the IID is 64 bits, so only a
		 * /64 forms an address (RFC 4291 2.5.1). */
		if (!valid_s || plen != 64)
			return;
		add_auto(ifp, prefix, IFA6_F_AUTOCONF, 0, valid_s, pref_s);
		if (eng->ip6->tempaddr)
			slaac_add_temp(ifp, prefix, valid_s, pref_s, 0);
		return;
	}
	/* 5.5.3 (e): preferred lifetime is taken as is; the valid lifetime
	 * only drops below two hours if the remaining one already is. */
	ia->preferred_until = pref_s == ND_INFINITY
				      ? IP6_LIFETIME_INF
				      : eng->now + (uint64_t)pref_s * 1000000;
	remaining = ia->valid_until == IP6_LIFETIME_INF
			    ? UINT64_MAX
			    : (ia->valid_until > eng->now
				       ? (ia->valid_until - eng->now) / 1000000
				       : 0);
	if (valid_s == ND_INFINITY)
		ia->valid_until = IP6_LIFETIME_INF;
	else if (valid_s > SLAAC_TWO_HOURS || valid_s > remaining)
		ia->valid_until = eng->now + (uint64_t)valid_s * 1000000;
	else if (remaining > SLAAC_TWO_HOURS)
		ia->valid_until = eng->now + SLAAC_TWO_HOURS * 1000000ull;
	if (ia->state == ADDR6_DEPRECATED && ia->preferred_until > eng->now)
		ia->state = ADDR6_PREFERRED;
	if (ia->state == ADDR6_PREFERRED || ia->state == ADDR6_DEPRECATED)
		arm_lifetime(ia);
}

/**
 * slaac_add_temp() - an RFC 8981 temporary address in @prefix (3.4)
 * @valid_s, @pref_s: the prefix's lifetimes, or ND_INFINITY to take them
 *	from the stable SLAAC address of the prefix
 * @tries: DAD attempts so far (3.3.2: at most TEMP_IDGEN_RETRIES)
 */
void slaac_add_temp(struct netif *ifp, const struct ip6_addr *prefix,
		    uint32_t valid_s, uint32_t pref_s, uint8_t tries)
{
	struct engine *eng = ifp->eng;
	/* 3.8: DESYNC_FACTOR in 0 .. MAX_DESYNC_FACTOR (0.4 * preferred). */
	uint32_t desync = rand_range(0, TEMP_PREFERRED_LIFETIME / 10 * 4);
	uint32_t pref_max = TEMP_PREFERRED_LIFETIME - desync;
	struct ifaddr6 *ia;
	struct ip6_addr a = *prefix;
	uint32_t r;

	for (size_t i = 0; i < eng->ip6->naddrs && valid_s == ND_INFINITY;
	     i++) {
		struct ifaddr6 *s = eng->ip6->addrs[i];

		if (s->ifindex != ifp->index ||
		    (s->flags & (IFA6_F_AUTOCONF | IFA6_F_TEMPORARY)) !=
			    IFA6_F_AUTOCONF ||
		    !ip6_prefix_match(&s->addr, prefix, 64))
			continue;
		valid_s = s->valid_until == IP6_LIFETIME_INF
				  ? ND_INFINITY
				  : (uint32_t)((s->valid_until - eng->now) /
					       1000000);
		pref_s = s->preferred_until == IP6_LIFETIME_INF ? ND_INFINITY
			 : s->preferred_until > eng->now
				 ? (uint32_t)((s->preferred_until - eng->now) /
					      1000000)
				 : 0;
	}
	if (valid_s > TEMP_VALID_LIFETIME)
		valid_s = TEMP_VALID_LIFETIME;
	if (pref_s > pref_max)
		pref_s = pref_max;
	/* 3.4: not worth making one that is deprecated almost at once. */
	if (pref_s <= TEMP_REGEN_ADVANCE)
		return;
	/* 3.3.1: a random IID, not a reserved one (RFC 5453). */
	do {
		r = rand_u32();
		memcpy(a.b + 8, &r, 4);
		r = rand_u32();
		memcpy(a.b + 12, &r, 4);
	} while (iid_reserved(a.b + 8));
	if (ip6_addr_add(ifp, &a, 64, IFA6_F_AUTOCONF | IFA6_F_TEMPORARY,
			 valid_s, pref_s))
		return;
	ia = ip6_addr_find(eng, ifp->index, &a);
	if (ia)
		ia->dad_counter = tries;
}
