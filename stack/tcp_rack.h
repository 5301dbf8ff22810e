/* SPDX-License-Identifier: MIT */
/*
 * tcp_rack.h - RACK: time-based loss detection (RFC 8985 6)
 */
#ifndef NSSTACK_TCP_RACK_H
#define NSSTACK_TCP_RACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcp_sack.h"

#define TCP_RACK_SEGS 1024 /* segments remembered; more are merged */

/**
 * struct tcp_rack_seg - one transmitted segment
 * @start, @end: its sequence range
 * @xmit_us:     Segment.xmit_ts, its latest transmission
 * @rxt:         it was retransmitted
 * @delivered:   cumulatively ACKed or SACKed
 * @lost:        RACK deemed it lost
 */
struct tcp_rack_seg {
	uint32_t start, end;
	uint64_t xmit_us;
	bool rxt, delivered, lost;
};

/**
 * struct tcp_rack - RACK state of one connection (RFC 8985 6.1)
 * @seg:        ring of segments in [SND.UNA, SND.MAX), in sequence order
 * @head, @n:   ring position and fill
 * @xmit_us:    RACK.xmit_ts, of the most recently sent delivered segment
 * @end_seq:    RACK.end_seq
 * @rtt_us:     RACK.rtt
 * @min_rtt_us: RACK.min_RTT
 * @fack:       RACK.fack, the highest end delivered
 * @reord:      RACK.reordering_seen
 * @have_xmit:  @xmit_us/@end_seq/@rtt_us are set
 * @have_fack:  @fack is set
 * @reo_mult:   RACK.reo_wnd_mult (0 reads as 1)
 * @reo_persist: recoveries left before @reo_mult falls back to 1
 * @dsack_round: RACK.dsack_round: SND.MAX when @reo_mult last grew
 * @in_dsack_round: @dsack_round is set
 */
struct tcp_rack {
	struct tcp_rack_seg *seg;
	size_t head, n;
	uint64_t xmit_us;
	uint32_t end_seq;
	uint32_t rtt_us;
	uint32_t min_rtt_us;
	uint32_t fack;
	bool reord;
	bool have_xmit;
	bool have_fack;
	uint8_t reo_mult;
	uint8_t reo_persist;
	uint32_t dsack_round;
	bool in_dsack_round;
};

/**
 * struct tcp_rack_loss - what tcp_rack_detect() found
 * @lost:       some segment was newly deemed lost
 * @lost_end:   the highest end of a lost segment
 * @rxt_lost:   a retransmission was lost, from @rxt_start on
 * @timeout_us: > 0: re-check then (the reordering timer)
 */
struct tcp_rack_loss {
	bool lost;
	uint32_t lost_end;
	bool rxt_lost;
	uint32_t rxt_start;
	uint64_t timeout_us;
};

void tcp_rack_free(struct tcp_rack *r);
void tcp_rack_sent(struct tcp_rack *r, uint32_t start, uint32_t end,
		   uint64_t now_us, bool rxt);
void tcp_rack_ack(struct tcp_rack *r, uint32_t snd_una,
		  const struct tcp_scoreboard *sb, uint64_t now_us);
uint32_t tcp_rack_reo_wnd(const struct tcp_rack *r, bool in_recovery,
			  bool dupthresh_sacked, uint32_t srtt_us);
void tcp_rack_detect(struct tcp_rack *r, uint64_t now_us, uint32_t reo_wnd,
		     struct tcp_rack_loss *out);
void tcp_rack_rto(struct tcp_rack *r);
void tcp_rack_dsack(struct tcp_rack *r, bool dsack, uint32_t snd_una,
		    uint32_t snd_max);
void tcp_rack_recovery(struct tcp_rack *r);

#endif /* NSSTACK_TCP_RACK_H */
