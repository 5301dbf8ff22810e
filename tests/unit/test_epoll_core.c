// SPDX-License-Identifier: MIT
/*
 * test_epoll_core.c - the shim's epoll report rules (preload/epoll_core.c):
 * level, edge and one-shot triggering from readiness and ring indices
 */
#include <errno.h>
#include <sys/epoll.h>

#include "epoll_core.h"
#include "testutil.h"

static struct ep_trig trig(uint32_t events)
{
	struct ep_trig t = { 0 };

	ep_trig_set(&t, events);
	return t;
}

Test(epoll_core, level_triggered_reports_while_ready)
{
	struct ep_trig t = trig(EPOLLIN);
	int i;

	cr_assert_eq(ep_trig_report(&t, 0, 0, 0), 0);
	for (i = 0; i < 3; i++)
		cr_assert_eq(ep_trig_report(&t, EPOLLIN, 1, 0), EPOLLIN);
	cr_assert_eq(ep_trig_report(&t, 0, 1, 0), 0);
}

Test(epoll_core, only_the_interest_and_err_hup_are_reported)
{
	struct ep_trig t = trig(EPOLLIN);

	cr_assert_eq(ep_trig_report(&t, EPOLLOUT, 0, 0), 0);
	cr_assert_eq(ep_trig_report(&t, EPOLLIN | EPOLLOUT, 0, 0), EPOLLIN);
	cr_assert_eq(ep_trig_report(&t, EPOLLOUT | EPOLLERR, 0, 0), EPOLLERR);
	cr_assert_eq(ep_trig_report(&t, EPOLLHUP, 0, 0), EPOLLHUP);
}

Test(epoll_core, edge_triggered_reports_once_per_arrival)
{
	struct ep_trig t = trig(EPOLLIN | EPOLLET);

	cr_assert_eq(ep_trig_report(&t, EPOLLIN, 1, 0), EPOLLIN);
	cr_assert_eq(ep_trig_report(&t, EPOLLIN, 1, 0), 0);
	cr_assert_eq(ep_trig_report(&t, EPOLLIN, 1, 0), 0);
	/* A second datagram while the first is unread: a new edge. */
	cr_assert_eq(ep_trig_report(&t, EPOLLIN, 2, 0), EPOLLIN);
	cr_assert_eq(ep_trig_report(&t, EPOLLIN, 2, 0), 0);
}

Test(epoll_core, edge_triggered_reports_again_after_drain_and_refill)
{
	struct ep_trig t = trig(EPOLLIN | EPOLLET);

	cr_assert_eq(ep_trig_report(&t, EPOLLIN, 5, 0), EPOLLIN);
	cr_assert_eq(ep_trig_report(&t, 0, 5, 0), 0); /* drained */
	/* Ready again: even a wrapped index equal to the old mark counts. */
	cr_assert_eq(ep_trig_report(&t, EPOLLIN, 5, 0), EPOLLIN);
}

Test(epoll_core, edge_triggered_never_misses_an_arrival_between_looks)
{
	struct ep_trig t = trig(EPOLLIN | EPOLLET);

	/* Drained and refilled between two looks: ready both times, but
	 * the producer index moved, so it is reported. */
	cr_assert_eq(ep_trig_report(&t, EPOLLIN, 1, 0), EPOLLIN);
	cr_assert_eq(ep_trig_report(&t, EPOLLIN, 2, 0), EPOLLIN);
}

Test(epoll_core, edge_triggered_out_reports_new_bits_and_freed_space)
{
	struct ep_trig t = trig(EPOLLIN | EPOLLOUT | EPOLLET);

	cr_assert_eq(ep_trig_report(&t, EPOLLOUT, 0, 0), EPOLLOUT);
	cr_assert_eq(ep_trig_report(&t, EPOLLOUT, 0, 0), 0);
	/* Data arrives: both bits, as the kernel reports the whole mask. */
	cr_assert_eq(ep_trig_report(&t, EPOLLIN | EPOLLOUT, 1, 0),
		     EPOLLIN | EPOLLOUT);
	cr_assert_eq(ep_trig_report(&t, EPOLLIN | EPOLLOUT, 1, 0), 0);
	/* The engine took a datagram from the tx ring. */
	cr_assert_eq(ep_trig_report(&t, EPOLLIN | EPOLLOUT, 1, 100),
		     EPOLLIN | EPOLLOUT);
}

Test(epoll_core, oneshot_disables_until_mod)
{
	struct ep_trig t = trig(EPOLLIN | EPOLLONESHOT);
	bool nap = false;

	cr_assert_eq(ep_trig_report(&t, EPOLLIN, 1, 0), EPOLLIN);
	cr_assert(t.off);
	cr_assert_eq(ep_trig_report(&t, EPOLLIN, 2, 0), 0);
	cr_assert_eq(ep_trig_arm(&t, &nap), 0);
	ep_trig_set(&t, EPOLLIN | EPOLLONESHOT);
	cr_assert_eq(ep_trig_report(&t, EPOLLIN, 2, 0), EPOLLIN);
}

Test(epoll_core, mod_makes_an_edge_entry_report_anew)
{
	struct ep_trig t = trig(EPOLLIN | EPOLLET);

	cr_assert_eq(ep_trig_report(&t, EPOLLIN, 1, 0), EPOLLIN);
	cr_assert_eq(ep_trig_report(&t, EPOLLIN, 1, 0), 0);
	ep_trig_set(&t, EPOLLIN | EPOLLET);
	cr_assert_eq(ep_trig_report(&t, EPOLLIN, 1, 0), EPOLLIN);
}

Test(epoll_core, arm_skips_seen_bits_and_naps_on_unread_edge_data)
{
	struct ep_trig lt = trig(EPOLLIN | EPOLLOUT);
	struct ep_trig et = trig(EPOLLIN | EPOLLOUT | EPOLLET);
	bool nap = false;

	cr_assert_eq(ep_trig_arm(&lt, &nap), EPOLLIN | EPOLLOUT);
	cr_assert_not(nap);
	(void)ep_trig_report(&et, EPOLLOUT, 0, 0);
	cr_assert_eq(ep_trig_arm(&et, &nap), EPOLLIN);
	cr_assert_not(nap);
	(void)ep_trig_report(&et, EPOLLIN | EPOLLOUT, 1, 0);
	cr_assert_eq(ep_trig_arm(&et, &nap), 0);
	cr_assert(nap);
}

Test(epoll_core, edge_error_is_not_armed_again)
{
	struct ep_trig t = trig(EPOLLIN | EPOLLET);
	bool nap = false;

	cr_assert_eq(ep_trig_report(&t, EPOLLERR, 0, 0), EPOLLERR);
	cr_assert_eq(ep_trig_report(&t, EPOLLERR, 0, 0), 0);
	cr_assert_eq(ep_trig_arm(&t, &nap), 0);
}

Test(epoll_core, exclusive_rules_match_do_epoll_ctl)
{
	cr_assert_eq(ep_excl_check(EPOLL_CTL_ADD, EPOLLIN), 0);
	cr_assert_eq(ep_excl_check(EPOLL_CTL_ADD, EPOLLIN | EPOLLEXCLUSIVE), 0);
	cr_assert_eq(ep_excl_check(EPOLL_CTL_ADD,
				   EPOLLIN | EPOLLET | EPOLLEXCLUSIVE),
		     0);
	cr_assert_eq(ep_excl_check(EPOLL_CTL_ADD,
				   EPOLLIN | EPOLLONESHOT | EPOLLEXCLUSIVE),
		     -EINVAL);
	cr_assert_eq(ep_excl_check(EPOLL_CTL_ADD,
				   EPOLLIN | EPOLLRDHUP | EPOLLEXCLUSIVE),
		     -EINVAL);
	cr_assert_eq(ep_excl_check(EPOLL_CTL_MOD, EPOLLIN | EPOLLEXCLUSIVE),
		     -EINVAL);
	cr_assert_eq(ep_excl_check(EPOLL_CTL_DEL, EPOLLEXCLUSIVE), 0);
}

/* The set's doorbell cookies (epoll.c): never the program's data. */

Test(epoll_core, cookie_is_not_a_pointer_or_an_fd)
{
	uint64_t c = ep_cookie(4194304); /* pid_max's largest */
	int x;

	cr_assert_eq(c & EP_COOKIE_MASK, EP_COOKIE);
	cr_assert_eq(c & 1, 0);
	cr_assert_neq(ep_cookie(1), ep_cookie(2));
	/* A user-space pointer and an fd in data.fd (high half zero). */
	cr_assert_neq((uint64_t)(uintptr_t)&x & EP_COOKIE_MASK, EP_COOKIE);
	cr_assert_neq(UINT64_C(7) & EP_COOKIE_MASK, EP_COOKIE);
}

Test(epoll_core, sift_takes_out_own_cookies_and_keeps_order)
{
	uint64_t mine = ep_cookie(100);
	struct epoll_event ev[5] = {
		{ .events = EPOLLIN, .data.u64 = 1 },
		{ .events = EPOLLIN, .data.u64 = mine },
		{ .events = EPOLLOUT, .data.u64 = 2 },
		{ .events = EPOLLIN, .data.u64 = mine | 1 },
		{ .events = EPOLLIN, .data.u64 = 3 },
	};
	unsigned int seen = 0;

	cr_assert_eq(ep_sift(ev, 5, mine, &seen), 3);
	cr_assert_eq(seen, EP_SIFT_OWN | EP_SIFT_SELF);
	cr_assert_eq(ev[0].data.u64, 1);
	cr_assert_eq(ev[1].data.u64, 2);
	cr_assert_eq(ev[1].events, EPOLLOUT);
	cr_assert_eq(ev[2].data.u64, 3);
}

Test(epoll_core, sift_sees_the_engine_hang_up)
{
	uint64_t mine = ep_cookie(100);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLHUP,
				  .data.u64 = mine };
	unsigned int seen = 0;

	cr_assert_eq(ep_sift(&ev, 1, mine, &seen), 0);
	cr_assert_eq(seen, EP_SIFT_OWN | EP_SIFT_HUP);
}

Test(epoll_core, sift_drops_other_processes_cookies_as_foreign)
{
	/* A fork child's copy of the set has no cookie: the parent's
	 * doorbell and self-bell, still in the shared instance, are
	 * foreign; so is another process's in a set of ours. */
	struct epoll_event ev[3] = {
		{ .events = EPOLLIN, .data.u64 = ep_cookie(100) },
		{ .events = EPOLLIN, .data.u64 = ep_cookie(100) | 1 },
		{ .events = EPOLLIN, .data.u64 = 42 },
	};
	struct epoll_event one = { .events = EPOLLIN,
				   .data.u64 = ep_cookie(100) };
	unsigned int seen = 0;

	cr_assert_eq(ep_sift(ev, 3, 0, &seen), 1);
	cr_assert_eq(seen, EP_SIFT_FOREIGN);
	cr_assert_eq(ev[0].data.u64, 42);
	seen = 0;
	cr_assert_eq(ep_sift(&one, 1, ep_cookie(200), &seen), 0);
	cr_assert_eq(seen, EP_SIFT_FOREIGN);
}

/*
 * The self-bell is written when a report on a copy of an entry's state
 * (epoll.c's peek_entry()) finds something, and a round then reports it:
 * the two must agree, or an epoll fd would read ready with nothing to
 * report (a busy loop for whoever watches it) or the reverse.
 */
Test(epoll_core, a_report_on_a_copy_agrees_with_the_report)
{
	static const uint32_t modes[] = {
		EPOLLIN,
		EPOLLIN | EPOLLOUT,
		EPOLLIN | EPOLLET,
		EPOLLIN | EPOLLOUT | EPOLLET,
		EPOLLIN | EPOLLONESHOT,
		EPOLLOUT | EPOLLET | EPOLLONESHOT,
	};
	static const uint32_t revs[] = { 0,	   EPOLLIN,
					 EPOLLOUT, EPOLLIN | EPOLLOUT,
					 EPOLLERR, EPOLLIN | EPOLLRDHUP };
	size_t m, i, j;

	for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		struct ep_trig t = trig(modes[m]);
		uint32_t rx = 0;

		for (i = 0; i < 40; i++) {
			struct ep_trig copy = t;
			uint32_t rev;

			j = (i * 7 + m) % (sizeof(revs) / sizeof(revs[0]));
			rev = revs[j];
			rx += (i % 3 == 0);
			cr_assert_eq(ep_trig_report(&copy, rev, rx, 0) != 0,
				     ep_trig_report(&t, rev, rx, 0) != 0,
				     "mode %#x step %zu", modes[m], i);
		}
	}
}
