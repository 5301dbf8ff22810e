// SPDX-License-Identifier: MIT
/*
 * ctlsock.c - send and receive control messages with SCM_RIGHTS, and read
 * SO_PEERCRED
 *
 * File descriptors are a resource the receiver must account for: every fd
 * the kernel installs is either handed to the caller or closed here, never
 * leaked.  The control buffer has room for more fds than any caller takes,
 * so surplus fds arrive (and are closed) instead of silently vanishing; if
 * even that overflows, the kernel drops the rest and says MSG_CTRUNC.
 *
 * No allocation, errno preserved: usable from the shim's attach path.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ctlsock.h"
#include "nsstack/ipc.h"

/* Receive room: twice what a message may legitimately carry. */
#define RX_FDS ((size_t)2 * IPC_CTL_MAX_FDS)

/**
 * ipc_ctl_send() - send one message, with up to IPC_CTL_MAX_FDS fds
 * @sock:	connected SOCK_SEQPACKET socket
 * @buf:	message bytes
 * @len:	message length (one record)
 * @fds:	descriptors to pass (may be NULL when @nfds is 0)
 * @nfds:	how many
 *
 * MSG_NOSIGNAL: a dead peer is an error return, not a SIGPIPE in somebody
 * else's process.
 *
 * Return: @len, or -errno (-EINVAL for too many fds).
 */
ssize_t ipc_ctl_send(int sock, const void *buf, size_t len, const int *fds,
		     size_t nfds)
{
	union {
		char b[CMSG_SPACE(sizeof(int) * IPC_CTL_MAX_FDS)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	int saved = errno;
	ssize_t n;

	if (nfds > IPC_CTL_MAX_FDS)
		return -EINVAL;
	if (nfds) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		n = -errno;
	else if ((size_t)n != len)
		n = -EMSGSIZE;
	errno = saved;
	return n;
}

/* Close every fd in an SCM_RIGHTS payload from index @from on. */
static void close_from(const unsigned char *data, size_t count, size_t from)
{
	for (size_t i = from; i < count; i++) {
		int fd;

		memcpy(&fd, data + i * sizeof(int), sizeof(int));
		close(fd);
	}
}

/**
 * ipc_ctl_recv() - receive one message and the fds that came with it
 * @sock:	connected SOCK_SEQPACKET socket
 * @buf:	message destination
 * @cap:	room in @buf
 * @fds:	filled with the first received fds (close-on-exec)
 * @max_fds:	room in @fds
 * @nfds:	filled with how many were stored in @fds
 * @ndropped:	filled with how many were closed because they did not fit
 *		(at least 1 when the kernel truncated them); may be NULL
 *
 * A message longer than @cap is an error (SOCK_SEQPACKET would silently
 * cut it): its fds are all closed and -EMSGSIZE returned.  A return of 0 is
 * end of file: the peer closed the connection.
 *
 * Return: message length, 0 at EOF, or -errno.
 */
ssize_t ipc_ctl_recv(int sock, void *buf, size_t cap, int *fds, size_t max_fds,
		     size_t *nfds, size_t *ndropped)
{
	union {
		char b[CMSG_SPACE(sizeof(int) * RX_FDS)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = ctl.b,
			     .msg_controllen = sizeof(ctl.b) };
	size_t kept = 0, dropped = 0;
	int saved = errno;
	ssize_t n;

	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		n = -errno;
		goto out;
	}
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c;
	     c = CMSG_NXTHDR(&mh, c)) {
		const unsigned char *data = CMSG_DATA(c);
		size_t count, take;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		take = max_fds - kept < count ? max_fds - kept : count;
		if (take)
			memcpy(fds + kept, data, take * sizeof(int));
		kept += take;
		close_from(data, count, take);
		dropped += count - take;
	}
	if (mh.msg_flags & MSG_CTRUNC)
		dropped++;
	if (mh.msg_flags & MSG_TRUNC) {
		close_from((const unsigned char *)fds, kept, 0);
		dropped += kept;
		kept = 0;
		n = -EMSGSIZE;
	}
out:
	*nfds = kept;
	if (ndropped)
		*ndropped = dropped;
	errno = saved;
	return n;
}

/**
 * ipc_ctl_peercred() - who is on the other end (SO_PEERCRED)
 * @sock:	connected AF_UNIX socket
 * @cred:	filled with pid, uid and gid as of connect()
 *
 * The engine keys arenas by uid (one per user and process tree), so this
 * is what keeps one user from mapping another's rings.
 *
 * Return: 0 or -errno.
 */
int ipc_ctl_peercred(int sock, struct ucred *cred)
{
	socklen_t len = sizeof(*cred);
	int saved = errno, rc = 0;

	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, cred, &len))
		rc = -errno;
	else if (len != sizeof(*cred))
		rc = -EPROTO;
	errno = saved;
	return rc;
}
