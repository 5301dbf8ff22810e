// SPDX-License-Identifier: MIT
/*
 * ctlmsg.c - control messages of the attach handshake, field by field
 *
 * Wire format (little-endian, no padding; include/nsstack/ipc.h):
 *
 *   0  u16 type   2  u16 total length   4  u32 version
 *   HELLO    8  u32 pid        12 u32 flags
 *   WELCOME  8  u64 arena_size 16 u64 region_off 24 u32 region_len
 *            28 u32 nregions   32 u32 client_id  36 u32 worker_id
 *            40 u64 cmd_ring_off 48 u32 cmd_slots 52 u32 nfds
 *   REJECT   8  u32 err
 *   PASS     8  u32 sock       12 u32 reserved
 *   ADOPT    8  u64 reserved
 *   WAITER   8  u32 slot       12 u32 reserved
 *   RESULT   8  u32 err        12 u32 sock       16 u64 offs
 *            24 u32 type       28 u32 family     32 u32 flags
 *
 * Decoding is strict: the length field must equal the bytes received and
 * the fixed size of the type, unknown flag bits are refused, and a WELCOME
 * must describe an arena whose regions fit inside it.  Strictness makes the
 * encoding canonical (decode then encode gives back the same bytes), which
 * the fuzz harness checks.  Every failure is -EBADMSG.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "arena.h"
#include "ctlmsg.h"
#include "doorbell.h"

static uint16_t ld_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t ld_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t ld_le64(const uint8_t *p)
{
	return (uint64_t)ld_le32(p) | (uint64_t)ld_le32(p + 4) << 32;
}

static void st_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void st_le32(uint8_t *p, uint32_t v)
{
	st_le16(p, (uint16_t)v);
	st_le16(p + 2, (uint16_t)(v >> 16));
}

static void st_le64(uint8_t *p, uint64_t v)
{
	st_le32(p, (uint32_t)v);
	st_le32(p + 4, (uint32_t)(v >> 32));
}

/* The fixed length of a message type, or 0 for an unknown type. */
static size_t msg_len(uint16_t type)
{
	switch (type) {
	case IPC_MSG_HELLO:
		return IPC_MSG_HELLO_LEN;
	case IPC_MSG_WELCOME:
		return IPC_MSG_WELCOME_LEN;
	case IPC_MSG_REJECT:
		return IPC_MSG_REJECT_LEN;
	case IPC_MSG_PASS:
	case IPC_MSG_ADOPT:
	case IPC_MSG_WAITER:
		/* One length for all three (a number, or none, and padding). */
		return IPC_MSG_PASS_LEN;
	case IPC_MSG_RESULT:
		return IPC_MSG_RESULT_LEN;
	default:
		return 0;
	}
}

/*
 * Semantic checks shared by encode and decode: what a well-behaved peer
 * can send.  The WELCOME layout is checked with the arena's own rules
 * against the announced size, and the command ring must be a region.
 */
static bool msg_valid(const struct ipc_msg *m)
{
	const struct ipc_welcome *w = &m->u.welcome;
	struct ipc_arena_layout lay;
	uint64_t rel;

	if (m->version == 0)
		return false;
	switch (m->type) {
	case IPC_MSG_HELLO:
		return m->u.hello.pid != 0 &&
		       !(m->u.hello.flags & ~IPC_HELLO_F_ALL);
	case IPC_MSG_REJECT:
		return m->u.reject.err >= 1 && m->u.reject.err <= 4095;
	case IPC_MSG_PASS:
		return m->u.pass.sock != 0;
	case IPC_MSG_ADOPT:
		return true;
	case IPC_MSG_WAITER:
		return m->u.waiter.slot < IPC_WAITERS;
	case IPC_MSG_RESULT:
		return m->u.result.err <= 4095 &&
		       !(m->u.result.flags & ~IPC_RES_F_ALL);
	case IPC_MSG_WELCOME:
		lay.size = w->arena_size;
		lay.region_off = w->region_off;
		lay.region_len = w->region_len;
		lay.nregions = w->nregions;
		if (ipc_arena_layout_check(&lay, w->arena_size))
			return false;
		if (w->cmd_ring_off < w->region_off)
			return false;
		rel = w->cmd_ring_off - w->region_off;
		return rel % w->region_len == 0 &&
		       rel / w->region_len < w->nregions && w->cmd_slots != 0 &&
		       !(w->cmd_slots & (w->cmd_slots - 1)) &&
		       w->cmd_slots <= 4096 && w->nfds == IPC_WFD_COUNT;
	default:
		return false;
	}
}

/**
 * ipc_msg_decode() - parse one control message
 * @buf:	the bytes of one SOCK_SEQPACKET record
 * @len:	how many
 * @out:	filled with the host-order message on success
 *
 * The encoding is canonical: reserved bytes (the padding of PASS, ADOPT
 * and WAITER) must be zero, so what decodes re-encodes to the very same
 * bytes.
 *
 * Return: 0 or -EBADMSG (short, long, unknown, inconsistent or
 * non-canonical input).
 */
int ipc_msg_decode(const void *buf, size_t len, struct ipc_msg *out)
{
	uint8_t canon[IPC_MSG_MAX_LEN];
	const uint8_t *p = buf;
	struct ipc_msg m;

	if (!buf || len < IPC_MSG_HDR_LEN)
		return -EBADMSG;
	memset(&m, 0, sizeof(m));
	m.type = ld_le16(p);
	m.version = ld_le32(p + 4);
	if (msg_len(m.type) == 0 || ld_le16(p + 2) != len ||
	    len != msg_len(m.type))
		return -EBADMSG;
	switch (m.type) {
	case IPC_MSG_HELLO:
		m.u.hello.pid = ld_le32(p + 8);
		m.u.hello.flags = ld_le32(p + 12);
		break;
	case IPC_MSG_WELCOME:
		m.u.welcome.arena_size = ld_le64(p + 8);
		m.u.welcome.region_off = ld_le64(p + 16);
		m.u.welcome.region_len = ld_le32(p + 24);
		m.u.welcome.nregions = ld_le32(p + 28);
		m.u.welcome.client_id = ld_le32(p + 32);
		m.u.welcome.worker_id = ld_le32(p + 36);
		m.u.welcome.cmd_ring_off = ld_le64(p + 40);
		m.u.welcome.cmd_slots = ld_le32(p + 48);
		m.u.welcome.nfds = ld_le32(p + 52);
		break;
	case IPC_MSG_REJECT:
		m.u.reject.err = ld_le32(p + 8);
		break;
	case IPC_MSG_PASS:
		m.u.pass.sock = ld_le32(p + 8);
		break;
	case IPC_MSG_WAITER:
		m.u.waiter.slot = ld_le32(p + 8);
		break;
	case IPC_MSG_RESULT:
		m.u.result.err = ld_le32(p + 8);
		m.u.result.sock = ld_le32(p + 12);
		m.u.result.offs = ld_le64(p + 16);
		m.u.result.type = ld_le32(p + 24);
		m.u.result.family = ld_le32(p + 28);
		m.u.result.flags = ld_le32(p + 32);
		break;
	}
	if (!msg_valid(&m))
		return -EBADMSG;
	if (ipc_msg_encode(&m, canon, sizeof(canon)) != (ssize_t)len ||
	    memcmp(canon, p, len) != 0)
		return -EBADMSG;
	*out = m;
	return 0;
}

/**
 * ipc_msg_encode() - write one control message
 * @m:		the message
 * @buf:	destination
 * @cap:	room in @buf
 *
 * Return: bytes written, -EINVAL for a message decode would refuse, or
 * -ENOBUFS if @cap is too small.
 */
ssize_t ipc_msg_encode(const struct ipc_msg *m, void *buf, size_t cap)
{
	size_t len = msg_len(m->type);
	uint8_t *p = buf;

	if (!len || !msg_valid(m))
		return -EINVAL;
	if (cap < len)
		return -ENOBUFS;
	memset(p, 0, len);
	st_le16(p, m->type);
	st_le16(p + 2, (uint16_t)len);
	st_le32(p + 4, m->version);
	switch (m->type) {
	case IPC_MSG_HELLO:
		st_le32(p + 8, m->u.hello.pid);
		st_le32(p + 12, m->u.hello.flags);
		break;
	case IPC_MSG_WELCOME:
		st_le64(p + 8, m->u.welcome.arena_size);
		st_le64(p + 16, m->u.welcome.region_off);
		st_le32(p + 24, m->u.welcome.region_len);
		st_le32(p + 28, m->u.welcome.nregions);
		st_le32(p + 32, m->u.welcome.client_id);
		st_le32(p + 36, m->u.welcome.worker_id);
		st_le64(p + 40, m->u.welcome.cmd_ring_off);
		st_le32(p + 48, m->u.welcome.cmd_slots);
		st_le32(p + 52, m->u.welcome.nfds);
		break;
	case IPC_MSG_REJECT:
		st_le32(p + 8, m->u.reject.err);
		break;
	case IPC_MSG_PASS:
		st_le32(p + 8, m->u.pass.sock);
		break;
	case IPC_MSG_WAITER:
		st_le32(p + 8, m->u.waiter.slot);
		break;
	case IPC_MSG_RESULT:
		st_le32(p + 8, m->u.result.err);
		st_le32(p + 12, m->u.result.sock);
		st_le64(p + 16, m->u.result.offs);
		st_le32(p + 24, m->u.result.type);
		st_le32(p + 28, m->u.result.family);
		st_le32(p + 32, m->u.result.flags);
		break;
	}
	return (ssize_t)len;
}
