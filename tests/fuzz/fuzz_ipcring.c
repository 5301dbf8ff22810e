// SPDX-License-Identifier: MIT
/*
 * fuzz_ipcring.c - libFuzzer harness for the consumer side of byte,
 * record and command rings fed a hostile producer's shared memory
 *
 * Input: u32 head, u32 tail, then the ring's data bytes.  Property: no
 * access outside the region (ASan), every call returns a bounded count or
 * a negative errno, and a consumer never advances past what tail claims.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "bytering.h"
#include "cmdring.h"
#include "recring.h"

#define CAP 256u
#define REGION (IPC_RING_HDR_LEN + CAP)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void *region_from(const uint8_t *data, size_t size,
			 enum ipc_ring_kind kind)
{
	struct ipc_ring_shm *shm = aligned_alloc(64, REGION);

	if (!shm || ipc_ring_format(shm, REGION, kind, CAP))
		abort();
	memcpy((uint8_t *)shm + IPC_RING_HDR_LEN, data + 8,
	       size - 8 < CAP ? size - 8 : CAP);
	atomic_store(&shm->idx.head, ld32(data));
	atomic_store(&shm->idx.tail, ld32(data + 4));
	return shm;
}

static void bytes(const uint8_t *data, size_t size)
{
	struct ipc_ring_shm *shm = region_from(data, size, IPC_RING_BYTES);
	struct ipc_bytering r;
	struct ipc_span sp[2];
	uint8_t buf[CAP];
	ssize_t n;

	if (ipc_bytering_open(&r, shm, REGION, CAP, false))
		abort();
	n = ipc_bytering_peek(&r, sp);
	if (n > (ssize_t)CAP || (n >= 0 && sp[0].len + sp[1].len != (size_t)n))
		abort();
	n = ipc_bytering_read(&r, buf, sizeof(buf));
	if (n > (ssize_t)CAP)
		abort();
	free(shm);
}

static void records(const uint8_t *data, size_t size)
{
	struct ipc_ring_shm *shm = region_from(data, size, IPC_RING_RECORDS);
	struct ipc_recring r;
	struct ipc_rec_meta meta;
	uint8_t buf[CAP];

	if (ipc_recring_open(&r, shm, REGION, CAP, false) == 0) {
		for (int i = 0; i < 8; i++) {
			size_t full = 0;
			ssize_t n = ipc_recring_recv(&r, &meta, buf,
						     (size_t)i * 40, 0, &full);

			if (n < 0)
				break;
			if ((size_t)n > full || full > CAP ||
			    meta.addrlen > IPC_REC_ADDR_MAX)
				abort();
		}
	}
	free(shm);
}

static void commands(const uint8_t *data, size_t size)
{
	size_t len = ipc_cmdring_region_len(2);
	struct ipc_cmdring_shm *shm = aligned_alloc(64, (len + 63) / 64 * 64);
	struct ipc_cmdring c;
	struct ipc_cmd cmd;

	if (!shm || ipc_cmdring_format(shm, len, 2))
		abort();
	memcpy((uint8_t *)shm + IPC_CMDRING_HDR_LEN, data + 8,
	       size - 8 < sizeof(struct ipc_cmd) * 2
		       ? size - 8
		       : sizeof(struct ipc_cmd) * 2);
	atomic_store(&shm->cmd.tail, ld32(data + 4));
	if (ipc_cmdring_open(&c, shm, len, 2, true))
		abort();
	for (int i = 0; i < 4 && ipc_cmd_fetch(&c, &cmd) != -EAGAIN; i++)
		;
	free(shm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 8)
		return 0;
	bytes(data, size);
	records(data, size);
	commands(data, size);
	return 0;
}
