// SPDX-License-Identifier: MIT
/*
 * pkt.c - packet buffers with headroom, and packet queues
 */
#include <stdlib.h>
#include <string.h>

#include "pkt.h"

/**
 * pkt_alloc() - a packet with PKT_HEADROOM bytes of headroom and @room
 * bytes after it; data starts after the headroom, len is 0.
 *
 * Return: the packet, or NULL when memory is short.
 */
struct pkt *pkt_alloc(size_t room)
{
	size_t cap = PKT_HEADROOM + room;
	struct pkt *p = malloc(sizeof(*p) + cap);

	if (!p)
		return NULL;
	p->next = NULL;
	p->ifp = NULL;
	p->cap = cap;
	p->data = p->buf + PKT_HEADROOM;
	p->len = 0;
	p->nexthop4 = 0;
	p->rx_frame = NULL;
	p->rx_len = 0;
	memset(&p->off, 0, sizeof(p->off));
	return p;
}

void pkt_free(struct pkt *p)
{
	free(p);
}

/** pkt_from() - a packet holding a copy of @len bytes, with headroom. */
struct pkt *pkt_from(const uint8_t *bytes, size_t len)
{
	struct pkt *p = pkt_alloc(len);

	if (p) {
		memcpy(p->data, bytes, len);
		p->len = len;
	}
	return p;
}

size_t pkt_headroom(const struct pkt *p)
{
	return (size_t)(p->data - p->buf);
}

size_t pkt_tailroom(const struct pkt *p)
{
	return p->cap - pkt_headroom(p) - p->len;
}

/** pkt_push() - grow the packet by @n bytes at the front; NULL if no room. */
uint8_t *pkt_push(struct pkt *p, size_t n)
{
	if (n > pkt_headroom(p))
		return NULL;
	p->data -= n;
	p->len += n;
	return p->data;
}

/** pkt_put() - grow the packet by @n bytes at the end; NULL if no room. */
uint8_t *pkt_put(struct pkt *p, size_t n)
{
	uint8_t *tail = p->data + p->len;

	if (n > pkt_tailroom(p))
		return NULL;
	p->len += n;
	return tail;
}

/** pkt_pull() - drop @n bytes from the front (at most len). */
void pkt_pull(struct pkt *p, size_t n)
{
	if (n > p->len)
		n = p->len;
	p->data += n;
	p->len -= n;
}

void pktq_push(struct pktq *q, struct pkt *p)
{
	p->next = NULL;
	if (q->tail)
		q->tail->next = p;
	else
		q->head = p;
	q->tail = p;
	q->count++;
}

struct pkt *pktq_pop(struct pktq *q)
{
	struct pkt *p = q->head;

	if (!p)
		return NULL;
	q->head = p->next;
	if (!q->head)
		q->tail = NULL;
	q->count--;
	p->next = NULL;
	return p;
}

void pktq_purge(struct pktq *q)
{
	struct pkt *p;

	while ((p = pktq_pop(q)))
		pkt_free(p);
}
