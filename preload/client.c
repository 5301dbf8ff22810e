// SPDX-License-Identifier: MIT
/*
 * client.c - libnsshim.so's connection to the engine: lazy attach, the
 * command ring, and sleeping on the doorbell
 *
 * Nothing happens at load time but resolving the real libc functions and
 * reading the environment: the engine is contacted on the first socket
 * call that the decision rule (decide.c) sends to it.  If the attach
 * fails, the failure is remembered and every later socket stays on the
 * kernel.
 *
 * One command ring per process; commands are serialised by a mutex.  A
 * sleeping thread sleeps on its waiter's doorbell (waiter.c), which the
 * engine rings for it alone; only a thread without a private waiter
 * sleeps on the process's shared doorbell, in naps of SHIM_SHARED_NAP_MS,
 * since another thread there may drain the wake meant for it.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "ctlmsg.h"
#include "ctlsock.h"
#include "doorbell.h"
#include "nsstack/ctl.h"
#include "shim.h"

#define SHIM_SHARED_NAP_MS 10
/* Our own fds move up here so programs that assume small fd numbers (or
 * close them in bulk) leave them alone. */
#define SHIM_FD_FLOOR 700

struct shim_real shim_real;
struct fdtable shim_fds;
int shim_log_on;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static bool passthrough, bind_any;

/* The engine hung up its end of our control socket: it exited or was
 * killed.  Sticky; shim_engine_gone() checks now and then. */
static _Atomic bool engine_dead;
static _Atomic int64_t next_check_ns;
#define SHIM_DEATH_CHECK_NS 50000000 /* 50 ms between cheap polls */

static pthread_mutex_t attach_lock = PTHREAD_MUTEX_INITIALIZER;
static int attach_rc = 1; /* 1: not tried yet; 0: attached; -errno */

static struct {
	int ctl_fd, efd_engine, efd_app;
	struct ipc_arena arena;
	struct ipc_bells to_engine; /* .shared = efd_engine */
	struct ipc_cmdring cmd;
	pthread_mutex_t cmd_lock;
	struct shim_sock_state *state;
	uint32_t max_socks;
	uint32_t client_id; /* ours, and our secret: for a fork child */
	uint64_t secret;
} eng = { .ctl_fd = -1,
	  .efd_engine = -1,
	  .efd_app = -1,
	  .to_engine = { .shared = -1 },
	  .cmd_lock = PTHREAD_MUTEX_INITIALIZER };

#define REAL(name) (shim_real.name = dlsym(RTLD_NEXT, #name))

static bool env_on(const char *name)
{
	const char *v = getenv(name);

	return v && v[0] && strcmp(v, "0") != 0;
}

static void shim_init(void)
{
	struct rlimit rl;
	size_t cap = 65536;

	REAL(socket);
	REAL(bind);
	REAL(connect);
	REAL(close);
	REAL(sendto);
	REAL(sendmsg);
	REAL(recvfrom);
	REAL(recvmsg);
	REAL(read);
	REAL(write);
	REAL(getsockname);
	REAL(getpeername);
	REAL(setsockopt);
	REAL(getsockopt);
	REAL(fcntl);
	REAL(ioctl);
	REAL(dup);
	REAL(dup2);
	REAL(dup3);
	REAL(poll);
	REAL(ppoll);
	REAL(select);
	REAL(pselect);
	REAL(listen);
	REAL(accept);
	REAL(accept4);
	REAL(shutdown);
	REAL(readv);
	REAL(writev);
	REAL(sendfile);
	REAL(pread);
	passthrough = env_on("NSSHIM_PASSTHROUGH");
	/* bind(0.0.0.0) goes to the engine unless NSSHIM_BIND_ENGINE=0:
	 * a server run under the shim is meant to serve on the engine. */
	bind_any = !getenv("NSSHIM_BIND_ENGINE") ||
		   env_on("NSSHIM_BIND_ENGINE");
	shim_log_on = env_on("NSSHIM_LOG");
	/* The hard limit: a program may raise its soft limit later (nginx's
	 * worker_rlimit_nofile), and fds up to it must still find a slot.
	 * Untouched pages of the table cost nothing. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		cap = rl.rlim_max == RLIM_INFINITY ? (1u << 20) : rl.rlim_max;
	if (cap > (1u << 20))
		cap = 1u << 20;
	if (fdt_init(&shim_fds, cap))
		passthrough = true;
}

/**
 * shim_enabled() - resolve the real functions on first use; false when the
 * shim must stay out of the way (NSSHIM_PASSTHROUGH=1, no memory)
 */
bool shim_enabled(void)
{
	pthread_once(&init_once, shim_init);
	return !passthrough;
}

/** shim_bind_any_engine() - 0.0.0.0 binds go to us (NSSHIM_BIND_ENGINE,
 * default on). */
bool shim_bind_any_engine(void)
{
	return bind_any;
}

/** shim_log() - one line to stderr when NSSHIM_LOG=1; keeps errno. */
void shim_log(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int saved = errno, n;

	if (!shim_log_on)
		return;
	n = snprintf(line, sizeof(line), "nsshim[%d]: ", (int)getpid());
	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): va_start'ed */
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	(void)!shim_real.write(2, line, (size_t)n);
	errno = saved;
}

/* shim_move_high() - @fd re-numbered at or above SHIM_FD_FLOOR if
 * possible, close-on-exec. */
int shim_move_high(int fd)
{
	int nfd = shim_real.fcntl(fd, F_DUPFD_CLOEXEC, SHIM_FD_FLOOR);

	if (nfd < 0)
		return fd;
	shim_real.close(fd);
	return nfd;
}

static int ctl_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = getenv("NSSHIM_SOCKET");
	struct timeval tv = { .tv_sec = 5 };
	int fd;

	if (path && path[0]) {
		if (strlen(path) >= sizeof(sa.sun_path))
			return -ENAMETOOLONG;
		strcpy(sa.sun_path, path);
	} else if (nsstack_ctl_default_path(sa.sun_path, sizeof(sa.sun_path))) {
		return -ENAMETOOLONG;
	}
	fd = shim_real.socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* A wedged engine must not hang the app's first socket call. */
	(void)shim_real.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
				   sizeof(tv));
	if (shim_real.connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		shim_real.close(fd);
		return err;
	}
	return shim_move_high(fd);
}

/* One engine connection: ours (eng), or a forked child's made ahead. */
struct hs {
	int ctl_fd, efd_engine, efd_app;
	struct ipc_arena arena;
	struct ipc_cmdring cmd;
	uint32_t client_id;
	uint64_t cmd_off;
	bool keep_fd; /* keep the arena memfd open (exec hands it on) */
};

/* handshake() - HELLO, WELCOME, map into @h; 0 or -errno. */
static int handshake(struct hs *h, uint32_t flags)
{
	struct ipc_msg m = { .type = IPC_MSG_HELLO, .version = IPC_VERSION };
	uint8_t buf[IPC_MSG_MAX_LEN];
	int fds[IPC_CTL_MAX_FDS];
	size_t nfds = 0, dropped = 0, i;
	void *region;
	uint32_t slots;
	ssize_t n;
	int rc;

	m.u.hello.pid = (uint32_t)getpid();
	m.u.hello.flags = flags;
	n = ipc_msg_encode(&m, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	shim_ctl_busy++;
	n = ipc_ctl_send(h->ctl_fd, buf, (size_t)n, NULL, 0);
	if (n >= 0)
		n = ipc_ctl_recv(h->ctl_fd, buf, sizeof(buf), fds,
				 IPC_CTL_MAX_FDS, &nfds, &dropped);
	shim_ctl_busy--;
	if (n < 0)
		return (int)n;
	rc = ipc_msg_decode(buf, (size_t)n, &m);
	if (!rc && m.type == IPC_MSG_REJECT)
		rc = -(int)m.u.reject.err;
	else if (!rc && (m.type != IPC_MSG_WELCOME || nfds != IPC_WFD_COUNT))
		rc = -EPROTO;
	if (!rc)
		rc = ipc_arena_map(&h->arena, fds[IPC_WFD_ARENA],
				   m.u.welcome.arena_size);
	if (rc) {
		for (i = 0; i < nfds; i++)
			shim_real.close(fds[i]);
		return rc;
	}
	/* The mapping keeps the memory; the fd is not needed any more. */
	if (!h->keep_fd) {
		shim_real.close(fds[IPC_WFD_ARENA]);
		h->arena.fd = -1;
	}
	h->cmd_off = m.u.welcome.cmd_ring_off;
	h->client_id = m.u.welcome.client_id;
	h->efd_engine = shim_move_high(fds[IPC_WFD_ENGINE]);
	h->efd_app = shim_move_high(fds[IPC_WFD_THREAD]);
	region = ipc_arena_region(&h->arena, m.u.welcome.cmd_ring_off);
	if (!region)
		return -EPROTO;
	rc = ipc_cmdring_info_check(region, h->arena.lay.region_len, &slots);
	if (!rc)
		rc = ipc_cmdring_open(&h->cmd, region, h->arena.lay.region_len,
				      slots, false);
	return rc;
}

/*
 * state_span() - the state region at @off of arena @ar, if all of its
 * SHIM_STATE_LEN bytes lie inside the arena (the engine's word is not
 * enough), else NULL
 */
static void *state_span(const struct ipc_arena *ar, uint64_t off)
{
	void *p = ipc_arena_region(ar, off);

	if (!p || off > ar->lay.size || ar->lay.size - off < SHIM_STATE_LEN)
		return NULL;
	return p;
}

static int describe(void)
{
	struct ipc_cmd c = { .op = IPC_OP_NOP, .arg = { SHIM_NOP_DESCRIBE } };
	struct ipc_cpl cpl;
	int rc = shim_cmd(&c, &cpl);

	if (rc)
		return rc;
	if (cpl.err)
		return -cpl.err;
	eng.state = state_span(&eng.arena, cpl.val[0]);
	eng.max_socks = (uint32_t)cpl.val[1];
	/* The table must fit its region: the engine's word is not enough. */
	if (!eng.state || eng.max_socks > SHIM_MAX_SOCKS)
		return -EPROTO;
	/* The secret a fork child proves its descent with (fork.c). */
	c = (struct ipc_cmd){ .op = IPC_OP_NOP, .arg = { SHIM_NOP_FORKKEY } };
	rc = shim_cmd(&c, &cpl);
	if (!rc && !cpl.err && cpl.val[1] == eng.client_id)
		eng.secret = cpl.val[0];
	return rc;
}

/**
 * shim_attach() - connect to the engine once; later calls return the
 * first result
 *
 * Return: 0 when attached, else -errno (the caller stays on the kernel).
 */
int shim_attach(void)
{
	int rc;

	pthread_mutex_lock(&attach_lock);
	if (attach_rc != 1)
		goto out;
	eng.ctl_fd = ctl_connect();
	if (eng.ctl_fd < 0) {
		attach_rc = eng.ctl_fd;
		goto out;
	}
	{
		struct hs h = { .ctl_fd = eng.ctl_fd };

		attach_rc = handshake(&h, 0);
		eng.efd_engine = h.efd_engine;
		eng.to_engine.shared = eng.efd_engine;
		eng.efd_app = h.efd_app;
		eng.arena = h.arena;
		eng.cmd = h.cmd;
		eng.client_id = h.client_id;
	}
	if (!attach_rc)
		attach_rc = describe();
	if (attach_rc) {
		shim_real.close(eng.ctl_fd);
		eng.ctl_fd = -1;
	}
out:
	rc = attach_rc;
	pthread_mutex_unlock(&attach_lock);
	if (rc == 0)
		return 0;
	shim_log("attach failed: %s", strerror(-rc));
	return rc;
}

/** shim_engine_bells() - where to ring the engine (ring kicks). */
const struct ipc_bells *shim_engine_bells(void)
{
	return &eng.to_engine;
}

/**
 * shim_sleep() - sleep until @w's doorbell rings, one of @extra is ready,
 * @timeout_ms passes or a signal arrives
 * @w:		the caller's waiter, whose bit it armed (doorbell protocol)
 * @extra:	kernel fds to watch as well (revents filled), or NULL
 * @nextra:	entries in @extra
 * @timeout_ms:	-1 for no limit
 * @sigmask:	for ppoll(), or NULL
 * @nready:	set to the number of @extra entries with revents (or NULL)
 *
 * On the shared doorbell (no private waiter) the sleep is a nap of at most
 * SHIM_SHARED_NAP_MS: the caller re-checks and sleeps again.
 *
 * Return: 0, -ETIMEDOUT, -EINTR, or -ENETDOWN when the engine is gone.
 */
int shim_sleep(const struct shim_waiter *w, struct pollfd *extra, nfds_t nextra,
	       int timeout_ms, const sigset_t *sigmask, int *nready)
{
	struct pollfd stack[64], *pfd = stack;
	struct timespec ts, *tsp = NULL;
	nfds_t n = nextra + 2, i;
	int rc, saved = errno, bell = w->fd >= 0 ? w->fd : eng.efd_app;

	if (n > sizeof(stack) / sizeof(stack[0])) {
		pfd = calloc(n, sizeof(*pfd));
		if (!pfd)
			return -ENOMEM;
	}
	if (nextra)
		memcpy(pfd, extra, nextra * sizeof(*pfd));
	pfd[nextra] = (struct pollfd){ .fd = bell, .events = POLLIN };
	/* The engine's hang-up only: a RESULT waiting there for another
	 * thread's control call is none of our business (with POLLIN every
	 * sleeper would spin until that thread read it). */
	pfd[nextra + 1] = (struct pollfd){ .fd = eng.ctl_fd,
					   .events = POLLRDHUP };
	if (w->fd < 0 && (timeout_ms < 0 || timeout_ms > SHIM_SHARED_NAP_MS))
		timeout_ms = SHIM_SHARED_NAP_MS;
	if (timeout_ms >= 0) {
		ts.tv_sec = timeout_ms / 1000;
		ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
		tsp = &ts;
	}
	rc = shim_real.ppoll(pfd, n, tsp, sigmask);
	if (rc < 0) {
		rc = -errno;
		goto out;
	}
	if (nready)
		*nready = 0;
	for (i = 0; i < nextra; i++) {
		extra[i].revents = pfd[i].revents;
		if (nready && pfd[i].revents)
			(*nready)++;
	}
	if (pfd[nextra].revents & POLLIN)
		(void)ipc_doorbell_drain(bell);
	if (pfd[nextra + 1].revents & (POLLHUP | POLLRDHUP | POLLERR)) {
		atomic_store(&engine_dead, true);
		rc = -ENETDOWN;
	} else
		rc = rc ? 0 : -ETIMEDOUT;
out:
	if (pfd != stack)
		free(pfd);
	errno = saved;
	return rc;
}

/**
 * shim_engine_gone() - the engine we are attached to has gone away
 *
 * A call that never sleeps (a send into a ring with room, a non-blocking
 * receive) would not notice the engine's death; this polls the control
 * socket for its hang-up, at most every 50 ms (a coarse clock read
 * otherwise), so such calls fail within that time instead of feeding
 * rings nobody reads.
 */
bool shim_engine_gone(void)
{
	struct pollfd p = { .fd = eng.ctl_fd, .events = POLLRDHUP };
	struct timespec ts;
	int64_t now;

	if (atomic_load_explicit(&engine_dead, memory_order_relaxed))
		return true;
	if (eng.ctl_fd < 0 || clock_gettime(CLOCK_MONOTONIC_COARSE, &ts) != 0)
		return false;
	now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	if (now < atomic_load_explicit(&next_check_ns, memory_order_relaxed))
		return false;
	atomic_store_explicit(&next_check_ns, now + SHIM_DEATH_CHECK_NS,
			      memory_order_relaxed);
	if (shim_real.poll(&p, 1, 0) == 1 &&
	    (p.revents & (POLLHUP | POLLRDHUP | POLLERR)))
		atomic_store(&engine_dead, true);
	return atomic_load(&engine_dead);
}

/*
 * submit() - queue @cmd for the engine and kick it; under cmd_lock.
 *
 * Completions nobody waits for (shim_cmd_post()) are drained first: with
 * the completion ring empty at each submit, the at most ring-size
 * commands in flight always find room for their completions.  A full
 * command ring (posted commands the engine has not fetched yet) waits for
 * the engine to take some.
 */
static int submit(struct ipc_cmd *cmd)
{
	struct shim_waiter w;
	struct ipc_cpl stale;
	int rc;

	for (;;) {
		(void)ipc_cpl_reap(&eng.cmd, eng.cmd.next_seq, &stale);
		rc = ipc_cmd_submit(&eng.cmd, cmd);
		if (rc != -EAGAIN)
			break;
		(void)ipc_cmdring_kick(&eng.cmd, &eng.to_engine);
		/* Completions come as the engine fetches: wait for one, but
		 * only a nap (its fetching alone rings nobody). */
		shim_waiter_get(&w);
		if (ipc_cmdring_wait_prepare(&eng.cmd, w.bit) == 0)
			rc = shim_sleep(&w, NULL, 0, SHIM_SHARED_NAP_MS, NULL,
					NULL);
		ipc_cmdring_wait_cancel(&eng.cmd, w.bit);
		shim_waiter_put(&w);
		if (rc == -ENETDOWN)
			return rc;
	}
	if (!rc)
		(void)ipc_cmdring_kick(&eng.cmd, &eng.to_engine);
	return rc;
}

/**
 * shim_cmd_post() - send a command without waiting for its completion
 * @cmd:	filled by the caller except @seq
 *
 * For commands whose outcome the caller cannot use (CLOSE: close(2) has
 * already succeeded); the next submit or reap skips the completion.
 * Commands still run in order, so a socket made after this close names
 * a fresh engine socket.
 *
 * Return: 0, or -errno when the engine could not be asked.
 */
int shim_cmd_post(struct ipc_cmd *cmd)
{
	int rc;

	pthread_mutex_lock(&eng.cmd_lock);
	rc = submit(cmd);
	pthread_mutex_unlock(&eng.cmd_lock);
	return rc;
}

/**
 * shim_cmd() - run one command in the engine and wait for its completion
 * @cmd:	filled by the caller except @seq
 * @cpl:	the completion
 *
 * Return: 0 (then cpl->err says how the call went), or -errno when the
 * engine could not be asked (-ENETDOWN: it is gone).
 */
int shim_cmd(struct ipc_cmd *cmd, struct ipc_cpl *cpl)
{
	struct shim_waiter w;
	int rc;

	pthread_mutex_lock(&eng.cmd_lock);
	rc = submit(cmd);
	if (rc)
		goto out;
	shim_waiter_get(&w);
	for (;;) {
		rc = ipc_cpl_reap(&eng.cmd, cmd->seq, cpl);
		if (rc != -EAGAIN)
			break;
		if (ipc_cmdring_wait_prepare(&eng.cmd, w.bit) == 0) {
			rc = shim_sleep(&w, NULL, 0, -1, NULL, NULL);
			if (rc == -ENETDOWN) {
				ipc_cmdring_wait_cancel(&eng.cmd, w.bit);
				break;
			}
		}
		ipc_cmdring_wait_cancel(&eng.cmd, w.bit);
	}
	shim_waiter_put(&w);
out:
	pthread_mutex_unlock(&eng.cmd_lock);
	return rc;
}

/* One request and its RESULT at a time on the control socket. */
static pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;

/* Non-zero while this thread talks on a control socket: ipc/ctlsock.c's
 * sendmsg() and recvmsg() land in our own hooks, whose SCM_RIGHTS
 * handling (scm.c) must leave the engine's fds alone. */
__thread int shim_ctl_busy;

/**
 * shim_ctl_call() - a PASS or ADOPT on the control socket, and its RESULT
 * @req:	the request
 * @fd_out:	an fd to send with it, or -1
 * @res:	the engine's RESULT
 * @fd_in:	set to the fd that came with the RESULT, or -1 (may be NULL
 *		when none is expected: one that comes is closed)
 *
 * The control socket's SO_RCVTIMEO (5 s) bounds the wait.  Sleeping
 * threads watch the control socket for the engine's hang-up only, so the
 * RESULT does not wake them.
 *
 * Return: 0 (then @res->err says how it went), or -errno.
 */
int shim_ctl_call(const struct ipc_msg *req, int fd_out, struct ipc_result *res,
		  int *fd_in)
{
	uint8_t buf[IPC_MSG_MAX_LEN];
	int fds[IPC_CTL_MAX_FDS];
	size_t nfds = 0, i;
	struct ipc_msg m;
	ssize_t n;
	int rc;

	if (fd_in)
		*fd_in = -1;
	n = ipc_msg_encode(req, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	pthread_mutex_lock(&ctl_lock);
	shim_ctl_busy++;
	n = ipc_ctl_send(eng.ctl_fd, buf, (size_t)n,
			 fd_out >= 0 ? &fd_out : NULL, fd_out >= 0 ? 1 : 0);
	if (n >= 0)
		n = ipc_ctl_recv(eng.ctl_fd, buf, sizeof(buf), fds,
				 IPC_CTL_MAX_FDS, &nfds, NULL);
	shim_ctl_busy--;
	pthread_mutex_unlock(&ctl_lock);
	if (n <= 0) {
		for (i = 0; i < nfds; i++)
			shim_real.close(fds[i]);
		return n < 0 ? (int)n : -ENETDOWN;
	}
	rc = ipc_msg_decode(buf, (size_t)n, &m);
	if (!rc && m.type != IPC_MSG_RESULT)
		rc = -EPROTO;
	for (i = 0; i < nfds; i++) {
		if (!rc && i == 0 && fd_in)
			*fd_in = fds[0];
		else
			shim_real.close(fds[i]);
	}
	if (!rc)
		*res = m.u.result;
	return rc;
}

/** shim_engine_pid() - the engine's pid (SO_PEERCRED), or -1. */
pid_t shim_engine_pid(void)
{
	struct ucred cr;

	if (eng.ctl_fd < 0 || ipc_ctl_peercred(eng.ctl_fd, &cr))
		return -1;
	return cr.pid;
}

/** shim_region() - a region of our arena named by the engine, or NULL. */
void *shim_region(uint64_t off)
{
	return ipc_arena_region(&eng.arena, off);
}

/** shim_region_len() - bytes per region. */
uint32_t shim_region_len(void)
{
	return eng.arena.lay.region_len;
}

/** shim_state() - the state words of socket @id, or NULL. */
struct shim_sock_state *shim_state(uint32_t id)
{
	uint32_t slot = SHIM_ID_SLOT(id);

	return eng.state && slot < eng.max_socks ? &eng.state[slot] : NULL;
}

/* ---- fork: the child's connection, made by the parent (fork.c) -------- */

/*
 * The parent makes the child's connection before fork() (pthread_atfork
 * prepare), so nothing can race with it: a socket the parent closes right
 * after fork() is already shared.  The child adopts it; the parent drops
 * its copy, so the child's exit or death hangs it up.
 */
static struct {
	struct hs h;
	uint64_t state_off;
	uint32_t max_socks;
	bool open;
} pre = { .h = { .ctl_fd = -1, .efd_engine = -1, .efd_app = -1 } };

static struct ipc_arena parent_arena = { .fd = -1 };

static void hs_close(struct hs *h)
{
	if (h->ctl_fd >= 0)
		shim_real.close(h->ctl_fd);
	if (h->efd_engine >= 0)
		shim_real.close(h->efd_engine);
	if (h->efd_app >= 0)
		shim_real.close(h->efd_app);
	h->ctl_fd = h->efd_engine = h->efd_app = -1;
	h->arena.fd = -1;
	ipc_arena_close(&h->arena);
}

/**
 * shim_pre_child_cmd() - one command on the child's connection, from the
 * parent (no other thread uses it: plain wait, 5 s at most)
 *
 * Return: 0 or -errno (from the engine, or the wait).
 */
static int hs_cmd(struct hs *h, struct ipc_cmd *c, struct ipc_cpl *cpl);

int shim_pre_child_cmd(struct ipc_cmd *c, struct ipc_cpl *cpl)
{
	return hs_cmd(&pre.h, c, cpl);
}

/* hs_cmd() - one command on connection @h, used by one thread only. */
static int hs_cmd(struct hs *h, struct ipc_cmd *c, struct ipc_cpl *cpl)
{
	int rc, tries;

	rc = ipc_cmd_submit(&h->cmd, c);
	if (rc)
		return rc;
	(void)ipc_cmdring_kick(&h->cmd,
			       &(struct ipc_bells){ .shared = h->efd_engine });
	for (tries = 0; tries < 500; tries++) {
		struct pollfd p[2] = {
			{ .fd = h->efd_app, .events = POLLIN },
			{ .fd = h->ctl_fd, .events = POLLRDHUP },
		};
		rc = ipc_cpl_reap(&h->cmd, c->seq, cpl);
		if (rc != -EAGAIN)
			return rc ? rc : cpl->err ? -cpl->err : 0;
		if (ipc_cmdring_wait_prepare(&h->cmd, IPC_WAIT_SHARED) == 0 &&
		    shim_real.poll(p, 2, 10) > 0) {
			if (p[1].revents) {
				ipc_cmdring_wait_cancel(&h->cmd,
							IPC_WAIT_SHARED);
				return -ENETDOWN;
			}
			if (p[0].revents & POLLIN)
				(void)ipc_doorbell_drain(h->efd_app);
		}
		ipc_cmdring_wait_cancel(&h->cmd, IPC_WAIT_SHARED);
	}
	return -ETIMEDOUT;
}

/**
 * shim_pre_child_open() - before fork(): a new engine connection for the
 * child, as a child of ours (IPC_HELLO_F_CHILD)
 * @parent_id:	set to our client id
 * @secret:	set to our secret (for SHARE on the child's connection)
 *
 * Return: 0; 1 when we are not attached (the child attaches on its own
 * if it needs to); -errno.
 */
int shim_pre_child_open(uint32_t *parent_id, uint64_t *secret)
{
	struct ipc_cmd c = { .op = IPC_OP_NOP, .arg = { SHIM_NOP_DESCRIBE } };
	struct ipc_cpl cpl;
	int rc;

	pthread_mutex_lock(&attach_lock);
	rc = attach_rc;
	pthread_mutex_unlock(&attach_lock);
	if (rc != 0)
		return 1;
	if (atomic_load(&engine_dead) || !eng.secret)
		return -ENETDOWN;
	*parent_id = eng.client_id;
	*secret = eng.secret;
	memset(&pre, 0, sizeof(pre));
	pre.h.efd_engine = pre.h.efd_app = pre.h.arena.fd = -1;
	pre.h.ctl_fd = ctl_connect();
	if (pre.h.ctl_fd < 0)
		return pre.h.ctl_fd;
	pre.open = true;
	rc = handshake(&pre.h, IPC_HELLO_F_CHILD);
	if (!rc)
		rc = shim_pre_child_cmd(&c, &cpl);
	if (!rc) {
		pre.state_off = cpl.val[0];
		pre.max_socks = (uint32_t)cpl.val[1];
		if (pre.max_socks > SHIM_MAX_SOCKS ||
		    !state_span(&pre.h.arena, pre.state_off))
			rc = -EPROTO;
	}
	if (rc)
		shim_pre_child_close();
	return rc;
}

/** shim_pre_child_close() - in the parent after fork(): drop our copy. */
void shim_pre_child_close(void)
{
	if (!pre.open)
		return;
	hs_close(&pre.h);
	pre.open = false;
}

/**
 * shim_child_adopt() - in the fork() child: forget the parent's
 * connection and take the one the parent made for us (if any)
 *
 * Runs single-threaded before fork() returns: locks a vanished thread may
 * have held are re-made, and the private waiters' doorbells (the
 * parent's) are let go.  Without a prepared connection the child
 * attaches afresh on its first engine socket.
 */
void shim_child_adopt(void)
{
	struct hs old = { .ctl_fd = eng.ctl_fd,
			  .efd_engine = eng.efd_engine,
			  .efd_app = eng.efd_app,
			  .arena = eng.arena };

	pthread_mutex_init(&attach_lock, NULL);
	pthread_mutex_init(&eng.cmd_lock, NULL);
	shim_waiters_forget();
	if (attach_rc != 0)
		return;
	/* Unmapped once no socket points into it (shim_child_unmap_parent). */
	parent_arena = old.arena;
	memset(&old.arena, 0, sizeof(old.arena));
	hs_close(&old);
	eng.ctl_fd = eng.efd_engine = eng.efd_app = -1;
	eng.to_engine.shared = -1;
	eng.state = NULL;
	eng.secret = 0;
	atomic_store(&engine_dead, false);
	if (!pre.open) {
		attach_rc = 1;
		memset(&eng.arena, 0, sizeof(eng.arena));
		eng.arena.fd = -1;
		return;
	}
	eng.ctl_fd = pre.h.ctl_fd;
	eng.efd_engine = pre.h.efd_engine;
	eng.to_engine.shared = eng.efd_engine;
	eng.efd_app = pre.h.efd_app;
	eng.arena = pre.h.arena;
	eng.cmd = pre.h.cmd;
	eng.client_id = pre.h.client_id;
	eng.state = state_span(&eng.arena, pre.state_off);
	eng.max_socks = pre.max_socks;
	pre.open = false;
	/* Our own secret, for our own children. */
	{
		struct ipc_cmd c = { .op = IPC_OP_NOP,
				     .arg = { SHIM_NOP_FORKKEY } };
		struct ipc_cpl cpl;

		if (!shim_cmd(&c, &cpl) && !cpl.err &&
		    cpl.val[1] == eng.client_id)
			eng.secret = cpl.val[0];
	}
}

/** shim_child_unmap_parent() - the fork() child no longer reads the
 * parent's arena: unmap it. */
void shim_child_unmap_parent(void)
{
	parent_arena.fd = -1;
	ipc_arena_close(&parent_arena);
}

/* ---- exec: engine sockets handed to the next program (exec.c) -------- */

/*
 * Before exec the shim opens one more connection (a child of ours, as
 * for fork) and SHAREs into it the sockets on fds that survive the exec;
 * its control socket, doorbells and arena memfd lose FD_CLOEXEC, and
 * NSSHIM_INHERIT tells the next program's shim where they are.  Our own
 * connection is close-on-exec: its holders go with it.  The connection is
 * a static, not malloc'd: a vfork() child runs this in our memory.
 */
static struct hs xc = { .ctl_fd = -1, .efd_engine = -1, .efd_app = -1 };

/**
 * shim_exec_open() - the connection for the next program
 * @hdr:	filled with its description for NSSHIM_INHERIT
 * @len:	bytes at @hdr
 *
 * Return: 0, 1 when we are not attached (nothing to hand on), -errno.
 */
int shim_exec_open(char *hdr, size_t len)
{
	int rc, n;

	if (attach_rc != 0)
		return 1;
	if (atomic_load(&engine_dead) || !eng.secret)
		return -ENETDOWN;
	memset(&xc, 0, sizeof(xc));
	xc.efd_engine = xc.efd_app = xc.arena.fd = -1;
	xc.keep_fd = true;
	xc.ctl_fd = ctl_connect();
	if (xc.ctl_fd < 0)
		return xc.ctl_fd;
	rc = handshake(&xc, IPC_HELLO_F_CHILD);
	if (rc) {
		shim_exec_undo();
		return rc;
	}
	n = snprintf(hdr, len, "%d,%d,%d,%d,%d,%llu,%llu,%u", (int)getpid(),
		     xc.ctl_fd, xc.efd_engine, xc.efd_app, xc.arena.fd,
		     (unsigned long long)xc.arena.lay.size,
		     (unsigned long long)xc.cmd_off, xc.client_id);
	if (n < 0 || (size_t)n >= len) {
		shim_exec_undo();
		return -ENOBUFS;
	}
	return 0;
}

/** shim_exec_share() - SHARE our socket @sock into the next program's
 * connection; 0 or -errno, *@id and *@offs as SHARE returns them. */
int shim_exec_share(uint32_t sock, uint32_t *id, uint64_t *offs)
{
	struct ipc_cmd c = { .op = IPC_OP_SHARE,
			     .sock = sock,
			     .arg = { eng.client_id, eng.secret } };
	struct ipc_cpl cpl;
	int rc = hs_cmd(&xc, &c, &cpl);

	if (rc)
		return rc;
	*id = (uint32_t)cpl.result;
	*offs = cpl.val[0];
	return 0;
}

/** shim_exec_ready() - the connection's fds survive the exec; our mapping
 * of its arena goes (a vfork() parent would keep it otherwise). */
void shim_exec_ready(void)
{
	int fds[] = { xc.ctl_fd, xc.efd_engine, xc.efd_app, xc.arena.fd };
	size_t i;

	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		(void)shim_real.fcntl(fds[i], F_SETFD, 0);
	if (xc.arena.base)
		munmap(xc.arena.base, xc.arena.lay.size);
	xc.arena.base = NULL;
}

/** shim_exec_undo() - the exec failed (or was never tried): drop the
 * connection; the engine releases what was shared into it. */
void shim_exec_undo(void)
{
	int fd = xc.arena.fd;

	xc.arena.fd = -1;
	hs_close(&xc);
	if (fd >= 0)
		shim_real.close(fd);
}

/**
 * shim_inherit() - in the program after exec: adopt the connection named
 * by the head of NSSHIM_INHERIT ("pid,ctl,efd_engine,efd_app,arena_fd,
 * size,cmd_off,client_id"); pid is the process that exec'd (us) or
 * spawned us (posix_spawn), so a stale variable is not taken for ours
 *
 * Return: 0 (attached; engine sockets may be re-made), or -errno.
 */
int shim_inherit(const char *spec)
{
	unsigned long long v[8];
	struct hs h;
	void *region;
	uint32_t slots;
	int rc, ctl, efe, efa, afd;

	if (shim_parse_nums(&spec, v, 8, ',') != 8 ||
	    (v[0] != (unsigned long long)getpid() &&
	     v[0] != (unsigned long long)getppid()) ||
	    v[1] > INT_MAX || v[2] > INT_MAX || v[3] > INT_MAX ||
	    v[4] > INT_MAX || v[7] > UINT32_MAX)
		return -EINVAL;
	ctl = (int)v[1];
	efe = (int)v[2];
	efa = (int)v[3];
	afd = (int)v[4];
	memset(&h, 0, sizeof(h));
	h.arena.fd = -1;
	rc = ipc_arena_map(&h.arena, afd, v[5]);
	if (rc)
		return rc;
	shim_real.close(afd);
	h.arena.fd = -1;
	region = ipc_arena_region(&h.arena, v[6]);
	rc = region ? ipc_cmdring_info_check(region, h.arena.lay.region_len,
					     &slots)
		    : -EPROTO;
	if (!rc)
		rc = ipc_cmdring_open(&eng.cmd, region, h.arena.lay.region_len,
				      slots, false);
	if (rc) {
		ipc_arena_close(&h.arena);
		return rc;
	}
	pthread_mutex_lock(&attach_lock);
	eng.arena = h.arena;
	eng.ctl_fd = shim_move_high(ctl);
	eng.efd_engine = shim_move_high(efe);
	eng.to_engine.shared = eng.efd_engine;
	eng.efd_app = shim_move_high(efa);
	eng.client_id = (uint32_t)v[7];
	attach_rc = describe();
	rc = attach_rc;
	pthread_mutex_unlock(&attach_lock);
	return rc;
}

/**
 * shim_parse_nums() - up to @max decimal numbers separated by @sep from
 * *@p; *@p is left after the last one (at its terminator)
 *
 * Return: how many were read.
 */
size_t shim_parse_nums(const char **p, unsigned long long *v, size_t max,
		       char sep)
{
	const char *s = *p;
	size_t n = 0;

	while (n < max && *s >= '0' && *s <= '9') {
		char *end;

		errno = 0;
		v[n] = strtoull(s, &end, 10);
		if (errno || end == s)
			break;
		n++;
		s = end;
		if (*s != sep || n == max)
			break;
		s++;
	}
	*p = s;
	return n;
}
