/* SPDX-License-Identifier: MIT */
/*
 * ctlmsg.h - encode and decode the control messages of the attach
 * handshake (HELLO -> WELCOME or REJECT)
 */
#ifndef NSSTACK_IPC_CTLMSG_H
#define NSSTACK_IPC_CTLMSG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nsstack/ipc.h"

/**
 * struct ipc_hello - app -> engine: attach this process
 * @pid:	the app's pid (the engine trusts SO_PEERCRED, not this)
 * @flags:	IPC_HELLO_F_*
 */
struct ipc_hello {
	uint32_t pid;
	uint32_t flags;
};

/**
 * struct ipc_welcome - engine -> app: the arena and the first command
 * ring; comes with IPC_WFD_COUNT fds in enum ipc_welcome_fd order
 * @arena_size:	memfd size to map
 * @region_off:	offset of region 0
 * @region_len:	bytes per region
 * @nregions:	region count
 * @client_id:	the engine's name for this attachment
 * @worker_id:	the engine worker that owns it
 * @cmd_ring_off: region of the first thread's command ring
 * @cmd_slots:	slots per command queue
 * @nfds:	fds attached (IPC_WFD_COUNT)
 */
struct ipc_welcome {
	uint64_t arena_size;
	uint64_t region_off;
	uint32_t region_len;
	uint32_t nregions;
	uint32_t client_id;
	uint32_t worker_id;
	uint64_t cmd_ring_off;
	uint32_t cmd_slots;
	uint32_t nfds;
};

/**
 * struct ipc_reject - engine -> app: attach refused
 * @err:	positive errno (EPERM, EPROTONOSUPPORT, ENOSPC, ...)
 */
struct ipc_reject {
	uint32_t err;
};

/**
 * struct ipc_pass - app -> engine: make a passable anchor for socket @sock
 * (one of the app's own ids); answered by a RESULT carrying the new
 * anchor fd, which the app puts in place of its own before it sends it
 * @sock:	the socket id
 */
struct ipc_pass {
	uint32_t sock;
};

/**
 * struct ipc_waiter - app -> engine: make a doorbell for the app's private
 * waiter @slot, replacing any it had; answered by a RESULT carrying the
 * sleeping end (the engine keeps the ring end)
 * @slot:	0 .. IPC_WAITERS - 1
 */
struct ipc_waiter {
	uint32_t slot;
};

/**
 * struct ipc_result - engine -> app: the answer to PASS, ADOPT or WAITER
 * @err:	0 or a positive errno
 * @sock:	the socket id in the receiving app (ADOPT), or the PASS's
 * @offs:	ADOPT: tx ring offset | rx ring offset << 32
 * @type:	ADOPT: SOCK_STREAM or SOCK_DGRAM
 * @family:	ADOPT: AF_INET or AF_INET6
 * @flags:	ADOPT: IPC_RES_F_*
 */
struct ipc_result {
	uint32_t err;
	uint32_t sock;
	uint64_t offs;
	uint32_t type;
	uint32_t family;
	uint32_t flags;
};

/**
 * struct ipc_msg - a decoded control message
 * @type:	enum ipc_msg_type
 * @version:	the sender's IPC_VERSION
 * @u:		the body for @type
 */
struct ipc_msg {
	uint16_t type;
	uint32_t version;
	union {
		struct ipc_hello hello;
		struct ipc_welcome welcome;
		struct ipc_reject reject;
		struct ipc_pass pass;
		struct ipc_waiter waiter;
		struct ipc_result result;
	} u;
};

int ipc_msg_decode(const void *buf, size_t len, struct ipc_msg *out);
ssize_t ipc_msg_encode(const struct ipc_msg *m, void *buf, size_t cap);

#endif /* NSSTACK_IPC_CTLMSG_H */
