/* SPDX-License-Identifier: MIT */
/*
 * icmp4.h - the engine's ICMP for IPv4: echo, errors out with Linux's rate
 * limits, errors in to the transport that owns the flow
 */
#ifndef NSSTACK_ICMP4_H
#define NSSTACK_ICMP4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/icmp4.h"
#include "wire/ipv4.h"

struct engine;
struct netif;
struct pkt;
struct icmp4_peer;

#define ICMP4_PEERS_MAX 4096
#define ICMP4_XRLIM_BURST 6 /* Linux XRLIM_BURST_FACTOR */
/* RFC 1812 4.3.2.3: an error is at most 576 bytes, IP header included. */
#define ICMP4_ERR_MAX_LEN 576

struct icmp4_state {
	uint64_t credit_stamp;	  /* µs: last refill of the global bucket */
	uint32_t credit;	  /* global tokens, at most icmp_msgs_burst */
	struct icmp4_peer *peers; /* uthash: per-destination buckets */
	size_t npeers;
};

int icmp4_init(struct engine *eng);
void icmp4_fini(struct engine *eng);
void icmp4_input(struct netif *ifp, struct pkt *p, const struct ipv4_view *ip);
void icmp4_send_error(struct engine *eng, const uint8_t *dgram, size_t len,
		      uint8_t type, uint8_t code, uint32_t info);
bool icmp4_ratelimit_ok(struct engine *eng, uint8_t type, uint8_t code,
			uint32_t dst);
int icmp4_err_errno(uint8_t type, uint8_t code, bool *hard);

#endif /* NSSTACK_ICMP4_H */
