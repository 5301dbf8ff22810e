/* SPDX-License-Identifier: MIT */
/*
 * shimproto.h - what the shim and the engine's app layer (stack/app.c) put
 * in the generic IPC commands and in the per-socket state words
 *
 * ipc.h fixes the arena, rings and command slots; this header gives them
 * meaning for sockets.  Everything here is read by the engine as untrusted
 * input: ids, lengths and offsets are checked against the engine's own
 * books before use.
 *
 * Attach: the shim connects to the engine's control socket (the same one
 * nsctl uses) and sends a binary HELLO.  A HELLO starts with the bytes 01 00
 * (type 1, little-endian), a JSON request with '{', so one socket serves
 * both.  After WELCOME, the shim's first command is IPC_OP_NOP with
 * arg[0] = SHIM_NOP_DESCRIBE, which returns the offset of the state table.
 *
 * Commands (struct ipc_cmd; "addr" is up to 28 bytes of a sockaddr packed
 * into arg[1..4], its length in arg[0]):
 *
 *   NOP        arg0 = SHIM_NOP_DESCRIBE -> val0 = state region offset
 *              (SHIM_STATE_LEN bytes from there), val1 = sockets per app;
 *              arg0 = SHIM_NOP_FORKKEY -> val0 = this app's secret (64
 *              random bits), val1 = its client id
 *   SOCKET     arg0 domain, arg1 type, arg2 protocol -> result = socket id,
 *              val0 = tx ring offset (app produces),
 *              val1 = rx ring offset (engine produces); record rings for
 *              SOCK_DGRAM, byte rings for SOCK_STREAM
 *   BIND       sock, addr
 *   CONNECT    sock, addr (AF_UNSPEC dissolves a datagram association).
 *              A stream socket answers EINPROGRESS at once (or EALREADY,
 *              EISCONN, ENETUNREACH...): the handshake's outcome is
 *              published in the state words (SHIM_EV_CONNECTED, or err +
 *              SHIM_EV_ERR with ECONNREFUSED, ETIMEDOUT...)
 *   LISTEN     sock, arg0 backlog (stream sockets)
 *   ACCEPT     sock (a listener) -> result = the new socket's id,
 *              val0 = tx ring offset | rx ring offset << 32,
 *              val1 = peer IPv4 address | peer port << 32, both in
 *              network byte order as in struct sockaddr_in; for an
 *              AF_INET6 listener val1 = 0 and the peer's sockaddr_in6
 *              (IPv4 peers as ::ffff:a.b.c.d) is in the listener's
 *              scratch area; EAGAIN when the accept queue is empty.
 *              ACCEPT also arms the listener's accept ring (below)
 *   SHUTDOWN   sock, arg0 how (SHUT_RD, SHUT_WR, SHUT_RDWR).  SHUT_WR
 *              takes effect (FIN) after the bytes already in the tx ring
 *   CLOSE      sock.  A stream socket's close also waits for the tx ring
 *              to drain; unread bytes in its rx ring reset the connection.
 *              flags IPC_CLOSE_F_LINGER (SO_LINGER with a timeout): if
 *              the app alone holds a connected stream with nothing
 *              unread, only SHUT_WR now and result 1; the shim waits for
 *              SHIM_EV_FINACK or its timeout, then CLOSEs plainly
 *   SETSOCKOPT sock, arg0 level, arg1 name, arg2 optlen (<= 256):
 *              up to SHIM_OPT_MAX (16) value bytes in arg3..arg4, longer
 *              values (struct ipv6_mreq, ...) in the socket's scratch area
 *   GETSOCKOPT sock, arg0 level, arg1 name, arg2 optlen (<= 256)
 *              -> result = optlen; value bytes in val0..val1 when arg2 <=
 *              SHIM_OPT_MAX, else in the scratch area (struct tcp_info)
 *   GETNAME    sock, arg0 = SHIM_NAME_SOCK or SHIM_NAME_PEER
 *              -> result = addrlen, address bytes in val0..val1 when
 *              addrlen <= 16, else in the scratch area (sockaddr_in6)
 *   SHARE      sock = a socket id of the parent app, arg0 = the parent's
 *              client id, arg1 = the parent's secret -> result = a new
 *              socket id in this app naming the same engine socket,
 *              val0 = tx ring offset | rx ring offset << 32.  EPERM when
 *              the parent is unknown, is this app, runs as another user,
 *              or the secret differs; EBADF when the parent has no such
 *              socket
 *   OOB        sock (a stream socket), arg0 = what (urgent data, see
 *              "Urgent data" below):
 *              SHIM_OOB_SEND: arg1 = a tx ring counter: the byte just
 *              before it (written after the completion) is urgent, as
 *              the last byte of send(MSG_OOB); EINVAL unless 1 <= arg1 -
 *              (bytes the engine took) <= ring capacity
 *              SHIM_OOB_RECV: recv(MSG_OOB): arg1 = MSG_PEEK | MSG_TRUNC
 *              bits, arg2 = the buffer length (only zero or not
 *              matters) -> result = 1 or 0, val0 = the byte, val1 =
 *              MSG_OOB | MSG_TRUNC bits for msg_flags; errors as Linux
 *              (EINVAL, EAGAIN, ENOTCONN)
 *              SHIM_OOB_OWNER: arg1 = the owner F_SETOWN gave the fd
 *              (0: none): SIGURG goes to it on a new urgent pointer if
 *              it is the app's own pid; other owners are kept by the
 *              kernel for F_GETOWN but get no SIGURG from the engine
 *
 * The scratch area: SHIM_SCRATCH_LEN bytes per socket slot, in the state
 * region after the state table.  The app writes it before a command and
 * reads it after the completion; the engine copies it once and checks the
 * copy.  One command per socket may use it at a time (the shim holds the
 * socket's command lock).
 *
 * Errors come back as cpl.err (a positive errno, kernel semantics).
 *
 * The accept ring: once an app has sent ACCEPT on a listener it alone
 * holds, the engine accepts connections for it as they complete the
 * handshake, with no command: it makes the app socket (slot, state words,
 * rings) and appends a struct shim_accept_rec to the listener's rx ring,
 * a byte ring that carries no data on a listener, then kicks that ring.
 * accept() reads one record (exactly SHIM_ACCEPT_REC_LEN bytes) and makes
 * the fd; it sends ACCEPT only when the ring is empty.  The engine learns
 * which records were taken from the ring's head: taken sockets are the
 * app's like any other; those still in the ring when the listener closes
 * (or the app dies) are reset, as Linux resets its accept queue.  Records
 * still in the ring count against the backlog.  The engine never reads a
 * record back; a head that does not fall on a record boundary stops the
 * ring (the app falls back to ACCEPT).  A listener shared by several apps
 * (fork, SCM_RIGHTS) gets no new records: connections stay in the accept
 * queue for whichever holder sends ACCEPT.  SHIM_EV_ACCEPT still means
 * "the accept queue is not empty"; a listener is readable when that bit
 * is set or a record waits in its rx ring.
 *
 * fork: the child must not use the parent's arena (its rings are SPSC).
 * It attaches anew (HELLO with IPC_HELLO_F_CHILD; the WELCOME is as any
 * other) and SHAREs every engine socket it inherited.  The secret proves
 * descent: the engine gives it only to the app itself (FORKKEY through the
 * app's own command ring), so only the app and processes forked from it
 * know it.  The child keeps the parent's control socket open until it has
 * re-attached, so the parent app (and its sockets) cannot vanish in
 * between even if the parent exits at once.  Sharing rules (stack/app.c,
 * "Sharing"): the engine socket closes when its last holder closes or
 * dies; the oldest open holder receives (bytes, datagrams); every holder
 * may send; any holder of a listener may accept, and all are woken.
 *
 * Passing (SCM_RIGHTS, stack/app_pass.c): on the control socket, PASS of
 * one of the app's own socket ids returns a new anchor the engine made
 * (one end of a socketpair it keeps the other end of), which the app puts
 * in place of the socket's fd before sending it; ADOPT of a received fd
 * makes the receiver a holder of the socket whose anchor it is, by the
 * fd's inode, as SHARE does for a fork child.  A pass keeps its socket
 * open while any copy of its anchor exists (in flight too).
 */
#ifndef NSSTACK_SHIMPROTO_H
#define NSSTACK_SHIMPROTO_H

#include <stdatomic.h>
#include <stdint.h>

#include "nsstack/ipc.h"

/*
 * Sockets one attached process may have open in the engine.  The arena is
 * a sparse memfd sized for all of them (about 1 GiB of address space), but
 * only pages that are touched cost memory: a ring's header page when the
 * socket is made, its data pages as bytes flow.
 */
#define SHIM_MAX_SOCKS 4096u
/* Bytes per region: one ring of 128 KiB, so a 64 KiB datagram fits. */
#define SHIM_REGION_LEN (IPC_RING_HDR_LEN + (128u << 10))
/* Command slots per command ring. */
#define SHIM_CMD_SLOTS 64u

#define SHIM_NOP_DESCRIBE 1u
#define SHIM_NOP_FORKKEY 2u
#define SHIM_OOB_SEND 1u
#define SHIM_OOB_RECV 2u
#define SHIM_OOB_OWNER 3u
#define SHIM_NAME_SOCK 0u
#define SHIM_NAME_PEER 1u
/* Bytes of option value a command carries (int, struct timeval). */
#define SHIM_OPT_MAX 16u

/* Bytes of scratch area per socket slot (tcp_info is ~232). */
#define SHIM_SCRATCH_LEN ((size_t)256)
/* Where the scratch areas start in the state region. */
#define SHIM_SCRATCH_OFF ((size_t)SHIM_MAX_SOCKS * IPC_CACHELINE)
/*
 * The state region: the state table, then the scratch areas.  It spans
 * SHIM_STATE_REGIONS consecutive arena regions, allocated right after the
 * command ring when the arena is made; the shim checks that the whole
 * span lies inside the arena before it reads a word of it.
 */
#define SHIM_STATE_LEN (SHIM_SCRATCH_OFF + SHIM_MAX_SOCKS * SHIM_SCRATCH_LEN)
#define SHIM_STATE_REGIONS                                                     \
	((uint32_t)((SHIM_STATE_LEN + SHIM_REGION_LEN - 1) / SHIM_REGION_LEN))
/* Regions: a command ring, the state region, and two rings per socket. */
#define SHIM_NREGIONS (1u + SHIM_STATE_REGIONS + 2u * SHIM_MAX_SOCKS)

/*
 * A socket id is (generation << 16) | slot: a stale id of a closed and
 * reused slot does not name the new socket.  Slot ids are per process, so
 * an app can only ever name its own sockets.
 */
#define SHIM_ID_SLOT(id) ((id)&0xffffu)
#define SHIM_ID_GEN(id) ((id) >> 16)

/* Bits in struct shim_sock_state.events */
#define SHIM_EV_ERR 0x1u    /* @err holds a pending error */
#define SHIM_EV_CLOSED 0x2u /* the engine released the socket */
/*
 * Stream sockets.  RDHUP and HUP are published only after every byte that
 * came before them is in the rx ring (release), so a reader that sees the
 * bit (acquire) and then an empty ring has reached end of stream.
 */
#define SHIM_EV_CONNECTED 0x4u /* handshake completed (sticky) */
#define SHIM_EV_RDHUP 0x8u     /* peer FIN (or SHUT_RD): EOF after the ring */
#define SHIM_EV_HUP 0x10u      /* both directions done, reset, or closed */
#define SHIM_EV_WRHUP 0x20u    /* sending is over: send() fails with EPIPE */
#define SHIM_EV_ACCEPT 0x40u   /* listener: the accept queue is not empty */
#define SHIM_EV_FINACK                                                         \
	0x80u /* our FIN and all before it are acknowledged
				* (what a lingering close waits for) */
/* An urgent byte waits for recv(MSG_OOB): POLLPRI ("Urgent data"). */
#define SHIM_EV_PRI 0x100u
#define SHIM_EV_STREAM                                                         \
	(SHIM_EV_CONNECTED | SHIM_EV_RDHUP | SHIM_EV_HUP | SHIM_EV_WRHUP |     \
	 SHIM_EV_ACCEPT | SHIM_EV_FINACK | SHIM_EV_PRI)

/*
 * Urgent data (TCP, stack/tcp_urg.c for the rules, which are Linux's).
 * The rx ring carries every byte, urgent ones included; the shim applies
 * the read rules from two state words the engine publishes for the
 * socket's receiving holder, in rx ring counters (the free-running
 * counters of ipc/README.md):
 *
 *   urg:	low 32 bits: the counter of the urgent byte (the mark);
 *		high 32 bits: SHIM_URG_MARK (there is a mark the reader has
 *		not passed; its byte may not be in the ring yet), and
 *		SHIM_URG_INLINE (SO_OOBINLINE is on: the byte stays data)
 *   urg_skip:	low 32 bits: a counter; high 32 bits: a count, 0 for none.
 *		A reader whose head is at that counter drops the count bytes
 *		unread: urgent bytes a newer pointer superseded while the
 *		reader sat at them (Linux moves its copied_seq past them)
 *
 * A read stops at the mark once it has copied something; one that starts
 * there skips the byte unless SO_OOBINLINE; a reader past the mark has
 * no mark (whatever the word still says).  SIOCATMARK is "head at the
 * mark", FIONREAD counts up to a mark whose byte is in the ring, and
 * POLLIN at the mark needs one byte besides the urgent one.  SHIM_EV_PRI
 * (POLLPRI) is set while the urgent byte came and no recv(MSG_OOB) took
 * it; recv(MSG_OOB) itself is the OOB command.  The engine stores both
 * words before the ring's tail that publishes the urgent byte (release),
 * and the shim loads them after loading the tail (acquire): a reader
 * that sees the byte sees its mark.
 *
 * Sending: send(MSG_OOB) writes all but its last byte as any send, then
 * the OOB command (SHIM_OOB_SEND) names the ring counter just past the
 * last byte, and only then is that byte written, so the engine cannot
 * take it before it knows it is urgent; the engine hands the bytes up to
 * it to TCP with MSG_OOB (SND.UP past it, RFC 6093).
 */
#define SHIM_URG_MARK 0x1u
#define SHIM_URG_INLINE 0x2u

/*
 * Datagrams: struct ipc_rec_hdr's flags in the rx ring say which control
 * messages recvmsg() builds from the record's ifindex, tos, ttl and dst,
 * as the socket's options stood when the engine queued the datagram.
 * The engine sets them; the shim builds them in Linux's order and with
 * Linux's truncation (MSG_CTRUNC):
 *
 *   SHIM_REC_F_PKTINFO6: IPV6_PKTINFO (AF_INET6 sockets with
 *			IPV6_RECVPKTINFO): dst (an IPv4 datagram's as
 *			::ffff:a.b.c.d), ifindex
 *   SHIM_REC_F_PKTINFO:	IP_PKTINFO (IPv4 datagrams): ipi_addr = dst[0..3],
 *			ipi_spec_dst = dst[4..7], ipi_ifindex = ifindex
 *   SHIM_REC_F_TTL:	IP_TTL (IP_RECVTTL, IPv4): ttl as an int
 *   SHIM_REC_F_TOS:	IP_TOS (IP_RECVTOS, IPv4): tos, one byte
 *   SHIM_REC_F_DST6:	dst holds an IPv6 destination (the datagram came
 *			over IPv6), else dst[0..3] an IPv4 one
 *
 * ifindex is the engine's interface index (`nsctl link` shows it), which
 * is not the kernel's index of the TAP device the engine runs on.
 */
#define SHIM_REC_F_PKTINFO 0x1u
#define SHIM_REC_F_PKTINFO6 0x2u
#define SHIM_REC_F_TTL 0x4u
#define SHIM_REC_F_TOS 0x8u
#define SHIM_REC_F_DST6 0x10u

/*
 * State before error: the order of the state words (struct shim_sock_state
 * below), which both sides keep.  The engine publishes a change of a
 * socket's state in this order: first the SHIM_EV_* stream bits in
 * events (tcp_publish() in stack/app.c), then the pending error, err
 * before SHIM_EV_ERR (post_error()), every store a release.  The shim
 * reads in the opposite order: err first, then events, both with acquire
 * (stream_revents() in preload/stream.c).  So a reader that sees an error
 * also sees the state that came with it: a refused connect shows ERR and
 * HUP together, as poll(2) reports it on Linux.  Read the other way
 * round, events could be loaded before the change and err after it: the
 * error without its HUP.  (The same release/acquire pairing orders the rx
 * ring's bytes before RDHUP and HUP; see the stream bits above.)
 */

/**
 * struct shim_sock_state - one socket's state words, one cache line each,
 * written by the engine, read by the shim without a round trip
 * @id:		the socket id owning this slot (0: free)
 * @events:	SHIM_EV_* bits
 * @err:	pending error (positive errno) for SO_ERROR and the next call;
 *		the shim takes it with an exchange.  Stored after @events,
 *		loaded before it: "State before error" above
 * @tcp_state:	stream sockets: the engine TCB's state (enum tcp_state
 *		numbering: 0 CLOSED, 1 LISTEN, 2 SYN-SENT, ...), for
 *		diagnostics; readiness is decided by @events alone
 * @wait:	the app threads asleep waiting for @events (ipc/doorbell.h's
 *		waiter bits); the engine takes them and rings each one's
 *		doorbell
 * @urg:	stream sockets: the urgent mark ("Urgent data" above)
 * @urg_skip:	stream sockets: bytes the reader drops ("Urgent data")
 */
struct shim_sock_state {
	alignas(IPC_CACHELINE) _Atomic uint32_t id;
	_Atomic uint32_t events;
	_Atomic uint32_t err;
	_Atomic uint32_t tcp_state;
	_Atomic uint64_t wait;
	_Atomic uint64_t urg;
	_Atomic uint64_t urg_skip;
};

_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2,
	       "64-bit state words are lock-free (shared between processes)");

/**
 * struct shim_accept_rec - one connection in a listener's accept ring
 * (written by the engine, read once by the shim, which checks it as it
 * checks an ACCEPT completion)
 * @id:		the new socket's id
 * @addrlen:	bytes of @addr: the peer as accept(2) names it
 *		(sockaddr_in, or sockaddr_in6 for an AF_INET6 listener)
 * @tx_off:	its tx ring's offset (app produces)
 * @rx_off:	its rx ring's offset (engine produces)
 * @addr:	the peer's address
 */
struct shim_accept_rec {
	uint32_t id;
	uint32_t addrlen;
	uint64_t tx_off;
	uint64_t rx_off;
	uint8_t addr[28];
	uint8_t pad[12];
};

#define SHIM_ACCEPT_REC_LEN ((uint32_t)sizeof(struct shim_accept_rec))

_Static_assert(sizeof(struct shim_accept_rec) == 64,
	       "accept records are 64 bytes");
_Static_assert(sizeof(struct shim_sock_state) == IPC_CACHELINE,
	       "one state slot per cache line");
_Static_assert(SHIM_MAX_SOCKS * sizeof(struct shim_sock_state) ==
		       SHIM_SCRATCH_OFF,
	       "scratch areas follow the state table");
_Static_assert(SHIM_MAX_SOCKS <= 0x10000u, "a slot fits a socket id");
_Static_assert((uint64_t)SHIM_REGION_LEN *SHIM_NREGIONS < IPC_ARENA_MAX_SIZE,
	       "the arena fits IPC_ARENA_MAX_SIZE");

#endif /* NSSTACK_SHIMPROTO_H */
