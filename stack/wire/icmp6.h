/* SPDX-License-Identifier: MIT */
/*
 * icmp6.h - ICMPv6 (RFC 4443), Neighbor Discovery messages (RFC 4861) and
 * MLDv1/MLDv2 (RFC 2710, RFC 3810)
 *
 * ND options are walked with nd.h; MLDv2 Report records with
 * mld2_rec_next() below.
 */
#ifndef NSSTACK_WIRE_ICMP6_H
#define NSSTACK_WIRE_ICMP6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/addr.h"
#include "wire/cursor.h"

#define ICMP6_HLEN 4 /* type, code, checksum */

/* Error messages (RFC 4443 3) */
#define ICMP6_DST_UNREACH 1
#define ICMP6_PACKET_TOO_BIG 2
#define ICMP6_TIME_EXCEEDED 3
#define ICMP6_PARAM_PROB 4
/* Informational messages (RFC 4443 4) */
#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
/* MLD (RFC 2710 3, RFC 3810 5) */
#define ICMP6_MLD_QUERY 130
#define ICMP6_MLD_REPORT 131
#define ICMP6_MLD_DONE 132
#define ICMP6_MLD2_REPORT 143
/* Neighbor Discovery (RFC 4861 4) */
#define ICMP6_ND_RS 133
#define ICMP6_ND_RA 134
#define ICMP6_ND_NS 135
#define ICMP6_ND_NA 136
#define ICMP6_ND_REDIRECT 137

/* Destination Unreachable codes (RFC 4443 3.1) */
#define ICMP6_UNREACH_NOROUTE 0
#define ICMP6_UNREACH_ADMIN 1
#define ICMP6_UNREACH_BEYONDSCOPE 2
#define ICMP6_UNREACH_ADDR 3
#define ICMP6_UNREACH_PORT 4
/* Parameter Problem codes (RFC 4443 3.4) */
#define ICMP6_PARAMPROB_HEADER 0
#define ICMP6_PARAMPROB_NEXTHEADER 1
#define ICMP6_PARAMPROB_OPTION 2

/* Router preference, RA flags bits 3-4 (RFC 4191 2.1) */
#define ND_RA_PRF_MEDIUM 0
#define ND_RA_PRF_HIGH 1
#define ND_RA_PRF_RESERVED 2
#define ND_RA_PRF_LOW 3

#define MLD_V1_LEN 24	  /* RFC 2710 3 */
#define MLD2_QUERY_MIN 28 /* RFC 3810 5.1, 8.1 */
#define MLD2_REC_HLEN 20  /* RFC 3810 5.2.4 */

/* MLDv2 record types (RFC 3810 5.2.12) */
#define MLD2_MODE_IS_INCLUDE 1
#define MLD2_MODE_IS_EXCLUDE 2
#define MLD2_CHANGE_TO_INCLUDE 3
#define MLD2_CHANGE_TO_EXCLUDE 4
#define MLD2_ALLOW_NEW_SOURCES 5
#define MLD2_BLOCK_OLD_SOURCES 6

/*
 * struct icmp6_view - one ICMPv6 message in host order
 *
 * Which fields mean something depends on @type; the others are zero.
 * @payload is what follows the type's fixed part, borrowed:
 *	errors (1-4): as much of the invoking packet as fits;
 *	echo: the data;
 *	RS, RA, NS, NA, Redirect: the ND options (walk them with nd.h);
 *	MLDv1: any bytes past the 24 RFC 2710 defines (queries have none);
 *	MLDv2 query: the @mld_nsrc source addresses, then any additional
 *		data RFC 3810 5.1.12 says to ignore;
 *	MLDv2 report: the @mld_nrec address records (mld2_rec_next());
 *	other types: everything after the checksum.
 * @csum: the checksum as received (icmp6_csum_ok() verifies it)
 * @unused: the 32-bit field of Destination Unreachable and Time Exceeded
 * @mtu: Packet Too Big; @pointer: Parameter Problem
 * @echo_id, @echo_seq: Echo Request and Reply
 * @ra_*: Router Advertisement (RFC 4861 4.2; @ra_prf is RFC 4191 2.2)
 * @na_router, @na_solicited, @na_override: Neighbor Advertisement flags
 * @target: NS, NA and Redirect target; @dest: Redirect destination
 * @mld_max_resp: the Maximum Response Delay (v1) or Code (v2, RFC 3810
 *	5.1.3); @mld_addr: the Multicast Address (queries, v1 reports, done)
 * @mld_v2: a query of at least 28 bytes (RFC 3810 8.1); @mld_s, @mld_qrv,
 *	@mld_qqic, @mld_nsrc: its other fields
 * @mld_nrec: MLDv2 report: the Nr of Mcast Address Records
 */
struct icmp6_view {
	uint8_t type;
	uint8_t code;
	uint16_t csum;
	uint32_t unused;
	uint32_t mtu;
	uint32_t pointer;
	uint16_t echo_id;
	uint16_t echo_seq;
	uint8_t ra_hop_limit;
	bool ra_managed;
	bool ra_other;
	uint8_t ra_prf;
	uint16_t ra_lifetime;
	uint32_t ra_reachable;
	uint32_t ra_retrans;
	bool na_router;
	bool na_solicited;
	bool na_override;
	struct ip6_addr target;
	struct ip6_addr dest;
	uint16_t mld_max_resp;
	struct ip6_addr mld_addr;
	bool mld_v2;
	bool mld_s;
	uint8_t mld_qrv;
	uint8_t mld_qqic;
	uint16_t mld_nsrc;
	uint16_t mld_nrec;
	const uint8_t *payload;
	size_t payload_len;
};

int icmp6_parse(const uint8_t *buf, size_t len, struct icmp6_view *v);
int icmp6_hdr_len(const struct icmp6_view *v);
int icmp6_emit(uint8_t *buf, size_t cap, const struct icmp6_view *v,
	       uint32_t pseudo);
bool icmp6_csum_ok(const uint8_t *buf, size_t len, uint32_t pseudo);

/** icmp6_is_error() - types below 128 are errors (RFC 4443 2.1). */
static inline bool icmp6_is_error(uint8_t type)
{
	return type < 128;
}

/*
 * struct mld2_rec - one MLDv2 Multicast Address Record (RFC 3810 5.2.4)
 * @srcs: @nsrc source addresses, 16 bytes each (mld2_src() reads one)
 * @aux: @aux_words * 4 bytes of auxiliary data
 */
struct mld2_rec {
	uint8_t type;
	uint8_t aux_words;
	uint16_t nsrc;
	struct ip6_addr mcast;
	const uint8_t *srcs;
	const uint8_t *aux;
};

struct mld2_rec_iter {
	struct cursor c;
	unsigned int left;
};

void mld2_rec_iter_init(struct mld2_rec_iter *it, const struct icmp6_view *v);
int mld2_rec_next(struct mld2_rec_iter *it, struct mld2_rec *r);
int mld2_rec_len(const struct mld2_rec *r);
int mld2_rec_emit(uint8_t *buf, size_t cap, const struct mld2_rec *r);

/** mld2_src() - copy source address @i of a list of them. */
static inline void mld2_src(const uint8_t *srcs, unsigned int i,
			    struct ip6_addr *a)
{
	memcpy(a->b, srcs + (size_t)i * IP6_LEN, IP6_LEN);
}

#endif /* NSSTACK_WIRE_ICMP6_H */
