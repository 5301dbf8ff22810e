/* SPDX-License-Identifier: MIT */
/*
 * spsc.h - index arithmetic of a single-producer, single-consumer queue in
 * shared memory, shared by the byte, record and command rings
 *
 * Each side keeps its own index in private memory (struct ipc_spsc.mine)
 * and only ever publishes it; it never reads its own index back from the
 * shared page, because the other side could have overwritten it.  The other
 * side's index is read with acquire and validated on every read.
 */
#ifndef NSSTACK_IPC_SPSC_H
#define NSSTACK_IPC_SPSC_H

#include <stdbool.h>
#include <stdint.h>

#include "nsstack/ipc.h"

/**
 * struct ipc_spsc - one side's private view of a shared queue
 * @shm:	the shared words
 * @cap:	capacity in units, a power of two, from a trusted source
 * @mine:	tail if producer, head if consumer: the authoritative copy
 * @kick:	@mine as of the last ipc_spsc_kick_*() (edge detection)
 * @producer:	which side this is
 */
struct ipc_spsc {
	struct ipc_spsc_shm *shm;
	uint32_t cap;
	uint32_t mine;
	uint32_t kick;
	bool producer;
};

void ipc_spsc_format(struct ipc_spsc_shm *shm);
void ipc_spsc_open(struct ipc_spsc *s, struct ipc_spsc_shm *shm, uint32_t cap,
		   bool producer);
int64_t ipc_spsc_space(const struct ipc_spsc *s);
int64_t ipc_spsc_avail(const struct ipc_spsc *s);
void ipc_spsc_publish(struct ipc_spsc *s, uint32_t n);
int ipc_spsc_kick(struct ipc_spsc *s, uint64_t *ring);
int ipc_spsc_wait_prepare(struct ipc_spsc *s, uint32_t need, uint64_t who);
void ipc_spsc_wait_cancel(struct ipc_spsc *s, uint64_t who);

/** ipc_is_pow2() - true if @v is a non-zero power of two. */
static inline bool ipc_is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

#endif /* NSSTACK_IPC_SPSC_H */
