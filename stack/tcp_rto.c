// SPDX-License-Identifier: MIT
/*
 * tcp_rto.c - the retransmission timeout estimator of RFC 6298
 *
 * Theory of operation
 *
 * RFC 6298 section 2 keeps two averages of the measured round-trip time R:
 *
 *   first sample:  SRTT <- R, RTTVAR <- R/2
 *   later samples: RTTVAR <- (1 - beta) * RTTVAR + beta * |SRTT - R'|
 *                  SRTT   <- (1 - alpha) * SRTT + alpha * R'
 *   then:          RTO    <- SRTT + max(G, K * RTTVAR)
 *
 * with alpha = 1/8, beta = 1/4 and K = 4.  The RTO is clamped to
 * [min_us, max_us] (2.4, 2.5).  Each expiry of the timer doubles it (5.5)
 * up to max_us; the doubled value stays until a new valid sample arrives,
 * which is Karn's algorithm (section 3): samples from retransmitted
 * segments are ambiguous and are not taken, unless the timestamp option
 * says which transmission the ACK answers (RFC 7323 section 4.1).
 *
 * The averages are kept in whole microseconds and rounded to nearest at
 * each step.  Each step errs by at most half a microsecond and the EWMA
 * forgets old errors, so SRTT stays within 4 us and RTTVAR within 2 us of
 * exact arithmetic (the tests check this against the formulas in double
 * precision).  Against G = 1 ms that is noise.
 */
#include "tcp_rto.h"

/* RFC 6298 2.3: alpha = 1/8, beta = 1/4, K = 4. */
#define RTO_ALPHA_SHIFT 3
#define RTO_BETA_SHIFT 2
#define RTO_K 4

/* Shift with rounding to nearest, for the integer EWMA steps. */
static uint64_t shr_round(uint64_t v, unsigned int shift)
{
	return (v + ((uint64_t)1 << (shift - 1))) >> shift;
}

static uint32_t clamp_u64(uint64_t v, uint32_t lo, uint32_t hi)
{
	if (v < lo)
		return lo;
	if (v > hi)
		return hi;
	return (uint32_t)v;
}

/**
 * tcp_rto_cfg_default() - fill @cfg with the stack's defaults
 * @cfg: configuration to fill
 *
 * See tcp_rto.h for why the floor is Linux's 200 ms, not the RFC's 1 s.
 */
void tcp_rto_cfg_default(struct tcp_rto_cfg *cfg)
{
	cfg->min_us = TCP_RTO_MIN_US;
	cfg->max_us = TCP_RTO_MAX_US;
	cfg->initial_us = TCP_RTO_INITIAL_US;
	cfg->granularity_us = TCP_RTO_GRANULARITY_US;
}

/**
 * tcp_rto_init() - start an estimator with no samples
 * @r:   estimator to initialise
 * @cfg: tunables, copied; NULL selects tcp_rto_cfg_default()
 *
 * RFC 6298 2.1: until a measurement is made, RTO is the initial value.
 */
void tcp_rto_init(struct tcp_rto *r, const struct tcp_rto_cfg *cfg)
{
	struct tcp_rto z = { 0 };

	*r = z;
	if (cfg)
		r->cfg = *cfg;
	else
		tcp_rto_cfg_default(&r->cfg);
	if (r->cfg.max_us < r->cfg.min_us)
		r->cfg.max_us = r->cfg.min_us;
	r->rto_us = clamp_u64(r->cfg.initial_us, r->cfg.min_us, r->cfg.max_us);
}

/* RFC 6298 2.2 / 2.3: RTO <- SRTT + max(G, K * RTTVAR), then 2.4 / 2.5. */
static void rto_update(struct tcp_rto *r)
{
	uint64_t var = (uint64_t)RTO_K * r->rttvar_us;

	if (var < r->cfg.granularity_us)
		var = r->cfg.granularity_us;
	r->rto_us = clamp_u64(r->srtt_us + var, r->cfg.min_us, r->cfg.max_us);
}

/**
 * tcp_rto_sample() - feed one valid round-trip measurement
 * @r:      estimator
 * @rtt_us: measured RTT in microseconds; 0 is treated as 1
 *
 * The caller has already applied Karn's rule (tcp_rto_sample_usable()).
 * A valid sample ends any backoff: RFC 6298 5.7 lets the backed-off RTO
 * persist only until "an acknowledgment for a segment that was not
 * retransmitted" arrives, which is exactly when a usable sample exists.
 */
void tcp_rto_sample(struct tcp_rto *r, uint32_t rtt_us)
{
	if (rtt_us == 0)
		rtt_us = 1; /* a zero RTT would make RTTVAR collapse to 0 */
	if (!r->has_sample) {
		/* RFC 6298 2.2: the first measurement R. */
		r->srtt_us = rtt_us;
		r->rttvar_us = rtt_us / 2;
		r->has_sample = true;
	} else {
		/*
		 * RFC 6298 2.3: RTTVAR is updated first, with the old SRTT,
		 * "the above SHOULD be computed using alpha=1/8 and beta=1/4".
		 */
		uint64_t delta = r->srtt_us > rtt_us ? r->srtt_us - rtt_us
						     : rtt_us - r->srtt_us;
		uint64_t var = (uint64_t)r->rttvar_us * 3 + delta;
		uint64_t srtt = (uint64_t)r->srtt_us * 7 + rtt_us;

		r->rttvar_us = (uint32_t)shr_round(var, RTO_BETA_SHIFT);
		r->srtt_us = (uint32_t)shr_round(srtt, RTO_ALPHA_SHIFT);
	}
	r->backoff = 0;
	rto_update(r);
}

/**
 * tcp_rto_sample_usable() - Karn's rule: may this ACK yield an RTT sample?
 * @retransmitted: the acknowledged segment was sent more than once
 * @ts_echoed:     the RTT comes from a timestamp echo (TSecr) that names
 *                 the transmission being acknowledged
 *
 * RFC 6298 section 3: RTT samples MUST NOT be made using segments that
 * were retransmitted, because the ACK may answer either copy.  The only
 * exception is the timestamp option, which RFC 7323 4.1 says removes the
 * ambiguity since TSecr echoes the TSval of the copy that arrived.
 *
 * Return: true when the sample may be fed to tcp_rto_sample().
 */
bool tcp_rto_sample_usable(bool retransmitted, bool ts_echoed)
{
	return !retransmitted || ts_echoed;
}

/**
 * tcp_rto_on_ack() - apply Karn's rule and, if allowed, take the sample
 * @r:             estimator
 * @rtt_us:        measured RTT in microseconds
 * @retransmitted: see tcp_rto_sample_usable()
 * @ts_echoed:     see tcp_rto_sample_usable()
 *
 * An unusable sample leaves both the averages and the backoff alone, so
 * the doubled RTO survives until an unambiguous ACK (RFC 6298 5.7 and
 * Karn's algorithm).
 *
 * Return: true when the sample was taken.
 */
bool tcp_rto_on_ack(struct tcp_rto *r, uint32_t rtt_us, bool retransmitted,
		    bool ts_echoed)
{
	if (!tcp_rto_sample_usable(retransmitted, ts_echoed))
		return false;
	tcp_rto_sample(r, rtt_us);
	return true;
}

/**
 * tcp_rto_timeout() - the value to arm the retransmission timer with
 * @r: estimator
 *
 * RFC 6298 5.5: the RTO doubles on each expiry; 2.5 caps it at max_us.
 *
 * Return: the backed-off RTO in microseconds.
 */
uint32_t tcp_rto_timeout(const struct tcp_rto *r)
{
	uint64_t v = r->rto_us;

	for (unsigned int i = 0; i < r->backoff && v < r->cfg.max_us; i++)
		v <<= 1;
	return clamp_u64(v, r->cfg.min_us, r->cfg.max_us);
}

/**
 * tcp_rto_backoff() - the retransmission timer expired
 * @r: estimator
 *
 * RFC 6298 5.5: "The host MUST set RTO <- RTO * 2 ("back off the
 * timer")."  The count saturates once the doubled value reaches max_us,
 * so it cannot overflow however long the peer stays silent.
 */
void tcp_rto_backoff(struct tcp_rto *r)
{
	if (tcp_rto_timeout(r) < r->cfg.max_us && r->backoff < 32)
		r->backoff++;
}

/**
 * tcp_rto_reset_backoff() - forget the backoff without a new sample
 * @r: estimator
 *
 * For callers that restart a connection's timer state, e.g. after an
 * idle period; an ordinary valid sample already resets the backoff.
 */
void tcp_rto_reset_backoff(struct tcp_rto *r)
{
	r->backoff = 0;
}

/**
 * tcp_rto_syn_lost() - the SYN or SYN-ACK had to be retransmitted
 * @r: estimator
 *
 * RFC 6298 5.7: if the timer expired while waiting for the ACK of a SYN
 * and no RTT sample exists yet, the RTO MUST be re-initialised to 3 s when
 * data transmission begins.  The caller calls this on entering
 * ESTABLISHED when the handshake needed a retransmission.
 */
void tcp_rto_syn_lost(struct tcp_rto *r)
{
	r->backoff = 0;
	if (!r->has_sample && r->rto_us < TCP_RTO_SYN_FALLBACK_US)
		r->rto_us = clamp_u64(TCP_RTO_SYN_FALLBACK_US, r->cfg.min_us,
				      r->cfg.max_us);
}
