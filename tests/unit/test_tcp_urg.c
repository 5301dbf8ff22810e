// SPDX-License-Identifier: MIT
/*
 * test_tcp_urg.c - urgent data (stack/tcp_urg.c) through the fake engine:
 * the URG bit and pointer we send for send(MSG_OOB), and what a received
 * pointer does to reads, recv(MSG_OOB), poll and SIOCATMARK.  The
 * expected values are Linux's (tcp_stdurg = 0), measured on a kernel
 * peer over loopback: see tests/integration/shim_tcp_check.c for the
 * same cases against the kernel.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "fake_tcp.h"
#include "testutil.h"

TestSuite(tcp_urg, .init = ft_setup, .fini = ft_teardown);

static struct tcb *estab(struct ft_peer *pp)
{
	return ft_passive(pp, ft_listen(FT_LPORT, 16), NULL);
}

/* urg_send() - the peer sends @s with URG and SEG.UP @up (BSD: past it). */
static void urg_send(struct ft_peer *pp, const char *s, uint16_t up)
{
	pp->up = up;
	ft_send(pp, TCP_URG | TCP_PSH, s, strlen(s));
}

static void data_send(struct ft_peer *pp, const char *s)
{
	ft_send(pp, TCP_PSH, s, strlen(s));
}

/* rd() - tcp_recv() of at most @len into a string; its return value. */
static ssize_t rd(struct tcb *c, char *out, size_t len, int flags)
{
	ssize_t n = tcp_recv(c, out, len, flags);

	out[n > 0 ? n : 0] = 0;
	return n;
}

static ssize_t oob(struct tcb *c, char *b, int flags, int *mflags)
{
	*mflags = 0;
	return tcp_recv_urg(c, b, 1, flags, mflags);
}

/* ---- sending: RFC 9293 3.8.5, RFC 6093 2 (BSD pointer) ---- */

/* RFC 6093 2: SEG.UP points one past the last byte of send(MSG_OOB). */
Test(tcp_urg, send_oob_points_past_its_last_byte)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	ft_drain();
	cr_assert_eq(tcp_send(c, "abc", 3, MSG_OOB), 3);
	cr_assert(ft_pop(&s));
	cr_assert(s.th.flags & TCP_URG);
	cr_assert_eq(s.th.urg, 3);
	cr_assert_eq(s.th.payload_len, 3);
	ft_free(&s);
	cr_assert_eq(c->snd_up, c->snd_una + 3);
}

/* RFC 9293 3.8.5: the pointer rides every segment before SND.UP, so a
 * retransmission carries it too; once acknowledged, urgent mode ends. */
Test(tcp_urg, retransmission_keeps_urg_ack_ends_it)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	ft_drain();
	tcp_send(c, "xy", 2, MSG_OOB);
	ft_drain();
	tcp_retransmit_head(c);
	cr_assert(ft_pop(&s));
	cr_assert(s.th.flags & TCP_URG);
	cr_assert_eq(s.th.urg, 2);
	ft_free(&s);
	pp.ack += 2;
	ft_send(&pp, TCP_ACK, NULL, 0);
	ft_drain();
	tcp_send(c, "z", 1, 0);
	cr_assert(ft_pop(&s));
	cr_assert_not(s.th.flags & TCP_URG);
	ft_free(&s);
	cr_assert_not(tcp_urg_sending(c));
}

/* Linux tcp_nagle_test(): urgent data is not held back by Nagle. */
Test(tcp_urg, nagle_does_not_hold_urgent_data)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	ft_drain();
	tcp_send(c, "a", 1, 0); /* in flight: Nagle would hold the next */
	ft_drain();
	tcp_send(c, "b", 1, MSG_OOB);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.payload_len, 1);
	cr_assert(s.th.flags & TCP_URG);
	cr_assert_eq(s.th.urg, 1);
	ft_free(&s);
}

/* Linux: TCP_CORK does not hold urgent data either. */
Test(tcp_urg, cork_does_not_hold_urgent_data)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;
	int one = 1;

	ft_drain();
	cr_assert_eq(
		tcp_setsockopt(c, IPPROTO_TCP, TCP_CORK, &one, sizeof(one)), 0);
	tcp_send(c, "ab", 2, 0);
	cr_assert_not(ft_pop(&s));
	tcp_send(c, "c", 1, MSG_OOB);
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.payload_len, 3);
	cr_assert_eq(s.th.urg, 3);
	ft_free(&s);
}

/* Linux: an ACK sent while unsent urgent data waits (zero window)
 * carries the pointer, so the peer learns of it before the byte. */
Test(tcp_urg, ack_carries_pointer_ahead_of_unsent_byte)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct ft_seg s;

	pp.win = 0;
	ft_send(&pp, TCP_ACK, NULL, 0);
	ft_drain();
	tcp_send(c, "q", 1, MSG_OOB);
	cr_assert_not(ft_pop(&s)); /* the window is shut */
	data_send(&pp, "hello");
	cr_assert(ft_pop(&s));
	cr_assert_eq(s.th.payload_len, 0);
	cr_assert(s.th.flags & TCP_URG);
	cr_assert_eq(s.th.seq, c->snd_una);
	cr_assert_eq(s.th.urg, 1);
	ft_free(&s);
}

/* ---- receiving ---- */

/* RFC 6093 2 / Linux: the byte before SEG.UP leaves the stream; a read
 * stops at the mark; recv(MSG_OOB) returns the byte once. */
Test(tcp_urg, urgent_byte_leaves_the_stream)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	char b[16];
	int mf;

	cr_assert_eq(oob(c, b, 0, &mf), -EINVAL);
	urg_send(&pp, "abc", 3);
	cr_assert_eq(tcp_poll(c) & (TCP_POLL_IN | TCP_POLL_PRI),
		     TCP_POLL_IN | TCP_POLL_PRI);
	cr_assert_not(tcp_urg_atmark(c));
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 2);
	cr_assert_str_eq(b, "ab");
	cr_assert(tcp_urg_atmark(c));
	/* Only the urgent byte is left: not readable, but PRI. */
	cr_assert_eq(tcp_poll(c) & (TCP_POLL_IN | TCP_POLL_PRI), TCP_POLL_PRI);
	cr_assert_eq(oob(c, b, 0, &mf), 1);
	cr_assert_eq(b[0], 'c');
	cr_assert_eq(mf, MSG_OOB);
	cr_assert_not(tcp_poll(c) & TCP_POLL_PRI);
	cr_assert_eq(oob(c, b, 0, &mf), -EINVAL);
	data_send(&pp, "de");
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 2);
	cr_assert_str_eq(b, "de");
	cr_assert_not(tcp_urg_atmark(c));
}

/* Linux: a read at the mark with nothing after the urgent byte skips it
 * all the same and finds nothing: the urgent state is over. */
Test(tcp_urg, read_at_a_lone_mark_passes_it)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	char b[16];
	int mf;

	urg_send(&pp, "abc", 3);
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 2);
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), -EAGAIN);
	cr_assert_not(tcp_urg_atmark(c));
	cr_assert_not(tcp_poll(c) & TCP_POLL_PRI);
	cr_assert_eq(oob(c, b, 0, &mf), -EINVAL);
}

/* Linux: recv(MSG_OOB) first, then the stream without the byte; PEEK
 * leaves the byte. */
Test(tcp_urg, oob_before_the_stream_and_peek)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	char b[16];
	int mf;

	urg_send(&pp, "abc", 3);
	cr_assert_eq(oob(c, b, MSG_PEEK, &mf), 1);
	cr_assert_eq(b[0], 'c');
	cr_assert(tcp_poll(c) & TCP_POLL_PRI);
	cr_assert_eq(oob(c, b, 0, &mf), 1);
	cr_assert_eq(b[0], 'c');
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 2);
	cr_assert_str_eq(b, "ab");
	cr_assert(tcp_urg_atmark(c));
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), -EAGAIN);
}

/* Linux: a read starting at the mark skips the byte; past it the urgent
 * state is over (EINVAL). */
Test(tcp_urg, read_at_mark_skips_the_byte)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	char b[16];
	int mf;

	urg_send(&pp, "ab", 2);
	data_send(&pp, "de");
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 1);
	cr_assert_str_eq(b, "a");
	cr_assert(tcp_poll(c) & TCP_POLL_IN);
	cr_assert_eq(rd(c, b, sizeof(b) - 1, MSG_PEEK), 2);
	cr_assert_str_eq(b, "de");
	cr_assert(tcp_urg_atmark(c));
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 2);
	cr_assert_str_eq(b, "de");
	cr_assert_not(tcp_poll(c) & TCP_POLL_PRI);
	cr_assert_eq(oob(c, b, 0, &mf), -EINVAL);
}

/* Linux: a read that starts before the mark stops there, however
 * little it asked for. */
Test(tcp_urg, read_stops_at_the_mark)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	char b[16];

	urg_send(&pp, "abcd", 4);
	data_send(&pp, "ef");
	cr_assert_eq(rd(c, b, 2, 0), 2);
	cr_assert_str_eq(b, "ab");
	cr_assert_eq(rd(c, b, 2, 0), 1);
	cr_assert_str_eq(b, "c");
	cr_assert_eq(rd(c, b, 1, 0), 1);
	cr_assert_str_eq(b, "e");
	cr_assert_eq(rd(c, b, 10, 0), 1);
	cr_assert_str_eq(b, "f");
}

/* SO_OOBINLINE: the byte stays in the stream, the mark still stops a
 * read; recv(MSG_OOB) is EINVAL, POLLPRI still says it came. */
Test(tcp_urg, oobinline_keeps_the_byte)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	char b[16];
	int one = 1, v = 0, mf;
	socklen_t len = sizeof(v);

	cr_assert_eq(
		tcp_setsockopt(c, SOL_SOCKET, SO_OOBINLINE, &one, sizeof(one)),
		0);
	cr_assert_eq(tcp_getsockopt(c, SOL_SOCKET, SO_OOBINLINE, &v, &len), 0);
	cr_assert_eq(v, 1);
	urg_send(&pp, "abc", 3);
	data_send(&pp, "de");
	cr_assert(tcp_poll(c) & TCP_POLL_PRI);
	cr_assert_eq(oob(c, b, 0, &mf), -EINVAL);
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 2);
	cr_assert_str_eq(b, "ab");
	cr_assert(tcp_urg_atmark(c));
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 3);
	cr_assert_str_eq(b, "cde");
	cr_assert_not(tcp_poll(c) & TCP_POLL_PRI);
}

/* Linux tcp_check_urg(): a newer pointer while the reader sits at the
 * old byte makes the reader skip it. */
Test(tcp_urg, newer_pointer_skips_the_byte_at_the_reader)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	char b[16];
	int mf;

	data_send(&pp, "x");
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 1);
	urg_send(&pp, "a", 1);
	urg_send(&pp, "b", 1);
	cr_assert(tcp_urg_atmark(c));
	cr_assert_eq(c->rcv.len, 1);
	cr_assert_eq(tcp_poll(c) & (TCP_POLL_IN | TCP_POLL_PRI), TCP_POLL_PRI);
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), -EAGAIN);
	cr_assert_eq(oob(c, b, 0, &mf), -EINVAL);
}

/* ... but an old byte the reader has not reached stays ordinary data. */
Test(tcp_urg, newer_pointer_leaves_unread_byte_inline)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	char b[16];
	int mf;

	data_send(&pp, "x");
	urg_send(&pp, "a", 1);
	urg_send(&pp, "b", 1);
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 2);
	cr_assert_str_eq(b, "xa");
	cr_assert(tcp_urg_atmark(c));
	cr_assert_eq(oob(c, b, 0, &mf), 1);
	cr_assert_eq(b[0], 'b');
}

/* Linux: three pointers in a row with the reader at the first byte: it
 * skips the first two, the third is the urgent byte. */
Test(tcp_urg, three_pointers_in_a_row)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	char b[16];

	urg_send(&pp, "a", 1);
	urg_send(&pp, "b", 1);
	urg_send(&pp, "c", 1);
	data_send(&pp, "d");
	cr_assert(tcp_urg_atmark(c));
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 1);
	cr_assert_str_eq(b, "d");
}

/* An urgent byte taken by recv(MSG_OOB) is skipped too when a newer
 * pointer comes while the reader sits at it. */
Test(tcp_urg, newer_pointer_after_oob_read)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	char b[16];
	int mf;

	urg_send(&pp, "a", 1);
	cr_assert_eq(oob(c, b, 0, &mf), 1);
	urg_send(&pp, "b", 1);
	cr_assert(tcp_poll(c) & TCP_POLL_PRI);
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), -EAGAIN);
	cr_assert_eq(oob(c, b, 0, &mf), -EINVAL);
}

/* RFC 9293 3.10.7.4: "RCV.UP <- max(RCV.UP, SEG.UP)": a pointer that is
 * not newer, or names bytes before RCV.NXT (Linux: "do not replay urg
 * ptr"), changes nothing. */
Test(tcp_urg, old_pointer_is_ignored)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	uint32_t seq = pp.seq;
	char b[16];
	int mf;

	urg_send(&pp, "ab", 2);
	data_send(&pp, "cd");
	cr_assert_eq(c->rcv_up, seq + 1);
	/* Overlapping old and new data, pointing at old data. */
	pp.up = 1;
	ft_send_raw(&pp, seq + 2, pp.ack, TCP_ACK | TCP_URG, NULL, "cdef", 4);
	pp.seq = seq + 6;
	cr_assert_eq(c->rcv_up, seq + 1);
	/* Newer than ours but the same byte again: not newer. */
	pp.up = 2;
	ft_send_raw(&pp, seq, pp.ack, TCP_ACK | TCP_URG, NULL, "abcdefg", 7);
	cr_assert_eq(c->rcv_up, seq + 1);
	cr_assert_eq(oob(c, b, 0, &mf), 1);
	cr_assert_eq(b[0], 'b');
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 1);
	cr_assert_str_eq(b, "a");
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 5);
	cr_assert_str_eq(b, "cdefg");
}

/* A pointer ahead of the data (zero-window probe, or a hostile peer):
 * "not yet": no POLLPRI, recv(MSG_OOB) EAGAIN, reads stop there; the
 * byte counts once a segment brings it, with or without URG. */
Test(tcp_urg, pointer_ahead_waits_for_its_byte)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	char b[16];
	int mf;

	pp.up = 5; /* the byte at SEG.SEQ + 4, not sent yet */
	ft_send(&pp, TCP_URG | TCP_PSH, "ab", 2);
	cr_assert_eq(tcp_urg_state(c), TCP_URG_NOTYET);
	cr_assert_not(tcp_poll(c) & TCP_POLL_PRI);
	cr_assert_eq(oob(c, b, 0, &mf), -EAGAIN);
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 2);
	data_send(&pp, "cdef");
	cr_assert_eq(tcp_urg_state(c), TCP_URG_VALID | 'e');
	cr_assert(tcp_poll(c) & TCP_POLL_PRI);
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 2);
	cr_assert_str_eq(b, "cd");
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 1);
	cr_assert_str_eq(b, "f");
}

/* The farthest pointer (0xffff) is only remembered: nothing is read
 * from outside the segment that holds the byte. */
Test(tcp_urg, far_pointer_reads_nothing_outside_the_payload)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	uint32_t seq = pp.seq;
	char b[16];

	pp.up = 0xffff;
	ft_send(&pp, TCP_URG | TCP_PSH, "ab", 2);
	cr_assert_eq(c->rcv_up, seq + 0xfffe);
	cr_assert_eq(tcp_urg_state(c), TCP_URG_NOTYET);
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 2);
	cr_assert_str_eq(b, "ab");
}

/* The byte may come out of order, after its pointer. */
Test(tcp_urg, byte_in_out_of_order_segment)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	uint32_t seq = pp.seq;
	char b[16];

	pp.up = 4;
	ft_send_raw(&pp, seq, pp.ack, TCP_ACK | TCP_URG, NULL, "ab", 2);
	cr_assert_eq(tcp_urg_state(c), TCP_URG_NOTYET);
	ft_send_raw(&pp, seq + 3, pp.ack, TCP_ACK, NULL, "dz", 2);
	cr_assert_eq(tcp_urg_state(c), TCP_URG_VALID | 'd');
	ft_send_raw(&pp, seq + 2, pp.ack, TCP_ACK, NULL, "c", 1);
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 3);
	cr_assert_str_eq(b, "abc");
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 1);
	cr_assert_str_eq(b, "z");
}

/* SEG.UP 0 under the BSD reading names SEG.SEQ itself (Linux only
 * decrements a non-zero pointer). */
Test(tcp_urg, zero_pointer_names_the_first_byte)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	char b[16];
	int mf;

	urg_send(&pp, "ab", 0);
	cr_assert_eq(oob(c, b, 0, &mf), 1);
	cr_assert_eq(b[0], 'a');
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 1);
	cr_assert_str_eq(b, "b");
}

/* net.ipv4.tcp_stdurg = 1: RFC 1122's reading, the pointer names the
 * byte itself. */
Test(tcp_urg, stdurg_points_at_the_byte)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	char b[16];
	int mf;

	l3_eng.sysctl.tcp_stdurg = 1;
	urg_send(&pp, "abc", 1);
	cr_assert_eq(oob(c, b, 0, &mf), 1);
	cr_assert_eq(b[0], 'b');
}

/* Linux: FIN after the urgent byte; the read at the mark skips it and
 * finds the end of the stream. */
Test(tcp_urg, fin_after_the_urgent_byte)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	char b[16];
	int mf;

	pp.up = 2;
	ft_send(&pp, TCP_URG | TCP_PSH | TCP_FIN, "ab", 2);
	cr_assert_not(tcp_urg_atmark(c));
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 1);
	cr_assert_str_eq(b, "a");
	cr_assert(tcp_urg_atmark(c));
	cr_assert(tcp_poll(c) & TCP_POLL_IN);
	cr_assert_eq(rd(c, b, sizeof(b) - 1, 0), 0);
	cr_assert_eq(oob(c, b, 0, &mf), -EINVAL);
}

/* Linux: with FIN in and the byte taken, the second MSG_OOB is EINVAL. */
Test(tcp_urg, oob_then_fin)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	char b[16];
	int mf;

	pp.up = 5;
	ft_send(&pp, TCP_URG | TCP_PSH | TCP_FIN, "ab", 2);
	/* Announced, never came, and the stream ended: 0, not EAGAIN. */
	cr_assert_eq(oob(c, b, 0, &mf), 0);
}

/* Linux tcp_recv_urg(): a zero-length MSG_OOB read takes the byte and
 * says MSG_TRUNC; MSG_TRUNC in the flags does not copy it. */
Test(tcp_urg, zero_length_oob_read_truncates)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	char b[4] = { 0 };
	int mf = 0;

	urg_send(&pp, "ab", 2);
	cr_assert_eq(tcp_recv_urg(c, b, 0, 0, &mf), 0);
	cr_assert_eq(mf, MSG_OOB | MSG_TRUNC);
	cr_assert_eq(oob(c, b, 0, &mf), -EINVAL);
	urg_send(&pp, "cd", 2);
	cr_assert_eq(oob(c, b, MSG_TRUNC, &mf), 1);
	cr_assert_eq(b[0], 0);
	cr_assert_eq(mf, MSG_OOB);
}

/* Linux: recv(MSG_OOB) on a listener is ENOTCONN, on a socket that
 * never connected EINVAL. */
Test(tcp_urg, oob_read_errors)
{
	struct tcb *ln = ft_listen(FT_LPORT, 4), *u;
	char b;
	int mf = 0;

	cr_assert_eq(tcp_recv(ln, &b, 1, MSG_OOB), -ENOTCONN);
	cr_assert_eq(tcp_socket(&l3_eng, &u), 0);
	cr_assert_eq(tcp_recv_urg(u, &b, 1, 0, &mf), -EINVAL);
	tcp_close(u);
}

/* An outer reader (the shim's ring): bytes go out raw, the rules are
 * computed from where the application reads. */
static size_t lag_of(const struct tcb *tcb, void *arg)
{
	(void)tcb;
	return *(size_t *)arg;
}

static void ready_nop(struct tcb *tcb, unsigned int ev, void *arg)
{
	(void)tcb;
	(void)ev;
	(void)arg;
}

Test(tcp_urg, outer_reader_gets_raw_bytes_and_a_skip_range)
{
	struct ft_peer pp;
	struct tcb *c = estab(&pp);
	struct tcp_urg_view v;
	size_t lag = 0;
	uint32_t base = pp.seq;
	char b[16];

	tcp_set_ready(c, ready_nop, &lag);
	tcp_set_reader(c, lag_of);
	urg_send(&pp, "xa", 2);
	cr_assert_eq(tcp_recv(c, b, sizeof(b), 0), 2); /* raw: both */
	lag = 2;				       /* the app read none */
	tcp_urg_view(c, &v);
	cr_assert(v.mark && v.pri);
	cr_assert_eq(v.seq, base + 1);
	cr_assert_not(v.skip);
	lag = 1; /* it read "x": at the mark */
	cr_assert(tcp_urg_atmark(c));
	urg_send(&pp, "b", 1);
	tcp_urg_view(c, &v);
	cr_assert(v.skip);
	cr_assert_eq(v.skip_from, base + 1);
	cr_assert_eq(v.skip_to, base + 2);
	cr_assert_eq(v.seq, base + 2);
	cr_assert_eq(c->rcv.len, 1); /* nothing dropped here */
	cr_assert(tcp_urg_atmark(c));
	/* Ring empty again after the app skipped and read past "b". */
	cr_assert_eq(tcp_recv(c, b, sizeof(b), 0), 1);
	lag = 0;
	tcp_urg_view(c, &v);
	cr_assert_not(v.mark);
	cr_assert_not(v.skip);
	tcp_set_ready(c, NULL, NULL);
	cr_assert_null(c->rd_lag);
}
