/* SPDX-License-Identifier: MIT */
/*
 * recring.h - SPSC record ring for datagram sockets: each record is an
 * address, flags and a payload, delivered whole or truncated, never merged
 */
#ifndef NSSTACK_IPC_RECRING_H
#define NSSTACK_IPC_RECRING_H

#include "bytering.h"

/* ipc_recring_recv() flags */
#define IPC_REC_PEEK 0x1u /* leave the record in the ring (MSG_PEEK) */

/**
 * struct ipc_rec_meta - what travels with a datagram besides its payload
 * (struct ipc_rec_hdr's fields, all copied as they are)
 * @flags:	opaque per-datagram flags
 * @addrlen:	valid bytes in @addr (at most IPC_REC_ADDR_MAX)
 * @addr:	socket address (struct sockaddr_in or sockaddr_in6 bytes)
 * @ifindex:	opaque: the arrival interface
 * @tos, @ttl:	opaque: IPv4 header fields
 * @dst:	opaque: destination addresses
 */
struct ipc_rec_meta {
	uint32_t flags;
	uint32_t addrlen;
	uint8_t addr[IPC_REC_ADDR_MAX];
	uint32_t ifindex;
	uint8_t tos, ttl;
	uint8_t dst[IPC_REC_DST_MAX];
};

/**
 * struct ipc_recring - one side's handle on a record ring
 * @b:	the underlying byte ring (indices, data)
 */
struct ipc_recring {
	struct ipc_bytering b;
};

int ipc_recring_open(struct ipc_recring *r, void *region, size_t region_len,
		     uint32_t cap, bool producer);
size_t ipc_recring_max_payload(const struct ipc_recring *r);
uint32_t ipc_recring_need(size_t len);
ssize_t ipc_recring_send(struct ipc_recring *r, const struct ipc_rec_meta *meta,
			 const void *buf, size_t len);
ssize_t ipc_recring_recv(struct ipc_recring *r, struct ipc_rec_meta *meta,
			 void *buf, size_t cap, unsigned int flags,
			 size_t *reclen);
ssize_t ipc_recring_next_len(struct ipc_recring *r);
int ipc_recring_kick(struct ipc_recring *r, const struct ipc_bells *to);
int ipc_recring_wait_prepare(struct ipc_recring *r, uint32_t need,
			     uint64_t who);
void ipc_recring_wait_cancel(struct ipc_recring *r, uint64_t who);

#endif /* NSSTACK_IPC_RECRING_H */
