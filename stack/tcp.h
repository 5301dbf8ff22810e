/* SPDX-License-Identifier: MIT */
/*
 * tcp.h - the TCP engine: the TCB, the connection and listener tables, and
 * the engine-level socket calls for SOCK_STREAM (RFC 9293)
 *
 * Theory of operation
 *
 * A struct tcb is both the protocol control block of RFC 9293 3.3.1 and
 * the socket an application (the shim, or the built-in services) holds.
 * Synchronised and SYN-SENT TCBs live in a uthash keyed by the 4-tuple
 * (struct tcp_key, zeroed before filling, hashed with SipHash under the
 * engine secret); listeners live in a second uthash keyed by local port.
 * Both families share them: a key's addresses are 16 bytes, IPv4 as
 * IPv4-mapped (union tcp_addr); tcp_input() (IPv4) and tcp6_input()
 * (tcp6.c) check what is theirs and meet in tcp_input_common(), and
 * emit_seg() sends by the family of the key.  A TCB's @family is what
 * its socket calls speak: an AF_INET6 socket may carry an IPv4
 * connection (v4-mapped), as on Linux.
 * A SYN to a listener creates a child TCB in SYN-RECEIVED that counts
 * against the listener's SYN queue; when its handshake completes it moves
 * to the accept queue.  When the SYN queue is full and tcp_syncookies is
 * on, the listener answers with a SYN cookie and keeps nothing.
 *
 * Ownership: the application owns a TCB from tcp_socket()/tcp_accept()
 * until tcp_close(); the engine owns it afterwards ("orphan") and frees it
 * when it reaches CLOSED (after FIN exchange and TIME-WAIT, or a reset).
 * A TCB the application still holds is never freed by the engine, even in
 * CLOSED: the application learns of the end through readiness and errors.
 *
 * The input path is tcp_input.c (RFC 9293 3.10.7), the output path
 * tcp_output.c, timers tcp_timer.c, the socket calls tcp_sock.c.
 */
#ifndef NSSTACK_TCP_H
#define NSSTACK_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <uthash.h>

#include "portsel.h"
#include "hash.h"
#include "siphash.h"
#include "tcp_cc.h"
#include "tcp_rack.h"
#include "tcp_reass.h"
#include "tcp_rto.h"
#include "tcp_sack.h"
#include "tcp_undo.h"
#include "timer.h"
#include "wire/addr.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

struct engine;
struct netif;
struct pkt;
struct json_object;

/* RFC 9293 3.3.2. */
enum tcp_state {
	TCPS_CLOSED,
	TCPS_LISTEN,
	TCPS_SYN_SENT,
	TCPS_SYN_RECEIVED,
	TCPS_ESTABLISHED,
	TCPS_FIN_WAIT_1,
	TCPS_FIN_WAIT_2,
	TCPS_CLOSE_WAIT,
	TCPS_CLOSING,
	TCPS_LAST_ACK,
	TCPS_TIME_WAIT,
};

/* Readiness bits, as poll(2)/epoll report them for a TCP socket. */
#define TCP_POLL_IN 0x001     /* POLLIN */
#define TCP_POLL_PRI 0x002    /* POLLPRI: an urgent byte waits (tcp_urg.c) */
#define TCP_POLL_OUT 0x004    /* POLLOUT */
#define TCP_POLL_ERR 0x008    /* POLLERR */
#define TCP_POLL_HUP 0x010    /* POLLHUP */
#define TCP_POLL_RDHUP 0x2000 /* POLLRDHUP */
/*
 * Not a poll(2) bit: the linger of a tcp_close() under SO_LINGER with
 * l_linger > 0 is over (see tcp_close()).  With TCP_POLL_ERR as well, the
 * timeout ran out first and the connection was reset.
 */
#define TCP_POLL_LINGER 0x10000

#define TCP_DEFAULT_MSS 536 /* RFC 9293 3.7.1: without an MSS option */
#define TCP_MAX_WSCALE 14   /* RFC 7323 2.3 */
#define TCP_DELACK_SEGS 2   /* RFC 5681 4.2 / RFC 9293 3.8.6.3 */
#define TCP_QUICKACKS 16    /* Linux: ACK at once at the start */

struct tcb;

/*
 * tcp_lag_fn - an outer reader (tcp_set_reader()): how many bytes
 * tcp_recv() handed it that its application has not read yet.  TCP's
 * urgent-data rules (tcp_urg.c) depend on where the application reads.
 */
typedef size_t tcp_lag_fn(const struct tcb *tcb, void *arg);

/* What the reader knows of the urgent pointer (Linux's tp->urg_data). */
#define TCP_URG_VALID 0x0100  /* the urgent byte came: it is the low 8 bits */
#define TCP_URG_NOTYET 0x0200 /* the pointer came, its byte not yet */
#define TCP_URG_READ 0x0400   /* recv(MSG_OOB) took the byte */

/*
 * tcp_ready_fn - the readiness callback: @tcb became readable, writable,
 * got an error or hung up (@events: tcp_poll() at the time).  Called at
 * the end of input and timer processing, never in the middle of it: it may
 * call any tcp_* socket function on @tcb, including tcp_close().
 */
typedef void tcp_ready_fn(struct tcb *tcb, unsigned int events, void *arg);

/*
 * union tcp_addr - an address of either family, 16 bytes, so one table,
 * one hash and one tuple serve IPv4 and IPv6 (tcp6.c)
 *
 * IPv6 addresses are stored as on the wire.  IPv4 addresses are IPv4-mapped
 * (::ffff:a.b.c.d, RFC 4291 2.5.5.2) with the last word, @v4, in host
 * order, so the IPv4 code keeps reading a host-order uint32_t.  Convert to
 * and from struct ip6_addr only with tcp_addr_from_ip6()/tcp_addr_to_ip6().
 */
union tcp_addr {
	uint8_t b[16];
	struct {
		uint32_t pre_[3];
		uint32_t v4;
	};
};

/*
 * The 4-tuple.  Zero it before filling: uthash compares bytes.  @laddr and
 * @raddr alias the host-order IPv4 word of @la and @ra (IPv4 code).
 */
struct tcp_key {
	union {
		union tcp_addr la;
		struct {
			uint32_t lpre_[3];
			uint32_t laddr;
		};
	};
	union {
		union tcp_addr ra;
		struct {
			uint32_t rpre_[3];
			uint32_t raddr;
		};
	};
	uint16_t lport;
	uint16_t rport;
};

/** tcp_addr_set4() - @a becomes ::ffff:@host (host order). */
static inline void tcp_addr_set4(union tcp_addr *a, uint32_t host)
{
	memset(a, 0, sizeof(*a));
	a->b[10] = 0xff;
	a->b[11] = 0xff;
	a->v4 = host;
}

/** tcp_addr_is4() - @a is IPv4-mapped: an IPv4 address. */
static inline bool tcp_addr_is4(const union tcp_addr *a)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a->b, pfx, sizeof(pfx)) == 0;
}

/** tcp_addr_is_zero() - @a is :: (an AF_INET6 wildcard). */
static inline bool tcp_addr_is_zero(const union tcp_addr *a)
{
	static const union tcp_addr z;

	return memcmp(a, &z, sizeof(z)) == 0;
}

/** tcp_addr_is_any() - a wildcard of either family (:: or 0.0.0.0). */
static inline bool tcp_addr_is_any(const union tcp_addr *a)
{
	return tcp_addr_is_zero(a) || (tcp_addr_is4(a) && !a->v4);
}

/** tcp_addr_eq() - the same address. */
static inline bool tcp_addr_eq(const union tcp_addr *a, const union tcp_addr *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/** tcp_key_is4() - @k's connection runs over IPv4. */
static inline bool tcp_key_is4(const struct tcp_key *k)
{
	return tcp_addr_is4(&k->ra) || tcp_addr_is4(&k->la);
}

/*
 * A byte ring: the send buffer (from SND.UNA) or the receive buffer.
 * Its storage is allocated on first use and grows by doubling up to @cap;
 * an idle empty ring gives it back (tcp_ring.c).
 */
struct tcp_ring {
	uint8_t *buf; /* storage, NULL while none */
	size_t cap;   /* capacity: the most the ring may hold */
	size_t size;  /* bytes of storage, <= @cap (0 with no storage) */
	size_t head;  /* offset of the first byte in @buf */
	size_t len;
	bool used; /* written since the last tcp_ring_trim() */
};

#define TCP_RING_MIN ((size_t)4096) /* first storage of a ring */
#define TCP_TRIM_US 1000000u /* idle storage goes after 1 to 2 of these */

struct tcb {
	UT_hash_handle hh; /* connection table (by key) */
	struct tcp_key key;
	bool hashed;
	int family;	/* AF_INET or AF_INET6: what the socket calls speak */
	bool v6only;	/* IPV6_V6ONLY: an AF_INET6 socket refuses IPv4 */
	int hops;	/* IPV6_UNICAST_HOPS, -1: the route's default */
	uint8_t tclass; /* IPV6_TCLASS */
	struct engine *eng;
	enum tcp_state state;
	struct tcb *all_prev, *all_next; /* every TCB, for tcp_fini() */

	/* RFC 9293 3.3.1: send sequence variables. */
	uint32_t iss;
	uint32_t snd_una;
	uint32_t snd_nxt;
	uint32_t snd_max; /* highest SND.NXT so far (after an RTO rewinds) */
	uint32_t snd_wnd; /* bytes, already scaled */
	uint32_t snd_wl1;
	uint32_t snd_wl2;
	uint32_t max_sndwnd; /* largest window the peer offered (3.8.6.2.1) */
	/* Receive sequence variables. */
	uint32_t irs;
	uint32_t rcv_nxt;
	uint32_t rcv_wnd; /* as last advertised, bytes */
	uint32_t rcv_adv; /* right edge advertised: never moves left */

	/* Negotiated options (RFC 7323, 2018, 6691). */
	uint8_t snd_wscale; /* the peer's shift, applied to its windows */
	uint8_t rcv_wscale; /* our shift, applied to our windows */
	bool ws_ok;
	bool sack_ok;
	bool ts_ok;
	uint32_t ts_recent; /* TS.Recent */
	uint64_t ts_recent_stamp;
	uint32_t ts_offset; /* randomises our TSval (RFC 7323 5.4) */
	uint16_t peer_mss;  /* from the MSS option, or 536 */
	uint16_t user_mss;  /* TCP_MAXSEG, 0 = none */
	uint32_t mss;	    /* effective SMSS for data (options excluded) */
	uint32_t pmtu;	    /* path MTU the MSS came from */

	/* Buffers. */
	struct tcp_ring snd; /* unacknowledged and unsent data */
	struct tcp_ring rcv; /* in-order data the application has not read */
	struct tcp_reass reass;
	size_t sndbuf; /* SO_SNDBUF as Linux reports it */
	size_t rcvbuf;
	bool rcvbuf_locked; /* SO_RCVBUF set: no auto-tuning */
	size_t rcvq_copied; /* auto-tuning: bytes read this round */
	uint64_t rcvq_time; /* auto-tuning: start of the round */

	/* Loss recovery. */
	struct tcp_rto rto;
	struct tcp_cc_state cc;
	struct tcp_scoreboard sb;
	struct tcp_prr prr;
	struct tcp_rack rack; /* RFC 8985 6, when sb.rack */
	struct tcp_undo undo; /* spurious-retransmission evidence */
	unsigned int dupacks;
	uint32_t rtt_seq; /* Karn: the timed segment ends here */
	uint64_t rtt_start;
	bool rtt_timing;
	unsigned int retries; /* RTO expiries without progress */
	unsigned int total_retrans;

	/* Receive-side ACK policy. */
	unsigned int unacked_segs; /* full segments since our last ACK */
	unsigned int quickacks;
	bool ack_now;

	/* Timers. */
	struct timer t_rtx;    /* retransmission / SYN retry / persist */
	struct timer t_delack; /* delayed ACK (RFC 9293 3.8.6.3) */
	struct timer t_keep;   /* keepalive, FIN-WAIT-2 timeout */
	struct timer t_tw;     /* TIME-WAIT 2MSL */
	struct timer t_linger; /* SO_LINGER timeout of a lingering close */
	struct timer t_reo;    /* RACK reordering timer (RFC 8985 6.3) */
	bool persist;	       /* t_rtx runs as the persist timer */
	bool pto;	       /* t_rtx runs as the TLP probe timer */
	bool tlp_out;	       /* a loss probe is unanswered (RFC 8985 7) */
	bool tlp_rxt;	       /* ... and it was a retransmission */
	uint32_t tlp_end;      /* TLP.end_seq: SND.NXT after the probe */
	unsigned int probes;   /* window or keepalive probes unanswered */
	uint64_t last_rx;      /* engine time of the last segment received */

	/* Socket state. */
	bool user_closed; /* the application let go: free in CLOSED */
	bool shut_rd;
	bool shut_wr;  /* no more send(); FIN queued */
	bool fin_sent; /* our FIN has a sequence number */
	bool fin_rcvd; /* the peer's FIN was processed */
	bool nodelay;
	bool cork;
	bool keepalive;
	bool linger;
	int linger_sec;
	bool lingering;	     /* tcp_close() waits for SO_LINGER's end */
	bool linger_done;    /* ... which came: call back, then let go */
	bool linger_expired; /* ... by the timeout, with a RST */
	bool reuseaddr;
	bool bound; /* bind() or autobind holds a port */
	int err;    /* pending error (positive errno), SO_ERROR */
	int keep_idle_s, keep_intvl_s, keep_cnt; /* 0 = sysctl default */
	uint32_t syn_retries; /* TCP_SYNCNT, 0 = sysctl default */

	/* Urgent data (tcp_urg.c; RFC 9293 3.8.5, RFC 6093). */
	uint32_t snd_up;   /* one past the last urgent byte sent (SND.UP) */
	bool snd_urg;	   /* urgent mode: SND.UP may be ahead of SND.UNA */
	bool oobinline;	   /* SO_OOBINLINE */
	uint16_t urg_data; /* 0 or TCP_URG_*: the urgent byte's fate */
	uint32_t rcv_up;   /* sequence number of the urgent byte */
	uint32_t urg_gen;  /* urgent pointers announced (SIGURG) */
	bool urg_skip;	   /* an outer reader drops [from, to) unread */
	uint32_t urg_skip_from, urg_skip_to;
	tcp_lag_fn *rd_lag; /* the outer reader, or NULL: tcp_recv() reads */

	/* Listener side. */
	struct tcb *parent;  /* the listener of an embryonic/unaccepted TCB */
	struct tcb *aq_next; /* accept queue link */
	struct tcb *aq_head, *aq_tail;
	unsigned int aq_len;
	/* Connections taken off the accept queue by the app layer and
	 * handed to an app that has not accepted them yet (stack/app.c's
	 * accept ring): they count against the backlog, as they would in
	 * the kernel's accept queue. */
	unsigned int aq_handed;
	unsigned int backlog;
	unsigned int synq_len;
	struct tcb *ln_next; /* listeners on one port */
	bool in_aq;

	/* Readiness. */
	tcp_ready_fn *ready;
	void *ready_arg;
	struct tcb *notify_next;
	bool on_notify;
	struct tcb *ack_next; /* owes an ACK after the callbacks ran */
	bool on_acklist;

	/* Statistics for TCP_INFO and ss. */
	uint64_t bytes_acked;
	uint64_t bytes_received;
	uint32_t segs_in, segs_out;
	void *svc; /* services.c: per-connection state */
};

/* Listeners on one port. */
struct tcp_port {
	UT_hash_handle hh;
	uint16_t port;
	unsigned int users; /* bound TCBs, listening or not */
	struct tcb *listeners;
};

struct tcp_table {
	struct tcb *conns;	/* uthash by key */
	struct tcp_port *ports; /* uthash by local port */
	struct siphash_key hkey;
	struct hash_memo hmemo; /* the last key_hash() */
	struct siphash_key isn_key;
	struct portsel ps;
	size_t nconns;		   /* TCBs alive, any state */
	struct tcb *notify_head;   /* TCBs whose callback is due */
	struct tcb *all;	   /* every TCB, whoever holds it */
	struct tcb *ack_head;	   /* TCBs owing an ACK (tcp_ack_later()) */
	bool in_input;		   /* inside tcp_input(): ACKs can wait */
	uint64_t challenge_window; /* second the count below belongs to */
	uint32_t challenge_count;
	const struct tcp_cc_ops *cc_default;
	struct engine *eng;
	struct timer t_trim; /* the idle-storage sweep (tcp_trim_arm()) */
};

/* tcp.c: table, state machine, common helpers. */
int tcp_init(struct engine *eng);
void tcp_fini(struct engine *eng);
struct tcb *tcp_tcb_new(struct engine *eng);
void tcp_tcb_free(struct tcb *tcb);
void tcp_set_state(struct tcb *tcb, enum tcp_state to);
const char *tcp_state_name(enum tcp_state s);
struct tcb *tcp_lookup(struct engine *eng, uint32_t laddr, uint16_t lport,
		       uint32_t raddr, uint16_t rport);
struct tcb *tcp_listener_lookup(struct engine *eng, uint32_t laddr,
				uint16_t lport);
struct tcb *tcp_lookup_addr(struct engine *eng, const union tcp_addr *la,
			    uint16_t lport, const union tcp_addr *ra,
			    uint16_t rport);
struct tcb *tcp_listener_lookup_addr(struct engine *eng,
				     const union tcp_addr *la, uint16_t lport);
int tcp_hash(struct tcb *tcb);
void tcp_unhash(struct tcb *tcb);
int tcp_port_get(struct engine *eng, struct tcb *tcb, uint32_t addr,
		 uint16_t port);
void tcp_port_put(struct tcb *tcb);
void tcp_reset_conn(struct tcb *tcb, int err);
void tcp_maybe_free(struct tcb *tcb);
void tcp_notify(struct tcb *tcb);
void tcp_notify_flush(struct engine *eng);
void tcp_ack_later(struct tcb *tcb);
void tcp_ack_flush(struct engine *eng);
uint32_t tcp_ts_now(const struct tcb *tcb);
void tcp_set_mss(struct tcb *tcb);
uint32_t tcp_rcv_space(const struct tcb *tcb);
uint8_t tcp_rcv_wscale(const struct tcb *tcb);
struct json_object *tcp_dump(struct engine *eng);
void tcp_trim_arm(struct engine *eng);
bool tcp_tcb_trim(struct tcb *tcb);

/* tcp_ring.c */
int tcp_ring_alloc(struct tcp_ring *r, size_t cap);
void tcp_ring_free(struct tcp_ring *r);
int tcp_ring_reserve(struct tcp_ring *r, size_t len);
int tcp_ring_set_cap(struct tcp_ring *r, size_t cap);
bool tcp_ring_trim(struct tcp_ring *r);
size_t tcp_ring_write(struct tcp_ring *r, const uint8_t *data, size_t len);
size_t tcp_ring_peek(const struct tcp_ring *r, size_t off, uint8_t *out,
		     size_t len);
void tcp_ring_drop(struct tcp_ring *r, size_t len);

/* tcp_input.c */
void tcp_input(struct netif *ifp, struct pkt *p, const struct ipv4_view *ip);
void tcp_err(struct engine *eng, const struct ipv4_view *inner, int err,
	     bool hard);
bool tcp_input_parse(struct engine *eng, struct pkt *p, uint32_t pseudo,
		     struct tcp_view *th);
void tcp_input_common(struct engine *eng, struct pkt *p,
		      const struct tcp_view *th, const union tcp_addr *src,
		      const union tcp_addr *dst);
void tcp_err_common(struct engine *eng, const union tcp_addr *src,
		    const union tcp_addr *dst, const uint8_t *th, size_t len,
		    int err, bool hard);
void tcp_rack_timeout(struct tcb *tcb);

/* tcp_output.c */
void tcp_output(struct tcb *tcb);
int tcp_send_syn(struct tcb *tcb);
void tcp_send_ack(struct tcb *tcb);
void tcp_send_rst_for(struct engine *eng, const union tcp_addr *src,
		      const union tcp_addr *dst, const struct tcp_view *seg,
		      size_t seg_len);
void tcp_send_rst(struct tcb *tcb);
int tcp_send_segment(struct tcb *tcb, uint32_t seq, size_t len, uint16_t flags);
uint32_t tcp_seg_mss(struct tcb *tcb);
bool tcp_can_send_data(const struct tcb *tcb);
void tcp_retransmit_head(struct tcb *tcb);
void tcp_send_loss_probe(struct tcb *tcb);
/* What a cookie SYN-ACK says (tcp_input.c fills it, tcp_output.c sends). */
struct tcp_cookie_synack {
	uint32_t iss; /* the cookie */
	uint32_t irs; /* the SYN's SEG.SEQ */
	uint16_t mss;
	bool ts, ws, sack; /* options to offer back */
	uint32_t tsval, tsecr;
	uint8_t rcv_wscale;
};
int tcp_send_synack_cookie(struct engine *eng, const struct tcp_key *k,
			   const struct tcp_cookie_synack *sa);
uint16_t tcp_window_field(struct tcb *tcb);

/* tcp_timer.c */
void tcp_timers_init(struct tcb *tcb);
void tcp_timers_stop(struct tcb *tcb);
void tcp_rtx_arm(struct tcb *tcb);
void tcp_delack_arm(struct tcb *tcb);
void tcp_keepalive_arm(struct tcb *tcb);
void tcp_persist_arm(struct tcb *tcb);
void tcp_tw_arm(struct tcb *tcb);
void tcp_linger_arm(struct tcb *tcb);

/*
 * tcp_sock.c: the engine-level socket calls.
 *
 * SO_LINGER contract (the engine never blocks; the shim's close() may):
 * - l_onoff = 1, l_linger = 0: tcp_close() sends a RST (when synchronised)
 *   and frees the TCB before it returns; no callback follows.
 * - l_onoff = 1, l_linger > 0, with a readiness callback installed:
 *   tcp_close() returns 0 at once and the engine calls the callback
 *   exactly once more, with TCP_POLL_LINGER in its events, when the
 *   linger is over: when all data and our FIN are acknowledged (the
 *   connection went on to FIN-WAIT-2, TIME-WAIT or CLOSED), when the
 *   connection ended otherwise (a RST: TCP_POLL_ERR), or when l_linger
 *   seconds passed first: then the engine resets the connection
 *   (TcpExtTCPAbortOnLinger) and the events carry TCP_POLL_ERR as well.
 *   The call may come before tcp_close() returns (nothing to wait for,
 *   e.g. a listener, or unread data that made the close an abort).  No
 *   other readiness calls come in between.  The call is the last use of
 *   the callback: afterwards the TCB belongs to the engine and the
 *   caller must not touch it, not even inside the callback.
 * - otherwise tcp_close() returns at once and no callback follows.
 */
int tcp_socket(struct engine *eng, struct tcb **out);
int tcp_socket_af(struct engine *eng, int family, struct tcb **out);
int tcp_bind(struct tcb *tcb, const struct sockaddr *addr, socklen_t len);
int tcp_listen(struct tcb *tcb, int backlog);
int tcp_accept(struct tcb *tcb, struct tcb **out, struct sockaddr *addr,
	       socklen_t *alen);
int tcp_connect(struct tcb *tcb, const struct sockaddr *addr, socklen_t len);
ssize_t tcp_send(struct tcb *tcb, const void *buf, size_t len, int flags);
ssize_t tcp_recv(struct tcb *tcb, void *buf, size_t len, int flags);
int tcp_shutdown(struct tcb *tcb, int how);
int tcp_close(struct tcb *tcb);
int tcp_setsockopt(struct tcb *tcb, int level, int name, const void *val,
		   socklen_t len);
int tcp_getsockopt(struct tcb *tcb, int level, int name, void *val,
		   socklen_t *len);
int tcp_getsockname(const struct tcb *tcb, struct sockaddr *addr,
		    socklen_t *len);
int tcp_getpeername(const struct tcb *tcb, struct sockaddr *addr,
		    socklen_t *len);
unsigned int tcp_poll(const struct tcb *tcb);
void tcp_set_ready(struct tcb *tcb, tcp_ready_fn *fn, void *arg);
void tcp_set_reader(struct tcb *tcb, tcp_lag_fn *fn);
size_t tcp_send_space(const struct tcb *tcb);

/*
 * tcp_urg.c: urgent data as Linux offers it (MSG_OOB, SO_OOBINLINE,
 * SIOCATMARK, POLLPRI).  struct tcp_urg_view is what an outer reader
 * needs to apply the read rules itself (app.c publishes it to the shim).
 */
struct tcp_urg_view {
	bool mark;    /* an urgent mark lies ahead of (or at) the reader */
	bool pri;     /* its byte came and recv(MSG_OOB) has not taken it */
	uint32_t seq; /* the urgent byte's sequence number (with @mark) */
	bool skip;    /* the reader drops [skip_from, skip_to) unread */
	uint32_t skip_from, skip_to;
};

void tcp_urg_input(struct tcb *tcb, const struct tcp_view *th);
uint32_t tcp_urg_reader(const struct tcb *tcb);
uint16_t tcp_urg_state(const struct tcb *tcb);
bool tcp_urg_atmark(const struct tcb *tcb);
size_t tcp_urg_read_plan(struct tcb *tcb, size_t *len);
void tcp_urg_read_done(struct tcb *tcb);
ssize_t tcp_recv_urg(struct tcb *tcb, void *buf, size_t len, int flags,
		     int *msg_flags);
void tcp_urg_mark(struct tcb *tcb);
bool tcp_urg_out(struct tcb *tcb, uint32_t seq, uint16_t *ptr);
bool tcp_urg_sending(const struct tcb *tcb);
void tcp_urg_view(struct tcb *tcb, struct tcp_urg_view *v);

/* tcp6.c: the IPv6 side (RFC 8200 carrying RFC 9293). */
struct ip6_view;
struct netif;
void tcp6_input(struct netif *ifp, struct pkt *p, const struct ip6_view *ip);
void tcp6_err(struct engine *eng, const uint8_t *inner, size_t len,
	      uint8_t type, uint8_t code);
int tcp6_output(struct engine *eng, struct pkt *p, const struct tcp_key *k,
		const struct tcb *tcb);
uint32_t tcp6_pseudo(const struct tcp_key *k, size_t len);
uint32_t tcp6_mtu(struct engine *eng, const union tcp_addr *ra, bool link);
void tcp_addr_from_ip6(union tcp_addr *a, const struct ip6_addr *ip);
void tcp_addr_to_ip6(const union tcp_addr *a, struct ip6_addr *ip);
int tcp6_sockaddr_get(const struct tcb *tcb, const struct sockaddr *addr,
		      socklen_t len, union tcp_addr *a, uint16_t *port);
void tcp6_sockaddr_put(const union tcp_addr *a, uint16_t port,
		       struct sockaddr *addr, socklen_t *len);
int tcp6_setsockopt(struct tcb *tcb, int name, const void *val, socklen_t len);
int tcp6_getsockopt(struct tcb *tcb, int name, void *val, socklen_t *len);

/** tcp_flight() - bytes sent and not yet acknowledged (SND.NXT - SND.UNA). */
static inline uint32_t tcp_flight(const struct tcb *tcb)
{
	return tcb->snd_nxt - tcb->snd_una;
}

/**
 * tcp_rcv_head() - the sequence number of the first byte in the receive
 * buffer (RCV.NXT counts a FIN received after the data)
 */
static inline uint32_t tcp_rcv_head(const struct tcb *tcb)
{
	return tcb->rcv_nxt - (tcb->fin_rcvd ? 1u : 0u) -
	       (uint32_t)tcb->rcv.len;
}

/** tcp_synchronized() - the states of RFC 9293 3.10.7.4. */
static inline bool tcp_synchronized(const struct tcb *tcb)
{
	return tcb->state >= TCPS_SYN_RECEIVED;
}

#endif /* NSSTACK_TCP_H */
