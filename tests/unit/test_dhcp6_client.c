// SPDX-License-Identifier: MIT
/*
 * test_dhcp6_client.c - the DHCPv6 client (RFC 8415) on the fake engine:
 * server messages are built with the wire codec and injected as frames
 * from fe80::1 port 547, the clock is virtual
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dhcp6_client.h"
#include "fake_engine.h"
#include "ipv6.h"
#include "l3.h"
#include "nd6.h"
#include "neigh.h"
#include "wire/csum.h"
#include "wire/eth.h"
#include "wire/icmp6.h"
#include "wire/nd.h"
#include "wire/udp.h"

#define SEC 1000000ull

static struct engine e6;
static struct netif *if6;
static const struct mac_addr us_mac = { { 0x02, 0, 0x5e, 0, 0x53, 0x02 } };
static const struct mac_addr srv_mac = { { 0x02, 0, 0x5e, 0, 0x53, 0x01 } };
static const struct ip6_addr srv_ll = { { 0xfe, 0x80, [15] = 1 } };
static const struct ip6_addr leased = { { 0x20, 0x01, 0x0d, 0xb8, 0,
					  1, [14] = 0x01, [15] = 0x23 } };
static const struct ip6_addr dns1 = { { 0x20, 0x01, 0x0d, 0xb8, 0,
					1, [15] = 0x53 } };
static const uint8_t srv_duid[] = { 0, 3, 0, 1, 2, 0, 0x5e, 0, 0x53, 1 };
static const uint8_t other_duid[] = { 0, 3, 0, 1, 2, 0, 0x5e, 0, 0x53, 9 };
static struct ip6_addr our_ll;

static void setup(void)
{
	fake_engine_init(&e6);
	cr_assert_eq(l3_init(&e6), 0);
	if6 = fake_netif(&e6, "fk0", us_mac.b);
	cr_assert_eq(ip6_enable(if6, false), 0);
	fake_advance(&e6, 3 * SEC); /* link-local DAD */
	for (size_t i = 0; i < e6.ip6->naddrs; i++)
		if (e6.ip6->addrs[i]->flags & IFA6_F_LINKLOCAL)
			our_ll = e6.ip6->addrs[i]->addr;
	cr_assert(ip6_is_linklocal(&our_ll));
	/* The server's MAC is known: answers need no ND. */
	cr_assert_eq(
		neigh_add(&e6, if6, &nd6_neigh_ops, srv_ll.b, &srv_mac, false),
		0);
	fake_tx_purge(if6);
}

static void teardown(void)
{
	l3_fini(&e6);
	engine_fini(&e6);
}

TestSuite(dhcp6_client, .init = setup, .fini = teardown);

static struct dhcp6c *client(void)
{
	struct dhcp6c *c = dhcp6c_find(&e6, if6->index);

	cr_assert_not_null(c);
	return c;
}

static uint64_t stat(const char *name)
{
	for (size_t i = 0; i < stat_descs_count; i++)
		if (!strcmp(stat_descs[i].name, name))
			return stat_get(&e6.stats, &stat_descs[i]);
	cr_assert_fail("no counter %s", name);
	return 0;
}

/* ---- what the client sent ---- */

struct sent {
	struct pkt *p;
	struct ip6_view ip;
	struct udp_view udp;
	struct dhcp6_view d;
	uint64_t when;
};

/* The next DHCPv6 message sent (ND, MLD skipped); false if none. */
static bool pop_dhcp6(struct sent *s)
{
	struct pkt *p;

	while ((p = fake_tx_pop(if6))) {
		struct eth_view ev;

		cr_assert_eq(eth_parse(p->data, p->len, &ev), 0);
		if (ev.type == ETHERTYPE_IPV6 &&
		    !ip6_parse(ev.payload, ev.payload_len, &s->ip) &&
		    s->ip.upper_proto == IP6_NH_UDP &&
		    !udp_parse(s->ip.upper, s->ip.upper_len, &s->udp) &&
		    s->udp.dport == DHCP6_SERVER_PORT) {
			cr_assert_eq(s->udp.sport, DHCP6_CLIENT_PORT);
			cr_assert(udp_csum_ok(
				s->ip.upper, s->ip.upper_len,
				csum_pseudo6(&s->ip.src, &s->ip.dst, IP6_NH_UDP,
					     (uint32_t)s->ip.upper_len)));
			cr_assert_eq(dhcp6_parse(s->udp.payload,
						 s->udp.payload_len, &s->d),
				     0);
			s->p = p;
			s->when = e6.now;
			return true;
		}
		pkt_free(p);
	}
	return false;
}

static void expect(struct sent *s, uint8_t type)
{
	cr_assert(pop_dhcp6(s), "no DHCPv6 message of type %u sent", type);
	cr_assert_eq(s->d.msg_type, type, "type %u, want %u", s->d.msg_type,
		     type);
}

/* Step the clock by 10 ms until a DHCPv6 message leaves (max @max_us). */
static void wait_msg(struct sent *s, uint8_t type, uint64_t max_us)
{
	for (uint64_t t = 0; t <= max_us; t += 10000) {
		if (pop_dhcp6(s)) {
			cr_assert_eq(s->d.msg_type, type, "type %u, want %u",
				     s->d.msg_type, type);
			return;
		}
		fake_advance(&e6, 10000);
	}
	cr_assert_fail("no DHCPv6 message of type %u within %llu us", type,
		       (unsigned long long)max_us);
}

static bool oro_has(const struct dhcp6_view *v, uint16_t code)
{
	for (size_t i = 0; i < v->oro.len / 2; i++)
		if (dhcp6_oro_at(&v->oro, i) == code)
			return true;
	return false;
}

/* ---- server messages ---- */

struct reply {
	uint8_t buf[1024];
	struct dhcp6_opts o;
	uint8_t type;
	uint32_t xid;
};

static void reply_begin(struct reply *r, uint8_t type, uint32_t xid,
			const uint8_t *cid, size_t cid_len)
{
	memset(r, 0, sizeof(*r));
	r->type = type;
	r->xid = xid;
	dhcp6_opts_init(&r->o, r->buf + DHCP6_HDR_LEN,
			sizeof(r->buf) - DHCP6_HDR_LEN);
	if (cid)
		dhcp6_opt_put(&r->o, DHCP6_OPT_CLIENTID, cid, cid_len);
}

static void reply_server(struct reply *r, const uint8_t *sid, size_t len)
{
	dhcp6_opt_put(&r->o, DHCP6_OPT_SERVERID, sid, len);
}

static void reply_ia(struct reply *r, uint32_t iaid, uint32_t t1, uint32_t t2,
		     const struct ip6_addr *a, uint32_t pref, uint32_t valid)
{
	dhcp6_opt_open_ia(&r->o, DHCP6_OPT_IA_NA, iaid, t1, t2);
	if (a) {
		dhcp6_opt_open_iaaddr(&r->o, a, pref, valid);
		dhcp6_opt_close(&r->o);
	}
	dhcp6_opt_close(&r->o);
}

static void rx_udp6(const uint8_t *pl, size_t len, uint16_t sport)
{
	static uint8_t frame[2048], seg[1600];
	struct udp_view u = { .sport = sport,
			      .dport = DHCP6_CLIENT_PORT,
			      .payload = pl,
			      .payload_len = len };
	struct ip6_view v = { .next_header = IP6_NH_UDP,
			      .hop_limit = 64,
			      .src = srv_ll,
			      .dst = our_ll,
			      .payload = seg,
			      .payload_len = UDP_HLEN + len };
	struct eth_view ev = { .src = srv_mac,
			       .dst = us_mac,
			       .type = ETHERTYPE_IPV6,
			       .encap = ETH_ENCAP_II };
	int n;

	cr_assert_leq(len + UDP_HLEN, sizeof(seg));
	memcpy(seg + UDP_HLEN, pl, len);
	u.payload = seg + UDP_HLEN;
	udp_emit(seg, UDP_HLEN + len, &u,
		 csum_pseudo6(&srv_ll, &our_ll, IP6_NH_UDP,
			      (uint32_t)(UDP_HLEN + len)));
	n = ip6_emit(frame + ETH_HLEN, sizeof(frame) - ETH_HLEN, &v);
	cr_assert_gt(n, 0);
	ev.payload = frame + ETH_HLEN;
	ev.payload_len = (size_t)n;
	eth_emit(frame, ETH_HLEN + (size_t)n, &ev);
	fake_rx(if6, frame, ETH_HLEN + (size_t)n);
}

static void reply_send(struct reply *r)
{
	struct dhcp6_view v = { .msg_type = r->type, .xid = r->xid };
	int n = dhcp6_opts_finish(&r->o);

	cr_assert_geq(n, 0);
	v.options = r->buf + DHCP6_HDR_LEN;
	v.options_len = (size_t)n;
	n = dhcp6_emit(r->buf, sizeof(r->buf), &v);
	cr_assert_gt(n, 0);
	rx_udp6(r->buf, (size_t)n, DHCP6_SERVER_PORT);
}

/* A standard answer to @s: our client id, the server, @type. */
static void answer(const struct sent *s, uint8_t type, uint32_t t1, uint32_t t2,
		   uint32_t pref, uint32_t valid, uint8_t prefv)
{
	struct reply r;

	reply_begin(&r, type, s->d.xid, s->d.clientid.data, s->d.clientid.len);
	reply_server(&r, srv_duid, sizeof(srv_duid));
	if (prefv)
		dhcp6_opt_put_u8(&r.o, DHCP6_OPT_PREFERENCE, prefv);
	reply_ia(&r, client()->iaid, t1, t2, &leased, pref, valid);
	dhcp6_opt_put(&r.o, DHCP6_OPT_DNS_SERVERS, dns1.b, 16);
	reply_send(&r);
}

static void start_and_solicit(struct sent *s)
{
	cr_assert_eq(dhcp6c_start(if6, DHCP6C_STATEFUL), 0);
	/* RFC 8415 18.2.1: the first SOLICIT within SOL_MAX_DELAY. */
	wait_msg(s, DHCP6_SOLICIT, DHCP6C_SOL_MAX_DELAY + 20000);
}

/* SOLICIT, ADVERTISE (preference 255), REQUEST, REPLY: BOUND. */
static void bind_lease(uint32_t t1, uint32_t t2, uint32_t pref, uint32_t valid)
{
	struct sent s;

	start_and_solicit(&s);
	answer(&s, DHCP6_ADVERTISE, t1, t2, pref, valid, 255);
	pkt_free(s.p);
	expect(&s, DHCP6_REQUEST);
	answer(&s, DHCP6_REPLY, t1, t2, pref, valid, 0);
	pkt_free(s.p);
	cr_assert_eq(client()->state, DHCP6C_BOUND);
}

static struct ifaddr6 *leased_addr(void)
{
	return ip6_addr_find(&e6, if6->index, &leased);
}

/* ---- tests ---- */

/* RFC 8415 18.2.1, 7.1, 21.2, 21.9: SOLICIT to ff02::1:2 from our
 * link-local address, a DUID-LL client id, Elapsed Time 0, an ORO asking
 * for DNS servers, an IA_NA, and no server id. */
Test(dhcp6_client, solicit_is_multicast_with_duid_elapsed_oro_and_ia_na)
{
	static const struct ip6_addr all = { { 0xff, 2, [13] = 1, [15] = 2 } };
	uint8_t duid[16];
	struct dhcp6_ia ia;
	struct sent s;
	int n = dhcp6c_duid_ll(us_mac.b, duid, sizeof(duid));

	start_and_solicit(&s);
	cr_assert(ip6_eq(&s.ip.dst, &all));
	cr_assert(ip6_eq(&s.ip.src, &our_ll));
	cr_assert_eq(s.ip.hop_limit, 1);
	cr_assert_eq(n, 10);
	cr_assert_eq(s.d.clientid.len, 10);
	cr_assert_eq(memcmp(s.d.clientid.data, duid, 10), 0);
	cr_assert_eq(s.d.serverid.count, 0);
	cr_assert(s.d.has_elapsed);
	cr_assert_eq(s.d.elapsed, 0);
	cr_assert(oro_has(&s.d, DHCP6_OPT_DNS_SERVERS));
	cr_assert(oro_has(&s.d, DHCP6_OPT_SOL_MAX_RT));
	cr_assert_eq(s.d.ia_na.count, 1);
	cr_assert_eq(dhcp6_ia_parse(DHCP6_OPT_IA_NA, s.d.ia_na.data,
				    s.d.ia_na.len, &ia),
		     0);
	cr_assert_eq(ia.iaid, client()->iaid);
	cr_assert_eq(ia.n_addrs, 0);
	cr_assert_eq(stat("Dhcp6OutSolicits"), 1);
	pkt_free(s.p);
}

/* RFC 8415 15: RT1 = IRT + RAND*IRT (RAND > 0 for the first SOLICIT),
 * RTn = 2*RTn-1 + RAND*RTn-1, capped at MRT + RAND*MRT. */
Test(dhcp6_client, backoff_formula_bounds)
{
	for (int i = 0; i < 2000; i++) {
		uint64_t rt = dhcp6c_rt_first(SEC, true);
		uint64_t n;

		cr_assert(rt >= SEC && rt <= SEC + SEC / 10, "rt %llu",
			  (unsigned long long)rt);
		rt = dhcp6c_rt_first(SEC, false);
		cr_assert(rt >= SEC - SEC / 10 && rt <= SEC + SEC / 10);
		n = dhcp6c_rt_next(4 * SEC, 0);
		cr_assert(n >= 8 * SEC - 4 * SEC / 10 &&
			  n <= 8 * SEC + 4 * SEC / 10);
		n = dhcp6c_rt_next(100 * SEC, 120 * SEC);
		cr_assert(n >= 108 * SEC && n <= 132 * SEC, "n %llu",
			  (unsigned long long)n);
	}
}

/* The SOLICITs themselves follow that schedule on the clock. */
Test(dhcp6_client, solicit_retransmits_with_doubling_jittered_timeout)
{
	struct sent s;
	uint64_t prev, gap, prev_gap = 0;

	start_and_solicit(&s);
	prev = s.when;
	pkt_free(s.p);
	for (int i = 0; i < 5; i++) {
		wait_msg(&s, DHCP6_SOLICIT, 40 * SEC);
		gap = s.when - prev;
		/* wait_msg() sees a send up to one 10 ms step late, so each
		 * gap is off by up to 10 ms; the bound from the previous
		 * gap carries its error twice over, plus this one's. */
		if (!i)
			cr_assert(gap >= SEC - 10000 &&
					  gap <= SEC + SEC / 10 + 10000,
				  "first RT %llu", (unsigned long long)gap);
		else
			cr_assert(gap >= prev_gap * 19 / 10 - 31000 &&
					  gap <= prev_gap * 21 / 10 + 31000,
				  "RT %llu after %llu", (unsigned long long)gap,
				  (unsigned long long)prev_gap);
		/* 21.9: the Elapsed Time grows with the exchange. */
		cr_assert_gt(s.d.elapsed, 0);
		prev = s.when;
		prev_gap = gap;
		pkt_free(s.p);
	}
	cr_assert_eq(stat("Dhcp6OutSolicits"), 6);
}

/* RFC 8415 18.2.1, 18.2.2, 18.2.10: ADVERTISE with preference 255 ends
 * the solicitation at once; REQUEST names the server and the offered
 * address; REPLY binds: the address goes through DAD with origin dhcp6,
 * and the DNS server is recorded. */
Test(dhcp6_client, advertise_request_reply_binds_address_after_dad)
{
	struct sent s;
	struct dhcp6_ia ia;
	struct ifaddr6 *ia6;
	struct json_object *arr;

	start_and_solicit(&s);
	answer(&s, DHCP6_ADVERTISE, 100, 160, 200, 300, 255);
	pkt_free(s.p);
	expect(&s, DHCP6_REQUEST);
	cr_assert_eq(s.d.serverid.len, sizeof(srv_duid));
	cr_assert_eq(memcmp(s.d.serverid.data, srv_duid, sizeof(srv_duid)), 0);
	cr_assert_eq(dhcp6_ia_parse(DHCP6_OPT_IA_NA, s.d.ia_na.data,
				    s.d.ia_na.len, &ia),
		     0);
	cr_assert_eq(ia.n_addrs, 1);
	cr_assert(ip6_eq(&ia.addrs[0].addr, &leased));
	cr_assert_eq(s.d.elapsed, 0); /* a new exchange */
	answer(&s, DHCP6_REPLY, 100, 160, 200, 300, 0);
	pkt_free(s.p);
	cr_assert_eq(client()->state, DHCP6C_BOUND);
	ia6 = leased_addr();
	cr_assert_not_null(ia6);
	cr_assert(ia6->flags & IFA6_F_DHCP6);
	cr_assert_eq(ia6->prefixlen, 128);
	cr_assert_eq(ia6->state, ADDR6_TENTATIVE);
	fake_advance(&e6, 3 * SEC);
	cr_assert_eq(leased_addr()->state, ADDR6_PREFERRED);
	cr_assert_eq(stat("Dhcp6InAdvertises"), 1);
	cr_assert_eq(stat("Dhcp6InReplies"), 1);
	arr = json_object_new_array();
	dhcp6c_dns_list(&e6, arr);
	cr_assert_eq(json_object_array_length(arr), 1);
	cr_assert_str_eq(json_object_get_string(json_object_object_get(
				 json_object_array_get_idx(arr, 0), "server")),
			 "2001:db8:1::53");
	cr_assert_str_eq(json_object_get_string(json_object_object_get(
				 json_object_array_get_idx(arr, 0), "source")),
			 "dhcp6");
	json_object_put(arr);
}

/* 18.2.1: with preference below 255 the client collects ADVERTISEs until
 * the first RT is over, then requests from the best. */
Test(dhcp6_client, advertise_below_255_waits_for_first_rt)
{
	struct sent s;

	start_and_solicit(&s);
	answer(&s, DHCP6_ADVERTISE, 100, 160, 200, 300, 10);
	pkt_free(s.p);
	cr_assert_not(pop_dhcp6(&s));
	cr_assert_eq(client()->state, DHCP6C_SOLICIT);
	wait_msg(&s, DHCP6_REQUEST, SEC + SEC / 10 + 20000);
	pkt_free(s.p);
}

/* 16.3, 16.10: wrong transaction id, foreign or missing client id, no
 * server id, malformed bytes: ignored, each counted once. */
Test(dhcp6_client, wrong_xid_client_id_and_malformed_are_ignored)
{
	struct sent s;
	struct reply r;
	static const uint8_t junk[] = { DHCP6_ADVERTISE, 1, 2, 3, 0, 1, 0, 9 };

	start_and_solicit(&s);
	reply_begin(&r, DHCP6_ADVERTISE, s.d.xid ^ 1, s.d.clientid.data,
		    s.d.clientid.len);
	reply_server(&r, srv_duid, sizeof(srv_duid));
	reply_ia(&r, client()->iaid, 0, 0, &leased, 200, 300);
	reply_send(&r);
	cr_assert_eq(stat("Dhcp6InBadXid"), 1);

	reply_begin(&r, DHCP6_ADVERTISE, s.d.xid, other_duid,
		    sizeof(other_duid));
	reply_server(&r, srv_duid, sizeof(srv_duid));
	reply_ia(&r, client()->iaid, 0, 0, &leased, 200, 300);
	reply_send(&r);
	cr_assert_eq(stat("Dhcp6InBadClientId"), 1);

	reply_begin(&r, DHCP6_ADVERTISE, s.d.xid, NULL, 0);
	reply_server(&r, srv_duid, sizeof(srv_duid));
	reply_send(&r);
	cr_assert_eq(stat("Dhcp6InBadClientId"), 2);

	reply_begin(&r, DHCP6_ADVERTISE, s.d.xid, s.d.clientid.data,
		    s.d.clientid.len);
	reply_ia(&r, client()->iaid, 0, 0, &leased, 200, 300);
	reply_send(&r);
	cr_assert_eq(stat("Dhcp6InErrors"), 1); /* no server id */

	rx_udp6(junk, sizeof(junk), DHCP6_SERVER_PORT); /* option past end */
	cr_assert_eq(stat("Dhcp6InErrors"), 2);
	rx_udp6(junk, 3, DHCP6_SERVER_PORT); /* shorter than a header */
	cr_assert_eq(stat("Dhcp6InErrors"), 3);

	cr_assert_eq(client()->state, DHCP6C_SOLICIT);
	cr_assert_eq(stat("Dhcp6InAdvertises"), 0);
	pkt_free(s.p);
}

/* Every truncation of a good ADVERTISE is dropped as malformed or
 * ignored, never taken, and nothing crashes. */
Test(dhcp6_client, truncated_advertise_at_every_byte_is_not_taken)
{
	struct sent s;
	struct reply r;
	struct dhcp6_view v = { .msg_type = DHCP6_ADVERTISE };
	int n;

	start_and_solicit(&s);
	reply_begin(&r, DHCP6_ADVERTISE, s.d.xid, s.d.clientid.data,
		    s.d.clientid.len);
	reply_server(&r, srv_duid, sizeof(srv_duid));
	reply_ia(&r, client()->iaid, 0, 0, &leased, 200, 300);
	n = dhcp6_opts_finish(&r.o);
	v.xid = s.d.xid;
	v.options = r.buf + DHCP6_HDR_LEN;
	v.options_len = (size_t)n;
	n = dhcp6_emit(r.buf, sizeof(r.buf), &v);
	for (int len = 0; len < n; len++)
		rx_udp6(r.buf, (size_t)len, DHCP6_SERVER_PORT);
	cr_assert_eq(stat("Dhcp6InAdvertises"), 0);
	cr_assert_eq(client()->state, DHCP6C_SOLICIT);
	rx_udp6(r.buf, (size_t)n, DHCP6_SERVER_PORT);
	cr_assert_eq(stat("Dhcp6InAdvertises"), 1);
	pkt_free(s.p);
}

/* 18.2.10: the REPLY to a REQUEST must come from the chosen server. */
Test(dhcp6_client, reply_from_another_server_is_ignored)
{
	struct sent s;
	struct reply r;

	start_and_solicit(&s);
	answer(&s, DHCP6_ADVERTISE, 100, 160, 200, 300, 255);
	pkt_free(s.p);
	expect(&s, DHCP6_REQUEST);
	reply_begin(&r, DHCP6_REPLY, s.d.xid, s.d.clientid.data,
		    s.d.clientid.len);
	reply_server(&r, other_duid, sizeof(other_duid));
	reply_ia(&r, client()->iaid, 100, 160, &leased, 200, 300);
	reply_send(&r);
	cr_assert_eq(stat("Dhcp6InBadServerId"), 1);
	cr_assert_eq(client()->state, DHCP6C_REQUEST);
	cr_assert_null(leased_addr());
	pkt_free(s.p);
}

/* 21.4: T1 > T2 makes the IA unusable; 21.6: preferred > valid drops the
 * address; a NoAddrsAvail status is no offer. */
Test(dhcp6_client, broken_ia_and_noaddrs_are_not_offers)
{
	struct sent s;
	struct reply r;

	start_and_solicit(&s);
	answer(&s, DHCP6_ADVERTISE, 200, 100, 200, 300, 255);
	cr_assert_eq(stat("Dhcp6InNoAddrs"), 1);
	answer(&s, DHCP6_ADVERTISE, 100, 160, 400, 300, 255);
	cr_assert_eq(stat("Dhcp6InNoAddrs"), 2);
	reply_begin(&r, DHCP6_ADVERTISE, s.d.xid, s.d.clientid.data,
		    s.d.clientid.len);
	reply_server(&r, srv_duid, sizeof(srv_duid));
	dhcp6_opt_put_status(&r.o, DHCP6_STATUS_NOADDRS_AVAIL, "none");
	reply_send(&r);
	cr_assert_eq(stat("Dhcp6InStatusFail"), 1);
	cr_assert_eq(client()->state, DHCP6C_SOLICIT);
	cr_assert_not(client()->have_adv);
	pkt_free(s.p);
}

/* 18.2.4, 18.2.5, 18.2.10.1: RENEW at T1 to our server, REBIND at T2 to
 * any, and at the end of the valid lifetime the address goes and the
 * client solicits again. */
Test(dhcp6_client, t1_renew_t2_rebind_then_expiry_removes_address)
{
	struct sent s;
	uint64_t t0;
	struct ifaddr6 *ia;

	bind_lease(10, 20, 25, 30);
	t0 = e6.now;
	fake_advance(&e6, 3 * SEC);
	cr_assert_eq(leased_addr()->state, ADDR6_PREFERRED);
	fake_tx_purge(if6);
	wait_msg(&s, DHCP6_RENEW, 8 * SEC);
	cr_assert(s.when >= t0 + 10 * SEC && s.when <= t0 + 10 * SEC + 20000);
	cr_assert_eq(s.d.serverid.len, sizeof(srv_duid));
	cr_assert_eq(client()->state, DHCP6C_RENEW);
	cr_assert_eq(stat("Dhcp6Renews"), 1);
	pkt_free(s.p);
	/* REN_TIMEOUT 10 s is the time to T2: the rebind comes first. */
	while (pop_dhcp6(&s))
		pkt_free(s.p);
	for (int i = 0; i < 1000 && client()->state == DHCP6C_RENEW; i++)
		fake_advance(&e6, 10000);
	cr_assert_eq(client()->state, DHCP6C_REBIND);
	cr_assert(e6.now >= t0 + 20 * SEC);
	cr_assert_eq(stat("Dhcp6Rebinds"), 1);
	do {
		cr_assert(pop_dhcp6(&s), "no REBIND");
	} while (s.d.msg_type != DHCP6_REBIND && (pkt_free(s.p), 1));
	cr_assert_eq(s.d.serverid.count, 0);
	pkt_free(s.p);
	/* 25 s: deprecated; 30 s: gone. */
	fake_advance(&e6, t0 + 26 * SEC - e6.now);
	ia = leased_addr();
	cr_assert_not_null(ia);
	cr_assert_eq(ia->state, ADDR6_DEPRECATED);
	fake_advance(&e6, 5 * SEC);
	cr_assert_null(leased_addr());
	cr_assert_eq(stat("Dhcp6LeaseExpired"), 1);
	cr_assert(client()->state == DHCP6C_SOLICIT ||
		  client()->state == DHCP6C_INIT);
	fake_advance(&e6, 2 * SEC);
	cr_assert_geq(stat("Dhcp6OutSolicits"), 2);
}

/* A REPLY to RENEW gives new lifetimes and a new T1. */
Test(dhcp6_client, renew_reply_extends_the_lease)
{
	struct sent s;
	struct ifaddr6 *ia;

	bind_lease(10, 20, 25, 30);
	fake_tx_purge(if6);
	wait_msg(&s, DHCP6_RENEW, 11 * SEC);
	answer(&s, DHCP6_REPLY, 100, 160, 250, 300, 0);
	pkt_free(s.p);
	cr_assert_eq(client()->state, DHCP6C_BOUND);
	ia = leased_addr();
	cr_assert_not_null(ia);
	cr_assert_eq(ia->valid_until, e6.now + 300 * SEC);
	cr_assert_eq(ia->preferred_until, e6.now + 250 * SEC);
	fake_advance(&e6, 50 * SEC);
	cr_assert_eq(client()->state, DHCP6C_BOUND);
	cr_assert_eq(stat("Dhcp6OutRenews"), 1);
}

/* 18.2.10.1: a leased address that fails DAD is DECLINEd. */
Test(dhcp6_client, dad_failure_sends_decline)
{
	struct sent s;
	struct dhcp6_ia ia;

	bind_lease(100, 160, 200, 300);
	slaac_dad_failed(leased_addr(), &srv_mac);
	cr_assert_eq(client()->state, DHCP6C_DECLINE);
	cr_assert_null(leased_addr());
	wait_msg(&s, DHCP6_DECLINE, 2 * SEC);
	cr_assert_eq(dhcp6_ia_parse(DHCP6_OPT_IA_NA, s.d.ia_na.data,
				    s.d.ia_na.len, &ia),
		     0);
	cr_assert_eq(ia.n_addrs, 1);
	cr_assert(ip6_eq(&ia.addrs[0].addr, &leased));
	cr_assert_eq(s.d.serverid.len, sizeof(srv_duid));
	cr_assert_eq(stat("Dhcp6DadDeclines"), 1);
	answer(&s, DHCP6_REPLY, 0, 0, 0, 0, 0);
	pkt_free(s.p);
	cr_assert_eq(client()->state, DHCP6C_INIT);
}

/* 18.2.6, 21.23: stateless: INFORMATION-REQUEST without IA, the DNS
 * server taken, a refresh after the (raised to IRT_MINIMUM) time. */
Test(dhcp6_client, stateless_information_request_records_dns)
{
	struct sent s;
	struct reply r;

	cr_assert_eq(dhcp6c_start(if6, DHCP6C_STATELESS), 0);
	wait_msg(&s, DHCP6_INFORMATION_REQUEST, DHCP6C_INF_MAX_DELAY + 20000);
	cr_assert_eq(s.d.ia_na.count, 0);
	cr_assert(oro_has(&s.d, DHCP6_OPT_DNS_SERVERS));
	cr_assert(oro_has(&s.d, DHCP6_OPT_INFORMATION_REFRESH_TIME));
	reply_begin(&r, DHCP6_REPLY, s.d.xid, s.d.clientid.data,
		    s.d.clientid.len);
	reply_server(&r, srv_duid, sizeof(srv_duid));
	dhcp6_opt_put(&r.o, DHCP6_OPT_DNS_SERVERS, dns1.b, 16);
	dhcp6_opt_put_u32(&r.o, DHCP6_OPT_INFORMATION_REFRESH_TIME, 5);
	reply_send(&r);
	pkt_free(s.p);
	cr_assert_eq(client()->state, DHCP6C_INFORMED);
	cr_assert_eq(client()->lease.ndns, 1);
	cr_assert(ip6_eq(&client()->lease.dns[0], &dns1));
	cr_assert_eq(client()->lease.irt, DHCP6C_IRT_MINIMUM);
	cr_assert_eq(stat("Dhcp6OutInfoRequests"), 1);
	fake_advance(&e6, (DHCP6C_IRT_MINIMUM - 1) * SEC);
	cr_assert_not(pop_dhcp6(&s));
	fake_advance(&e6, 2 * SEC);
	expect(&s, DHCP6_INFORMATION_REQUEST);
	pkt_free(s.p);
}

static void rx_ra_flags(bool m, bool o)
{
	static uint8_t b[64];
	struct icmp6_view iv = { .type = ICMP6_ND_RA,
				 .ra_managed = m,
				 .ra_other = o,
				 .ra_lifetime = 0 };
	static uint8_t frame[256];
	struct ip6_view v = { .next_header = IP6_NH_ICMPV6,
			      .hop_limit = 255,
			      .src = srv_ll,
			      .dst = ip6_all_nodes,
			      .payload = b };
	struct eth_view ev = { .src = srv_mac,
			       .type = ETHERTYPE_IPV6,
			       .encap = ETH_ENCAP_II };
	size_t len = (size_t)icmp6_hdr_len(&iv);
	int n = icmp6_emit(b, sizeof(b), &iv,
			   csum_pseudo6(&srv_ll, &ip6_all_nodes, IP6_NH_ICMPV6,
					(uint32_t)len));

	cr_assert_gt(n, 0);
	v.payload_len = (size_t)n;
	ip6_mc_mac(&ip6_all_nodes, &ev.dst);
	n = ip6_emit(frame + ETH_HLEN, sizeof(frame) - ETH_HLEN, &v);
	cr_assert_gt(n, 0);
	ev.payload = frame + ETH_HLEN;
	ev.payload_len = (size_t)n;
	eth_emit(frame, ETH_HLEN + (size_t)n, &ev);
	fake_rx(if6, frame, ETH_HLEN + (size_t)n);
}

/* RFC 4861 4.2: with RA processing on, O alone starts a stateless
 * client, M a stateful one (replacing the stateless one). */
Test(dhcp6_client, ra_o_flag_starts_stateless_and_m_flag_stateful)
{
	nd6_if_get(&e6, if6->index)->slaac = true;
	rx_ra_flags(false, false);
	cr_assert_null(dhcp6c_find(&e6, if6->index));
	rx_ra_flags(false, true);
	cr_assert_eq(client()->mode, DHCP6C_STATELESS);
	rx_ra_flags(true, true);
	cr_assert_eq(client()->mode, DHCP6C_STATEFUL);
	rx_ra_flags(false, true); /* stays stateful */
	cr_assert_eq(client()->mode, DHCP6C_STATEFUL);
}

/* Without --slaac RAs are not processed: no client. */
Test(dhcp6_client, ra_ignored_without_slaac)
{
	rx_ra_flags(true, true);
	cr_assert_null(dhcp6c_find(&e6, if6->index));
}

/* A datagram to 546 from a port other than 547 is not a server's. */
Test(dhcp6_client, message_from_wrong_port_is_unexpected)
{
	struct sent s;
	struct reply r;
	struct dhcp6_view v = { .msg_type = DHCP6_ADVERTISE };
	int n;

	start_and_solicit(&s);
	reply_begin(&r, DHCP6_ADVERTISE, s.d.xid, s.d.clientid.data,
		    s.d.clientid.len);
	reply_server(&r, srv_duid, sizeof(srv_duid));
	n = dhcp6_opts_finish(&r.o);
	v.xid = s.d.xid;
	v.options = r.buf + DHCP6_HDR_LEN;
	v.options_len = (size_t)n;
	n = dhcp6_emit(r.buf, sizeof(r.buf), &v);
	rx_udp6(r.buf, (size_t)n, 5547);
	cr_assert_eq(stat("Dhcp6InUnexpected"), 1);
	pkt_free(s.p);
}

/* dhcp6c_stop() with a lease sends one RELEASE and removes the address. */
Test(dhcp6_client, stop_releases_and_removes_address)
{
	struct sent s;

	bind_lease(100, 160, 200, 300);
	fake_tx_purge(if6);
	dhcp6c_stop(if6, true);
	expect(&s, DHCP6_RELEASE);
	cr_assert_eq(s.d.serverid.len, sizeof(srv_duid));
	pkt_free(s.p);
	cr_assert_null(leased_addr());
	cr_assert_null(dhcp6c_find(&e6, if6->index));
	cr_assert_eq(stat("Dhcp6OutReleases"), 1);
}

/* RFC 8415 11.2: a DUID-LLT made once and read back from its file, so the
 * client keeps its identity across restarts; without a file, DUID-LL. */
Test(dhcp6_client, duid_llt_persists_in_its_file)
{
	char path[] = "/tmp/nst-duid-XXXXXX";
	uint8_t a[DHCP6_DUID_MAX], b[DHCP6_DUID_MAX];
	static const uint8_t other[6] = { 2, 0, 0, 0, 0, 7 };
	size_t na, nb;
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	unlink(path);
	na = dhcp6_duid_get(path, us_mac.b, a, sizeof(a));
	cr_assert_eq(na, 14);
	cr_assert_eq(ld_be16(a), 1);
	cr_assert_eq(memcmp(a + 8, us_mac.b, 6), 0);
	/* Another MAC at the next start: the stored DUID stays. */
	nb = dhcp6_duid_get(path, other, b, sizeof(b));
	cr_assert_eq(nb, na);
	cr_assert_eq(memcmp(a, b, na), 0);
	unlink(path);
	cr_assert_eq(dhcp6_duid_get("", us_mac.b, b, sizeof(b)), 10);
	cr_assert_eq(ld_be16(b), 3);
	cr_assert_eq(dhcp6_iaid("fk0"), dhcp6_iaid("fk0"));
	cr_assert_neq(dhcp6_iaid("fk0"), dhcp6_iaid("fk1"));
}

/* RFC 8415 18.2.10.1: a REPLY to RENEW that leaves an address out leaves
 * it unchanged (it stays until its own valid lifetime ends); one that
 * gives it valid lifetime 0 takes it back at once. */
Test(dhcp6_client, renew_reply_leaves_omitted_addresses_and_drops_zero_valid)
{
	static const struct ip6_addr other = {
		{ 0x20, 0x01, 0x0d, 0xb8, 0, 1, [14] = 0x04, [15] = 0x56 }
	};
	struct sent s;
	struct reply r;

	bind_lease(10, 20, 100, 100);
	fake_tx_purge(if6);
	wait_msg(&s, DHCP6_RENEW, 11 * SEC);
	reply_begin(&r, DHCP6_REPLY, s.d.xid, s.d.clientid.data,
		    s.d.clientid.len);
	reply_server(&r, srv_duid, sizeof(srv_duid));
	reply_ia(&r, client()->iaid, 10, 20, &other, 100, 100);
	reply_send(&r);
	cr_assert_eq(client()->state, DHCP6C_BOUND);
	cr_assert_not_null(leased_addr());
	cr_assert_not_null(ip6_addr_find(&e6, if6->index, &other));
	pkt_free(s.p);
	fake_tx_purge(if6);
	wait_msg(&s, DHCP6_RENEW, 11 * SEC);
	reply_begin(&r, DHCP6_REPLY, s.d.xid, s.d.clientid.data,
		    s.d.clientid.len);
	reply_server(&r, srv_duid, sizeof(srv_duid));
	dhcp6_opt_open_ia(&r.o, DHCP6_OPT_IA_NA, client()->iaid, 10, 20);
	dhcp6_opt_open_iaaddr(&r.o, &leased, 0, 0);
	dhcp6_opt_close(&r.o);
	dhcp6_opt_open_iaaddr(&r.o, &other, 100, 100);
	dhcp6_opt_close(&r.o);
	dhcp6_opt_close(&r.o);
	reply_send(&r);
	pkt_free(s.p);
	cr_assert_null(leased_addr());
	cr_assert_not_null(ip6_addr_find(&e6, if6->index, &other));
	/* Stopping takes every DHCPv6 address away. */
	dhcp6c_stop(if6, false);
	cr_assert_null(ip6_addr_find(&e6, if6->index, &other));
}
