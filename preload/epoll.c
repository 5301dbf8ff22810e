// SPDX-License-Identifier: MIT
/*
 * epoll.c - epoll(7) over kernel fds and engine sockets
 *
 * Theory of operation
 *
 * The app's epoll fd is a real kernel epoll instance.  Kernel fds go into
 * it untouched, so a program that never adds an engine socket pays one
 * table look-up per call.  Engine sockets cannot go into it: their anchor
 * fd never becomes readable.  They live in a shim-side interest list, a
 * struct ep_set, that every epoll fd naming the same instance (dup, fcntl
 * F_DUPFD) shares.  Its entries are keyed like the kernel's, by (open
 * file, fd number): here (engine socket, fd number).
 *
 * epoll_wait() takes a round over the entries and one "kernel slot"
 * (a non-blocking wait on the real epoll fd), starting where the previous
 * round stopped, so that maxevents=1 serves every ready source in turn.
 * Readiness of an engine socket comes from esock_revents(), the same
 * rings and state words poll() uses.  To sleep, the entries' wake-me flags
 * are armed and the shim sleeps in ppoll() on the epoll fd (readable when
 * a kernel fd is ready), the app doorbell and the engine connection
 * (shim_sleep()), with the caller's signal mask.
 *
 * Semantics per entry, as the kernel's (fs/eventpoll.c):
 *  - level-triggered: reported while ready;
 *  - EPOLLONESHOT: disabled after one report until EPOLL_CTL_MOD;
 *  - EPOLLET: the shim cannot see the engine's wake-ups, so it infers edges.
 *    An entry is reported when a bit becomes ready that was not ready at
 *    the last look (the "seen" bits drop every bit found not ready), or
 *    when the rx ring's producer index moved since the last report (a
 *    datagram or bytes arrived, as the kernel's sk_data_ready would wake),
 *    or for EPOLLOUT when the engine consumed from the tx ring.  Every
 *    arrival moves the producer index, so no arrival goes unreported; a
 *    report may come where the kernel would stay quiet (tolerated: epoll
 *    users must cope with spurious events).  Because the engine rings the
 *    doorbell only on empty -> non-empty, an ET entry left with unread data
 *    cannot be woken by a new arrival; while one exists the sleep is cut
 *    into EP_ET_NAP_MS naps that re-check the producer index.
 *  - EPOLLEXCLUSIVE: accepted and validated as the kernel does; every set
 *    that watches the socket is woken ("one or more" in epoll_ctl(2)).
 *
 * An entry goes away when the last fd naming its socket closes (close(),
 * close_range(), dup2() over it: hooks.c calls shim_epoll_forget()), as the
 * kernel drops an epitem when the last reference to its file goes.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#include "epoll.h"
#include "epoll_core.h"
#include "shim.h"

#define EXPORT __attribute__((visibility("default")))
/* Re-check period while an ET entry sits on unread data. */
#define EP_ET_NAP_MS 10
/* The kernel's EP_MAX_EVENTS: INT_MAX / sizeof(struct epoll_event). */
#define EP_MAX_EVENTS ((int)(INT_MAX / sizeof(struct epoll_event)))
/**
 * struct ep_entry - one engine socket in an interest list
 * @fd:		the fd it was added with (half of the key)
 * @s:		the socket (a reference; the other half of the key)
 * @data:	returned with every event
 * @trig:	interest and report state (epoll_core.c)
 */
struct ep_entry {
	int fd;
	struct shim_sock *s;
	epoll_data_t data;
	struct ep_trig trig;
};

/**
 * struct ep_pend - a candidate socket (hooks.c: "pending") in the kernel
 * set; when its first bind/connect/send makes it an engine socket, the
 * kernel drops its epitem with the replaced file and the entry moves here
 * @fd:		its fd
 * @ev:		the interest it was added with
 */
struct ep_pend {
	int fd;
	struct epoll_event ev;
};

/**
 * struct ep_set - the engine half of one kernel epoll instance
 * @next:	all sets, for shim_epoll_forget()
 * @nfds:	epoll fds naming the instance
 * @ent:	@n entries (array of @cap)
 * @cursor:	where the next round starts; @n is the kernel slot
 * @pend:	@npend candidate sockets in the kernel set (array of @cappend)
 */
struct ep_set {
	struct ep_set *next;
	int nfds;
	struct ep_entry *ent;
	size_t n, cap;
	size_t cursor;
	struct ep_pend *pend;
	size_t npend, cappend;
};

/* One lock for every set: epoll_ctl is rare, a round is short. */
static pthread_mutex_t ep_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ep_set **ep_fds; /* epoll fd -> set */
static size_t ep_cap;
static struct ep_set *ep_sets;
static _Atomic size_t ep_nsets;

static struct {
	int (*create)(int);
	int (*create1)(int);
	int (*ctl)(int, int, int, struct epoll_event *);
	int (*wait)(int, struct epoll_event *, int, int);
	int (*pwait)(int, struct epoll_event *, int, int, const sigset_t *);
	int (*pwait2)(int, struct epoll_event *, int, const struct timespec *,
		      const sigset_t *);
} real;
static pthread_once_t real_once = PTHREAD_ONCE_INIT;

/* A fork while another thread holds ep_lock must not leave it held. */
static void fork_prepare(void)
{
	pthread_mutex_lock(&ep_lock);
}

static void fork_done(void)
{
	pthread_mutex_unlock(&ep_lock);
}

static void real_init(void)
{
	(void)pthread_atfork(fork_prepare, fork_done, fork_done);
	real.create = (int (*)(int))dlsym(RTLD_NEXT, "epoll_create");
	real.create1 = (int (*)(int))dlsym(RTLD_NEXT, "epoll_create1");
	real.ctl = (int (*)(int, int, int, struct epoll_event *))dlsym(
		RTLD_NEXT, "epoll_ctl");
	real.wait = (int (*)(int, struct epoll_event *, int, int))dlsym(
		RTLD_NEXT, "epoll_wait");
	real.pwait = (int (*)(int, struct epoll_event *, int, int,
			      const sigset_t *))dlsym(RTLD_NEXT, "epoll_pwait");
	real.pwait2 = (int (*)(
		int, struct epoll_event *, int, const struct timespec *,
		const sigset_t *))dlsym(RTLD_NEXT, "epoll_pwait2");
}

/* enabled() - the real functions resolved; false when the shim is off. */
static bool enabled(void)
{
	bool on = shim_enabled();

	pthread_once(&real_once, real_init);
	return on;
}

static int fail(int err)
{
	errno = err;
	return -1;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* set_of() - the set @epfd names, or NULL.  Under ep_lock. */
static struct ep_set *set_of(int epfd)
{
	return epfd >= 0 && (size_t)epfd < ep_cap ? ep_fds[epfd] : NULL;
}

/* name() - make @epfd name @set (grows the map); 0 or -ENOMEM.  Locked. */
static int name(int epfd, struct ep_set *set)
{
	if ((size_t)epfd >= ep_cap) {
		size_t cap = ep_cap ? ep_cap : 64;
		struct ep_set **m;

		while (cap <= (size_t)epfd)
			cap *= 2;
		m = realloc(ep_fds, cap * sizeof(struct ep_set *));
		if (!m)
			return -ENOMEM;
		memset(m + ep_cap, 0, (cap - ep_cap) * sizeof(struct ep_set *));
		ep_fds = m;
		ep_cap = cap;
	}
	ep_fds[epfd] = set;
	set->nfds++;
	return 0;
}

/* new_set() - an empty set named by @epfd, or NULL.  Under ep_lock. */
static struct ep_set *new_set(int epfd)
{
	struct ep_set *set = calloc(1, sizeof(*set));

	if (!set)
		return NULL;
	if (name(epfd, set)) {
		free(set);
		return NULL;
	}
	set->next = ep_sets;
	ep_sets = set;
	atomic_fetch_add(&ep_nsets, 1);
	return set;
}

/*
 * unname() - @epfd no longer names its set.  Under ep_lock.
 * Return: the set if that was its last fd (unlinked; the caller frees it
 * with free_set() after unlocking), else NULL.
 */
static struct ep_set *unname(int epfd)
{
	struct ep_set *set = set_of(epfd), **pp;

	if (!set)
		return NULL;
	ep_fds[epfd] = NULL;
	if (--set->nfds > 0)
		return NULL;
	for (pp = &ep_sets; *pp; pp = &(*pp)->next)
		if (*pp == set) {
			*pp = set->next;
			break;
		}
	atomic_fetch_sub(&ep_nsets, 1);
	return set;
}

/* free_set() - drop an unlinked set's references; not under ep_lock. */
static void free_set(struct ep_set *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->n; i++)
		esock_put(set->ent[i].s);
	free(set->ent);
	free(set->pend);
	free(set);
}

static struct ep_entry *find(struct ep_set *set, struct shim_sock *s, int fd)
{
	size_t i;

	for (i = 0; set && i < set->n; i++)
		if (set->ent[i].s == s && set->ent[i].fd == fd)
			return &set->ent[i];
	return NULL;
}

/* drop() - remove @e from @set; returns its socket reference. */
static struct shim_sock *drop(struct ep_set *set, struct ep_entry *e)
{
	struct shim_sock *s = e->s;
	size_t i = (size_t)(e - set->ent);

	memmove(e, e + 1, (set->n - i - 1) * sizeof(*e));
	set->n--;
	if (set->cursor > i)
		set->cursor--;
	return s;
}

/* grow() - room for one more entry in @set; 0 or -ENOMEM. */
static int grow(struct ep_set *set)
{
	size_t cap = set->cap ? set->cap * 2 : 8;
	struct ep_entry *n;

	if (set->n < set->cap)
		return 0;
	n = realloc(set->ent, cap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	set->ent = n;
	set->cap = cap;
	return 0;
}

/* add() - a new entry for @s (its reference moves to the set). */
static void add(struct ep_set *set, int fd, struct shim_sock *s,
		const struct epoll_event *ev)
{
	set->ent[set->n] = (struct ep_entry){
		.fd = fd,
		.s = s,
		.data = ev->data,
	};
	ep_trig_set(&set->ent[set->n++].trig, ev->events);
}

static struct ep_pend *find_pend(struct ep_set *set, int fd)
{
	size_t i;

	for (i = 0; set && i < set->npend; i++)
		if (set->pend[i].fd == fd)
			return &set->pend[i];
	return NULL;
}

static void drop_pend(struct ep_set *set, struct ep_pend *p)
{
	*p = set->pend[--set->npend];
}

/*
 * note_pend() - epoll_ctl(@op) on candidate socket @fd succeeded in the
 * kernel: keep the shadow entry in step.  Under ep_lock.
 */
static void note_pend(struct ep_set *set, int op, int fd,
		      const struct epoll_event *ev)
{
	struct ep_pend *p = find_pend(set, fd);

	if (op == EPOLL_CTL_DEL) {
		if (p)
			drop_pend(set, p);
		return;
	}
	if (!ev || (op != EPOLL_CTL_ADD && op != EPOLL_CTL_MOD))
		return;
	if (!p && set->npend == set->cappend) {
		size_t cap = set->cappend ? set->cappend * 2 : 4;
		struct ep_pend *n = realloc(set->pend, cap * sizeof(*n));

		if (!n)
			return; /* best effort: it stays a kernel entry */
		set->pend = n;
		set->cappend = cap;
	}
	if (!p)
		p = &set->pend[set->npend++];
	*p = (struct ep_pend){ .fd = fd, .ev = *ev };
}

/*
 * migrate() - candidate sockets of @set that became engine sockets join
 * its engine entries; those that stayed on the kernel are forgotten.
 * Under ep_lock.
 */
static void migrate(struct ep_set *set)
{
	struct shim_sock *s;
	size_t i;

	for (i = set->npend; i-- > 0;) {
		struct ep_pend *p = &set->pend[i];

		if (shim_fd_pending(p->fd))
			continue;
		s = esock_get(p->fd);
		if (s && !find(set, s, p->fd) && !grow(set)) {
			add(set, p->fd, s, &p->ev);
			s = NULL;
		}
		if (s)
			esock_put(s);
		drop_pend(set, p);
	}
}

/* The ET marks (sock.c): counters that move on every arrival and every
 * send the engine takes. */
static uint32_t rx_mark(const struct shim_sock *s)
{
	return esock_rx_mark(s);
}

static uint32_t tx_mark(const struct shim_sock *s)
{
	return esock_tx_mark(s);
}

/*
 * named_elsewhere() - an fd still names @o (the closing one is out of the
 * table already).  Under ep_lock.  A count, not a scan: nginx closes a
 * watched socket per request, and the table has RLIMIT_NOFILE slots.
 */
static bool named_elsewhere(const struct fdt_obj *o)
{
	return fdt_named(&shim_fds, o);
}

/**
 * shim_epoll_forget() - @fd is closing (or being replaced by dup2)
 * @fd:		the fd
 * @o:		the engine socket it named, already taken out of the fd table
 *		(the caller still holds that reference), or NULL
 *
 * If @fd was an epoll fd, it no longer names its set.  If it was the last
 * fd of @o, @o leaves every interest list, as the kernel removes an
 * epitem when the file's last reference goes.
 */
void shim_epoll_forget(int fd, struct fdt_obj *o)
{
	struct ep_set *dead, *set;
	struct ep_entry *e;
	size_t i;
	bool listed = false;

	if (!atomic_load(&ep_nsets))
		return;
	pthread_mutex_lock(&ep_lock);
	dead = unname(fd);
	for (set = ep_sets; set; set = set->next) {
		struct ep_pend *p = find_pend(set, fd);

		if (p)
			drop_pend(set, p);
	}
	for (set = ep_sets; o && set && !listed; set = set->next)
		for (i = 0; i < set->n && !listed; i++)
			listed = &set->ent[i].s->obj == o;
	if (listed && !named_elsewhere(o)) {
		for (set = ep_sets; set; set = set->next)
			for (i = set->n; i-- > 0;) {
				e = &set->ent[i];
				/* The caller's reference keeps @o alive. */
				if (&e->s->obj == o)
					esock_put(drop(set, e));
			}
	}
	pthread_mutex_unlock(&ep_lock);
	free_set(dead);
}

/**
 * shim_epoll_dup() - @nfd is now a copy of @fd
 * @old:	the engine socket @nfd named before, out of the table, or NULL
 */
void shim_epoll_dup(int fd, int nfd, struct fdt_obj *old)
{
	struct ep_set *set;

	shim_epoll_forget(nfd, old);
	if (!atomic_load(&ep_nsets))
		return;
	pthread_mutex_lock(&ep_lock);
	set = set_of(fd);
	if (set && nfd >= 0)
		(void)name(nfd, set);
	pthread_mutex_unlock(&ep_lock);
}

/* track() - remember a new epoll fd (best effort: lazily made otherwise). */
static int track(int epfd)
{
	struct ep_set *dead;

	if (epfd < 0)
		return epfd;
	pthread_mutex_lock(&ep_lock);
	dead = unname(epfd); /* a stale set of a missed close */
	(void)new_set(epfd);
	pthread_mutex_unlock(&ep_lock);
	free_set(dead);
	return epfd;
}

EXPORT int epoll_create(int size)
{
	if (!enabled())
		return real.create(size);
	return track(real.create(size));
}

EXPORT int epoll_create1(int flags)
{
	if (!enabled())
		return real.create1(flags);
	return track(real.create1(flags));
}

/*
 * ctl_engine() - epoll_ctl(2) for an engine socket, errors in the kernel's
 * order (do_epoll_ctl()): EFAULT, then the checks of both files (EBADF,
 * EPERM, EINVAL for epfd == fd or a non-epoll epfd), then EPOLLEXCLUSIVE,
 * then the look-up (EEXIST, ENOENT) and the op.
 * Return: 0 or -errno.  Consumes the reference on @s.
 */
static int ctl_engine(int epfd, int op, int fd, struct shim_sock *s,
		      const struct epoll_event *ev)
{
	struct epoll_event probe = { 0 };
	struct shim_sock *gone = NULL;
	struct ep_entry *e;
	struct ep_set *set;
	uint32_t events = ev ? ev->events : 0;
	int rc = 0;

	if (op != EPOLL_CTL_DEL && !ev) {
		rc = -EFAULT;
		goto out;
	}
	/*
	 * Let the kernel judge epfd and the anchor: deleting the anchor,
	 * which is never in the kernel set, fails with ENOENT exactly when
	 * every file check passed.
	 */
	if (real.ctl(epfd, EPOLL_CTL_DEL, fd, &probe) && errno != ENOENT) {
		rc = -errno;
		goto out;
	}
	rc = ep_excl_check(op, events);
	if (rc)
		goto out;
	pthread_mutex_lock(&ep_lock);
	set = set_of(epfd);
	if (set)
		migrate(set);
	e = find(set, s, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		if (e) {
			rc = -EEXIST;
			break;
		}
		if (!set)
			set = new_set(epfd);
		if (!set || grow(set)) {
			rc = -ENOMEM;
			break;
		}
		add(set, fd, s, ev);
		s = NULL; /* the entry keeps the reference */
		break;
	case EPOLL_CTL_DEL:
		if (!e)
			rc = -ENOENT;
		else
			gone = drop(set, e);
		break;
	case EPOLL_CTL_MOD:
		if (!e) {
			rc = -ENOENT;
		} else if (e->trig.events & EPOLLEXCLUSIVE) {
			rc = -EINVAL;
		} else {
			ep_trig_set(&e->trig, events);
			e->data = ev->data;
		}
		break;
	default:
		rc = -EINVAL;
		break;
	}
	pthread_mutex_unlock(&ep_lock);
	if (gone)
		esock_put(gone);
out:
	if (s)
		esock_put(s);
	return rc;
}

EXPORT int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	struct ep_set *set;
	struct shim_sock *s;
	int rc;

	if (!enabled())
		return real.ctl(epfd, op, fd, ev);
	s = esock_get(fd);
	if (s) {
		rc = ctl_engine(epfd, op, fd, s, ev);
		return rc ? fail(-rc) : 0;
	}
	rc = real.ctl(epfd, op, fd, ev);
	if (rc == 0 && (shim_fd_pending(fd) || op == EPOLL_CTL_DEL)) {
		pthread_mutex_lock(&ep_lock);
		set = set_of(epfd);
		if (!set && op == EPOLL_CTL_ADD)
			set = new_set(epfd);
		if (set)
			note_pend(set, op, fd, ev);
		pthread_mutex_unlock(&ep_lock);
	}
	return rc;
}

/* poll_entry() - @e's event into @out if it is to be reported now. */
static bool poll_entry(struct ep_entry *e, struct epoll_event *out)
{
	uint32_t rev, rx = 0, tx = 0;

	if (e->trig.off)
		return false;
	if (e->trig.events & EPOLLET) {
		/* Marks first: an arrival after this shows up next round. */
		rx = rx_mark(e->s);
		tx = tx_mark(e->s);
	}
	rev = (uint16_t)esock_revents(e->s,
				      (short)(e->trig.events & EP_POLL_BITS));
	rev = ep_trig_report(&e->trig, rev, rx, tx);
	if (!rev)
		return false;
	out->events = rev;
	out->data = e->data;
	return true;
}

/*
 * collect() - one round over @set's entries and its kernel slot, starting
 * at the cursor; at most @max events.  Under ep_lock.
 * Return: events stored, or -errno from the kernel epoll.
 */
static int collect(struct ep_set *set, int epfd, struct epoll_event *out,
		   int max)
{
	size_t slots = set->n + 1, k, i, last = SIZE_MAX;
	int n = 0, r;

	for (k = 0; k < slots && n < max; k++) {
		i = (set->cursor + k) % slots;
		if (i == set->n) {
			r = real.wait(epfd, out + n, max - n, 0);
			if (r < 0)
				return -errno;
			if (r > 0)
				last = i;
			n += r;
		} else if (poll_entry(&set->ent[i], &out[n])) {
			last = i;
			n++;
		}
	}
	if (last != SIZE_MAX)
		set->cursor = (last + 1) % slots;
	return n;
}

/* struct ep_arm - a socket armed for one sleep (with its own reference) */
struct ep_arm {
	struct shim_sock *s;
	short events;
};

/*
 * arm() - take references on the sockets to wake us and arm them.  Under
 * ep_lock.
 * Return: entries in *@armp (the caller frees and disarms), or -ENOMEM;
 * *@ready is set if one turned ready meanwhile, *@nap if an ET entry sits
 * on unread data.
 */
static int arm(struct ep_set *set, uint64_t who, struct ep_arm **armp,
	       bool *ready, bool *nap)
{
	struct ep_arm *a;
	size_t i;
	int n = 0;
	short ev;

	*armp = NULL;
	if (!set->n)
		return 0;
	a = calloc(set->n, sizeof(*a));
	if (!a)
		return -ENOMEM;
	for (i = 0; i < set->n; i++) {
		struct ep_entry *e = &set->ent[i];

		ev = (short)ep_trig_arm(&e->trig, nap);
		if (!ev)
			continue;
		atomic_fetch_add(&e->s->obj.refs, 1);
		a[n++] = (struct ep_arm){ .s = e->s, .events = ev };
		if (esock_arm(e->s, ev, who))
			*ready = true;
	}
	*armp = a;
	return n;
}

/*
 * down() - the engine is gone: every live entry reports ERR | HUP and the
 * IN/OUT it asked for, as Linux's tcp_poll() does for a reset socket, so
 * the next call meets the error.  ERR | HUP alone trips libuv's
 * `events & POLLIN` assertion on a listener (node died so).
 */
static int down(struct ep_set *set, struct epoll_event *out, int max)
{
	size_t i;
	int n = 0;

	for (i = 0; i < set->n && n < max; i++) {
		struct ep_entry *e = &set->ent[i];

		if (e->trig.off)
			continue;
		if (e->trig.events & EPOLLONESHOT)
			e->trig.off = true;
		out[n].events = EPOLLERR | EPOLLHUP |
				(e->trig.events &
				 (EPOLLIN | EPOLLRDNORM | EPOLLOUT |
				  EPOLLWRNORM | EPOLLRDHUP));
		out[n++].data = e->data;
	}
	return n;
}

/*
 * ep_wait() - epoll_pwait() over the kernel instance and the engine set
 * @timeout:	ms, -1 for none
 * @mask:	the signal mask while sleeping, or NULL
 * Return: events, or -1 with errno.
 */
static int ep_wait(int epfd, struct epoll_event *out, int max, int timeout,
		   const sigset_t *mask)
{
	int64_t deadline = timeout < 0 ? -1 : mono_ms() + timeout;
	struct shim_waiter w;
	struct pollfd pfd;
	struct ep_arm *a;
	struct ep_set *set;
	bool ready, nap;
	int n, na, i, left, rc;

	if (max <= 0 || max > EP_MAX_EVENTS)
		return fail(EINVAL);
	pthread_mutex_lock(&ep_lock);
	set = set_of(epfd);
	if (set)
		migrate(set);
	if (!set || !set->n) {
		pthread_mutex_unlock(&ep_lock);
		return mask ? real.pwait(epfd, out, max, timeout, mask)
			    : real.wait(epfd, out, max, timeout);
	}
	for (;;) {
		/* The set may have gone with a close in another thread. */
		set = set_of(epfd);
		if (!set) {
			pthread_mutex_unlock(&ep_lock);
			return real.pwait(epfd, out, max, 0, mask);
		}
		migrate(set);
		n = collect(set, epfd, out, max);
		left = deadline < 0 ? -1 : (int)(deadline - mono_ms());
		if (n || (deadline >= 0 && left <= 0))
			break;
		ready = nap = false;
		shim_waiter_get(&w);
		na = arm(set, w.bit, &a, &ready, &nap);
		pthread_mutex_unlock(&ep_lock);
		if (na < 0) {
			shim_waiter_put(&w);
			return fail(-na);
		}
		rc = 0;
		if (!ready) {
			if (nap && (left < 0 || left > EP_ET_NAP_MS))
				left = EP_ET_NAP_MS;
			pfd = (struct pollfd){ .fd = epfd, .events = POLLIN };
			rc = shim_sleep(&w, &pfd, 1, left, mask, NULL);
		}
		for (i = 0; i < na; i++) {
			esock_disarm(a[i].s, w.bit);
			esock_put(a[i].s);
		}
		shim_waiter_put(&w);
		free(a);
		if (rc == -EINTR || rc == -ENOMEM)
			return fail(-rc);
		pthread_mutex_lock(&ep_lock);
		if (rc == -ENETDOWN && (set = set_of(epfd))) {
			n = down(set, out, max);
			break;
		}
	}
	pthread_mutex_unlock(&ep_lock);
	return n < 0 ? fail(-n) : n;
}

EXPORT int epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout)
{
	if (!enabled())
		return real.wait(epfd, ev, max, timeout);
	return ep_wait(epfd, ev, max, timeout, NULL);
}

EXPORT int epoll_pwait(int epfd, struct epoll_event *ev, int max, int timeout,
		       const sigset_t *mask)
{
	if (!enabled())
		return real.pwait(epfd, ev, max, timeout, mask);
	return ep_wait(epfd, ev, max, timeout, mask);
}

EXPORT int epoll_pwait2(int epfd, struct epoll_event *ev, int max,
			const struct timespec *ts, const sigset_t *mask)
{
	long long ms = -1;

	if (!enabled() || !real.pwait2)
		return real.pwait2 ? real.pwait2(epfd, ev, max, ts, mask)
				   : fail(ENOSYS);
	if (ts) {
		if (ts->tv_sec < 0 || ts->tv_nsec < 0 ||
		    ts->tv_nsec >= 1000000000L)
			return fail(EINVAL);
		ms = (long long)ts->tv_sec * 1000 +
		     (ts->tv_nsec + 999999) / 1000000;
		if (ms > INT_MAX)
			ms = INT_MAX;
	}
	return ep_wait(epfd, ev, max, (int)ms, mask);
}
