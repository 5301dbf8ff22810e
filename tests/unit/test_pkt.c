// SPDX-License-Identifier: MIT
/*
 * test_pkt.c - packet buffers and queues
 */
#include "pkt.h"
#include "testutil.h"

Test(pkt, push_uses_headroom_and_refuses_beyond_it)
{
	struct pkt *p = pkt_alloc(100);

	cr_assert_eq(pkt_headroom(p), PKT_HEADROOM);
	cr_assert_eq(pkt_tailroom(p), 100);
	cr_assert_not_null(pkt_put(p, 60));
	cr_assert_not_null(pkt_push(p, PKT_HEADROOM));
	cr_assert_eq(p->len, 60 + PKT_HEADROOM);
	cr_assert_null(pkt_push(p, 1));
	cr_assert_null(pkt_put(p, 41));
	cr_assert_not_null(pkt_put(p, 40));
	pkt_pull(p, 10000);
	cr_assert_eq(p->len, 0);
	pkt_free(p);
}

Test(pkt, queue_is_fifo_and_counts)
{
	struct pktq q = { 0 };
	uint8_t b = 0;

	for (b = 0; b < 5; b++)
		pktq_push(&q, pkt_from(&b, 1));
	cr_assert_eq(q.count, 5);
	for (b = 0; b < 3; b++) {
		struct pkt *p = pktq_pop(&q);

		cr_assert_eq(p->data[0], b);
		pkt_free(p);
	}
	cr_assert_eq(q.count, 2);
	pktq_purge(&q);
	cr_assert_eq(q.count, 0);
	cr_assert_null(pktq_pop(&q));
}
