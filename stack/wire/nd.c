// SPDX-License-Identifier: MIT
/*
 * nd.c - walk and emit Neighbor Discovery options
 *
 * Every ND option is type, length in 8-octet units, data (RFC 4861 4.6).
 * A length of zero would stall the walk, so RFC 4861 4.6 makes it
 * malformed; a length past the end of the message is malformed too.
 * Options of the types decoded here must also have the length their format
 * requires (Prefix Information 4, MTU 1, RDNSS odd and at least 3); an
 * option that cannot hold its own fields is -EBADMSG.  Unknown types are
 * handed back undecoded, to be skipped (RFC 4861 4.6: "silently ignore").
 */
#include <errno.h>
#include <string.h>

#include "wire/cursor.h"
#include "wire/nd.h"

/** nd_opt_iter_init() - start walking the options area @opts. */
void nd_opt_iter_init(struct nd_opt_iter *it, const uint8_t *opts, size_t len)
{
	it->c = cur_make(opts, len);
}

/* Decode the fields of the option types we know.  Return: 0 or -EBADMSG. */
static int decode(struct nd_opt *o)
{
	const uint8_t *d = o->data;

	switch (o->type) {
	case ND_OPT_SRC_LLADDR:
	case ND_OPT_TGT_LLADDR:
		/* 4.6.1: for Ethernet the address is 6 bytes, length 1. */
		memcpy(o->lladdr.b, d, MAC_LEN);
		return 0;
	case ND_OPT_PREFIX_INFO:
		/* 4.6.2: length 4; prefix length 0 to 128. */
		if (o->len != ND_PI_LEN / ND_OPT_UNIT || d[0] > 128)
			return -EBADMSG;
		o->prefix_len = d[0];
		o->pi_onlink = d[1] & 0x80;
		o->pi_auto = d[1] & 0x40;
		o->pi_valid = ld_be32(d + 2);
		o->pi_preferred = ld_be32(d + 6);
		memcpy(o->prefix.b, d + 14, IP6_LEN); /* after Reserved2 */
		return 0;
	case ND_OPT_MTU:
		/* 4.6.4: length 1, two reserved bytes, the MTU. */
		if (o->len != 1)
			return -EBADMSG;
		o->mtu = ld_be32(d + 2);
		return 0;
	case ND_OPT_RDNSS:
		/* RFC 8106 5.1: length 1 + 2n for n >= 1 addresses. */
		if (o->len < 3 || !(o->len & 1))
			return -EBADMSG;
		o->rdnss_lifetime = ld_be32(d + 2);
		o->rdnss_n = (o->len - 1u) / 2;
		o->rdnss_addrs = d + 6;
		return 0;
	case ND_OPT_ROUTE_INFO: {
		/* RFC 4191 2.3: Length 1 for prefix length 0, 2 up to 64, 3
		 * up to 128; the prefix bytes after the fixed 6. */
		unsigned int need = d[0] == 0 ? 1 : d[0] <= 64 ? 2 : 3;
		size_t n = o->data_len - 6;

		o->prefix_len = d[0];
		o->rio_prf = (d[1] >> 3) & 3;
		o->rio_lifetime = ld_be32(d + 2);
		o->rio_ok = d[0] <= 128 && o->len >= need && o->len <= 3 &&
			    o->rio_prf != 2;
		if (o->rio_ok)
			memcpy(o->prefix.b, d + 6, n > IP6_LEN ? IP6_LEN : n);
		return 0;
	}
	case ND_OPT_REDIRECTED_HDR:
		/* 4.6.3: six reserved bytes, then the redirected packet. */
		o->rh_pkt = d + 6;
		o->rh_pkt_len = o->data_len - 6;
		return 0;
	default:
		return 0;
	}
}

/**
 * nd_opt_next() - the next option of the area
 *
 * Return: 1 and a filled @o, 0 at the end of the area, or -EBADMSG for a
 * malformed option (and on every later call).
 */
int nd_opt_next(struct nd_opt_iter *it, struct nd_opt *o)
{
	struct cursor *c = &it->c;
	const uint8_t *h;

	memset(o, 0, sizeof(*o));
	if (!cur_ok(c))
		return -EBADMSG;
	if (!cur_left(c))
		return 0;
	o->off = c->off;
	h = cur_take(c, 2);
	if (!h)
		return -EBADMSG;
	o->type = h[0];
	o->len = h[1];
	/* RFC 4861 4.6: "Nodes MUST silently discard an ND packet that
	 * contains an option with length zero." */
	if (!o->len)
		goto bad;
	o->data_len = (size_t)o->len * ND_OPT_UNIT - 2;
	o->data = cur_take(c, o->data_len);
	if (!o->data || decode(o))
		goto bad;
	return 1;
bad:
	c->err = true;
	memset(o, 0, sizeof(*o));
	return -EBADMSG;
}

/** nd_opts_check() - 0 if every option of the area walks, else -EBADMSG. */
int nd_opts_check(const uint8_t *opts, size_t len)
{
	struct nd_opt_iter it;
	struct nd_opt o;
	int rc;

	nd_opt_iter_init(&it, opts, len);
	while ((rc = nd_opt_next(&it, &o)) > 0)
		;
	return rc;
}

/**
 * nd_opt_len() - bytes nd_opt_emit() writes for @o, padding included
 *
 * Return: the length, or -EINVAL for an option that cannot be encoded (an
 * RDNSS without addresses, more than 255 units).
 */
int nd_opt_len(const struct nd_opt *o)
{
	size_t n;

	switch (o->type) {
	case ND_OPT_SRC_LLADDR:
	case ND_OPT_TGT_LLADDR:
	case ND_OPT_MTU:
		n = ND_OPT_UNIT;
		break;
	case ND_OPT_PREFIX_INFO:
		if (o->prefix_len > 128)
			return -EINVAL;
		n = ND_PI_LEN;
		break;
	case ND_OPT_RDNSS:
		if (!o->rdnss_n || o->rdnss_n > 127)
			return -EINVAL;
		n = ND_OPT_UNIT + (size_t)o->rdnss_n * IP6_LEN;
		break;
	case ND_OPT_REDIRECTED_HDR:
		n = ND_OPT_UNIT + o->rh_pkt_len;
		break;
	default:
		n = 2 + o->data_len;
		break;
	}
	n = (n + ND_OPT_UNIT - 1) / ND_OPT_UNIT * ND_OPT_UNIT;
	if (n > (size_t)255 * ND_OPT_UNIT)
		return -EINVAL;
	return (int)n;
}

/**
 * nd_opt_emit() - write option @o, zero-padded to a multiple of 8 bytes
 *
 * Known types are built from their decoded fields (a link-layer address
 * option from @lladdr, for Ethernet); other types from @data/@data_len.
 *
 * Return: bytes written, -ENOBUFS, or -EINVAL (see nd_opt_len()).
 */
int nd_opt_emit(uint8_t *buf, size_t cap, const struct nd_opt *o)
{
	int n = nd_opt_len(o);
	uint8_t *d = buf + 2;

	if (n < 0)
		return n;
	if (cap < (size_t)n)
		return -ENOBUFS;
	/* Copy borrowed bytes first: they may sit inside @buf. */
	switch (o->type) {
	case ND_OPT_RDNSS:
		memmove(d + 6, o->rdnss_addrs, (size_t)o->rdnss_n * IP6_LEN);
		memset(d, 0, 6);
		st_be32(d + 2, o->rdnss_lifetime);
		break;
	case ND_OPT_REDIRECTED_HDR:
		if (o->rh_pkt_len)
			memmove(d + 6, o->rh_pkt, o->rh_pkt_len);
		memset(d, 0, 6);
		memset(d + 6 + o->rh_pkt_len, 0, (size_t)n - 8 - o->rh_pkt_len);
		break;
	case ND_OPT_SRC_LLADDR:
	case ND_OPT_TGT_LLADDR:
		memcpy(d, o->lladdr.b, MAC_LEN);
		break;
	case ND_OPT_PREFIX_INFO:
		memset(d, 0, ND_PI_LEN - 2);
		d[0] = o->prefix_len;
		d[1] = (uint8_t)((o->pi_onlink ? 0x80 : 0) |
				 (o->pi_auto ? 0x40 : 0));
		st_be32(d + 2, o->pi_valid);
		st_be32(d + 6, o->pi_preferred);
		memcpy(d + 14, o->prefix.b, IP6_LEN);
		break;
	case ND_OPT_MTU:
		memset(d, 0, 2);
		st_be32(d + 2, o->mtu);
		break;
	default:
		if (o->data_len)
			memmove(d, o->data, o->data_len);
		memset(d + o->data_len, 0, (size_t)n - 2 - o->data_len);
		break;
	}
	buf[0] = o->type;
	buf[1] = (uint8_t)(n / ND_OPT_UNIT);
	return n;
}
