// SPDX-License-Identifier: MIT
/*
 * tcp_urg.c - urgent data (RFC 9293 3.8.5, RFC 6093) as Linux offers it
 * with its defaults: send(MSG_OOB), recv(MSG_OOB), SO_OOBINLINE,
 * SIOCATMARK and POLLPRI
 *
 * Theory of operation
 *
 * RFC 6093 2 documents what every stack does in practice: the urgent
 * pointer points one past the last urgent byte (the BSD reading; Linux
 * with net.ipv4.tcp_stdurg = 0, our sysctl of the same name), and the
 * "urgent data" is that one byte.  Linux, whose socket semantics the
 * engine follows (MUST-30/31 of RFC 9293 only ask that the urgent
 * pointer be passed to the application and that any amount of urgent
 * data be accepted), works like this:
 *
 *  - Sending: send(MSG_OOB) puts the data in the send buffer and sets
 *    SND.UP past its last byte.  Every segment sent while SND.UNA <
 *    SND.UP and whose SEG.SEQ < SND.UP carries URG with SEG.UP = SND.UP -
 *    SEG.SEQ (0xffff when that does not fit but the segment is within
 *    64 KiB of SND.NXT), including pure ACKs and window probes.  Nagle
 *    and TCP_CORK do not hold urgent data back.
 *  - Receiving a pointer (tcp_check_urg()): it names the byte at
 *    SEG.SEQ + SEG.UP - 1.  It is ignored if the reader already read past
 *    it, if it lies before RCV.NXT (a replay), or if it is not newer than
 *    the pointer we have.  Otherwise it replaces ours: the old byte stays
 *    in the stream as ordinary data, unless the reader sits right at it
 *    (then the reader skips it), and the new byte is "not yet" here.
 *    Each new pointer is one SIGURG for the socket's owner.
 *  - The byte (tcp_urg()): when a segment that passed the sequence check
 *    holds the byte of a "not yet" pointer, the byte is copied aside
 *    (VALID: POLLPRI, recv(MSG_OOB) returns it once, then READ).
 *  - Reading: a read stops at the mark (the urgent byte's position)
 *    once it has copied something, so SIOCATMARK (the reader is at the
 *    mark) becomes true.  A read that starts at the mark skips the byte,
 *    unless SO_OOBINLINE.  Once the reader has moved past the mark, the
 *    urgent state is gone: recv(MSG_OOB) says EINVAL.  FIONREAD counts
 *    only up to a mark whose byte is here; POLLIN at the mark needs a
 *    byte besides the urgent one.
 *
 * The urgent pointer from the wire is untrusted like everything else:
 * any 16-bit value gives a sequence number within 64 KiB of SEG.SEQ,
 * which is only ever compared; the byte is taken only from the payload
 * of the segment that holds it (Linux also reads into the TCP header
 * when a "not yet" byte lies up to a header length before an
 * out-of-order segment; we do not copy that flaw).  A pointer beyond
 * the window is remembered as "not yet", as in Linux: the reader stops
 * there until the byte comes, which only the same peer can delay.
 *
 * Who is the reader?  For the engine's own users (services.c, the unit
 * tests) tcp_recv() is: the reader's position is the head of the
 * receive buffer.  The shim's sockets have an outer reader (app.c,
 * tcp_set_reader()): tcp_recv() only moves bytes into the app's ring,
 * the application reads there, and the read rules above are applied by
 * the shim (preload/stream.c) from what tcp_urg_view() says.  The
 * reader's position is then the buffer head less the bytes the ring
 * still holds, and a byte the reader must skip because a newer pointer
 * came while it sat at the old mark is published as a skip range rather
 * than dropped here.
 */
#include <errno.h>
#include <sys/socket.h>

#include "engine.h"
#include "tcp.h"
#include "tcp_seq.h"

/* reader_raw() - the next byte the application reads, skips not applied. */
static uint32_t reader_raw(const struct tcb *tcb)
{
	uint32_t r = tcp_rcv_head(tcb);

	if (tcb->rd_lag)
		r -= (uint32_t)tcb->rd_lag(tcb, tcb->ready_arg);
	return r;
}

/**
 * tcp_urg_reader() - the next sequence number the application reads
 * (Linux's copied_seq): the head of the receive buffer, or for an outer
 * reader the bytes it still holds before that, past a pending skip
 */
uint32_t tcp_urg_reader(const struct tcb *tcb)
{
	uint32_t r = reader_raw(tcb);

	if (tcb->urg_skip && r == tcb->urg_skip_from)
		r = tcb->urg_skip_to;
	return r;
}

/* urg_state_at() - tcb->urg_data for a reader at @rd: 0 once past it. */
static uint16_t urg_state_at(const struct tcb *tcb, uint32_t rd)
{
	if (!tcb->urg_data || seq_gt(rd, tcb->rcv_up))
		return 0;
	return tcb->urg_data;
}

/**
 * tcp_urg_state() - what the reader knows of the urgent pointer: 0 (none,
 * or read past), TCP_URG_NOTYET, TCP_URG_VALID | byte, or TCP_URG_READ
 */
uint16_t tcp_urg_state(const struct tcb *tcb)
{
	if (!tcb->urg_data)
		return 0; /* the common case: no reader position needed */
	return urg_state_at(tcb, tcp_urg_reader(tcb));
}

/** tcp_urg_atmark() - SIOCATMARK: the reader is at the urgent mark. */
bool tcp_urg_atmark(const struct tcb *tcb)
{
	uint32_t rd;

	if (!tcb->urg_data)
		return false;
	rd = tcp_urg_reader(tcb);
	return urg_state_at(tcb, rd) && tcb->rcv_up == rd;
}

/*
 * skip_old() - a newer pointer came while the reader sat at the old
 * urgent byte @rd: the reader will not see it (Linux: copied_seq++).
 * Our own reader drops it now; an outer reader is told to.
 */
static void skip_old(struct tcb *tcb, uint32_t rd)
{
	uint32_t raw;

	if (!tcb->rd_lag) {
		tcp_ring_drop(&tcb->rcv, 1);
		return;
	}
	raw = reader_raw(tcb);
	if (!tcb->urg_skip || raw != tcb->urg_skip_from)
		tcb->urg_skip_from = raw;
	tcb->urg_skip_to = rd + 1;
	tcb->urg_skip = true;
}

/*
 * check_urg() - "If the URG bit is set, RCV.UP <- max(RCV.UP, SEG.UP),
 * and signal the user" (RFC 9293 3.10.7.4, sixth), as Linux's
 * tcp_check_urg() does it; @up is SEG.UP as received
 */
static void check_urg(struct tcb *tcb, uint32_t seq, uint16_t up)
{
	uint32_t ptr = up, rd = tcp_urg_reader(tcb);
	uint16_t u = urg_state_at(tcb, rd);

	/* RFC 6093 2: BSD's pointer is one past the byte. */
	if (ptr && !tcb->eng->sysctl.tcp_stdurg)
		ptr--;
	ptr += seq;
	/* Read already, a replay, or not newer than ours: ignored. */
	if (seq_gt(rd, ptr) || seq_lt(ptr, tcb->rcv_nxt))
		return;
	if (u && !seq_gt(ptr, tcb->rcv_up))
		return;
	tcb->urg_gen++;
	/* The reader sits at the old byte, which came: it skips it. */
	if (u && tcb->rcv_up == rd && !tcb->oobinline && rd != tcb->rcv_nxt)
		skip_old(tcb, rd);
	tcb->urg_data = TCP_URG_NOTYET;
	tcb->rcv_up = ptr;
	tcp_notify(tcb);
}

/**
 * tcp_urg_input() - the urgent part of an acceptable segment, before its
 * text is processed (RFC 9293 3.10.7.4 "sixth, check the URG bit")
 * @th:	the segment as received (SEG.SEQ, SEG.UP and payload untrimmed)
 */
void tcp_urg_input(struct tcb *tcb, const struct tcp_view *th)
{
	uint32_t off;

	if (th->flags & TCP_URG)
		check_urg(tcb, th->seq, th->urg);
	if (tcb->urg_data != TCP_URG_NOTYET)
		return;
	/* Does this segment hold the byte?  Its data starts after a SYN. */
	off = tcb->rcv_up - th->seq - ((th->flags & TCP_SYN) ? 1u : 0u);
	if (off >= th->payload_len)
		return;
	tcb->urg_data = (uint16_t)(TCP_URG_VALID | th->payload[off]);
	tcp_notify(tcb);
}

/**
 * tcp_urg_read_plan() - the urgent rules for a read by tcp_recv() (our
 * own reader only; an outer reader gets the bytes raw)
 * @len:	the most the caller wants; cut so the read stops at the mark
 *
 * Return: bytes to skip first: 1 when the read starts at the mark, the
 * urgent byte is here and not SO_OOBINLINE, else 0.
 */
size_t tcp_urg_read_plan(struct tcb *tcb, size_t *len)
{
	uint32_t rd, off;

	if (tcb->rd_lag || !tcb->urg_data)
		return 0;
	rd = tcp_urg_reader(tcb);
	if (!urg_state_at(tcb, rd))
		return 0;
	off = tcb->rcv_up - rd;
	if (off == 0)
		return !tcb->oobinline && tcb->rcv.len ? 1 : 0;
	if (off < *len)
		*len = off;
	return 0;
}

/**
 * tcp_urg_read_done() - the reader moved: once past the mark the urgent
 * state is over (Linux clears urg_data), and a skip behind it is stale
 */
void tcp_urg_read_done(struct tcb *tcb)
{
	uint32_t rd;

	if (!tcb->urg_data && !tcb->urg_skip)
		return;
	rd = tcp_urg_reader(tcb);
	if (tcb->urg_data && seq_gt(rd, tcb->rcv_up))
		tcb->urg_data = 0;
	if (tcb->urg_skip && seq_gt(reader_raw(tcb), tcb->urg_skip_from))
		tcb->urg_skip = false;
}

/**
 * tcp_recv_urg() - recv(MSG_OOB), as Linux's tcp_recv_urg(): the urgent
 * byte, once, never blocking
 * @flags:	MSG_PEEK leaves it; MSG_TRUNC does not copy it
 * @msg_flags:	MSG_OOB is or-ed in with the byte, MSG_TRUNC when @len is 0
 *
 * Return: 1 (or 0 for @len 0) with the byte; 0 when the connection is
 * over before it came; -ENOTCONN (listener, or a connection reset before
 * any FIN); -EINVAL (none, SO_OOBINLINE, taken already, or read past);
 * -EAGAIN (announced, not here yet: whatever the socket's blocking mode).
 */
ssize_t tcp_recv_urg(struct tcb *tcb, void *buf, size_t len, int flags,
		     int *msg_flags)
{
	uint16_t u;

	if (tcb->state == TCPS_LISTEN)
		return -ENOTCONN;
	u = tcp_urg_state(tcb);
	if (tcb->oobinline || !u || u == TCP_URG_READ)
		return -EINVAL; /* "Yes this is right !" (Linux) */
	if (tcb->state == TCPS_CLOSED && !tcb->fin_rcvd)
		return -ENOTCONN;
	if (u & TCP_URG_VALID) {
		if (!(flags & MSG_PEEK))
			tcb->urg_data = TCP_URG_READ;
		*msg_flags |= MSG_OOB;
		if (!len) {
			*msg_flags |= MSG_TRUNC;
			return 0;
		}
		if (!(flags & MSG_TRUNC))
			*(uint8_t *)buf = (uint8_t)u;
		return 1;
	}
	if (tcb->state == TCPS_CLOSED || tcb->fin_rcvd || tcb->shut_rd)
		return 0;
	return -EAGAIN;
}

/**
 * tcp_urg_mark() - send(MSG_OOB) wrote its data: the last byte written
 * is urgent, SND.UP is past it
 */
void tcp_urg_mark(struct tcb *tcb)
{
	tcb->snd_up = tcb->snd_una + (uint32_t)tcb->snd.len;
	tcb->snd_urg = true;
}

/**
 * tcp_urg_sending() - urgent mode: SND.UP is ahead of SND.UNA, so Nagle,
 * TCP_CORK and TSO stand aside (Linux: tcp_urg_mode())
 */
bool tcp_urg_sending(const struct tcb *tcb)
{
	return tcb->snd_urg && seq_lt(tcb->snd_una, tcb->snd_up);
}

/**
 * tcp_urg_out() - the URG bit and SEG.UP for a segment starting at @seq,
 * as Linux's __tcp_transmit_skb() sets them
 *
 * Return: true with *@ptr set when the segment carries URG.
 */
bool tcp_urg_out(struct tcb *tcb, uint32_t seq, uint16_t *ptr)
{
	if (!tcb->snd_urg)
		return false;
	if (!tcp_urg_sending(tcb)) {
		tcb->snd_urg = false; /* all acknowledged */
		return false;
	}
	if (!seq_lt(seq, tcb->snd_up))
		return false;
	if (seq_lt(tcb->snd_up, seq + 0x10000u)) {
		*ptr = (uint16_t)(tcb->snd_up - seq);
		return true;
	}
	/* Too far to point at: the farthest pointer, if it is no lie
	 * about data not sent yet. */
	if (seq_gt(seq + 0xffffu, tcb->snd_nxt)) {
		*ptr = 0xffff;
		return true;
	}
	return false;
}

/** tcp_urg_view() - the urgent state an outer reader applies itself. */
void tcp_urg_view(struct tcb *tcb, struct tcp_urg_view *v)
{
	uint16_t u;

	tcp_urg_read_done(tcb);
	u = tcp_urg_state(tcb);
	v->mark = u != 0;
	v->pri = (u & TCP_URG_VALID) != 0;
	v->seq = tcb->rcv_up;
	v->skip = tcb->urg_skip;
	v->skip_from = tcb->urg_skip_from;
	v->skip_to = tcb->urg_skip_to;
}
