// SPDX-License-Identifier: MIT
/*
 * test_doorbell.c - wake-me flags and eventfd doorbells: the eventfd is
 * written exactly when a sleeper is armed and the waker crosses its edge
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bytering.h"
#include "doorbell.h"
#include "ipc_testutil.h"

#define CAP 64u
#define REGION (IPC_RING_HDR_LEN + CAP)

struct bell {
	void *region;
	struct ipc_ring_shm *shm;
	struct ipc_bytering prod, cons;
	int cons_efd, prod_efd;
};

static void bell_open(struct bell *b)
{
	b->region = tu_region(REGION);
	b->shm = b->region;
	cr_assert_eq(ipc_ring_format(b->region, REGION, IPC_RING_BYTES, CAP),
		     0);
	cr_assert_eq(ipc_bytering_open(&b->prod, b->region, REGION, CAP, true),
		     0);
	cr_assert_eq(ipc_bytering_open(&b->cons, b->region, REGION, CAP, false),
		     0);
	cr_assert_eq(ipc_doorbell_open(&b->cons_efd), 0);
	cr_assert_eq(ipc_doorbell_open(&b->prod_efd), 0);
}

static void bell_close(struct bell *b)
{
	close(b->cons_efd);
	close(b->prod_efd);
	free(b->region);
}

static void put(struct bell *b, size_t n)
{
	uint8_t buf[CAP] = { 0 };

	cr_assert_eq(ipc_bytering_write(&b->prod, buf, n), (ssize_t)n);
}

static void get(struct bell *b, size_t n)
{
	uint8_t buf[CAP];

	cr_assert_eq(ipc_bytering_read(&b->cons, buf, n), (ssize_t)n);
}

Test(doorbell, unarmed_consumer_is_never_rung)
{
	struct bell b;

	bell_open(&b);
	put(&b, 10);
	cr_assert_eq(ipc_bytering_kick(&b.prod, b.cons_efd), 0);
	cr_assert_eq(ipc_doorbell_drain(b.cons_efd), 0);
	bell_close(&b);
}

Test(doorbell, armed_consumer_is_rung_once_on_empty_to_non_empty)
{
	struct bell b;

	bell_open(&b);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.cons, 0), 0);
	cr_assert_eq(tu_peek(&b.shm->idx.cons_wait), 1);
	put(&b, 1);
	cr_assert_eq(ipc_bytering_kick(&b.prod, b.cons_efd), 1);
	cr_assert_eq(tu_peek(&b.shm->idx.cons_wait), 0);
	/* One-shot: more data before the consumer re-arms rings nothing. */
	put(&b, 1);
	cr_assert_eq(ipc_bytering_kick(&b.prod, b.cons_efd), 0);
	cr_assert_eq(ipc_doorbell_drain(b.cons_efd), 1);
	cr_assert_eq(ipc_doorbell_drain(b.cons_efd), 0);
	bell_close(&b);
}

Test(doorbell, armed_flag_without_an_edge_does_not_ring)
{
	struct bell b;

	bell_open(&b);
	put(&b, 10);
	cr_assert_eq(ipc_bytering_kick(&b.prod, b.cons_efd), 0);
	/* The consumer has 10 unread bytes; a flag set now (stale, or by a
	 * confused peer) is no reason to ring: it will see the data. */
	tu_poke(&b.shm->idx.cons_wait, 1);
	put(&b, 10);
	cr_assert_eq(ipc_bytering_kick(&b.prod, b.cons_efd), 0);
	cr_assert_eq(ipc_doorbell_drain(b.cons_efd), 0);
	cr_assert_eq(tu_peek(&b.shm->idx.cons_wait), 1);
	bell_close(&b);
}

Test(doorbell, consumer_that_caught_up_between_kicks_is_rung)
{
	struct bell b;

	bell_open(&b);
	put(&b, 10);
	cr_assert_eq(ipc_bytering_kick(&b.prod, b.cons_efd), 0);
	/* Published without a kick; the consumer eats everything up to it
	 * and goes to sleep. */
	put(&b, 5);
	get(&b, 15);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.cons, 0), 0);
	put(&b, 5);
	cr_assert_eq(ipc_bytering_kick(&b.prod, b.cons_efd), 1);
	cr_assert_eq(ipc_doorbell_drain(b.cons_efd), 1);
	bell_close(&b);
}

Test(doorbell, kick_without_new_data_does_not_ring)
{
	struct bell b;

	bell_open(&b);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.cons, 0), 0);
	cr_assert_eq(ipc_bytering_kick(&b.prod, b.cons_efd), 0);
	cr_assert_eq(ipc_doorbell_drain(b.cons_efd), 0);
	bell_close(&b);
}

Test(doorbell, re_check_finds_data_and_cancels)
{
	struct bell b;

	bell_open(&b);
	put(&b, 3);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.cons, 0), 1);
	ipc_bytering_wait_cancel(&b.cons);
	cr_assert_eq(tu_peek(&b.shm->idx.cons_wait), 0);
	bell_close(&b);
}

Test(doorbell, armed_producer_is_rung_on_full_to_not_full)
{
	struct bell b;

	bell_open(&b);
	put(&b, CAP);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.prod, 1), 0);
	get(&b, 1);
	cr_assert_eq(ipc_bytering_kick(&b.cons, b.prod_efd), 1);
	get(&b, 1);
	cr_assert_eq(ipc_bytering_kick(&b.cons, b.prod_efd), 0);
	cr_assert_eq(ipc_doorbell_drain(b.prod_efd), 1);
	bell_close(&b);
}

Test(doorbell, unarmed_producer_is_never_rung)
{
	struct bell b;

	bell_open(&b);
	put(&b, CAP);
	get(&b, CAP);
	cr_assert_eq(ipc_bytering_kick(&b.cons, b.prod_efd), 0);
	cr_assert_eq(ipc_doorbell_drain(b.prod_efd), 0);
	bell_close(&b);
}

Test(doorbell, producer_threshold_rings_when_crossed)
{
	struct bell b;

	bell_open(&b);
	put(&b, CAP);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.prod, 32), 0);
	get(&b, 16);
	cr_assert_eq(ipc_bytering_kick(&b.cons, b.prod_efd), 0);
	cr_assert_eq(tu_peek(&b.shm->idx.prod_wait), 32);
	get(&b, 16);
	cr_assert_eq(ipc_bytering_kick(&b.cons, b.prod_efd), 1);
	cr_assert_eq(tu_peek(&b.shm->idx.prod_wait), 0);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.prod, CAP + 1), -EINVAL);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.prod, 0), -EINVAL);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.prod, 32), 1);
	bell_close(&b);
}

Test(doorbell, kick_reports_corrupt_peer_index)
{
	struct bell b;

	bell_open(&b);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.cons, 0), 0);
	put(&b, 4);
	tu_poke(&b.shm->idx.head, 1000);
	cr_assert_eq(ipc_bytering_kick(&b.prod, b.cons_efd), -EPROTO);
	bell_close(&b);
}

Test(doorbell, wait_times_out_wakes_and_sees_hang_up)
{
	struct timespec ts = { 0, 10000000L };
	int efd, sv[2];

	cr_assert_eq(ipc_doorbell_open(&efd), 0);
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	errno = 4242;
	cr_assert_eq(ipc_doorbell_wait(efd, sv[0], &ts, NULL), -ETIMEDOUT);
	cr_assert_eq(ipc_doorbell_ring(efd), 0);
	cr_assert_eq(ipc_doorbell_ring(efd), 0);
	cr_assert_eq(ipc_doorbell_wait(efd, sv[0], &ts, NULL), 0);
	/* Woken and drained: the counter is back to zero. */
	cr_assert_eq(ipc_doorbell_drain(efd), 0);
	close(sv[1]);
	cr_assert_eq(ipc_doorbell_wait(efd, sv[0], &ts, NULL), -ENETDOWN);
	cr_assert_eq(ipc_doorbell_wait(efd, -1, &ts, NULL), -ETIMEDOUT);
	/* Success and failure alike leave errno alone. */
	cr_assert_eq(errno, 4242);
	cr_assert_eq(ipc_doorbell_ring(-1), -EBADF);
	cr_assert_eq(errno, 4242);
	close(sv[0]);
	close(efd);
}
