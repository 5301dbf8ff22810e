// SPDX-License-Identifier: MIT
/*
 * scm.c - engine sockets passed with SCM_RIGHTS over AF_UNIX sockets
 *
 * Sender: before the real sendmsg(), every engine socket among the fds
 * of the message gets a passable anchor.  The engine makes it (PASS on
 * the control socket: one end of a socketpair whose other end it keeps,
 * stack/app_pass.c) and we dup3() it onto the socket's fd, so the message
 * carries an anchor the engine knows.  The fd keeps its number, its
 * close-on-exec flag and O_NONBLOCK; our table still maps it to the same
 * engine socket.  Sending the same anchor again costs nothing more (its
 * inode is remembered in @pass_ino).  If the engine cannot be asked, the
 * fd goes as it is and the receiver sees a plain AF_UNIX socket.
 *
 * Receiver: after the real recvmsg(), every fd that came and looks like
 * such an anchor (an AF_UNIX stream socket whose peer is the engine's
 * process) is sent to the engine (ADOPT); if the engine knows it, it makes
 * us a holder of the socket (or says we already are one) and the fd
 * becomes an engine socket in our table, under the same number, with
 * whatever flags the kernel gave it (MSG_CMSG_CLOEXEC).  Fds the kernel
 * did not deliver (MSG_CTRUNC) were closed by the kernel and are not
 * looked at.  Possession of the anchor is the whole proof: the engine
 * compares the inode of the fd we present with the anchors it made.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctlmsg.h"
#include "scm_core.h"
#include "shim.h"

/* pass_one() - make engine socket @fd passable, if it is one. */
static void pass_one(int fd)
{
	struct ipc_msg req = { .type = IPC_MSG_PASS, .version = IPC_VERSION };
	struct shim_sock *s = esock_get(fd);
	struct ipc_result res;
	struct stat st;
	int x = -1, fl, fdfl, rc;

	if (!s)
		return;
	if (!fstat(fd, &st) && s->pass_ino && st.st_ino == s->pass_ino)
		goto out; /* already an anchor the engine made */
	req.u.pass.sock = s->id;
	rc = shim_ctl_call(&req, -1, &res, &x);
	if (!rc && res.err)
		rc = -(int)res.err;
	if (!rc && (x < 0 || fstat(x, &st)))
		rc = -EPROTO;
	fl = shim_real.fcntl(fd, F_GETFL);
	fdfl = shim_real.fcntl(fd, F_GETFD);
	if (!rc && (fl < 0 || fdfl < 0))
		rc = -EBADF;
	if (!rc)
		(void)shim_real.fcntl(x, F_SETFL, fl & O_NONBLOCK);
	if (!rc && shim_real.dup3(x, fd, fdfl & FD_CLOEXEC ? O_CLOEXEC : 0) < 0)
		rc = -errno;
	if (rc) {
		shim_log("fd %d: engine socket %#x not passable (%s)", fd,
			 s->id, strerror(-rc));
		goto out;
	}
	atomic_store(&s->pass_ino, (unsigned long)st.st_ino);
	shim_log("fd %d: engine socket %#x passable", fd, s->id);
out:
	if (x >= 0)
		shim_real.close(x);
	esock_put(s);
}

/**
 * scm_pass() - before sendmsg() on a kernel socket: the engine sockets
 * among @m's SCM_RIGHTS fds become passable
 */
void scm_pass(const struct msghdr *m)
{
	int fds[SCM_FDS_MAX];
	size_t n, i;
	int saved = errno;

	if (shim_ctl_busy)
		return;
	n = scm_rights(m, fds, SCM_FDS_MAX);
	for (i = 0; i < n; i++)
		pass_one(fds[i]);
	errno = saved;
}

/* maybe_anchor() - @fd is an AF_UNIX stream socket made by @pid. */
static bool maybe_anchor(int fd, struct stat *st)
{
	int v = 0;
	socklen_t l = sizeof(v);

	if (fstat(fd, st) || !S_ISSOCK(st->st_mode))
		return false;
	if (shim_real.getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l) ||
	    v != AF_UNIX)
		return false;
	l = sizeof(v);
	return !shim_real.getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &l) &&
	       v == SOCK_STREAM;
}

/* made_by_engine() - @fd's peer (a socketpair's maker) is our engine. */
static bool made_by_engine(int fd)
{
	struct ucred cr;
	socklen_t l = sizeof(cr);
	pid_t pid;

	if (shim_real.getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &l) ||
	    l != sizeof(cr))
		return false;
	pid = shim_engine_pid();
	return pid > 0 && cr.pid == pid;
}

/* held_sock() - our socket with engine id @id (a reference), or NULL. */
static struct shim_sock *held_sock(uint32_t id)
{
	struct shim_sock *s = NULL;
	size_t i;

	pthread_mutex_lock(&shim_fds.lock);
	for (i = 0; i < shim_fds.cap && !s; i++) {
		struct shim_sock *c = (struct shim_sock *)shim_fds.slots[i];

		if (c && c->id == id) {
			s = c;
			atomic_fetch_add(&s->obj.refs, 1);
		}
	}
	pthread_mutex_unlock(&shim_fds.lock);
	return s;
}

/* adopt_one() - received @fd: an engine socket of ours if the engine
 * knows its anchor. */
static void adopt_one(int fd)
{
	struct ipc_msg req = { .type = IPC_MSG_ADOPT, .version = IPC_VERSION };
	struct ipc_result res;
	struct fdt_obj *old;
	struct shim_sock *s;
	struct stat st;
	int fl, rc;

	if (fd < 0 || (size_t)fd >= shim_fds.cap || !maybe_anchor(fd, &st))
		return;
	if (shim_attach() || !made_by_engine(fd))
		return;
	rc = shim_ctl_call(&req, fd, &res, NULL);
	if (!rc && res.err)
		rc = -(int)res.err;
	if (!rc && res.type != SOCK_STREAM && res.type != SOCK_DGRAM)
		rc = -EPROTO;
	if (rc) {
		shim_log("fd %d: received, not an engine socket (%s)", fd,
			 strerror(-rc));
		return;
	}
	if (res.flags & IPC_RES_F_HELD) {
		s = held_sock(res.sock);
		if (!s)
			return;
	} else {
		fl = shim_real.fcntl(fd, F_GETFL);
		rc = esock_new(res.sock,
			       (int)res.type | (fl >= 0 && (fl & O_NONBLOCK)
							? SOCK_NONBLOCK
							: 0),
			       res.offs & UINT32_MAX, res.offs >> 32, &s);
		if (rc) {
			shim_log("fd %d: adopted socket %#x lost (%s)", fd,
				 res.sock, strerror(-rc));
			return;
		}
		s->family = res.family == AF_INET6 ? AF_INET6 : AF_INET;
		atomic_store(&s->listening,
			     (res.flags & IPC_RES_F_LISTEN) != 0);
		atomic_store(&s->conn, res.flags & IPC_RES_F_CONNDONE
					       ? SHIM_CONN_DONE
					       : SHIM_CONN_NONE);
		s->connected = (res.flags & IPC_RES_F_CONNECTED) != 0;
		atomic_store(&s->shut_rd, (res.flags & IPC_RES_F_SHUT_RD) != 0);
		atomic_store(&s->shut_wr, (res.flags & IPC_RES_F_SHUT_WR) != 0);
		atomic_store(&s->obj.refs, 1);
	}
	atomic_store(&s->pass_ino, (unsigned long)st.st_ino);
	if (!fdt_set(&shim_fds, fd, &s->obj, &old))
		fdt_put(old);
	fdt_put(&s->obj); /* the fd holds it now */
	shim_log("fd %d: received engine socket %#x", fd, res.sock);
}

/**
 * scm_adopt() - after recvmsg() on a kernel socket: received fds that are
 * engine sockets' anchors become engine sockets here
 */
void scm_adopt(struct msghdr *m)
{
	int fds[SCM_FDS_MAX];
	size_t n, i;
	int saved = errno;

	if (!m->msg_control || !m->msg_controllen || shim_ctl_busy)
		return;
	n = scm_rights(m, fds, SCM_FDS_MAX);
	for (i = 0; i < n; i++)
		adopt_one(fds[i]);
	errno = saved;
}
