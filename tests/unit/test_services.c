// SPDX-License-Identifier: MIT
/*
 * test_services.c - echo, discard, chargen, daytime over UDP, and the
 * service list parser
 */
#include <errno.h>

#include "fake_l3.h"
#include "services.h"
#include "testutil.h"
#include "udp.h"

TestSuite(services, .init = l3_setup, .fini = l3_teardown);

static bool reply(struct l3_frame *f, uint16_t sport)
{
	if (!l3_tx_pop(f))
		return false;
	cr_assert_eq(f->ip.proto, IPV4_PROTO_UDP);
	cr_assert_eq(f->udp.sport, sport);
	cr_assert_eq(f->udp.dport, 40000);
	cr_assert_eq(f->ip.dst, L3_PEER);
	return true;
}

/* RFC 862: the datagram comes back as it was. */
Test(services, echo_returns_the_datagram)
{
	struct l3_frame f;

	l3_peer_permanent();
	cr_assert_eq(services_start(&l3_eng, "echo:7"), 0);
	l3_rx_udp(L3_PEER, 40000, L3_US, 7, (const uint8_t *)"abc", 3);
	cr_assert(reply(&f, 7));
	tu_assert_bytes(f.udp.payload, f.udp.payload_len,
			(const uint8_t *)"abc", 3, "echo");
	l3_frame_free(&f);
}

/* RFC 863: nothing comes back. */
Test(services, discard_answers_nothing)
{
	l3_peer_permanent();
	cr_assert_eq(services_start(&l3_eng, "discard"), 0);
	l3_rx_udp(L3_PEER, 40000, L3_US, 9, (const uint8_t *)"abc", 3);
	cr_assert_eq(l3_tx_count(), 0);
	cr_assert_eq(l3_eng.stats.udp.UdpInDatagrams, 1);
}

/* RFC 864: 0..512 characters of the rotating pattern per datagram. */
Test(services, chargen_answers_up_to_512_pattern_bytes)
{
	struct l3_frame f;

	l3_peer_permanent();
	cr_assert_eq(services_start(&l3_eng, "chargen:1919"), 0);
	for (int i = 0; i < 20; i++) {
		l3_rx_udp(L3_PEER, 40000, L3_US, 1919, NULL, 0);
		cr_assert(reply(&f, 1919));
		cr_assert_leq(f.udp.payload_len, 512);
		for (size_t j = 0; j < f.udp.payload_len && j < 72; j++)
			cr_assert_eq(f.udp.payload[j], ' ' + j % 95);
		l3_frame_free(&f);
	}
}

/* RFC 867: a line of readable time ending in CRLF. */
Test(services, daytime_answers_a_time_line)
{
	struct l3_frame f;

	l3_peer_permanent();
	cr_assert_eq(services_start(&l3_eng, "daytime"), 0);
	l3_rx_udp(L3_PEER, 40000, L3_US, 13, (const uint8_t *)"?", 1);
	cr_assert(reply(&f, 13));
	cr_assert_gt(f.udp.payload_len, 20);
	cr_assert_eq(f.udp.payload[f.udp.payload_len - 2], '\r');
	cr_assert_eq(f.udp.payload[f.udp.payload_len - 1], '\n');
	cr_assert(memmem(f.udp.payload, f.udp.payload_len, "UTC", 3));
	l3_frame_free(&f);
}

/* CVE-1999-0103: never answer another small service (echo loops). */
Test(services, datagrams_from_service_ports_are_not_answered)
{
	l3_peer_permanent();
	cr_assert_eq(services_start(&l3_eng, "echo,chargen"), 0);
	l3_rx_udp(L3_PEER, 19, L3_US, 7, (const uint8_t *)"x", 1);
	l3_rx_udp(L3_PEER, 7, L3_US, 19, (const uint8_t *)"x", 1);
	cr_assert_eq(l3_tx_count(), 0);
}

/* Bad lists are -EINVAL and start nothing. */
Test(services, bad_specs_are_rejected)
{
	static const char *const bad[] = {
		"",	  "echo:",   "echo:0",	   "echo:65536",
		"echo:x", "ftp",     "echo,,echo", "echo:7,",
		":7",	  "echo:-1", "echo:7:7",   "daytime:1234567",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(services_start(&l3_eng, bad[i]), -EINVAL, "%s",
			     bad[i]);
	cr_assert_eq(l3_eng.udp->ports, NULL);
	cr_assert_eq(services_start(&l3_eng, "echo:7,discard:9,chargen:19,"
					     "daytime:13"),
		     0);
	cr_assert_eq(services_start(&l3_eng, "echo"), -EADDRINUSE);
}
