// SPDX-License-Identifier: MIT
/*
 * test_ipc_stress.c - cross-process byte-ring streaming under ASan: the
 * same 10^8-byte run as tests/stress/ipc_stress.c (`make stress`, -O2),
 * plus a tiny ring that forces thousands of doorbell sleeps
 */
#include <signal.h>
#include <stdio.h>

#include "../stress/ipc_stress.h"
#include "testutil.h"

static void run(uint64_t total, uint32_t cap, uint64_t seed)
{
	struct stress_result res;
	int rc = stress_run(total, cap, seed, &res);

	cr_assert_eq(rc, 0,
		     "rc %d: producer err %d, consumer err %d, %llu/%llu "
		     "bytes, status 0x%x",
		     rc, res.prod.err, res.cons.err,
		     (unsigned long long)res.prod.bytes,
		     (unsigned long long)res.cons.bytes, res.status);
	cr_assert_eq(res.prod.sum, res.cons.sum);
	/* Both sides must have blocked at least once, or the doorbell
	 * path was never exercised. */
	cr_assert_gt(res.prod.sleeps + res.cons.sleeps, 0);
	cr_log_info("ipc_stress: %llu bytes, ring %u: %.0f MB/s, sleeps "
		    "%llu/%llu",
		    (unsigned long long)total, cap,
		    (double)total / res.secs / 1e6,
		    (unsigned long long)res.prod.sleeps,
		    (unsigned long long)res.cons.sleeps);
}

Test(ipc_stress, hundred_megabytes_through_a_64k_ring)
{
	run(100000000, 1u << 16, 0x1234567);
}

Test(ipc_stress, two_megabytes_through_a_4k_ring_sleep_often)
{
	run(2u << 20, 1u << 12, 0xabcdef);
}
