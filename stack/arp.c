// SPDX-License-Identifier: MIT
/*
 * arp.c - ARP (RFC 826) for IPv4 over Ethernet, the IPv4 side of the
 * neighbour cache, and address conflict detection (RFC 5227)
 *
 * Theory of operation
 *
 * Input: a parsed packet first checks our addresses for conflicts (RFC
 * 5227 2.1.1 while probing, 2.4 once VALID); then, as RFC 826's "merge"
 * step, it updates the sender's existing cache entry (a reply to us that
 * names our MAC is a solicited confirmation; anything else, gratuitous ARP
 * included, is unsolicited) and creates one only when the packet is a
 * request for one of our VALID addresses; then such a request is answered.
 *
 * ACD: arp_addr_add() adds the address TENTATIVE (never used as a source,
 * never answered for) and runs one timer per address: a random wait of
 * 0..PROBE_WAIT, PROBE_NUM probes PROBE_MIN..PROBE_MAX apart, ANNOUNCE_WAIT,
 * then VALID and ANNOUNCE_NUM announcements ANNOUNCE_INTERVAL apart.  A
 * VALID address is defended with one announcement at most every
 * DEFEND_INTERVAL (RFC 5227 2.4 (b) and (c) both limit defence to that
 * rate).  We keep the address after a defence: it was configured by hand,
 * and silently giving up a server's address on a second conflicting
 * packet (the rest of (b)) would let any host on the link take it; the
 * conflicts are counted (ArpConflicts) and logged.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "arp.h"
#include "engine.h"
#include "eth.h"
#include "hash.h"
#include "icmp4.h"
#include "ipv4.h"
#include "log.h"
#include "neigh.h"
#include "route.h"
#include "wire/arp.h"
#include "wire/cursor.h"
#include "wire/eth.h"

#define container_of(ptr, type, member)                                        \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

static const struct mac_addr mac_bcast = { { 0xff, 0xff, 0xff, 0xff, 0xff,
					     0xff } };
static const struct mac_addr mac_zero = { { 0 } };

/* One address under RFC 5227 probing or announcing. */
struct acd {
	struct acd *next;
	struct engine *eng;
	int ifindex;
	uint32_t addr;
	uint8_t probes;
	uint8_t announces;
	struct timer timer;
};

static const char *ip_str(uint32_t a, char *buf)
{
	uint32_t n = htonl(a);

	return inet_ntop(AF_INET, &n, buf, INET_ADDRSTRLEN);
}

static void arp_send(struct netif *ifp, uint16_t op,
		     const struct mac_addr *eth_dst, const struct mac_addr *tha,
		     uint32_t spa, uint32_t tpa)
{
	struct arp_view v = { .htype = ARP_HTYPE_ETHER,
			      .ptype = ARP_PTYPE_IPV4,
			      .hlen = ARP_HLEN_ETHER,
			      .plen = ARP_PLEN_IPV4,
			      .op = op,
			      .sha = ifp->mac,
			      .spa = spa,
			      .tha = *tha,
			      .tpa = tpa };
	struct pkt *p = pkt_alloc(ARP_LEN);

	if (!p)
		return;
	arp_emit(pkt_put(p, ARP_LEN), ARP_LEN, &v);
	eth_output(ifp, p, eth_dst, ETHERTYPE_ARP);
}

/* RFC 5227 2.3: an announcement is a request with spa == tpa. */
static void send_announce(struct netif *ifp, uint32_t addr)
{
	ifp->eng->stats.arp.ArpOutAnnounces++;
	arp_send(ifp, ARP_OP_REQUEST, &mac_bcast, &mac_zero, addr, addr);
}

/* ---- the IPv4 family of the neighbour cache ---- */

static void arp_solicit(struct neigh *n, bool unicast, const struct pkt *hint)
{
	struct netif *ifp = netif_by_index(n->eng, n->key.ifindex);
	uint32_t tip = ld_be32(n->key.addr), sip = 0;
	struct ipv4_view hv;

	if (!ifp)
		return;
	/* Like Linux arp_solicit(): the source of the waiting packet if it
	 * is ours, else the preferred source for the target. */
	if (hint && !ipv4_parse(hint->data, hint->len, &hv) &&
	    netif_has_addr4(ifp, hv.src))
		sip = hv.src;
	if (!sip)
		sip = route4_pref_src(ifp, tip);
	if (!sip)
		return; /* RFC 5227 2.1: no usable address yet */
	n->eng->stats.arp.ArpOutRequests++;
	arp_send(ifp, ARP_OP_REQUEST,
		 unicast && n->has_lladdr ? &n->lladdr : &mac_bcast, &mac_zero,
		 sip, tip);
}

static void arp_xmit(struct neigh *n, struct pkt *p)
{
	struct netif *ifp = netif_by_index(n->eng, n->key.ifindex);

	if (!ifp) {
		pkt_drop(n->eng, p, &n->eng->stats.ip.IpOutDiscards,
			 "interface gone");
		return;
	}
	eth_output(ifp, p, &n->lladdr, ETHERTYPE_IPV4);
}

static void arp_unreachable(struct neigh *n, struct pkt *p)
{
	/* Linux arp_error_report(): host unreachable to the sender, which
	 * is usually ourselves (a local socket learns EHOSTUNREACH). */
	icmp4_send_error(n->eng, p->data, p->len, ICMP4_DEST_UNREACH,
			 ICMP4_UNREACH_HOST, 0);
	pkt_drop(n->eng, p, &n->eng->stats.arp.NeighUnresolvedDiscards,
		 "address resolution failed");
}

const struct neigh_ops arp_neigh_ops = {
	.family = AF_INET,
	.solicit = arp_solicit,
	.xmit = arp_xmit,
	.unreachable = arp_unreachable,
};

/**
 * neigh_output4() - send the IPv4 packet @p to @nexthop on Ethernet @ifp
 *
 * Broadcasts and multicasts map to their MAC directly (RFC 1112 6.4);
 * unicast goes through the neighbour cache.  Always consumes @p.
 */
void neigh_output4(struct netif *ifp, struct pkt *p, uint32_t nexthop)
{
	struct mac_addr m;
	uint8_t key[4];

	if (ipv4_addr_is_bcast(ifp->eng, nexthop)) {
		eth_output(ifp, p, &mac_bcast, ETHERTYPE_IPV4);
		return;
	}
	if (ip4_is_multicast(nexthop)) {
		m.b[0] = 0x01;
		m.b[1] = 0x00;
		m.b[2] = 0x5e;
		m.b[3] = (uint8_t)(nexthop >> 16) & 0x7f;
		m.b[4] = (uint8_t)(nexthop >> 8);
		m.b[5] = (uint8_t)nexthop;
		eth_output(ifp, p, &m, ETHERTYPE_IPV4);
		return;
	}
	st_be32(key, nexthop);
	neigh_output(ifp->eng, ifp, &arp_neigh_ops, key, p);
}

/** neigh_add4() - `neigh add ADDR lladdr MAC dev IF permanent`. */
int neigh_add4(struct engine *eng, struct netif *ifp, uint32_t addr,
	       const struct mac_addr *lladdr, bool replace)
{
	uint8_t key[4];

	if (!addr || ip4_is_multicast(addr) || ip4_is_lbcast(addr))
		return -EINVAL;
	st_be32(key, addr);
	return neigh_add(eng, ifp, &arp_neigh_ops, key, lladdr, replace);
}

/** neigh_del4() - `neigh del ADDR dev IF`; -ENOENT when absent. */
int neigh_del4(struct engine *eng, struct netif *ifp, uint32_t addr)
{
	uint8_t key[4];

	st_be32(key, addr);
	return neigh_del(eng, ifp->index, AF_INET, key);
}

/* ---- RFC 5227 address conflict detection ---- */

static void acd_free(struct engine *eng, struct acd *a)
{
	struct acd **pp = &eng->neigh->acd;

	while (*pp && *pp != a)
		pp = &(*pp)->next;
	if (*pp)
		*pp = a->next;
	timer_cancel(&eng->timers, &a->timer);
	free(a);
}

static struct acd *acd_find(struct engine *eng, int ifindex, uint32_t addr)
{
	for (struct acd *a = eng->neigh->acd; a; a = a->next)
		if (a->ifindex == ifindex && a->addr == addr)
			return a;
	return NULL;
}

static void acd_arm(struct acd *a, uint64_t delay)
{
	if (engine_timer_arm(a->eng, &a->timer, delay))
		log_warn("arp: cannot arm ACD timer");
}

static void acd_fire(struct timer *t)
{
	struct acd *a = container_of(t, struct acd, timer);
	struct engine *eng = a->eng;
	struct netif *ifp = netif_by_index(eng, a->ifindex);
	struct ifaddr4 *ia = ifp ? netif_addr4_find(ifp, a->addr) : NULL;
	char buf[INET_ADDRSTRLEN];

	if (!ia || ia->state == ADDR4_CONFLICT) {
		acd_free(eng, a);
		return;
	}
	if (ia->state == ADDR4_TENTATIVE && a->probes < ACD_PROBE_NUM) {
		/* RFC 5227 2.1.1: sender address 0, target the address. */
		eng->stats.arp.ArpOutProbes++;
		arp_send(ifp, ARP_OP_REQUEST, &mac_bcast, &mac_zero, 0,
			 a->addr);
		a->probes++;
		ia->probes_sent = a->probes;
		acd_arm(a, a->probes < ACD_PROBE_NUM
				   ? rand_range(ACD_PROBE_MIN, ACD_PROBE_MAX)
				   : ACD_ANNOUNCE_WAIT);
		return;
	}
	if (ia->state == ADDR4_TENTATIVE) {
		/* RFC 5227 2.3: no conflict ANNOUNCE_WAIT after the last
		 * probe: the address is ours. */
		ia->state = ADDR4_VALID;
		log_info("%s is free on %s; using it", ip_str(a->addr, buf),
			 ifp->name);
	}
	send_announce(ifp, a->addr);
	a->announces++;
	ia->announces_sent = a->announces;
	if (a->announces < ACD_ANNOUNCE_NUM)
		acd_arm(a, ACD_ANNOUNCE_INTERVAL);
	else
		acd_free(eng, a);
}

/**
 * arp_addr_add() - add @addr/@prefixlen to @ifp, claiming it per RFC 5227
 *
 * On Ethernet with arp_acd set, the address starts TENTATIVE and becomes
 * VALID about 6-9 s later unless another host answers for it; on TUN (no
 * link layer) or with arp_acd=0 it is VALID at once.
 *
 * Return: 0, or what netif_addr4_add() returns (-EEXIST, -EINVAL,
 * -ENOSPC), or -ENOMEM.
 */
int arp_addr_add(struct netif *ifp, uint32_t addr, uint8_t prefixlen)
{
	struct engine *eng = ifp->eng;
	struct ifaddr4 *ia;
	struct acd *a;
	int rc = netif_addr4_add(ifp, addr, prefixlen);

	if (rc)
		return rc;
	if (ifp->kind == NETIF_TUN || !eng->sysctl.arp_acd)
		return 0;
	ia = netif_addr4_find(ifp, addr);
	a = calloc(1, sizeof(*a));
	if (!a) {
		netif_addr4_del(ifp, addr, prefixlen);
		return -ENOMEM;
	}
	ia->state = ADDR4_TENTATIVE;
	a->eng = eng;
	a->ifindex = ifp->index;
	a->addr = addr;
	timer_init(&a->timer, acd_fire);
	a->next = eng->neigh->acd;
	eng->neigh->acd = a;
	/* RFC 5227 2.1.1: wait 0..PROBE_WAIT so that hosts powered on
	 * together do not probe in lock step. */
	acd_arm(a, rand_range(0, (uint32_t)ACD_PROBE_WAIT));
	return 0;
}

/** arp_addr_del() - remove an address, stopping its probing if any. */
int arp_addr_del(struct netif *ifp, uint32_t addr, uint8_t prefixlen)
{
	struct acd *a = acd_find(ifp->eng, ifp->index, addr);
	int rc = netif_addr4_del(ifp, addr, prefixlen);

	if (!rc && a)
		acd_free(ifp->eng, a);
	return rc;
}

/** arp_fini() - free the ACD state (before neigh_fini()). */
void arp_fini(struct engine *eng)
{
	if (!eng->neigh)
		return;
	while (eng->neigh->acd)
		acd_free(eng, eng->neigh->acd);
}

static void mac_str(const struct mac_addr *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m->b[0], m->b[1],
		 m->b[2], m->b[3], m->b[4], m->b[5]);
}

/*
 * RFC 5227 2.1.1: while probing, a packet whose sender is the address, or
 * another host's probe for it, means someone else has it.  Returns true
 * when the packet was about a tentative address of ours.
 */
static bool check_tentative(struct netif *ifp, const struct arp_view *v)
{
	struct engine *eng = ifp->eng;
	char ip[INET_ADDRSTRLEN], mac[18];

	for (size_t i = 0; i < ifp->naddr4; i++) {
		struct ifaddr4 *ia = &ifp->addr4[i];
		struct acd *a;

		if (ia->state != ADDR4_TENTATIVE)
			continue;
		if (v->spa != ia->addr &&
		    !(arp_is_probe(v) && v->tpa == ia->addr))
			continue;
		ia->state = ADDR4_CONFLICT;
		eng->stats.arp.ArpConflicts++;
		mac_str(&v->sha, mac, sizeof(mac));
		log_err("%s is already in use by %s; not using it",
			ip_str(ia->addr, ip), mac);
		a = acd_find(eng, ifp->index, ia->addr);
		if (a)
			acd_free(eng, a);
		return true;
	}
	return false;
}

/*
 * RFC 5227 2.4: another host claims a VALID address of ours.  Defend it
 * with one announcement per DEFEND_INTERVAL.
 */
static void defend(struct netif *ifp, struct ifaddr4 *ia,
		   const struct arp_view *v)
{
	struct engine *eng = ifp->eng;
	char ip[INET_ADDRSTRLEN], mac[18];

	eng->stats.arp.ArpConflicts++;
	if (ia->last_defend && eng->now - ia->last_defend < ACD_DEFEND_INTERVAL)
		return;
	ia->last_defend = eng->now;
	eng->stats.arp.ArpDefends++;
	mac_str(&v->sha, mac, sizeof(mac));
	log_warn("%s is claimed by %s; defending it", ip_str(ia->addr, ip),
		 mac);
	send_announce(ifp, ia->addr);
}

static bool martian_sender(const struct engine *eng, const struct arp_view *v)
{
	if (mac_is_multicast(&v->sha))
		return true;
	if (v->spa == 0)
		return !arp_is_probe(v); /* only a probe may have no sender */
	return ip4_is_multicast(v->spa) || ip4_is_loopback(v->spa) ||
	       ipv4_addr_is_bcast(eng, v->spa) || ip4_is_zeronet(v->spa);
}

/**
 * arp_input() - one ARP packet from Ethernet @ifp
 * @p: p->data at the ARP header; always consumed
 */
void arp_input(struct netif *ifp, struct pkt *p)
{
	struct engine *eng = ifp->eng;
	struct arp_stats *st = &eng->stats.arp;
	struct ifaddr4 *ia;
	struct arp_view v;
	bool for_us;
	uint8_t key[4];
	uint64_t *why;
	const char *reason;

	if (arp_parse(p->data, p->len, &v)) {
		why = &st->ArpInErrors;
		reason = "malformed ARP";
		goto drop;
	}
	if (v.op == ARP_OP_REQUEST) {
		st->ArpInRequests++;
	} else if (v.op == ARP_OP_REPLY) {
		st->ArpInReplies++;
	} else {
		why = &st->ArpInErrors;
		reason = "unknown ARP opcode";
		goto drop;
	}
	if (martian_sender(eng, &v)) {
		why = &st->ArpInMartians;
		reason = "martian ARP sender";
		goto drop;
	}
	if (mac_eq(&v.sha, &ifp->mac)) /* our own frame, reflected */
		goto consumed;
	if (check_tentative(ifp, &v))
		goto consumed;
	ia = v.spa ? netif_addr4_find(ifp, v.spa) : NULL;
	if (ia && ia->state == ADDR4_VALID) {
		defend(ifp, ia, &v);
		goto consumed;
	}
	for_us = netif_has_addr4(ifp, v.tpa);
	if (v.spa) {
		/* RFC 826 merge: update an existing entry; create one only
		 * if we are the target of a (non-gratuitous) request. */
		bool confirm = v.op == ARP_OP_REPLY && for_us &&
			       mac_eq(&v.tha, &ifp->mac);

		st_be32(key, v.spa);
		neigh_event(eng, ifp, &arp_neigh_ops, key, &v.sha,
			    confirm ? NEV_CONFIRM : NEV_UNSOLICITED,
			    v.op == ARP_OP_REQUEST && for_us &&
				    !arp_is_gratuitous(&v));
	}
	if (v.op == ARP_OP_REQUEST && for_us) {
		/* RFC 826: swap, fill in our MAC, reply to the asker (a
		 * probe's sender address is 0, as in Linux's reply). */
		st->ArpOutReplies++;
		arp_send(ifp, ARP_OP_REPLY, &v.sha, &v.sha, v.tpa, v.spa);
		goto consumed;
	}
	if (v.op == ARP_OP_REQUEST) {
		why = &st->ArpInOtherTarget;
		reason = "ARP request for another host";
		goto drop;
	}
consumed:
	pkt_free(p);
	return;
drop:
	pkt_drop(eng, p, why, reason);
}
