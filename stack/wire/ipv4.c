// SPDX-License-Identifier: MIT
/*
 * ipv4.c - parse and emit IPv4 headers (RFC 791) and walk their options
 *
 * Theory of operation: ipv4_parse() checks everything that lets the rest of
 * the stack trust the view's lengths: version 4, IHL of at least five
 * words, a header that fits in the total length, a total length that fits
 * in what was received, a well-formed options region and a fragment that
 * stays inside the 65535-byte datagram it claims to belong to.  Bytes past
 * the total length are link pad and are dropped from the payload.  What is
 * a matter of policy (a bad checksum, a TTL of zero, a source route, the
 * reserved flag, martian addresses) is left in the view for the engine to
 * count and drop.
 *
 * The fragment bound: RFC 791 section 3.2 caps a datagram at 65535 octets,
 * so a fragment whose offset plus payload passes 65535 cannot belong to any
 * datagram (the "ping of death").  ipv4_parse() rejects it, because the
 * check needs nothing but the fragment itself and so every caller gets it.
 * The reassembler must still check the reassembled header plus payload
 * against IPV4_MAX_LEN, since the first fragment's header adds to it.
 */
#include <errno.h>
#include <string.h>

#include "wire/csum.h"
#include "wire/cursor.h"
#include "wire/ipv4.h"

/* Record the first occurrence of an option and where it sits. */
static void opt_mark(struct ipv4_opt_pos *pos, size_t off, uint8_t len)
{
	if (pos->present)
		return;
	pos->present = true;
	pos->off = (uint8_t)off;
	pos->len = len;
}

/** ipv4_opt_iter_init() - start walking an options region. */
void ipv4_opt_iter_init(struct ipv4_opt_iter *it, const uint8_t *opts,
			size_t len)
{
	it->c = cur_make(opts, len);
}

/**
 * ipv4_opt_next() - the next option of an options region
 *
 * Single-byte EOL and NOP aside, every option is type, length (counting
 * both), data.  NOPs are skipped; EOL ends the list (RFC 791 section 3.1:
 * what follows it is padding).  Each call consumes at least one byte, so a
 * walk always ends.
 *
 * Return: 1 and @o filled, 0 at the end of the list, or -EBADMSG when a
 * length byte is missing, below 2 or runs past the region.
 */
int ipv4_opt_next(struct ipv4_opt_iter *it, struct ipv4_opt *o)
{
	struct cursor *c = &it->c;

	while (cur_left(c)) {
		size_t off = c->off;
		uint8_t type = cur_u8(c);

		if (type == IPV4_OPT_EOL)
			break;
		if (type == IPV4_OPT_NOP)
			continue;
		o->type = type;
		o->off = off;
		o->len = cur_u8(c);
		/* The length counts type and length bytes: below 2 is a lie. */
		if (!cur_ok(c) || o->len < 2)
			return -EBADMSG;
		o->data = cur_take(c, (size_t)o->len - 2);
		if (!o->data)
			return -EBADMSG;
		return 1;
	}
	/* EOL or the end: make further calls end too. */
	c->off = c->len;
	return 0;
}

/**
 * ipv4_opts_parse() - walk an IPv4 options region
 * @opts: the options, right after the 20-byte fixed header
 * @len: their length (IHL*4 - 20, so at most 40)
 * @o: filled with what was found
 *
 * Single-byte EOL and NOP aside, every option is type, length (counting
 * both), data.  The walk stops at EOL, the end of the option list (RFC 791
 * section 3.1: what follows it is padding).  Unknown options are skipped by
 * their length.  The loop consumes at least one byte per turn, so it ends.
 *
 * Return: 0 and a filled @o, or -EBADMSG when a length byte is missing, below
 * 2 or past the end of the region, when a known option is too short for its
 * fixed fields, or when Record Route or a source route appears twice.
 */
int ipv4_opts_parse(const uint8_t *opts, size_t len, struct ipv4_opts *o)
{
	struct ipv4_opt_iter it;
	struct ipv4_opt opt;
	int rc;

	memset(o, 0, sizeof(*o));
	ipv4_opt_iter_init(&it, opts, len);
	while ((rc = ipv4_opt_next(&it, &opt)) > 0) {
		uint8_t type = opt.type, olen = opt.len;
		size_t off = opt.off;
		const uint8_t *data = opt.data;

		switch (type) {
		case IPV4_OPT_RR:
			/* RFC 791 3.1: at most once; length, pointer, routes. */
			if (o->rr.present || olen < 3)
				goto bad;
			opt_mark(&o->rr, off, olen);
			break;
		case IPV4_OPT_LSRR:
		case IPV4_OPT_SSRR:
			/*
			 * RFC 791 3.1: each source route appears at most once,
			 * and a loose and a strict one cannot both be followed.
			 */
			if (o->has_source_route || olen < 3)
				goto bad;
			o->has_source_route = true;
			opt_mark(type == IPV4_OPT_LSRR ? &o->lsrr : &o->ssrr,
				 off, olen);
			break;
		case IPV4_OPT_TS:
			/* RFC 791 3.1: length, pointer, overflow and flag. */
			if (olen < 4)
				goto bad;
			opt_mark(&o->ts, off, olen);
			break;
		case IPV4_OPT_RA:
			/* RFC 2113 section 2.1: the length is always 4. */
			if (olen != 4)
				goto bad;
			if (!o->ra.present)
				o->router_alert = ld_be16(data);
			opt_mark(&o->ra, off, olen);
			break;
		default:
			if (o->n_unknown < UINT8_MAX)
				o->n_unknown++;
			break;
		}
	}
	if (rc < 0)
		goto bad;
	return 0;
bad:
	memset(o, 0, sizeof(*o));
	return -EBADMSG;
}

/*
 * parse() - the work of ipv4_parse() and ipv4_parse_quoted()
 * @quoted: the header comes from an ICMP error and its datagram was cut:
 *	the total length may exceed @len, and the fragment bound (which needs
 *	the whole payload) is not checked
 */
static int parse(const uint8_t *buf, size_t len, struct ipv4_view *v,
		 bool quoted)
{
	struct cursor c = cur_make(buf, len);
	struct cursor oc;
	uint8_t ver_ihl, tos;
	uint16_t frag;
	size_t hlen, end;

	memset(v, 0, sizeof(*v));
	ver_ihl = cur_u8(&c);
	tos = cur_u8(&c);
	v->total_len = cur_be16(&c);
	v->id = cur_be16(&c);
	frag = cur_be16(&c);
	v->ttl = cur_u8(&c);
	v->proto = cur_u8(&c);
	v->csum = cur_be16(&c);
	v->src = cur_be32(&c);
	v->dst = cur_be32(&c);
	if (!cur_ok(&c))
		goto bad;
	/* RFC 791 3.1: version 4; IHL counts 32-bit words, minimum five. */
	if (ver_ihl >> 4 != 4 || (ver_ihl & 0xf) < 5)
		goto bad;
	v->ihl = ver_ihl & 0xf;
	hlen = (size_t)v->ihl * 4;
	/* RFC 2474 / RFC 3168: the old TOS byte is DSCP (6) and ECN (2). */
	v->dscp = tos >> 2;
	v->ecn = tos & 3;
	v->rf = frag & 0x8000;
	v->df = frag & 0x4000;
	v->mf = frag & 0x2000;
	v->frag_off = (uint16_t)((frag & 0x1fff) * 8);

	/* The total length covers the header... */
	if (v->total_len < hlen)
		goto bad;
	/* ...and must have arrived, unless the datagram is quoted. */
	if (v->total_len > len && !quoted)
		goto bad;
	end = v->total_len < len ? v->total_len : len;
	if (end < hlen || !cur_sub(&c, hlen - IPV4_HLEN, &oc))
		goto bad;
	v->opts = oc.len ? oc.buf : NULL;
	v->opts_len = oc.len;
	if (ipv4_opts_parse(oc.buf, oc.len, &v->opt))
		goto bad;
	v->payload = end > hlen ? buf + hlen : NULL;
	v->payload_len = end - hlen;
	/* RFC 791 3.2: no fragment may reach past octet 65535 (see top). */
	if (!quoted && (size_t)v->frag_off + v->payload_len > IPV4_MAX_LEN)
		goto bad;
	return 0;
bad:
	memset(v, 0, sizeof(*v));
	return -EBADMSG;
}

/**
 * ipv4_parse() - parse an IPv4 datagram or fragment
 * @buf: the link payload
 * @len: its length, link pad included
 * @v: the view to fill; its payload is cut to the total length
 *
 * Return: 0 and a filled @v, or -EBADMSG (see the top of this file).
 */
int ipv4_parse(const uint8_t *buf, size_t len, struct ipv4_view *v)
{
	return parse(buf, len, v, false);
}

/**
 * ipv4_parse_quoted() - parse the invoking datagram inside an ICMP error
 *
 * RFC 792 and RFC 1812 section 4.3.2.3 quote the header and as much of the
 * datagram as fits, so the quoted total length usually exceeds the bytes
 * present.  This parse accepts that, cuts the payload to what is there and
 * skips the fragment bound; every other rule of ipv4_parse() holds, and the
 * whole header, options included, must be present.
 *
 * Return: 0 and a filled @v, or -EBADMSG.
 */
int ipv4_parse_quoted(const uint8_t *buf, size_t len, struct ipv4_view *v)
{
	return parse(buf, len, v, true);
}

/**
 * ipv4_csum_ok() - verify the header checksum of the datagram at @buf
 * @buf: the datagram, as handed to ipv4_parse()
 * @len: bytes at @buf
 *
 * Reads the IHL itself, so it is safe on any bytes.
 *
 * Return: true when the header is whole and its checksum verifies.
 */
bool ipv4_csum_ok(const uint8_t *buf, size_t len)
{
	size_t hlen;

	if (len < IPV4_HLEN)
		return false;
	hlen = (size_t)(buf[0] & 0xf) * 4;
	if (hlen < IPV4_HLEN || hlen > len)
		return false;
	return csum_inet(buf, hlen) == 0;
}

/**
 * ipv4_hdr_len() - bytes ipv4_emit() writes before the payload
 *
 * Return: 20 plus the options rounded up to 4 bytes, or -EINVAL when the
 * options do not fit in a 60-byte header.
 */
int ipv4_hdr_len(const struct ipv4_view *v)
{
	if (v->opts_len > IPV4_MAX_OPTLEN)
		return -EINVAL;
	return (int)(IPV4_HLEN + ((v->opts_len + 3) & ~(size_t)3));
}

/**
 * ipv4_emit() - write the datagram described by @v into @buf
 *
 * Writes version 4, the IHL and total length that @v's options and payload
 * need, and the header checksum.  The options are copied from v->opts and
 * padded with EOL bytes to a 4-byte boundary (RFC 791 3.1).  The payload
 * is copied unless it already sits right after the header in @buf; it is
 * moved first, so v->opts may point at the header being rewritten in place
 * but must not lie where the payload goes.
 *
 * Return: bytes written, -ENOBUFS if @cap is too small, or -EINVAL for a
 * view that cannot be encoded (options over 40 bytes, DSCP or ECN out of
 * range, an offset that is not a multiple of 8 or past 65528, more than
 * 65535 bytes in all).
 */
int ipv4_emit(uint8_t *buf, size_t cap, const struct ipv4_view *v)
{
	int ret = ipv4_hdr_len(v);
	size_t hlen, total;
	uint16_t frag;

	if (ret < 0)
		return ret;
	hlen = (size_t)ret;
	if (v->dscp > 63 || v->ecn > 3 || v->frag_off % 8 ||
	    v->frag_off > IPV4_MAX_FRAGOFF)
		return -EINVAL;
	if (v->payload_len > IPV4_MAX_LEN - hlen)
		return -EINVAL;
	total = hlen + v->payload_len;
	if (cap < total)
		return -ENOBUFS;

	if (v->payload_len && v->payload != buf + hlen)
		memmove(buf + hlen, v->payload, v->payload_len);
	if (v->opts_len)
		memmove(buf + IPV4_HLEN, v->opts, v->opts_len);
	memset(buf + IPV4_HLEN + v->opts_len, IPV4_OPT_EOL,
	       hlen - IPV4_HLEN - v->opts_len);
	frag = (uint16_t)(v->frag_off / 8);
	if (v->rf)
		frag |= 0x8000;
	if (v->df)
		frag |= 0x4000;
	if (v->mf)
		frag |= 0x2000;
	buf[0] = (uint8_t)(4 << 4 | hlen / 4);
	buf[1] = (uint8_t)(v->dscp << 2 | v->ecn);
	st_be16(buf + 2, (uint16_t)total);
	st_be16(buf + 4, v->id);
	st_be16(buf + 6, frag);
	buf[8] = v->ttl;
	buf[9] = v->proto;
	st_be16(buf + 10, 0);
	st_be32(buf + 12, v->src);
	st_be32(buf + 16, v->dst);
	st_be16(buf + 10, csum_inet(buf, hlen));
	return (int)total;
}
