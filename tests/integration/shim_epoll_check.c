// SPDX-License-Identifier: MIT
/*
 * shim_epoll_check.c - the epoll(7) semantics programs rely on, over a
 * pipe (a kernel fd) and UDP sockets, printed so that a run on the kernel
 * and a run under libnsshim.so (where the sockets are engine sockets) can
 * be compared line by line
 *
 * Usage: shim_epoll_check SERVER_IP PORT [TCP_PORT]
 *        shim_epoll_check SERVER_IP PORT TCP_PORT death
 * (the second: a nested epoll fd with an engine TCP socket waits for the
 * engine to be killed; see death()).
 * The server echoes every datagram back; with TCP_PORT, a TCP echo server
 * there serves the checks of an epoll fd watched from outside (nested in
 * another epoll, polled, selected).  Nothing printed depends on fd
 * numbers, ports or timing; times are printed as "in range" booleans.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in srv = { .sin_family = AF_INET };
static int ep;

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

static const char *ename(int rc)
{
	static char buf[32];

	if (rc == 0)
		return "0";
	switch (errno) {
	case EBADF:
		return "EBADF";
	case EINVAL:
		return "EINVAL";
	case EEXIST:
		return "EEXIST";
	case ENOENT:
		return "ENOENT";
	case EPERM:
		return "EPERM";
	case EFAULT:
		return "EFAULT";
	case ELOOP:
		return "ELOOP";
	case EINTR:
		return "EINTR";
	default:
		snprintf(buf, sizeof(buf), "errno %d", errno);
		return buf;
	}
}

static int udp(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&srv, sizeof(srv)))
		die("socket/connect");
	return fd;
}

/* echo() - send @msg on @fd and wait (poll, 2 s) until it is back. */
static void echo(int fd, const char *msg)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (send(fd, msg, strlen(msg), 0) != (ssize_t)strlen(msg))
		die("send");
	if (poll(&p, 1, 2000) != 1)
		die("echo did not come back");
}

/* drain() - read every datagram queued on @fd; how many. */
static int drain(int fd)
{
	char buf[256];
	int n = 0;

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		n++;
	return n;
}

static int ctl(int op, int fd, uint32_t events, uint32_t tag)
{
	struct epoll_event ev = { .events = events, .data.u32 = tag };

	return epoll_ctl(ep, op, fd, &ev);
}

/* wait_print() - one epoll_wait, its events printed sorted by tag. */
static int wait_print(const char *what, int max, int timeout)
{
	struct epoll_event ev[16];
	char line[256];
	int n, i, j, off = 0;

	n = epoll_wait(ep, ev, max, timeout);
	if (n < 0) {
		printf("%s: -1 %s\n", what, ename(n));
		return n;
	}
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && ev[j - 1].data.u32 > ev[j].data.u32; j--) {
			struct epoll_event t = ev[j];

			ev[j] = ev[j - 1];
			ev[j - 1] = t;
		}
	line[0] = 0;
	for (i = 0; i < n; i++)
		off += snprintf(line + off, sizeof(line) - (size_t)off,
				" %c:%#x", (char)ev[i].data.u32, ev[i].events);
	printf("%s: n %d%s\n", what, n, line);
	return n;
}

/* Worker threads sharing one epoll set with a ONESHOT socket. */
static int mt_ep, mt_fd;
static _Atomic int mt_got, mt_done, mt_twice;
static _Atomic int mt_inside;

static void *mt_worker(void *arg)
{
	struct epoll_event ev;
	char buf[64];

	(void)arg;
	while (!atomic_load(&mt_done)) {
		if (epoll_wait(mt_ep, &ev, 1, 50) != 1)
			continue;
		/* ONESHOT: no other worker may hold the socket now. */
		if (atomic_fetch_add(&mt_inside, 1) != 0)
			atomic_store(&mt_twice, 1);
		while (recv(mt_fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			atomic_fetch_add(&mt_got, 1);
		atomic_fetch_sub(&mt_inside, 1);
		ev.events = EPOLLIN | EPOLLONESHOT;
		if (epoll_ctl(mt_ep, EPOLL_CTL_MOD, mt_fd, &ev))
			die("worker MOD");
	}
	return NULL;
}

/* threads() - 4 workers on one ONESHOT socket receive 200 echoes. */
static void threads(void)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT };
	pthread_t t[4];
	int64_t t0;
	int i;

	mt_ep = epoll_create1(0);
	mt_fd = udp();
	if (mt_ep < 0 || epoll_ctl(mt_ep, EPOLL_CTL_ADD, mt_fd, &ev))
		die("threads setup");
	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, mt_worker, NULL);
	for (i = 0; i < 200; i++) {
		if (send(mt_fd, "mt", 2, 0) != 2)
			die("send");
		if (i % 20 == 19)
			usleep(20000);
	}
	t0 = now_ms();
	while (atomic_load(&mt_got) < 200 && now_ms() - t0 < 5000)
		usleep(10000);
	atomic_store(&mt_done, 1);
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("4 threads, ONESHOT: got %d, overlap %d\n", atomic_load(&mt_got),
	       atomic_load(&mt_twice));
	close(mt_fd);
	close(mt_ep);
}

static int tag_index(uint32_t tag)
{
	return tag == 'A' ? 0 : tag == 'B' ? 1 : 2;
}

static void errno_table(int a, int b, int p0)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int file = open("/proc/self/cmdline", O_RDONLY);
	int ep2 = epoll_create1(0);

	printf("ADD a: %s\n", ename(ctl(EPOLL_CTL_ADD, a, EPOLLIN, 'A')));
	printf("ADD a again: %s\n", ename(ctl(EPOLL_CTL_ADD, a, EPOLLIN, 'A')));
	printf("MOD b absent: %s\n",
	       ename(ctl(EPOLL_CTL_MOD, b, EPOLLIN, 'B')));
	printf("DEL b absent: %s\n",
	       ename(ctl(EPOLL_CTL_DEL, b, EPOLLIN, 'B')));
	printf("ADD fd -1: %s\n", ename(ctl(EPOLL_CTL_ADD, -1, EPOLLIN, 0)));
	printf("ADD epfd -1: %s\n",
	       ename(epoll_ctl(-1, EPOLL_CTL_ADD, b, &ev)));
	printf("ADD epfd closed: %s\n",
	       ename(epoll_ctl(9999, EPOLL_CTL_ADD, b, &ev)));
	printf("ADD epfd pipe: %s\n",
	       ename(epoll_ctl(p0, EPOLL_CTL_ADD, b, &ev)));
	printf("ADD epfd socket: %s\n",
	       ename(epoll_ctl(a, EPOLL_CTL_ADD, b, &ev)));
	printf("ADD epfd == fd: %s\n",
	       ename(epoll_ctl(b, EPOLL_CTL_ADD, b, &ev)));
	printf("ADD self: %s\n", ename(ctl(EPOLL_CTL_ADD, ep, EPOLLIN, 0)));
	printf("ADD file: %s\n", ename(ctl(EPOLL_CTL_ADD, file, EPOLLIN, 0)));
	printf("ADD NULL event: %s\n",
	       ename((int)syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, b, NULL)));
	printf("MOD a EXCLUSIVE: %s\n",
	       ename(ctl(EPOLL_CTL_MOD, a, EPOLLIN | EPOLLEXCLUSIVE, 'A')));
	printf("ADD b EXCLUSIVE|ONESHOT: %s\n",
	       ename(ctl(EPOLL_CTL_ADD, b,
			 EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 'B')));
	printf("ADD b EXCLUSIVE: %s\n",
	       ename(ctl(EPOLL_CTL_ADD, b, EPOLLIN | EPOLLEXCLUSIVE, 'B')));
	printf("MOD b (exclusive entry): %s\n",
	       ename(ctl(EPOLL_CTL_MOD, b, EPOLLIN, 'B')));
	printf("DEL b: %s\n", ename(ctl(EPOLL_CTL_DEL, b, 0, 0)));
	printf("op 99: %s\n", ename(ctl(99, a, EPOLLIN, 'A')));
	printf("ADD ep2 into ep: %s\n",
	       ename(ctl(EPOLL_CTL_ADD, ep2, EPOLLIN, 'E')));
	printf("ADD ep into ep2 (loop): %s\n",
	       ename(epoll_ctl(ep2, EPOLL_CTL_ADD, ep, &ev)));
	printf("DEL ep2: %s\n", ename(ctl(EPOLL_CTL_DEL, ep2, 0, 0)));
	printf("DEL a: %s\n", ename(ctl(EPOLL_CTL_DEL, a, 0, 0)));
	printf("DEL a again: %s\n", ename(ctl(EPOLL_CTL_DEL, a, 0, 0)));
	printf("raw DEL a again: %s\n",
	       ename((int)syscall(SYS_epoll_ctl, ep, EPOLL_CTL_DEL, a, &ev)));
	printf("wait max 0: %s\n", ename(epoll_wait(ep, &ev, 0, 0)));
	printf("wait epfd pipe: %s\n", ename(epoll_wait(p0, &ev, 1, 0)));
	printf("wait epfd socket: %s\n", ename(epoll_wait(a, &ev, 1, 0)));
	printf("wait epfd -1: %s\n", ename(epoll_wait(-1, &ev, 1, 0)));
	close(file);
	close(ep2);
}

/* nest_print() - one wait on epoll fd @e, printed like wait_print(). */
static void nest_print(int e, const char *what, int timeout)
{
	int saved = ep;

	ep = e;
	wait_print(what, 8, timeout);
	ep = saved;
}

/* poll_print(), select_print() - the inner epoll fd checked from outside. */
static void poll_print(int fd, const char *what, int timeout)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n = poll(&p, 1, timeout);

	printf("%s: poll %d %#x\n", what, n, n > 0 ? p.revents : 0);
}

static void select_print(int fd, const char *what, int timeout_ms)
{
	struct timeval tv = { .tv_sec = timeout_ms / 1000,
			      .tv_usec = (long)(timeout_ms % 1000) * 1000 };
	fd_set r;
	int n;

	FD_ZERO(&r);
	FD_SET(fd, &r);
	n = select(fd + 1, &r, NULL, NULL, &tv);
	printf("%s: select %d %d\n", what, n, n > 0 && FD_ISSET(fd, &r));
}

/* tcp_echo() - send @msg on @fd; wait (poll, 2 s) until it is all back
 * (unread) and report whether it came. */
static void tcp_echo(int fd, const char *msg)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int64_t t0 = now_ms();
	int avail = 0;

	if (send(fd, msg, strlen(msg), 0) != (ssize_t)strlen(msg))
		die("tcp send");
	while (avail < (int)strlen(msg) && now_ms() - t0 < 2000) {
		char buf[64];

		if (poll(&p, 1, 2000) != 1)
			die("tcp echo did not come back");
		avail = (int)recv(fd, buf, sizeof(buf), MSG_PEEK);
		if (avail < (int)strlen(msg))
			usleep(10000);
	}
}

static int tcp_drain(int fd)
{
	char buf[256];
	ssize_t r;
	int n = 0;

	while ((r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0)
		n += (int)r;
	return n;
}

/*
 * nested() - an epoll fd holding an engine TCP socket, watched from
 * outside: in another epoll, with poll() and with select().  Linux reports
 * an epoll fd readable while one of its entries has an event pending.
 */
static void nested(int port)
{
	struct sockaddr_in tsrv = srv;
	int t, in, out, in2;

	printf("== epoll fd watched from outside\n");
	tsrv.sin_port = htons((uint16_t)port);
	t = socket(AF_INET, SOCK_STREAM, 0);
	if (t < 0 || connect(t, (struct sockaddr *)&tsrv, sizeof(tsrv)))
		die("tcp socket/connect");
	in = epoll_create1(EPOLL_CLOEXEC);
	out = epoll_create1(EPOLL_CLOEXEC);
	if (in < 0 || out < 0)
		die("epoll_create1");
	{
		struct epoll_event e = { .events = EPOLLIN, .data.u32 = 'T' };
		struct epoll_event f = { .events = EPOLLIN, .data.u32 = 'I' };

		if (epoll_ctl(in, EPOLL_CTL_ADD, t, &e) ||
		    epoll_ctl(out, EPOLL_CTL_ADD, in, &f))
			die("nested epoll_ctl");
	}
	nest_print(out, "outer, idle, 100 ms", 100);
	poll_print(in, "inner idle", 0);
	select_print(in, "inner idle", 0);
	tcp_echo(t, "ping");
	nest_print(out, "outer, data", 2000);
	nest_print(out, "outer, again (LT)", 0);
	poll_print(in, "inner, data", 2000);
	select_print(in, "inner, data", 2000);
	nest_print(in, "inner, data", 0);
	nest_print(out, "outer, inner not drained", 0);
	printf("drained %d\n", tcp_drain(t));
	nest_print(out, "outer, drained, 100 ms", 100);
	poll_print(in, "inner, drained, 100 ms", 100);
	select_print(in, "inner, drained, 100 ms", 100);
	nest_print(in, "inner, drained", 0);

	/* Data that arrives while the outer one sleeps. */
	if (send(t, "late", 4, 0) != 4)
		die("tcp send");
	nest_print(out, "outer, sleeping when data came", 2000);
	nest_print(in, "inner", 0);
	usleep(100000);
	printf("drained %d\n", tcp_drain(t));

	/* Pending before the socket was added: reported. */
	if (epoll_ctl(in, EPOLL_CTL_DEL, t, NULL))
		die("nested DEL");
	tcp_echo(t, "pong");
	nest_print(out, "outer, socket deleted, 0", 0);
	{
		struct epoll_event e = { .events = EPOLLIN, .data.u32 = 'T' };

		if (epoll_ctl(in, EPOLL_CTL_ADD, t, &e))
			die("nested re-ADD");
	}
	nest_print(out, "outer, pending before ADD", 0);
	poll_print(in, "inner, pending before ADD", 0);
	nest_print(in, "inner, pending before ADD", 0);

	/* Pending before the inner fd was added to a new outer one. */
	in2 = epoll_create1(EPOLL_CLOEXEC);
	{
		struct epoll_event f = { .events = EPOLLIN, .data.u32 = 'J' };

		if (in2 < 0 || epoll_ctl(in2, EPOLL_CTL_ADD, in, &f))
			die("second outer");
	}
	nest_print(in2, "new outer, pending before ADD", 0);
	printf("drained %d\n", tcp_drain(t));
	nest_print(in2, "new outer, drained, 100 ms", 100);

	/* A one-shot entry that fired stops making the inner fd ready. */
	{
		struct epoll_event e = { .events = EPOLLIN | EPOLLONESHOT,
					 .data.u32 = 'T' };

		if (epoll_ctl(in, EPOLL_CTL_MOD, t, &e))
			die("nested MOD");
	}
	tcp_echo(t, "once");
	nest_print(out, "outer, oneshot armed", 2000);
	nest_print(in, "inner, oneshot", 0);
	nest_print(out, "outer, oneshot fired, 100 ms", 100);
	printf("drained %d\n", tcp_drain(t));

	/* Closing the socket takes it out; the inner fd goes quiet. */
	{
		struct epoll_event e = { .events = EPOLLIN, .data.u32 = 'T' };

		if (epoll_ctl(in, EPOLL_CTL_MOD, t, &e))
			die("nested MOD");
	}
	tcp_echo(t, "bye");
	nest_print(out, "outer, before close", 0);
	close(t);
	nest_print(out, "outer, socket closed, 100 ms", 100);
	poll_print(in, "inner, socket closed", 0);
	close(in2);
	close(in);
	close(out);
}

/*
 * death() - an outer epoll waits on an inner one holding an engine TCP
 * socket while the test kills the engine: the outer wait must end (the
 * inner fd turns readable) and the inner one report ERR | HUP.
 */
static int death(int port)
{
	struct sockaddr_in tsrv = srv;
	struct epoll_event e = { .events = EPOLLIN, .data.u32 = 'T' };
	struct epoll_event f = { .events = EPOLLIN, .data.u32 = 'I' };
	struct epoll_event got[4];
	int t, in, out, n;
	int64_t t0;

	tsrv.sin_port = htons((uint16_t)port);
	t = socket(AF_INET, SOCK_STREAM, 0);
	in = epoll_create1(EPOLL_CLOEXEC);
	out = epoll_create1(EPOLL_CLOEXEC);
	if (t < 0 || in < 0 || out < 0 ||
	    connect(t, (struct sockaddr *)&tsrv, sizeof(tsrv)) ||
	    epoll_ctl(in, EPOLL_CTL_ADD, t, &e) ||
	    epoll_ctl(out, EPOLL_CTL_ADD, in, &f))
		die("death setup");
	printf("waiting\n");
	t0 = now_ms();
	n = epoll_wait(out, got, 4, 10000);
	printf("outer: n %d %c:%#x after engine death, fast %d\n", n,
	       n > 0 ? (char)got[0].data.u32 : '-', n > 0 ? got[0].events : 0,
	       now_ms() - t0 < 5000);
	n = epoll_wait(in, got, 4, 0);
	printf("inner: n %d %c err|hup %d\n", n,
	       n > 0 ? (char)got[0].data.u32 : '-',
	       n > 0 && (got[0].events & (EPOLLERR | EPOLLHUP)) ==
				(EPOLLERR | EPOLLHUP));
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { .it_value = { .tv_usec = 100000 } };
	struct timespec ts = { .tv_nsec = 50000000 };
	struct epoll_event ev, evs[8];
	sigset_t block, empty;
	int a, b, c, d, d2, p[2], n, i, cnt[3];
	int64_t t0, dt;

	if (argc < 3 || argc > 5)
		return 2;
	srv.sin_port = htons((uint16_t)strtol(argv[2], NULL, 10));
	inet_pton(AF_INET, argv[1], &srv.sin_addr);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && !strcmp(argv[4], "death"))
		return death((int)strtol(argv[3], NULL, 10));
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0 || pipe(p))
		die("epoll_create1/pipe");
	a = udp();
	b = udp();

	printf("== errno table\n");
	errno_table(a, b, p[0]);

	printf("== level-triggered\n");
	ctl(EPOLL_CTL_ADD, a, EPOLLIN, 'A');
	ctl(EPOLL_CTL_ADD, p[0], EPOLLIN, 'P');
	wait_print("idle, timeout 0", 8, 0);
	t0 = now_ms();
	wait_print("idle, timeout 100", 8, 100);
	dt = now_ms() - t0;
	printf("waited 100 ms: %d\n", dt >= 95 && dt < 1000);
	echo(a, "one");
	wait_print("echo", 8, 2000);
	wait_print("again (LT)", 8, 0);
	if (write(p[1], "x", 1) != 1)
		die("write");
	wait_print("echo + pipe", 8, 2000);
	printf("drained %d\n", drain(a));
	wait_print("pipe only", 8, 0);
	if (read(p[0], &n, 1) != 1)
		die("read");
	wait_print("drained", 8, 0);

	printf("== edge-triggered\n");
	ctl(EPOLL_CTL_MOD, a, EPOLLIN | EPOLLET, 'A');
	echo(a, "two");
	wait_print("arrival", 8, 2000);
	wait_print("no new arrival", 8, 0);
	t0 = now_ms();
	wait_print("no new arrival, 100 ms", 8, 100);
	dt = now_ms() - t0;
	printf("waited 100 ms: %d\n", dt >= 95 && dt < 1000);
	if (send(a, "three", 5, 0) != 5)
		die("send");
	wait_print("second arrival, undrained", 8, 2000);
	wait_print("quiet again", 8, 0);
	printf("drained %d\n", drain(a));
	wait_print("drained", 8, 0);
	echo(a, "four");
	wait_print("arrival after drain", 8, 2000);
	printf("drained %d\n", drain(a));

	printf("== oneshot\n");
	ctl(EPOLL_CTL_MOD, a, EPOLLIN | EPOLLONESHOT, 'A');
	echo(a, "five");
	wait_print("first", 8, 2000);
	wait_print("disabled", 8, 0);
	printf("MOD re-arm: %s\n",
	       ename(ctl(EPOLL_CTL_MOD, a, EPOLLIN | EPOLLONESHOT, 'A')));
	wait_print("re-armed", 8, 0);
	wait_print("disabled again", 8, 0);
	printf("drained %d\n", drain(a));
	ctl(EPOLL_CTL_MOD, a, EPOLLIN, 'A');

	printf("== EPOLLOUT\n");
	ctl(EPOLL_CTL_ADD, b, EPOLLOUT, 'B');
	wait_print("writable", 8, 0);
	ctl(EPOLL_CTL_MOD, b, EPOLLIN | EPOLLOUT, 'B');
	echo(b, "six");
	wait_print("readable and writable", 8, 0);
	printf("drained %d\n", drain(b));
	ctl(EPOLL_CTL_MOD, b, EPOLLOUT, 'B');

	printf("== maxevents 1 round robin\n");
	echo(a, "seven");
	if (write(p[1], "y", 1) != 1)
		die("write");
	memset(cnt, 0, sizeof(cnt));
	for (i = 0; i < 6; i++) {
		if (epoll_wait(ep, &ev, 1, 0) != 1)
			die("round robin wait");
		cnt[tag_index(ev.data.u32)]++;
	}
	printf("6 waits: A %d B %d P %d\n", cnt[0], cnt[1], cnt[2]);
	memset(cnt, 0, sizeof(cnt));
	for (i = 0; i < 30; i++) {
		if (epoll_wait(ep, evs, 2, 0) < 1)
			die("round robin wait");
		cnt[tag_index(evs[0].data.u32)]++;
	}
	printf("30 waits of 2, first event: all seen %d\n",
	       cnt[0] && cnt[1] && cnt[2]);
	wait_print("maxevents 8", 8, 0);
	printf("drained %d\n", drain(a));
	if (read(p[0], &n, 1) != 1)
		die("read");
	ctl(EPOLL_CTL_DEL, b, 0, 0);

	printf("== close removes\n");
	c = udp();
	echo(c, "eight");
	ctl(EPOLL_CTL_ADD, c, EPOLLIN, 'C');
	wait_print("c readable", 8, 0);
	close(c);
	wait_print("c closed", 8, 0);
	d = udp();
	echo(d, "nine");
	ctl(EPOLL_CTL_ADD, d, EPOLLIN, 'D');
	d2 = dup(d);
	close(d);
	wait_print("d closed, dup open", 8, 0);
	printf("DEL via dup: %s\n", ename(ctl(EPOLL_CTL_DEL, d2, 0, 0)));
	close(d2);
	wait_print("dup closed too", 8, 0);
	d = udp();
	echo(d, "ten");
	ctl(EPOLL_CTL_ADD, d, EPOLLIN, 'D');
	syscall(SYS_close, d);
	wait_print("raw close", 8, 0);
	d = udp();
	echo(d, "eleven");
	ctl(EPOLL_CTL_ADD, d, EPOLLIN, 'D');
	d2 = fcntl(d, F_DUPFD_CLOEXEC, 0);
	close_range((unsigned int)d, (unsigned int)d, 0);
	wait_print("close_range, F_DUPFD copy open", 8, 0);
	close_range((unsigned int)d2, (unsigned int)d2, 0);
	wait_print("close_range copy", 8, 0);

	printf("== added before connect\n");
	d = socket(AF_INET, SOCK_DGRAM, 0);
	if (d < 0)
		die("socket");
	printf("ADD unconnected: %s\n",
	       ename(ctl(EPOLL_CTL_ADD, d, EPOLLIN, 'D')));
	if (connect(d, (struct sockaddr *)&srv, sizeof(srv)))
		die("connect");
	wait_print("connected, idle", 8, 0);
	echo(d, "fourteen");
	wait_print("connected, echo", 8, 2000);
	printf("MOD after connect: %s\n",
	       ename(ctl(EPOLL_CTL_MOD, d, EPOLLIN | EPOLLOUT, 'D')));
	wait_print("readable and writable", 8, 0);
	printf("DEL after connect: %s\n", ename(ctl(EPOLL_CTL_DEL, d, 0, 0)));
	wait_print("deleted", 8, 0);
	close(d);

	printf("== dup of the epoll fd\n");
	echo(a, "twelve");
	n = ep;
	ep = dup(n);
	close(n);
	wait_print("through the dup", 8, 0);
	printf("drained %d\n", drain(a));
	wait_print("drained", 8, 0);

	printf("== signals\n");
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	t0 = now_ms();
	n = epoll_wait(ep, evs, 8, 5000);
	printf("SIGALRM during wait: %d %s fast %d\n", n, ename(n),
	       now_ms() - t0 < 2000);
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigemptyset(&empty);
	sigprocmask(SIG_BLOCK, &block, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	t0 = now_ms();
	n = epoll_pwait(ep, evs, 8, 5000, &empty);
	printf("pwait unblocks SIGALRM: %d %s fast %d\n", n, ename(n),
	       now_ms() - t0 < 2000);
	setitimer(ITIMER_REAL, &it, NULL);
	t0 = now_ms();
	n = epoll_pwait(ep, evs, 8, 300, &block);
	dt = now_ms() - t0;
	printf("pwait keeps SIGALRM blocked: %d %s waited %d\n", n, ename(n),
	       dt >= 290 && dt < 2000);
	sigprocmask(SIG_UNBLOCK, &block, NULL); /* the pending one: ignored */
	t0 = now_ms();
	n = epoll_pwait2(ep, evs, 8, &ts, NULL);
	dt = now_ms() - t0;
	printf("pwait2 50 ms: %d waited %d\n", n, dt >= 45 && dt < 1000);
	echo(a, "thirteen");
	n = epoll_pwait2(ep, evs, 8, NULL, NULL);
	printf("pwait2 no timeout: %d %c:%#x\n", n, (char)evs[0].data.u32,
	       evs[0].events);
	printf("drained %d\n", drain(a));
	n = (int)syscall(SYS_epoll_pwait, ep, evs, 8, 0, NULL, 8);
	printf("raw epoll_pwait: %d\n", n);
	{
		struct sockaddr_in x = { 0 }, y = { 0 };
		socklen_t lx = sizeof(x), ly = sizeof(y);
		char buf[16] = { 0 };
		struct pollfd pa = { .fd = a, .events = POLLIN };
		long r;

		getsockname(a, (struct sockaddr *)&x, &lx);
		r = syscall(SYS_getsockname, a, &y, &ly);
		printf("raw getsockname: %ld same %d\n", r,
		       lx == ly && !memcmp(&x, &y, sizeof(x)));
		r = syscall(SYS_sendto, a, "raw", 3, 0, NULL, 0);
		printf("raw sendto: %ld\n", r);
		if (poll(&pa, 1, 2000) != 1)
			die("raw echo");
		r = syscall(SYS_recvfrom, a, buf, sizeof(buf), 0, NULL, NULL);
		printf("raw recvfrom: %ld %s\n", r, buf);
	}
	printf("raw io_uring_setup: %s\n",
	       syscall(SYS_io_uring_setup, 1, NULL) < 0 ? "fails" : "works");

	printf("== threads\n");
	threads();

	if (argc >= 4)
		nested((int)strtol(argv[3], NULL, 10));

	close(a);
	close(b);
	close(ep);
	printf("done\n");
	return 0;
}
