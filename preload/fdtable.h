/* SPDX-License-Identifier: MIT */
/*
 * fdtable.h - the shim's map from kernel fd numbers (anchors) to engine
 * sockets: thread-safe, reference-counted
 */
#ifndef NSSHIM_FDTABLE_H
#define NSSHIM_FDTABLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/**
 * struct fdt_obj - embedded in whatever the table maps to
 * @refs:	one per fd naming the object, plus one per borrower
 * @names:	fds in the table naming it (under the table's lock), so
 *		"does another fd still name it" costs no scan of the table
 * @release:	called when @refs drops to zero
 */
struct fdt_obj {
	_Atomic int refs;
	int names;
	void (*release)(struct fdt_obj *o);
};

/**
 * struct fdtable - fd -> object
 * @lock:	serialises changes and lookups (a lookup takes a reference
 *		under it, so close() in another thread cannot free the object
 *		under a reader)
 * @slots:	@cap entries, NULL when the fd is not an engine socket
 * @cap:	fds the table covers (fds at or past it are never engine fds)
 */
struct fdtable {
	pthread_mutex_t lock;
	struct fdt_obj **slots;
	size_t cap;
};

int fdt_init(struct fdtable *t, size_t cap);
void fdt_fini(struct fdtable *t);
int fdt_set(struct fdtable *t, int fd, struct fdt_obj *o, struct fdt_obj **old);
struct fdt_obj *fdt_get(struct fdtable *t, int fd);
struct fdt_obj *fdt_take(struct fdtable *t, int fd);
void fdt_put(struct fdt_obj *o);
bool fdt_named(struct fdtable *t, const struct fdt_obj *o);
void fdt_clear_locked(struct fdtable *t, int fd);
size_t fdt_count(struct fdtable *t);

#endif /* NSSHIM_FDTABLE_H */
