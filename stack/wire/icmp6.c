// SPDX-License-Identifier: MIT
/*
 * icmp6.c - parse and emit ICMPv6 messages: errors and echo (RFC 4443),
 * Neighbor Discovery (RFC 4861, RFC 4191) and MLD (RFC 2710, RFC 3810)
 *
 * Every message is a 4-byte header (type, code, checksum), a fixed part
 * whose length the type decides, and a variable part the view borrows as
 * @payload.  The variable part is checked where it has structure: ND
 * options must walk (nd.c), an MLDv2 query's sources must be present, and
 * an MLDv2 report's records must all fit.  Codes, hop limits and
 * checksums are the engine's business (RFC 4861 6.1 validity checks are
 * not structure), so parse does not reject them.
 */
#include <errno.h>
#include <string.h>

#include "wire/csum.h"
#include "wire/cursor.h"
#include "wire/icmp6.h"
#include "wire/nd.h"

static bool is_nd(uint8_t type)
{
	return type >= ICMP6_ND_RS && type <= ICMP6_ND_REDIRECT;
}

/**
 * mld2_rec_iter_init() - start walking the records of an MLDv2 Report
 *
 * For any other message type the walk is empty.
 */
void mld2_rec_iter_init(struct mld2_rec_iter *it, const struct icmp6_view *v)
{
	bool report = v->type == ICMP6_MLD2_REPORT;

	it->c = cur_make(report ? v->payload : NULL,
			 report ? v->payload_len : 0);
	it->left = report ? v->mld_nrec : 0;
}

/**
 * mld2_rec_next() - the next Multicast Address Record
 *
 * Its sources and auxiliary data must fit in the message (RFC 3810 5.2.4
 * to 5.2.11); bytes after the last record are left alone.
 *
 * Return: 1 and a filled @r, 0 after the last record, or -EBADMSG for a
 * record past the end of the message (and on every later call).
 */
int mld2_rec_next(struct mld2_rec_iter *it, struct mld2_rec *r)
{
	struct cursor *c = &it->c;
	const uint8_t *h;

	memset(r, 0, sizeof(*r));
	if (!cur_ok(c))
		return -EBADMSG;
	if (!it->left)
		return 0;
	h = cur_take(c, MLD2_REC_HLEN);
	if (!h)
		return -EBADMSG;
	r->type = h[0];
	r->aux_words = h[1];
	r->nsrc = ld_be16(h + 2);
	memcpy(r->mcast.b, h + 4, IP6_LEN);
	r->srcs = cur_take(c, (size_t)r->nsrc * IP6_LEN);
	r->aux = cur_take(c, (size_t)r->aux_words * 4);
	if (!cur_ok(c)) {
		memset(r, 0, sizeof(*r));
		return -EBADMSG;
	}
	it->left--;
	return 1;
}

/** mld2_rec_len() - the bytes record @r takes on the wire. */
int mld2_rec_len(const struct mld2_rec *r)
{
	return MLD2_REC_HLEN + (int)r->nsrc * IP6_LEN + (int)r->aux_words * 4;
}

/**
 * mld2_rec_emit() - write one Multicast Address Record, sources and
 * auxiliary data copied from @r->srcs and @r->aux
 *
 * Return: bytes written, or -ENOBUFS.
 */
int mld2_rec_emit(uint8_t *buf, size_t cap, const struct mld2_rec *r)
{
	int n = mld2_rec_len(r);
	size_t ns = (size_t)r->nsrc * IP6_LEN;
	size_t na = (size_t)r->aux_words * 4;

	if (cap < (size_t)n)
		return -ENOBUFS;
	/* Borrowed bytes first: they may sit inside @buf. */
	if (na)
		memmove(buf + MLD2_REC_HLEN + ns, r->aux, na);
	if (ns)
		memmove(buf + MLD2_REC_HLEN, r->srcs, ns);
	buf[0] = r->type;
	buf[1] = r->aux_words;
	st_be16(buf + 2, r->nsrc);
	memcpy(buf + 4, r->mcast.b, IP6_LEN);
	return n;
}

/* Every record of an MLDv2 report walks.  Return: 0 or -EBADMSG. */
static int check_records(const struct icmp6_view *v)
{
	struct mld2_rec_iter it;
	struct mld2_rec r;
	int rc;

	mld2_rec_iter_init(&it, v);
	while ((rc = mld2_rec_next(&it, &r)) > 0)
		;
	return rc;
}

/* The MLD fields every version shares (RFC 2710 3, RFC 3810 5.1). */
static void parse_mld(struct cursor *c, struct icmp6_view *v)
{
	v->mld_max_resp = cur_be16(c);
	cur_skip(c, 2); /* reserved */
	cur_copy(c, v->mld_addr.b, IP6_LEN);
}

/* The fixed part after the 4-byte header; @len is the message length. */
static void parse_fixed(struct cursor *c, size_t len, struct icmp6_view *v)
{
	uint8_t b;

	switch (v->type) {
	case ICMP6_DST_UNREACH:
	case ICMP6_TIME_EXCEEDED:
		v->unused = cur_be32(c);
		break;
	case ICMP6_PACKET_TOO_BIG:
		v->mtu = cur_be32(c);
		break;
	case ICMP6_PARAM_PROB:
		v->pointer = cur_be32(c);
		break;
	case ICMP6_ECHO_REQUEST:
	case ICMP6_ECHO_REPLY:
		v->echo_id = cur_be16(c);
		v->echo_seq = cur_be16(c);
		break;
	case ICMP6_ND_RS:
		cur_skip(c, 4);
		break;
	case ICMP6_ND_RA:
		/* RFC 4861 4.2, RFC 4191 2.2: M, O, H, Prf (2 bits), P. */
		v->ra_hop_limit = cur_u8(c);
		b = cur_u8(c);
		v->ra_managed = b & 0x80;
		v->ra_other = b & 0x40;
		v->ra_prf = (b >> 3) & 3;
		v->ra_lifetime = cur_be16(c);
		v->ra_reachable = cur_be32(c);
		v->ra_retrans = cur_be32(c);
		break;
	case ICMP6_ND_NS:
		cur_skip(c, 4);
		cur_copy(c, v->target.b, IP6_LEN);
		break;
	case ICMP6_ND_NA:
		b = cur_u8(c); /* 4.4: R, S, O, then 29 reserved bits */
		v->na_router = b & 0x80;
		v->na_solicited = b & 0x40;
		v->na_override = b & 0x20;
		cur_skip(c, 3);
		cur_copy(c, v->target.b, IP6_LEN);
		break;
	case ICMP6_ND_REDIRECT:
		cur_skip(c, 4);
		cur_copy(c, v->target.b, IP6_LEN);
		cur_copy(c, v->dest.b, IP6_LEN);
		break;
	case ICMP6_MLD_QUERY:
		parse_mld(c, v);
		/*
		 * RFC 3810 8.1: 24 bytes is an MLDv1 query, 28 or more an
		 * MLDv2 query; anything else is not a valid query.
		 */
		if (len == MLD_V1_LEN)
			break;
		if (len < MLD2_QUERY_MIN) {
			c->err = true;
			break;
		}
		v->mld_v2 = true;
		b = cur_u8(c);
		v->mld_s = b & 0x08;
		v->mld_qrv = b & 0x07;
		v->mld_qqic = cur_u8(c);
		v->mld_nsrc = cur_be16(c);
		break;
	case ICMP6_MLD_REPORT:
	case ICMP6_MLD_DONE:
		parse_mld(c, v);
		break;
	case ICMP6_MLD2_REPORT:
		cur_skip(c, 2); /* RFC 3810 5.2: reserved */
		v->mld_nrec = cur_be16(c);
		break;
	default:
		break;
	}
}

/**
 * icmp6_parse() - parse an ICMPv6 message
 * @buf, @len: the message, cut to the IPv6 payload
 *
 * Return: 0 and a filled @v, or -EBADMSG for a message shorter than its
 * type's fixed part, an MLD query of 25 to 27 bytes, a malformed ND option
 * (nd.c), MLDv2 sources or records past the end of the message.
 */
int icmp6_parse(const uint8_t *buf, size_t len, struct icmp6_view *v)
{
	struct cursor c = cur_make(buf, len);

	memset(v, 0, sizeof(*v));
	v->type = cur_u8(&c);
	v->code = cur_u8(&c);
	v->csum = cur_be16(&c);
	if (!cur_ok(&c))
		goto bad;
	parse_fixed(&c, len, v);
	if (!cur_ok(&c))
		goto bad;
	v->payload = cur_pos(&c);
	v->payload_len = cur_left(&c);
	/* RFC 3810 5.1.10: the sources must be in the message. */
	if (v->mld_v2 && (size_t)v->mld_nsrc * IP6_LEN > v->payload_len)
		goto bad;
	if (is_nd(v->type) && nd_opts_check(v->payload, v->payload_len))
		goto bad;
	if (v->type == ICMP6_MLD2_REPORT && check_records(v))
		goto bad;
	return 0;
bad:
	memset(v, 0, sizeof(*v));
	return -EBADMSG;
}

/** icmp6_hdr_len() - bytes icmp6_emit() writes before the payload. */
int icmp6_hdr_len(const struct icmp6_view *v)
{
	switch (v->type) {
	case ICMP6_DST_UNREACH:
	case ICMP6_PACKET_TOO_BIG:
	case ICMP6_TIME_EXCEEDED:
	case ICMP6_PARAM_PROB:
	case ICMP6_ECHO_REQUEST:
	case ICMP6_ECHO_REPLY:
	case ICMP6_ND_RS:
	case ICMP6_MLD2_REPORT:
		return 8;
	case ICMP6_ND_RA:
		return 16;
	case ICMP6_ND_NS:
	case ICMP6_ND_NA:
	case ICMP6_MLD_REPORT:
	case ICMP6_MLD_DONE:
		return 24;
	case ICMP6_ND_REDIRECT:
		return 40;
	case ICMP6_MLD_QUERY:
		return v->mld_v2 ? MLD2_QUERY_MIN : MLD_V1_LEN;
	default:
		return ICMP6_HLEN;
	}
}

/* Can @v be written so that icmp6_parse() reads it back? */
static bool encodable(const struct icmp6_view *v, size_t hlen)
{
	if (hlen + v->payload_len > 0xffff)
		return false;
	if (v->type == ICMP6_ND_RA && v->ra_prf > 3)
		return false;
	if (v->type == ICMP6_MLD_QUERY && !v->mld_v2 && v->payload_len)
		return false;
	if (v->type == ICMP6_MLD_QUERY && v->mld_v2 &&
	    (v->mld_qrv > 7 || (size_t)v->mld_nsrc * IP6_LEN > v->payload_len))
		return false;
	if (is_nd(v->type) && nd_opts_check(v->payload, v->payload_len))
		return false;
	if (v->type == ICMP6_MLD2_REPORT && check_records(v))
		return false;
	return true;
}

static void emit_mld(uint8_t *p, const struct icmp6_view *v)
{
	st_be16(p, v->mld_max_resp);
	memcpy(p + 4, v->mld_addr.b, IP6_LEN);
}

/* Write the fixed part after the 4-byte header; @p is zeroed. */
static void emit_fixed(uint8_t *p, const struct icmp6_view *v)
{
	switch (v->type) {
	case ICMP6_DST_UNREACH:
	case ICMP6_TIME_EXCEEDED:
		st_be32(p, v->unused);
		break;
	case ICMP6_PACKET_TOO_BIG:
		st_be32(p, v->mtu);
		break;
	case ICMP6_PARAM_PROB:
		st_be32(p, v->pointer);
		break;
	case ICMP6_ECHO_REQUEST:
	case ICMP6_ECHO_REPLY:
		st_be16(p, v->echo_id);
		st_be16(p + 2, v->echo_seq);
		break;
	case ICMP6_ND_RA:
		p[0] = v->ra_hop_limit;
		p[1] = (uint8_t)((v->ra_managed ? 0x80 : 0) |
				 (v->ra_other ? 0x40 : 0) | v->ra_prf << 3);
		st_be16(p + 2, v->ra_lifetime);
		st_be32(p + 4, v->ra_reachable);
		st_be32(p + 8, v->ra_retrans);
		break;
	case ICMP6_ND_NS:
		memcpy(p + 4, v->target.b, IP6_LEN);
		break;
	case ICMP6_ND_NA:
		p[0] = (uint8_t)((v->na_router ? 0x80 : 0) |
				 (v->na_solicited ? 0x40 : 0) |
				 (v->na_override ? 0x20 : 0));
		memcpy(p + 4, v->target.b, IP6_LEN);
		break;
	case ICMP6_ND_REDIRECT:
		memcpy(p + 4, v->target.b, IP6_LEN);
		memcpy(p + 20, v->dest.b, IP6_LEN);
		break;
	case ICMP6_MLD_QUERY:
		emit_mld(p, v);
		if (!v->mld_v2)
			break;
		p[20] = (uint8_t)((v->mld_s ? 0x08 : 0) | v->mld_qrv);
		p[21] = v->mld_qqic;
		st_be16(p + 22, v->mld_nsrc);
		break;
	case ICMP6_MLD_REPORT:
	case ICMP6_MLD_DONE:
		emit_mld(p, v);
		break;
	case ICMP6_MLD2_REPORT:
		st_be16(p + 2, v->mld_nrec);
		break;
	default: /* RS and unknown types: reserved bytes, or none */
		break;
	}
}

/**
 * icmp6_emit() - write the message described by @v and its checksum
 * @pseudo: the IPv6 pseudo-header sum, csum_pseudo6(src, dst,
 *	IP6_NH_ICMPV6, icmp6_hdr_len(v) + v->payload_len) (RFC 4443 2.3)
 *
 * The payload (invoking packet, echo data, ND options, MLD sources or
 * records) is copied from @v->payload unless it already sits right after
 * the fixed part in @buf.  @v->csum is ignored.
 *
 * Return: bytes written, -ENOBUFS if @cap is too small, -EINVAL for a view
 * that would not parse back (an MLDv1 query with a payload, MLDv2 sources
 * or records that do not fit the payload, ND options that do not walk, a
 * field too wide for its bits, more than 65535 bytes).
 */
int icmp6_emit(uint8_t *buf, size_t cap, const struct icmp6_view *v,
	       uint32_t pseudo)
{
	size_t hlen = (size_t)icmp6_hdr_len(v);
	size_t total = hlen + v->payload_len;

	if (!encodable(v, hlen))
		return -EINVAL;
	if (cap < hlen || cap - hlen < v->payload_len)
		return -ENOBUFS;
	/* The payload first: it may sit inside @buf. */
	if (v->payload_len && v->payload != buf + hlen)
		memmove(buf + hlen, v->payload, v->payload_len);
	memset(buf, 0, hlen);
	buf[0] = v->type;
	buf[1] = v->code;
	emit_fixed(buf + ICMP6_HLEN, v);
	st_be16(buf + 2, csum_fold(csum_partial(buf, total, pseudo)));
	return (int)total;
}

/**
 * icmp6_csum_ok() - verify the checksum of the @len-byte message at @buf
 * @pseudo: csum_pseudo6(src, dst, IP6_NH_ICMPV6, @len)
 */
bool icmp6_csum_ok(const uint8_t *buf, size_t len, uint32_t pseudo)
{
	return csum_fold(csum_partial(buf, len, pseudo)) == 0;
}
