/* SPDX-License-Identifier: MIT */
/*
 * app.h - attached applications: the engine's side of libnsshim.so
 *
 * An app attaches on the control socket with a binary HELLO; the engine
 * gives it an arena, a command ring and doorbells, and from then on serves
 * its commands and moves datagrams between its rings and engine sockets.
 * The layout and argument encoding are in include/nsstack/shimproto.h.
 */
#ifndef NSSTACK_APP_H
#define NSSTACK_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct engine;
struct app;

/**
 * struct app_stats - protocol errors by attached apps, one per reason
 * @ShimAttaches:	apps attached
 * @ShimRejects:	attaches refused (credentials, version, limits)
 * @ShimBadCmds:	commands refused as malformed (bad op, id, length)
 * @ShimBadRings:	rings whose indices or records were garbage
 * @ShimRxDrops:	datagrams dropped because the app's record was bad
 * @ShimTxDatagrams:	datagrams taken from apps' tx rings
 * @ShimRxDatagrams:	datagrams put into apps' rx rings
 * @ShimTcpTxBytes:	stream bytes taken from apps' tx rings into TCP
 * @ShimTcpRxBytes:	stream bytes put into apps' rx rings
 * @ShimAccepts:	connections handed to apps (ACCEPT or accept ring)
 * @ShimAcceptRing:	of those, accepted ahead into a listener's accept
 *			ring (no command)
 * @ShimShares:		sockets shared into a forked child (SHARE)
 * @ShimShareDenied:	SHAREs refused: unknown parent or wrong secret
 * @ShimPasses:		anchors made to pass a socket (PASS)
 * @ShimAdopts:		sockets adopted from a received fd (ADOPT)
 * @ShimAdoptDenied:	ADOPTs of an fd that is no passed anchor
 * @ShimCtlBad:		control messages after WELCOME that were malformed,
 *			of an unknown type, or came with the wrong fds
 * @ShimWaiters:	private waiters' doorbells made (WAITER)
 */
struct app_stats {
	uint64_t ShimAttaches;
	uint64_t ShimRejects;
	uint64_t ShimBadCmds;
	uint64_t ShimBadRings;
	uint64_t ShimRxDrops;
	uint64_t ShimTxDatagrams;
	uint64_t ShimRxDatagrams;
	uint64_t ShimTcpTxBytes;
	uint64_t ShimTcpRxBytes;
	uint64_t ShimAccepts;
	uint64_t ShimAcceptRing;
	uint64_t ShimShares;
	uint64_t ShimShareDenied;
	uint64_t ShimPasses;
	uint64_t ShimAdopts;
	uint64_t ShimAdoptDenied;
	uint64_t ShimCtlBad;
	uint64_t ShimWaiters;
};

int app_init(struct engine *eng);
void app_fini(struct engine *eng);
bool app_is_hello(const void *buf, size_t len);
int app_attach(struct engine *eng, int fd, const void *hello, size_t len);
const struct app_stats *app_stats(const struct engine *eng);

/* For tests: what the loop would do when the app's doorbell rings, when
 * its control socket hangs up, and the app of a client id. */
void app_doorbell(struct app *a);
void app_detach(struct app *a);
struct app *app_find(struct engine *eng, uint32_t client_id);
unsigned int app_count(const struct engine *eng);
unsigned int app_nsocks(const struct app *a);
/* For tests: what the loop does when the control socket is readable, when
 * a passed anchor's peer may have hung up; anchors alive. */
void app_ctl_ready(struct app *a);
void app_pass_poll(struct engine *eng);
unsigned int app_npasses(const struct engine *eng);

#endif /* NSSTACK_APP_H */
