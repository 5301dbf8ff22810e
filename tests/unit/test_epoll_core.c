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
