// SPDX-License-Identifier: MIT
/*
 * test_dhcp4_client.c - the DHCPv4 client (RFC 2131) on the fake engine:
 * server replies are built with dhcp4_emit() and injected as frames, the
 * clock is virtual
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "arp.h"
#include "ctl.h"
#include "dhcp4_client.h"
#include "fake_engine.h"
#include "fake_l3.h"
#include "l3.h"
#include "route.h"
#include "testutil.h"

#define SERVER L3_PEER
#define OFFERED IP4(192, 0, 2, 100)
#define SEC 1000000ull

static const struct mac_addr other_mac = { { 2, 0, 0, 0, 0, 9 } };

/* The fake interface without any address: DHCP gives it one. */
static void setup(void)
{
	fake_engine_init(&l3_eng);
	cr_assert_eq(l3_init(&l3_eng), 0);
	l3_if = fake_netif(&l3_eng, "fk0", l3_mac.b);
	/* The server's MAC is known: unicasts leave without ARP. */
	l3_peer_permanent();
}

TestSuite(dhcp4_client, .init = setup, .fini = l3_teardown);

static struct dhcp4c *client(void)
{
	struct dhcp4c *c = dhcp4c_find(&l3_eng, l3_if->index);

	cr_assert_not_null(c);
	return c;
}

/* A DHCP message the client sent, with its frame. */
struct sent {
	struct l3_frame f;
	struct dhcp4_view d;
	uint64_t when;
};

/* The next DHCP message sent, skipping ARP probes and announcements. */
static bool pop_dhcp(struct sent *s)
{
	while (l3_tx_pop(&s->f)) {
		if (s->f.eth.type == ETHERTYPE_IPV4 &&
		    s->f.ip.proto == IPV4_PROTO_UDP &&
		    s->f.udp.dport == DHCP4_SERVER_PORT) {
			cr_assert_eq(s->f.udp.sport, DHCP4_CLIENT_PORT);
			cr_assert_eq(dhcp4_parse(s->f.udp.payload,
						 s->f.udp.payload_len, &s->d),
				     0);
			s->when = l3_eng.now;
			return true;
		}
		l3_frame_free(&s->f);
	}
	return false;
}

static void expect_dhcp(struct sent *s, uint8_t type)
{
	cr_assert(pop_dhcp(s), "no DHCP message of type %u sent", type);
	cr_assert_eq(s->d.msg_type, type);
}

/* Server reply builder. */
struct reply {
	uint8_t buf[1024];
	struct dhcp4_opts o;
	struct dhcp4_view v;
};

static void reply_begin(struct reply *r, uint8_t type, uint32_t xid,
			uint32_t yiaddr)
{
	memset(r, 0, sizeof(*r));
	dhcp4_opts_init(&r->o, r->buf + DHCP4_HDR_LEN,
			sizeof(r->buf) - DHCP4_HDR_LEN);
	dhcp4_opt_put_u8(&r->o, DHCP4_OPT_MSG_TYPE, type);
	r->v.op = DHCP4_OP_REPLY;
	r->v.htype = DHCP4_HTYPE_ETHER;
	r->v.hlen = 6;
	r->v.xid = xid;
	r->v.yiaddr = yiaddr;
	r->v.flags = DHCP4_FLAG_BROADCAST;
	memcpy(r->v.chaddr, l3_mac.b, 6);
}

/* Server id, a /24 mask, a router and a lease time. */
static void reply_std(struct reply *r, uint32_t lease)
{
	uint32_t router = SERVER;

	dhcp4_opt_put_u32(&r->o, DHCP4_OPT_SERVER_ID, SERVER);
	dhcp4_opt_put_u32(&r->o, DHCP4_OPT_SUBNET_MASK, 0xffffff00u);
	dhcp4_opt_put_addrs(&r->o, DHCP4_OPT_ROUTERS, &router, 1);
	if (lease)
		dhcp4_opt_put_u32(&r->o, DHCP4_OPT_LEASE_TIME, lease);
}

static void reply_send_to(struct reply *r, uint32_t dst)
{
	int n = dhcp4_opts_end(&r->o);

	cr_assert_gt(n, 0);
	r->v.options = r->buf + DHCP4_HDR_LEN;
	r->v.options_len = (size_t)n;
	n = dhcp4_emit(r->buf, sizeof(r->buf), &r->v);
	cr_assert_gt(n, 0);
	l3_rx_udp(SERVER, DHCP4_SERVER_PORT, dst, DHCP4_CLIENT_PORT, r->buf,
		  (size_t)n);
}

static void reply_send(struct reply *r)
{
	reply_send_to(r, 0xffffffffu);
}

/* Start, and see the first DHCPDISCOVER (sent within 1 s). */
static void start_and_discover(struct sent *s)
{
	cr_assert_eq(dhcp4c_start(l3_if, NULL), 0);
	/* Small steps, so s->when is the time it was sent. */
	for (int i = 0; i <= 100 && !l3_tx_count(); i++)
		fake_advance(&l3_eng, SEC / 100);
	expect_dhcp(s, DHCP4_DISCOVER);
}

static void offer(uint32_t xid)
{
	struct reply r;

	reply_begin(&r, DHCP4_OFFER, xid, OFFERED);
	reply_std(&r, 3600);
	reply_send(&r);
}

/* DISCOVER, OFFER, REQUEST, ACK with @lease; the probe is still on. */
static uint32_t dora_to_checking(uint32_t lease)
{
	struct sent s;
	struct reply r;
	uint32_t xid;

	start_and_discover(&s);
	xid = s.d.xid;
	l3_frame_free(&s.f);
	offer(xid);
	expect_dhcp(&s, DHCP4_REQUEST);
	l3_frame_free(&s.f);
	reply_begin(&r, DHCP4_ACK, xid, OFFERED);
	reply_std(&r, lease);
	reply_send(&r);
	cr_assert_eq(client()->state, DHCP4C_CHECKING);
	return xid;
}

/* ... and through the RFC 5227 probe (at most ~9 s) to BOUND. */
static void dora_to_bound(uint32_t lease)
{
	dora_to_checking(lease);
	fake_advance(&l3_eng, 10 * SEC);
	cr_assert_eq(client()->state, DHCP4C_BOUND);
	fake_tx_purge(l3_if);
}

static bool has_route_via(uint32_t dst, uint32_t nexthop)
{
	struct route4_result r;

	return !route4_lookup(&l3_eng, dst, &r) && r.nexthop == nexthop;
}

static bool opt_has(const struct dhcp4_optref *o, uint8_t code)
{
	for (size_t i = 0; i < o->len; i++)
		if (o->data[i] == code)
			return true;
	return false;
}

/* RFC 2131 3.1 / 4.1 and RFC 2132 9.14: the DHCPDISCOVER goes from
 * 0.0.0.0:68 to 255.255.255.255:67, BROADCAST flag set (we take no unicast
 * before the address is ours), chaddr our MAC, client id 1 + MAC, and the
 * parameter request list. */
Test(dhcp4_client, discover_is_broadcast_from_zero_with_client_id_and_prl)
{
	static const uint8_t want[] = { 1, 3, 6, 15, 51, 54, 58, 59, 121, 26 };
	struct sent s;

	start_and_discover(&s);
	cr_assert_eq(s.f.ip.src, 0);
	cr_assert_eq(s.f.ip.dst, 0xffffffffu);
	cr_assert(mac_is_multicast(&s.f.eth.dst)); /* ff:ff:ff:ff:ff:ff */
	cr_assert_eq(s.d.op, DHCP4_OP_REQUEST);
	cr_assert_eq(s.d.flags, DHCP4_FLAG_BROADCAST);
	cr_assert_eq(s.d.ciaddr, 0);
	cr_assert_eq(memcmp(s.d.chaddr, l3_mac.b, 6), 0);
	cr_assert_eq(s.d.client_id.len, 7);
	cr_assert_eq(s.d.client_id.data[0], 1);
	cr_assert_eq(memcmp(s.d.client_id.data + 1, l3_mac.b, 6), 0);
	for (size_t i = 0; i < sizeof(want); i++)
		cr_assert(opt_has(&s.d.prl, want[i]), "PRL lacks %u", want[i]);
	cr_assert_geq(s.f.udp.payload_len, DHCP4_MIN_LEN); /* RFC 1542 */
	cr_assert_eq(client()->state, DHCP4C_SELECTING);
	cr_assert_eq(l3_eng.stats.dhcp4.Dhcp4OutDiscovers, 1);
	l3_frame_free(&s.f);
}

/* RFC 2131 3.1 steps 1-5 and 3.1.5: DORA, then the offered address is
 * probed (TENTATIVE) before use, then BOUND with the router as default
 * route. */
Test(dhcp4_client, dora_probes_then_binds_address_and_default_route)
{
	struct sent s;
	struct reply r;
	struct ifaddr4 *ia;
	uint32_t xid;

	start_and_discover(&s);
	xid = s.d.xid;
	l3_frame_free(&s.f);
	offer(xid);
	cr_assert_eq(client()->state, DHCP4C_REQUESTING);
	/* Table 5: the offer's xid, option 50 and 54, ciaddr 0. */
	expect_dhcp(&s, DHCP4_REQUEST);
	cr_assert_eq(s.d.xid, xid);
	cr_assert(s.d.has_requested_ip);
	cr_assert_eq(s.d.requested_ip, OFFERED);
	cr_assert(s.d.has_server_id);
	cr_assert_eq(s.d.server_id, SERVER);
	cr_assert_eq(s.d.ciaddr, 0);
	cr_assert_eq(s.f.ip.src, 0);
	cr_assert_eq(s.f.ip.dst, 0xffffffffu);
	l3_frame_free(&s.f);

	reply_begin(&r, DHCP4_ACK, xid, OFFERED);
	reply_std(&r, 3600);
	reply_send(&r);
	cr_assert_eq(client()->state, DHCP4C_CHECKING);
	ia = netif_addr4_find(l3_if, OFFERED);
	cr_assert_not_null(ia);
	cr_assert_eq(ia->state, ADDR4_TENTATIVE);
	cr_assert_eq(ia->prefixlen, 24);

	fake_advance(&l3_eng, 10 * SEC);
	cr_assert_eq(client()->state, DHCP4C_BOUND);
	cr_assert_eq(netif_addr4_find(l3_if, OFFERED)->state, ADDR4_VALID);
	cr_assert(has_route_via(L3_FAR, SERVER));
	cr_assert_eq(l3_eng.stats.dhcp4.Dhcp4InOffers, 1);
	cr_assert_eq(l3_eng.stats.dhcp4.Dhcp4InAcks, 1);
	cr_assert_eq(l3_eng.stats.dhcp4.Dhcp4OutRequests, 1);
	cr_assert_eq(l3_eng.stats.arp.ArpOutProbes, 3);
}

/* RFC 2131 4.1: retransmit after 4 s, doubling to 64 s, each +-1 s;
 * retransmissions keep the xid. */
Test(dhcp4_client, discover_backoff_is_4_8_16_32_64_64_s_plus_minus_1)
{
	static const uint64_t base[] = { 4, 8, 16, 32, 64, 64 };
	struct sent s;
	uint64_t last;
	uint32_t xid;

	start_and_discover(&s);
	last = s.when;
	xid = s.d.xid;
	l3_frame_free(&s.f);
	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
		uint64_t gap;

		do {
			fake_advance(&l3_eng, SEC / 10);
		} while (!pop_dhcp(&s) && l3_eng.now - last < 70 * SEC);
		gap = s.when - last;
		cr_assert_geq(gap, (base[i] - 1) * SEC - SEC / 10,
			      "retransmission %zu after %llu us", i,
			      (unsigned long long)gap);
		cr_assert_leq(gap, (base[i] + 1) * SEC + SEC / 10,
			      "retransmission %zu after %llu us", i,
			      (unsigned long long)gap);
		cr_assert_eq(s.d.msg_type, DHCP4_DISCOVER);
		cr_assert_eq(s.d.xid, xid);
		last = s.when;
		l3_frame_free(&s.f);
	}
	cr_assert_eq(l3_eng.stats.dhcp4.Dhcp4OutDiscovers, 7);
}

/* RFC 2131 3.1 step 5: DHCPNAK in REQUESTING -> INIT, and a new
 * DHCPDISCOVER with a new xid. */
Test(dhcp4_client, nak_in_requesting_restarts_from_init)
{
	struct sent s;
	struct reply r;
	uint32_t xid;

	start_and_discover(&s);
	xid = s.d.xid;
	l3_frame_free(&s.f);
	offer(xid);
	expect_dhcp(&s, DHCP4_REQUEST);
	l3_frame_free(&s.f);
	reply_begin(&r, DHCP4_NAK, xid, 0);
	dhcp4_opt_put_u32(&r.o, DHCP4_OPT_SERVER_ID, SERVER);
	reply_send(&r);
	cr_assert_eq(l3_eng.stats.dhcp4.Dhcp4InNaks, 1);
	cr_assert_eq(l3_if->naddr4, 0);
	fake_advance(&l3_eng, SEC / 10);
	expect_dhcp(&s, DHCP4_DISCOVER);
	cr_assert_neq(s.d.xid, xid);
	cr_assert_eq(client()->state, DHCP4C_SELECTING);
	l3_frame_free(&s.f);
}

/* RFC 2131 4.4.5: at T1 (default half the lease) RENEWING, a DHCPREQUEST
 * unicast to the server from the leased address, ciaddr set, no option
 * 50/54; the ACK extends the lease. */
Test(dhcp4_client, renew_at_t1_is_unicast_to_server_and_extends_lease)
{
	struct sent s;
	struct reply r;
	uint64_t start;

	dora_to_bound(100);
	start = client()->lease.start;
	fake_advance(&l3_eng, start + 49 * SEC - l3_eng.now);
	cr_assert_eq(client()->state, DHCP4C_BOUND);
	cr_assert_not(pop_dhcp(&s));
	fake_advance(&l3_eng, 1 * SEC + 1);
	cr_assert_eq(client()->state, DHCP4C_RENEWING);
	cr_assert_eq(l3_eng.stats.dhcp4.Dhcp4Renews, 1);
	expect_dhcp(&s, DHCP4_REQUEST);
	cr_assert_eq(s.f.ip.src, OFFERED);
	cr_assert_eq(s.f.ip.dst, SERVER);
	cr_assert(mac_eq(&s.f.eth.dst, &l3_peer_mac));
	cr_assert_eq(s.d.ciaddr, OFFERED);
	cr_assert_eq(s.d.flags, 0);
	cr_assert_not(s.d.has_requested_ip);
	cr_assert_not(s.d.has_server_id);

	reply_begin(&r, DHCP4_ACK, s.d.xid, OFFERED);
	reply_std(&r, 100);
	reply_send_to(&r, OFFERED);
	l3_frame_free(&s.f);
	cr_assert_eq(client()->state, DHCP4C_BOUND);
	cr_assert_eq(client()->lease.start, start + 50 * SEC);
	cr_assert(has_route_via(L3_FAR, SERVER));
	/* The old expiry (100 s) passes harmlessly. */
	fake_advance(&l3_eng, 60 * SEC);
	cr_assert_neq(client()->state, DHCP4C_INIT);
	cr_assert_eq(l3_eng.stats.dhcp4.Dhcp4LeaseExpired, 0);
}

/* RFC 2131 4.4.5: no answer while RENEWING -> at T2 (7/8 of the lease)
 * REBINDING, the DHCPREQUEST broadcast, still from the leased address. */
Test(dhcp4_client, rebind_at_t2_is_broadcast)
{
	struct sent s;
	uint64_t start;

	dora_to_bound(1000);
	start = client()->lease.start;
	fake_advance(&l3_eng, start + 875 * SEC - l3_eng.now - 1);
	cr_assert_eq(client()->state, DHCP4C_RENEWING);
	fake_tx_purge(l3_if);
	fake_advance(&l3_eng, 2);
	cr_assert_eq(client()->state, DHCP4C_REBINDING);
	cr_assert_eq(l3_eng.stats.dhcp4.Dhcp4Rebinds, 1);
	expect_dhcp(&s, DHCP4_REQUEST);
	cr_assert_eq(s.f.ip.src, OFFERED);
	cr_assert_eq(s.f.ip.dst, 0xffffffffu);
	cr_assert_eq(s.d.ciaddr, OFFERED);
	cr_assert_not(s.d.has_server_id);
	l3_frame_free(&s.f);
}

/* RFC 2131 4.4.5: RENEWING retransmits after half the time to T2, never
 * sooner than 60 s. */
Test(dhcp4_client, renewing_retransmits_at_half_the_time_to_t2)
{
	struct sent s;
	uint64_t t;

	dora_to_bound(1000); /* T1 500 s, T2 875 s */
	fake_advance(&l3_eng, client()->lease.start + 500 * SEC - l3_eng.now);
	expect_dhcp(&s, DHCP4_REQUEST);
	t = s.when;
	l3_frame_free(&s.f);
	fake_advance(&l3_eng, 187 * SEC);
	cr_assert_not(pop_dhcp(&s));
	fake_advance(&l3_eng, 1 * SEC);
	expect_dhcp(&s, DHCP4_REQUEST);
	cr_assert_eq(s.when - t, 188 * SEC);
	l3_frame_free(&s.f);
}

/* RFC 2131 4.4.5: at expiry the address and the lease's routes go, and
 * the client starts over in INIT. */
Test(dhcp4_client, expiry_removes_address_and_routes)
{
	struct sent s;

	dora_to_bound(100);
	cr_assert(has_route_via(L3_FAR, SERVER));
	fake_advance(&l3_eng,
		     client()->lease.start + 100 * SEC - l3_eng.now - 1);
	cr_assert_eq(client()->state, DHCP4C_REBINDING);
	cr_assert_not_null(netif_addr4_find(l3_if, OFFERED));
	fake_tx_purge(l3_if);
	fake_advance(&l3_eng, 1);
	cr_assert_eq(l3_eng.stats.dhcp4.Dhcp4LeaseExpired, 1);
	cr_assert_null(netif_addr4_find(l3_if, OFFERED));
	cr_assert_eq(l3_if->naddr4, 0);
	cr_assert_not(has_route_via(L3_FAR, SERVER));
	cr_assert_eq(client()->state, DHCP4C_SELECTING);
	expect_dhcp(&s, DHCP4_DISCOVER);
	l3_frame_free(&s.f);
}

/* RFC 3442 section 1: with option 121 the client ignores option 3; an
 * on-link route (router 0.0.0.0) goes straight to the destination. */
Test(dhcp4_client, classless_routes_beat_option_3)
{
	const struct dhcp4_route routes[] = {
		{ .dst = IP4(198, 51, 100, 0),
		  .width = 24,
		  .router = IP4(192, 0, 2, 254) },
		{ .dst = 0, .width = 0, .router = IP4(192, 0, 2, 253) },
		{ .dst = IP4(203, 0, 113, 0), .width = 24, .router = 0 },
	};
	struct sent s;
	struct reply r;
	uint32_t xid;

	start_and_discover(&s);
	xid = s.d.xid;
	l3_frame_free(&s.f);
	offer(xid);
	fake_tx_purge(l3_if);
	reply_begin(&r, DHCP4_ACK, xid, OFFERED);
	reply_std(&r, 3600); /* option 3: 192.0.2.1 */
	dhcp4_opt_put_routes(&r.o, routes, 3);
	reply_send(&r);
	fake_advance(&l3_eng, 10 * SEC);
	cr_assert_eq(client()->state, DHCP4C_BOUND);
	cr_assert(has_route_via(IP4(198, 51, 100, 7), IP4(192, 0, 2, 254)));
	cr_assert(has_route_via(IP4(8, 8, 8, 8), IP4(192, 0, 2, 253)));
	cr_assert(has_route_via(IP4(203, 0, 113, 9), IP4(203, 0, 113, 9)));
	cr_assert_eq(client()->lease.nroutes, 3);
	/* They all go at expiry. */
	fake_advance(&l3_eng, 3600 * SEC);
	cr_assert_neq(route4_lookup(&l3_eng, IP4(8, 8, 8, 8),
				    &(struct route4_result){ 0 }),
		      0);
}

/* RFC 2131 3.1.5: another host answers ARP for the ACKed address while
 * we probe -> DHCPDECLINE (broadcast, option 50 and 54, ciaddr 0), the
 * address is dropped, and INIT waits 10 s before a new DHCPDISCOVER. */
Test(dhcp4_client, arp_conflict_declines_and_restarts_after_10_s)
{
	static const struct mac_addr zero = { { 0 } };
	struct arp_view a = { .htype = ARP_HTYPE_ETHER,
			      .ptype = ARP_PTYPE_IPV4,
			      .hlen = 6,
			      .plen = 4,
			      .op = ARP_OP_REPLY,
			      .sha = other_mac,
			      .spa = OFFERED,
			      .tha = zero,
			      .tpa = 0 };
	uint8_t buf[ARP_LEN];
	struct sent s;

	dora_to_checking(3600);
	fake_advance(&l3_eng, 2 * SEC);
	fake_tx_purge(l3_if);
	cr_assert_eq(arp_emit(buf, sizeof(buf), &a), ARP_LEN);
	l3_rx_eth(ETHERTYPE_ARP, buf, sizeof(buf));
	expect_dhcp(&s, DHCP4_DECLINE);
	cr_assert_eq(s.f.ip.src, 0);
	cr_assert_eq(s.f.ip.dst, 0xffffffffu);
	cr_assert_eq(s.d.ciaddr, 0);
	cr_assert_eq(s.d.requested_ip, OFFERED);
	cr_assert_eq(s.d.server_id, SERVER);
	l3_frame_free(&s.f);
	cr_assert_eq(l3_eng.stats.dhcp4.Dhcp4OutDeclines, 1);
	cr_assert_null(netif_addr4_find(l3_if, OFFERED));
	cr_assert_eq(client()->state, DHCP4C_INIT);
	fake_advance(&l3_eng, 10 * SEC - 1);
	cr_assert_not(pop_dhcp(&s));
	fake_advance(&l3_eng, 1);
	expect_dhcp(&s, DHCP4_DISCOVER);
	l3_frame_free(&s.f);
}

/* RFC 2131 3.2: with a lease file, INIT-REBOOT: a broadcast DHCPREQUEST
 * for the old address (option 50, no server id, ciaddr 0); the ACK is
 * probed and bound, and the lease file is rewritten. */
Test(dhcp4_client, init_reboot_requests_address_from_lease_file)
{
	char path[64], line[128];
	struct sent s;
	struct reply r;
	FILE *f;
	bool found = false;

	snprintf(path, sizeof(path), "/tmp/nsstack-dhcp4c-%d.lease", getpid());
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("# old\naddress 192.0.2.77/24\nserver 192.0.2.1\n", f);
	fclose(f);
	cr_assert_eq(dhcp4c_start(l3_if, path), 0);
	cr_assert_eq(client()->state, DHCP4C_INIT_REBOOT);
	fake_advance(&l3_eng, SEC);
	expect_dhcp(&s, DHCP4_REQUEST);
	cr_assert_eq(client()->state, DHCP4C_REBOOTING);
	cr_assert_eq(s.d.requested_ip, IP4(192, 0, 2, 77));
	cr_assert_not(s.d.has_server_id);
	cr_assert_eq(s.d.ciaddr, 0);
	cr_assert_eq(s.f.ip.src, 0);
	cr_assert_eq(s.d.flags, DHCP4_FLAG_BROADCAST);
	reply_begin(&r, DHCP4_ACK, s.d.xid, IP4(192, 0, 2, 77));
	reply_std(&r, 600);
	reply_send(&r);
	l3_frame_free(&s.f);
	fake_advance(&l3_eng, 10 * SEC);
	cr_assert_eq(client()->state, DHCP4C_BOUND);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f))
		if (!strcmp(line, "lease 600\n"))
			found = true;
	fclose(f);
	unlink(path);
	cr_assert(found, "lease file not rewritten");
}

/* RFC 2131 3.2 step 3: DHCPNAK in REBOOTING -> INIT and DHCPDISCOVER. */
Test(dhcp4_client, nak_in_rebooting_falls_back_to_discover)
{
	char path[64];
	struct sent s;
	struct reply r;
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/nsstack-dhcp4c-%d-nak.lease",
		 getpid());
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("address 192.0.2.77/24\n", f);
	fclose(f);
	cr_assert_eq(dhcp4c_start(l3_if, path), 0);
	fake_advance(&l3_eng, SEC);
	expect_dhcp(&s, DHCP4_REQUEST);
	reply_begin(&r, DHCP4_NAK, s.d.xid, 0);
	dhcp4_opt_put_u32(&r.o, DHCP4_OPT_SERVER_ID, SERVER);
	reply_send(&r);
	l3_frame_free(&s.f);
	fake_advance(&l3_eng, SEC / 10);
	expect_dhcp(&s, DHCP4_DISCOVER);
	l3_frame_free(&s.f);
	cr_assert_eq(access(path, F_OK), -1); /* the stale lease is gone */
	unlink(path);
}

/* RFC 2131 4.1 / 4.4.1: replies with another xid or chaddr are not ours,
 * and one without a server identifier (a MUST, Table 3) or cut short is
 * malformed; all are counted and none moves the state machine. */
Test(dhcp4_client, foreign_and_malformed_replies_are_ignored_and_counted)
{
	static const uint8_t stranger[6] = { 2, 0, 0, 0, 0, 0x77 };
	struct sent s;
	struct reply r;
	uint32_t xid;

	start_and_discover(&s);
	xid = s.d.xid;
	l3_frame_free(&s.f);

	reply_begin(&r, DHCP4_OFFER, xid + 1, OFFERED); /* wrong xid */
	reply_std(&r, 3600);
	reply_send(&r);
	reply_begin(&r, DHCP4_OFFER, xid, OFFERED); /* wrong chaddr */
	memcpy(r.v.chaddr, stranger, 6);
	reply_std(&r, 3600);
	reply_send(&r);
	cr_assert_eq(l3_eng.stats.dhcp4.Dhcp4InIgnored, 2);

	reply_begin(&r, DHCP4_OFFER, xid, OFFERED); /* no server id */
	dhcp4_opt_put_u32(&r.o, DHCP4_OPT_LEASE_TIME, 3600);
	reply_send(&r);
	l3_rx_udp(SERVER, DHCP4_SERVER_PORT, 0xffffffffu, DHCP4_CLIENT_PORT,
		  r.buf, 100); /* truncated */
	cr_assert_eq(l3_eng.stats.dhcp4.Dhcp4InErrors, 2);

	cr_assert_eq(client()->state, DHCP4C_SELECTING);
	cr_assert_eq(l3_eng.stats.dhcp4.Dhcp4InOffers, 0);
	cr_assert_not(pop_dhcp(&s));
	/* The genuine offer still works. */
	offer(xid);
	cr_assert_eq(client()->state, DHCP4C_REQUESTING);
}

/* RFC 2131 Table 3: an ACK to a DHCPREQUEST must carry the lease time;
 * one without is malformed and the client keeps waiting. */
Test(dhcp4_client, ack_without_lease_time_is_an_error)
{
	struct sent s;
	struct reply r;
	uint32_t xid;

	start_and_discover(&s);
	xid = s.d.xid;
	l3_frame_free(&s.f);
	offer(xid);
	reply_begin(&r, DHCP4_ACK, xid, OFFERED);
	reply_std(&r, 0);
	reply_send(&r);
	cr_assert_eq(l3_eng.stats.dhcp4.Dhcp4InErrors, 1);
	cr_assert_eq(client()->state, DHCP4C_REQUESTING);
}

/* RFC 2131 4.4.1: no ACK after retransmitting the DHCPREQUEST -> INIT. */
Test(dhcp4_client, unanswered_request_returns_to_init)
{
	struct sent s;

	start_and_discover(&s);
	l3_frame_free(&s.f);
	offer(s.d.xid);
	/* Sent at 0, 4, 12, 28, 60 s (+-4 s), given up 64 +-1 s later:
	 * between 119 and 129 s. */
	fake_advance(&l3_eng, 118 * SEC);
	cr_assert_eq(client()->state, DHCP4C_REQUESTING);
	fake_advance(&l3_eng, 12 * SEC);
	cr_assert_eq(l3_eng.stats.dhcp4.Dhcp4OutRequests, 5);
	cr_assert_eq(client()->state, DHCP4C_SELECTING);
}

/* RFC 2131 4.4.6: stopping a bound client unicasts DHCPRELEASE (ciaddr,
 * server id) and removes the address. */
Test(dhcp4_client, stop_with_release_sends_dhcprelease)
{
	struct sent s;

	dora_to_bound(3600);
	dhcp4c_release_all(&l3_eng);
	expect_dhcp(&s, DHCP4_RELEASE);
	cr_assert_eq(s.f.ip.dst, SERVER);
	cr_assert_eq(s.d.ciaddr, OFFERED);
	cr_assert_eq(s.d.server_id, SERVER);
	l3_frame_free(&s.f);
	cr_assert_eq(l3_if->naddr4, 0);
	cr_assert_null(dhcp4c_find(&l3_eng, l3_if->index));
	cr_assert_eq(l3_eng.stats.dhcp4.Dhcp4OutReleases, 1);
}

/* `nsctl dhcp`: state, address, server, routers and DNS. */
Test(dhcp4_client, ctl_dhcp_lists_the_lease)
{
	char *out;
	size_t len;

	dora_to_bound(3600);
	out = ctl_handle(&l3_eng, "{\"cmd\": \"dhcp\"}", 15, &len);
	cr_assert_not_null(out);
	cr_assert_not_null(strstr(out, "\"BOUND\""), "%s", out);
	cr_assert_not_null(strstr(out, "\"192.0.2.100\\/24\""), "%s", out);
	cr_assert_not_null(strstr(out, "\"routers\":\"192.0.2.1\""), "%s", out);
	free(out);
}

/* Shutdown policy: with a lease file the lease is kept silently for
 * INIT-REBOOT (RFC 2131 3.2) rather than released (RFC 2131 4.4.6). */
Test(dhcp4_client, shutdown_keeps_lease_when_a_lease_file_is_kept)
{
	char path[64];
	struct sent s;

	snprintf(path, sizeof(path), "/tmp/nsstack-dhcp4c-%d-keep.lease",
		 getpid());
	unlink(path);
	cr_assert_eq(dhcp4c_start(l3_if, path), 0);
	for (int i = 0; i <= 100 && !l3_tx_count(); i++)
		fake_advance(&l3_eng, SEC / 100);
	expect_dhcp(&s, DHCP4_DISCOVER);
	l3_frame_free(&s.f);
	offer(s.d.xid);
	expect_dhcp(&s, DHCP4_REQUEST);
	{
		struct reply r;

		reply_begin(&r, DHCP4_ACK, s.d.xid, OFFERED);
		reply_std(&r, 3600);
		reply_send(&r);
	}
	l3_frame_free(&s.f);
	fake_advance(&l3_eng, 10 * SEC);
	cr_assert_eq(client()->state, DHCP4C_BOUND);
	fake_tx_purge(l3_if);
	dhcp4c_shutdown(&l3_eng);
	cr_assert_not(pop_dhcp(&s));
	cr_assert_eq(l3_eng.stats.dhcp4.Dhcp4OutReleases, 0);
	cr_assert_eq(access(path, F_OK), 0);
	unlink(path);
}

/* RFC 2131 4.4.6 at shutdown: a DHCPRELEASE that waits for the server's
 * MAC is reported, so the engine runs its loop until ARP lets it out. */
Test(dhcp4_client, shutdown_reports_release_waiting_for_arp)
{
	struct arp_view a = { .htype = ARP_HTYPE_ETHER,
			      .ptype = ARP_PTYPE_IPV4,
			      .hlen = 6,
			      .plen = 4,
			      .op = ARP_OP_REPLY,
			      .sha = l3_peer_mac,
			      .spa = SERVER,
			      .tha = l3_mac,
			      .tpa = OFFERED };
	uint8_t buf[ARP_LEN];
	struct sent s;

	dora_to_bound(3600);
	cr_assert_eq(neigh_del4(&l3_eng, l3_if, SERVER), 0);
	cr_assert_eq(dhcp4c_shutdown(&l3_eng), 1);
	cr_assert(dhcp4c_releases_in_flight(&l3_eng));
	cr_assert_not(pop_dhcp(&s)); /* queued behind ARP */
	cr_assert_eq(arp_emit(buf, sizeof(buf), &a), ARP_LEN);
	l3_rx_eth(ETHERTYPE_ARP, buf, sizeof(buf));
	cr_assert_not(dhcp4c_releases_in_flight(&l3_eng));
	expect_dhcp(&s, DHCP4_RELEASE);
	l3_frame_free(&s.f);
	fake_advance(&l3_eng, SEC); /* the linger timer ends quietly */
}

/* RFC 2132 5.1: option 26 lowers the interface MTU while the lease
 * lasts; expiry restores the device's. */
Test(dhcp4_client, mtu_option_applies_until_expiry)
{
	struct sent s;
	struct reply r;
	uint32_t xid;
	uint32_t mtu = l3_if->mtu;

	start_and_discover(&s);
	xid = s.d.xid;
	l3_frame_free(&s.f);
	offer(xid);
	reply_begin(&r, DHCP4_ACK, xid, OFFERED);
	reply_std(&r, 100);
	dhcp4_opt_put_u16(&r.o, 26, 1400);
	reply_send(&r);
	fake_advance(&l3_eng, 10 * SEC);
	cr_assert_eq(client()->state, DHCP4C_BOUND);
	cr_assert_eq(l3_if->mtu, 1400);
	fake_advance(&l3_eng, 100 * SEC);
	cr_assert_eq(l3_eng.stats.dhcp4.Dhcp4LeaseExpired, 1);
	cr_assert_eq(l3_if->mtu, mtu);
}

/* RFC 3442 section 2: a malformed option 121 (width 33) is not used at
 * all, and option 3 gives the default route. */
Test(dhcp4_client, malformed_classless_routes_fall_back_to_option_3)
{
	static const uint8_t bad121[] = { 33, 1, 2, 3, 4, 5, 192, 0, 2, 9 };
	struct sent s;
	struct reply r;
	uint32_t xid;

	start_and_discover(&s);
	xid = s.d.xid;
	l3_frame_free(&s.f);
	offer(xid);
	reply_begin(&r, DHCP4_ACK, xid, OFFERED);
	reply_std(&r, 3600);
	dhcp4_opt_put(&r.o, DHCP4_OPT_CLASSLESS_ROUTES, bad121, sizeof(bad121));
	reply_send(&r);
	fake_advance(&l3_eng, 10 * SEC);
	cr_assert_eq(client()->state, DHCP4C_BOUND);
	cr_assert_not(client()->lease.classless);
	cr_assert(has_route_via(L3_FAR, SERVER));
}
