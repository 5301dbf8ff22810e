/* SPDX-License-Identifier: MIT */
/*
 * arena.h - the shared-memory arena: a sealed memfd holding a header and
 * fixed-size regions (one ring each)
 */
#ifndef NSSTACK_IPC_ARENA_H
#define NSSTACK_IPC_ARENA_H

#include <stddef.h>
#include <stdint.h>

#include "nsstack/ipc.h"

/**
 * struct ipc_arena_layout - validated, private copy of an arena header
 * @size:	arena bytes
 * @region_off:	offset of region 0
 * @region_len:	bytes per region
 * @nregions:	region count
 */
struct ipc_arena_layout {
	uint64_t size;
	uint64_t region_off;
	uint32_t region_len;
	uint32_t nregions;
};

/**
 * struct ipc_arena - one process's view of an arena
 * @fd:		the memfd (engine: owner; shim: received by SCM_RIGHTS)
 * @base:	the shared mapping
 * @lay:	layout, from the engine's own books or a validated header
 * @used:	engine only: allocation bitmap, private memory (NULL in shim)
 * @nfree:	engine only: free regions
 */
struct ipc_arena {
	int fd;
	uint8_t *base;
	struct ipc_arena_layout lay;
	uint64_t *used;
	uint32_t nfree;
};

int ipc_arena_create(struct ipc_arena *a, uint32_t region_len,
		     uint32_t nregions);
int ipc_arena_map(struct ipc_arena *a, int fd, uint64_t size);
void ipc_arena_close(struct ipc_arena *a);
int ipc_arena_hdr_check(const void *base, uint64_t map_len,
			struct ipc_arena_layout *out);
int ipc_arena_layout_check(const struct ipc_arena_layout *lay,
			   uint64_t map_len);
int ipc_arena_alloc(struct ipc_arena *a, uint64_t *off);
int ipc_arena_free(struct ipc_arena *a, uint64_t off);
void *ipc_arena_region(const struct ipc_arena *a, uint64_t off);

#endif /* NSSTACK_IPC_ARENA_H */
