// SPDX-License-Identifier: MIT
/*
 * bytering.c - SPSC byte ring for stream sockets
 *
 * A region holds a 256-byte header (struct ipc_ring_shm: ring info, head,
 * tail and wake-me flags on separate cache lines) followed by cap data
 * bytes, cap a power of two.  head and tail are free-running 32-bit byte
 * counters; the byte at counter c lives at data[c & (cap - 1)].
 *
 * The producer copies data in, then publishes tail (release); the consumer
 * loads tail (acquire), copies data out, then publishes head (release).
 * Each side keeps its own index privately (spsc.c), so the worst a hostile
 * peer can do is make the other index disagree, which every call detects
 * as -EPROTO before computing any address.
 *
 * Data bytes themselves are untrusted while they sit in the ring: a reader
 * copies them out before it parses them, never parsing in place.
 */
#include <errno.h>
#include <string.h>

#include "bytering.h"
#include "doorbell.h"

/* Largest capacity: keeps tail - head comparisons unambiguous in 32 bits. */
#define RING_CAP_MAX (1u << 30)
/* Smallest: one cache line, which also holds a record header. */
#define RING_CAP_MIN IPC_CACHELINE

/**
 * ipc_ring_cap_for() - the largest ring capacity that fits a region
 * @region_len:	bytes in the region
 *
 * Return: a power of two, or 0 if the region cannot hold a ring.
 */
uint32_t ipc_ring_cap_for(size_t region_len)
{
	uint32_t cap = RING_CAP_MAX;

	if (region_len < IPC_RING_HDR_LEN + RING_CAP_MIN)
		return 0;
	while (cap > region_len - IPC_RING_HDR_LEN)
		cap >>= 1;
	return cap;
}

/* Geometry both format and open insist on. */
static bool geometry_ok(const void *region, size_t region_len, uint32_t cap)
{
	return region && ((uintptr_t)region % IPC_CACHELINE) == 0 &&
	       ipc_is_pow2(cap) && cap >= RING_CAP_MIN && cap <= RING_CAP_MAX &&
	       region_len >= IPC_RING_HDR_LEN &&
	       cap <= region_len - IPC_RING_HDR_LEN;
}

/**
 * ipc_ring_format() - lay out an empty byte or record ring (engine side)
 * @region:	start of the region, cache-line aligned
 * @region_len:	bytes in the region
 * @kind:	IPC_RING_BYTES or IPC_RING_RECORDS
 * @cap:	data capacity, a power of two that fits the region
 *
 * Return: 0 or -EINVAL.
 */
int ipc_ring_format(void *region, size_t region_len, enum ipc_ring_kind kind,
		    uint32_t cap)
{
	struct ipc_ring_shm *shm = region;

	if (!geometry_ok(region, region_len, cap) ||
	    (kind != IPC_RING_BYTES && kind != IPC_RING_RECORDS))
		return -EINVAL;
	memset(region, 0, IPC_RING_HDR_LEN);
	shm->info.magic = IPC_RING_MAGIC;
	shm->info.kind = kind;
	shm->info.cap = cap;
	shm->info.data_off = IPC_RING_HDR_LEN;
	ipc_spsc_format(&shm->idx);
	return 0;
}

/**
 * ipc_ring_info_check() - validate a ring header and learn its capacity
 * @region:	start of the region
 * @region_len:	bytes in the region, from a trusted source
 * @kind:	the kind the caller expects
 * @cap:	where to store the capacity
 *
 * The shim uses this when it is told about a new ring; the engine never
 * needs it (it knows every capacity from its own books).  The header is
 * copied once so the checks and the result see the same values.
 *
 * Return: 0, or -EPROTO if the header is not a ring of @kind that fits.
 */
int ipc_ring_info_check(const void *region, size_t region_len,
			enum ipc_ring_kind kind, uint32_t *cap)
{
	struct ipc_ring_info info;

	if (!region || region_len < IPC_RING_HDR_LEN)
		return -EPROTO;
	memcpy(&info, region, sizeof(info));
	if (info.magic != IPC_RING_MAGIC || info.kind != (uint32_t)kind ||
	    info.data_off != IPC_RING_HDR_LEN ||
	    !geometry_ok(region, region_len, info.cap))
		return -EPROTO;
	*cap = info.cap;
	return 0;
}

/**
 * ipc_bytering_open() - take the producing or consuming side of a ring
 * @r:		handle to fill
 * @region:	start of the region, cache-line aligned
 * @region_len:	bytes in the region
 * @cap:	capacity from a trusted source (the engine's books, or
 *		ipc_ring_info_check())
 * @producer:	true to write into the ring, false to read from it
 *
 * Return: 0 or -EINVAL.
 */
int ipc_bytering_open(struct ipc_bytering *r, void *region, size_t region_len,
		      uint32_t cap, bool producer)
{
	struct ipc_ring_shm *shm = region;

	if (!geometry_ok(region, region_len, cap))
		return -EINVAL;
	ipc_spsc_open(&r->s, &shm->idx, cap, producer);
	r->data = (uint8_t *)region + IPC_RING_HDR_LEN;
	r->span = 0;
	return 0;
}

/* Describe @n bytes starting at counter @at as one or two spans. */
static void spans_at(const struct ipc_bytering *r, uint32_t at, size_t n,
		     struct ipc_span sp[2])
{
	uint32_t pos = at & (r->s.cap - 1);
	size_t first = r->s.cap - pos;

	if (first > n)
		first = n;
	sp[0].p = r->data + pos;
	sp[0].len = first;
	sp[1].p = r->data;
	sp[1].len = n - first;
}

/**
 * ipc_bytering_write() - copy up to @len bytes into the ring and publish
 * @r:		producer handle
 * @buf:	bytes to write
 * @len:	how many
 *
 * Writes what fits (a short count when the ring is nearly full).  Call
 * ipc_bytering_kick() afterwards to wake a sleeping consumer.
 *
 * Return: bytes written (0 if full), or -EPROTO.
 */
ssize_t ipc_bytering_write(struct ipc_bytering *r, const void *buf, size_t len)
{
	struct ipc_span sp[2];
	int64_t space = ipc_spsc_space(&r->s);

	if (space < 0)
		return space;
	if (len > (uint64_t)space)
		len = (size_t)space;
	spans_at(r, r->s.mine, len, sp);
	memcpy(sp[0].p, buf, sp[0].len);
	memcpy(sp[1].p, (const uint8_t *)buf + sp[0].len, sp[1].len);
	ipc_spsc_publish(&r->s, (uint32_t)len);
	r->span = 0;
	return (ssize_t)len;
}

/**
 * ipc_bytering_read() - copy up to @len bytes out of the ring and consume
 * them
 * @r:		consumer handle
 * @buf:	destination
 * @len:	room in @buf
 *
 * Return: bytes read (0 if empty), or -EPROTO.
 */
ssize_t ipc_bytering_read(struct ipc_bytering *r, void *buf, size_t len)
{
	struct ipc_span sp[2];
	int64_t used = ipc_spsc_avail(&r->s);

	if (used < 0)
		return used;
	if (len > (uint64_t)used)
		len = (size_t)used;
	spans_at(r, r->s.mine, len, sp);
	memcpy(buf, sp[0].p, sp[0].len);
	memcpy((uint8_t *)buf + sp[0].len, sp[1].p, sp[1].len);
	ipc_spsc_publish(&r->s, (uint32_t)len);
	r->span = 0;
	return (ssize_t)len;
}

/**
 * ipc_bytering_reserve() - zero-copy write: the free space as two spans
 * @r:		producer handle
 * @sp:		filled with the free space; sp[1] is non-empty at the wrap
 *
 * Fill a prefix of the spans, then ipc_bytering_commit() that many bytes.
 * Nothing is published until the commit.
 *
 * Return: free bytes (sp[0].len + sp[1].len), or -EPROTO.
 */
ssize_t ipc_bytering_reserve(struct ipc_bytering *r, struct ipc_span sp[2])
{
	int64_t space = ipc_spsc_space(&r->s);

	if (space < 0)
		return space;
	spans_at(r, r->s.mine, (size_t)space, sp);
	r->span = (uint32_t)space;
	return space;
}

/**
 * ipc_bytering_commit() - publish @n bytes written into reserved spans
 * @r:	producer handle
 * @n:	bytes, at most what the last ipc_bytering_reserve() returned
 *
 * Return: 0, or -EINVAL if @n exceeds the reservation.
 */
int ipc_bytering_commit(struct ipc_bytering *r, size_t n)
{
	if (!r->s.producer || n > r->span)
		return -EINVAL;
	ipc_spsc_publish(&r->s, (uint32_t)n);
	r->span -= (uint32_t)n;
	return 0;
}

/**
 * ipc_bytering_peek() - zero-copy read: the readable bytes as two spans
 * @r:		consumer handle
 * @sp:		filled with the data; sp[1] is non-empty at the wrap
 *
 * The bytes stay in shared memory, where the producer could still change
 * them: copy before parsing.  Release them with ipc_bytering_consume().
 *
 * Return: readable bytes (sp[0].len + sp[1].len), or -EPROTO.
 */
ssize_t ipc_bytering_peek(struct ipc_bytering *r, struct ipc_span sp[2])
{
	int64_t used = ipc_spsc_avail(&r->s);

	if (used < 0)
		return used;
	spans_at(r, r->s.mine, (size_t)used, sp);
	r->span = (uint32_t)used;
	return used;
}

/**
 * ipc_bytering_consume() - release @n bytes seen by ipc_bytering_peek()
 * @r:	consumer handle
 * @n:	bytes, at most what the last peek returned
 *
 * Return: 0, or -EINVAL if @n exceeds what was peeked.
 */
int ipc_bytering_consume(struct ipc_bytering *r, size_t n)
{
	if (r->s.producer || n > r->span)
		return -EINVAL;
	ipc_spsc_publish(&r->s, (uint32_t)n);
	r->span -= (uint32_t)n;
	return 0;
}

/**
 * ipc_bytering_used() - bytes in the ring (FIONREAD), either side
 * @r:	handle
 *
 * Return: bytes, or -EPROTO.
 */
ssize_t ipc_bytering_used(const struct ipc_bytering *r)
{
	int64_t n = r->s.producer ? ipc_spsc_space(&r->s)
				  : ipc_spsc_avail(&r->s);

	if (n < 0)
		return n;
	return r->s.producer ? r->s.cap - n : n;
}

/**
 * ipc_bytering_space() - free bytes in the ring, either side
 * @r:	handle
 *
 * Return: bytes, or -EPROTO.
 */
ssize_t ipc_bytering_space(const struct ipc_bytering *r)
{
	ssize_t used = ipc_bytering_used(r);

	return used < 0 ? used : (ssize_t)r->s.cap - used;
}

/**
 * ipc_bytering_kick() - after writing or reading, ring the other side's
 * sleepers on this ring if this side just crossed their edge
 * @r:		handle
 * @to:		where the other side sleeps
 *
 * Return: 1 if a doorbell was rung, 0 if not, or -errno.
 */
int ipc_bytering_kick(struct ipc_bytering *r, const struct ipc_bells *to)
{
	uint64_t ring;
	int rc = ipc_spsc_kick(&r->s, &ring);

	if (rc < 0 || !ring)
		return rc;
	rc = ipc_doorbell_ring_mask(to, ring);
	return rc < 0 ? rc : 1;
}

/**
 * ipc_bytering_wait_prepare() - arm this side's wake-me bit, then
 * re-check
 * @r:		handle
 * @need:	producer: free bytes wanted (1 means "not full"); consumer: 0
 * @who:	the sleeper's waiter bit (doorbell.h)
 *
 * Return: 1 if ready (call ipc_bytering_wait_cancel(), do not sleep), 0 if
 * the caller may sleep on its doorbell, or -errno.
 */
int ipc_bytering_wait_prepare(struct ipc_bytering *r, uint32_t need,
			      uint64_t who)
{
	return ipc_spsc_wait_prepare(&r->s, need, who);
}

/**
 * ipc_bytering_wait_cancel() - disarm this side's wake-me bit @who
 * @r:		handle
 * @who:	as armed
 */
void ipc_bytering_wait_cancel(struct ipc_bytering *r, uint64_t who)
{
	ipc_spsc_wait_cancel(&r->s, who);
}
