// SPDX-License-Identifier: MIT
/*
 * dhcp4.c - parse and emit DHCPv4 messages (RFC 2131, RFC 2132)
 *
 * Theory of operation
 *
 * A DHCPv4 message is the 236-byte BOOTP header (RFC 951), the magic
 * cookie 99.130.83.99 and a list of options (RFC 2131 section 3).  Options
 * are one-byte Pad (0) and End (255), and code/length/value triples for
 * everything else.  The walker is dhcp4_opt_next(): it never reads past
 * the field it walks, skips Pad, stops a field at End and fails on a
 * length that runs past the field.  A field that ends exactly after a
 * complete option without End is accepted: RFC 2131 section 4.1 requires
 * End, but many relays and embedded servers drop it when the options fill
 * the message, and there is nothing ambiguous to guess.  Bytes after End
 * are pad and are never read as options.
 *
 * Option overload (option 52, RFC 2132 section 9.3) is supported: when the
 * options field carries it, the walker continues into file and then sname,
 * the order RFC 3396 section 7 gives for concatenation.  Option 52 only
 * counts in the options field; a second one there, or one with a bad
 * length or value, makes the message malformed because the walk would be
 * ambiguous.
 *
 * Long options (RFC 3396): an option may appear several times, and its
 * value is then the concatenation of the instances.  The view keeps the
 * first instance and counts them (dhcp4_optref.parts);
 * dhcp4_opt_concat() joins them into a caller's buffer, and the builder
 * splits values over 255 bytes the same way.  Any option may be split,
 * classless static routes (121) included.
 *
 * dhcp4_parse() rejects what the client cannot act on without guessing:
 * the scalar options it extracts (1, 50, 51, 53, 54, 58, 59) with a length
 * other than RFC 2132 gives, and address lists (3, 6) that are not a
 * non-empty multiple of 4 bytes.  The content of option 121 is checked
 * separately by dhcp4_routes_parse(), so a bad route list costs the
 * routes, not the lease.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "wire/dhcp4.h"

enum dhcp4_area {
	AREA_OPTIONS,
	AREA_FILE,
	AREA_SNAME,
	AREA_DONE,
	AREA_ERR,
};

/**
 * dhcp4_opt_iter_init() - start walking the options of a parsed message
 * @it: the iterator
 * @v: a view filled by dhcp4_parse() (or one with options, sname and file
 *	set by hand)
 *
 * The iterator learns about overload from option 52 as it walks the
 * options field, so it does not depend on @v->overload.
 */
void dhcp4_opt_iter_init(struct dhcp4_opt_iter *it, const struct dhcp4_view *v)
{
	memset(it, 0, sizeof(*it));
	it->cur = cur_make(v->options, v->options_len);
	it->sname = v->sname;
	it->file = v->file;
	it->area = AREA_OPTIONS;
}

/* Move to the next field that carries options: file, then sname. */
static void next_area(struct dhcp4_opt_iter *it)
{
	if (it->area == AREA_OPTIONS && (it->overload & DHCP4_OVERLOAD_FILE)) {
		it->area = AREA_FILE;
		it->cur = cur_make(it->file, DHCP4_FILE_LEN);
		return;
	}
	if (it->area < AREA_SNAME && (it->overload & DHCP4_OVERLOAD_SNAME)) {
		it->area = AREA_SNAME;
		it->cur = cur_make(it->sname, DHCP4_SNAME_LEN);
		return;
	}
	it->area = AREA_DONE;
}

/**
 * dhcp4_opt_next() - the next option of the message
 * @it: iterator from dhcp4_opt_iter_init()
 * @code: set to the option code (never Pad or End)
 * @data: set to the value, borrowed from the message
 * @len: set to the value's length
 *
 * Every pass of the loop consumes at least one byte or finishes a field,
 * so the walk ends for any input.
 *
 * Return: 1 and an option, 0 when all fields are walked, -EBADMSG when an
 * option runs past its field or option 52 is malformed.  Errors stick.
 */
int dhcp4_opt_next(struct dhcp4_opt_iter *it, uint8_t *code,
		   const uint8_t **data, uint8_t *len)
{
	while (it->area < AREA_DONE) {
		const uint8_t *p;
		uint8_t c, l;

		if (!cur_left(&it->cur)) {
			next_area(it);
			continue;
		}
		c = cur_u8(&it->cur);
		/* RFC 2132 3.1 and 3.2: Pad and End have no length byte. */
		if (c == DHCP4_OPT_PAD)
			continue;
		if (c == DHCP4_OPT_END) {
			next_area(it);
			continue;
		}
		l = cur_u8(&it->cur);
		p = cur_take(&it->cur, l);
		if (!p)
			goto bad;
		/*
		 * RFC 2131 4.1: overload is announced in the options field;
		 * it must be one byte of 1, 2 or 3 (RFC 2132 9.3).
		 */
		if (it->area == AREA_OPTIONS && c == DHCP4_OPT_OVERLOAD) {
			if (l != 1 || it->overload || p[0] < 1 || p[0] > 3)
				goto bad;
			it->overload = p[0];
		}
		*code = c;
		*data = p;
		*len = l;
		return 1;
	}
	return it->area == AREA_ERR ? -EBADMSG : 0;
bad:
	it->area = AREA_ERR;
	return -EBADMSG;
}

/* Keep the first instance of a scalar option of exactly four bytes. */
static int take_u32(const uint8_t *p, uint8_t len, bool *has, uint32_t *val)
{
	if (len != 4)
		return -EBADMSG;
	if (!*has) {
		*has = true;
		*val = ld_be32(p);
	}
	return 0;
}

static void ref_add(struct dhcp4_optref *r, const uint8_t *p, uint8_t len)
{
	if (!r->parts) {
		r->data = p;
		r->len = len;
	}
	if (r->parts < UINT8_MAX)
		r->parts++;
	r->total += len;
}

/* Fill the view's convenience fields from one option. */
static int record(struct dhcp4_view *v, uint8_t code, const uint8_t *p,
		  uint8_t len)
{
	switch (code) {
	case DHCP4_OPT_MSG_TYPE:
		/* RFC 2132 9.6: one byte; 0 is no message type at all. */
		if (len != 1 || p[0] == 0)
			return -EBADMSG;
		if (!v->msg_type)
			v->msg_type = p[0];
		return 0;
	case DHCP4_OPT_SUBNET_MASK:
		return take_u32(p, len, &v->has_subnet_mask, &v->subnet_mask);
	case DHCP4_OPT_SERVER_ID:
		return take_u32(p, len, &v->has_server_id, &v->server_id);
	case DHCP4_OPT_REQUESTED_IP:
		return take_u32(p, len, &v->has_requested_ip, &v->requested_ip);
	case DHCP4_OPT_LEASE_TIME:
		return take_u32(p, len, &v->has_lease_time, &v->lease_time);
	case DHCP4_OPT_T1:
		return take_u32(p, len, &v->has_t1, &v->t1);
	case DHCP4_OPT_T2:
		return take_u32(p, len, &v->has_t2, &v->t2);
	case DHCP4_OPT_ROUTERS:
		ref_add(&v->routers, p, len);
		return 0;
	case DHCP4_OPT_DNS:
		ref_add(&v->dns, p, len);
		return 0;
	case DHCP4_OPT_DOMAIN:
		ref_add(&v->domain, p, len);
		return 0;
	case DHCP4_OPT_HOSTNAME:
		ref_add(&v->hostname, p, len);
		return 0;
	case DHCP4_OPT_CLIENT_ID:
		ref_add(&v->client_id, p, len);
		return 0;
	case DHCP4_OPT_PRL:
		ref_add(&v->prl, p, len);
		return 0;
	case DHCP4_OPT_CLASSLESS_ROUTES:
		ref_add(&v->routes, p, len);
		return 0;
	default:
		/* Unknown options were skipped by their length. */
		return 0;
	}
}

/* An address list: a non-empty multiple of 4 bytes (RFC 2132 3.5, 3.8). */
static bool addr_list_ok(const struct dhcp4_optref *r)
{
	return !r->parts || (r->total >= 4 && r->total % 4 == 0);
}

/*
 * Lengths RFC 2132 gives as minimums: 1 for host name (3.14), domain name
 * (3.17) and the parameter request list (9.8), 2 for the client
 * identifier (9.14).
 */
static bool min_len_ok(const struct dhcp4_optref *r, size_t min)
{
	return !r->parts || r->total >= min;
}

/**
 * dhcp4_parse() - parse a DHCPv4 message (the UDP payload)
 * @buf: the message
 * @len: its length
 * @v: the view to fill
 *
 * A message needs the fixed header and the magic cookie (240 bytes); the
 * 300-byte BOOTP minimum is not required of received messages, since RFC
 * 2131 servers send shorter ones.  The message has no length field of its
 * own, so the options area runs to the end of @buf.
 *
 * Return: 0 and a filled @v, or -EBADMSG.
 */
int dhcp4_parse(const uint8_t *buf, size_t len, struct dhcp4_view *v)
{
	struct cursor c = cur_make(buf, len);
	struct dhcp4_opt_iter it;
	const uint8_t *data;
	uint32_t cookie;
	uint8_t code, olen;
	int rc;

	memset(v, 0, sizeof(*v));
	v->op = cur_u8(&c);
	v->htype = cur_u8(&c);
	v->hlen = cur_u8(&c);
	v->hops = cur_u8(&c);
	v->xid = cur_be32(&c);
	v->secs = cur_be16(&c);
	v->flags = cur_be16(&c);
	v->ciaddr = cur_be32(&c);
	v->yiaddr = cur_be32(&c);
	v->siaddr = cur_be32(&c);
	v->giaddr = cur_be32(&c);
	cur_copy(&c, v->chaddr, DHCP4_CHADDR_LEN);
	v->sname = cur_take(&c, DHCP4_SNAME_LEN);
	v->file = cur_take(&c, DHCP4_FILE_LEN);
	cookie = cur_be32(&c);
	if (!cur_ok(&c))
		goto bad;
	/* RFC 951: op is BOOTREQUEST or BOOTREPLY; chaddr holds 16 bytes. */
	if (v->op != DHCP4_OP_REQUEST && v->op != DHCP4_OP_REPLY)
		goto bad;
	if (v->hlen > DHCP4_CHADDR_LEN)
		goto bad;
	/* RFC 2131 3: without the cookie the rest is not DHCP options. */
	if (cookie != DHCP4_MAGIC)
		goto bad;
	v->options = cur_pos(&c);
	v->options_len = cur_left(&c);

	dhcp4_opt_iter_init(&it, v);
	while ((rc = dhcp4_opt_next(&it, &code, &data, &olen)) > 0) {
		if (record(v, code, data, olen))
			goto bad;
	}
	if (rc < 0)
		goto bad;
	v->overload = it.overload;
	if (!addr_list_ok(&v->routers) || !addr_list_ok(&v->dns) ||
	    !min_len_ok(&v->hostname, 1) || !min_len_ok(&v->domain, 1) ||
	    !min_len_ok(&v->prl, 1) || !min_len_ok(&v->client_id, 2))
		goto bad;
	return 0;
bad:
	memset(v, 0, sizeof(*v));
	return -EBADMSG;
}

/**
 * dhcp4_emit() - write the message described by @v into @buf
 * @buf: output
 * @cap: its size
 * @v: the header fields and the options area (@v->options, usually built
 *	with struct dhcp4_opts, End and pad included)
 *
 * The options are copied unless they already sit at @buf + DHCP4_HDR_LEN
 * (build them there to avoid the copy).  NULL @sname or @file are written
 * as zeros.  Nothing is padded here: dhcp4_opts_end() pads the options to
 * the BOOTP minimum.
 *
 * Return: bytes written, -ENOBUFS if @cap is too small, -EINVAL for an op
 * other than 1 or 2 or an hlen over 16.
 */
int dhcp4_emit(uint8_t *buf, size_t cap, const struct dhcp4_view *v)
{
	uint8_t *p = buf;

	if (v->op != DHCP4_OP_REQUEST && v->op != DHCP4_OP_REPLY)
		return -EINVAL;
	if (v->hlen > DHCP4_CHADDR_LEN)
		return -EINVAL;
	if (v->options_len > (size_t)INT_MAX - DHCP4_HDR_LEN)
		return -EINVAL;
	if (cap < DHCP4_HDR_LEN || cap - DHCP4_HDR_LEN < v->options_len)
		return -ENOBUFS;

	p[0] = v->op;
	p[1] = v->htype;
	p[2] = v->hlen;
	p[3] = v->hops;
	st_be32(p + 4, v->xid);
	st_be16(p + 8, v->secs);
	st_be16(p + 10, v->flags);
	st_be32(p + 12, v->ciaddr);
	st_be32(p + 16, v->yiaddr);
	st_be32(p + 20, v->siaddr);
	st_be32(p + 24, v->giaddr);
	memcpy(p + 28, v->chaddr, DHCP4_CHADDR_LEN);
	p += 28 + DHCP4_CHADDR_LEN;
	if (v->sname)
		memmove(p, v->sname, DHCP4_SNAME_LEN);
	else
		memset(p, 0, DHCP4_SNAME_LEN);
	p += DHCP4_SNAME_LEN;
	if (v->file)
		memmove(p, v->file, DHCP4_FILE_LEN);
	else
		memset(p, 0, DHCP4_FILE_LEN);
	p += DHCP4_FILE_LEN;
	st_be32(p, DHCP4_MAGIC);
	p += 4;
	if (v->options_len && v->options != p)
		memmove(p, v->options, v->options_len);
	return DHCP4_HDR_LEN + (int)v->options_len;
}

/**
 * dhcp4_opt_concat() - the value of an option joined over all instances
 * @v: a parsed message
 * @code: the option
 * @dst: where to write the value
 * @cap: room at @dst
 *
 * RFC 3396 section 7: instances are joined in the order the options
 * field, file, sname are walked.
 *
 * Return: the value's length, -ENOENT if the option is absent, -ENOBUFS if
 * it does not fit in @cap, -EBADMSG if the options cannot be walked.
 */
int dhcp4_opt_concat(const struct dhcp4_view *v, uint8_t code, uint8_t *dst,
		     size_t cap)
{
	struct dhcp4_opt_iter it;
	const uint8_t *data;
	bool found = false;
	uint8_t c, l;
	size_t n = 0;
	int rc;

	dhcp4_opt_iter_init(&it, v);
	while ((rc = dhcp4_opt_next(&it, &c, &data, &l)) > 0) {
		if (c != code)
			continue;
		found = true;
		if (l > cap - n)
			return -ENOBUFS;
		if (l)
			memcpy(dst + n, data, l);
		n += l;
	}
	if (rc < 0)
		return rc;
	if (!found)
		return -ENOENT;
	/* n is bounded by the message, itself far below INT_MAX. */
	return n > INT_MAX ? -ENOBUFS : (int)n;
}

/**
 * dhcp4_routes_parse() - decode a classless static route option (RFC 3442)
 * @p: the option's value, concatenated if it was split (RFC 3396)
 * @len: its length
 * @out: routes are stored here
 * @max: room in @out
 *
 * Each route is a width (0..32), the ceil(width / 8) significant octets
 * of the destination and a 4-byte router (RFC 3442 section 2).  Every
 * route is checked even when @out is full; bits of the destination past
 * the width are kept as sent, so the option re-encodes to the same bytes.
 *
 * Return: the number of routes in the option (only the first @max are
 * stored), or -EBADMSG for a width over 32, a route cut short or an
 * option shorter than the 5 bytes RFC 3442 requires.
 */
int dhcp4_routes_parse(const uint8_t *p, size_t len, struct dhcp4_route *out,
		       size_t max)
{
	struct cursor c = cur_make(p, len);
	size_t n = 0;

	if (len < 5)
		return -EBADMSG;
	while (cur_left(&c)) {
		uint8_t d[4] = { 0 };
		struct dhcp4_route r;

		r.width = cur_u8(&c);
		if (r.width > 32)
			return -EBADMSG;
		cur_copy(&c, d, (r.width + 7u) / 8);
		r.router = cur_be32(&c);
		if (!cur_ok(&c))
			return -EBADMSG;
		r.dst = ld_be32(d);
		if (n < max)
			out[n] = r;
		n++;
	}
	/* n <= len / 5, and options are far shorter than INT_MAX. */
	return n > INT_MAX ? -EBADMSG : (int)n;
}

/**
 * dhcp4_opts_init() - start building an options area in @buf
 * @o: the builder
 * @buf: where the options go (DHCP4_HDR_LEN into the message buffer, to
 *	let dhcp4_emit() write the header without moving them)
 * @cap: room at @buf
 */
void dhcp4_opts_init(struct dhcp4_opts *o, uint8_t *buf, size_t cap)
{
	o->buf = buf;
	o->cap = buf ? cap : 0;
	o->len = 0;
	o->err = 0;
}

static int fail(struct dhcp4_opts *o, int err)
{
	if (!o->err)
		o->err = err;
	return o->err;
}

/* Bytes a value may take after the first option header, at o->len + 2. */
static size_t room(const struct dhcp4_opts *o)
{
	return o->cap - o->len < 2 ? 0 : o->cap - o->len - 2;
}

/*
 * commit() - turn a value written at o->len + 2 into option instances
 *
 * RFC 3396 section 5: a value over 255 bytes goes out as consecutive
 * instances of the same code.  Chunks move right, last first, to make
 * room for the extra headers; a chunk's header lands on bytes of the
 * following chunk, which has already moved.
 */
static int commit(struct dhcp4_opts *o, uint8_t code, size_t l)
{
	size_t k = l ? (l + 254) / 255 : 1;
	size_t base = o->len;

	if (2 * k > o->cap - base || l > o->cap - base - 2 * k)
		return fail(o, -ENOBUFS);
	for (size_t i = k; i-- > 0;) {
		size_t off = 255 * i;
		size_t n = l - off < 255 ? l - off : 255;
		size_t to = base + 2 * (i + 1) + off;

		memmove(o->buf + to, o->buf + base + 2 + off, n);
		o->buf[to - 2] = code;
		o->buf[to - 1] = (uint8_t)n;
	}
	o->len = base + 2 * k + l;
	return 0;
}

/**
 * dhcp4_opt_put() - append option @code with a value of @len bytes
 *
 * Values over 255 bytes are split into several instances (RFC 3396).
 *
 * Return: 0, -ENOBUFS when the buffer is full, -EINVAL for Pad or End
 * (use dhcp4_opt_pad() and dhcp4_opts_end()), or an earlier error.
 */
int dhcp4_opt_put(struct dhcp4_opts *o, uint8_t code, const void *data,
		  size_t len)
{
	if (o->err)
		return o->err;
	if (code == DHCP4_OPT_PAD || code == DHCP4_OPT_END)
		return fail(o, -EINVAL);
	if (len > room(o))
		return fail(o, -ENOBUFS);
	if (len)
		memmove(o->buf + o->len + 2, data, len);
	return commit(o, code, len);
}

/** dhcp4_opt_put_u8() - append a one-byte option (message type, 52) */
int dhcp4_opt_put_u8(struct dhcp4_opts *o, uint8_t code, uint8_t val)
{
	return dhcp4_opt_put(o, code, &val, 1);
}

/** dhcp4_opt_put_u16() - append a two-byte option (maximum size, 57) */
int dhcp4_opt_put_u16(struct dhcp4_opts *o, uint8_t code, uint16_t val)
{
	uint8_t b[2];

	st_be16(b, val);
	return dhcp4_opt_put(o, code, b, sizeof(b));
}

/** dhcp4_opt_put_u32() - append a four-byte option (an address, a time) */
int dhcp4_opt_put_u32(struct dhcp4_opts *o, uint8_t code, uint32_t val)
{
	uint8_t b[4];

	st_be32(b, val);
	return dhcp4_opt_put(o, code, b, sizeof(b));
}

/**
 * dhcp4_opt_put_addrs() - append a list of host-order IPv4 addresses
 *
 * Return: as dhcp4_opt_put().
 */
int dhcp4_opt_put_addrs(struct dhcp4_opts *o, uint8_t code,
			const uint32_t *addrs, size_t n)
{
	uint8_t *p;

	if (o->err)
		return o->err;
	if (code == DHCP4_OPT_PAD || code == DHCP4_OPT_END)
		return fail(o, -EINVAL);
	if (n > room(o) / 4)
		return fail(o, -ENOBUFS);
	p = o->buf + o->len + 2;
	for (size_t i = 0; i < n; i++)
		st_be32(p + 4 * i, addrs[i]);
	return commit(o, code, 4 * n);
}

/**
 * dhcp4_opt_put_routes() - append option 121 (RFC 3442) for @n routes
 *
 * Only the significant octets of each destination are written; bits past
 * the width in the last of them are written as given.
 *
 * Return: as dhcp4_opt_put(); -EINVAL for a width over 32.
 */
int dhcp4_opt_put_routes(struct dhcp4_opts *o, const struct dhcp4_route *r,
			 size_t n)
{
	size_t l = 0, max = room(o);
	uint8_t *p;

	if (o->err)
		return o->err;
	p = o->buf + o->len + 2;
	for (size_t i = 0; i < n; i++) {
		size_t sig = (r[i].width + 7u) / 8;
		uint8_t d[4];

		if (r[i].width > 32)
			return fail(o, -EINVAL);
		if (1 + sig + 4 > max - l)
			return fail(o, -ENOBUFS);
		st_be32(d, r[i].dst);
		p[l++] = r[i].width;
		memcpy(p + l, d, sig);
		l += sig;
		st_be32(p + l, r[i].router);
		l += 4;
	}
	return commit(o, DHCP4_OPT_CLASSLESS_ROUTES, l);
}

/** dhcp4_opt_pad() - append @n Pad options (RFC 2132 3.1) */
int dhcp4_opt_pad(struct dhcp4_opts *o, size_t n)
{
	if (o->err)
		return o->err;
	if (n > o->cap - o->len)
		return fail(o, -ENOBUFS);
	memset(o->buf + o->len, DHCP4_OPT_PAD, n);
	o->len += n;
	return 0;
}

/**
 * dhcp4_opts_end() - close the options with End and pad the message
 *
 * Pads with zeros until the message (DHCP4_HDR_LEN plus the options) is
 * DHCP4_MIN_LEN bytes: RFC 1542 section 2.1 has BOOTP relays and old
 * servers drop shorter messages, so clients pad theirs.
 *
 * Return: the options' length, or the first error of the build.
 */
int dhcp4_opts_end(struct dhcp4_opts *o)
{
	size_t want = DHCP4_MIN_LEN - DHCP4_HDR_LEN;

	if (o->err)
		return o->err;
	if (o->cap == o->len)
		return fail(o, -ENOBUFS);
	o->buf[o->len++] = DHCP4_OPT_END;
	if (o->len < want && dhcp4_opt_pad(o, want - o->len))
		return o->err;
	return o->len > INT_MAX ? fail(o, -ENOBUFS) : (int)o->len;
}
