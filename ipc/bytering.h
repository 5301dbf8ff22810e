/* SPDX-License-Identifier: MIT */
/*
 * bytering.h - SPSC byte ring for stream sockets, with copy and zero-copy
 * (reserve/commit, peek/consume) access
 */
#ifndef NSSTACK_IPC_BYTERING_H
#define NSSTACK_IPC_BYTERING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "doorbell.h"
#include "spsc.h"

/**
 * struct ipc_span - a contiguous piece of ring data
 * @p:		first byte
 * @len:	bytes
 *
 * Zero-copy calls hand out two spans: the second is non-empty only when the
 * range wraps past the end of the ring.
 */
struct ipc_span {
	uint8_t *p;
	size_t len;
};

/**
 * struct ipc_bytering - one side's handle on a byte ring
 * @s:		indices
 * @data:	the cap data bytes
 * @span:	bytes handed out by the last reserve/peek; bounds commit/consume
 */
struct ipc_bytering {
	struct ipc_spsc s;
	uint8_t *data;
	uint32_t span;
};

uint32_t ipc_ring_cap_for(size_t region_len);
int ipc_ring_format(void *region, size_t region_len, enum ipc_ring_kind kind,
		    uint32_t cap);
int ipc_ring_info_check(const void *region, size_t region_len,
			enum ipc_ring_kind kind, uint32_t *cap);
int ipc_bytering_open(struct ipc_bytering *r, void *region, size_t region_len,
		      uint32_t cap, bool producer);
ssize_t ipc_bytering_write(struct ipc_bytering *r, const void *buf, size_t len);
ssize_t ipc_bytering_read(struct ipc_bytering *r, void *buf, size_t len);
ssize_t ipc_bytering_reserve(struct ipc_bytering *r, struct ipc_span sp[2]);
int ipc_bytering_commit(struct ipc_bytering *r, size_t n);
ssize_t ipc_bytering_peek(struct ipc_bytering *r, struct ipc_span sp[2]);
int ipc_bytering_consume(struct ipc_bytering *r, size_t n);
ssize_t ipc_bytering_used(const struct ipc_bytering *r);
ssize_t ipc_bytering_space(const struct ipc_bytering *r);
int ipc_bytering_kick(struct ipc_bytering *r, const struct ipc_bells *to);
int ipc_bytering_wait_prepare(struct ipc_bytering *r, uint32_t need,
			      uint64_t who);
void ipc_bytering_wait_cancel(struct ipc_bytering *r, uint64_t who);

#endif /* NSSTACK_IPC_BYTERING_H */
