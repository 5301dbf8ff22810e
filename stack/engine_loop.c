// SPDX-License-Identifier: MIT
/*
 * engine_loop.c - the libuv loop: fd readiness, the one timer, signals
 *
 * Theory of operation
 *
 * Everything the engine does starts in one of four callbacks: an fd became
 * ready (uv_poll: devices, the control socket and its clients), the timer
 * fired, the capture flush timer fired, or SIGINT/SIGTERM arrived.  Each
 * callback first refreshes eng->now from the monotonic clock, so all work
 * done in it sees one consistent time, and ends with loop_settle(), which
 *
 *   - re-arms the single uv_timer for timers_next(&eng->timers), or stops
 *     it when no protocol timer is pending (no work per idle tick: an idle
 *     engine sleeps in epoll_wait with no timeout), and
 *   - starts the capture flush timer (100 ms, one-shot) when frames are
 *     buffered and it is not already running, so a reader of the capture
 *     file sees frames at most ~100 ms late without a flush per frame.
 *
 * libuv's timers have millisecond resolution; protocol timers are in µs,
 * so the delay is rounded up: a timer never fires early, and timers_run()
 * runs everything due at the wakeup.
 *
 * Signals: uv_signal turns SIGINT and SIGTERM into an orderly uv_stop();
 * engine_loop_run() returns and nsstackd tears down (devices, capture,
 * socket) in normal code, not in a signal handler.
 */
#include <errno.h>
#include <stdlib.h>
#include <uv.h>

#include "capture.h"
#include "engine.h"
#include "engine_loop.h"
#include "log.h"

#define CAPTURE_FLUSH_MS 100

struct engine_loop {
	uv_loop_t uv;
	uv_timer_t timer; /* protocol timers */
	uv_timer_t flush; /* capture flush */
	uv_signal_t sigint, sigterm;
	struct engine *eng;
	int stop_signal; /* the signal that stopped the loop, or 0 */
};

struct loop_watch {
	uv_poll_t poll;
	struct engine *eng;
	loop_watch_fn *fn;
	void *arg;
};

static void loop_settle(struct engine *eng);

static void timer_cb(uv_timer_t *t)
{
	struct engine *eng = t->data;

	eng->now = engine_clock();
	timers_run(&eng->timers, eng->now);
	loop_settle(eng);
}

static void flush_cb(uv_timer_t *t)
{
	struct engine *eng = t->data;

	if (eng->cap)
		capture_flush(eng->cap);
	loop_settle(eng);
}

static void loop_settle(struct engine *eng)
{
	struct engine_loop *l = eng->loop;
	uint64_t next = timers_next(&eng->timers);

	if (next == TIMER_NEVER) {
		uv_timer_stop(&l->timer);
	} else {
		uint64_t delay_ms = next > eng->now
					    ? (next - eng->now + 999) / 1000
					    : 0;

		/* uv_timer_start() replaces any earlier arming. */
		uv_timer_start(&l->timer, timer_cb, delay_ms, 0);
	}
	if (eng->cap && capture_dirty(eng->cap) &&
	    !uv_is_active((uv_handle_t *)&l->flush))
		uv_timer_start(&l->flush, flush_cb, CAPTURE_FLUSH_MS, 0);
}

static void signal_cb(uv_signal_t *s, int signum)
{
	struct engine *eng = s->data;
	struct engine_loop *l = eng->loop;

	log_info("%s: shutting down", signum == SIGINT ? "SIGINT" : "SIGTERM");
	l->stop_signal = signum;
	uv_stop(&l->uv);
}

/**
 * engine_loop_init() - a libuv loop for @eng, with its timers and signal
 * watchers ready (but not running until engine_loop_run())
 *
 * Return: 0 or -errno.
 */
int engine_loop_init(struct engine *eng)
{
	struct engine_loop *l = calloc(1, sizeof(*l));
	int rc;

	if (!l)
		return -ENOMEM;
	rc = uv_loop_init(&l->uv);
	if (rc) {
		free(l);
		return rc;
	}
	l->eng = eng;
	uv_timer_init(&l->uv, &l->timer);
	uv_timer_init(&l->uv, &l->flush);
	uv_signal_init(&l->uv, &l->sigint);
	uv_signal_init(&l->uv, &l->sigterm);
	l->timer.data = l->flush.data = eng;
	l->sigint.data = l->sigterm.data = eng;
	rc = uv_signal_start(&l->sigint, signal_cb, SIGINT);
	if (!rc)
		rc = uv_signal_start(&l->sigterm, signal_cb, SIGTERM);
	eng->loop = l;
	if (rc) {
		engine_loop_fini(eng);
		return rc;
	}
	return 0;
}

/**
 * engine_loop_run() - run until SIGINT, SIGTERM or engine_loop_stop()
 *
 * Return: the signal number that stopped the loop, or 0.
 */
int engine_loop_run(struct engine *eng)
{
	struct engine_loop *l = eng->loop;

	eng->now = engine_clock();
	loop_settle(eng);
	uv_run(&l->uv, UV_RUN_DEFAULT);
	return l->stop_signal;
}

/** engine_loop_stop() - make engine_loop_run() return after this callback. */
void engine_loop_stop(struct engine *eng)
{
	struct engine_loop *l = eng->loop;

	uv_stop(&l->uv);
}

static void watch_closed(uv_handle_t *h);

/* Close what is still open: the loop's own handles live in struct
 * engine_loop and need no freeing; a leftover watch is freed. */
static void walk_close(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (uv_is_closing(h))
		return;
	uv_close(h, h->type == UV_POLL ? watch_closed : NULL);
}

/**
 * engine_loop_fini() - close every handle and free the loop
 *
 * Call after the devices and the control socket have been closed (their
 * watches are then already closing); anything left is closed here.
 */
void engine_loop_fini(struct engine *eng)
{
	struct engine_loop *l = eng->loop;

	if (!l)
		return;
	uv_walk(&l->uv, walk_close, NULL);
	/* Run the close callbacks, which free the watches. */
	uv_run(&l->uv, UV_RUN_DEFAULT);
	if (uv_loop_close(&l->uv))
		log_warn("loop: handles still open at exit");
	free(l);
	eng->loop = NULL;
}

static void poll_cb(uv_poll_t *p, int status, int events)
{
	struct loop_watch *w = p->data;
	struct engine *eng = w->eng;
	int ev = 0;

	eng->now = engine_clock();
	if (status < 0) {
		w->fn(w->arg, status);
	} else {
		if (events & (UV_READABLE | UV_DISCONNECT))
			ev |= LOOP_READABLE;
		if (events & UV_WRITABLE)
			ev |= LOOP_WRITABLE;
		w->fn(w->arg, ev);
	}
	/* @w may be gone now (the callback can unwatch); @eng is not. */
	loop_settle(eng);
}

static int uv_events(int events)
{
	return (events & LOOP_READABLE ? UV_READABLE | UV_DISCONNECT : 0) |
	       (events & LOOP_WRITABLE ? UV_WRITABLE : 0);
}

/**
 * engine_loop_watch() - call @fn(@arg, events) when @fd is ready for
 * @events (LOOP_READABLE, LOOP_WRITABLE); level-triggered
 * @out: the watch, for engine_loop_rewatch() and engine_loop_unwatch()
 *
 * Without a loop (unit tests) this succeeds and watches nothing (@out is
 * set to NULL; rewatch and unwatch accept NULL).  Return: 0 or -errno.
 */
int engine_loop_watch(struct engine *eng, int fd, int events, loop_watch_fn *fn,
		      void *arg, struct loop_watch **out)
{
	struct engine_loop *l = eng->loop;
	struct loop_watch *w;
	int rc;

	*out = NULL;
	if (!l)
		return 0;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->eng = eng;
	w->fn = fn;
	w->arg = arg;
	rc = uv_poll_init(&l->uv, &w->poll, fd);
	if (rc) {
		free(w);
		return rc;
	}
	w->poll.data = w;
	rc = uv_poll_start(&w->poll, uv_events(events), poll_cb);
	if (rc) {
		engine_loop_unwatch(w);
		return rc;
	}
	*out = w;
	return 0;
}

/** engine_loop_rewatch() - change the events @w waits for; 0 or -errno. */
int engine_loop_rewatch(struct loop_watch *w, int events)
{
	if (!w)
		return 0;
	return uv_poll_start(&w->poll, uv_events(events), poll_cb);
}

static void watch_closed(uv_handle_t *h)
{
	free(h->data);
}

/**
 * engine_loop_unwatch() - stop watching; the watch is freed once libuv has
 * let go of it, so the caller may close the fd right away.
 */
void engine_loop_unwatch(struct loop_watch *w)
{
	if (!w)
		return;
	uv_poll_stop(&w->poll);
	w->fn = NULL;
	uv_close((uv_handle_t *)&w->poll, watch_closed);
}
