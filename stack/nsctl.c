// SPDX-License-Identifier: MIT
/*
 * nsctl.c - inspect and configure a running nsstackd, as ip(8) and nstat(8)
 * do for the kernel
 *
 * nsctl turns words into one JSON request, sends it over the engine's
 * control socket and prints the reply's data: as text modelled on
 * `ip -br link`, `ip addr` and `nstat -a`, or as JSON with -j.  The engine
 * only returns data; all presentation is here.  Commands nsctl has no
 * parser for (route, neigh, anything a module registers) are sent with
 * their words in args.argv and their data printed generically.
 *
 * Exit status: 0 on success, 1 when the engine cannot be reached or
 * refuses the request, 2 for a usage error.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "nsstack/ctl.h"

#define EXIT_USAGE 2

static void usage(FILE *out)
{
	fputs("usage: nsctl [-s SOCKET] [-j] [-a] COMMAND [ARGS]\n"
	      "\n"
	      "  link [list]                       interfaces, like ip -br "
	      "link\n"
	      "  link add tap|tun NAME [--create] [--persist] [--mtu N]\n"
	      "           [--mac MAC] [--peer-mac MAC]\n"
	      "  link del NAME\n"
	      "  addr [list] [dev NAME]            addresses, like ip addr\n"
	      "  addr add|del A.B.C.D/N dev NAME\n"
	      "  route ...                         routes (the route module)\n"
	      "  neigh ...                         neighbours (the neighbour "
	      "module)\n"
	      "  stats                             counters, like nstat "
	      "(nonzero; -a all)\n"
	      "  capture [show] | capture start FILE | capture stop\n"
	      "  dhcp                              DHCPv4 client state and "
	      "leases\n"
	      "  dhcp6                             DHCPv6 client state, "
	      "addresses, DNS\n"
	      "  dns                               DNS servers learnt (dhcp6, "
	      "ra, dhcp4)\n"
	      "  commands                          what the engine serves\n"
	      "\n"
	      "  -s SOCKET  control socket (default $XDG_RUNTIME_DIR/"
	      "nsstack.sock,\n"
	      "             else /run/nsstack.sock)\n"
	      "  -j         print the reply's data as JSON\n"
	      "  -a         stats: include counters that are zero\n",
	      out);
}

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("nsctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see nsctl --help)\n", stderr);
	return EXIT_USAGE;
}

/*
 * transact() - send @req to the engine at @path and read the whole reply
 *
 * Return: the parsed reply, or NULL with a line printed.
 */
static struct json_object *transact(const char *path, struct json_object *req)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 10 };
	const char *text = json_object_to_json_string_ext(
		req, JSON_C_TO_STRING_PLAIN);
	struct json_object *reply = NULL;
	char *buf = NULL;
	size_t len = 0;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "nsctl: socket path too long: %s\n", path);
		return NULL;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "nsctl: cannot reach engine at %s: %s\n", path,
			strerror(errno));
		goto out;
	}
	/* A wedged engine must not hang scripts forever. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (strlen(text) >= NSSTACK_CTL_CHUNK) {
		fprintf(stderr, "nsctl: request too long\n");
		goto out;
	}
	if (send(fd, text, strlen(text), MSG_NOSIGNAL) < 0) {
		fprintf(stderr, "nsctl: sending to %s: %s\n", path,
			strerror(errno));
		goto out;
	}
	/* Messages of exactly NSSTACK_CTL_CHUNK bytes mean "more follows". */
	for (;;) {
		char *nb = realloc(buf, len + NSSTACK_CTL_CHUNK + 1);
		ssize_t n;

		if (!nb) {
			fprintf(stderr, "nsctl: out of memory\n");
			goto out;
		}
		buf = nb;
		n = recv(fd, buf + len, NSSTACK_CTL_CHUNK, 0);
		if (n < 0) {
			fprintf(stderr, "nsctl: no reply from %s: %s\n", path,
				errno == EAGAIN ? "timed out"
						: strerror(errno));
			goto out;
		}
		if (n == 0 && len == 0) {
			fprintf(stderr, "nsctl: the engine closed the "
					"connection\n");
			goto out;
		}
		len += (size_t)n;
		if (n < NSSTACK_CTL_CHUNK)
			break;
	}
	buf[len] = 0;
	reply = json_tokener_parse(buf);
	if (!reply || !json_object_is_type(reply, json_type_object)) {
		fprintf(stderr, "nsctl: the engine sent a reply that is not "
				"JSON\n");
		json_object_put(reply);
		reply = NULL;
	}
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	return reply;
}

static const char *str_of(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v))
		return "";
	return json_object_get_string(v);
}

static int64_t int_of(struct json_object *o, const char *k)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, k, &v))
		return 0;
	return json_object_get_int64(v);
}

static bool bool_of(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) &&
	       json_object_get_boolean(v);
}

/* link: NAME STATE MAC <KIND> mtu N, as `ip -br link` lines them up. */
static void show_link(struct json_object *data)
{
	for (size_t i = 0; i < json_object_array_length(data); i++) {
		struct json_object *l = json_object_array_get_idx(data, i);
		const char *mac = str_of(l, "mac");

		const char *off = str_of(l, "offload");

		printf("%-16s %-14s %-17s <%s> mtu %lld", str_of(l, "name"),
		       bool_of(l, "up") ? "UP" : "DOWN", mac[0] ? mac : "none",
		       str_of(l, "kind"), (long long)int_of(l, "mtu"));
		if (off[0])
			printf(" offload %s", off);
		printf("\n");
	}
}

/* addr: grouped by interface, as `ip addr` does. */
static void show_addr(struct json_object *data)
{
	const char *last = NULL;

	for (size_t i = 0; i < json_object_array_length(data); i++) {
		struct json_object *a = json_object_array_get_idx(data, i);
		const char *state = str_of(a, "state");

		if (!last || strcmp(last, str_of(a, "dev")) != 0) {
			last = str_of(a, "dev");
			printf("%lld: %s\n", (long long)int_of(a, "index"),
			       last);
		}
		printf("    %s %s/%lld%s%s", str_of(a, "family"),
		       str_of(a, "addr"), (long long)int_of(a, "prefixlen"),
		       strcmp(state, "valid") ? " " : "",
		       strcmp(state, "valid") ? state : "");
		/* How a dynamic address came (slaac, temporary, dhcp6). */
		if (json_object_object_get_ex(a, "origin", NULL) &&
		    strcmp(str_of(a, "origin"), "static") != 0 &&
		    strcmp(str_of(a, "origin"), "kernel_ll") != 0)
			printf(" %s", str_of(a, "origin"));
		/* IPv6 rows carry lifetimes, as `ip -6 addr` prints them. */
		if (json_object_object_get_ex(a, "valid_lft", NULL))
			printf(" valid_lft %s preferred_lft %s",
			       json_object_get_string(
				       json_object_object_get(a, "valid_lft")),
			       json_object_get_string(json_object_object_get(
				       a, "preferred_lft")));
		printf("\n");
	}
}

/* stats: name and value, nonzero only unless -a, as nstat does. */
static void show_stats(struct json_object *data, bool all)
{
	json_object_object_foreach(data, key, val)
	{
		uint64_t v = json_object_get_uint64(val);

		if (v || all)
			printf("%-32s %llu\n", key, (unsigned long long)v);
	}
}

static void show_capture(struct json_object *data)
{
	if (bool_of(data, "active"))
		printf("capturing to %s, %lld frames\n", str_of(data, "file"),
		       (long long)int_of(data, "frames"));
	else
		printf("not capturing\n");
}

/*
 * show_generic() - data a module returns: an array of objects prints one
 * line each, "dst" first and bare, then "key value" pairs, which reads
 * like `ip route` for {"dst": ..., "via": ..., "dev": ...}; anything else
 * prints as JSON.
 */
/*
 * print_elem() - one array element: a scalar as itself; an object as its
 * first value bare, then "key value" pairs, e.g. `nsctl dhcp6`'s
 * addresses print "2001:db8:1::17a valid 118 preferred 118".
 */
static void print_elem(struct json_object *e)
{
	const char *sep = "";

	if (!json_object_is_type(e, json_type_object)) {
		printf("%s", json_object_get_string(e));
		return;
	}
	json_object_object_foreach(e, key, val)
	{
		if (*sep)
			printf(" %s ", key);
		printf("%s", json_object_get_string(val));
		sep = " ";
	}
}

/*
 * print_value() - one value in text form: scalars as themselves, arrays
 * joined by commas (ip's "state": ["REACHABLE"] prints REACHABLE), an
 * empty array as "-".
 */
static void print_value(struct json_object *val)
{
	const char *sep = "";

	if (!json_object_is_type(val, json_type_array)) {
		printf("%s", json_object_get_string(val));
		return;
	}
	if (!json_object_array_length(val))
		printf("-");
	for (size_t i = 0; i < json_object_array_length(val); i++) {
		printf("%s", sep);
		print_elem(json_object_array_get_idx(val, i));
		sep = ",";
	}
}

static void show_generic(struct json_object *data)
{
	if (!json_object_is_type(data, json_type_array)) {
		if (data)
			printf("%s\n", json_object_to_json_string_ext(
					       data, JSON_C_TO_STRING_PRETTY));
		return;
	}
	for (size_t i = 0; i < json_object_array_length(data); i++) {
		struct json_object *o = json_object_array_get_idx(data, i);
		const char *sep = "";

		if (!json_object_is_type(o, json_type_object)) {
			printf("%s\n", json_object_get_string(o));
			continue;
		}
		if (json_object_object_get_ex(o, "dst", NULL)) {
			printf("%s", str_of(o, "dst"));
			sep = " ";
		}
		json_object_object_foreach(o, key, val)
		{
			if (!strcmp(key, "dst"))
				continue;
			printf("%s%s ", sep, key);
			print_value(val);
			sep = " ";
		}
		printf("\n");
	}
}

/*
 * show_apps() - `nsctl apps`: one line per attached process, like `ss -p`
 * gives owners, then the shim counters that are not zero (all with -a)
 */
static void show_apps(struct json_object *data, bool all)
{
	struct json_object *list, *cnt;

	if (!json_object_object_get_ex(data, "apps", &list) ||
	    !json_object_is_type(list, json_type_array)) {
		show_generic(data);
		return;
	}
	printf("%-8s %-8s %-6s %s\n", "Client", "Pid", "Uid", "Sockets");
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *a = json_object_array_get_idx(list, i);

		printf("%-8lld %-8lld %-6lld %lld\n",
		       (long long)int_of(a, "client"),
		       (long long)int_of(a, "pid"), (long long)int_of(a, "uid"),
		       (long long)int_of(a, "sockets"));
	}
	if (!json_object_object_get_ex(data, "counters", &cnt) ||
	    !json_object_is_type(cnt, json_type_object))
		return;
	json_object_object_foreach(cnt, key, val)
	{
		long long v = json_object_get_int64(val);

		if (v || all)
			printf("%-32s %lld\n", key, v);
	}
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

/* link add tap|tun NAME [--create] [--persist] [--mtu N] [--mac M] ... */
static int parse_link_add(struct json_object *args, int argc, char **argv)
{
	if (argc < 2)
		return usage_error("link add: expected tap|tun NAME [options]");
	if (strcmp(argv[0], "tap") != 0 && strcmp(argv[0], "tun") != 0)
		return usage_error("link add: unknown kind '%s'", argv[0]);
	add_str(args, "kind", argv[0]);
	add_str(args, "name", argv[1]);
	for (int i = 2; i < argc; i++) {
		const char *o = argv[i];

		if (!strcmp(o, "--create") || !strcmp(o, "--persist")) {
			json_object_object_add(args, o + 2,
					       json_object_new_boolean(true));
			continue;
		}
		if (i + 1 >= argc)
			return usage_error("link add: %s needs a value", o);
		if (!strcmp(o, "--mtu")) {
			char *end;
			long v = strtol(argv[i + 1], &end, 10);

			if (*end || v <= 0)
				return usage_error("link add: bad mtu '%s'",
						   argv[i + 1]);
			json_object_object_add(args, "mtu",
					       json_object_new_int64(v));
		} else if (!strcmp(o, "--mac")) {
			add_str(args, "mac", argv[i + 1]);
		} else if (!strcmp(o, "--peer-mac")) {
			add_str(args, "peer_mac", argv[i + 1]);
		} else if (!strcmp(o, "--offload")) {
			add_str(args, "offload", argv[i + 1]);
		} else {
			return usage_error("link add: unknown option '%s'", o);
		}
		i++;
	}
	return 0;
}

/*
 * build_args() - the request's args for @cmd and its words
 *
 * Return: 0, or EXIT_USAGE with a line printed.
 */
static int build_args(const char *cmd, int argc, char **argv,
		      struct json_object *args)
{
	struct json_object *words = json_object_new_array();

	/* Every command gets its words; modules parse them themselves. */
	for (int i = 0; i < argc; i++)
		json_object_array_add(words, json_object_new_string(argv[i]));
	json_object_object_add(args, "argv", words);

	if (!strcmp(cmd, "link")) {
		if (argc == 0 || !strcmp(argv[0], "list") ||
		    !strcmp(argv[0], "show"))
			return argc > 1 ? usage_error("link list: unexpected "
						      "'%s'",
						      argv[1])
					: 0;
		if (!strcmp(argv[0], "add")) {
			add_str(args, "op", "add");
			return parse_link_add(args, argc - 1, argv + 1);
		}
		if (!strcmp(argv[0], "del") || !strcmp(argv[0], "delete")) {
			if (argc != 2)
				return usage_error("link del: expected NAME");
			add_str(args, "op", "del");
			add_str(args, "name", argv[1]);
			return 0;
		}
		return usage_error("link: unknown subcommand '%s'", argv[0]);
	}
	if (!strcmp(cmd, "addr")) {
		int i = 0;

		if (argc &&
		    (!strcmp(argv[0], "add") || !strcmp(argv[0], "del"))) {
			if (argc != 4 || strcmp(argv[2], "dev") != 0)
				return usage_error("addr %s: expected "
						   "A.B.C.D/N dev NAME",
						   argv[0]);
			add_str(args, "op", argv[0]);
			add_str(args, "addr", argv[1]);
			add_str(args, "dev", argv[3]);
			return 0;
		}
		if (argc &&
		    (!strcmp(argv[0], "list") || !strcmp(argv[0], "show")))
			i = 1;
		if (i < argc && !strcmp(argv[i], "dev") && i + 2 == argc) {
			add_str(args, "dev", argv[i + 1]);
			i += 2;
		}
		return i == argc
			       ? 0
			       : usage_error("addr: unexpected '%s'", argv[i]);
	}
	if (!strcmp(cmd, "capture")) {
		if (argc == 0 || (argc == 1 && !strcmp(argv[0], "show")))
			return 0;
		if (argc == 2 && !strcmp(argv[0], "start")) {
			add_str(args, "op", "start");
			add_str(args, "file", argv[1]);
			return 0;
		}
		if (argc == 1 && !strcmp(argv[0], "stop")) {
			add_str(args, "op", "stop");
			return 0;
		}
		return usage_error(
			"capture: expected show, start FILE or stop");
	}
	if (!strcmp(cmd, "stats") || !strcmp(cmd, "commands"))
		return argc ? usage_error("%s takes no arguments", cmd) : 0;
	return 0; /* route, neigh, and whatever a module registers */
}

int main(int argc, char **argv)
{
	struct json_object *req, *args, *reply, *data = NULL, *v;
	const char *sock = NULL, *cmd;
	char path[108];
	bool json = false, all = false;
	int i, rc;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "-j") ||
			   !strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-a")) {
			all = true;
		} else if (!strcmp(argv[i], "-s") && i + 1 < argc) {
			sock = argv[++i];
		} else {
			return usage_error("unknown option '%s'", argv[i]);
		}
	}
	if (i == argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[i++];
	if (!sock) {
		if (nsstack_ctl_default_path(path, sizeof(path)))
			return usage_error(
				"$XDG_RUNTIME_DIR too long; give -s SOCKET");
		sock = path;
	}
	req = json_object_new_object();
	args = json_object_new_object();
	add_str(req, "cmd", cmd);
	json_object_object_add(req, "args", args);
	rc = build_args(cmd, argc - i, argv + i, args);
	if (rc) {
		json_object_put(req);
		return rc;
	}
	reply = transact(sock, req);
	json_object_put(req);
	if (!reply)
		return 1;
	if (!bool_of(reply, "ok")) {
		const char *e = json_object_object_get_ex(reply, "error", &v)
					? json_object_get_string(v)
					: "failed";
		size_t n = strlen(cmd);

		/* Engine messages usually name their command already. */
		if (!strncmp(e, cmd, n) && (e[n] == ':' || e[n] == ' '))
			fprintf(stderr, "nsctl: %s\n", e);
		else
			fprintf(stderr, "nsctl: %s: %s\n", cmd, e);
		json_object_put(reply);
		return 1;
	}
	json_object_object_get_ex(reply, "data", &data);
	if (json) {
		printf("%s\n",
		       json_object_to_json_string_ext(
			       data, JSON_C_TO_STRING_PRETTY |
					     JSON_C_TO_STRING_NOSLASHESCAPE));
	} else if (!strcmp(cmd, "link") &&
		   json_object_is_type(data, json_type_array)) {
		show_link(data);
	} else if (!strcmp(cmd, "link") && data) {
		printf("%s: added\n", str_of(data, "name"));
	} else if (!strcmp(cmd, "addr") && data) {
		show_addr(data);
	} else if (!strcmp(cmd, "stats")) {
		show_stats(data, all);
	} else if (!strcmp(cmd, "capture") && data) {
		show_capture(data);
	} else if (!strcmp(cmd, "sysctl") &&
		   json_object_is_type(data, json_type_array)) {
		/* sysctl(8)'s form: "name = value". */
		for (size_t k = 0; k < json_object_array_length(data); k++) {
			struct json_object *e = json_object_array_get_idx(data,
									  k);

			printf("%s = %s\n", str_of(e, "name"),
			       str_of(e, "value"));
		}
	} else if (!strcmp(cmd, "apps") && data) {
		show_apps(data, all);
	} else {
		show_generic(data);
	}
	json_object_put(reply);
	return 0;
}
