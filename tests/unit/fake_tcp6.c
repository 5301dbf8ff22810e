// SPDX-License-Identifier: MIT
/*
 * fake_tcp6.c - the IPv6 peer side of TCP unit tests (see fake_tcp6.h)
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "fake_engine.h"
#include "fake_tcp6.h"
#include "l3.h"
#include "nd6.h"
#include "neigh.h"
#include "wire/csum.h"
#include "wire/eth.h"
#include "wire/nd.h"

const struct ip6_addr ft6_us = { { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 2 } };
const struct ip6_addr ft6_peer = { { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1 } };

/** ft6_setup() - ft_setup() plus IPv6 on fk0, DAD done, peer resolved. */
void ft6_setup(void)
{
	ft_setup();
	cr_assert_eq(ip6_enable(l3_if, false), 0);
	cr_assert_eq(ip6_addr_add(l3_if, &ft6_us, 64, IFA6_F_STATIC,
				  ND_INFINITY, ND_INFINITY),
		     0);
	fake_advance(&l3_eng, 5000000);
	cr_assert_eq(ip6_addr_find(&l3_eng, l3_if->index, &ft6_us)->state,
		     ADDR6_PREFERRED);
	cr_assert_eq(neigh_add(&l3_eng, l3_if, &nd6_neigh_ops, ft6_peer.b,
			       &l3_peer_mac, false),
		     0);
	fake_tx_purge(l3_if);
}

/** ft6_teardown() - free the engine. */
void ft6_teardown(void)
{
	ft_teardown();
}

/** ft6_pop() - the next TCP/IPv6 segment sent (other frames skipped). */
bool ft6_pop(struct ft6_seg *s)
{
	struct eth_view ev;

	memset(s, 0, sizeof(*s));
	while ((s->p = fake_tx_pop(l3_if))) {
		cr_assert_eq(eth_parse(s->p->data, s->p->len, &ev), 0);
		if (ev.type == ETHERTYPE_IPV6 &&
		    !ip6_parse(ev.payload, ev.payload_len, &s->ip) &&
		    s->ip.upper_proto == IP6_NH_TCP) {
			cr_assert_eq(
				tcp_parse(s->ip.upper, s->ip.upper_len, &s->th),
				0);
			cr_assert(tcp_csum_ok(
				s->ip.upper, s->ip.upper_len,
				csum_pseudo6(&s->ip.src, &s->ip.dst, IP6_NH_TCP,
					     (uint32_t)s->ip.upper_len)));
			return true;
		}
		pkt_free(s->p);
	}
	return false;
}

/** ft6_recv() - ft6_pop() that remembers the TSval for echoing. */
bool ft6_recv(struct ft_peer *pp, struct ft6_seg *s)
{
	if (!ft6_pop(s))
		return false;
	if (s->th.opt.present & TCP_OPT_TS)
		pp->tsecr = s->th.opt.tsval;
	return true;
}

/** ft6_free() - release a popped segment. */
void ft6_free(struct ft6_seg *s)
{
	pkt_free(s->p);
	s->p = NULL;
}

/** ft6_drain() - ft_drain_af() for IPv6. */
size_t ft6_drain(void)
{
	return ft_drain_af(AF_INET6);
}

/** ft6_rx() - an IPv6 packet from the peer's MAC, payload @pl. */
void ft6_rx(const struct ip6_addr *src, const struct ip6_addr *dst, uint8_t nh,
	    const uint8_t *pl, size_t len)
{
	static uint8_t frame[70000];
	struct ip6_view v = { .next_header = nh,
			      .hop_limit = 64,
			      .src = *src,
			      .dst = *dst,
			      .payload = pl,
			      .payload_len = len };
	struct eth_view ev = { .src = l3_peer_mac,
			       .dst = l3_mac,
			       .type = ETHERTYPE_IPV6,
			       .encap = ETH_ENCAP_II };
	int n = ip6_emit(frame + ETH_HLEN, sizeof(frame) - ETH_HLEN, &v);

	cr_assert_gt(n, 0);
	ev.payload = frame + ETH_HLEN;
	ev.payload_len = (size_t)n;
	eth_emit(frame, ETH_HLEN + (size_t)n, &ev);
	fake_rx(l3_if, frame, ETH_HLEN + (size_t)n);
}

/** ft6_send_raw() - ft_send_raw_af() for IPv6: from [ft6_peer]. */
void ft6_send_raw(const struct ft_peer *pp, uint32_t seq, uint32_t ack,
		  uint16_t flags, const struct tcp_opts *o, const void *data,
		  size_t len)
{
	ft_send_raw_af(AF_INET6, pp, seq, ack, flags, o, data, len);
}

/** ft6_send() - ft_send_af() for IPv6. */
void ft6_send(struct ft_peer *pp, uint16_t flags, const void *data, size_t len)
{
	ft_send_af(AF_INET6, pp, flags, data, len);
}

/** ft6_listen() - an AF_INET6 listener on [::]:@port. */
struct tcb *ft6_listen(uint16_t port, int backlog, bool v6only)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
				     .sin6_port = htons(port) };
	int on = v6only;
	struct tcb *ln;

	cr_assert_eq(tcp_socket_af(&l3_eng, AF_INET6, &ln), 0);
	cr_assert_eq(
		tcp_setsockopt(ln, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)),
		0);
	cr_assert_eq(tcp_bind(ln, (struct sockaddr *)&sin6, sizeof(sin6)), 0);
	cr_assert_eq(tcp_listen(ln, backlog), 0);
	return ln;
}

/** ft6_passive() - ft_passive_af() for IPv6. */
struct tcb *ft6_passive(struct ft_peer *pp, struct tcb *ln,
			const struct tcp_opts *syn)
{
	return ft_passive_af(AF_INET6, pp, ln, syn);
}

/** ft6_active() - ft_active_af() to [ft6_peer]:FT_PPORT. */
struct tcb *ft6_active(struct ft_peer *pp, const struct tcp_opts *synack)
{
	return ft_active_af(AF_INET6, pp, synack);
}
