// SPDX-License-Identifier: MIT
/*
 * services.c - echo (RFC 862), discard (RFC 863), chargen (RFC 864) and
 * daytime (RFC 867) over UDP on the engine's socket layer
 *
 * Each service is a dual-stack AF_INET6 socket bound to [::]:port (so it
 * answers IPv4 and IPv6 peers alike) whose readiness callback
 * drains the queue and answers each datagram.  The service kind travels
 * as the callback argument, so there is no per-service state to free: the
 * sockets belong to the UDP table.
 *
 * Over TCP each service is a listener, also dual-stack on [::]:port
 * (tcp6.c: IPv4 peers arrive v4-mapped), whose callback accepts every
 * pending connection; each connection gets a small struct svc_conn (freed
 * with its TCB) and a readiness callback: echo copies what arrives back
 * as far as the send buffer has room (so a peer that does not read
 * closes our receive window, not our memory), discard reads and forgets,
 * chargen keeps the send buffer full of the RFC 864 pattern until the
 * peer closes, daytime writes one line and closes.  At end of stream the
 * server closes too, which sends its FIN after any queued data.
 *
 * Datagrams from the small-service ports themselves (7, 9, 13, 19) and
 * from port 0 are not answered: an echo or chargen reply to another echo
 * or chargen service starts an endless loop between the two (the
 * "fraggle" / CVE-1999-0103 problem).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "hash.h"
#include "log.h"
#include "services.h"
#include "socket.h"
#include "tcp.h"

enum svc_kind { SVC_ECHO, SVC_DISCARD, SVC_CHARGEN, SVC_DAYTIME };

static const struct {
	const char *name;
	enum svc_kind kind;
	uint16_t port;
} svc_table[] = {
	{ "echo", SVC_ECHO, 7 },
	{ "discard", SVC_DISCARD, 9 },
	{ "chargen", SVC_CHARGEN, 19 },
	{ "daytime", SVC_DAYTIME, 13 },
};

/* Callback arguments: the kind, by address (never written). */
static enum svc_kind svc_kinds[] = { SVC_ECHO, SVC_DISCARD, SVC_CHARGEN,
				     SVC_DAYTIME };

#define SVC_MAX 16
#define CHARGEN_MAX 512 /* RFC 864: 0 to 512 characters per datagram */
#define CHARGEN_LINE 72

struct svc_spec {
	enum svc_kind kind;
	uint16_t port;
};

static bool loop_prone_port(uint16_t port)
{
	return port == 0 || port == 7 || port == 9 || port == 13 || port == 19;
}

/* RFC 864: lines of 72 printable characters, each starting one later. */
static size_t chargen_fill(uint8_t *buf, size_t len)
{
	size_t n = 0, line = 0;

	while (n < len) {
		for (size_t i = 0; i < CHARGEN_LINE && n < len; i++)
			buf[n++] = (uint8_t)(' ' + (line + i) % 95);
		if (n < len)
			buf[n++] = '\r';
		if (n < len)
			buf[n++] = '\n';
		line++;
	}
	return n;
}

/* RFC 867 suggests "Weekday, Month Day, Year Time-Zone". */
static size_t daytime_fill(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		return 0;
	return strftime(buf, len, "%A, %B %d, %Y %H:%M:%S-UTC\r\n", &tm);
}

static void svc_udp_ready(struct sock *sk, unsigned int events, void *arg)
{
	enum svc_kind kind = *(const enum svc_kind *)arg;
	uint8_t *buf = malloc(65536);
	struct sockaddr_in6 from; /* dual-stack: IPv4 peers come v4-mapped */
	socklen_t flen;
	ssize_t n;
	size_t out;

	(void)events;
	if (!buf)
		return;
	for (;;) {
		flen = sizeof(from);
		n = sock_recvfrom(sk, buf, 65536, 0, (struct sockaddr *)&from,
				  &flen);
		if (n < 0)
			break;
		if (kind == SVC_DISCARD ||
		    loop_prone_port(ntohs(from.sin6_port)))
			continue;
		switch (kind) {
		case SVC_ECHO:
			out = (size_t)n;
			break;
		case SVC_CHARGEN:
			out = chargen_fill(buf, rand_range(0, CHARGEN_MAX));
			break;
		case SVC_DAYTIME:
			out = daytime_fill((char *)buf, 65536);
			break;
		case SVC_DISCARD:
		default:
			continue;
		}
		/* A failed reply (no route, no neighbour) is the peer's
		 * loss: UDP services do not retry. */
		sock_sendto(sk, buf, out, 0, (struct sockaddr *)&from, flen);
	}
	free(buf);
}

static int svc_start_udp(struct engine *eng, const struct svc_spec *s)
{
	struct sockaddr_in6 sin = { .sin6_family = AF_INET6,
				    .sin6_port = htons(s->port) };
	struct sock *sk;
	int rc = sock_create(eng, AF_INET6, SOCK_DGRAM, 0, &sk);

	if (rc)
		return rc;
	rc = sock_bind(sk, (struct sockaddr *)&sin, sizeof(sin));
	if (rc) {
		sock_close(sk);
		return rc;
	}
	sock_set_ready(sk, svc_udp_ready, &svc_kinds[s->kind]);
	return 0;
}

/* One TCP connection of a service. */
struct svc_conn {
	enum svc_kind kind;
	size_t chargen_off; /* position in the RFC 864 pattern */
};

/* RFC 864 over TCP is one endless stream: 95 lines of 74 bytes repeat. */
#define CHARGEN_PERIOD ((size_t)95 * (CHARGEN_LINE + 2))
/* Many periods back to back, so one tcp_send() can fill the whole send
 * buffer: one write becomes one TSO super-segment rather than a 7 KB
 * segment train per period. */
#define CHARGEN_BUF (CHARGEN_PERIOD * 64)
static uint8_t chargen_pattern[CHARGEN_BUF];

static void svc_tcp_conn_ready(struct tcb *c, unsigned int events, void *arg);

/* Read and forget; true when the stream ended or failed. */
static bool drain(struct tcb *c, uint8_t *buf, size_t cap)
{
	for (;;) {
		ssize_t n = tcp_recv(c, buf, cap, 0);

		if (n == -EAGAIN)
			return false;
		if (n <= 0)
			return true;
	}
}

static void svc_tcp_conn_ready(struct tcb *c, unsigned int events, void *arg)
{
	struct svc_conn *sc = arg;
	uint8_t buf[16384];
	bool done = false;
	ssize_t n;

	(void)events;
	switch (sc->kind) {
	case SVC_ECHO:
		for (;;) {
			size_t room = tcp_send_space(c);

			if (!room) {
				/* The peer must read first; still notice
				 * a reset or a FIN with nothing queued. */
				done = (tcp_poll(c) & TCP_POLL_ERR) != 0;
				break;
			}
			n = tcp_recv(c, buf,
				     room < sizeof(buf) ? room : sizeof(buf),
				     0);
			if (n == -EAGAIN)
				break;
			if (n <= 0) {
				done = true;
				break;
			}
			tcp_send(c, buf, (size_t)n, 0);
		}
		break;
	case SVC_DISCARD:
		done = drain(c, buf, sizeof(buf));
		break;
	case SVC_CHARGEN:
		done = drain(c, buf, sizeof(buf));
		while (!done && tcp_send_space(c)) {
			size_t off = sc->chargen_off % CHARGEN_PERIOD;

			n = tcp_send(c, chargen_pattern + off,
				     CHARGEN_BUF - off, 0);
			if (n <= 0) {
				done = n != -EAGAIN;
				break;
			}
			sc->chargen_off += (size_t)n;
		}
		break;
	case SVC_DAYTIME:
	default:
		n = (ssize_t)daytime_fill((char *)buf, sizeof(buf));
		tcp_send(c, buf, (size_t)n, 0);
		done = true;
		break;
	}
	if (done)
		tcp_close(c);
}

static void svc_tcp_listen_ready(struct tcb *ln, unsigned int events, void *arg)
{
	enum svc_kind kind = *(const enum svc_kind *)arg;
	struct tcb *c;

	(void)events;
	while (tcp_accept(ln, &c, NULL, NULL) == 0) {
		struct svc_conn *sc = calloc(1, sizeof(*sc));

		if (!sc) {
			tcp_close(c);
			continue;
		}
		sc->kind = kind;
		c->svc = sc; /* freed with the TCB */
		tcp_set_ready(c, svc_tcp_conn_ready, sc);
		svc_tcp_conn_ready(c, tcp_poll(c), sc);
	}
}

static int svc_start_tcp(struct engine *eng, const struct svc_spec *s)
{
	/* Dual-stack like the UDP side: [::]:port takes IPv4 peers too. */
	struct sockaddr_in6 sin = { .sin6_family = AF_INET6,
				    .sin6_port = htons(s->port),
				    .sin6_addr = IN6ADDR_ANY_INIT };
	struct tcb *ln;
	int rc = tcp_socket_af(eng, AF_INET6, &ln);

	if (rc)
		return rc;
	if (!chargen_pattern[0])
		for (size_t i = 0; i < CHARGEN_BUF; i += CHARGEN_PERIOD)
			chargen_fill(chargen_pattern + i, CHARGEN_PERIOD);
	rc = tcp_bind(ln, (struct sockaddr *)&sin, sizeof(sin));
	if (!rc)
		rc = tcp_listen(ln, 4096);
	if (rc) {
		tcp_close(ln);
		return rc;
	}
	tcp_set_ready(ln, svc_tcp_listen_ready, &svc_kinds[s->kind]);
	return 0;
}

/* One "name" or "name:port" item of @len bytes at @item. */
static int parse_item(const char *item, size_t len, struct svc_spec *out)
{
	const char *colon = memchr(item, ':', len);
	size_t nlen = colon ? (size_t)(colon - item) : len;
	unsigned long port;
	char num[8], *end;

	for (size_t i = 0; i < sizeof(svc_table) / sizeof(svc_table[0]); i++) {
		if (strlen(svc_table[i].name) != nlen ||
		    strncmp(svc_table[i].name, item, nlen) != 0)
			continue;
		out->kind = svc_table[i].kind;
		out->port = svc_table[i].port;
		if (!colon)
			return 0;
		len -= nlen + 1;
		if (len == 0 || len >= sizeof(num))
			return -EINVAL;
		memcpy(num, colon + 1, len);
		num[len] = '\0';
		if (num[0] < '0' || num[0] > '9')
			return -EINVAL;
		port = strtoul(num, &end, 10);
		if (*end || port == 0 || port > 65535)
			return -EINVAL;
		out->port = (uint16_t)port;
		return 0;
	}
	return -EINVAL;
}

/**
 * services_start() - start the services named in @spec
 * @spec: comma-separated "name[:port]" items, e.g.
 *	"echo:7,discard:9,chargen:19,daytime:13"; names are echo, discard,
 *	chargen and daytime, ports default to the well-known ones
 *
 * Nothing starts unless the whole spec parses; if one service cannot
 * start, the ones started before it keep running and the error says why.
 *
 * Return: 0; -EINVAL for a bad spec (logged with the offending item);
 * or the socket layer's error (-EADDRINUSE...).
 */
int services_start(struct engine *eng, const char *spec)
{
	struct svc_spec specs[SVC_MAX];
	size_t n = 0;
	const char *p = spec;
	int rc;

	if (!spec || !*spec) {
		log_err("services: empty list");
		return -EINVAL;
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (n == SVC_MAX || parse_item(p, len, &specs[n])) {
			log_err("services: bad item '%.*s' (want "
				"echo|discard|chargen|daytime[:port])",
				(int)len, p);
			return -EINVAL;
		}
		n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	for (size_t i = 0; i < n; i++) {
		rc = svc_start_udp(eng, &specs[i]);
		if (rc) {
			log_err("services: cannot bind udp port %u: %s",
				specs[i].port, strerror(-rc));
			return rc;
		}
		if (eng->tcp) {
			rc = svc_start_tcp(eng, &specs[i]);
			if (rc) {
				log_err("services: cannot listen on tcp port "
					"%u: %s",
					specs[i].port, strerror(-rc));
				return rc;
			}
		}
		log_info("services: %s on udp%s port %u",
			 svc_table[specs[i].kind].name,
			 eng->tcp ? " and tcp" : "", specs[i].port);
	}
	return 0;
}
