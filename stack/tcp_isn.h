/* SPDX-License-Identifier: MIT */
/*
 * tcp_isn.h - initial sequence numbers (RFC 6528) and the connection
 *             4-tuple they are keyed on
 */
#ifndef NSSTACK_TCP_ISN_H
#define NSSTACK_TCP_ISN_H

#include <stdint.h>

#include "siphash.h"
#include "wire/addr.h"

/**
 * struct tcp_tuple - a connection's addresses and ports
 * @laddr: local address; IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d)
 * @raddr: remote address, likewise
 * @lport: local port, host order
 * @rport: remote port, host order
 *
 * Hashes read it through tcp_tuple_bytes(), never as raw struct memory,
 * so padding can never leak into (or vary) a hash.
 */
struct tcp_tuple {
	struct ip6_addr laddr;
	struct ip6_addr raddr;
	uint16_t lport;
	uint16_t rport;
};

#define TCP_TUPLE_BYTES 36 /* 16 + 16 + 2 + 2 */

void tcp_tuple_v4(struct tcp_tuple *t, uint32_t laddr, uint16_t lport,
		  uint32_t raddr, uint16_t rport);
union tcp_addr;
void tcp_tuple_addr(struct tcp_tuple *t, const union tcp_addr *laddr,
		    uint16_t lport, const union tcp_addr *raddr,
		    uint16_t rport);
void tcp_tuple_bytes(const struct tcp_tuple *t, uint8_t out[TCP_TUPLE_BYTES]);
uint32_t tcp_isn(const struct siphash_key *secret, const struct tcp_tuple *t,
		 uint64_t now_us);

#endif /* NSSTACK_TCP_ISN_H */
