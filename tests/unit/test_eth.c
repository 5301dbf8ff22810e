// SPDX-License-Identifier: MIT
/*
 * test_eth.c - Ethernet II, 802.1Q and 802.3 LLC/SNAP against scapy's frames
 */
#include <errno.h>

#include "testutil.h"
#include "wire/cursor.h"
#include "wire/eth.h"

struct golden_eth {
	const char *name;
	const uint8_t *frame;
	size_t len;
	const uint8_t *dst, *src;
	size_t dst_len, src_len;
	bool has_vlan;
	uint16_t vlan_tci;
	enum eth_encap encap;
	uint16_t type;
	uint8_t llc_dsap, llc_ssap;
	uint16_t llc_ctrl;
	uint32_t snap_oui;
	const uint8_t *payload;
	size_t payload_len;
	size_t emit_len; /* bytes before any trailing pad; 0: all of them */
};

#include "../fixtures/golden_eth.h"

static size_t emit_len(const struct golden_eth *g)
{
	return g->emit_len ? g->emit_len : g->len;
}

static struct eth_view view_of(const struct golden_eth *g)
{
	struct eth_view v = {
		.has_vlan = g->has_vlan,
		.vlan_tci = g->vlan_tci,
		.encap = g->encap,
		.type = g->type,
		.llc_dsap = g->llc_dsap,
		.llc_ssap = g->llc_ssap,
		.llc_ctrl = g->llc_ctrl,
		.snap_oui = g->snap_oui,
		.payload = g->payload,
		.payload_len = g->payload_len,
	};

	memcpy(v.dst.b, g->dst, MAC_LEN);
	memcpy(v.src.b, g->src, MAC_LEN);
	return v;
}

Test(eth, golden_frames_parse_field_for_field)
{
	for (size_t i = 0; i < GOLDEN_ETH_COUNT; i++) {
		const struct golden_eth *g = &golden_eth[i];
		uint8_t *f = tu_exact(g->frame, g->len);
		struct eth_view v;

		cr_assert_eq(eth_parse(f, g->len, &v), 0, "%s", g->name);
		tu_assert_bytes(v.dst.b, MAC_LEN, g->dst, g->dst_len, g->name);
		tu_assert_bytes(v.src.b, MAC_LEN, g->src, g->src_len, g->name);
		cr_assert_eq(v.has_vlan, g->has_vlan, "%s", g->name);
		cr_assert_eq(v.vlan_tci, g->vlan_tci, "%s", g->name);
		cr_assert_eq(v.encap, g->encap, "%s", g->name);
		cr_assert_eq(v.type, g->type, "%s", g->name);
		cr_assert_eq(v.llc_dsap, g->llc_dsap, "%s", g->name);
		cr_assert_eq(v.llc_ssap, g->llc_ssap, "%s", g->name);
		cr_assert_eq(v.llc_ctrl, g->llc_ctrl, "%s", g->name);
		cr_assert_eq(v.snap_oui, g->snap_oui, "%s", g->name);
		cr_assert_eq(v.llc_ctrl_len, g->encap == ETH_ENCAP_II ? 0 : 1,
			     "%s", g->name);
		tu_assert_bytes(v.payload, v.payload_len, g->payload,
				g->payload_len, g->name);
		free(f);
	}
}

Test(eth, golden_frames_emit_byte_for_byte)
{
	for (size_t i = 0; i < GOLDEN_ETH_COUNT; i++) {
		const struct golden_eth *g = &golden_eth[i];
		struct eth_view v = view_of(g);
		uint8_t out[2048];
		int n = eth_emit(out, sizeof(out), &v);

		cr_assert_gt(n, 0, "%s", g->name);
		tu_assert_bytes(out, (size_t)n, g->frame, emit_len(g), g->name);
	}
}

Test(eth, emit_in_place_leaves_payload_where_it_is)
{
	for (size_t i = 0; i < GOLDEN_ETH_COUNT; i++) {
		const struct golden_eth *g = &golden_eth[i];
		struct eth_view v = view_of(g);
		int hlen = eth_hdr_len(&v);
		uint8_t out[2048];

		cr_assert_gt(hlen, 0);
		memcpy(out + hlen, g->payload, g->payload_len);
		v.payload = out + hlen;
		cr_assert_eq(eth_emit(out, sizeof(out), &v),
			     hlen + (int)g->payload_len);
		tu_assert_bytes(out, emit_len(g), g->frame, emit_len(g),
				g->name);
	}
}

/*
 * An Ethernet II frame has no length of its own: any cut past the header
 * is a shorter payload.  An 802.3 frame has one, so any cut short of the
 * length field's extent is malformed.
 */
Test(eth, truncation_at_every_byte)
{
	for (size_t i = 0; i < GOLDEN_ETH_COUNT; i++) {
		const struct golden_eth *g = &golden_eth[i];
		struct eth_view gv = view_of(g);
		size_t hlen = (size_t)eth_hdr_len(&gv);
		size_t need = g->encap == ETH_ENCAP_II ? hlen : emit_len(g);

		for (size_t n = 0; n < g->len; n++) {
			uint8_t *f = tu_exact(g->frame, n);
			struct eth_view v;
			int rc = eth_parse(f, n, &v);

			if (n < need) {
				cr_assert_eq(rc, -EBADMSG, "%s cut at %zu",
					     g->name, n);
			} else {
				cr_assert_eq(rc, 0, "%s cut at %zu", g->name,
					     n);
				if (g->encap == ETH_ENCAP_II)
					cr_assert_eq(v.payload_len, n - hlen);
			}
			free(f);
		}
	}
}

static int parse_bytes(const uint8_t *b, size_t n)
{
	uint8_t *f = tu_exact(b, n);
	struct eth_view v;
	int rc = eth_parse(f, n, &v);

	free(f);
	return rc;
}

#define MACS 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1

Test(eth, type_between_1501_and_1535_is_malformed)
{
	uint8_t f[] = { MACS, 0x05, 0xdd, 0xaa, 0xaa, 3, 0, 0, 0, 8, 0 };

	cr_assert_eq(parse_bytes(f, sizeof(f)), -EBADMSG);
	f[12] = 0x05, f[13] = 0xff;
	cr_assert_eq(parse_bytes(f, sizeof(f)), -EBADMSG);
	f[12] = 0x06, f[13] = 0x00;
	cr_assert_eq(parse_bytes(f, sizeof(f)), 0);
}

Test(eth, length_field_past_frame_is_malformed)
{
	uint8_t f[] = { MACS, 0x00, 0x09, 0xaa, 0xaa, 3, 0, 0, 0, 8, 0 };

	cr_assert_eq(parse_bytes(f, sizeof(f)), -EBADMSG);
	f[13] = 8;
	cr_assert_eq(parse_bytes(f, sizeof(f)), 0);
}

Test(eth, length_field_too_short_for_llc_or_snap_is_malformed)
{
	/* Length 2 cannot hold DSAP, SSAP and control. */
	uint8_t llc[] = { MACS, 0x00, 0x02, 0x42, 0x42, 3 };
	/* Length 5 holds LLC but cuts the SNAP header. */
	uint8_t snap[] = { MACS, 0x00, 0x05, 0xaa, 0xaa, 3, 0, 0, 0, 8, 0 };

	cr_assert_eq(parse_bytes(llc, sizeof(llc)), -EBADMSG);
	cr_assert_eq(parse_bytes(snap, sizeof(snap)), -EBADMSG);
}

Test(eth, llc_i_format_has_two_control_bytes)
{
	uint8_t f[] = { MACS, 0x00, 0x05, 0x42, 0x42, 0x02, 0x05, 0xee };
	struct eth_view v;
	uint8_t out[64];

	cr_assert_eq(eth_parse(f, sizeof(f), &v), 0);
	cr_assert_eq(v.encap, ETH_ENCAP_LLC);
	cr_assert_eq(v.llc_ctrl, 0x0205);
	cr_assert_eq(v.llc_ctrl_len, 2);
	cr_assert_eq(v.payload_len, 1);
	cr_assert_eq(v.payload[0], 0xee);
	cr_assert_eq(eth_emit(out, sizeof(out), &v), (int)sizeof(f));
	tu_assert_bytes(out, sizeof(f), f, sizeof(f), "llc i-format");
}

Test(eth, llc_i_format_control_that_looks_like_ui_round_trips)
{
	/* Control 00 03: an I-format PDU whose second byte happens to be 03. */
	uint8_t f[] = { MACS, 0x00, 0x05, 0x42, 0x42, 0x00, 0x03, 0xee };
	struct eth_view v;
	uint8_t out[64];

	cr_assert_eq(eth_parse(f, sizeof(f), &v), 0);
	cr_assert_eq(v.llc_ctrl, 0x0003);
	cr_assert_eq(v.llc_ctrl_len, 2);
	cr_assert_eq(v.payload_len, 1);
	cr_assert_eq(eth_emit(out, sizeof(out), &v), (int)sizeof(f));
	tu_assert_bytes(out, sizeof(f), f, sizeof(f), "llc 00 03");
}

/* Found by fuzz_eth: SAPs AA/AA with an I-format control are not SNAP. */
Test(eth, snap_saps_with_i_format_control_are_plain_llc)
{
	uint8_t f[] = { MACS, 0x00, 0x06, 0xaa, 0xaa, 0x00, 0x03, 0x08, 0x00 };
	struct eth_view v;
	uint8_t out[64];

	cr_assert_eq(eth_parse(f, sizeof(f), &v), 0);
	cr_assert_eq(v.encap, ETH_ENCAP_LLC);
	cr_assert_eq(v.type, 0);
	cr_assert_eq(v.payload_len, 2);
	cr_assert_eq(eth_emit(out, sizeof(out), &v), (int)sizeof(f));
	tu_assert_bytes(out, sizeof(f), f, sizeof(f), "aa aa 00 03");
}

Test(eth, snap_with_foreign_oui_keeps_oui_and_type)
{
	uint8_t f[] = { MACS, 0x00, 0x08, 0xaa, 0xaa, 3,
			0x00, 0x00, 0x0c, 0x20, 0x00 };
	struct eth_view v;

	cr_assert_eq(eth_parse(f, sizeof(f), &v), 0);
	cr_assert_eq(v.encap, ETH_ENCAP_SNAP);
	cr_assert_eq(v.snap_oui, 0x00000c);
	cr_assert_eq(v.type, 0x2000);
}

Test(eth, vlan_tag_cut_short_is_malformed)
{
	uint8_t f[] = { MACS, 0x81, 0x00, 0x00, 0x2a, 0x08 };

	cr_assert_eq(parse_bytes(f, sizeof(f)), -EBADMSG);
}

Test(eth, emit_reports_enobufs_for_every_short_buffer)
{
	const struct golden_eth *g = &golden_eth[0];
	struct eth_view v = view_of(g);
	uint8_t out[2048];

	for (size_t cap = 0; cap < g->len; cap++)
		cr_assert_eq(eth_emit(out, cap, &v), -ENOBUFS, "cap %zu", cap);
	cr_assert_eq(eth_emit(out, g->len, &v), (int)g->len);
}

Test(eth, emit_rejects_views_that_cannot_be_encoded)
{
	static uint8_t big[ETH_8023_MAXLEN];
	struct eth_view v = { .encap = ETH_ENCAP_SNAP,
			      .type = ETHERTYPE_IPV4,
			      .llc_dsap = LLC_SAP_SNAP,
			      .llc_ssap = LLC_SAP_SNAP,
			      .llc_ctrl = LLC_CTRL_UI,
			      .payload = big,
			      .payload_len = sizeof(big) };
	static uint8_t out[4096];

	/* 8 bytes of LLC/SNAP plus 1500 of payload overflow the length. */
	cr_assert_eq(eth_emit(out, sizeof(out), &v), -EINVAL);
	v.payload_len = ETH_8023_MAXLEN - ETH_SNAP_HLEN;
	cr_assert_eq(eth_emit(out, sizeof(out), &v),
		     ETH_HLEN + ETH_8023_MAXLEN);

	v.encap = ETH_ENCAP_II;
	v.type = 0x05dc; /* a length, not an EtherType */
	cr_assert_eq(eth_emit(out, sizeof(out), &v), -EINVAL);
	v.encap = (enum eth_encap)7;
	cr_assert_eq(eth_emit(out, sizeof(out), &v), -EINVAL);
}

/* An empty window must never compute NULL + 0 (UBSan: pointer-overflow). */
Test(cursor, empty_window_takes_zero_bytes_safely)
{
	struct cursor c = cur_make(NULL, 0), sub;

	cr_assert_not_null(cur_take(&c, 0));
	cr_assert(cur_ok(&c));
	cr_assert(cur_sub(&c, 0, &sub));
	cr_assert_eq(cur_left(&sub), 0);
	cr_assert_null(cur_take(&c, 1));
	cr_assert_not(cur_ok(&c));
	cr_assert_eq(cur_left(&c), 0);
}
