// SPDX-License-Identifier: MIT
/*
 * icmp4.c - parse and emit ICMPv4 messages (RFC 792, RFC 1191)
 *
 * Every ICMP message is type, code, checksum and four bytes whose meaning
 * depends on the type, then a type-dependent body.  The view decodes those
 * four bytes for the types the engine acts on (echo, timestamp,
 * unreachable with the RFC 1191 next-hop MTU, redirect, parameter problem)
 * and keeps them raw in @rest for every type, so unknown types (router
 * advertisements, extended echo...) survive a parse/emit round trip.
 *
 * Parse rejects a message too short for its type: 8 bytes for any, 8 + 12
 * for timestamps, and 8 + 28 for errors, whose body must quote the invoking
 * datagram's IPv4 header and at least 64 bits of its data (RFC 792, RFC
 * 1812 section 4.3.2.3); the engine needs those bytes to find the flow.
 * The length comes from the IPv4 payload, so there is nothing to cut.
 */
#include <errno.h>
#include <string.h>

#include "wire/csum.h"
#include "wire/cursor.h"
#include "wire/icmp4.h"

/**
 * icmp4_is_error() - ICMP error types, the ones that quote a datagram
 *
 * RFC 1122 section 3.2.2: errors are never sent about errors, and their
 * body is the invoking datagram.
 */
bool icmp4_is_error(uint8_t type)
{
	switch (type) {
	case ICMP4_DEST_UNREACH:
	case ICMP4_SOURCE_QUENCH:
	case ICMP4_REDIRECT:
	case ICMP4_TIME_EXCEEDED:
	case ICMP4_PARAM_PROBLEM:
		return true;
	default:
		return false;
	}
}

/**
 * icmp4_has_typed_rest() - types whose bytes 4-7 the view decodes
 *
 * For these icmp4_emit() builds bytes 4-7 from the typed fields; for the
 * others it writes v->rest.
 */
bool icmp4_has_typed_rest(uint8_t type)
{
	switch (type) {
	case ICMP4_ECHO_REPLY:
	case ICMP4_ECHO_REQUEST:
	case ICMP4_TIMESTAMP:
	case ICMP4_TIMESTAMP_REPLY:
	case ICMP4_DEST_UNREACH:
	case ICMP4_REDIRECT:
	case ICMP4_TIME_EXCEEDED:
	case ICMP4_PARAM_PROBLEM:
		return true;
	default:
		return false;
	}
}

/* The body a message of @type needs, beyond the 8-byte header. */
static size_t min_body(uint8_t type)
{
	if (icmp4_is_error(type))
		return ICMP4_ERR_MIN_QUOTE;
	if (type == ICMP4_TIMESTAMP || type == ICMP4_TIMESTAMP_REPLY)
		return ICMP4_TIMESTAMP_LEN;
	return 0;
}

/* Decode bytes 4-7 (@rest) into the typed fields for @v->type. */
static void decode_rest(struct icmp4_view *v)
{
	switch (v->type) {
	case ICMP4_ECHO_REPLY:
	case ICMP4_ECHO_REQUEST:
	case ICMP4_TIMESTAMP:
	case ICMP4_TIMESTAMP_REPLY:
		v->id = (uint16_t)(v->rest >> 16);
		v->seq = (uint16_t)v->rest;
		break;
	case ICMP4_DEST_UNREACH:
		/* RFC 1191 section 4: low 16 bits of the unused word. */
		if (v->code == ICMP4_UNREACH_FRAG_NEEDED)
			v->mtu = (uint16_t)v->rest;
		break;
	case ICMP4_REDIRECT:
		v->gateway = v->rest;
		break;
	case ICMP4_PARAM_PROBLEM:
		v->pointer = (uint8_t)(v->rest >> 24);
		break;
	default:
		break;
	}
}

/* Bytes 4-7 that icmp4_emit() writes for @v. */
static uint32_t encode_rest(const struct icmp4_view *v)
{
	switch (v->type) {
	case ICMP4_ECHO_REPLY:
	case ICMP4_ECHO_REQUEST:
	case ICMP4_TIMESTAMP:
	case ICMP4_TIMESTAMP_REPLY:
		return (uint32_t)v->id << 16 | v->seq;
	case ICMP4_DEST_UNREACH:
		return v->code == ICMP4_UNREACH_FRAG_NEEDED ? v->mtu : 0;
	case ICMP4_REDIRECT:
		return v->gateway;
	case ICMP4_TIME_EXCEEDED:
		return 0;
	case ICMP4_PARAM_PROBLEM:
		return (uint32_t)v->pointer << 24;
	default:
		return v->rest;
	}
}

/**
 * icmp4_parse() - parse an ICMPv4 message
 * @buf: the IPv4 payload (already cut to the IPv4 total length)
 * @len: its length
 * @v: the view to fill
 *
 * Return: 0 and a filled @v, or -EBADMSG for a message too short for its
 * type (see the top of this file).  The checksum is not checked.
 */
int icmp4_parse(const uint8_t *buf, size_t len, struct icmp4_view *v)
{
	struct cursor c = cur_make(buf, len);

	memset(v, 0, sizeof(*v));
	v->type = cur_u8(&c);
	v->code = cur_u8(&c);
	v->csum = cur_be16(&c);
	v->rest = cur_be32(&c);
	if (!cur_ok(&c) || cur_left(&c) < min_body(v->type)) {
		memset(v, 0, sizeof(*v));
		return -EBADMSG;
	}
	decode_rest(v);
	v->payload_len = cur_left(&c);
	v->payload = v->payload_len ? cur_pos(&c) : NULL;
	return 0;
}

/**
 * icmp4_csum_ok() - verify the checksum of the ICMP message at @buf
 *
 * RFC 792: the checksum covers the whole message, from the type on.
 *
 * Return: true when @len covers a header and the message sums to zero.
 */
bool icmp4_csum_ok(const uint8_t *buf, size_t len)
{
	return len >= ICMP4_HLEN && csum_inet(buf, len) == 0;
}

/**
 * icmp4_emit() - write the message described by @v into @buf
 *
 * Bytes 4-7 come from the typed fields or v->rest (icmp4_has_typed_rest());
 * the checksum is computed over header and payload.  The payload is copied
 * unless it already sits right after the header in @buf.
 *
 * Return: bytes written, -ENOBUFS if @cap is too small, or -EINVAL for a
 * message whose payload is too short for its type (icmp4_parse() would
 * reject it).
 */
int icmp4_emit(uint8_t *buf, size_t cap, const struct icmp4_view *v)
{
	size_t total;

	if (v->payload_len < min_body(v->type))
		return -EINVAL;
	if (cap < ICMP4_HLEN || cap - ICMP4_HLEN < v->payload_len)
		return -ENOBUFS;
	total = ICMP4_HLEN + v->payload_len;
	if (v->payload_len && v->payload != buf + ICMP4_HLEN)
		memmove(buf + ICMP4_HLEN, v->payload, v->payload_len);
	buf[0] = v->type;
	buf[1] = v->code;
	st_be16(buf + 2, 0);
	st_be32(buf + 4, encode_rest(v));
	st_be16(buf + 2, csum_inet(buf, total));
	return (int)total;
}
