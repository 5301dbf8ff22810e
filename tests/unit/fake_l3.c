// SPDX-License-Identifier: MIT
/*
 * fake_l3.c - see fake_l3.h
 */
#include <criterion/criterion.h>

#include "arp.h"
#include "fake_engine.h"
#include "fake_l3.h"
#include "ipv4.h"
#include "l3.h"
#include "wire/csum.h"

struct engine l3_eng;
struct netif *l3_if;
const struct mac_addr l3_mac = { { 2, 0, 0, 0, 0, 2 } };
const struct mac_addr l3_peer_mac = { { 2, 0, 0, 0, 0, 1 } };

/** l3_setup() - engine, L3 tables, fk0 with 192.0.2.2/24 VALID. */
void l3_setup(void)
{
	fake_engine_init(&l3_eng);
	cr_assert_eq(l3_init(&l3_eng), 0);
	l3_if = fake_netif(&l3_eng, "fk0", l3_mac.b);
	cr_assert_eq(netif_addr4_add(l3_if, L3_US, 24), 0);
}

void l3_teardown(void)
{
	l3_fini(&l3_eng);
	engine_fini(&l3_eng);
}

/** l3_peer_permanent() - 192.0.2.1 at l3_peer_mac: no ARP needed. */
void l3_peer_permanent(void)
{
	cr_assert_eq(neigh_add4(&l3_eng, l3_if, L3_PEER, &l3_peer_mac, false),
		     0);
}

size_t l3_build_ipv4(uint8_t *buf, size_t cap, const struct ipv4_view *v)
{
	int n = ipv4_emit(buf, cap, v);

	cr_assert_gt(n, 0);
	return (size_t)n;
}

void l3_rx_eth(uint16_t type, const uint8_t *payload, size_t len)
{
	static uint8_t frame[PKT_MAX_FRAME];
	struct eth_view e = { .dst = l3_mac,
			      .src = l3_peer_mac,
			      .type = type,
			      .encap = ETH_ENCAP_II,
			      .payload = payload,
			      .payload_len = len };
	int n = eth_emit(frame, sizeof(frame), &e);

	cr_assert_gt(n, 0);
	fake_rx(l3_if, frame, (size_t)n);
}

void l3_rx_ipv4(uint32_t src, uint32_t dst, uint8_t proto, const uint8_t *pl,
		size_t len)
{
	static uint8_t buf[65536];
	struct ipv4_view v = { .ttl = 64,
			       .proto = proto,
			       .src = src,
			       .dst = dst,
			       .id = 1,
			       .payload = pl,
			       .payload_len = len };

	l3_rx_eth(ETHERTYPE_IPV4, buf, l3_build_ipv4(buf, sizeof(buf), &v));
}

void l3_rx_udp(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport,
	       const uint8_t *data, size_t len)
{
	static uint8_t buf[65536];
	struct udp_view u = { .sport = sport,
			      .dport = dport,
			      .payload = data,
			      .payload_len = len };
	int n = udp_emit(buf, sizeof(buf), &u,
			 csum_pseudo4(src, dst, IPV4_PROTO_UDP,
				      (uint16_t)(UDP_HLEN + len)));

	cr_assert_gt(n, 0);
	l3_rx_ipv4(src, dst, IPV4_PROTO_UDP, buf, (size_t)n);
}

/** l3_tx_pop() - the oldest frame sent, parsed; false when none. */
bool l3_tx_pop(struct l3_frame *f)
{
	memset(f, 0, sizeof(*f));
	f->p = fake_tx_pop(l3_if);
	if (!f->p)
		return false;
	cr_assert_eq(eth_parse(f->p->data, f->p->len, &f->eth), 0);
	if (f->eth.type == ETHERTYPE_ARP) {
		cr_assert_eq(
			arp_parse(f->eth.payload, f->eth.payload_len, &f->arp),
			0);
		return true;
	}
	cr_assert_eq(f->eth.type, ETHERTYPE_IPV4);
	cr_assert_eq(ipv4_parse(f->eth.payload, f->eth.payload_len, &f->ip), 0);
	cr_assert(ipv4_csum_ok(f->eth.payload, f->eth.payload_len));
	if (f->ip.proto == IPV4_PROTO_ICMP && !f->ip.frag_off && !f->ip.mf) {
		cr_assert_eq(
			icmp4_parse(f->ip.payload, f->ip.payload_len, &f->icmp),
			0);
		cr_assert(icmp4_csum_ok(f->ip.payload, f->ip.payload_len));
	}
	if (f->ip.proto == IPV4_PROTO_UDP && !f->ip.frag_off && !f->ip.mf) {
		cr_assert_eq(
			udp_parse(f->ip.payload, f->ip.payload_len, &f->udp),
			0);
		cr_assert(
			udp_csum_ok(f->ip.payload, f->udp.len,
				    csum_pseudo4(f->ip.src, f->ip.dst,
						 IPV4_PROTO_UDP, f->udp.len)));
	}
	return true;
}

void l3_frame_free(struct l3_frame *f)
{
	pkt_free(f->p);
	f->p = NULL;
}

size_t l3_tx_count(void)
{
	return fake_tx_count(l3_if);
}
