/* SPDX-License-Identifier: MIT */
/*
 * dhcp6.h - DHCPv6 messages (RFC 8415): client/server and relay headers,
 * options, IA_NA / IA_TA / IA_PD with their addresses and prefixes
 *
 * These functions see the UDP payload only.
 */
#ifndef NSSTACK_WIRE_DHCP6_H
#define NSSTACK_WIRE_DHCP6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/addr.h"
#include "wire/cursor.h"

#define DHCP6_HDR_LEN 4	       /* msg-type, transaction-id (RFC 8415 8) */
#define DHCP6_RELAY_HDR_LEN 34 /* msg-type, hop-count, link, peer (9) */
#define DHCP6_OPT_HDR_LEN 4    /* option-code, option-len (21.1) */
#define DHCP6_XID_MAX 0xffffff

#define DHCP6_CLIENT_PORT 546
#define DHCP6_SERVER_PORT 547

/* Message types (RFC 8415 7.3). */
#define DHCP6_SOLICIT 1
#define DHCP6_ADVERTISE 2
#define DHCP6_REQUEST 3
#define DHCP6_CONFIRM 4
#define DHCP6_RENEW 5
#define DHCP6_REBIND 6
#define DHCP6_REPLY 7
#define DHCP6_RELEASE 8
#define DHCP6_DECLINE 9
#define DHCP6_RECONFIGURE 10
#define DHCP6_INFORMATION_REQUEST 11
#define DHCP6_RELAY_FORW 12
#define DHCP6_RELAY_REPL 13

/* Option codes (RFC 8415 21, RFC 3646 for 23 and 24). */
#define DHCP6_OPT_CLIENTID 1
#define DHCP6_OPT_SERVERID 2
#define DHCP6_OPT_IA_NA 3
#define DHCP6_OPT_IA_TA 4
#define DHCP6_OPT_IAADDR 5
#define DHCP6_OPT_ORO 6
#define DHCP6_OPT_PREFERENCE 7
#define DHCP6_OPT_ELAPSED_TIME 8
#define DHCP6_OPT_RELAY_MSG 9
#define DHCP6_OPT_AUTH 11
#define DHCP6_OPT_UNICAST 12
#define DHCP6_OPT_STATUS_CODE 13
#define DHCP6_OPT_RAPID_COMMIT 14
#define DHCP6_OPT_INTERFACE_ID 18
#define DHCP6_OPT_RECONF_ACCEPT 20
#define DHCP6_OPT_DNS_SERVERS 23
#define DHCP6_OPT_DOMAIN_LIST 24
#define DHCP6_OPT_IA_PD 25
#define DHCP6_OPT_IAPREFIX 26
#define DHCP6_OPT_INFORMATION_REFRESH_TIME 32
#define DHCP6_OPT_SOL_MAX_RT 82
#define DHCP6_OPT_INF_MAX_RT 83

/* Status codes (RFC 8415 21.13). */
#define DHCP6_STATUS_SUCCESS 0
#define DHCP6_STATUS_UNSPEC_FAIL 1
#define DHCP6_STATUS_NOADDRS_AVAIL 2
#define DHCP6_STATUS_NOBINDING 3
#define DHCP6_STATUS_NOTONLINK 4
#define DHCP6_STATUS_USE_MULTICAST 5
#define DHCP6_STATUS_NOPREFIX_AVAIL 6

#define DHCP6_DUID_MIN 3      /* type code and one byte (RFC 8415 11.1) */
#define DHCP6_DUID_MAX 130    /* type code and 128 bytes */
#define DHCP6_IAADDR_LEN 24   /* address, preferred, valid (21.6) */
#define DHCP6_IAPREFIX_LEN 25 /* preferred, valid, length, prefix (21.22) */
#define DHCP6_IA_MAX_ADDRS 8

/*
 * struct dhcp6_optref - where an option sits in a parsed message
 * @data: the first instance's value, borrowed from the parsed buffer
 * @len: its length
 * @count: how many instances the message carries (saturates at 65535);
 *	0 when absent.  Walk them all with struct dhcp6_opt_iter.
 */
struct dhcp6_optref {
	const uint8_t *data;
	uint16_t len;
	uint16_t count;
};

/*
 * struct dhcp6_status - a STATUS_CODE option (RFC 8415 21.13)
 * @present: the option was there (absent means Success, RFC 8415 21.13)
 * @msg: UTF-8 text, not NUL-terminated, borrowed
 */
struct dhcp6_status {
	bool present;
	uint16_t code;
	const uint8_t *msg;
	uint16_t msg_len;
};

/*
 * struct dhcp6_view - one DHCPv6 message in host order
 *
 * Client/server messages fill @xid; relay messages (RELAY-FORW and
 * RELAY-REPL) fill @hop_count, @link_addr and @peer_addr instead, and
 * their RELAY_MSG option holds the relayed message, which the caller
 * parses with another dhcp6_parse().  @options covers every option after
 * the header, so dhcp6_emit() gives back the same bytes.
 *
 * The remaining fields are the top-level options a client acts on, from
 * their first instance.  Lists stay borrowed bytes: @dns holds
 * dns.len / 16 addresses (dhcp6_dns_at()), @oro holds 16-bit codes
 * (dhcp6_oro_at()), @domains holds uncompressed DNS names checked label
 * by label (dhcp6_domain_next() decodes them).  IA options are checked
 * down to their last sub-option by dhcp6_parse(); dhcp6_ia_parse()
 * decodes one.
 */
struct dhcp6_view {
	uint8_t msg_type;
	uint32_t xid;
	uint8_t hop_count;
	struct ip6_addr link_addr;
	struct ip6_addr peer_addr;
	const uint8_t *options;
	size_t options_len;

	struct dhcp6_optref clientid; /* DUID bytes */
	struct dhcp6_optref serverid;
	struct dhcp6_optref ia_na;
	struct dhcp6_optref ia_ta;
	struct dhcp6_optref ia_pd;
	struct dhcp6_optref dns;
	struct dhcp6_optref domains;
	struct dhcp6_optref oro;
	struct dhcp6_optref relay_msg;
	struct dhcp6_optref interface_id;
	struct dhcp6_status status;
	bool has_elapsed, has_preference, has_irt, rapid_commit;
	uint16_t elapsed; /* hundredths of a second (21.9) */
	uint8_t preference;
	uint32_t irt; /* seconds (RFC 8415 21.23) */
};

/* struct dhcp6_opt_iter - walk a list of options (a message or a container) */
struct dhcp6_opt_iter {
	struct cursor cur;
};

/*
 * struct dhcp6_ia_addr - an IAADDR (in IA_NA, IA_TA) or IAPREFIX (in IA_PD)
 * @addr: the address or the prefix
 * @prefix_len: 128 for an IAADDR
 * @preferred, @valid: lifetimes in seconds; 0xffffffff is infinity
 */
struct dhcp6_ia_addr {
	struct ip6_addr addr;
	uint8_t prefix_len;
	uint32_t preferred;
	uint32_t valid;
	struct dhcp6_status status;
};

/*
 * struct dhcp6_ia - one IA_NA, IA_TA or IA_PD
 * @type: DHCP6_OPT_IA_NA, DHCP6_OPT_IA_TA or DHCP6_OPT_IA_PD
 * @t1, @t2: 0 for IA_TA, which has none
 * @n_addrs: addresses (IA_NA, IA_TA) or prefixes (IA_PD) in the IA; only
 *	the first DHCP6_IA_MAX_ADDRS are in @addrs
 * @opts: the IA's options, for what this struct does not decode
 */
struct dhcp6_ia {
	uint16_t type;
	uint32_t iaid;
	uint32_t t1;
	uint32_t t2;
	struct dhcp6_status status;
	size_t n_addrs;
	struct dhcp6_ia_addr addrs[DHCP6_IA_MAX_ADDRS];
	const uint8_t *opts;
	size_t opts_len;
};

int dhcp6_parse(const uint8_t *buf, size_t len, struct dhcp6_view *v);
int dhcp6_hdr_len(const struct dhcp6_view *v);
int dhcp6_emit(uint8_t *buf, size_t cap, const struct dhcp6_view *v);

void dhcp6_opt_iter_init(struct dhcp6_opt_iter *it, const uint8_t *opts,
			 size_t len);
int dhcp6_opt_next(struct dhcp6_opt_iter *it, uint16_t *code,
		   const uint8_t **data, uint16_t *len);

int dhcp6_ia_parse(uint16_t type, const uint8_t *p, size_t len,
		   struct dhcp6_ia *ia);
int dhcp6_domain_next(const uint8_t *p, size_t len, size_t *off, char *out,
		      size_t cap);

/** dhcp6_dns_at() - the @i-th address of a DNS_SERVERS option */
static inline void dhcp6_dns_at(const struct dhcp6_optref *r, size_t i,
				struct ip6_addr *a)
{
	memcpy(a->b, r->data + IP6_LEN * i, IP6_LEN);
}

/** dhcp6_oro_at() - the @i-th option code of an ORO */
static inline uint16_t dhcp6_oro_at(const struct dhcp6_optref *r, size_t i)
{
	return ld_be16(r->data + 2 * i);
}

#define DHCP6_OPTS_MAX_DEPTH 4

/*
 * struct dhcp6_opts - builder for a list of options
 *
 * dhcp6_opt_open() starts a container (IA_NA, IAADDR, ...) whose length
 * dhcp6_opt_close() fills in; options put in between are nested in it.
 * The first error sticks and dhcp6_opts_finish() reports it.
 */
struct dhcp6_opts {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err;
	unsigned int depth;
	size_t open[DHCP6_OPTS_MAX_DEPTH];
};

void dhcp6_opts_init(struct dhcp6_opts *o, uint8_t *buf, size_t cap);
int dhcp6_opt_put(struct dhcp6_opts *o, uint16_t code, const void *data,
		  size_t len);
int dhcp6_opt_put_u8(struct dhcp6_opts *o, uint16_t code, uint8_t val);
int dhcp6_opt_put_u16(struct dhcp6_opts *o, uint16_t code, uint16_t val);
int dhcp6_opt_put_u32(struct dhcp6_opts *o, uint16_t code, uint32_t val);
int dhcp6_opt_put_raw(struct dhcp6_opts *o, const void *data, size_t len);
int dhcp6_opt_put_status(struct dhcp6_opts *o, uint16_t code, const char *msg);
int dhcp6_opt_open(struct dhcp6_opts *o, uint16_t code);
int dhcp6_opt_close(struct dhcp6_opts *o);
int dhcp6_opt_open_ia(struct dhcp6_opts *o, uint16_t type, uint32_t iaid,
		      uint32_t t1, uint32_t t2);
int dhcp6_opt_open_iaaddr(struct dhcp6_opts *o, const struct ip6_addr *a,
			  uint32_t preferred, uint32_t valid);
int dhcp6_opt_open_iaprefix(struct dhcp6_opts *o, const struct ip6_addr *p,
			    uint8_t prefix_len, uint32_t preferred,
			    uint32_t valid);
int dhcp6_opts_finish(struct dhcp6_opts *o);

#endif /* NSSTACK_WIRE_DHCP6_H */
