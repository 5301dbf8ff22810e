// SPDX-License-Identifier: MIT
/*
 * ipc_stress.c - cross-process byte-ring stress test (built -O2, run by
 * `make stress` and `make check`)
 *
 * usage: ipc_stress [bytes] [ring capacity]   (default 100000000, 262144)
 */
#include <signal.h>
#include <stdio.h>

#include "ipc_stress.h"

int main(int argc, char **argv)
{
	uint64_t total = argc > 1 ? strtoull(argv[1], NULL, 0) : 100000000ull;
	uint32_t cap = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 0)
				: 1u << 18;
	struct stress_result res;
	int rc = stress_run(total, cap, 0x9e3779b97f4a7c15ull, &res);

	printf("ipc_stress: %llu bytes, ring %u, %.3f s, %.0f MB/s, "
	       "checksum %016llx %s %016llx\n",
	       (unsigned long long)total, cap, res.secs,
	       res.secs > 0 ? (double)total / res.secs / 1e6 : 0.0,
	       (unsigned long long)res.prod.sum,
	       rc ? "!=" : "==", (unsigned long long)res.cons.sum);
	printf("ipc_stress: producer slept %llu, rang %llu; "
	       "consumer slept %llu, rang %llu\n",
	       (unsigned long long)res.prod.sleeps,
	       (unsigned long long)res.prod.rings,
	       (unsigned long long)res.cons.sleeps,
	       (unsigned long long)res.cons.rings);
	if (rc)
		fprintf(stderr,
			"ipc_stress: FAILED: %s (producer %d, consumer %d, "
			"%llu bytes received, status 0x%x, head %u tail %u "
			"cons_wait %#llx prod_wait %#llx)\n",
			strerror(-rc), res.prod.err, res.cons.err,
			(unsigned long long)res.cons.bytes, res.status,
			res.head, res.tail, (unsigned long long)res.cons_wait,
			(unsigned long long)res.prod_wait);
	return rc ? 1 : 0;
}
