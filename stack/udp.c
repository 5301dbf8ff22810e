// SPDX-License-Identifier: MIT
/*
 * udp.c - UDP: the port table, input demultiplexing, ICMP errors, output
 *
 * Theory of operation
 *
 * Sockets are found by local port in a uthash whose bucket hash is
 * SipHash of the port under the engine secret; each port holds its
 * sockets in a short list, scored as Linux's compute_score() does: a
 * socket bound to the exact local address beats a wildcard one, and a
 * connected socket only matches its peer and beats an unconnected one.
 *
 * Ephemeral ports follow RFC 6056 algorithm 4 (double-hash): the search
 * starts at F(laddr, raddr, rport) plus a per-G() counter, so ports for
 * one peer are spread and hard to guess, and consecutive choices for one
 * peer do not collide.  bind() to port 0 has no peer yet; a random peer
 * stands in, which makes it algorithm 1 (random) as Linux does.
 *
 * Input: malformed (UdpInErrors), bad checksum (UdpInCsumErrors; a zero
 * checksum means none over IPv4, RFC 768), no socket (UdpNoPorts, and
 * ICMP port unreachable, RFC 1122 4.1.3.1), queue full (UdpRcvbufErrors).
 * ICMP errors reach only connected sockets, and only the hard ones, as in
 * Linux without IP_RECVERR (RFC 1122 4.1.3.3 lets the application decide;
 * an unconnected socket cannot tell which send failed).
 */
#include <errno.h>
#include <sys/random.h>
#include <json-c/json.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "engine.h"
#include "hash.h"
#include "icmp4.h"
#include "ipv4.h"
#include "route.h"
#include "sock6.h"
#include "socket.h"
#include "udp.h"
#include "wire/csum.h"
#include "wire/cursor.h"
#include "wire/udp.h"

struct udp_port {
	UT_hash_handle hh;
	uint16_t port;
	struct sock *socks;
};

/** udp_init() - an empty UDP table with fresh RFC 6056 secrets. */
int udp_init(struct engine *eng)
{
	struct udp_table *t = calloc(1, sizeof(*t));
	uint8_t key[32];

	if (!t)
		return -ENOMEM;
	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key)) {
		free(t);
		return -EAGAIN;
	}
	portsel_init(&t->portsel, key);
	eng->udp = t;
	return 0;
}

/**
 * udp_fini() - close every bound socket and free the table; unbound
 * sockets belong to whoever created them and must be closed by them
 */
void udp_fini(struct engine *eng)
{
	if (!eng->udp)
		return;
	while (eng->udp->ports)
		sock_close(eng->udp->ports->socks);
	free(eng->udp);
	eng->udp = NULL;
}

static unsigned int port_hash(const struct engine *eng, uint16_t port)
{
	return (unsigned int)hash_keyed(eng->secret, &port, sizeof(port));
}

static struct udp_port *port_find(struct engine *eng, uint16_t port)
{
	struct udp_port *up = NULL;

	HASH_FIND_BYHASHVALUE(hh, eng->udp->ports, &port, sizeof(port),
			      port_hash(eng, port), up);
	return up;
}

/* Could @sk take @addr:@port next to the sockets already there? */
static bool port_free_for(struct engine *eng, const struct sock *sk,
			  uint32_t addr, uint16_t port)
{
	struct udp_port *up = port_find(eng, port);

	if (!up)
		return true;
	for (const struct sock *o = up->socks; o; o = o->port_next) {
		if (o->laddr && addr && o->laddr != addr)
			continue;
		/* Linux UDP: SO_REUSEADDR on both lets them share. */
		if (!(sk->reuseaddr && o->reuseaddr))
			return false;
	}
	return true;
}

static int hash_in(struct sock *sk, uint32_t addr, uint16_t port)
{
	struct engine *eng = sk->eng;
	struct udp_port *up = port_find(eng, port);

	if (!up) {
		up = calloc(1, sizeof(*up));
		if (!up)
			return -ENOMEM;
		up->port = port;
		// NOLINTNEXTLINE(clang-analyzer-unix.Malloc): uthash table
		HASH_ADD_BYHASHVALUE(hh, eng->udp->ports, port,
				     sizeof(up->port), port_hash(eng, port),
				     up);
	}
	sk->laddr = addr;
	sk->lport = port;
	sk->port_next = up->socks;
	up->socks = sk;
	return 0;
}

/** udp_unhash() - take @sk off its port; it is unbound afterwards. */
void udp_unhash(struct sock *sk)
{
	struct engine *eng = sk->eng;
	struct udp_port *up = port_find(eng, sk->lport);
	struct sock **pp;

	if (!up)
		return;
	for (pp = &up->socks; *pp && *pp != sk; pp = &(*pp)->port_next)
		;
	if (*pp)
		*pp = sk->port_next;
	if (!up->socks) {
		HASH_DELETE(hh, eng->udp->ports, up);
		free(up);
	}
	sk->lport = 0;
	sk->port_next = NULL;
}

struct port_query {
	struct engine *eng;
	const struct sock *sk;
	uint32_t laddr;
};

static bool port_ok(uint16_t port, void *arg)
{
	const struct port_query *q = arg;

	return port_free_for(q->eng, q->sk, q->laddr, port);
}

/*
 * RFC 6056 3.3.4, algorithm 4, through portsel.c: the port depends on the
 * addresses and a secret, so peers cannot predict it.
 */
static int pick_ephemeral(struct sock *sk, uint32_t laddr, uint32_t raddr,
			  uint16_t rport, uint16_t *out)
{
	struct engine *eng = sk->eng;
	uint32_t first = eng->sysctl.ip_local_port_first;
	uint32_t last = eng->sysctl.ip_local_port_last;
	uint32_t id[3] = { laddr, raddr, rport };
	struct port_query q = { eng, sk, laddr };
	int port;

	if (first == 0 || last < first || last > 65535)
		return -EINVAL;
	port = portsel_pick(&eng->udp->portsel, id, sizeof(id), (uint16_t)first,
			    (uint16_t)last, port_ok, &q);
	if (port < 0)
		return -EADDRINUSE; /* as Linux's bind() reports exhaustion */
	*out = (uint16_t)port;
	return 0;
}

/**
 * udp_bind() - give @sk the local @addr:@port; port 0 picks an ephemeral
 *
 * Return: 0, -EADDRINUSE or -ENOMEM.
 */
int udp_bind(struct sock *sk, uint32_t addr, uint16_t port)
{
	if (!port) {
		int rc = pick_ephemeral(sk, addr, rand_u32(),
					(uint16_t)rand_u32(), &port);

		if (rc)
			return rc;
	} else if (!port_free_for(sk->eng, sk, addr, port)) {
		return -EADDRINUSE;
	}
	return hash_in(sk, addr, port);
}

/**
 * udp_autobind() - an ephemeral port for an unbound socket that sends to
 * or connects to @raddr:@rport (Linux inet_autobind())
 *
 * Return: 0, or -EAGAIN when every ephemeral port is taken.
 */
int udp_autobind(struct sock *sk, uint32_t raddr, uint16_t rport)
{
	uint16_t port;

	if (pick_ephemeral(sk, sk->laddr, raddr, rport, &port))
		return -EAGAIN;
	return hash_in(sk, sk->laddr, port);
}

/** udp_port_socks() - the sockets bound to @port (udp6.c walks them). */
struct sock *udp_port_socks(struct engine *eng, uint16_t port)
{
	struct udp_port *up = port_find(eng, port);

	return up ? up->socks : NULL;
}

/**
 * udp_lookup() - the socket a datagram from @raddr:@rport to
 * @laddr:@lport belongs to, or NULL
 */
struct sock *udp_lookup(struct engine *eng, uint32_t laddr, uint16_t lport,
			uint32_t raddr, uint16_t rport)
{
	struct udp_port *up = port_find(eng, lport);
	struct sock *best = NULL;
	int best_score = -1;

	if (!up)
		return NULL;
	for (struct sock *sk = up->socks; sk; sk = sk->port_next) {
		int score = 0;

		/* sock6.c: an AF_INET6 socket without an IPv4 side. */
		if (sk->family == AF_INET6 &&
		    (sk->v6only || sk->peer6 ||
		     !ip6_unspec_or_mapped(sk->laddr6)))
			continue;
		if (sk->laddr) {
			if (sk->laddr != laddr)
				continue;
			score += 4;
		}
		if (sk->connected) {
			if (sk->raddr != raddr || sk->rport != rport)
				continue;
			score += 8;
		}
		if (score > best_score) {
			best = sk;
			best_score = score;
		}
	}
	return best;
}

/*
 * rxinfo() - where @ip came in, for IP_PKTINFO and friends; ipi_spec_dst
 * as Linux's fib_compute_spec_dst(): the destination itself when it is
 * one of ours, else (broadcast, multicast) the address we would answer
 * the sender from
 */
static void rxinfo(struct netif *ifp, const struct ipv4_view *ip,
		   struct sock_rxinfo *ri)
{
	struct route4_result r;

	memset(ri, 0, sizeof(*ri));
	ri->ifindex = ifp->index;
	ri->dst = ip->dst;
	ri->spec_dst = ip->dst;
	ri->tos = (uint8_t)(ip->dscp << 2 | ip->ecn);
	ri->ttl = ip->ttl;
	if (!ip4_is_multicast(ip->dst) && !ip4_is_lbcast(ip->dst) &&
	    !ipv4_addr_is_bcast(ifp->eng, ip->dst))
		return;
	if (ip->src && !route4_lookup(ifp->eng, ip->src, &r) && r.src)
		ri->spec_dst = r.src;
	else
		ri->spec_dst = route4_pref_src(ifp, ip->src);
}

/**
 * udp_input() - one UDP datagram for us
 * @p: p->data at the UDP header; always consumed
 * @ip: its IPv4 header (borrowed from @p's buffer)
 */
void udp_input(struct netif *ifp, struct pkt *p, const struct ipv4_view *ip)
{
	struct engine *eng = ifp->eng;
	struct udp_stats *st = &eng->stats.udp;
	struct sock_rxinfo ri;
	struct udp_view u;
	struct sock *sk;
	uint64_t *why;
	const char *reason;

	if (udp_parse(p->data, p->len, &u)) {
		why = &st->UdpInErrors;
		reason = "malformed UDP";
		goto drop;
	}
	if (!u.csum_none && !p->off.csum_valid &&
	    !udp_csum_ok(
		    p->data, u.len,
		    csum_pseudo4(ip->src, ip->dst, IPV4_PROTO_UDP, u.len))) {
		why = &st->UdpInCsumErrors;
		reason = "bad UDP checksum";
		goto drop;
	}
	sk = udp_lookup(eng, ip->dst, u.dport, ip->src, u.sport);
	if (!sk) {
		/* RFC 1122 4.1.3.1; icmp4_send_error() stays silent for
		 * broadcasts and multicasts. */
		icmp4_send_error(eng, ipv4_view_hdr(ip), ipv4_view_len(ip),
				 ICMP4_DEST_UNREACH, ICMP4_UNREACH_PORT, 0);
		why = &st->UdpNoPorts;
		reason = "no socket on port";
		goto drop;
	}
	/* The socket may be closed by its readiness callback: do not
	 * touch @sk after queueing. */
	rxinfo(ifp, ip, &ri);
	if (sock_queue_dgram(sk, ip->src, u.sport, &ri, u.payload,
			     u.payload_len)) {
		why = &st->UdpRcvbufErrors;
		reason = "receive buffer full";
		goto drop;
	}
	st->UdpInDatagrams++;
	pkt_free(p);
	return;

drop:
	pkt_drop(eng, p, why, reason);
}

/**
 * udp_err() - an ICMP error about a datagram we sent (@inner, quoted)
 * @err: positive errno; @hard: fatal for a connected socket
 */
void udp_err(struct engine *eng, const struct ipv4_view *inner, int err,
	     bool hard)
{
	struct cursor c = cur_make(inner->payload, inner->payload_len);
	uint16_t sport = cur_be16(&c), dport = cur_be16(&c);
	struct sock *sk;

	if (!cur_ok(&c))
		return;
	sk = udp_lookup(eng, inner->src, sport, inner->dst, dport);
	if (!sk || !sk->connected || !hard)
		return;
	sock_set_error(sk, err);
}

/**
 * udp_sendto() - send @len bytes from @sk to @daddr:@dport
 *
 * Return: @len, or -EMSGSIZE, -EAGAIN (no port), -ENOMEM, or what
 * ipv4_route_src()/ipv4_output() say.
 */
ssize_t udp_sendto(struct sock *sk, const void *buf, size_t len, uint32_t daddr,
		   uint16_t dport)
{
	struct engine *eng = sk->eng;
	struct udp_view u = { 0 };
	uint32_t src = sk->laddr;
	struct pkt *p;
	uint8_t *h;
	int rc;

	if (len > UDP_MAXLEN - UDP_HLEN - IPV4_HLEN)
		return -EMSGSIZE;
	if (!sk->lport) {
		rc = udp_autobind(sk, daddr, dport);
		if (rc)
			return rc;
	}
	/* A multicast or broadcast bound address is not a source. */
	if (!src || ip4_is_multicast(src) || ipv4_addr_is_bcast(eng, src)) {
		rc = ipv4_route_src(eng, daddr, &src);
		if (rc)
			return rc;
	}
	p = pkt_alloc(UDP_HLEN + len);
	if (!p) {
		eng->stats.udp.UdpSndbufErrors++;
		return -ENOBUFS;
	}
	h = pkt_put(p, UDP_HLEN + len);
	if (len)
		memcpy(h + UDP_HLEN, buf, len);
	u.sport = sk->lport;
	u.dport = dport;
	u.payload = h + UDP_HLEN;
	u.payload_len = len;
	udp_emit(h, UDP_HLEN + len, &u,
		 csum_pseudo4(src, daddr, IPV4_PROTO_UDP,
			      (uint16_t)(UDP_HLEN + len)));
	rc = ipv4_output(eng, p, src, daddr, IPV4_PROTO_UDP,
			 sk->ttl < 0 ? 0 : (uint8_t)sk->ttl, sk->tos,
			 sk->pmtudisc == IP_PMTUDISC_DO ||
				 sk->pmtudisc == IP_PMTUDISC_PROBE);
	if (rc)
		return rc;
	eng->stats.udp.UdpOutDatagrams++;
	return (ssize_t)len;
}

/**
 * udp_dump() - the bound sockets, as `ss -u -a -j` might print them:
 * {"local", "lport", "peer"?, "pport"?, "recv_q", "rcvbuf"}
 *
 * Return: a new JSON array (the caller puts it), or NULL without memory.
 */
struct json_object *udp_dump(struct engine *eng)
{
	struct json_object *arr = json_object_new_array();
	struct udp_port *up, *tmp;
	char buf[INET_ADDRSTRLEN];
	uint32_t n;

	if (!arr)
		return NULL;
	for (up = eng->udp->ports; up; up = tmp) {
		tmp = up->hh.next;
		for (struct sock *sk = up->socks; sk; sk = sk->port_next) {
			struct json_object *o = json_object_new_object();

			n = htonl(sk->laddr);
			inet_ntop(AF_INET, &n, buf, sizeof(buf));
			json_object_object_add(o, "local",
					       json_object_new_string(buf));
			json_object_object_add(o, "lport",
					       json_object_new_int(sk->lport));
			if (sk->connected) {
				n = htonl(sk->raddr);
				inet_ntop(AF_INET, &n, buf, sizeof(buf));
				json_object_object_add(
					o, "peer", json_object_new_string(buf));
				json_object_object_add(
					o, "pport",
					json_object_new_int(sk->rport));
			}
			json_object_object_add(
				o, "recv_q",
				json_object_new_int64((int64_t)sk->rmem));
			json_object_object_add(
				o, "rcvbuf",
				json_object_new_int64((int64_t)sk->rcvbuf));
			json_object_array_add(arr, o);
		}
	}
	return arr;
}
