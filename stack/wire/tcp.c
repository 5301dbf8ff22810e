// SPDX-License-Identifier: MIT
/*
 * tcp.c - parse, verify and emit TCP headers and options (RFC 9293)
 *
 * Theory of operation: TCP has no length field; the segment is whatever
 * the network layer's payload holds, so tcp_parse() takes that length and
 * the payload is everything after the header.  The data offset is checked
 * against the bytes received; the options region it delimits is walked by
 * tcp_opts_parse() inside a sub-cursor, so no option can read past it.
 *
 * On output the engine fills a struct tcp_opts and tcp_opts_emit() lays it
 * out the way Linux does (tcp_options_write()): MSS; SACK-permitted and
 * timestamps as "SACKOK TS" or "NOP NOP TS"; "NOP NOP SACKOK" without
 * timestamps; "NOP WS"; "NOP NOP SACK".  Every option then sits at the
 * offset a peer's fast path expects and no padding is needed.  A view may
 * instead carry a raw options block (struct tcp_view @opts), which is
 * copied verbatim: that is how a parsed segment re-emits byte for byte.
 *
 * The checksum covers a pseudo-header (RFC 9293 3.1); the caller passes
 * its running sum from csum_pseudo4()/csum_pseudo6(), built with the TCP
 * length (header, options and payload).
 */
#include <errno.h>
#include <string.h>

#include "wire/csum.h"
#include "wire/cursor.h"
#include "wire/tcp.h"

/*
 * Why a malformed option fails the whole segment.  RFC 9293 3.1 requires
 * options with a length field to be skipped when unknown (MUST-6) and asks
 * implementations to survive an illegal length such as zero, suggesting
 * that the connection be reset (MUST-7).  A length of 0 or 1, or one that
 * runs past the options region, leaves no way to find the next option, so
 * the walk cannot continue.  For a known option with the wrong length (MSS
 * of 3, WS of 4...) Linux skips the option by its length and carries on;
 * nsstack instead rejects the segment, for three reasons: the option
 * cannot be read as what its kind says, and guessing (is a 4-byte WS's
 * shift the first byte?) would silently change what the connection
 * negotiates; no conforming sender emits such options, so rejecting costs
 * no interoperability; and dropping is the mildest of the actions RFC 9293
 * allows (it does not reset the connection on behalf of an off-path
 * forger).  RFC 9413 argues the same way against tolerating malformed
 * input.  The engine counts these drops under their own counter.
 */

/* A SACK option's length must be 2 + 8n with n = 1..4 (RFC 2018 3). */
static bool sack_len_ok(size_t olen)
{
	size_t body = olen - TCP_OLEN_SACK_BASE;

	return olen > TCP_OLEN_SACK_BASE && body % TCP_OLEN_SACK_BLOCK == 0 &&
	       body / TCP_OLEN_SACK_BLOCK <= TCP_SACK_MAX;
}

/* Decode the value of one known option; @val holds exactly its bytes. */
static int parse_one(uint8_t kind, size_t olen, struct cursor *val,
		     struct tcp_opts *o)
{
	switch (kind) {
	case TCP_KIND_MSS:
		if (olen != TCP_OLEN_MSS)
			return -EBADMSG;
		o->mss = cur_be16(val);
		o->present |= TCP_OPT_MSS;
		break;
	case TCP_KIND_WS:
		if (olen != TCP_OLEN_WS)
			return -EBADMSG;
		/* RFC 7323 2.3: the clamp to 14 is the receiver's, later. */
		o->ws = cur_u8(val);
		o->present |= TCP_OPT_WS;
		break;
	case TCP_KIND_SACKOK:
		if (olen != TCP_OLEN_SACKOK)
			return -EBADMSG;
		o->present |= TCP_OPT_SACKOK;
		break;
	case TCP_KIND_SACK:
		if (!sack_len_ok(olen))
			return -EBADMSG;
		o->sack_n = (uint8_t)((olen - TCP_OLEN_SACK_BASE) /
				      TCP_OLEN_SACK_BLOCK);
		for (size_t i = 0; i < o->sack_n; i++) {
			o->sack[i].start = cur_be32(val);
			o->sack[i].end = cur_be32(val);
		}
		o->present |= TCP_OPT_SACK;
		break;
	case TCP_KIND_TS:
		if (olen != TCP_OLEN_TS)
			return -EBADMSG;
		o->tsval = cur_be32(val);
		o->tsecr = cur_be32(val);
		o->present |= TCP_OPT_TS;
		break;
	default:
		/* RFC 9293 3.1 MUST-6: skip what we do not implement. */
		o->present |= TCP_OPT_UNKNOWN;
		break;
	}
	return cur_ok(val) ? 0 : -EBADMSG;
}

/**
 * tcp_opts_parse() - decode a TCP options region
 * @buf: the options, from the byte after the fixed header
 * @len: their length (data offset * 4 - 20)
 * @o: filled with what was found
 *
 * The walk is bounded by @len and every step consumes at least one byte.
 * EOL ends it: what follows is padding (RFC 9293 3.1).
 *
 * Return: 0, or -EBADMSG for an option whose length is 0 or 1, runs past
 * @len, or does not match its kind (see "Why a malformed option fails
 * the whole segment" above).
 */
int tcp_opts_parse(const uint8_t *buf, size_t len, struct tcp_opts *o)
{
	struct cursor c = cur_make(buf, len);

	memset(o, 0, sizeof(*o));
	while (cur_left(&c)) {
		uint8_t kind = cur_u8(&c);
		struct cursor val;
		uint8_t olen;
		int rc;

		if (kind == TCP_KIND_EOL)
			break;
		if (kind == TCP_KIND_NOP)
			continue;
		/* Every other kind has a length counting kind and length
		 * bytes (RFC 9293 3.1 MUST-68); it must cover both. */
		olen = cur_u8(&c);
		if (!cur_ok(&c) || olen < 2)
			return -EBADMSG;
		if (!cur_sub(&c, (size_t)olen - 2, &val))
			return -EBADMSG;
		rc = parse_one(kind, olen, &val, o);
		if (rc)
			return rc;
	}
	return 0;
}

/**
 * tcp_parse() - parse a TCP segment
 * @buf: the network layer's payload, starting at the TCP header
 * @len: bytes in @buf; the segment's length, as TCP has none of its own
 * @v: the view to fill, options decoded into @v->opt
 *
 * Return: 0 and a filled @v, or -EBADMSG for fewer than 20 bytes, a data
 * offset below 5 or past @len (RFC 9293 3.1), or malformed options.
 */
int tcp_parse(const uint8_t *buf, size_t len, struct tcp_view *v)
{
	struct cursor c = cur_make(buf, len);
	struct cursor opts;
	uint16_t off_flags;

	memset(v, 0, sizeof(*v));
	v->sport = cur_be16(&c);
	v->dport = cur_be16(&c);
	v->seq = cur_be32(&c);
	v->ack = cur_be32(&c);
	off_flags = cur_be16(&c);
	v->window = cur_be16(&c);
	v->csum = cur_be16(&c);
	v->urg = cur_be16(&c);
	if (!cur_ok(&c))
		return -EBADMSG;
	v->doff = (uint8_t)(off_flags >> 12);
	/* Bits 4-6 of byte 12 are reserved: ignored on input (RFC 9293). */
	v->flags = off_flags & TCP_FLAGS_MASK;
	if (v->doff < TCP_HLEN / 4)
		return -EBADMSG;
	if (!cur_sub(&c, (size_t)v->doff * 4 - TCP_HLEN, &opts))
		return -EBADMSG;
	if (cur_left(&opts)) {
		v->opts = cur_pos(&opts);
		v->opts_len = cur_left(&opts);
	}
	if (tcp_opts_parse(v->opts, v->opts_len, &v->opt))
		return -EBADMSG;
	v->payload = cur_pos(&c);
	v->payload_len = cur_left(&c);
	return 0;
}

/**
 * tcp_csum_ok() - verify a segment's checksum
 * @buf: the TCP header and payload
 * @len: the segment's length
 * @pseudo_sum: csum_pseudo4()/csum_pseudo6() running sum, built with @len
 *
 * Return: true when the segment verifies (unlike UDP's, TCP's checksum is
 * mandatory and zero is an ordinary value).
 */
bool tcp_csum_ok(const uint8_t *buf, size_t len, uint32_t pseudo_sum)
{
	if (len < TCP_HLEN)
		return false;
	return csum_fold(csum_partial(buf, len, pseudo_sum)) == 0;
}

/**
 * tcp_opts_len() - bytes tcp_opts_emit() writes for @o
 *
 * Return: a multiple of 4 up to 40, or -EINVAL when @o does not fit the 40
 * bytes a header allows (timestamps leave room for 3 SACK blocks, not 4)
 * or asks for a SACK option without 1..4 blocks.
 */
int tcp_opts_len(const struct tcp_opts *o)
{
	size_t n = 0;

	if (o->present & TCP_OPT_MSS)
		n += 4;
	if (o->present & TCP_OPT_TS)
		n += 12; /* SACKOK TS or NOP NOP TS */
	else if (o->present & TCP_OPT_SACKOK)
		n += 4; /* NOP NOP SACKOK */
	if (o->present & TCP_OPT_WS)
		n += 4; /* NOP WS */
	if (o->present & TCP_OPT_SACK) {
		if (o->sack_n < 1 || o->sack_n > TCP_SACK_MAX)
			return -EINVAL;
		n += 4 + (size_t)o->sack_n * TCP_OLEN_SACK_BLOCK;
	}
	return n <= TCP_OPTS_MAX ? (int)n : -EINVAL;
}

/**
 * tcp_opts_emit() - write @o in Linux's layout (see the top of this file)
 * @buf: where the options go, right after the fixed header
 * @cap: bytes available at @buf
 * @o: the options; TCP_OPT_UNKNOWN is ignored, since there is nothing to
 *	write for it
 *
 * Return: bytes written (tcp_opts_len()), -ENOBUFS if @cap is too small,
 * or -EINVAL as tcp_opts_len().
 */
int tcp_opts_emit(uint8_t *buf, size_t cap, const struct tcp_opts *o)
{
	int len = tcp_opts_len(o);
	uint8_t *p = buf;

	if (len < 0)
		return len;
	if (cap < (size_t)len)
		return -ENOBUFS;
	if (o->present & TCP_OPT_MSS) {
		*p++ = TCP_KIND_MSS;
		*p++ = TCP_OLEN_MSS;
		st_be16(p, o->mss);
		p += 2;
	}
	if (o->present & TCP_OPT_TS) {
		if (o->present & TCP_OPT_SACKOK) {
			*p++ = TCP_KIND_SACKOK;
			*p++ = TCP_OLEN_SACKOK;
		} else {
			*p++ = TCP_KIND_NOP;
			*p++ = TCP_KIND_NOP;
		}
		*p++ = TCP_KIND_TS;
		*p++ = TCP_OLEN_TS;
		st_be32(p, o->tsval);
		st_be32(p + 4, o->tsecr);
		p += 8;
	} else if (o->present & TCP_OPT_SACKOK) {
		*p++ = TCP_KIND_NOP;
		*p++ = TCP_KIND_NOP;
		*p++ = TCP_KIND_SACKOK;
		*p++ = TCP_OLEN_SACKOK;
	}
	if (o->present & TCP_OPT_WS) {
		*p++ = TCP_KIND_NOP;
		*p++ = TCP_KIND_WS;
		*p++ = TCP_OLEN_WS;
		*p++ = o->ws;
	}
	if (o->present & TCP_OPT_SACK) {
		*p++ = TCP_KIND_NOP;
		*p++ = TCP_KIND_NOP;
		*p++ = TCP_KIND_SACK;
		*p++ = (uint8_t)(TCP_OLEN_SACK_BASE +
				 o->sack_n * TCP_OLEN_SACK_BLOCK);
		for (size_t i = 0; i < o->sack_n; i++) {
			st_be32(p, o->sack[i].start);
			st_be32(p + 4, o->sack[i].end);
			p += 8;
		}
	}
	return len;
}

/* Length of the options emit writes: the raw block, or @opt laid out. */
static int opts_len_of(const struct tcp_view *v)
{
	if (!v->opts)
		return tcp_opts_len(&v->opt);
	/* The data offset counts words, so a raw block must fill whole
	 * words; parse only ever produces such blocks. */
	if (v->opts_len % 4 || v->opts_len > TCP_OPTS_MAX)
		return -EINVAL;
	return (int)v->opts_len;
}

/**
 * tcp_hdr_len() - bytes tcp_emit() writes before the payload
 *
 * Return: 20 plus the options, or -EINVAL for options that cannot be
 * encoded (see tcp_opts_len() and struct tcp_view @opts).
 */
int tcp_hdr_len(const struct tcp_view *v)
{
	int olen = opts_len_of(v);

	return olen < 0 ? olen : TCP_HLEN + olen;
}

/* tcp_emit() and tcp_emit_partial(); @partial leaves the checksum open. */
static int emit(uint8_t *buf, size_t cap, const struct tcp_view *v,
		uint32_t pseudo_sum, bool partial)
{
	int hlen = tcp_hdr_len(v);
	size_t total;

	if (hlen < 0)
		return hlen;
	if (v->flags & ~TCP_FLAGS_MASK)
		return -EINVAL;
	if (cap < (size_t)hlen || cap - (size_t)hlen < v->payload_len)
		return -ENOBUFS;
	total = (size_t)hlen + v->payload_len;
	/* Move the payload first: it may overlap where the header goes. */
	if (v->payload_len && v->payload != buf + hlen)
		memmove(buf + hlen, v->payload, v->payload_len);
	if (v->opts) {
		if (v->opts_len && v->opts != buf + TCP_HLEN)
			memmove(buf + TCP_HLEN, v->opts, v->opts_len);
	} else {
		tcp_opts_emit(buf + TCP_HLEN, (size_t)hlen - TCP_HLEN, &v->opt);
	}
	st_be16(buf, v->sport);
	st_be16(buf + 2, v->dport);
	st_be32(buf + 4, v->seq);
	st_be32(buf + 8, v->ack);
	st_be16(buf + 12, (uint16_t)((hlen / 4) << 12 | v->flags));
	st_be16(buf + 14, v->window);
	st_be16(buf + 16, 0);
	st_be16(buf + 18, v->urg);
	if (partial) /* the pseudo-header sum, folded, not complemented */
		st_be16(buf + 16, (uint16_t)~csum_fold(pseudo_sum));
	else
		st_be16(buf + 16,
			csum_fold(csum_partial(buf, total, pseudo_sum)));
	return (int)total;
}

/**
 * tcp_emit() - write the segment described by @v into @buf
 * @buf: where the TCP header goes
 * @cap: bytes available at @buf
 * @v: the view; @doff and @csum are ignored and computed, @payload is
 *	copied unless it already sits right after the header in @buf
 * @pseudo_sum: csum_pseudo4()/csum_pseudo6() running sum, built with the
 *	length this writes (tcp_hdr_len() + @payload_len)
 *
 * Return: bytes written, -ENOBUFS if @cap is too small, -EINVAL for flags
 * outside TCP_FLAGS_MASK or options that cannot be encoded.
 */
int tcp_emit(uint8_t *buf, size_t cap, const struct tcp_view *v,
	     uint32_t pseudo_sum)
{
	return emit(buf, cap, v, pseudo_sum, false);
}

/**
 * tcp_emit_partial() - tcp_emit(), but leave the checksum partial for a
 * device to finish (checksum offload, virtio NEEDS_CSUM): the field holds
 * the folded pseudo-header sum and the payload is not summed
 *
 * Return: as tcp_emit().
 */
int tcp_emit_partial(uint8_t *buf, size_t cap, const struct tcp_view *v,
		     uint32_t pseudo_sum)
{
	return emit(buf, cap, v, pseudo_sum, true);
}
