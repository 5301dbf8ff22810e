// SPDX-License-Identifier: MIT
/*
 * test_neigh.c - the NUD state machine (by table) and the neighbour cache
 * (queue bound, failure reporting, timers, garbage collection, size cap)
 */
#include <errno.h>
#include <sys/socket.h>

#include "fake_engine.h"
#include <json-c/json.h>

#include "neigh.h"
#include "testutil.h"

/* ---- nud_next(): every (state, event) pair, RFC 4861 7.3.3 + App. C ---- */

struct nud_case {
	enum nud_state s;
	enum neigh_event ev;
	bool changed, used, confirmed, exhausted;
	enum nud_state want;
	unsigned int act;
};

#define SOL_Q (NACT_RESET_PROBES | NACT_SOLICIT | NACT_QUEUE)

static const struct nud_case nud_cases[] = {
	/* NONE */
	{ NUD_NONE, NEV_SEND, 0, 0, 0, 0, NUD_INCOMPLETE, SOL_Q },
	{ NUD_NONE, NEV_CONFIRM, 1, 0, 0, 0, NUD_STALE, NACT_SET_LLADDR },
	{ NUD_NONE, NEV_UNSOLICITED, 1, 0, 0, 0, NUD_STALE, NACT_SET_LLADDR },
	{ NUD_NONE, NEV_UPPER_CONFIRM, 0, 0, 0, 0, NUD_NONE, 0 },
	{ NUD_NONE, NEV_TIMER, 0, 0, 0, 0, NUD_NONE, 0 },
	/* INCOMPLETE */
	{ NUD_INCOMPLETE, NEV_SEND, 0, 0, 0, 0, NUD_INCOMPLETE, NACT_QUEUE },
	{ NUD_INCOMPLETE, NEV_CONFIRM, 1, 0, 0, 0, NUD_REACHABLE,
	  NACT_SET_LLADDR | NACT_FLUSH },
	{ NUD_INCOMPLETE, NEV_UNSOLICITED, 1, 0, 0, 0, NUD_STALE,
	  NACT_SET_LLADDR | NACT_FLUSH },
	{ NUD_INCOMPLETE, NEV_UPPER_CONFIRM, 0, 0, 0, 0, NUD_INCOMPLETE, 0 },
	{ NUD_INCOMPLETE, NEV_TIMER, 0, 0, 0, 0, NUD_INCOMPLETE, NACT_SOLICIT },
	{ NUD_INCOMPLETE, NEV_TIMER, 0, 0, 0, 1, NUD_FAILED, NACT_FAIL },
	/* REACHABLE */
	{ NUD_REACHABLE, NEV_SEND, 0, 0, 0, 0, NUD_REACHABLE, NACT_XMIT },
	{ NUD_REACHABLE, NEV_CONFIRM, 0, 0, 0, 0, NUD_REACHABLE, 0 },
	{ NUD_REACHABLE, NEV_CONFIRM, 1, 0, 0, 0, NUD_REACHABLE,
	  NACT_SET_LLADDR },
	{ NUD_REACHABLE, NEV_UNSOLICITED, 0, 0, 0, 0, NUD_REACHABLE, 0 },
	{ NUD_REACHABLE, NEV_UNSOLICITED, 1, 0, 0, 0, NUD_STALE,
	  NACT_SET_LLADDR },
	{ NUD_REACHABLE, NEV_UPPER_CONFIRM, 0, 0, 0, 0, NUD_REACHABLE, 0 },
	{ NUD_REACHABLE, NEV_TIMER, 0, 0, 1, 0, NUD_REACHABLE, 0 },
	{ NUD_REACHABLE, NEV_TIMER, 0, 1, 0, 0, NUD_DELAY, 0 },
	{ NUD_REACHABLE, NEV_TIMER, 0, 0, 0, 0, NUD_STALE, 0 },
	/* STALE */
	{ NUD_STALE, NEV_SEND, 0, 0, 0, 0, NUD_DELAY, NACT_XMIT },
	{ NUD_STALE, NEV_CONFIRM, 0, 0, 0, 0, NUD_REACHABLE, 0 },
	{ NUD_STALE, NEV_CONFIRM, 1, 0, 0, 0, NUD_REACHABLE, NACT_SET_LLADDR },
	{ NUD_STALE, NEV_UNSOLICITED, 0, 0, 0, 0, NUD_STALE, 0 },
	{ NUD_STALE, NEV_UNSOLICITED, 1, 0, 0, 0, NUD_STALE, NACT_SET_LLADDR },
	{ NUD_STALE, NEV_UPPER_CONFIRM, 0, 0, 0, 0, NUD_REACHABLE, 0 },
	{ NUD_STALE, NEV_TIMER, 0, 0, 0, 0, NUD_STALE, 0 },
	/* DELAY */
	{ NUD_DELAY, NEV_SEND, 0, 0, 0, 0, NUD_DELAY, NACT_XMIT },
	{ NUD_DELAY, NEV_CONFIRM, 0, 0, 0, 0, NUD_REACHABLE, 0 },
	{ NUD_DELAY, NEV_UNSOLICITED, 0, 0, 0, 0, NUD_DELAY, 0 },
	{ NUD_DELAY, NEV_UNSOLICITED, 1, 0, 0, 0, NUD_STALE, NACT_SET_LLADDR },
	{ NUD_DELAY, NEV_UPPER_CONFIRM, 0, 0, 0, 0, NUD_REACHABLE, 0 },
	{ NUD_DELAY, NEV_TIMER, 0, 0, 1, 0, NUD_REACHABLE, 0 },
	{ NUD_DELAY, NEV_TIMER, 0, 0, 0, 0, NUD_PROBE,
	  NACT_RESET_PROBES | NACT_SOLICIT },
	/* PROBE */
	{ NUD_PROBE, NEV_SEND, 0, 0, 0, 0, NUD_PROBE, NACT_XMIT },
	{ NUD_PROBE, NEV_CONFIRM, 0, 0, 0, 0, NUD_REACHABLE, 0 },
	{ NUD_PROBE, NEV_CONFIRM, 1, 0, 0, 0, NUD_REACHABLE, NACT_SET_LLADDR },
	{ NUD_PROBE, NEV_UNSOLICITED, 0, 0, 0, 0, NUD_PROBE, 0 },
	{ NUD_PROBE, NEV_UNSOLICITED, 1, 0, 0, 0, NUD_STALE, NACT_SET_LLADDR },
	{ NUD_PROBE, NEV_UPPER_CONFIRM, 0, 0, 0, 0, NUD_REACHABLE, 0 },
	{ NUD_PROBE, NEV_TIMER, 0, 0, 0, 0, NUD_PROBE, NACT_SOLICIT },
	{ NUD_PROBE, NEV_TIMER, 0, 0, 0, 1, NUD_FAILED, NACT_FAIL },
	/* FAILED */
	{ NUD_FAILED, NEV_SEND, 0, 0, 0, 0, NUD_INCOMPLETE, SOL_Q },
	{ NUD_FAILED, NEV_CONFIRM, 1, 0, 0, 0, NUD_REACHABLE, NACT_SET_LLADDR },
	{ NUD_FAILED, NEV_UNSOLICITED, 1, 0, 0, 0, NUD_STALE, NACT_SET_LLADDR },
	{ NUD_FAILED, NEV_UPPER_CONFIRM, 0, 0, 0, 0, NUD_FAILED, 0 },
	{ NUD_FAILED, NEV_TIMER, 0, 0, 0, 0, NUD_FAILED, 0 },
	/* PERMANENT */
	{ NUD_PERMANENT, NEV_SEND, 0, 0, 0, 0, NUD_PERMANENT, NACT_XMIT },
	{ NUD_PERMANENT, NEV_CONFIRM, 1, 0, 0, 0, NUD_PERMANENT, 0 },
	{ NUD_PERMANENT, NEV_UNSOLICITED, 1, 0, 0, 0, NUD_PERMANENT, 0 },
	{ NUD_PERMANENT, NEV_UPPER_CONFIRM, 0, 0, 0, 0, NUD_PERMANENT, 0 },
	{ NUD_PERMANENT, NEV_TIMER, 0, 0, 0, 0, NUD_PERMANENT, 0 },
};

/* RFC 4861 7.3.3 and Appendix C: the whole transition table. */
Test(neigh, nud_next_matches_the_transition_table)
{
	for (size_t i = 0; i < sizeof(nud_cases) / sizeof(nud_cases[0]); i++) {
		const struct nud_case *c = &nud_cases[i];
		struct nud_input in = { .state = c->s,
					.ev = c->ev,
					.lladdr_changed = c->changed,
					.used_recently = c->used,
					.confirmed_recently = c->confirmed,
					.probes_exhausted = c->exhausted };
		struct nud_result r = nud_next(&in);

		cr_assert_eq(r.state, c->want,
			     "case %zu: %s ev %d -> %s not %s", i,
			     nud_state_name(c->s), c->ev,
			     nud_state_name(r.state), nud_state_name(c->want));
		cr_assert_eq(r.act, c->act, "case %zu: actions 0x%x not 0x%x",
			     i, r.act, c->act);
	}
}

/* Every state has a row for every event. */
Test(neigh, transition_table_covers_every_state_and_event)
{
	for (int s = NUD_NONE; s <= NUD_PERMANENT; s++) {
		for (int ev = NEV_SEND; ev <= NEV_TIMER; ev++) {
			bool found = false;

			for (size_t i = 0;
			     i < sizeof(nud_cases) / sizeof(nud_cases[0]); i++)
				if ((int)nud_cases[i].s == s &&
				    (int)nud_cases[i].ev == ev)
					found = true;
			cr_assert(found, "no row for %s event %d",
				  nud_state_name((enum nud_state)s), ev);
		}
	}
}

/* ---- the cache, with a recording fake family ---- */

static int n_solicit, n_ucast, n_xmit, n_unreach;

static void fk_solicit(struct neigh *n, bool unicast, const struct pkt *hint)
{
	(void)n;
	(void)hint;
	n_solicit++;
	n_ucast += unicast;
}

static void fk_xmit(struct neigh *n, struct pkt *p)
{
	(void)n;
	n_xmit++;
	pkt_free(p);
}

static void fk_unreachable(struct neigh *n, struct pkt *p)
{
	n_unreach++;
	pkt_drop(n->eng, p, &n->eng->stats.arp.NeighUnresolvedDiscards, "test");
}

static const struct neigh_ops fk_ops = {
	.family = AF_INET,
	.solicit = fk_solicit,
	.xmit = fk_xmit,
	.unreachable = fk_unreachable,
};

static struct engine eng;
static struct netif *ifp;
static const uint8_t mac0[6] = { 2, 0, 0, 0, 0, 1 };
static const struct mac_addr peer = { { 2, 0, 0, 0, 0, 2 } };
static const struct mac_addr peer2 = { { 2, 0, 0, 0, 0, 3 } };
static uint8_t ip1[4] = { 192, 0, 2, 1 };

static void setup(void)
{
	fake_engine_init(&eng);
	cr_assert_eq(neigh_init(&eng), 0);
	ifp = fake_netif(&eng, "fk0", mac0);
	n_solicit = n_ucast = n_xmit = n_unreach = 0;
}

static void teardown(void)
{
	neigh_fini(&eng);
	engine_fini(&eng);
}

static struct pkt *mkpkt(void)
{
	struct pkt *p = pkt_alloc(64);

	cr_assert_not_null(p);
	memset(pkt_put(p, 20), 0x45, 20);
	return p;
}

static enum nud_state state_of(const uint8_t *a)
{
	struct neigh *n = neigh_lookup(&eng, ifp->index, AF_INET, a);

	return n ? n->state : NUD_NONE;
}

TestSuite(neigh_cache, .init = setup, .fini = teardown);

/* RFC 4861 7.2.2: queue while INCOMPLETE, send all on the answer. */
Test(neigh_cache, queued_packets_go_out_when_the_reply_arrives)
{
	for (int i = 0; i < 3; i++)
		neigh_output(&eng, ifp, &fk_ops, ip1, mkpkt());
	cr_assert_eq(state_of(ip1), NUD_INCOMPLETE);
	cr_assert_eq(n_solicit, 1);
	cr_assert_eq(n_xmit, 0);
	neigh_event(&eng, ifp, &fk_ops, ip1, &peer, NEV_CONFIRM, false);
	cr_assert_eq(state_of(ip1), NUD_REACHABLE);
	cr_assert_eq(n_xmit, 3);
}

/* Linux neigh_unres_qlen: the oldest waiting packet gives way. */
Test(neigh_cache, queue_overflow_drops_the_oldest_and_counts)
{
	eng.sysctl.neigh_unres_qlen = 2;
	for (int i = 0; i < 5; i++)
		neigh_output(&eng, ifp, &fk_ops, ip1, mkpkt());
	cr_assert_eq(eng.stats.arp.NeighUnresolvedDiscards, 3);
	cr_assert_eq(neigh_lookup(&eng, ifp->index, AF_INET, ip1)->queue.count,
		     2);
}

/* RFC 4861 7.2.2: MAX_MULTICAST_SOLICIT at RetransTimer, then fail; like
 * Linux each waiting packet is reported unreachable and dropped. */
Test(neigh_cache, failed_resolution_reports_each_queued_packet)
{
	neigh_output(&eng, ifp, &fk_ops, ip1, mkpkt());
	neigh_output(&eng, ifp, &fk_ops, ip1, mkpkt());
	fake_advance(&eng, 2500000);
	cr_assert_eq(n_solicit, 3);
	cr_assert_eq(state_of(ip1), NUD_INCOMPLETE);
	fake_advance(&eng, 600000);
	cr_assert_eq(state_of(ip1), NUD_FAILED);
	cr_assert_eq(n_unreach, 2);
	cr_assert_eq(eng.stats.arp.NeighUnresolvedDiscards, 2);
}

/* RFC 4861 7.3.3: REACHABLE -> STALE after ReachableTime (15..45 s). */
Test(neigh_cache, reachable_goes_stale_after_reachable_time)
{
	neigh_output(&eng, ifp, &fk_ops, ip1, mkpkt());
	neigh_event(&eng, ifp, &fk_ops, ip1, &peer, NEV_CONFIRM, false);
	fake_advance(&eng, 14000000);
	cr_assert_eq(state_of(ip1), NUD_REACHABLE);
	fake_advance(&eng, 32000000);
	cr_assert_eq(state_of(ip1), NUD_STALE);
}

/* RFC 4861 7.3.3: STALE + send -> DELAY -> PROBE (unicast) -> FAILED. */
Test(neigh_cache, stale_entry_probes_by_unicast_then_fails)
{
	neigh_event(&eng, ifp, &fk_ops, ip1, &peer, NEV_UNSOLICITED, true);
	cr_assert_eq(state_of(ip1), NUD_STALE);
	neigh_output(&eng, ifp, &fk_ops, ip1, mkpkt());
	cr_assert_eq(state_of(ip1), NUD_DELAY);
	cr_assert_eq(n_xmit, 1);
	fake_advance(&eng, 5000000);
	cr_assert_eq(state_of(ip1), NUD_PROBE);
	cr_assert_eq(n_ucast, 1);
	fake_advance(&eng, 3000000);
	cr_assert_eq(n_ucast, 3);
	cr_assert_eq(state_of(ip1), NUD_FAILED);
}

/* RFC 4861 7.3.1: upper-layer advice confirms a DELAY entry. */
Test(neigh_cache, upper_layer_confirmation_avoids_probing)
{
	neigh_event(&eng, ifp, &fk_ops, ip1, &peer, NEV_UNSOLICITED, true);
	neigh_output(&eng, ifp, &fk_ops, ip1, mkpkt());
	neigh_confirm(&eng, ifp->index, AF_INET, ip1);
	cr_assert_eq(state_of(ip1), NUD_REACHABLE);
	fake_advance(&eng, 6000000);
	cr_assert_eq(n_ucast, 0);
}

/* RFC 4861 7.3.3: a new link address seen unsolicited makes it STALE. */
Test(neigh_cache, changed_link_address_goes_stale_with_new_address)
{
	neigh_output(&eng, ifp, &fk_ops, ip1, mkpkt());
	neigh_event(&eng, ifp, &fk_ops, ip1, &peer, NEV_CONFIRM, false);
	neigh_event(&eng, ifp, &fk_ops, ip1, &peer2, NEV_UNSOLICITED, false);
	cr_assert_eq(state_of(ip1), NUD_STALE);
	cr_assert(mac_eq(&neigh_lookup(&eng, ifp->index, AF_INET, ip1)->lladdr,
			 &peer2));
}

/* RFC 826: without create, an unknown sender is not learnt. */
Test(neigh_cache, unsolicited_without_create_learns_nothing)
{
	neigh_event(&eng, ifp, &fk_ops, ip1, &peer, NEV_UNSOLICITED, false);
	cr_assert_null(neigh_lookup(&eng, ifp->index, AF_INET, ip1));
}

/* Static entries: never solicited, never changed by the wire. */
Test(neigh_cache, permanent_entry_ignores_the_wire)
{
	cr_assert_eq(neigh_add(&eng, ifp, &fk_ops, ip1, &peer, false), 0);
	cr_assert_eq(neigh_add(&eng, ifp, &fk_ops, ip1, &peer, false), -EEXIST);
	neigh_event(&eng, ifp, &fk_ops, ip1, &peer2, NEV_CONFIRM, false);
	neigh_output(&eng, ifp, &fk_ops, ip1, mkpkt());
	fake_advance(&eng, 120000000);
	cr_assert_eq(state_of(ip1), NUD_PERMANENT);
	cr_assert(mac_eq(&neigh_lookup(&eng, ifp->index, AF_INET, ip1)->lladdr,
			 &peer));
	cr_assert_eq(n_solicit, 0);
	cr_assert_eq(n_xmit, 1);
	cr_assert_eq(neigh_flush(&eng, 0), 0);
	cr_assert_eq(neigh_del(&eng, ifp->index, AF_INET, ip1), 0);
	cr_assert_eq(neigh_del(&eng, ifp->index, AF_INET, ip1), -ENOENT);
}

/* Linux neigh_periodic_work(): unused STALE and FAILED entries go. */
Test(neigh_cache, gc_removes_unused_stale_entries)
{
	neigh_event(&eng, ifp, &fk_ops, ip1, &peer, NEV_UNSOLICITED, true);
	fake_advance(&eng, 30000000);
	cr_assert_eq(state_of(ip1), NUD_STALE);
	fake_advance(&eng, 60000000);
	cr_assert_null(neigh_lookup(&eng, ifp->index, AF_INET, ip1));
}

/* gc_thresh3: a full table refuses a new entry and counts it. */
Test(neigh_cache, full_table_refuses_new_entries)
{
	uint8_t a[4] = { 192, 0, 2, 0 };

	eng.sysctl.neigh_gc_thresh3 = 4;
	for (uint8_t i = 1; i <= 5; i++) {
		a[3] = i;
		neigh_output(&eng, ifp, &fk_ops, a, mkpkt());
	}
	cr_assert_eq(eng.neigh->count, 4);
	cr_assert_eq(eng.stats.arp.NeighTableOverflows, 1);
}

/* The dump names state and link address as `ip -j neigh` does. */
Test(neigh_cache, dump_lists_entries_as_ip_neigh_does)
{
	struct json_object *d;
	const char *s;

	neigh_add(&eng, ifp, &fk_ops, ip1, &peer, false);
	d = neigh_dump(&eng);
	s = json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN);
	cr_assert(strstr(s, "\"dst\":\"192.0.2.1\""), "%s", s);
	cr_assert(strstr(s, "\"lladdr\":\"02:00:00:00:00:02\""), "%s", s);
	cr_assert(strstr(s, "PERMANENT"), "%s", s);
	json_object_put(d);
}
