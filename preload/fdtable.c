// SPDX-License-Identifier: MIT
/*
 * fdtable.c - the shim's map from kernel fd numbers to engine sockets
 *
 * Every engine socket is anchored by a real kernel fd, so fd numbers come
 * from the kernel and never collide; this table only says which of them
 * are engine sockets.  Several fds (dup) may name one object; the object
 * lives while any fd or any in-flight call holds a reference.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "fdtable.h"

/**
 * fdt_init() - an empty table for fds 0..@cap-1
 *
 * Return: 0 or -ENOMEM.
 */
int fdt_init(struct fdtable *t, size_t cap)
{
	void *p;

	/*
	 * mmap, not calloc: the first hooked call may come from inside the
	 * program's malloc while it initialises (jemalloc reads
	 * /proc/sys/vm/overcommit_memory with its init lock held), and
	 * calling malloc back from there deadlocks (redis-server did).
	 */
	p = mmap(NULL, cap * sizeof(struct fdt_obj *), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -ENOMEM;
	t->slots = p;
	t->cap = cap;
	pthread_mutex_init(&t->lock, NULL);
	return 0;
}

/** fdt_fini() - free the table (not the objects). */
void fdt_fini(struct fdtable *t)
{
	if (t->slots)
		munmap(t->slots, t->cap * sizeof(struct fdt_obj *));
	t->slots = NULL;
	t->cap = 0;
	pthread_mutex_destroy(&t->lock);
}

static bool in_range(const struct fdtable *t, int fd)
{
	return fd >= 0 && (size_t)fd < t->cap;
}

/**
 * fdt_set() - make @fd name @o, taking a reference for the table
 * @old:	set to the object @fd named before (its table reference is
 *		handed to the caller, who must fdt_put() it), or NULL
 *
 * Return: 0, or -EBADF when @fd is outside the table.
 */
int fdt_set(struct fdtable *t, int fd, struct fdt_obj *o, struct fdt_obj **old)
{
	*old = NULL;
	if (!in_range(t, fd))
		return -EBADF;
	atomic_fetch_add(&o->refs, 1);
	pthread_mutex_lock(&t->lock);
	*old = t->slots[fd];
	if (*old)
		(*old)->names--;
	t->slots[fd] = o;
	o->names++;
	pthread_mutex_unlock(&t->lock);
	return 0;
}

/**
 * fdt_get() - the object @fd names, with a reference for the caller
 *
 * Return: the object (release with fdt_put()), or NULL.
 */
struct fdt_obj *fdt_get(struct fdtable *t, int fd)
{
	struct fdt_obj *o;

	if (!in_range(t, fd) || !t->slots)
		return NULL;
	pthread_mutex_lock(&t->lock);
	o = t->slots[fd];
	if (o)
		atomic_fetch_add(&o->refs, 1);
	pthread_mutex_unlock(&t->lock);
	return o;
}

/**
 * fdt_take() - forget @fd; the table's reference goes to the caller
 *
 * Return: the object @fd named, or NULL.
 */
struct fdt_obj *fdt_take(struct fdtable *t, int fd)
{
	struct fdt_obj *o;

	if (!in_range(t, fd) || !t->slots)
		return NULL;
	pthread_mutex_lock(&t->lock);
	o = t->slots[fd];
	if (o)
		o->names--;
	t->slots[fd] = NULL;
	pthread_mutex_unlock(&t->lock);
	return o;
}

/**
 * fdt_clear_locked() - forget @fd without a reference for anyone (a fork
 * child dropping what it cannot use); the caller holds the lock or is
 * the only thread
 */
void fdt_clear_locked(struct fdtable *t, int fd)
{
	struct fdt_obj *o;

	if (!in_range(t, fd) || !t->slots)
		return;
	o = t->slots[fd];
	if (o)
		o->names--;
	t->slots[fd] = NULL;
}

/** fdt_named() - does any fd in @t name @o? */
bool fdt_named(struct fdtable *t, const struct fdt_obj *o)
{
	bool named;

	pthread_mutex_lock(&t->lock);
	named = o->names > 0;
	pthread_mutex_unlock(&t->lock);
	return named;
}

/** fdt_put() - drop a reference; the last one releases the object. */
void fdt_put(struct fdt_obj *o)
{
	if (o && atomic_fetch_sub(&o->refs, 1) == 1 && o->release)
		o->release(o);
}

/** fdt_count() - fds that name engine sockets (for tests and logs). */
size_t fdt_count(struct fdtable *t)
{
	size_t i, n = 0;

	pthread_mutex_lock(&t->lock);
	for (i = 0; i < t->cap; i++)
		n += t->slots[i] != NULL;
	pthread_mutex_unlock(&t->lock);
	return n;
}
