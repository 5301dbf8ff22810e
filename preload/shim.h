/* SPDX-License-Identifier: MIT */
/*
 * shim.h - libnsshim.so internals: the engine connection, engine sockets
 * and the real libc functions behind the hooks
 */
#ifndef NSSHIM_SHIM_H
#define NSSHIM_SHIM_H

#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "bytering.h"
#include "cmdring.h"
#include "fdtable.h"
#include "nsstack/shimproto.h"
#include "recring.h"

/* The libc functions we interpose, resolved with dlsym(RTLD_NEXT). */
struct shim_real {
	int (*socket)(int, int, int);
	int (*bind)(int, const struct sockaddr *, socklen_t);
	int (*connect)(int, const struct sockaddr *, socklen_t);
	int (*close)(int);
	ssize_t (*sendto)(int, const void *, size_t, int,
			  const struct sockaddr *, socklen_t);
	ssize_t (*sendmsg)(int, const struct msghdr *, int);
	ssize_t (*recvfrom)(int, void *, size_t, int, struct sockaddr *,
			    socklen_t *);
	ssize_t (*recvmsg)(int, struct msghdr *, int);
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*write)(int, const void *, size_t);
	int (*getsockname)(int, struct sockaddr *, socklen_t *);
	int (*getpeername)(int, struct sockaddr *, socklen_t *);
	int (*setsockopt)(int, int, int, const void *, socklen_t);
	int (*getsockopt)(int, int, int, void *, socklen_t *);
	int (*fcntl)(int, int, ...);
	int (*ioctl)(int, unsigned long, ...);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	int (*poll)(struct pollfd *, nfds_t, int);
	int (*ppoll)(struct pollfd *, nfds_t, const struct timespec *,
		     const sigset_t *);
	int (*select)(int, fd_set *, fd_set *, fd_set *, struct timeval *);
	int (*pselect)(int, fd_set *, fd_set *, fd_set *,
		       const struct timespec *, const sigset_t *);
	int (*listen)(int, int);
	int (*accept)(int, struct sockaddr *, socklen_t *);
	int (*accept4)(int, struct sockaddr *, socklen_t *, int);
	int (*shutdown)(int, int);
	ssize_t (*readv)(int, const struct iovec *, int);
	ssize_t (*writev)(int, const struct iovec *, int);
	ssize_t (*sendfile)(int, int, off_t *, size_t);
	ssize_t (*pread)(int, void *, size_t, off_t);
};

extern struct shim_real shim_real;

/* One data ring: records for datagram sockets, bytes for stream ones. */
union shim_ring {
	struct ipc_recring rec;
	struct ipc_bytering byte;
};

/* Where a stream socket's connect() stands, as the program saw it. */
enum shim_conn {
	SHIM_CONN_NONE,	   /* never asked, or the attempt failed */
	SHIM_CONN_STARTED, /* EINPROGRESS returned; not yet reported done */
	SHIM_CONN_DONE,	   /* connected (or accepted) */
};

/**
 * struct shim_sock - one engine socket, named by one or more anchor fds
 * @obj:	reference count (fdtable.h)
 * @id:		the engine's socket id
 * @type:	SOCK_DGRAM (record rings) or SOCK_STREAM (byte rings)
 * @family:	AF_INET or AF_INET6, as the program created it
 * @st:		its state words in the arena
 * @rx_lock:	serialises receivers (a ring handle is single-threaded)
 * @tx_lock:	serialises senders
 * @cmd_lock:	serialises commands that use the socket's scratch area
 * @tx:		data to the engine (we produce)
 * @rx:		data from the engine (we consume)
 * @nonblock:	O_NONBLOCK of the open file (shared by dups, as in the kernel)
 * @connected:	datagram: connect() succeeded, sends without an address are
 *		allowed
 * @conn:	stream: enum shim_conn
 * @listening:	stream: listen() succeeded
 * @shut_rd:	stream: shutdown(SHUT_RD) was called
 * @shut_wr:	stream: shutdown(SHUT_WR) was called
 * @rcvtimeo:	SO_RCVTIMEO (zero: wait forever)
 * @sndtimeo:	SO_SNDTIMEO
 * @linger:	stream: SO_LINGER's l_linger when l_onoff and > 0, else 0:
 *		the last close() waits that long for the FIN to be acked
 * @pass_ino:	st_ino of the last anchor the engine made to pass it
 *		(scm.c), 0 if none: sending that anchor again needs no PASS
 */
struct shim_sock {
	struct fdt_obj obj;
	uint32_t id;
	int type;
	int family;
	struct shim_sock_state *st;
	pthread_mutex_t rx_lock, tx_lock, cmd_lock;
	union shim_ring tx, rx;
	_Atomic bool nonblock;
	bool connected;
	_Atomic int conn;
	_Atomic bool listening, shut_rd, shut_wr;
	struct timeval rcvtimeo, sndtimeo;
	_Atomic int linger;
	_Atomic unsigned long pass_ino;
};

/* client.c: the engine connection */
extern struct fdtable shim_fds;
extern int shim_log_on;
void shim_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool shim_enabled(void);
bool shim_bind_any_engine(void);
int shim_attach(void);
int shim_cmd(struct ipc_cmd *cmd, struct ipc_cpl *cpl);
int shim_cmd_post(struct ipc_cmd *cmd);
const struct ipc_bells *shim_engine_bells(void);
bool shim_engine_gone(void);
void *shim_region(uint64_t off);
uint32_t shim_region_len(void);
struct shim_sock_state *shim_state(uint32_t id);
struct shim_waiter;
int shim_sleep(const struct shim_waiter *w, struct pollfd *extra, nfds_t nextra,
	       int timeout_ms, const sigset_t *sigmask, int *nready);
int shim_move_high(int fd);
int shim_pre_child_open(uint32_t *parent_id, uint64_t *secret);
int shim_pre_child_cmd(struct ipc_cmd *c, struct ipc_cpl *cpl);
void shim_pre_child_close(void);
void shim_child_adopt(void);
bool shim_in_vfork_child(void);
int shim_exec_open(char *hdr, size_t len);
int shim_exec_share(uint32_t sock, uint32_t *id, uint64_t *offs);
void shim_exec_ready(void);
void shim_exec_undo(void);
int shim_inherit(const char *spec);
size_t shim_parse_nums(const char **p, unsigned long long *v, size_t max,
		       char sep);
void shim_child_unmap_parent(void);
struct ipc_msg;
struct ipc_result;
int shim_ctl_call(const struct ipc_msg *req, int fd_out, struct ipc_result *res,
		  int *fd_in);
pid_t shim_engine_pid(void);
extern __thread int shim_ctl_busy;

/* waiter.c: what a blocked call sleeps on */

/**
 * struct shim_waiter - one wait's doorbell (shim_waiter_get())
 * @bit:	the wake-me bit to arm: IPC_WAITER_BIT(n) or IPC_WAIT_SHARED
 * @fd:		the doorbell to sleep on, or -1 for the shared one
 */
struct shim_waiter {
	uint64_t bit;
	int fd;
};

void shim_waiter_get(struct shim_waiter *w);
void shim_waiter_put(const struct shim_waiter *w);
/* At most this many waiters are held for long (epoll sets). */
#define SHIM_WAITERS_HELD (IPC_WAITERS / 2)
int shim_waiter_hold(struct shim_waiter *w);
void shim_waiter_release(const struct shim_waiter *w);
void shim_waiters_forget(void);

/* scm.c: engine sockets in SCM_RIGHTS on AF_UNIX sockets */
void scm_pass(const struct msghdr *m);
void scm_adopt(struct msghdr *m);

/* sock.c: engine sockets */
int esock_create(int domain, int type, struct shim_sock **out);
int esock_new(uint32_t id, int type, uint64_t tx_off, uint64_t rx_off,
	      struct shim_sock **out);
int esock_run(struct ipc_cmd *c, struct ipc_cpl *cpl);
int esock_take_error(struct shim_sock *s);
void esock_arm_state(struct shim_sock *s, uint64_t who);
void esock_disarm_state(struct shim_sock *s, uint64_t who);
int64_t esock_deadline(const struct timeval *tv);
int esock_left_ms(int64_t deadline);
struct shim_sock *esock_get(int fd);
void esock_put(struct shim_sock *s);
int esock_bind(struct shim_sock *s, const struct sockaddr *sa, socklen_t len);
uint8_t *esock_scratch(const struct shim_sock *s);
int esock_connect(struct shim_sock *s, const struct sockaddr *sa,
		  socklen_t len);
ssize_t esock_send(struct shim_sock *s, const void *buf, size_t len, int flags,
		   const struct sockaddr *sa, socklen_t salen);
ssize_t esock_recv(struct shim_sock *s, void *buf, size_t len, int flags,
		   struct sockaddr *sa, socklen_t *salen, int *msg_flags,
		   struct msghdr *ctl);
int esock_getname(struct shim_sock *s, int which, struct sockaddr *sa,
		  socklen_t *len);
int esock_setsockopt(struct shim_sock *s, int level, int name, const void *val,
		     socklen_t len);
int esock_getsockopt(struct shim_sock *s, int level, int name, void *val,
		     socklen_t *len);
int esock_fionread(struct shim_sock *s);
int esock_atmark(struct shim_sock *s);
int esock_set_owner(struct shim_sock *s, long owner);
short esock_revents(struct shim_sock *s, short events);
bool esock_arm(struct shim_sock *s, short events, uint64_t who);
void esock_disarm(struct shim_sock *s, uint64_t who);
uint32_t esock_rx_mark(const struct shim_sock *s);
uint32_t esock_tx_mark(const struct shim_sock *s);

/* stream.c: stream (TCP) engine sockets */
int stream_connect_start(struct shim_sock *s, const struct sockaddr *sa,
			 socklen_t len);
int stream_connect_wait(struct shim_sock *s);
int stream_connect(struct shim_sock *s, const struct sockaddr *sa,
		   socklen_t len);
int stream_listen(struct shim_sock *s, int backlog);
int stream_accept(struct shim_sock *s, int flags, struct sockaddr *sa,
		  socklen_t *salen, struct shim_sock **out);
int stream_shutdown(struct shim_sock *s, int how);
ssize_t stream_send(struct shim_sock *s, const void *buf, size_t len,
		    int flags);
ssize_t stream_recv(struct shim_sock *s, void *buf, size_t len, int flags);
ssize_t stream_recv_oob(struct shim_sock *s, void *buf, size_t len, int flags,
			int *msg_flags);
int stream_fionread(struct shim_sock *s);
int stream_atmark(struct shim_sock *s);
short stream_revents(struct shim_sock *s, short events);
bool stream_arm(struct shim_sock *s, short events, uint64_t who);

#endif /* NSSHIM_SHIM_H */
