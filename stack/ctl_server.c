// SPDX-License-Identifier: MIT
/*
 * ctl_server.c - the control socket: AF_UNIX SOCK_SEQPACKET, one request
 * message in, one reply out in NSSTACK_CTL_CHUNK pieces (see
 * include/nsstack/ctl.h)
 *
 * Access: the socket file is mode 0600, created under umask 077 so there is
 * no window where it is wider, and each connecting peer is checked with
 * SO_PEERCRED: only the engine's own uid and root are served (the file mode
 * alone would not stop a root-owned engine's socket being reached through a
 * directory another user controls).  Others get one EPERM reply and are
 * disconnected.
 *
 * Clients never block the engine: sockets are non-blocking, a reply that
 * does not fit the socket buffer is queued and sent as it drains, and while
 * a reply is pending no further request is read from that client.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "app.h"
#include "ctl.h"
#include "ctl_priv.h"
#include "engine.h"
#include "engine_loop.h"
#include "log.h"
#include "nsstack/ctl.h"

#define CTL_MAX_CLIENTS 64

struct ctl_client {
	struct ctl_client *next;
	struct engine *eng;
	int fd;
	struct loop_watch *watch;
	char *out; /* the pending reply */
	size_t out_len, out_off;
	bool last_sent; /* the final (short) message has gone */
};

/* client_free() - release an already unlinked client. */
static void client_free(struct ctl_client *cl)
{
	if (cl->watch)
		engine_loop_unwatch(cl->watch);
	if (cl->fd >= 0)
		close(cl->fd);
	free(cl->out);
	free(cl);
}

/* client_close() - unlink @cl from the engine's clients and free it. */
static void client_close(struct ctl_client *cl)
{
	struct ctl *c = cl->eng->ctl;
	struct ctl_client **pp = &c->clients;

	while (*pp && *pp != cl)
		pp = &(*pp)->next;
	if (*pp)
		*pp = cl->next;
	c->nclients--;
	client_free(cl);
}

/*
 * client_flush() - send queued reply messages until done or EAGAIN
 *
 * Return: 0 when the reply is complete, -EAGAIN when the socket is full,
 * other -errno when the client is gone.
 */
static int client_flush(struct ctl_client *cl)
{
	while (cl->out && !cl->last_sent) {
		size_t left = cl->out_len - cl->out_off;
		size_t n = left < NSSTACK_CTL_CHUNK ? left : NSSTACK_CTL_CHUNK;
		ssize_t w = send(cl->fd, cl->out + cl->out_off, n,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0)
			return errno == EINTR ? 0 : -errno;
		cl->out_off += n;
		/* A short message ends the reply; a full one asks for more. */
		if (n < NSSTACK_CTL_CHUNK)
			cl->last_sent = true;
	}
	free(cl->out);
	cl->out = NULL;
	return 0;
}

static void client_event(void *arg, int events);

static void client_request(struct ctl_client *cl)
{
	struct engine *cl_eng = cl->eng;
	char *buf = malloc(NSSTACK_CTL_CHUNK);
	struct iovec iov = { buf, NSSTACK_CTL_CHUNK };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;
	int rc;

	if (!buf) {
		client_close(cl);
		return;
	}
	n = recvmsg(cl->fd, &mh, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
		free(buf);
		return;
	}
	if (n <= 0) {
		free(buf);
		client_close(cl);
		return;
	}
	if (app_is_hello(buf, (size_t)n)) {
		/* A shim attaching: the connection becomes the app's. */
		int fd = cl->fd;

		engine_loop_unwatch(cl->watch);
		cl->watch = NULL;
		cl->fd = -1;
		client_close(cl);
		(void)app_attach(cl_eng, fd, buf, (size_t)n);
		free(buf);
		return;
	}
	if (mh.msg_flags & MSG_TRUNC) {
		static const char too_big[] = "{\"ok\":false,\"errno\":90,"
					      "\"error\":\"request too long\"}";

		cl->out = strdup(too_big);
		cl->out_len = cl->out ? strlen(too_big) : 0;
	} else {
		cl->out = ctl_handle(cl->eng, buf, (size_t)n, &cl->out_len);
	}
	free(buf);
	if (!cl->out) {
		client_close(cl);
		return;
	}
	cl->out_off = 0;
	cl->last_sent = false;
	rc = client_flush(cl);
	if (rc == -EAGAIN || rc == -EWOULDBLOCK)
		engine_loop_rewatch(cl->watch, LOOP_WRITABLE);
	else if (rc)
		client_close(cl);
}

static void client_event(void *arg, int events)
{
	struct ctl_client *cl = arg;
	int rc;

	if (events < 0) {
		client_close(cl);
		return;
	}
	if (cl->out) {
		rc = client_flush(cl);
		if (rc == -EAGAIN || rc == -EWOULDBLOCK)
			return;
		if (rc) {
			client_close(cl);
			return;
		}
		engine_loop_rewatch(cl->watch, LOOP_READABLE);
		return;
	}
	if (events & LOOP_READABLE)
		client_request(cl);
}

/* Same uid as the engine, or root: see the comment at the top. */
static bool peer_allowed(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0)
		return false;
	return cr.uid == 0 || cr.uid == geteuid();
}

static void listen_event(void *arg, int events)
{
	struct engine *eng = arg;
	struct ctl *c = eng->ctl;
	struct ctl_client *cl;
	int fd;

	(void)events;
	fd = accept4(c->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (!peer_allowed(fd)) {
		static const char no[] = "{\"ok\":false,\"errno\":1,\"error\":"
					 "\"permission denied: not the "
					 "engine's user\"}";

		log_warn("control: refused a client of another user");
		(void)!send(fd, no, sizeof(no) - 1,
			    MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		return;
	}
	cl = c->nclients < CTL_MAX_CLIENTS ? calloc(1, sizeof(*cl)) : NULL;
	if (!cl) {
		close(fd);
		return;
	}
	cl->eng = eng;
	cl->fd = fd;
	if (engine_loop_watch(eng, fd, LOOP_READABLE, client_event, cl,
			      &cl->watch)) {
		close(fd);
		free(cl);
		return;
	}
	cl->next = c->clients;
	c->clients = cl;
	c->nclients++;
}

/*
 * socket_in_use() - a live engine answers at @path
 *
 * A socket file left by an engine that crashed refuses connections; only
 * then may we remove it.
 */
static bool socket_in_use(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	bool used;

	if (fd < 0)
		return false;
	used = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return used;
}

/**
 * ctl_server_open() - listen at @path and serve requests from the loop
 *
 * Return: 0; -EADDRINUSE when another engine answers there;
 * -ENAMETOOLONG; other -errno from socket/bind/listen.
 */
int ctl_server_open(struct engine *eng, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct ctl *c;
	struct stat st;
	mode_t old;
	int fd, rc;

	c = ctl_table(eng);
	if (!c)
		return -ENOMEM;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		if (socket_in_use(&sa))
			return -EADDRINUSE;
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	old = umask(077);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc || chmod(path, 0600) || listen(fd, 16)) {
		rc = -errno;
		close(fd);
		return rc;
	}
	c->listen_fd = fd;
	strcpy(c->path, path);
	rc = engine_loop_watch(eng, fd, LOOP_READABLE, listen_event, eng,
			       &c->listen_watch);
	if (rc) {
		ctl_server_close(eng);
		return rc;
	}
	return 0;
}

/** ctl_server_close() - disconnect clients, close and remove the socket. */
void ctl_server_close(struct engine *eng)
{
	struct ctl *c = eng->ctl;

	if (!c)
		return;
	while (c->clients) {
		struct ctl_client *cl = c->clients;

		c->clients = cl->next;
		c->nclients--;
		client_free(cl);
	}
	if (c->listen_fd < 0)
		return;
	if (c->listen_watch)
		engine_loop_unwatch(c->listen_watch);
	c->listen_watch = NULL;
	close(c->listen_fd);
	c->listen_fd = -1;
	unlink(c->path);
}
