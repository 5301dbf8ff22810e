/* SPDX-License-Identifier: MIT */
/*
 * cmdring.h - per-thread command and completion queues between an app
 * thread (shim) and the engine
 */
#ifndef NSSTACK_IPC_CMDRING_H
#define NSSTACK_IPC_CMDRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "doorbell.h"
#include "spsc.h"

/* Most slots a command ring may have. */
#define IPC_CMDRING_SLOTS_MAX 4096u

/**
 * struct ipc_cmdring - one side's handle on a command ring
 * @cmd:	app -> engine queue (app produces)
 * @cpl:	engine -> app queue (engine produces)
 * @cmds:	command slots
 * @cpls:	completion slots
 * @next_seq:	app side: the sequence number of the next command
 * @stale:	app side: completions dropped because nobody waits for them
 * @engine:	which side this is
 */
struct ipc_cmdring {
	struct ipc_spsc cmd;
	struct ipc_spsc cpl;
	struct ipc_cmd *cmds;
	struct ipc_cpl *cpls;
	uint32_t next_seq;
	uint64_t stale;
	bool engine;
};

size_t ipc_cmdring_region_len(uint32_t slots);
int ipc_cmdring_format(void *region, size_t region_len, uint32_t slots);
int ipc_cmdring_info_check(const void *region, size_t region_len,
			   uint32_t *slots);
int ipc_cmdring_open(struct ipc_cmdring *c, void *region, size_t region_len,
		     uint32_t slots, bool engine);
int ipc_cmd_submit(struct ipc_cmdring *c, struct ipc_cmd *cmd);
int ipc_cmd_fetch(struct ipc_cmdring *c, struct ipc_cmd *out);
int ipc_cpl_post(struct ipc_cmdring *c, const struct ipc_cpl *cpl);
int ipc_cpl_reap(struct ipc_cmdring *c, uint32_t seq, struct ipc_cpl *out);
int ipc_cmdring_kick(struct ipc_cmdring *c, const struct ipc_bells *to);
int ipc_cmdring_wait_prepare(struct ipc_cmdring *c, uint64_t who);
void ipc_cmdring_wait_cancel(struct ipc_cmdring *c, uint64_t who);

#endif /* NSSTACK_IPC_CMDRING_H */
