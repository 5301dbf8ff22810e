/* SPDX-License-Identifier: MIT */
/*
 * ipc_stress.h - two processes stream bytes through a shared-memory byte
 * ring, sleeping on doorbells, and compare checksums
 *
 * Shared by the ASan'd unit test (a few MB) and the -O2 stress binary
 * (100 MB).  The parent is the producer, a forked child the consumer; the
 * child maps the memfd afresh, as an app would.  Chunk sizes are random;
 * the producer alternates copy and zero-copy writes, the consumer copy and
 * zero-copy reads.  Neither side ever spins: an empty or full ring means
 * arm, re-check, ppoll.  A wait that times out is a lost wake-up and fails
 * the run.
 */
#ifndef NSSTACK_IPC_STRESS_H
#define NSSTACK_IPC_STRESS_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "bytering.h"
#include "doorbell.h"

#define STRESS_SRC_LEN (1u << 20)
#define STRESS_WAIT_S 5

/**
 * struct stress_side - what one side did, in shared memory for the child
 * @bytes:	bytes moved
 * @sum:	FNV-1a 64 of the bytes, in stream order
 * @sleeps:	times it blocked in ipc_doorbell_wait()
 * @rings:	times it wrote the peer's eventfd
 * @err:	0, or the negative errno that stopped it
 */
struct stress_side {
	uint64_t bytes, sum, sleeps, rings;
	int err;
};

/**
 * struct stress_result - outcome of stress_run()
 * @prod:	producer's counters
 * @cons:	consumer's counters
 * @secs:	wall-clock seconds from fork to the consumer's exit
 * @status:	the consumer's wait status
 * @head:	final shared words, for a post-mortem of a failed run
 * @tail:	likewise
 * @cons_wait:	likewise
 * @prod_wait:	likewise
 */
struct stress_result {
	struct stress_side prod, cons;
	double secs;
	int status;
	uint32_t head, tail;
	uint64_t cons_wait, prod_wait;
};

static uint64_t stress_rand(uint64_t *s)
{
	/* xorshift64: cheap and good enough for chunk sizes and data. */
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t stress_fnv(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

/* Block until the ring is ready for this side; 0 or a negative errno. */
static int stress_sleep(struct ipc_bytering *r, uint32_t need, int efd,
			struct stress_side *me)
{
	struct timespec ts = { STRESS_WAIT_S, 0 };
	int rc = ipc_bytering_wait_prepare(r, need, IPC_WAIT_SHARED);

	if (rc < 0)
		return rc;
	if (rc == 1) {
		/* The re-check found the ring ready: do not sleep. */
		rc = 0;
	} else {
		me->sleeps++;
		rc = ipc_doorbell_wait(efd, -1, &ts, NULL);
		if (rc == -EINTR)
			rc = 0;
	}
	ipc_bytering_wait_cancel(r, IPC_WAIT_SHARED);
	return rc;
}

static void stress_kick(struct ipc_bytering *r, int efd, struct stress_side *me)
{
	int rc = ipc_bytering_kick(r, &(struct ipc_bells){ .shared = efd });

	if (rc > 0)
		me->rings++;
	else if (rc < 0 && !me->err)
		me->err = rc;
}

static void stress_consume(int arena_fd, uint64_t size, uint64_t off,
			   uint32_t cap, uint64_t total, int my_efd,
			   int peer_efd, uint64_t seed, struct stress_side *me)
{
	struct ipc_arena a;
	struct ipc_bytering r;
	uint8_t *buf = malloc(cap);
	uint64_t h = 0xcbf29ce484222325ull;
	int rc = ipc_arena_map(&a, arena_fd, size);

	if (rc || !buf ||
	    (rc = ipc_bytering_open(&r, ipc_arena_region(&a, off),
				    a.lay.region_len, cap, false))) {
		me->err = rc ? rc : -ENOMEM;
		return;
	}
	while (me->bytes < total && !me->err) {
		struct ipc_span sp[2];
		ssize_t n;

		if (stress_rand(&seed) & 1) {
			n = ipc_bytering_peek(&r, sp);
			if (n > 0) {
				h = stress_fnv(h, sp[0].p, sp[0].len);
				h = stress_fnv(h, sp[1].p, sp[1].len);
				ipc_bytering_consume(&r, (size_t)n);
			}
		} else {
			n = ipc_bytering_read(&r, buf,
					      1 + stress_rand(&seed) % cap);
			if (n > 0)
				h = stress_fnv(h, buf, (size_t)n);
		}
		if (n < 0) {
			me->err = (int)n;
			break;
		}
		if (n > 0) {
			me->bytes += (uint64_t)n;
			stress_kick(&r, peer_efd, me);
			continue;
		}
		rc = stress_sleep(&r, 0, my_efd, me);
		if (rc)
			me->err = rc;
	}
	me->sum = h;
	free(buf);
	ipc_arena_close(&a);
}

static void stress_produce(struct ipc_bytering *r, uint32_t cap, uint64_t total,
			   int my_efd, int peer_efd, uint64_t seed,
			   struct stress_side *me)
{
	uint8_t *src = malloc(STRESS_SRC_LEN);
	uint64_t h = 0xcbf29ce484222325ull;

	if (!src) {
		me->err = -ENOMEM;
		return;
	}
	for (uint32_t i = 0; i < STRESS_SRC_LEN; i++)
		src[i] = (uint8_t)stress_rand(&seed);
	while (me->bytes < total && !me->err) {
		uint32_t at = (uint32_t)(me->bytes % STRESS_SRC_LEN);
		uint64_t want = 1 + stress_rand(&seed) % (cap / 2);
		struct ipc_span sp[2];
		ssize_t n;

		if (want > STRESS_SRC_LEN - at)
			want = STRESS_SRC_LEN - at;
		if (want > total - me->bytes)
			want = total - me->bytes;
		if (stress_rand(&seed) & 1) {
			n = ipc_bytering_write(r, src + at, (size_t)want);
		} else {
			n = ipc_bytering_reserve(r, sp);
			if (n > 0) {
				size_t a, b;

				n = (ssize_t)want < n ? (ssize_t)want : n;
				a = sp[0].len < (size_t)n ? sp[0].len
							  : (size_t)n;
				b = (size_t)n - a;
				memcpy(sp[0].p, src + at, a);
				memcpy(sp[1].p, src + at + a, b);
				ipc_bytering_commit(r, (size_t)n);
			}
		}
		if (n < 0) {
			me->err = (int)n;
			break;
		}
		if (n > 0) {
			h = stress_fnv(h, src + at, (size_t)n);
			me->bytes += (uint64_t)n;
			stress_kick(r, peer_efd, me);
			continue;
		}
		n = stress_sleep(r, 1, my_efd, me);
		if (n)
			me->err = (int)n;
	}
	me->sum = h;
	free(src);
}

/**
 * stress_run() - stream @total bytes from this process to a child
 * @total:	bytes
 * @cap:	ring capacity (a power of two)
 * @seed:	PRNG seed (non-zero)
 * @res:	filled with both sides' counters and the duration
 *
 * Return: 0 if both sides moved @total bytes with equal checksums and no
 * error; a negative errno otherwise (the counters say more).
 */
static int stress_run(uint64_t total, uint32_t cap, uint64_t seed,
		      struct stress_result *res)
{
	struct stress_side *child;
	struct ipc_arena a;
	struct ipc_bytering r;
	struct timespec t0, t1;
	int cons_bell[2] = { -1, -1 }, prod_bell[2] = { -1, -1 };
	int status = 0, rc;
	uint64_t off = 0;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	rc = ipc_arena_create(&a, IPC_RING_HDR_LEN + cap, 1);
	if (rc)
		return rc;
	child = mmap(NULL, sizeof(*child), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (child == MAP_FAILED || ipc_arena_alloc(&a, &off) ||
	    ipc_ring_format(ipc_arena_region(&a, off), a.lay.region_len,
			    IPC_RING_BYTES, cap) ||
	    ipc_bytering_open(&r, ipc_arena_region(&a, off), a.lay.region_len,
			      cap, true) ||
	    ipc_doorbell_open(cons_bell) || ipc_doorbell_open(prod_bell))
		return -EINVAL;
	memset(child, 0, sizeof(*child));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		stress_consume(dup(a.fd), a.lay.size, off, cap, total,
			       cons_bell[IPC_BELL_WAIT],
			       prod_bell[IPC_BELL_RING], seed * 3 + 1, child);
		_exit(child->err ? 1 : 0);
	}
	stress_produce(&r, cap, total, prod_bell[IPC_BELL_WAIT],
		       cons_bell[IPC_BELL_RING], seed, &res->prod);
	if (res->prod.err)
		kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	res->secs = (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	res->cons = *child;
	res->status = status;
	res->head = atomic_load(&r.s.shm->head);
	res->tail = atomic_load(&r.s.shm->tail);
	res->cons_wait = atomic_load(&r.s.shm->cons_wait);
	res->prod_wait = atomic_load(&r.s.shm->prod_wait);
	munmap(child, sizeof(*child));
	close(cons_bell[0]);
	close(cons_bell[1]);
	close(prod_bell[0]);
	close(prod_bell[1]);
	ipc_arena_close(&a);
	if (res->prod.err)
		return res->prod.err;
	if (res->cons.err)
		return res->cons.err;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -ECHILD;
	if (res->cons.bytes != total || res->prod.bytes != total ||
	    res->cons.sum != res->prod.sum)
		return -EBADMSG;
	return 0;
}

#endif /* NSSTACK_IPC_STRESS_H */
