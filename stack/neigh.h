/* SPDX-License-Identifier: MIT */
/*
 * neigh.h - the neighbour cache: Neighbor Unreachability Detection shared by
 * ARP (IPv4) and, later, Neighbor Discovery (IPv6)
 *
 * An entry maps (interface, family, protocol address) to a link address and
 * a NUD state (RFC 4861 7.3.2, Linux neighbour.c).  What a family does on
 * the wire (solicit, transmit, report failure) sits behind struct
 * neigh_ops; the state machine itself is the pure function nud_next().
 */
#ifndef NSSTACK_NEIGH_H
#define NSSTACK_NEIGH_H

#include <stdbool.h>
#include <stdint.h>
#include <uthash.h>

#include "hash.h"
#include "pkt.h"
#include "timer.h"
#include "wire/addr.h"

struct engine;
struct netif;
struct json_object;
struct acd;

/* RFC 4861 7.3.2 states, plus Linux's NONE, FAILED and PERMANENT. */
enum nud_state {
	NUD_NONE,	/* a fresh entry before its first event */
	NUD_INCOMPLETE, /* resolving: solicitations out, packets queued */
	NUD_REACHABLE,	/* confirmed within reachable_time */
	NUD_STALE,	/* link address known, reachability unknown */
	NUD_DELAY,	/* used while STALE: wait for an upper confirmation */
	NUD_PROBE,	/* unicast solicitations out */
	NUD_FAILED,	/* resolution or probing failed */
	NUD_PERMANENT,	/* configured: never changes by itself */
};

/* What happened to an entry; the input of nud_next(). */
enum neigh_event {
	NEV_SEND,	   /* an upper layer has a packet for the neighbour */
	NEV_CONFIRM,	   /* solicited answer: ARP reply to us, NA with S */
	NEV_UNSOLICITED,   /* link address seen unsolicited (request, GARP) */
	NEV_UPPER_CONFIRM, /* forward progress seen by TCP (neigh_confirm) */
	NEV_TIMER,	   /* the entry's timer expired */
};

/*
 * struct nud_input - everything nud_next() decides from
 * @lladdr_changed: the event carries a link address that differs from the
 *	cached one (always true when the entry has none yet)
 * @used_recently: a packet went out within delay_first_probe_time
 * @confirmed_recently: confirmed within the reachable time (REACHABLE
 *	timer) or within delay_first_probe_time (DELAY timer)
 * @probes_exhausted: the solicitations allowed in this state are all sent
 */
struct nud_input {
	enum nud_state state;
	enum neigh_event ev;
	bool lladdr_changed;
	bool used_recently;
	bool confirmed_recently;
	bool probes_exhausted;
};

/* Actions nud_next() asks for; the caller carries them out in this order. */
#define NACT_SET_LLADDR 0x01 /* store the event's link address */
#define NACT_RESET_PROBES 0x02
#define NACT_SOLICIT 0x04 /* broadcast in INCOMPLETE, unicast in PROBE */
#define NACT_QUEUE 0x08	  /* hold the packet until resolution */
#define NACT_XMIT 0x10	  /* send the packet now */
#define NACT_FLUSH 0x20	  /* send the queued packets */
#define NACT_FAIL 0x40	  /* report the queued packets unreachable */

struct nud_result {
	enum nud_state state;
	unsigned int act;
};

struct nud_result nud_next(const struct nud_input *in);
const char *nud_state_name(enum nud_state s);

struct neigh_key {
	int ifindex;
	uint8_t family; /* AF_INET, AF_INET6 */
	uint8_t pad[3];
	uint8_t addr[16]; /* IPv4: 4 bytes in network order, rest zero */
};

struct neigh;

/*
 * struct neigh_ops - what one address family does for the cache
 * @solicit: send a solicitation for @n (ARP request, NS); unicast to the
 *	cached link address when @unicast, else broadcast/multicast.  @hint
 *	is a queued packet (may be NULL) whose source address the request
 *	may reuse, as Linux's arp_solicit() does.
 * @xmit: send @p (network header first) to the cached link address;
 *	consumes @p.
 * @unreachable: resolution failed for queued @p; report it (ICMP host
 *	unreachable) and drop it; consumes @p.
 */
struct neigh_ops {
	int family;
	void (*solicit)(struct neigh *n, bool unicast, const struct pkt *hint);
	void (*xmit)(struct neigh *n, struct pkt *p);
	void (*unreachable)(struct neigh *n, struct pkt *p);
};

struct neigh {
	UT_hash_handle hh;
	struct neigh_key key;
	struct engine *eng;
	const struct neigh_ops *ops;
	enum nud_state state;
	struct mac_addr lladdr;
	bool has_lladdr;
	uint8_t probes;	       /* solicitations sent in this state */
	uint64_t confirmed;    /* µs: last reachability confirmation */
	uint64_t used;	       /* µs: last packet sent through the entry */
	uint64_t updated;      /* µs: last state or link address change */
	uint64_t reachable_us; /* randomised ReachableTime, RFC 4861 6.3.2 */
	struct timer timer;
	struct pktq queue; /* packets awaiting resolution */
};

struct neigh_table {
	struct neigh *entries;	/* uthash head */
	struct hash_memo hmemo; /* the last key_hash() */
	size_t count;
	struct timer gc_timer;
	struct engine *eng;
	struct acd *acd; /* arp.c: addresses under RFC 5227 probing */
};

int neigh_init(struct engine *eng);
void neigh_fini(struct engine *eng);

struct neigh *neigh_lookup(struct engine *eng, int ifindex, int family,
			   const void *addr);
void neigh_output(struct engine *eng, struct netif *ifp,
		  const struct neigh_ops *ops, const void *addr, struct pkt *p);
void neigh_event(struct engine *eng, struct netif *ifp,
		 const struct neigh_ops *ops, const void *addr,
		 const struct mac_addr *lladdr, enum neigh_event ev,
		 bool create);
void neigh_confirm(struct engine *eng, int ifindex, int family,
		   const void *addr);
int neigh_add(struct engine *eng, struct netif *ifp,
	      const struct neigh_ops *ops, const void *addr,
	      const struct mac_addr *lladdr, bool replace);
int neigh_del(struct engine *eng, int ifindex, int family, const void *addr);
int neigh_flush(struct engine *eng, int ifindex);
void neigh_gc(struct engine *eng);
struct json_object *neigh_dump(struct engine *eng);

#endif /* NSSTACK_NEIGH_H */
