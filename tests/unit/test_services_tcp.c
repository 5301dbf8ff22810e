// SPDX-License-Identifier: MIT
/*
 * test_services_tcp.c - the built-in services over TCP (RFC 862, 863,
 * 864, 867) through the fake engine
 */
#include <errno.h>

#include "fake_tcp.h"
#include "services.h"
#include "testutil.h"

TestSuite(services_tcp, .init = ft_setup, .fini = ft_teardown);

/* The peer connects to @port of a running service. */
static void connect_to(struct ft_peer *pp, uint16_t port)
{
	struct tcp_opts o;
	struct ft_seg s;

	ft_syn_opts(&o);
	memset(pp, 0, sizeof(*pp));
	pp->port = FT_PPORT;
	pp->lport = port;
	pp->seq = FT_PEER_ISN;
	pp->win = 65535;
	pp->ts = true;
	pp->tsval = o.tsval + 1;
	ft_send_raw(pp, pp->seq, 0, TCP_SYN, &o, NULL, 0);
	pp->seq++;
	cr_assert(ft_recv(pp, &s));
	cr_assert_eq(s.th.flags, TCP_SYN | TCP_ACK);
	pp->ack = s.th.seq + 1;
	ft_free(&s);
	ft_send(pp, TCP_ACK, NULL, 0);
}

/* RFC 862: what arrives is sent back. */
Test(services_tcp, echo_returns_the_data)
{
	struct ft_peer pp;
	struct ft_seg s;

	cr_assert_eq(services_start(&l3_eng, "echo:7"), 0);
	connect_to(&pp, 7);
	ft_drain();
	ft_send(&pp, TCP_PSH, "ping", 4);
	cr_assert(ft_recv(&pp, &s));
	cr_assert_eq(s.th.payload_len, 4);
	cr_assert_eq(memcmp(s.th.payload, "ping", 4), 0);
	ft_free(&s);
}

/* RFC 862: the server closes after the client does. */
Test(services_tcp, echo_closes_after_peer_fin)
{
	struct ft_peer pp;
	struct ft_seg s;
	bool fin = false;

	cr_assert_eq(services_start(&l3_eng, "echo:7"), 0);
	connect_to(&pp, 7);
	ft_send(&pp, TCP_FIN, NULL, 0);
	while (ft_recv(&pp, &s)) {
		fin |= (s.th.flags & TCP_FIN) != 0;
		ft_free(&s);
	}
	cr_assert(fin);
}

/* RFC 863: nothing comes back, the data is ACKed. */
Test(services_tcp, discard_sends_nothing_back)
{
	struct ft_peer pp;
	struct ft_seg s;

	cr_assert_eq(services_start(&l3_eng, "discard:9"), 0);
	connect_to(&pp, 9);
	ft_send(&pp, TCP_PSH, "junk", 4);
	while (ft_recv(&pp, &s)) {
		cr_assert_eq(s.th.payload_len, 0);
		ft_free(&s);
	}
}

/* RFC 864: a stream of 72-character lines, each shifted by one. */
Test(services_tcp, chargen_streams_the_pattern)
{
	struct ft_peer pp;
	struct ft_seg s;

	cr_assert_eq(services_start(&l3_eng, "chargen:19"), 0);
	connect_to(&pp, 19);
	cr_assert(ft_recv(&pp, &s));
	cr_assert_gt(s.th.payload_len, 148);
	cr_assert_eq(s.th.payload[0], ' ');
	cr_assert_eq(s.th.payload[72], '\r');
	cr_assert_eq(s.th.payload[73], '\n');
	cr_assert_eq(s.th.payload[74], '!');
	ft_free(&s);
}

/* RFC 867: one line of date and time, then the server closes. */
Test(services_tcp, daytime_sends_a_line_and_closes)
{
	struct ft_peer pp;
	struct ft_seg s;
	bool fin = false, line = false;

	cr_assert_eq(services_start(&l3_eng, "daytime:13"), 0);
	connect_to(&pp, 13);
	while (ft_recv(&pp, &s)) {
		if (s.th.payload_len > 2 &&
		    s.th.payload[s.th.payload_len - 1] == '\n')
			line = true;
		fin |= (s.th.flags & TCP_FIN) != 0;
		ft_free(&s);
	}
	cr_assert(line);
	cr_assert(fin);
}
