// SPDX-License-Identifier: MIT
/*
 * test_tcp_ring.c - the byte rings (tcp_ring.c) and the idle-storage sweep
 * (tcp.c): storage comes on first use, grows by doubling, goes when idle
 * and empty, and no byte is lost or reordered across any of that
 */
#include <errno.h>
#include <string.h>

#include "fake_tcp.h"
#include "testutil.h"

/* A byte the stream position @i decides, so order and loss both show. */
static uint8_t pat(size_t i)
{
	return (uint8_t)(i * 131u + (i >> 8));
}

static void fill(uint8_t *b, size_t from, size_t len)
{
	for (size_t i = 0; i < len; i++)
		b[i] = pat(from + i);
}

static void check(const uint8_t *b, size_t from, size_t len)
{
	for (size_t i = 0; i < len; i++)
		cr_assert_eq(b[i], pat(from + i), "byte %zu", from + i);
}

Test(tcp_ring, storage_comes_with_the_first_write_and_doubles)
{
	struct tcp_ring r = { 0 };
	uint8_t b[20000];

	cr_assert_eq(tcp_ring_alloc(&r, 65536), 0);
	cr_assert_null(r.buf);
	cr_assert_eq(r.cap, 65536);
	fill(b, 0, sizeof(b));
	cr_assert_eq(tcp_ring_write(&r, b, 10), 10);
	cr_assert_not_null(r.buf);
	cr_assert_eq(r.size, TCP_RING_MIN);
	cr_assert_eq(tcp_ring_write(&r, b + 10, 5000), 5000);
	cr_assert_eq(r.size, 2 * TCP_RING_MIN);
	cr_assert_eq(tcp_ring_write(&r, b + 5010, 14990), 14990);
	cr_assert_eq(r.size, 8 * TCP_RING_MIN);
	memset(b, 0, sizeof(b));
	cr_assert_eq(tcp_ring_peek(&r, 0, b, sizeof(b)), sizeof(b));
	check(b, 0, sizeof(b));
	tcp_ring_free(&r);
}

Test(tcp_ring, storage_never_exceeds_the_capacity)
{
	struct tcp_ring r = { 0 };
	static uint8_t b[10000];

	tcp_ring_alloc(&r, 6000);
	fill(b, 0, sizeof(b));
	cr_assert_eq(tcp_ring_write(&r, b, sizeof(b)), 6000);
	cr_assert_eq(r.size, 6000);
	cr_assert_eq(tcp_ring_write(&r, b, 1), 0);
	tcp_ring_free(&r);
}

/* Growth while the bytes wrap around the end of the storage. */
Test(tcp_ring, growing_a_wrapped_ring_keeps_the_order)
{
	struct tcp_ring r = { 0 };
	uint8_t b[8192];

	tcp_ring_alloc(&r, 1 << 20);
	fill(b, 0, 4000);
	cr_assert_eq(tcp_ring_write(&r, b, 4000), 4000);
	tcp_ring_drop(&r, 3000);
	fill(b, 4000, 3000); /* wraps: 1000 at the end, 2000 from 0 */
	cr_assert_eq(tcp_ring_write(&r, b, 3000), 3000);
	cr_assert_eq(r.size, TCP_RING_MIN);
	cr_assert_lt(r.head + r.len, 2 * r.size);
	cr_assert_gt(r.head + r.len, r.size);
	fill(b, 7000, 2000); /* needs 6000: grows */
	cr_assert_eq(tcp_ring_write(&r, b, 2000), 2000);
	cr_assert_eq(r.size, 2 * TCP_RING_MIN);
	cr_assert_eq(tcp_ring_peek(&r, 0, b, sizeof(b)), 6000);
	check(b, 3000, 6000);
	tcp_ring_free(&r);
}

Test(tcp_ring, trim_releases_only_an_empty_ring_unused_for_a_period)
{
	struct tcp_ring r = { 0 };
	uint8_t b[100];

	tcp_ring_alloc(&r, 65536);
	cr_assert_not(tcp_ring_trim(&r)); /* nothing to give back */
	fill(b, 0, sizeof(b));
	tcp_ring_write(&r, b, sizeof(b));
	cr_assert(tcp_ring_trim(&r)); /* holds data */
	cr_assert(tcp_ring_trim(&r)); /* still holds data */
	tcp_ring_drop(&r, sizeof(b));
	cr_assert_not(tcp_ring_trim(&r)); /* empty, unwritten since */
	cr_assert_null(r.buf);
	cr_assert_eq(r.size, 0);
	cr_assert_eq(r.cap, 65536);
	tcp_ring_write(&r, b, sizeof(b));
	tcp_ring_drop(&r, sizeof(b));
	cr_assert(tcp_ring_trim(&r)); /* written this period: kept */
	cr_assert_not_null(r.buf);
	cr_assert_not(tcp_ring_trim(&r));
	cr_assert_null(r.buf);
	tcp_ring_free(&r);
}

/*
 * A stream pushed through in uneven pieces, the storage released whenever
 * the ring is empty and idle: every byte comes out once, in order.
 */
Test(tcp_ring, stream_is_byte_exact_across_release_and_wrap)
{
	struct tcp_ring r = { 0 };
	static uint8_t in[7001], out[12000];
	size_t wpos = 0, rpos = 0, releases = 0;

	tcp_ring_alloc(&r, 12000);
	for (size_t round = 0; round < 300; round++) {
		size_t w = (round * 2713) % sizeof(in);
		size_t d;

		fill(in, wpos, w);
		wpos += tcp_ring_write(&r, in, w);
		d = (round % 5 == 4) ? r.len : (round * 1999) % (r.len + 1);
		cr_assert_eq(tcp_ring_peek(&r, 0, out, d), d);
		check(out, rpos, d);
		tcp_ring_drop(&r, d);
		rpos += d;
		if (!r.len) {
			tcp_ring_trim(&r);
			if (!tcp_ring_trim(&r))
				releases++;
		}
	}
	cr_assert_gt(releases, 10);
	cr_assert_gt(wpos, 10 * r.cap);
	tcp_ring_free(&r);
}

Test(tcp_ring, capacity_shrinks_only_above_what_is_held)
{
	struct tcp_ring r = { 0 };
	uint8_t b[9000];

	tcp_ring_alloc(&r, 65536);
	fill(b, 0, sizeof(b));
	tcp_ring_write(&r, b, sizeof(b));
	cr_assert_eq(tcp_ring_set_cap(&r, 8000), -EINVAL);
	cr_assert_eq(tcp_ring_set_cap(&r, 10000), 0);
	cr_assert_eq(r.size, 10000);
	cr_assert_eq(tcp_ring_write(&r, b, sizeof(b)), 1000);
	cr_assert_eq(tcp_ring_peek(&r, 0, b, sizeof(b)), sizeof(b));
	check(b, 0, sizeof(b));
	tcp_ring_free(&r);
}

/* ---- a connection through the fake netdev ---- */

TestSuite(tcp_idle, .init = ft_setup, .fini = ft_teardown);

static struct tcb *estab(struct ft_peer *pp)
{
	return ft_passive(pp, ft_listen(FT_LPORT, 16), NULL);
}

/* Two sweep periods: enough for anything idle to go. */
static void idle(void)
{
	ft_advance_ms(2 * TCP_TRIM_US / 1000 + 10);
	ft_drain();
}

Test(tcp_idle, established_connection_holds_no_buffer_storage)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);

	cr_assert_gt(c->snd.cap, 0);
	cr_assert_gt(c->rcv.cap, 0);
	cr_assert_null(c->snd.buf);
	cr_assert_null(c->rcv.buf);
	cr_assert_null(c->rack.seg);
	cr_assert_null(c->reass.pieces);
}

/* Request, response, ACK, quiet: storage goes, and comes back on use. */
Test(tcp_idle, request_response_storage_is_released_then_comes_back)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	uint8_t buf[64];
	struct ft_seg s;

	for (int i = 0; i < 3; i++) {
		ft_send(&pp, TCP_PSH, "request", 7);
		cr_assert_not_null(c->rcv.buf);
		cr_assert_eq(tcp_recv(c, buf, sizeof(buf), 0), 7);
		cr_assert_eq(memcmp(buf, "request", 7), 0);
		cr_assert_eq(tcp_send(c, "response", 8, 0), 8);
		cr_assert_not_null(c->snd.buf);
		cr_assert(c->sb.rack);
		cr_assert_not_null(c->rack.seg);
		do { /* past the ACK of the request, if it went alone */
			cr_assert(ft_recv(&pp, &s));
			if (!s.th.payload_len)
				ft_free(&s);
		} while (!s.th.payload_len);
		cr_assert_eq(s.th.payload_len, 8);
		cr_assert_eq(memcmp(s.th.payload, "response", 8), 0);
		pp.ack = s.th.seq + 8;
		ft_free(&s);
		ft_send(&pp, TCP_ACK, NULL, 0);
		cr_assert_eq(c->snd_una, c->snd_max);
		idle();
		cr_assert_null(c->rcv.buf, "round %d", i);
		cr_assert_null(c->snd.buf);
		cr_assert_null(c->rack.seg);
		cr_assert_gt(c->rcv.cap, 0);
	}
}

/* Unacknowledged data keeps its storage however long it waits. */
Test(tcp_idle, unacknowledged_data_keeps_its_storage)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);

	cr_assert_eq(tcp_send(c, "held", 4, 0), 4);
	ft_drain();
	idle();
	cr_assert_not_null(c->snd.buf);
	cr_assert_not_null(c->rack.seg);
	cr_assert_eq(c->snd.len, 4);
}

/* Unread data keeps its storage; reading it all lets it go. */
Test(tcp_idle, unread_data_keeps_its_storage)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	uint8_t buf[8];

	ft_send(&pp, TCP_PSH, "unread", 6);
	idle();
	cr_assert_not_null(c->rcv.buf);
	cr_assert_eq(tcp_recv(c, buf, sizeof(buf), 0), 6);
	idle();
	cr_assert_null(c->rcv.buf);
}

/* The reassembly queue's piece array goes once the hole is filled. */
Test(tcp_idle, reassembly_array_is_released_when_the_queue_empties)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	uint32_t hole = pp.seq;
	uint8_t buf[16];

	pp.seq += 4;
	ft_send(&pp, TCP_PSH, "late", 4);
	cr_assert_not_null(c->reass.pieces);
	pp.seq = hole;
	ft_send(&pp, TCP_PSH, "head", 4);
	pp.seq += 4;
	cr_assert(tcp_reass_empty(&c->reass));
	cr_assert_eq(tcp_recv(c, buf, sizeof(buf), 0), 8);
	cr_assert_eq(memcmp(buf, "headlate", 8), 0);
	idle();
	cr_assert_null(c->reass.pieces);
	cr_assert_null(c->rcv.buf);
}

/*
 * Several windows' worth through the receive ring, read in uneven pieces
 * with idle gaps that release its storage, so writes wrap and restart in
 * fresh storage: the application reads exactly the stream that was sent.
 */
Test(tcp_idle, received_stream_is_byte_exact_across_releases)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	static uint8_t seg[1400], out[3000];
	size_t sent = 0, got = 0, releases = 0;

	while (sent < 4 * c->rcv.cap) {
		size_t len = 1 + (sent * 7 + 13) % sizeof(seg);
		ssize_t n;

		fill(seg, sent, len);
		ft_send(&pp, TCP_PSH, seg, len);
		sent += len;
		n = tcp_recv(c, out, 1 + (got * 3) % sizeof(out), 0);
		cr_assert_gt(n, 0);
		check(out, got, (size_t)n);
		got += (size_t)n;
		if ((sent / len) % 9 == 0) {
			while ((n = tcp_recv(c, out, sizeof(out), 0)) > 0) {
				check(out, got, (size_t)n);
				got += (size_t)n;
			}
			idle();
			releases += c->rcv.buf == NULL;
		}
		ft_drain();
	}
	while (got < sent) {
		ssize_t n = tcp_recv(c, out, sizeof(out), 0);

		cr_assert_gt(n, 0);
		check(out, got, (size_t)n);
		got += (size_t)n;
	}
	cr_assert_eq(got, sent);
	cr_assert_gt(releases, 0);
	cr_assert_eq(l3_eng.stats.tcp.TcpExtTCPRcvQDrop, 0);
}
