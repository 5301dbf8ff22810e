// SPDX-License-Identifier: MIT
/*
 * test_bytering.c - SPSC byte ring: wrap-around, edges, zero-copy spans,
 * corrupt indices
 */
#include <errno.h>

#include "bytering.h"
#include "ipc_testutil.h"

#define CAP 64u
#define REGION (IPC_RING_HDR_LEN + CAP)

struct pair {
	void *region;
	struct ipc_ring_shm *shm;
	struct ipc_bytering prod, cons;
};

/* A formatted ring with both ends open, indices starting at @start. */
static void pair_open(struct pair *p, uint32_t start)
{
	p->region = tu_region(REGION);
	p->shm = p->region;
	cr_assert_eq(ipc_ring_format(p->region, REGION, IPC_RING_BYTES, CAP),
		     0);
	tu_poke(&p->shm->idx.head, start);
	tu_poke(&p->shm->idx.tail, start);
	cr_assert_eq(ipc_bytering_open(&p->prod, p->region, REGION, CAP, true),
		     0);
	cr_assert_eq(ipc_bytering_open(&p->cons, p->region, REGION, CAP, false),
		     0);
}

Test(bytering, geometry_is_checked)
{
	void *r = tu_region(REGION);
	uint32_t cap = 0;

	cr_assert_eq(ipc_ring_cap_for(REGION), CAP);
	cr_assert_eq(ipc_ring_cap_for(REGION + 63), CAP);
	cr_assert_eq(ipc_ring_cap_for(IPC_RING_HDR_LEN + 63), 0);
	cr_assert_eq(ipc_ring_format(r, REGION, IPC_RING_BYTES, CAP * 2),
		     -EINVAL);
	cr_assert_eq(ipc_ring_format(r, REGION, IPC_RING_BYTES, 48), -EINVAL);
	cr_assert_eq(ipc_ring_format(r, REGION, IPC_RING_CMD, CAP), -EINVAL);
	cr_assert_eq(ipc_ring_info_check(r, REGION, IPC_RING_BYTES, &cap),
		     -EPROTO);
	cr_assert_eq(ipc_ring_format(r, REGION, IPC_RING_BYTES, CAP), 0);
	cr_assert_eq(ipc_ring_info_check(r, REGION, IPC_RING_BYTES, &cap), 0);
	cr_assert_eq(cap, CAP);
	cr_assert_eq(ipc_ring_info_check(r, REGION, IPC_RING_RECORDS, &cap),
		     -EPROTO);
	cr_assert_eq(ipc_ring_info_check(r, REGION - 1, IPC_RING_BYTES, &cap),
		     -EPROTO);
	((struct ipc_ring_shm *)r)->info.cap = 1u << 20;
	cr_assert_eq(ipc_ring_info_check(r, REGION, IPC_RING_BYTES, &cap),
		     -EPROTO);
	free(r);
}

Test(bytering, copy_wraps_around_many_times)
{
	struct pair p;
	uint8_t in[CAP], out[CAP];
	uint32_t seq = 0, got = 0;

	pair_open(&p, 0);
	/* Chunk sizes coprime with the capacity visit every wrap offset. */
	for (int round = 0; round < 200; round++) {
		size_t n = 1 + (size_t)(round * 7) % (CAP - 1);

		for (size_t i = 0; i < n; i++)
			in[i] = (uint8_t)(seq + i);
		cr_assert_eq(ipc_bytering_write(&p.prod, in, n), (ssize_t)n);
		seq += (uint32_t)n;
		cr_assert_eq(ipc_bytering_read(&p.cons, out, CAP), (ssize_t)n);
		for (size_t i = 0; i < n; i++)
			cr_assert_eq(out[i], (uint8_t)(got + i), "round %d",
				     round);
		got += (uint32_t)n;
	}
	cr_assert_eq(tu_peek(&p.shm->idx.tail), seq);
	cr_assert_eq(tu_peek(&p.shm->idx.head), seq);
	free(p.region);
}

Test(bytering, counters_wrap_at_2_to_the_32)
{
	struct pair p;
	uint8_t in[40], out[40];

	pair_open(&p, 0xffffffe0u);
	for (int i = 0; i < 40; i++)
		in[i] = (uint8_t)i;
	for (int round = 0; round < 4; round++) {
		cr_assert_eq(ipc_bytering_write(&p.prod, in, 40), 40);
		cr_assert_eq(ipc_bytering_used(&p.cons), 40);
		cr_assert_eq(ipc_bytering_space(&p.prod), CAP - 40);
		cr_assert_eq(ipc_bytering_read(&p.cons, out, 40), 40);
		cr_assert_eq(memcmp(in, out, 40), 0);
	}
	cr_assert_eq(tu_peek(&p.shm->idx.head), 0xffffffe0u + 160);
	free(p.region);
}

Test(bytering, full_and_empty_edges)
{
	struct pair p;
	uint8_t buf[CAP + 10] = { 0 };

	pair_open(&p, 5);
	cr_assert_eq(ipc_bytering_read(&p.cons, buf, sizeof(buf)), 0);
	cr_assert_eq(ipc_bytering_used(&p.cons), 0);
	cr_assert_eq(ipc_bytering_write(&p.prod, buf, sizeof(buf)), CAP);
	cr_assert_eq(ipc_bytering_write(&p.prod, buf, 1), 0);
	cr_assert_eq(ipc_bytering_space(&p.prod), 0);
	cr_assert_eq(ipc_bytering_used(&p.prod), CAP);
	cr_assert_eq(ipc_bytering_read(&p.cons, buf, 1), 1);
	cr_assert_eq(ipc_bytering_write(&p.prod, buf, 5), 1);
	cr_assert_eq(ipc_bytering_read(&p.cons, buf, sizeof(buf)), CAP);
	cr_assert_eq(ipc_bytering_read(&p.cons, buf, sizeof(buf)), 0);
	free(p.region);
}

Test(bytering, zero_copy_spans_split_at_the_wrap)
{
	struct pair p;
	struct ipc_span sp[2];
	uint8_t tmp[CAP];

	pair_open(&p, 0);
	/* Move both indices to 10 bytes before the end of the data area. */
	cr_assert_eq(ipc_bytering_write(&p.prod, tmp, CAP - 10), CAP - 10);
	cr_assert_eq(ipc_bytering_read(&p.cons, tmp, CAP), CAP - 10);

	cr_assert_eq(ipc_bytering_reserve(&p.prod, sp), CAP);
	cr_assert_eq(sp[0].len, 10);
	cr_assert_eq(sp[0].p, p.prod.data + CAP - 10);
	cr_assert_eq(sp[1].len, CAP - 10);
	cr_assert_eq(sp[1].p, p.prod.data);
	memset(sp[0].p, 'a', 10);
	memset(sp[1].p, 'b', 15);
	cr_assert_eq(ipc_bytering_commit(&p.prod, 26), 0);
	cr_assert_eq(ipc_bytering_peek(&p.cons, sp), 26);
	cr_assert_eq(sp[0].len, 10);
	cr_assert_eq(sp[1].len, 16);
	cr_assert_eq(sp[0].p[9], 'a');
	cr_assert_eq(sp[1].p[14], 'b');
	cr_assert_eq(ipc_bytering_consume(&p.cons, 27), -EINVAL);
	cr_assert_eq(ipc_bytering_consume(&p.cons, 12), 0);
	cr_assert_eq(ipc_bytering_peek(&p.cons, sp), 14);
	cr_assert_eq(sp[0].p, p.cons.data + 2);
	cr_assert_eq(sp[0].len, 14);
	cr_assert_eq(sp[1].len, 0);
	cr_assert_eq(ipc_bytering_consume(&p.cons, 14), 0);
	cr_assert_eq(ipc_bytering_used(&p.cons), 0);
	free(p.region);
}

Test(bytering, commit_and_consume_are_bounded_by_the_span)
{
	struct pair p;
	struct ipc_span sp[2];
	uint8_t tmp[CAP] = { 0 };

	pair_open(&p, 0);
	cr_assert_eq(ipc_bytering_commit(&p.prod, 1), -EINVAL);
	cr_assert_eq(ipc_bytering_write(&p.prod, tmp, CAP - 4), CAP - 4);
	cr_assert_eq(ipc_bytering_reserve(&p.prod, sp), 4);
	cr_assert_eq(ipc_bytering_commit(&p.prod, 5), -EINVAL);
	cr_assert_eq(ipc_bytering_commit(&p.prod, 3), 0);
	cr_assert_eq(ipc_bytering_commit(&p.prod, 2), -EINVAL);
	cr_assert_eq(ipc_bytering_commit(&p.prod, 1), 0);
	cr_assert_eq(ipc_bytering_consume(&p.cons, 1), -EINVAL);
	cr_assert_eq(ipc_bytering_commit(&p.cons, 0), -EINVAL);
	cr_assert_eq(ipc_bytering_consume(&p.prod, 0), -EINVAL);
	free(p.region);
}

/* Every consumer entry point must refuse, without reading, a tail that
 * claims more than cap bytes or lies behind head. */
static void expect_consumer_eproto(struct pair *p)
{
	struct ipc_span sp[2];
	uint8_t buf[CAP * 4];

	cr_assert_eq(ipc_bytering_read(&p->cons, buf, sizeof(buf)), -EPROTO);
	cr_assert_eq(ipc_bytering_peek(&p->cons, sp), -EPROTO);
	cr_assert_eq(ipc_bytering_used(&p->cons), -EPROTO);
	cr_assert_eq(ipc_bytering_consume(&p->cons, 1), -EINVAL);
	cr_assert_eq(ipc_bytering_wait_prepare(&p->cons, 0, IPC_WAIT_SHARED),
		     -EPROTO);
}

static void expect_producer_eproto(struct pair *p)
{
	struct ipc_span sp[2];
	uint8_t buf[CAP * 4] = { 0 };

	cr_assert_eq(ipc_bytering_write(&p->prod, buf, sizeof(buf)), -EPROTO);
	cr_assert_eq(ipc_bytering_reserve(&p->prod, sp), -EPROTO);
	cr_assert_eq(ipc_bytering_space(&p->prod), -EPROTO);
	cr_assert_eq(ipc_bytering_commit(&p->prod, 1), -EINVAL);
	cr_assert_eq(ipc_bytering_wait_prepare(&p->prod, 1, IPC_WAIT_SHARED),
		     -EPROTO);
}

Test(bytering, corrupt_tail_is_eproto_without_reading)
{
	static const uint32_t bad[] = { CAP + 1, 0x80000000u, 0xffffffffu,
					1000 };
	struct pair p;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pair_open(&p, 100);
		tu_poke(&p.shm->idx.tail, 100 + bad[i]);
		expect_consumer_eproto(&p);
		/* The consumer's head never moved. */
		cr_assert_eq(tu_peek(&p.shm->idx.head), 100);
		free(p.region);
	}
	/* Exactly cap is legal: a full ring. */
	pair_open(&p, 100);
	tu_poke(&p.shm->idx.tail, 100 + CAP);
	cr_assert_eq(ipc_bytering_used(&p.cons), CAP);
	free(p.region);
}

Test(bytering, corrupt_head_is_eproto_without_writing)
{
	struct pair p;
	uint8_t buf[8] = { 0 };

	pair_open(&p, 100);
	cr_assert_eq(ipc_bytering_write(&p.prod, buf, 8), 8);
	/* head ahead of tail: "consumed" data never written. */
	tu_poke(&p.shm->idx.head, 109);
	expect_producer_eproto(&p);
	/* head more than cap behind tail. */
	tu_poke(&p.shm->idx.head, 108 - CAP - 1);
	expect_producer_eproto(&p);
	cr_assert_eq(tu_peek(&p.shm->idx.tail), 108);
	free(p.region);
}

Test(bytering, own_index_overwritten_by_peer_is_ignored)
{
	struct pair p;
	uint8_t in[16] = "0123456789abcde", out[16];

	pair_open(&p, 0);
	cr_assert_eq(ipc_bytering_write(&p.prod, in, 16), 16);
	/* A hostile consumer scribbles on tail; the producer's private copy
	 * still decides where the next byte goes, and the next publish
	 * repairs the shared word. */
	tu_poke(&p.shm->idx.tail, 0xdead);
	cr_assert_eq(ipc_bytering_write(&p.prod, in, 16), 16);
	cr_assert_eq(tu_peek(&p.shm->idx.tail), 32);
	cr_assert_eq(ipc_bytering_read(&p.cons, out, 16), 16);
	cr_assert_eq(memcmp(in, out, 16), 0);
	free(p.region);
}
