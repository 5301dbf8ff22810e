// SPDX-License-Identifier: MIT
/*
 * dhcp4_client.c - the DHCPv4 client (RFC 2131, options RFC 2132, routes
 * RFC 3442): acquire, check, apply, renew, rebind and give back a lease
 *
 * Theory of operation
 *
 * One struct dhcp4c per interface runs the state machine of RFC 2131
 * figure 5.  Two timers drive it: @rtx sends and retransmits (and waits
 * in INIT), @life fires at T1, T2 and expiry.  Every state change goes
 * through set_state(), which logs "A -> B".
 *
 * Sending: until the client holds an address it must send from 0.0.0.0
 * to 255.255.255.255 out of its own interface (RFC 2131 4.1), which the
 * routed ipv4_output() cannot express, so broadcasts go through
 * ipv4_output_dev().  Only DHCPREQUEST in RENEWING and DHCPRELEASE are
 * unicast to the server, routed like any datagram from the leased
 * address.  UDP headers are built here with the wire module.
 *
 * Receiving: one engine UDP socket bound to 0.0.0.0:68 serves all
 * clients; chaddr (the interface's MAC) names the client, xid the
 * exchange.  The engine accepts unicast only to its VALID addresses, so
 * an offered address is not ours until the lease is checked: every
 * message sent before the client holds the address sets the BROADCAST
 * flag, which RFC 2131 4.1 asks of a client that "cannot receive unicast
 * IP datagrams until the protocol software has been configured with an IP
 * address", so servers answer to 255.255.255.255, which ipv4_input()
 * accepts.  RENEWING and REBINDING leave it clear: ciaddr is ours then.
 *
 * Checking: a DHCPACK in REQUESTING or REBOOTING puts the address on the
 * interface TENTATIVE through arp_addr_add_notify(), so ARP's RFC 5227
 * prober does the check RFC 2131 3.1.5 asks for; a conflict sends
 * DHCPDECLINE and restarts from INIT after 10 s.
 *
 * Deviations, chosen: the start-up wait is 0..1 s, not the 1..10 s RFC
 * 2131 4.4.1 suggests for sites where many hosts power on together (an
 * engine starts with its application, and tests wait for it); the first
 * DHCPOFFER is taken without collecting others; after REBOOTING gets no
 * answer the client goes to INIT rather than keep the old lease.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arp.h"
#include "ctl.h"
#include "dhcp4_client.h"
#include "engine.h"
#include "engine_loop.h"
#include "hash.h"
#include "ipv4.h"
#include "log.h"
#include "neigh.h"
#include "route.h"
#include "socket.h"
#include "wire/csum.h"
#include "wire/udp.h"

#define container_of(ptr, type, member)                                        \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

#define USEC 1000000ull
#define DHCP4C_MSG_MAX 1500 /* room for one message we build */

static const char *const state_names[] = {
	[DHCP4C_INIT] = "INIT",
	[DHCP4C_SELECTING] = "SELECTING",
	[DHCP4C_REQUESTING] = "REQUESTING",
	[DHCP4C_CHECKING] = "CHECKING",
	[DHCP4C_BOUND] = "BOUND",
	[DHCP4C_RENEWING] = "RENEWING",
	[DHCP4C_REBINDING] = "REBINDING",
	[DHCP4C_INIT_REBOOT] = "INIT-REBOOT",
	[DHCP4C_REBOOTING] = "REBOOTING",
};

/** dhcp4c_state_name() - the RFC 2131 name of @s, e.g. "INIT-REBOOT" */
const char *dhcp4c_state_name(enum dhcp4c_state s)
{
	return (size_t)s < sizeof(state_names) / sizeof(state_names[0])
		       ? state_names[s]
		       : "?";
}

static const char *ip_str(uint32_t a, char *buf)
{
	uint32_t n = htonl(a);

	return inet_ntop(AF_INET, &n, buf, INET_ADDRSTRLEN);
}

static struct netif *client_if(const struct dhcp4c *c)
{
	return netif_by_index(c->eng, c->ifindex);
}

/* Every state change passes here, so the log tells the story. */
static void set_state(struct dhcp4c *c, enum dhcp4c_state s)
{
	struct netif *ifp = client_if(c);

	if (c->state != s)
		log_info("dhcp4 %s: %s -> %s", ifp ? ifp->name : "?",
			 dhcp4c_state_name(c->state), dhcp4c_state_name(s));
	c->state = s;
}

static void arm(struct dhcp4c *c, struct timer *t, uint64_t delay)
{
	if (engine_timer_arm(c->eng, t, delay))
		log_warn("dhcp4: cannot arm a timer");
}

/*
 * RFC 2131 4.1: 4 s before the first retransmission, then 8, 16, 32, 64,
 * each randomised by a uniform -1..+1 s.  @tries counts the sends so far.
 */
static uint64_t backoff(unsigned int tries)
{
	uint64_t d = DHCP4C_RTX_FIRST;

	for (unsigned int i = 1; i < tries && d < DHCP4C_RTX_MAX; i++)
		d *= 2;
	if (d > DHCP4C_RTX_MAX)
		d = DHCP4C_RTX_MAX;
	return d - DHCP4C_RTX_FUZZ + rand_range(0, 2 * DHCP4C_RTX_FUZZ);
}

/* A new transaction: RFC 2131 4.1 wants xids others are unlikely to use. */
static void new_exchange(struct dhcp4c *c)
{
	c->xid = rand_u32();
	c->exchange_start = c->eng->now;
	c->tries = 0;
}

/* ---- sending ---- */

/*
 * Wrap @msg in UDP 68 -> 67 and send it: broadcasts out of our own
 * interface from @src (0.0.0.0 before we hold an address), unicasts
 * routed from @src.
 */
static int send_udp(struct dhcp4c *c, const uint8_t *msg, size_t len,
		    uint32_t src, uint32_t dst)
{
	struct engine *eng = c->eng;
	struct netif *ifp = client_if(c);
	struct udp_view u = { .sport = DHCP4_CLIENT_PORT,
			      .dport = DHCP4_SERVER_PORT,
			      .payload = msg,
			      .payload_len = len };
	struct pkt *p;
	uint8_t *h;
	int rc;

	if (!ifp)
		return -ENODEV;
	p = pkt_alloc(UDP_HLEN + len);
	if (!p) {
		eng->stats.udp.UdpSndbufErrors++;
		return -ENOBUFS;
	}
	h = pkt_put(p, UDP_HLEN + len);
	memcpy(h + UDP_HLEN, msg, len);
	u.payload = h + UDP_HLEN;
	udp_emit(h, UDP_HLEN + len, &u,
		 csum_pseudo4(src, dst, IPV4_PROTO_UDP,
			      (uint16_t)(UDP_HLEN + len)));
	if (ip4_is_lbcast(dst))
		rc = ipv4_output_dev(ifp, p, src, dst, IPV4_PROTO_UDP, 0);
	else
		rc = ipv4_output(eng, p, src, dst, IPV4_PROTO_UDP, 0, 0, false);
	if (!rc)
		eng->stats.udp.UdpOutDatagrams++;
	return rc;
}

/* RFC 2132 9.8 / RFC 2131 Table 5: what we ask the server for. */
static const uint8_t prl[] = {
	DHCP4_OPT_SUBNET_MASK,
	DHCP4_OPT_ROUTERS,
	DHCP4_OPT_DNS,
	DHCP4_OPT_DOMAIN,
	DHCP4_OPT_LEASE_TIME,
	DHCP4_OPT_SERVER_ID,
	DHCP4_OPT_T1,
	DHCP4_OPT_T2,
	DHCP4_OPT_CLASSLESS_ROUTES,
	26 /* interface MTU, RFC 2132 5.1 */,
};

/*
 * send_msg() - build and send one message of @type for @c's state
 *
 * The fields follow RFC 2131 Table 5: ciaddr only when we hold the
 * address (RENEWING, REBINDING, RELEASE), option 50 when asking for an
 * address we do not hold yet, option 54 only in answer to a chosen offer
 * and in DECLINE/RELEASE.
 */
static int send_msg(struct dhcp4c *c, uint8_t type)
{
	struct engine *eng = c->eng;
	struct netif *ifp = client_if(c);
	uint8_t buf[DHCP4C_MSG_MAX], cid[1 + MAC_LEN];
	struct dhcp4_view v = { 0 };
	struct dhcp4_opts o;
	uint32_t src = 0, dst = 0xffffffffu, reqip = 0, server = 0;
	uint64_t secs;
	bool held = false;
	int n;

	if (!ifp)
		return -ENODEV;
	switch (type) {
	case DHCP4_DISCOVER:
		break;
	case DHCP4_REQUEST:
		switch (c->state) {
		case DHCP4C_REQUESTING:
			reqip = c->offered;
			server = c->offer_server;
			break;
		case DHCP4C_REBOOTING:
			reqip = c->reboot_addr;
			break;
		case DHCP4C_RENEWING:
			dst = c->lease.server; /* RFC 2131 4.4.5: unicast */
					       /* fall through */
		case DHCP4C_REBINDING:
			held = true;
			break;
		default:
			return -EINVAL;
		}
		break;
	case DHCP4_DECLINE:
		reqip = c->lease.addr;
		server = c->lease.server;
		break;
	case DHCP4_RELEASE:
		held = true;
		server = c->lease.server;
		dst = c->lease.server; /* RFC 2131 4.4.6: unicast */
		break;
	default:
		return -EINVAL;
	}
	if (held)
		src = c->lease.addr;

	dhcp4_opts_init(&o, buf + DHCP4_HDR_LEN, sizeof(buf) - DHCP4_HDR_LEN);
	dhcp4_opt_put_u8(&o, DHCP4_OPT_MSG_TYPE, type);
	/* RFC 2132 9.14: type 1 (Ethernet) and the MAC. */
	cid[0] = DHCP4_HTYPE_ETHER;
	memcpy(cid + 1, ifp->mac.b, MAC_LEN);
	dhcp4_opt_put(&o, DHCP4_OPT_CLIENT_ID, cid, sizeof(cid));
	if (reqip)
		dhcp4_opt_put_u32(&o, DHCP4_OPT_REQUESTED_IP, reqip);
	if (server)
		dhcp4_opt_put_u32(&o, DHCP4_OPT_SERVER_ID, server);
	if (type == DHCP4_DISCOVER || type == DHCP4_REQUEST) {
		/* RFC 2131 Table 5: DECLINE and RELEASE carry neither. */
		dhcp4_opt_put(&o, DHCP4_OPT_PRL, prl, sizeof(prl));
		dhcp4_opt_put_u16(&o, DHCP4_OPT_MAX_SIZE,
				  (uint16_t)(ifp->mtu < 576    ? 576
					     : ifp->mtu > 1500 ? 1500
							       : ifp->mtu));
	}
	n = dhcp4_opts_end(&o);
	if (n < 0)
		return n;

	v.op = DHCP4_OP_REQUEST;
	v.htype = DHCP4_HTYPE_ETHER;
	v.hlen = MAC_LEN;
	v.xid = c->xid;
	secs = (eng->now - c->exchange_start) / USEC;
	v.secs = (uint16_t)(secs > 0xffff ? 0xffff : secs);
	/* See the theory of operation: no unicast until the address is
	 * ours.  DECLINE and RELEASE expect no answer. */
	if (!held && type != DHCP4_DECLINE)
		v.flags = DHCP4_FLAG_BROADCAST;
	v.ciaddr = held ? c->lease.addr : 0;
	memcpy(v.chaddr, ifp->mac.b, MAC_LEN);
	v.options = buf + DHCP4_HDR_LEN;
	v.options_len = (size_t)n;
	n = dhcp4_emit(buf, sizeof(buf), &v);
	if (n < 0)
		return n;
	switch (type) {
	case DHCP4_DISCOVER:
		eng->stats.dhcp4.Dhcp4OutDiscovers++;
		break;
	case DHCP4_REQUEST:
		eng->stats.dhcp4.Dhcp4OutRequests++;
		break;
	case DHCP4_DECLINE:
		eng->stats.dhcp4.Dhcp4OutDeclines++;
		break;
	default:
		eng->stats.dhcp4.Dhcp4OutReleases++;
		break;
	}
	return send_udp(c, buf, (size_t)n, src, dst);
}

/* Send (or resend) the message of the current state and count it. */
static void transmit(struct dhcp4c *c, uint8_t type)
{
	int rc = send_msg(c, type);

	c->tries++;
	if (rc)
		log_debug("dhcp4: send failed: %s", strerror(-rc));
}

/* ---- applying a lease ---- */

static void install_route(struct dhcp4c *c, struct netif *ifp, uint32_t dst,
			  uint8_t plen, uint32_t gw)
{
	char a[INET_ADDRSTRLEN];
	int rc;

	dst &= ip4_mask(plen);
	rc = route4_add(c->eng, dst, plen, gw, ifp);
	if (rc) {
		log_warn("dhcp4 %s: route %s/%u: %s", ifp->name, ip_str(dst, a),
			 plen, strerror(-rc));
		return;
	}
	if (c->ninstalled < sizeof(c->installed) / sizeof(c->installed[0]))
		c->installed[c->ninstalled++] = (struct dhcp4c_route){
			.prefix = dst, .plen = plen
		};
}

/*
 * Routes and MTU of a checked lease.  RFC 3442 section 1: when option 121
 * is present the client MUST ignore option 3.
 */
static void apply_routes(struct dhcp4c *c, struct netif *ifp)
{
	const struct dhcp4_lease *l = &c->lease;

	if (l->classless) {
		for (size_t i = 0; i < l->nroutes; i++)
			install_route(c, ifp, l->routes[i].dst,
				      l->routes[i].width, l->routes[i].router);
	} else if (l->nrouters) {
		install_route(c, ifp, 0, 0, l->routers[0]);
	}
	/* RFC 2132 5.1: at least 68; never above what the device takes. */
	if (l->mtu >= 68 && l->mtu < c->orig_mtu)
		ifp->mtu = l->mtu;
}

static void remove_routes(struct dhcp4c *c, struct netif *ifp)
{
	for (size_t i = 0; i < c->ninstalled; i++)
		route4_del(c->eng, c->installed[i].prefix,
			   c->installed[i].plen);
	c->ninstalled = 0;
	if (ifp)
		ifp->mtu = c->orig_mtu;
}

/* Take the lease's address and routes off the interface. */
static void unapply(struct dhcp4c *c)
{
	struct netif *ifp = client_if(c);

	if (!c->applied)
		return;
	remove_routes(c, ifp);
	if (ifp)
		arp_addr_del(ifp, c->lease.addr, c->lease.plen);
	c->applied = false;
}

static void lease_file_write(struct dhcp4c *c)
{
	char tmp[PATH_MAX + 8], a[INET_ADDRSTRLEN], s[INET_ADDRSTRLEN];
	const struct dhcp4_lease *l = &c->lease;
	FILE *f;
	int ok;

	if (!c->lease_file[0])
		return;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", c->lease_file) >=
	    (int)sizeof(tmp))
		return;
	f = fopen(tmp, "we");
	if (!f) {
		log_warn("dhcp4: %s: %s", tmp, strerror(errno));
		return;
	}
	fprintf(f,
		"# nsstackd DHCPv4 lease\naddress %s/%u\nserver %s\n"
		"lease %u\nobtained %lld\n",
		ip_str(l->addr, a), l->plen, ip_str(l->server, s), l->lease_s,
		(long long)time(NULL));
	ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	/* Atomic: a reader sees the old lease or the new, never half. */
	if (!ok || rename(tmp, c->lease_file)) {
		log_warn("dhcp4: cannot write %s: %s", c->lease_file,
			 strerror(errno));
		unlink(tmp);
	}
}

/* The address of a lease file's "address A/N" line, 0 if none. */
static uint32_t lease_file_read(const char *path)
{
	char line[256], a[64];
	struct in_addr in;
	uint32_t addr = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *slash;

		if (sscanf(line, "address %63s", a) != 1)
			continue;
		/* Only the address matters: the server gives the mask. */
		slash = strchr(a, '/');
		if (slash)
			*slash = 0;
		if (inet_pton(AF_INET, a, &in) == 1)
			addr = ntohl(in.s_addr);
	}
	fclose(f);
	return addr;
}

static uint64_t at(const struct dhcp4_lease *l, uint32_t s)
{
	return l->start + (uint64_t)s * USEC;
}

/* BOUND: the address is checked; routes, lease file, T1. */
static void bind_lease(struct dhcp4c *c)
{
	struct netif *ifp = client_if(c);
	char a[INET_ADDRSTRLEN];

	if (!ifp)
		return;
	set_state(c, DHCP4C_BOUND);
	timer_cancel(&c->eng->timers, &c->rtx);
	remove_routes(c, ifp);
	apply_routes(c, ifp);
	lease_file_write(c);
	log_info("dhcp4 %s: bound to %s/%u, lease %u s", ifp->name,
		 ip_str(c->lease.addr, a), c->lease.plen, c->lease.lease_s);
	if (c->lease.lease_s == UINT32_MAX)
		timer_cancel(&c->eng->timers, &c->life); /* infinite */
	else
		arm(c, &c->life,
		    at(&c->lease, c->lease.t1_s) > c->eng->now
			    ? at(&c->lease, c->lease.t1_s) - c->eng->now
			    : 0);
}

/* Back to INIT, starting again after @delay µs. */
static void restart(struct dhcp4c *c, uint64_t delay)
{
	unapply(c);
	timer_cancel(&c->eng->timers, &c->life);
	set_state(c, DHCP4C_INIT);
	arm(c, &c->rtx, delay);
}

/* RFC 5227 probing of the ACKed address ended (arp_addr_add_notify). */
static void acd_done(struct netif *ifp, uint32_t addr, bool conflict, void *arg)
{
	struct dhcp4c *c = arg;
	char a[INET_ADDRSTRLEN];

	if (c->state != DHCP4C_CHECKING || addr != c->lease.addr)
		return;
	if (!conflict) {
		bind_lease(c);
		return;
	}
	/* RFC 2131 3.1.5: DHCPDECLINE, then INIT no sooner than 10 s. */
	log_warn("dhcp4 %s: %s is in use by another host; declining", ifp->name,
		 ip_str(addr, a));
	transmit(c, DHCP4_DECLINE);
	restart(c, DHCP4C_DECLINE_WAIT);
}

/* CHECKING: put the address on TENTATIVE and let ARP probe it. */
static void check_lease(struct dhcp4c *c)
{
	struct netif *ifp = client_if(c);
	struct ifaddr4 *ia;
	int rc;

	if (!ifp)
		return;
	set_state(c, DHCP4C_CHECKING);
	timer_cancel(&c->eng->timers, &c->rtx);
	timer_cancel(&c->eng->timers, &c->life);
	rc = arp_addr_add_notify(ifp, c->lease.addr, c->lease.plen, acd_done,
				 c);
	if (rc) {
		log_warn("dhcp4 %s: cannot add the leased address: %s",
			 ifp->name, strerror(-rc));
		restart(c, DHCP4C_DECLINE_WAIT);
		return;
	}
	c->applied = true;
	ia = netif_addr4_find(ifp, c->lease.addr);
	if (ia && ia->state == ADDR4_VALID)
		bind_lease(c); /* no link layer to probe, or arp_acd=0 */
	else
		/* Guard: expiry still applies while probing. */
		arm(c, &c->life,
		    c->lease.lease_s == UINT32_MAX
			    ? UINT64_MAX / 2
			    : at(&c->lease, c->lease.lease_s) - c->eng->now);
}

/* The prefix length of a netmask, or -1 when its ones are not leading. */
static int mask_plen(uint32_t m)
{
	int n = 0;

	while (n < 32 && (m & (0x80000000u >> n)))
		n++;
	return (n < 32 && (m << n)) ? -1 : n;
}

/*
 * lease_from_ack() - what a DHCPACK @v gives; false when it is unusable
 * (no address, no lease time: RFC 2131 Table 3 makes option 51 a MUST in
 * an ACK to a DHCPREQUEST)
 */
static bool lease_from_ack(struct dhcp4c *c, const struct dhcp4_view *v,
			   struct dhcp4_lease *l)
{
	uint8_t buf[256];
	int n, plen;

	memset(l, 0, sizeof(*l));
	if (!v->yiaddr || !v->has_lease_time || ip4_is_multicast(v->yiaddr) ||
	    ip4_is_lbcast(v->yiaddr) || ip4_is_zeronet(v->yiaddr) ||
	    ip4_is_loopback(v->yiaddr))
		return false;
	l->addr = v->yiaddr;
	l->server = v->server_id;
	l->start = c->req_sent;
	l->lease_s = v->lease_time;
	/* RFC 2131 4.4.5 defaults; keep 0 < T1 < T2 < lease. */
	l->t1_s = v->has_t1 ? v->t1 : v->lease_time / 2;
	l->t2_s = v->has_t2 ? v->t2
			    : (uint32_t)((uint64_t)v->lease_time * 7 / 8);
	if (l->t2_s > l->lease_s || (v->has_t2 && l->t2_s == 0))
		l->t2_s = (uint32_t)((uint64_t)v->lease_time * 7 / 8);
	if (l->t1_s > l->t2_s)
		l->t1_s = l->t2_s / 2;
	/* RFC 2132 3.3.  Without a mask (or with one whose ones are not
	 * contiguous) the address is taken as /32 rather than guessing a
	 * classful mask; a router then is not on-link, and its route is
	 * refused and logged rather than invented. */
	plen = v->has_subnet_mask ? mask_plen(v->subnet_mask) : 32;
	l->plen = (uint8_t)(plen < 0 ? 32 : plen);
	for (size_t i = 0; i < v->routers.total / 4 && i < DHCP4C_MAX_ADDRS &&
			   v->routers.parts == 1;
	     i++)
		l->routers[l->nrouters++] = dhcp4_opt_addr(&v->routers, i);
	for (size_t i = 0;
	     i < v->dns.total / 4 && i < DHCP4C_MAX_ADDRS && v->dns.parts == 1;
	     i++)
		l->dns[l->ndns++] = dhcp4_opt_addr(&v->dns, i);
	if (v->domain.parts) {
		n = dhcp4_opt_concat(v, DHCP4_OPT_DOMAIN, buf, sizeof(buf) - 1);
		if (n > 0) {
			buf[n] = 0;
			snprintf(l->domain, sizeof(l->domain), "%s",
				 (const char *)buf);
		}
	}
	if (v->routes.parts) {
		n = dhcp4_opt_concat(v, DHCP4_OPT_CLASSLESS_ROUTES, buf,
				     sizeof(buf));
		if (n > 0)
			n = dhcp4_routes_parse(buf, (size_t)n, l->routes,
					       DHCP4C_MAX_ROUTES);
		/* A malformed option 121 is ignored as a whole (RFC 3442
		 * 2: the client must not use a partial list); option 3
		 * applies then. */
		if (n > 0) {
			l->nroutes = (size_t)n < DHCP4C_MAX_ROUTES
					     ? (size_t)n
					     : DHCP4C_MAX_ROUTES;
			l->classless = true;
		}
	}
	n = dhcp4_opt_concat(v, 26, buf, sizeof(buf));
	if (n == 2)
		l->mtu = (uint16_t)(buf[0] << 8 | buf[1]);
	return true;
}

/* ---- receiving ---- */

static void on_offer(struct dhcp4c *c, const struct dhcp4_view *v)
{
	struct dhcp4_stats *st = &c->eng->stats.dhcp4;

	st->Dhcp4InOffers++;
	if (c->state != DHCP4C_SELECTING) {
		st->Dhcp4InIgnored++; /* a second offer: we took the first */
		return;
	}
	if (!v->yiaddr || ip4_is_multicast(v->yiaddr) ||
	    ip4_is_lbcast(v->yiaddr) || ip4_is_zeronet(v->yiaddr)) {
		st->Dhcp4InErrors++;
		return;
	}
	/* RFC 2131 3.1 step 3: DHCPREQUEST naming the chosen server, with
	 * the offer's xid (Table 5). */
	c->offered = v->yiaddr;
	c->offer_server = v->server_id;
	set_state(c, DHCP4C_REQUESTING);
	c->tries = 0;
	c->req_sent = c->eng->now;
	transmit(c, DHCP4_REQUEST);
	arm(c, &c->rtx, backoff(c->tries));
}

static void on_ack(struct dhcp4c *c, const struct dhcp4_view *v)
{
	struct dhcp4_stats *st = &c->eng->stats.dhcp4;
	struct dhcp4_lease l;

	st->Dhcp4InAcks++;
	switch (c->state) {
	case DHCP4C_REQUESTING:
		if (v->server_id != c->offer_server) {
			st->Dhcp4InIgnored++; /* another server's */
			return;
		}
		break;
	case DHCP4C_REBOOTING:
	case DHCP4C_RENEWING:
	case DHCP4C_REBINDING:
		break;
	default:
		st->Dhcp4InIgnored++; /* a late duplicate */
		return;
	}
	if (!lease_from_ack(c, v, &l)) {
		st->Dhcp4InErrors++;
		return;
	}
	if ((c->state == DHCP4C_RENEWING || c->state == DHCP4C_REBINDING) &&
	    l.addr == c->lease.addr && l.plen == c->lease.plen) {
		/* RFC 2131 4.4.5: the lease is extended; the routes and
		 * options may have changed, bind_lease() redoes them. */
		c->lease = l;
		bind_lease(c);
		return;
	}
	/* A new address (first lease, reboot, or a server that moved us
	 * at renewal): check it before use, RFC 2131 3.1.5. */
	unapply(c);
	c->lease = l;
	check_lease(c);
}

static void on_nak(struct dhcp4c *c, const struct dhcp4_view *v)
{
	struct dhcp4_stats *st = &c->eng->stats.dhcp4;
	struct netif *ifp = client_if(c);

	st->Dhcp4InNaks++;
	switch (c->state) {
	case DHCP4C_REQUESTING:
		if (v->server_id != c->offer_server) {
			st->Dhcp4InIgnored++;
			return;
		}
		break;
	case DHCP4C_REBOOTING:
	case DHCP4C_RENEWING:
	case DHCP4C_REBINDING:
		break;
	default:
		st->Dhcp4InIgnored++;
		return;
	}
	/* RFC 2131 3.1 step 5 and 3.2 step 3: NAK -> INIT, at once. */
	log_warn("dhcp4 %s: DHCPNAK from the server; starting over",
		 ifp ? ifp->name : "?");
	if (c->lease_file[0])
		unlink(c->lease_file);
	restart(c, 0);
}

static struct dhcp4c *client_by_chaddr(struct engine *eng,
				       const struct dhcp4_view *v)
{
	if (v->htype != DHCP4_HTYPE_ETHER || v->hlen != MAC_LEN)
		return NULL;
	for (struct dhcp4c *c = eng->dhcp4c->clients; c; c = c->next) {
		struct netif *ifp = client_if(c);

		if (ifp && !memcmp(v->chaddr, ifp->mac.b, MAC_LEN))
			return c;
	}
	return NULL;
}

/**
 * dhcp4c_input() - one message that reached UDP port 68
 * @buf: the UDP payload; @len: its length
 *
 * Malformed messages and replies missing a required option count as
 * Dhcp4InErrors; replies for another client or exchange (chaddr, xid),
 * requests and unexpected types count as Dhcp4InIgnored.
 */
void dhcp4c_input(struct engine *eng, const uint8_t *buf, size_t len)
{
	struct dhcp4_stats *st = &eng->stats.dhcp4;
	struct dhcp4_view v;
	struct dhcp4c *c;

	if (!eng->dhcp4c)
		return;
	if (dhcp4_parse(buf, len, &v)) {
		st->Dhcp4InErrors++;
		return;
	}
	c = v.op == DHCP4_OP_REPLY ? client_by_chaddr(eng, &v) : NULL;
	if (!c || v.xid != c->xid) {
		st->Dhcp4InIgnored++;
		return;
	}
	if (v.msg_type != DHCP4_OFFER && v.msg_type != DHCP4_ACK &&
	    v.msg_type != DHCP4_NAK) {
		st->Dhcp4InIgnored++;
		return;
	}
	/* RFC 2131 Table 3: the server identifier MUST be in all three. */
	if (!v.has_server_id) {
		st->Dhcp4InErrors++;
		return;
	}
	if (v.msg_type == DHCP4_OFFER)
		on_offer(c, &v);
	else if (v.msg_type == DHCP4_ACK)
		on_ack(c, &v);
	else
		on_nak(c, &v);
}

static void sock_ready(struct sock *sk, unsigned int events, void *arg)
{
	struct engine *eng = arg;
	uint8_t buf[DHCP4C_MSG_MAX + 576];
	struct sockaddr_in from;
	socklen_t flen;
	ssize_t n;

	(void)events;
	for (;;) {
		flen = sizeof(from);
		n = sock_recvfrom(sk, buf, sizeof(buf), 0,
				  (struct sockaddr *)&from, &flen);
		if (n < 0)
			break;
		if (ntohs(from.sin_port) != DHCP4_SERVER_PORT) {
			eng->stats.dhcp4.Dhcp4InIgnored++;
			continue;
		}
		dhcp4c_input(eng, buf, (size_t)n);
		if (!eng->dhcp4c || eng->dhcp4c->sk != sk)
			break; /* the last client stopped */
	}
}

/* ---- timers ---- */

static void rtx_fire(struct timer *t)
{
	struct dhcp4c *c = container_of(t, struct dhcp4c, rtx);
	uint64_t now = c->eng->now, d;

	switch (c->state) {
	case DHCP4C_INIT:
		/* RFC 2131 3.1 step 1. */
		new_exchange(c);
		set_state(c, DHCP4C_SELECTING);
		/* fall through */
	case DHCP4C_SELECTING:
		transmit(c, DHCP4_DISCOVER);
		arm(c, &c->rtx, backoff(c->tries));
		return;
	case DHCP4C_INIT_REBOOT:
		/* RFC 2131 3.2 step 1: ask for the old address. */
		new_exchange(c);
		c->req_sent = now;
		set_state(c, DHCP4C_REBOOTING);
		transmit(c, DHCP4_REQUEST);
		arm(c, &c->rtx, backoff(c->tries));
		return;
	case DHCP4C_REQUESTING:
	case DHCP4C_REBOOTING:
		if (c->tries >= (c->state == DHCP4C_REQUESTING
					 ? DHCP4C_REQUEST_TRIES
					 : DHCP4C_REBOOT_TRIES)) {
			/* RFC 2131 4.4.1: no answer after retransmitting:
			 * back to INIT. */
			restart(c, 0);
			return;
		}
		transmit(c, DHCP4_REQUEST);
		arm(c, &c->rtx, backoff(c->tries));
		return;
	case DHCP4C_RENEWING:
	case DHCP4C_REBINDING:
		/* RFC 2131 4.4.5: half the time left to T2 (RENEWING) or
		 * expiry (REBINDING), at least 60 s; @life ends the state. */
		transmit(c, DHCP4_REQUEST);
		d = at(&c->lease, c->state == DHCP4C_RENEWING
					  ? c->lease.t2_s
					  : c->lease.lease_s);
		d = d > now ? (d - now) / 2 : 0;
		arm(c, &c->rtx,
		    d < DHCP4C_RENEW_RTX_MIN ? DHCP4C_RENEW_RTX_MIN : d);
		return;
	case DHCP4C_CHECKING:
	case DHCP4C_BOUND:
		return; /* nothing to send */
	}
}

static void life_fire(struct timer *t)
{
	struct dhcp4c *c = container_of(t, struct dhcp4c, life);
	struct dhcp4_stats *st = &c->eng->stats.dhcp4;
	struct netif *ifp = client_if(c);
	uint64_t now = c->eng->now, next;

	switch (c->state) {
	case DHCP4C_BOUND:
		if (now < at(&c->lease, c->lease.t1_s))
			break;
		/* RFC 2131 4.4.5: T1 -> RENEWING, unicast to the server. */
		st->Dhcp4Renews++;
		set_state(c, DHCP4C_RENEWING);
		new_exchange(c);
		c->req_sent = now;
		rtx_fire(&c->rtx);
		break;
	case DHCP4C_RENEWING:
		if (now < at(&c->lease, c->lease.t2_s))
			break;
		/* T2 -> REBINDING: any server, broadcast. */
		st->Dhcp4Rebinds++;
		set_state(c, DHCP4C_REBINDING);
		new_exchange(c);
		c->req_sent = now;
		rtx_fire(&c->rtx);
		break;
	case DHCP4C_CHECKING:
	case DHCP4C_REBINDING:
		if (now < at(&c->lease, c->lease.lease_s))
			break;
		/* RFC 2131 4.4.5: the lease expired: stop using the
		 * address, back to INIT. */
		st->Dhcp4LeaseExpired++;
		log_warn("dhcp4 %s: lease expired", ifp ? ifp->name : "?");
		restart(c, 0);
		return;
	default:
		return;
	}
	switch (c->state) {
	case DHCP4C_BOUND:
		next = at(&c->lease, c->lease.t1_s);
		break;
	case DHCP4C_RENEWING:
		next = at(&c->lease, c->lease.t2_s);
		break;
	default:
		next = at(&c->lease, c->lease.lease_s);
		break;
	}
	arm(c, &c->life, next > now ? next - now : 0);
}

static void arm_table(struct dhcp4c_table *t, uint64_t delay)
{
	if (engine_timer_arm(t->eng, &t->linger, delay))
		log_warn("dhcp4: cannot arm a timer");
}

/* ---- control ---- */

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void add_addrs(struct json_object *o, const char *k, const uint32_t *a,
		      size_t n)
{
	char buf[DHCP4C_MAX_ADDRS * (INET_ADDRSTRLEN + 1) + 1] = "";
	char s[INET_ADDRSTRLEN];

	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(buf, ",");
		strcat(buf, ip_str(a[i], s));
	}
	add_str(o, k, n ? buf : "-");
}

/* Seconds from now until @s seconds into the lease, 0 when past. */
static int64_t remaining(const struct dhcp4c *c, uint32_t s)
{
	uint64_t t = at(&c->lease, s);

	if (s == UINT32_MAX)
		return -1; /* infinite */
	return t > c->eng->now ? (int64_t)((t - c->eng->now) / USEC) : 0;
}

/*
 * dhcp - one object per client: {"dev", "state", "address", "server",
 * "lease", "t1", "t2" (seconds left; -1 infinite), "routers", "routes",
 * "dns", "domain", "mtu"}
 */
static int cmd_dhcp(struct ctl_req *req)
{
	struct json_object *arr = json_object_new_array();
	char a[INET_ADDRSTRLEN], pfx[INET_ADDRSTRLEN + 4];
	bool have;

	if (!arr)
		return -ENOMEM;
	for (struct dhcp4c *c = req->eng->dhcp4c->clients; c; c = c->next) {
		struct json_object *o = json_object_new_object();
		struct netif *ifp = client_if(c);
		const struct dhcp4_lease *l = &c->lease;

		have = c->state == DHCP4C_CHECKING ||
		       c->state == DHCP4C_BOUND ||
		       c->state == DHCP4C_RENEWING ||
		       c->state == DHCP4C_REBINDING;
		add_str(o, "dev", ifp ? ifp->name : "?");
		add_str(o, "state", dhcp4c_state_name(c->state));
		if (have) {
			snprintf(pfx, sizeof(pfx), "%s/%u", ip_str(l->addr, a),
				 l->plen);
			add_str(o, "address", pfx);
			add_str(o, "server", ip_str(l->server, a));
			json_object_object_add(o, "lease",
					       json_object_new_int64(remaining(
						       c, l->lease_s)));
			json_object_object_add(
				o, "t1",
				json_object_new_int64(remaining(c, l->t1_s)));
			json_object_object_add(
				o, "t2",
				json_object_new_int64(remaining(c, l->t2_s)));
			add_addrs(o, "routers", l->routers, l->nrouters);
			json_object_object_add(
				o, "routes",
				json_object_new_int64((int64_t)l->nroutes));
			add_addrs(o, "dns", l->dns, l->ndns);
			add_str(o, "domain", l->domain[0] ? l->domain : "-");
			json_object_object_add(o, "mtu",
					       json_object_new_int(l->mtu));
		}
		json_object_array_add(arr, o);
	}
	req->data = arr;
	return 0;
}

/* ---- start and stop ---- */

static void linger_fire(struct timer *tm);

/**
 * dhcp4c_init() - the client table and the "dhcp" command
 *
 * Port 68 is bound only while a client runs, so an engine without DHCP
 * leaves it to applications.  Return: 0 or -errno.
 */
int dhcp4c_init(struct engine *eng)
{
	eng->dhcp4c = calloc(1, sizeof(*eng->dhcp4c));
	if (!eng->dhcp4c)
		return -ENOMEM;
	eng->dhcp4c->eng = eng;
	timer_init(&eng->dhcp4c->linger, linger_fire);
	return ctl_register(eng, "dhcp", cmd_dhcp);
}

static int open_sock(struct engine *eng)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(DHCP4_CLIENT_PORT) };
	struct sock *sk;
	int one = 1, rc;

	if (eng->dhcp4c->sk)
		return 0;
	rc = sock_create(eng, AF_INET, SOCK_DGRAM, 0, &sk);
	if (rc)
		return rc;
	sock_setsockopt(sk, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
	rc = sock_bind(sk, (const struct sockaddr *)&sin, sizeof(sin));
	if (rc) {
		sock_close(sk);
		return rc;
	}
	sock_set_ready(sk, sock_ready, eng);
	eng->dhcp4c->sk = sk;
	return 0;
}

/**
 * dhcp4c_find() - the client running on interface @ifindex, or NULL
 */
struct dhcp4c *dhcp4c_find(struct engine *eng, int ifindex)
{
	if (!eng->dhcp4c)
		return NULL;
	for (struct dhcp4c *c = eng->dhcp4c->clients; c; c = c->next)
		if (c->ifindex == ifindex)
			return c;
	return NULL;
}

/**
 * dhcp4c_start() - run a DHCP client on @ifp
 * @lease_file: where to keep the lease for INIT-REBOOT (RFC 2131 3.2),
 *	or NULL
 *
 * The client starts in INIT-REBOOT when @lease_file names an address,
 * else in INIT, and sends its first message 0..1 s later.
 *
 * Return: 0, -EEXIST (already running), -EINVAL (no link layer: a TUN
 * device has no chaddr), -ENAMETOOLONG, -ENOMEM, or what binding port
 * 68 returns (-EADDRINUSE).
 */
int dhcp4c_start(struct netif *ifp, const char *lease_file)
{
	struct engine *eng = ifp->eng;
	struct dhcp4c *c;
	int rc;

	if (!eng->dhcp4c)
		return -ENOENT;
	if (dhcp4c_find(eng, ifp->index))
		return -EEXIST;
	if (ifp->kind == NETIF_TUN)
		return -EINVAL;
	if (lease_file && strlen(lease_file) >= sizeof(c->lease_file))
		return -ENAMETOOLONG;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	rc = open_sock(eng);
	if (rc) {
		free(c);
		return rc;
	}
	c->eng = eng;
	c->ifindex = ifp->index;
	c->orig_mtu = ifp->mtu;
	timer_init(&c->rtx, rtx_fire);
	timer_init(&c->life, life_fire);
	if (lease_file) {
		strcpy(c->lease_file, lease_file);
		c->reboot_addr = lease_file_read(lease_file);
	}
	c->state = c->reboot_addr ? DHCP4C_INIT_REBOOT : DHCP4C_INIT;
	c->next = eng->dhcp4c->clients;
	eng->dhcp4c->clients = c;
	arm(c, &c->rtx, rand_range(0, DHCP4C_START_DELAY_MAX));
	return 0;
}

/*
 * A unicast DHCPRELEASE may sit in the neighbour queue while the server's
 * MAC is resolved; remember where, so that shutdown can wait for it.
 */
static void note_inflight(struct dhcp4c *c)
{
	struct dhcp4c_table *t = c->eng->dhcp4c;
	struct route4_result r;
	struct neigh *n;
	uint8_t key[4];

	if (route4_lookup(c->eng, c->lease.server, &r))
		return;
	st_be32(key, r.nexthop);
	n = neigh_lookup(c->eng, r.ifp->index, AF_INET, key);
	if (!n || !n->queue.count ||
	    t->ninflight == sizeof(t->inflight) / sizeof(t->inflight[0]))
		return;
	t->inflight[t->ninflight++] = (struct dhcp4c_inflight){
		.ifindex = r.ifp->index, .nexthop = r.nexthop
	};
}

/**
 * dhcp4c_releases_in_flight() - a DHCPRELEASE still waits for its next
 * hop's link address
 */
bool dhcp4c_releases_in_flight(struct engine *eng)
{
	struct dhcp4c_table *t = eng->dhcp4c;
	uint8_t key[4];

	for (size_t i = 0; t && i < t->ninflight; i++) {
		struct neigh *n;

		st_be32(key, t->inflight[i].nexthop);
		n = neigh_lookup(eng, t->inflight[i].ifindex, AF_INET, key);
		if (n && n->queue.count)
			return true;
	}
	return false;
}

static void linger_fire(struct timer *tm)
{
	struct dhcp4c_table *t = container_of(tm, struct dhcp4c_table, linger);
	struct engine *eng = t->eng;

	if (dhcp4c_releases_in_flight(eng) && eng->now < t->linger_end) {
		arm_table(t, DHCP4C_LINGER_POLL);
		return;
	}
	if (eng->loop)
		engine_loop_stop(eng);
}

/**
 * dhcp4c_stop() - stop the client on @ifp, removing its address and routes
 * @release: send DHCPRELEASE first when a lease is held (RFC 2131 4.4.6)
 */
void dhcp4c_stop(struct netif *ifp, bool release)
{
	struct engine *eng = ifp->eng;
	struct dhcp4c *c = dhcp4c_find(eng, ifp->index), **pp;

	if (!c)
		return;
	if (release &&
	    (c->state == DHCP4C_BOUND || c->state == DHCP4C_RENEWING ||
	     c->state == DHCP4C_REBINDING)) {
		new_exchange(c);
		transmit(c, DHCP4_RELEASE);
		note_inflight(c);
		/* The lease is gone: INIT-REBOOT must not ask for it. */
		if (c->lease_file[0])
			unlink(c->lease_file);
	}
	unapply(c);
	timer_cancel(&eng->timers, &c->rtx);
	timer_cancel(&eng->timers, &c->life);
	for (pp = &eng->dhcp4c->clients; *pp != c; pp = &(*pp)->next)
		;
	*pp = c->next;
	free(c);
	if (!eng->dhcp4c->clients && eng->dhcp4c->sk) {
		sock_close(eng->dhcp4c->sk);
		eng->dhcp4c->sk = NULL;
	}
}

/**
 * dhcp4c_release_all() - stop every client, releasing held leases: for a
 * clean shutdown (SIGTERM)
 */
void dhcp4c_release_all(struct engine *eng)
{
	while (eng->dhcp4c && eng->dhcp4c->clients) {
		struct netif *ifp = client_if(eng->dhcp4c->clients);

		if (!ifp) {
			/* Cannot happen: l3_netif_down() stops clients. */
			break;
		}
		dhcp4c_stop(ifp, true);
	}
}

/**
 * dhcp4c_shutdown() - stop every client for a clean engine exit (SIGTERM)
 *
 * A client without a lease file gives its lease back (DHCPRELEASE, RFC
 * 2131 4.4.6), so the server may reuse the address at once.  A client
 * with one keeps the lease, silently, as dhclient and dhcpcd do by
 * default: the file is there to ask for the same address at the next
 * start (INIT-REBOOT, RFC 2131 3.2), which a release would defeat.
 */
int dhcp4c_shutdown(struct engine *eng)
{
	struct dhcp4c_table *t = eng->dhcp4c;

	if (!t)
		return 0;
	while (t->clients) {
		struct dhcp4c *c = t->clients;
		struct netif *ifp = client_if(c);

		if (!ifp)
			break; /* cannot happen: see dhcp4c_release_all() */
		dhcp4c_stop(ifp, !c->lease_file[0]);
	}
	if (!dhcp4c_releases_in_flight(eng))
		return 0;
	/* The caller runs the loop again; linger_fire() stops it once the
	 * releases have left, or after DHCP4C_LINGER_MAX. */
	t->linger_end = eng->now + DHCP4C_LINGER_MAX;
	arm_table(t, DHCP4C_LINGER_POLL);
	return (int)t->ninflight;
}

/** dhcp4c_fini() - stop every client without a word to the servers. */
void dhcp4c_fini(struct engine *eng)
{
	struct dhcp4c *c;

	if (!eng->dhcp4c)
		return;
	while ((c = eng->dhcp4c->clients)) {
		struct netif *ifp = client_if(c);

		if (ifp) {
			dhcp4c_stop(ifp, false);
			continue;
		}
		timer_cancel(&eng->timers, &c->rtx);
		timer_cancel(&eng->timers, &c->life);
		eng->dhcp4c->clients = c->next;
		free(c);
	}
	if (eng->dhcp4c->sk)
		sock_close(eng->dhcp4c->sk);
	timer_cancel(&eng->timers, &eng->dhcp4c->linger);
	free(eng->dhcp4c);
	eng->dhcp4c = NULL;
}
