// SPDX-License-Identifier: MIT
/*
 * test_timer.c - the timer heap
 */
#include <stdlib.h>

#include "testutil.h"
#include "timer.h"

struct probe {
	struct timer t;
	int fired;
	uint64_t at;
};

static uint64_t clock_now;

static void on_fire(struct timer *t)
{
	struct probe *p = (struct probe *)t;

	p->fired++;
	p->at = clock_now;
}

Test(timer, fires_in_expiry_order_regardless_of_arm_order)
{
	struct timers ts = { 0 };
	struct probe p[200];
	unsigned int seed = 11;
	uint64_t last = 0;

	for (int i = 0; i < 200; i++) {
		timer_init(&p[i].t, on_fire);
		p[i].fired = 0;
		cr_assert_eq(timer_arm(&ts, &p[i].t,
				       1 + (uint64_t)(rand_r(&seed) % 1000)),
			     0);
	}
	while (timers_next(&ts) != TIMER_NEVER) {
		uint64_t next = timers_next(&ts);

		cr_assert_geq(next, last);
		last = next;
		clock_now = next;
		cr_assert_geq(timers_run(&ts, next), 1);
	}
	for (int i = 0; i < 200; i++) {
		cr_assert_eq(p[i].fired, 1);
		cr_assert_eq(p[i].at, p[i].t.expires);
	}
	timers_free(&ts);
}

Test(timer, cancel_and_rearm_keep_the_heap_consistent)
{
	struct timers ts = { 0 };
	struct probe p[64];

	for (int i = 0; i < 64; i++) {
		timer_init(&p[i].t, on_fire);
		p[i].fired = 0;
		timer_arm(&ts, &p[i].t, 100 + (uint64_t)i);
	}
	for (int i = 0; i < 64; i += 2)
		timer_cancel(&ts, &p[i].t);
	for (int i = 1; i < 64; i += 4)
		timer_arm(&ts, &p[i].t, 1000 - (uint64_t)i);
	timer_cancel(&ts, &p[0].t); /* already idle: harmless */
	cr_assert_eq(ts.count, 32);
	clock_now = 2000;
	cr_assert_eq(timers_run(&ts, 2000), 32);
	for (int i = 0; i < 64; i++) {
		cr_assert_eq(p[i].fired, i % 2);
		cr_assert_not(timer_armed(&p[i].t));
	}
	timers_free(&ts);
}

static struct timers *rearm_heap;

static void rearm_once(struct timer *t)
{
	struct probe *p = (struct probe *)t;

	if (p->fired++ == 0)
		timer_arm(rearm_heap, t, t->expires + 10);
}

Test(timer, callback_may_rearm_itself)
{
	struct timers ts = { 0 };
	struct probe p = { 0 };

	rearm_heap = &ts;
	timer_init(&p.t, rearm_once);
	timer_arm(&ts, &p.t, 5);
	cr_assert_eq(timers_run(&ts, 5), 1);
	cr_assert(timer_armed(&p.t));
	cr_assert_eq(timers_next(&ts), 15);
	cr_assert_eq(timers_run(&ts, 14), 0);
	cr_assert_eq(timers_run(&ts, 15), 1);
	cr_assert_eq(p.fired, 2);
	timers_free(&ts);
}
