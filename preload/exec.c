// SPDX-License-Identifier: MIT
/*
 * exec.c - engine sockets across the exec family
 *
 * An engine socket is an anchor fd plus state in our memory; exec keeps
 * the fd and loses the memory.  Before the real exec, when fds without
 * FD_CLOEXEC name engine sockets, the shim opens one more engine
 * connection (a child of ours), SHAREs those sockets into it, lets its
 * fds survive the exec and describes everything in NSSHIM_INHERIT:
 *
 *   NSSHIM_INHERIT=pid,ctl,efd_engine,efd_app,arena_fd,size,cmd_off,client
 *                  ;fd,id,type,tx_off,rx_off,flags,rcvtimeo,sndtimeo,
 *                   linger;...
 *
 * (the timeouts in microseconds, linger in seconds: socket options belong
 * to the open file, which the exec keeps).
 *
 * The next program's shim (a constructor below) maps that arena, adopts the
 * connection and re-makes each socket on its fd.  Our own connection is
 * close-on-exec: its hang-up releases our holders, so sockets on CLOEXEC
 * fds close in the engine as close() would (FIN), and the others live on
 * in the new program.  If the exec fails, the new connection is dropped
 * (the engine releases what was shared into it) and nothing else changed.
 *
 * LD_PRELOAD (and NSSHIM_SOCKET) are put back into the environment when
 * the program cleared them, so the next program still runs the shim.
 *
 * Every way into exec(2) comes here: the libc wrappers below, execveat(),
 * and the raw syscall(SYS_execve / SYS_execveat) forms (syscall.c), which
 * some programs use to go around libc.
 *
 * A vfork() child may run this: it shares our memory, so nothing here
 * touches the fd table or sockets beyond reading them; the scratch
 * buffers are static (one exec at a time per address space).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"

#define EXPORT __attribute__((visibility("default")))
#define INHERIT "NSSHIM_INHERIT"
/* SO_RCVTIMEO/SO_SNDTIMEO <-> microseconds in NSSHIM_INHERIT. */
static unsigned long long tv_us(const struct timeval *tv)
{
	return (unsigned long long)tv->tv_sec * 1000000u +
	       (unsigned long long)tv->tv_usec;
}

static struct timeval us_tv(unsigned long long us)
{
	if (us > (unsigned long long)INT32_MAX * 1000000u)
		us = (unsigned long long)INT32_MAX * 1000000u;
	return (struct timeval){ .tv_sec = (time_t)(us / 1000000u),
				 .tv_usec = (suseconds_t)(us % 1000000u) };
}

/* Bits in a socket's flags field. */
#define XF_LISTEN 0x1u
#define XF_CONNDONE 0x2u
#define XF_CONNECTED 0x4u
#define XF_SHUT_RD 0x8u
#define XF_SHUT_WR 0x10u
/* Most environment entries we rebuild without malloc. */
#define ENV_MAX 2048

extern char **environ;

static int (*real_execve)(const char *, char *const[], char *const[]);
static int (*real_execvpe)(const char *, char *const[], char *const[]);
static int (*real_fexecve)(int, char *const[], char *const[]);
static int (*real_execveat)(int, const char *, char *const[], char *const[],
			    int);
static long (*real_syscall)(long, ...);
typedef int (*spawn_fn)(pid_t *, const char *,
			const posix_spawn_file_actions_t *,
			const posix_spawnattr_t *, char *const[],
			char *const[]);
static spawn_fn real_spawn, real_spawnp;
static pthread_once_t real_once = PTHREAD_ONCE_INIT;
static char self_path[512];
static char preload_env[600];
static char socket_env[200];

static void real_init(void)
{
	Dl_info di;
	const char *sock = getenv("NSSHIM_SOCKET");

	real_execve = (int (*)(const char *, char *const[],
			       char *const[]))dlsym(RTLD_NEXT, "execve");
	real_execvpe = (int (*)(const char *, char *const[],
				char *const[]))dlsym(RTLD_NEXT, "execvpe");
	real_fexecve = (int (*)(int, char *const[], char *const[]))dlsym(
		RTLD_NEXT, "fexecve");
	real_execveat = (int (*)(int, const char *, char *const[],
				 char *const[], int))dlsym(RTLD_NEXT,
							   "execveat");
	real_syscall = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	real_spawn = (spawn_fn)dlsym(RTLD_NEXT, "posix_spawn");
	real_spawnp = (spawn_fn)dlsym(RTLD_NEXT, "posix_spawnp");
	if (dladdr((void *)real_init, &di) && di.dli_fname &&
	    strlen(di.dli_fname) < sizeof(self_path))
		strcpy(self_path, di.dli_fname);
	if (self_path[0])
		(void)snprintf(preload_env, sizeof(preload_env),
			       "LD_PRELOAD=%s", self_path);
	if (sock && strlen(sock) + 15 < sizeof(socket_env))
		(void)snprintf(socket_env, sizeof(socket_env),
			       "NSSHIM_SOCKET=%s", sock);
}

/* What the new program gets: the environment and the handed-on state. */
static char *env_out[ENV_MAX + 4];
static char inherit_env[SHIM_MAX_SOCKS * 72 + 256];

static bool has_var(char *const env[], const char *name, const char *want)
{
	size_t n = strlen(name);

	for (; env && *env; env++)
		if (!strncmp(*env, name, n) && (*env)[n] == '=')
			return !want || strstr(*env + n + 1, want);
	return false;
}

/*
 * hand_on() - share the engine sockets on fds that survive the exec into a
 * new connection and describe it in inherit_env
 *
 * Return: true if a connection was made (undo it if the exec fails).
 */
static bool hand_on(void)
{
	char *p = inherit_env, *end = inherit_env + sizeof(inherit_env);
	size_t fd, nsock = 0;
	int n;

	if (!shim_enabled() || shim_engine_gone())
		return false;
	for (fd = 0; fd < shim_fds.cap; fd++) {
		int fl;

		if (!shim_fds.slots[fd])
			continue;
		fl = shim_real.fcntl((int)fd, F_GETFD);
		if (fl >= 0 && !(fl & FD_CLOEXEC))
			nsock++;
	}
	if (!nsock)
		return false;
	n = snprintf(p, (size_t)(end - p), INHERIT "=");
	p += n;
	if (shim_exec_open(p, (size_t)(end - p)))
		return false;
	p += strlen(p);
	for (fd = 0; fd < shim_fds.cap; fd++) {
		struct shim_sock *s = esock_get((int)fd);
		unsigned int fl = 0;
		uint64_t offs;
		uint32_t id;
		int fdfl;

		if (!s)
			continue;
		fdfl = shim_real.fcntl((int)fd, F_GETFD);
		if (fdfl < 0 || (fdfl & FD_CLOEXEC) ||
		    shim_exec_share(s->id, &id, &offs)) {
			esock_put(s);
			continue;
		}
		fl |= atomic_load(&s->listening) ? XF_LISTEN : 0;
		fl |= atomic_load(&s->conn) == SHIM_CONN_DONE ? XF_CONNDONE : 0;
		fl |= s->connected ? XF_CONNECTED : 0;
		fl |= atomic_load(&s->shut_rd) ? XF_SHUT_RD : 0;
		fl |= atomic_load(&s->shut_wr) ? XF_SHUT_WR : 0;
		n = snprintf(p, (size_t)(end - p),
			     ";%zu,%u,%d,%llu,%llu,%u,%llu,%llu,%d", fd, id,
			     s->type, (unsigned long long)(offs & UINT32_MAX),
			     (unsigned long long)(offs >> 32), fl,
			     tv_us(&s->rcvtimeo), tv_us(&s->sndtimeo),
			     atomic_load(&s->linger));
		esock_put(s);
		if (n < 0 || n >= end - p)
			break;
		p += n;
		shim_log("exec: fd %zu hands on engine socket %#x", fd, id);
	}
	shim_exec_ready();
	return true;
}

/* new_env() - @env with our variables set; NULL if it cannot be built. */
static char *const *new_env(char *const env[], bool handed)
{
	size_t n = 0, i;

	pthread_once(&real_once, real_init);
	for (i = 0; env && env[i]; i++) {
		if (!strncmp(env[i], INHERIT "=", sizeof(INHERIT)))
			continue;
		if (n >= ENV_MAX)
			return NULL;
		env_out[n++] = env[i];
	}
	if (preload_env[0] && !has_var(env, "LD_PRELOAD", "libnsshim"))
		env_out[n++] = preload_env;
	if (socket_env[0] && !has_var(env, "NSSHIM_SOCKET", NULL))
		env_out[n++] = socket_env;
	if (handed)
		env_out[n++] = inherit_env;
	env_out[n] = NULL;
	return env_out;
}

/* How run() execs. */
enum exec_how {
	EXEC_VE,  /* execve(path) */
	EXEC_VPE, /* execvpe(path): a PATH search */
	EXEC_FD,  /* fexecve(fd) */
	EXEC_AT,  /* execveat(fd, path, flags) */
};

/* real_exec_at() - execveat(2): libc's if it has one, else the syscall. */
static int real_exec_at(int fd, const char *path, char *const argv[],
			char *const envp[], int flags)
{
	if (real_execveat)
		return real_execveat(fd, path, argv, envp, flags);
	if (!real_syscall) {
		errno = ENOSYS;
		return -1;
	}
	return (int)real_syscall(SYS_execveat, (long)fd, path, argv, envp,
				 (long)flags);
}

/*
 * run() - the common path of every exec hook: hand on, exec, undo on
 * failure.  @flags: execveat()'s, for EXEC_AT.
 */
static int run(enum exec_how how, const char *path, int fd, char *const argv[],
	       char *const envp[], int flags)
{
	bool handed;
	char *const *env;
	int rc, saved;

	pthread_once(&real_once, real_init);
	handed = hand_on();
	env = new_env(envp, handed);
	if (!env)
		env = envp;
	switch (how) {
	case EXEC_VE:
		rc = real_execve(path, argv, env);
		break;
	case EXEC_VPE:
		rc = real_execvpe(path, argv, env);
		break;
	case EXEC_FD:
		rc = real_fexecve(fd, argv, env);
		break;
	case EXEC_AT:
	default:
		rc = real_exec_at(fd, path, argv, env, flags);
		break;
	}
	saved = errno;
	if (handed)
		shim_exec_undo();
	errno = saved;
	return rc;
}

EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	return run(EXEC_VE, path, -1, argv, envp, 0);
}

EXPORT int execv(const char *path, char *const argv[])
{
	return run(EXEC_VE, path, -1, argv, environ, 0);
}

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	return run(EXEC_VPE, file, -1, argv, envp, 0);
}

EXPORT int execvp(const char *file, char *const argv[])
{
	return run(EXEC_VPE, file, -1, argv, environ, 0);
}

EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	return run(EXEC_FD, NULL, fd, argv, envp, 0);
}

/*
 * execveat() - glibc's wrapper (2.34+) and syscall(SYS_execveat) alike
 * (syscall.c routes the raw form here, and SYS_execve to execve())
 */
EXPORT int execveat(int fd, const char *path, char *const argv[],
		    char *const envp[], int flags)
{
	return run(EXEC_AT, path, fd, argv, envp, flags);
}

/*
 * posix_spawn() - glibc's child execs without going through execve(), so
 * the hand-on happens here: the child inherits the connection's fds (no
 * FD_CLOEXEC) and the environment; once the spawn returned (the child
 * has exec'd or failed), our copies of the connection go.  Only one
 * spawn hands on at a time (the scratch buffers are shared).
 */
static pthread_mutex_t spawn_lock = PTHREAD_MUTEX_INITIALIZER;

static int spawn(spawn_fn fn, pid_t *pid, const char *path,
		 const posix_spawn_file_actions_t *fa,
		 const posix_spawnattr_t *at, char *const argv[],
		 char *const envp[])
{
	char *const *env;
	bool handed;
	int rc;

	pthread_mutex_lock(&spawn_lock);
	handed = hand_on();
	env = new_env(envp, handed);
	rc = fn(pid, path, fa, at, argv, env ? env : envp);
	if (handed)
		shim_exec_undo();
	pthread_mutex_unlock(&spawn_lock);
	return rc;
}

EXPORT int posix_spawn(pid_t *pid, const char *path,
		       const posix_spawn_file_actions_t *fa,
		       const posix_spawnattr_t *at, char *const argv[],
		       char *const envp[])
{
	pthread_once(&real_once, real_init);
	return spawn(real_spawn, pid, path, fa, at, argv, envp);
}

EXPORT int posix_spawnp(pid_t *pid, const char *file,
			const posix_spawn_file_actions_t *fa,
			const posix_spawnattr_t *at, char *const argv[],
			char *const envp[])
{
	pthread_once(&real_once, real_init);
	return spawn(real_spawnp, pid, file, fa, at, argv, envp);
}

/* The execl family: arguments to a vector (at most 4096 of them). */
#define ARGS_MAX 4096
static char *args_out[ARGS_MAX + 1];

static char *const *collect(const char *arg0, va_list ap, char *const **envp)
{
	size_t n = 0;
	char *a = (char *)arg0;

	while (a && n < ARGS_MAX) {
		args_out[n++] = a;
		a = va_arg(ap, char *);
	}
	args_out[n] = NULL;
	if (envp)
		*envp = va_arg(ap, char *const *);
	return args_out;
}

EXPORT int execl(const char *path, const char *arg, ...)
{
	char *const *argv;
	va_list ap;

	va_start(ap, arg);
	argv = collect(arg, ap, NULL);
	va_end(ap);
	return run(EXEC_VE, path, -1, argv, environ, 0);
}

EXPORT int execlp(const char *file, const char *arg, ...)
{
	char *const *argv;
	va_list ap;

	va_start(ap, arg);
	argv = collect(arg, ap, NULL);
	va_end(ap);
	return run(EXEC_VPE, file, -1, argv, environ, 0);
}

EXPORT int execle(const char *path, const char *arg, ...)
{
	char *const *argv, *const *envp = NULL;
	va_list ap;

	va_start(ap, arg);
	argv = collect(arg, ap, &envp);
	va_end(ap);
	return run(EXEC_VE, path, -1, argv, envp, 0);
}

/* adopt() - one "fd,id,type,tx,rx,flags" record of NSSHIM_INHERIT. */
static void adopt(const unsigned long long *v)
{
	int fd = (int)v[0], type = (int)v[2];
	int fl = shim_real.fcntl(fd, F_GETFL);
	struct shim_sock *s;
	struct fdt_obj *old;

	if (v[0] >= shim_fds.cap || v[1] > UINT32_MAX || fl < 0 ||
	    (type != SOCK_STREAM && type != SOCK_DGRAM) || v[3] > UINT32_MAX ||
	    v[4] > UINT32_MAX)
		return;
	if (esock_new((uint32_t)v[1],
		      type | (fl & O_NONBLOCK ? SOCK_NONBLOCK : 0), v[3], v[4],
		      &s))
		return;
	atomic_store(&s->listening, (v[5] & XF_LISTEN) != 0);
	atomic_store(&s->conn,
		     v[5] & XF_CONNDONE ? SHIM_CONN_DONE : SHIM_CONN_NONE);
	s->connected = (v[5] & XF_CONNECTED) != 0;
	atomic_store(&s->shut_rd, (v[5] & XF_SHUT_RD) != 0);
	atomic_store(&s->shut_wr, (v[5] & XF_SHUT_WR) != 0);
	s->rcvtimeo = us_tv(v[6]);
	s->sndtimeo = us_tv(v[7]);
	atomic_store(&s->linger, v[8] > INT_MAX ? 0 : (int)v[8]);
	atomic_store(&s->obj.refs, 1);
	if (!fdt_set(&shim_fds, fd, &s->obj, &old))
		fdt_put(old);
	fdt_put(&s->obj); /* the fd holds it now */
	shim_log("exec: fd %d is engine socket %#x again", fd, s->id);
}

/* Before main(): take over what the previous program handed on. */
__attribute__((constructor)) static void inherit_init(void)
{
	const char *spec = getenv(INHERIT);
	unsigned long long v[9];
	int rc;

	if (!spec)
		return;
	spec = strdup(spec);
	(void)unsetenv(INHERIT);
	if (!spec || !shim_enabled())
		goto out;
	rc = shim_inherit(spec);
	if (rc) {
		shim_log("exec: inherited sockets lost (%s)", strerror(-rc));
		goto out;
	}
	{
		const char *p = strchr(spec, ';');

		while (p && *p == ';') {
			p++;
			if (shim_parse_nums(&p, v, 9, ',') != 9)
				break;
			adopt(v);
		}
	}
out:
	free((void *)spec);
}
