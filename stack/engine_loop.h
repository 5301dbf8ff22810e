/* SPDX-License-Identifier: MIT */
/*
 * engine_loop.h - the libuv event loop that drives an engine
 *
 * Only engine_loop.c includes uv.h: devices and the control socket ask for
 * readiness callbacks through engine_loop_watch(), so they stay testable
 * without a loop (eng->loop == NULL: watching is a no-op).
 */
#ifndef NSSTACK_ENGINE_LOOP_H
#define NSSTACK_ENGINE_LOOP_H

struct engine;
struct loop_watch;

#define LOOP_READABLE 1
#define LOOP_WRITABLE 2

/* Called with LOOP_* bits, or a negative errno when polling failed. */
typedef void loop_watch_fn(void *arg, int events);

int engine_loop_init(struct engine *eng);
int engine_loop_run(struct engine *eng);
void engine_loop_stop(struct engine *eng);
void engine_loop_fini(struct engine *eng);
int engine_loop_watch(struct engine *eng, int fd, int events, loop_watch_fn *fn,
		      void *arg, struct loop_watch **out);
int engine_loop_rewatch(struct loop_watch *w, int events);
void engine_loop_unwatch(struct loop_watch *w);

#endif /* NSSTACK_ENGINE_LOOP_H */
