// SPDX-License-Identifier: MIT
/*
 * test_engine_loop.c - protocol timers driven through the real libuv loop
 */
#include "engine.h"
#include "engine_loop.h"
#include "testutil.h"

struct probe {
	struct timer t;
	struct engine *eng;
	uint64_t armed_at, fired_at;
	int fired;
};

static struct probe a, b;

static void on_a(struct timer *t)
{
	struct probe *p = (struct probe *)t;

	p->fired++;
	p->fired_at = p->eng->now;
	/* Re-arm from inside a callback: the loop must pick it up. */
	if (p->fired == 1)
		engine_timer_arm(p->eng, &p->t, 3000);
}

static void on_b(struct timer *t)
{
	struct probe *p = (struct probe *)t;

	p->fired++;
	p->fired_at = p->eng->now;
	engine_loop_stop(p->eng);
}

Test(engine_loop, timers_fire_in_order_never_early_and_loop_sleeps_after)
{
	struct engine eng;

	cr_assert_eq(engine_init(&eng), 0);
	cr_assert_eq(engine_loop_init(&eng), 0);
	a.eng = b.eng = &eng;
	timer_init(&a.t, on_a);
	timer_init(&b.t, on_b);
	eng.now = engine_clock();
	a.armed_at = b.armed_at = eng.now;
	cr_assert_eq(engine_timer_arm(&eng, &a.t, 2000), 0);
	cr_assert_eq(engine_timer_arm(&eng, &b.t, 20000), 0);
	cr_assert_eq(engine_loop_run(&eng), 0, "stopped, not signalled");
	cr_assert_eq(a.fired, 2, "a fired, re-armed itself, fired again");
	cr_assert_eq(b.fired, 1);
	cr_assert_geq(b.fired_at - b.armed_at, 20000, "never early");
	cr_assert_lt(b.fired_at - b.armed_at, 500000, "not absurdly late");
	cr_assert_eq(timers_next(&eng.timers), TIMER_NEVER);
	engine_fini(&eng);
	engine_loop_fini(&eng);
}
