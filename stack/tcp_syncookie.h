/* SPDX-License-Identifier: MIT */
/*
 * tcp_syncookie.h - SYN cookies: a listener's state folded into its ISN
 */
#ifndef NSSTACK_TCP_SYNCOOKIE_H
#define NSSTACK_TCP_SYNCOOKIE_H

#include <stdbool.h>
#include <stdint.h>

#include "siphash.h"
#include "tcp_isn.h"
#include "wire/tcp.h"

#define TCP_SYNCOOKIE_BITS 24
#define TCP_SYNCOOKIE_MASK ((1u << TCP_SYNCOOKIE_BITS) - 1)
#define TCP_SYNCOOKIE_PERIOD_US 60000000ull /* Linux: one count a minute */
#define TCP_SYNCOOKIE_MAX_AGE 2 /* counts; Linux MAX_SYNCOOKIE_AGE */

/* Option bits in the low bits of a cookie SYN-ACK's TSval. */
#define TCP_SYNCOOKIE_TSBITS 6
#define TCP_SYNCOOKIE_TSMASK ((1u << TCP_SYNCOOKIE_TSBITS) - 1)
#define TCP_SYNCOOKIE_WS_MAX 14	   /* RFC 7323 2.3 */
#define TCP_SYNCOOKIE_WS_NONE 0xfu /* the SYN had no window scale */
#define TCP_SYNCOOKIE_SACK 0x10u
#define TCP_SYNCOOKIE_ECN 0x20u	  /* never set: no ECN in the engine */
#define TCP_SYNCOOKIE_NO_TS 0x40u /* opts: the SYN had no timestamps */
#define TCP_SYNCOOKIE_BAD 0x80u	  /* tcp_syncookie_ts_decode() refused */

uint32_t tcp_syncookie_make(const struct siphash_key *secret,
			    const struct tcp_tuple *t, uint32_t peer_isn,
			    uint16_t peer_mss, uint32_t opts, uint64_t now_us,
			    uint16_t *mss_out);
int tcp_syncookie_check(const struct siphash_key *secret,
			const struct tcp_tuple *t, uint32_t peer_isn,
			uint32_t cookie, uint32_t opts, uint64_t now_us,
			uint16_t *mss_out);
uint32_t tcp_syncookie_opts(const struct tcp_opts *syn, bool ws_on,
			    bool sack_on);
uint32_t tcp_syncookie_tsval(uint32_t now_ts, uint32_t opts);
uint32_t tcp_syncookie_ts_decode(uint32_t tsecr, uint32_t now_ts);
uint32_t tcp_syncookie_ts_offset(const struct siphash_key *secret,
				 const struct tcp_tuple *t);

#endif /* NSSTACK_TCP_SYNCOOKIE_H */
