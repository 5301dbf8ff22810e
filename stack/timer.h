/* SPDX-License-Identifier: MIT */
/*
 * timer.h - one-shot timers on the engine clock, kept in a binary heap
 *
 * The engine drives all timers from a single uv_timer armed for
 * timers_next(); unit tests drive them by calling timers_run() with a
 * virtual clock.  Times are microseconds on a monotonic clock.
 * A timer callback may re-arm or cancel any timer, including itself.
 */
#ifndef NSSTACK_TIMER_H
#define NSSTACK_TIMER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TIMER_NEVER UINT64_MAX

struct timer;
typedef void timer_fn(struct timer *t);

struct timer {
	uint64_t expires; /* engine clock, µs */
	size_t slot;	  /* index in the heap, or SIZE_MAX when idle */
	timer_fn *fn;
};

struct timers {
	struct timer **heap;
	size_t count;
	size_t cap;
};

void timer_init(struct timer *t, timer_fn *fn);
int timer_arm(struct timers *ts, struct timer *t, uint64_t expires);
void timer_cancel(struct timers *ts, struct timer *t);
uint64_t timers_next(const struct timers *ts);
size_t timers_run(struct timers *ts, uint64_t now);
void timers_free(struct timers *ts);

static inline bool timer_armed(const struct timer *t)
{
	return t->slot != SIZE_MAX;
}

#endif /* NSSTACK_TIMER_H */
