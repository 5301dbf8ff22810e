// SPDX-License-Identifier: MIT
/*
 * igmp.c - IGMPv3 as a host (RFC 3376), with the IGMPv1 (RFC 1112) and
 * IGMPv2 (RFC 2236) compatibility of RFC 3376 7
 *
 * Theory of operation
 *
 * Sockets join IPv4 groups whole (IP_ADD_MEMBERSHIP: EXCLUDE mode, no
 * sources), so a group is joined or not.  The first join of a group on an
 * interface sends a State Change Report (CHANGE_TO_EXCLUDE {}) and repeats
 * it once within the Unsolicited Report Interval (RFC 3376 5.1:
 * Robustness Variable 2, 1 s); the last leave sends CHANGE_TO_INCLUDE {}.
 * A query schedules a Current State Report (MODE_IS_EXCLUDE {}) for each
 * group it covers at a random delay within its Max Resp Time (5.2).  After
 * a v1 or v2 query, the interface answers in that version until the Older
 * Version Querier Present timeout (7.2.1: 2 * 125 s + 10 s) runs out:
 * v1/v2 Membership Reports to the group, v2 Leave to 224.0.0.2, nothing
 * on leave in v1.  224.0.0.1 is never reported (RFC 3376 5).
 *
 * Every message leaves with TTL 1 and the Router Alert option (RFC 2113;
 * RFC 3376 4), from the interface's address or 0.0.0.0 (4.2.13).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arp.h"
#include "engine.h"
#include "hash.h"
#include "igmp.h"
#include "route.h"
#include "wire/igmp.h"

#define container_of(ptr, type, member)                                        \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

#define IGMP_ALL_HOSTS 0xe0000001u	/* 224.0.0.1 */
#define IGMP_ALL_ROUTERS 0xe0000002u	/* 224.0.0.2 */
#define IGMP_V3_ROUTERS 0xe0000016u	/* 224.0.0.22 */
#define IGMP_UNSOL_INTERVAL 1000000ull	/* RFC 3376 8.11 */
#define IGMP_OLDER_PRESENT 260000000ull /* RFC 3376 8.12 */
#define IGMP_V1_MAX_RESP 10000000ull	/* RFC 1112: 10 s */

/** igmp_init() - the (empty) IGMP state of @eng.  Return: 0 or -ENOMEM. */
int igmp_init(struct engine *eng)
{
	eng->igmp = calloc(1, sizeof(*eng->igmp));
	return eng->igmp ? 0 : -ENOMEM;
}

/** igmp_fini() - cancel the report timers and free the state. */
void igmp_fini(struct engine *eng)
{
	if (!eng->igmp)
		return;
	for (size_t i = 0; i < IGMP_MAX_GROUPS; i++)
		if (eng->igmp->groups[i].used)
			timer_cancel(&eng->timers, &eng->igmp->groups[i].timer);
	free(eng->igmp);
	eng->igmp = NULL;
}

/* The per-interface version timers of @ifindex, made on first use. */
static struct igmp_if *if_state(struct engine *eng, int ifindex)
{
	struct igmp_if *free_slot = NULL;

	for (size_t i = 0; i < IGMP_MAX_IFS; i++) {
		struct igmp_if *s = &eng->igmp->ifs[i];

		if (s->ifindex == ifindex)
			return s;
		if (!s->ifindex && !free_slot)
			free_slot = s;
	}
	if (free_slot)
		free_slot->ifindex = ifindex;
	return free_slot;
}

/* The version this interface answers in (RFC 3376 7.2.1). */
static int version(struct engine *eng, int ifindex)
{
	struct igmp_if *s = if_state(eng, ifindex);

	if (s && s->v1_until > eng->now)
		return 1;
	if (s && s->v2_until > eng->now)
		return 2;
	return 3;
}

/* Send @iv to @dst on @ifp with TTL 1 and a Router Alert (RFC 2113). */
static void send_igmp(struct netif *ifp, uint32_t dst, struct igmp_view *iv)
{
	static const uint8_t ra[4] = { 0x94, 0x04, 0x00, 0x00 };
	struct engine *eng = ifp->eng;
	struct ipv4_view v = { .ttl = 1,
			       .df = true,
			       .proto = IPV4_PROTO_IGMP,
			       .dst = dst,
			       .opts = ra,
			       .opts_len = sizeof(ra) };
	size_t mlen = (size_t)igmp_hdr_len(iv); /* records included */
	struct pkt *p = pkt_alloc(IPV4_HLEN + 4 + mlen);
	uint8_t *h;

	if (!p)
		return;
	/* RFC 3376 4.2.13: 0.0.0.0 while the interface has no address. */
	v.src = route4_pref_src(ifp, dst);
	if (igmp_emit(pkt_put(p, mlen), mlen, iv) < 0) {
		pkt_drop(eng, p, &eng->stats.ip.IpOutDiscards,
			 "cannot build IGMP");
		return;
	}
	h = pkt_push(p, IPV4_HLEN + sizeof(ra));
	if (h) {
		v.payload = h + IPV4_HLEN + sizeof(ra);
		v.payload_len = mlen;
	}
	if (!h || ipv4_emit(h, p->len, &v) < 0) {
		pkt_drop(eng, p, &eng->stats.ip.IpOutDiscards,
			 "cannot build IGMP");
		return;
	}
	eng->stats.ip.IpOutRequests++;
	if (ifp->kind == NETIF_TUN)
		netif_xmit(ifp, p);
	else
		neigh_output4(ifp, p, dst); /* RFC 1112 6.4 mapping */
}

/* One report about @group in the interface's current version. */
static void report(struct netif *ifp, uint32_t group, uint8_t rec_type)
{
	struct igmp3_record rec = { .type = rec_type, .group = group };
	struct igmp_view iv = { 0 };
	uint8_t recbuf[IGMP3_REC_HLEN];
	int ver = version(ifp->eng, ifp->index);
	bool leave = rec_type == IGMP3_CHANGE_TO_INCLUDE;

	if (ver == 3) {
		if (igmp3_record_emit(recbuf, sizeof(recbuf), &rec) < 0)
			return;
		iv.type = IGMP_V3_REPORT;
		iv.version = 3;
		iv.n_records = 1;
		iv.records = recbuf;
		iv.records_len = sizeof(recbuf);
		send_igmp(ifp, IGMP_V3_ROUTERS, &iv);
		return;
	}
	if (leave && ver == 1)
		return; /* RFC 3376 7.3.2: IGMPv1 has no leave */
	iv.type = leave	     ? IGMP_V2_LEAVE
		  : ver == 1 ? IGMP_V1_REPORT
			     : IGMP_V2_REPORT;
	iv.version = (uint8_t)ver;
	iv.group = group;
	send_igmp(ifp, leave ? IGMP_ALL_ROUTERS : group, &iv);
}

/* A delayed or repeated report of one group is due. */
static void group_timer_fire(struct timer *t)
{
	struct igmp_group *g = container_of(t, struct igmp_group, timer);
	struct netif *ifp = netif_by_index(g->eng, g->ifindex);

	if (!ifp)
		return;
	if (g->reports_left) {
		g->reports_left--;
		report(ifp, g->group, IGMP3_CHANGE_TO_EXCLUDE);
		return;
	}
	report(ifp, g->group, IGMP3_MODE_IS_EXCLUDE);
}

/* The reported group @group on @ifindex, or NULL. */
static struct igmp_group *find(struct engine *eng, int ifindex, uint32_t group)
{
	for (size_t i = 0; i < IGMP_MAX_GROUPS; i++) {
		struct igmp_group *g = &eng->igmp->groups[i];

		if (g->used && g->ifindex == ifindex && g->group == group)
			return g;
	}
	return NULL;
}

/**
 * igmp_joined() - @group was joined on @ifp for the first time: report it
 * now and once more within a second (RFC 3376 5.1)
 */
void igmp_joined(struct engine *eng, struct netif *ifp, uint32_t group)
{
	struct igmp_group *g = NULL;

	if (!eng->igmp || group == IGMP_ALL_HOSTS ||
	    find(eng, ifp->index, group))
		return;
	for (size_t i = 0; i < IGMP_MAX_GROUPS && !g; i++)
		if (!eng->igmp->groups[i].used)
			g = &eng->igmp->groups[i];
	if (!g)
		return;
	memset(g, 0, sizeof(*g));
	g->used = true;
	g->ifindex = ifp->index;
	g->group = group;
	g->eng = eng;
	timer_init(&g->timer, group_timer_fire);
	report(ifp, group, IGMP3_CHANGE_TO_EXCLUDE);
	g->reports_left = 1;
	engine_timer_arm(eng, &g->timer, rand_range(1, IGMP_UNSOL_INTERVAL));
}

/** igmp_left() - the last join of @group on @ifp is gone: say so. */
void igmp_left(struct engine *eng, struct netif *ifp, uint32_t group)
{
	struct igmp_group *g;

	if (!eng->igmp)
		return;
	g = find(eng, ifp->index, group);
	if (!g)
		return;
	timer_cancel(&eng->timers, &g->timer);
	g->used = false;
	report(ifp, group, IGMP3_CHANGE_TO_INCLUDE);
}

/* RFC 3376 5.2 / RFC 2236 3: schedule reports for what the query covers. */
static void query(struct netif *ifp, const struct igmp_view *iv)
{
	struct engine *eng = ifp->eng;
	struct igmp_if *s = if_state(eng, ifp->index);
	uint64_t max;

	if (iv->version == 1) {
		max = IGMP_V1_MAX_RESP;
		if (s)
			s->v1_until = eng->now + IGMP_OLDER_PRESENT;
	} else if (iv->version == 2) {
		max = (uint64_t)iv->max_resp * 100000;
		if (s)
			s->v2_until = eng->now + IGMP_OLDER_PRESENT;
	} else {
		max = (uint64_t)igmp3_code_value(iv->max_resp) * 100000;
	}
	if (!max)
		max = 100000;
	for (size_t i = 0; i < IGMP_MAX_GROUPS; i++) {
		struct igmp_group *g = &eng->igmp->groups[i];
		uint64_t d = rand_range(0, (uint32_t)max);

		if (!g->used || g->ifindex != ifp->index ||
		    (iv->group && iv->group != g->group))
			continue;
		/* 5.2: an earlier pending report stands. */
		if (timer_armed(&g->timer) && g->timer.expires <= eng->now + d)
			continue;
		g->reports_left = 0;
		engine_timer_arm(eng, &g->timer, d);
	}
}

/**
 * igmp_input() - one IGMP message for us, p->data at it; consumes @p
 */
void igmp_input(struct netif *ifp, struct pkt *p, const struct ipv4_view *ip)
{
	struct engine *eng = ifp->eng;
	struct igmp_view iv;

	(void)ip;
	if (!eng->igmp || igmp_parse(p->data, p->len, &iv) ||
	    !igmp_csum_ok(p->data, p->len)) {
		pkt_drop(eng, p, &eng->stats.ip.IpInDiscards, "malformed IGMP");
		return;
	}
	if (iv.type == IGMP_MEMBERSHIP_QUERY)
		query(ifp, &iv);
	/* Other hosts' reports: a v3 host does no suppression (RFC 3376
	 * 5.2 footnote); nothing else to do. */
	pkt_free(p);
}
