// SPDX-License-Identifier: MIT
/*
 * dhcp6.c - parse and emit DHCPv6 messages (RFC 8415)
 *
 * Theory of operation
 *
 * A client/server message is a type byte, a 24-bit transaction id and
 * options (RFC 8415 section 8); a relay message is a type byte, a hop
 * count, a link and a peer address and options (section 9).  Options are
 * 16-bit code, 16-bit length TLVs (section 21.1), and some of them
 * contain options of their own: IA_NA, IA_TA and IA_PD hold IAADDR or
 * IAPREFIX and STATUS_CODE, and IAADDR and IAPREFIX may hold STATUS_CODE.
 * dhcp6_opt_next() walks one level inside a bounded cursor, so a nested
 * option can never claim bytes past its parent: that is -EBADMSG.
 *
 * dhcp6_parse() checks every level it knows: the containers above, and
 * the lengths RFC 8415 fixes (ELAPSED_TIME 2, PREFERENCE 1, RAPID_COMMIT
 * 0, INFORMATION_REFRESH_TIME 4, STATUS_CODE at least 2, a DUID of 3 to
 * 130 bytes, ORO a multiple of 2), DNS_SERVERS a multiple of 16 (RFC 3646
 * section 3) and DOMAIN_LIST as uncompressed DNS names (RFC 8415 section
 * 10).  It does not apply rules that belong to the client's state machine,
 * such as discarding an IA whose T1 exceeds T2 (section 21.4); nor does it
 * parse the message inside RELAY_MSG, which is a dhcp6_parse() of its own.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "wire/dhcp6.h"

static bool is_relay(uint8_t type)
{
	return type == DHCP6_RELAY_FORW || type == DHCP6_RELAY_REPL;
}

/**
 * dhcp6_opt_iter_init() - start walking a list of options
 * @it: the iterator
 * @opts: the first option (a message's options, or a container's)
 * @len: bytes in the list
 */
void dhcp6_opt_iter_init(struct dhcp6_opt_iter *it, const uint8_t *opts,
			 size_t len)
{
	it->cur = cur_make(opts, len);
}

/**
 * dhcp6_opt_next() - the next option of the list
 * @it: iterator from dhcp6_opt_iter_init()
 * @code: set to the option code
 * @data: set to the value, borrowed
 * @len: set to the value's length
 *
 * Each call consumes at least the 4-byte option header or fails, so the
 * walk ends for any input.
 *
 * Return: 1 and an option, 0 at the end of the list, -EBADMSG when fewer
 * than 4 bytes remain or a length runs past the list.  Errors stick.
 */
int dhcp6_opt_next(struct dhcp6_opt_iter *it, uint16_t *code,
		   const uint8_t **data, uint16_t *len)
{
	const uint8_t *p;
	uint16_t c, l;

	if (!cur_left(&it->cur))
		return cur_ok(&it->cur) ? 0 : -EBADMSG;
	c = cur_be16(&it->cur);
	l = cur_be16(&it->cur);
	p = cur_take(&it->cur, l);
	if (!p)
		return -EBADMSG;
	*code = c;
	*data = p;
	*len = l;
	return 1;
}

/* RFC 8415 21.13: a 2-byte status code and a UTF-8 message. */
static int parse_status(const uint8_t *p, uint16_t len, struct dhcp6_status *s)
{
	if (len < 2)
		return -EBADMSG;
	if (!s->present) {
		s->present = true;
		s->code = ld_be16(p);
		s->msg = p + 2;
		s->msg_len = (uint16_t)(len - 2);
	}
	return 0;
}

/* The options inside an IAADDR or IAPREFIX: only STATUS_CODE is ours. */
static int parse_addr_opts(const uint8_t *p, size_t len, struct dhcp6_status *s)
{
	struct dhcp6_opt_iter it;
	const uint8_t *d;
	uint16_t code, l;
	int rc;

	dhcp6_opt_iter_init(&it, p, len);
	while ((rc = dhcp6_opt_next(&it, &code, &d, &l)) > 0) {
		if (code == DHCP6_OPT_STATUS_CODE && parse_status(d, l, s))
			return -EBADMSG;
	}
	return rc;
}

/* RFC 8415 21.6: IAADDR is an address, two lifetimes and options. */
static int parse_iaaddr(const uint8_t *p, uint16_t len, struct dhcp6_ia_addr *a)
{
	struct cursor c = cur_make(p, len);

	memset(a, 0, sizeof(*a));
	cur_copy(&c, a->addr.b, IP6_LEN);
	a->prefix_len = 128;
	a->preferred = cur_be32(&c);
	a->valid = cur_be32(&c);
	if (!cur_ok(&c))
		return -EBADMSG;
	return parse_addr_opts(cur_pos(&c), cur_left(&c), &a->status);
}

/* RFC 8415 21.22: IAPREFIX is two lifetimes, a length, a prefix, options. */
static int parse_iaprefix(const uint8_t *p, uint16_t len,
			  struct dhcp6_ia_addr *a)
{
	struct cursor c = cur_make(p, len);

	memset(a, 0, sizeof(*a));
	a->preferred = cur_be32(&c);
	a->valid = cur_be32(&c);
	a->prefix_len = cur_u8(&c);
	cur_copy(&c, a->addr.b, IP6_LEN);
	if (!cur_ok(&c) || a->prefix_len > 128)
		return -EBADMSG;
	return parse_addr_opts(cur_pos(&c), cur_left(&c), &a->status);
}

/**
 * dhcp6_ia_parse() - decode an IA_NA, IA_TA or IA_PD option's value
 * @type: DHCP6_OPT_IA_NA, DHCP6_OPT_IA_TA or DHCP6_OPT_IA_PD
 * @p: the option's value
 * @len: its length
 * @ia: filled on success, zeroed on failure
 *
 * IA_NA and IA_PD start with IAID, T1 and T2 (RFC 8415 21.4, 21.21); IA_TA
 * with the IAID alone (21.5).  Addresses are IAADDR options in IA_NA and
 * IA_TA, prefixes IAPREFIX options in IA_PD; the other kind, and unknown
 * options, are skipped.  The first STATUS_CODE of each level is kept.
 *
 * Return: 0, -EBADMSG for a value too short or an option past its parent,
 * or -EINVAL for another @type.
 */
int dhcp6_ia_parse(uint16_t type, const uint8_t *p, size_t len,
		   struct dhcp6_ia *ia)
{
	struct cursor c = cur_make(p, len);
	struct dhcp6_opt_iter it;
	struct dhcp6_ia_addr a;
	const uint8_t *d;
	uint16_t code, l;
	int rc;

	memset(ia, 0, sizeof(*ia));
	if (type != DHCP6_OPT_IA_NA && type != DHCP6_OPT_IA_TA &&
	    type != DHCP6_OPT_IA_PD)
		return -EINVAL;
	ia->type = type;
	ia->iaid = cur_be32(&c);
	if (type != DHCP6_OPT_IA_TA) {
		ia->t1 = cur_be32(&c);
		ia->t2 = cur_be32(&c);
	}
	if (!cur_ok(&c))
		goto bad;
	ia->opts = cur_pos(&c);
	ia->opts_len = cur_left(&c);
	dhcp6_opt_iter_init(&it, ia->opts, ia->opts_len);
	while ((rc = dhcp6_opt_next(&it, &code, &d, &l)) > 0) {
		if (code == DHCP6_OPT_STATUS_CODE) {
			if (parse_status(d, l, &ia->status))
				goto bad;
			continue;
		}
		if (code == DHCP6_OPT_IAADDR && type != DHCP6_OPT_IA_PD)
			rc = parse_iaaddr(d, l, &a);
		else if (code == DHCP6_OPT_IAPREFIX && type == DHCP6_OPT_IA_PD)
			rc = parse_iaprefix(d, l, &a);
		else
			continue;
		if (rc)
			goto bad;
		if (ia->n_addrs < DHCP6_IA_MAX_ADDRS)
			ia->addrs[ia->n_addrs] = a;
		ia->n_addrs++;
	}
	if (rc < 0)
		goto bad;
	return 0;
bad:
	memset(ia, 0, sizeof(*ia));
	return -EBADMSG;
}

/* A label byte a caller may print: no NUL, no dot, no space, no controls. */
static bool label_char_ok(uint8_t ch)
{
	return ch > 0x20 && ch < 0x7f && ch != '.';
}

/**
 * dhcp6_domain_next() - check and decode the next name of a DOMAIN_LIST
 * @p: the option's value
 * @len: its length
 * @off: where the next name starts; advanced past it
 * @out: the name as dotted text without the final dot ("" for the root),
 *	NUL-terminated; NULL to only check the wire form
 * @cap: room at @out
 *
 * RFC 8415 section 10: names are uncompressed DNS wire format, labels of
 * at most 63 bytes (RFC 1035 2.3.4) and names of at most 255 (so a
 * compression pointer, 0xc0 and up, is malformed), each ended by the root
 * label.  When decoding text, labels holding bytes that would change
 * their meaning as text (NUL, dots, spaces, controls) are refused.
 *
 * Return: 1 and a name, 0 when @off reached @len, -EBADMSG for a
 * malformed name, -ENOBUFS when @out is too small.
 */
int dhcp6_domain_next(const uint8_t *p, size_t len, size_t *off, char *out,
		      size_t cap)
{
	struct cursor c;
	size_t wire = 1, n = 0;

	if (*off >= len)
		return 0;
	c = cur_make(p + *off, len - *off);
	for (;;) {
		uint8_t l = cur_u8(&c);
		const uint8_t *lab;

		if (!cur_ok(&c))
			return -EBADMSG;
		if (!l)
			break;
		lab = cur_take(&c, l);
		if (l > 63 || !lab)
			return -EBADMSG;
		wire += 1 + (size_t)l;
		if (wire > 255)
			return -EBADMSG;
		if (!out)
			continue;
		if ((size_t)l + 2 > cap - n)
			return -ENOBUFS;
		if (n)
			out[n++] = '.';
		for (size_t i = 0; i < l; i++) {
			if (!label_char_ok(lab[i]))
				return -EBADMSG;
			out[n++] = (char)lab[i];
		}
	}
	if (out) {
		if (!cap)
			return -ENOBUFS;
		out[n] = '\0';
	}
	*off += c.off;
	return 1;
}

static void ref_add(struct dhcp6_optref *r, const uint8_t *p, uint16_t len)
{
	if (!r->count) {
		r->data = p;
		r->len = len;
	}
	if (r->count < UINT16_MAX)
		r->count++;
}

/* Keep the first instance of a fixed-length scalar option. */
static int take_scalar(const uint8_t *p, uint16_t len, uint16_t want, bool *has,
		       uint32_t *val)
{
	uint32_t x = 0;

	if (len != want)
		return -EBADMSG;
	for (uint16_t i = 0; i < len; i++)
		x = x << 8 | p[i];
	if (!*has) {
		*has = true;
		*val = x;
	}
	return 0;
}

static int domains_ok(const uint8_t *p, uint16_t len)
{
	size_t off = 0;
	int rc;

	while ((rc = dhcp6_domain_next(p, len, &off, NULL, 0)) > 0)
		;
	return rc;
}

/* Check one top-level option and fill the view's fields from it. */
static int record(struct dhcp6_view *v, uint16_t code, const uint8_t *p,
		  uint16_t len)
{
	struct dhcp6_ia ia;
	uint32_t x;

	switch (code) {
	case DHCP6_OPT_CLIENTID:
	case DHCP6_OPT_SERVERID:
		/* RFC 8415 11.1: type code plus 1 to 128 bytes. */
		if (len < DHCP6_DUID_MIN || len > DHCP6_DUID_MAX)
			return -EBADMSG;
		ref_add(code == DHCP6_OPT_CLIENTID ? &v->clientid
						   : &v->serverid,
			p, len);
		return 0;
	case DHCP6_OPT_IA_NA:
	case DHCP6_OPT_IA_TA:
	case DHCP6_OPT_IA_PD:
		if (dhcp6_ia_parse(code, p, len, &ia))
			return -EBADMSG;
		ref_add(code == DHCP6_OPT_IA_NA	  ? &v->ia_na
			: code == DHCP6_OPT_IA_TA ? &v->ia_ta
						  : &v->ia_pd,
			p, len);
		return 0;
	case DHCP6_OPT_ORO:
		if (len % 2)
			return -EBADMSG;
		ref_add(&v->oro, p, len);
		return 0;
	case DHCP6_OPT_PREFERENCE:
		x = v->preference;
		if (take_scalar(p, len, 1, &v->has_preference, &x))
			return -EBADMSG;
		v->preference = (uint8_t)x;
		return 0;
	case DHCP6_OPT_ELAPSED_TIME:
		x = v->elapsed;
		if (take_scalar(p, len, 2, &v->has_elapsed, &x))
			return -EBADMSG;
		v->elapsed = (uint16_t)x;
		return 0;
	case DHCP6_OPT_INFORMATION_REFRESH_TIME:
		return take_scalar(p, len, 4, &v->has_irt, &v->irt);
	case DHCP6_OPT_RAPID_COMMIT:
		/* RFC 8415 21.14: option-len is 0. */
		if (len)
			return -EBADMSG;
		v->rapid_commit = true;
		return 0;
	case DHCP6_OPT_STATUS_CODE:
		return parse_status(p, len, &v->status);
	case DHCP6_OPT_DNS_SERVERS:
		/* RFC 3646 3: a list of 16-byte addresses. */
		if (len % IP6_LEN)
			return -EBADMSG;
		ref_add(&v->dns, p, len);
		return 0;
	case DHCP6_OPT_DOMAIN_LIST:
		if (domains_ok(p, len))
			return -EBADMSG;
		ref_add(&v->domains, p, len);
		return 0;
	case DHCP6_OPT_RELAY_MSG:
		ref_add(&v->relay_msg, p, len);
		return 0;
	case DHCP6_OPT_INTERFACE_ID:
		ref_add(&v->interface_id, p, len);
		return 0;
	default:
		/* Unknown options were skipped by their length. */
		return 0;
	}
}

/**
 * dhcp6_parse() - parse a DHCPv6 message (the UDP payload)
 * @buf: the message
 * @len: its length
 * @v: the view to fill
 *
 * The message has no length of its own: its options run to the end of
 * @buf.
 *
 * Return: 0 and a filled @v, or -EBADMSG.
 */
int dhcp6_parse(const uint8_t *buf, size_t len, struct dhcp6_view *v)
{
	struct cursor c = cur_make(buf, len);
	struct dhcp6_opt_iter it;
	const uint8_t *data, *x;
	uint16_t code, olen;
	int rc;

	memset(v, 0, sizeof(*v));
	v->msg_type = cur_u8(&c);
	if (is_relay(v->msg_type)) {
		/* RFC 8415 9: hop-count, link-address, peer-address. */
		v->hop_count = cur_u8(&c);
		cur_copy(&c, v->link_addr.b, IP6_LEN);
		cur_copy(&c, v->peer_addr.b, IP6_LEN);
	} else {
		x = cur_take(&c, 3);
		if (x)
			v->xid = (uint32_t)x[0] << 16 | (uint32_t)x[1] << 8 |
				 x[2];
	}
	if (!cur_ok(&c))
		goto bad;
	v->options = cur_pos(&c);
	v->options_len = cur_left(&c);
	dhcp6_opt_iter_init(&it, v->options, v->options_len);
	while ((rc = dhcp6_opt_next(&it, &code, &data, &olen)) > 0) {
		if (record(v, code, data, olen))
			goto bad;
	}
	if (rc < 0)
		goto bad;
	return 0;
bad:
	memset(v, 0, sizeof(*v));
	return -EBADMSG;
}

/** dhcp6_hdr_len() - bytes dhcp6_emit() writes before the options */
int dhcp6_hdr_len(const struct dhcp6_view *v)
{
	return is_relay(v->msg_type) ? DHCP6_RELAY_HDR_LEN : DHCP6_HDR_LEN;
}

/**
 * dhcp6_emit() - write the message described by @v into @buf
 * @buf: output
 * @cap: its size
 * @v: the header fields and @v->options (usually built with struct
 *	dhcp6_opts at @buf + dhcp6_hdr_len(), where nothing has to move)
 *
 * Return: bytes written, -ENOBUFS if @cap is too small, -EINVAL for a
 * transaction id over 24 bits.
 */
int dhcp6_emit(uint8_t *buf, size_t cap, const struct dhcp6_view *v)
{
	size_t hlen = (size_t)dhcp6_hdr_len(v);
	uint8_t *p = buf;

	if (!is_relay(v->msg_type) && v->xid > DHCP6_XID_MAX)
		return -EINVAL;
	if (v->options_len > (size_t)INT_MAX - hlen)
		return -EINVAL;
	if (cap < hlen || cap - hlen < v->options_len)
		return -ENOBUFS;
	p[0] = v->msg_type;
	if (is_relay(v->msg_type)) {
		p[1] = v->hop_count;
		memcpy(p + 2, v->link_addr.b, IP6_LEN);
		memcpy(p + 2 + IP6_LEN, v->peer_addr.b, IP6_LEN);
	} else {
		p[1] = (uint8_t)(v->xid >> 16);
		p[2] = (uint8_t)(v->xid >> 8);
		p[3] = (uint8_t)v->xid;
	}
	p += hlen;
	if (v->options_len && v->options != p)
		memmove(p, v->options, v->options_len);
	return (int)(hlen + v->options_len);
}

/**
 * dhcp6_opts_init() - start building a list of options in @buf
 * @o: the builder
 * @buf: where the options go
 * @cap: room at @buf
 */
void dhcp6_opts_init(struct dhcp6_opts *o, uint8_t *buf, size_t cap)
{
	memset(o, 0, sizeof(*o));
	o->buf = buf;
	o->cap = buf ? cap : 0;
}

static int fail(struct dhcp6_opts *o, int err)
{
	if (!o->err)
		o->err = err;
	return o->err;
}

/**
 * dhcp6_opt_put_raw() - append bytes as they are
 *
 * For the fixed part of a container opened with dhcp6_opt_open().
 *
 * Return: 0, -ENOBUFS, or an earlier error.
 */
int dhcp6_opt_put_raw(struct dhcp6_opts *o, const void *data, size_t len)
{
	if (o->err)
		return o->err;
	if (len > o->cap - o->len)
		return fail(o, -ENOBUFS);
	if (len)
		memmove(o->buf + o->len, data, len);
	o->len += len;
	return 0;
}

static int put_hdr(struct dhcp6_opts *o, uint16_t code, size_t len)
{
	uint8_t h[DHCP6_OPT_HDR_LEN];

	if (o->err)
		return o->err;
	if (len > UINT16_MAX)
		return fail(o, -EINVAL);
	if (DHCP6_OPT_HDR_LEN + len > o->cap - o->len)
		return fail(o, -ENOBUFS);
	st_be16(h, code);
	st_be16(h + 2, (uint16_t)len);
	return dhcp6_opt_put_raw(o, h, sizeof(h));
}

/**
 * dhcp6_opt_put() - append option @code with a value of @len bytes
 *
 * Return: 0, -ENOBUFS, -EINVAL for a value over 65535 bytes, or an
 * earlier error.
 */
int dhcp6_opt_put(struct dhcp6_opts *o, uint16_t code, const void *data,
		  size_t len)
{
	if (put_hdr(o, code, len))
		return o->err;
	return dhcp6_opt_put_raw(o, data, len);
}

/** dhcp6_opt_put_u8() - append a one-byte option (PREFERENCE) */
int dhcp6_opt_put_u8(struct dhcp6_opts *o, uint16_t code, uint8_t val)
{
	return dhcp6_opt_put(o, code, &val, 1);
}

/** dhcp6_opt_put_u16() - append a two-byte option (ELAPSED_TIME) */
int dhcp6_opt_put_u16(struct dhcp6_opts *o, uint16_t code, uint16_t val)
{
	uint8_t b[2];

	st_be16(b, val);
	return dhcp6_opt_put(o, code, b, sizeof(b));
}

/** dhcp6_opt_put_u32() - append a four-byte option (IRT, SOL_MAX_RT) */
int dhcp6_opt_put_u32(struct dhcp6_opts *o, uint16_t code, uint32_t val)
{
	uint8_t b[4];

	st_be32(b, val);
	return dhcp6_opt_put(o, code, b, sizeof(b));
}

/**
 * dhcp6_opt_open() - start a container option; close with dhcp6_opt_close()
 *
 * Return: 0, -ENOBUFS, -EINVAL past DHCP6_OPTS_MAX_DEPTH levels, or an
 * earlier error.
 */
int dhcp6_opt_open(struct dhcp6_opts *o, uint16_t code)
{
	size_t at = o->len;

	if (o->err)
		return o->err;
	if (o->depth == DHCP6_OPTS_MAX_DEPTH)
		return fail(o, -EINVAL);
	if (put_hdr(o, code, 0))
		return o->err;
	o->open[o->depth++] = at;
	return 0;
}

/**
 * dhcp6_opt_close() - end the innermost open container, writing its length
 *
 * Return: 0, -EINVAL when nothing is open or the value passed 65535
 * bytes, or an earlier error.
 */
int dhcp6_opt_close(struct dhcp6_opts *o)
{
	size_t at, body;

	if (o->err)
		return o->err;
	if (!o->depth)
		return fail(o, -EINVAL);
	at = o->open[--o->depth];
	body = o->len - at - DHCP6_OPT_HDR_LEN;
	if (body > UINT16_MAX)
		return fail(o, -EINVAL);
	st_be16(o->buf + at + 2, (uint16_t)body);
	return 0;
}

/**
 * dhcp6_opt_open_ia() - open an IA_NA, IA_TA or IA_PD container
 *
 * Writes the IAID, and T1 and T2 except for IA_TA (RFC 8415 21.4, 21.5,
 * 21.21).  Put addresses, prefixes or a status inside, then close.
 *
 * Return: as dhcp6_opt_open(); -EINVAL for another @type.
 */
int dhcp6_opt_open_ia(struct dhcp6_opts *o, uint16_t type, uint32_t iaid,
		      uint32_t t1, uint32_t t2)
{
	uint8_t b[12];

	if (type != DHCP6_OPT_IA_NA && type != DHCP6_OPT_IA_TA &&
	    type != DHCP6_OPT_IA_PD)
		return fail(o, -EINVAL);
	st_be32(b, iaid);
	st_be32(b + 4, t1);
	st_be32(b + 8, t2);
	if (dhcp6_opt_open(o, type))
		return o->err;
	return dhcp6_opt_put_raw(o, b, type == DHCP6_OPT_IA_TA ? 4 : 12);
}

/** dhcp6_opt_open_iaaddr() - open an IAADDR (RFC 8415 21.6) container */
int dhcp6_opt_open_iaaddr(struct dhcp6_opts *o, const struct ip6_addr *a,
			  uint32_t preferred, uint32_t valid)
{
	uint8_t b[DHCP6_IAADDR_LEN];

	memcpy(b, a->b, IP6_LEN);
	st_be32(b + 16, preferred);
	st_be32(b + 20, valid);
	if (dhcp6_opt_open(o, DHCP6_OPT_IAADDR))
		return o->err;
	return dhcp6_opt_put_raw(o, b, sizeof(b));
}

/**
 * dhcp6_opt_open_iaprefix() - open an IAPREFIX (RFC 8415 21.22) container
 *
 * Return: as dhcp6_opt_open(); -EINVAL for a prefix length over 128.
 */
int dhcp6_opt_open_iaprefix(struct dhcp6_opts *o, const struct ip6_addr *p,
			    uint8_t prefix_len, uint32_t preferred,
			    uint32_t valid)
{
	uint8_t b[DHCP6_IAPREFIX_LEN];

	if (prefix_len > 128)
		return fail(o, -EINVAL);
	st_be32(b, preferred);
	st_be32(b + 4, valid);
	b[8] = prefix_len;
	memcpy(b + 9, p->b, IP6_LEN);
	if (dhcp6_opt_open(o, DHCP6_OPT_IAPREFIX))
		return o->err;
	return dhcp6_opt_put_raw(o, b, sizeof(b));
}

/**
 * dhcp6_opt_put_status() - append a STATUS_CODE (RFC 8415 21.13)
 * @o: the builder
 * @code: the status
 * @msg: UTF-8 text, NUL-terminated; NULL or "" for none
 */
int dhcp6_opt_put_status(struct dhcp6_opts *o, uint16_t code, const char *msg)
{
	uint8_t b[2];

	st_be16(b, code);
	if (dhcp6_opt_open(o, DHCP6_OPT_STATUS_CODE))
		return o->err;
	dhcp6_opt_put_raw(o, b, sizeof(b));
	if (msg)
		dhcp6_opt_put_raw(o, msg, strlen(msg));
	return dhcp6_opt_close(o);
}

/**
 * dhcp6_opts_finish() - the length of the built list
 *
 * Return: bytes written, the first error of the build, or -EINVAL while a
 * container is still open.
 */
int dhcp6_opts_finish(struct dhcp6_opts *o)
{
	if (o->err)
		return o->err;
	if (o->depth)
		return fail(o, -EINVAL);
	return o->len > INT_MAX ? fail(o, -ENOBUFS) : (int)o->len;
}
