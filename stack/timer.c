// SPDX-License-Identifier: MIT
/*
 * timer.c - a binary min-heap of one-shot timers
 *
 * Arm, cancel and re-arm are O(log n); finding the next expiry is O(1).
 * Each timer remembers its heap slot, so cancelling needs no search.
 */
#include <errno.h>
#include <stdlib.h>

#include "timer.h"

void timer_init(struct timer *t, timer_fn *fn)
{
	t->expires = TIMER_NEVER;
	t->slot = SIZE_MAX;
	t->fn = fn;
}

static void place(struct timers *ts, size_t i, struct timer *t)
{
	ts->heap[i] = t;
	t->slot = i;
}

static void sift_up(struct timers *ts, size_t i)
{
	struct timer *t = ts->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (ts->heap[parent]->expires <= t->expires)
			break;
		place(ts, i, ts->heap[parent]);
		i = parent;
	}
	place(ts, i, t);
}

static void sift_down(struct timers *ts, size_t i)
{
	struct timer *t = ts->heap[i];

	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= ts->count)
			break;
		if (child + 1 < ts->count &&
		    ts->heap[child + 1]->expires < ts->heap[child]->expires)
			child++;
		if (t->expires <= ts->heap[child]->expires)
			break;
		place(ts, i, ts->heap[child]);
		i = child;
	}
	place(ts, i, t);
}

/**
 * timer_arm() - (re)arm @t to fire at @expires
 *
 * Return: 0, or -ENOMEM if the heap could not grow (the timer stays idle).
 */
int timer_arm(struct timers *ts, struct timer *t, uint64_t expires)
{
	if (timer_armed(t)) {
		uint64_t old = t->expires;

		t->expires = expires;
		if (expires < old)
			sift_up(ts, t->slot);
		else
			sift_down(ts, t->slot);
		return 0;
	}
	if (ts->count == ts->cap) {
		size_t cap = ts->cap ? ts->cap * 2 : 64;
		struct timer **h = realloc(ts->heap,
					   cap * sizeof(struct timer *));

		if (!h)
			return -ENOMEM;
		ts->heap = h;
		ts->cap = cap;
	}
	t->expires = expires;
	place(ts, ts->count++, t);
	sift_up(ts, t->slot);
	return 0;
}

/** timer_cancel() - disarm @t; harmless if it is not armed. */
void timer_cancel(struct timers *ts, struct timer *t)
{
	size_t i = t->slot;
	struct timer *last;

	if (!timer_armed(t))
		return;
	t->slot = SIZE_MAX;
	last = ts->heap[--ts->count];
	if (last == t)
		return;
	place(ts, i, last);
	sift_down(ts, i);
	sift_up(ts, last->slot);
}

/** timers_next() - the earliest expiry, or TIMER_NEVER. */
uint64_t timers_next(const struct timers *ts)
{
	return ts->count ? ts->heap[0]->expires : TIMER_NEVER;
}

/**
 * timers_run() - fire every timer due at @now, earliest first
 *
 * A timer is disarmed before its callback runs, so the callback may re-arm
 * it.  A callback that re-arms for a time <= @now fires again in this call.
 *
 * Return: the number of callbacks run.
 */
size_t timers_run(struct timers *ts, uint64_t now)
{
	size_t n = 0;

	while (ts->count && ts->heap[0]->expires <= now) {
		struct timer *t = ts->heap[0];

		timer_cancel(ts, t);
		t->fn(t);
		n++;
	}
	return n;
}

void timers_free(struct timers *ts)
{
	for (size_t i = 0; i < ts->count; i++)
		ts->heap[i]->slot = SIZE_MAX;
	free(ts->heap);
	ts->heap = NULL;
	ts->count = ts->cap = 0;
}
