// SPDX-License-Identifier: MIT
/*
 * config.c - parse and validate nsstackd's options
 *
 * Options come from the command line (`--name VALUE` or `--name=VALUE`) and
 * from files named by `--config FILE`, whose lines hold the same options
 * without the dashes (`addr 192.0.2.2/24`), `#` starting a comment.  A file
 * is read where --config appears, so later options override it.  Nothing
 * here opens a device or a socket: the parsed struct config is checked as a
 * whole at the end, and the first problem becomes the one-line message in
 * cfg->err.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

struct option_def {
	const char *name;
	int nargs; /* words that follow the option name */
	int (*apply)(struct config *cfg, const char *opt, char *const *args,
		     int depth);
};

static int fail(struct config *cfg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Record the first error only: it is the one the user must fix first. */
static int fail(struct config *cfg, const char *fmt, ...)
{
	va_list ap;

	if (cfg->err[0])
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(cfg->err, sizeof(cfg->err), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/**
 * config_parse_ip4() - dotted-quad @s to a host-order address
 *
 * Return: 0, or -EINVAL (inet_pton's strict form: four decimal parts).
 */
int config_parse_ip4(const char *s, uint32_t *addr)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return -EINVAL;
	*addr = ntohl(in.s_addr);
	return 0;
}

/**
 * config_parse_prefix4() - "A.B.C.D/N" to an address and a length
 *
 * The length is required: guessing /32 or a classful mask hides mistakes.
 * Return: 0, or -EINVAL.
 */
int config_parse_prefix4(const char *s, struct config_prefix4 *p)
{
	char buf[INET_ADDRSTRLEN + 4];
	char *slash, *end;
	unsigned long len;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash || !slash[1] || !isdigit((unsigned char)slash[1]))
		return -EINVAL;
	*slash = 0;
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (errno || *end || len > 32)
		return -EINVAL;
	if (config_parse_ip4(buf, &p->addr))
		return -EINVAL;
	p->len = (uint8_t)len;
	return 0;
}

/**
 * config_parse_mac() - "02:00:5e:00:53:02" to bytes; -EINVAL otherwise
 */
int config_parse_mac(const char *s, struct mac_addr *mac)
{
	static const char hex[] = "0123456789abcdef";

	/* Exactly six two-digit hex bytes, colon-separated: 17 characters. */
	if (strlen(s) != 17)
		return -EINVAL;
	for (size_t i = 0; i < MAC_LEN; i++) {
		const char *hi = strchr(hex, tolower((unsigned char)s[3 * i]));
		const char *lo = strchr(hex,
					tolower((unsigned char)s[3 * i + 1]));

		if (!s[3 * i] || !s[3 * i + 1] || !hi || !lo ||
		    (i < MAC_LEN - 1 && s[3 * i + 2] != ':'))
			return -EINVAL;
		mac->b[i] = (uint8_t)((hi - hex) << 4 | (lo - hex));
	}
	return 0;
}

/**
 * config_check_ifname() - a name Linux accepts for a network device
 *
 * Mirrors the kernel's dev_valid_name(): 1..15 bytes, not "." or "..", no
 * '/', ':' or whitespace.  Return: 0 or -EINVAL.
 */
int config_check_ifname(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= IFNAMSIZ || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (name[i] == '/' || name[i] == ':' ||
		    isspace((unsigned char)name[i]) ||
		    !isprint((unsigned char)name[i]))
			return -EINVAL;
	return 0;
}

/**
 * config_check_services() - "echo:7,discard:9,chargen:19,daytime:13"
 *
 * Each item is a service name the engine has and a port 1..65535.
 * Return: 0 or -EINVAL.
 */
int config_check_services(const char *spec)
{
	static const char *const known[] = { "echo", "discard", "chargen",
					     "daytime" };
	const char *p = spec;

	if (!*spec)
		return -EINVAL;
	while (*p) {
		const char *colon = strchr(p, ':');
		char *end;
		unsigned long port;
		bool ok = false;

		if (!colon)
			return -EINVAL;
		for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if ((size_t)(colon - p) == strlen(known[i]) &&
			    !strncmp(p, known[i], strlen(known[i])))
				ok = true;
		if (!ok || !isdigit((unsigned char)colon[1]))
			return -EINVAL;
		errno = 0;
		port = strtoul(colon + 1, &end, 10);
		if (errno || port == 0 || port > 65535 || (*end && *end != ','))
			return -EINVAL;
		p = *end ? end + 1 : end;
		if (*end && !*p)
			return -EINVAL; /* trailing comma */
	}
	return 0;
}

static int opt_dev(struct config *cfg, const char *opt, char *const *args,
		   int depth)
{
	(void)depth;
	if (cfg->have_dev)
		return fail(cfg,
			    "--%s: only one of --tap and --tun, given once "
			    "(add more interfaces with `nsctl link add`)",
			    opt);
	if (config_check_ifname(args[0]))
		return fail(cfg, "--%s %s: not a valid interface name", opt,
			    args[0]);
	snprintf(cfg->dev, sizeof(cfg->dev), "%s", args[0]);
	cfg->kind = strcmp(opt, "tun") == 0 ? NETIF_TUN : NETIF_TAP;
	cfg->have_dev = true;
	return 0;
}

static int opt_flag(struct config *cfg, const char *opt, char *const *args,
		    int depth)
{
	(void)args;
	(void)depth;
	if (!strcmp(opt, "create"))
		cfg->create = true;
	else if (!strcmp(opt, "persist"))
		cfg->persist = true;
	else if (!strcmp(opt, "dhcp4"))
		cfg->dhcp4 = true;
	else if (!strcmp(opt, "dhcp6"))
		cfg->dhcp6 = true;
	else if (!strcmp(opt, "slaac"))
		cfg->slaac = true;
	else if (!strcmp(opt, "tempaddr"))
		cfg->tempaddr = true;
	else if (!strcmp(opt, "help"))
		cfg->help = true;
	else
		cfg->version = true;
	return 0;
}

static int opt_mtu(struct config *cfg, const char *opt, char *const *args,
		   int depth)
{
	char *end;
	unsigned long mtu;

	(void)depth;
	errno = 0;
	mtu = strtoul(args[0], &end, 10);
	/* RFC 791: every IPv4 link carries 68 bytes; TAP allows 65535. */
	if (errno || *end || !isdigit((unsigned char)args[0][0]) || mtu < 68 ||
	    mtu > 65535)
		return fail(cfg, "--%s %s: expected a number from 68 to 65535",
			    opt, args[0]);
	cfg->mtu = (uint32_t)mtu;
	return 0;
}

static int opt_mac(struct config *cfg, const char *opt, char *const *args,
		   int depth)
{
	struct mac_addr m;

	(void)depth;
	if (config_parse_mac(args[0], &m))
		return fail(cfg,
			    "--%s %s: expected a MAC like 02:00:5e:00:53:02",
			    opt, args[0]);
	if (mac_is_multicast(&m) || !memcmp(m.b, "\0\0\0\0\0\0", MAC_LEN))
		return fail(cfg,
			    "--%s %s: a station needs a unicast, non-zero MAC",
			    opt, args[0]);
	if (!strcmp(opt, "mac")) {
		cfg->mac = m;
		cfg->have_mac = true;
	} else {
		cfg->peer_mac = m;
		cfg->have_peer_mac = true;
	}
	return 0;
}

/* An address an interface may hold: unicast, not loopback, not 0/8. */
static bool ip4_is_host(uint32_t a)
{
	uint8_t first = (uint8_t)(a >> 24);

	return first != 0 && first != 127 && first < 224;
}

/**
 * config_parse_prefix6() - "X:X::X/N" to an address and a length (0..128)
 *
 * Return: 0 or -EINVAL.
 */
int config_parse_prefix6(const char *s, struct config_prefix6 *p)
{
	char buf[INET6_ADDRSTRLEN + 4], *slash, *end;
	unsigned long len;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = 0;
	errno = 0;
	len = strtoul(slash + 1, &end, 10);
	if (!slash[1] || *end || errno || len > 128 ||
	    inet_pton(AF_INET6, buf, p->addr.b) != 1)
		return -EINVAL;
	p->len = (uint8_t)len;
	return 0;
}

/* --addr X::Y/N: a unicast IPv6 address (not ::, ::1, multicast). */
static int opt_addr6(struct config *cfg, const char *opt, const char *arg)
{
	static const struct ip6_addr zero, lo = { { [15] = 1 } };
	struct config_prefix6 p;

	if (config_parse_prefix6(arg, &p))
		return fail(cfg,
			    "--%s %s: expected an IPv6 address and prefix "
			    "length, like 2001:db8:1::2/64",
			    opt, arg);
	if (p.addr.b[0] == 0xff || ip6_eq(&p.addr, &zero) ||
	    ip6_eq(&p.addr, &lo))
		return fail(cfg, "--%s %s: not a unicast host address", opt,
			    arg);
	for (size_t i = 0; i < cfg->naddr6; i++)
		if (ip6_eq(&cfg->addr6[i].addr, &p.addr))
			return fail(cfg, "--%s %s: given twice", opt, arg);
	if (cfg->naddr6 == CONFIG_MAX_ADDR)
		return fail(cfg, "--%s: at most %d addresses", opt,
			    CONFIG_MAX_ADDR);
	cfg->addr6[cfg->naddr6++] = p;
	return 0;
}

static int opt_addr(struct config *cfg, const char *opt, char *const *args,
		    int depth)
{
	struct config_prefix4 p;
	uint32_t host;

	(void)depth;
	if (strchr(args[0], ':'))
		return opt_addr6(cfg, opt, args[0]);
	if (config_parse_prefix4(args[0], &p))
		return fail(cfg,
			    "--%s %s: expected an IPv4 address and prefix "
			    "length, like 192.0.2.2/24",
			    opt, args[0]);
	if (!ip4_is_host(p.addr))
		return fail(cfg, "--%s %s: not a unicast host address", opt,
			    args[0]);
	/* RFC 3021 lets /31 use both; below that, the all-zeros and
	 * all-ones host parts name the network and its broadcast. */
	host = p.addr & (0xffffffffu >> p.len % 32);
	if (p.len < 31 && (host == 0 || host == 0xffffffffu >> p.len))
		return fail(
			cfg,
			"--%s %s: that is the subnet's network or broadcast "
			"address",
			opt, args[0]);
	for (size_t i = 0; i < cfg->naddr; i++)
		if (cfg->addr[i].addr == p.addr)
			return fail(cfg, "--%s %s: given twice", opt, args[0]);
	if (cfg->naddr == CONFIG_MAX_ADDR)
		return fail(cfg, "--%s: at most %d addresses", opt,
			    CONFIG_MAX_ADDR);
	cfg->addr[cfg->naddr++] = p;
	return 0;
}

static int opt_gw(struct config *cfg, const char *opt, char *const *args,
		  int depth)
{
	uint32_t gw;

	(void)depth;
	if (config_parse_ip4(args[0], &gw) || !ip4_is_host(gw))
		return fail(cfg, "--%s %s: expected a unicast IPv4 address",
			    opt, args[0]);
	cfg->gw = gw;
	return 0;
}

static int opt_route(struct config *cfg, const char *opt, char *const *args,
		     int depth)
{
	struct config_route4 r;

	(void)depth;
	if (config_parse_prefix4(args[0], &r.dst))
		return fail(cfg,
			    "--%s %s: expected a prefix like 198.51.100.0/24",
			    opt, args[0]);
	if (r.dst.len < 32 && (r.dst.addr & (0xffffffffu >> r.dst.len)))
		return fail(cfg,
			    "--%s %s: host bits set beyond the prefix length",
			    opt, args[0]);
	if (strcmp(args[1], "via") != 0)
		return fail(cfg, "--%s: expected PREFIX via GATEWAY, not '%s'",
			    opt, args[1]);
	if (config_parse_ip4(args[2], &r.gw) || !ip4_is_host(r.gw))
		return fail(cfg,
			    "--%s ... via %s: expected a unicast IPv4 address",
			    opt, args[2]);
	if (cfg->nroute == CONFIG_MAX_ROUTES)
		return fail(cfg, "--%s: at most %d routes", opt,
			    CONFIG_MAX_ROUTES);
	cfg->route[cfg->nroute++] = r;
	return 0;
}

static int opt_path(struct config *cfg, const char *opt, char *const *args,
		    int depth)
{
	bool ctl = !strcmp(opt, "control");
	bool lease = !strcmp(opt, "dhcp4-lease-file");
	bool duid = !strcmp(opt, "dhcp6-duid-file");
	char *dst = ctl	    ? cfg->control
		    : lease ? cfg->dhcp4_lease_file
		    : duid  ? cfg->dhcp6_duid_file
			    : cfg->pcap;
	size_t cap = ctl     ? sizeof(cfg->control)
		     : lease ? sizeof(cfg->dhcp4_lease_file)
		     : duid  ? sizeof(cfg->dhcp6_duid_file)
			     : sizeof(cfg->pcap);

	(void)depth;
	if (!args[0][0] || strlen(args[0]) >= cap)
		return fail(cfg, "--%s: path empty or longer than %zu bytes",
			    opt, cap - 1);
	strcpy(dst, args[0]);
	return 0;
}

static int opt_log_level(struct config *cfg, const char *opt, char *const *args,
			 int depth)
{
	(void)depth;
	if (log_level_parse(args[0], &cfg->log_level))
		return fail(
			cfg,
			"--%s %s: expected error, warn, info, debug or trace",
			opt, args[0]);
	return 0;
}

static int opt_service(struct config *cfg, const char *opt, char *const *args,
		       int depth)
{
	(void)depth;
	if (strlen(args[0]) >= sizeof(cfg->services) ||
	    config_check_services(args[0]))
		return fail(
			cfg,
			"--%s %s: expected NAME:PORT[,...] with NAME one of "
			"echo, discard, chargen, daytime",
			opt, args[0]);
	snprintf(cfg->services, sizeof(cfg->services), "%s", args[0]);
	return 0;
}

static int opt_config(struct config *cfg, const char *opt, char *const *args,
		      int depth);

/* --offload on|off: IFF_VNET_HDR checksum offload and TSO (default on). */
static int opt_offload(struct config *cfg, const char *opt, char *const *args,
		       int depth)
{
	(void)depth;
	if (!strcmp(args[0], "on"))
		cfg->no_offload = false;
	else if (!strcmp(args[0], "off"))
		cfg->no_offload = true;
	else
		return fail(cfg, "--%s %s: expected on or off", opt, args[0]);
	return 0;
}

static const struct option_def options[] = {
	{ "tap", 1, opt_dev },
	{ "tun", 1, opt_dev },
	{ "create", 0, opt_flag },
	{ "persist", 0, opt_flag },
	{ "slaac", 0, opt_flag },
	{ "tempaddr", 0, opt_flag },
	{ "mtu", 1, opt_mtu },
	{ "offload", 1, opt_offload },
	{ "mac", 1, opt_mac },
	{ "peer-mac", 1, opt_mac },
	{ "addr", 1, opt_addr },
	{ "gw", 1, opt_gw },
	{ "route", 3, opt_route },
	{ "control", 1, opt_path },
	{ "pcap", 1, opt_path },
	{ "log-level", 1, opt_log_level },
	{ "service", 1, opt_service },
	{ "dhcp4", 0, opt_flag },
	{ "dhcp4-lease-file", 1, opt_path },
	{ "dhcp6", 0, opt_flag },
	{ "dhcp6-duid-file", 1, opt_path },
	{ "config", 1, opt_config },
	{ "help", 0, opt_flag },
	{ "version", 0, opt_flag },
};

static const struct option_def *option_find(const char *name)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (!strcmp(options[i].name, name))
			return &options[i];
	return NULL;
}

#define MAX_WORDS 8

/*
 * config_line() - apply one line of a configuration file
 *
 * Return: 0 or -EINVAL with cfg->err naming @file and @lineno.
 */
static int config_line(struct config *cfg, char *line, const char *file,
		       int lineno, int depth)
{
	char *words[MAX_WORDS + 1];
	const struct option_def *o;
	char *save = NULL, *w, *hash = strchr(line, '#'), *eq;
	int n = 0;

	if (hash)
		*hash = 0;
	for (w = strtok_r(line, " \t\r\n", &save); w;
	     w = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == MAX_WORDS)
			return fail(cfg, "%s:%d: too many words", file, lineno);
		words[n++] = w;
	}
	if (n == 0)
		return 0;
	/* "name=value" is accepted as on the command line. */
	eq = strchr(words[0], '=');
	if (eq && n < MAX_WORDS) {
		*eq = 0;
		memmove(&words[2], &words[1], (size_t)(n - 1) * sizeof(*words));
		words[1] = eq + 1;
		n++;
	}
	o = option_find(words[0]);
	if (!o)
		return fail(cfg, "%s:%d: unknown option '%s'", file, lineno,
			    words[0]);
	if (n - 1 != o->nargs)
		return fail(cfg, "%s:%d: '%s' takes %d value%s, not %d", file,
			    lineno, words[0], o->nargs,
			    o->nargs == 1 ? "" : "s", n - 1);
	if (o->apply(cfg, o->name, words + 1, depth)) {
		/* Prefix the option's own message with where it came from. */
		char msg[sizeof(cfg->err)];
		int m = snprintf(msg, sizeof(msg), "%s:%d: ", file, lineno);
		size_t used = m > 0 ? (size_t)m : 0;

		/* Shift the option's message right to make room in front. */
		if (used >= sizeof(msg))
			used = sizeof(msg) - 1;
		memmove(cfg->err + used, cfg->err, sizeof(cfg->err) - used);
		memcpy(cfg->err, msg, used);
		cfg->err[sizeof(cfg->err) - 1] = 0;
		return -EINVAL;
	}
	return 0;
}

static int opt_config(struct config *cfg, const char *opt, char *const *args,
		      int depth)
{
	char line[512];
	FILE *f;
	int lineno = 0, rc = 0;

	/* One level: a file naming another file is more likely a loop. */
	if (depth > 0)
		return fail(cfg,
			    "--%s: not allowed inside a configuration file",
			    opt);
	f = fopen(args[0], "re");
	if (!f)
		return fail(cfg, "--%s %s: %s", opt, args[0], strerror(errno));
	while (!rc && fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			rc = fail(cfg, "%s:%d: line too long", args[0], lineno);
			break;
		}
		rc = config_line(cfg, line, args[0], lineno, depth + 1);
	}
	fclose(f);
	return rc;
}

/* Whole-configuration checks, once every option is known. */
static int config_check(struct config *cfg)
{
	char a[INET_ADDRSTRLEN];
	struct in_addr in;

	if (cfg->help || cfg->version)
		return 0;
	if (!cfg->have_dev)
		return fail(cfg, "no device: give --tap NAME or --tun NAME");
	if (cfg->dhcp4_lease_file[0] && !cfg->dhcp4)
		return fail(cfg,
			    "--dhcp4-lease-file applies only with --dhcp4");
	if (cfg->dhcp4 && cfg->kind == NETIF_TUN)
		return fail(cfg, "--dhcp4 needs --tap: DHCP identifies a "
				 "client by its MAC");
	if ((cfg->dhcp6 || cfg->dhcp6_duid_file[0]) && cfg->kind == NETIF_TUN)
		return fail(cfg, "--dhcp6 needs --tap: a TUN device has no "
				 "link-local address to ask from");
	if (cfg->persist && !cfg->create)
		return fail(cfg, "--persist applies only with --create");
	if (cfg->kind == NETIF_TUN && (cfg->have_mac || cfg->have_peer_mac))
		return fail(cfg,
			    "--mac and --peer-mac need --tap: a TUN device "
			    "has no link layer");
	if (cfg->have_mac && cfg->have_peer_mac &&
	    mac_eq(&cfg->mac, &cfg->peer_mac))
		return fail(cfg,
			    "--mac and --peer-mac must differ: they are two "
			    "stations on one link");
	for (size_t i = 0; i < cfg->nroute + 1; i++) {
		uint32_t gw = i < cfg->nroute ? cfg->route[i].gw : cfg->gw;
		bool on_link = false;

		if (!gw)
			continue;
		for (size_t j = 0; j < cfg->naddr; j++) {
			uint32_t mask = cfg->addr[j].len
						? 0xffffffffu
							  << (32 -
							      cfg->addr[j].len)
						: 0;

			if ((gw & mask) == (cfg->addr[j].addr & mask))
				on_link = true;
		}
		if (!on_link) {
			in.s_addr = htonl(gw);
			inet_ntop(AF_INET, &in, a, sizeof(a));
			return fail(cfg,
				    "gateway %s is not on the subnet of any "
				    "--addr",
				    a);
		}
	}
	return 0;
}

/**
 * config_parse() - fill @cfg from @argv (argv[0] is the program name)
 *
 * Return: 0, or -EINVAL with a one-line reason in cfg->err.
 */
int config_parse(int argc, char *const argv[], struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->log_level = LOG_INFO;
	for (int i = 1; i < argc; i++) {
		const struct option_def *o;
		char name[32];
		const char *arg = argv[i], *eq;
		char *inline_val[1];
		char val[PATH_MAX];
		size_t n;

		if (strncmp(arg, "--", 2) != 0 || !arg[2])
			return fail(cfg,
				    "unexpected argument '%s' (see --help)",
				    arg);
		eq = strchr(arg, '=');
		n = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		if (n >= sizeof(name))
			return fail(cfg, "unknown option %s (see --help)", arg);
		memcpy(name, arg + 2, n);
		name[n] = 0;
		o = option_find(name);
		if (!o)
			return fail(cfg, "unknown option --%s (see --help)",
				    name);
		if (eq) {
			if (o->nargs != 1)
				return fail(cfg, "--%s does not take '=VALUE'",
					    name);
			/* A copy: option handlers take non-const words. */
			if (strlen(eq + 1) >= sizeof(val))
				return fail(cfg, "--%s: value too long", name);
			strcpy(val, eq + 1);
			inline_val[0] = val;
			if (o->apply(cfg, o->name, inline_val, 0))
				return -EINVAL;
			continue;
		}
		if (argc - i - 1 < o->nargs)
			return fail(cfg, "--%s needs %d value%s", name,
				    o->nargs, o->nargs == 1 ? "" : "s");
		if (o->apply(cfg, o->name, argv + i + 1, 0))
			return -EINVAL;
		i += o->nargs;
	}
	return config_check(cfg);
}

/** config_usage() - the --help text. */
void config_usage(FILE *out)
{
	fputs("usage: nsstackd (--tap NAME | --tun NAME) [--create "
	      "[--persist]]\n"
	      "                [--mtu N] [--offload on|off] [--mac MAC] "
	      "[--peer-mac MAC]\n"
	      "                [--addr A.B.C.D/N]... [--gw A.B.C.D]\n"
	      "                [--route PREFIX via GW]... [--control PATH]\n"
	      "                [--pcap FILE] [--log-level LEVEL]\n"
	      "                [--service NAME:PORT[,...]] [--config FILE]\n"
	      "                [--dhcp4 [--dhcp4-lease-file PATH]]\n"
	      "                [--dhcp6] [--dhcp6-duid-file PATH]\n"
	      "       nsstackd --help | --version\n"
	      "\n"
	      "  --tap NAME        attach to TAP device NAME (Ethernet)\n"
	      "  --tun NAME        attach to TUN device NAME (bare IP)\n"
	      "  --create          create the device if it does not exist\n"
	      "  --persist         keep a created device after exit\n"
	      "  --mtu N           set the link MTU (68..65535)\n"
	      "  --offload on|off  IFF_VNET_HDR checksum offload and TSO: "
	      "64 KiB\n"
	      "                    super-segments both ways (default on)\n"
	      "  --mac MAC         the engine's own MAC (default: random "
	      "02:xx:..)\n"
	      "  --peer-mac MAC    the kernel side's MAC on the TAP\n"
	      "  --addr A/N        add an IPv4 or IPv6 address (repeatable)\n"
	      "  --slaac           process IPv6 RAs and autoconfigure "
	      "addresses\n"
	      "  --tempaddr        with --slaac, RFC 8981 temporary addresses "
	      "too\n"
	      "  --gw A            default gateway\n"
	      "  --route P via G   add a route (repeatable)\n"
	      "  --control PATH    control socket (default "
	      "$XDG_RUNTIME_DIR/nsstack.sock,\n"
	      "                    else /run/nsstack.sock)\n"
	      "  --pcap FILE       capture every frame to FILE (pcapng)\n"
	      "  --log-level L     error, warn, info (default), debug, trace\n"
	      "  --service SPEC    start services: echo:7,discard:9,chargen:19,"
	      "daytime:13\n"
	      "  --config FILE     read options from FILE, one per line, no "
	      "dashes\n"
	      "  --dhcp4           get an IPv4 address, routes and DNS by "
	      "DHCP (RFC 2131),\n"
	      "                    instead of or beside --addr\n"
	      "  --dhcp4-lease-file PATH  keep the lease there; ask for it "
	      "again at start\n"
	      "  --dhcp6           get IPv6 addresses and DNS by DHCPv6 (RFC "
	      "8415) at start;\n"
	      "                    with --slaac the RA's M flag (addresses) "
	      "or O flag\n"
	      "                    (DNS only) starts it too\n"
	      "  --dhcp6-duid-file PATH  keep a DUID-LLT there (default: "
	      "DUID-LL from the MAC)\n",
	      out);
}
