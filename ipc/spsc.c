// SPDX-License-Identifier: MIT
/*
 * spsc.c - validated indices, publication and doorbell edges of a
 * single-producer, single-consumer queue
 *
 * Memory ordering (who writes what is in include/nsstack/ipc.h):
 *  - the producer writes data, then stores tail with release; the consumer
 *    loads tail with acquire before reading data;
 *  - the consumer reads data, then stores head with release; the producer
 *    loads head with acquire before overwriting that space;
 *  - wake-me flags follow doorbell.h: release store + seq_cst fence by the
 *    sleeper, seq_cst fence + acquire load by the waker.
 *
 * The other side's index is untrusted: tail - head must be <= cap, else the
 * queue is corrupt and every call reports -EPROTO without touching data.
 */
#include <errno.h>

#include "doorbell.h"
#include "spsc.h"

/**
 * ipc_spsc_format() - zero the indices and flags of a new queue (engine)
 * @shm:	the shared words
 */
void ipc_spsc_format(struct ipc_spsc_shm *shm)
{
	atomic_store_explicit(&shm->head, 0, memory_order_relaxed);
	atomic_store_explicit(&shm->tail, 0, memory_order_relaxed);
	atomic_store_explicit(&shm->cons_wait, 0, memory_order_relaxed);
	atomic_store_explicit(&shm->prod_wait, 0, memory_order_relaxed);
	atomic_store_explicit(&shm->prod_need, 0, memory_order_relaxed);
}

/**
 * ipc_spsc_open() - take one side of a queue
 * @s:		the private view to fill
 * @shm:	the shared words
 * @cap:	capacity in units (a power of two; the caller checked it)
 * @producer:	true for the producing side
 *
 * The side's own index is read from shared memory once, here, so that an
 * app can attach to a queue that already carries data; from then on the
 * private copy is authoritative.  A garbage starting value shows up as
 * -EPROTO on the first call, never as an out-of-bounds access.
 */
void ipc_spsc_open(struct ipc_spsc *s, struct ipc_spsc_shm *shm, uint32_t cap,
		   bool producer)
{
	s->shm = shm;
	s->cap = cap;
	s->producer = producer;
	s->mine = atomic_load_explicit(producer ? &shm->tail : &shm->head,
				       memory_order_relaxed);
	s->kick = s->mine;
}

/**
 * ipc_spsc_space() - free units, producer side
 * @s:	the producer's view
 *
 * The acquire load of head pairs with the consumer's release store: the
 * consumer has finished reading everything before head, so that space may
 * be overwritten.
 *
 * Return: free units (0..cap), or -EPROTO if head is not within cap of tail.
 */
int64_t ipc_spsc_space(const struct ipc_spsc *s)
{
	uint32_t head = atomic_load_explicit(&s->shm->head,
					     memory_order_acquire);
	uint32_t used = s->mine - head;

	if (used > s->cap)
		return -EPROTO;
	return s->cap - used;
}

/**
 * ipc_spsc_avail() - units ready to consume, consumer side
 * @s:	the consumer's view
 *
 * The acquire load of tail pairs with the producer's release store: all
 * data before tail is visible.
 *
 * Return: used units (0..cap), or -EPROTO if tail is not within cap of head.
 */
int64_t ipc_spsc_avail(const struct ipc_spsc *s)
{
	uint32_t tail = atomic_load_explicit(&s->shm->tail,
					     memory_order_acquire);
	uint32_t used = tail - s->mine;

	if (used > s->cap)
		return -EPROTO;
	return used;
}

/**
 * ipc_spsc_publish() - advance this side's index by @n and publish it
 * @s:	either side's view
 * @n:	units produced or consumed; the caller checked them against
 *	ipc_spsc_space() or ipc_spsc_avail()
 *
 * Release: the data written (producer) or read (consumer) before this call
 * is complete before the other side can see the new index.
 */
void ipc_spsc_publish(struct ipc_spsc *s, uint32_t n)
{
	s->mine += n;
	atomic_store_explicit(s->producer ? &s->shm->tail : &s->shm->head,
			      s->mine, memory_order_release);
}

/*
 * kick_consumer() - after publishing tail: which consumer threads must be
 * woken?
 *
 * A consumer sleeps only after it saw tail == head at some tail value t
 * that we published.  If t was published before our last kick, that kick's
 * fence already covered it.  So an edge exists iff head is in [kick, tail):
 * the consumer caught up with something we published since the last kick
 * and has not yet seen everything.  head outside that range means it still
 * has data it knows about (or is corrupt; it only hurts itself).
 */
static int kick_consumer(struct ipc_spsc *s, uint64_t *ring)
{
	uint32_t from = s->kick, head;

	s->kick = s->mine;
	if (!atomic_load_explicit(&s->shm->cons_wait, memory_order_acquire))
		return 0;
	head = atomic_load_explicit(&s->shm->head, memory_order_relaxed);
	if ((uint32_t)(s->mine - head) > s->cap)
		return -EPROTO;
	if ((uint32_t)(head - from) >= (uint32_t)(s->mine - from))
		return 0;
	*ring = ipc_doorbell_take(&s->shm->cons_wait);
	return 0;
}

/*
 * kick_producer() - after publishing head: which producer threads must be
 * woken?
 *
 * A sleeping producer published its tail and saw fewer free units than it
 * wants (prod_need), at some head we published since the last kick (same
 * argument as kick_consumer()).  Free space only grows with head, so the
 * edge is: free at the last kick < want <= free now.  Free "then" is
 * computed with today's tail: a sleeping producer's tail does not move.
 * When several sleep, prod_need is the last one's want; a take wakes them
 * all, and one that still lacks room sleeps again with its own.  (0 after
 * a take raced with an arming reads as 1: an early wake at worst.)
 */
static int kick_producer(struct ipc_spsc *s, uint64_t *ring)
{
	uint32_t from = s->kick, want, tail, used;
	int64_t free_then;

	s->kick = s->mine;
	if (!atomic_load_explicit(&s->shm->prod_wait, memory_order_acquire))
		return 0;
	want = atomic_load_explicit(&s->shm->prod_need, memory_order_relaxed);
	if (want == 0 || want > s->cap)
		want = 1;
	tail = atomic_load_explicit(&s->shm->tail, memory_order_relaxed);
	used = tail - s->mine;
	if (used > s->cap)
		return -EPROTO;
	free_then = (int64_t)s->cap - (int64_t)(uint32_t)(tail - from);
	if (free_then >= (int64_t)want || s->cap - used < want)
		return 0;
	*ring = ipc_doorbell_take(&s->shm->prod_wait);
	atomic_store_explicit(&s->shm->prod_need, 0, memory_order_relaxed);
	return 0;
}

/**
 * ipc_spsc_kick() - after publishing: which of the other side's sleepers
 * must be woken, on an empty->non-empty (or not-enough->enough space)
 * edge only
 * @s:		either side's view
 * @ring:	set to the waiter mask to ring (ipc_doorbell_ring_mask()),
 *		0 for none
 *
 * The seq_cst fence orders our index store before the load of the other
 * side's wake-me mask (doorbell.h).
 *
 * Return: 0, or -EPROTO if the other index is corrupt.
 */
int ipc_spsc_kick(struct ipc_spsc *s, uint64_t *ring)
{
	*ring = 0;
	atomic_thread_fence(memory_order_seq_cst);
	return s->producer ? kick_consumer(s, ring) : kick_producer(s, ring);
}

/**
 * ipc_spsc_wait_prepare() - arm this side's wake-me mask and re-check
 * @s:		either side's view
 * @need:	producer: free units wanted (1..cap); consumer: ignored
 * @who:	the sleeper's waiter bit (doorbell.h)
 *
 * After this, the caller sleeps only if the return value says the queue
 * is not ready, and calls ipc_spsc_wait_cancel() with the same @who
 * afterwards either way.  The consumer is ready when any unit is
 * available; the producer when at least @need units are free.
 *
 * Return: 1 if ready (do not sleep), 0 if the caller may sleep, -EINVAL if
 * @need cannot ever be satisfied, or -EPROTO.
 */
int ipc_spsc_wait_prepare(struct ipc_spsc *s, uint32_t need, uint64_t who)
{
	int64_t n;

	if (s->producer && (need == 0 || need > s->cap))
		return -EINVAL;
	if (s->producer) {
		/* Before the mask's release: a waker that sees our bit sees
		 * what we wait for.  Stored, not merged: a need left by a
		 * producer that found room and cancelled must not outlive it
		 * (a smaller stale need had already been crossed, so no edge
		 * would ever ring for ours). */
		atomic_store_explicit(&s->shm->prod_need, need,
				      memory_order_relaxed);
		ipc_doorbell_wait_prepare(&s->shm->prod_wait, who);
	} else {
		ipc_doorbell_wait_prepare(&s->shm->cons_wait, who);
	}
	n = s->producer ? ipc_spsc_space(s) : ipc_spsc_avail(s);
	if (n < 0)
		return (int)n;
	return s->producer ? n >= need : n > 0;
}

/**
 * ipc_spsc_wait_cancel() - disarm this side's wake-me bit @who
 * @s:		either side's view
 * @who:	as given to ipc_spsc_wait_prepare()
 */
void ipc_spsc_wait_cancel(struct ipc_spsc *s, uint64_t who)
{
	ipc_doorbell_wait_cancel(
		s->producer ? &s->shm->prod_wait : &s->shm->cons_wait, who);
}
