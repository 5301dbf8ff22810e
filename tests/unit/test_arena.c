// SPDX-License-Identifier: MIT
/*
 * test_arena.c - memfd arena: sealing, mapping, header validation, region
 * allocation
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "arena.h"
#include "bytering.h"
#include "ipc_testutil.h"

#define RLEN (IPC_RING_HDR_LEN + 4096u)

Test(arena, create_seals_and_maps_a_usable_arena)
{
	struct ipc_arena a, b;
	uint64_t off = 0;
	int seals, fd2;

	cr_assert_eq(ipc_arena_create(&a, RLEN, 5), 0);
	cr_assert_eq(a.lay.size % 4096, 0);
	seals = fcntl(a.fd, F_GET_SEALS);
	cr_assert(seals & F_SEAL_SHRINK);
	cr_assert(seals & F_SEAL_GROW);
	cr_assert_neq(ftruncate(a.fd, 4096), 0, "shrinking must fail");
	cr_assert_eq(ipc_arena_alloc(&a, &off), 0);
	cr_assert_eq(off, IPC_ARENA_HDR_LEN);
	cr_assert_eq(ipc_ring_format(ipc_arena_region(&a, off), RLEN,
				     IPC_RING_BYTES, 4096),
		     0);

	/* The shim's view: a second mapping of the same fd. */
	fd2 = dup(a.fd);
	cr_assert_eq(ipc_arena_map(&b, fd2, a.lay.size), 0);
	cr_assert_eq(b.lay.region_len, RLEN);
	cr_assert_eq(b.lay.nregions, 5);
	cr_assert_null(b.used);
	cr_assert_eq(ipc_arena_alloc(&b, &off), -EINVAL);
	{
		uint32_t cap = 0;

		cr_assert_eq(ipc_ring_info_check(ipc_arena_region(&b, off),
						 RLEN, IPC_RING_BYTES, &cap),
			     0);
		cr_assert_eq(cap, 4096);
	}
	ipc_arena_close(&b);
	ipc_arena_close(&a);
}

Test(arena, allocator_hands_out_each_region_once)
{
	struct ipc_arena a;
	uint64_t off[70], x;

	cr_assert_eq(ipc_arena_create(&a, IPC_REGION_MIN, 70), 0);
	for (int i = 0; i < 70; i++) {
		cr_assert_eq(ipc_arena_alloc(&a, &off[i]), 0);
		cr_assert_eq(off[i],
			     IPC_ARENA_HDR_LEN + (uint64_t)i * IPC_REGION_MIN);
		cr_assert_not_null(ipc_arena_region(&a, off[i]));
	}
	cr_assert_eq(ipc_arena_alloc(&a, &x), -ENOSPC);
	cr_assert_eq(ipc_arena_free(&a, off[65]), 0);
	cr_assert_eq(ipc_arena_free(&a, off[65]), -EINVAL, "double free");
	cr_assert_eq(ipc_arena_free(&a, off[3] + 64), -EINVAL);
	cr_assert_eq(ipc_arena_free(&a, 0), -EINVAL);
	cr_assert_eq(ipc_arena_free(&a, off[69] + IPC_REGION_MIN), -EINVAL);
	cr_assert_eq(ipc_arena_alloc(&a, &x), 0);
	cr_assert_eq(x, off[65]);
	cr_assert_null(ipc_arena_region(&a, off[69] + IPC_REGION_MIN));
	cr_assert_null(ipc_arena_region(&a, 8));
	cr_assert_null(ipc_arena_region(&a, off[1] + 1));
	ipc_arena_close(&a);
}

Test(arena, bad_geometry_is_refused)
{
	struct ipc_arena a;

	cr_assert_eq(ipc_arena_create(&a, IPC_REGION_MIN - 64, 4), -EINVAL);
	cr_assert_eq(ipc_arena_create(&a, IPC_REGION_MIN + 1, 4), -EINVAL);
	cr_assert_eq(ipc_arena_create(&a, IPC_REGION_MIN, 0), -EINVAL);
	cr_assert_eq(ipc_arena_create(&a, 1u << 31, 1u << 10), -EINVAL);
}

/* Every corrupted header field must be refused by the checker. */
Test(arena, corrupt_headers_are_eproto)
{
	struct ipc_arena a;
	struct ipc_arena_hdr *h;
	struct ipc_arena_layout lay;
	struct ipc_arena_hdr good;

	cr_assert_eq(ipc_arena_create(&a, RLEN, 4), 0);
	h = (struct ipc_arena_hdr *)a.base;
	good = *h;
	cr_assert_eq(ipc_arena_hdr_check(a.base, a.lay.size, &lay), 0);
	cr_assert_eq(ipc_arena_hdr_check(a.base, a.lay.size - 1, &lay),
		     -EPROTO);
#define BAD(stmt)                                                              \
	do {                                                                   \
		*h = good;                                                     \
		stmt;                                                          \
		cr_assert_eq(ipc_arena_hdr_check(a.base, a.lay.size, &lay),    \
			     -EPROTO, #stmt);                                  \
	} while (0)
	BAD(h->magic ^= 1);
	BAD(h->version = IPC_VERSION + 1);
	BAD(h->hdr_len = 8);
	BAD(h->size = a.lay.size + 4096);
	BAD(h->size = 0);
	BAD(h->region_off = 64);
	BAD(h->region_off = IPC_ARENA_HDR_LEN + 1);
	BAD(h->region_off = UINT64_MAX - 63);
	BAD(h->region_len = 0);
	BAD(h->region_len = RLEN + 1);
	BAD(h->region_len = UINT32_MAX - 63);
	BAD(h->nregions = 0);
	BAD(h->nregions = 5);
	BAD(h->nregions = UINT32_MAX);
#undef BAD
	ipc_arena_close(&a);
}

Test(arena, map_refuses_a_short_file)
{
	struct ipc_arena a, b;
	int fd2;

	cr_assert_eq(ipc_arena_create(&a, RLEN, 2), 0);
	fd2 = dup(a.fd);
	cr_assert_eq(ipc_arena_map(&b, fd2, a.lay.size + 4096), -EPROTO);
	cr_assert_eq(ipc_arena_map(&b, fd2, 100), -EPROTO);
	close(fd2);
	ipc_arena_close(&a);
}
