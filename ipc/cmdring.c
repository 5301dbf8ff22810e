// SPDX-License-Identifier: MIT
/*
 * cmdring.c - per-thread command and completion queues
 *
 * Region layout: struct ipc_cmdring_shm (512 bytes: info, then the two
 * queues' indices and flags on their own cache lines), @slots command slots
 * of 64 bytes, then @slots completion slots of 32 bytes.  Both queues are
 * SPSC queues counted in slots (spsc.c).
 *
 * The app stamps every command with a sequence number; the engine echoes
 * it in the completion.  A thread that gave up on a command (a signal
 * interrupted a blocking connect, say) moves on to the next sequence
 * number, and the late completion of the abandoned command is recognised
 * as stale and dropped instead of being taken for the new one's answer.
 *
 * Slots are copied out of shared memory before anything looks at them.
 */
#include <errno.h>
#include <string.h>

#include "cmdring.h"
#include "doorbell.h"

/* errno values are small positive numbers; anything else is garbage. */
#define ERRNO_MAX 4095

/**
 * ipc_cmdring_region_len() - bytes a command ring of @slots slots needs
 * @slots:	slot count
 *
 * Return: region bytes.
 */
size_t ipc_cmdring_region_len(uint32_t slots)
{
	return IPC_CMDRING_HDR_LEN + (size_t)slots * (sizeof(struct ipc_cmd) +
						      sizeof(struct ipc_cpl));
}

static bool geometry_ok(const void *region, size_t region_len, uint32_t slots)
{
	return region && ((uintptr_t)region % IPC_CACHELINE) == 0 &&
	       ipc_is_pow2(slots) && slots <= IPC_CMDRING_SLOTS_MAX &&
	       ipc_cmdring_region_len(slots) <= region_len;
}

/**
 * ipc_cmdring_format() - lay out an empty command ring (engine side)
 * @region:	start of the region, cache-line aligned
 * @region_len:	bytes in the region
 * @slots:	slots per queue, a power of two up to IPC_CMDRING_SLOTS_MAX
 *
 * Return: 0 or -EINVAL.
 */
int ipc_cmdring_format(void *region, size_t region_len, uint32_t slots)
{
	struct ipc_cmdring_shm *shm = region;

	if (!geometry_ok(region, region_len, slots))
		return -EINVAL;
	memset(region, 0, ipc_cmdring_region_len(slots));
	shm->info.magic = IPC_RING_MAGIC;
	shm->info.kind = IPC_RING_CMD;
	shm->info.cap = slots;
	shm->info.data_off = IPC_CMDRING_HDR_LEN;
	ipc_spsc_format(&shm->cmd);
	ipc_spsc_format(&shm->cpl);
	return 0;
}

/**
 * ipc_cmdring_info_check() - validate a command ring header (shim side)
 * @region:	start of the region
 * @region_len:	bytes in the region, from a trusted source
 * @slots:	where to store the slot count
 *
 * Return: 0 or -EPROTO.
 */
int ipc_cmdring_info_check(const void *region, size_t region_len,
			   uint32_t *slots)
{
	struct ipc_ring_info info;

	if (!region || region_len < IPC_CMDRING_HDR_LEN)
		return -EPROTO;
	memcpy(&info, region, sizeof(info));
	if (info.magic != IPC_RING_MAGIC || info.kind != IPC_RING_CMD ||
	    info.data_off != IPC_CMDRING_HDR_LEN ||
	    !geometry_ok(region, region_len, info.cap))
		return -EPROTO;
	*slots = info.cap;
	return 0;
}

/**
 * ipc_cmdring_open() - take the app or the engine side of a command ring
 * @c:		handle to fill
 * @region:	start of the region
 * @region_len:	bytes in the region
 * @slots:	slot count from a trusted source
 * @engine:	true for the engine (consumes commands, posts completions)
 *
 * The app side starts its sequence numbers after the last command the
 * ring has carried, so a re-opened ring does not reuse live numbers.
 *
 * Return: 0 or -EINVAL.
 */
int ipc_cmdring_open(struct ipc_cmdring *c, void *region, size_t region_len,
		     uint32_t slots, bool engine)
{
	struct ipc_cmdring_shm *shm = region;

	if (!geometry_ok(region, region_len, slots))
		return -EINVAL;
	ipc_spsc_open(&c->cmd, &shm->cmd, slots, !engine);
	ipc_spsc_open(&c->cpl, &shm->cpl, slots, engine);
	c->cmds = (struct ipc_cmd *)((uint8_t *)region + IPC_CMDRING_HDR_LEN);
	c->cpls = (struct ipc_cpl *)(c->cmds + slots);
	c->next_seq = engine ? 0 : c->cmd.mine + 1;
	c->stale = 0;
	c->engine = engine;
	return 0;
}

/**
 * ipc_cmd_submit() - queue a command (app side)
 * @c:		app handle
 * @cmd:	the command; @cmd->seq is assigned here
 *
 * Return: 0, -EAGAIN if all slots are busy, -EINVAL on the wrong side or
 * for an unknown op, or -EPROTO.
 */
int ipc_cmd_submit(struct ipc_cmdring *c, struct ipc_cmd *cmd)
{
	int64_t space;

	if (c->engine || cmd->op >= IPC_OP_MAX)
		return -EINVAL;
	space = ipc_spsc_space(&c->cmd);
	if (space < 0)
		return (int)space;
	if (space == 0)
		return -EAGAIN;
	cmd->seq = c->next_seq++;
	cmd->reserved = 0;
	memcpy(&c->cmds[c->cmd.mine & (c->cmd.cap - 1)], cmd, sizeof(*cmd));
	ipc_spsc_publish(&c->cmd, 1);
	return 0;
}

/**
 * ipc_cmd_fetch() - take the next command (engine side)
 * @c:		engine handle
 * @out:	filled with a private copy of the command
 *
 * An unknown op still consumes the slot and fills @out, so the engine can
 * answer it with EINVAL under its sequence number.
 *
 * Return: 0, -EAGAIN if none, -EBADMSG for an unknown op, -EINVAL on the
 * wrong side, or -EPROTO if the app corrupted the indices.
 */
int ipc_cmd_fetch(struct ipc_cmdring *c, struct ipc_cmd *out)
{
	int64_t used;

	if (!c->engine)
		return -EINVAL;
	used = ipc_spsc_avail(&c->cmd);
	if (used < 0)
		return (int)used;
	if (used == 0)
		return -EAGAIN;
	memcpy(out, &c->cmds[c->cmd.mine & (c->cmd.cap - 1)], sizeof(*out));
	atomic_signal_fence(memory_order_seq_cst);
	ipc_spsc_publish(&c->cmd, 1);
	return out->op < IPC_OP_MAX ? 0 : -EBADMSG;
}

/**
 * ipc_cpl_post() - queue a completion (engine side)
 * @c:		engine handle
 * @cpl:	the completion, @cpl->seq copied from the command
 *
 * Return: 0, -EAGAIN if the app has not reaped enough, -EINVAL, or -EPROTO.
 */
int ipc_cpl_post(struct ipc_cmdring *c, const struct ipc_cpl *cpl)
{
	int64_t space;

	if (!c->engine || cpl->err < 0 || cpl->err > ERRNO_MAX)
		return -EINVAL;
	space = ipc_spsc_space(&c->cpl);
	if (space < 0)
		return (int)space;
	if (space == 0)
		return -EAGAIN;
	memcpy(&c->cpls[c->cpl.mine & (c->cpl.cap - 1)], cpl, sizeof(*cpl));
	ipc_spsc_publish(&c->cpl, 1);
	return 0;
}

/**
 * ipc_cpl_reap() - wait-free check for the completion of command @seq
 * (app side)
 * @c:		app handle
 * @seq:	the sequence number ipc_cmd_submit() assigned
 * @out:	filled with the completion
 *
 * Completions of earlier (abandoned) commands are dropped and counted in
 * @c->stale.  A completion for a number never issued is corrupt.
 *
 * Return: 0, -EAGAIN if it has not arrived, -EINVAL, or -EPROTO.
 */
int ipc_cpl_reap(struct ipc_cmdring *c, uint32_t seq, struct ipc_cpl *out)
{
	struct ipc_cpl cp;

	if (c->engine)
		return -EINVAL;
	/* Bounded: at most one ring's worth of stale entries per call. */
	for (uint32_t i = 0; i <= c->cpl.cap; i++) {
		int64_t used = ipc_spsc_avail(&c->cpl);

		if (used < 0)
			return (int)used;
		if (used == 0)
			return -EAGAIN;
		memcpy(&cp, &c->cpls[c->cpl.mine & (c->cpl.cap - 1)],
		       sizeof(cp));
		atomic_signal_fence(memory_order_seq_cst);
		ipc_spsc_publish(&c->cpl, 1);
		if ((int32_t)(cp.seq - c->next_seq) >= 0 || cp.err < 0 ||
		    cp.err > ERRNO_MAX)
			return -EPROTO;
		if (cp.seq == seq) {
			*out = cp;
			return 0;
		}
		c->stale++;
	}
	return -EAGAIN;
}

/**
 * ipc_cmdring_kick() - after submitting/reaping (app) or fetching/posting
 * (engine), ring the peer's sleepers on this ring if an edge was crossed
 * @c:		handle
 * @to:		where the other side sleeps
 *
 * Both queues are checked: the app may have produced a command (engine
 * waits for data) and consumed a completion (engine waits for space).
 *
 * Return: 1 if a doorbell was rung, 0 if not, or -errno.
 */
int ipc_cmdring_kick(struct ipc_cmdring *c, const struct ipc_bells *to)
{
	uint64_t a, b;
	int ra = ipc_spsc_kick(&c->cmd, &a), rb = ipc_spsc_kick(&c->cpl, &b);
	int rc;

	if (ra < 0 || rb < 0)
		return ra < 0 ? ra : rb;
	if (!(a | b))
		return 0;
	rc = ipc_doorbell_ring_mask(to, a | b);
	return rc < 0 ? rc : 1;
}

/**
 * ipc_cmdring_wait_prepare() - arm the wake-me bit of the incoming queue
 * (completions for the app, commands for the engine), then re-check
 * @c:		handle
 * @who:	the sleeper's waiter bit (doorbell.h)
 *
 * Return: 1 if something is waiting (cancel, do not sleep), 0 to sleep, or
 * -EPROTO.
 */
int ipc_cmdring_wait_prepare(struct ipc_cmdring *c, uint64_t who)
{
	return ipc_spsc_wait_prepare(c->engine ? &c->cmd : &c->cpl, 0, who);
}

/**
 * ipc_cmdring_wait_cancel() - disarm the incoming queue's wake-me bit
 * @c:		handle
 * @who:	as armed
 */
void ipc_cmdring_wait_cancel(struct ipc_cmdring *c, uint64_t who)
{
	ipc_spsc_wait_cancel(c->engine ? &c->cmd : &c->cpl, who);
}
