// SPDX-License-Identifier: MIT
/*
 * icmp4.c - ICMP for IPv4: echo, error generation with Linux's rate
 * limits, and errors received handed to the transport that owns the flow
 *
 * Theory of operation
 *
 * Errors out (icmp4_send_error) obey RFC 1122 3.2.2: never about an ICMP
 * error, a datagram to a broadcast or multicast address, a fragment other
 * than the first, or a datagram whose source does not name a single host.
 * Then the rate limits, as Linux icmp_send() applies them to the types in
 * icmp_ratemask (destination unreachable but frag-needed, source quench,
 * time exceeded, parameter problem): a global token bucket of
 * icmp_msgs_burst tokens refilled at icmp_msgs_per_sec
 * (IcmpOutRateLimitGlobal), then a per-destination bucket that allows a
 * burst of XRLIM_BURST (6) and then one per icmp_ratelimit ms
 * (IcmpOutRateLimitHost).  The per-destination buckets are in a
 * SipHash-keyed table capped at ICMP4_PEERS_MAX.  An error whose
 * destination is one of our own addresses (our own packet could not be
 * delivered, e.g. ARP failed) is not sent: it is handed straight to the
 * local transport, as Linux's loopback would.
 *
 * Errors in (RFC 1122 3.2.2, 4.1.3.3): frag-needed updates the path MTU
 * (RFC 1191); every error is passed to the transport of the quoted
 * datagram, which maps it to an errno (icmp4_err_errno(), Linux's
 * icmp_err_convert table).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "engine.h"
#include "hash.h"
#include "icmp4.h"
#include "tcp.h"
#include "ipv4.h"
#include "log.h"
#include "route.h"
#include "udp.h"

struct icmp4_peer {
	UT_hash_handle hh;
	uint32_t addr;
	uint64_t tokens; /* µs of credit, as Linux inet_peer rate_tokens */
	uint64_t last;	 /* µs */
};

/** icmp4_init() - rate limiter state with a full global bucket. */
int icmp4_init(struct engine *eng)
{
	struct icmp4_state *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->credit = eng->sysctl.icmp_msgs_burst;
	s->credit_stamp = eng->now;
	eng->icmp4 = s;
	return 0;
}

static void peers_clear(struct icmp4_state *s)
{
	struct icmp4_peer *e = s->peers, *tmp;

	/* HASH_CLEAR keeps the items' own list intact for freeing. */
	HASH_CLEAR(hh, s->peers);
	for (; e; e = tmp) {
		tmp = e->hh.next;
		free(e);
	}
	s->npeers = 0;
}

/** icmp4_fini() - free the rate limiter state. */
void icmp4_fini(struct engine *eng)
{
	if (!eng->icmp4)
		return;
	peers_clear(eng->icmp4);
	free(eng->icmp4);
	eng->icmp4 = NULL;
}

/* Linux icmp_global_allow(): icmp_msgs_per_sec, icmp_msgs_burst. */
static bool global_allow(struct engine *eng)
{
	struct icmp4_state *s = eng->icmp4;
	uint64_t incr = (eng->now - s->credit_stamp) *
			eng->sysctl.icmp_msgs_per_sec / 1000000;

	if (incr) {
		uint64_t c = s->credit + incr;

		s->credit = c > eng->sysctl.icmp_msgs_burst
				    ? eng->sysctl.icmp_msgs_burst
				    : (uint32_t)c;
		s->credit_stamp = eng->now;
	}
	if (!s->credit)
		return false;
	s->credit--;
	return true;
}

static unsigned int peer_hash(const struct engine *eng, uint32_t a)
{
	return (unsigned int)hash_keyed(eng->secret, &a, sizeof(a));
}

/* Linux inet_peer_xrlim_allow() with icmp_ratelimit as the timeout. */
static bool host_allow(struct engine *eng, uint32_t dst)
{
	struct icmp4_state *s = eng->icmp4;
	uint64_t timeout = (uint64_t)eng->sysctl.icmp_ratelimit_ms * 1000;
	uint64_t cap = ICMP4_XRLIM_BURST * timeout;
	unsigned int h = peer_hash(eng, dst);
	struct icmp4_peer *e = NULL;

	if (!timeout)
		return true;
	HASH_FIND_BYHASHVALUE(hh, s->peers, &dst, sizeof(dst), h, e);
	if (!e) {
		/* A full table is simply forgotten: every peer then starts
		 * again with a full burst, never with less. */
		if (s->npeers >= ICMP4_PEERS_MAX)
			peers_clear(s);
		e = calloc(1, sizeof(*e));
		if (!e)
			return false;
		e->addr = dst;
		e->tokens = cap;
		e->last = eng->now;
		// NOLINTNEXTLINE(clang-analyzer-unix.Malloc): uthash table
		HASH_ADD_BYHASHVALUE(hh, s->peers, addr, sizeof(e->addr), h, e);
		s->npeers++;
	}
	e->tokens += eng->now - e->last;
	e->last = eng->now;
	if (e->tokens > cap)
		e->tokens = cap;
	if (e->tokens < timeout)
		return false;
	e->tokens -= timeout;
	return true;
}

/**
 * icmp4_ratelimit_ok() - may we send @type/@code to @dst now?
 *
 * Types outside icmp_ratemask, and frag-needed (PMTU discovery must not
 * be starved, Linux icmpv4_mask_allow()), are never limited.  Counts the
 * refusals.
 */
bool icmp4_ratelimit_ok(struct engine *eng, uint8_t type, uint8_t code,
			uint32_t dst)
{
	if (type > 31 || !(eng->sysctl.icmp_ratemask & (1u << type)))
		return true;
	if (type == ICMP4_DEST_UNREACH && code == ICMP4_UNREACH_FRAG_NEEDED)
		return true;
	if (!global_allow(eng)) {
		eng->stats.icmp.IcmpOutRateLimitGlobal++;
		return false;
	}
	if (!host_allow(eng, dst)) {
		eng->stats.icmp.IcmpOutRateLimitHost++;
		return false;
	}
	return true;
}

/**
 * icmp4_err_errno() - the errno a transport reports for an ICMP error
 * @hard: set when Linux treats it as fatal for a connected socket
 *
 * Linux icmp_err_convert[] and __udp4_lib_err().
 *
 * Return: a positive errno, or 0 for types that are not errors.
 */
int icmp4_err_errno(uint8_t type, uint8_t code, bool *hard)
{
	*hard = false;
	switch (type) {
	case ICMP4_DEST_UNREACH:
		*hard = true;
		switch (code) {
		case ICMP4_UNREACH_NET:
			return ENETUNREACH;
		case ICMP4_UNREACH_HOST:
			return EHOSTUNREACH;
		case ICMP4_UNREACH_PROTO:
			return ENOPROTOOPT;
		case ICMP4_UNREACH_PORT:
			return ECONNREFUSED;
		case ICMP4_UNREACH_FRAG_NEEDED:
			*hard = false;
			return EMSGSIZE;
		case ICMP4_UNREACH_SRCRT_FAILED:
			return EOPNOTSUPP;
		case 6:	 /* network unknown */
		case 9:	 /* network administratively prohibited */
		case 11: /* network unreachable for TOS */
			return ENETUNREACH;
		case 7: /* host unknown */
			return EHOSTDOWN;
		case 8: /* source host isolated */
			return ENONET;
		default: /* 10, 12, 13, 14, 15: host, admin, precedence */
			return EHOSTUNREACH;
		}
	case ICMP4_SOURCE_QUENCH:
		return 0; /* RFC 6633: ignored */
	case ICMP4_TIME_EXCEEDED:
		return EHOSTUNREACH;
	case ICMP4_PARAM_PROBLEM:
		*hard = true;
		return EPROTO;
	default:
		return 0;
	}
}

/* Hand an error about the quoted datagram @inner to its transport. */
static void deliver_error(struct engine *eng, const struct ipv4_view *inner,
			  uint8_t type, uint8_t code)
{
	bool hard;
	int err = icmp4_err_errno(type, code, &hard);

	if (!err)
		return;
	switch (inner->proto) {
	case IPV4_PROTO_UDP:
		udp_err(eng, inner, err, hard);
		break;
	case IPV4_PROTO_TCP:
		tcp_err(eng, inner, err, hard);
		break;
	default:
		break;
	}
}

/* RFC 1122 3.2.2: is the datagram one we may send an error about? */
static bool error_allowed(struct engine *eng, const struct ipv4_view *v)
{
	struct icmp4_view ic;

	if (v->frag_off != 0)
		return false;
	if (ip4_is_multicast(v->dst) || ipv4_addr_is_bcast(eng, v->dst))
		return false;
	if (v->src == 0 || ip4_is_multicast(v->src) ||
	    ipv4_addr_is_bcast(eng, v->src) || ip4_is_loopback(v->src) ||
	    ip4_is_class_e(v->src))
		return false;
	/* Never an error about an ICMP error (but about a query, yes).  The
	 * quoted ICMP header may be cut: look only at its type byte. */
	if (v->proto == IPV4_PROTO_ICMP) {
		if (v->payload_len < 1)
			return false;
		if (icmp4_parse(v->payload, v->payload_len, &ic) == 0)
			return !icmp4_is_error(ic.type);
		return !icmp4_is_error(v->payload[0]);
	}
	return true;
}

static void count_out(struct icmp_stats *st, uint8_t type)
{
	st->IcmpOutMsgs++;
	switch (type) {
	case ICMP4_DEST_UNREACH:
		st->IcmpOutDestUnreachs++;
		break;
	case ICMP4_TIME_EXCEEDED:
		st->IcmpOutTimeExcds++;
		break;
	case ICMP4_PARAM_PROBLEM:
		st->IcmpOutParmProbs++;
		break;
	case ICMP4_ECHO_REPLY:
		st->IcmpOutEchoReps++;
		break;
	case ICMP4_ECHO_REQUEST:
		st->IcmpOutEchos++;
		break;
	default:
		break;
	}
}

/**
 * icmp4_send_error() - report a problem with datagram @dgram to its sender
 * @dgram: the offending datagram, IPv4 header first (received, or our own)
 * @len: its length; the error quotes at most 576 bytes in all
 * @info: the MTU for frag-needed, the pointer for parameter problem
 *
 * Silent when RFC 1122 3.2.2 forbids the error or the rate limit says no.
 */
void icmp4_send_error(struct engine *eng, const uint8_t *dgram, size_t len,
		      uint8_t type, uint8_t code, uint32_t info)
{
	struct icmp4_view ic = { .type = type, .code = code };
	struct ipv4_view v;
	size_t quote;
	struct pkt *p;
	uint32_t src;
	int n;

	if (ipv4_parse_quoted(dgram, len, &v) || !error_allowed(eng, &v))
		return;
	if (ipv4_addr_is_local(eng, v.src)) {
		/* Our own datagram: tell the local transport directly. */
		deliver_error(eng, &v, type, code);
		return;
	}
	if (!icmp4_ratelimit_ok(eng, type, code, v.src))
		return;
	if (type == ICMP4_DEST_UNREACH && code == ICMP4_UNREACH_FRAG_NEEDED)
		ic.mtu = (uint16_t)info;
	else if (type == ICMP4_PARAM_PROBLEM)
		ic.pointer = (uint8_t)info;
	quote = ICMP4_ERR_MAX_LEN - IPV4_HLEN - ICMP4_HLEN;
	if (quote > len)
		quote = len;
	p = pkt_alloc(ICMP4_HLEN + quote);
	if (!p)
		return;
	ic.payload = dgram;
	ic.payload_len = quote;
	n = icmp4_emit(pkt_put(p, ICMP4_HLEN + quote), ICMP4_HLEN + quote, &ic);
	if (n < 0) {
		pkt_free(p);
		return;
	}
	/* Answer from the address the datagram was sent to when it is
	 * ours (RFC 1122 3.2.2), else let the route choose. */
	src = ipv4_addr_is_local(eng, v.dst) ? v.dst : 0;
	count_out(&eng->stats.icmp, type);
	/* Linux sends errors with precedence "internetwork control". */
	if (ipv4_output(eng, p, src, v.src, IPV4_PROTO_ICMP, 0, 0xc0, false))
		eng->stats.icmp.IcmpOutErrors++;
}

static void echo_reply(struct netif *ifp, const struct ipv4_view *ip,
		       const struct icmp4_view *req)
{
	struct engine *eng = ifp->eng;
	struct icmp4_view rep = { .type = ICMP4_ECHO_REPLY,
				  .id = req->id,
				  .seq = req->seq,
				  .payload = req->payload,
				  .payload_len = req->payload_len };
	size_t len = ICMP4_HLEN + req->payload_len;
	struct pkt *p = pkt_alloc(len);

	if (!p)
		return;
	if (icmp4_emit(pkt_put(p, len), len, &rep) < 0) {
		pkt_free(p);
		return;
	}
	count_out(&eng->stats.icmp, ICMP4_ECHO_REPLY);
	/* RFC 1122 3.2.2.6: reply from the address the request was for. */
	if (ipv4_output(eng, p, ip->dst, ip->src, IPV4_PROTO_ICMP, 0,
			(uint8_t)(ip->dscp << 2), false))
		eng->stats.icmp.IcmpOutErrors++;
}

/* An error received: PMTU, then the transport.  Frees nothing. */
static int error_input(struct netif *ifp, const struct icmp4_view *ic)
{
	struct engine *eng = ifp->eng;
	struct ipv4_view inner;

	if (ipv4_parse_quoted(ic->payload, ic->payload_len, &inner))
		return -EBADMSG;
	/* RFC 1122 3.2.2: at least 8 bytes of the datagram's data. */
	if (inner.payload_len < 8)
		return -EBADMSG;
	if (ic->type == ICMP4_DEST_UNREACH &&
	    ic->code == ICMP4_UNREACH_FRAG_NEEDED && inner.df &&
	    ipv4_addr_is_local(eng, inner.src))
		route4_pmtu_update(eng, ifp, inner.dst, ic->mtu,
				   inner.total_len);
	deliver_error(eng, &inner, ic->type, ic->code);
	return 0;
}

/**
 * icmp4_input() - one ICMP message for us
 * @p: p->data at the ICMP header; always consumed
 * @ip: the IPv4 header it came in (borrowed from @p's buffer)
 */
void icmp4_input(struct netif *ifp, struct pkt *p, const struct ipv4_view *ip)
{
	struct engine *eng = ifp->eng;
	struct icmp_stats *st = &eng->stats.icmp;
	struct icmp4_view ic;
	uint64_t *why;
	const char *reason;

	st->IcmpInMsgs++;
	if (icmp4_parse(p->data, p->len, &ic)) {
		why = &st->IcmpInErrors;
		reason = "malformed ICMP";
		goto drop;
	}
	if (!icmp4_csum_ok(p->data, p->len)) {
		why = &st->IcmpInCsumErrors;
		reason = "bad ICMP checksum";
		goto drop;
	}
	switch (ic.type) {
	case ICMP4_ECHO_REQUEST:
		st->IcmpInEchos++;
		if (eng->sysctl.icmp_echo_ignore_all) {
			why = &st->IcmpInEchoIgnored;
			reason = "icmp_echo_ignore_all";
			goto drop;
		}
		if (!ipv4_addr_is_local(eng, ip->dst)) {
			/* Linux icmp_echo_ignore_broadcasts=1 (smurf). */
			why = &st->IcmpInBcastIgnored;
			reason = "echo to broadcast or multicast";
			goto drop;
		}
		echo_reply(ifp, ip, &ic);
		break;
	case ICMP4_ECHO_REPLY:
		st->IcmpInEchoReps++; /* no ping sockets yet */
		break;
	case ICMP4_DEST_UNREACH:
	case ICMP4_TIME_EXCEEDED:
	case ICMP4_PARAM_PROBLEM:
		if (ic.type == ICMP4_DEST_UNREACH)
			st->IcmpInDestUnreachs++;
		else if (ic.type == ICMP4_TIME_EXCEEDED)
			st->IcmpInTimeExcds++;
		else
			st->IcmpInParmProbs++;
		if (error_input(ifp, &ic)) {
			why = &st->IcmpInErrors;
			reason = "ICMP error quoting a malformed datagram";
			goto drop;
		}
		break;
	default:
		/* Redirects, timestamps, router discovery: not handled. */
		why = &st->IcmpInOther;
		reason = "ICMP type not handled";
		goto drop;
	}
	pkt_free(p);
	return;

drop:
	pkt_drop(eng, p, why, reason);
}
