// SPDX-License-Identifier: MIT
/*
 * icmp6.c - ICMPv6 (RFC 4443) for the engine: input validation and
 * dispatch, echo replies, errors out and errors in
 *
 * Theory of operation
 *
 * Input checks the checksum over the pseudo-header (Icmp6InCsumErrors)
 * and the message's own length (Icmp6InErrors), then dispatches: echo
 * requests are answered, to unicast and (Linux's default,
 * icmp_echo_ignore_multicast=0) multicast destinations alike; Neighbor
 * Discovery goes to nd6.c, MLD to mld.c; errors update the path MTU
 * (Packet Too Big, RFC 8201 4) and are counted.
 *
 * Errors out follow RFC 4443 2.4 (e): never about an ICMPv6 error, never
 * about a packet to a multicast group (except Packet Too Big and Parameter
 * Problem code 2), never to an unspecified or multicast source; and (f):
 * a token bucket of ICMP6_TOKENS_BURST refilled at ICMP6_TOKENS_PER_SEC
 * limits them all.  An error carries as much of the invoking packet as
 * fits in the minimum MTU (2.4 (c)).
 */
#include <errno.h>
#include <string.h>

#include "engine.h"
#include "icmp6.h"
#include "ipv6.h"
#include "tcp.h"
#include "log.h"
#include "nd6.h"
#include "udp6.h"
#include "wire/csum.h"

/**
 * icmp6_ratelimit_ok() - take one token from the RFC 4443 2.4 (f) bucket
 *
 * Return: true when an error may be sent now.
 */
bool icmp6_ratelimit_ok(struct engine *eng)
{
	struct ip6_state *s = eng->ip6;
	uint64_t add;

	if (!s->icmp_stamp) {
		s->icmp_stamp = eng->now;
		s->icmp_tokens = ICMP6_TOKENS_BURST;
	}
	add = (eng->now - s->icmp_stamp) * ICMP6_TOKENS_PER_SEC / 1000000;
	if (add) {
		s->icmp_tokens = add + s->icmp_tokens > ICMP6_TOKENS_BURST
					 ? ICMP6_TOKENS_BURST
					 : s->icmp_tokens + (uint32_t)add;
		s->icmp_stamp = eng->now;
	}
	if (!s->icmp_tokens)
		return false;
	s->icmp_tokens--;
	return true;
}

/**
 * icmp6_send() - emit the message @iv into @p and send it over IPv6
 * @p: empty packet with headroom, or one whose data already holds the
 *	message payload at iv->payload; always consumed
 * @src: the source, or :: to have one chosen
 *
 * Return: what ipv6_output() returns.
 */
int icmp6_send(struct engine *eng, struct pkt *p, struct icmp6_view *iv,
	       const struct ip6_addr *src, const struct ip6_addr *dst, int oif,
	       uint8_t hop_limit)
{
	struct ip6_out o = { .src = *src,
			     .dst = *dst,
			     .proto = IP6_NH_ICMPV6,
			     .hop_limit = hop_limit,
			     .oif = oif };
	size_t hlen = (size_t)icmp6_hdr_len(iv);
	size_t total = hlen + iv->payload_len;
	uint8_t *b;

	if (ip6_is_unspec(&o.src) && ip6_select_src(eng, oif, dst, &o.src)) {
		pkt_drop(eng, p, &eng->stats.ip6.Ip6OutDiscards,
			 "no source for ICMPv6");
		return -EADDRNOTAVAIL;
	}
	p->len = 0;
	b = pkt_put(p, total);
	if (!b || icmp6_emit(b, total, iv,
			     csum_pseudo6(&o.src, dst, IP6_NH_ICMPV6,
					  (uint32_t)total)) < 0) {
		pkt_drop(eng, p, &eng->stats.ip6.Ip6OutDiscards,
			 "cannot build ICMPv6");
		return -ENOBUFS;
	}
	eng->stats.icmp6.Icmp6OutMsgs++;
	return ipv6_output(eng, p, &o);
}

/*
 * RFC 4443 2.4 (e.1): is the invoking packet itself an ICMPv6 error (or a
 * Redirect)?  Walk its chain; a fragment that is not the first says
 * nothing about its upper layer.
 */
static bool about_icmp_error(const uint8_t *pkt, size_t len)
{
	struct ip6_view v;

	if (ip6_parse(pkt, len, &v) || v.upper_proto != IP6_NH_ICMPV6)
		return false;
	if (v.have_frag && v.frag_off)
		return false;
	return v.upper_len >= 1 &&
	       (icmp6_is_error(v.upper[0]) || v.upper[0] == ICMP6_ND_REDIRECT);
}

/**
 * icmp6_send_error() - answer the invoking packet @pkt (@len bytes, from
 * its IPv6 header) with an ICMPv6 error, if RFC 4443 2.4 allows it
 * @ifp: the interface it arrived on (link-local replies go back there)
 * @info: the MTU (Packet Too Big) or pointer (Parameter Problem)
 */
void icmp6_send_error(struct engine *eng, struct netif *ifp, const uint8_t *pkt,
		      size_t len, uint8_t type, uint8_t code, uint32_t info)
{
	struct icmp6_stats *st = &eng->stats.icmp6;
	struct icmp6_view iv = { .type = type, .code = code };
	struct ip6_addr isrc, idst, src = { { 0 } };
	size_t room = IP6_MIN_MTU - IP6_HLEN - 8;
	struct pkt *p;

	if (len < IP6_HLEN)
		return;
	memcpy(isrc.b, pkt + 8, IP6_LEN);
	memcpy(idst.b, pkt + 24, IP6_LEN);
	/* RFC 4443 2.4 (e.3, e.6): not to a multicast group's packet,
	 * except Packet Too Big and Parameter Problem code 2. */
	if (ip6_is_multicast(&idst) && type != ICMP6_PACKET_TOO_BIG &&
	    !(type == ICMP6_PARAM_PROB && code == ICMP6_PARAMPROB_OPTION)) {
		st->Icmp6OutErrSuppressed++;
		return;
	}
	/* RFC 4443 2.4 (e.1, e.6): not about an error; not to a source
	 * that cannot identify a single node. */
	if (about_icmp_error(pkt, len) || ip6_is_unspec(&isrc) ||
	    ip6_is_multicast(&isrc)) {
		st->Icmp6OutErrSuppressed++;
		return;
	}
	if (!icmp6_ratelimit_ok(eng)) {
		st->Icmp6OutRateLimit++; /* RFC 4443 2.4 (f) */
		return;
	}
	/* RFC 4443 2.2: reply from the address it was sent to, if ours. */
	if (ip6_addr_is_local(eng, &idst))
		src = idst;
	switch (type) {
	case ICMP6_DST_UNREACH:
		st->Icmp6OutDestUnreachs++;
		break;
	case ICMP6_PACKET_TOO_BIG:
		iv.mtu = info;
		st->Icmp6OutPktTooBigs++;
		break;
	case ICMP6_TIME_EXCEEDED:
		st->Icmp6OutTimeExcds++;
		break;
	case ICMP6_PARAM_PROB:
		iv.pointer = info;
		st->Icmp6OutParmProblems++;
		break;
	default:
		break;
	}
	st->Icmp6OutErrors++;
	/* RFC 4443 2.4 (c): as much of the invoking packet as fits. */
	iv.payload = pkt;
	iv.payload_len = len < room ? len : room;
	p = pkt_alloc(IP6_MIN_MTU);
	if (!p)
		return;
	icmp6_send(eng, p, &iv, &src, &isrc,
		   ip6_is_linklocal(&isrc) && ifp ? ifp->index : 0, 0);
}

/* RFC 4443 4.2: the reply carries the request's identifier, sequence
 * number and data. */
static void echo_reply(struct netif *ifp, const struct ip6_view *ip,
		       const struct icmp6_view *req)
{
	struct engine *eng = ifp->eng;
	struct icmp6_view iv = { .type = ICMP6_ECHO_REPLY,
				 .echo_id = req->echo_id,
				 .echo_seq = req->echo_seq,
				 .payload = req->payload,
				 .payload_len = req->payload_len };
	struct ip6_addr src = { { 0 } };
	struct pkt *p = pkt_alloc(8 + req->payload_len);

	if (!p)
		return;
	/* RFC 4443 4.2: to a multicast request, from a unicast address
	 * of the interface it came in on. */
	if (!ip6_is_multicast(&ip->dst))
		src = ip->dst;
	eng->stats.icmp6.Icmp6OutEchoReplies++;
	icmp6_send(eng, p, &iv, &src, &ip->src,
		   ip6_is_linklocal(&ip->src) || ip6_is_multicast(&ip->dst)
			   ? ifp->index
			   : 0,
		   0);
}

/* The invoking packet of an error: learn from Packet Too Big. */
static void error_input(struct netif *ifp, const struct icmp6_view *iv)
{
	struct engine *eng = ifp->eng;
	struct ip6_addr dst;

	if (iv->payload_len < IP6_HLEN)
		return;
	/* RFC 4443 3.1: a port unreachable refuses the connection; other
	 * errors are soft for UDP, as in Linux's icmpv6_err_convert(). */
	if (iv->type == ICMP6_DST_UNREACH && iv->code == ICMP6_UNREACH_PORT)
		udp6_err(eng, iv->payload, iv->payload_len, ECONNREFUSED);
	if (iv->type == ICMP6_PACKET_TOO_BIG) {
		memcpy(dst.b, iv->payload + 24, IP6_LEN);
		/* RFC 8201 4: never below the IPv6 minimum MTU. */
		route6_pmtu_update(ifp->eng, &dst,
				   iv->mtu < IP6_MIN_MTU ? IP6_MIN_MTU
							 : iv->mtu);
	}
	/* After the PMTU update: TCP recomputes its MSS from it. */
	tcp6_err(eng, iv->payload, iv->payload_len, iv->type, iv->code);
}

/**
 * icmp6_input() - one ICMPv6 message, p->data at its header
 * @ip: the IPv6 view of the packet it came in
 *
 * Consumes @p.
 */
void icmp6_input(struct netif *ifp, struct pkt *p, const struct ip6_view *ip)
{
	struct engine *eng = ifp->eng;
	struct icmp6_stats *st = &eng->stats.icmp6;
	struct icmp6_view iv;

	st->Icmp6InMsgs++;
	if (!icmp6_csum_ok(p->data, p->len,
			   csum_pseudo6(&ip->src, &ip->dst, IP6_NH_ICMPV6,
					(uint32_t)p->len))) {
		pkt_drop(eng, p, &st->Icmp6InCsumErrors, "bad ICMPv6 checksum");
		return;
	}
	if (icmp6_parse(p->data, p->len, &iv)) {
		pkt_drop(eng, p, &st->Icmp6InErrors, "malformed ICMPv6");
		return;
	}
	switch (iv.type) {
	case ICMP6_ECHO_REQUEST:
		st->Icmp6InEchos++;
		echo_reply(ifp, ip, &iv);
		break;
	case ICMP6_ECHO_REPLY:
		st->Icmp6InEchoReplies++;
		break;
	case ICMP6_DST_UNREACH:
		st->Icmp6InDestUnreachs++;
		error_input(ifp, &iv);
		break;
	case ICMP6_PACKET_TOO_BIG:
		st->Icmp6InPktTooBigs++;
		error_input(ifp, &iv);
		break;
	case ICMP6_TIME_EXCEEDED:
		st->Icmp6InTimeExcds++;
		error_input(ifp, &iv);
		break;
	case ICMP6_PARAM_PROB:
		st->Icmp6InParmProblems++;
		error_input(ifp, &iv);
		break;
	case ICMP6_ND_RS:
	case ICMP6_ND_RA:
	case ICMP6_ND_NS:
	case ICMP6_ND_NA:
	case ICMP6_ND_REDIRECT:
		nd6_input(ifp, p, ip, &iv); /* consumes p */
		return;
	case ICMP6_MLD_QUERY:
		st->Icmp6InMLDQueries++;
		if (!mld_input(ifp, ip, &iv)) {
			pkt_drop(eng, p, &st->Icmp6InErrors,
				 "MLD query not link-local or hop limit not 1");
			return;
		}
		break;
	case ICMP6_MLD_REPORT:
	case ICMP6_MLD2_REPORT:
	case ICMP6_MLD_DONE:
		st->Icmp6InMLDReports++;
		break;
	default:
		st->Icmp6InOther++;
		break;
	}
	pkt_free(p);
}
