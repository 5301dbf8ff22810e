// SPDX-License-Identifier: MIT
/*
 * test_ipv4_frag.c - reassembly in every order, overlaps, timeouts, the
 * memory bound, and fragmentation at common MTUs
 */
#include <errno.h>

#include "fake_engine.h"
#include "fake_l3.h"
#include "ipv4_frag.h"
#include "testutil.h"

static uint8_t payload[9000];

static void fill(void)
{
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 3);
}

/* Fragments of a @len-byte UDP-protocol datagram cut at @mtu. */
static int cut(size_t len, uint32_t mtu, struct pktq *q, uint16_t id)
{
	struct ipv4_view v = { .ttl = 64,
			       .proto = IPV4_PROTO_UDP,
			       .src = L3_PEER,
			       .dst = L3_US,
			       .id = id,
			       .payload = payload,
			       .payload_len = len };

	return ipv4_fragment(&v, mtu, q);
}

static struct pkt *feed(struct pkt *p)
{
	struct ipv4_view v;

	cr_assert_eq(ipv4_parse(p->data, p->len, &v), 0);
	p->ifp = l3_if;
	return ipv4_frag_input(&l3_eng, p, &v);
}

static void check_whole(struct pkt *w, size_t len)
{
	struct ipv4_view v;

	cr_assert_not_null(w);
	cr_assert_eq(ipv4_parse(w->data, w->len, &v), 0);
	cr_assert(ipv4_csum_ok(w->data, w->len));
	cr_assert_not(v.mf);
	cr_assert_eq(v.frag_off, 0);
	tu_assert_bytes(v.payload, v.payload_len, payload, len, "reassembled");
	pkt_free(w);
}

/* Feed the fragments in @order (indices, -1 ends); expect completion on
 * the last one only. */
static void feed_in_order(struct pkt **fr, const int *order, size_t len)
{
	struct pkt *w = NULL;

	for (size_t i = 0; order[i] >= 0; i++) {
		cr_assert_null(w, "complete before the last fragment");
		w = feed(fr[order[i]]);
	}
	check_whole(w, len);
}

static size_t to_array(struct pktq *q, struct pkt **fr)
{
	size_t n = 0;
	struct pkt *p;

	while ((p = pktq_pop(q)))
		fr[n++] = p;
	return n;
}

TestSuite(ipv4_frag, .init = l3_setup, .fini = l3_teardown);

/* RFC 815: holes fill in any order; duplicates change nothing. */
Test(ipv4_frag, reassembles_in_every_order)
{
	static const int orders[][9] = {
		{ 0, 1, 2, 3, -1 },	     /* forward */
		{ 3, 2, 1, 0, -1 },	     /* reverse */
		{ 2, 0, 3, 1, -1 },	     /* shuffled */
		{ 1, 3, 1, 0, 3, 0, 2, -1 }, /* with duplicates */
	};
	struct pktq q = { 0 };
	struct pkt *fr[8];

	fill();
	for (size_t o = 0; o < sizeof(orders) / sizeof(orders[0]); o++) {
		cr_assert_eq(cut(4000, 1100, &q, (uint16_t)(100 + o)), 4);
		to_array(&q, fr);
		/* Duplicates are fed from copies of the originals. */
		struct pkt *use[8];
		int idx[9];
		size_t k = 0;

		for (size_t i = 0; orders[o][i] >= 0; i++) {
			struct pkt *src = fr[orders[o][i]];
			bool first = true;

			for (size_t j = 0; j < i; j++)
				if (orders[o][j] == orders[o][i])
					first = false;
			use[k] = first ? src : pkt_from(src->data, src->len);
			idx[k] = (int)k;
			k++;
		}
		idx[k] = -1;
		feed_in_order(use, idx, 4000);
	}
	cr_assert_eq(l3_eng.stats.ip.IpReasmOKs, 4);
	cr_assert_eq(l3_eng.stats.ip.IpReasmDuplicates, 3);
}

/* RFC 5722 spirit: a partial overlap discards the whole datagram. */
Test(ipv4_frag, overlap_discards_the_datagram)
{
	struct ipv4_view v = { .ttl = 64,
			       .proto = IPV4_PROTO_UDP,
			       .src = L3_PEER,
			       .dst = L3_US,
			       .id = 7,
			       .mf = true,
			       .payload = payload,
			       .payload_len = 16 };
	uint8_t buf[64];
	struct pkt *w;

	w = feed(pkt_from(buf, l3_build_ipv4(buf, sizeof(buf), &v)));
	cr_assert_null(w);
	v.frag_off = 8; /* overlaps bytes 8..15 */
	w = feed(pkt_from(buf, l3_build_ipv4(buf, sizeof(buf), &v)));
	cr_assert_null(w);
	cr_assert_eq(l3_eng.stats.ip.IpReasmOverlaps, 1);
	cr_assert_eq(l3_eng.stats.ip.IpReasmFails, 1);
	cr_assert_eq(l3_eng.frag4->nq, 0);
}

/* RFC 791 3.2: a fragment past 65535 bytes is refused by the parser;
 * a non-last fragment must carry a multiple of 8 bytes. */
Test(ipv4_frag, bad_fragment_lengths_are_dropped)
{
	struct ipv4_view v = { .ttl = 64,
			       .proto = IPV4_PROTO_UDP,
			       .src = L3_PEER,
			       .dst = L3_US,
			       .id = 9,
			       .mf = true,
			       .payload = payload,
			       .payload_len = 13 };
	uint8_t buf[2048];

	cr_assert_null(
		feed(pkt_from(buf, l3_build_ipv4(buf, sizeof(buf), &v))));
	cr_assert_eq(l3_eng.stats.ip.IpInBadFrags, 1);
	/* Through ipv4_input: offset 65528 + 16 bytes is malformed. */
	v.payload_len = 16;
	v.frag_off = 65528;
	l3_rx_eth(ETHERTYPE_IPV4, buf, l3_build_ipv4(buf, sizeof(buf), &v));
	cr_assert_eq(l3_eng.stats.ip.IpInHdrErrors, 1);
}

/* RFC 792 / RFC 1122 3.3.2: timeout; time exceeded (code 1) only when
 * fragment zero arrived. */
Test(ipv4_frag, timeout_sends_time_exceeded_if_first_fragment_came)
{
	struct pktq q = { 0 };
	struct pkt *fr[4];
	struct l3_frame f;

	fill();
	l3_peer_permanent();
	cut(3000, 1500, &q, 55);
	to_array(&q, fr);
	cr_assert_null(feed(fr[0]));
	pkt_free(fr[1]);
	pkt_free(fr[2]);
	cut(3000, 1500, &q, 56);
	to_array(&q, fr);
	cr_assert_null(feed(fr[1])); /* no fragment zero for id 56 */
	pkt_free(fr[0]);
	pkt_free(fr[2]);
	fake_advance(&l3_eng, 29000000);
	cr_assert_eq(l3_eng.stats.ip.IpReasmTimeout, 0);
	fake_advance(&l3_eng, 1000001);
	cr_assert_eq(l3_eng.stats.ip.IpReasmTimeout, 2);
	cr_assert_eq(l3_eng.stats.ip.IpReasmFails, 2);
	cr_assert_eq(l3_tx_count(), 1);
	cr_assert(l3_tx_pop(&f));
	cr_assert_eq(f.icmp.type, ICMP4_TIME_EXCEEDED);
	cr_assert_eq(f.icmp.code, ICMP4_TIMEX_REASS);
	cr_assert_eq(f.ip.dst, L3_PEER);
	l3_frame_free(&f);
}

/* ipfrag_high_thresh: the oldest datagrams are evicted first. */
Test(ipv4_frag, memory_bound_evicts_oldest)
{
	struct pktq q = { 0 };
	struct pkt *fr[4];

	fill();
	for (uint16_t id = 1; id <= 4; id++) {
		cut(3000, 1500, &q, id);
		to_array(&q, fr);
		cr_assert_null(feed(fr[0]));
		pkt_free(fr[1]);
		pkt_free(fr[2]);
		/* Room for three such queues, whatever their overhead. */
		if (id == 1)
			l3_eng.sysctl.ipfrag_high_thresh =
				(uint32_t)(3 * l3_eng.frag4->mem + 10);
		cr_assert_leq(l3_eng.frag4->mem,
			      l3_eng.sysctl.ipfrag_high_thresh);
	}
	cr_assert_eq(l3_eng.frag4->nq, 3);
	cr_assert_eq(l3_eng.stats.ip.IpReasmFails, 1);
	/* Completing the newest still works. */
	cut(3000, 1500, &q, 4);
	to_array(&q, fr);
	pkt_free(fr[0]);
	cr_assert_null(feed(fr[1]));
	check_whole(feed(fr[2]), 3000);
}

/* RFC 791 3.2: 8-byte aligned fragments that fit the MTU; reassembling
 * our own output gives the original back. */
Test(ipv4_frag, fragment_sizes_at_common_mtus)
{
	static const uint32_t mtus[] = { 576, 1280, 1500, 9000 };
	static const size_t sizes[] = { 1,    551,  552,  1473, 1480,
					1481, 4000, 8000, 8981 };

	fill();
	for (size_t m = 0; m < 4; m++) {
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			struct pktq q = { 0 };
			struct pkt *fr[64], *w = NULL;
			size_t room = (mtus[m] - 20) & ~(size_t)7;
			size_t want = sizes[s] + 20 <= mtus[m]
					      ? 1
					      : (sizes[s] + room - 1) / room;
			int n = cut(sizes[s], mtus[m], &q,
				    (uint16_t)(m * 16 + s));
			size_t off = 0;

			cr_assert_eq((size_t)n, want, "mtu %u size %zu: %d",
				     mtus[m], sizes[s], n);
			to_array(&q, fr);
			for (int i = 0; i < n; i++) {
				struct ipv4_view v;

				cr_assert_eq(
					ipv4_parse(fr[i]->data, fr[i]->len, &v),
					0);
				cr_assert_leq(fr[i]->len, mtus[m]);
				cr_assert_eq(v.frag_off, off);
				cr_assert_eq(v.mf, i < n - 1);
				if (i < n - 1)
					cr_assert_eq(v.payload_len, room);
				off += v.payload_len;
			}
			cr_assert_eq(off, sizes[s]);
			if (n == 1) {
				pkt_free(fr[0]);
				continue;
			}
			for (int i = n - 1; i >= 0; i--)
				w = feed(fr[i]);
			check_whole(w, sizes[s]);
		}
	}
}

/* RFC 791 3.1: only options with the copied flag go in later fragments. */
Test(ipv4_frag, only_copied_options_repeat)
{
	/* Router Alert (148, copied) then Record Route (7, not copied). */
	static const uint8_t opts[12] = { 148, 4, 0, 0, 7, 7, 4, 0, 0, 0, 0, 0 };
	struct ipv4_view v = { .ttl = 64,
			       .proto = IPV4_PROTO_UDP,
			       .src = L3_US,
			       .dst = L3_PEER,
			       .opts = opts,
			       .opts_len = sizeof(opts),
			       .payload = payload,
			       .payload_len = 2000 };
	struct pktq q = { 0 };
	struct pkt *fr[4] = { 0 };
	struct ipv4_view a, b;

	cr_assert_eq(ipv4_fragment(&v, 1500, &q), 2);
	cr_assert_eq(to_array(&q, fr), 2);
	cr_assert(fr[0] && fr[1]);
	ipv4_parse(fr[0]->data, fr[0]->len, &a);
	ipv4_parse(fr[1]->data, fr[1]->len, &b);
	cr_assert(a.opt.ra.present && a.opt.rr.present);
	cr_assert(b.opt.ra.present);
	cr_assert_not(b.opt.rr.present);
	cr_assert_eq(b.ihl, 6);
	pkt_free(fr[0]);
	pkt_free(fr[1]);
}

/* RFC 7739 5 / RFC 6864 4.1: IDs step per destination. */
Test(ipv4_frag, ids_are_per_destination_counters)
{
	uint16_t a1 = ipv4_ident(&l3_eng, L3_US, L3_PEER, 17);
	uint16_t a2 = ipv4_ident(&l3_eng, L3_US, L3_PEER, 17);

	cr_assert_eq((uint16_t)(a1 + 1), a2);
}

/*
 * Fragment 0 of datagram @id, then @others first fragments of other
 * datagrams from the same source, then fragment 1 of @id.  Return what
 * the last one gave; *@late gets a fresh copy of fragment 0.
 */
static struct pkt *after_others(uint16_t id, unsigned int others,
				struct pkt **late)
{
	struct pktq q = { 0 };
	struct pkt *fr[2] = { NULL, NULL }, *o[2] = { NULL, NULL };

	cut(2000, 1500, &q, id);
	cr_assert_eq(to_array(&q, fr), 2);
	cr_assert_null(feed(fr[0]));
	for (unsigned int i = 0; i < others; i++) {
		cut(2000, 1500, &q, (uint16_t)(1000 + i));
		cr_assert_eq(to_array(&q, o), 2);
		cr_assert_null(feed(o[0]));
		pkt_free(o[1]);
	}
	cut(2000, 1500, &q, id);
	cr_assert_eq(to_array(&q, o), 2);
	*late = o[0];
	pkt_free(o[1]);
	return feed(fr[1]);
}

/* Linux ipfrag_max_dist: 64 other fragments in between are fine. */
Test(ipv4_frag, max_dist_allows_that_many_other_fragments)
{
	struct pkt *late;

	fill();
	cr_assert_eq(l3_eng.sysctl.ipfrag_max_dist, 64);
	check_whole(after_others(7, 64, &late), 2000);
	pkt_free(late);
	cr_assert_eq(l3_eng.stats.ip.IpReasmFails, 0);
}

/*
 * One more (65 > ipfrag_max_dist): the queue's old pieces are taken for
 * a datagram whose ID was reused (RFC 4963 2) and dropped (IpReasmFails);
 * the queue starts again with the late fragment, so a fresh fragment 0
 * completes the datagram.
 */
Test(ipv4_frag, max_dist_drops_a_queue_left_behind)
{
	struct pkt *late;
	size_t mem;

	fill();
	cr_assert_null(after_others(7, 65, &late));
	cr_assert_eq(l3_eng.stats.ip.IpReasmFails, 1);
	check_whole(feed(late), 2000);
	/* The others are still waiting; when they go, so do the records. */
	cr_assert_eq(l3_eng.frag4->nq, 65);
	mem = l3_eng.frag4->mem;
	cr_assert_gt(mem, 0);
	fake_advance(&l3_eng,
		     (uint64_t)l3_eng.sysctl.ipfrag_time_ms * 1000 + 1);
	cr_assert_eq(l3_eng.frag4->nq, 0);
	cr_assert_null(l3_eng.frag4->srcs);
}

/* ipfrag_max_dist 0 turns the check off. */
Test(ipv4_frag, max_dist_zero_disables_the_check)
{
	struct pkt *late;

	fill();
	l3_eng.sysctl.ipfrag_max_dist = 0;
	check_whole(after_others(7, 200, &late), 2000);
	pkt_free(late);
}
