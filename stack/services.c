// SPDX-License-Identifier: MIT
/*
 * services.c - echo (RFC 862), discard (RFC 863), chargen (RFC 864) and
 * daytime (RFC 867) over UDP on the engine's socket layer
 *
 * Each service is a socket bound to 0.0.0.0:port whose readiness callback
 * drains the queue and answers each datagram.  The service kind travels
 * as the callback argument, so there is no per-service state to free: the
 * sockets belong to the UDP table.  TCP versions will add a listener per
 * service next to svc_start_udp().
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
	struct sockaddr_in from;
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
		    loop_prone_port(ntohs(from.sin_port)))
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
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(s->port) };
	struct sock *sk;
	int rc = sock_create(eng, AF_INET, SOCK_DGRAM, 0, &sk);

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
		log_info("services: %s on udp port %u",
			 svc_table[specs[i].kind].name, specs[i].port);
	}
	return 0;
}
