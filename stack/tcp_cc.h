/* SPDX-License-Identifier: MIT */
/*
 * tcp_cc.h - congestion control behind an ops struct
 *
 * Theory of operation
 *
 * Every connection owns a struct tcp_cc_state: the congestion window, the
 * slow-start threshold, SMSS and the fast-recovery bookkeeping that all
 * algorithms share, plus a union for an algorithm's private state.  The
 * algorithm is a const struct tcp_cc_ops found by name (TCP_CONGESTION),
 * so switching algorithms is a pointer change and the TCB calls the
 * algorithm only through the tcp_cc_*() wrappers below.
 *
 * The TCB owns loss detection (dupack counting, SACK, timers) and tells the
 * algorithm what happened:
 *
 *   tcp_cc_on_ack()            an ACK advanced SND.UNA
 *   tcp_cc_on_dupack()         a duplicate ACK arrived during fast recovery
 *   tcp_cc_on_congestion_event()  loss detected by dupacks or SACK: the
 *                              fast retransmit of RFC 5681 3.2 steps 2-3
 *   tcp_cc_on_recovery_exit()  SACK-based recovery (RFC 6675) ended
 *   tcp_cc_on_rto_timeout()    the retransmission timer expired
 *   tcp_cc_undo()              the last loss signal proved spurious
 *
 * During fast recovery every algorithm here keeps the window accounting
 * of RFC 5681 3.2 (inflate by SMSS per duplicate ACK).  A SACK-enabled TCB
 * that runs PRR (RFC 6937, tcp_sack.h) instead sets cwnd itself from
 * tcp_prr_on_ack() after each tcp_cc_on_ack() while in_recovery is set;
 * the algorithm still chooses ssthresh and the window at exit.
 *
 * Windows are in bytes.  Nothing here reads a clock: "now" is passed in.
 */
#ifndef NSSTACK_TCP_CC_H
#define NSSTACK_TCP_CC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCP_CC_NAME_MAX 16 /* like Linux TCP_CA_NAME_MAX, with the NUL */
#define TCP_CC_DEFAULT "cubic"
/* RFC 5681 3.1: the initial ssthresh "MAY be arbitrarily high". */
#define TCP_CC_INFINITE_SSTHRESH 0x7fffffffu
/* RFC 7323 2.3: no window can exceed 2^30, so cwnd never needs to. */
#define TCP_CC_CWND_MAX (1u << 30)

/*
 * struct tcp_cc_cubic - CUBIC's private state (RFC 9438 section 4)
 *
 * Windows are in segments and times in seconds, as in the RFC's formulas,
 * held as doubles so the code reads like the RFC.
 */
struct tcp_cc_cubic {
	double w_max;	       /* W_max: window before the last reduction */
	double k;	       /* K: time to grow back to W_max, seconds */
	double cwnd_epoch;     /* window when the current epoch began */
	double cwnd_prior;     /* window before the last reduction (4.6) */
	double w_est;	       /* W_est, the Reno-friendly estimate (4.3) */
	double byte_frac;      /* increments below one byte, carried over */
	uint64_t t_epoch_us;   /* start of the current epoch */
	bool epoch_valid;      /* false until the first ACK in avoidance */
	bool after_rto;	       /* 4.8: next epoch uses K = 0 */
	bool fast_convergence; /* 4.7, on by default */
};

/* An algorithm's private state. */
union tcp_cc_priv {
	struct tcp_cc_cubic cubic;
};

/**
 * struct tcp_cc_prior - the state before the last congestion response,
 * kept so a response to a loss that was not one can be undone (RFC 9438
 * 4.9, RFC 3708, RFC 3522)
 * @cwnd, @ssthresh: the windows before it
 * @u:               the algorithm's private state before it
 * @valid:           a response was saved and not undone yet
 */
struct tcp_cc_prior {
	uint32_t cwnd;
	uint32_t ssthresh;
	union tcp_cc_priv u;
	bool valid;
};

/**
 * struct tcp_cc_state - one connection's congestion-control state
 * @ops:         the algorithm
 * @cwnd:        congestion window, bytes
 * @ssthresh:    slow-start threshold, bytes
 * @mss:         SMSS, bytes
 * @bytes_acked: RFC 3465 2.1 byte counter for congestion avoidance
 * @recover:     RFC 6582 "recover": SND.NXT when the last recovery or
 *               timeout began; fast retransmit again only past it
 * @in_recovery: inside fast recovery
 * @after_rto:   slow start that follows an RTO (RFC 3465 L = 1 SMSS)
 * @u:           the algorithm's private state
 * @prior:       what tcp_cc_undo() restores
 */
struct tcp_cc_state {
	const struct tcp_cc_ops *ops;
	uint32_t cwnd;
	uint32_t ssthresh;
	uint32_t mss;
	uint32_t bytes_acked;
	uint32_t recover;
	bool in_recovery;
	bool after_rto;
	union tcp_cc_priv u;
	struct tcp_cc_prior prior;
};

/**
 * struct tcp_cc_ack - what an ACK that advanced SND.UNA tells the algorithm
 * @ack:     SEG.ACK, the new SND.UNA
 * @acked:   octets newly acknowledged (the SND.UNA advance)
 * @flight:  FlightSize after this ACK (SND.NXT - SEG.ACK)
 * @srtt_us: the connection's SRTT (tcp_rto), 0 when unknown
 * @now_us:  engine time
 */
struct tcp_cc_ack {
	uint32_t ack;
	uint32_t acked;
	uint32_t flight;
	uint32_t srtt_us;
	uint64_t now_us;
};

/**
 * struct tcp_cc_event - a loss signal
 * @flight:   FlightSize when the loss was detected (SND.NXT - SND.UNA)
 * @snd_nxt:  SND.NXT, the highest sequence number sent plus one
 * @now_us:   engine time
 * @repeated: for timeouts: the segment had already been retransmitted by
 *            the timer, so RFC 5681 3.1 (eq. 4) leaves ssthresh alone
 */
struct tcp_cc_event {
	uint32_t flight;
	uint32_t snd_nxt;
	uint64_t now_us;
	bool repeated;
};

/**
 * enum tcp_cc_verdict - what the TCB must do after tcp_cc_on_ack()
 * @TCP_CC_ACK_NEW:       nothing special
 * @TCP_CC_ACK_PARTIAL:   a partial ACK in fast recovery (RFC 6582 3.2
 *                        step 5): retransmit the first unacknowledged
 *                        segment, and on the first partial ACK restart
 *                        the retransmission timer
 * @TCP_CC_ACK_RECOVERED: this ACK ended fast recovery
 */
enum tcp_cc_verdict {
	TCP_CC_ACK_NEW,
	TCP_CC_ACK_PARTIAL,
	TCP_CC_ACK_RECOVERED,
};

/**
 * struct tcp_cc_ops - one congestion-control algorithm
 * @name:                TCP_CONGESTION name
 * @careful_recover:     RFC 6582 3.2 step 2: enter fast retransmit only
 *                       when the ACK covers more than @recover
 * @init:                set up private state after the common init
 * @on_ack:              an ACK advanced SND.UNA
 * @on_dupack:           a duplicate ACK arrived during fast recovery
 * @on_congestion_event: fast retransmit (RFC 5681 3.2 steps 2-3)
 * @on_recovery_exit:    leave fast recovery; @flight after the last ACK
 * @on_rto_timeout:      the retransmission timer expired
 */
struct tcp_cc_ops {
	const char *name;
	bool careful_recover;
	void (*init)(struct tcp_cc_state *s, uint64_t now_us);
	enum tcp_cc_verdict (*on_ack)(struct tcp_cc_state *s,
				      const struct tcp_cc_ack *a);
	void (*on_dupack)(struct tcp_cc_state *s);
	void (*on_congestion_event)(struct tcp_cc_state *s,
				    const struct tcp_cc_event *e);
	void (*on_recovery_exit)(struct tcp_cc_state *s, uint32_t flight);
	void (*on_rto_timeout)(struct tcp_cc_state *s,
			       const struct tcp_cc_event *e);
};

extern const struct tcp_cc_ops tcp_cc_reno;
extern const struct tcp_cc_ops tcp_cc_newreno;
extern const struct tcp_cc_ops tcp_cc_cubic;

/* Registry. */
const struct tcp_cc_ops *tcp_cc_find(const char *name);
size_t tcp_cc_list(char *buf, size_t cap);

/* What the TCB calls. */
uint32_t tcp_cc_initial_window(uint32_t mss);
int tcp_cc_init(struct tcp_cc_state *s, const struct tcp_cc_ops *ops,
		uint32_t mss, uint32_t iss, uint64_t now_us);
bool tcp_cc_may_fast_retransmit(const struct tcp_cc_state *s, uint32_t ack);
enum tcp_cc_verdict tcp_cc_on_ack(struct tcp_cc_state *s,
				  const struct tcp_cc_ack *a);
void tcp_cc_on_dupack(struct tcp_cc_state *s);
void tcp_cc_on_congestion_event(struct tcp_cc_state *s,
				const struct tcp_cc_event *e);
void tcp_cc_on_recovery_exit(struct tcp_cc_state *s, uint32_t flight);
void tcp_cc_on_rto_timeout(struct tcp_cc_state *s,
			   const struct tcp_cc_event *e);
bool tcp_cc_undo(struct tcp_cc_state *s);

/* Building blocks the algorithms share (RFC 5681, 3465, 6582). */
uint32_t tcp_cc_reno_ssthresh(uint32_t flight, uint32_t mss);
void tcp_cc_reno_grow(struct tcp_cc_state *s, uint32_t acked);
void tcp_cc_enter_fast_recovery(struct tcp_cc_state *s, uint32_t ssthresh,
				uint32_t snd_nxt);
void tcp_cc_inflate(struct tcp_cc_state *s);
enum tcp_cc_verdict tcp_cc_newreno_recovery_ack(struct tcp_cc_state *s,
						const struct tcp_cc_ack *a);
void tcp_cc_newreno_exit(struct tcp_cc_state *s, uint32_t flight);
void tcp_cc_loss_window(struct tcp_cc_state *s, uint32_t ssthresh,
			uint32_t snd_nxt);

/* CUBIC's formulas (RFC 9438 4.2), exported for the tests. */
double tcp_cc_cubic_cbrt(double x);
double tcp_cc_cubic_k(double w_max, double cwnd_epoch);
double tcp_cc_cubic_w(double w_max, double k, double t);

#endif /* NSSTACK_TCP_CC_H */
