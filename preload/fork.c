// SPDX-License-Identifier: MIT
/*
 * fork.c - engine sockets across fork()
 *
 * A fork() child inherits the parent's arena mapping, command ring and
 * socket rings, but they are single-producer single-consumer and guarded
 * by process-private locks: the child must never touch them.  So before
 * fork() (pthread_atfork prepare) the parent opens a second connection to
 * the engine, as a child of its own app (IPC_HELLO_F_CHILD), and through
 * it SHAREs every engine socket in its fd table, proving descent with its
 * secret (shimproto.h).  Doing it before fork() leaves no window: a socket
 * the parent closes right after fork() is already held by the child too.
 * The snapshot holds a reference on each socket until fork() returns; a
 * socket another thread opens meanwhile is unhooked in the child, one it
 * closes meanwhile is closed in the child as well (the last reference).
 *
 * After fork() the parent drops its copy of the new connection; the child
 * drops the parent's and adopts the new one, and updates every struct
 * shim_sock in place (new id, state words, rings; fresh locks), so dup'd
 * fds and epoll sets pointing at it follow.  The child's exit or death now
 * releases only its own shares; the parent carries on untouched.  A
 * process not attached to the engine forks at no cost; its child attaches
 * on its own if it ever needs to.
 *
 * The engine decides who receives: the oldest holder still open (the
 * parent, until it closes the socket), so fork-then-child-closes and
 * fork-then-parent-closes both keep every byte; listeners are served to
 * whichever holder accepts, and wake them all (stack/app.c, "Sharing").
 *
 * vfork() runs no fork handlers and its child shares our memory: it must
 * not touch shim state (close, dup2 and close_range in one act on the
 * kernel fd only; see shim_in_vfork_child()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shim.h"

/* One fork at a time: prepare to parent/child handler. */
static pthread_mutex_t fork_lock = PTHREAD_MUTEX_INITIALIZER;

/* What the child takes over, filled by prepare. */
struct share_rec {
	struct shim_sock *s;
	uint32_t id;   /* the child's id for it, 0: not shared */
	uint64_t offs; /* tx ring offset | rx ring offset << 32 */
};

static struct {
	bool on; /* prepare ran: references held, maybe a connection */
	int rc;	 /* 0, 1 (not attached) or -errno from prepare */
	struct share_rec *rec;
	size_t n;
} fk;

/* open_ring() - a ring of our new arena, checked as sock.c checks one. */
static int open_ring(union shim_ring *r, int type, uint64_t off, bool producer)
{
	enum ipc_ring_kind kind = type == SOCK_STREAM ? IPC_RING_BYTES
						      : IPC_RING_RECORDS;
	void *region = shim_region(off);
	uint32_t cap;
	int rc;

	if (!region)
		return -EPROTO;
	rc = ipc_ring_info_check(region, shim_region_len(), kind, &cap);
	if (rc)
		return rc;
	if (type == SOCK_STREAM)
		return ipc_bytering_open(&r->byte, region, shim_region_len(),
					 cap, producer);
	return ipc_recring_open(&r->rec, region, shim_region_len(), cap,
				producer);
}

static int ptr_cmp(const void *a, const void *b)
{
	const struct share_rec *x = a, *y = b;

	return (uintptr_t)x->s < (uintptr_t)y->s   ? -1
	       : (uintptr_t)x->s > (uintptr_t)y->s ? 1
						   : 0;
}

/*
 * snapshot() - the distinct engine sockets of the table, a reference on
 * each (the table's lock is not held afterwards: the IPC that follows
 * goes through our own hooks)
 */
static int snapshot(void)
{
	size_t i, n = 0, u = 0;
	int rc = 0;

	pthread_mutex_lock(&shim_fds.lock);
	for (i = 0; i < shim_fds.cap; i++)
		n += shim_fds.slots[i] != NULL;
	fk.n = 0;
	if (n)
		fk.rec = calloc(n, sizeof(*fk.rec));
	if (n && !fk.rec)
		rc = -ENOMEM;
	for (i = 0; fk.rec && i < shim_fds.cap; i++)
		if (shim_fds.slots[i])
			fk.rec[u++].s = (struct shim_sock *)shim_fds.slots[i];
	if (u)
		qsort(fk.rec, u, sizeof(*fk.rec), ptr_cmp);
	for (i = 0, n = 0; i < u; i++)
		if (!n || fk.rec[i].s != fk.rec[n - 1].s) {
			fk.rec[n++] = fk.rec[i];
			atomic_fetch_add(&fk.rec[i].s->obj.refs, 1);
		}
	fk.n = n;
	pthread_mutex_unlock(&shim_fds.lock);
	return rc;
}

/* put_all() - drop the snapshot's references. */
static void put_all(void)
{
	size_t i;

	for (i = 0; i < fk.n; i++)
		fdt_put(&fk.rec[i].s->obj);
	free(fk.rec);
	memset(&fk, 0, sizeof(fk));
}

static void fork_prepare(void)
{
	uint32_t parent = 0;
	uint64_t secret = 0;
	size_t i;

	pthread_mutex_lock(&fork_lock);
	memset(&fk, 0, sizeof(fk));
	if (!shim_enabled())
		return;
	fk.on = true;
	fk.rc = snapshot();
	if (!fk.rc && fk.n)
		fk.rc = shim_pre_child_open(&parent, &secret);
	else if (!fk.rc)
		fk.rc = 1; /* no engine socket: nothing to hand over */
	for (i = 0; !fk.rc && i < fk.n; i++) {
		struct ipc_cmd c = { .op = IPC_OP_SHARE,
				     .sock = fk.rec[i].s->id,
				     .arg = { parent, secret } };
		struct ipc_cpl cpl;
		int rc = shim_pre_child_cmd(&c, &cpl);

		if (rc) {
			shim_log("fork: socket %#x not shared (%s)",
				 fk.rec[i].s->id, strerror(-rc));
			if (rc == -ENETDOWN || rc == -ETIMEDOUT)
				break;
			continue;
		}
		fk.rec[i].id = (uint32_t)cpl.result;
		fk.rec[i].offs = cpl.val[0];
	}
}

static void fork_parent(void)
{
	if (fk.on)
		shim_pre_child_close();
	put_all();
	pthread_mutex_unlock(&fork_lock);
}

/* adopt_one() - @r's socket becomes the child's holder; 0 or -errno. */
static int adopt_one(const struct share_rec *r)
{
	struct shim_sock *s = r->s;
	struct shim_sock_state *st = shim_state(r->id);
	union shim_ring tx, rx;
	int rc;

	if (!r->id || !st)
		return -EPROTO;
	rc = open_ring(&tx, s->type, r->offs & UINT32_MAX, true);
	if (!rc)
		rc = open_ring(&rx, s->type, r->offs >> 32, false);
	if (rc)
		return rc;
	s->id = r->id;
	s->st = st;
	s->tx = tx;
	s->rx = rx;
	/* A thread that held them does not exist here. */
	pthread_mutex_init(&s->rx_lock, NULL);
	pthread_mutex_init(&s->tx_lock, NULL);
	return 0;
}

/*
 * unhook() - forget every fd naming @o (NULL: every socket not in the
 * snapshot): they stay open as plain AF_UNIX sockets, so calls on them
 * fail instead of reaching the parent's rings
 */
static void unhook(struct fdt_obj *o)
{
	size_t i;

	for (i = 0; i < shim_fds.cap; i++) {
		struct share_rec key = {
			.s = (struct shim_sock *)shim_fds.slots[i]
		};

		if (!key.s)
			continue;
		if (o ? shim_fds.slots[i] == o
		      : !fk.n || !bsearch(&key, fk.rec, fk.n, sizeof(*fk.rec),
					  ptr_cmp))
			fdt_clear_locked(&shim_fds, (int)i);
	}
}

static void fork_child(void)
{
	size_t i, bad = 0;

	if (!fk.on) {
		pthread_mutex_init(&fork_lock, NULL);
		return;
	}
	pthread_mutex_init(&shim_fds.lock, NULL);
	if (fk.rc == 0) {
		shim_child_adopt();
		unhook(NULL); /* opened by another thread after the snapshot */
		for (i = 0; i < fk.n; i++) {
			int rc = adopt_one(&fk.rec[i]);

			if (!rc)
				continue;
			shim_log("fork: socket %#x lost in the child (%s)",
				 fk.rec[i].s->id, strerror(-rc));
			unhook(&fk.rec[i].s->obj);
			bad++;
		}
	} else {
		/* No connection for us: no fd may reach the parent's rings. */
		if (fk.rc != 1)
			shim_log("fork: child keeps no engine socket (%s)",
				 strerror(-fk.rc));
		fk.n = 0;
		unhook(NULL);
		shim_child_adopt();
	}
	/* Sockets we could not take over still point into the parent's
	 * arena (an epoll set may read their state words): keep it then. */
	if (!bad)
		shim_child_unmap_parent();
	/* A socket closed after the snapshot: the last reference closes the
	 * child's share.  Unshared ones must not send a CLOSE for the
	 * parent's id: they are leaked instead. */
	for (i = 0; i < fk.n; i++)
		if (fk.rec[i].s->id != fk.rec[i].id)
			fk.rec[i].s->obj.release = NULL;
	put_all();
	pthread_mutex_init(&fork_lock, NULL);
}

__attribute__((constructor)) static void fork_init(void)
{
	(void)pthread_atfork(fork_prepare, fork_parent, fork_child);
}
