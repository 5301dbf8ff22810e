// SPDX-License-Identifier: MIT
/*
 * test_netdev_vnet.c - the virtio-net header: decode, encode, the checks
 * against the frame, and finishing a partial checksum as a device would
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "netdev_vnet.h"
#include "wire/csum.h"
#include "wire/tcp.h"

static uint8_t frame[2000];

Test(netdev_vnet, header_round_trips_little_endian)
{
	struct vnet_hdr h = { .flags = VNET_F_NEEDS_CSUM,
			      .gso_type = VNET_GSO_TCPV4,
			      .hdr_len = 66,
			      .gso_size = 1448,
			      .csum_start = 34,
			      .csum_offset = 16 },
			h2;
	uint8_t b[VNET_HDR_LEN];

	vnet_hdr_write(b, &h);
	cr_assert_eq(b[0], 1);
	cr_assert_eq(b[1], 1);
	cr_assert_eq(b[4], 1448 & 0xff); /* legacy header: host (LE) order */
	cr_assert_eq(b[5], 1448 >> 8);
	cr_assert_eq(b[6], 34);
	vnet_hdr_read(b, &h2);
	cr_assert_eq(memcmp(&h, &h2, sizeof(h)), 0);
}

Test(netdev_vnet, plain_header_means_no_offload)
{
	struct vnet_hdr h = { 0 };
	struct pkt_offload off;

	cr_assert_eq(vnet_hdr_to_offload(&h, frame, 60, &off), 0);
	cr_assert_not(off.csum_partial);
	cr_assert_not(off.csum_valid);
	cr_assert_eq(off.gso_type, PKT_GSO_NONE);
}

Test(netdev_vnet, needs_csum_is_partial_and_trusted)
{
	struct vnet_hdr h = { .flags = VNET_F_NEEDS_CSUM,
			      .csum_start = 34,
			      .csum_offset = 16 };
	struct pkt_offload off;

	cr_assert_eq(vnet_hdr_to_offload(&h, frame, 100, &off), 0);
	cr_assert(off.csum_partial);
	cr_assert(off.csum_valid);
	cr_assert_eq(off.csum_start, frame + 34);
	cr_assert_eq(off.csum_offset, 16);
}

Test(netdev_vnet, data_valid_is_trusted_not_partial)
{
	struct vnet_hdr h = { .flags = VNET_F_DATA_VALID };
	struct pkt_offload off;

	cr_assert_eq(vnet_hdr_to_offload(&h, frame, 100, &off), 0);
	cr_assert(off.csum_valid);
	cr_assert_not(off.csum_partial);
}

/* The checksum field must lie inside the frame, at every length. */
Test(netdev_vnet, checksum_field_past_the_frame_is_rejected)
{
	struct vnet_hdr h = { .flags = VNET_F_NEEDS_CSUM,
			      .csum_start = 34,
			      .csum_offset = 16 };
	struct pkt_offload off;

	for (size_t len = 0; len < 52; len++)
		cr_assert_eq(vnet_hdr_to_offload(&h, frame, len, &off),
			     -EBADMSG, "len %zu", len);
	cr_assert_eq(vnet_hdr_to_offload(&h, frame, 52, &off), 0);
	h.csum_start = 0xffff;
	h.csum_offset = 0xffff;
	cr_assert_eq(vnet_hdr_to_offload(&h, frame, sizeof(frame), &off),
		     -EBADMSG);
}

Test(netdev_vnet, tcp_gso_kept_with_its_size)
{
	struct vnet_hdr h = { .flags = VNET_F_NEEDS_CSUM,
			      .gso_type = VNET_GSO_TCPV4 | VNET_GSO_ECN,
			      .gso_size = 1448,
			      .csum_start = 34,
			      .csum_offset = 16 };
	struct pkt_offload off;

	cr_assert_eq(vnet_hdr_to_offload(&h, frame, 1500, &off), 0);
	cr_assert_eq(off.gso_type, PKT_GSO_TCPV4);
	cr_assert_eq(off.gso_size, 1448);
	h.gso_type = VNET_GSO_TCPV6;
	cr_assert_eq(vnet_hdr_to_offload(&h, frame, 1500, &off), 0);
	cr_assert_eq(off.gso_type, PKT_GSO_TCPV6);
}

Test(netdev_vnet, gso_without_size_or_not_offered_is_rejected)
{
	struct vnet_hdr h = { .gso_type = VNET_GSO_TCPV4 };
	struct pkt_offload off;

	cr_assert_eq(vnet_hdr_to_offload(&h, frame, 1500, &off), -EBADMSG);
	h.gso_type = VNET_GSO_UDP;
	h.gso_size = 1400;
	cr_assert_eq(vnet_hdr_to_offload(&h, frame, 1500, &off), -EBADMSG);
	h.gso_type = 9;
	cr_assert_eq(vnet_hdr_to_offload(&h, frame, 1500, &off), -EBADMSG);
}

Test(netdev_vnet, header_from_super_segment_metadata)
{
	struct pkt_offload off = { .csum_partial = true,
				   .csum_start = frame + 34,
				   .csum_offset = 16,
				   .gso_type = PKT_GSO_TCPV4,
				   .gso_size = 1448 };
	struct vnet_hdr h;

	memset(frame, 0, sizeof(frame));
	frame[34 + 12] = 8 << 4; /* TCP data offset: 32 bytes */
	vnet_hdr_from_offload(&off, frame, 1500, &h);
	cr_assert_eq(h.flags, VNET_F_NEEDS_CSUM);
	cr_assert_eq(h.gso_type, VNET_GSO_TCPV4);
	cr_assert_eq(h.gso_size, 1448);
	cr_assert_eq(h.csum_start, 34);
	cr_assert_eq(h.csum_offset, 16);
	cr_assert_eq(h.hdr_len, 34 + 32);
}

Test(netdev_vnet, header_for_a_plain_frame_is_zero)
{
	struct pkt_offload off = { 0 };
	struct vnet_hdr h;

	vnet_hdr_from_offload(&off, frame, 60, &h);
	cr_assert_eq(h.flags, 0);
	cr_assert_eq(h.gso_type, VNET_GSO_NONE);
	cr_assert_eq(h.csum_start, 0);
}

/* tcp_emit_partial() + pkt_csum_complete() == tcp_emit(). */
Test(netdev_vnet, completing_a_partial_checksum_matches_software)
{
	static uint8_t a[1600], b[1600], data[1400];
	struct tcp_view v = { .sport = 9,
			      .dport = 40000,
			      .seq = 123456,
			      .ack = 654321,
			      .flags = TCP_ACK | TCP_PSH,
			      .window = 500 };
	uint32_t ps;
	struct pkt_offload off = { .csum_partial = true, .csum_offset = 16 };
	int n, m;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	v.payload = data;
	v.payload_len = sizeof(data);
	ps = csum_pseudo4(0xc0000202, 0xc0000201, 6,
			  (uint16_t)(TCP_HLEN + sizeof(data)));
	n = tcp_emit(a, sizeof(a), &v, ps);
	m = tcp_emit_partial(b, sizeof(b), &v, ps);
	cr_assert_eq(n, m);
	cr_assert_neq(memcmp(a, b, (size_t)n), 0);
	off.csum_start = b;
	pkt_csum_complete(b, (size_t)m, &off);
	cr_assert_eq(memcmp(a, b, (size_t)n), 0);
	cr_assert(tcp_csum_ok(b, (size_t)m, ps));
}

Test(netdev_vnet, completing_ignores_a_field_outside_the_buffer)
{
	uint8_t buf[20] = { 0 };
	struct pkt_offload off = { .csum_partial = true,
				   .csum_start = buf + 10,
				   .csum_offset = 16 };

	pkt_csum_complete(buf, sizeof(buf), &off);
	for (size_t i = 0; i < sizeof(buf); i++)
		cr_assert_eq(buf[i], 0);
}
