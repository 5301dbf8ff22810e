/* SPDX-License-Identifier: MIT */
/*
 * tcp_sack.h - the sender's SACK scoreboard and loss recovery (RFC 6675),
 *              with Proportional Rate Reduction (RFC 6937)
 */
#ifndef NSSTACK_TCP_SACK_H
#define NSSTACK_TCP_SACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/tcp.h" /* struct tcp_sack_block */

#define TCP_SACK_RANGES 32 /* SACKed ranges remembered */
#define TCP_DUPTHRESH 3	   /* RFC 6675 section 2, DupThresh */

/**
 * struct tcp_scoreboard - what the peer has SACKed, and recovery state
 * @r:              SACKed ranges: sorted, disjoint, not adjacent, all
 *                  inside [@snd_una, SND.NXT)
 * @n:              ranges in use
 * @sacked:         total bytes in @r
 * @snd_una:        SND.UNA as of the last update
 * @in_recovery:    RFC 6675 loss recovery is running
 * @recovery_point: RecoveryPoint, HighData when recovery began
 * @high_rxt:       one past HighRxt: the end of the highest octet
 *                  retransmitted in this recovery (RFC 6675 section 2)
 * @rescue_rxt:     RescueRxt (RFC 6675 section 4, rule 4)
 * @rescue_valid:   @rescue_rxt is defined
 * @rack:           RACK (RFC 8985) decides what is lost, not DupThresh
 * @rack_lost_end:  with @rack: unSACKed octets below it are lost
 */
struct tcp_scoreboard {
	struct tcp_sack_block r[TCP_SACK_RANGES];
	size_t n;
	uint32_t sacked;
	uint32_t snd_una;
	bool in_recovery;
	uint32_t recovery_point;
	uint32_t high_rxt;
	uint32_t rescue_rxt;
	bool rescue_valid;
	bool rack;
	uint32_t rack_lost_end;
};

/**
 * struct tcp_sack_result - what one ACK's SACK option changed
 * @newly_sacked: bytes SACKed for the first time; > 0 makes the ACK a
 *                "duplicate acknowledgment" in RFC 6675's sense
 * @delivered:    DeliveredData of RFC 6937: the SND.UNA advance plus the
 *                change in SACKed bytes
 * @dsack:        the first block was a D-SACK (RFC 2883 section 4)
 * @invalid:      blocks ignored as outside [SND.UNA, SND.NXT]
 */
struct tcp_sack_result {
	uint32_t newly_sacked;
	uint32_t delivered;
	bool dsack;
	unsigned int invalid;
};

/**
 * enum tcp_sack_seg_kind - which NextSeg() rule chose a segment
 * @TCP_SEG_LOST:   rule 1, a lost segment to retransmit
 * @TCP_SEG_NEW:    rule 2, new data at SND.NXT
 * @TCP_SEG_RXT:    rule 3, an unSACKed segment not yet deemed lost
 * @TCP_SEG_RESCUE: rule 4, the one rescue retransmission
 */
enum tcp_sack_seg_kind {
	TCP_SEG_LOST,
	TCP_SEG_NEW,
	TCP_SEG_RXT,
	TCP_SEG_RESCUE,
};

/**
 * struct tcp_sack_seg - a segment NextSeg() says to send
 * @kind: the rule that chose it
 * @seq:  first octet
 * @len:  octets, at most SMSS (for TCP_SEG_NEW the caller sizes it)
 */
struct tcp_sack_seg {
	enum tcp_sack_seg_kind kind;
	uint32_t seq;
	uint32_t len;
};

void tcp_sack_init(struct tcp_scoreboard *sb, uint32_t snd_una);
void tcp_sack_update(struct tcp_scoreboard *sb, uint32_t snd_una,
		     uint32_t snd_nxt, const struct tcp_sack_block *blocks,
		     size_t nblocks, struct tcp_sack_result *res);
bool tcp_sack_is_sacked(const struct tcp_scoreboard *sb, uint32_t seq);
bool tcp_sack_is_lost(const struct tcp_scoreboard *sb, uint32_t seq,
		      uint32_t mss);
uint32_t tcp_sack_pipe(const struct tcp_scoreboard *sb, uint32_t snd_nxt,
		       uint32_t mss);
bool tcp_sack_should_enter_recovery(const struct tcp_scoreboard *sb,
				    unsigned int dupacks, uint32_t mss);
void tcp_sack_enter_recovery(struct tcp_scoreboard *sb, uint32_t snd_nxt);
bool tcp_sack_recovery_done(struct tcp_scoreboard *sb);
bool tcp_sack_next_seg(struct tcp_scoreboard *sb, uint32_t snd_nxt,
		       uint32_t mss, bool can_send_new,
		       struct tcp_sack_seg *seg);
void tcp_sack_sent(struct tcp_scoreboard *sb, const struct tcp_sack_seg *seg);
void tcp_sack_rto(struct tcp_scoreboard *sb, uint32_t snd_nxt);

/**
 * struct tcp_prr - Proportional Rate Reduction state (RFC 6937 3.1)
 * @recover_fs:    RecoverFS, FlightSize when recovery began
 * @prr_delivered: bytes delivered to the receiver during recovery
 * @prr_out:       bytes sent during recovery
 * @ssthresh:      the congestion control's target window
 * @mss:           SMSS
 * @conservative:  use PRR-CRB instead of the default PRR-SSRB
 */
struct tcp_prr {
	uint32_t recover_fs;
	uint64_t prr_delivered;
	uint64_t prr_out;
	uint32_t ssthresh;
	uint32_t mss;
	bool conservative;
};

void tcp_prr_init(struct tcp_prr *p, uint32_t recover_fs, uint32_t ssthresh,
		  uint32_t mss);
uint32_t tcp_prr_on_ack(struct tcp_prr *p, uint32_t delivered, uint32_t pipe);
void tcp_prr_on_send(struct tcp_prr *p, uint32_t bytes);

#endif /* NSSTACK_TCP_SACK_H */
