/* SPDX-License-Identifier: MIT */
/*
 * dhcp4_client.h - the DHCPv4 client (RFC 2131): one state machine per
 * interface, leases applied as addresses, routes and MTU
 */
#ifndef NSSTACK_DHCP4_CLIENT_H
#define NSSTACK_DHCP4_CLIENT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "timer.h"
#include "wire/dhcp4.h"

struct engine;
struct netif;
struct sock;

/* RFC 2131 4.1: 4 s before the first retransmission, doubling to 64 s,
 * each randomised by -1..+1 s.  µs. */
#define DHCP4C_RTX_FIRST 4000000ull
#define DHCP4C_RTX_MAX 64000000ull
#define DHCP4C_RTX_FUZZ 1000000u
/* RFC 2131 4.4.5: RENEWING/REBINDING retransmit no sooner than 60 s. */
#define DHCP4C_RENEW_RTX_MIN 60000000ull
/* RFC 2131 3.1.5: wait at least 10 s after a DHCPDECLINE. */
#define DHCP4C_DECLINE_WAIT 10000000ull
/* Start-up desynchronisation, see dhcp4_client.c. */
#define DHCP4C_START_DELAY_MAX 1000000u
/* DHCPREQUEST sends in REQUESTING (4+8+16+32 s) and REBOOTING before
 * falling back to INIT. */
#define DHCP4C_REQUEST_TRIES 5
#define DHCP4C_REBOOT_TRIES 3

#define DHCP4C_MAX_ROUTES 16
#define DHCP4C_MAX_ADDRS 4

/* RFC 2131 figure 5, plus CHECKING: the RFC 5227 probe of an ACKed
 * address (RFC 2131 3.1.5) before BOUND. */
enum dhcp4c_state {
	DHCP4C_INIT,
	DHCP4C_SELECTING,
	DHCP4C_REQUESTING,
	DHCP4C_CHECKING,
	DHCP4C_BOUND,
	DHCP4C_RENEWING,
	DHCP4C_REBINDING,
	DHCP4C_INIT_REBOOT,
	DHCP4C_REBOOTING,
};

/*
 * struct dhcp4_lease - what one DHCPACK gave us
 * @start: engine clock when the DHCPREQUEST went out (RFC 2131 4.4.1:
 *	lease times count from the request, not the answer); µs
 * @lease_s, @t1_s, @t2_s: seconds from @start; UINT32_MAX is infinite
 */
struct dhcp4_lease {
	uint32_t addr;
	uint8_t plen;
	uint32_t server;
	uint64_t start;
	uint32_t lease_s, t1_s, t2_s;
	uint32_t routers[DHCP4C_MAX_ADDRS];
	size_t nrouters;
	struct dhcp4_route routes[DHCP4C_MAX_ROUTES]; /* option 121 */
	size_t nroutes;
	bool classless;
	uint32_t dns[DHCP4C_MAX_ADDRS];
	size_t ndns;
	char domain[256];
	uint16_t mtu; /* option 26, 0 if absent */
};

/* A route the client installed, to remove exactly that on expiry. */
struct dhcp4c_route {
	uint32_t prefix;
	uint8_t plen;
};

struct dhcp4c {
	struct dhcp4c *next;
	struct engine *eng;
	int ifindex;
	enum dhcp4c_state state;
	uint32_t xid;
	uint64_t exchange_start;  /* µs, for the secs field */
	unsigned int tries;	  /* sends of the current message */
	uint32_t offered;	  /* REQUESTING: yiaddr of the chosen offer */
	uint32_t offer_server;	  /* and its server identifier */
	uint32_t reboot_addr;	  /* INIT-REBOOT: the address to ask for */
	uint64_t req_sent;	  /* first DHCPREQUEST of this exchange */
	struct dhcp4_lease lease; /* the candidate (CHECKING) or current */
	bool applied;		  /* lease address on the interface */
	struct dhcp4c_route installed[DHCP4C_MAX_ROUTES + 1];
	size_t ninstalled;
	uint32_t orig_mtu; /* to restore when the lease goes */
	struct timer rtx;  /* (re)transmissions and INIT delays */
	struct timer life; /* T1, T2 and expiry */
	char lease_file[PATH_MAX];
};

/* A DHCPRELEASE waiting in the neighbour queue at shutdown. */
struct dhcp4c_inflight {
	int ifindex;
	uint32_t nexthop;
};

#define DHCP4C_LINGER_MAX 1000000ull /* µs the loop runs on for them */
#define DHCP4C_LINGER_POLL 20000ull

struct dhcp4c_table {
	struct dhcp4c *clients;
	struct sock *sk; /* 0.0.0.0:68 while any client runs */
	struct engine *eng;
	struct dhcp4c_inflight inflight[4];
	size_t ninflight;
	struct timer linger; /* dhcp4c_shutdown(): stops the loop */
	uint64_t linger_end;
};

int dhcp4c_init(struct engine *eng);
void dhcp4c_fini(struct engine *eng);
int dhcp4c_start(struct netif *ifp, const char *lease_file);
void dhcp4c_stop(struct netif *ifp, bool release);
void dhcp4c_release_all(struct engine *eng);
int dhcp4c_shutdown(struct engine *eng);
bool dhcp4c_releases_in_flight(struct engine *eng);
struct dhcp4c *dhcp4c_find(struct engine *eng, int ifindex);
void dhcp4c_input(struct engine *eng, const uint8_t *buf, size_t len);
const char *dhcp4c_state_name(enum dhcp4c_state s);

#endif /* NSSTACK_DHCP4_CLIENT_H */
