// SPDX-License-Identifier: MIT
/*
 * tcp.c - TCBs, the connection and listener tables, the one state-change
 * function, the idle-storage sweep, and `nsctl ss`
 *
 * See tcp.h for the theory of operation.  Everything that changes a TCB's
 * state goes through tcp_set_state(), which traces "A -> B", keeps
 * TcpCurrEstab and arms or stops the timers that belong to a state.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "engine.h"
#include "hash.h"
#include "log.h"
#include "route.h"
#include "tcp.h"

static const char *const state_names[] = {
	[TCPS_CLOSED] = "CLOSED",
	[TCPS_LISTEN] = "LISTEN",
	[TCPS_SYN_SENT] = "SYN-SENT",
	[TCPS_SYN_RECEIVED] = "SYN-RECEIVED",
	[TCPS_ESTABLISHED] = "ESTABLISHED",
	[TCPS_FIN_WAIT_1] = "FIN-WAIT-1",
	[TCPS_FIN_WAIT_2] = "FIN-WAIT-2",
	[TCPS_CLOSE_WAIT] = "CLOSE-WAIT",
	[TCPS_CLOSING] = "CLOSING",
	[TCPS_LAST_ACK] = "LAST-ACK",
	[TCPS_TIME_WAIT] = "TIME-WAIT",
};

/** tcp_state_name() - RFC 9293's name of @s. */
const char *tcp_state_name(enum tcp_state s)
{
	if ((unsigned int)s >= sizeof(state_names) / sizeof(state_names[0]))
		return "?";
	return state_names[s];
}

/* ---- tables ---- */

static unsigned int key_hash(struct tcp_table *t, const void *k, size_t len)
{
	return (unsigned int)siphash24_memo(&t->hmemo, &t->hkey, k, len);
}

/* `nsctl ss`: the socket list of tcp_dump(). */
static int ss_cmd(struct ctl_req *req)
{
	req->data = tcp_dump(req->eng);
	return req->data ? 0 : -ENOMEM;
}

/**
 * tcp_init() - the TCP tables of @eng, keyed from fresh random secrets,
 * and the `ss` control command
 *
 * Return: 0 or -ENOMEM.
 */
/**
 * tcp_tcb_trim() - give back the storage @tcb holds without using it: an
 * empty ring not written since the last trim (tcp_ring_trim()), the RACK
 * history with nothing in flight, the piece array of an empty reassembly
 * queue.  Each comes back on next use.
 *
 * Return: @tcb still holds some of that storage.
 */
bool tcp_tcb_trim(struct tcb *tcb)
{
	bool held = false;

	if (tcp_ring_trim(&tcb->snd))
		held = true;
	if (tcp_ring_trim(&tcb->rcv))
		held = true;
	if (tcp_reass_trim(&tcb->reass))
		held = true;
	if (tcb->rack.seg && !tcb->rack.n)
		tcp_rack_free(&tcb->rack); /* RACK's other state stays */
	if (tcb->rack.seg)
		held = true;
	return held;
}

/*
 * The idle sweep.  Rings empty after every read or ACK of a busy
 * connection, so releasing storage right then would mean a malloc and a
 * free per segment; instead this walks every TCB once per TCP_TRIM_US and
 * releases only what stayed unused for a whole period: storage of an idle
 * connection goes after one to two periods, a busy one keeps its own.
 * It runs only while some TCB holds storage (tcp_trim_arm()).
 */
static void trim_fire(struct timer *tm)
{
	struct tcp_table *t =
		(struct tcp_table *)(void *)((char *)tm -
					     offsetof(struct tcp_table,
						      t_trim));
	bool held = false;

	for (struct tcb *c = t->all; c; c = c->all_next)
		if (tcp_tcb_trim(c))
			held = true;
	if (held)
		engine_timer_arm(t->eng, &t->t_trim, TCP_TRIM_US);
}

/**
 * tcp_trim_arm() - a TCB took storage: make sure the idle sweep runs
 */
void tcp_trim_arm(struct engine *eng)
{
	struct tcp_table *t = eng->tcp;

	if (!timer_armed(&t->t_trim))
		engine_timer_arm(eng, &t->t_trim, TCP_TRIM_US);
}

int tcp_init(struct engine *eng)
{
	struct tcp_table *t = calloc(1, sizeof(*t));
	uint8_t sec[32];
	int rc;

	if (!t)
		return -ENOMEM;
	for (size_t i = 0; i < sizeof(sec); i += 4) {
		uint32_t r = rand_u32();

		memcpy(sec + i, &r, 4);
	}
	siphash_key_from_bytes(&t->hkey, sec);
	siphash_key_from_bytes(&t->isn_key, sec + 16);
	portsel_init(&t->ps, sec);
	t->eng = eng;
	timer_init(&t->t_trim, trim_fire);
	t->cc_default = tcp_cc_find(eng->sysctl.tcp_congestion_control);
	if (!t->cc_default)
		t->cc_default = tcp_cc_find(TCP_CC_DEFAULT);
	eng->tcp = t;
	/* A second engine in one process (tests) finds "ss" taken: fine. */
	rc = ctl_register(eng, "ss", ss_cmd);
	if (rc && rc != -EEXIST) {
		free(t);
		eng->tcp = NULL;
		return rc;
	}
	return 0;
}

/**
 * tcp_fini() - free every TCB, whoever holds it; the engine is going
 * away, so nothing is sent
 */
void tcp_fini(struct engine *eng)
{
	struct tcp_table *t = eng->tcp;
	struct tcp_port *pp, *ptmp;
	struct tcb *c;

	if (!t)
		return;
	timer_cancel(&eng->timers, &t->t_trim);
	HASH_CLEAR(hh, t->conns); /* before the TCBs holding it go */
	while ((c = t->all)) {
		t->all = c->all_next;
		tcp_timers_stop(c);
		tcp_ring_free(&c->snd);
		tcp_ring_free(&c->rcv);
		tcp_reass_free(&c->reass);
		tcp_rack_free(&c->rack);
		free(c->svc);
		free(c);
	}
	HASH_ITER(hh, t->ports, pp, ptmp)
	{
		// NOLINTNEXTLINE(clang-analyzer-unix.Malloc): uthash table
		HASH_DELETE(hh, t->ports, pp);
		free(pp);
	}
	free(t);
	eng->tcp = NULL;
}

/**
 * tcp_tcb_new() - a CLOSED TCB with the engine's defaults
 *
 * Return: the TCB (owned by the caller), or NULL without memory.
 */
struct tcb *tcp_tcb_new(struct engine *eng)
{
	struct tcb *tcb = calloc(1, sizeof(*tcb));
	struct tcp_rto_cfg cfg;

	if (!tcb)
		return NULL;
	tcb->eng = eng;
	tcb->state = TCPS_CLOSED;
	tcb->family = AF_INET;
	tcb->hops = -1;
	tcp_addr_set4(&tcb->key.la, 0);
	tcp_addr_set4(&tcb->key.ra, 0);
	/* Linux starts small and auto-tunes up to tcp_wmem/rmem[2]; without
	 * auto-tuning yet, start where a LAN needs to be. */
	tcb->sndbuf = (size_t)eng->sysctl.tcp_wmem[1] * 16;
	tcb->rcvbuf = (size_t)eng->sysctl.tcp_rmem[1] * 2;
	tcb->peer_mss = TCP_DEFAULT_MSS;
	tcb->mss = TCP_DEFAULT_MSS;
	tcb->quickacks = TCP_QUICKACKS;
	tcp_rto_cfg_default(&cfg);
	cfg.min_us = eng->sysctl.tcp_rto_min_ms * 1000u;
	tcp_rto_init(&tcb->rto, &cfg);
	tcp_timers_init(tcb);
	tcb->cc.ops = eng->tcp->cc_default;
	tcb->all_next = eng->tcp->all;
	if (tcb->all_next)
		tcb->all_next->all_prev = tcb;
	eng->tcp->all = tcb;
	eng->tcp->nconns++;
	return tcb;
}

static void notify_unlink(struct tcb *tcb)
{
	struct tcb **pp;

	if (!tcb->on_notify)
		return;
	for (pp = &tcb->eng->tcp->notify_head; *pp; pp = &(*pp)->notify_next)
		if (*pp == tcb) {
			*pp = tcb->notify_next;
			break;
		}
	tcb->on_notify = false;
}

static void ack_unlink(struct tcb *tcb)
{
	struct tcb **pp;

	if (!tcb->on_acklist)
		return;
	for (pp = &tcb->eng->tcp->ack_head; *pp; pp = &(*pp)->ack_next)
		if (*pp == tcb) {
			*pp = tcb->ack_next;
			break;
		}
	tcb->on_acklist = false;
}

/**
 * tcp_tcb_free() - release @tcb: timers, tables, port, buffers, memory
 *
 * The caller must hold the only reference (the application closed it, or
 * the engine owns it).
 */
void tcp_tcb_free(struct tcb *tcb)
{
	struct engine *eng = tcb->eng;

	tcp_timers_stop(tcb);
	tcp_unhash(tcb);
	tcp_rack_free(&tcb->rack);
	notify_unlink(tcb);
	ack_unlink(tcb);
	if (tcb->state == TCPS_LISTEN) {
		/* Leave the listener list of the port. */
		struct tcp_port *pp = NULL;
		uint16_t port = tcb->key.lport;

		HASH_FIND(hh, eng->tcp->ports, &port, sizeof(port), pp);
		if (pp) {
			struct tcb **lp = &pp->listeners;

			while (*lp && *lp != tcb)
				lp = &(*lp)->ln_next;
			if (*lp)
				*lp = tcb->ln_next;
		}
	}
	tcp_port_put(tcb);
	tcp_ring_free(&tcb->snd);
	tcp_ring_free(&tcb->rcv);
	tcp_reass_free(&tcb->reass);
	free(tcb->svc);
	if (tcb->all_prev)
		tcb->all_prev->all_next = tcb->all_next;
	else
		eng->tcp->all = tcb->all_next;
	if (tcb->all_next)
		tcb->all_next->all_prev = tcb->all_prev;
	eng->tcp->nconns--;
	free(tcb);
}

/* Leave the listener's SYN or accept queue (the TCB is going away). */
static void unlink_parent(struct tcb *tcb)
{
	struct tcb *ln = tcb->parent;
	struct tcb **pp;

	if (!ln)
		return;
	if (tcb->in_aq) {
		for (pp = &ln->aq_head; *pp; pp = &(*pp)->aq_next)
			if (*pp == tcb) {
				*pp = tcb->aq_next;
				break;
			}
		ln->aq_tail = NULL;
		for (struct tcb *c = ln->aq_head; c; c = c->aq_next)
			ln->aq_tail = c;
		ln->aq_len--;
		tcb->in_aq = false;
	} else if (ln->synq_len) {
		ln->synq_len--;
	}
	tcb->parent = NULL;
}

/**
 * tcp_maybe_free() - free @tcb if nobody needs it any more: CLOSED and
 * not held by the application (RFC 9293 3.10.7: "delete the TCB")
 */
void tcp_maybe_free(struct tcb *tcb)
{
	/* A lingering close is told first (tcp_notify_flush()). */
	if (tcb->state != TCPS_CLOSED || !tcb->user_closed || tcb->lingering)
		return;
	unlink_parent(tcb);
	tcp_tcb_free(tcb);
}

static bool counts_estab(enum tcp_state s)
{
	return s == TCPS_ESTABLISHED || s == TCPS_CLOSE_WAIT;
}

/**
 * tcp_set_state() - move @tcb to @to: trace, count, arm/stop timers
 *
 * TcpCurrEstab counts ESTABLISHED and CLOSE-WAIT, as RFC 1213 tcpCurrEstab
 * does.  CLOSED takes the TCB out of the connection table at once, so no
 * later segment can reach it (its port stays held until it is freed).
 */
void tcp_set_state(struct tcb *tcb, enum tcp_state to)
{
	struct tcp_stats *st = &tcb->eng->stats.tcp;
	enum tcp_state from = tcb->state;

	if (from == to)
		return;
	log_trace("tcp %08x:%u %08x:%u %s -> %s", tcb->key.laddr,
		  tcb->key.lport, tcb->key.raddr, tcb->key.rport,
		  tcp_state_name(from), tcp_state_name(to));
	if (counts_estab(to) && !counts_estab(from))
		st->TcpCurrEstab++;
	if (counts_estab(from) && !counts_estab(to) && st->TcpCurrEstab)
		st->TcpCurrEstab--;
	tcb->state = to;
	switch (to) {
	case TCPS_CLOSED:
		tcp_timers_stop(tcb);
		tcp_unhash(tcb);
		break;
	case TCPS_ESTABLISHED:
		tcp_keepalive_arm(tcb);
		break;
	case TCPS_FIN_WAIT_2:
		/* Linux tcp_fin_timeout: an orphan may not wait for ever. */
		if (tcb->user_closed)
			tcp_keepalive_arm(tcb);
		break;
	case TCPS_TIME_WAIT:
		timer_cancel(&tcb->eng->timers, &tcb->t_rtx);
		timer_cancel(&tcb->eng->timers, &tcb->t_delack);
		timer_cancel(&tcb->eng->timers, &tcb->t_keep);
		tcp_tw_arm(tcb);
		/* Nothing more is sent or received: empty rings and the
		 * RACK history go back now (to tcp_ring.c's and
		 * tcp_rack.c's small caches, for the next connection),
		 * not a sweep later.  Twice: a trim spares storage used
		 * since the previous one. */
		(void)tcp_tcb_trim(tcb);
		(void)tcp_tcb_trim(tcb);
		break;
	case TCPS_LISTEN:
	case TCPS_SYN_SENT:
	case TCPS_SYN_RECEIVED:
	case TCPS_FIN_WAIT_1:
	case TCPS_CLOSE_WAIT:
	case TCPS_CLOSING:
	case TCPS_LAST_ACK:
	default:
		/* These states keep whatever timers are running: the
		 * retransmission timer covers their SYN or FIN. */
		break;
	}
	/* SO_LINGER: our FIN is acknowledged, or the connection is over. */
	if (tcb->lingering && (to == TCPS_FIN_WAIT_2 || to == TCPS_TIME_WAIT ||
			       to == TCPS_CLOSED))
		tcb->linger_done = true;
	tcp_notify(tcb);
}

/**
 * tcp_lookup_addr() - the connection for a segment from @ra:@rport to
 * @la:@lport (either family), or NULL
 */
struct tcb *tcp_lookup_addr(struct engine *eng, const union tcp_addr *la,
			    uint16_t lport, const union tcp_addr *ra,
			    uint16_t rport)
{
	struct tcp_table *t = eng->tcp;
	struct tcp_key k;
	struct tcb *tcb = NULL;

	memset(&k, 0, sizeof(k));
	k.la = *la;
	k.ra = *ra;
	k.lport = lport;
	k.rport = rport;
	HASH_FIND_BYHASHVALUE(hh, t->conns, &k, sizeof(k),
			      key_hash(t, &k, sizeof(k)), tcb);
	return tcb;
}

/**
 * tcp_lookup() - the IPv4 connection for a segment from @raddr:@rport to
 * @laddr:@lport, or NULL
 */
struct tcb *tcp_lookup(struct engine *eng, uint32_t laddr, uint16_t lport,
		       uint32_t raddr, uint16_t rport)
{
	union tcp_addr la, ra;

	tcp_addr_set4(&la, laddr);
	tcp_addr_set4(&ra, raddr);
	return tcp_lookup_addr(eng, &la, lport, &ra, rport);
}

/*
 * How well listener @l matches local address @la: 2 exactly, 1 as a
 * wildcard, 0 not at all.  An AF_INET listener takes IPv4 only; an
 * AF_INET6 one on :: takes IPv6, and IPv4 (v4-mapped) unless IPV6_V6ONLY
 * (RFC 3493 5.3); one bound to ::ffff:a.b.c.d takes that IPv4 address.
 */
static int listener_match(const struct tcb *l, const union tcp_addr *la)
{
	if (tcp_addr_eq(&l->key.la, la))
		return 2;
	if (tcp_addr_is4(la)) {
		if (tcp_addr_is4(&l->key.la))
			return l->key.la.v4 ? 0 : 1;
		return tcp_addr_is_zero(&l->key.la) && !l->v6only ? 1 : 0;
	}
	return tcp_addr_is_zero(&l->key.la) ? 1 : 0;
}

/**
 * tcp_listener_lookup_addr() - the listener for @la:@lport: one bound to
 * exactly @la wins over a wildcard one; NULL if none
 */
struct tcb *tcp_listener_lookup_addr(struct engine *eng,
				     const union tcp_addr *la, uint16_t lport)
{
	struct tcp_port *pp = NULL;
	struct tcb *best = NULL;

	HASH_FIND(hh, eng->tcp->ports, &lport, sizeof(lport), pp);
	if (!pp)
		return NULL;
	for (struct tcb *l = pp->listeners; l; l = l->ln_next) {
		int m = listener_match(l, la);

		if (m == 2)
			return l;
		if (m == 1 && (!best || best->family == AF_INET6))
			best = l; /* Linux prefers the AF_INET wildcard */
	}
	return best;
}

/** tcp_listener_lookup() - tcp_listener_lookup_addr() for IPv4 @laddr. */
struct tcb *tcp_listener_lookup(struct engine *eng, uint32_t laddr,
				uint16_t lport)
{
	union tcp_addr la;

	tcp_addr_set4(&la, laddr);
	return tcp_listener_lookup_addr(eng, &la, lport);
}

/**
 * tcp_hash() - enter @tcb (its key filled) into the connection table
 *
 * Return: 0, or -EADDRINUSE when the 4-tuple is taken.
 */
int tcp_hash(struct tcb *tcb)
{
	struct tcp_table *t = tcb->eng->tcp;

	if (tcb->hashed)
		return 0;
	if (tcp_lookup_addr(tcb->eng, &tcb->key.la, tcb->key.lport,
			    &tcb->key.ra, tcb->key.rport))
		return -EADDRINUSE;
	// NOLINTNEXTLINE(clang-analyzer-unix.Malloc): uthash table
	HASH_ADD_BYHASHVALUE(hh, t->conns, key, sizeof(tcb->key),
			     key_hash(t, &tcb->key, sizeof(tcb->key)), tcb);
	tcb->hashed = true;
	return 0;
}

/** tcp_unhash() - take @tcb out of the connection table. */
void tcp_unhash(struct tcb *tcb)
{
	if (!tcb->hashed)
		return;
	HASH_DELETE(hh, tcb->eng->tcp->conns, tcb);
	tcb->hashed = false;
}

/* takes4() - @t's local address (set before binding) can receive IPv4. */
static bool takes4(const struct tcb *t)
{
	return t->family != AF_INET6 || tcp_addr_is4(&t->key.la) ||
	       (tcp_addr_is_zero(&t->key.la) && !t->v6only);
}

/* takes6() - @t's local address can receive IPv6. */
static bool takes6(const struct tcb *t)
{
	return t->family == AF_INET6 && !tcp_addr_is4(&t->key.la);
}

/*
 * port_disjoint() - no other socket bound to @port takes a family @tcb
 * takes: IPv4-only beside IPv6-only
 */
static bool port_disjoint(struct engine *eng, const struct tcb *tcb,
			  uint16_t port)
{
	for (const struct tcb *t = eng->tcp->all; t; t = t->all_next) {
		if (t == tcb || !t->bound || t->key.lport != port)
			continue;
		if ((takes4(t) && takes4(tcb)) || (takes6(t) && takes6(tcb)))
			return false;
	}
	return true;
}

/**
 * tcp_port_get() - hold local port @port for @tcb
 *
 * A port already held can be shared only when both sides set
 * SO_REUSEADDR and neither listens (Linux inet_csk_bind_conflict(),
 * simplified), or when no holder's address family overlaps @tcb's (an
 * IPV6_V6ONLY socket beside an IPv4 one: ncat -l, nginx "listen [::]:80
 * ipv6only=on" with "listen 80"); connections made by accept() share
 * their listener's port without asking.
 *
 * Return: 0 or -EADDRINUSE / -ENOMEM.
 */
int tcp_port_get(struct engine *eng, struct tcb *tcb, uint32_t addr,
		 uint16_t port)
{
	struct tcp_port *pp = NULL;

	HASH_FIND(hh, eng->tcp->ports, &port, sizeof(port), pp);
	if (pp && pp->users && !tcb->parent) {
		if ((!tcb->reuseaddr || pp->listeners) &&
		    !port_disjoint(eng, tcb, port))
			return -EADDRINUSE;
	}
	if (!pp) {
		pp = calloc(1, sizeof(*pp));
		if (!pp)
			return -ENOMEM;
		pp->port = port;
		// NOLINTNEXTLINE(clang-analyzer-unix.Malloc): uthash table
		HASH_ADD(hh, eng->tcp->ports, port, sizeof(pp->port), pp);
	}
	pp->users++;
	tcb->key.laddr = addr;
	tcb->key.lport = port;
	tcb->bound = true;
	return 0;
}

/** tcp_port_put() - let go of @tcb's local port. */
void tcp_port_put(struct tcb *tcb)
{
	struct tcp_port *pp = NULL;
	uint16_t port = tcb->key.lport;

	if (!tcb->bound)
		return;
	tcb->bound = false;
	HASH_FIND(hh, tcb->eng->tcp->ports, &port, sizeof(port), pp);
	if (!pp)
		return;
	if (pp->users)
		pp->users--;
	if (!pp->users && !pp->listeners) {
		HASH_DELETE(hh, tcb->eng->tcp->ports, pp);
		free(pp);
	}
}

/**
 * tcp_reset_conn() - the connection ends abruptly (RST received, timeout,
 * abort): record @err for the application, count, go to CLOSED
 *
 * The TCB is freed if the application no longer holds it; the caller must
 * not touch it afterwards unless it knows the application does.
 */
void tcp_reset_conn(struct tcb *tcb, int err)
{
	struct tcp_stats *st = &tcb->eng->stats.tcp;

	if (counts_estab(tcb->state))
		st->TcpEstabResets++;
	if (tcb->state == TCPS_SYN_SENT || tcb->state == TCPS_SYN_RECEIVED)
		st->TcpAttemptFails++;
	if (err)
		tcb->err = err;
	tcb->fin_rcvd = true; /* reads see the end after the error */
	tcp_set_state(tcb, TCPS_CLOSED);
	tcp_maybe_free(tcb);
}

/**
 * tcp_notify() - ask for @tcb's readiness callback at the end of the
 * current event (input segment or timer)
 */
void tcp_notify(struct tcb *tcb)
{
	struct tcb *target = tcb;

	/* An embryonic connection's news is its listener's news. */
	if (tcb->parent && !tcb->ready)
		target = tcb->parent;
	if (!target->ready || target->on_notify)
		return;
	target->on_notify = true;
	target->notify_next = target->eng->tcp->notify_head;
	target->eng->tcp->notify_head = target;
}

/*
 * A lingering close (tcp_close(), SO_LINGER) hears only of its end: the
 * last call of its callback, after which the engine owns the TCB.
 */
static void linger_callback(struct tcb *tcb)
{
	tcp_ready_fn *fn = tcb->ready;
	void *arg = tcb->ready_arg;
	unsigned int ev = tcp_poll(tcb) | TCP_POLL_LINGER;

	if (!tcb->linger_done)
		return;
	if (tcb->linger_expired)
		ev |= TCP_POLL_ERR;
	tcb->lingering = false;
	tcb->ready = NULL;
	tcb->ready_arg = NULL;
	timer_cancel(&tcb->eng->timers, &tcb->t_linger);
	if (fn)
		fn(tcb, ev, arg);
	tcp_maybe_free(tcb);
}

/**
 * tcp_notify_flush() - run the readiness callbacks asked for; a callback
 * may close any TCB, which takes it off the list first
 */
void tcp_notify_flush(struct engine *eng)
{
	struct tcb *tcb;

	if (!eng->tcp)
		return;
	while ((tcb = eng->tcp->notify_head)) {
		eng->tcp->notify_head = tcb->notify_next;
		tcb->on_notify = false;
		if (tcb->lingering)
			linger_callback(tcb);
		else if (tcb->ready)
			tcb->ready(tcb, tcp_poll(tcb), tcb->ready_arg);
	}
}

/**
 * tcp_ack_later() - @tcb owes an immediate ACK; send it after the
 * readiness callbacks of this event, so that data they write (an echo,
 * a response) carries it instead of a segment of its own
 */
void tcp_ack_later(struct tcb *tcb)
{
	if (tcb->on_acklist)
		return;
	tcb->on_acklist = true;
	tcb->ack_next = tcb->eng->tcp->ack_head;
	tcb->eng->tcp->ack_head = tcb;
}

/**
 * tcp_ack_flush() - send the ACKs tcp_ack_later() put off that no data
 * segment has carried meanwhile
 */
void tcp_ack_flush(struct engine *eng)
{
	struct tcb *tcb;

	if (!eng->tcp)
		return;
	while ((tcb = eng->tcp->ack_head)) {
		eng->tcp->ack_head = tcb->ack_next;
		tcb->on_acklist = false;
		if (tcb->ack_now && tcp_synchronized(tcb))
			tcp_send_ack(tcb);
	}
}

/**
 * tcp_ts_now() - our TSval clock: milliseconds plus a per-connection
 * random offset (RFC 7323 5.4 recommends randomising it)
 */
uint32_t tcp_ts_now(const struct tcb *tcb)
{
	return (uint32_t)(tcb->eng->now / 1000u) + tcb->ts_offset;
}

/**
 * tcp_set_mss() - the effective send MSS (RFC 9293 3.7.1, RFC 6691):
 * min(peer's MSS, path MTU - 40 (IPv6: - 60), TCP_MAXSEG), less the timestamp option
 * that every segment carries when negotiated
 */
void tcp_set_mss(struct tcb *tcb)
{
	struct route4_result r;
	uint32_t mtu = 1500, mss, hdrs = 40;

	if (!tcp_key_is4(&tcb->key)) {
		/* RFC 8200 5, RFC 8201: IPv6 40 + TCP 20, MTU >= 1280. */
		mtu = tcp6_mtu(tcb->eng, &tcb->key.ra, false);
		hdrs = 60;
	} else if (!route4_lookup(tcb->eng, tcb->key.raddr, &r)) {
		mtu = route4_mtu(tcb->eng, r.ifp, tcb->key.raddr);
	}
	tcb->pmtu = mtu;
	mss = mtu > hdrs + 88 ? mtu - hdrs : 88;
	if (tcb->peer_mss && tcb->peer_mss < mss)
		mss = tcb->peer_mss;
	if (tcb->user_mss && tcb->user_mss < mss)
		mss = tcb->user_mss;
	if (tcb->ts_ok)
		mss -= TCP_OLEN_TS + 2;
	if (mss < 64)
		mss = 64;
	tcb->mss = mss;
	tcb->cc.mss = mss;
}

/**
 * tcp_rcv_wscale() - our window scale (RFC 7323 2.2), fixed at the SYN:
 * large enough for the biggest receive buffer auto-tuning may grow to
 * (tcp_rmem[2], as Linux), or for SO_RCVBUF when the user set it
 */
uint8_t tcp_rcv_wscale(const struct tcb *tcb)
{
	size_t max = tcb->rcvbuf;
	uint8_t ws = 0;

	if (!tcb->rcvbuf_locked && tcb->eng->sysctl.tcp_rmem[2] > max)
		max = tcb->eng->sysctl.tcp_rmem[2];
	if (!tcb->eng->sysctl.tcp_window_scaling)
		return 0;
	while ((max >> ws) > 65535 && ws < TCP_MAX_WSCALE)
		ws++;
	return ws;
}

/**
 * tcp_rcv_space() - free room in the receive buffer: what the window may
 * offer (RFC 9293 3.8.6.2.2 rounds it further when advertising)
 */
uint32_t tcp_rcv_space(const struct tcb *tcb)
{
	if (!tcb->rcv.cap)
		return (uint32_t)(tcb->rcvbuf / 2);
	return (uint32_t)(tcb->rcv.cap - tcb->rcv.len);
}

/* "a.b.c.d:port" for AF_INET sockets, "[v6]:port" for AF_INET6 ones. */
static void json_addr(struct json_object *o, const char *k, int family,
		      const union tcp_addr *a, uint16_t port)
{
	char buf[INET6_ADDRSTRLEN + 10];
	char ip[INET6_ADDRSTRLEN];
	struct ip6_addr a6;
	uint32_t n = htonl(a->v4);

	if (family == AF_INET) {
		inet_ntop(AF_INET, &n, ip, sizeof(ip));
		snprintf(buf, sizeof(buf), "%s:%u", ip, port);
	} else {
		tcp_addr_to_ip6(a, &a6);
		inet_ntop(AF_INET6, a6.b, ip, sizeof(ip));
		snprintf(buf, sizeof(buf), "[%s]:%u", ip, port);
	}
	json_object_object_add(o, k, json_object_new_string(buf));
}

struct json_object *tcp_dump(struct engine *eng);
static struct json_object *dump_one(const struct tcb *c)
{
	struct json_object *o = json_object_new_object();
	bool listen = c->state == TCPS_LISTEN;
	char rtt[32];

	json_object_object_add(
		o, "state", json_object_new_string(tcp_state_name(c->state)));
	json_object_object_add(
		o, "recv_q",
		json_object_new_int64(listen ? (int64_t)c->aq_len +
						       (int64_t)c->aq_handed
					     : (int64_t)c->rcv.len));
	json_object_object_add(
		o, "send_q",
		json_object_new_int64(listen ? (int64_t)c->backlog
					     : (int64_t)c->snd.len));
	json_addr(o, "local", c->family, &c->key.la, c->key.lport);
	json_addr(o, "peer", c->family, &c->key.ra, c->key.rport);
	if (!listen) {
		json_object_object_add(
			o, "cc",
			json_object_new_string(c->cc.ops ? c->cc.ops->name
							 : "?"));
		json_object_object_add(
			o, "cwnd",
			json_object_new_int64(c->mss ? c->cc.cwnd / c->mss
						     : 0));
		json_object_object_add(o, "mss", json_object_new_int64(c->mss));
		snprintf(rtt, sizeof(rtt), "%.3f", c->rto.srtt_us / 1000.0);
		json_object_object_add(
			o, "rtt_ms",
			json_object_new_double_s(c->rto.srtt_us / 1000.0, rtt));
		json_object_object_add(
			o, "rto_ms",
			json_object_new_int64(tcp_rto_timeout(&c->rto) / 1000));
		json_object_object_add(o, "retrans",
				       json_object_new_int64(c->total_retrans));
		json_object_object_add(
			o, "bytes_acked",
			json_object_new_int64((int64_t)c->bytes_acked));
		json_object_object_add(
			o, "bytes_received",
			json_object_new_int64((int64_t)c->bytes_received));
		json_object_object_add(o, "orphan",
				       json_object_new_boolean(c->user_closed));
	}
	return o;
}

/**
 * tcp_dump() - every TCP socket, like `ss -tina`: state, queues, addresses,
 * congestion control, cwnd (segments), rtt, retransmissions
 *
 * Return: a new JSON array (the caller puts it), or NULL without memory.
 */
struct json_object *tcp_dump(struct engine *eng)
{
	struct json_object *arr = json_object_new_array();
	struct tcp_port *pp, *ptmp;
	struct tcb *c, *tmp;

	if (!arr || !eng->tcp)
		return arr;
	HASH_ITER(hh, eng->tcp->ports, pp, ptmp)
	{
		for (c = pp->listeners; c; c = c->ln_next)
			json_object_array_add(arr, dump_one(c));
	}
	HASH_ITER(hh, eng->tcp->conns, c, tmp)
	{
		json_object_array_add(arr, dump_one(c));
	}
	return arr;
}
