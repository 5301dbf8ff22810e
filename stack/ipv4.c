// SPDX-License-Identifier: MIT
/*
 * ipv4.c - IPv4 input (validation, address filtering, reassembly,
 * dispatch) and output (routing, source selection, fragmentation)
 *
 * Theory of operation
 *
 * Input follows Linux's ip_rcv() and ip_route_input_slow() as a host
 * (no forwarding): parse (IpInHdrErrors, IpInTruncatedPkts), checksum
 * (IpInCsumErrors), drop source-routed packets (IpInSrcRouteDrops, RFC
 * 7126 4.3/4.4) and impossible sources (IpInMartians, RFC 1122 3.2.1.3 and
 * RFC 1812 5.3.7), accept only our VALID addresses (the weak host model
 * of RFC 1122 3.3.4.2: any interface's address on any interface), the
 * limited and directed broadcasts and the multicast groups joined;
 * anything else is IpInAddrErrors, as Linux counts it with forwarding
 * off.  Fragments are reassembled (ipv4_frag.c) before dispatch.
 *
 * Output: route lookup (IpOutNoRoutes), source selection when the caller
 * leaves it 0, an ID from the per-destination counters, then either one
 * packet or fragments at the path MTU (RFC 1191), or -EMSGSIZE when the
 * caller asked for DF.  TUN interfaces carry the bare IP packet; Ethernet
 * interfaces resolve the next hop through the neighbour cache.
 */
#include <errno.h>

#include "arp.h"
#include "engine.h"
#include "icmp4.h"
#include "igmp.h"
#include "tcp.h"
#include "ipv4.h"
#include "ipv4_frag.h"
#include "log.h"
#include "neigh.h"
#include "route.h"
#include "udp.h"
#include "wire/cursor.h"

/** ipv4_addr_is_local() - @a is a VALID address of some interface. */
bool ipv4_addr_is_local(const struct engine *eng, uint32_t a)
{
	for (const struct netif *ifp = eng->ifaces; ifp; ifp = ifp->next)
		if (netif_has_addr4(ifp, a))
			return true;
	return false;
}

static bool is_subnet_bcast(const struct netif *ifp, uint32_t a)
{
	for (size_t i = 0; i < ifp->naddr4; i++) {
		const struct ifaddr4 *ia = &ifp->addr4[i];
		uint32_t m = ip4_mask(ia->prefixlen);

		/* /31 and /32 have no broadcast address (RFC 3021). */
		if (ia->prefixlen < 31 && a == ((ia->addr & m) | ~m))
			return true;
	}
	return false;
}

/**
 * ipv4_addr_is_bcast() - @a is 255.255.255.255 or the directed broadcast
 * of a subnet of ours
 */
bool ipv4_addr_is_bcast(const struct engine *eng, uint32_t a)
{
	if (ip4_is_lbcast(a))
		return true;
	for (const struct netif *ifp = eng->ifaces; ifp; ifp = ifp->next)
		if (is_subnet_bcast(ifp, a))
			return true;
	return false;
}

/*
 * RFC 1122 3.2.1.3 and RFC 1812 5.3.7: a source that is multicast, a
 * broadcast, loopback, "this network" (but 0.0.0.0 to the limited
 * broadcast: a DHCP client, as Linux allows), or one of our own addresses
 * (Linux accept_local=0) cannot be a real sender.
 */
static bool martian_source(const struct engine *eng, uint32_t src, uint32_t dst)
{
	if (src == 0 && ip4_is_lbcast(dst))
		return false;
	return ip4_is_multicast(src) || ipv4_addr_is_bcast(eng, src) ||
	       ip4_is_loopback(src) || ip4_is_zeronet(src) ||
	       ipv4_addr_is_local(eng, src);
}

/*
 * ipv4_parse() says only "malformed"; Linux tells a datagram cut short by
 * the link (total length beyond the bytes received) apart as
 * IpInTruncatedPkts.  Read just the version and total length, through a
 * cursor, to tell which.
 */
static bool is_truncated(const struct pkt *p)
{
	struct cursor c = cur_make(p->data, p->len);
	uint8_t vihl = cur_u8(&c);
	uint16_t total;

	cur_skip(&c, 1);
	total = cur_be16(&c);
	return cur_ok(&c) && vihl >> 4 == 4 && p->len >= IPV4_HLEN &&
	       total > p->len;
}

/*
 * Hand a whole datagram to its transport, p->data at the transport
 * header.  Consumes @p.
 */
static void deliver(struct netif *ifp, struct pkt *p, const struct ipv4_view *v)
{
	struct engine *eng = ifp->eng;
	struct ip_stats *st = &eng->stats.ip;

	pkt_pull(p, (size_t)v->ihl * 4);
	switch (v->proto) {
	case IPV4_PROTO_ICMP:
		st->IpInDelivers++;
		icmp4_input(ifp, p, v);
		return;
	case IPV4_PROTO_UDP:
		st->IpInDelivers++;
		udp_input(ifp, p, v);
		return;
	case IPV4_PROTO_IGMP:
		st->IpInDelivers++;
		igmp_input(ifp, p, v);
		return;
	case IPV4_PROTO_TCP:
		st->IpInDelivers++;
		tcp_input(ifp, p, v);
		return;
	default:
		/* RFC 1122 3.2.2.1: protocol unreachable. */
		icmp4_send_error(eng, ipv4_view_hdr(v), ipv4_view_len(v),
				 ICMP4_DEST_UNREACH, ICMP4_UNREACH_PROTO, 0);
		pkt_drop(eng, p, &st->IpInUnknownProtos, "unknown protocol");
		return;
	}
}

/**
 * ipv4_input() - one IPv4 datagram or fragment from @ifp
 * @p: p->data at the IPv4 header, link pad possibly after it
 *
 * Consumes @p: delivered to a transport, queued for reassembly, or
 * dropped with exactly one counter.
 */
void ipv4_input(struct netif *ifp, struct pkt *p)
{
	struct engine *eng = ifp->eng;
	struct ip_stats *st = &eng->stats.ip;
	struct ipv4_view v;
	uint64_t *why;
	const char *reason;

	st->IpInReceives++;
	if (ipv4_parse(p->data, p->len, &v)) {
		if (is_truncated(p)) {
			why = &st->IpInTruncatedPkts;
			reason = "truncated datagram";
		} else {
			why = &st->IpInHdrErrors;
			reason = "malformed IPv4 header";
		}
		goto drop;
	}
	if (!ipv4_csum_ok(p->data, p->len)) {
		why = &st->IpInCsumErrors;
		reason = "bad IPv4 header checksum";
		goto drop;
	}
	p->len = ipv4_view_len(&v); /* cut link pad */
	st->IpInOctets += p->len;
	if (v.opt.has_source_route) {
		why = &st->IpInSrcRouteDrops;
		reason = "source routed";
		goto drop;
	}
	if (martian_source(eng, v.src, v.dst)) {
		why = &st->IpInMartians;
		reason = "martian source";
		goto drop;
	}
	if (ipv4_addr_is_local(eng, v.dst)) {
		/* unicast to us */
	} else if (ip4_is_lbcast(v.dst) || is_subnet_bcast(ifp, v.dst)) {
		st->IpInBcastPkts++;
	} else if (ip4_is_multicast(v.dst) && mc4_joined(eng, ifp, v.dst)) {
		st->IpInMcastPkts++;
	} else {
		/* Another host's, a tentative address of ours (RFC 5227
		 * 2.1: not ours yet), or a group we have not joined. */
		why = &st->IpInAddrErrors;
		reason = "not for this host";
		goto drop;
	}
	if (ipv4_is_fragment(&v)) {
		p = ipv4_frag_input(eng, p, &v);
		if (!p)
			return;
		p->rx_frame = NULL; /* the frame it came in is long gone */
		if (ipv4_parse(p->data, p->len, &v)) {
			why = &st->IpInHdrErrors;
			reason = "reassembled datagram malformed";
			goto drop;
		}
	}
	deliver(ifp, p, &v);
	return;

drop:
	pkt_drop(eng, p, why, reason);
}

/* Send one finished IPv4 packet on @ifp towards @nexthop. */
static void link_output(struct netif *ifp, struct pkt *p, uint32_t nexthop)
{
	if (ifp->kind == NETIF_TUN) {
		netif_xmit(ifp, p); /* counts its own errors */
		return;
	}
	neigh_output4(ifp, p, nexthop);
}

/* The interface for a broadcast or multicast: the one holding @src, or
 * the first that is up and has an address. */
static struct netif *mcast_dev(struct engine *eng, uint32_t src)
{
	for (struct netif *ifp = eng->ifaces; ifp; ifp = ifp->next) {
		if (!ifp->up)
			continue;
		if (src ? netif_has_addr4(ifp, src)
			: route4_pref_src(ifp, 0) != 0)
			return ifp;
	}
	return NULL;
}

/**
 * ipv4_route_src() - the source address ipv4_output() would pick for @dst
 *
 * Transports need it before output for their pseudo-header checksum and
 * for connect() (Linux ip_route_connect()).
 *
 * Return: 0 and *@src; -ENETUNREACH (no route, or @dst is ours) or
 * -EADDRNOTAVAIL (no usable address yet).
 */
int ipv4_route_src(struct engine *eng, uint32_t dst, uint32_t *src)
{
	struct route4_result r;
	struct netif *ifp;

	*src = 0;
	if (ip4_is_lbcast(dst) || ip4_is_multicast(dst)) {
		ifp = mcast_dev(eng, 0);
		if (!ifp)
			return -ENETUNREACH;
		*src = route4_pref_src(ifp, dst);
	} else {
		if (ipv4_addr_is_local(eng, dst) || route4_lookup(eng, dst, &r))
			return -ENETUNREACH;
		*src = r.src;
	}
	return *src ? 0 : -EADDRNOTAVAIL;
}

/**
 * ipv4_output() - send @p as the payload of an IPv4 datagram
 * @p: the transport header and data, with headroom; always consumed
 * @src: the source, or 0 to let the route choose (RFC 1122 3.3.4.3)
 * @ttl: 0 for ip_default_ttl
 * @tos: DSCP and ECN, as in IP_TOS
 * @df: set DF and refuse to fragment (IP_PMTUDISC_DO)
 *
 * Return: 0 once handed to the link (resolution may still fail later);
 * -ENETUNREACH (no route, or the destination is our own: loopback is not
 * done by the engine), -EADDRNOTAVAIL (no usable source yet),
 * -EMSGSIZE (over 65535 bytes, or over the path MTU with @df), -ENOBUFS.
 */
int ipv4_output(struct engine *eng, struct pkt *p, uint32_t src, uint32_t dst,
		uint8_t proto, uint8_t ttl, uint8_t tos, bool df)
{
	struct ip_stats *st = &eng->stats.ip;
	struct ipv4_view v = { 0 };
	struct route4_result r;
	struct pktq frags = { 0 };
	struct netif *ifp;
	uint32_t nexthop, mtu;
	uint64_t *why;
	const char *reason;
	uint8_t *h;
	int rc, n;

	if (ip4_is_lbcast(dst) || ip4_is_multicast(dst)) {
		ifp = mcast_dev(eng, src);
		nexthop = dst;
		if (ifp && !src)
			src = route4_pref_src(ifp, dst);
	} else {
		ifp = NULL;
		nexthop = 0;
		if (!ipv4_addr_is_local(eng, dst) &&
		    !route4_lookup(eng, dst, &r)) {
			ifp = r.ifp;
			nexthop = r.nexthop;
			if (!src)
				src = r.src;
		}
	}
	if (!ifp) {
		rc = -ENETUNREACH;
		why = &st->IpOutNoRoutes;
		reason = "no route";
		goto drop;
	}
	if (!src) {
		rc = -EADDRNOTAVAIL;
		why = &st->IpOutDiscards;
		reason = "no source address";
		goto drop;
	}
	if (p->len > IPV4_MAX_LEN - IPV4_HLEN) {
		rc = -EMSGSIZE;
		why = &st->IpOutDiscards;
		reason = "datagram over 65535 bytes";
		goto drop;
	}
	mtu = route4_mtu(eng, ifp, dst);
	v.dscp = tos >> 2;
	v.ecn = tos & 3;
	v.id = ipv4_ident(eng, src, dst, proto);
	v.df = df;
	v.ttl = ttl ? ttl : (uint8_t)eng->sysctl.ip_default_ttl;
	v.proto = proto;
	v.src = src;
	v.dst = dst;
	st->IpOutRequests++;
	/* A super-segment goes whole to a device that cuts it (TSO). */
	if (IPV4_HLEN + p->len <= mtu || (p->off.gso_type == PKT_GSO_TCPV4 &&
					  (ifp->offload & NETIF_OFF_TSO4))) {
		h = pkt_push(p, IPV4_HLEN);
		if (!h) {
			rc = -ENOBUFS;
			why = &st->IpOutDiscards;
			reason = "no headroom";
			goto drop;
		}
		v.payload = h + IPV4_HLEN;
		v.payload_len = p->len - IPV4_HLEN;
		ipv4_emit(h, p->len, &v);
		st->IpOutOctets += p->len;
		link_output(ifp, p, nexthop);
		return 0;
	}
	if (df) {
		/* RFC 1191 3: the sender learns the MTU and resends. */
		rc = -EMSGSIZE;
		why = &st->IpFragFails;
		reason = "needs fragmentation but DF";
		goto drop;
	}
	v.payload = p->data;
	v.payload_len = p->len;
	n = ipv4_fragment(&v, mtu, &frags);
	if (n < 0) {
		rc = n;
		why = &st->IpFragFails;
		reason = "fragmentation failed";
		goto drop;
	}
	pkt_free(p); /* its bytes were copied into the fragments */
	st->IpFragOKs++;
	st->IpFragCreates += (uint64_t)n;
	while ((p = pktq_pop(&frags))) {
		st->IpOutOctets += p->len;
		link_output(ifp, p, nexthop);
	}
	return 0;

drop:
	pkt_drop(eng, p, why, reason);
	return rc;
}

/**
 * ipv4_output_dev() - send @p on @ifp to @dst without a route lookup
 * @p: the transport header and data, with headroom; always consumed
 * @src: the source; 0.0.0.0 is allowed here, and only here
 * @dst: the limited broadcast, or a neighbour on @ifp's link
 *
 * For a DHCP client (RFC 2131 4.1): before it has an address it must send
 * from 0.0.0.0 (RFC 1122 3.2.1.3 (a) allows "this host" as a source only
 * while the host is learning its address) to 255.255.255.255 out of one
 * particular interface, which ipv4_output() cannot express: it picks the
 * interface by route or by a held address.  No fragmentation: a datagram
 * larger than the MTU is refused.
 *
 * Return: 0, -ENETDOWN (@ifp down), -EMSGSIZE or -ENOBUFS.
 */
int ipv4_output_dev(struct netif *ifp, struct pkt *p, uint32_t src,
		    uint32_t dst, uint8_t proto, uint8_t ttl)
{
	struct engine *eng = ifp->eng;
	struct ip_stats *st = &eng->stats.ip;
	struct ipv4_view v = { 0 };
	uint8_t *h;
	int rc;

	if (!ifp->up) {
		rc = -ENETDOWN;
		goto drop;
	}
	if (IPV4_HLEN + p->len > ifp->mtu) {
		rc = -EMSGSIZE;
		goto drop;
	}
	h = pkt_push(p, IPV4_HLEN);
	if (!h) {
		rc = -ENOBUFS;
		goto drop;
	}
	v.id = ipv4_ident(eng, src, dst, proto);
	v.ttl = ttl ? ttl : (uint8_t)eng->sysctl.ip_default_ttl;
	v.proto = proto;
	v.src = src;
	v.dst = dst;
	v.payload = h + IPV4_HLEN;
	v.payload_len = p->len - IPV4_HLEN;
	ipv4_emit(h, p->len, &v);
	st->IpOutRequests++;
	st->IpOutOctets += p->len;
	link_output(ifp, p, dst);
	return 0;

drop:
	pkt_drop(eng, p, &st->IpOutDiscards, "cannot send on device");
	return rc;
}
