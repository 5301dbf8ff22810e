// SPDX-License-Identifier: MIT
/*
 * neigh.c - the neighbour cache and its NUD state machine
 *
 * Theory of operation
 *
 * Each entry is keyed by (ifindex, family, address) in a uthash table whose
 * bucket hash is SipHash under the engine secret: the addresses are chosen
 * by peers (any host on the link can make us resolve or learn addresses),
 * so the bucket they land in must not be predictable.
 *
 * An event (a packet to send, an ARP reply, a timer, TCP's forward
 * progress) goes through nud_next(), a pure function of the current state
 * and a few booleans that returns the next state and a set of actions.
 * neigh_apply() carries the actions out and arms the entry's one timer for
 * the new state: retrans_time in INCOMPLETE and PROBE, the randomised
 * reachable time in REACHABLE, delay_first_probe_time in DELAY, nothing in
 * STALE, FAILED and PERMANENT.  The transitions are RFC 4861 7.3.3 and
 * Appendix C, with Linux's choices where the RFC leaves room: a packet sent
 * through a FAILED entry restarts resolution, and REACHABLE times out to
 * DELAY rather than STALE when the entry was used recently.
 *
 * Packets for an unresolved neighbour wait on the entry, at most
 * neigh_unres_qlen of them (the oldest is dropped first, like Linux's
 * __neigh_event_send).  When resolution fails each waiting packet is handed
 * to the family's unreachable() (ICMP host unreachable) and dropped.
 *
 * Garbage collection runs every base_reachable_time / 2 and removes FAILED
 * entries and entries not used for gc_stale_time that have no timer
 * running.  The table holds at most gc_thresh3 entries; a full table is
 * collected at once, and if nothing can go the new entry is refused
 * (NeighTableOverflows), as Linux refuses with "neighbor table overflow".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "engine.h"
#include "hash.h"
#include "log.h"
#include "neigh.h"

#define US_PER_MS 1000ull
#define container_of(ptr, type, member)                                        \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

static const char *const nud_names[] = {
	[NUD_NONE] = "NONE",	       [NUD_INCOMPLETE] = "INCOMPLETE",
	[NUD_REACHABLE] = "REACHABLE", [NUD_STALE] = "STALE",
	[NUD_DELAY] = "DELAY",	       [NUD_PROBE] = "PROBE",
	[NUD_FAILED] = "FAILED",       [NUD_PERMANENT] = "PERMANENT",
};

/** nud_state_name() - the name `ip neigh` prints for @s. */
const char *nud_state_name(enum nud_state s)
{
	if ((unsigned int)s >= sizeof(nud_names) / sizeof(nud_names[0]))
		return "?";
	return nud_names[s];
}

static struct nud_result res(enum nud_state s, unsigned int act)
{
	struct nud_result r = { .state = s, .act = act };

	return r;
}

/*
 * An entry that already has a link address and hears it again unsolicited
 * keeps its state; a different address makes it STALE with the new
 * address (RFC 4861 7.3.3: "If the link-layer address is different from
 * the cached one, ... set the state to STALE").
 */
static struct nud_result unsolicited(const struct nud_input *in)
{
	if (in->lladdr_changed)
		return res(NUD_STALE, NACT_SET_LLADDR);
	return res(in->state, 0);
}

/* A solicited confirmation always means REACHABLE (RFC 4861 7.3.3). */
static struct nud_result confirmed(const struct nud_input *in)
{
	return res(NUD_REACHABLE, in->lladdr_changed ? NACT_SET_LLADDR : 0);
}

/**
 * nud_next() - the NUD transition for one event
 * @in: the entry's state and the facts about the event
 *
 * Pure: no clock, no entry, no side effects, so every (state, event) pair
 * is covered by a table in tests/unit/test_neigh.c.
 *
 * Return: the next state and the actions to carry out.
 */
struct nud_result nud_next(const struct nud_input *in)
{
	switch (in->state) {
	case NUD_NONE:
		switch (in->ev) {
		case NEV_SEND:
			/* RFC 4861 7.2.2: queue, solicit, enter INCOMPLETE. */
			return res(NUD_INCOMPLETE, NACT_RESET_PROBES |
							   NACT_SOLICIT |
							   NACT_QUEUE);
		case NEV_CONFIRM:
		case NEV_UNSOLICITED:
			/* RFC 826 "merge": a newly learnt mapping is STALE
			 * until something confirms it (RFC 4861 7.2.3). */
			return res(NUD_STALE, NACT_SET_LLADDR);
		case NEV_UPPER_CONFIRM:
		case NEV_TIMER:
			return res(NUD_NONE, 0);
		}
		break;
	case NUD_INCOMPLETE:
		switch (in->ev) {
		case NEV_SEND:
			return res(NUD_INCOMPLETE, NACT_QUEUE);
		case NEV_CONFIRM:
			/* RFC 4861 7.2.5: record, REACHABLE, send queue. */
			return res(NUD_REACHABLE, NACT_SET_LLADDR | NACT_FLUSH);
		case NEV_UNSOLICITED:
			/* RFC 4861 7.2.3 / 7.3.3: record, STALE, send queue. */
			return res(NUD_STALE, NACT_SET_LLADDR | NACT_FLUSH);
		case NEV_UPPER_CONFIRM:
			/* Nothing to confirm without a link address. */
			return res(NUD_INCOMPLETE, 0);
		case NEV_TIMER:
			/* RFC 4861 7.2.2: MAX_MULTICAST_SOLICIT then fail. */
			if (in->probes_exhausted)
				return res(NUD_FAILED, NACT_FAIL);
			return res(NUD_INCOMPLETE, NACT_SOLICIT);
		}
		break;
	case NUD_REACHABLE:
		switch (in->ev) {
		case NEV_SEND:
			return res(NUD_REACHABLE, NACT_XMIT);
		case NEV_CONFIRM:
			return confirmed(in);
		case NEV_UNSOLICITED:
			return unsolicited(in);
		case NEV_UPPER_CONFIRM:
			return res(NUD_REACHABLE, 0);
		case NEV_TIMER:
			/* Linux neigh_timer_handler(): still confirmed, or
			 * used lately (go to DELAY at once), or STALE. */
			if (in->confirmed_recently)
				return res(NUD_REACHABLE, 0);
			if (in->used_recently)
				return res(NUD_DELAY, 0);
			return res(NUD_STALE, 0);
		}
		break;
	case NUD_STALE:
		switch (in->ev) {
		case NEV_SEND:
			/* RFC 4861 7.3.3: first use of a STALE entry. */
			return res(NUD_DELAY, NACT_XMIT);
		case NEV_CONFIRM:
			return confirmed(in);
		case NEV_UNSOLICITED:
			return unsolicited(in);
		case NEV_UPPER_CONFIRM:
			/* RFC 4861 7.3.1: upper-layer advice confirms. */
			return res(NUD_REACHABLE, 0);
		case NEV_TIMER:
			return res(NUD_STALE, 0);
		}
		break;
	case NUD_DELAY:
		switch (in->ev) {
		case NEV_SEND:
			return res(NUD_DELAY, NACT_XMIT);
		case NEV_CONFIRM:
			return confirmed(in);
		case NEV_UNSOLICITED:
			return unsolicited(in);
		case NEV_UPPER_CONFIRM:
			return res(NUD_REACHABLE, 0);
		case NEV_TIMER:
			/* RFC 4861 7.3.3: no confirmation within
			 * DELAY_FIRST_PROBE_TIME: start unicast probes. */
			if (in->confirmed_recently)
				return res(NUD_REACHABLE, 0);
			return res(NUD_PROBE, NACT_RESET_PROBES | NACT_SOLICIT);
		}
		break;
	case NUD_PROBE:
		switch (in->ev) {
		case NEV_SEND:
			return res(NUD_PROBE, NACT_XMIT);
		case NEV_CONFIRM:
			return confirmed(in);
		case NEV_UNSOLICITED:
			return unsolicited(in);
		case NEV_UPPER_CONFIRM:
			return res(NUD_REACHABLE, 0);
		case NEV_TIMER:
			/* RFC 4861 7.3.3: MAX_UNICAST_SOLICIT then fail. */
			if (in->probes_exhausted)
				return res(NUD_FAILED, NACT_FAIL);
			return res(NUD_PROBE, NACT_SOLICIT);
		}
		break;
	case NUD_FAILED:
		switch (in->ev) {
		case NEV_SEND:
			/* Linux __neigh_event_send(): try again. */
			return res(NUD_INCOMPLETE, NACT_RESET_PROBES |
							   NACT_SOLICIT |
							   NACT_QUEUE);
		case NEV_CONFIRM:
			return res(NUD_REACHABLE, NACT_SET_LLADDR);
		case NEV_UNSOLICITED:
			return res(NUD_STALE, NACT_SET_LLADDR);
		case NEV_UPPER_CONFIRM:
		case NEV_TIMER:
			return res(NUD_FAILED, 0);
		}
		break;
	case NUD_PERMANENT:
		/* Configured by hand: the wire never changes it. */
		if (in->ev == NEV_SEND)
			return res(NUD_PERMANENT, NACT_XMIT);
		return res(NUD_PERMANENT, 0);
	}
	/* Unknown state or event: leave the entry alone. */
	return res(in->state, 0);
}

static size_t addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

static void key_fill(struct neigh_key *k, int ifindex, int family,
		     const void *addr)
{
	/* uthash compares whole keys byte for byte: no stray padding. */
	memset(k, 0, sizeof(*k));
	k->ifindex = ifindex;
	k->family = (uint8_t)family;
	memcpy(k->addr, addr, addr_len(family));
}

static unsigned int key_hash(const struct engine *eng,
			     const struct neigh_key *k)
{
	return (unsigned int)hash_keyed_memo(&eng->neigh->hmemo, eng->secret, k,
					     sizeof(*k));
}

static struct neigh *find(struct engine *eng, const struct neigh_key *k)
{
	struct neigh_table *tbl = eng->neigh;
	struct neigh *n = NULL;

	HASH_FIND_BYHASHVALUE(hh, tbl->entries, k, sizeof(*k), key_hash(eng, k),
			      n);
	return n;
}

/**
 * neigh_lookup() - the entry for @addr on @ifindex, or NULL
 * @addr: 4 bytes (AF_INET, network order) or 16 (AF_INET6)
 */
struct neigh *neigh_lookup(struct engine *eng, int ifindex, int family,
			   const void *addr)
{
	struct neigh_key k;

	key_fill(&k, ifindex, family, addr);
	return find(eng, &k);
}

static void neigh_timer_fire(struct timer *t);

/* Remove @n from the table; its waiting packets were never sent. */
static void destroy(struct engine *eng, struct neigh *n)
{
	struct pkt *p;

	timer_cancel(&eng->timers, &n->timer);
	while ((p = pktq_pop(&n->queue)))
		pkt_drop(eng, p, &eng->stats.arp.NeighUnresolvedDiscards,
			 "neighbour removed");
	HASH_DELETE(hh, eng->neigh->entries, n);
	eng->neigh->count--;
	free(n);
}

/* No timer running and no packet waiting: safe to forget. */
static bool collectable(const struct neigh *n)
{
	return n->state == NUD_FAILED || n->state == NUD_STALE ||
	       n->state == NUD_NONE;
}

/*
 * The table is full: drop every collectable entry, as Linux's
 * neigh_forced_gc() does for entries nobody holds.
 */
static size_t forced_gc(struct engine *eng)
{
	struct neigh *n, *tmp;
	size_t freed = 0;

	for (n = eng->neigh->entries; n; n = tmp) {
		tmp = n->hh.next;
		if (collectable(n)) {
			destroy(eng, n);
			freed++;
		}
	}
	return freed;
}

/* RFC 4861 6.3.2: ReachableTime is BaseReachableTime times 0.5..1.5. */
static uint64_t random_reachable(const struct engine *eng)
{
	uint64_t base = eng->sysctl.neigh_base_reachable_ms * US_PER_MS;

	return base / 2 +
	       (uint64_t)rand_range(0, (uint32_t)(base / 1000)) * 1000;
}

static struct neigh *create(struct engine *eng, const struct neigh_key *k,
			    const struct neigh_ops *ops)
{
	struct neigh_table *tbl = eng->neigh;
	struct neigh *n;

	if (tbl->count >= eng->sysctl.neigh_gc_thresh3 && !forced_gc(eng))
		return NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->key = *k;
	n->eng = eng;
	n->ops = ops;
	n->state = NUD_NONE;
	n->updated = n->used = eng->now;
	n->reachable_us = random_reachable(eng);
	timer_init(&n->timer, neigh_timer_fire);
	HASH_ADD_BYHASHVALUE(hh, tbl->entries, key, sizeof(n->key),
			     key_hash(eng, k), n);
	tbl->count++;
	return n;
}

static void enqueue(struct engine *eng, struct neigh *n, struct pkt *p)
{
	struct pkt *old;

	/* Linux drops the oldest waiting packet to make room. */
	while (n->queue.count &&
	       n->queue.count >= eng->sysctl.neigh_unres_qlen) {
		old = pktq_pop(&n->queue);
		pkt_drop(eng, old, &eng->stats.arp.NeighUnresolvedDiscards,
			 "neighbour queue full");
	}
	if (!eng->sysctl.neigh_unres_qlen) {
		pkt_drop(eng, p, &eng->stats.arp.NeighUnresolvedDiscards,
			 "neighbour queue disabled");
		return;
	}
	pktq_push(&n->queue, p);
}

static void arm(struct engine *eng, struct neigh *n, uint64_t delay_us)
{
	if (engine_timer_arm(eng, &n->timer, delay_us))
		log_warn("neigh: cannot arm timer: out of memory");
}

/*
 * Arm the timer the new state needs.  @restart says the state was entered
 * or renewed by this event (a new solicitation, a confirmation).
 */
static void arm_for_state(struct engine *eng, struct neigh *n, bool restart)
{
	const struct sysctl *sc = &eng->sysctl;
	uint64_t due;

	switch (n->state) {
	case NUD_INCOMPLETE:
	case NUD_PROBE:
		if (restart)
			arm(eng, n, sc->neigh_retrans_ms * US_PER_MS);
		break;
	case NUD_REACHABLE:
		due = n->confirmed + n->reachable_us;
		arm(eng, n, due > eng->now ? due - eng->now : n->reachable_us);
		break;
	case NUD_DELAY:
		if (restart)
			arm(eng, n, sc->neigh_delay_first_probe_ms * US_PER_MS);
		break;
	case NUD_NONE:
	case NUD_STALE:
	case NUD_FAILED:
	case NUD_PERMANENT:
		timer_cancel(&eng->timers, &n->timer);
		break;
	}
}

static unsigned int max_probes(const struct engine *eng, enum nud_state s)
{
	/* RFC 4861 7.2.2 and 7.3.3: multicast while INCOMPLETE, unicast
	 * while PROBE. */
	return s == NUD_PROBE ? eng->sysctl.neigh_ucast_solicit
			      : eng->sysctl.neigh_mcast_solicit;
}

/*
 * neigh_apply() - feed @ev to @n and carry out what nud_next() decides
 * @lladdr: the link address the event carries, or NULL
 * @p: the packet of a NEV_SEND (consumed: queued, sent or dropped), else
 *	NULL
 */
static void neigh_apply(struct engine *eng, struct neigh *n,
			enum neigh_event ev, const struct mac_addr *lladdr,
			struct pkt *p)
{
	const struct sysctl *sc = &eng->sysctl;
	uint64_t delay = sc->neigh_delay_first_probe_ms * US_PER_MS;
	enum nud_state old = n->state;
	struct nud_input in = {
		.state = n->state,
		.ev = ev,
		.lladdr_changed = lladdr && (!n->has_lladdr ||
					     !mac_eq(lladdr, &n->lladdr)),
		.used_recently = eng->now - n->used <= delay,
		.probes_exhausted = n->probes >= max_probes(eng, n->state),
	};
	struct nud_result r;
	struct pkt *q;

	if (n->state == NUD_DELAY)
		in.confirmed_recently = eng->now - n->confirmed <= delay;
	else
		in.confirmed_recently = eng->now - n->confirmed <
					n->reachable_us;
	r = nud_next(&in);
	if ((r.act & NACT_SET_LLADDR) && lladdr) {
		n->lladdr = *lladdr;
		n->has_lladdr = true;
		n->updated = eng->now;
	}
	if (r.act & NACT_RESET_PROBES)
		n->probes = 0;
	if (r.state != old) {
		log_trace("neigh: %s -> %s", nud_state_name(old),
			  nud_state_name(r.state));
		n->state = r.state;
		n->updated = eng->now;
	}
	if (r.state == NUD_REACHABLE &&
	    (r.state != old || ev == NEV_CONFIRM || ev == NEV_UPPER_CONFIRM))
		n->confirmed = eng->now;
	if (r.act & NACT_SOLICIT) {
		n->probes++;
		n->ops->solicit(n, r.state == NUD_PROBE, p ? p : n->queue.head);
	}
	if (p && (r.act & NACT_QUEUE)) {
		enqueue(eng, n, p);
		p = NULL;
	}
	if (p && (r.act & NACT_XMIT)) {
		n->used = eng->now;
		n->ops->xmit(n, p);
		p = NULL;
	}
	if (r.act & NACT_FLUSH) {
		while ((q = pktq_pop(&n->queue))) {
			n->used = eng->now;
			n->ops->xmit(n, q);
		}
	}
	if (r.act & NACT_FAIL) {
		while ((q = pktq_pop(&n->queue)))
			n->ops->unreachable(n, q);
	}
	if (p) /* nud_next() never leaves a packet unhandled */
		pkt_drop(eng, p, &eng->stats.arp.NeighUnresolvedDiscards,
			 "no neighbour action");
	arm_for_state(eng, n,
		      r.state != old || (r.act & NACT_SOLICIT) ||
			      r.state == NUD_REACHABLE);
}

static void neigh_timer_fire(struct timer *t)
{
	struct neigh *n = container_of(t, struct neigh, timer);

	neigh_apply(n->eng, n, NEV_TIMER, NULL, NULL);
}

/**
 * neigh_output() - send @p to the neighbour @addr on @ifp, resolving first
 * if needed
 * @ops: the family's wire operations (arp.c's for IPv4)
 *
 * Always consumes @p: sent, queued on the entry, or dropped (counted under
 * NeighTableOverflows when no entry can be made).
 */
void neigh_output(struct engine *eng, struct netif *ifp,
		  const struct neigh_ops *ops, const void *addr, struct pkt *p)
{
	struct neigh_key k;
	struct neigh *n;

	key_fill(&k, ifp->index, ops->family, addr);
	n = find(eng, &k);
	if (!n)
		n = create(eng, &k, ops);
	if (!n) {
		pkt_drop(eng, p, &eng->stats.arp.NeighTableOverflows,
			 "neighbour table full");
		return;
	}
	neigh_apply(eng, n, NEV_SEND, NULL, p);
}

/**
 * neigh_event() - the wire told us something about @addr on @ifp
 * @lladdr: the link address it carries
 * @ev: NEV_CONFIRM or NEV_UNSOLICITED
 * @create: make an entry if there is none (RFC 826: only when we are the
 *	target of the request)
 */
void neigh_event(struct engine *eng, struct netif *ifp,
		 const struct neigh_ops *ops, const void *addr,
		 const struct mac_addr *lladdr, enum neigh_event ev,
		 bool create_entry)
{
	struct neigh_key k;
	struct neigh *n;

	key_fill(&k, ifp->index, ops->family, addr);
	n = find(eng, &k);
	if (!n && create_entry) {
		n = create(eng, &k, ops);
		if (!n)
			eng->stats.arp.NeighTableOverflows++;
	}
	if (n)
		neigh_apply(eng, n, ev, lladdr, NULL);
}

/**
 * neigh_confirm() - an upper layer saw forward progress with @addr
 *
 * TCP calls this for an ACK of new data (RFC 4861 7.3.1), which spares
 * the neighbour a probe.
 */
void neigh_confirm(struct engine *eng, int ifindex, int family,
		   const void *addr)
{
	struct neigh *n = neigh_lookup(eng, ifindex, family, addr);

	if (n)
		neigh_apply(eng, n, NEV_UPPER_CONFIRM, NULL, NULL);
}

/**
 * neigh_add() - a PERMANENT entry (`neigh add ... permanent`)
 * @replace: overwrite an existing entry instead of failing
 *
 * Packets waiting for the address are sent at once.
 *
 * Return: 0, -EEXIST (an entry exists and !@replace), -EINVAL (multicast
 * link address) or -ENOBUFS (table full).
 */
int neigh_add(struct engine *eng, struct netif *ifp,
	      const struct neigh_ops *ops, const void *addr,
	      const struct mac_addr *lladdr, bool replace)
{
	struct neigh_key k;
	struct neigh *n;
	struct pkt *q;

	if (mac_is_multicast(lladdr))
		return -EINVAL;
	key_fill(&k, ifp->index, ops->family, addr);
	n = find(eng, &k);
	if (n && !replace)
		return -EEXIST;
	if (!n)
		n = create(eng, &k, ops);
	if (!n)
		return -ENOBUFS;
	n->lladdr = *lladdr;
	n->has_lladdr = true;
	n->state = NUD_PERMANENT;
	n->updated = eng->now;
	timer_cancel(&eng->timers, &n->timer);
	while ((q = pktq_pop(&n->queue)))
		n->ops->xmit(n, q);
	return 0;
}

/** neigh_del() - remove one entry; -ENOENT if there is none. */
int neigh_del(struct engine *eng, int ifindex, int family, const void *addr)
{
	struct neigh *n = neigh_lookup(eng, ifindex, family, addr);

	if (!n)
		return -ENOENT;
	destroy(eng, n);
	return 0;
}

/**
 * neigh_flush() - remove the dynamic entries of @ifindex (0: every
 * interface), as `ip neigh flush` does; PERMANENT entries stay
 *
 * Also call it before an interface goes away.
 *
 * Return: the number of entries removed.
 */
int neigh_flush(struct engine *eng, int ifindex)
{
	struct neigh *n, *tmp;
	int removed = 0;

	for (n = eng->neigh->entries; n; n = tmp) {
		tmp = n->hh.next;
		if (ifindex && n->key.ifindex != ifindex)
			continue;
		if (n->state == NUD_PERMANENT)
			continue;
		destroy(eng, n);
		removed++;
	}
	return removed;
}

/**
 * neigh_gc() - forget FAILED entries and entries unused for gc_stale_time
 *
 * Linux neigh_periodic_work(): only entries without a running timer go;
 * PERMANENT entries never do.
 */
void neigh_gc(struct engine *eng)
{
	uint64_t stale = eng->sysctl.neigh_gc_stale_ms * US_PER_MS;
	struct neigh *n, *tmp;

	for (n = eng->neigh->entries; n; n = tmp) {
		tmp = n->hh.next;
		if (!collectable(n))
			continue;
		if (n->state == NUD_FAILED || eng->now - n->used > stale)
			destroy(eng, n);
	}
}

static void gc_fire(struct timer *t)
{
	struct neigh_table *tbl = container_of(t, struct neigh_table, gc_timer);

	neigh_gc(tbl->eng);
	/* Linux runs neigh_periodic_work() every base_reachable_time / 2. */
	if (engine_timer_arm(tbl->eng, &tbl->gc_timer,
			     tbl->eng->sysctl.neigh_base_reachable_ms *
				     US_PER_MS / 2))
		log_warn("neigh: cannot arm gc timer: out of memory");
}

/**
 * neigh_init() - an empty neighbour table for @eng, with its collector
 *
 * Return: 0 or -ENOMEM.
 */
int neigh_init(struct engine *eng)
{
	struct neigh_table *tbl = calloc(1, sizeof(*tbl));

	if (!tbl)
		return -ENOMEM;
	tbl->eng = eng;
	timer_init(&tbl->gc_timer, gc_fire);
	eng->neigh = tbl;
	return engine_timer_arm(eng, &tbl->gc_timer,
				eng->sysctl.neigh_base_reachable_ms *
					US_PER_MS / 2);
}

/**
 * neigh_fini() - free every entry (waiting packets are dropped) and the
 * table; the ARP module frees its ACD state first (arp_fini()).
 */
void neigh_fini(struct engine *eng)
{
	struct neigh *n, *tmp;

	if (!eng->neigh)
		return;
	for (n = eng->neigh->entries; n; n = tmp) {
		tmp = n->hh.next;
		destroy(eng, n);
	}
	timer_cancel(&eng->timers, &eng->neigh->gc_timer);
	free(eng->neigh);
	eng->neigh = NULL;
}

static void addr_str(const struct neigh *n, char *buf, size_t len)
{
	const uint8_t *a = n->key.addr;

	if (n->key.family == AF_INET) {
		snprintf(buf, len, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
		return;
	}
	/* RFC 5952 text, as `ip -6 neigh` prints it. */
	if (!inet_ntop(AF_INET6, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

/**
 * neigh_dump() - the table as `ip -j neigh` prints it: an array of
 * {"dst", "dev", "lladdr", "state": [...], "probes", "used_ms"}
 *
 * Return: a new JSON array (the caller puts it), or NULL without memory.
 */
struct json_object *neigh_dump(struct engine *eng)
{
	struct json_object *arr = json_object_new_array();
	struct neigh *n, *tmp;
	char buf[64];

	if (!arr)
		return NULL;
	for (n = eng->neigh->entries; n; n = tmp) {
		tmp = n->hh.next;
		struct json_object *o = json_object_new_object();
		struct json_object *st = json_object_new_array();
		struct netif *ifp = netif_by_index(eng, n->key.ifindex);

		addr_str(n, buf, sizeof(buf));
		json_object_object_add(o, "dst", json_object_new_string(buf));
		json_object_object_add(
			o, "dev",
			json_object_new_string(ifp ? ifp->name : "?"));
		if (n->has_lladdr) {
			const uint8_t *m = n->lladdr.b;

			snprintf(buf, sizeof(buf),
				 "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
				 m[2], m[3], m[4], m[5]);
			json_object_object_add(o, "lladdr",
					       json_object_new_string(buf));
		}
		json_object_array_add(
			st, json_object_new_string(nud_state_name(n->state)));
		json_object_object_add(o, "state", st);
		json_object_object_add(o, "probes",
				       json_object_new_int(n->probes));
		json_object_object_add(
			o, "used_ms",
			json_object_new_int64(
				(int64_t)((eng->now - n->used) / US_PER_MS)));
		json_object_object_add(
			o, "queued",
			json_object_new_int64((int64_t)n->queue.count));
		json_object_array_add(arr, o);
	}
	return arr;
}
