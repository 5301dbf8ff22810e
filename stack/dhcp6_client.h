/* SPDX-License-Identifier: MIT */
/*
 * dhcp6_client.h - the DHCPv6 client (RFC 8415): stateful (IA_NA
 * addresses, renewed at T1, rebound at T2) or stateless
 * (INFORMATION-REQUEST for DNS servers), one per interface
 */
#ifndef NSSTACK_DHCP6_CLIENT_H
#define NSSTACK_DHCP6_CLIENT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "timer.h"
#include "wire/addr.h"
#include "wire/dhcp6.h"

struct engine;
struct netif;
struct sock;
struct json_object;

#define DHCP6C_SEC 1000000ull

/* RFC 8415 7.6 transmission parameters, µs. */
#define DHCP6C_SOL_MAX_DELAY (1 * DHCP6C_SEC)
#define DHCP6C_SOL_TIMEOUT (1 * DHCP6C_SEC)
#define DHCP6C_SOL_MAX_RT (3600 * DHCP6C_SEC)
#define DHCP6C_REQ_TIMEOUT (1 * DHCP6C_SEC)
#define DHCP6C_REQ_MAX_RT (30 * DHCP6C_SEC)
#define DHCP6C_REQ_MAX_RC 10
#define DHCP6C_DEC_TIMEOUT (1 * DHCP6C_SEC)
#define DHCP6C_DEC_MAX_RC 4
#define DHCP6C_REN_TIMEOUT (10 * DHCP6C_SEC)
#define DHCP6C_REN_MAX_RT (600 * DHCP6C_SEC)
#define DHCP6C_REB_TIMEOUT (10 * DHCP6C_SEC)
#define DHCP6C_REB_MAX_RT (600 * DHCP6C_SEC)
#define DHCP6C_INF_MAX_DELAY (1 * DHCP6C_SEC)
#define DHCP6C_INF_TIMEOUT (1 * DHCP6C_SEC)
#define DHCP6C_INF_MAX_RT (3600 * DHCP6C_SEC)
#define DHCP6C_IRT_DEFAULT 86400u /* s, RFC 8415 7.6 */
#define DHCP6C_IRT_MINIMUM 600u	  /* s */
/* Retry a send when the link-local address is still under DAD. */
#define DHCP6C_NO_SRC_RETRY (1 * DHCP6C_SEC)

#define DHCP6C_MAX_ADDRS 4
#define DHCP6C_MAX_DNS 4

enum dhcp6c_state {
	DHCP6C_INIT,	 /* waiting to start (SOL_MAX_DELAY, INF_MAX_DELAY) */
	DHCP6C_SOLICIT,	 /* 18.2.1: collecting ADVERTISEs */
	DHCP6C_REQUEST,	 /* 18.2.2 */
	DHCP6C_BOUND,	 /* addresses held, waiting for T1 */
	DHCP6C_RENEW,	 /* 18.2.4: T1 passed, asking our server */
	DHCP6C_REBIND,	 /* 18.2.5: T2 passed, asking any server */
	DHCP6C_DECLINE,	 /* 18.2.8: an address failed DAD */
	DHCP6C_INFORM,	 /* 18.2.6: INFORMATION-REQUEST sent */
	DHCP6C_INFORMED, /* stateless data held, refresh pending */
};

enum dhcp6c_mode {
	DHCP6C_STATEFUL,  /* IA_NA: the RA's M flag, or --dhcp6 */
	DHCP6C_STATELESS, /* configuration only: the RA's O flag */
};

/* One leased address; lifetimes in seconds, 0xffffffff infinite. */
struct dhcp6c_addr {
	struct ip6_addr addr;
	uint32_t preferred;
	uint32_t valid;
};

/*
 * struct dhcp6_lease - what an ADVERTISE offered or a REPLY gave
 * @start: engine clock when the REPLY arrived; T1, T2 and the lifetimes
 *	count from there (µs)
 * @t1, @t2: seconds from @start, as the client settled them (21.4)
 * @irt: stateless: the information refresh time, s (21.23)
 */
struct dhcp6_lease {
	uint8_t server_id[DHCP6_DUID_MAX];
	size_t server_id_len;
	struct ip6_addr server; /* the address it answered from */
	uint8_t preference;
	uint64_t start;
	uint32_t t1, t2;
	struct dhcp6c_addr addrs[DHCP6C_MAX_ADDRS];
	size_t naddrs;
	struct ip6_addr zero[DHCP6C_MAX_ADDRS]; /* valid lifetime 0: gone */
	size_t nzero;
	struct ip6_addr dns[DHCP6C_MAX_DNS];
	size_t ndns;
	char domain[256];
	uint32_t irt;
};

struct dhcp6c {
	struct dhcp6c *next;
	struct engine *eng;
	int ifindex;
	enum dhcp6c_mode mode;
	enum dhcp6c_state state;
	uint32_t xid;		 /* 24 bits */
	uint64_t exchange_start; /* µs: first send, for Elapsed Time */
	unsigned int tries;	 /* sends of the current message */
	uint64_t rt;		 /* µs: the current retransmission timeout */
	uint64_t mrd_end;	 /* µs: the exchange gives up then; 0 never */
	uint8_t duid[DHCP6_DUID_MAX];
	size_t duid_len;
	uint32_t iaid;
	bool have_adv; /* SOLICIT: the best ADVERTISE so far in @adv */
	struct dhcp6_lease adv;
	struct dhcp6_lease lease; /* held (BOUND..REBIND, INFORMED) */
	bool applied;		  /* @lease's addresses are on the link */
	struct ip6_addr declined[DHCP6C_MAX_ADDRS];
	size_t ndeclined;
	uint64_t sol_max_rt; /* µs; SOL_MAX_RT option (21.24) may lower it */
	uint64_t inf_max_rt;
	struct timer rtx;  /* start delay, sends and retransmissions */
	struct timer life; /* T1, T2, expiry, information refresh */
};

struct dhcp6c_table {
	struct dhcp6c *clients;
	struct sock *sk; /* [::]:546 while any client runs */
	struct engine *eng;
	char duid_file[PATH_MAX]; /* DUID-LLT kept here; "" for DUID-LL */
};

int dhcp6c_init(struct engine *eng);
void dhcp6c_fini(struct engine *eng);
int dhcp6c_set_duid_file(struct engine *eng, const char *path);
int dhcp6c_start(struct netif *ifp, enum dhcp6c_mode mode);
void dhcp6c_stop(struct netif *ifp, bool release);
void dhcp6c_shutdown(struct engine *eng);
struct dhcp6c *dhcp6c_find(struct engine *eng, int ifindex);
void dhcp6c_ra_flags(struct netif *ifp, bool managed, bool other);
void dhcp6c_dad_failed(struct netif *ifp, const struct ip6_addr *a);
void dhcp6c_input(struct engine *eng, const struct ip6_addr *src,
		  const uint8_t *buf, size_t len);
const char *dhcp6c_state_name(enum dhcp6c_state s);
void dhcp6c_dns_list(struct engine *eng, struct json_object *arr);
uint64_t dhcp6c_rt_first(uint64_t irt, bool positive);
uint64_t dhcp6c_rt_next(uint64_t rt, uint64_t mrt);

/* dhcp6_duid.c */
int dhcp6c_duid_ll(const uint8_t mac[6], uint8_t *duid, size_t cap);
size_t dhcp6_duid_get(const char *path, const uint8_t mac[6], uint8_t *duid,
		      size_t cap);
uint32_t dhcp6_iaid(const char *name);

#endif /* NSSTACK_DHCP6_CLIENT_H */
