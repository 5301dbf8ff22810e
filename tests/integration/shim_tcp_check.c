// SPDX-License-Identifier: MIT
/*
 * shim_tcp_check.c - TCP socket semantics a program relies on, printed so
 * that a run on the kernel and a run under libnsshim.so can be compared
 * line by line
 *
 * Usage: shim_tcp_check SERVER_IP PORT CLOSED_PORT EXPECTED_LOCAL_IP
 *				[OOB_PORT]
 *        shim_tcp_check --oob-peer OOB_PORT
 * The server is an HTTP/1.1 server answering GET /n/<i> with "reply <i>"
 * (shim_http.py); nothing listens on CLOSED_PORT.  Nothing printed depends
 * on fd numbers, ports or timing, except the local address, which is
 * checked against EXPECTED_LOCAL_IP and printed as "ok".
 *
 * With OOB_PORT, urgent data (MSG_OOB) both ways against a kernel peer:
 * this program run as --oob-peer on SERVER_IP, always on the kernel
 * stack.  Each case is one connection whose first byte names it; in the
 * "R" cases the peer sends urgent data and we report what reads, polls,
 * SIOCATMARK, FIONREAD, recv(MSG_OOB) and SIGURG say; in the "S" cases
 * we send it and the peer, a kernel receiver, reports what it got.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static volatile sig_atomic_t sigurgs;

static void on_sigurg(int sig)
{
	(void)sig;
	sigurgs++;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void die(const char *what)
{
	printf("FAIL %s: %s\n", what, strerror(errno));
	exit(1);
}

/* res() - "0" or the errno's name-ish text, for comparable output. */
static const char *res(long rc)
{
	return rc < 0 ? strerror(errno) : "0";
}

static int tcp_socket(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket");
	return fd;
}

/* request() - send GET /n/@i and read the whole reply until EOF. */
static void request(int fd, int i, char *buf, size_t cap)
{
	char req[128];
	size_t got = 0;
	ssize_t n;

	snprintf(req, sizeof(req),
		 "GET /n/%d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
		 i);
	if (send(fd, req, strlen(req), 0) != (ssize_t)strlen(req))
		die("send request");
	while ((n = recv(fd, buf + got, cap - 1 - got, 0)) > 0)
		got += (size_t)n;
	if (n < 0)
		die("recv reply");
	buf[got] = 0;
}

/* ---- Urgent data (MSG_OOB) ---------------------------------------------- */

/* Time for segments to arrive and be processed, kernel or engine. */
#define SETTLE_US 200000

/* settle() - SETTLE_US of sleep, whatever signals (SIGURG) come. */
static void settle(void)
{
	struct timespec ts = { 0, SETTLE_US * 1000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* oob_res() - a call's result as text: the count, or the errno's name. */
static const char *oob_res(long rc)
{
	static char b[64];

	if (rc < 0)
		snprintf(b, sizeof(b), "-1 %s", strerror(errno));
	else
		snprintf(b, sizeof(b), "%ld", rc);
	return b;
}

/* oob_state() - poll bits, SIOCATMARK and FIONREAD of @fd as one line. */
static void oob_state(char *out, size_t cap, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLPRI | POLLRDHUP };
	int mark = -1, inq = -1;

	(void)poll(&p, 1, 0);
	(void)ioctl(fd, SIOCATMARK, &mark);
	(void)ioctl(fd, FIONREAD, &inq);
	snprintf(out, cap, "poll%s%s%s mark %d inq %d",
		 p.revents & POLLIN ? " IN" : "",
		 p.revents & POLLPRI ? " PRI" : "",
		 p.revents & POLLRDHUP ? " RDHUP" : "", mark, inq);
}

static void oob_show(const char *tag, int fd)
{
	char b[128];

	oob_state(b, sizeof(b), fd);
	printf("oob %s: %s\n", tag, b);
}

/* oob_read() - one read (@flags) printed with what it returned. */
static void oob_read(const char *tag, int fd, size_t len, int flags)
{
	char b[64];
	ssize_t n = recv(fd, b, len, flags);

	printf("oob %s: %s", tag, oob_res(n));
	if (n > 0)
		printf(" '%.*s'", (int)n, b);
	printf("\n");
}

/* oob_urg() - recv(MSG_OOB | @flags) with msg_flags, printed. */
static void oob_urg(const char *tag, int fd, size_t len, int flags)
{
	char b[4] = { 0 };
	struct iovec io = { b, len };
	struct msghdr m = { .msg_iov = &io, .msg_iovlen = 1 };
	ssize_t n = recvmsg(fd, &m, MSG_OOB | flags);

	printf("oob %s: %s", tag, oob_res(n));
	if (n > 0 && !(flags & MSG_TRUNC))
		printf(" '%c'", b[0]);
	printf("%s%s\n", m.msg_flags & MSG_OOB ? " MSG_OOB" : "",
	       m.msg_flags & MSG_TRUNC ? " MSG_TRUNC" : "");
}

/* oob_conn() - a connection to the peer for case @c, non-blocking. */
static int oob_conn(const struct sockaddr_in *peer, char c, bool inline_)
{
	int fd = tcp_socket(), one = 1;

	if (inline_)
		setsockopt(fd, SOL_SOCKET, SO_OOBINLINE, &one, sizeof(one));
	if (connect(fd, (const struct sockaddr *)peer, sizeof(*peer)))
		die("connect to the OOB peer");
	if (send(fd, &c, 1, 0) != 1)
		die("send the case");
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

/* oob_report() - the peer's report line on @fd (blocking), printed. */
static void oob_report(const char *tag, int fd)
{
	char b[512];
	size_t got = 0;
	ssize_t n;

	fcntl(fd, F_SETFL, 0);
	while (got < sizeof(b) - 1 &&
	       (n = recv(fd, b + got, sizeof(b) - 1 - got, 0)) > 0) {
		got += (size_t)n;
		if (memchr(b, '\n', got))
			break;
	}
	b[got] = 0;
	printf("oob %s, kernel receiver: %s", tag, got ? b : "nothing\n");
}

/*
 * oob_cases() - urgent data against the kernel peer: "R" cases (we
 * receive), then "S" cases (we send, the kernel receives and reports)
 */
static void oob_cases(const struct sockaddr_in *peer, const struct in_addr *me)
{
	struct sigaction sa = { .sa_handler = on_sigurg,
				.sa_flags = SA_RESTART };
	struct sockaddr_in la = { .sin_family = AF_INET, .sin_addr = *me };
	static char big[20000];
	int fd, ep, n, v;

	/* R1: "abc" with MSG_OOB: "c" leaves the stream. */
	fd = oob_conn(peer, 'A', false);
	oob_urg("R1 before", fd, 1, 0);
	settle();
	oob_show("R1 arrived", fd);
	oob_read("R1 read", fd, 10, 0);
	oob_show("R1 at mark", fd);
	oob_urg("R1 oob", fd, 1, 0);
	oob_show("R1 after oob", fd);
	oob_urg("R1 oob again", fd, 1, 0);
	oob_read("R1 read", fd, 10, 0);
	close(fd);

	/* R2: "ab" urgent, "de" after: a read at the mark skips "b". */
	fd = oob_conn(peer, 'B', false);
	settle();
	oob_show("R2 arrived", fd);
	oob_read("R2 read", fd, 10, 0);
	oob_show("R2 at mark", fd);
	oob_read("R2 peek", fd, 10, MSG_PEEK);
	oob_read("R2 read", fd, 10, 0);
	oob_show("R2 past", fd);
	oob_urg("R2 oob", fd, 1, 0);
	close(fd);

	/* R3: SO_OOBINLINE keeps "c" in the stream; the mark still stops. */
	fd = oob_conn(peer, 'C', true);
	settle();
	oob_show("R3 arrived", fd);
	oob_urg("R3 oob", fd, 1, 0);
	oob_read("R3 read", fd, 10, 0);
	oob_show("R3 at mark", fd);
	oob_read("R3 read", fd, 10, 0);
	close(fd);

	/* R4: two urgent bytes while we sit at the first: we skip it. */
	fd = oob_conn(peer, 'D', false);
	settle();
	oob_read("R4 read", fd, 10, 0);
	if (send(fd, "g", 1, 0) != 1)
		die("send go");
	settle();
	oob_show("R4 arrived", fd);
	oob_read("R4 read", fd, 10, 0);
	oob_show("R4 after", fd);
	oob_urg("R4 oob", fd, 1, 0);
	close(fd);

	/* R5: ... and an old urgent byte not reached yet is data. */
	fd = oob_conn(peer, 'E', false);
	settle();
	oob_show("R5 arrived", fd);
	oob_read("R5 read", fd, 10, 0);
	oob_show("R5 at mark", fd);
	oob_urg("R5 oob peek", fd, 1, MSG_PEEK);
	oob_urg("R5 oob", fd, 1, 0);
	oob_read("R5 read", fd, 10, 0);
	close(fd);

	/* R6: a zero-length MSG_OOB read takes the byte (MSG_TRUNC);
	 * MSG_TRUNC as a flag does not copy it. */
	fd = oob_conn(peer, 'F', false);
	settle();
	oob_urg("R6 oob len 0", fd, 0, 0);
	oob_urg("R6 oob", fd, 1, 0);
	if (send(fd, "g", 1, 0) != 1)
		die("send go");
	settle();
	oob_urg("R6 oob MSG_TRUNC", fd, 1, MSG_TRUNC);
	oob_read("R6 read", fd, 10, 0);
	close(fd);

	/* R7: the peer's FIN after the urgent byte. */
	fd = oob_conn(peer, 'G', false);
	settle();
	oob_show("R7 arrived", fd);
	oob_read("R7 read", fd, 10, 0);
	oob_show("R7 at mark", fd);
	oob_read("R7 read", fd, 10, 0);
	oob_urg("R7 oob", fd, 1, 0);
	close(fd);

	/* R8: select's exceptfds and EPOLLPRI, level and edge. */
	fd = oob_conn(peer, 'H', false);
	settle();
	{
		fd_set rs, es;
		struct timeval tv = { 0, 0 };
		struct epoll_event e = { .events = EPOLLIN | EPOLLPRI };

		FD_ZERO(&rs);
		FD_ZERO(&es);
		FD_SET(fd, &rs);
		FD_SET(fd, &es);
		n = select(fd + 1, &rs, NULL, &es, &tv);
		printf("oob R8 select: %d read %d except %d\n", n,
		       FD_ISSET(fd, &rs), FD_ISSET(fd, &es));
		ep = epoll_create1(0);
		epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
		n = epoll_wait(ep, &e, 1, 0);
		printf("oob R8 epoll: %d %s%s\n", n,
		       n > 0 && (e.events & EPOLLIN) ? "IN" : "",
		       n > 0 && (e.events & EPOLLPRI) ? " PRI" : "");
		e.events = EPOLLIN | EPOLLPRI | EPOLLET;
		epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
		n = epoll_wait(ep, &e, 1, 0);
		printf("oob R8 epoll ET: %d %s%s\n", n,
		       n > 0 && (e.events & EPOLLIN) ? "IN" : "",
		       n > 0 && (e.events & EPOLLPRI) ? " PRI" : "");
		n = epoll_wait(ep, &e, 1, 0);
		printf("oob R8 epoll ET again: %d\n", n);
		oob_read("R8 read", fd, 10, 0);
		e.events = EPOLLPRI;
		epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
		n = epoll_wait(ep, &e, 1, 0);
		printf("oob R8 epoll PRI at mark: %d\n", n);
		oob_urg("R8 oob", fd, 1, 0);
		n = epoll_wait(ep, &e, 1, 0);
		printf("oob R8 epoll PRI after oob: %d\n", n);
		FD_ZERO(&rs);
		FD_ZERO(&es);
		FD_SET(fd, &rs);
		FD_SET(fd, &es);
		n = select(fd + 1, &rs, NULL, &es, &tv);
		printf("oob R8 select after: %d\n", n);
		close(ep);
	}
	close(fd);

	/* R9: F_SETOWN: a SIGURG for each new urgent pointer. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGURG, &sa, NULL);
	fd = tcp_socket();
	if (connect(fd, (const struct sockaddr *)peer, sizeof(*peer)))
		die("connect to the OOB peer");
	printf("oob R9 F_SETOWN: %s\n", oob_res(fcntl(fd, F_SETOWN, getpid())));
	printf("oob R9 F_GETOWN: %s\n",
	       fcntl(fd, F_GETOWN) == getpid() ? "self" : "other");
	if (send(fd, "I", 1, 0) != 1)
		die("send the case");
	fcntl(fd, F_SETFL, O_NONBLOCK);
	settle();
	printf("oob R9 SIGURG after one: %d\n", (int)sigurgs);
	if (send(fd, "g", 1, 0) != 1)
		die("send go");
	settle();
	printf("oob R9 SIGURG after two: %d\n", (int)sigurgs);
	oob_read("R9 read", fd, 10, 0);
	close(fd);
	signal(SIGURG, SIG_DFL);

	/* Errors: no urgent data, a listener. */
	fd = oob_conn(peer, 'Z', false);
	fcntl(fd, F_SETFL, 0);
	oob_urg("E1 oob before any, blocking", fd, 1, 0);
	close(fd);
	fd = tcp_socket();
	if (bind(fd, (struct sockaddr *)&la, sizeof(la)) || listen(fd, 1))
		die("listen");
	oob_urg("E2 oob on a listener", fd, 1, 0);
	v = -1;
	printf("oob E2 SIOCATMARK on a listener: %s %d\n",
	       oob_res(ioctl(fd, SIOCATMARK, &v)), v);
	close(fd);

	/* S1: "abc" with MSG_OOB. */
	fd = oob_conn(peer, 'S', false);
	printf("oob S1 send: %s\n", oob_res(send(fd, "abc", 3, MSG_OOB)));
	oob_report("S1", fd);
	close(fd);

	/* S2: data, urgent data, data. */
	fd = oob_conn(peer, 'S', false);
	(void)send(fd, "x", 1, 0);
	printf("oob S2 send: %s\n", oob_res(send(fd, "yz", 2, MSG_OOB)));
	(void)send(fd, "w", 1, 0);
	oob_report("S2", fd);
	close(fd);

	/* S3: sendmsg with two iovecs: the last byte of all is urgent. */
	fd = oob_conn(peer, 'S', false);
	{
		char x[] = "ab", y[] = "cd";
		struct iovec io[2] = { { x, 2 }, { y, 2 } };
		struct msghdr m = { .msg_iov = io, .msg_iovlen = 2 };

		printf("oob S3 sendmsg: %s\n",
		       oob_res(sendmsg(fd, &m, MSG_OOB)));
	}
	oob_report("S3", fd);
	close(fd);

	/* S4: two urgent sends apart, then data. */
	fd = oob_conn(peer, 'S', false);
	(void)send(fd, "a", 1, MSG_OOB);
	usleep(50000);
	(void)send(fd, "b", 1, MSG_OOB);
	usleep(50000);
	(void)send(fd, "c", 1, 0);
	oob_report("S4", fd);
	close(fd);

	/* S5: MSG_OOB with nothing to send. */
	fd = oob_conn(peer, 'S', false);
	printf("oob S5 send 0: %s\n", oob_res(send(fd, "", 0, MSG_OOB)));
	(void)send(fd, "q", 1, 0);
	oob_report("S5", fd);
	close(fd);

	/* S6: 20000 bytes with MSG_OOB, blocking: the last is urgent. */
	fd = oob_conn(peer, 'S', false);
	fcntl(fd, F_SETFL, 0);
	memset(big, '.', sizeof(big));
	big[sizeof(big) - 1] = 'U';
	printf("oob S6 send: %s\n",
	       oob_res(send(fd, big, sizeof(big), MSG_OOB)));
	oob_report("S6", fd);
	close(fd);
}

/* ---- the kernel peer (--oob-peer) ---- */

/* peer_wait_eof() - read (and drop) until the client closes. */
static void peer_wait_eof(int fd)
{
	char b[256];

	fcntl(fd, F_SETFL, 0);
	while (recv(fd, b, sizeof(b), 0) > 0)
		;
}

/* peer_go() - wait for the client's one-byte go. */
static void peer_go(int fd)
{
	char g;

	fcntl(fd, F_SETFL, 0);
	if (recv(fd, &g, 1, 0) != 1)
		exit(1);
}

/*
 * peer_report() - as a kernel receiver: what urgent data the client
 * sent did here, as one line sent back
 */
static void peer_report(int fd)
{
	char out[512], st[128], b[65536];
	size_t len = 0;
	int i, mark;
	ssize_t n;

	usleep(3 * SETTLE_US / 2);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	oob_state(st, sizeof(st), fd);
	len += (size_t)snprintf(out + len, sizeof(out) - len, "%s;", st);
	n = recv(fd, b, 1, MSG_OOB | MSG_PEEK);
	len += (size_t)snprintf(out + len, sizeof(out) - len, " oob %s",
				oob_res(n));
	if (n == 1)
		len += (size_t)snprintf(out + len, sizeof(out) - len, " '%c'",
					b[0]);
	len += (size_t)snprintf(out + len, sizeof(out) - len, "; reads");
	for (i = 0; i < 8 && len < sizeof(out) - 64; i++) {
		mark = 0;
		(void)ioctl(fd, SIOCATMARK, &mark);
		n = recv(fd, b, sizeof(b), 0);
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s %s",
					mark ? " |" : "", oob_res(n));
		if (n > 0 && n <= 8)
			len += (size_t)snprintf(out + len, sizeof(out) - len,
						" '%.*s'", (int)n, b);
		else if (n > 8)
			len += (size_t)snprintf(out + len, sizeof(out) - len,
						" ...'%c'", b[n - 1]);
		if (n <= 0)
			break;
	}
	n = recv(fd, b, 1, MSG_OOB);
	len += (size_t)snprintf(out + len, sizeof(out) - len, "; oob %s",
				oob_res(n));
	if (n == 1)
		len += (size_t)snprintf(out + len, sizeof(out) - len, " '%c'",
					b[0]);
	snprintf(out + len, sizeof(out) - len, "\n");
	fcntl(fd, F_SETFL, 0);
	(void)send(fd, out, strlen(out), MSG_NOSIGNAL);
}

/* peer_case() - one connection: its first byte says what to do. */
static void peer_case(int fd)
{
	char c;

	if (recv(fd, &c, 1, 0) != 1)
		return;
	switch (c) {
	case 'A':
		(void)send(fd, "abc", 3, MSG_OOB);
		break;
	case 'B':
		(void)send(fd, "ab", 2, MSG_OOB);
		(void)send(fd, "de", 2, 0);
		break;
	case 'C':
		(void)send(fd, "abc", 3, MSG_OOB);
		(void)send(fd, "de", 2, 0);
		break;
	case 'D':
		(void)send(fd, "x", 1, 0);
		peer_go(fd);
		(void)send(fd, "a", 1, MSG_OOB);
		usleep(50000);
		(void)send(fd, "b", 1, MSG_OOB);
		break;
	case 'E':
		(void)send(fd, "x", 1, 0);
		(void)send(fd, "a", 1, MSG_OOB);
		usleep(50000);
		(void)send(fd, "b", 1, MSG_OOB);
		break;
	case 'F':
		(void)send(fd, "ab", 2, MSG_OOB);
		peer_go(fd);
		(void)send(fd, "cd", 2, MSG_OOB);
		break;
	case 'G':
		(void)send(fd, "ab", 2, MSG_OOB);
		shutdown(fd, SHUT_WR);
		break;
	case 'H':
		(void)send(fd, "ab", 2, MSG_OOB);
		break;
	case 'I':
		(void)send(fd, "ab", 2, MSG_OOB);
		peer_go(fd);
		(void)send(fd, "cd", 2, MSG_OOB);
		break;
	case 'S':
		peer_report(fd);
		break;
	default:
		break;
	}
	peer_wait_eof(fd);
}

/* oob_peer() - serve cases on @port, one connection at a time, forever. */
static __attribute__((noreturn)) void oob_peer(const char *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int ln = socket(AF_INET, SOCK_STREAM, 0), one = 1, fd;

	sin.sin_port = htons((uint16_t)strtol(port, NULL, 10));
	setsockopt(ln, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ln, (struct sockaddr *)&sin, sizeof(sin)) || listen(ln, 8))
		die("oob peer listen");
	for (;;) {
		fd = accept(ln, NULL, NULL);
		if (fd < 0)
			continue;
		peer_case(fd);
		close(fd);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in srv = { .sin_family = AF_INET }, closed, me = { 0 },
			   peer = { 0 };
	struct in_addr want_me;
	struct pollfd p;
	struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
	char buf[4096];
	socklen_t len;
	int fd, v, rc;
	int64_t t0;

	if (argc == 3 && !strcmp(argv[1], "--oob-peer"))
		oob_peer(argv[2]);
	if (argc < 5 || argc > 6 ||
	    inet_pton(AF_INET, argv[1], &srv.sin_addr) != 1 ||
	    inet_pton(AF_INET, argv[4], &want_me) != 1) {
		fprintf(stderr,
			"usage: %s SERVER_IP PORT CLOSED_PORT LOCAL_IP "
			"[OOB_PORT]\n       %s --oob-peer OOB_PORT\n",
			argv[0], argv[0]);
		return 2;
	}
	srv.sin_port = htons((uint16_t)strtol(argv[2], NULL, 10));
	closed = srv;
	closed.sin_port = htons((uint16_t)strtol(argv[3], NULL, 10));
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, on_sigpipe);

	/* Refused: blocking connect to a closed port. */
	fd = tcp_socket();
	rc = connect(fd, (struct sockaddr *)&closed, sizeof(closed));
	printf("connect closed port: %s\n", res(rc));
	close(fd);

	/* Refused, non-blocking: POLLOUT|POLLERR|POLLHUP, then SO_ERROR. */
	fd = tcp_socket();
	fcntl(fd, F_SETFL, O_NONBLOCK);
	rc = connect(fd, (struct sockaddr *)&closed, sizeof(closed));
	printf("nonblocking connect closed port: %s\n", res(rc));
	p = (struct pollfd){ .fd = fd, .events = POLLIN | POLLOUT };
	rc = poll(&p, 1, 5000);
	printf("poll refused: %d revents%s%s%s%s\n", rc,
	       p.revents & POLLIN ? " IN" : "",
	       p.revents & POLLOUT ? " OUT" : "",
	       p.revents & POLLERR ? " ERR" : "",
	       p.revents & POLLHUP ? " HUP" : "");
	len = sizeof(v);
	rc = getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &len);
	printf("SO_ERROR refused: %s %s\n", res(rc), strerror(v));
	len = sizeof(v);
	rc = getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &len);
	printf("SO_ERROR again: %s %d\n", res(rc), v);
	close(fd);

	/* Not connected yet. */
	fd = tcp_socket();
	rc = (int)recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	printf("recv before connect: %s\n", res(rc));
	len = sizeof(peer);
	rc = getpeername(fd, (struct sockaddr *)&peer, &len);
	printf("getpeername before connect: %s\n", res(rc));

	/* Non-blocking connect, POLLOUT, SO_ERROR, then connect again. */
	fcntl(fd, F_SETFL, O_NONBLOCK);
	rc = connect(fd, (struct sockaddr *)&srv, sizeof(srv));
	printf("nonblocking connect: %s\n", res(rc));
	p = (struct pollfd){ .fd = fd, .events = POLLOUT };
	rc = poll(&p, 1, 5000);
	printf("poll: %d revents%s%s%s\n", rc,
	       p.revents & POLLOUT ? " OUT" : "",
	       p.revents & POLLERR ? " ERR" : "",
	       p.revents & POLLHUP ? " HUP" : "");
	len = sizeof(v);
	rc = getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &len);
	printf("SO_ERROR: %s %d\n", res(rc), v);
	rc = connect(fd, (struct sockaddr *)&srv, sizeof(srv));
	printf("connect again: %s\n", res(rc));
	rc = connect(fd, (struct sockaddr *)&srv, sizeof(srv));
	printf("connect once more: %s\n", res(rc));

	/* Names. */
	len = sizeof(me);
	rc = getsockname(fd, (struct sockaddr *)&me, &len);
	printf("getsockname: %s len %u addr %s port %s\n", res(rc), len,
	       me.sin_addr.s_addr == want_me.s_addr ? "ok" : "WRONG",
	       me.sin_port ? "set" : "zero");
	len = sizeof(peer);
	rc = getpeername(fd, (struct sockaddr *)&peer, &len);
	printf("getpeername: %s len %u %s\n", res(rc), len,
	       peer.sin_addr.s_addr == srv.sin_addr.s_addr &&
			       peer.sin_port == srv.sin_port
		       ? "server"
		       : "WRONG");
	len = sizeof(v);
	rc = getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len);
	printf("SO_TYPE: %s %s\n", res(rc), v == SOCK_STREAM ? "stream" : "?");
	v = 1;
	rc = setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v));
	len = sizeof(v);
	v = 0;
	rc |= getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &len);
	printf("TCP_NODELAY: %s %d\n", res(rc), v);

	/* Nothing to read yet. */
	rc = (int)recv(fd, buf, sizeof(buf), 0);
	printf("empty nonblocking recv: %s\n", res(rc));
	rc = (int)recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	printf("empty MSG_DONTWAIT recv: %s\n", res(rc));

	/* Blocking again, with SO_RCVTIMEO. */
	fcntl(fd, F_SETFL, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	t0 = now_ms();
	rc = (int)recv(fd, buf, sizeof(buf), 0);
	printf("SO_RCVTIMEO recv: %s after %s\n", res(rc),
	       now_ms() - t0 >= 150 ? ">=150ms" : "too soon");
	tv.tv_usec = 0;
	tv.tv_sec = 10;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

	/* A request; the server closes after its reply. */
	request(fd, 7, buf, sizeof(buf));
	printf("reply: %s\n", strstr(buf, "reply 7\n") ? "ok" : "WRONG");
	rc = (int)recv(fd, buf, sizeof(buf), 0);
	printf("recv at EOF: %d\n", rc);
	p = (struct pollfd){ .fd = fd, .events = POLLIN | POLLRDHUP };
	rc = poll(&p, 1, 1000);
	printf("poll at EOF: %d revents%s%s\n", rc,
	       p.revents & POLLIN ? " IN" : "",
	       p.revents & POLLRDHUP ? " RDHUP" : "");
	rc = ioctl(fd, FIONREAD, &v);
	printf("FIONREAD at EOF: %s %d\n", res(rc), v);

	/* Writing to a closed peer: the first send provokes its RST. */
	rc = (int)send(fd, "x", 1, MSG_NOSIGNAL);
	printf("send after peer close: %d\n", rc);
	usleep(300000);
	rc = (int)send(fd, "x", 1, MSG_NOSIGNAL);
	printf("send after RST, MSG_NOSIGNAL: %s sigpipes %d\n", res(rc),
	       (int)sigpipes);
	rc = (int)send(fd, "x", 1, 0);
	printf("send after RST: %s sigpipes %d\n", res(rc), (int)sigpipes);
	rc = connect(fd, (struct sockaddr *)&srv, sizeof(srv));
	printf("connect after the end: %s\n", res(rc));
	close(fd);

	/* A second connection: FIONREAD, MSG_PEEK, MSG_WAITALL, EISCONN. */
	fd = tcp_socket();
	if (connect(fd, (struct sockaddr *)&srv, sizeof(srv)))
		die("connect");
	rc = connect(fd, (struct sockaddr *)&srv, sizeof(srv));
	printf("connect connected: %s\n", res(rc));
	snprintf(buf, sizeof(buf),
		 "GET /n/42 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	if (write(fd, buf, strlen(buf)) != (ssize_t)strlen(buf))
		die("write");
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	if (poll(&p, 1, 5000) != 1)
		die("poll for the reply");
	usleep(100000);
	{
		/* pselect and select see the reply; select leaves the
		 * time not slept in its timeval (Linux), pselect does not
		 * touch its timespec. */
		struct timespec ts = { 5, 0 };
		struct timeval stv = { 5, 0 };
		fd_set rs, ws;
		sigset_t none;

		sigemptyset(&none);
		FD_ZERO(&rs);
		FD_SET(fd, &rs);
		rc = pselect(fd + 1, &rs, NULL, NULL, &ts, &none);
		printf("pselect reply: %d %d ts %lld.%09ld\n", rc,
		       FD_ISSET(fd, &rs) != 0, (long long)ts.tv_sec,
		       ts.tv_nsec);
		FD_ZERO(&rs);
		FD_SET(fd, &rs);
		FD_ZERO(&ws);
		FD_SET(fd, &ws);
		rc = select(fd + 1, &rs, &ws, NULL, &stv);
		printf("select reply: %d r%d w%d tv %s\n", rc,
		       FD_ISSET(fd, &rs) != 0, FD_ISSET(fd, &ws) != 0,
		       stv.tv_sec >= 4 && stv.tv_sec <= 5 ? "4..5 s left"
							  : "wrong");
		FD_ZERO(&ws);
		FD_SET(fd, &ws);
		stv = (struct timeval){ 0, 200000 };
		rc = select(fd + 1, NULL, NULL, &ws, &stv);
		printf("select nothing: %d tv %ld.%06ld\n", rc,
		       (long)stv.tv_sec, (long)stv.tv_usec);
		ts = (struct timespec){ 0, -1 };
		rc = pselect(fd + 1, &rs, NULL, NULL, &ts, NULL);
		printf("pselect bad timeout: %s\n", res(rc));
	}
	rc = ioctl(fd, FIONREAD, &v);
	printf("FIONREAD: %s %s\n", res(rc), v > 0 ? ">0" : "0");
	rc = (int)recv(fd, buf, 4, MSG_PEEK);
	printf("MSG_PEEK: %d %.4s\n", rc, buf);
	rc = (int)recv(fd, buf, 8, MSG_WAITALL);
	printf("MSG_WAITALL: %d %.8s\n", rc, buf);
	rc = shutdown(fd, SHUT_WR);
	printf("shutdown SHUT_WR: %s\n", res(rc));
	rc = (int)send(fd, "x", 1, MSG_NOSIGNAL);
	printf("send after SHUT_WR: %s\n", res(rc));
	rc = shutdown(fd, 7);
	printf("shutdown bad how: %s\n", res(rc));
	close(fd);

	/* writev/readv: the request in three pieces, the reply in two. */
	fd = tcp_socket();
	if (connect(fd, (struct sockaddr *)&srv, sizeof(srv)))
		die("connect");
	{
		char a[] = "GET /n/", b[] = "99 HTTP/1.1\r\nHost: x\r\n",
		     c[] = "Connection: close\r\n\r\n", r1[8], r2[4000];
		struct iovec w[3] = { { a, strlen(a) },
				      { b, strlen(b) },
				      { c, strlen(c) } };
		struct iovec r[2] = { { r1, sizeof(r1) },
				      { r2, sizeof(r2) - 1 } };
		ssize_t n, total = 0;

		n = writev(fd, w, 3);
		printf("writev: %s\n",
		       n == (ssize_t)(strlen(a) + strlen(b) + strlen(c))
			       ? "all"
			       : "short");
		p = (struct pollfd){ .fd = fd, .events = POLLIN };
		(void)poll(&p, 1, 5000);
		usleep(100000);
		n = readv(fd, r, 2);
		total = n;
		printf("readv: %s %.8s\n", n > 8 ? ">8" : "short", r1);
		while (n > 0 && (n = read(fd, r2, sizeof(r2) - 1)) > 0)
			total += n;
		printf("readv then read to EOF: %s\n", total > 8 ? "ok" : "?");
	}
	close(fd);

	/* sendfile: the request comes from a file, with an offset. */
	fd = tcp_socket();
	if (connect(fd, (struct sockaddr *)&srv, sizeof(srv)))
		die("connect");
	{
		char path[] = "/tmp/shim_tcp_check.XXXXXX";
		const char *req =
			"xxGET /n/5 HTTP/1.1\r\nHost: x\r\nConnection: "
			"close\r\n\r\n";
		int ffd = mkstemp(path);
		off_t off = 2;
		ssize_t n;

		if (ffd < 0 || write(ffd, req, strlen(req)) < 0)
			die("temp file");
		unlink(path);
		n = sendfile(fd, ffd, &off, strlen(req) - 2);
		printf("sendfile: %s offset %s\n",
		       n == (ssize_t)strlen(req) - 2 ? "all" : "short",
		       off == (off_t)strlen(req) ? "moved" : "wrong");
		close(ffd);
		buf[0] = 0;
		{
			size_t got = 0;

			while ((n = recv(fd, buf + got, sizeof(buf) - 1 - got,
					 0)) > 0)
				got += (size_t)n;
			buf[got] = 0;
		}
		printf("sendfile reply: %s\n",
		       strstr(buf, "reply 5\n") ? "ok" : "WRONG");
	}
	close(fd);

	/* A signal interrupts a blocking recv (no SA_RESTART): EINTR. */
	fd = tcp_socket();
	if (connect(fd, (struct sockaddr *)&srv, sizeof(srv)))
		die("connect");
	{
		struct sigaction sa = { .sa_handler = on_alarm };
		struct itimerval it = { .it_value = { 0, 200000 } };

		sigemptyset(&sa.sa_mask);
		sigaction(SIGALRM, &sa, NULL);
		setitimer(ITIMER_REAL, &it, NULL);
		rc = (int)recv(fd, buf, sizeof(buf), 0);
		printf("recv interrupted: %s\n", res(rc));
	}
	close(fd);

	/* A listener on the local address: nothing to accept yet. */
	fd = tcp_socket();
	me.sin_port = 0;
	me.sin_addr = want_me;
	rc = bind(fd, (struct sockaddr *)&me, sizeof(me));
	printf("bind local: %s\n", res(rc));
	rc = (int)accept(fd, NULL, NULL);
	printf("accept before listen: %s\n", res(rc));
	rc = listen(fd, 8);
	printf("listen: %s\n", res(rc));
	len = sizeof(v);
	rc = getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len);
	printf("SO_ACCEPTCONN: %s %d\n", res(rc), v);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	rc = accept(fd, NULL, NULL);
	printf("accept empty: %s\n", res(rc));
	rc = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	printf("accept4 empty: %s\n", res(rc));
	rc = accept4(fd, NULL, NULL, 0x4000);
	printf("accept4 bad flags: %s\n", res(rc));
	p = (struct pollfd){ .fd = fd, .events = POLLIN | POLLOUT };
	rc = poll(&p, 1, 0);
	printf("poll idle listener: %d\n", rc);
	rc = (int)recv(fd, buf, 1, 0);
	printf("recv on listener: %s\n", res(rc));
	close(fd);
	if (argc == 6) {
		struct sockaddr_in oob = srv;

		oob.sin_port = htons((uint16_t)strtol(argv[5], NULL, 10));
		oob_cases(&oob, &want_me);
	}
	printf("done\n");
	return 0;
}
