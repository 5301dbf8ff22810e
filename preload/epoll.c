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
 * rings and state words poll() uses.
 *
 * The set's doorbell.  So that the epoll fd itself turns readable when an
 * engine socket in it does (Linux reports an epoll fd readable while an
 * event is pending: programs nest epoll fds, or poll and select them), a
 * set with engine sockets holds a private waiter for its lifetime
 * (shim_waiter_hold()) and puts that doorbell's sleeping end into its
 * kernel instance, level-triggered EPOLLIN, with a cookie as its data
 * (EP_COOKIE: never a user pointer nor a small integer, and never handed
 * to the program).  The entries stay armed with the set's bit between
 * calls (rearm() after each round: the engine's take is one-shot), so
 * the engine rings the set's doorbell when one of them changes, and the
 * instance is readable.  What is ready when armed (a socket added with
 * data pending, a level-triggered entry the program did not drain, a
 * change between the engine's take and the re-arm) rings no doorbell: a
 * second fd, an eventfd (the "self-bell", cookie | 1), is kept written
 * while a re-check finds something to report and read empty when not.
 * epoll_wait() then sleeps in the real epoll_wait() on the epoll fd
 * itself, takes the cookie events out (draining the doorbell) and
 * returns the kernel events it got with them.  The engine's death closes
 * the doorbell's other end: the doorbell reads as hung up, so the set and
 * whoever watches it wake, and the set reports ERR | HUP (down()).
 *
 * A readiness check from outside (poll(), select() or the shim's
 * epoll_wait() on a set holding this epoll fd) first refreshes the set
 * (refresh(): drain, re-arm, re-check), so the self-bell does not stay
 * written for data the program read meanwhile: no spurious readiness
 * from the shim's side.  A wake the engine rang for a change that made
 * nothing ready stays visible until the next such check or epoll_wait().
 *
 * Limits.  Sets with engine sockets hold at most SHIM_WAITERS_HELD waiters
 * (the others are for blocking calls); a set that finds none, or whose
 * engine refuses one, works as before: epoll_wait() arms a per-wait
 * waiter and sleeps in ppoll() on the epoll fd, the thread's doorbell
 * and the engine connection, and the epoll fd seen from outside shows
 * only kernel fds.  So do a fork() child's copies of the sets that
 * existed at the fork: the kernel instance is shared with the parent,
 * whose doorbell and self-bell stay in it (the child's copies are closed,
 * the parent's keep the items alive).  Cookies that are not the set's
 * own ("foreign": a parent's, or another process's that was passed the
 * epoll fd) are dropped, and while the real instance reports only those
 * the waiter naps (EP_ET_NAP_MS) instead of sleeping on it.  An exec'd
 * program does not know the set (exec.c hands on sockets, not epoll
 * sets); doorbell and self-bell are close-on-exec, so they leave the
 * instance.  An edge-triggered entry left with unread data is not woken
 * by the engine on a new arrival (see below); outside watchers see that
 * arrival only at their next refresh.
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
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "doorbell.h"
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
 * @bell:	the set's held waiter (bit 0: none); its doorbell is in the
 *		kernel instance with data @cookie
 * @self:	the self-bell (an eventfd in the instance, @cookie | 1), or -1
 * @self_rung:	@self holds a count
 * @cookie:	EP_COOKIE with our pid, or 0 when there is no @bell
 * @no_bell:	do not try to get a @bell: none was to be had, or the set
 *		came through fork()
 * @nest:	@nnest epoll fds added to this set's kernel instance that
 *		named sets when added (refreshed before each round)
 */
struct ep_set {
	struct ep_set *next;
	int nfds;
	struct ep_entry *ent;
	size_t n, cap;
	size_t cursor;
	struct ep_pend *pend;
	size_t npend, cappend;
	struct shim_waiter bell;
	int self;
	bool self_rung;
	uint64_t cookie;
	bool no_bell;
	int *nest;
	size_t nnest, capnest;
};

/**
 * struct ep_sift - what sift() took out of a real wait's events
 * @own:	the set's doorbell rang (drained)
 * @hup:	the set's doorbell hung up: the engine is gone
 * @foreign:	cookies of another process's set
 */
struct ep_sift {
	bool own, hup, foreign;
};

/* One lock for every set: epoll_ctl is rare, a round is short. */
static pthread_mutex_t ep_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ep_set **ep_fds; /* epoll fd -> set */
static size_t ep_cap;
static struct ep_set *ep_sets;
static _Atomic size_t ep_nsets;
/* Sets with a doorbell: poll() and select() refresh the ones they watch. */
static _Atomic size_t ep_nbelled;

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

/*
 * fork_child() - the child's sets share their kernel instances with the
 * parent, whose doorbells stay in them: give up ours (the doorbells'
 * copies are closed by shim_waiters_forget(), the self-bells' here) and
 * work as sets without a doorbell, filtering the parent's cookies.
 */
static void fork_child(void)
{
	struct ep_set *set;

	for (set = ep_sets; set; set = set->next) {
		if (set->self >= 0)
			shim_real.close(set->self);
		set->self = -1;
		set->self_rung = false;
		set->bell = (struct shim_waiter){ 0 };
		set->cookie = 0;
		set->no_bell = true;
	}
	atomic_store(&ep_nbelled, 0);
	pthread_mutex_unlock(&ep_lock);
}

static void real_init(void)
{
	(void)pthread_atfork(fork_prepare, fork_done, fork_child);
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
	set->self = -1;
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

/*
 * drop_bell() - @set gives up its doorbell and self-bell: closing them
 * takes them out of the kernel instance (and of every other instance of
 * a process that shared it: the last reference goes with ours).  Its
 * entries are disarmed first, so that the engine does not ring the next
 * holder of the number for them.  Under ep_lock, or on an unlinked set.
 */
static void drop_bell(struct ep_set *set)
{
	size_t i;

	if (!set->bell.bit)
		return;
	for (i = 0; i < set->n; i++)
		esock_disarm(set->ent[i].s, set->bell.bit);
	if (set->self >= 0)
		shim_real.close(set->self);
	shim_waiter_release(&set->bell);
	set->bell = (struct shim_waiter){ 0 };
	set->self = -1;
	set->self_rung = false;
	set->cookie = 0;
	atomic_fetch_sub(&ep_nbelled, 1);
}

/* free_set() - drop an unlinked set's references; not under ep_lock. */
static void free_set(struct ep_set *set)
{
	size_t i;

	if (!set)
		return;
	drop_bell(set);
	for (i = 0; i < set->n; i++)
		esock_put(set->ent[i].s);
	free(set->ent);
	free(set->pend);
	free(set->nest);
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

static void arm_entry(struct ep_set *set, struct ep_entry *e, bool fresh);

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
			arm_entry(set, &set->ent[set->n - 1], true);
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
 * self_set() - the self-bell written (@on) or read empty: @set's kernel
 * instance shows readiness the engine will not ring for.  Under ep_lock.
 */
static void self_set(struct ep_set *set, bool on)
{
	uint64_t v = 1;
	int saved = errno;

	if (set->self < 0 || set->self_rung == on)
		return;
	if (on)
		(void)!shim_real.write(set->self, &v, sizeof(v));
	else
		(void)!shim_real.read(set->self, &v, sizeof(v));
	set->self_rung = on;
	errno = saved;
}

/*
 * peek_entry() - @e would be reported now (poll_entry() without its side
 * effects).  Under ep_lock.
 */
static bool peek_entry(const struct ep_entry *e)
{
	struct ep_trig t = e->trig;
	uint32_t rev, rx = 0, tx = 0;

	if (t.off)
		return false;
	if (t.events & EPOLLET) {
		rx = rx_mark(e->s);
		tx = tx_mark(e->s);
	}
	rev = (uint16_t)esock_revents(e->s, (short)(t.events & EP_POLL_BITS));
	return ep_trig_report(&t, rev, rx, tx) != 0;
}

/*
 * arm_entry() - arm @e with @set's bit, then re-check (doorbell protocol):
 * what is ready already rings no doorbell, so it writes the self-bell.
 * @fresh:	new interest (ADD, MOD): clear what an earlier one armed.
 * Under ep_lock; nothing without a doorbell.
 */
static void arm_entry(struct ep_set *set, struct ep_entry *e, bool fresh)
{
	bool nap = false;
	short ev;

	if (!set || !set->bell.bit)
		return;
	ev = (short)ep_trig_arm(&e->trig, &nap);
	if (fresh || !ev)
		esock_disarm(e->s, set->bell.bit);
	if (ev && esock_arm(e->s, ev, set->bell.bit) && peek_entry(e))
		self_set(set, true);
}

/*
 * rearm() - keep every entry of @set armed with its bit (the engine's take
 * is one-shot) and the self-bell in step with what a round would report.
 * Entries that cannot be woken (one-shot fired, edge-triggered with every
 * bit seen) are disarmed first: a socket may sit in the set twice.
 * Under ep_lock.
 * Return: something is ready; *@nap as ep_trig_arm() sets it.
 */
static bool rearm(struct ep_set *set, bool *nap)
{
	uint64_t bit = set->bell.bit;
	bool ready = false, dummy;
	size_t i;
	short ev;

	if (!bit)
		return false;
	for (i = 0; i < set->n; i++)
		if (!ep_trig_arm(&set->ent[i].trig, &dummy))
			esock_disarm(set->ent[i].s, bit);
	for (i = 0; i < set->n; i++) {
		struct ep_entry *e = &set->ent[i];

		ev = (short)ep_trig_arm(&e->trig, nap);
		if (ev && esock_arm(e->s, ev, bit) && !ready)
			ready = peek_entry(e);
	}
	self_set(set, ready);
	return ready;
}

/*
 * sift() - take the shim's own events out of @ev[0 .. @n) (ep_sift()):
 * the set's doorbell is drained unless it hung up (the engine is gone),
 * the self-bell is left to rearm(), other processes' cookies dropped.
 * @set:	the set the events came from, or NULL (cookies are foreign)
 * Under ep_lock when @set is given.
 * Return: the events left, moved to the front.
 */
static int sift(struct ep_set *set, struct epoll_event *ev, int n,
		struct ep_sift *st)
{
	unsigned int seen = 0;

	n = ep_sift(ev, n, set ? set->cookie : 0, &seen);
	st->own |= (seen & EP_SIFT_OWN) != 0;
	st->hup |= (seen & EP_SIFT_HUP) != 0;
	st->foreign |= (seen & EP_SIFT_FOREIGN) != 0;
	if (set && (seen & (EP_SIFT_OWN | EP_SIFT_HUP)) == EP_SIFT_OWN)
		(void)ipc_doorbell_drain(set->bell.fd);
	return n;
}

/*
 * refresh() - before someone checks @set's epoll fd from outside: drain
 * its doorbell, re-arm and re-check, so that it reads ready exactly when
 * a round would report something (or a ring came after this).  Under
 * ep_lock.
 */
static void refresh(struct ep_set *set)
{
	bool nap = false;

	if (!set || !set->bell.bit)
		return;
	migrate(set);
	(void)ipc_doorbell_drain(set->bell.fd);
	(void)rearm(set, &nap);
}

/* refresh_nested() - refresh the sets whose epoll fds are in @set. */
static void refresh_nested(struct ep_set *set)
{
	size_t i;

	for (i = 0; i < set->nnest; i++)
		if (set_of(set->nest[i]) != set)
			refresh(set_of(set->nest[i]));
}

/* note_nest() - epoll_ctl(@op) of epoll fd @fd on @set succeeded. */
static void note_nest(struct ep_set *set, int op, int fd)
{
	size_t i;

	for (i = 0; i < set->nnest; i++)
		if (set->nest[i] == fd)
			break;
	if (op == EPOLL_CTL_DEL) {
		if (i < set->nnest)
			set->nest[i] = set->nest[--set->nnest];
		return;
	}
	if (op != EPOLL_CTL_ADD || i < set->nnest)
		return;
	if (set->nnest == set->capnest) {
		size_t cap = set->capnest ? set->capnest * 2 : 4;
		int *n = realloc(set->nest, cap * sizeof(*n));

		if (!n)
			return; /* best effort: it is not refreshed */
		set->nest = n;
		set->capnest = cap;
	}
	set->nest[set->nnest++] = fd;
}

/*
 * get_bell() - give the set of @epfd its doorbell and self-bell, if it
 * has engine sockets and none yet; not under ep_lock (the first use of a
 * waiter number asks the engine).  A set that cannot have one is marked
 * so and works as before (the theory of operation's "Limits").
 */
static void get_bell(int epfd)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct shim_waiter w = { 0 };
	struct ep_set *set;
	int self = -1, rc, saved = errno;
	bool nap = false;

	pthread_mutex_lock(&ep_lock);
	set = set_of(epfd);
	rc = !set || !set->n || set->bell.bit || set->no_bell;
	pthread_mutex_unlock(&ep_lock);
	if (rc)
		return;
	rc = shim_waiter_hold(&w);
	if (!rc) {
		self = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (self < 0) {
			rc = -errno;
			shim_waiter_release(&w);
		} else {
			self = shim_move_high(self);
		}
	}
	pthread_mutex_lock(&ep_lock);
	set = set_of(epfd);
	if (!set || set->bell.bit || set->no_bell)
		goto undo;
	if (rc) {
		shim_log("epoll fd %d: no doorbell of its own (%s); it shows "
			 "only kernel fds to poll and nested epoll",
			 epfd, strerror(-rc));
		set->no_bell = true;
		goto out;
	}
	set->cookie = ep_cookie((uint32_t)getpid());
	ev.data.u64 = set->cookie;
	if (real.ctl(epfd, EPOLL_CTL_ADD, w.fd, &ev)) {
		set->no_bell = true;
		goto undo;
	}
	ev.data.u64 = set->cookie | 1;
	if (real.ctl(epfd, EPOLL_CTL_ADD, self, &ev)) {
		set->no_bell = true;
		goto undo; /* closing the doorbell takes it out again */
	}
	set->bell = w;
	set->self = self;
	set->self_rung = false;
	atomic_fetch_add(&ep_nbelled, 1);
	/* An earlier user of the number may have left a ring in it. */
	(void)ipc_doorbell_drain(w.fd);
	(void)rearm(set, &nap);
	goto out;
undo:
	if (set && !set->bell.bit)
		set->cookie = 0;
	if (!rc) {
		shim_real.close(self);
		shim_waiter_release(&w);
	}
out:
	pthread_mutex_unlock(&ep_lock);
	errno = saved;
}

/**
 * shim_epoll_refresh_poll() - @fds are about to be polled: bring the
 * readiness of the epoll fds with a doorbell among them up to date
 * (refresh()), so that one reads ready exactly when its set would report
 * something
 */
void shim_epoll_refresh_poll(const struct pollfd *fds, nfds_t n)
{
	nfds_t i;

	if (!atomic_load_explicit(&ep_nbelled, memory_order_relaxed))
		return;
	pthread_mutex_lock(&ep_lock);
	for (i = 0; i < n; i++)
		if (fds[i].events & (POLLIN | POLLRDNORM))
			refresh(set_of(fds[i].fd));
	pthread_mutex_unlock(&ep_lock);
}

/** shim_epoll_refresh_select() - the same for select()'s read set. */
void shim_epoll_refresh_select(int nfds, const fd_set *r)
{
	int fd;

	if (!r || !atomic_load_explicit(&ep_nbelled, memory_order_relaxed))
		return;
	pthread_mutex_lock(&ep_lock);
	for (fd = 0; fd < nfds; fd++)
		if (FD_ISSET(fd, r))
			refresh(set_of(fd));
	pthread_mutex_unlock(&ep_lock);
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
		if (dead)
			note_nest(set, EPOLL_CTL_DEL, fd);
	}
	for (set = ep_sets; o && set && !listed; set = set->next)
		for (i = 0; i < set->n && !listed; i++)
			listed = &set->ent[i].s->obj == o;
	if (listed && !named_elsewhere(o)) {
		for (set = ep_sets; set; set = set->next)
			for (i = set->n; i-- > 0;) {
				e = &set->ent[i];
				/* The caller's reference keeps @o alive. */
				if (&e->s->obj != o)
					continue;
				if (set->bell.bit)
					esock_disarm(e->s, set->bell.bit);
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
		arm_entry(set, &set->ent[set->n - 1], true);
		s = NULL; /* the entry keeps the reference */
		break;
	case EPOLL_CTL_DEL:
		if (!e || !set)
			rc = -ENOENT;
		else
			gone = drop(set, e);
		if (gone && set->bell.bit) {
			esock_disarm(gone, set->bell.bit);
			/* The same socket under another fd stays armed. */
			for (e = set->ent; e < set->ent + set->n; e++)
				if (e->s == gone)
					arm_entry(set, e, false);
		}
		break;
	case EPOLL_CTL_MOD:
		if (!e) {
			rc = -ENOENT;
		} else if (e->trig.events & EPOLLEXCLUSIVE) {
			rc = -EINVAL;
		} else {
			ep_trig_set(&e->trig, events);
			e->data = ev->data;
			arm_entry(set, e, true);
		}
		break;
	default:
		rc = -EINVAL;
		break;
	}
	pthread_mutex_unlock(&ep_lock);
	if (gone)
		esock_put(gone);
	if (!rc && op == EPOLL_CTL_ADD)
		get_bell(epfd);
out:
	if (s)
		esock_put(s);
	return rc;
}

EXPORT int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
	struct ep_set *set;
	struct shim_sock *s;
	bool nested;
	int rc;

	if (!enabled())
		return real.ctl(epfd, op, fd, ev);
	s = esock_get(fd);
	if (s) {
		rc = ctl_engine(epfd, op, fd, s, ev);
		return rc ? fail(-rc) : 0;
	}
	rc = real.ctl(epfd, op, fd, ev);
	if (rc == 0 && (shim_fd_pending(fd) || op == EPOLL_CTL_DEL ||
			atomic_load(&ep_nsets))) {
		pthread_mutex_lock(&ep_lock);
		set = set_of(epfd);
		nested = set_of(fd) != NULL;
		if (!set && op == EPOLL_CTL_ADD &&
		    (nested || shim_fd_pending(fd)))
			set = new_set(epfd);
		if (set && (nested || op == EPOLL_CTL_DEL))
			note_nest(set, op, fd);
		if (set && (shim_fd_pending(fd) || op == EPOLL_CTL_DEL))
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
 * kslot() - the kernel slot of a round: a non-blocking real wait, the
 * shim's cookies taken out (sift()).  A look that found only cookies is
 * repeated (they went to the tail of the ready list, so the next look
 * starts with what they hid: maxevents=1 still serves every kernel fd);
 * one that found kernel events too is not (level-triggered items it
 * returned are back in the list and would come twice).  Under ep_lock.
 * Return: events stored, or -errno.
 */
static int kslot(struct ep_set *set, int epfd, struct epoll_event *out, int max,
		 struct ep_sift *st)
{
	int r, k = 0, tries;

	for (tries = 0; tries < 3 && !k; tries++) {
		r = real.wait(epfd, out, max, 0);
		if (r < 0)
			return -errno;
		k = sift(set, out, r, st);
		if (!r)
			break;
	}
	return k;
}

/*
 * collect() - one round over @set's entries and its kernel slot, starting
 * at the cursor; at most @max events.  Under ep_lock.
 * Return: events stored, or -errno from the kernel epoll.
 */
static int collect(struct ep_set *set, int epfd, struct epoll_event *out,
		   int max, struct ep_sift *st)
{
	size_t slots = set->n + 1, k, i, last = SIZE_MAX;
	int n = 0, r;

	for (k = 0; k < slots && n < max; k++) {
		i = (set->cursor + k) % slots;
		if (i == set->n) {
			r = kslot(set, epfd, out + n, max - n, st);
			if (r < 0)
				return r;
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
 * nap() - sleep @ms (capped by @left, -1: none) with @mask; 0 or -EINTR.
 * For waits whose kernel instance holds another process's cookies, which
 * would make every sleep on it return at once.
 */
static int nap(int ms, int left, const sigset_t *mask)
{
	struct timespec ts;

	if (left >= 0 && left < ms)
		ms = left;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)ms * 1000000L;
	if (shim_real.ppoll(NULL, 0, &ts, mask) < 0 && errno == EINTR)
		return -EINTR;
	return 0;
}

/*
 * pass_wait() - the real epoll_pwait() for a set with nothing of the
 * shim's in it, other processes' cookies taken out (sift())
 * Return: events, or -1 with errno.
 */
static int pass_wait(int epfd, struct epoll_event *out, int max, int timeout,
		     const sigset_t *mask)
{
	int64_t deadline = timeout < 0 ? -1 : mono_ms() + timeout;
	struct ep_sift st;
	int r, k, left = timeout;

	for (;;) {
		r = mask ? real.pwait(epfd, out, max, left, mask)
			 : real.wait(epfd, out, max, left);
		if (r <= 0)
			return r;
		st = (struct ep_sift){ 0 };
		k = sift(NULL, out, r, &st);
		if (k)
			return k;
		left = deadline < 0 ? -1 : (int)(deadline - mono_ms());
		if (deadline >= 0 && left <= 0)
			return 0;
		if (nap(EP_ET_NAP_MS, left, mask))
			return fail(EINTR);
	}
}

/*
 * ep_wait() - epoll_pwait() over the kernel instance and the engine set
 * @timeout:	ms, -1 for none
 * @mask:	the signal mask while sleeping, or NULL
 *
 * A set with a doorbell sleeps in the real epoll_pwait() on its own
 * instance (the doorbell and self-bell are in it); one without sleeps as
 * before its doorbell existed: a waiter per wait, armed on every entry,
 * and ppoll() on the epoll fd and that waiter's doorbell.
 *
 * Return: events, or -1 with errno.
 */
static int ep_wait(int epfd, struct epoll_event *out, int max, int timeout,
		   const sigset_t *mask)
{
	int64_t deadline = timeout < 0 ? -1 : mono_ms() + timeout;
	struct shim_waiter w;
	struct ep_sift st;
	struct pollfd pfd;
	struct ep_arm *a;
	struct ep_set *set;
	bool ready, naps;
	int n, na, i, left, rc;

	if (max <= 0 || max > EP_MAX_EVENTS)
		return fail(EINVAL);
	pthread_mutex_lock(&ep_lock);
	set = set_of(epfd);
	if (set) {
		migrate(set);
		if (set->n && !set->bell.bit && !set->no_bell) {
			pthread_mutex_unlock(&ep_lock);
			get_bell(epfd);
			pthread_mutex_lock(&ep_lock);
			set = set_of(epfd);
		}
	}
	if (!set || (!set->n && !set->bell.bit && !set->nnest)) {
		pthread_mutex_unlock(&ep_lock);
		return pass_wait(epfd, out, max, timeout, mask);
	}
	for (;;) {
		/* The set may have gone with a close in another thread. */
		set = set_of(epfd);
		if (!set) {
			pthread_mutex_unlock(&ep_lock);
			return pass_wait(epfd, out, max, 0, mask);
		}
		migrate(set);
		refresh_nested(set);
		st = (struct ep_sift){ 0 };
		n = collect(set, epfd, out, max, &st);
		if (st.hup)
			goto hup;
		naps = st.foreign;
		ready = rearm(set, &naps);
		left = deadline < 0 ? -1 : (int)(deadline - mono_ms());
		if (n || (deadline >= 0 && left <= 0))
			break;
		if (ready)
			continue; /* a change between the round and the arming */
		if ((set->bell.bit || !set->n) && !st.foreign) {
			if (naps && (left < 0 || left > EP_ET_NAP_MS))
				left = EP_ET_NAP_MS;
			pthread_mutex_unlock(&ep_lock);
			n = mask ? real.pwait(epfd, out, max, left, mask)
				 : real.wait(epfd, out, max, left);
			if (n < 0)
				return -1; /* EINTR; the real errno otherwise */
			pthread_mutex_lock(&ep_lock);
			set = set_of(epfd);
			st = (struct ep_sift){ 0 };
			n = sift(set, out, n, &st);
			if (st.hup && set)
				goto hup;
			if (n) {
				/* Kernel events: the entries come first next. */
				if (set)
					set->cursor = 0;
				break;
			}
			continue;
		}
		/* No doorbell of its own, or foreign cookies in the way. */
		ready = naps = false;
		shim_waiter_get(&w);
		na = arm(set, w.bit, &a, &ready, &naps);
		pthread_mutex_unlock(&ep_lock);
		if (na < 0) {
			shim_waiter_put(&w);
			return fail(-na);
		}
		rc = 0;
		if (!ready) {
			if ((naps || st.foreign) &&
			    (left < 0 || left > EP_ET_NAP_MS))
				left = EP_ET_NAP_MS;
			pfd = (struct pollfd){ .fd = epfd, .events = POLLIN };
			/* Foreign cookies keep the epoll fd readable. */
			rc = shim_sleep(&w, &pfd, !st.foreign, left, mask,
					NULL);
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
hup:
	/*
	 * The engine is gone.  Its doorbell stays readable, and so does the
	 * epoll fd while there is something to report; a set with nothing
	 * left to report gives the doorbell up and sleeps as before.
	 */
	n = down(set, out, max);
	if (!n)
		drop_bell(set);
	set->no_bell = true;
	pthread_mutex_unlock(&ep_lock);
	return n;
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
