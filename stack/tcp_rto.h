/* SPDX-License-Identifier: MIT */
/*
 * tcp_rto.h - the retransmission timeout estimator of RFC 6298
 *
 * One struct tcp_rto per connection holds SRTT, RTTVAR and the current
 * backoff.  It reads no clock: the caller measures round-trip times in
 * microseconds and passes them in, which keeps the estimator a pure
 * function of its inputs and lets the tests replay RFC 6298's formulas.
 */
#ifndef NSSTACK_TCP_RTO_H
#define NSSTACK_TCP_RTO_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Defaults.  RFC 6298 2.4 says the RTO SHOULD be rounded up to 1 s; like
 * Linux (TCP_RTO_MIN, HZ/5) we use 200 ms, because a 1 s floor wastes most
 * of a second per loss on LAN and data-centre paths where the RTT is tens
 * of microseconds, and the RFC itself notes the 1 s floor is conservative.
 * The floor is configurable, so a deployment can choose the RFC's value.
 */
#define TCP_RTO_MIN_US 200000u	  /* Linux TCP_RTO_MIN */
#define TCP_RTO_MAX_US 120000000u /* Linux TCP_RTO_MAX; RFC 6298 2.5: >=60 s */
#define TCP_RTO_INITIAL_US 1000000u	 /* RFC 6298 2.1 */
#define TCP_RTO_SYN_FALLBACK_US 3000000u /* RFC 6298 5.7 */
/*
 * G, the clock granularity of RFC 6298 2.2.  The engine's timers fire from
 * one libuv timer, whose resolution is a millisecond.
 */
#define TCP_RTO_GRANULARITY_US 1000u

/**
 * struct tcp_rto_cfg - tunables of the estimator, all in microseconds
 * @min_us:         floor applied to every computed RTO (RFC 6298 2.4)
 * @max_us:         ceiling, also for the backed-off value (RFC 6298 2.5)
 * @initial_us:     RTO before the first sample (RFC 6298 2.1)
 * @granularity_us: G, the timer granularity (RFC 6298 2.2)
 */
struct tcp_rto_cfg {
	uint32_t min_us;
	uint32_t max_us;
	uint32_t initial_us;
	uint32_t granularity_us;
};

/**
 * struct tcp_rto - per-connection estimator state
 * @cfg:        tunables, copied at init
 * @srtt_us:    smoothed RTT, SRTT; meaningless until @has_sample
 * @rttvar_us:  RTT variation, RTTVAR
 * @rto_us:     RTO before backoff, already clamped to [min, max]
 * @backoff:    number of times the timer has expired since the last valid
 *              sample (RFC 6298 5.5 doubles the RTO on each expiry)
 * @has_sample: true once a first RTT measurement has been taken
 */
struct tcp_rto {
	struct tcp_rto_cfg cfg;
	uint32_t srtt_us;
	uint32_t rttvar_us;
	uint32_t rto_us;
	uint8_t backoff;
	bool has_sample;
};

void tcp_rto_cfg_default(struct tcp_rto_cfg *cfg);
void tcp_rto_init(struct tcp_rto *r, const struct tcp_rto_cfg *cfg);
void tcp_rto_sample(struct tcp_rto *r, uint32_t rtt_us);
bool tcp_rto_sample_usable(bool retransmitted, bool ts_echoed);
bool tcp_rto_on_ack(struct tcp_rto *r, uint32_t rtt_us, bool retransmitted,
		    bool ts_echoed);
uint32_t tcp_rto_timeout(const struct tcp_rto *r);
void tcp_rto_backoff(struct tcp_rto *r);
void tcp_rto_reset_backoff(struct tcp_rto *r);
void tcp_rto_syn_lost(struct tcp_rto *r);

#endif /* NSSTACK_TCP_RTO_H */
