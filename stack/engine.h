/* SPDX-License-Identifier: MIT */
/*
 * engine.h - the state of one engine: clock, timers, interfaces, tables,
 * counters and capture
 *
 * Protocol modules reach everything through struct engine; there are no
 * file-static globals holding per-packet or per-table state.  Unit tests
 * build an engine without an event loop (tests/unit/fake_engine.h) and
 * drive its clock by hand.
 */
#ifndef NSSTACK_ENGINE_H
#define NSSTACK_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "netif.h"
#include "pkt.h"
#include "stats.h"
#include "sysctl.h"
#include "timer.h"

struct capture;
struct ctl;
struct neigh_table;
struct fib4;
struct frag4;
struct udp_table;
struct app_table;
struct tcp_table;
struct icmp4_state;
struct dhcp4c_table;
struct dhcp6c_table;
struct ip6_state;
struct igmp_state;

struct engine {
	uint64_t now; /* µs on CLOCK_MONOTONIC; refreshed by the loop */
	struct timers timers;
	struct netif *ifaces;
	int next_ifindex;
	struct stats stats;
	struct sysctl sysctl;
	uint8_t secret[16];  /* random key for hashes and ISNs (RFC 6528) */
	struct capture *cap; /* NULL when not capturing */
	struct ctl *ctl;     /* ctl.c: commands and the control socket */

	/* Protocol tables, owned by their modules. */
	struct neigh_table *neigh;
	struct fib4 *fib4;
	struct frag4 *frag4;
	struct udp_table *udp;
	struct app_table *apps; /* app.c: processes attached through the shim */
	struct tcp_table *tcp;
	struct icmp4_state *icmp4;
	struct dhcp4c_table *dhcp4c; /* dhcp4_client.c */
	struct dhcp6c_table *dhcp6c; /* dhcp6_client.c */
	struct ip6_state *ip6;	 /* ipv6.c and friends: addresses, FIB, ND */
	struct igmp_state *igmp; /* igmp.c: IPv4 group reports */

	void *loop; /* engine_loop.c: the libuv side; NULL in unit tests */
};

int engine_init(struct engine *eng);
void engine_fini(struct engine *eng);
uint64_t engine_clock(void);
int engine_timer_arm(struct engine *eng, struct timer *t, uint64_t delay_us);

/*
 * pkt_drop() - count, capture and free a packet that goes no further
 * @counter: the one counter that says why (e.g. &eng->stats.ip.IpInHdrErrors)
 * @reason: a short phrase for the capture's frame comment
 */
void pkt_drop(struct engine *eng, struct pkt *p, uint64_t *counter,
	      const char *reason);

#endif /* NSSTACK_ENGINE_H */
