/* SPDX-License-Identifier: MIT */
/*
 * tcp_seq.h - sequence-number arithmetic and the segment acceptability test
 *
 * TCP sequence numbers live on a 2^32 circle (RFC 9293 section 3.4), so
 * "less than" means "less than, going round the shorter way": a precedes b
 * when the signed 32-bit difference a - b is negative.  Every comparison of
 * sequence numbers in the stack goes through these helpers; a plain "<" on
 * two sequence numbers is a bug waiting for a wrap.
 *
 * The comparisons themselves (seq_lt/leq/gt/geq/max/min) come from the
 * wire layer's wire/seq.h; this header adds the range and acceptability
 * tests the TCB needs.
 */
#ifndef NSSTACK_TCP_SEQ_H
#define NSSTACK_TCP_SEQ_H

#include <stdbool.h>
#include <stdint.h>

#include "wire/seq.h"

/**
 * seq_in_range() - true when @lo <= @x < @lo + @len
 * @x:   sequence number to test
 * @lo:  left edge of the range
 * @len: number of sequence numbers in the range (0 means an empty range)
 *
 * Computed as an unsigned offset from @lo, so it is exact for any range up
 * to 2^32 - 1 long, which covers every window RFC 7323 allows (2^30).
 */
static inline bool seq_in_range(uint32_t x, uint32_t lo, uint32_t len)
{
	return x - lo < len;
}

/**
 * tcp_seq_acceptable() - RFC 9293 3.10.7.4 "first, check sequence number"
 * @rcv_nxt: RCV.NXT, the next sequence number expected
 * @rcv_wnd: RCV.WND, the receive window now offered
 * @seg_seq: SEG.SEQ of the arriving segment
 * @seg_len: SEG.LEN, counting SYN and FIN as one octet each
 *
 * Implements the four-case table of RFC 9293 3.10.7.4:
 *
 *   SEG.LEN  RCV.WND  test
 *   0        0        SEG.SEQ = RCV.NXT
 *   0        >0       RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
 *   >0       0        not acceptable
 *   >0       >0       RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
 *                  or RCV.NXT =< SEG.SEQ+SEG.LEN-1 < RCV.NXT+RCV.WND
 *
 * A segment that passes may still carry octets outside the window; the
 * caller trims those ("trim off any portions that lie outside the window",
 * ibid.).  The zero-window rows matter for window probes and pure ACKs.
 *
 * Return: true when the segment is acceptable.
 */
static inline bool tcp_seq_acceptable(uint32_t rcv_nxt, uint32_t rcv_wnd,
				      uint32_t seg_seq, uint32_t seg_len)
{
	if (seg_len == 0 && rcv_wnd == 0)
		return seg_seq == rcv_nxt;
	if (seg_len == 0)
		return seq_in_range(seg_seq, rcv_nxt, rcv_wnd);
	if (rcv_wnd == 0)
		return false;
	return seq_in_range(seg_seq, rcv_nxt, rcv_wnd) ||
	       seq_in_range(seg_seq + seg_len - 1, rcv_nxt, rcv_wnd);
}

#endif /* NSSTACK_TCP_SEQ_H */
