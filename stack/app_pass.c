// SPDX-License-Identifier: MIT
/*
 * app_pass.c - engine sockets passed between apps with SCM_RIGHTS
 *
 * Theory of operation
 *
 * An engine socket is named in an app by its anchor, a kernel fd.  When an
 * app sends that fd to another process over an AF_UNIX socket, the
 * receiver gets a copy of the anchor and nothing else; possession of that
 * copy is what must let it use the socket, and nothing else may.
 *
 * The sender's shim asks first (PASS, with one of its own socket ids): the
 * engine makes a fresh AF_UNIX stream socketpair, keeps one end (the
 * "peer") and gives the other to the app, which puts it in place of its
 * anchor (dup3 onto the same fd number) before the real sendmsg().  The
 * engine remembers the new anchor by its inode (st_dev, st_ino) in a
 * struct app_pass.  The receiver's shim sends the fd it got back to the
 * engine (ADOPT); the engine fstat()s it and looks the inode up.  Only a
 * process that holds a copy of the anchor can present it, so a guessed
 * socket id or inode number gets nothing: ids name sockets only in their
 * own app's table, and ADOPT takes no id at all.
 *
 * The peer end tells the engine how long the anchor lives anywhere: when
 * the last copy of the app's end closes (in the sender, in a message in
 * flight, in every receiver: the kernel counts them), the peer reads EOF
 * and the pass ends.  While a pass lives it holds the engine socket, as an
 * fd in flight holds a kernel socket: when every app holder has closed it
 * (the sender closed its copy right after sendmsg(), before the receiver
 * called recvmsg()), the socket is parked instead of closed: its readiness
 * callback is unhooked and stream bytes the last holder never read are
 * kept in the pass (its "stash").  An ADOPT of a parked socket makes the
 * adopter its holder again, stash first in its rx ring; otherwise ADOPT
 * shares the socket into the adopter as fork does (app.c, "Sharing"): the
 * oldest holder receives, every holder sends, all may accept.  When the
 * pass ends with no holder left, the socket closes as close() would (a
 * reset if bytes were never read).
 *
 * Everything on the control socket is untrusted: a message of the wrong
 * length or type, or with the wrong number of fds, is counted and
 * dropped, and every fd that came with it is closed.  An app may keep at
 * most SHIM_MAX_SOCKS anchors alive (they outlive it while in flight), the
 * engine APP_PASS_MAX; past that PASS fails with ETOOMANYREFS, as the
 * kernel refuses too many fds in flight.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app_priv.h"
#include "ctlmsg.h"
#include "ctlsock.h"
#include "engine.h"
#include "engine_loop.h"
#include "log.h"
#include "socket.h"
#include "tcp.h"

/* Anchors alive at once, engine-wide (each holds one fd in the engine). */
#define APP_PASS_MAX 16384u

/**
 * struct app_pass - an anchor the engine made for passing a socket
 * @next:	list of the engine's passes
 * @eng:	the engine
 * @dev:	the anchor's st_dev
 * @ino:	the anchor's st_ino
 * @peer:	our end of the anchor's socketpair: EOF when the anchor is
 *		closed everywhere
 * @watch:	the loop's watch on @peer
 * @kind:	what @obj is
 * @obj:	the struct sock or struct tcb the pass holds
 * @creator:	the app that asked for it (for its count), NULL once gone
 * @stash:	stream bytes the last holder never read (parked socket)
 * @stash_len:	bytes at @stash
 */
struct app_pass {
	struct app_pass *next;
	struct engine *eng;
	dev_t dev;
	ino_t ino;
	int peer;
	struct loop_watch *watch;
	enum app_kind kind;
	void *obj;
	struct app *creator;
	uint8_t *stash;
	size_t stash_len;
};

static void *obj_of(const struct app_sock *s)
{
	return s->kind == APP_UDP ? (void *)s->sk : (void *)s->tcb;
}

static struct app_pass *pass_by_obj(struct engine *eng, enum app_kind kind,
				    const void *obj)
{
	struct app_pass *p;

	for (p = eng->apps->passes; p; p = p->next)
		if (p->kind == kind && p->obj == obj)
			return p;
	return NULL;
}

static struct app_pass *pass_by_key(struct engine *eng, dev_t dev, ino_t ino)
{
	struct app_pass *p;

	for (p = eng->apps->passes; p; p = p->next)
		if (p->dev == dev && p->ino == ino)
			return p;
	return NULL;
}

/*
 * holders() - the holders of @obj: one in app @me not closing (*@mine),
 * one to share from (*@any: not broken); return whether any holder is
 * left at all.  A scan over every app's taken slots, fine for an
 * operation as rare as passing an fd.
 */
static bool holders(struct engine *eng, enum app_kind kind, const void *obj,
		    struct app *me, struct app_sock **mine,
		    struct app_sock **any)
{
	bool held = false;
	struct app *a;
	unsigned int i;

	*mine = *any = NULL;
	for (a = eng->apps->apps; a; a = a->next)
		for (i = next_used(a, 0); i < SHIM_MAX_SOCKS;
		     i = next_used(a, i + 1)) {
			struct app_sock *s = &a->socks[i];

			if (!s->id || s->kind != kind || obj_of(s) != obj)
				continue;
			held = true;
			if (a == me && !s->closing)
				*mine = s;
			if (!s->broken && !*any)
				*any = s;
		}
	return held;
}

static void stash_one(void *arg, const uint8_t *p, size_t n)
{
	struct app_pass *ps = arg;
	uint8_t *b = realloc(ps->stash, ps->stash_len + n);

	if (!b)
		return; /* lost: the close will reset the connection */
	memcpy(b + ps->stash_len, p, n);
	ps->stash = b;
	ps->stash_len += n;
}

/** pass_held() - is an anchor of @s's engine socket on its way elsewhere? */
bool pass_held(struct app *a, struct app_sock *s)
{
	return pass_by_obj(a->eng, s->kind, obj_of(s)) != NULL;
}

/**
 * pass_park() - @s, the last holder of its engine socket, is going: if a
 * pass holds the socket, keep it open without a holder
 *
 * Return: true if parked (the caller must not close it).
 */
bool pass_park(struct app *a, struct app_sock *s)
{
	struct app_pass *p = pass_by_obj(a->eng, s->kind, obj_of(s));

	if (!p)
		return false;
	if (s->kind == APP_UDP) {
		/* Datagrams wait in the socket's queue (its rcvbuf). */
		sock_set_ready(s->sk, NULL, NULL);
		return true;
	}
	tcp_set_ready(s->tcb, NULL, NULL);
	if (!s->broken)
		app_rx_drain(a, s, stash_one, p);
	return true;
}

/*
 * unpark() - @a becomes the holder of parked @p's socket: the stash (of
 * every pass of it) goes first into the new rx ring
 */
static int unpark(struct app *a, struct app_pass *p, struct ipc_cpl *cpl)
{
	struct app_pass *q;
	struct app_sock *s;
	int rc;

	s = slot_new(a, p->kind, &rc);
	if (!s)
		return rc;
	if (p->kind == APP_UDP)
		s->sk = p->obj;
	else
		s->tcb = p->obj;
	slot_commit(a, s, cpl);
	cpl->val[0] = s->tx_off | s->rx_off << 32;
	if (p->kind == APP_UDP) {
		pump_rx(a, s);
		return 0;
	}
	for (q = a->eng->apps->passes; q; q = q->next) {
		if (q->kind != p->kind || q->obj != p->obj || !q->stash)
			continue;
		(void)ipc_bytering_write(&s->rx.byte, q->stash, q->stash_len);
		free(q->stash);
		q->stash = NULL;
		q->stash_len = 0;
	}
	(void)tcp_service(a, s);
	return 0;
}

/*
 * pass_end() - @p's anchor is closed everywhere: unlink and free it; a
 * socket that no holder and no other pass keeps closes
 */
static void pass_drop(struct app_pass *p);

static void pass_end(struct app_pass *p)
{
	struct app_table *t = p->eng->apps;
	struct app_pass **pp = &t->passes;

	while (*pp && *pp != p)
		pp = &(*pp)->next;
	if (*pp) {
		*pp = p->next;
		t->npasses--;
	}
	pass_drop(p);
}

/* pass_drop() - the rest of pass_end(), for @p already unlinked. */
static void pass_drop(struct app_pass *p)
{
	struct engine *eng = p->eng;
	struct app_sock *mine, *any;
	struct app_pass *other;

	engine_loop_unwatch(p->watch);
	close(p->peer);
	if (p->creator)
		p->creator->npasses--;
	other = pass_by_obj(eng, p->kind, p->obj);
	if (other && p->stash && !other->stash) {
		/* Another anchor of it is still alive: it keeps the bytes. */
		other->stash = p->stash;
		other->stash_len = p->stash_len;
		p->stash = NULL;
	} else if (!other &&
		   !holders(eng, p->kind, p->obj, NULL, &mine, &any)) {
		/* Parked, and nobody can adopt it any more. */
		if (p->kind == APP_UDP) {
			sock_close(p->obj);
		} else {
			struct tcb *tcb = p->obj;

			app_tcp_close(tcb, p->stash_len || tcb->rcv.len);
		}
	}
	free(p->stash);
	free(p);
}

/*
 * pass_check() - read what came on @p's peer: EOF (or an error) means
 * the anchor is closed everywhere; bytes someone wrote to the anchor
 * are dropped
 */
static void pass_check(struct app_pass *p)
{
	uint8_t buf[256];
	int i;

	for (i = 0; i < 64; i++) {
		ssize_t n = recv(p->peer, buf, sizeof(buf), MSG_DONTWAIT);

		if (n > 0)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		pass_end(p);
		return;
	}
}

static void pass_event(void *arg, int events)
{
	(void)events;
	pass_check(arg);
}

/** app_pass_poll() - check every pass's peer, as the loop would (tests). */
void app_pass_poll(struct engine *eng)
{
	struct app_pass *p = eng->apps ? eng->apps->passes : NULL;

	while (p) {
		struct app_pass *next = p->next;

		pass_check(p);
		p = next;
	}
}

/** app_npasses() - passes alive. */
unsigned int app_npasses(const struct engine *eng)
{
	return eng->apps ? eng->apps->npasses : 0;
}

/* reply() - send RESULT @r to @a, with @fd if >= 0. */
static void reply(struct app *a, const struct ipc_result *r, int fd)
{
	struct ipc_msg m = { .type = IPC_MSG_RESULT, .version = IPC_VERSION };
	uint8_t buf[IPC_MSG_MAX_LEN];
	ssize_t n;

	m.u.result = *r;
	n = ipc_msg_encode(&m, buf, sizeof(buf));
	if (n > 0)
		(void)ipc_ctl_send(a->fd, buf, (size_t)n, fd >= 0 ? &fd : NULL,
				   fd >= 0 ? 1 : 0);
}

/*
 * do_pass() - PASS of @a's socket @id: a new anchor for it, in *@anchor
 * (ours to close after the reply)
 */
static int do_pass(struct app *a, uint32_t id, int *anchor)
{
	struct app_table *t = a->eng->apps;
	struct app_sock *s = sock_lookup(a, id);
	struct app_pass *p;
	struct stat st;
	int sv[2], rc;

	if (!s)
		return -EBADF;
	if (s->broken)
		return -EPROTO;
	if (a->npasses >= SHIM_MAX_SOCKS || t->npasses >= APP_PASS_MAX)
		return -ETOOMANYREFS;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		rc = -errno;
		free(p);
		return rc;
	}
	if (fstat(sv[0], &st) || fcntl(sv[1], F_SETFL, O_NONBLOCK)) {
		rc = -errno;
		goto fail;
	}
	p->eng = a->eng;
	p->dev = st.st_dev;
	p->ino = st.st_ino;
	p->peer = sv[1];
	p->kind = s->kind;
	p->obj = obj_of(s);
	p->creator = a;
	rc = engine_loop_watch(a->eng, p->peer, LOOP_READABLE, pass_event, p,
			       &p->watch);
	if (rc)
		goto fail;
	p->next = t->passes;
	t->passes = p;
	t->npasses++;
	a->npasses++;
	*anchor = sv[0];
	stats_of(a->eng)->ShimPasses++;
	return 0;
fail:
	close(sv[0]);
	close(sv[1]);
	free(p);
	return rc;
}

/* describe_sock() - what the adopter's shim needs to know about @s. */
static void describe_sock(const struct app_sock *s, struct ipc_result *r)
{
	r->sock = s->id;
	r->offs = s->tx_off | s->rx_off << 32;
	if (s->kind == APP_UDP) {
		r->type = SOCK_DGRAM;
		r->family = (uint32_t)s->sk->family;
		r->flags |= s->sk->connected ? IPC_RES_F_CONNECTED : 0;
		return;
	}
	r->type = SOCK_STREAM;
	r->family = (uint32_t)s->tcb->family;
	if (s->tcb->state == TCPS_LISTEN)
		r->flags |= IPC_RES_F_LISTEN;
	else if (s->tcb->state >= TCPS_ESTABLISHED ||
		 (s->tcb->state == TCPS_CLOSED && s->tcb->key.raddr))
		r->flags |= IPC_RES_F_CONNDONE;
	r->flags |= s->tcb->shut_rd ? IPC_RES_F_SHUT_RD : 0;
	r->flags |= s->tcb->shut_wr ? IPC_RES_F_SHUT_WR : 0;
}

/* do_adopt() - ADOPT by @a of the socket whose anchor is @fd. */
static int do_adopt(struct app *a, int fd, struct ipc_result *r)
{
	struct app_sock *mine, *any;
	struct ipc_cpl cpl = { 0 };
	struct app_pass *p = NULL;
	struct stat st;
	int rc;

	if (!fstat(fd, &st) && S_ISSOCK(st.st_mode))
		p = pass_by_key(a->eng, st.st_dev, st.st_ino);
	if (!p) {
		stats_of(a->eng)->ShimAdoptDenied++;
		return -ENOENT;
	}
	if (holders(a->eng, p->kind, p->obj, a, &mine, &any) && !any)
		return -EPROTO; /* only broken holders: nothing to share */
	if (mine) {
		/* Sent to itself: the same socket, another fd. */
		describe_sock(mine, r);
		r->flags |= IPC_RES_F_HELD;
		return 0;
	}
	rc = any ? share_into(a, any, &cpl) : unpark(a, p, &cpl);
	if (rc)
		return rc;
	mine = sock_lookup(a, (uint32_t)cpl.result);
	if (!mine)
		return -EPROTO;
	describe_sock(mine, r);
	stats_of(a->eng)->ShimAdopts++;
	return 0;
}

/**
 * pass_ctl_msg() - a message on @a's control socket after WELCOME (PASS,
 * ADOPT or WAITER), answered by a RESULT
 * @a:		the app
 * @buf:	the message (untrusted)
 * @len:	its length (0: it was too long)
 * @fds:	fds that came with it; all closed here
 * @nfds:	how many
 */
void pass_ctl_msg(struct app *a, const void *buf, size_t len, int *fds,
		  size_t nfds)
{
	struct ipc_result r = { 0 };
	struct ipc_msg m;
	int anchor = -1, rc;
	size_t i;

	if (!len || ipc_msg_decode(buf, len, &m) || m.version != IPC_VERSION ||
	    (m.type == IPC_MSG_PASS && nfds != 0) ||
	    (m.type == IPC_MSG_ADOPT && nfds != 1) ||
	    (m.type == IPC_MSG_WAITER && nfds != 0) ||
	    (m.type != IPC_MSG_PASS && m.type != IPC_MSG_ADOPT &&
	     m.type != IPC_MSG_WAITER)) {
		stats_of(a->eng)->ShimCtlBad++;
		rc = -EBADMSG;
	} else if (m.type == IPC_MSG_PASS) {
		r.sock = m.u.pass.sock;
		rc = do_pass(a, m.u.pass.sock, &anchor);
	} else if (m.type == IPC_MSG_WAITER) {
		rc = app_waiter_open(a, m.u.waiter.slot, &anchor);
	} else {
		rc = do_adopt(a, fds[0], &r);
	}
	for (i = 0; i < nfds; i++)
		close(fds[i]);
	if (rc) {
		memset(&r, 0, sizeof(r));
		r.err = (uint32_t)-rc;
	}
	reply(a, &r, anchor);
	if (anchor >= 0)
		close(anchor);
}

/** pass_app_gone() - @a detached: its passes live on, uncounted. */
void pass_app_gone(struct app *a)
{
	struct app_pass *p;

	for (p = a->eng->apps->passes; p; p = p->next)
		if (p->creator == a)
			p->creator = NULL;
}

/** pass_fini() - the engine stops: every pass ends (after the apps). */
void pass_fini(struct engine *eng)
{
	struct app_table *t = eng->apps;
	struct app_pass *p;

	while ((p = t->passes)) {
		t->passes = p->next;
		t->npasses--;
		pass_drop(p);
	}
}
