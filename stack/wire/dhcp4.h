/* SPDX-License-Identifier: MIT */
/*
 * dhcp4.h - DHCPv4 messages (RFC 2131, RFC 2132): BOOTP header, options,
 * classless static routes (RFC 3442) and long options (RFC 3396)
 *
 * These functions see the UDP payload only; UDP and IP are parsed and
 * emitted by their own modules.
 */
#ifndef NSSTACK_WIRE_DHCP4_H
#define NSSTACK_WIRE_DHCP4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/cursor.h"

#define DHCP4_CHADDR_LEN 16
#define DHCP4_SNAME_LEN 64
#define DHCP4_FILE_LEN 128
#define DHCP4_FIXED_LEN 236    /* op .. file, the BOOTP header (RFC 951) */
#define DHCP4_HDR_LEN 240      /* the fixed header and the magic cookie */
#define DHCP4_MIN_LEN 300      /* BOOTP minimum message (RFC 1542 2.1) */
#define DHCP4_MAGIC 0x63825363 /* 99.130.83.99 (RFC 2131 3) */

#define DHCP4_SERVER_PORT 67
#define DHCP4_CLIENT_PORT 68

#define DHCP4_OP_REQUEST 1 /* BOOTREQUEST */
#define DHCP4_OP_REPLY 2   /* BOOTREPLY */
#define DHCP4_HTYPE_ETHER 1
#define DHCP4_FLAG_BROADCAST 0x8000 /* RFC 2131 2, figure 2 */

/* Message types, option 53 (RFC 2132 9.6). */
#define DHCP4_DISCOVER 1
#define DHCP4_OFFER 2
#define DHCP4_REQUEST 3
#define DHCP4_DECLINE 4
#define DHCP4_ACK 5
#define DHCP4_NAK 6
#define DHCP4_RELEASE 7
#define DHCP4_INFORM 8

/* Option codes (RFC 2132 unless noted). */
#define DHCP4_OPT_PAD 0
#define DHCP4_OPT_SUBNET_MASK 1
#define DHCP4_OPT_ROUTERS 3
#define DHCP4_OPT_DNS 6
#define DHCP4_OPT_HOSTNAME 12
#define DHCP4_OPT_DOMAIN 15
#define DHCP4_OPT_REQUESTED_IP 50
#define DHCP4_OPT_LEASE_TIME 51
#define DHCP4_OPT_OVERLOAD 52
#define DHCP4_OPT_MSG_TYPE 53
#define DHCP4_OPT_SERVER_ID 54
#define DHCP4_OPT_PRL 55
#define DHCP4_OPT_MESSAGE 56
#define DHCP4_OPT_MAX_SIZE 57
#define DHCP4_OPT_T1 58
#define DHCP4_OPT_T2 59
#define DHCP4_OPT_CLIENT_ID 61
#define DHCP4_OPT_RAPID_COMMIT 80      /* RFC 4039 */
#define DHCP4_OPT_CLASSLESS_ROUTES 121 /* RFC 3442 */
#define DHCP4_OPT_END 255

/* Option 52 values (RFC 2132 9.3): which BOOTP fields carry options. */
#define DHCP4_OVERLOAD_FILE 1
#define DHCP4_OVERLOAD_SNAME 2

/*
 * struct dhcp4_optref - where an option sits in a parsed message
 * @data: the first instance's value, borrowed from the parsed buffer
 * @len: the first instance's length
 * @parts: how many instances the message carries (saturates at 255); 0
 *	when the option is absent.  More than one means an RFC 3396 long
 *	option: its value is the concatenation, see dhcp4_opt_concat().
 * @total: the sum of the lengths of all instances
 */
struct dhcp4_optref {
	const uint8_t *data;
	uint8_t len;
	uint8_t parts;
	size_t total;
};

/*
 * struct dhcp4_view - one DHCPv4 message in host order
 *
 * Addresses are host-order (addr.h).  @chaddr keeps all 16 bytes; @hlen
 * says how many are the hardware address.  @sname and @file point at the
 * 64 and 128 bytes in the message; when @overload says so they hold
 * options, not strings.  @options and @options_len cover everything after
 * the magic cookie, End and trailing pad included, so dhcp4_emit() gives
 * back the same bytes.
 *
 * The fields after @overload are the options a client acts on, taken from
 * the first instance of each; has_* says whether it was present.  Lists
 * and strings are dhcp4_optref: use dhcp4_opt_addr() to index @routers and
 * @dns, and dhcp4_opt_concat() when ->parts > 1.
 */
struct dhcp4_view {
	uint8_t op;
	uint8_t htype;
	uint8_t hlen;
	uint8_t hops;
	uint32_t xid;
	uint16_t secs;
	uint16_t flags;
	uint32_t ciaddr;
	uint32_t yiaddr;
	uint32_t siaddr;
	uint32_t giaddr;
	uint8_t chaddr[DHCP4_CHADDR_LEN];
	const uint8_t *sname;
	const uint8_t *file;
	const uint8_t *options;
	size_t options_len;
	uint8_t overload;

	uint8_t msg_type; /* 0: absent, a plain BOOTP message */
	bool has_server_id, has_requested_ip, has_lease_time, has_t1, has_t2,
		has_subnet_mask;
	uint32_t server_id;
	uint32_t requested_ip;
	uint32_t lease_time;
	uint32_t t1;
	uint32_t t2;
	uint32_t subnet_mask;
	struct dhcp4_optref routers;
	struct dhcp4_optref dns;
	struct dhcp4_optref domain;
	struct dhcp4_optref hostname;
	struct dhcp4_optref client_id;
	struct dhcp4_optref prl;
	struct dhcp4_optref routes; /* option 121, see dhcp4_routes_parse() */
};

/*
 * struct dhcp4_opt_iter - walk the options of a parsed message
 *
 * Visits the options field, then file, then sname when option 52 says
 * they are overloaded (RFC 3396 section 7 gives this order for
 * concatenation).  Pad is skipped; End closes the field it is in.
 */
struct dhcp4_opt_iter {
	struct cursor cur;
	const uint8_t *sname;
	const uint8_t *file;
	uint8_t overload;
	uint8_t area;
};

int dhcp4_parse(const uint8_t *buf, size_t len, struct dhcp4_view *v);
int dhcp4_emit(uint8_t *buf, size_t cap, const struct dhcp4_view *v);

void dhcp4_opt_iter_init(struct dhcp4_opt_iter *it, const struct dhcp4_view *v);
int dhcp4_opt_next(struct dhcp4_opt_iter *it, uint8_t *code,
		   const uint8_t **data, uint8_t *len);
int dhcp4_opt_concat(const struct dhcp4_view *v, uint8_t code, uint8_t *dst,
		     size_t cap);

/** dhcp4_opt_addr() - the @i-th IPv4 address of a list option, host order */
static inline uint32_t dhcp4_opt_addr(const struct dhcp4_optref *r, size_t i)
{
	return ld_be32(r->data + 4 * i);
}

/*
 * struct dhcp4_route - one classless static route (RFC 3442)
 * @dst: destination, host order; octets past the significant ones are 0
 * @width: prefix length, 0..32
 * @router: next hop, host order (0.0.0.0: the destination is on-link)
 */
struct dhcp4_route {
	uint32_t dst;
	uint8_t width;
	uint32_t router;
};

int dhcp4_routes_parse(const uint8_t *p, size_t len, struct dhcp4_route *out,
		       size_t max);

/*
 * struct dhcp4_opts - builder for an options area
 *
 * The first error sticks: later puts do nothing and dhcp4_opts_end()
 * reports it, so a caller can put a whole list and check once.
 */
struct dhcp4_opts {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err;
};

void dhcp4_opts_init(struct dhcp4_opts *o, uint8_t *buf, size_t cap);
int dhcp4_opt_put(struct dhcp4_opts *o, uint8_t code, const void *data,
		  size_t len);
int dhcp4_opt_put_u8(struct dhcp4_opts *o, uint8_t code, uint8_t val);
int dhcp4_opt_put_u16(struct dhcp4_opts *o, uint8_t code, uint16_t val);
int dhcp4_opt_put_u32(struct dhcp4_opts *o, uint8_t code, uint32_t val);
int dhcp4_opt_put_addrs(struct dhcp4_opts *o, uint8_t code,
			const uint32_t *addrs, size_t n);
int dhcp4_opt_put_routes(struct dhcp4_opts *o, const struct dhcp4_route *r,
			 size_t n);
int dhcp4_opt_pad(struct dhcp4_opts *o, size_t n);
int dhcp4_opts_end(struct dhcp4_opts *o);

#endif /* NSSTACK_WIRE_DHCP4_H */
