// SPDX-License-Identifier: MIT
/*
 * shim_udp_check.c - UDP socket semantics a program relies on, printed so
 * that a run on the kernel and a run under libnsshim.so can be compared
 * line by line
 *
 * Usage: shim_udp_check SERVER_IP PORT EXPECTED_LOCAL_IP [EXPECTED_IFINDEX]
 * The server echoes every datagram back.  Nothing printed depends on fd
 * numbers, ports or timing, except the local address, which is checked
 * against EXPECTED_LOCAL_IP and printed as "ok", and with
 * EXPECTED_IFINDEX, the interface IP_PKTINFO names (the kernel's index
 * of the device on the kernel, the engine's index under the shim), also
 * printed as "ok".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
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

/* The IPv4 address at @p (network order) as "ok" if it is @want. */
static const char *addr_ok(const void *p, const char *want)
{
	static char name[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, p, name, sizeof(name));
	return strcmp(name, want) ? name : "ok";
}

/*
 * show_cmsgs() - recvmsg() the next echo with @clen bytes of control
 * buffer (0: none) and print the control messages
 */
static void show_cmsgs(const char *tag, int fd, size_t clen, const char *me,
		       int ifindex)
{
	union {
		struct cmsghdr align;
		char b[256];
	} cb;
	char buf[16];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = clen ? cb.b : NULL,
			    .msg_controllen = clen };
	struct cmsghdr *c;
	ssize_t r;

	if (send(fd, tag, strlen(tag), 0) != (ssize_t)strlen(tag))
		die("send");
	wait_readable(fd);
	r = recvmsg(fd, &m, 0);
	printf("%s: r %zd ctrunc %d controllen %zu\n", tag, r,
	       !!(m.msg_flags & MSG_CTRUNC), (size_t)m.msg_controllen);
	for (c = clen ? CMSG_FIRSTHDR(&m) : NULL; c; c = CMSG_NXTHDR(&m, c)) {
		printf("  cmsg level %d type %d len %zu", c->cmsg_level,
		       c->cmsg_type, (size_t)c->cmsg_len);
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			printf(" ifindex %s",
			       pi.ipi_ifindex == ifindex ? "ok" : "?");
			printf(" spec_dst %s", addr_ok(&pi.ipi_spec_dst, me));
			printf(" addr %s", addr_ok(&pi.ipi_addr, me));
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
			   c->cmsg_type == IPV6_PKTINFO &&
			   c->cmsg_len >=
				   CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo pi6;

			memcpy(&pi6, CMSG_DATA(c), sizeof(pi6));
			printf(" ifindex %s mapped %d addr %s",
			       (int)pi6.ipi6_ifindex == ifindex ? "ok" : "?",
			       IN6_IS_ADDR_V4MAPPED(&pi6.ipi6_addr),
			       addr_ok(&pi6.ipi6_addr.s6_addr[12], me));
		} else if (c->cmsg_level == IPPROTO_IP &&
			   c->cmsg_type == IP_TTL) {
			int ttl;

			memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
			printf(" ttl %d", ttl);
		} else if (c->cmsg_level == IPPROTO_IP &&
			   c->cmsg_type == IP_TOS) {
			printf(" tos %d", *(unsigned char *)CMSG_DATA(c));
		}
		printf("\n");
	}
}

/*
 * pktinfo() - IP_PKTINFO, IP_RECVTTL, IP_RECVTOS on the echoes, and
 * IPV6_RECVPKTINFO on a dual-stack socket talking IPv4; the options are
 * set before connect(), before the shim knows where the socket goes
 */
static void pktinfo(const struct sockaddr_in *srv, const char *me, int ifindex)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6,
				   .sin6_port = srv->sin_port };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1, v = -1;
	socklen_t len = sizeof(v);

	setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	if (connect(fd, (const struct sockaddr *)srv, sizeof(*srv)))
		die("pktinfo connect");
	getsockopt(fd, IPPROTO_IP, IP_PKTINFO, &v, &len);
	printf("IP_PKTINFO: %d len %u\n", v, len);
	show_cmsgs("pktinfo", fd, 256, me, ifindex);
	show_cmsgs("pktinfo short", fd, CMSG_LEN(4), me, ifindex);
	show_cmsgs("pktinfo none", fd, 0, me, ifindex);
	setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one));
	setsockopt(fd, IPPROTO_IP, IP_RECVTOS, &one, sizeof(one));
	show_cmsgs("pktinfo ttl tos", fd, 256, me, ifindex);
	show_cmsgs("pktinfo ttl tos, room for one", fd,
		   CMSG_SPACE(sizeof(struct in_pktinfo)) + 4, me, ifindex);
	v = 0;
	setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &v, sizeof(v));
	setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &v, sizeof(v));
	setsockopt(fd, IPPROTO_IP, IP_RECVTOS, &v, sizeof(v));
	show_cmsgs("pktinfo off", fd, 256, me, ifindex);
	close(fd);

	fd = socket(AF_INET6, SOCK_DGRAM, 0);
	setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
	s6.sin6_addr.s6_addr[10] = 0xff;
	s6.sin6_addr.s6_addr[11] = 0xff;
	memcpy(&s6.sin6_addr.s6_addr[12], &srv->sin_addr, 4);
	if (connect(fd, (const struct sockaddr *)&s6, sizeof(s6)))
		die("pktinfo6 connect");
	show_cmsgs("ipv6 pktinfo, v4-mapped", fd, 256, me, ifindex);
	setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
	show_cmsgs("ipv6 and ip pktinfo, v4-mapped", fd, 256, me, ifindex);
	close(fd);
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

	if (argc != 4 && argc != 5)
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
	if (argc == 5)
		pktinfo(&srv, argv[3], (int)strtol(argv[4], NULL, 10));
	printf("done\n");
	return 0;
}
