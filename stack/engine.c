// SPDX-License-Identifier: MIT
/*
 * engine.c - engine state: set-up, tear-down, the clock, drops
 *
 * The event loop lives in engine_loop.c; everything here also runs in unit
 * tests, which have no loop and set eng->now themselves.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "capture.h"
#include "ctl.h"
#include "engine.h"

/** engine_clock() - CLOCK_MONOTONIC in microseconds. */
uint64_t engine_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/**
 * engine_init() - an engine with no interfaces, Linux's sysctl defaults and
 * a fresh random secret
 *
 * Return: 0, or -errno if the kernel would not give us random bytes.
 */
int engine_init(struct engine *eng)
{
	memset(eng, 0, sizeof(*eng));
	sysctl_defaults(&eng->sysctl);
	eng->next_ifindex = 1;
	eng->now = engine_clock();
	if (getrandom(eng->secret, sizeof(eng->secret), 0) !=
	    (ssize_t)sizeof(eng->secret))
		return -errno;
	return 0;
}

/**
 * engine_fini() - remove every interface, stop capturing, free the command
 * table and the timer heap
 */
void engine_fini(struct engine *eng)
{
	while (eng->ifaces)
		netif_remove(eng->ifaces);
	capture_close(eng->cap);
	eng->cap = NULL;
	ctl_fini(eng);
	timers_free(&eng->timers);
}

/** engine_timer_arm() - arm @t to fire @delay_us from now. */
int engine_timer_arm(struct engine *eng, struct timer *t, uint64_t delay_us)
{
	return timer_arm(&eng->timers, t, eng->now + delay_us);
}

void pkt_drop(struct engine *eng, struct pkt *p, uint64_t *counter,
	      const char *reason)
{
	(*counter)++;
	if (p->ifp)
		p->ifp->stats.rx_dropped++;
	if (eng->cap && p->rx_frame)
		capture_drop(eng->cap, p->ifp, p->rx_frame, p->rx_len, reason);
	pkt_free(p);
}
