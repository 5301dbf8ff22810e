// SPDX-License-Identifier: MIT
/*
 * ipv4_frag.c - IPv4 reassembly, fragmentation and identification
 *
 * Theory of operation
 *
 * Reassembly.  Fragments of one datagram share (src, dst, proto, id) (RFC
 * 791 section 3.2); queues are found by that key in a uthash whose bucket
 * hash is SipHash under the engine secret, since every field is chosen by
 * the sender.  A queue holds copies of the fragment payloads as a list
 * sorted by offset.  The holes are what the list does not cover (RFC 815):
 * the datagram is complete when the last fragment (MF clear) fixed the
 * length and the held bytes add up to it, which with no overlaps means no
 * hole is left.
 *
 * Overlaps.  A fragment that overlaps held data other than as an exact
 * duplicate kills the whole datagram (IpReasmOverlaps, IpReasmFails), the
 * RFC 5722 rule Linux applies to IPv4 as well: overlapping fragments only
 * occur in attacks that aim at middlebox/host disagreement.  An exact
 * duplicate (same offset and length: a retransmission by a link) is
 * dropped alone (IpReasmDuplicates).
 *
 * Bounds.  A queue lives ipfrag_time (IpReasmTimeout; if the first
 * fragment came, ICMP time exceeded code 1 goes to the sender, RFC 792).
 * All queues together hold at most ipfrag_high_thresh bytes: past it the
 * oldest queues are evicted (IpReasmFails).  A datagram that would exceed
 * 65535 bytes with its header is refused (RFC 791 section 3.2).
 *
 * Distance (Linux's ipfrag_max_dist, 64 by default).  Every source with a
 * queue has a counter of the fragments it sent; each queue remembers the
 * count at its own last fragment.  When a fragment for a queue arrives
 * after the source sent more than ipfrag_max_dist other fragments, the
 * queue's pieces are most likely from an earlier datagram whose ID has
 * since been reused (IDs wrap fast at high rates, RFC 4963 2): its pieces
 * are dropped (IpReasmFails) and the queue starts again with this
 * fragment, as Linux's ip_frag_too_far() does.  0 turns the check off.
 * The per-source records live only while the source has a queue, so they
 * cost nothing once reassembly is idle.
 *
 * Fragmentation.  Each fragment but the last carries a multiple of eight
 * payload bytes; the first keeps every option, the rest only those with
 * the copied flag (RFC 791 section 3.1, e.g. source routes and Router
 * Alert; not Record Route or Timestamp).
 *
 * Identification.  The ID of a datagram comes from one of 2048 counters
 * picked by SipHash(src, dst, proto), each starting at a random value
 * (Linux ip_idents): IDs are unique per destination for as long as
 * reassembly needs (RFC 6864 4.1), and an observer of our traffic to one
 * host learns nothing about our traffic to another (RFC 7739 5).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>

#include "engine.h"
#include "hash.h"
#include "icmp4.h"
#include "ipv4_frag.h"
#include "log.h"
#include "wire/cursor.h"

#define container_of(ptr, type, member)                                        \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

struct frag4_key {
	uint32_t src, dst;
	uint16_t id;
	uint8_t proto;
	uint8_t pad; /* zeroed: uthash compares key bytes */
};

/* A source with queues: its fragment counter (ipfrag_max_dist). */
struct frag4_src {
	UT_hash_handle hh;
	uint32_t src;
	uint32_t rid;	 /* fragments seen from @src */
	unsigned int nq; /* its queues: the record goes with the last */
};

struct frag4_piece {
	struct frag4_piece *next;
	uint16_t off;
	uint16_t len;
	uint8_t data[];
};

struct frag4_q {
	UT_hash_handle hh;
	struct frag4_key key;
	struct frag4_q *older, *newer;
	struct engine *eng;
	struct timer timer;
	struct frag4_piece *pieces; /* sorted by offset, never overlapping */
	uint32_t held;		    /* payload bytes held */
	uint32_t end;		    /* payload length once the last came */
	bool have_last;
	bool have_first;
	struct ipv4_view first; /* the first fragment's header fields */
	uint8_t opts[IPV4_MAX_OPTLEN];
	size_t mem;
	int ifindex;
	struct frag4_src *peer;
	uint32_t rid; /* @peer->rid at this queue's last fragment */
};

/** frag4_init() - empty reassembly state and random ID counters. */
int frag4_init(struct engine *eng)
{
	struct frag4 *f = calloc(1, sizeof(*f));

	if (!f)
		return -ENOMEM;
	for (size_t i = 0; i < FRAG4_IDENT_BUCKETS; i++)
		f->ident[i] = (uint16_t)rand_u32();
	eng->frag4 = f;
	return 0;
}

static void q_unlink(struct engine *eng, struct frag4_q *q)
{
	struct frag4 *f = eng->frag4;

	if (q->older)
		q->older->newer = q->newer;
	else
		f->oldest = q->newer;
	if (q->newer)
		q->newer->older = q->older;
	else
		f->newest = q->older;
}

/* The counter record of source @src, made if needed; NULL without memory. */
static struct frag4_src *src_get(struct engine *eng, uint32_t src)
{
	struct frag4 *f = eng->frag4;
	unsigned int h = (unsigned int)hash_keyed(eng->secret, &src,
						  sizeof(src));
	struct frag4_src *s = NULL;

	HASH_FIND_BYHASHVALUE(hh, f->srcs, &src, sizeof(src), h, s);
	if (s)
		return s;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->src = src;
	// NOLINTNEXTLINE(clang-analyzer-unix.Malloc): uthash table pointer
	HASH_ADD_BYHASHVALUE(hh, f->srcs, src, sizeof(s->src), h, s);
	return s;
}

static void src_put(struct engine *eng, struct frag4_src *s)
{
	if (!s || --s->nq)
		return;
	HASH_DELETE(hh, eng->frag4->srcs, s);
	free(s);
}

/* Drop every piece @q holds; the queue itself stays. */
static void q_purge(struct engine *eng, struct frag4_q *q)
{
	struct frag4_piece *pc, *next;

	for (pc = q->pieces; pc; pc = next) {
		next = pc->next;
		q->mem -= sizeof(*pc) + pc->len;
		eng->frag4->mem -= sizeof(*pc) + pc->len;
		free(pc);
	}
	q->pieces = NULL;
}

/* Free @q and everything it holds; the caller has counted why. */
static void q_free(struct engine *eng, struct frag4_q *q)
{
	struct frag4 *f = eng->frag4;

	timer_cancel(&eng->timers, &q->timer);
	q_purge(eng, q);
	src_put(eng, q->peer);
	q_unlink(eng, q);
	HASH_DELETE(hh, f->queues, q);
	f->nq--;
	f->mem -= q->mem;
	free(q);
}

/** frag4_fini() - drop every queue and free the state. */
void frag4_fini(struct engine *eng)
{
	if (!eng->frag4)
		return;
	while (eng->frag4->oldest)
		q_free(eng, eng->frag4->oldest);
	free(eng->frag4);
	eng->frag4 = NULL;
}

static unsigned int key_hash(const struct engine *eng,
			     const struct frag4_key *k)
{
	return (unsigned int)hash_keyed(eng->secret, k, sizeof(*k));
}

/* Re-emit the first fragment (header and its data) for an ICMP quote. */
static void send_time_exceeded(struct engine *eng, struct frag4_q *q)
{
	struct frag4_piece *pc = q->pieces;
	struct ipv4_view v = q->first;
	uint8_t buf[IPV4_MAX_HLEN + 8];
	int n;

	if (!pc || pc->off != 0)
		return;
	/* RFC 792: the header and the first 64 bits of the datagram. */
	v.opts = q->opts;
	v.payload = pc->data;
	v.payload_len = pc->len < 8 ? pc->len : 8;
	n = ipv4_emit(buf, sizeof(buf), &v);
	if (n > 0)
		icmp4_send_error(eng, buf, (size_t)n, ICMP4_TIME_EXCEEDED,
				 ICMP4_TIMEX_REASS, 0);
}

static void q_expire(struct timer *t)
{
	struct frag4_q *q = container_of(t, struct frag4_q, timer);
	struct engine *eng = q->eng;

	eng->stats.ip.IpReasmTimeout++;
	eng->stats.ip.IpReasmFails++;
	/* RFC 792 / RFC 1122 3.3.2: only if fragment zero is here. */
	if (q->have_first)
		send_time_exceeded(eng, q);
	q_free(eng, q);
}

static struct frag4_q *q_find_or_create(struct engine *eng,
					const struct ipv4_view *v, int ifindex)
{
	struct frag4 *f = eng->frag4;
	struct frag4_key k;
	struct frag4_q *q = NULL;
	unsigned int h;

	memset(&k, 0, sizeof(k));
	k.src = v->src;
	k.dst = v->dst;
	k.id = v->id;
	k.proto = v->proto;
	h = key_hash(eng, &k);
	HASH_FIND_BYHASHVALUE(hh, f->queues, &k, sizeof(k), h, q);
	if (q)
		return q;
	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->peer = src_get(eng, v->src);
	if (!q->peer) {
		free(q);
		return NULL;
	}
	q->peer->nq++;
	q->rid = q->peer->rid;
	q->key = k;
	q->eng = eng;
	q->ifindex = ifindex;
	q->mem = sizeof(*q);
	timer_init(&q->timer, q_expire);
	// NOLINTNEXTLINE(clang-analyzer-unix.Malloc): uthash table pointer
	HASH_ADD_BYHASHVALUE(hh, f->queues, key, sizeof(q->key), h, q);
	f->nq++;
	f->mem += q->mem;
	q->older = f->newest;
	if (f->newest)
		f->newest->newer = q;
	else
		f->oldest = q;
	f->newest = q;
	if (engine_timer_arm(eng, &q->timer,
			     (uint64_t)eng->sysctl.ipfrag_time_ms * 1000))
		log_warn("ipv4: cannot arm reassembly timer");
	return q;
}

/*
 * ipfrag_max_dist: count the fragment against its source; if more than
 * max_dist others came from there since @q's last one, @q's pieces are
 * stale (see the theory above): drop them and start @q afresh.
 */
static void check_distance(struct engine *eng, struct frag4_q *q)
{
	uint32_t max = eng->sysctl.ipfrag_max_dist;
	uint32_t rid = ++q->peer->rid;

	if (max && q->pieces && rid - q->rid > max + 1) {
		eng->stats.ip.IpReasmFails++;
		q_purge(eng, q);
		q->held = 0;
		q->end = 0;
		q->have_last = false;
		q->have_first = false;
		if (engine_timer_arm(eng, &q->timer,
				     (uint64_t)eng->sysctl.ipfrag_time_ms *
					     1000))
			log_warn("ipv4: cannot arm reassembly timer");
	}
	q->rid = rid;
}

/* Evict the oldest queues until the bound holds; @keep goes last. */
static void enforce_memory(struct engine *eng, struct frag4_q *keep)
{
	struct frag4 *f = eng->frag4;

	while (f->mem > eng->sysctl.ipfrag_high_thresh && f->oldest) {
		struct frag4_q *victim = f->oldest;
		bool last;

		if (victim == keep && keep->newer)
			victim = keep->newer;
		last = victim == keep;
		eng->stats.ip.IpReasmFails++;
		/* The analyzer loses uthash's table pointer across deletes
		 * (it is freed only with the last item). */
		// NOLINTNEXTLINE(clang-analyzer-unix.Malloc)
		q_free(eng, victim);
		if (last)
			return;
	}
}

/* Where the held data ends: the end of the last piece. */
static uint32_t held_end(const struct frag4_q *q)
{
	const struct frag4_piece *pc = q->pieces;

	if (!pc)
		return 0;
	while (pc->next)
		pc = pc->next;
	return (uint32_t)pc->off + pc->len;
}

enum insert_result { INS_OK, INS_DUP, INS_OVERLAP, INS_NOMEM };

static enum insert_result insert_piece(struct engine *eng, struct frag4_q *q,
				       const struct ipv4_view *v)
{
	uint32_t off = v->frag_off, end = off + (uint32_t)v->payload_len;
	struct frag4_piece **pp = &q->pieces, *pc;

	/* Find the first piece that ends after our start. */
	while (*pp && (uint32_t)(*pp)->off + (*pp)->len <= off)
		pp = &(*pp)->next;
	if (*pp && (*pp)->off < end) {
		if ((*pp)->off == off && (*pp)->len == v->payload_len)
			return INS_DUP;
		return INS_OVERLAP;
	}
	pc = malloc(sizeof(*pc) + v->payload_len);
	if (!pc)
		return INS_NOMEM;
	pc->off = (uint16_t)off;
	pc->len = (uint16_t)v->payload_len;
	memcpy(pc->data, v->payload, v->payload_len);
	pc->next = *pp;
	*pp = pc;
	q->held += pc->len;
	q->mem += sizeof(*pc) + pc->len;
	eng->frag4->mem += sizeof(*pc) + pc->len;
	return INS_OK;
}

/* Every piece laid end to end into one datagram with a fresh header. */
static struct pkt *q_assemble(struct engine *eng, struct frag4_q *q)
{
	struct ipv4_view v = q->first;
	int hlen = ipv4_hdr_len(&v);
	struct pkt *p;
	uint8_t *buf;

	if (hlen < 0 || (size_t)hlen + q->end > IPV4_MAX_LEN)
		return NULL;
	p = pkt_alloc((size_t)hlen + q->end);
	if (!p)
		return NULL;
	buf = pkt_put(p, (size_t)hlen + q->end);
	for (struct frag4_piece *pc = q->pieces; pc; pc = pc->next)
		memcpy(buf + hlen + pc->off, pc->data, pc->len);
	v.opts = q->opts;
	v.mf = false;
	v.frag_off = 0;
	v.payload = buf + hlen;
	v.payload_len = q->end;
	if (ipv4_emit(buf, p->len, &v) < 0) {
		pkt_free(p);
		return NULL;
	}
	p->ifp = netif_by_index(eng, q->ifindex);
	return p;
}

/**
 * ipv4_frag_input() - add one fragment to its datagram
 * @p: the fragment, p->data at its IPv4 header; always consumed
 * @v: its parsed header (a fragment: MF set or a non-zero offset)
 *
 * Return: the whole datagram (IPv4 header first, MF and offset clear,
 * owned by the caller) when @p completed it, else NULL.
 */
struct pkt *ipv4_frag_input(struct engine *eng, struct pkt *p,
			    const struct ipv4_view *v)
{
	struct ip_stats *st = &eng->stats.ip;
	uint32_t end = v->frag_off + (uint32_t)v->payload_len;
	struct frag4_q *q;
	struct pkt *whole = NULL;
	uint64_t *why;
	const char *reason;

	st->IpReasmReqds++;
	/* RFC 791 3.2: all fragments but the last carry 8-byte multiples. */
	if (v->mf && (v->payload_len == 0 || v->payload_len % 8)) {
		why = &st->IpInBadFrags;
		reason = "fragment length not a multiple of 8";
		goto drop;
	}
	if (end + IPV4_HLEN > IPV4_MAX_LEN) {
		why = &st->IpReasmFails;
		reason = "reassembled datagram over 65535 bytes";
		goto drop;
	}
	q = q_find_or_create(eng, v, p->ifp ? p->ifp->index : 0);
	if (!q) {
		why = &st->IpReasmFails;
		reason = "no memory for reassembly";
		goto drop;
	}
	check_distance(eng, q);
	/* A second "last" fragment that disagrees on the length, or data
	 * past the known end, is an overlap in all but name. */
	if ((!v->mf && (q->have_last ? end != q->end : end < held_end(q))) ||
	    (q->have_last && end > q->end))
		goto overlap;
	switch (insert_piece(eng, q, v)) {
	case INS_OK:
		break;
	case INS_DUP:
		why = &st->IpReasmDuplicates;
		reason = "duplicate fragment";
		goto drop;
	case INS_OVERLAP:
		goto overlap;
	case INS_NOMEM:
		/* The datagram cannot complete: IpReasmFails, once. */
		q_free(eng, q);
		why = &st->IpReasmFails;
		reason = "no memory for reassembly";
		goto drop;
	}
	if (!v->mf) {
		q->have_last = true;
		q->end = end;
	}
	if (v->frag_off == 0) {
		q->have_first = true;
		q->first = *v;
		if (v->opts_len)
			memcpy(q->opts, v->opts, v->opts_len);
		q->first.opts = q->opts;
	}
	pkt_free(p); /* its bytes now live in the queue */
	if (q->have_last && q->held == q->end) {
		whole = q_assemble(eng, q);
		if (whole)
			st->IpReasmOKs++;
		else
			st->IpReasmFails++;
		q_free(eng, q);
		return whole;
	}
	enforce_memory(eng, q);
	return NULL;

overlap:
	/* RFC 5722 spirit: the whole datagram goes, not just this piece. */
	st->IpReasmFails++;
	q_free(eng, q);
	why = &st->IpReasmOverlaps;
	reason = "overlapping fragment";
drop:
	pkt_drop(eng, p, why, reason);
	return NULL;
}

/*
 * The options a non-first fragment carries: those with the copied flag
 * (RFC 791 3.1).  Walks our own header bytes with a cursor all the same.
 * Return: their length, before padding.
 */
static size_t copied_opts(const uint8_t *opts, size_t len, uint8_t *out)
{
	struct ipv4_opt_iter it;
	struct ipv4_opt o;
	size_t n = 0;

	ipv4_opt_iter_init(&it, opts, len);
	while (ipv4_opt_next(&it, &o) > 0) {
		if (o.type & 0x80) {
			out[n] = o.type;
			out[n + 1] = o.len;
			memcpy(out + n + 2, o.data, (size_t)o.len - 2);
			n += o.len;
		}
	}
	return n;
}

/**
 * ipv4_fragment() - cut the datagram @v into fragments that fit @mtu
 * @v: header fields, options and the whole payload
 * @out: receives one packet per fragment (IPv4 header first, headroom
 *	left for the link header); on error nothing is added
 *
 * Return: the number of fragments, or -EINVAL when @mtu cannot carry 8
 * bytes after the header, or -ENOMEM.
 */
int ipv4_fragment(const struct ipv4_view *v, uint32_t mtu, struct pktq *out)
{
	uint8_t copied[IPV4_MAX_OPTLEN];
	struct ipv4_view rest = *v;
	struct pktq q = { 0 };
	int first_hlen = ipv4_hdr_len(v), hlen, count = 0;
	size_t off = 0;

	rest.opts = copied;
	rest.opts_len = copied_opts(v->opts, v->opts_len, copied);
	if (first_hlen < 0 || mtu < (uint32_t)first_hlen + 8)
		return -EINVAL;
	do {
		struct ipv4_view f = off ? rest : *v;
		size_t room, chunk;
		struct pkt *p;
		int n;

		hlen = ipv4_hdr_len(&f);
		room = (mtu - (size_t)hlen) & ~(size_t)7;
		chunk = v->payload_len - off;
		f.mf = v->mf;
		if (chunk > room) {
			chunk = room;
			f.mf = true;
		}
		f.frag_off = (uint16_t)(v->frag_off + off);
		f.payload = v->payload + off;
		f.payload_len = chunk;
		p = pkt_alloc((size_t)hlen + chunk);
		if (!p)
			goto nomem;
		n = ipv4_emit(pkt_put(p, (size_t)hlen + chunk),
			      (size_t)hlen + chunk, &f);
		if (n < 0) {
			pkt_free(p);
			pktq_purge(&q);
			return n;
		}
		pktq_push(&q, p);
		count++;
		off += chunk;
	} while (off < v->payload_len);
	while (q.head)
		pktq_push(out, pktq_pop(&q));
	return count;

nomem:
	pktq_purge(&q);
	return -ENOMEM;
}

/**
 * ipv4_ident() - the Identification for a datagram from @src to @dst
 *
 * Return: the next ID of the counter SipHash(src, dst, proto) selects.
 */
uint16_t ipv4_ident(struct engine *eng, uint32_t src, uint32_t dst,
		    uint8_t proto)
{
	uint32_t key[3] = { src, dst, proto };
	uint64_t h = hash_keyed_memo(&eng->frag4->ident_memo, eng->secret, key,
				     sizeof(key));

	return eng->frag4->ident[h % FRAG4_IDENT_BUCKETS]++;
}
