// SPDX-License-Identifier: MIT
/*
 * recring.c - SPSC record ring for datagram sockets
 *
 * Same region and indices as a byte ring (bytering.c); the data is a
 * sequence of records, each starting on an 8-byte boundary:
 *
 *   struct ipc_rec_hdr (64 bytes) | payload (len) | pad to 8
 *
 * A record is always contiguous.  When the next record does not fit before
 * the end of the data area, the producer writes IPC_REC_SKIP in the first
 * word at the current position and continues at offset 0; the skip
 * occupies the rest of the ring up to the end.  A skip is always
 * writable, since positions are 8-aligned and the ring ends on one.
 *
 * The consumer validates every record before copying: the header must lie
 * inside what tail published and before the end of the ring; len must fit
 * both; addrlen must fit the address area.  Anything else is -EPROTO.  The
 * header is copied out once and only the copy is used.
 *
 * Truncation follows recvmsg() on a datagram socket: a short buffer gets
 * the first bytes, the caller learns the full length (MSG_TRUNC), and the
 * rest of the record is discarded unless IPC_REC_PEEK.
 */
#include <errno.h>
#include <string.h>

#include "recring.h"

/* Round a payload length up to the record alignment, in 64 bits. */
static uint64_t rec_total(uint64_t len)
{
	return IPC_REC_HDR_LEN + ((len + IPC_REC_ALIGN - 1) & ~(uint64_t)7);
}

/**
 * ipc_recring_open() - take the producing or consuming side of a record
 * ring
 * @r:		handle to fill
 * @region:	start of the region (formatted as IPC_RING_RECORDS)
 * @region_len:	bytes in the region
 * @cap:	capacity from a trusted source
 * @producer:	true to send into the ring, false to receive from it
 *
 * Return: 0, -EINVAL for bad geometry, or -EPROTO if this side's index in
 * shared memory is not record-aligned.
 */
int ipc_recring_open(struct ipc_recring *r, void *region, size_t region_len,
		     uint32_t cap, bool producer)
{
	int rc = ipc_bytering_open(&r->b, region, region_len, cap, producer);

	if (rc)
		return rc;
	if (r->b.s.mine % IPC_REC_ALIGN)
		return -EPROTO;
	return 0;
}

/**
 * ipc_recring_max_payload() - the largest datagram this ring can carry
 * @r:	handle
 *
 * Return: payload bytes.
 */
size_t ipc_recring_max_payload(const struct ipc_recring *r)
{
	return r->b.s.cap - IPC_REC_HDR_LEN;
}

/**
 * ipc_recring_need() - ring bytes a datagram of @len payload bytes takes,
 * the threshold a producer waits for (ipc_recring_wait_prepare())
 * @len:	payload bytes
 *
 * Return: bytes, saturated at UINT32_MAX.
 */
uint32_t ipc_recring_need(size_t len)
{
	uint64_t t = rec_total(len);

	return t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

/**
 * ipc_recring_send() - append one datagram
 * @r:		producer handle
 * @meta:	address and flags
 * @buf:	payload
 * @len:	payload bytes (0 is a valid datagram)
 *
 * When the record does not fit before the end of the ring, a skip marker
 * is published first, even if the record then does not fit at offset 0
 * either: the consumer drains the skip, which frees that space.  So after
 * -EAGAIN, call ipc_recring_kick() anyway and wait for
 * ipc_recring_need(@len) free bytes.
 *
 * Return: @len, -EAGAIN if there is no room now, -EMSGSIZE if it can never
 * fit, -EINVAL for a bad @meta, or -EPROTO.
 */
ssize_t ipc_recring_send(struct ipc_recring *r, const struct ipc_rec_meta *meta,
			 const void *buf, size_t len)
{
	struct ipc_bytering *b = &r->b;
	const uint32_t skip = IPC_REC_SKIP;
	struct ipc_rec_hdr h;
	uint32_t pos, to_end, need;
	int64_t space;

	if (len > ipc_recring_max_payload(r))
		return -EMSGSIZE;
	if (meta->addrlen > IPC_REC_ADDR_MAX)
		return -EINVAL;
	need = (uint32_t)rec_total(len);
	space = ipc_spsc_space(&b->s);
	if (space < 0)
		return space;
	pos = b->s.mine & (b->s.cap - 1);
	to_end = b->s.cap - pos;
	if (need > to_end) {
		if (space < to_end)
			return -EAGAIN;
		memcpy(b->data + pos, &skip, sizeof(skip));
		ipc_spsc_publish(&b->s, to_end);
		space -= to_end;
		pos = 0;
	}
	if (need > space)
		return -EAGAIN;
	memset(&h, 0, sizeof(h));
	h.len = (uint32_t)len;
	h.flags = meta->flags;
	h.addrlen = meta->addrlen;
	memcpy(h.addr, meta->addr, meta->addrlen);
	h.ifindex = meta->ifindex;
	h.tos = meta->tos;
	h.ttl = meta->ttl;
	memcpy(h.dst, meta->dst, sizeof(h.dst));
	memcpy(b->data + pos, &h, sizeof(h));
	if (len)
		memcpy(b->data + pos + IPC_REC_HDR_LEN, buf, len);
	memset(b->data + pos + IPC_REC_HDR_LEN + len, 0,
	       need - IPC_REC_HDR_LEN - len);
	ipc_spsc_publish(&b->s, need);
	b->span = 0;
	return (ssize_t)len;
}

/*
 * next_record() - find and validate the record at head, draining a skip
 * marker first if there is one
 *
 * Fills @h with a private copy of the header and @pos with its offset.
 * A skip at offset 0 cannot come from an honest producer (every record
 * fits a whole ring) and would loop for ever, so it is corrupt.
 */
static int next_record(struct ipc_recring *r, struct ipc_rec_hdr *h,
		       uint32_t *pos)
{
	struct ipc_bytering *b = &r->b;

	for (int pass = 0; pass < 2; pass++) {
		int64_t used = ipc_spsc_avail(&b->s);
		uint32_t first, to_end;

		if (used < 0)
			return (int)used;
		if (used == 0)
			return -EAGAIN;
		if (used % IPC_REC_ALIGN)
			return -EPROTO;
		*pos = b->s.mine & (b->s.cap - 1);
		to_end = b->s.cap - *pos;
		memcpy(&first, b->data + *pos, sizeof(first));
		if (first == IPC_REC_SKIP) {
			if (*pos == 0 || used < to_end)
				return -EPROTO;
			ipc_spsc_publish(&b->s, to_end);
			continue;
		}
		if (to_end < IPC_REC_HDR_LEN || used < IPC_REC_HDR_LEN)
			return -EPROTO;
		memcpy(h, b->data + *pos, sizeof(*h));
		/* Decide on the copy only, even if the producer keeps
		 * writing into the shared header. */
		atomic_signal_fence(memory_order_seq_cst);
		if (h->addrlen > IPC_REC_ADDR_MAX ||
		    rec_total(h->len) > (uint64_t)to_end ||
		    rec_total(h->len) > (uint64_t)used)
			return -EPROTO;
		return 0;
	}
	return -EPROTO;
}

/**
 * ipc_recring_recv() - take (or peek at) the next datagram
 * @r:		consumer handle
 * @meta:	filled with the address and flags (may be NULL)
 * @buf:	payload destination
 * @cap:	room in @buf; a shorter datagram tail is discarded
 * @flags:	IPC_REC_PEEK to leave the record in the ring
 * @reclen:	filled with the full payload length (may be NULL)
 *
 * Return: payload bytes copied (min(len, @cap)), -EAGAIN if the ring is
 * empty, or -EPROTO if the producer wrote garbage.
 */
ssize_t ipc_recring_recv(struct ipc_recring *r, struct ipc_rec_meta *meta,
			 void *buf, size_t cap, unsigned int flags,
			 size_t *reclen)
{
	struct ipc_rec_hdr h;
	uint32_t pos;
	size_t n;
	int rc = next_record(r, &h, &pos);

	if (rc)
		return rc;
	n = h.len < cap ? h.len : cap;
	if (n)
		memcpy(buf, r->b.data + pos + IPC_REC_HDR_LEN, n);
	if (meta) {
		memset(meta, 0, sizeof(*meta));
		meta->flags = h.flags;
		meta->addrlen = h.addrlen;
		memcpy(meta->addr, h.addr, h.addrlen);
		meta->ifindex = h.ifindex;
		meta->tos = h.tos;
		meta->ttl = h.ttl;
		memcpy(meta->dst, h.dst, sizeof(meta->dst));
	}
	if (reclen)
		*reclen = h.len;
	if (!(flags & IPC_REC_PEEK))
		ipc_spsc_publish(&r->b.s, (uint32_t)rec_total(h.len));
	return (ssize_t)n;
}

/**
 * ipc_recring_next_len() - payload length of the next datagram (FIONREAD
 * on a datagram socket), draining a leading skip marker
 * @r:	consumer handle
 *
 * Return: bytes, -EAGAIN if empty, or -EPROTO.
 */
ssize_t ipc_recring_next_len(struct ipc_recring *r)
{
	struct ipc_rec_hdr h;
	uint32_t pos;
	int rc = next_record(r, &h, &pos);

	return rc ? rc : (ssize_t)h.len;
}

/**
 * ipc_recring_kick() - ring the other side's sleepers on this ring if
 * this side crossed their edge; call after every send or receive attempt
 * @r:		handle
 * @to:		where the other side sleeps
 *
 * Return: 1 if a doorbell was rung, 0 if not, or -errno.
 */
int ipc_recring_kick(struct ipc_recring *r, const struct ipc_bells *to)
{
	return ipc_bytering_kick(&r->b, to);
}

/**
 * ipc_recring_wait_prepare() - arm this side's wake-me bit and re-check
 * @r:		handle
 * @need:	producer: ipc_recring_need() of the pending datagram;
 *		consumer: 0
 * @who:	the sleeper's waiter bit (doorbell.h)
 *
 * Return: 1 if ready (cancel, do not sleep), 0 to sleep, or -errno.
 */
int ipc_recring_wait_prepare(struct ipc_recring *r, uint32_t need, uint64_t who)
{
	return ipc_bytering_wait_prepare(&r->b, need, who);
}

/**
 * ipc_recring_wait_cancel() - disarm this side's wake-me bit @who
 * @r:		handle
 * @who:	as armed
 */
void ipc_recring_wait_cancel(struct ipc_recring *r, uint64_t who)
{
	ipc_bytering_wait_cancel(&r->b, who);
}
