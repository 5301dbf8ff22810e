// SPDX-License-Identifier: MIT
/*
 * test_doorbell.c - wake-me masks and socket-pair doorbells: a doorbell
 * is rung exactly when a sleeper is armed and the waker crosses its edge,
 * and each armed waiter on its own doorbell
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bytering.h"
#include "doorbell.h"
#include "ipc_testutil.h"

#define CAP 64u
#define SH IPC_WAIT_SHARED
#define REGION (IPC_RING_HDR_LEN + CAP)

struct bell {
	void *region;
	struct ipc_ring_shm *shm;
	struct ipc_bytering prod, cons;
	int cons_bell[2], prod_bell[2];
	struct ipc_bells to_cons, to_prod;
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
	cr_assert_eq(ipc_doorbell_open(b->cons_bell), 0);
	cr_assert_eq(ipc_doorbell_open(b->prod_bell), 0);
	b->to_cons = (struct ipc_bells){ .shared = b->cons_bell[IPC_BELL_RING] };
	b->to_prod = (struct ipc_bells){ .shared = b->prod_bell[IPC_BELL_RING] };
}

static void bell_close(struct bell *b)
{
	close(b->cons_bell[0]);
	close(b->cons_bell[1]);
	close(b->prod_bell[0]);
	close(b->prod_bell[1]);
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
	cr_assert_eq(ipc_bytering_kick(&b.prod, &b.to_cons), 0);
	cr_assert_eq(ipc_doorbell_drain(b.cons_bell[IPC_BELL_WAIT]), 0);
	bell_close(&b);
}

Test(doorbell, armed_consumer_is_rung_once_on_empty_to_non_empty)
{
	struct bell b;

	bell_open(&b);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.cons, 0, SH), 0);
	cr_assert_eq(tu_peek64(&b.shm->idx.cons_wait), SH);
	put(&b, 1);
	cr_assert_eq(ipc_bytering_kick(&b.prod, &b.to_cons), 1);
	cr_assert_eq(tu_peek64(&b.shm->idx.cons_wait), 0);
	/* One-shot: more data before the consumer re-arms rings nothing. */
	put(&b, 1);
	cr_assert_eq(ipc_bytering_kick(&b.prod, &b.to_cons), 0);
	cr_assert_eq(ipc_doorbell_drain(b.cons_bell[IPC_BELL_WAIT]), 1);
	cr_assert_eq(ipc_doorbell_drain(b.cons_bell[IPC_BELL_WAIT]), 0);
	bell_close(&b);
}

Test(doorbell, armed_flag_without_an_edge_does_not_ring)
{
	struct bell b;

	bell_open(&b);
	put(&b, 10);
	cr_assert_eq(ipc_bytering_kick(&b.prod, &b.to_cons), 0);
	/* The consumer has 10 unread bytes; a flag set now (stale, or by a
	 * confused peer) is no reason to ring: it will see the data. */
	tu_poke64(&b.shm->idx.cons_wait, SH);
	put(&b, 10);
	cr_assert_eq(ipc_bytering_kick(&b.prod, &b.to_cons), 0);
	cr_assert_eq(ipc_doorbell_drain(b.cons_bell[IPC_BELL_WAIT]), 0);
	cr_assert_eq(tu_peek64(&b.shm->idx.cons_wait), SH);
	bell_close(&b);
}

Test(doorbell, consumer_that_caught_up_between_kicks_is_rung)
{
	struct bell b;

	bell_open(&b);
	put(&b, 10);
	cr_assert_eq(ipc_bytering_kick(&b.prod, &b.to_cons), 0);
	/* Published without a kick; the consumer eats everything up to it
	 * and goes to sleep. */
	put(&b, 5);
	get(&b, 15);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.cons, 0, SH), 0);
	put(&b, 5);
	cr_assert_eq(ipc_bytering_kick(&b.prod, &b.to_cons), 1);
	cr_assert_eq(ipc_doorbell_drain(b.cons_bell[IPC_BELL_WAIT]), 1);
	bell_close(&b);
}

Test(doorbell, kick_without_new_data_does_not_ring)
{
	struct bell b;

	bell_open(&b);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.cons, 0, SH), 0);
	cr_assert_eq(ipc_bytering_kick(&b.prod, &b.to_cons), 0);
	cr_assert_eq(ipc_doorbell_drain(b.cons_bell[IPC_BELL_WAIT]), 0);
	bell_close(&b);
}

Test(doorbell, re_check_finds_data_and_cancels)
{
	struct bell b;

	bell_open(&b);
	put(&b, 3);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.cons, 0, SH), 1);
	ipc_bytering_wait_cancel(&b.cons, SH);
	cr_assert_eq(tu_peek64(&b.shm->idx.cons_wait), 0);
	bell_close(&b);
}

Test(doorbell, armed_producer_is_rung_on_full_to_not_full)
{
	struct bell b;

	bell_open(&b);
	put(&b, CAP);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.prod, 1, SH), 0);
	get(&b, 1);
	cr_assert_eq(ipc_bytering_kick(&b.cons, &b.to_prod), 1);
	get(&b, 1);
	cr_assert_eq(ipc_bytering_kick(&b.cons, &b.to_prod), 0);
	cr_assert_eq(ipc_doorbell_drain(b.prod_bell[IPC_BELL_WAIT]), 1);
	bell_close(&b);
}

Test(doorbell, unarmed_producer_is_never_rung)
{
	struct bell b;

	bell_open(&b);
	put(&b, CAP);
	get(&b, CAP);
	cr_assert_eq(ipc_bytering_kick(&b.cons, &b.to_prod), 0);
	cr_assert_eq(ipc_doorbell_drain(b.prod_bell[IPC_BELL_WAIT]), 0);
	bell_close(&b);
}

Test(doorbell, producer_threshold_rings_when_crossed)
{
	struct bell b;

	bell_open(&b);
	put(&b, CAP);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.prod, 32, SH), 0);
	get(&b, 16);
	cr_assert_eq(ipc_bytering_kick(&b.cons, &b.to_prod), 0);
	cr_assert_eq(tu_peek64(&b.shm->idx.prod_wait), SH);
	cr_assert_eq(tu_peek(&b.shm->idx.prod_need), 32);
	get(&b, 16);
	cr_assert_eq(ipc_bytering_kick(&b.cons, &b.to_prod), 1);
	cr_assert_eq(tu_peek64(&b.shm->idx.prod_wait), 0);
	cr_assert_eq(tu_peek(&b.shm->idx.prod_need), 0);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.prod, CAP + 1, SH), -EINVAL);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.prod, 0, SH), -EINVAL);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.prod, 32, SH), 1);
	bell_close(&b);
}

Test(doorbell, kick_reports_corrupt_peer_index)
{
	struct bell b;

	bell_open(&b);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.cons, 0, SH), 0);
	put(&b, 4);
	tu_poke(&b.shm->idx.head, 1000);
	cr_assert_eq(ipc_bytering_kick(&b.prod, &b.to_cons), -EPROTO);
	bell_close(&b);
}

Test(doorbell, wait_times_out_wakes_and_sees_hang_up)
{
	struct timespec ts = { 0, 10000000L };
	int bell[2], sv[2], w;

	cr_assert_eq(ipc_doorbell_open(bell), 0);
	w = bell[IPC_BELL_WAIT];
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	errno = 4242;
	cr_assert_eq(ipc_doorbell_wait(w, sv[0], &ts, NULL), -ETIMEDOUT);
	cr_assert_eq(ipc_doorbell_ring(bell[IPC_BELL_RING]), 0);
	cr_assert_eq(ipc_doorbell_ring(bell[IPC_BELL_RING]), 0);
	cr_assert_eq(ipc_doorbell_wait(w, sv[0], &ts, NULL), 0);
	/* Woken and drained: both rings are gone. */
	cr_assert_eq(ipc_doorbell_drain(w), 0);
	close(sv[1]);
	cr_assert_eq(ipc_doorbell_wait(w, sv[0], &ts, NULL), -ENETDOWN);
	cr_assert_eq(ipc_doorbell_wait(w, -1, &ts, NULL), -ETIMEDOUT);
	/* Success and failure alike leave errno alone. */
	cr_assert_eq(errno, 4242);
	cr_assert_eq(ipc_doorbell_ring(-1), -EBADF);
	cr_assert_eq(errno, 4242);
	close(sv[0]);
	close(bell[0]);
	close(bell[1]);
}

/* Two consumer threads asleep on one ring, each on its own doorbell. */
Test(doorbell, each_armed_waiter_is_rung_on_its_own_doorbell)
{
	int mine[2][2], priv[IPC_WAITERS], i;
	struct ipc_bells to = { .priv = priv };
	struct bell b;

	bell_open(&b);
	to.shared = b.cons_bell[IPC_BELL_RING];
	for (i = 0; i < (int)IPC_WAITERS; i++)
		priv[i] = -1;
	cr_assert_eq(ipc_doorbell_open(mine[0]), 0);
	cr_assert_eq(ipc_doorbell_open(mine[1]), 0);
	priv[3] = mine[0][IPC_BELL_RING];
	priv[40] = mine[1][IPC_BELL_RING];
	cr_assert_eq(ipc_bytering_wait_prepare(&b.cons, 0, IPC_WAITER_BIT(3)),
		     0);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.cons, 0, IPC_WAITER_BIT(40)),
		     0);
	cr_assert_eq(tu_peek64(&b.shm->idx.cons_wait),
		     IPC_WAITER_BIT(3) | IPC_WAITER_BIT(40));
	put(&b, 1);
	cr_assert_eq(ipc_bytering_kick(&b.prod, &to), 1);
	cr_assert_eq(ipc_doorbell_drain(mine[0][IPC_BELL_WAIT]), 1);
	cr_assert_eq(ipc_doorbell_drain(mine[1][IPC_BELL_WAIT]), 1);
	/* Nobody slept on the shared doorbell: it stays silent. */
	cr_assert_eq(ipc_doorbell_drain(b.cons_bell[IPC_BELL_WAIT]), 0);
	for (i = 0; i < 2; i++) {
		close(mine[i][0]);
		close(mine[i][1]);
	}
	bell_close(&b);
}

Test(doorbell, a_waiter_that_cancels_leaves_the_others_armed)
{
	int mine[2], priv[IPC_WAITERS], i;
	struct ipc_bells to = { .priv = priv };
	struct bell b;

	bell_open(&b);
	to.shared = b.cons_bell[IPC_BELL_RING];
	for (i = 0; i < (int)IPC_WAITERS; i++)
		priv[i] = -1;
	cr_assert_eq(ipc_doorbell_open(mine), 0);
	priv[0] = mine[IPC_BELL_RING];
	cr_assert_eq(ipc_bytering_wait_prepare(&b.cons, 0, IPC_WAITER_BIT(0)),
		     0);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.cons, 0, SH), 0);
	ipc_bytering_wait_cancel(&b.cons, SH);
	cr_assert_eq(tu_peek64(&b.shm->idx.cons_wait), IPC_WAITER_BIT(0));
	put(&b, 1);
	cr_assert_eq(ipc_bytering_kick(&b.prod, &to), 1);
	cr_assert_eq(ipc_doorbell_drain(mine[IPC_BELL_WAIT]), 1);
	cr_assert_eq(ipc_doorbell_drain(b.cons_bell[IPC_BELL_WAIT]), 0);
	close(mine[0]);
	close(mine[1]);
	bell_close(&b);
}

Test(doorbell, waiter_without_a_doorbell_is_rung_on_the_shared_one)
{
	int priv[IPC_WAITERS], i;
	struct ipc_bells to = { .priv = priv };
	struct bell b;

	bell_open(&b);
	to.shared = b.cons_bell[IPC_BELL_RING];
	for (i = 0; i < (int)IPC_WAITERS; i++)
		priv[i] = -1;
	cr_assert_eq(ipc_bytering_wait_prepare(&b.cons, 0, IPC_WAITER_BIT(7)),
		     0);
	put(&b, 1);
	cr_assert_eq(ipc_bytering_kick(&b.prod, &to), 1);
	cr_assert_eq(ipc_doorbell_drain(b.cons_bell[IPC_BELL_WAIT]), 1);
	bell_close(&b);
}

/*
 * Each arming states its own need.  A producer that armed for a little
 * room, found it and cancelled, must not leave its need behind: the next
 * producer waits for more, and the waker, seeing the old need long
 * crossed, would never see an edge (a 50 MB send from a threaded
 * http.server stalled so, 1 curl in 12).
 */
Test(doorbell, a_cancelled_producers_need_does_not_outlive_it)
{
	struct bell b;

	bell_open(&b);
	put(&b, CAP);
	get(&b, 4);
	/* Armed for 2, room found: cancelled without a take. */
	cr_assert_eq(ipc_bytering_wait_prepare(&b.prod, 2, IPC_WAITER_BIT(1)),
		     1);
	ipc_bytering_wait_cancel(&b.prod, IPC_WAITER_BIT(1));
	put(&b, 4);
	cr_assert_eq(ipc_bytering_wait_prepare(&b.prod, 32, IPC_WAITER_BIT(2)),
		     0);
	cr_assert_eq(tu_peek(&b.shm->idx.prod_need), 32);
	get(&b, 16);
	cr_assert_eq(ipc_bytering_kick(&b.cons, &b.to_prod), 0);
	get(&b, 16);
	cr_assert_eq(ipc_bytering_kick(&b.cons, &b.to_prod), 1);
	cr_assert_eq(tu_peek64(&b.shm->idx.prod_wait), 0);
	cr_assert_eq(tu_peek(&b.shm->idx.prod_need), 0);
	bell_close(&b);
}

/*
 * The sleeper holds the other end and may clear O_NONBLOCK on it and stop
 * draining (as an app can): a ring into a full doorbell must still
 * return at once, and a ring into one whose sleeper is gone must not
 * raise SIGPIPE.
 */
Test(doorbell, a_full_or_abandoned_doorbell_never_blocks_the_ringer)
{
	int bell[2], i;

	cr_assert_eq(ipc_doorbell_open(bell), 0);
	cr_assert_eq(fcntl(bell[IPC_BELL_WAIT], F_SETFL, 0), 0);
	cr_assert_eq(fcntl(bell[IPC_BELL_RING], F_SETFL, 0), 0);
	for (i = 0; i < 1000000; i++)
		cr_assert_eq(ipc_doorbell_ring(bell[IPC_BELL_RING]), 0);
	cr_assert_eq(ipc_doorbell_drain(bell[IPC_BELL_WAIT]), 1);
	close(bell[IPC_BELL_WAIT]);
	cr_assert_eq(ipc_doorbell_ring(bell[IPC_BELL_RING]), 0);
	close(bell[IPC_BELL_RING]);
}
