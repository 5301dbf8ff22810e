// SPDX-License-Identifier: MIT
/*
 * test_tcp6.c - TCP over IPv6 (tcp6.c) through the fake netdev: both
 * handshakes, data and FIN, RST without a listener, checksum drops over
 * the IPv6 pseudo-header, dual-stack listeners (v4-mapped accept,
 * IPV6_V6ONLY), Packet Too Big lowering the MSS, SYN cookies
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <json-c/json.h>
#include <string.h>

#include "fake_engine.h"
#include "fake_tcp6.h"
#include "tcp_offload.h"
#include "wire/csum.h"
#include "wire/icmp6.h"

TestSuite(tcp6, .init = ft6_setup, .fini = ft6_teardown);

static bool is_mapped(const struct sockaddr_in6 *s6, uint32_t v4)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };
	uint32_t n = htonl(v4);

	return s6->sin6_family == AF_INET6 &&
	       !memcmp(s6->sin6_addr.s6_addr, pfx, 12) &&
	       !memcmp(s6->sin6_addr.s6_addr + 12, &n, 4);
}

Test(tcp6, passive_handshake_answers_syn_over_ipv6)
{
	struct tcb *ln = ft6_listen(FT_LPORT, 8, false);
	struct sockaddr_in6 s6;
	socklen_t len = sizeof(s6);
	struct tcp_opts o;
	struct ft6_seg s;
	struct ft_peer pp = { .port = FT_PPORT,
			      .lport = FT_LPORT,
			      .win = 65535 };
	struct tcb *c;

	ft_syn_opts(&o);
	ft6_send_raw(&pp, FT_PEER_ISN, 0, TCP_SYN, &o, NULL, 0);
	cr_assert(ft6_pop(&s));
	cr_assert_eq(s.th.flags, TCP_SYN | TCP_ACK);
	cr_assert_eq(s.th.ack, FT_PEER_ISN + 1);
	/* RFC 9293 3.7.1 over IPv6: link MTU 1500 - 40 - 20. */
	cr_assert_eq(s.th.opt.mss, 1440);
	cr_assert(ip6_eq(&s.ip.src, &ft6_us));
	cr_assert(ip6_eq(&s.ip.dst, &ft6_peer));
	cr_assert_neq(s.ip.flow_label, 0u); /* RFC 6437 */
	ft6_free(&s);
	(void)ln;

	c = ft6_passive(&pp, ft6_listen(81, 8, false), NULL);
	cr_assert_eq(c->family, AF_INET6);
	cr_assert_eq(tcp_getpeername(c, (struct sockaddr *)&s6, &len), 0);
	cr_assert_eq(len, sizeof(s6));
	cr_assert_eq(s6.sin6_family, AF_INET6);
	cr_assert_eq(ntohs(s6.sin6_port), FT_PPORT);
	cr_assert_eq(memcmp(s6.sin6_addr.s6_addr, ft6_peer.b, 16), 0);
	len = sizeof(s6);
	cr_assert_eq(tcp_getsockname(c, (struct sockaddr *)&s6, &len), 0);
	cr_assert_eq(memcmp(s6.sin6_addr.s6_addr, ft6_us.b, 16), 0);
	cr_assert_eq(ntohs(s6.sin6_port), 81);
	/* SMSS: 1440 less the timestamp option. */
	cr_assert_eq(c->mss, 1440 - 12);
	cr_assert(!tcp_key_is4(&c->key));
}

Test(tcp6, active_handshake_connects_over_ipv6)
{
	struct ft_peer pp;
	struct tcb *c = ft6_active(&pp, NULL);
	struct sockaddr_in6 s6;
	socklen_t len = sizeof(s6);

	cr_assert_eq(c->state, TCPS_ESTABLISHED);
	cr_assert_eq(tcp_getsockname(c, (struct sockaddr *)&s6, &len), 0);
	cr_assert_eq(memcmp(s6.sin6_addr.s6_addr, ft6_us.b, 16), 0);
	cr_assert_eq(ntohs(s6.sin6_port), pp.lport);
	cr_assert_eq(l3_eng.stats.tcp.TcpActiveOpens, 1);
	cr_assert_eq(tcp_lookup_addr(&l3_eng, &c->key.la, c->key.lport,
				     &c->key.ra, c->key.rport),
		     c);
}

Test(tcp6, data_and_fin_flow_both_ways)
{
	struct ft_peer pp;
	struct tcb *c = ft6_passive(&pp, ft6_listen(FT_LPORT, 8, false), NULL);
	struct ft6_seg s;
	uint32_t fl = 0;
	size_t got = 0;
	bool fin = false;
	char buf[16];

	ft6_send(&pp, TCP_PSH, "hello", 5);
	ft6_send(&pp, TCP_FIN, NULL, 0);
	cr_assert_eq(tcp_recv(c, buf, sizeof(buf), 0), 5);
	cr_assert_eq(memcmp(buf, "hello", 5), 0);
	cr_assert_eq(tcp_recv(c, buf, sizeof(buf), 0), 0);
	cr_assert_eq(c->state, TCPS_CLOSE_WAIT);
	cr_assert_gt(ft6_drain(), 0); /* the ACKs of data and FIN */
	cr_assert_eq(tcp_send(c, "world", 5, 0), 5);
	cr_assert_eq(tcp_close(c), 0);
	while (!fin && ft6_recv(&pp, &s)) {
		if (!got && !fin)
			fl = s.ip.flow_label;
		cr_assert_eq(s.ip.flow_label, fl); /* stable per flow */
		cr_assert_eq(s.th.ack, pp.seq);
		cr_assert_leq(got + s.th.payload_len, sizeof(buf));
		memcpy(buf + got, s.th.payload, s.th.payload_len);
		got += s.th.payload_len;
		if (s.th.flags & TCP_FIN) {
			fin = true;
			pp.ack = s.th.seq + (uint32_t)s.th.payload_len + 1;
		}
		ft6_free(&s);
	}
	cr_assert(fin);
	cr_assert_eq(got, 5, "got %zu", got);
	cr_assert_eq(memcmp(buf, "world", 5), 0);
	ft6_send(&pp, TCP_ACK, NULL, 0);
	cr_assert_eq(l3_eng.tcp->nconns, 1); /* only the listener */
}

Test(tcp6, rst_for_segment_without_listener)
{
	struct ft_peer pp = { .port = FT_PPORT, .lport = 81, .win = 65535 };
	struct ft6_seg s;

	ft6_send_raw(&pp, 5000, 0, TCP_SYN, NULL, NULL, 0);
	cr_assert(ft6_pop(&s));
	cr_assert_eq(s.th.flags, TCP_RST | TCP_ACK);
	cr_assert_eq(s.th.seq, 0);
	cr_assert_eq(s.th.ack, 5001);
	cr_assert_eq(s.th.sport, 81);
	cr_assert(ip6_eq(&s.ip.dst, &ft6_peer));
	ft6_free(&s);
	ft6_send_raw(&pp, 5000, 7777, TCP_ACK, NULL, NULL, 0);
	cr_assert(ft6_pop(&s));
	cr_assert_eq(s.th.flags, TCP_RST);
	cr_assert_eq(s.th.seq, 7777);
	ft6_free(&s);
	cr_assert_eq(l3_eng.stats.tcp.TcpInNoSocket, 2);
	cr_assert_eq(l3_eng.stats.tcp.TcpOutRsts, 2);
}

Test(tcp6, bad_checksum_is_dropped_and_counted)
{
	struct ft_peer pp = { .port = FT_PPORT,
			      .lport = FT_LPORT,
			      .win = 65535 };
	struct tcp_view v = { .sport = FT_PPORT,
			      .dport = FT_LPORT,
			      .seq = 1,
			      .flags = TCP_SYN,
			      .window = 1000 };
	uint8_t buf[64];
	int n;

	(void)ft6_listen(FT_LPORT, 8, false);
	/* Summed over the IPv4-style pseudo-header: wrong over IPv6. */
	n = tcp_emit(buf, sizeof(buf), &v,
		     csum_pseudo4(L3_PEER, L3_US, IPV4_PROTO_TCP, TCP_HLEN));
	cr_assert_gt(n, 0);
	ft6_rx(&ft6_peer, &ft6_us, IP6_NH_TCP, buf, (size_t)n);
	/* A right checksum, then one bit flipped in the payload area. */
	n = tcp_emit(buf, sizeof(buf), &v,
		     csum_pseudo6(&ft6_peer, &ft6_us, IP6_NH_TCP, TCP_HLEN));
	buf[4] ^= 1;
	ft6_rx(&ft6_peer, &ft6_us, IP6_NH_TCP, buf, (size_t)n);
	cr_assert_eq(l3_eng.stats.tcp.TcpInCsumErrors, 2);
	cr_assert_eq(l3_eng.stats.tcp.TcpInSegs, 0);
	cr_assert_eq(ft6_drain(), 0);
	(void)pp;
}

Test(tcp6, dual_stack_listener_accepts_ipv4_as_v4_mapped)
{
	struct tcb *ln = ft6_listen(FT_LPORT, 8, false);
	struct sockaddr_in6 s6;
	socklen_t len = sizeof(s6);
	struct tcp_opts o;
	struct ft_seg s;
	struct ft_peer pp = { .port = FT_PPORT,
			      .lport = FT_LPORT,
			      .win = 65535 };
	struct tcb *c;

	ft_syn_opts(&o);
	ft_send_raw(&pp, FT_PEER_ISN, 0, TCP_SYN, &o, NULL, 0);
	cr_assert(ft_pop(&s)); /* an IPv4 SYN-ACK */
	cr_assert_eq(s.th.flags, TCP_SYN | TCP_ACK);
	cr_assert_eq(s.th.opt.mss, 1460);
	pp.seq = FT_PEER_ISN + 1;
	pp.ack = s.th.seq + 1;
	ft_free(&s);
	ft_send_raw(&pp, pp.seq, pp.ack, TCP_ACK, NULL, NULL, 0);
	cr_assert_eq(tcp_accept(ln, &c, (struct sockaddr *)&s6, &len), 0);
	cr_assert_eq(len, sizeof(s6));
	cr_assert(is_mapped(&s6, L3_PEER));
	cr_assert_eq(ntohs(s6.sin6_port), FT_PPORT);
	len = sizeof(s6);
	cr_assert_eq(tcp_getsockname(c, (struct sockaddr *)&s6, &len), 0);
	cr_assert(is_mapped(&s6, L3_US));
	cr_assert(tcp_key_is4(&c->key));
	cr_assert_eq(c->family, AF_INET6);
	cr_assert_eq(c->mss, 1460 - 12); /* IPv4: MTU - 40, less TS */
}

Test(tcp6, v6only_listener_refuses_ipv4)
{
	struct ft_peer pp = { .port = FT_PPORT,
			      .lport = FT_LPORT,
			      .win = 65535 };
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(9) };
	struct ft_seg s;
	struct tcb *ln = ft6_listen(FT_LPORT, 8, true), *c;
	int on = 1;

	ft_send_raw(&pp, 1, 0, TCP_SYN, NULL, NULL, 0);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.flags, TCP_RST | TCP_ACK);
	ft_free(&s);
	cr_assert_null(ln->aq_head);
	/* IPv6 still gets through. */
	c = ft6_passive(&pp, ln, NULL);
	cr_assert_eq(c->state, TCPS_ESTABLISHED);
	/* A V6ONLY socket cannot connect to an IPv4 (v4-mapped) peer. */
	cr_assert_eq(tcp_socket_af(&l3_eng, AF_INET6, &c), 0);
	cr_assert_eq(
		tcp_setsockopt(c, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)),
		0);
	s6.sin6_addr.s6_addr[10] = s6.sin6_addr.s6_addr[11] = 0xff;
	s6.sin6_addr.s6_addr[12] = 192;
	s6.sin6_addr.s6_addr[14] = 2;
	s6.sin6_addr.s6_addr[15] = 1;
	cr_assert_eq(tcp_connect(c, (struct sockaddr *)&s6, sizeof(s6)),
		     -ENETUNREACH);
	tcp_close(c);
}

Test(tcp6, dual_stack_socket_connects_to_ipv4_v4_mapped)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(FT_PPORT) };
	socklen_t len = sizeof(s6);
	struct ft_seg s;
	struct tcb *c;

	s6.sin6_addr.s6_addr[10] = s6.sin6_addr.s6_addr[11] = 0xff;
	s6.sin6_addr.s6_addr[12] = 192;
	s6.sin6_addr.s6_addr[14] = 2;
	s6.sin6_addr.s6_addr[15] = 1;
	cr_assert_eq(tcp_socket_af(&l3_eng, AF_INET6, &c), 0);
	cr_assert_eq(tcp_connect(c, (struct sockaddr *)&s6, sizeof(s6)),
		     -EINPROGRESS);
	cr_assert(ft_pop(&s)); /* the SYN goes out over IPv4 */
	cr_assert_eq(s.th.flags, TCP_SYN);
	cr_assert_eq(s.f.ip.dst, L3_PEER);
	ft_free(&s);
	cr_assert_eq(tcp_getsockname(c, (struct sockaddr *)&s6, &len), 0);
	cr_assert(is_mapped(&s6, L3_US));
	tcp_close(c);
}

/* ICMPv6 message @m from the peer, quoting a segment of @c's (@seq,
 * @flags) behind an IPv6 header, as a router or the peer would. */
static void rx_icmp6_quoting(const struct tcb *c, uint32_t seq, uint16_t flags,
			     struct icmp6_view m)
{
	uint8_t inner[IP6_HLEN + TCP_HLEN], msg[8 + sizeof(inner)];
	struct tcp_view tv = { .sport = c->key.lport,
			       .dport = c->key.rport,
			       .seq = seq,
			       .flags = flags };
	struct ip6_view iv = { .next_header = IP6_NH_TCP,
			       .hop_limit = 64,
			       .src = ft6_us,
			       .dst = ft6_peer,
			       .payload = inner + IP6_HLEN,
			       .payload_len = TCP_HLEN };
	int n;

	cr_assert_gt(tcp_emit(inner + IP6_HLEN, TCP_HLEN, &tv, 0), 0);
	cr_assert_gt(ip6_emit(inner, sizeof(inner), &iv), 0);
	m.payload = inner;
	m.payload_len = sizeof(inner);
	n = icmp6_emit(msg, sizeof(msg), &m,
		       csum_pseudo6(&ft6_peer, &ft6_us, IP6_NH_ICMPV6,
				    (uint32_t)sizeof(msg)));
	cr_assert_gt(n, 0);
	ft6_rx(&ft6_peer, &ft6_us, IP6_NH_ICMPV6, msg, (size_t)n);
}

/* An ICMPv6 Packet Too Big from the peer quoting @c's last segment. */
static void rx_ptb(const struct tcb *c, uint32_t mtu)
{
	rx_icmp6_quoting(c, c->snd_una, TCP_ACK,
			 (struct icmp6_view){ .type = ICMP6_PACKET_TOO_BIG,
					      .mtu = mtu });
}

Test(tcp6, packet_too_big_lowers_the_mss)
{
	static uint8_t data[4000];
	struct ft_peer pp;
	struct tcb *c = ft6_active(&pp, NULL);
	struct ft6_seg s;

	cr_assert_eq(c->mss, 1440 - 12);
	cr_assert_eq(tcp_send(c, data, sizeof(data), 0), (ssize_t)sizeof(data));
	ft6_drain();
	rx_ptb(c, 1280);
	/* RFC 8201: 1280 - 40 - 20, less the timestamp option. */
	cr_assert_eq(c->mss, 1280 - 60 - 12);
	cr_assert_eq(c->pmtu, 1280);
	/* The head goes again at the new size. */
	cr_assert(ft6_pop(&s));
	cr_assert_leq(s.ip.payload_len + IP6_HLEN, 1280);
	cr_assert_eq(s.th.seq, c->snd_una);
	ft6_free(&s);
	/* Never below the IPv6 minimum MTU (RFC 8200 5). */
	rx_ptb(c, 600);
	cr_assert_eq(c->mss, 1280 - 60 - 12);
}

Test(tcp6, syn_cookie_round_trip_over_ipv6)
{
	struct tcb *ln = ft6_listen(FT_LPORT, 8, false), *c;
	struct ft_peer pp = { .port = FT_PPORT,
			      .lport = FT_LPORT,
			      .win = 65535 };
	struct sockaddr_in6 s6;
	socklen_t len = sizeof(s6);
	struct tcp_opts o;
	struct ft6_seg s;
	size_t before = l3_eng.tcp->nconns;

	l3_eng.sysctl.tcp_syncookies = 2; /* every SYN gets a cookie */
	/* MSS only: a SYN with timestamps gets a cookie carrying its options
	 * in the TSval (tcp_syncookie tests); this one tests the addresses. */
	ft_syn_opts(&o);
	o.present = TCP_OPT_MSS;
	ft6_send_raw(&pp, FT_PEER_ISN, 0, TCP_SYN, &o, NULL, 0);
	cr_assert(ft6_pop(&s));
	cr_assert_eq(s.th.flags, TCP_SYN | TCP_ACK);
	cr_assert_eq(s.th.opt.present, TCP_OPT_MSS);
	cr_assert_eq(l3_eng.tcp->nconns, before); /* nothing kept */
	cr_assert_eq(l3_eng.stats.tcp.TcpExtSyncookiesSent, 1);
	pp.seq = FT_PEER_ISN + 1;
	pp.ack = s.th.seq + 1;
	ft6_free(&s);
	/* A wrong cookie is refused... */
	ft6_send_raw(&pp, pp.seq, pp.ack + 1, TCP_ACK, NULL, NULL, 0);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtSyncookiesFailed, 1);
	ft6_drain();
	/* ...the right one makes the connection. */
	ft6_send(&pp, TCP_PSH, "x", 1);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtSyncookiesRecv, 1);
	cr_assert_eq(tcp_accept(ln, &c, (struct sockaddr *)&s6, &len), 0);
	cr_assert_eq(c->state, TCPS_ESTABLISHED);
	cr_assert_eq(memcmp(s6.sin6_addr.s6_addr, ft6_peer.b, 16), 0);
	cr_assert_eq(c->rcv.len, 1);
}

Test(tcp6, ipv6_socket_options)
{
	struct tcb *c;
	int v = 7;
	socklen_t len = sizeof(v);
	struct ft_peer pp;
	struct ft6_seg s;

	cr_assert_eq(tcp_socket_af(&l3_eng, AF_INET6, &c), 0);
	cr_assert_eq(
		tcp_getsockopt(c, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v, &len),
		0);
	cr_assert_eq(v, 64);
	tcp_close(c);
	c = ft6_active(&pp, NULL);
	v = 9;
	cr_assert_eq(tcp_setsockopt(c, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &v,
				    sizeof(v)),
		     0);
	v = 0x28;
	cr_assert_eq(
		tcp_setsockopt(c, IPPROTO_IPV6, IPV6_TCLASS, &v, sizeof(v)), 0);
	v = 1; /* too late for V6ONLY */
	cr_assert_eq(
		tcp_setsockopt(c, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof(v)),
		-EINVAL);
	cr_assert_eq(tcp_send(c, "a", 1, 0), 1);
	cr_assert(ft6_pop(&s));
	cr_assert_eq(s.ip.hop_limit, 9);
	cr_assert_eq(s.ip.tclass, 0x28);
	ft6_free(&s);
}

Test(tcp6, ss_shows_ipv6_sockets_bracketed)
{
	struct ft_peer pp;
	struct json_object *arr;
	const char *out;

	(void)ft6_active(&pp, NULL);
	arr = tcp_dump(&l3_eng);
	out = json_object_to_json_string(arr);
	cr_assert(strstr(out, "[2001:db8:1::2]:") != NULL, "%s", out);
	cr_assert(strstr(out, "[2001:db8:1::1]:40000") != NULL, "%s", out);
	json_object_put(arr);
}

/* With TSO6 on the device the initial window leaves as one TCPV6
 * super-segment cut at the MSS, checksum left partial (tcp_offload.c). */
Test(tcp6, tso6_super_segment_over_ipv6)
{
	static uint8_t big[64 * 1024];
	struct ft_peer pp;
	struct tcb *c;
	struct ft6_seg s;

	l3_if->offload = NETIF_OFF_CSUM | NETIF_OFF_TSO4 | NETIF_OFF_TSO6;
	c = ft6_passive(&pp, ft6_listen(FT_LPORT, 8, false), NULL);
	ft6_drain();
	cr_assert_eq(tcp_tso_max(c) % c->mss, 0);
	cr_assert_gt(tcp_tso_max(c), c->mss);
	cr_assert_leq(tcp_tso_max(c) + IP6_HLEN + TCP_MAX_HLEN, 65535);
	tcp_send(c, big, (size_t)20 * c->mss, 0);
	cr_assert(ft6_pop(&s));
	cr_assert_eq(s.th.payload_len, (size_t)10 * c->mss);
	cr_assert_eq(s.p->off.gso_type, PKT_GSO_TCPV6);
	cr_assert_eq(s.p->off.gso_size, c->mss);
	cr_assert(s.p->off.csum_partial);
	ft6_free(&s);
	cr_assert_eq(l3_eng.stats.eth.EthOutGsoFrames, 1);
	l3_if->offload = NETIF_OFF_CSUM; /* no TSO6: MSS segments */
	cr_assert_eq(tcp_tso_max(c), c->mss);
}

/* An ICMPv6 error quoting @c's SYN: type @type, code @code. */
static void rx_icmp6_err(const struct tcb *c, uint8_t type, uint8_t code)
{
	rx_icmp6_quoting(c, c->iss, TCP_SYN,
			 (struct icmp6_view){ .type = type, .code = code });
}

/* RFC 1122 4.2.3.9 as Linux maps ICMPv6: a port unreachable is a hard
 * error that aborts SYN-SENT; time exceeded is soft and changes nothing. */
Test(tcp6, icmp6_errors_in_syn_sent)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(FT_PPORT) };
	struct tcb *c;
	int err;
	socklen_t len = sizeof(err);

	memcpy(s6.sin6_addr.s6_addr, ft6_peer.b, 16);
	cr_assert_eq(tcp_socket_af(&l3_eng, AF_INET6, &c), 0);
	cr_assert_eq(tcp_connect(c, (struct sockaddr *)&s6, sizeof(s6)),
		     -EINPROGRESS);
	ft6_drain();
	rx_icmp6_err(c, ICMP6_TIME_EXCEEDED, 0);
	cr_assert_eq(c->state, TCPS_SYN_SENT);
	rx_icmp6_err(c, ICMP6_DST_UNREACH, ICMP6_UNREACH_PORT);
	cr_assert_eq(c->state, TCPS_CLOSED);
	cr_assert_eq(tcp_getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len), 0);
	cr_assert_eq(err, ECONNREFUSED);
	tcp_close(c);
}

/* A TCP header cut short inside an IPv6 packet is malformed: TcpInErrs. */
Test(tcp6, truncated_header_is_dropped)
{
	struct tcp_view v = { .sport = FT_PPORT,
			      .dport = FT_LPORT,
			      .seq = 1,
			      .flags = TCP_SYN,
			      .window = 1000 };
	uint8_t buf[TCP_HLEN];

	(void)ft6_listen(FT_LPORT, 8, false);
	cr_assert_gt(tcp_emit(buf, sizeof(buf), &v,
			      csum_pseudo6(&ft6_peer, &ft6_us, IP6_NH_TCP,
					   TCP_HLEN)),
		     0);
	for (size_t n = 0; n < TCP_HLEN; n++)
		ft6_rx(&ft6_peer, &ft6_us, IP6_NH_TCP, buf, n);
	cr_assert_eq(l3_eng.stats.tcp.TcpInErrs, TCP_HLEN);
	cr_assert_eq(l3_eng.stats.tcp.TcpInSegs, 0);
	cr_assert_eq(ft6_drain(), 0);
}

/*
 * An IPV6_V6ONLY listener and an IPv4 one share a port (ncat -l binds
 * both), each getting its family's SYNs; a dual-stack :: still conflicts.
 */
Test(tcp6, v6only_and_ipv4_listeners_share_a_port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(8080) };
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(8080) };
	struct tcb *ln6 = ft6_listen(8080, 4, true);
	struct tcb *ln4, *ds;
	union tcp_addr la;

	cr_assert_eq(tcp_socket(&l3_eng, &ln4), 0);
	cr_assert_eq(tcp_bind(ln4, (struct sockaddr *)&sin, sizeof(sin)), 0);
	cr_assert_eq(tcp_listen(ln4, 4), 0);
	tcp_addr_set4(&la, L3_US);
	cr_assert_eq(tcp_listener_lookup_addr(&l3_eng, &la, 8080), ln4);
	memcpy(la.b, ft6_us.b, 16);
	cr_assert_eq(tcp_listener_lookup_addr(&l3_eng, &la, 8080), ln6);
	cr_assert_eq(tcp_socket_af(&l3_eng, AF_INET6, &ds), 0);
	cr_assert_eq(tcp_bind(ds, (struct sockaddr *)&s6, sizeof(s6)),
		     -EADDRINUSE);
	tcp_close(ds);
	tcp_close(ln4);
	tcp_close(ln6);
}
