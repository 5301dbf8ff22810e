/* SPDX-License-Identifier: MIT */
/*
 * tcp_syncookie.h - SYN cookies: a listener's state folded into its ISN
 */
#ifndef NSSTACK_TCP_SYNCOOKIE_H
#define NSSTACK_TCP_SYNCOOKIE_H

#include <stdint.h>

#include "siphash.h"
#include "tcp_isn.h"

#define TCP_SYNCOOKIE_BITS 24
#define TCP_SYNCOOKIE_MASK ((1u << TCP_SYNCOOKIE_BITS) - 1)
#define TCP_SYNCOOKIE_PERIOD_US 60000000ull /* Linux: one count a minute */
#define TCP_SYNCOOKIE_MAX_AGE 2 /* counts; Linux MAX_SYNCOOKIE_AGE */

uint32_t tcp_syncookie_make(const struct siphash_key *secret,
			    const struct tcp_tuple *t, uint32_t peer_isn,
			    uint16_t peer_mss, uint64_t now_us,
			    uint16_t *mss_out);
int tcp_syncookie_check(const struct siphash_key *secret,
			const struct tcp_tuple *t, uint32_t peer_isn,
			uint32_t cookie, uint64_t now_us, uint16_t *mss_out);

#endif /* NSSTACK_TCP_SYNCOOKIE_H */
