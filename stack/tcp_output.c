// SPDX-License-Identifier: MIT
/*
 * tcp_output.c - everything TCP sends: data segmentation with Nagle and
 * sender-side SWS avoidance, ACKs with SACK blocks, SYN and SYN-ACK with
 * their options, retransmissions, window probes and resets
 *
 * Theory of operation
 *
 * The send ring holds every byte from SND.UNA on; a segment starting at
 * sequence number s reads ring offset s - SND.UNA.  tcp_output() sends
 * what the windows allow (RFC 5681: min(cwnd, SND.WND) minus what is in
 * flight), in segments of the effective MSS, holding a short segment back
 * as Nagle (RFC 9293 3.7.4) and the sender's SWS rule (3.8.6.2.1) say.
 * The FIN rides on the last data segment when it can.  Every segment goes
 * out through ipv4_output() with DF set (RFC 1191 path MTU discovery), or
 * for an IPv6 connection through tcp6_output() (tcp6.c).
 */
#include <errno.h>
#include <string.h>

#include "engine.h"
#include "ipv4.h"
#include "route.h"
#include "tcp.h"
#include "tcp_offload.h"
#include "wire/csum.h"

/* Our MSS option: the interface MTU less 40, IPv6 60 (RFC 9293 3.7.1). */
static uint16_t our_mss(struct tcb *tcb)
{
	struct route4_result r;
	uint32_t mtu = 1500, mss, hdrs = 40;

	if (!tcp_key_is4(&tcb->key)) {
		mtu = tcp6_mtu(tcb->eng, &tcb->key.ra, true);
		hdrs = 60;
	} else if (!route4_lookup(tcb->eng, tcb->key.raddr, &r)) {
		mtu = r.ifp->mtu;
	}
	mss = mtu > hdrs + 88 ? mtu - hdrs : 88;
	if (tcb->user_mss && tcb->user_mss < mss)
		mss = tcb->user_mss;
	return (uint16_t)(mss > 65535 ? 65535 : mss);
}

/*
 * Build and send one segment.  @payload_off/@len select bytes of the send
 * ring (len 0: none); over @mss (0: never) it is a super-segment for the
 * device to cut (tcp_offload.c).  @tcb: the connection (NULL for a
 * stateless SYN-ACK or RST), for IPv6's per-socket header fields.  @urg:
 * the urgent pointer field, with TCP_URG in @flags.
 * Return: 0 or -errno from ipv4_output() / tcp6_output().
 */
static int emit_seg(struct engine *eng, const struct tcb *tcb,
		    const struct tcp_key *k, uint32_t seq, uint32_t ack,
		    uint16_t flags, uint16_t window, const struct tcp_opts *opt,
		    const struct tcp_ring *ring, size_t payload_off, size_t len,
		    uint16_t mss, uint16_t urg)
{
	struct tcp_view v = { 0 };
	bool v4 = tcp_key_is4(k);
	bool hw = len && tcp_offload_csum(eng, k);
	struct pkt *p;
	uint32_t ps;
	uint8_t *h;
	int hlen, n;

	v.sport = k->lport;
	v.dport = k->rport;
	v.seq = seq;
	v.ack = ack;
	v.flags = flags;
	v.window = window;
	v.urg = urg;
	if (opt)
		v.opt = *opt;
	hlen = tcp_hdr_len(&v);
	if (hlen < 0)
		return hlen;
	p = pkt_alloc((size_t)hlen + len);
	if (!p)
		return -ENOBUFS;
	h = pkt_put(p, (size_t)hlen + len);
	if (len && ring)
		tcp_ring_peek(ring, payload_off, h + hlen, len);
	v.payload = h + hlen;
	v.payload_len = len;
	ps = v4 ? csum_pseudo4(k->laddr, k->raddr, IPV4_PROTO_TCP,
			       (uint16_t)(hlen + len))
		: tcp6_pseudo(k, (size_t)hlen + len);
	n = hw ? tcp_emit_partial(h, (size_t)hlen + len, &v, ps)
	       : tcp_emit(h, (size_t)hlen + len, &v, ps);
	if (n < 0) {
		pkt_free(p);
		return n;
	}
	if (hw)
		tcp_offload_mark(p, h, len, mss, !v4);
	eng->stats.tcp.TcpOutSegs++;
	if (flags & TCP_RST)
		eng->stats.tcp.TcpOutRsts++;
	if (!v4)
		return tcp6_output(eng, p, k, tcb);
	return ipv4_output(eng, p, k->laddr, k->raddr, IPV4_PROTO_TCP, 0, 0,
			   true);
}

static int emit(struct engine *eng, const struct tcb *tcb,
		const struct tcp_key *k, uint32_t seq, uint32_t ack,
		uint16_t flags, uint16_t window, const struct tcp_opts *opt,
		const struct tcp_ring *ring, size_t payload_off, size_t len)
{
	return emit_seg(eng, tcb, k, seq, ack, flags, window, opt, ring,
			payload_off, len, 0, 0);
}

/**
 * tcp_window_field() - the window to advertise now, as the 16-bit field
 *
 * RFC 9293 3.8.6.2.2 (receiver SWS avoidance): the right edge moves on
 * only when it can move by min(RCV.BUFF / 2, MSS); RFC 9293 3.8.6 says the
 * window should not shrink, so the right edge never moves left.  The
 * field is the window shifted by our scale (RFC 7323 2.3), capped.
 */
uint16_t tcp_window_field(struct tcb *tcb)
{
	uint32_t space = tcp_rcv_space(tcb);
	uint32_t edge = tcb->rcv_nxt + space;
	uint32_t wnd, thresh = (uint32_t)(tcb->rcv.cap / 2);

	if (thresh > tcb->mss)
		thresh = tcb->mss;
	if (seq_lt(edge, tcb->rcv_adv) || (seq_gt(tcb->rcv_adv, tcb->rcv_nxt) &&
					   edge - tcb->rcv_adv < thresh))
		edge = seq_gt(tcb->rcv_adv, tcb->rcv_nxt) ? tcb->rcv_adv
							  : tcb->rcv_nxt;
	wnd = edge - tcb->rcv_nxt;
	if ((wnd >> tcb->rcv_wscale) > 65535)
		wnd = 65535u << tcb->rcv_wscale;
	/* Round down to what the field can say, so the edge is exact. */
	wnd = (wnd >> tcb->rcv_wscale) << tcb->rcv_wscale;
	tcb->rcv_wnd = wnd;
	if (seq_gt(tcb->rcv_nxt + wnd, tcb->rcv_adv))
		tcb->rcv_adv = tcb->rcv_nxt + wnd;
	return (uint16_t)(wnd >> tcb->rcv_wscale);
}

/* Options of a non-SYN segment: timestamps (RFC 7323 3) and SACK. */
static bool fill_opts(struct tcb *tcb, struct tcp_opts *o)
{
	size_t n;

	memset(o, 0, sizeof(*o));
	if (tcb->ts_ok) {
		o->present |= TCP_OPT_TS;
		o->tsval = tcp_ts_now(tcb);
		o->tsecr = tcb->ts_recent;
	}
	if (tcb->sack_ok) {
		n = tcp_reass_sack(&tcb->reass, tcb->rcv_nxt, o->sack,
				   tcb->ts_ok ? 3 : 4);
		if (n) {
			o->present |= TCP_OPT_SACK;
			o->sack_n = (uint8_t)n;
			return true;
		}
	}
	return false;
}

/* tcb->mss less a SACK option of @nblocks blocks (none: tcb->mss). */
static uint32_t mss_less_sack(const struct tcb *tcb, size_t nblocks)
{
	uint32_t opt = 4 + 8 * (uint32_t)nblocks;

	if (!nblocks)
		return tcb->mss;
	return tcb->mss > opt + 8 ? tcb->mss - opt : 8;
}

/**
 * tcp_seg_mss() - the most payload a segment sent now may carry
 * @tcb: connection
 *
 * tcb->mss is the effective send MSS with the timestamp option already
 * taken off (RFC 6691, RFC 7323 3); a segment that also reports
 * out-of-order data carries a SACK option of up to 4 + 8n octets (RFC
 * 2018 3, padded as tcp_emit() writes it), and "the TCP options ...
 * reduce the data length" (RFC 9293 3.7.1), or the datagram would
 * exceed the path MTU.  The blocks counted here are the most the next
 * segment can carry: sending only uses up a D-SACK, never adds one.
 */
uint32_t tcp_seg_mss(struct tcb *tcb)
{
	struct tcp_sack_block b[TCP_SACK_MAX];

	if (!tcb->sack_ok)
		return tcb->mss;
	return mss_less_sack(tcb, tcp_reass_sack(&tcb->reass, tcb->rcv_nxt, b,
						 tcb->ts_ok ? 3 : 4));
}

/**
 * tcp_send_segment() - send @len bytes of the ring from @seq, with @flags
 * (ACK is added in every synchronised state), the current window and
 * options, and URG while urgent data is unacknowledged (tcp_urg.c); an
 * ACK-bearing segment satisfies any pending delayed ACK
 *
 * Return: 0 or -errno.
 */
int tcp_send_segment(struct tcb *tcb, uint32_t seq, size_t len, uint16_t flags)
{
	struct tcp_opts o;
	bool sacked = fill_opts(tcb, &o);
	uint16_t win = tcp_window_field(tcb), up = 0;
	int rc;

	if (tcb->state != TCPS_SYN_SENT)
		flags |= TCP_ACK;
	if (tcp_urg_out(tcb, seq, &up))
		flags |= TCP_URG;
	/* TSO cuts at the MSS less the SACK option fill_opts() chose. */
	rc = emit_seg(tcb->eng, tcb, &tcb->key, seq, tcb->rcv_nxt, flags, win,
		      &o, &tcb->snd, seq - tcb->snd_una, len,
		      (uint16_t)mss_less_sack(tcb, sacked ? o.sack_n : 0), up);
	/* RFC 8985 6.1: RACK keeps each segment's latest send time. */
	if (tcb->sb.rack && len)
		tcp_rack_sent(&tcb->rack, seq, seq + (uint32_t)len,
			      tcb->eng->now, seq_lt(seq, tcb->snd_max));
	if (len && seq_lt(seq, tcb->snd_max))
		tcp_undo_on_rxt(&tcb->undo, seq, (uint32_t)len, tcb->ts_ok,
				o.tsval, tcb->mss);
	tcb->segs_out++;
	if (flags & TCP_ACK) {
		tcb->unacked_segs = 0;
		tcb->ack_now = false;
		timer_cancel(&tcb->eng->timers, &tcb->t_delack);
		if (sacked)
			tcp_reass_ack_sent(&tcb->reass);
	}
	return rc;
}

/** tcp_send_ack() - a bare ACK now (RFC 9293 3.10.7.4 "<SEQ=SND.NXT>..."). */
void tcp_send_ack(struct tcb *tcb)
{
	tcp_send_segment(tcb, tcb->snd_nxt, 0, TCP_ACK);
}

/**
 * tcp_send_syn() - our SYN (SYN-SENT) or SYN-ACK (SYN-RECEIVED) with the
 * options of RFC 9293 3.7.1 (MSS), RFC 7323 (window scale, timestamps)
 * and RFC 2018 (SACK-permitted); a SYN-ACK carries an option only if the
 * peer's SYN offered it (RFC 7323 1.3, 2.2; RFC 2018 2)
 *
 * Return: 0 or -errno.
 */
int tcp_send_syn(struct tcb *tcb)
{
	struct sysctl *sc = &tcb->eng->sysctl;
	bool active = tcb->state == TCPS_SYN_SENT;
	struct tcp_opts o = { 0 };
	uint32_t space = tcp_rcv_space(tcb);

	o.present = TCP_OPT_MSS;
	o.mss = our_mss(tcb);
	if (active ? sc->tcp_window_scaling : tcb->ws_ok) {
		o.present |= TCP_OPT_WS;
		o.ws = tcb->rcv_wscale;
	}
	if (active ? sc->tcp_sack : tcb->sack_ok)
		o.present |= TCP_OPT_SACKOK;
	if (active ? sc->tcp_timestamps : tcb->ts_ok) {
		o.present |= TCP_OPT_TS;
		o.tsval = tcp_ts_now(tcb);
		o.tsecr = active ? 0 : tcb->ts_recent;
	}
	/* RFC 7323 2.2: the window in a SYN is never scaled. */
	if (space > 65535)
		space = 65535;
	tcb->rcv_wnd = space;
	tcb->rcv_adv = tcb->rcv_nxt + space;
	tcb->segs_out++;
	return emit(tcb->eng, tcb, &tcb->key, tcb->iss,
		    active ? 0 : tcb->rcv_nxt,
		    active ? TCP_SYN : TCP_SYN | TCP_ACK, (uint16_t)space, &o,
		    NULL, 0, 0);
}

/**
 * tcp_send_synack_cookie() - a stateless SYN-ACK whose ISN is a SYN
 * cookie (@sa->iss); it offers MSS, and when the SYN had timestamps also
 * the window scale, SACK-permitted and timestamps the SYN offered (RFC
 * 7323 1.3, RFC 2018 2), their memory being the TSval @sa->tsval
 *
 * Return: 0 or -errno.
 */
int tcp_send_synack_cookie(struct engine *eng, const struct tcp_key *k,
			   const struct tcp_cookie_synack *sa)
{
	struct tcp_opts o = { 0 };

	o.present = TCP_OPT_MSS;
	o.mss = sa->mss;
	if (sa->ts) {
		o.present |= TCP_OPT_TS;
		o.tsval = sa->tsval;
		o.tsecr = sa->tsecr;
	}
	if (sa->ws) {
		o.present |= TCP_OPT_WS;
		o.ws = sa->rcv_wscale;
	}
	if (sa->sack)
		o.present |= TCP_OPT_SACKOK;
	/* RFC 7323 2.2: the window in a SYN is never scaled. */
	return emit(eng, NULL, k, sa->iss, sa->irs + 1, TCP_SYN | TCP_ACK,
		    65535, &o, NULL, 0, 0);
}

/**
 * tcp_send_rst_for() - the reset RFC 9293 3.10.7.1 sends for a segment
 * that has no connection: "If the incoming segment has the ACK bit set,
 * the reset takes its sequence number from the ACK field of the segment,
 * otherwise the reset has sequence number zero and the ACK field is set to
 * the sum of the sequence number and segment length of the incoming
 * segment."  A RST is never answered (ibid.).
 * @src/@dst: the segment's addresses (ours is @dst)
 * @seg_len: SEG.LEN, SYN and FIN included
 */
void tcp_send_rst_for(struct engine *eng, const union tcp_addr *src,
		      const union tcp_addr *dst, const struct tcp_view *seg,
		      size_t seg_len)
{
	struct tcp_key k;

	if (seg->flags & TCP_RST)
		return;
	memset(&k, 0, sizeof(k));
	k.la = *dst;
	k.ra = *src;
	k.lport = seg->dport;
	k.rport = seg->sport;
	if (seg->flags & TCP_ACK)
		emit(eng, NULL, &k, seg->ack, 0, TCP_RST, 0, NULL, NULL, 0, 0);
	else
		emit(eng, NULL, &k, 0, seg->seq + (uint32_t)seg_len,
		     TCP_RST | TCP_ACK, 0, NULL, NULL, 0, 0);
}

/**
 * tcp_send_rst() - abort @tcb's connection on the wire: RST at SND.NXT
 * (RFC 9293 3.10.4 ABORT, "<SEQ=SND.NXT><CTL=RST>")
 */
void tcp_send_rst(struct tcb *tcb)
{
	emit(tcb->eng, tcb, &tcb->key, tcb->snd_nxt, tcb->rcv_nxt,
	     TCP_RST | TCP_ACK, 0, NULL, NULL, 0, 0);
}

/* The end of buffered data in sequence space (valid once synchronised). */
static uint32_t data_end(const struct tcb *tcb)
{
	return tcb->snd_una + (uint32_t)tcb->snd.len;
}

/** tcp_can_send_data() - may @tcb send data in its state (RFC 9293 3.3.2)? */
bool tcp_can_send_data(const struct tcb *tcb)
{
	switch (tcb->state) {
	case TCPS_ESTABLISHED:
	case TCPS_CLOSE_WAIT:
	case TCPS_FIN_WAIT_1:
	case TCPS_CLOSING:
	case TCPS_LAST_ACK:
		return true;
	case TCPS_CLOSED:
	case TCPS_LISTEN:
	case TCPS_SYN_SENT:
	case TCPS_SYN_RECEIVED:
	case TCPS_FIN_WAIT_2:
	case TCPS_TIME_WAIT:
	default:
		return false;
	}
}

/*
 * Nagle (RFC 9293 3.7.4) and sender SWS avoidance (3.8.6.2.1): may a
 * segment of @len < MSS go now?  @avail is all the unsent data.  Neither
 * Nagle nor TCP_CORK holds urgent data back (Linux: tcp_nagle_test()).
 */
static bool short_segment_ok(const struct tcb *tcb, uint32_t len,
			     uint32_t avail, bool fin)
{
	bool urg = tcp_urg_sending(tcb);

	if (tcb->cork && !fin && !urg)
		return false;
	if (len < avail) /* window-limited: SWS rule */
		return tcb->max_sndwnd && len >= tcb->max_sndwnd / 2;
	/* All the data fits: Nagle holds it while anything is in flight. */
	return tcb->nodelay || fin || urg || tcp_flight(tcb) == 0;
}

/*
 * Go-back-N after a timeout resends from SND.UNA; what the peer SACKs
 * again since then (the scoreboard is cleared at the timeout, RFC 2018 8)
 * it holds, so SND.NXT jumps over it instead of sending it twice, as
 * RFC 6675 5.1 intends for retransmissions after an RTO.
 */
static void skip_sacked(struct tcb *tcb)
{
	const struct tcp_scoreboard *sb = &tcb->sb;

	if (!tcb->sack_ok || !seq_lt(tcb->snd_nxt, tcb->snd_max))
		return;
	for (size_t i = 0; i < sb->n; i++) {
		if (seq_leq(sb->r[i].start, tcb->snd_nxt) &&
		    seq_lt(tcb->snd_nxt, sb->r[i].end)) {
			tcb->snd_nxt = seq_min(sb->r[i].end, tcb->snd_max);
			return;
		}
	}
}

/**
 * tcp_output() - send what the windows allow: new data in MSS-sized
 * segments, then the FIN; arm the retransmission or persist timer
 */
void tcp_output(struct tcb *tcb)
{
	uint32_t seg_max = tcp_tso_max(tcb); /* MSS, or more with TSO */
	uint32_t mss = tcp_seg_mss(tcb);

	/* Each urgent segment needs its own pointer: no super-segments
	 * (Linux: no TSO size goal for MSG_OOB). */
	if (tcp_urg_sending(tcb))
		seg_max = mss;
	if (!tcp_can_send_data(tcb))
		goto out;
	for (;;) {
		uint32_t end = data_end(tcb);
		uint32_t avail, wnd, usable, len;
		uint16_t flags = 0;
		bool fin;

		if (seq_gt(tcb->snd_nxt, end))
			break; /* the FIN is out */
		skip_sacked(tcb);
		avail = end - tcb->snd_nxt;
		wnd = tcb->snd_wnd < tcb->cc.cwnd ? tcb->snd_wnd : tcb->cc.cwnd;
		usable = seq_gt(tcb->snd_una + wnd, tcb->snd_nxt)
				 ? tcb->snd_una + wnd - tcb->snd_nxt
				 : 0;
		len = avail < seg_max ? avail : seg_max;
		if (len > usable)
			len = usable;
		if (len > mss && len < avail)
			len -= len % mss; /* TSO: whole MSS pieces */
		fin = tcb->shut_wr && tcb->snd_nxt + len == end;
		if (len == 0 && !(fin && avail == 0))
			break;
		if (len < mss && len < avail + 1 &&
		    !short_segment_ok(tcb, len, avail, fin))
			break;
		if (fin)
			flags |= TCP_FIN;
		if (len)
			flags |= TCP_PSH * (len == avail);
		if (!tcb->rtt_timing && seq_geq(tcb->snd_nxt, tcb->snd_max) &&
		    len) {
			tcb->rtt_timing = true;
			tcb->rtt_seq = tcb->snd_nxt + len;
			tcb->rtt_start = tcb->eng->now;
		}
		if (seq_lt(tcb->snd_nxt, tcb->snd_max)) {
			tcb->eng->stats.tcp.TcpRetransSegs++;
			tcb->total_retrans++;
		}
		tcp_send_segment(tcb, tcb->snd_nxt, len, flags);
		tcb->snd_nxt += len + (fin ? 1 : 0);
		if (fin)
			tcb->fin_sent = true;
		if (seq_gt(tcb->snd_nxt, tcb->snd_max))
			tcb->snd_max = tcb->snd_nxt;
		if (tcb->sb.in_recovery)
			tcp_prr_on_send(&tcb->prr, len);
		if (fin)
			break;
	}
	if (tcp_flight(tcb)) {
		if (!timer_armed(&tcb->t_rtx) || tcb->persist)
			tcp_rtx_arm(tcb);
	} else if (data_end(tcb) != tcb->snd_nxt && !tcb->cork &&
		   !timer_armed(&tcb->t_rtx)) {
		/* Nothing in flight yet data held: the window is zero or
		 * too small to use (SWS).  RFC 9293 3.8.6.1 probes a zero
		 * window; 3.8.6.2.1's override timeout covers the rest, so
		 * the persist timer serves both (as Linux's probe timer). */
		tcp_persist_arm(tcb);
	}
out:
	/* A pending ACK is the caller's (tcp_ack_later()): data written by
	 * a readiness callback may still carry it. */
	return;
}

/**
 * tcp_send_loss_probe() - the tail loss probe of RFC 8985 7.3: "If a
 * previously unsent segment exists AND the receive window allows, send
 * that segment ... Else, retransmit the most recently sent segment"; one
 * segment, whatever cwnd says.  Records TLP.end_seq (SND.NXT after it)
 * and whether it was a retransmission, for tcp_input's episode check.
 */
void tcp_send_loss_probe(struct tcb *tcb)
{
	uint32_t end = data_end(tcb), edge = tcb->snd_una + tcb->snd_wnd;
	uint32_t mss = tcp_seg_mss(tcb), seq, len;
	uint16_t flags = 0;

	if (!tcb->fin_sent && seq_lt(tcb->snd_max, end) &&
	    seq_lt(tcb->snd_max, edge)) {
		seq = tcb->snd_max;
		len = seq_min(end, edge) - seq;
		if (len > mss)
			len = mss;
		tcp_send_segment(tcb, seq, len, TCP_PSH * (seq + len == end));
		tcb->snd_max = seq + len;
		tcb->snd_nxt = tcb->snd_max;
		tcb->tlp_rxt = false;
	} else {
		uint32_t dend = tcb->fin_sent ? end : tcb->snd_max;

		len = dend - tcb->snd_una;
		if (len > mss)
			len = mss;
		seq = dend - len;
		if (tcb->fin_sent)
			flags |= TCP_FIN;
		tcb->eng->stats.tcp.TcpRetransSegs++;
		tcb->total_retrans++;
		tcb->rtt_timing = false; /* Karn */
		tcp_send_segment(tcb, seq, len, flags);
		tcb->tlp_rxt = true;
	}
	tcb->tlp_out = true;
	tcb->tlp_end = tcb->snd_max;
}

/**
 * tcp_retransmit_head() - resend the first unacknowledged segment: SYN,
 * SYN-ACK, data at SND.UNA, or the FIN (RFC 6298 5.4, RFC 5681 3.2)
 */
void tcp_retransmit_head(struct tcb *tcb)
{
	uint32_t end, len, mss;
	uint16_t flags = 0;

	tcb->eng->stats.tcp.TcpRetransSegs++;
	tcb->total_retrans++;
	tcb->rtt_timing = false; /* Karn: no sample from a retransmission */
	if (tcb->state == TCPS_SYN_SENT || tcb->state == TCPS_SYN_RECEIVED) {
		tcb->eng->stats.tcp.TcpExtTCPSynRetrans++;
		tcp_send_syn(tcb);
		return;
	}
	end = data_end(tcb);
	len = end - tcb->snd_una;
	mss = tcp_seg_mss(tcb);
	if (len > mss)
		len = mss;
	if (tcb->fin_sent && tcb->snd_una + len == end)
		flags |= TCP_FIN;
	if (!len && !(flags & TCP_FIN))
		return;
	tcp_send_segment(tcb, tcb->snd_una, len, flags);
	if (seq_gt(tcb->snd_una + len + !!(flags & TCP_FIN), tcb->snd_nxt))
		tcb->snd_nxt = tcb->snd_una + len + !!(flags & TCP_FIN);
}
