// SPDX-License-Identifier: MIT
/*
 * test_ctlsock.c - SCM_RIGHTS round trips over a socketpair, surplus fds,
 * truncated messages, SO_PEERCRED
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ctlsock.h"
#include "nsstack/ipc.h"
#include "testutil.h"

/* Open descriptors in this process: the leak detector. */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	cr_assert_not_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void pair(int sv[2])
{
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
}

/* n eventfds with counters 1..n, so each can be told apart after passing. */
static void make_efds(int *fds, int n)
{
	for (int i = 0; i < n; i++) {
		fds[i] = eventfd((unsigned int)i + 1, EFD_NONBLOCK);
		cr_assert_geq(fds[i], 0);
	}
}

static uint64_t efd_value(int fd)
{
	uint64_t v = 0;

	cr_assert_eq(read(fd, &v, sizeof(v)), (ssize_t)sizeof(v));
	return v;
}

Test(ctlsock, three_fds_round_trip_in_order)
{
	int sv[2], out[3], in[IPC_CTL_MAX_FDS];
	size_t n = 99, dropped = 99;
	char buf[16];
	int before = count_fds();

	pair(sv);
	make_efds(out, 3);
	errno = 777;
	cr_assert_eq(ipc_ctl_send(sv[0], "hello", 5, out, 3), 5);
	cr_assert_eq(ipc_ctl_recv(sv[1], buf, sizeof(buf), in, IPC_CTL_MAX_FDS,
				  &n, &dropped),
		     5);
	cr_assert_eq(errno, 777, "errno preserved on success");
	cr_assert_eq(memcmp(buf, "hello", 5), 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(dropped, 0);
	for (int i = 0; i < 3; i++) {
		cr_assert(fcntl(in[i], F_GETFD) & FD_CLOEXEC);
		cr_assert_eq(efd_value(in[i]), (uint64_t)i + 1);
		close(in[i]);
		close(out[i]);
	}
	close(sv[0]);
	close(sv[1]);
	cr_assert_eq(count_fds(), before);
}

Test(ctlsock, surplus_fds_are_closed_not_leaked)
{
	int sv[2], out[IPC_CTL_MAX_FDS], in[2];
	size_t n = 0, dropped = 0;
	char buf[16];
	int before;

	pair(sv);
	make_efds(out, IPC_CTL_MAX_FDS);
	cr_assert_eq(ipc_ctl_send(sv[0], "x", 1, out, IPC_CTL_MAX_FDS), 1);
	for (unsigned int i = 0; i < IPC_CTL_MAX_FDS; i++)
		close(out[i]);
	before = count_fds();
	cr_assert_eq(ipc_ctl_recv(sv[1], buf, sizeof(buf), in, 2, &n, &dropped),
		     1);
	cr_assert_eq(n, 2);
	cr_assert_eq(dropped, IPC_CTL_MAX_FDS - 2);
	cr_assert_eq(count_fds(), before + 2, "only the accepted fds remain");
	cr_assert_eq(efd_value(in[0]), 1);
	cr_assert_eq(efd_value(in[1]), 2);
	close(in[0]);
	close(in[1]);
	/* Accepting none at all closes everything. */
	make_efds(out, 3);
	cr_assert_eq(ipc_ctl_send(sv[0], "y", 1, out, 3), 1);
	for (int i = 0; i < 3; i++)
		close(out[i]);
	cr_assert_eq(
		ipc_ctl_recv(sv[1], buf, sizeof(buf), NULL, 0, &n, &dropped),
		1);
	cr_assert_eq(n, 0);
	cr_assert_eq(dropped, 3);
	cr_assert_eq(count_fds(), before);
	cr_assert_eq(ipc_ctl_send(sv[0], "z", 1, out, IPC_CTL_MAX_FDS + 1),
		     -EINVAL);
	close(sv[0]);
	close(sv[1]);
}

Test(ctlsock, oversized_message_is_emsgsize_and_drops_fds)
{
	int sv[2], out[3], in[3];
	size_t n = 9, dropped = 0;
	char buf[4];
	int before = count_fds();

	pair(sv);
	make_efds(out, 3);
	cr_assert_eq(ipc_ctl_send(sv[0], "too long", 8, out, 3), 8);
	for (int i = 0; i < 3; i++)
		close(out[i]);
	cr_assert_eq(ipc_ctl_recv(sv[1], buf, sizeof(buf), in, 3, &n, &dropped),
		     -EMSGSIZE);
	cr_assert_eq(n, 0);
	cr_assert_eq(dropped, 3);
	close(sv[0]);
	cr_assert_eq(ipc_ctl_recv(sv[1], buf, sizeof(buf), in, 3, &n, NULL), 0,
		     "EOF");
	close(sv[1]);
	cr_assert_eq(count_fds(), before);
}

Test(ctlsock, peer_credentials_name_this_process)
{
	struct ucred cred;
	int sv[2];

	pair(sv);
	cr_assert_eq(ipc_ctl_peercred(sv[0], &cred), 0);
	cr_assert_eq(cred.pid, getpid());
	cr_assert_eq(cred.uid, getuid());
	cr_assert_eq(cred.gid, getgid());
	close(sv[0]);
	close(sv[1]);
	errno = 55;
	cr_assert_eq(ipc_ctl_peercred(sv[0], &cred), -EBADF);
	cr_assert_eq(errno, 55);
	cr_assert_eq(ipc_ctl_send(sv[0], "a", 1, NULL, 0), -EBADF);
	cr_assert_eq(errno, 55);
}
