// SPDX-License-Identifier: MIT
/*
 * test_udp_sock.c - UDP and the socket layer through the fake engine
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>

#include "fake_l3.h"
#include "socket.h"
#include "testutil.h"
#include "udp.h"
#include "wire/csum.h"

static struct sockaddr_in sin4(uint32_t a, uint16_t port)
{
	struct sockaddr_in s = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(a) };

	return s;
}

#define SA(s) ((const struct sockaddr *)(const void *)&(s))

static struct sock *udp_sock(void)
{
	struct sock *sk;

	cr_assert_eq(sock_create(&l3_eng, AF_INET, SOCK_DGRAM, 0, &sk), 0);
	return sk;
}

static struct sock *bound(uint32_t a, uint16_t port)
{
	struct sock *sk = udp_sock();
	struct sockaddr_in s = sin4(a, port);

	cr_assert_eq(sock_bind(sk, SA(s), sizeof(s)), 0);
	return sk;
}

TestSuite(udp_sock, .init = l3_setup, .fini = l3_teardown);

/* RFC 768: the payload and the sender's address and port reach recvfrom. */
Test(udp_sock, datagram_in_is_received_with_its_source)
{
	struct sock *sk = bound(0, 5000);
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	char buf[16];

	l3_rx_udp(L3_PEER, 4242, L3_US, 5000, (const uint8_t *)"hello", 5);
	cr_assert_eq(sock_recvfrom(sk, buf, sizeof(buf), 0,
				   (struct sockaddr *)&from, &flen),
		     5);
	cr_assert_eq(memcmp(buf, "hello", 5), 0);
	cr_assert_eq(ntohl(from.sin_addr.s_addr), L3_PEER);
	cr_assert_eq(ntohs(from.sin_port), 4242);
	cr_assert_eq(flen, sizeof(from));
	cr_assert_eq(l3_eng.stats.udp.UdpInDatagrams, 1);
	cr_assert_eq(sock_recvfrom(sk, buf, sizeof(buf), 0, NULL, NULL),
		     -EAGAIN);
	sock_close(sk);
}

/* RFC 1122 4.1.3.1: no socket -> ICMP port unreachable quoting it. */
Test(udp_sock, closed_port_answers_icmp_port_unreachable)
{
	struct l3_frame f;
	struct ipv4_view inner;

	l3_peer_permanent();
	l3_rx_udp(L3_PEER, 4242, L3_US, 5001, (const uint8_t *)"x", 1);
	cr_assert_eq(l3_eng.stats.udp.UdpNoPorts, 1);
	cr_assert(l3_tx_pop(&f));
	cr_assert_eq(f.ip.proto, IPV4_PROTO_ICMP);
	cr_assert_eq(f.ip.src, L3_US);
	cr_assert_eq(f.ip.dst, L3_PEER);
	cr_assert_eq(f.icmp.type, ICMP4_DEST_UNREACH);
	cr_assert_eq(f.icmp.code, ICMP4_UNREACH_PORT);
	cr_assert_eq(
		ipv4_parse_quoted(f.icmp.payload, f.icmp.payload_len, &inner),
		0);
	cr_assert_eq(inner.src, L3_PEER);
	cr_assert_eq(inner.proto, IPV4_PROTO_UDP);
	cr_assert_eq(l3_eng.stats.icmp.IcmpOutDestUnreachs, 1);
	l3_frame_free(&f);
}

/* RFC 1122 3.2.2: no port unreachable for a broadcast datagram. */
Test(udp_sock, closed_port_is_silent_for_broadcasts)
{
	l3_rx_udp(L3_PEER, 4242, IP4(192, 0, 2, 255), 5001,
		  (const uint8_t *)"x", 1);
	cr_assert_eq(l3_eng.stats.udp.UdpNoPorts, 1);
	cr_assert_eq(l3_tx_count(), 0);
}

/* SO_RCVBUF bounds the queue in bytes; the excess is UdpRcvbufErrors. */
Test(udp_sock, rcvbuf_overflow_is_counted)
{
	struct sock *sk = bound(0, 5000);
	uint8_t data[1000] = { 0 };
	int one = 1, got;
	socklen_t gl = sizeof(got);

	cr_assert_eq(
		sock_setsockopt(sk, SOL_SOCKET, SO_RCVBUF, &one, sizeof(one)),
		0);
	cr_assert_eq(sock_getsockopt(sk, SOL_SOCKET, SO_RCVBUF, &got, &gl), 0);
	cr_assert_eq(got, SOCK_MIN_RCVBUF);
	for (int i = 0; i < 6; i++)
		l3_rx_udp(L3_PEER, 4242, L3_US, 5000, data, sizeof(data));
	/* Linux admits while the queue holds <= rcvbuf: 3 of 1000 bytes. */
	cr_assert_eq(sk->rq_count, 3);
	cr_assert_eq(l3_eng.stats.udp.UdpRcvbufErrors, 3);
	sock_close(sk);
}

/* RFC 1122 4.1.3.4 / Linux: a connected socket only hears its peer. */
Test(udp_sock, connect_filters_foreign_sources)
{
	struct sock *sk = bound(0, 5000);
	struct sockaddr_in peer = sin4(L3_PEER, 53);
	char buf[8];

	cr_assert_eq(sock_connect(sk, SA(peer), sizeof(peer)), 0);
	l3_rx_udp(IP4(192, 0, 2, 7), 53, L3_US, 5000, (const uint8_t *)"a", 1);
	l3_rx_udp(L3_PEER, 54, L3_US, 5000, (const uint8_t *)"b", 1);
	l3_rx_udp(L3_PEER, 53, L3_US, 5000, (const uint8_t *)"c", 1);
	cr_assert_eq(sock_recvfrom(sk, buf, sizeof(buf), 0, NULL, NULL), 1);
	cr_assert_eq(buf[0], 'c');
	cr_assert_eq(l3_eng.stats.udp.UdpNoPorts, 2);
	sock_close(sk);
}

/* RFC 6056 4 / 3.3.4: ephemeral ports distinct and inside the range. */
Test(udp_sock, ephemeral_ports_are_distinct_and_in_range)
{
	enum { N = 200 };
	struct sock *sk[N];
	struct sockaddr_in s;
	socklen_t len;
	static bool seen[65536];

	memset(seen, 0, sizeof(seen));
	for (int i = 0; i < N; i++) {
		sk[i] = bound(0, 0);
		len = sizeof(s);
		sock_getsockname(sk[i], (struct sockaddr *)&s, &len);
		uint16_t port = ntohs(s.sin_port);

		cr_assert_geq(port, l3_eng.sysctl.ip_local_port_first);
		cr_assert_leq(port, l3_eng.sysctl.ip_local_port_last);
		cr_assert_not(seen[port], "port %u twice", port);
		seen[port] = true;
	}
	for (int i = 0; i < N; i++)
		sock_close(sk[i]);
}

/* RFC 6056 algorithm 4: a small range is used up, then EADDRINUSE. */
Test(udp_sock, exhausted_range_fails_with_eaddrinuse)
{
	struct sock *sk[4], *extra = udp_sock();
	struct sockaddr_in any = sin4(0, 0);

	l3_eng.sysctl.ip_local_port_first = 40000;
	l3_eng.sysctl.ip_local_port_last = 40003;
	for (int i = 0; i < 4; i++)
		sk[i] = bound(0, 0);
	cr_assert_eq(sock_bind(extra, SA(any), sizeof(any)), -EADDRINUSE);
	for (int i = 0; i < 4; i++)
		sock_close(sk[i]);
	sock_close(extra);
}

/* Linux bind(2) errno values. */
Test(udp_sock, bind_errors_match_the_kernel)
{
	struct sock *a = bound(L3_US, 6000), *b = udp_sock(), *c = udp_sock();
	struct sockaddr_in same = sin4(0, 6000),
			   other = sin4(IP4(10, 9, 9, 9), 1);
	struct sockaddr_in6 v6 = { .sin6_family = AF_INET6 };
	int one = 1;

	cr_assert_eq(sock_bind(a, SA(same), sizeof(same)), -EINVAL);
	cr_assert_eq(sock_bind(b, SA(same), sizeof(same)), -EADDRINUSE);
	cr_assert_eq(sock_bind(b, SA(other), sizeof(other)), -EADDRNOTAVAIL);
	cr_assert_eq(sock_bind(b, SA(same), 4), -EINVAL);
	cr_assert_eq(sock_bind(b, (const struct sockaddr *)&v6, sizeof(v6)),
		     -EAFNOSUPPORT);
	/* SO_REUSEADDR on both lets them share, as in Linux UDP. */
	sock_setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sock_setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	cr_assert_eq(sock_bind(c, SA(same), sizeof(same)), 0);
	sock_close(a);
	sock_close(b);
	sock_close(c);
}

/* socket(2), sendto(2), getpeername(2) errno values. */
Test(udp_sock, call_errors_match_the_kernel)
{
	struct sock *sk = udp_sock(), *none;
	struct sockaddr_in zero = sin4(L3_PEER, 0), bc = sin4(0xffffffffu, 9);
	struct sockaddr_in s;
	socklen_t len = sizeof(s);
	uint8_t big[65508];

	cr_assert_eq(sock_create(&l3_eng, AF_APPLETALK, SOCK_DGRAM, 0, &none),
		     -EAFNOSUPPORT);
	cr_assert_eq(
		sock_create(&l3_eng, AF_INET, SOCK_DGRAM, IPPROTO_TCP, &none),
		-EPROTONOSUPPORT);
	cr_assert_eq(sock_sendto(sk, "x", 1, 0, NULL, 0), -EDESTADDRREQ);
	cr_assert_eq(sock_sendto(sk, "x", 1, 0, SA(zero), sizeof(zero)),
		     -EINVAL);
	cr_assert_eq(sock_sendto(sk, "x", 1, 0, SA(bc), sizeof(bc)), -EACCES);
	cr_assert_eq(
		sock_sendto(sk, big, sizeof(big), 0, SA(zero), sizeof(zero)),
		-EINVAL);
	zero.sin_port = htons(9);
	cr_assert_eq(
		sock_sendto(sk, big, sizeof(big), 0, SA(zero), sizeof(zero)),
		-EMSGSIZE);
	cr_assert_eq(sock_getpeername(sk, (struct sockaddr *)&s, &len),
		     -ENOTCONN);
	sock_close(sk);
}

/* An unbound socket is 0.0.0.0:0; connect() picks the source address. */
Test(udp_sock, connect_chooses_source_and_port)
{
	struct sock *sk = udp_sock();
	struct sockaddr_in peer = sin4(L3_PEER, 53), s;
	socklen_t len = sizeof(s);

	sock_getsockname(sk, (struct sockaddr *)&s, &len);
	cr_assert_eq(s.sin_addr.s_addr, 0);
	cr_assert_eq(s.sin_port, 0);
	cr_assert_eq(sock_connect(sk, SA(peer), sizeof(peer)), 0);
	len = sizeof(s);
	sock_getsockname(sk, (struct sockaddr *)&s, &len);
	cr_assert_eq(ntohl(s.sin_addr.s_addr), L3_US);
	cr_assert_neq(s.sin_port, 0);
	len = sizeof(s);
	cr_assert_eq(sock_getpeername(sk, (struct sockaddr *)&s, &len), 0);
	cr_assert_eq(ntohs(s.sin_port), 53);
	sock_close(sk);
}

/* RFC 768: sendto builds a datagram with a verifying checksum. */
Test(udp_sock, sendto_emits_a_checksummed_datagram)
{
	struct sock *sk = bound(0, 7777);
	struct sockaddr_in peer = sin4(L3_PEER, 9999);
	struct l3_frame f;

	l3_peer_permanent();
	cr_assert_eq(sock_sendto(sk, "ping", 4, 0, SA(peer), sizeof(peer)), 4);
	cr_assert(l3_tx_pop(&f));
	cr_assert(mac_eq(&f.eth.dst, &l3_peer_mac));
	cr_assert_eq(f.ip.src, L3_US);
	cr_assert_eq(f.udp.sport, 7777);
	cr_assert_eq(f.udp.dport, 9999);
	cr_assert_eq(f.udp.payload_len, 4);
	cr_assert_eq(l3_eng.stats.udp.UdpOutDatagrams, 1);
	l3_frame_free(&f);
	sock_close(sk);
}

/* RFC 1122 4.1.3.3 + Linux: port unreachable on a connected socket is
 * ECONNREFUSED, reported once. */
Test(udp_sock, port_unreachable_is_econnrefused_once)
{
	struct sock *sk = udp_sock();
	struct sockaddr_in peer = sin4(L3_PEER, 9999);
	struct l3_frame f;
	uint8_t icmp[8 + 64];
	struct icmp4_view ic = { .type = ICMP4_DEST_UNREACH,
				 .code = ICMP4_UNREACH_PORT };
	char buf[4];
	int n;

	l3_peer_permanent();
	cr_assert_eq(sock_connect(sk, SA(peer), sizeof(peer)), 0);
	cr_assert_eq(sock_sendto(sk, "ping", 4, 0, NULL, 0), 4);
	cr_assert(l3_tx_pop(&f));
	ic.payload = f.eth.payload;
	ic.payload_len = f.eth.payload_len;
	n = icmp4_emit(icmp, sizeof(icmp), &ic);
	cr_assert_gt(n, 0);
	l3_frame_free(&f);
	l3_rx_ipv4(L3_PEER, L3_US, IPV4_PROTO_ICMP, icmp, (size_t)n);
	cr_assert(sock_poll(sk) & SOCK_ERR);
	cr_assert_eq(sock_recvfrom(sk, buf, sizeof(buf), 0, NULL, NULL),
		     -ECONNREFUSED);
	cr_assert_eq(sock_recvfrom(sk, buf, sizeof(buf), 0, NULL, NULL),
		     -EAGAIN);
	sock_close(sk);
}

/* RFC 1122 4.1.3.4: a bad checksum is dropped and counted. */
Test(udp_sock, bad_checksum_is_counted)
{
	struct sock *sk = bound(0, 5000);
	uint8_t dg[9] = { 0x10, 0x92, 0x13, 0x88, 0, 9, 0x12, 0x34, 'x' };

	l3_rx_ipv4(L3_PEER, L3_US, IPV4_PROTO_UDP, dg, sizeof(dg));
	cr_assert_eq(l3_eng.stats.udp.UdpInCsumErrors, 1);
	cr_assert_eq(sk->rq_count, 0);
	/* RFC 768: a zero checksum means none was computed. */
	dg[6] = dg[7] = 0;
	l3_rx_ipv4(L3_PEER, L3_US, IPV4_PROTO_UDP, dg, sizeof(dg));
	cr_assert_eq(sk->rq_count, 1);
	sock_close(sk);
}

static int ready_calls;

static void on_ready(struct sock *sk, unsigned int ev, void *arg)
{
	(void)sk;
	cr_assert(ev & SOCK_IN);
	*(int *)arg += 1;
}

/* The readiness hook fires for each queued datagram. */
Test(udp_sock, readiness_callback_fires_on_arrival)
{
	struct sock *sk = bound(0, 5000);

	ready_calls = 0;
	sock_set_ready(sk, on_ready, &ready_calls);
	l3_rx_udp(L3_PEER, 1, L3_US, 5000, (const uint8_t *)"a", 1);
	l3_rx_udp(L3_PEER, 1, L3_US, 5000, (const uint8_t *)"b", 1);
	cr_assert_eq(ready_calls, 2);
	sock_close(sk);
}

/* RFC 3493 3.7 / 5.3: an AF_INET6 socket on [::] takes IPv4 datagrams,
 * reported as ::ffff:a.b.c.d, and answers them over IPv4. */
Test(udp_sock, dual_stack_socket_speaks_ipv4_as_v4_mapped)
{
	struct sockaddr_in6 any = { .sin6_family = AF_INET6,
				    .sin6_port = htons(5000) },
			    from;
	socklen_t flen = sizeof(from);
	struct l3_frame f;
	struct sock *sk;
	char buf[16];

	cr_assert_eq(sock_create(&l3_eng, AF_INET6, SOCK_DGRAM, 0, &sk), 0);
	cr_assert_eq(sock_bind(sk, SA(any), sizeof(any)), 0);
	l3_peer_permanent();
	l3_rx_udp(L3_PEER, 4242, L3_US, 5000, (const uint8_t *)"hello", 5);
	cr_assert_eq(sock_recvfrom(sk, buf, sizeof(buf), 0,
				   (struct sockaddr *)&from, &flen),
		     5);
	cr_assert_eq(flen, sizeof(from));
	cr_assert_eq(from.sin6_family, AF_INET6);
	cr_assert(IN6_IS_ADDR_V4MAPPED(&from.sin6_addr));
	cr_assert_eq(ntohl(from.sin6_addr.s6_addr32[3]), L3_PEER);
	cr_assert_eq(ntohs(from.sin6_port), 4242);
	cr_assert_eq(sock_sendto(sk, "back", 4, 0, SA(from), flen), 4);
	cr_assert(l3_tx_pop(&f));
	cr_assert_eq(f.ip.dst, L3_PEER);
	cr_assert_eq(f.ip.proto, IPV4_PROTO_UDP);
	l3_frame_free(&f);
	sock_close(sk);
}

/* RFC 3493 5.3: IPV6_V6ONLY leaves IPv4 to others (here: nobody). */
Test(udp_sock, v6only_socket_does_not_see_ipv4)
{
	struct sockaddr_in6 any = { .sin6_family = AF_INET6,
				    .sin6_port = htons(5001) },
			    mapped = any;
	struct sock *sk;
	int one = 1, v = 0;
	socklen_t vlen = sizeof(v);

	cr_assert_eq(sock_create(&l3_eng, AF_INET6, SOCK_DGRAM, 0, &sk), 0);
	cr_assert_eq(sock_setsockopt(sk, IPPROTO_IPV6, IPV6_V6ONLY, &one,
				     sizeof(one)),
		     0);
	cr_assert_eq(sock_getsockopt(sk, IPPROTO_IPV6, IPV6_V6ONLY, &v, &vlen),
		     0);
	cr_assert_eq(v, 1);
	cr_assert_eq(sock_bind(sk, SA(any), sizeof(any)), 0);
	l3_peer_permanent();
	l3_rx_udp(L3_PEER, 4242, L3_US, 5001, (const uint8_t *)"x", 1);
	cr_assert_eq(l3_eng.stats.udp.UdpNoPorts, 1);
	/* A v4-mapped destination is unreachable for it. */
	mapped.sin6_addr.s6_addr[10] = 0xff;
	mapped.sin6_addr.s6_addr[11] = 0xff;
	mapped.sin6_addr.s6_addr32[3] = htonl(L3_PEER);
	cr_assert_eq(sock_sendto(sk, "x", 1, 0, SA(mapped), sizeof(mapped)),
		     -ENETUNREACH);
	sock_close(sk);
}

/*
 * IP_PKTINFO, IP_RECVTOS, IP_RECVTTL (Linux ip(7)): the options read
 * back, and every queued datagram says where it came in: the
 * interface, its destination, the local address a reply comes from
 * (Linux fib_compute_spec_dst(): the destination, or for a broadcast
 * our address towards the sender), TOS and TTL.
 */
Test(udp_sock, datagrams_remember_where_they_came_in)
{
	struct sock *sk = bound(0, 5000);
	static uint8_t udp[64], ip[128];
	struct udp_view u = { .sport = 4242,
			      .dport = 5000,
			      .payload = (const uint8_t *)"t",
			      .payload_len = 1 };
	struct ipv4_view v = { .ttl = 9,
			       .dscp = 10,
			       .ecn = 1,
			       .proto = IPV4_PROTO_UDP,
			       .src = L3_PEER,
			       .dst = L3_US,
			       .id = 7 };
	int one = 1, opt;
	socklen_t len = sizeof(opt);
	int names[] = { IP_PKTINFO, IP_RECVTOS, IP_RECVTTL };
	char buf[4];
	int n;

	for (size_t i = 0; i < 3; i++) {
		cr_assert_eq(
			sock_getsockopt(sk, IPPROTO_IP, names[i], &opt, &len),
			0);
		cr_assert_eq(opt, 0);
		cr_assert_eq(sock_setsockopt(sk, IPPROTO_IP, names[i], &one,
					     sizeof(one)),
			     0);
		cr_assert_eq(
			sock_getsockopt(sk, IPPROTO_IP, names[i], &opt, &len),
			0);
		cr_assert_eq(opt, 1);
	}
	/* An AF_INET socket has no IPv6 options. */
	cr_assert_eq(sock_setsockopt(sk, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
				     sizeof(one)),
		     -ENOPROTOOPT);
	l3_rx_udp(L3_PEER, 4242, L3_US, 5000, (const uint8_t *)"u", 1);
	cr_assert_eq(sk->rq_head->ri.ifindex, l3_if->index);
	cr_assert_eq(sk->rq_head->ri.dst, L3_US);
	cr_assert_eq(sk->rq_head->ri.spec_dst, L3_US);
	cr_assert_eq(sk->rq_head->ri.ttl, 64);
	cr_assert_eq(sock_recvfrom(sk, buf, sizeof(buf), 0, NULL, NULL), 1);
	/* A broadcast: ipi_addr is the broadcast, ipi_spec_dst ours. */
	l3_rx_udp(L3_PEER, 4242, IP4(192, 0, 2, 255), 5000,
		  (const uint8_t *)"b", 1);
	cr_assert_not_null(sk->rq_head);
	cr_assert_eq(sk->rq_head->ri.dst, IP4(192, 0, 2, 255));
	cr_assert_eq(sk->rq_head->ri.spec_dst, L3_US);
	cr_assert_eq(sock_recvfrom(sk, buf, sizeof(buf), 0, NULL, NULL), 1);
	/* TOS is the whole byte, ECN included, as Linux's IP_TOS cmsg. */
	n = udp_emit(udp, sizeof(udp), &u,
		     csum_pseudo4(L3_PEER, L3_US, IPV4_PROTO_UDP,
				  (uint16_t)(UDP_HLEN + 1)));
	cr_assert_gt(n, 0);
	v.payload = udp;
	v.payload_len = (size_t)n;
	l3_rx_eth(ETHERTYPE_IPV4, ip, l3_build_ipv4(ip, sizeof(ip), &v));
	cr_assert_not_null(sk->rq_head);
	cr_assert_eq(sk->rq_head->ri.tos, 10 << 2 | 1);
	cr_assert_eq(sk->rq_head->ri.ttl, 9);
	sock_close(sk);
}

/* IPV6_RECVPKTINFO on an AF_INET6 socket; the destination of an IPv6
 * datagram is kept whole. */
Test(udp_sock, ipv6_recvpktinfo_is_an_inet6_option)
{
	struct sock *sk;
	int one = 1, opt = 0;
	socklen_t len = sizeof(opt);

	cr_assert_eq(sock_create(&l3_eng, AF_INET6, SOCK_DGRAM, 0, &sk), 0);
	cr_assert_eq(sock_setsockopt(sk, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
				     sizeof(one)),
		     0);
	cr_assert_eq(
		sock_getsockopt(sk, IPPROTO_IPV6, IPV6_RECVPKTINFO, &opt, &len),
		0);
	cr_assert_eq(opt, 1);
	/* ... and IP_PKTINFO too, for its IPv4 datagrams. */
	cr_assert_eq(
		sock_setsockopt(sk, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)),
		0);
	sock_close(sk);
}
