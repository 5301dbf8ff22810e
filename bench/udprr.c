// SPDX-License-Identifier: MIT
/*
 * udprr.c - request/response latency and datagram throughput probe for the
 * kernel-versus-nsstack comparison benchmarks
 *
 * Theory of operation
 *
 * One small program plays every role bench/run.sh needs, so the kernel
 * baseline and the engine are measured by exactly the same code:
 *
 *   udprr server [-t] [-d] [-b ADDR] -p PORT [-T S]
 *	echo (default) or discard (-d) server over UDP, or TCP with -t.  It
 *	runs until SIGINT/SIGTERM or -T seconds pass; a discard server also
 *	stops after -i milliseconds without traffic once traffic has started
 *	(the end of a throughput run).  It prints what it received.
 *   udprr rr [-t] -h HOST -p PORT -s SIZE -n N [-w WARMUP] [-T S] [-o FILE]
 *	N requests of SIZE bytes, one at a time; each round trip is timed
 *	with CLOCK_MONOTONIC.  Percentiles over the N (after WARMUP unmeasured
 *	ones); -o writes every sample in microseconds, one per line, for CDFs.
 *	The run is bounded: it stops after -T seconds, or after
 *	RR_MAX_LOST_RUN requests in a row go unanswered (a dead peer would
 *	otherwise cost N times the 200 ms loss timeout).
 *   udprr icmp -h HOST -s SIZE -n N [-g GAP_US] [-w WARMUP] [-o FILE]
 *	the same over ICMP echo (an unprivileged "ping socket", which needs
 *	net.ipv4.ping_group_range to include our group): ping(8) prints
 *	round trips in steps of 1 us, too coarse for the 2-10 us of a
 *	veth or a TAP.  -g spaces requests like ping -i does.
 *   udprr blast -h HOST -p PORT -s SIZE -T SECONDS
 *	sends SIZE-byte datagrams as fast as the socket takes them for a
 *	bounded time; the receiver (a discard server, or the engine's
 *	discard service and its counters) says how many arrived.
 *
 * Every role prints one JSON object on stdout, including its own CPU time
 * (getrusage), so run.sh can compute CPU cost per request and per byte.
 *
 * Only plain BSD socket calls are used (socket, bind, connect, send, recv,
 * sendto, recvfrom, accept, setsockopt with SO_RCVTIMEO, TCP_NODELAY), and
 * no poll/epoll, so that the same binary works under LD_PRELOAD of
 * libnsshim.so for the shimmed direction.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define MAX_SIZE 65507 /* largest UDP payload over IPv4 */
#define MAX_REQUESTS 10000000
#define RR_TIMEOUT_MS 200  /* a request unanswered this long is lost */
#define RR_MAX_LOST_RUN 25 /* give up after this many losses in a row */

/* Set by SIGINT/SIGTERM; blocking calls return EINTR (no SA_RESTART). */
static volatile sig_atomic_t stop_flag;

struct opts {
	const char *role;
	const char *host;
	const char *bind_addr;
	const char *samples_path;
	int port;
	size_t size;
	long requests;
	long warmup;
	double seconds;
	long idle_ms;
	long gap_us;
	bool tcp;
	bool icmp;
	bool discard;
};

/**
 * on_signal() - ask the main loop to finish and report
 * @sig: the signal (unused)
 */
static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/**
 * now_ns() - CLOCK_MONOTONIC in nanoseconds
 *
 * Return: nanoseconds since an arbitrary epoch.
 */
static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/**
 * cpu_seconds() - this process's user and system CPU time
 * @user: filled with user seconds
 * @sys: filled with system seconds
 */
static void cpu_seconds(double *user, double *sys)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*user = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	*sys = (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/**
 * die() - print a message with errno's text and exit with status 1
 * @what: what failed
 */
static void die(const char *what)
{
	fprintf(stderr, "udprr: %s: %s\n", what, strerror(errno));
	exit(1);
}

/**
 * usage() - print the synopsis and exit with status 2
 */
static void usage(void)
{
	fputs("usage: udprr server [-t] [-d] [-b ADDR] -p PORT [-T S] [-i MS]\n"
	      "       udprr rr [-t] -h HOST -p PORT -s SIZE -n N [-w W] "
	      "[-T S] [-o FILE]\n"
	      "       udprr icmp -h HOST -s SIZE -n N [-g GAP_US] [-w W] "
	      "[-o FILE]\n"
	      "       udprr blast -h HOST -p PORT -s SIZE -T SECONDS\n",
	      stderr);
	exit(2);
}

/**
 * set_rcvtimeo() - bound every blocking receive on @fd
 * @fd: the socket
 * @ms: timeout in milliseconds
 */
static void set_rcvtimeo(int fd, long ms)
{
	struct timeval tv = { .tv_sec = ms / 1000,
			      .tv_usec = (ms % 1000) * 1000 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		die("SO_RCVTIMEO");
}

/**
 * set_nodelay() - turn Nagle off on a TCP socket, as RR benchmarks do
 * @fd: the socket
 */
static void set_nodelay(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
		die("TCP_NODELAY");
}

/**
 * open_client() - a socket connected to @o->host:@o->port
 * @o: options (tcp chooses the socket type)
 *
 * Return: the connected socket; exits on failure.
 */
static int open_client(const struct opts *o)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons((uint16_t)o->port) };
	int fd;

	if (inet_pton(AF_INET, o->host, &sin.sin_addr) != 1) {
		fprintf(stderr, "udprr: %s: not an IPv4 address\n", o->host);
		exit(2);
	}
	fd = socket(AF_INET, o->tcp ? SOCK_STREAM : SOCK_DGRAM,
		    o->icmp ? IPPROTO_ICMP : 0);
	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		die("connect");
	if (o->tcp)
		set_nodelay(fd);
	return fd;
}

/**
 * open_server() - a socket bound to @o->bind_addr:@o->port (listening for
 * TCP)
 * @o: options
 *
 * Return: the socket; exits on failure.
 */
static int open_server(const struct opts *o)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons((uint16_t)o->port) };
	int fd, one = 1;

	if (o->bind_addr &&
	    inet_pton(AF_INET, o->bind_addr, &sin.sin_addr) != 1) {
		fprintf(stderr, "udprr: %s: not an IPv4 address\n",
			o->bind_addr);
		exit(2);
	}
	fd = socket(AF_INET, o->tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		die("SO_REUSEADDR");
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		die("bind");
	if (o->tcp && listen(fd, 16) < 0)
		die("listen");
	return fd;
}

/**
 * cmp_i64() - qsort comparator for int64_t
 * @a: first
 * @b: second
 *
 * Return: <0, 0 or >0.
 */
static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/**
 * pctl_us() - the @p-th percentile of sorted samples, nearest rank
 * @s: samples in nanoseconds, sorted ascending
 * @n: number of samples (> 0)
 * @p: percentile, 0..100
 *
 * Return: the percentile in microseconds.
 */
static double pctl_us(const int64_t *s, long n, double p)
{
	long rank = (long)(p / 100.0 * (double)n + 0.999999);

	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return (double)s[rank - 1] / 1000.0;
}

/**
 * xfer_all() - send or receive exactly @len bytes on a stream socket
 * @fd: the socket
 * @buf: data
 * @len: bytes
 * @out: true to send, false to receive
 *
 * Return: 0, or -1 on error, timeout or end of stream.
 */
static int xfer_all(int fd, char *buf, size_t len, bool out)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = out ? send(fd, buf + done, len - done, MSG_NOSIGNAL)
				: recv(fd, buf + done, len - done, 0);
		if (n < 0 && errno == EINTR && !stop_flag)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/**
 * rr_once() - one request and its answer
 * @o: options
 * @fd: connected socket
 * @buf: request buffer of @o->size bytes (plus the 8-byte ICMP echo header
 *	with o->icmp), reused for the answer
 * @seq: request number, stamped into the payload
 *
 * A datagram answer whose stamp is not @seq is a late answer to a request
 * already counted as lost: it is skipped.  On a ping socket the kernel
 * fills in the identifier and the checksum (RFC 792 echo).
 *
 * Return: round-trip time in nanoseconds, or -1 when lost.
 */
static int64_t rr_once(const struct opts *o, int fd, char *buf, long seq)
{
	int64_t t0;
	size_t stamp = o->size < sizeof(seq) ? o->size : sizeof(seq);
	size_t hdr = o->icmp ? 8 : 0, len = hdr + o->size;
	long got_seq;

	memset(buf, 0, len);
	memcpy(buf + hdr, &seq, stamp);
	if (o->icmp) {
		buf[0] = 8; /* echo request */
		buf[6] = (char)(seq >> 8);
		buf[7] = (char)seq;
	}
	t0 = now_ns();
	if (o->tcp) {
		if (xfer_all(fd, buf, o->size, true) < 0 ||
		    xfer_all(fd, buf, o->size, false) < 0)
			die("tcp request");
		return now_ns() - t0;
	}
	if (send(fd, buf, len, 0) != (ssize_t)len)
		return -1;
	for (;;) {
		ssize_t n = recv(fd, buf, len, 0);

		if (n < 0)
			return -1; /* timeout, refused or interrupted */
		got_seq = 0;
		memcpy(&got_seq, buf + hdr, stamp);
		if (n == (ssize_t)len && (!o->icmp || buf[0] == 0) &&
		    memcmp(&got_seq, &seq, stamp) == 0)
			return now_ns() - t0;
	}
}

/**
 * pace() - wait until @gap_us microseconds after @t0
 * @t0: when the last request left (CLOCK_MONOTONIC ns)
 * @gap_us: the spacing; 0 for back-to-back requests
 */
static void pace(int64_t t0, long gap_us)
{
	int64_t left = t0 + gap_us * 1000 - now_ns();
	struct timespec ts = { .tv_sec = left / 1000000000,
			       .tv_nsec = left % 1000000000 };

	if (gap_us > 0 && left > 0)
		nanosleep(&ts, NULL);
}

/**
 * run_rr() - the request/response client
 * @o: options
 *
 * Exits through die() on set-up errors; otherwise frees everything on the
 * one exit path.
 *
 * Return: process exit status.
 */
static int run_rr(const struct opts *o)
{
	int64_t *samples = calloc((size_t)o->requests, sizeof(*samples));
	char *buf = malloc(o->size + 8);
	double u0, s0, u1, s1, sum = 0;
	long n = 0, lost = 0, lost_run = 0, i;
	int64_t t_start, t_end, deadline = 0;
	int fd, rc = 0;

	if (!samples || !buf)
		die("malloc");
	fd = open_client(o);
	set_rcvtimeo(fd, RR_TIMEOUT_MS);
	for (i = 0; i < o->warmup && !stop_flag; i++) {
		if (rr_once(o, fd, buf, -1 - i) >= 0)
			lost_run = 0;
		else if (++lost_run >= RR_MAX_LOST_RUN)
			break;
	}
	lost_run = 0;
	cpu_seconds(&u0, &s0);
	t_start = now_ns();
	if (o->seconds > 0)
		deadline = t_start + (int64_t)(o->seconds * 1e9);
	for (i = 0; i < o->requests && !stop_flag; i++) {
		int64_t t0 = now_ns(), rtt = rr_once(o, fd, buf, i);

		pace(t0, o->gap_us);
		if (deadline && t0 > deadline)
			break;
		if (rtt < 0) {
			lost++;
			if (++lost_run >= RR_MAX_LOST_RUN)
				break;
			continue;
		}
		lost_run = 0;
		samples[n++] = rtt;
		sum += (double)rtt;
	}
	t_end = now_ns();
	cpu_seconds(&u1, &s1);
	if (n == 0) {
		fprintf(stderr, "udprr: no answers from %s:%d\n", o->host,
			o->port);
		rc = 1;
		goto out;
	}
	if (o->samples_path) {
		FILE *f = fopen(o->samples_path, "w");

		if (!f)
			die(o->samples_path);
		for (i = 0; i < n; i++)
			fprintf(f, "%.3f\n", (double)samples[i] / 1000.0);
		fclose(f);
	}
	qsort(samples, (size_t)n, sizeof(*samples), cmp_i64);
	printf("{\"role\":\"rr\",\"proto\":\"%s\",\"host\":\"%s\",\"port\":%d,"
	       "\"size\":%zu,\"gap_us\":%ld,\"requests\":%ld,\"warmup\":%ld,"
	       "\"answered\":%ld,"
	       "\"lost\":%ld,\"min_us\":%.3f,\"avg_us\":%.3f,\"p50_us\":%.3f,"
	       "\"p99_us\":%.3f,\"p999_us\":%.3f,\"max_us\":%.3f,"
	       "\"elapsed_s\":%.6f,\"rps\":%.1f,\"utime_s\":%.6f,"
	       "\"stime_s\":%.6f}\n",
	       o->tcp ? "tcp" : (o->icmp ? "icmp" : "udp"), o->host, o->port,
	       o->size, o->gap_us, o->requests, o->warmup, n, lost,
	       (double)samples[0] / 1000.0, sum / (double)n / 1000.0,
	       pctl_us(samples, n, 50), pctl_us(samples, n, 99),
	       pctl_us(samples, n, 99.9), (double)samples[n - 1] / 1000.0,
	       (double)(t_end - t_start) / 1e9,
	       (double)(n + lost) / ((double)(t_end - t_start) / 1e9), u1 - u0,
	       s1 - s0);
out:
	free(samples);
	free(buf);
	close(fd);
	return rc;
}

/**
 * run_blast() - send datagrams as fast as possible for o->seconds
 * @o: options
 *
 * Errors from send() are counted, not fatal: ENOBUFS when a queue is
 * full, ECONNREFUSED after an ICMP port unreachable.
 *
 * Return: process exit status.
 */
static int run_blast(const struct opts *o)
{
	char *buf = calloc(1, o->size);
	long sent = 0, errors = 0, i;
	double u0, s0, u1, s1;
	int64_t t0, t_end, t;
	int fd;

	if (!buf)
		die("malloc");
	fd = open_client(o);
	cpu_seconds(&u0, &s0);
	t0 = now_ns();
	t_end = t0 + (int64_t)(o->seconds * 1e9);
	do {
		for (i = 0; i < 64; i++) {
			memcpy(buf, &sent, o->size < 8 ? o->size : 8);
			if (send(fd, buf, o->size, 0) == (ssize_t)o->size)
				sent++;
			else
				errors++;
		}
		t = now_ns();
	} while (t < t_end && !stop_flag);
	cpu_seconds(&u1, &s1);
	printf("{\"role\":\"blast\",\"host\":\"%s\",\"port\":%d,\"size\":%zu,"
	       "\"sent\":%ld,\"send_errors\":%ld,\"elapsed_s\":%.6f,"
	       "\"offered_mbps\":%.3f,\"utime_s\":%.6f,\"stime_s\":%.6f}\n",
	       o->host, o->port, o->size, sent, errors, (double)(t - t0) / 1e9,
	       (double)sent * (double)o->size * 8 / ((double)(t - t0) / 1e3),
	       u1 - u0, s1 - s0);
	free(buf);
	close(fd);
	return 0;
}

/**
 * serve_stream() - echo or discard one TCP connection until it ends
 * @o: options
 * @fd: the accepted connection
 * @buf: scratch buffer of MAX_SIZE bytes
 * @msgs: incremented per read
 * @bytes: incremented by bytes read
 */
static void serve_stream(const struct opts *o, int fd, char *buf, long *msgs,
			 long *bytes)
{
	set_nodelay(fd);
	while (!stop_flag) {
		ssize_t n = recv(fd, buf, MAX_SIZE, 0);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue; /* SO_RCVTIMEO is inherited from the listener */
		if (n <= 0)
			break;
		(*msgs)++;
		*bytes += n;
		if (!o->discard && xfer_all(fd, buf, (size_t)n, true) < 0)
			break;
	}
	close(fd);
}

/**
 * run_server() - echo or discard server
 * @o: options
 *
 * Return: process exit status.
 */
static int run_server(const struct opts *o)
{
	char *buf = malloc(MAX_SIZE);
	long msgs = 0, bytes = 0;
	double u0, s0, u1, s1;
	int64_t t_first = 0, t_last = 0, deadline;
	int fd;

	if (!buf)
		die("malloc");
	fd = open_server(o);
	cpu_seconds(&u0, &s0);
	deadline = o->seconds > 0 ? now_ns() + (int64_t)(o->seconds * 1e9) : 0;
	/* Wake up at least every 100 ms to check the deadline. */
	set_rcvtimeo(fd, o->discard && o->idle_ms > 0 && o->idle_ms < 100
				 ? o->idle_ms
				 : 100);
	while (!stop_flag && (!deadline || now_ns() < deadline)) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		ssize_t n;

		if (o->tcp) {
			int c = accept(fd, (struct sockaddr *)&peer, &plen);

			if (c >= 0)
				serve_stream(o, c, buf, &msgs, &bytes);
			continue;
		}
		n = recvfrom(fd, buf, MAX_SIZE, 0, (struct sockaddr *)&peer,
			     &plen);
		if (n < 0) {
			if (o->discard && msgs > 0 && o->idle_ms > 0 &&
			    now_ns() - t_last > o->idle_ms * 1000000)
				break; /* the sender has finished */
			continue;
		}
		t_last = now_ns();
		if (msgs++ == 0)
			t_first = t_last;
		bytes += n;
		if (!o->discard)
			sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer,
			       plen);
	}
	cpu_seconds(&u1, &s1);
	printf("{\"role\":\"server\",\"proto\":\"%s\",\"mode\":\"%s\","
	       "\"port\":%d,\"received\":%ld,\"bytes\":%ld,\"active_s\":%.6f,"
	       "\"utime_s\":%.6f,\"stime_s\":%.6f}\n",
	       o->tcp ? "tcp" : "udp", o->discard ? "discard" : "echo", o->port,
	       msgs, bytes, (double)(t_last - t_first) / 1e9, u1 - u0, s1 - s0);
	fflush(stdout);
	free(buf);
	close(fd);
	return 0;
}

/**
 * parse_long() - a decimal option argument within [@lo, @hi]
 * @s: the text
 * @lo: smallest accepted
 * @hi: largest accepted
 *
 * Return: the value; exits with a usage error otherwise.
 */
static long parse_long(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi) {
		fprintf(stderr, "udprr: %s: want a number in %ld..%ld\n", s, lo,
			hi);
		exit(2);
	}
	return v;
}

/**
 * main() - parse the role and options, run the role
 * @argc: argument count
 * @argv: role, then options
 *
 * Return: 0 on success, 1 on a run-time failure, 2 on a usage error.
 */
int main(int argc, char **argv)
{
	struct opts o = {
		.size = 1, .requests = 10000, .warmup = 100, .idle_ms = 500
	};
	struct sigaction sa = { .sa_handler = on_signal };
	int c;

	if (argc < 2)
		usage();
	o.role = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "tdb:h:p:s:n:w:g:T:i:o:")) != -1) {
		switch (c) {
		case 't':
			o.tcp = true;
			break;
		case 'd':
			o.discard = true;
			break;
		case 'b':
			o.bind_addr = optarg;
			break;
		case 'h':
			o.host = optarg;
			break;
		case 'p':
			o.port = (int)parse_long(optarg, 1, 65535);
			break;
		case 's':
			o.size = (size_t)parse_long(optarg, 1, MAX_SIZE);
			break;
		case 'n':
			o.requests = parse_long(optarg, 1, MAX_REQUESTS);
			break;
		case 'w':
			o.warmup = parse_long(optarg, 0, MAX_REQUESTS);
			break;
		case 'g':
			o.gap_us = parse_long(optarg, 0, 1000000);
			break;
		case 'T':
			o.seconds = (double)parse_long(optarg, 0, 3600);
			break;
		case 'i':
			o.idle_ms = parse_long(optarg, 0, 60000);
			break;
		case 'o':
			o.samples_path = optarg;
			break;
		default:
			usage();
		}
	}
	o.icmp = strcmp(o.role, "icmp") == 0;
	if (optind != argc || (!o.port && !o.icmp) || (o.icmp && o.tcp))
		usage();
	/* No SA_RESTART: a signal interrupts the blocking call. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (strcmp(o.role, "server") == 0)
		return run_server(&o);
	if (!o.host)
		usage();
	if (strcmp(o.role, "rr") == 0 || o.icmp)
		return run_rr(&o);
	if (strcmp(o.role, "blast") == 0 && o.seconds > 0)
		return run_blast(&o);
	usage();
}
