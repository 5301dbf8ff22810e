/* SPDX-License-Identifier: MIT */
/*
 * ipc_testutil.h - helpers shared by the ipc unit tests
 */
#ifndef NSSTACK_IPC_TESTUTIL_H
#define NSSTACK_IPC_TESTUTIL_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "nsstack/ipc.h"
#include "testutil.h"

/*
 * tu_region() - a zeroed, cache-line aligned heap block of exactly @len
 * bytes, so that AddressSanitizer flags any access past a ring's end.
 * @len must be a multiple of 64 (aligned_alloc).  Free with free().
 */
static inline void *tu_region(size_t len)
{
	void *p = aligned_alloc(64, len);

	cr_assert_not_null(p);
	memset(p, 0, len);
	return p;
}

/* Overwrite a shared index the way a hostile peer would. */
static inline void tu_poke(_Atomic uint32_t *w, uint32_t v)
{
	atomic_store_explicit(w, v, memory_order_relaxed);
}

static inline uint32_t tu_peek(_Atomic uint32_t *w)
{
	return atomic_load_explicit(w, memory_order_relaxed);
}

static inline uint64_t tu_peek64(_Atomic uint64_t *w)
{
	return atomic_load_explicit(w, memory_order_relaxed);
}

static inline void tu_poke64(_Atomic uint64_t *w, uint64_t v)
{
	atomic_store_explicit(w, v, memory_order_relaxed);
}

#endif /* NSSTACK_IPC_TESTUTIL_H */
