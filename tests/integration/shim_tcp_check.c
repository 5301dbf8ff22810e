// SPDX-License-Identifier: MIT
/*
 * shim_tcp_check.c - TCP socket semantics a program relies on, printed so
 * that a run on the kernel and a run under libnsshim.so can be compared
 * line by line
 *
 * Usage: shim_tcp_check SERVER_IP PORT CLOSED_PORT EXPECTED_LOCAL_IP
 * The server is an HTTP/1.1 server answering GET /n/<i> with "reply <i>"
 * (shim_http.py); nothing listens on CLOSED_PORT.  Nothing printed depends
 * on fd numbers, ports or timing, except the local address, which is
 * checked against EXPECTED_LOCAL_IP and printed as "ok".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

	if (argc != 5 || inet_pton(AF_INET, argv[1], &srv.sin_addr) != 1 ||
	    inet_pton(AF_INET, argv[4], &want_me) != 1) {
		fprintf(stderr,
			"usage: %s SERVER_IP PORT CLOSED_PORT LOCAL_IP\n",
			argv[0]);
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
	printf("done\n");
	return 0;
}
