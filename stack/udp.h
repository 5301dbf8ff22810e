/* SPDX-License-Identifier: MIT */
/*
 * udp.h - UDP (RFC 768, RFC 1122 4.1) over the engine's socket layer
 */
#ifndef NSSTACK_UDP_H
#define NSSTACK_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "wire/ipv4.h"

struct engine;
struct netif;
struct pkt;
struct sock;
struct udp_port;
struct json_object;

#define UDP_EPHEMERAL_TABLE 256 /* RFC 6056 algorithm 4 TABLE_LENGTH */

struct udp_table {
	struct udp_port *ports; /* uthash: local port -> its sockets */
	size_t nsocks;
	uint16_t perturb[UDP_EPHEMERAL_TABLE];
};

int udp_init(struct engine *eng);
void udp_fini(struct engine *eng);
void udp_input(struct netif *ifp, struct pkt *p, const struct ipv4_view *ip);
void udp_err(struct engine *eng, const struct ipv4_view *inner, int err,
	     bool hard);
struct sock *udp_lookup(struct engine *eng, uint32_t laddr, uint16_t lport,
			uint32_t raddr, uint16_t rport);
int udp_bind(struct sock *sk, uint32_t addr, uint16_t port);
int udp_autobind(struct sock *sk, uint32_t raddr, uint16_t rport);
void udp_unhash(struct sock *sk);
ssize_t udp_sendto(struct sock *sk, const void *buf, size_t len, uint32_t daddr,
		   uint16_t dport);
struct json_object *udp_dump(struct engine *eng);

#endif /* NSSTACK_UDP_H */
