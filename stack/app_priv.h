/* SPDX-License-Identifier: MIT */
/*
 * app_priv.h - what app.c and app_pass.c share: the engine's books on
 * attached apps and their sockets
 */
#ifndef NSSTACK_APP_PRIV_H
#define NSSTACK_APP_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "app.h"
#include "arena.h"
#include "bytering.h"
#include "cmdring.h"
#include "nsstack/shimproto.h"
#include "recring.h"

struct engine;
struct ipc_cmd;
struct ipc_cpl;
struct loop_watch;
struct sock;
struct tcb;

/* Most apps attached at once. */
#define APP_MAX 64
/* Work done per doorbell before yielding to the rest of the loop. */
#define APP_BATCH 64
/* Largest datagram the engine sends (IPv4 UDP payload limit). */
#define APP_DGRAM_MAX 65507u

/* What an app socket is in the engine, and which rings carry its data. */
enum app_kind {
	APP_UDP, /* struct sock, record rings */
	APP_TCP, /* struct tcb, byte rings */
};

/* One data ring: records for datagram sockets, bytes for stream ones. */
union app_ring {
	struct ipc_recring rec;
	struct ipc_bytering byte;
};

struct app_sock {
	struct app *app;
	enum app_kind kind;
	union {
		struct sock *sk;
		struct tcb *tcb;
	};
	uint32_t id;  /* 0: slot free */
	bool broken;  /* its tx ring held garbage: serviced no more */
	bool busy;    /* inside tcp_service(): callbacks only set @again */
	bool again;   /* a callback came while busy: run once more */
	bool shut_wr; /* SHUTDOWN(SHUT_WR) waits for the tx ring to drain */
	bool closing; /* CLOSE waits for the tx ring to drain */
	bool wr_dead; /* TCP takes no more data: tx bytes are dropped */
	/* Urgent data (app_urg.c). */
	bool urg_tx;   /* the byte before tx counter @urg_tx_at is urgent */
	bool urg_wake; /* urgent words changed with no wake-up yet */
	bool urg_pub;  /* non-zero urgent words are published */
	uint32_t urg_tx_at; /* SHIM_OOB_SEND's tx ring counter */
	uint32_t urg_gen;   /* tcb->urg_gen SIGURG was sent for */
	pid_t urg_owner;    /* SHIM_OOB_OWNER: gets SIGURG if the app's pid */
	/* Accepted for the app in a listener's accept ring; the app has not
	 * taken its record yet (a listener's close resets it). */
	bool pending;
	uint64_t tx_off, rx_off;
	union app_ring tx; /* engine consumes */
	union app_ring rx; /* engine produces */
	/* Other apps hold it too (fork), or NULL. */
	struct app_share *sh;
	/* Listener: its accept ring, once the app sent ACCEPT, or NULL. */
	struct app_aring *aring;
};

/* Connections a listener's accept ring holds at most, not yet taken. */
#define APP_ARING_MAX 64u

/**
 * struct app_aring - the engine's books on one listener's accept ring
 * (shimproto.h): which sockets its records name, oldest first
 * @ids:	ids of the sockets in records not known to be taken, in
 *		ring order, from ids[@head % APP_ARING_MAX]
 * @head:	records known to be taken (free-running)
 * @tail:	records written (free-running); @tail - @head pending
 * @dead:	the app moved the ring's head off a record boundary: no
 *		more records (its pending sockets stay until the listener
 *		closes)
 */
struct app_aring {
	uint32_t ids[APP_ARING_MAX];
	uint32_t head, tail;
	bool dead;
};

struct app {
	struct app *next;
	struct engine *eng;
	uint32_t client_id;
	uint64_t secret; /* proves descent in SHARE (fork re-attach) */
	bool child;	 /* attached with IPC_HELLO_F_CHILD */
	pid_t pid;
	uid_t uid;
	int fd; /* control socket: its hang-up is the app's death */
	struct loop_watch *watch;
	/* The engine's doorbell for this app: we sleep on efd_engine, the
	 * app rings efd_engine_ring (we keep a copy to ring ourselves). */
	int efd_engine, efd_engine_ring;
	struct loop_watch *efd_watch;
	/* Where the app's threads sleep: bells.shared rings its shared
	 * doorbell, bells.priv = waiter[] its private waiters' (WAITER). */
	struct ipc_bells bells;
	int waiter[IPC_WAITERS];
	struct ipc_arena arena;
	uint64_t cmd_off, state_off;
	struct ipc_cmdring cmd;
	struct shim_sock_state *state;
	uint16_t gen[SHIM_MAX_SOCKS];
	unsigned int nsocks;
	unsigned int npasses; /* anchors it had made that are alive */
	/* Slots taken (from slot_new() until released): finding a free slot
	 * and visiting the live ones cost a word per 64 slots, not a look
	 * at every slot. */
	uint64_t used[SHIM_MAX_SOCKS / 64];
	struct app_sock socks[SHIM_MAX_SOCKS];
	uint8_t buf[APP_DGRAM_MAX + 1];
};

struct app_table {
	struct app *apps;
	unsigned int napps;
	uint32_t next_id;
	struct app_stats stats;
	/* Anchors made for passing sockets (app_pass.c). */
	struct app_pass *passes;
	unsigned int npasses;
};

/* app.c */
struct app_stats *stats_of(struct engine *eng);
struct app_sock *slot_new(struct app *a, enum app_kind kind, int *err);
void slot_commit(struct app *a, struct app_sock *s, struct ipc_cpl *cpl);
unsigned int next_used(const struct app *a, unsigned int slot);
struct app_sock *sock_lookup(struct app *a, uint32_t id);
int app_waiter_open(struct app *a, uint32_t slot, int *wait_end);
int share_into(struct app *a, struct app_sock *ps, struct ipc_cpl *cpl);
bool tcp_service(struct app *a, struct app_sock *s);
void pump_rx(struct app *a, struct app_sock *s);
void app_rx_drain(struct app *a, struct app_sock *s,
		  void (*fn)(void *arg, const uint8_t *p, size_t n), void *arg);
void app_tcp_close(struct tcb *tcb, bool unread);

/* app_urg.c: urgent data (MSG_OOB) */
size_t app_rx_lag(const struct tcb *tcb, void *arg);
bool app_urg_publish(struct app_sock *s, struct shim_sock_state *st,
		     bool owner);
void app_urg_signal(struct app *a, struct app_sock *s);
size_t app_urg_tx_cut(struct app_sock *s, size_t done, size_t want, int *flags);
int app_op_oob(struct app *a, struct app_sock *s, const struct ipc_cmd *c,
	       struct ipc_cpl *cpl);

/* app_pass.c: passing engine sockets between apps (SCM_RIGHTS) */
void pass_ctl_msg(struct app *a, const void *buf, size_t len, int *fds,
		  size_t nfds);
bool pass_park(struct app *a, struct app_sock *s);
bool pass_held(struct app *a, struct app_sock *s);
void pass_app_gone(struct app *a);
void pass_fini(struct engine *eng);

#endif /* NSSTACK_APP_PRIV_H */
