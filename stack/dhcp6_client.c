// SPDX-License-Identifier: MIT
/*
 * dhcp6_client.c - the DHCPv6 client (RFC 8415): addresses in IA_NA
 * (SOLICIT, ADVERTISE, REQUEST, REPLY, RENEW, REBIND, DECLINE, RELEASE)
 * and stateless configuration (INFORMATION-REQUEST), DNS servers from
 * option 23 (RFC 3646)
 *
 * Theory of operation
 *
 * One struct dhcp6c per interface, modelled on dhcp4_client.c.  Two
 * timers drive it: @rtx sends and retransmits (RFC 8415 15), @life fires
 * at T1, T2, the end of the valid lifetimes and, stateless, at the
 * information refresh time.  Every state change goes through set_state(),
 * which logs "A -> B".
 *
 * What starts a client: `--dhcp6` (stateful at once), or with `--slaac` a
 * Router Advertisement's M flag (stateful) or O flag alone (stateless),
 * RFC 4861 4.2; nd6.c calls dhcp6c_ra_flags() for each RA.  An M flag
 * seen while a stateless client runs turns it stateful.
 *
 * Sending: every message goes to All_DHCP_Relay_Agents_and_Servers
 * (ff02::1:2, RFC 8415 7.1) port 547 from our link-local address (18.2);
 * the client never uses the Server Unicast option, which RFC 8415 18.2.10
 * allows.  A send while the link-local address is still tentative is put
 * off by a second and not counted as a try.
 *
 * Receiving: one engine UDP socket bound to [::]:546 serves all
 * clients; the transaction id names the client and the exchange, the
 * Client Identifier must be our DUID (RFC 8415 16.3, 16.10), and answers
 * to REQUEST, RENEW and DECLINE must come from the server we chose.
 *
 * Addresses: each IAADDR of a REPLY becomes a /128 address with origin
 * "dhcp6" (IFA6_F_DHCP6), whose lifetimes the IPv6 address code enforces
 * like those of SLAAC addresses; it goes through DAD (slaac.c), and a
 * duplicate comes back through dhcp6c_dad_failed(), which DECLINEs it
 * (RFC 8415 18.2.10.1).  The on-link prefix comes from the RA, as RFC
 * 8415 section 6 expects.
 *
 * DUID (RFC 8415 11): with `--dhcp6-duid-file` a DUID-LLT, made once and
 * kept in that file, so the client stays the same client across restarts
 * even with a random MAC; without it a DUID-LL from the interface's MAC,
 * which needs no storage (11.4) and is stable when `--mac` is.  The IAID
 * is a hash of the interface name: the same across restarts (12).
 *
 * Deviations, chosen: T1, T2 and lifetimes count from the REPLY's
 * arrival; the client does not use Reconfigure (no Reconfigure Accept),
 * rapid commit, IA_TA or IA_PD; a failure status other than NotOnLink,
 * NoAddrsAvail and NoBinding is counted and the message retransmitted.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "dhcp4_client.h"
#include "dhcp6_client.h"
#include "engine.h"
#include "hash.h"
#include "ipv6.h"
#include "log.h"
#include "nd6.h"
#include "socket.h"
#include "wire/csum.h"
#include "wire/udp.h"

#define container_of(ptr, type, member)                                        \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

#define USEC DHCP6C_SEC
#define DHCP6C_MSG_MAX 1024 /* room for one message we build */
#define INF32 0xffffffffu

/* ff02::1:2, RFC 8415 7.1 */
static const struct ip6_addr all_dhcp = { { 0xff, 0x02, [13] = 1, [15] = 2 } };

static const char *const state_names[] = {
	[DHCP6C_INIT] = "INIT",		[DHCP6C_SOLICIT] = "SOLICIT",
	[DHCP6C_REQUEST] = "REQUEST",	[DHCP6C_BOUND] = "BOUND",
	[DHCP6C_RENEW] = "RENEW",	[DHCP6C_REBIND] = "REBIND",
	[DHCP6C_DECLINE] = "DECLINE",	[DHCP6C_INFORM] = "INFORM",
	[DHCP6C_INFORMED] = "INFORMED",
};

/** dhcp6c_state_name() - the name of @s, e.g. "REBIND" */
const char *dhcp6c_state_name(enum dhcp6c_state s)
{
	return (size_t)s < sizeof(state_names) / sizeof(state_names[0])
		       ? state_names[s]
		       : "?";
}

static struct netif *client_if(const struct dhcp6c *c)
{
	return netif_by_index(c->eng, c->ifindex);
}

/* Every state change passes here, so the log tells the story. */
static void set_state(struct dhcp6c *c, enum dhcp6c_state s)
{
	struct netif *ifp = client_if(c);

	if (c->state != s)
		log_info("dhcp6 %s: %s -> %s", ifp ? ifp->name : "?",
			 dhcp6c_state_name(c->state), dhcp6c_state_name(s));
	c->state = s;
}

static void arm(struct dhcp6c *c, struct timer *t, uint64_t delay)
{
	if (engine_timer_arm(c->eng, t, delay))
		log_warn("dhcp6: cannot arm a timer");
}

/* ---- RFC 8415 15: retransmission ---- */

/* RAND * @base with RAND uniform in -0.1..+0.1 (0..+0.1 if @positive). */
static int64_t jitter(uint64_t base, bool positive)
{
	uint64_t span = base / 10; /* 0.1 * base */

	if (span > UINT32_MAX / 2)
		span = UINT32_MAX / 2;
	if (positive)
		return (int64_t)rand_range(0, (uint32_t)span);
	return (int64_t)rand_range(0, 2 * (uint32_t)span) - (int64_t)span;
}

/**
 * dhcp6c_rt_first() - the first RT of an exchange (RFC 8415 15):
 * RT = IRT + RAND*IRT; @positive for the first SOLICIT, whose RAND
 * "MUST be strictly greater than 0" (we use 0..+0.1, 0 having
 * probability ~0)
 */
uint64_t dhcp6c_rt_first(uint64_t irt, bool positive)
{
	return (uint64_t)((int64_t)irt + jitter(irt, positive));
}

/**
 * dhcp6c_rt_next() - RT = 2*RTprev + RAND*RTprev, and once past @mrt
 * (0: no limit) RT = MRT + RAND*MRT (RFC 8415 15)
 */
uint64_t dhcp6c_rt_next(uint64_t rt, uint64_t mrt)
{
	uint64_t n = (uint64_t)((int64_t)(2 * rt) + jitter(rt, false));

	if (mrt && n > mrt)
		n = (uint64_t)((int64_t)mrt + jitter(mrt, false));
	return n;
}

/* A new transaction: RFC 8415 16.1, a fresh random 24-bit id. */
static void new_exchange(struct dhcp6c *c)
{
	c->xid = rand_u32() & DHCP6_XID_MAX;
	c->tries = 0;
	c->rt = 0;
	c->mrd_end = 0;
}

/* ---- sending ---- */

/* Our preferred link-local address on the client's link, if any. */
static bool link_local(const struct dhcp6c *c, struct ip6_addr *src)
{
	const struct ip6_state *s = c->eng->ip6;

	for (size_t i = 0; s && i < s->naddrs; i++) {
		const struct ifaddr6 *ia = s->addrs[i];

		if (ia->ifindex == c->ifindex && ip6_is_linklocal(&ia->addr) &&
		    (ia->state == ADDR6_PREFERRED ||
		     ia->state == ADDR6_DEPRECATED)) {
			*src = ia->addr;
			return true;
		}
	}
	return false;
}

/* Wrap @msg in UDP 546 -> 547 and send it to ff02::1:2 from @src. */
static int send_udp(struct dhcp6c *c, const uint8_t *msg, size_t len,
		    const struct ip6_addr *src)
{
	struct engine *eng = c->eng;
	struct ip6_out o = { .src = *src,
			     .dst = all_dhcp,
			     .proto = IP6_NH_UDP,
			     .oif = c->ifindex };
	struct udp_view u = { .sport = DHCP6_CLIENT_PORT,
			      .dport = DHCP6_SERVER_PORT,
			      .payload_len = len };
	struct pkt *p;
	uint8_t *h;
	int rc;

	p = pkt_alloc(UDP_HLEN + len);
	if (!p)
		return -ENOBUFS;
	h = pkt_put(p, UDP_HLEN + len);
	memcpy(h + UDP_HLEN, msg, len);
	u.payload = h + UDP_HLEN;
	udp_emit(h, UDP_HLEN + len, &u,
		 csum_pseudo6(src, &all_dhcp, IP6_NH_UDP,
			      (uint32_t)(UDP_HLEN + len)));
	rc = ipv6_output(eng, p, &o);
	if (!rc)
		eng->stats.udp6.Udp6OutDatagrams++;
	return rc;
}

/* The addresses an IA_NA of @type carries: hints of what we hold or
 * were offered (RFC 8415 18.2.2, 18.2.4, 18.2.5, 18.2.7, 18.2.8). */
static void put_ia(struct dhcp6c *c, struct dhcp6_opts *o, uint8_t type)
{
	const struct dhcp6_lease *l = type == DHCP6_REQUEST ? &c->adv
							    : &c->lease;
	const struct ip6_addr *list[DHCP6C_MAX_ADDRS];
	size_t n = 0;

	switch (type) {
	case DHCP6_REQUEST:
	case DHCP6_RENEW:
	case DHCP6_REBIND:
	case DHCP6_RELEASE:
		for (; n < l->naddrs; n++)
			list[n] = &l->addrs[n].addr;
		break;
	case DHCP6_DECLINE:
		for (; n < c->ndeclined; n++)
			list[n] = &c->declined[n];
		break;
	default:
		break; /* SOLICIT: an empty IA_NA */
	}
	/* 21.4: T1 and T2 0 in a client's IA_NA: no preference. */
	dhcp6_opt_open_ia(o, DHCP6_OPT_IA_NA, c->iaid, 0, 0);
	for (size_t i = 0; i < n; i++) {
		dhcp6_opt_open_iaaddr(o, list[i], 0, 0);
		dhcp6_opt_close(o);
	}
	dhcp6_opt_close(o);
}

/*
 * build_msg() - the message of @type for @c's state, RFC 8415 18.2.x;
 * returns its length or -errno.  Exposed only through transmit().
 */
static int build_msg(struct dhcp6c *c, uint8_t type, uint8_t *buf, size_t cap)
{
	struct dhcp6_view v = { .msg_type = type, .xid = c->xid };
	const struct dhcp6_lease *srv = type == DHCP6_REQUEST ? &c->adv
							      : &c->lease;
	uint8_t oro[8];
	size_t noro = 0;
	struct dhcp6_opts o;
	uint64_t el;
	int n;

	dhcp6_opts_init(&o, buf + DHCP6_HDR_LEN, cap - DHCP6_HDR_LEN);
	dhcp6_opt_put(&o, DHCP6_OPT_CLIENTID, c->duid, c->duid_len);
	/* 18.2.2, 18.2.4, 18.2.7, 18.2.8: the chosen server; REBIND and
	 * SOLICIT ask any server. */
	if (type == DHCP6_REQUEST || type == DHCP6_RENEW ||
	    type == DHCP6_RELEASE || type == DHCP6_DECLINE)
		dhcp6_opt_put(&o, DHCP6_OPT_SERVERID, srv->server_id,
			      srv->server_id_len);
	/* 21.9: hundredths of a second since the first message of the
	 * exchange, 0 in the first, 0xffff when larger. */
	el = c->tries ? (c->eng->now - c->exchange_start) / 10000 : 0;
	dhcp6_opt_put_u16(&o, DHCP6_OPT_ELAPSED_TIME,
			  (uint16_t)(el > 0xffff ? 0xffff : el));
	/* 21.7 and 18.2: what we want beyond addresses. */
	if (type != DHCP6_RELEASE && type != DHCP6_DECLINE) {
		st_be16(oro + 2 * noro++, DHCP6_OPT_DNS_SERVERS);
		st_be16(oro + 2 * noro++, DHCP6_OPT_DOMAIN_LIST);
		if (type == DHCP6_SOLICIT)
			st_be16(oro + 2 * noro++, DHCP6_OPT_SOL_MAX_RT);
		if (type == DHCP6_INFORMATION_REQUEST) {
			st_be16(oro + 2 * noro++,
				DHCP6_OPT_INFORMATION_REFRESH_TIME);
			st_be16(oro + 2 * noro++, DHCP6_OPT_INF_MAX_RT);
		}
		dhcp6_opt_put(&o, DHCP6_OPT_ORO, oro, 2 * noro);
	}
	if (type != DHCP6_INFORMATION_REQUEST)
		put_ia(c, &o, type);
	n = dhcp6_opts_finish(&o);
	if (n < 0)
		return n;
	v.options = buf + DHCP6_HDR_LEN;
	v.options_len = (size_t)n;
	return dhcp6_emit(buf, cap, &v);
}

static void count_out(struct dhcp6_stats *st, uint8_t type)
{
	switch (type) {
	case DHCP6_SOLICIT:
		st->Dhcp6OutSolicits++;
		break;
	case DHCP6_REQUEST:
		st->Dhcp6OutRequests++;
		break;
	case DHCP6_RENEW:
		st->Dhcp6OutRenews++;
		break;
	case DHCP6_REBIND:
		st->Dhcp6OutRebinds++;
		break;
	case DHCP6_INFORMATION_REQUEST:
		st->Dhcp6OutInfoRequests++;
		break;
	case DHCP6_DECLINE:
		st->Dhcp6OutDeclines++;
		break;
	default:
		st->Dhcp6OutReleases++;
		break;
	}
}

/*
 * transmit() - send (or resend) @type and count the try
 *
 * Return: 0 once sent or counted as lost, -EADDRNOTAVAIL when our
 * link-local address is not usable yet (nothing counted: the caller
 * retries in DHCP6C_NO_SRC_RETRY).
 */
static int transmit(struct dhcp6c *c, uint8_t type)
{
	struct dhcp6_stats *st = &c->eng->stats.dhcp6;
	uint8_t buf[DHCP6C_MSG_MAX];
	struct ip6_addr src;
	int n, rc;

	if (!link_local(c, &src))
		return -EADDRNOTAVAIL;
	if (!c->tries)
		c->exchange_start = c->eng->now;
	n = build_msg(c, type, buf, sizeof(buf));
	c->tries++;
	if (n < 0) {
		st->Dhcp6OutErrors++;
		return 0;
	}
	rc = send_udp(c, buf, (size_t)n, &src);
	if (rc) {
		st->Dhcp6OutErrors++;
		log_debug("dhcp6: send failed: %s", strerror(-rc));
		return 0;
	}
	count_out(st, type);
	return 0;
}

/*
 * Send the current message and arm its retransmission (RFC 8415 15):
 * @irt, @mrt as in 7.6; @first_positive for the first SOLICIT.
 */
static void send_and_arm(struct dhcp6c *c, uint8_t type, uint64_t irt,
			 uint64_t mrt, bool first_positive)
{
	if (transmit(c, type)) {
		arm(c, &c->rtx, DHCP6C_NO_SRC_RETRY);
		return;
	}
	c->rt = c->tries == 1 ? dhcp6c_rt_first(irt, first_positive)
			      : dhcp6c_rt_next(c->rt, mrt);
	/* 15: the last RT ends at MRD. */
	if (c->mrd_end && c->eng->now + c->rt > c->mrd_end)
		c->rt = c->mrd_end > c->eng->now ? c->mrd_end - c->eng->now : 0;
	arm(c, &c->rtx, c->rt);
}

/* ---- applying a lease ---- */

static uint64_t at(const struct dhcp6_lease *l, uint32_t s)
{
	return s == INF32 ? UINT64_MAX : l->start + (uint64_t)s * USEC;
}

/* When the last valid lifetime of @l ends (µs), UINT64_MAX never. */
static uint64_t lease_end(const struct dhcp6_lease *l)
{
	uint32_t max = 0;

	for (size_t i = 0; i < l->naddrs; i++)
		if (l->addrs[i].valid > max)
			max = l->addrs[i].valid;
	return at(l, max);
}

static bool lease_has(const struct dhcp6_lease *l, const struct ip6_addr *a)
{
	for (size_t i = 0; i < l->naddrs; i++)
		if (ip6_eq(&l->addrs[i].addr, a))
			return true;
	return false;
}

/* Take the addresses of c->lease off the link. */
/*
 * Take every DHCPv6 address off the client's link: those of c->lease and
 * older ones a later REPLY left out (see apply()).
 */
static void unapply(struct dhcp6c *c)
{
	struct ip6_state *s = c->eng->ip6;

	if (!c->applied)
		return;
	for (size_t i = s->naddrs; i-- > 0;) {
		struct ifaddr6 *ia = s->addrs[i];

		if (ia->ifindex == c->ifindex && (ia->flags & IFA6_F_DHCP6))
			ip6_addr_free(c->eng, ia);
	}
	c->applied = false;
}

/*
 * RFC 8415 18.2.10.1: add @nl's new addresses (they start DAD), update
 * the lifetimes of known ones, discard those the server gave valid
 * lifetime 0, and "leave unchanged" those it left out: they stay on the
 * link until their own valid lifetime ends (the address code removes
 * them).  @nl becomes the lease.
 */
static void apply(struct dhcp6c *c, const struct dhcp6_lease *nl)
{
	struct netif *ifp = client_if(c);
	char a[INET6_ADDRSTRLEN];

	if (!ifp)
		return;
	for (size_t i = 0; i < nl->nzero; i++)
		if (!ip6_addr_del(c->eng, c->ifindex, &nl->zero[i]))
			log_info("dhcp6 %s: %s taken back by the server",
				 ifp->name, ip6_str(&nl->zero[i], a));
	for (size_t i = 0; i < nl->naddrs; i++) {
		const struct dhcp6c_addr *la = &nl->addrs[i];
		struct ifaddr6 *ia = ip6_addr_find(c->eng, c->ifindex,
						   &la->addr);
		int rc;

		if (ia) {
			slaac_update_lifetimes(ia, la->valid, la->preferred);
			continue;
		}
		rc = ip6_addr_add(ifp, &la->addr, 128, IFA6_F_DHCP6, la->valid,
				  la->preferred);
		if (rc)
			log_warn("dhcp6 %s: cannot add %s: %s", ifp->name,
				 ip6_str(&la->addr, a), strerror(-rc));
		else
			log_info("dhcp6 %s: leased %s, valid %u s, preferred "
				 "%u s",
				 ifp->name, ip6_str(&la->addr, a), la->valid,
				 la->preferred);
	}
	c->lease = *nl;
	c->applied = true;
}

/* Arm @life for the next of T1, T2, expiry or information refresh. */
static void arm_life(struct dhcp6c *c)
{
	const struct dhcp6_lease *l = &c->lease;
	uint64_t next;

	switch (c->state) {
	case DHCP6C_BOUND:
		next = at(l, l->t1);
		break;
	case DHCP6C_RENEW:
		next = at(l, l->t2);
		break;
	case DHCP6C_REBIND:
		next = lease_end(l);
		break;
	case DHCP6C_INFORMED:
		next = at(l, l->irt);
		break;
	default:
		return;
	}
	if (next == UINT64_MAX) {
		timer_cancel(&c->eng->timers, &c->life);
		return;
	}
	arm(c, &c->life, next > c->eng->now ? next - c->eng->now : 0);
}

/* Back to the start: SOLICIT (stateful) or INFORM after @delay µs. */
static void restart(struct dhcp6c *c, uint64_t delay)
{
	unapply(c);
	memset(&c->lease, 0, sizeof(c->lease));
	c->have_adv = false;
	timer_cancel(&c->eng->timers, &c->life);
	set_state(c, DHCP6C_INIT);
	arm(c, &c->rtx, delay);
}

/* ---- receiving ---- */

static size_t copy_dns(const struct dhcp6_view *v, struct dhcp6_lease *l)
{
	size_t n = v->dns.len / IP6_LEN;

	l->ndns = 0;
	for (size_t i = 0; i < n && l->ndns < DHCP6C_MAX_DNS; i++)
		dhcp6_dns_at(&v->dns, i, &l->dns[l->ndns++]);
	l->domain[0] = 0;
	if (v->domains.count) {
		size_t off = 0;

		/* The first name only: enough to show; RFC 3646 4. */
		if (dhcp6_domain_next(v->domains.data, v->domains.len, &off,
				      l->domain, sizeof(l->domain)) <= 0)
			l->domain[0] = 0;
	}
	return l->ndns;
}

/* Options 82/83 (RFC 8415 21.24, 21.25): 60..86400 s, else ignored. */
static void take_max_rt(struct dhcp6c *c, const struct dhcp6_view *v)
{
	struct dhcp6_opt_iter it;
	const uint8_t *d;
	uint16_t code, len;

	dhcp6_opt_iter_init(&it, v->options, v->options_len);
	while (dhcp6_opt_next(&it, &code, &d, &len) > 0) {
		uint32_t s;

		if (len != 4 || (code != DHCP6_OPT_SOL_MAX_RT &&
				 code != DHCP6_OPT_INF_MAX_RT))
			continue;
		s = ld_be32(d);
		if (s < 60 || s > 86400)
			continue;
		if (code == DHCP6_OPT_SOL_MAX_RT)
			c->sol_max_rt = s * USEC;
		else
			c->inf_max_rt = s * USEC;
	}
}

/*
 * lease_from() - the server, addresses, T1/T2 and DNS of an ADVERTISE or
 * REPLY into @l
 *
 * Return: 0; -ENOENT when our IA_NA is missing or holds no usable address
 * (@ia_status then carries its status code); -EBADMSG when T1 > T2
 * (21.4: discard the IA).
 */
static int lease_from(struct dhcp6c *c, const struct ip6_addr *src,
		      const struct dhcp6_view *v, struct dhcp6_lease *l,
		      uint16_t *ia_status)
{
	struct dhcp6_opt_iter it;
	const uint8_t *d;
	uint16_t code, len;
	uint32_t min_pref = INF32;
	bool found = false;

	memset(l, 0, sizeof(*l));
	*ia_status = DHCP6_STATUS_SUCCESS;
	memcpy(l->server_id, v->serverid.data, v->serverid.len);
	l->server_id_len = v->serverid.len;
	l->server = *src;
	l->preference = v->has_preference ? v->preference : 0;
	l->start = c->eng->now;
	copy_dns(v, l);
	dhcp6_opt_iter_init(&it, v->options, v->options_len);
	while (dhcp6_opt_next(&it, &code, &d, &len) > 0) {
		struct dhcp6_ia ia;

		if (code != DHCP6_OPT_IA_NA ||
		    dhcp6_ia_parse(DHCP6_OPT_IA_NA, d, len, &ia) ||
		    ia.iaid != c->iaid)
			continue;
		found = true;
		if (ia.status.present && ia.status.code) {
			*ia_status = ia.status.code;
			return -ENOENT;
		}
		/* 21.4: T1 > T2 (T2 nonzero) means a broken IA. */
		if (ia.t2 && ia.t1 > ia.t2)
			return -EBADMSG;
		l->t1 = ia.t1;
		l->t2 = ia.t2;
		for (size_t i = 0; i < ia.n_addrs && i < DHCP6_IA_MAX_ADDRS;
		     i++) {
			const struct dhcp6_ia_addr *x = &ia.addrs[i];

			/* 18.2.10.1: valid 0: the server takes it back. */
			if (!x->valid && l->nzero < DHCP6C_MAX_ADDRS) {
				l->zero[l->nzero++] = x->addr;
				continue;
			}
			/* 21.6: preferred > valid: discard the address.
			 * Not a unicast address: not usable. */
			if (x->preferred > x->valid || !x->valid ||
			    (x->status.present && x->status.code) ||
			    ip6_is_multicast(&x->addr) ||
			    ip6_is_unspec(&x->addr) ||
			    ip6_is_linklocal(&x->addr) ||
			    l->naddrs == DHCP6C_MAX_ADDRS)
				continue;
			l->addrs[l->naddrs++] = (struct dhcp6c_addr){
				.addr = x->addr,
				.preferred = x->preferred,
				.valid = x->valid
			};
			if (x->preferred < min_pref)
				min_pref = x->preferred;
		}
		break; /* the first IA_NA with our IAID */
	}
	if (!found || !l->naddrs)
		return -ENOENT;
	/* 21.4 / 18.2.4: T1 and T2 0: the client chooses; take the usual
	 * 0.5 and 0.8 of the shortest preferred lifetime (14.2). */
	if (!l->t1 && !l->t2 && min_pref != INF32) {
		l->t1 = min_pref / 2;
		l->t2 = (uint32_t)((uint64_t)min_pref * 8 / 10);
	} else if (!l->t2) {
		l->t2 = l->t1 == INF32 ? INF32
				       : (uint32_t)((uint64_t)l->t1 * 8 / 5);
	}
	if (!l->t1)
		l->t1 = l->t2 == INF32 ? INF32 : l->t2 / 8 * 5;
	return 0;
}

/* Leave SOLICIT for REQUEST with the best ADVERTISE (18.2.1, 18.2.2). */
static void start_request(struct dhcp6c *c)
{
	timer_cancel(&c->eng->timers, &c->rtx);
	set_state(c, DHCP6C_REQUEST);
	new_exchange(c);
	send_and_arm(c, DHCP6_REQUEST, DHCP6C_REQ_TIMEOUT, DHCP6C_REQ_MAX_RT,
		     false);
}

/* RFC 8415 18.2.9: an ADVERTISE in SOLICIT. */
static void on_advertise(struct dhcp6c *c, const struct ip6_addr *src,
			 const struct dhcp6_view *v)
{
	struct dhcp6_stats *st = &c->eng->stats.dhcp6;
	struct dhcp6_lease l;
	uint16_t ia_status;

	if (c->state != DHCP6C_SOLICIT) {
		st->Dhcp6InUnexpected++;
		return;
	}
	take_max_rt(c, v);
	/* 18.2.9: NoAddrsAvail (top level or in the IA): ignore it. */
	if (v->status.present && v->status.code) {
		st->Dhcp6InStatusFail++;
		return;
	}
	if (lease_from(c, src, v, &l, &ia_status)) {
		st->Dhcp6InNoAddrs++;
		return;
	}
	st->Dhcp6InAdvertises++;
	if (!c->have_adv || l.preference > c->adv.preference) {
		c->adv = l;
		c->have_adv = true;
	}
	/* 18.2.1: preference 255 at once; and once the first RT has
	 * passed, the first ADVERTISE ends the solicitation. */
	if (l.preference == 255 || c->tries > 1)
		start_request(c);
}

/* A REPLY to INFORMATION-REQUEST (18.2.10, 21.23). */
static void on_info_reply(struct dhcp6c *c, const struct ip6_addr *src,
			  const struct dhcp6_view *v)
{
	struct dhcp6_lease *l = &c->lease;
	struct netif *ifp = client_if(c);
	char a[INET6_ADDRSTRLEN];

	memset(l, 0, sizeof(*l));
	memcpy(l->server_id, v->serverid.data, v->serverid.len);
	l->server_id_len = v->serverid.len;
	l->server = *src;
	l->start = c->eng->now;
	copy_dns(v, l);
	take_max_rt(c, v);
	/* 21.23: absent means IRT_DEFAULT; below IRT_MINIMUM is raised. */
	l->irt = v->has_irt ? v->irt : DHCP6C_IRT_DEFAULT;
	if (l->irt < DHCP6C_IRT_MINIMUM)
		l->irt = DHCP6C_IRT_MINIMUM;
	timer_cancel(&c->eng->timers, &c->rtx);
	set_state(c, DHCP6C_INFORMED);
	log_info("dhcp6 %s: %zu DNS server(s)%s%s, refresh in %u s",
		 ifp ? ifp->name : "?", l->ndns, l->ndns ? ", first " : "",
		 l->ndns ? ip6_str(&l->dns[0], a) : "", l->irt);
	arm_life(c);
}

/* RFC 8415 18.2.10, 18.2.10.1: a REPLY to REQUEST, RENEW or REBIND. */
static void on_lease_reply(struct dhcp6c *c, const struct ip6_addr *src,
			   const struct dhcp6_view *v)
{
	struct dhcp6_stats *st = &c->eng->stats.dhcp6;
	struct netif *ifp = client_if(c);
	struct dhcp6_lease l;
	uint16_t ia_status;
	int rc;

	rc = lease_from(c, src, v, &l, &ia_status);
	if (rc == -ENOENT && ia_status == DHCP6_STATUS_NOBINDING &&
	    c->state != DHCP6C_REQUEST) {
		/* 18.2.10.1: the server has no binding: REQUEST it, from
		 * the server that answered. */
		st->Dhcp6InStatusFail++;
		c->adv = c->lease;
		memcpy(c->adv.server_id, v->serverid.data, v->serverid.len);
		c->adv.server_id_len = v->serverid.len;
		start_request(c);
		return;
	}
	if (rc) {
		/* NoAddrsAvail to a REQUEST: this server cannot serve us,
		 * start over (18.2.10.1); in RENEW/REBIND keep what we
		 * hold until T2/expiry and keep asking. */
		st->Dhcp6InNoAddrs++;
		if (c->state == DHCP6C_REQUEST)
			restart(c, DHCP6C_SOL_TIMEOUT);
		return;
	}
	st->Dhcp6InReplies++;
	apply(c, &l);
	timer_cancel(&c->eng->timers, &c->rtx);
	set_state(c, DHCP6C_BOUND);
	log_info("dhcp6 %s: bound, %zu address(es), T1 %u s, T2 %u s",
		 ifp ? ifp->name : "?", l.naddrs, l.t1, l.t2);
	arm_life(c);
}

static void on_reply(struct dhcp6c *c, const struct ip6_addr *src,
		     const struct dhcp6_view *v)
{
	struct dhcp6_stats *st = &c->eng->stats.dhcp6;

	/* 18.2.10: a REPLY to REQUEST, RENEW or DECLINE must come from
	 * the server the message named. */
	if ((c->state == DHCP6C_REQUEST || c->state == DHCP6C_RENEW ||
	     c->state == DHCP6C_DECLINE)) {
		const struct dhcp6_lease *want = c->state == DHCP6C_REQUEST
							 ? &c->adv
							 : &c->lease;

		if (v->serverid.len != want->server_id_len ||
		    memcmp(v->serverid.data, want->server_id,
			   want->server_id_len) != 0) {
			st->Dhcp6InBadServerId++;
			return;
		}
	}
	/* 18.2.10: NotOnLink to a REQUEST: solicit again. */
	if (v->status.present && v->status.code) {
		st->Dhcp6InStatusFail++;
		if (v->status.code == DHCP6_STATUS_NOTONLINK &&
		    c->state == DHCP6C_REQUEST)
			restart(c, 0);
		return;
	}
	switch (c->state) {
	case DHCP6C_INFORM:
		st->Dhcp6InReplies++;
		on_info_reply(c, src, v);
		return;
	case DHCP6C_REQUEST:
	case DHCP6C_RENEW:
	case DHCP6C_REBIND:
		on_lease_reply(c, src, v);
		return;
	case DHCP6C_DECLINE:
		/* 18.2.10.1: the decline is done; start again. */
		st->Dhcp6InReplies++;
		restart(c, 0);
		return;
	default:
		st->Dhcp6InUnexpected++;
		return;
	}
}

static struct dhcp6c *client_by_xid(struct engine *eng, uint32_t xid)
{
	for (struct dhcp6c *c = eng->dhcp6c->clients; c; c = c->next)
		if (c->xid == xid && c->state != DHCP6C_INIT &&
		    c->state != DHCP6C_BOUND && c->state != DHCP6C_INFORMED)
			return c;
	return NULL;
}

/**
 * dhcp6c_input() - one message that reached UDP port 546 from @src
 * @buf: the UDP payload; @len: its length
 *
 * Each message bumps exactly one Dhcp6In counter: malformed or missing a
 * required option (Dhcp6InErrors), no exchange with its transaction id
 * (Dhcp6InBadXid), not our Client Identifier (Dhcp6InBadClientId),
 * another server (Dhcp6InBadServerId), a type or state we do not take
 * (Dhcp6InUnexpected), a failure status (Dhcp6InStatusFail), no usable
 * address (Dhcp6InNoAddrs); else its type.
 */
void dhcp6c_input(struct engine *eng, const struct ip6_addr *src,
		  const uint8_t *buf, size_t len)
{
	struct dhcp6_stats *st = &eng->stats.dhcp6;
	struct dhcp6_view v;
	struct dhcp6c *c;

	if (!eng->dhcp6c)
		return;
	if (dhcp6_parse(buf, len, &v)) {
		st->Dhcp6InErrors++;
		return;
	}
	if (v.msg_type != DHCP6_ADVERTISE && v.msg_type != DHCP6_REPLY) {
		st->Dhcp6InUnexpected++; /* 16: clients drop the rest */
		return;
	}
	c = client_by_xid(eng, v.xid);
	if (!c) {
		st->Dhcp6InBadXid++;
		return;
	}
	/* 16.3, 16.10: a Server Identifier must be there; the Client
	 * Identifier too, and it must be ours (we always send one). */
	if (!v.serverid.count || v.serverid.len < DHCP6_DUID_MIN ||
	    v.serverid.len > DHCP6_DUID_MAX) {
		st->Dhcp6InErrors++;
		return;
	}
	if (!v.clientid.count || v.clientid.len != c->duid_len ||
	    memcmp(v.clientid.data, c->duid, c->duid_len) != 0) {
		st->Dhcp6InBadClientId++;
		return;
	}
	if (v.msg_type == DHCP6_ADVERTISE)
		on_advertise(c, src, &v);
	else
		on_reply(c, src, &v);
}

static void sock_ready(struct sock *sk, unsigned int events, void *arg)
{
	struct engine *eng = arg;
	uint8_t buf[2048];
	struct sockaddr_in6 from;
	struct ip6_addr src;
	socklen_t flen;
	ssize_t n;

	(void)events;
	for (;;) {
		flen = sizeof(from);
		n = sock_recvfrom(sk, buf, sizeof(buf), 0,
				  (struct sockaddr *)&from, &flen);
		if (n < 0)
			break;
		if (from.sin6_family != AF_INET6 ||
		    ntohs(from.sin6_port) != DHCP6_SERVER_PORT) {
			eng->stats.dhcp6.Dhcp6InUnexpected++;
			continue;
		}
		memcpy(src.b, &from.sin6_addr, IP6_LEN);
		dhcp6c_input(eng, &src, buf, (size_t)n);
		if (!eng->dhcp6c || eng->dhcp6c->sk != sk)
			break; /* the last client stopped */
	}
}

/* ---- timers ---- */

static void rtx_fire(struct timer *t)
{
	struct dhcp6c *c = container_of(t, struct dhcp6c, rtx);

	switch (c->state) {
	case DHCP6C_INIT:
		new_exchange(c);
		if (c->mode == DHCP6C_STATELESS) {
			set_state(c, DHCP6C_INFORM);
			send_and_arm(c, DHCP6_INFORMATION_REQUEST,
				     DHCP6C_INF_TIMEOUT, c->inf_max_rt, false);
			return;
		}
		c->have_adv = false;
		set_state(c, DHCP6C_SOLICIT);
		send_and_arm(c, DHCP6_SOLICIT, DHCP6C_SOL_TIMEOUT,
			     c->sol_max_rt, true);
		return;
	case DHCP6C_SOLICIT:
		/* 18.2.1: the first RT is over and an ADVERTISE came. */
		if (c->have_adv) {
			start_request(c);
			return;
		}
		send_and_arm(c, DHCP6_SOLICIT, DHCP6C_SOL_TIMEOUT,
			     c->sol_max_rt, true);
		return;
	case DHCP6C_REQUEST:
		/* 18.2.2: REQ_MAX_RC sends, then another server. */
		if (c->tries >= DHCP6C_REQ_MAX_RC) {
			restart(c, 0);
			return;
		}
		send_and_arm(c, DHCP6_REQUEST, DHCP6C_REQ_TIMEOUT,
			     DHCP6C_REQ_MAX_RT, false);
		return;
	case DHCP6C_RENEW:
		/* 18.2.4: MRD is the time to T2; @life moves on then. */
		send_and_arm(c, DHCP6_RENEW, DHCP6C_REN_TIMEOUT,
			     DHCP6C_REN_MAX_RT, false);
		return;
	case DHCP6C_REBIND:
		send_and_arm(c, DHCP6_REBIND, DHCP6C_REB_TIMEOUT,
			     DHCP6C_REB_MAX_RT, false);
		return;
	case DHCP6C_DECLINE:
		if (c->tries >= DHCP6C_DEC_MAX_RC) {
			restart(c, 0);
			return;
		}
		send_and_arm(c, DHCP6_DECLINE, DHCP6C_DEC_TIMEOUT, 0, false);
		return;
	case DHCP6C_INFORM:
		send_and_arm(c, DHCP6_INFORMATION_REQUEST, DHCP6C_INF_TIMEOUT,
			     c->inf_max_rt, false);
		return;
	case DHCP6C_BOUND:
	case DHCP6C_INFORMED:
		return; /* nothing to send */
	}
}

static void life_fire(struct timer *t)
{
	struct dhcp6c *c = container_of(t, struct dhcp6c, life);
	struct dhcp6_stats *st = &c->eng->stats.dhcp6;
	struct netif *ifp = client_if(c);
	const struct dhcp6_lease *l = &c->lease;
	uint64_t now = c->eng->now;

	switch (c->state) {
	case DHCP6C_BOUND:
		if (now < at(l, l->t1))
			break;
		/* 18.2.4: T1 -> RENEW, to our server. */
		st->Dhcp6Renews++;
		set_state(c, DHCP6C_RENEW);
		new_exchange(c);
		c->mrd_end = at(l, l->t2);
		timer_cancel(&c->eng->timers, &c->rtx);
		rtx_fire(&c->rtx);
		break;
	case DHCP6C_RENEW:
		if (now < at(l, l->t2))
			break;
		/* 18.2.5: T2 -> REBIND, to any server. */
		st->Dhcp6Rebinds++;
		set_state(c, DHCP6C_REBIND);
		new_exchange(c);
		c->mrd_end = lease_end(l);
		timer_cancel(&c->eng->timers, &c->rtx);
		rtx_fire(&c->rtx);
		break;
	case DHCP6C_REBIND:
		if (now < lease_end(l))
			break;
		/* 18.2.5: every valid lifetime is over: the addresses go,
		 * and the client starts again with SOLICIT. */
		st->Dhcp6LeaseExpired++;
		log_warn("dhcp6 %s: lease expired", ifp ? ifp->name : "?");
		restart(c, 0);
		return;
	case DHCP6C_INFORMED:
		if (now < at(l, l->irt))
			break;
		/* 18.2.6: the information refresh time is up. */
		set_state(c, DHCP6C_INIT);
		rtx_fire(&c->rtx);
		return;
	default:
		return;
	}
	arm_life(c);
}

/**
 * dhcp6c_dad_failed() - DAD found leased address @a in use (slaac.c):
 * DECLINE it (RFC 8415 18.2.8, 18.2.10.1) and solicit again afterwards
 */
void dhcp6c_dad_failed(struct netif *ifp, const struct ip6_addr *a)
{
	struct dhcp6c *c = dhcp6c_find(ifp->eng, ifp->index);
	char buf[INET6_ADDRSTRLEN];

	if (!c || !c->applied || !lease_has(&c->lease, a))
		return;
	c->eng->stats.dhcp6.Dhcp6DadDeclines++;
	log_warn("dhcp6 %s: %s is a duplicate; declining", ifp->name,
		 ip6_str(a, buf));
	/* 18.2.8: the address is not used; the others go too, since we
	 * start again. */
	c->ndeclined = 1;
	c->declined[0] = *a;
	unapply(c);
	timer_cancel(&c->eng->timers, &c->life);
	set_state(c, DHCP6C_DECLINE);
	new_exchange(c);
	timer_cancel(&c->eng->timers, &c->rtx);
	rtx_fire(&c->rtx);
}

/* ---- control ---- */

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

/* Seconds left until @s seconds into @l; -1 infinite. */
static int64_t remaining(const struct dhcp6c *c, const struct dhcp6_lease *l,
			 uint32_t s)
{
	uint64_t t = at(l, s);

	if (t == UINT64_MAX)
		return -1;
	return t > c->eng->now ? (int64_t)((t - c->eng->now) / USEC) : 0;
}

static void hex_str(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
	out[2 * n] = 0;
}

/*
 * dhcp6 - one object per client: {"dev", "mode", "state", "duid",
 * "iaid", and once it holds something "server", "addresses" (each
 * {"addr", "valid", "preferred"}), "t1", "t2" (seconds left, -1
 * infinite), "refresh" (stateless), "dns", "domain"}
 */
static int cmd_dhcp6(struct ctl_req *req)
{
	struct json_object *arr = json_object_new_array();
	char a[INET6_ADDRSTRLEN], duid[2 * DHCP6_DUID_MAX + 1];

	if (!arr)
		return -ENOMEM;
	for (struct dhcp6c *c = req->eng->dhcp6c->clients; c; c = c->next) {
		struct json_object *o = json_object_new_object();
		struct netif *ifp = client_if(c);
		const struct dhcp6_lease *l = &c->lease;

		add_str(o, "dev", ifp ? ifp->name : "?");
		add_str(o, "mode",
			c->mode == DHCP6C_STATEFUL ? "stateful" : "stateless");
		add_str(o, "state", dhcp6c_state_name(c->state));
		hex_str(c->duid, c->duid_len, duid);
		add_str(o, "duid", duid);
		json_object_object_add(o, "iaid",
				       json_object_new_int64(c->iaid));
		if (c->applied || c->state == DHCP6C_INFORMED) {
			struct json_object *as = json_object_new_array();
			struct json_object *ds = json_object_new_array();

			add_str(o, "server", ip6_str(&l->server, a));
			for (size_t i = 0; i < l->naddrs; i++) {
				struct json_object *x = json_object_new_object();

				add_str(x, "addr",
					ip6_str(&l->addrs[i].addr, a));
				json_object_object_add(
					x, "valid",
					json_object_new_int64(remaining(
						c, l, l->addrs[i].valid)));
				json_object_object_add(
					x, "preferred",
					json_object_new_int64(remaining(
						c, l, l->addrs[i].preferred)));
				json_object_array_add(as, x);
			}
			json_object_object_add(o, "addresses", as);
			if (c->mode == DHCP6C_STATEFUL) {
				json_object_object_add(
					o, "t1",
					json_object_new_int64(
						remaining(c, l, l->t1)));
				json_object_object_add(
					o, "t2",
					json_object_new_int64(
						remaining(c, l, l->t2)));
			} else {
				json_object_object_add(
					o, "refresh",
					json_object_new_int64(
						remaining(c, l, l->irt)));
			}
			for (size_t i = 0; i < l->ndns; i++)
				json_object_array_add(
					ds, json_object_new_string(
						    ip6_str(&l->dns[i], a)));
			json_object_object_add(o, "dns", ds);
			add_str(o, "domain", l->domain[0] ? l->domain : "-");
		}
		json_object_array_add(arr, o);
	}
	req->data = arr;
	return 0;
}

static void dns_row(struct json_object *arr, const char *dev, const char *a,
		    const char *source, int64_t lifetime)
{
	struct json_object *o = json_object_new_object();

	add_str(o, "server", a);
	add_str(o, "dev", dev);
	add_str(o, "source", source);
	json_object_object_add(o, "lifetime", json_object_new_int64(lifetime));
	json_object_array_add(arr, o);
}

/**
 * dhcp6c_dns_list() - append to @arr every DNS server the engine knows:
 * {"server", "dev", "source": "dhcp6" | "ra" | "dhcp4", "lifetime"
 * (seconds left, -1 infinite)}; DHCPv6 option 23 (RFC 3646), RA RDNSS
 * (RFC 8106) and DHCPv4 option 6
 */
void dhcp6c_dns_list(struct engine *eng, struct json_object *arr)
{
	char a[INET6_ADDRSTRLEN];

	for (struct netif *ifp = eng->ifaces; ifp; ifp = ifp->next) {
		struct dhcp6c *c = dhcp6c_find(eng, ifp->index);
		struct dhcp4c *c4 = dhcp4c_find(eng, ifp->index);
		struct nd6_if *ni = eng->ip6 ? nd6_if_get(eng, ifp->index)
					     : NULL;

		if (c && (c->applied || c->state == DHCP6C_INFORMED)) {
			const struct dhcp6_lease *l = &c->lease;
			int64_t life =
				c->mode == DHCP6C_STATELESS
					? remaining(c, l, l->irt)
					: (lease_end(l) == UINT64_MAX
						   ? -1
						   : (int64_t)((lease_end(l) -
								eng->now) /
							       USEC));

			for (size_t i = 0; i < l->ndns; i++)
				dns_row(arr, ifp->name, ip6_str(&l->dns[i], a),
					"dhcp6", life);
		}
		if (ni && ni->nrdnss && ni->rdnss_expires > eng->now) {
			int64_t life = ni->rdnss_expires == IP6_LIFETIME_INF
					       ? -1
					       : (int64_t)((ni->rdnss_expires -
							    eng->now) /
							   USEC);

			for (size_t i = 0; i < ni->nrdnss; i++)
				dns_row(arr, ifp->name,
					ip6_str(&ni->rdnss[i], a), "ra", life);
		}
		if (c4 && (c4->state == DHCP4C_BOUND ||
			   c4->state == DHCP4C_RENEWING ||
			   c4->state == DHCP4C_REBINDING)) {
			for (size_t i = 0; i < c4->lease.ndns; i++) {
				uint32_t n = htonl(c4->lease.dns[i]);

				inet_ntop(AF_INET, &n, a, sizeof(a));
				dns_row(arr, ifp->name, a, "dhcp4", -1);
			}
		}
	}
}

/* dns - the DNS servers the engine learnt; see dhcp6c_dns_list(). */
static int cmd_dns(struct ctl_req *req)
{
	req->data = json_object_new_array();
	if (!req->data)
		return -ENOMEM;
	dhcp6c_dns_list(req->eng, req->data);
	return 0;
}

/* ---- start and stop ---- */

/**
 * dhcp6c_init() - the client table and the "dhcp6" and "dns" commands;
 * port 546 is bound only while a client runs.  Return: 0 or -errno.
 */
int dhcp6c_init(struct engine *eng)
{
	int rc;

	eng->dhcp6c = calloc(1, sizeof(*eng->dhcp6c));
	if (!eng->dhcp6c)
		return -ENOMEM;
	eng->dhcp6c->eng = eng;
	rc = ctl_register(eng, "dhcp6", cmd_dhcp6);
	return rc ? rc : ctl_register(eng, "dns", cmd_dns);
}

/**
 * dhcp6c_set_duid_file() - keep a DUID-LLT in @path (NULL: DUID-LL);
 * for clients started afterwards.  Return: 0 or -ENAMETOOLONG.
 */
int dhcp6c_set_duid_file(struct engine *eng, const char *path)
{
	if (!eng->dhcp6c)
		return -ENOENT;
	if (path && strlen(path) >= sizeof(eng->dhcp6c->duid_file))
		return -ENAMETOOLONG;
	snprintf(eng->dhcp6c->duid_file, sizeof(eng->dhcp6c->duid_file), "%s",
		 path ? path : "");
	return 0;
}

static int open_sock(struct engine *eng)
{
	struct sockaddr_in6 sin = { .sin6_family = AF_INET6,
				    .sin6_port = htons(DHCP6_CLIENT_PORT) };
	struct sock *sk;
	int rc;

	if (eng->dhcp6c->sk)
		return 0;
	rc = sock_create(eng, AF_INET6, SOCK_DGRAM, 0, &sk);
	if (rc)
		return rc;
	rc = sock_bind(sk, (const struct sockaddr *)&sin, sizeof(sin));
	if (rc) {
		sock_close(sk);
		return rc;
	}
	sock_set_ready(sk, sock_ready, eng);
	eng->dhcp6c->sk = sk;
	return 0;
}

/** dhcp6c_find() - the client running on interface @ifindex, or NULL */
struct dhcp6c *dhcp6c_find(struct engine *eng, int ifindex)
{
	if (!eng->dhcp6c)
		return NULL;
	for (struct dhcp6c *c = eng->dhcp6c->clients; c; c = c->next)
		if (c->ifindex == ifindex)
			return c;
	return NULL;
}

/**
 * dhcp6c_start() - run a DHCPv6 client in @mode on @ifp
 *
 * The first message leaves after a random 0..SOL_MAX_DELAY (or
 * INF_MAX_DELAY) wait, RFC 8415 18.2.1 and 18.2.6.
 *
 * Return: 0, -EEXIST (already running), -EINVAL (no link layer: no
 * link-local address to send from, nor a MAC for the DUID), -ENOMEM, or
 * what binding port 546 returns (-EADDRINUSE).
 */
int dhcp6c_start(struct netif *ifp, enum dhcp6c_mode mode)
{
	struct engine *eng = ifp->eng;
	struct dhcp6c *c;
	int rc;

	if (!eng->dhcp6c)
		return -ENOENT;
	if (dhcp6c_find(eng, ifp->index))
		return -EEXIST;
	if (ifp->kind == NETIF_TUN)
		return -EINVAL;
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
	c->mode = mode;
	c->state = DHCP6C_INIT;
	c->sol_max_rt = DHCP6C_SOL_MAX_RT;
	c->inf_max_rt = DHCP6C_INF_MAX_RT;
	c->duid_len = dhcp6_duid_get(eng->dhcp6c->duid_file, ifp->mac.b,
				     c->duid, sizeof(c->duid));
	c->iaid = dhcp6_iaid(ifp->name);
	timer_init(&c->rtx, rtx_fire);
	timer_init(&c->life, life_fire);
	c->next = eng->dhcp6c->clients;
	eng->dhcp6c->clients = c;
	log_info("dhcp6 %s: %s client started", ifp->name,
		 mode == DHCP6C_STATEFUL ? "stateful" : "stateless");
	/* SOL_MAX_DELAY and INF_MAX_DELAY are both 1 s. */
	arm(c, &c->rtx, rand_range(0, (uint32_t)DHCP6C_SOL_MAX_DELAY));
	return 0;
}

/**
 * dhcp6c_ra_flags() - a Router Advertisement on @ifp said M (@managed)
 * and O (@other), RFC 4861 4.2: start the client they call for
 */
void dhcp6c_ra_flags(struct netif *ifp, bool managed, bool other)
{
	struct dhcp6c *c = dhcp6c_find(ifp->eng, ifp->index);

	if (!ifp->eng->dhcp6c || ifp->kind == NETIF_TUN)
		return;
	if (managed) {
		if (c && c->mode == DHCP6C_STATEFUL)
			return;
		if (c)
			dhcp6c_stop(ifp, false);
		dhcp6c_start(ifp, DHCP6C_STATEFUL);
	} else if (other && !c) {
		dhcp6c_start(ifp, DHCP6C_STATELESS);
	}
}

/**
 * dhcp6c_stop() - stop the client on @ifp, removing its addresses
 * @release: send one RELEASE first when addresses are held (RFC 8415
 *	18.2.7; not retransmitted: the engine is going)
 */
void dhcp6c_stop(struct netif *ifp, bool release)
{
	struct engine *eng = ifp->eng;
	struct dhcp6c *c = dhcp6c_find(eng, ifp->index), **pp;

	if (!c)
		return;
	if (release && c->applied && c->mode == DHCP6C_STATEFUL) {
		new_exchange(c);
		transmit(c, DHCP6_RELEASE);
	}
	unapply(c);
	timer_cancel(&eng->timers, &c->rtx);
	timer_cancel(&eng->timers, &c->life);
	for (pp = &eng->dhcp6c->clients; *pp != c; pp = &(*pp)->next)
		;
	*pp = c->next;
	free(c);
	if (!eng->dhcp6c->clients && eng->dhcp6c->sk) {
		sock_close(eng->dhcp6c->sk);
		eng->dhcp6c->sk = NULL;
	}
}

/**
 * dhcp6c_shutdown() - stop every client for a clean engine exit,
 * releasing held addresses (multicast: nothing waits for a neighbour)
 */
void dhcp6c_shutdown(struct engine *eng)
{
	while (eng->dhcp6c && eng->dhcp6c->clients) {
		struct netif *ifp = client_if(eng->dhcp6c->clients);

		if (!ifp)
			break; /* cannot happen: l3_netif_down() stops it */
		dhcp6c_stop(ifp, true);
	}
}

/** dhcp6c_fini() - stop every client without a word to the servers. */
void dhcp6c_fini(struct engine *eng)
{
	struct dhcp6c *c;

	if (!eng->dhcp6c)
		return;
	while ((c = eng->dhcp6c->clients)) {
		struct netif *ifp = client_if(c);

		if (ifp) {
			dhcp6c_stop(ifp, false);
			continue;
		}
		timer_cancel(&eng->timers, &c->rtx);
		timer_cancel(&eng->timers, &c->life);
		eng->dhcp6c->clients = c->next;
		free(c);
	}
	if (eng->dhcp6c->sk)
		sock_close(eng->dhcp6c->sk);
	free(eng->dhcp6c);
	eng->dhcp6c = NULL;
}
