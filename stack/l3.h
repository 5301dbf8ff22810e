/* SPDX-License-Identifier: MIT */
/*
 * l3.h - what the engine core calls in the L3 modules (ARP, neighbours,
 * routes, IPv4, ICMP, UDP, services)
 *
 * The core (nsstackd.c, ctl.c) only starts and stops the protocol modules
 * and hands them parsed configuration; each function here is defined by the
 * module named beside it.
 */
#ifndef NSSTACK_L3_H
#define NSSTACK_L3_H

#include <stdint.h>

struct engine;
struct netif;

/*
 * l3_init() - allocate the protocol tables (eng->neigh, fib4, frag4, udp,
 * icmp4) and register the "route" and "neigh" control commands with
 * ctl_register().  Called once, after engine_init() and before any
 * interface exists.  Return: 0 or -errno.
 */
int l3_init(struct engine *eng);

/* l3_fini() - free what l3_init() made; called before engine_fini(). */
void l3_fini(struct engine *eng);

/*
 * l3_netif_down() - @ifp is about to be removed (`nsctl link del`): forget
 * neighbours, routes and pending packets that point at it.
 */
void l3_netif_down(struct netif *ifp);

/*
 * route4_add() - route.c: add @prefix/@len via @gw (host order; 0 for an
 * on-link route) out of @ifp.  Return: 0 or -errno (-EEXIST, -ENOMEM,
 * -ENETUNREACH when @gw is not on a connected subnet of @ifp).
 */
int route4_add(struct engine *eng, uint32_t prefix, uint8_t len, uint32_t gw,
	       struct netif *ifp);

/*
 * services_start() - services.c: start the built-in servers named by @spec
 * ("echo:7,discard:9,chargen:19,daytime:13", already syntax-checked by
 * config_check_services()).  Return: 0 or -errno.
 */
int services_start(struct engine *eng, const char *spec);

#endif /* NSSTACK_L3_H */
