// SPDX-License-Identifier: MIT
/*
 * arena.c - shared-memory arena: create (engine), map (shim), allocate
 * regions (engine)
 *
 * The arena is one memfd: a header page, then nregions regions of
 * region_len bytes.  The engine creates it, writes the header once,
 * seals its size and hands the fd to the app.  Sealing matters to the
 * engine, not the app: the app holds the fd and could otherwise
 * ftruncate() it, making the engine's next access to a ring SIGBUS.
 *
 * The allocator's bookkeeping lives in the engine's private memory.
 * Nothing the engine decides (which region is free, where a ring is) is
 * ever read back from the shared page, which the app can overwrite.  The
 * header is there for the shim, which validates it once when it maps.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"

#define PAGE 4096u

/**
 * ipc_arena_layout_check() - validate a layout against the bytes mapped
 * @lay:	the layout
 * @map_len:	bytes actually mapped (from a trusted source)
 *
 * Every region must lie inside @map_len; the arithmetic cannot overflow
 * (region_len * nregions fits 64 bits, and offsets are checked against
 * IPC_ARENA_MAX_SIZE first).
 *
 * Return: 0 or -EPROTO.
 */
int ipc_arena_layout_check(const struct ipc_arena_layout *lay, uint64_t map_len)
{
	uint64_t span;

	if (lay->size == 0 || lay->size > IPC_ARENA_MAX_SIZE ||
	    lay->size > map_len)
		return -EPROTO;
	if (lay->region_off < IPC_ARENA_HDR_LEN ||
	    lay->region_off % IPC_CACHELINE || lay->region_off > lay->size)
		return -EPROTO;
	if (lay->region_len < IPC_REGION_MIN ||
	    lay->region_len % IPC_CACHELINE || lay->nregions == 0)
		return -EPROTO;
	span = (uint64_t)lay->region_len * lay->nregions;
	if (span > lay->size - lay->region_off)
		return -EPROTO;
	return 0;
}

/**
 * ipc_arena_hdr_check() - validate the header at @base and copy it out
 * @base:	start of the mapping
 * @map_len:	bytes mapped (trusted: the WELCOME size checked by fstat,
 *		or the engine's own books)
 * @out:	filled with the validated layout
 *
 * The header is copied once; checks and result use the copy only.
 *
 * Return: 0 or -EPROTO.
 */
int ipc_arena_hdr_check(const void *base, uint64_t map_len,
			struct ipc_arena_layout *out)
{
	struct ipc_arena_hdr h;
	struct ipc_arena_layout lay;

	if (!base || map_len < IPC_ARENA_HDR_LEN)
		return -EPROTO;
	memcpy(&h, base, sizeof(h));
	if (h.magic != IPC_ARENA_MAGIC || h.version != IPC_VERSION ||
	    h.hdr_len != sizeof(h))
		return -EPROTO;
	lay.size = h.size;
	lay.region_off = h.region_off;
	lay.region_len = h.region_len;
	lay.nregions = h.nregions;
	if (ipc_arena_layout_check(&lay, map_len))
		return -EPROTO;
	*out = lay;
	return 0;
}

/**
 * ipc_arena_create() - make a sealed memfd arena and map it (engine side)
 * @a:		arena to fill
 * @region_len:	bytes per region (a multiple of IPC_CACHELINE, at least
 *		IPC_REGION_MIN)
 * @nregions:	region count
 *
 * Return: 0, -EINVAL for a bad geometry, or -errno from the kernel.
 */
int ipc_arena_create(struct ipc_arena *a, uint32_t region_len,
		     uint32_t nregions)
{
	struct ipc_arena_hdr h = { 0 };
	int saved = errno, rc = 0;
	uint64_t size;

	memset(a, 0, sizeof(*a));
	a->fd = -1;
	a->lay.region_off = IPC_ARENA_HDR_LEN;
	a->lay.region_len = region_len;
	a->lay.nregions = nregions;
	size = IPC_ARENA_HDR_LEN + (uint64_t)region_len * nregions;
	a->lay.size = (size + PAGE - 1) / PAGE * PAGE;
	if (ipc_arena_layout_check(&a->lay, IPC_ARENA_MAX_SIZE)) {
		rc = -EINVAL;
		goto out;
	}
	a->used = calloc((nregions + 63) / 64, sizeof(uint64_t));
	if (!a->used) {
		rc = -ENOMEM;
		goto out;
	}
	a->nfree = nregions;
	a->fd = memfd_create("nsstack-arena", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (a->fd < 0 || ftruncate(a->fd, (off_t)a->lay.size) ||
	    fcntl(a->fd, F_ADD_SEALS,
		  F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		rc = -errno;
		goto out;
	}
	a->base = mmap(NULL, a->lay.size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       a->fd, 0);
	if (a->base == MAP_FAILED) {
		a->base = NULL;
		rc = -errno;
		goto out;
	}
	h.magic = IPC_ARENA_MAGIC;
	h.version = IPC_VERSION;
	h.hdr_len = sizeof(h);
	h.size = a->lay.size;
	h.region_off = a->lay.region_off;
	h.region_len = region_len;
	h.nregions = nregions;
	memcpy(a->base, &h, sizeof(h));
out:
	if (rc)
		ipc_arena_close(a);
	errno = saved;
	return rc;
}

/**
 * ipc_arena_map() - map an arena received from the engine (shim side)
 * @a:		arena to fill (takes ownership of @fd on success)
 * @fd:		the memfd
 * @size:	the size the WELCOME message announced
 *
 * The file must be at least @size bytes (so no access can SIGBUS) and the
 * header must describe a layout inside it.  No allocation: safe to call
 * in the shim's attach path.
 *
 * Return: 0, -EPROTO for a bad arena, or -errno.
 */
int ipc_arena_map(struct ipc_arena *a, int fd, uint64_t size)
{
	int saved = errno, rc = 0;
	struct stat st;
	void *p;

	memset(a, 0, sizeof(*a));
	a->fd = -1;
	if (size < IPC_ARENA_HDR_LEN || size > IPC_ARENA_MAX_SIZE) {
		rc = -EPROTO;
		goto out;
	}
	if (fstat(fd, &st)) {
		rc = -errno;
		goto out;
	}
	if ((uint64_t)st.st_size < size) {
		rc = -EPROTO;
		goto out;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		rc = -errno;
		goto out;
	}
	rc = ipc_arena_hdr_check(p, size, &a->lay);
	if (rc) {
		munmap(p, size);
		goto out;
	}
	a->base = p;
	a->fd = fd;
out:
	errno = saved;
	return rc;
}

/**
 * ipc_arena_close() - unmap, close and free what the arena holds
 * @a:	arena (safe on a half-made or already closed one)
 */
void ipc_arena_close(struct ipc_arena *a)
{
	int saved = errno;

	if (a->base)
		munmap(a->base, a->lay.size);
	if (a->fd >= 0)
		close(a->fd);
	free(a->used);
	a->base = NULL;
	a->fd = -1;
	a->used = NULL;
	a->nfree = 0;
	errno = saved;
}

/**
 * ipc_arena_alloc() - take a free region (engine side)
 * @a:		arena made by ipc_arena_create()
 * @off:	filled with the region's offset in the arena
 *
 * The region's contents are whatever its last user left: format it before
 * handing it out.
 *
 * Return: 0, -ENOSPC if every region is in use, or -EINVAL in the shim.
 */
int ipc_arena_alloc(struct ipc_arena *a, uint64_t *off)
{
	if (!a->used)
		return -EINVAL;
	if (!a->nfree)
		return -ENOSPC;
	for (uint32_t w = 0; w < (a->lay.nregions + 63) / 64; w++) {
		uint32_t bit, i;

		if (a->used[w] == UINT64_MAX)
			continue;
		bit = (uint32_t)__builtin_ctzll(~a->used[w]);
		i = w * 64 + bit;
		if (i >= a->lay.nregions)
			break;
		a->used[w] |= 1ull << bit;
		a->nfree--;
		*off = a->lay.region_off + (uint64_t)i * a->lay.region_len;
		return 0;
	}
	return -ENOSPC;
}

/* Region index of @off, or -1 if @off is not the start of a region. */
static int64_t region_index(const struct ipc_arena_layout *lay, uint64_t off)
{
	uint64_t rel;

	if (off < lay->region_off)
		return -1;
	rel = off - lay->region_off;
	if (rel % lay->region_len || rel / lay->region_len >= lay->nregions)
		return -1;
	return (int64_t)(rel / lay->region_len);
}

/**
 * ipc_arena_free() - return a region (engine side)
 * @a:		arena made by ipc_arena_create()
 * @off:	offset ipc_arena_alloc() gave
 *
 * Return: 0, or -EINVAL if @off is not an allocated region.
 */
int ipc_arena_free(struct ipc_arena *a, uint64_t off)
{
	int64_t i = region_index(&a->lay, off);
	uint64_t bit;

	if (!a->used || i < 0)
		return -EINVAL;
	bit = 1ull << (i % 64);
	if (!(a->used[i / 64] & bit))
		return -EINVAL;
	a->used[i / 64] &= ~bit;
	a->nfree++;
	return 0;
}

/**
 * ipc_arena_region() - the address of the region at @off, checked
 * @a:		arena
 * @off:	a region offset, typically received from the peer
 *
 * Return: the region's first byte, or NULL if @off is not a region start.
 */
void *ipc_arena_region(const struct ipc_arena *a, uint64_t off)
{
	if (!a->base || region_index(&a->lay, off) < 0)
		return NULL;
	return a->base + off;
}
