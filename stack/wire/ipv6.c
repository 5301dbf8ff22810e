// SPDX-License-Identifier: MIT
/*
 * ipv6.c - parse and emit the IPv6 header and walk its extension headers
 *
 * Theory of operation: ip6_parse() reads the 40-byte fixed header, cuts the
 * payload to the Payload Length field, then walks the extension-header chain
 * (RFC 8200 4) inside that payload.  The walk follows Hop-by-Hop (0),
 * Routing (43), Fragment (44) and Destination Options (60) headers and stops
 * at the first other Next Header value, which is the upper-layer protocol or
 * No Next Header (59); an unknown value also ends the walk, and the engine
 * answers it with a Parameter Problem pointing at @nh_off.  Every header
 * found is recorded in the view so the engine never re-reads raw bytes to
 * act on the chain.
 *
 * The walk is bounded twice: at most IP6_EXT_MAX headers (more is
 * -EBADMSG), and every header is taken from a cursor over the payload, so
 * the chain can never be longer than the bytes received and each step
 * consumes at least eight of them.
 *
 * Not supported: jumbograms (RFC 2675).  A Jumbo Payload option is
 * -EBADMSG, and so is the Payload Length 0 a jumbogram carries, because
 * the Hop-by-Hop header that would hold the option then runs past the
 * (empty) payload.  A second Fragment header in one chain is -EBADMSG too:
 * the engine does not reassemble nested fragments.
 */
#include <errno.h>
#include <string.h>

#include "wire/cursor.h"
#include "wire/ipv6.h"

/**
 * ip6_opt_iter_init() - start walking the TLV options of a Hop-by-Hop or
 * Destination Options header
 * @opts: the options area, after the header's Next Header and length bytes
 */
void ip6_opt_iter_init(struct ip6_opt_iter *it, const uint8_t *opts, size_t len)
{
	it->c = cur_make(opts, len);
}

/**
 * ip6_opt_next() - the next option, padding included
 *
 * Pad1 is the one option without a length byte (RFC 8200 4.2); every other
 * option must fit, data and all, inside the options area.
 *
 * Return: 1 and a filled @o, 0 at the end of the area, or -EBADMSG for an
 * option that runs past the area (and on every later call).
 */
int ip6_opt_next(struct ip6_opt_iter *it, struct ip6_opt *o)
{
	struct cursor *c = &it->c;

	memset(o, 0, sizeof(*o));
	if (!cur_ok(c))
		return -EBADMSG;
	if (!cur_left(c))
		return 0;
	o->off = c->off;
	o->type = cur_u8(c);
	if (o->type == IP6_OPT_PAD1)
		return 1;
	o->len = cur_u8(c);
	o->data = cur_take(c, o->len);
	if (!cur_ok(c)) {
		o->data = NULL;
		return -EBADMSG;
	}
	return 1;
}

/*
 * Walk an options area once so the engine can trust its structure, and
 * note a Router Alert (RFC 2711 2.1: its data is exactly two bytes).
 */
static int check_opts(const uint8_t *opts, size_t len, struct ip6_view *v,
		      bool hbh)
{
	struct ip6_opt_iter it;
	struct ip6_opt o;
	int rc;

	ip6_opt_iter_init(&it, opts, len);
	while ((rc = ip6_opt_next(&it, &o)) > 0) {
		/* RFC 2675 jumbograms are not supported (see the top). */
		if (o.type == IP6_OPT_JUMBO)
			return -EBADMSG;
		if (o.type != IP6_OPT_ROUTER_ALERT)
			continue;
		if (o.len != 2)
			return -EBADMSG;
		if (hbh && !v->ra_present) {
			v->ra_present = true;
			v->ra_value = ld_be16(o.data);
		}
	}
	return rc;
}

static bool is_ext_hdr(uint8_t nh)
{
	return nh == IP6_NH_HOPOPTS || nh == IP6_NH_ROUTING ||
	       nh == IP6_NH_FRAGMENT || nh == IP6_NH_DSTOPTS;
}

/*
 * Record one extension header @h of @hlen bytes at offset @off from the
 * IPv6 header.  Return: 0, or -EBADMSG.
 */
static int note_ext(struct ip6_view *v, uint8_t type, const uint8_t *h,
		    size_t hlen, size_t off)
{
	struct ip6_ext_hdr *e = &v->ext[v->n_ext++];
	uint16_t offword;

	e->type = type;
	e->off = (uint32_t)off;
	e->len = (uint32_t)hlen;
	switch (type) {
	case IP6_NH_HOPOPTS:
		v->have_hbh = true;
		v->hbh_opts = h + 2;
		v->hbh_opts_len = hlen - 2;
		return check_opts(h + 2, hlen - 2, v, true);
	case IP6_NH_DSTOPTS:
		if (!v->n_dstopts++) {
			v->dst_opts = h + 2;
			v->dst_opts_len = hlen - 2;
		}
		return check_opts(h + 2, hlen - 2, v, false);
	case IP6_NH_ROUTING:
		/* RFC 8200 4.4: type and Segments Left decide what to do. */
		if (!v->have_rh) {
			v->have_rh = true;
			v->rh_type = h[2];
			v->rh_segs_left = h[3];
			v->rh_off = off;
			v->rh_data = h + 4;
			v->rh_data_len = hlen - 4;
		}
		return 0;
	case IP6_NH_FRAGMENT:
		if (v->have_frag)
			return -EBADMSG;
		/* RFC 8200 4.5: offset in 8-octet units, two reserved bits, M. */
		offword = ld_be16(h + 2);
		v->have_frag = true;
		v->frag_nh = h[0];
		v->frag_off = offword & 0xfff8;
		v->frag_more = offword & 1;
		v->frag_id = ld_be32(h + 4);
		v->frag_hdr_off = off;
		return 0;
	default:
		return -EBADMSG;
	}
}

/*
 * Walk the extension headers in v->payload; see the top of the file.
 */
static int walk_chain(struct ip6_view *v)
{
	struct cursor c = cur_make(v->payload, v->payload_len);
	uint8_t nh = v->next_header;
	size_t nh_off = 6; /* the fixed header's Next Header field */
	bool first_frag = false;

	while (is_ext_hdr(nh)) {
		size_t off = IP6_HLEN + c.off;
		const uint8_t *h;
		size_t hlen;
		int rc;

		if (v->n_ext == IP6_EXT_MAX)
			return -EBADMSG;
		/* RFC 8200 4.1: Hop-by-Hop only right after the IPv6 header. */
		if (nh == IP6_NH_HOPOPTS && v->n_ext)
			return -EBADMSG;
		if (nh == IP6_NH_FRAGMENT)
			hlen = IP6_FRAG_HLEN;
		else if (cur_left(&c) >= 2)
			hlen = ((size_t)cur_pos(&c)[1] + 1) * 8; /* 4.3, 4.4 */
		else
			hlen = SIZE_MAX;
		if (hlen > cur_left(&c)) {
			/*
			 * RFC 7112 5: a first fragment must carry the whole
			 * chain; report it so the engine drops it, since
			 * the header itself is not malformed.
			 */
			if (!first_frag)
				return -EBADMSG;
			v->chain_incomplete = true;
			break;
		}
		h = cur_take(&c, hlen);
		rc = note_ext(v, nh, h, hlen, off);
		if (rc)
			return rc;
		nh_off = off;
		if (nh == IP6_NH_FRAGMENT) {
			nh = h[0];
			/* After a later fragment's header comes data only. */
			if (v->frag_off)
				break;
			first_frag = v->frag_more;
			continue;
		}
		nh = h[0];
	}
	v->upper_proto = nh;
	v->nh_off = nh_off;
	v->upper = cur_pos(&c);
	v->upper_len = cur_left(&c);
	v->upper_off = IP6_HLEN + c.off;
	if (first_frag && !v->upper_len && nh != IP6_NH_NONE)
		v->chain_incomplete = true;
	return 0;
}

/**
 * ip6_parse() - parse an IPv6 header and walk its extension headers
 *
 * Return: 0 and a filled @v, or -EBADMSG for a truncated or malformed
 * packet: version not 6, Payload Length past the bytes received, an
 * extension header or option running past the payload, Hop-by-Hop not
 * first, more than IP6_EXT_MAX extension headers, a jumbogram.
 */
int ip6_parse(const uint8_t *buf, size_t len, struct ip6_view *v)
{
	struct cursor c = cur_make(buf, len);
	uint32_t vtf;
	uint16_t plen;
	int rc;

	memset(v, 0, sizeof(*v));
	vtf = cur_be32(&c);
	plen = cur_be16(&c);
	v->next_header = cur_u8(&c);
	v->hop_limit = cur_u8(&c);
	cur_copy(&c, v->src.b, IP6_LEN);
	cur_copy(&c, v->dst.b, IP6_LEN);
	if (!cur_ok(&c) || vtf >> 28 != 6)
		goto bad;
	v->tclass = (uint8_t)(vtf >> 20);
	v->flow_label = vtf & IP6_FLOW_MASK;
	/* RFC 8200 3: the payload ends where Payload Length says; pad follows. */
	if (plen > cur_left(&c))
		goto bad;
	v->payload = cur_pos(&c);
	v->payload_len = plen;
	rc = walk_chain(v);
	if (rc)
		goto bad;
	return 0;
bad:
	memset(v, 0, sizeof(*v));
	return -EBADMSG;
}

/** ip6_hdr_len() - bytes ip6_emit() writes before the payload. */
int ip6_hdr_len(const struct ip6_view *v)
{
	return IP6_HLEN + (v->have_frag ? IP6_FRAG_HLEN : 0);
}

/**
 * ip6_emit() - write the IPv6 header, an optional Fragment header, and the
 * payload
 *
 * With @v->have_frag a Fragment header built from the frag_* fields follows
 * the fixed header, @v->next_header must be IP6_NH_FRAGMENT and @v->payload
 * is what follows the Fragment header.  Any other extension header is the
 * caller's, at the start of @v->payload.  A view from ip6_parse() therefore
 * re-emits byte for byte with have_frag cleared: its payload already holds
 * every extension header.  Payload Length is computed.
 *
 * Return: bytes written, -ENOBUFS if @cap is too small, -EINVAL for a view
 * that cannot be encoded (a flow label over 20 bits, a payload over 65535
 * bytes, a fragment offset not a multiple of 8, have_frag with a Next
 * Header other than 44).
 */
int ip6_emit(uint8_t *buf, size_t cap, const struct ip6_view *v)
{
	size_t hlen = (size_t)ip6_hdr_len(v);
	size_t plen = hlen - IP6_HLEN + v->payload_len;
	uint8_t *p = buf;

	if (v->flow_label > IP6_FLOW_MASK || plen > IP6_MAX_PAYLOAD)
		return -EINVAL;
	if (v->have_frag &&
	    (v->next_header != IP6_NH_FRAGMENT || (v->frag_off & 7)))
		return -EINVAL;
	if (cap < hlen || cap - hlen < v->payload_len)
		return -ENOBUFS;

	st_be32(p, 6u << 28 | (uint32_t)v->tclass << 20 | v->flow_label);
	st_be16(p + 4, (uint16_t)plen);
	p[6] = v->next_header;
	p[7] = v->hop_limit;
	memcpy(p + 8, v->src.b, IP6_LEN);
	memcpy(p + 24, v->dst.b, IP6_LEN);
	p += IP6_HLEN;
	if (v->have_frag) {
		p[0] = v->frag_nh;
		p[1] = 0; /* reserved (RFC 8200 4.5) */
		st_be16(p + 2,
			(uint16_t)(v->frag_off | (v->frag_more ? 1 : 0)));
		st_be32(p + 4, v->frag_id);
		p += IP6_FRAG_HLEN;
	}
	if (v->payload_len && v->payload != p)
		memmove(p, v->payload, v->payload_len);
	return (int)(hlen + v->payload_len);
}

/**
 * ip6_hbh_router_alert() - write an 8-byte Hop-by-Hop header holding a
 * Router Alert option
 *
 * MLD messages are sent with a Router Alert of value 0 in a Hop-by-Hop
 * header (RFC 2710 3, RFC 3810 5); the caller puts these bytes at the start
 * of the IPv6 payload and sets the fixed header's Next Header to 0.
 *
 * Return: 8, or -ENOBUFS.
 */
int ip6_hbh_router_alert(uint8_t *buf, size_t cap, uint8_t next_header,
			 uint16_t value)
{
	if (cap < 8)
		return -ENOBUFS;
	buf[0] = next_header;
	buf[1] = 0; /* (0 + 1) * 8 bytes */
	buf[2] = IP6_OPT_ROUTER_ALERT;
	buf[3] = 2;
	st_be16(buf + 4, value);
	buf[6] = IP6_OPT_PADN; /* pad to 8 (RFC 8200 4.2) */
	buf[7] = 0;
	return 8;
}
