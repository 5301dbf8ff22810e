// SPDX-License-Identifier: MIT
/*
 * igmp.c - parse and emit IGMPv1, IGMPv2 (RFC 2236) and IGMPv3 (RFC 3376)
 *
 * Theory of operation: the IGMP message is the whole IPv4 payload; there
 * is no length field, so the length tells versions apart (RFC 3376 section
 * 7.1: an 8-byte query is v1 or v2 by its Max Resp Code, a query of 12
 * bytes or more is v3, anything between is malformed) and bounds the two
 * counted lists IGMPv3 carries: a query's source list and a report's
 * group records, each with its own source list and auxiliary data.  Every
 * count is checked against the bytes present before the view points at
 * them, so consumers can index sources and walk records without checks of
 * their own; igmp3_record_next() still walks with a cursor, so it cannot
 * over-read even on a view that igmp_parse() did not fill.
 *
 * Bytes after the message proper are Additional Data (RFC 3376 4.1.10,
 * 4.2.11; RFC 2236 section 2.5): included in the checksum, otherwise
 * ignored.  The view keeps them so emit reproduces the message.
 */
#include <errno.h>
#include <string.h>

#include "wire/csum.h"
#include "wire/cursor.h"
#include "wire/igmp.h"

/*
 * rec_read() - read one group record (RFC 3376 section 4.2.4) from @c
 *
 * Return: true and a filled @rec, or false (and a zeroed @rec) when the
 * record, its sources or its aux data run past the cursor.
 */
static bool rec_read(struct cursor *c, struct igmp3_record *rec)
{
	uint8_t aux_words;

	memset(rec, 0, sizeof(*rec));
	rec->type = cur_u8(c);
	aux_words = cur_u8(c);
	rec->n_sources = cur_be16(c);
	rec->group = cur_be32(c);
	/* Both lengths count 32-bit units, so they cannot overflow. */
	rec->sources = cur_take(c, (size_t)rec->n_sources * 4);
	rec->aux_len = (size_t)aux_words * 4;
	rec->aux = cur_take(c, rec->aux_len);
	if (!cur_ok(c)) {
		memset(rec, 0, sizeof(*rec));
		return false;
	}
	if (!rec->n_sources)
		rec->sources = NULL;
	if (!rec->aux_len)
		rec->aux = NULL;
	return true;
}

/**
 * igmp3_rec_iter_init() - start a walk over the group records of @v
 *
 * A view that is not a v3 report has no records and the walk is empty.
 */
void igmp3_rec_iter_init(struct igmp3_rec_iter *it, const struct igmp_view *v)
{
	it->c = cur_make(v->records, v->records_len);
	it->left = v->records ? v->n_records : 0;
}

/**
 * igmp3_record_next() - the next group record of the walk
 *
 * Return: true and a filled @rec, or false at the end of the records (or,
 * for a region igmp_parse() did not check, at the first record that does
 * not fit; the walk then stays finished).
 */
bool igmp3_record_next(struct igmp3_rec_iter *it, struct igmp3_record *rec)
{
	if (!it->left)
		return false;
	if (!rec_read(&it->c, rec)) {
		it->left = 0;
		return false;
	}
	it->left--;
	return true;
}

/*
 * records_walk() - walk @n records from @c; return the bytes they span,
 * or -EBADMSG when they do not fit.
 */
static int records_walk(struct cursor *c, uint16_t n, size_t *span)
{
	size_t start = c->off;
	struct igmp3_record rec;

	for (uint16_t i = 0; i < n; i++)
		if (!rec_read(c, &rec))
			return -EBADMSG;
	*span = c->off - start;
	return 0;
}

/**
 * igmp_parse() - parse an IGMP message
 * @buf: the IPv4 payload (already cut to the IPv4 total length)
 * @len: its length
 * @v: the view to fill
 *
 * Return: 0 and a filled @v, or -EBADMSG for a message shorter than 8
 * bytes, a query of 9 to 11 bytes, or a v3 source or record count that
 * runs past the message.  The checksum is not checked.
 */
int igmp_parse(const uint8_t *buf, size_t len, struct igmp_view *v)
{
	struct cursor c = cur_make(buf, len);
	uint8_t b;

	memset(v, 0, sizeof(*v));
	v->type = cur_u8(&c);
	v->max_resp = cur_u8(&c);
	v->csum = cur_be16(&c);
	switch (v->type) {
	case IGMP_MEMBERSHIP_QUERY:
		v->group = cur_be32(&c);
		if (len == IGMP_HLEN) {
			/* RFC 3376 7.1: Max Resp Code 0 marks a v1 query. */
			v->version = v->max_resp ? 2 : 1;
			break;
		}
		/* RFC 3376 7.1: 9 to 11 bytes is no version at all. */
		if (len < IGMP3_QUERY_HLEN)
			goto bad;
		v->version = 3;
		b = cur_u8(&c); /* Resv (4), S (1), QRV (3): RFC 3376 4.1 */
		v->s_flag = b & 0x08;
		v->qrv = b & 0x07;
		v->qqic = cur_u8(&c);
		v->n_sources = cur_be16(&c);
		v->sources = cur_take(&c, (size_t)v->n_sources * 4);
		if (!v->n_sources)
			v->sources = NULL;
		break;
	case IGMP_V3_REPORT:
		v->version = 3;
		cur_skip(&c, 2); /* reserved (RFC 3376 4.2) */
		v->n_records = cur_be16(&c);
		if (!cur_ok(&c))
			goto bad;
		v->records = cur_pos(&c);
		if (records_walk(&c, v->n_records, &v->records_len))
			goto bad;
		if (!v->records_len)
			v->records = NULL;
		break;
	case IGMP_V1_REPORT:
		v->version = 1;
		v->group = cur_be32(&c);
		break;
	case IGMP_V2_REPORT:
	case IGMP_V2_LEAVE:
		v->version = 2;
		v->group = cur_be32(&c);
		break;
	default:
		/* Unknown types: the common 8-byte layout, for the engine to
		 * ignore (RFC 3376 section 4). */
		v->group = cur_be32(&c);
		break;
	}
	if (!cur_ok(&c))
		goto bad;
	v->extra_len = cur_left(&c);
	v->extra = v->extra_len ? cur_pos(&c) : NULL;
	return 0;
bad:
	memset(v, 0, sizeof(*v));
	return -EBADMSG;
}

/**
 * igmp_csum_ok() - verify the checksum of the IGMP message at @buf
 *
 * RFC 3376 4.1.2, RFC 2236 section 2.3: the checksum covers the whole IP
 * payload, Additional Data included.
 *
 * Return: true when @len covers a header and the message sums to zero.
 */
bool igmp_csum_ok(const uint8_t *buf, size_t len)
{
	return len >= IGMP_HLEN && csum_inet(buf, len) == 0;
}

/**
 * igmp_hdr_len() - bytes igmp_emit() writes before the Additional Data
 *
 * Return: the message length without @v->extra, or -EINVAL for a view that
 * cannot be encoded: a query whose version does not match its Max Resp
 * Code (RFC 3376 7.1 would read it as another version), a v1/v2 query with
 * Additional Data (it would read as v3), a QRV above 7, a list pointer
 * missing for a non-zero count, or report records that do not walk to
 * exactly @records_len.
 */
int igmp_hdr_len(const struct igmp_view *v)
{
	struct cursor c;
	size_t span;

	switch (v->type) {
	case IGMP_MEMBERSHIP_QUERY:
		if (v->version == 3) {
			if (v->qrv > 7 || (v->n_sources && !v->sources))
				return -EINVAL;
			return IGMP3_QUERY_HLEN + 4 * (int)v->n_sources;
		}
		if (v->extra_len || (v->version == 1 && v->max_resp) ||
		    (v->version == 2 && !v->max_resp) ||
		    (v->version != 1 && v->version != 2))
			return -EINVAL;
		return IGMP_HLEN;
	case IGMP_V3_REPORT:
		c = cur_make(v->records, v->records_len);
		if (records_walk(&c, v->n_records, &span) ||
		    span != v->records_len)
			return -EINVAL;
		return (int)(IGMP_HLEN + v->records_len);
	default:
		return IGMP_HLEN;
	}
}

/**
 * igmp_emit() - write the message described by @v into @buf
 *
 * Writes the v1/v2 layout, the v3 query or the v3 report by type and
 * version, then v->extra, and computes the checksum over all of it.
 * Reserved fields are written as zero.  Borrowed lists are copied unless
 * they already sit where they go in @buf; they are moved back to front,
 * so they must not lie in the part of @buf written after them.
 *
 * Return: bytes written, -ENOBUFS if @cap is too small, or -EINVAL (see
 * igmp_hdr_len()).
 */
int igmp_emit(uint8_t *buf, size_t cap, const struct igmp_view *v)
{
	int ret = igmp_hdr_len(v);
	size_t hlen, total;

	if (ret < 0)
		return ret;
	hlen = (size_t)ret;
	if (cap < hlen || cap - hlen < v->extra_len)
		return -ENOBUFS;
	total = hlen + v->extra_len;

	if (v->extra_len && v->extra != buf + hlen)
		memmove(buf + hlen, v->extra, v->extra_len);
	buf[0] = v->type;
	buf[1] = v->max_resp;
	st_be16(buf + 2, 0);
	if (v->type == IGMP_V3_REPORT) {
		if (v->records_len && v->records != buf + IGMP_HLEN)
			memmove(buf + IGMP_HLEN, v->records, v->records_len);
		st_be16(buf + 4, 0);
		st_be16(buf + 6, v->n_records);
	} else if (v->type == IGMP_MEMBERSHIP_QUERY && v->version == 3) {
		size_t n = (size_t)v->n_sources * 4;

		if (n && v->sources != buf + IGMP3_QUERY_HLEN)
			memmove(buf + IGMP3_QUERY_HLEN, v->sources, n);
		st_be32(buf + 4, v->group);
		buf[8] = (uint8_t)((v->s_flag ? 0x08 : 0) | v->qrv);
		buf[9] = v->qqic;
		st_be16(buf + 10, v->n_sources);
	} else {
		st_be32(buf + 4, v->group);
	}
	st_be16(buf + 2, csum_inet(buf, total));
	return (int)total;
}

/**
 * igmp3_record_len() - bytes igmp3_record_emit() writes for @rec
 *
 * Return: the length, or -EINVAL when the aux data is not whole 32-bit
 * words, is longer than 255 words, or a list pointer is missing.
 */
int igmp3_record_len(const struct igmp3_record *rec)
{
	if (rec->aux_len % 4 || rec->aux_len > IGMP3_MAX_AUX)
		return -EINVAL;
	if ((rec->n_sources && !rec->sources) || (rec->aux_len && !rec->aux))
		return -EINVAL;
	return (int)(IGMP3_REC_HLEN + (size_t)rec->n_sources * 4 +
		     rec->aux_len);
}

/**
 * igmp3_record_emit() - write one group record, to build a v3 report
 *
 * The engine writes its records back to back after 8 bytes of headroom and
 * then calls igmp_emit() with v->records pointing at them.
 *
 * Return: bytes written, -ENOBUFS if @cap is too small, or -EINVAL (see
 * igmp3_record_len()).
 */
int igmp3_record_emit(uint8_t *buf, size_t cap, const struct igmp3_record *rec)
{
	int ret = igmp3_record_len(rec);
	size_t n = (size_t)rec->n_sources * 4;

	if (ret < 0)
		return ret;
	if (cap < (size_t)ret)
		return -ENOBUFS;
	if (rec->aux_len && rec->aux != buf + IGMP3_REC_HLEN + n)
		memmove(buf + IGMP3_REC_HLEN + n, rec->aux, rec->aux_len);
	if (n && rec->sources != buf + IGMP3_REC_HLEN)
		memmove(buf + IGMP3_REC_HLEN, rec->sources, n);
	buf[0] = rec->type;
	buf[1] = (uint8_t)(rec->aux_len / 4);
	st_be16(buf + 2, rec->n_sources);
	st_be32(buf + 4, rec->group);
	return ret;
}

/**
 * igmp3_code_value() - decode a Max Resp Code or QQIC
 *
 * RFC 3376 sections 4.1.1 and 4.1.7: codes below 128 are the value itself;
 * above, 1 | exp (3 bits) | mant (4 bits) means (mant | 0x10) << (exp + 3).
 *
 * Return: the value (tenths of a second for Max Resp Code, seconds for
 * QQIC), at most 31744.
 */
uint32_t igmp3_code_value(uint8_t code)
{
	if (code < 128)
		return code;
	return (uint32_t)((code & 0x0f) | 0x10) << (((code >> 4) & 0x07) + 3);
}
