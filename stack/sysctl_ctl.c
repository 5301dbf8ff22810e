// SPDX-License-Identifier: MIT
/*
 * sysctl_ctl.c - `nsctl sysctl`: read and set the engine's tunables at run
 * time, like sysctl(8) over /proc/sys/net
 *
 *	nsctl sysctl				every tunable, "name = value"
 *	nsctl sysctl NAME...			those tunables
 *	nsctl sysctl [-w] NAME=VALUE...		set them (all or none)
 *
 * Names are Linux's under net.ipv4 (neighbour ones under
 * net.ipv4.neigh.default); a name ending in _ms is in milliseconds where
 * Linux's counterpart is in seconds or jiffies.  Vectors (tcp_rmem,
 * tcp_wmem) take three numbers separated by blanks, as in /proc/sys.
 * Every value is range-checked; a request with one bad assignment changes
 * nothing.  New values apply to what happens next (new connections, the
 * next timer), as on Linux; tcp_congestion_control must name a module
 * the engine has (reno, newreno, cubic).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "engine.h"
#include "sysctl.h"
#include "tcp.h"
#include "tcp_cc.h"

enum sysctl_kind {
	SYSCTL_U32,
	SYSCTL_VEC3,
	SYSCTL_STR,
};

struct sysctl_desc {
	const char *name;
	enum sysctl_kind kind;
	size_t off;
	uint32_t min, max;
};

#define V4 "net.ipv4."
#define NEIGH V4 "neigh.default."
#define U32(n, f, lo, hi)                                                      \
	{                                                                      \
		n, SYSCTL_U32, offsetof(struct sysctl, f), lo, hi              \
	}
#define VEC3(n, f, lo, hi)                                                     \
	{                                                                      \
		n, SYSCTL_VEC3, offsetof(struct sysctl, f), lo, hi             \
	}
#define STR(n, f)                                                              \
	{                                                                      \
		n, SYSCTL_STR, offsetof(struct sysctl, f), 0, 0                \
	}
#define DAY_MS (24u * 3600u * 1000u)

static const struct sysctl_desc descs[] = {
	U32(V4 "ip_default_ttl", ip_default_ttl, 1, 255),
	U32(V4 "ipfrag_time_ms", ipfrag_time_ms, 1000, DAY_MS),
	U32(V4 "ipfrag_high_thresh", ipfrag_high_thresh, 0, 1u << 30),
	U32(V4 "ipfrag_max_dist", ipfrag_max_dist, 0, 1u << 20),
	U32(V4 "icmp_ratelimit_ms", icmp_ratelimit_ms, 0, DAY_MS),
	U32(V4 "icmp_ratemask", icmp_ratemask, 0, UINT32_MAX),
	U32(V4 "icmp_msgs_per_sec", icmp_msgs_per_sec, 0, 1u << 20),
	U32(V4 "icmp_msgs_burst", icmp_msgs_burst, 0, 1u << 20),
	U32(V4 "icmp_echo_ignore_all", icmp_echo_ignore_all, 0, 1),
	U32(V4 "ip_local_port_first", ip_local_port_first, 1, 65535),
	U32(V4 "ip_local_port_last", ip_local_port_last, 1, 65535),
	U32(V4 "ip_no_pmtu_disc", ip_no_pmtu_disc, 0, 1),
	U32(V4 "mtu_expires_ms", mtu_expires_ms, 1000, DAY_MS),
	U32(V4 "udp_rmem_default", udp_rmem_default, 2304, 1u << 28),
	U32(V4 "tcp_syn_retries", tcp_syn_retries, 1, 127),
	U32(V4 "tcp_synack_retries", tcp_synack_retries, 0, 255),
	U32(V4 "tcp_retries2", tcp_retries2, 0, 255),
	U32(V4 "tcp_fin_timeout_ms", tcp_fin_timeout_ms, 1000, DAY_MS),
	U32(V4 "tcp_tw_timeout_ms", tcp_tw_timeout_ms, 1, DAY_MS),
	U32(V4 "tcp_keepalive_time_ms", tcp_keepalive_time_ms, 1000, DAY_MS),
	U32(V4 "tcp_keepalive_intvl_ms", tcp_keepalive_intvl_ms, 1000, DAY_MS),
	U32(V4 "tcp_keepalive_probes", tcp_keepalive_probes, 1, 127),
	U32(V4 "tcp_sack", tcp_sack, 0, 1),
	U32(V4 "tcp_timestamps", tcp_timestamps, 0, 1),
	U32(V4 "tcp_window_scaling", tcp_window_scaling, 0, 1),
	U32(V4 "tcp_syncookies", tcp_syncookies, 0, 2),
	U32(V4 "tcp_recovery", tcp_recovery, 0, 1),
	U32(V4 "tcp_max_syn_backlog", tcp_max_syn_backlog, 1, 1u << 20),
	VEC3(V4 "tcp_rmem", tcp_rmem, 4096, 1u << 30),
	VEC3(V4 "tcp_wmem", tcp_wmem, 4096, 1u << 30),
	U32(V4 "tcp_challenge_ack_limit", tcp_challenge_ack_limit, 0,
	    UINT32_MAX),
	U32(V4 "tcp_delack_ms", tcp_delack_ms, 1, 1000),
	U32(V4 "tcp_base_mss", tcp_base_mss, 88, 65535),
	U32(V4 "tcp_rto_min_ms", tcp_rto_min_ms, 1, 120000),
	U32(V4 "tcp_tw_reuse", tcp_tw_reuse, 0, 2),
	U32(V4 "tcp_stdurg", tcp_stdurg, 0, 1),
	STR(V4 "tcp_congestion_control", tcp_congestion_control),
	U32(NEIGH "base_reachable_time_ms", neigh_base_reachable_ms, 1000,
	    DAY_MS),
	U32(NEIGH "retrans_time_ms", neigh_retrans_ms, 10, DAY_MS),
	U32(NEIGH "delay_first_probe_time_ms", neigh_delay_first_probe_ms, 1000,
	    DAY_MS),
	U32(NEIGH "ucast_solicit", neigh_ucast_solicit, 0, 255),
	U32(NEIGH "mcast_solicit", neigh_mcast_solicit, 0, 255),
	U32(NEIGH "unres_qlen", neigh_unres_qlen, 0, 1u << 16),
	U32(NEIGH "gc_stale_time_ms", neigh_gc_stale_ms, 1000, DAY_MS),
	U32(NEIGH "gc_thresh3", neigh_gc_thresh3, 1, 1u << 20),
	U32(NEIGH "arp_acd", arp_acd, 0, 1),
};

#define NDESCS (sizeof(descs) / sizeof(descs[0]))

static const struct sysctl_desc *find(const char *name, size_t len)
{
	for (size_t i = 0; i < NDESCS; i++)
		if (strlen(descs[i].name) == len &&
		    !strncmp(descs[i].name, name, len))
			return &descs[i];
	return NULL;
}

static uint32_t *u32_at(struct sysctl *s, const struct sysctl_desc *d)
{
	return (uint32_t *)((char *)s + d->off);
}

/* format() - @d's value in @s as /proc/sys prints it. */
static void format(struct sysctl *s, const struct sysctl_desc *d, char *buf,
		   size_t len)
{
	const uint32_t *v = u32_at(s, d);

	switch (d->kind) {
	case SYSCTL_U32:
		snprintf(buf, len, "%" PRIu32, v[0]);
		break;
	case SYSCTL_VEC3:
		snprintf(buf, len, "%" PRIu32 "\t%" PRIu32 "\t%" PRIu32, v[0],
			 v[1], v[2]);
		break;
	case SYSCTL_STR:
		snprintf(buf, len, "%s", (const char *)s + d->off);
		break;
	}
}

/* parse_u32() - one decimal number in [@lo, @hi]; advances *@p. */
static int parse_u32(const char **p, uint32_t lo, uint32_t hi, uint32_t *out)
{
	unsigned long long v;
	char *end;

	while (**p == ' ' || **p == '\t')
		(*p)++;
	if (**p < '0' || **p > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(*p, &end, 10);
	if (errno || v < lo || v > hi)
		return -ERANGE;
	*p = end;
	*out = (uint32_t)v;
	return 0;
}

/*
 * parse() - @val for @d into @s (a scratch copy: the caller commits)
 *
 * Return: 0, -EINVAL (not a number, trailing text, unknown module) or
 * -ERANGE (out of bounds, or a vector not in ascending order).
 */
static int parse(struct sysctl *s, const struct sysctl_desc *d, const char *val)
{
	uint32_t v[3];
	int n = d->kind == SYSCTL_VEC3 ? 3 : 1, rc;
	const char *p = val;
	char *str;

	if (d->kind == SYSCTL_STR) {
		str = (char *)s + d->off;
		if (strlen(val) >= sizeof(s->tcp_congestion_control) ||
		    !tcp_cc_find(val))
			return -ENOENT;
		snprintf(str, sizeof(s->tcp_congestion_control), "%s", val);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		rc = parse_u32(&p, d->min, d->max, &v[i]);
		if (rc)
			return rc;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p)
		return -EINVAL;
	if (n == 3 && (v[0] > v[1] || v[1] > v[2]))
		return -ERANGE; /* min <= default <= max, as Linux requires */
	memcpy(u32_at(s, d), v, (size_t)n * sizeof(v[0]));
	return 0;
}

static struct json_object *entry(struct sysctl *s, const struct sysctl_desc *d)
{
	struct json_object *o = json_object_new_object();
	char buf[64];

	format(s, d, buf, sizeof(buf));
	json_object_object_add(o, "name", json_object_new_string(d->name));
	json_object_object_add(o, "value", json_object_new_string(buf));
	return o;
}

/* apply() - make the engine follow values read once at start. */
static void apply(struct engine *eng)
{
	if (eng->tcp)
		eng->tcp->cc_default = tcp_cc_find(
			eng->sysctl.tcp_congestion_control);
}

static int cmd_sysctl(struct ctl_req *req)
{
	struct json_object *words = ctl_arg_argv(req);
	struct json_object *out = json_object_new_array();
	struct sysctl next = req->eng->sysctl;
	size_t n = words ? json_object_array_length(words) : 0;
	bool set = false;

	req->data = out;
	for (size_t i = 0; i < n; i++) {
		const char *w = json_object_get_string(
			json_object_array_get_idx(words, i));
		const char *eq = strchr(w, '=');
		const struct sysctl_desc *d;
		int rc;

		if (!strcmp(w, "-w"))
			continue;
		d = find(w, eq ? (size_t)(eq - w) : strlen(w));
		if (!d)
			return ctl_error(
				req, -ENOENT, "sysctl: unknown name '%.*s'",
				(int)(eq ? eq - w : (long)strlen(w)), w);
		if (eq) {
			rc = parse(&next, d, eq + 1);
			if (rc)
				return ctl_error(
					req, rc, "sysctl: %s: %s '%s'", d->name,
					rc == -ENOENT	? "no such module"
					: rc == -ERANGE ? "out of range"
							: "not a valid value",
					eq + 1);
			set = true;
		}
		json_object_array_add(out, entry(&next, d));
	}
	if (next.ip_local_port_first > next.ip_local_port_last)
		return ctl_error(req, -ERANGE,
				 "sysctl: ip_local_port_first above "
				 "ip_local_port_last");
	if (set) {
		req->eng->sysctl = next;
		apply(req->eng);
	}
	if (n == 0)
		for (size_t i = 0; i < NDESCS; i++)
			json_object_array_add(out, entry(&next, &descs[i]));
	return 0;
}

/** sysctl_ctl_init() - register `nsctl sysctl`; 0 or -errno. */
int sysctl_ctl_init(struct engine *eng)
{
	return ctl_register(eng, "sysctl", cmd_sysctl);
}
