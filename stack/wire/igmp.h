/* SPDX-License-Identifier: MIT */
/*
 * igmp.h - IGMPv1, IGMPv2 (RFC 2236) and IGMPv3 (RFC 3376) messages
 */
#ifndef NSSTACK_WIRE_IGMP_H
#define NSSTACK_WIRE_IGMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/cursor.h"

#define IGMP_HLEN 8	    /* v1/v2 messages, v3 report header */
#define IGMP3_QUERY_HLEN 12 /* v3 query without sources */
#define IGMP3_REC_HLEN 8    /* group record without sources, aux */
#define IGMP3_MAX_AUX 1020  /* aux data length is in 32-bit words */

#define IGMP_MEMBERSHIP_QUERY 0x11
#define IGMP_V1_REPORT 0x12
#define IGMP_V2_REPORT 0x16
#define IGMP_V2_LEAVE 0x17
#define IGMP_V3_REPORT 0x22

/* Group record types (RFC 3376 section 4.2.12). */
#define IGMP3_MODE_IS_INCLUDE 1
#define IGMP3_MODE_IS_EXCLUDE 2
#define IGMP3_CHANGE_TO_INCLUDE 3
#define IGMP3_CHANGE_TO_EXCLUDE 4
#define IGMP3_ALLOW_NEW_SOURCES 5
#define IGMP3_BLOCK_OLD_SOURCES 6

/*
 * struct igmp_view - one IGMP message in host order
 * @type: as read; unknown types parse as the 8-byte v1/v2 layout
 * @version: for queries 1, 2 or 3 by RFC 3376 section 7.1 (length and Max
 *	Resp Code); 1, 2 or 3 for reports and leaves by type; 0 otherwise.
 *	igmp_emit() of a query writes the v3 layout exactly when it is 3
 * @max_resp: byte 1: v2 Max Response Time (1/10 s), v3 Max Resp Code
 *	(igmp3_code_value()), zero in v1 queries, reserved in v3 reports
 * @csum: the checksum as read; see igmp_csum_ok()
 * @group: host-order group address (0 in general queries); unused in v3
 *	reports
 * @s_flag, @qrv, @qqic: v3 query Suppress Router-Side Processing flag,
 *	Querier's Robustness Variable and Query Interval Code
 * @n_sources, @sources: v3 query source list, borrowed, n_sources * 4
 *	bytes in wire order; read entries with igmp3_source()
 * @n_records, @records, @records_len: v3 report group records, borrowed
 *	and fully validated by igmp_parse(); walk them with igmp3_record_next()
 * @extra, @extra_len: bytes past the message proper ("Additional Data",
 *	RFC 3376 4.1.10 and 4.2.11; RFC 2236 section 2.5): covered by the
 *	checksum, otherwise ignored; kept so the message round-trips
 */
struct igmp_view {
	uint8_t type;
	uint8_t version;
	uint8_t max_resp;
	uint16_t csum;
	uint32_t group;
	bool s_flag;
	uint8_t qrv;
	uint8_t qqic;
	uint16_t n_sources;
	const uint8_t *sources;
	uint16_t n_records;
	const uint8_t *records;
	size_t records_len;
	const uint8_t *extra;
	size_t extra_len;
};

/*
 * struct igmp3_record - one v3 group record (RFC 3376 section 4.2.4)
 * @type: record type (IGMP3_MODE_IS_INCLUDE...); unknown types are kept
 *	for the engine to ignore (RFC 3376 section 4.2.12)
 * @group: host-order multicast address
 * @n_sources, @sources: source list, n_sources * 4 bytes in wire order
 * @aux, @aux_len: auxiliary data in bytes (a multiple of 4)
 */
struct igmp3_record {
	uint8_t type;
	uint16_t n_sources;
	uint32_t group;
	const uint8_t *sources;
	const uint8_t *aux;
	size_t aux_len;
};

/*
 * struct igmp3_rec_iter - a bounds-checked walk over a v3 report's records
 * Initialise with igmp3_rec_iter_init(); never touch the members.
 */
struct igmp3_rec_iter {
	struct cursor c;
	uint16_t left;
};

int igmp_parse(const uint8_t *buf, size_t len, struct igmp_view *v);
bool igmp_csum_ok(const uint8_t *buf, size_t len);
int igmp_hdr_len(const struct igmp_view *v);
int igmp_emit(uint8_t *buf, size_t cap, const struct igmp_view *v);

void igmp3_rec_iter_init(struct igmp3_rec_iter *it, const struct igmp_view *v);
bool igmp3_record_next(struct igmp3_rec_iter *it, struct igmp3_record *rec);
int igmp3_record_len(const struct igmp3_record *rec);
int igmp3_record_emit(uint8_t *buf, size_t cap, const struct igmp3_record *rec);
uint32_t igmp3_code_value(uint8_t code);

/**
 * igmp3_source() - the @i-th source address of a source list, host order
 *
 * @sources is a view's or record's source list and @i must be below its
 * n_sources, which parse has checked against the bytes present.
 */
static inline uint32_t igmp3_source(const uint8_t *sources, size_t i)
{
	return ld_be32(sources + 4 * i);
}

#endif /* NSSTACK_WIRE_IGMP_H */
