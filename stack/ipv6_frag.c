// SPDX-License-Identifier: MIT
/*
 * ipv6_frag.c - IPv6 fragment reassembly (RFC 8200 4.5, RFC 5722, RFC
 * 7112) and fragmentation on output (RFC 8200 4.5, RFC 7739)
 *
 * Theory of operation
 *
 * A datagram under reassembly is identified by (source, destination,
 * Identification) (RFC 8200 4.5) and keeps: the unfragmentable part of
 * the first fragment (the IPv6 header and the extension headers before
 * the Fragment header), the fragment data copied at its offset into one
 * buffer, and the byte ranges received.  A fragment that overlaps one
 * already held drops the whole datagram, and every later fragment of it
 * is dropped silently until its timer ends (RFC 5722 3); an exact copy
 * of a held fragment is dropped alone (RFC 8200 4.5 leaves that to the
 * implementation, and duplicates are common on lossy links).  A datagram
 * not complete within 60 s is dropped, with an ICMPv6 Time Exceeded code
 * 1 to the source if fragment zero arrived (RFC 8200 4.5).
 *
 * Output: each fragment carries the fixed header, a Fragment header and
 * a multiple of 8 bytes of the payload (the last one the rest), the
 * Identification drawn at random per datagram (RFC 7739 3.1: not
 * predictable by an off-path attacker).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "hash.h"
#include "icmp6.h"
#include "ipv6.h"
#include "log.h"

#define container_of(ptr, type, member)                                        \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))
#define FRAG6_MAX_RANGES 128

struct frag6_range {
	uint32_t off, end; /* [off, end) */
};

struct frag6q {
	struct frag6q *next;
	struct engine *eng;
	struct ip6_addr src, dst;
	uint32_t id;
	bool dead;	   /* RFC 5722: an overlap was seen */
	bool have_last;	   /* M=0 fragment arrived: @total is known */
	uint32_t total;	   /* bytes of fragmentable part */
	uint8_t *unfrag;   /* the first fragment's unfragmentable part */
	size_t unfrag_len; /* 0 until fragment zero arrives */
	uint8_t nh;	   /* the first fragment's Fragment Next Header */
	size_t nh_pos;	   /* where that Next Header goes in @unfrag */
	uint8_t *data;	   /* IP6_MAX_PAYLOAD bytes */
	struct frag6_range r[FRAG6_MAX_RANGES];
	unsigned int nr;
	struct timer timer;
};

/* Unlink and free @q; the caller has counted why. */
static void q_free(struct engine *eng, struct frag6q *q)
{
	struct frag6q **pp = &eng->ip6->fragq;

	while (*pp && *pp != q)
		pp = &(*pp)->next;
	if (*pp)
		*pp = q->next;
	eng->ip6->nfragq--;
	timer_cancel(&eng->timers, &q->timer);
	free(q->unfrag);
	free(q->data);
	free(q);
}

/** frag6_fini() - drop every datagram under reassembly. */
void frag6_fini(struct engine *eng)
{
	while (eng->ip6 && eng->ip6->fragq)
		q_free(eng, eng->ip6->fragq);
}

/* The reassembly timer of @t's datagram ran out (RFC 8200 4.5). */
static void q_expire(struct timer *t)
{
	struct frag6q *q = container_of(t, struct frag6q, timer);
	struct engine *eng = q->eng;
	uint8_t buf[IP6_MIN_MTU];
	size_t n;

	if (!q->dead) {
		eng->stats.ip6.Ip6ReasmTimeout++;
		eng->stats.ip6.Ip6ReasmFails++;
		/* RFC 8200 4.5: Time Exceeded code 1 only when the first
		 * fragment arrived; quote its start as we have it. */
		if (q->unfrag_len && q->nr && q->r[0].off == 0 &&
		    q->unfrag_len < sizeof(buf)) {
			n = q->unfrag_len;
			memcpy(buf, q->unfrag, n);
			buf[q->nh_pos] = q->nh;
			memcpy(buf + n, q->data,
			       q->r[0].end < sizeof(buf) - n ? q->r[0].end
							     : sizeof(buf) - n);
			n += q->r[0].end < sizeof(buf) - n ? q->r[0].end
							   : sizeof(buf) - n;
			st_be16(buf + 4, (uint16_t)(n - IP6_HLEN));
			icmp6_send_error(eng, NULL, buf, n, ICMP6_TIME_EXCEEDED,
					 1, 0);
		}
	}
	q_free(eng, q);
}

/* The datagram @v belongs to, made on first sight; NULL when full. */
static struct frag6q *q_find(struct engine *eng, const struct ip6_view *v)
{
	struct frag6q *q;

	for (q = eng->ip6->fragq; q; q = q->next)
		if (q->id == v->frag_id && ip6_eq(&q->src, &v->src) &&
		    ip6_eq(&q->dst, &v->dst))
			return q;
	if (eng->ip6->nfragq >= IP6_MAX_FRAGQ)
		return NULL;
	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->data = malloc(IP6_MAX_PAYLOAD);
	if (!q->data) {
		free(q);
		return NULL;
	}
	q->eng = eng;
	q->src = v->src;
	q->dst = v->dst;
	q->id = v->frag_id;
	timer_init(&q->timer, q_expire);
	engine_timer_arm(eng, &q->timer, IP6_REASM_TIMEOUT);
	q->next = eng->ip6->fragq;
	eng->ip6->fragq = q;
	eng->ip6->nfragq++;
	return q;
}

/*
 * Insert [off, end) into the sorted ranges.  Return: 0, 1 for an exact
 * duplicate, -1 for an overlap (RFC 5722) or too many ranges.
 */
static int add_range(struct frag6q *q, uint32_t off, uint32_t end)
{
	unsigned int i;

	for (i = 0; i < q->nr; i++) {
		if (q->r[i].off == off && q->r[i].end == end)
			return 1;
		if (off < q->r[i].end && q->r[i].off < end)
			return -1;
		if (q->r[i].off > off)
			break;
	}
	if (q->nr == FRAG6_MAX_RANGES)
		return -1;
	memmove(&q->r[i + 1], &q->r[i], (q->nr - i) * sizeof(q->r[0]));
	q->r[i].off = off;
	q->r[i].end = end;
	q->nr++;
	return 0;
}

/* Every byte from 0 to the last fragment's end is here. */
static bool complete(const struct frag6q *q)
{
	uint32_t at = 0;

	if (!q->have_last || !q->unfrag_len)
		return false;
	for (unsigned int i = 0; i < q->nr; i++) {
		if (q->r[i].off != at)
			return false;
		at = q->r[i].end;
	}
	return at == q->total;
}

/* The whole datagram, the Fragment header gone. */
static struct pkt *assemble(struct engine *eng, struct frag6q *q)
{
	size_t len = q->unfrag_len + q->total;
	struct pkt *p;
	uint8_t *b;

	if (!q->unfrag || len - IP6_HLEN > IP6_MAX_PAYLOAD)
		return NULL;
	p = pkt_alloc(len);
	if (!p)
		return NULL;
	b = pkt_put(p, len);
	memcpy(b, q->unfrag, q->unfrag_len);
	b[q->nh_pos] = q->nh;
	st_be16(b + 4, (uint16_t)(len - IP6_HLEN));
	memcpy(b + q->unfrag_len, q->data, q->total);
	(void)eng;
	return p;
}

/*
 * Where the Next Header byte naming the Fragment header sits: the fixed
 * header's (6) or the first byte of the extension header before it.
 */
static size_t nh_pos_of(const struct ip6_view *v)
{
	size_t pos = 6;

	for (unsigned int i = 0; i < v->n_ext; i++) {
		if (v->ext[i].type == IP6_NH_FRAGMENT)
			break;
		pos = v->ext[i].off;
	}
	return pos;
}

/**
 * ipv6_frag_input() - add fragment @p (its view @v) to its datagram
 *
 * Consumes @p.  Return: the reassembled datagram (a new packet, p->data
 * at its IPv6 header, the Fragment header removed) when this fragment
 * completed it, else NULL.
 */
struct pkt *ipv6_frag_input(struct engine *eng, struct pkt *p,
			    const struct ip6_view *v)
{
	struct ip6_stats *st = &eng->stats.ip6;
	size_t data_off = v->frag_hdr_off + IP6_FRAG_HLEN;
	size_t dlen = p->len - data_off;
	uint32_t off = v->frag_off, end = off + (uint32_t)dlen;
	struct frag6q *q;
	struct pkt *whole;
	int rc;

	st->Ip6ReasmReqds++;
	/* RFC 8200 4.5: a non-last fragment's length is a multiple of 8;
	 * Parameter Problem code 0 pointing at the Payload Length. */
	if (v->frag_more && (dlen % 8 || !dlen)) {
		icmp6_send_error(eng, p->ifp, p->data, p->len, ICMP6_PARAM_PROB,
				 ICMP6_PARAMPROB_HEADER, 4);
		pkt_drop(eng, p, &st->Ip6InBadFrags, "fragment length not 8n");
		return NULL;
	}
	/* RFC 8200 4.5: past 65535 bytes: pointer to the Fragment Offset. */
	if (end > IP6_MAX_PAYLOAD) {
		icmp6_send_error(eng, p->ifp, p->data, p->len, ICMP6_PARAM_PROB,
				 ICMP6_PARAMPROB_HEADER,
				 (uint32_t)(v->frag_hdr_off + 2));
		pkt_drop(eng, p, &st->Ip6InBadFrags, "fragment past 65535");
		return NULL;
	}
	q = q_find(eng, v);
	if (!q) {
		pkt_drop(eng, p, &st->Ip6ReasmFails, "no reassembly room");
		return NULL;
	}
	if (q->dead) {
		pkt_drop(eng, p, &st->Ip6ReasmOverlaps,
			 "fragment of an overlapping datagram");
		return NULL;
	}
	if ((!v->frag_more && q->have_last && end != q->total) ||
	    (q->have_last && end > q->total) ||
	    (!v->frag_more && !q->have_last && q->nr &&
	     q->r[q->nr - 1].end > end)) {
		/* Inconsistent ends: treat as an overlap (RFC 5722). */
		rc = -1;
	} else {
		rc = add_range(q, off, end);
	}
	if (rc < 0) {
		/* RFC 5722 3: the whole datagram goes, and its later
		 * fragments with it. */
		q->dead = true;
		st->Ip6ReasmFails++;
		pkt_drop(eng, p, &st->Ip6ReasmOverlaps, "overlapping fragment");
		return NULL;
	}
	if (rc > 0) {
		pkt_drop(eng, p, &st->Ip6InDiscards, "duplicate fragment");
		return NULL;
	}
	memcpy(q->data + off, p->data + data_off, dlen);
	if (!v->frag_more) {
		q->have_last = true;
		q->total = end;
	}
	if (off == 0) {
		q->unfrag = malloc(v->frag_hdr_off);
		if (q->unfrag) {
			memcpy(q->unfrag, p->data, v->frag_hdr_off);
			q->unfrag_len = v->frag_hdr_off;
			q->nh = v->frag_nh;
			q->nh_pos = nh_pos_of(v);
		}
	}
	pkt_free(p);
	if (!complete(q))
		return NULL;
	whole = assemble(eng, q);
	q_free(eng, q);
	if (!whole) {
		st->Ip6ReasmFails++;
		return NULL;
	}
	st->Ip6ReasmOKs++;
	return whole;
}

/**
 * ip6_frag_ident() - a fragment Identification for @src -> @dst
 *
 * RFC 7739 3.1 recommends a per-destination counter with a random
 * offset or a random value; a fresh random value per datagram is the
 * simplest unpredictable choice (collisions within one 60 s window are
 * 2^-32 unlikely per pair of datagrams).
 */
uint32_t ip6_frag_ident(struct engine *eng, const struct ip6_addr *src,
			const struct ip6_addr *dst)
{
	(void)eng;
	(void)src;
	(void)dst;
	return rand_u32();
}

/**
 * ipv6_fragment() - cut @payload (@len bytes after the fixed header) into
 * fragments of at most @mtu bytes, queued on @out
 * @v: the header fields (src, dst, next header, hop limit)
 *
 * Return: the number of fragments, or -ENOBUFS (nothing queued).
 */
int ipv6_fragment(struct engine *eng, const struct ip6_view *v,
		  const uint8_t *payload, size_t len, uint32_t mtu,
		  struct pktq *out)
{
	size_t chunk = (mtu - IP6_HLEN - IP6_FRAG_HLEN) & ~(size_t)7;
	struct ip6_view f = *v;
	uint32_t id = ip6_frag_ident(eng, &v->src, &v->dst);
	int n = 0;

	f.have_frag = true;
	f.next_header = IP6_NH_FRAGMENT;
	f.frag_nh = v->next_header;
	f.frag_id = id;
	for (size_t off = 0; off < len; off += chunk) {
		size_t this = len - off < chunk ? len - off : chunk;
		size_t flen = IP6_HLEN + IP6_FRAG_HLEN + this;
		struct pkt *p = pkt_alloc(flen);

		if (!p) {
			pktq_purge(out);
			return -ENOBUFS;
		}
		f.frag_off = (uint16_t)off;
		f.frag_more = off + this < len;
		f.payload = payload + off;
		f.payload_len = this;
		if (ip6_emit(pkt_put(p, flen), flen, &f) < 0) {
			pkt_free(p);
			pktq_purge(out);
			return -ENOBUFS;
		}
		pktq_push(out, p);
		n++;
	}
	return n;
}
