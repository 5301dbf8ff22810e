// SPDX-License-Identifier: MIT
/*
 * tcp_ring.c - the byte rings behind a TCB's send and receive buffers
 *
 * Theory of operation
 *
 * A ring has a capacity, @cap: SO_SNDBUF or SO_RCVBUF, what the window
 * and send() may promise.  Its storage is separate and lazy: nothing until
 * the first byte is written, then TCP_RING_MIN bytes, doubling (and
 * linearising the bytes held) whenever a write needs more, up to @cap.
 * tcp_ring_trim() releases the storage of an empty ring that has not been
 * written since the previous trim; tcp.c calls it from a slow sweep, so an
 * idle connection holds no buffer memory while a busy one, whose rings
 * empty after every read or ACK, does not allocate per segment.
 *
 * Storage comes straight from mmap(), in whole pages, not from malloc():
 * a connection's rings come and go while its TCB stays, and heap blocks
 * freed between live TCBs keep their pages resident (about 4 KB per idle
 * connection, measured with bench/idlemem.sh).  Sanitizer builds use
 * malloc() so that AddressSanitizer still watches every ring access.
 *
 * Growing may fail.  The writer then gets fewer bytes taken than the
 * room the capacity promised; callers decide what that means (send()
 * reports -ENOMEM, the input path drops the rest and counts it).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tcp.h"

#if defined(__SANITIZE_ADDRESS__)
#define RING_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RING_MALLOC 1
#endif
#endif

#ifndef RING_MALLOC
/*
 * Freed first storages (TCP_RING_MIN bytes) kept for the next ring: with
 * a connection per request (HTTP with Connection: close) every connection
 * would otherwise map, fault in and unmap two pages, about a third of the
 * engine's time (perf, nginx under wrk -H 'Connection: close').  At most
 * RING_KEEP pages per engine thread, so idle connections still cost
 * nothing and the total stays bounded.
 */
#define RING_KEEP 64
static _Thread_local uint8_t *kept[RING_KEEP];
static _Thread_local unsigned int nkept;
#endif

/* @size bytes of storage; NULL without memory. */
static uint8_t *storage_get(size_t size)
{
#ifdef RING_MALLOC
	return malloc(size);
#else
	void *p;

	if (size == TCP_RING_MIN && nkept)
		return kept[--nkept];
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
#endif
}

static void storage_put(uint8_t *p, size_t size)
{
#ifdef RING_MALLOC
	(void)size;
	free(p);
#else
	if (!p)
		return;
	if (size == TCP_RING_MIN && nkept < RING_KEEP) {
		kept[nkept++] = p;
		return;
	}
	munmap(p, size);
#endif
}

/** tcp_ring_alloc() - an empty ring of capacity @cap, without storage. */
int tcp_ring_alloc(struct tcp_ring *r, size_t cap)
{
	tcp_ring_free(r);
	r->cap = cap;
	return 0;
}

/** tcp_ring_free() - release the ring's memory; capacity becomes 0. */
void tcp_ring_free(struct tcp_ring *r)
{
	storage_put(r->buf, r->size);
	memset(r, 0, sizeof(*r));
}

/* Copy what the ring holds into @size bytes of new storage, from 0. */
static int ring_move(struct tcp_ring *r, size_t size)
{
	uint8_t *b = storage_get(size);

	if (!b)
		return -ENOMEM;
	tcp_ring_peek(r, 0, b, r->len);
	storage_put(r->buf, r->size);
	r->buf = b;
	r->size = size;
	r->head = 0;
	return 0;
}

/**
 * tcp_ring_reserve() - make storage for @len more bytes (at most the room
 * the capacity leaves)
 * Return: 0, or -ENOMEM with the ring unchanged.
 */
int tcp_ring_reserve(struct tcp_ring *r, size_t len)
{
	size_t need, size;

	if (len > r->cap - r->len)
		len = r->cap - r->len;
	need = r->len + len;
	if (need <= r->size)
		return 0;
	size = r->size ? r->size : TCP_RING_MIN;
	while (size < need)
		size *= 2;
	if (size > r->cap)
		size = r->cap;
	return ring_move(r, size);
}

/**
 * tcp_ring_set_cap() - a new capacity, keeping the bytes held
 * Return: 0; -EINVAL when they would not fit; -ENOMEM (ring unchanged).
 */
int tcp_ring_set_cap(struct tcp_ring *r, size_t cap)
{
	if (cap < r->len)
		return -EINVAL;
	if (r->size > cap) {
		int rc = ring_move(r, cap);

		if (rc)
			return rc;
	}
	r->cap = cap;
	return 0;
}

/**
 * tcp_ring_trim() - release the storage of an empty ring unused since the
 * last call
 * Return: the ring still holds storage.
 */
bool tcp_ring_trim(struct tcp_ring *r)
{
	if (r->buf && !r->len && !r->used) {
		storage_put(r->buf, r->size);
		r->buf = NULL;
		r->size = 0;
		r->head = 0;
	}
	r->used = false;
	return r->buf != NULL;
}

/**
 * tcp_ring_write() - append up to @len bytes, growing the storage
 * Return: bytes appended: fewer than the room when storage cannot grow.
 */
size_t tcp_ring_write(struct tcp_ring *r, const uint8_t *data, size_t len)
{
	size_t room, done = 0;

	if (!len)
		return 0;
	tcp_ring_reserve(r, len); /* on failure, fill what storage there is */
	room = r->size - r->len;
	if (len > room)
		len = room;
	if (!len) /* full, or no storage to be had */
		return 0;
	while (done < len) {
		size_t tail = (r->head + r->len) % r->size;
		size_t chunk = r->size - tail;

		if (chunk > len - done)
			chunk = len - done;
		memcpy(r->buf + tail, data + done, chunk);
		r->len += chunk;
		done += chunk;
	}
	r->used = true;
	return done;
}

/**
 * tcp_ring_peek() - copy up to @len bytes starting @off bytes into the ring
 * Return: bytes copied.
 */
size_t tcp_ring_peek(const struct tcp_ring *r, size_t off, uint8_t *out,
		     size_t len)
{
	size_t done = 0;

	if (off >= r->len || !r->size) /* bytes held imply storage */
		return 0;
	if (len > r->len - off)
		len = r->len - off;
	while (done < len) {
		size_t pos = (r->head + off + done) % r->size;
		size_t chunk = r->size - pos;

		if (chunk > len - done)
			chunk = len - done;
		memcpy(out + done, r->buf + pos, chunk);
		done += chunk;
	}
	return done;
}

/** tcp_ring_drop() - forget the first @len bytes (all, if fewer). */
void tcp_ring_drop(struct tcp_ring *r, size_t len)
{
	if (len > r->len)
		len = r->len;
	r->head = r->size ? (r->head + len) % r->size : 0;
	r->len -= len;
	if (!r->len)
		r->head = 0;
}
