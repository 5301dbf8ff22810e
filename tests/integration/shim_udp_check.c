// SPDX-License-Identifier: MIT
/*
 * shim_udp_check.c - UDP socket semantics a program relies on, printed so
 * that a run on the kernel and a run under libnsshim.so can be compared
 * line by line
 *
 * Usage: shim_udp_check SERVER_IP PORT EXPECTED_LOCAL_IP
 * The server echoes every datagram back.  Nothing printed depends on fd
 * numbers, ports or timing, except the local address, which is checked
 * against EXPECTED_LOCAL_IP and printed as "ok".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void die(const char *what)
{
	printf("FAIL %s: %s\n", what, strerror(errno));
	exit(1);
}

/* wait_readable() - the echo is back (poll, 2 s). */
static void wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, 2000) != 1)
		die("echo did not come back");
}

int main(int argc, char **argv)
{
	struct sockaddr_in srv = { .sin_family = AF_INET }, me = { 0 },
			   peer = { 0 };
	socklen_t len;
	struct timeval tv = { .tv_usec = 200000 };
	struct pollfd pfd[2];
	char buf[64], name[INET_ADDRSTRLEN];
	int fd, fd2, p[2], n, v;
	int64_t t0;
	ssize_t r;

	if (argc != 4)
		return 2;
	srv.sin_port = htons((uint16_t)strtol(argv[2], NULL, 10));
	inet_pton(AF_INET, argv[1], &srv.sin_addr);
	setvbuf(stdout, NULL, _IOLBF, 0);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&srv, sizeof(srv)))
		die("socket/connect");
	len = sizeof(me);
	if (getsockname(fd, (struct sockaddr *)&me, &len))
		die("getsockname");
	inet_ntop(AF_INET, &me.sin_addr, name, sizeof(name));
	printf("getsockname: family %d len %u addr %s port-set %d\n",
	       me.sin_family, len, strcmp(name, argv[3]) ? name : "ok",
	       me.sin_port != 0);
	len = sizeof(peer);
	if (getpeername(fd, (struct sockaddr *)&peer, &len))
		die("getpeername");
	printf("getpeername: same %d\n",
	       peer.sin_addr.s_addr == srv.sin_addr.s_addr &&
		       peer.sin_port == srv.sin_port);
	len = sizeof(v);
	getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len);
	printf("SO_TYPE dgram %d\n", v == SOCK_DGRAM);
	len = sizeof(v);
	getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &len);
	printf("SO_ERROR %d\n", v);

	/* Blocking receive with SO_RCVTIMEO: EAGAIN after the timeout. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	t0 = now_ms();
	r = recv(fd, buf, sizeof(buf), 0);
	printf("rcvtimeo: r %zd errno %s waited %d\n", r,
	       errno == EAGAIN ? "EAGAIN" : strerror(errno),
	       now_ms() - t0 >= 150 && now_ms() - t0 < 2000);
	/* Non-blocking receive: EAGAIN at once. */
	errno = 0;
	r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	printf("dontwait: r %zd errno %s\n", r,
	       errno == EAGAIN ? "EAGAIN" : strerror(errno));

	/* poll over a pipe and the socket. */
	if (pipe(p))
		die("pipe");
	pfd[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = fd, .events = POLLIN };
	n = poll(pfd, 2, 100);
	printf("poll idle: n %d pipe %#x sock %#x\n", n, pfd[0].revents,
	       pfd[1].revents);
	if (send(fd, "hello", 5, 0) != 5)
		die("send");
	n = poll(pfd, 2, 2000);
	printf("poll echo: n %d pipe %#x sock %#x\n", n, pfd[0].revents,
	       pfd[1].revents);
	if (write(p[1], "x", 1) != 1)
		die("write pipe");
	n = poll(pfd, 2, 2000);
	printf("poll both: n %d pipe %#x sock %#x\n", n, pfd[0].revents,
	       pfd[1].revents);
	if (ioctl(fd, FIONREAD, &v))
		die("FIONREAD");
	printf("FIONREAD %d\n", v);

	/* A short buffer: MSG_TRUNC in msg_flags, and MSG_TRUNC's length. */
	{
		struct iovec iov = { buf, 2 };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

		r = recvmsg(fd, &m, 0);
		printf("recvmsg short: r %zd trunc %d data %.2s\n", r,
		       !!(m.msg_flags & MSG_TRUNC), buf);
	}
	if (send(fd, "world!", 6, 0) != 6)
		die("send");
	wait_readable(fd);
	r = recv(fd, buf, 2, MSG_TRUNC);
	printf("recv MSG_TRUNC: r %zd\n", r);

	/* select() sees a datagram; read() and write() work on the socket. */
	if (write(fd, "select", 6) != 6)
		die("write");
	{
		fd_set rs;
		struct timeval st = { .tv_sec = 2 };

		FD_ZERO(&rs);
		FD_SET(fd, &rs);
		n = select(fd + 1, &rs, NULL, NULL, &st);
		printf("select: n %d set %d\n", n, FD_ISSET(fd, &rs));
	}
	r = read(fd, buf, sizeof(buf));
	printf("read: %zd %.*s\n", r, (int)(r > 0 ? r : 0), buf);

	/* A signal without SA_RESTART interrupts a blocking receive. */
	{
		struct sigaction sa = { .sa_handler = on_alarm };
		struct itimerval it = { .it_value.tv_usec = 100000 };
		struct timeval none = { 0 };

		sigaction(SIGALRM, &sa, NULL);
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof(none));
		setitimer(ITIMER_REAL, &it, NULL);
		errno = 0;
		r = recv(fd, buf, sizeof(buf), 0);
		printf("signal: r %zd errno %s\n", r,
		       errno == EINTR ? "EINTR" : strerror(errno));
	}
	/* Success leaves errno alone. */
	errno = ENOTTY;
	r = send(fd, "keep", 4, 0);
	printf("errno kept: r %zd %d\n", r, errno == ENOTTY);
	wait_readable(fd);
	r = recv(fd, buf, sizeof(buf), 0);
	printf("errno kept: recv %zd %d\n", r, errno == ENOTTY);

	/* dup: the copy works after the original is closed. */
	fd2 = dup(fd);
	close(fd);
	if (sendto(fd2, "dup", 3, 0, NULL, 0) != 3)
		die("send on dup");
	wait_readable(fd2);
	r = recvfrom(fd2, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &len);
	printf("dup recvfrom: %zd %.*s from-server %d\n", r,
	       (int)(r > 0 ? r : 0), buf,
	       peer.sin_addr.s_addr == srv.sin_addr.s_addr);
	/* O_NONBLOCK through fcntl. */
	fcntl(fd2, F_SETFL, fcntl(fd2, F_GETFL) | O_NONBLOCK);
	errno = 0;
	r = recv(fd2, buf, sizeof(buf), 0);
	printf("O_NONBLOCK: r %zd errno %s flag %d\n", r,
	       errno == EAGAIN ? "EAGAIN" : strerror(errno),
	       !!(fcntl(fd2, F_GETFL) & O_NONBLOCK));
	/* Unconnected sendto to the server from a second socket. */
	{
		int u = socket(AF_INET, SOCK_DGRAM, 0);

		if (sendto(u, "u", 1, 0, (struct sockaddr *)&srv,
			   sizeof(srv)) != 1)
			die("sendto");
		wait_readable(u);
		r = recvfrom(u, buf, sizeof(buf), 0, NULL, NULL);
		printf("unconnected sendto: %zd\n", r);
		close(u);
	}
	/* ICMP port unreachable on a connected socket: POLLERR, SO_ERROR. */
	{
		struct sockaddr_in closed = srv;
		int c = socket(AF_INET, SOCK_DGRAM, 0);
		struct pollfd ep = { .fd = c, .events = POLLIN };

		closed.sin_port = htons(ntohs(srv.sin_port) + 1);
		if (connect(c, (struct sockaddr *)&closed, sizeof(closed)) ||
		    send(c, "?", 1, 0) != 1)
			die("connect/send to a closed port");
		n = poll(&ep, 1, 2000);
		len = sizeof(v);
		getsockopt(c, SOL_SOCKET, SO_ERROR, &v, &len);
		printf("icmp: poll %d err %d SO_ERROR %s\n", n,
		       !!(ep.revents & POLLERR),
		       v == ECONNREFUSED ? "ECONNREFUSED" : strerror(v));
		close(c);
	}
	/* sendmmsg/recvmmsg: three datagrams out, their echoes back. */
	{
		char out[3][8] = { "one", "two!", "three" };
		char in[4][16];
		struct iovec iov[4];
		struct mmsghdr mm[4];
		int m = socket(AF_INET, SOCK_DGRAM, 0), i, got = 0, calls = 0;
		size_t bytes = 0;

		memset(mm, 0, sizeof(mm));
		for (i = 0; i < 3; i++) {
			iov[i].iov_base = out[i];
			iov[i].iov_len = strlen(out[i]);
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
		}
		if (m < 0 || connect(m, (struct sockaddr *)&srv, sizeof(srv)))
			die("mmsg socket");
		n = sendmmsg(m, mm, 3, 0);
		printf("sendmmsg: %d lens %u %u %u\n", n, mm[0].msg_len,
		       mm[1].msg_len, mm[2].msg_len);
		while (got < 3 && calls++ < 10) {
			memset(mm, 0, sizeof(mm));
			for (i = 0; i < 4; i++) {
				iov[i].iov_base = in[i];
				iov[i].iov_len = sizeof(in[i]);
				mm[i].msg_hdr.msg_iov = &iov[i];
				mm[i].msg_hdr.msg_iovlen = 1;
			}
			wait_readable(m);
			n = recvmmsg(m, mm, 4, MSG_WAITFORONE, NULL);
			if (n < 0)
				die("recvmmsg");
			for (i = 0; i < n; i++)
				bytes += mm[i].msg_len;
			got += n;
		}
		printf("recvmmsg: %d datagrams, %zu bytes\n", got, bytes);
		errno = 0;
		n = recvmmsg(m, mm, 4, MSG_DONTWAIT, NULL);
		printf("recvmmsg empty: %d errno %s\n", n,
		       errno == EAGAIN ? "EAGAIN" : strerror(errno));
		close(m);
	}
	close(fd2);
	close(p[0]);
	close(p[1]);
	printf("done\n");
	return 0;
}
