/* SPDX-License-Identifier: MIT */
/*
 * ipc.h - shared-memory layout and control protocol between nsstackd and
 * the shim
 *
 * Everything in this header is a contract between two processes that do not
 * trust each other equally: the engine (nsstackd) creates the arena and
 * formats every ring in it; the shim (libnsshim.so, inside an app) maps the
 * arena and reads and writes the rings it was given.  The engine treats
 * every byte of the arena as untrusted input.  ipc/README.md draws the
 * layout and states who may write which word, in which order.
 *
 * Multi-byte fields in shared memory are in host order (both sides run on
 * the same machine); control messages on the AF_UNIX socket are
 * little-endian and encoded field by field by ipc/ctlmsg.c, never by
 * casting a struct onto the bytes.
 */
#ifndef NSSTACK_IPC_H
#define NSSTACK_IPC_H

#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>

/*
 * Protocol version: bumped on any change to this file's layouts (and to
 * the state words of nsstack/shimproto.h).  2: the 64-byte record header
 * with the datagram's destination; urgent-data state words.
 */
#define IPC_VERSION 2u

/* Indices live alone on their own cache line so that producer and consumer
 * do not bounce one line between cores on every update. */
#define IPC_CACHELINE 64u

/* ---- Arena ------------------------------------------------------------ */

#define IPC_ARENA_MAGIC 0x5241534eu /* "NSAR" in memory order */
/* The header owns the first page; regions start at or after it. */
#define IPC_ARENA_HDR_LEN 4096u
/* Smallest region: a ring header plus one cache line of data. */
#define IPC_REGION_MIN 512u
/* Upper bound on an arena, so sizes from the peer cannot make us map or
 * compute anything absurd. */
#define IPC_ARENA_MAX_SIZE (1ull << 34)

/**
 * struct ipc_arena_hdr - first bytes of every arena
 * @magic:	IPC_ARENA_MAGIC
 * @version:	IPC_VERSION
 * @hdr_len:	sizeof(struct ipc_arena_hdr)
 * @size:	bytes in the whole arena (the memfd size)
 * @region_off:	offset of region 0 from the arena start
 * @region_len:	bytes per region (a multiple of IPC_CACHELINE)
 * @nregions:	number of regions
 *
 * Written once by the engine before the memfd is handed out.  The engine
 * keeps its own private copy and never steers by these words again; the
 * shim validates them once at map time (ipc_arena_hdr_check()).
 */
struct ipc_arena_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t hdr_len;
	uint64_t size;
	uint64_t region_off;
	uint32_t region_len;
	uint32_t nregions;
};

/* ---- Rings -------------------------------------------------------------- */

#define IPC_RING_MAGIC 0x4752534eu /* "NSRG" in memory order */

/* What a region holds; recorded in its ring header. */
enum ipc_ring_kind {
	IPC_RING_BYTES = 1,   /* stream socket data: struct ipc_bytering */
	IPC_RING_RECORDS = 2, /* datagrams: struct ipc_recring */
	IPC_RING_CMD = 3,     /* per-thread commands: struct ipc_cmdring */
};

/*
 * Wake-me masks (ipc/doorbell.h): bit i < IPC_WAITERS is the app's private
 * waiter i, sleeping on a doorbell of its own (WAITER below);
 * IPC_WAIT_SHARED is whoever sleeps on the side's shared doorbell.
 */
#define IPC_WAITERS 63u
#define IPC_WAIT_SHARED (UINT64_C(1) << 63)
#define IPC_WAITER_BIT(i) (UINT64_C(1) << (i))

/**
 * struct ipc_spsc_shm - the shared words of one single-producer,
 * single-consumer queue
 * @head:	units consumed, free-running; written only by the consumer
 * @tail:	units produced, free-running; written only by the producer
 * @cons_wait:	the sleeping consumer threads (ipc/doorbell.h's waiter
 *		bits); each sets its own bit, clears it when it wakes; the
 *		other side takes them all when it rings
 * @prod_wait:	the sleeping producer threads, likewise
 * @prod_need:	the free units the last producer to arm waits for
 *
 * A unit is a byte for byte and record rings and a slot for command rings.
 * used = tail - head (mod 2^32) is always <= capacity; a reader that finds
 * otherwise reports -EPROTO and touches nothing.
 */
struct ipc_spsc_shm {
	alignas(IPC_CACHELINE) _Atomic uint32_t head;
	alignas(IPC_CACHELINE) _Atomic uint32_t tail;
	alignas(IPC_CACHELINE) _Atomic uint64_t cons_wait;
	_Atomic uint64_t prod_wait;
	_Atomic uint32_t prod_need;
};

/**
 * struct ipc_ring_info - read-only description of a ring, written by the
 * engine when it formats the region
 * @magic:	IPC_RING_MAGIC
 * @kind:	enum ipc_ring_kind
 * @cap:	capacity in units (a power of two)
 * @data_off:	offset of the data (or slots) from the region start
 */
struct ipc_ring_info {
	uint32_t magic;
	uint32_t kind;
	uint32_t cap;
	uint32_t data_off;
};

/**
 * struct ipc_ring_shm - header of a byte or record ring region; the data
 * (cap bytes) follows at info.data_off == IPC_RING_HDR_LEN
 * @info:	what the ring is, written once by the engine
 * @idx:	the indices and wait flags
 */
struct ipc_ring_shm {
	alignas(IPC_CACHELINE) struct ipc_ring_info info;
	struct ipc_spsc_shm idx;
};

#define IPC_RING_HDR_LEN 256u

/* ---- Record rings (datagram sockets) ---------------------------------- */

/* Records start on 8-byte boundaries: a record's first word is always
 * readable in one piece, and a skip marker always fits before the end. */
#define IPC_REC_ALIGN 8u
/* In @len: "nothing more until the end of the ring; continue at offset 0" */
#define IPC_REC_SKIP 0xffffffffu
/* Room for any address the stack speaks: sizeof(struct sockaddr_in6). */
#define IPC_REC_ADDR_MAX 28u

/* Room for the address a datagram was sent to: an IPv6 address. */
#define IPC_REC_DST_MAX 16u

/**
 * struct ipc_rec_hdr - header in front of every datagram in a record ring
 * @len:	payload bytes that follow, or IPC_REC_SKIP
 * @flags:	per-datagram flags, opaque to the ring (the users' meaning:
 *		SHIM_REC_F_* in nsstack/shimproto.h)
 * @addrlen:	valid bytes in @addr (at most IPC_REC_ADDR_MAX)
 * @ifindex:	rx: the interface it came in on (IP_PKTINFO); else zero
 * @addr:	source (rx) or destination (tx) socket address
 * @tos:	rx: the IPv4 TOS byte (IP_RECVTOS); else zero
 * @ttl:	rx: the IPv4 TTL (IP_RECVTTL); else zero
 * @pad:	zero
 * @dst:	rx: the address it was sent to, and for IPv4 the local
 *		address a reply would come from (IP_PKTINFO's ipi_addr and
 *		ipi_spec_dst), as @flags say; else zero
 *
 * 64 bytes, a multiple of IPC_REC_ALIGN.  The ring copies every field;
 * only @len and @addrlen mean anything to it.
 */
struct ipc_rec_hdr {
	uint32_t len;
	uint32_t flags;
	uint32_t addrlen;
	uint32_t ifindex;
	uint8_t addr[IPC_REC_ADDR_MAX];
	uint8_t tos;
	uint8_t ttl;
	uint16_t pad;
	uint8_t dst[IPC_REC_DST_MAX];
};

#define IPC_REC_HDR_LEN 64u

/* ---- Command rings (one per app thread) --------------------------------- */

/* Operations that need the engine.  The ipc layer only range-checks @op;
 * the meaning of the arguments belongs to the engine's socket layer. */
enum ipc_op {
	IPC_OP_NOP = 0,
	IPC_OP_SOCKET,
	IPC_OP_BIND,
	IPC_OP_LISTEN,
	IPC_OP_ACCEPT,
	IPC_OP_CONNECT,
	IPC_OP_SHUTDOWN,
	IPC_OP_CLOSE,
	IPC_OP_SETSOCKOPT,
	IPC_OP_GETSOCKOPT,
	IPC_OP_GETNAME,
	IPC_OP_SHARE,
	IPC_OP_OOB,
	IPC_OP_MAX,
};

#define IPC_CMD_NARGS 6

/*
 * CLOSE's @flags.  LINGER: SO_LINGER with a timeout is set, so if this
 * app is the socket's only holder the engine only shuts it for writing
 * and completes with @result 1; the shim waits for SHIM_EV_FINACK (or the
 * timeout) and sends a plain CLOSE.
 */
#define IPC_CLOSE_F_LINGER 0x1u

/**
 * struct ipc_cmd - one command slot (app -> engine), 64 bytes
 * @seq:	sequence number chosen by the app, echoed in the completion
 * @op:		enum ipc_op
 * @flags:	per-op flags
 * @sock:	engine socket id the command is about (0: none)
 * @reserved:	zero
 * @arg:	op arguments (values or arena offsets, never pointers)
 */
struct ipc_cmd {
	uint32_t seq;
	uint16_t op;
	uint16_t flags;
	uint32_t sock;
	uint32_t reserved;
	uint64_t arg[IPC_CMD_NARGS];
};

/**
 * struct ipc_cpl - one completion slot (engine -> app), 32 bytes
 * @seq:	@seq of the command this completes
 * @err:	0, or the positive errno the call should fail with
 * @result:	the call's return value when @err is 0
 * @val:	extra results (new socket id, ring offsets, ...)
 */
struct ipc_cpl {
	uint32_t seq;
	int32_t err;
	int64_t result;
	uint64_t val[2];
};

/**
 * struct ipc_cmdring_shm - header of a command-ring region; @info.cap
 * command slots follow at @info.data_off, then as many completion slots
 * @info:	what the ring is, written once by the engine
 * @cmd:	app -> engine queue of struct ipc_cmd
 * @cpl:	engine -> app queue of struct ipc_cpl
 */
struct ipc_cmdring_shm {
	alignas(IPC_CACHELINE) struct ipc_ring_info info;
	struct ipc_spsc_shm cmd;
	struct ipc_spsc_shm cpl;
};

#define IPC_CMDRING_HDR_LEN 512u

/* ---- Control messages (AF_UNIX SOCK_SEQPACKET) -------------------------- */

/*
 * Every message: u16 type, u16 total length, u32 sender's IPC_VERSION, then
 * the body; little-endian, no padding, reserved fields zero.  A message is
 * exactly one SOCK_SEQPACKET record; the length field must equal the record.
 */
enum ipc_msg_type {
	IPC_MSG_HELLO = 1,   /* app -> engine: attach me */
	IPC_MSG_WELCOME = 2, /* engine -> app: your arena, with fds */
	IPC_MSG_REJECT = 3,  /* engine -> app: no, with an errno */
	/* After WELCOME, on the same connection (SCM_RIGHTS of engine
	 * sockets, shimproto.h "Passing"); each is answered by a RESULT. */
	IPC_MSG_PASS = 4,   /* app -> engine: a passable anchor for a socket */
	IPC_MSG_ADOPT = 5,  /* app -> engine: this fd came to me; its socket */
	IPC_MSG_RESULT = 6, /* engine -> app: how PASS or ADOPT went */
	/* app -> engine: make private waiter N's doorbell (ipc/doorbell.h);
	 * the RESULT carries its sleeping end */
	IPC_MSG_WAITER = 7,
};

#define IPC_MSG_HDR_LEN 8u
#define IPC_MSG_HELLO_LEN (IPC_MSG_HDR_LEN + 8u)
#define IPC_MSG_WELCOME_LEN (IPC_MSG_HDR_LEN + 48u)
#define IPC_MSG_REJECT_LEN (IPC_MSG_HDR_LEN + 4u)
#define IPC_MSG_PASS_LEN (IPC_MSG_HDR_LEN + 8u)
#define IPC_MSG_ADOPT_LEN IPC_MSG_PASS_LEN  /* 8 reserved bytes */
#define IPC_MSG_WAITER_LEN IPC_MSG_PASS_LEN /* a waiter number, padding */
#define IPC_MSG_RESULT_LEN (IPC_MSG_HDR_LEN + 32u)
#define IPC_MSG_MAX_LEN 256u

/* HELLO flags */
#define IPC_HELLO_F_CHILD 0x1u /* re-attach of a forked child */
#define IPC_HELLO_F_ALL IPC_HELLO_F_CHILD

/* RESULT flags: what the adopted socket is (ADOPT) */
#define IPC_RES_F_LISTEN 0x1u	 /* a listener */
#define IPC_RES_F_CONNDONE 0x2u	 /* stream: connected (or was) */
#define IPC_RES_F_CONNECTED 0x4u /* datagram: connect()ed */
#define IPC_RES_F_SHUT_RD 0x8u	 /* stream: shut down for reading */
#define IPC_RES_F_SHUT_WR 0x10u	 /* stream: shut down for writing */
#define IPC_RES_F_HELD 0x20u	 /* the app already holds it: same id */
#define IPC_RES_F_ALL 0x3fu

/* Most fds one control message may carry. */
#define IPC_CTL_MAX_FDS 8u

/* The fds that come with WELCOME, in this order. */
enum ipc_welcome_fd {
	IPC_WFD_ARENA = 0,  /* the arena memfd */
	IPC_WFD_ENGINE = 1, /* the ring end of the engine's doorbell */
	IPC_WFD_THREAD = 2, /* the sleeping end of the app's shared doorbell */
	IPC_WFD_COUNT = 3,
};

/* The layout is the protocol: catch any drift at compile time. */
_Static_assert(sizeof(struct ipc_arena_hdr) <= IPC_ARENA_HDR_LEN,
	       "arena header fits its page");
_Static_assert(sizeof(struct ipc_spsc_shm) == 3 * IPC_CACHELINE,
	       "head, tail and flags on three cache lines");
_Static_assert(sizeof(struct ipc_ring_shm) <= IPC_RING_HDR_LEN,
	       "ring header fits IPC_RING_HDR_LEN");
_Static_assert(sizeof(struct ipc_rec_hdr) == IPC_REC_HDR_LEN &&
		       IPC_REC_HDR_LEN % IPC_REC_ALIGN == 0,
	       "record header size");
_Static_assert(sizeof(struct ipc_cmd) == 64, "command slot is 64 bytes");
_Static_assert(sizeof(struct ipc_cpl) == 32, "completion slot is 32 bytes");
_Static_assert(sizeof(struct ipc_cmdring_shm) <= IPC_CMDRING_HDR_LEN,
	       "command ring header fits IPC_CMDRING_HDR_LEN");

#endif /* NSSTACK_IPC_H */
