// SPDX-License-Identifier: MIT
/*
 * ctl.c - control commands: the registry, the reply envelope and the
 * built-in commands (link, addr, stats, capture, commands)
 *
 * Requests come from nsctl (or any client of the control socket) and are
 * untrusted in shape: every argument is type-checked before use, and a
 * wrong type is -EINVAL with a message naming the argument.  Handlers never
 * print; they return data and nsctl presents it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arp.h"
#include "capture.h"
#include "config.h"
#include "ctl.h"
#include "ctl_priv.h"
#include "engine.h"
#include "ipv6.h"
#include "l3.h"
#include "netdev_tap.h"
#include "nsstack/ctl.h"

/**
 * ctl_error() - fail @req with -@err and a one-line message
 *
 * Return: @err, so handlers can `return ctl_error(req, -ENODEV, ...)`.
 */
int ctl_error(struct ctl_req *req, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(req->err, sizeof(req->err), fmt, ap);
	va_end(ap);
	return err;
}

/** ctl_arg_str() - args[@key] if it is a string, else NULL. */
const char *ctl_arg_str(const struct ctl_req *req, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(req->args, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/** ctl_arg_bool() - args[@key] is the boolean true. */
bool ctl_arg_bool(const struct ctl_req *req, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(req->args, key, &v) &&
	       json_object_is_type(v, json_type_boolean) &&
	       json_object_get_boolean(v);
}

/**
 * ctl_arg_u32() - args[@key] as an unsigned 32-bit integer
 *
 * Return: 0, -ENOENT when absent, -EINVAL when not an integer in range.
 */
int ctl_arg_u32(const struct ctl_req *req, const char *key, uint32_t *out)
{
	struct json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(req->args, key, &v))
		return -ENOENT;
	if (!json_object_is_type(v, json_type_int))
		return -EINVAL;
	n = json_object_get_int64(v);
	if (n < 0 || n > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)n;
	return 0;
}

/** ctl_arg_argv() - args["argv"], the words after the command, or NULL. */
struct json_object *ctl_arg_argv(const struct ctl_req *req)
{
	struct json_object *v;

	if (!json_object_object_get_ex(req->args, "argv", &v) ||
	    !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

/**
 * ctl_args_from_argv() - read `ip`-style words into the request's args
 * @first: the key for the bare word after the verb ("dst" for
 *	`route add 198.51.100.0/24 via 192.0.2.1`, "addr" for `neigh del A`)
 * @flags: NULL-terminated words that stand alone as booleans ("replace"),
 *	or NULL
 *
 * nsctl sends what the user typed as args.argv; handlers read keys.  The
 * first word is the verb ("op"; "show" means "list"), the next the @first
 * value (except after "list" and "flush"), then KEY VALUE pairs and
 * flags.  Requests that already carry an
 * "op" (JSON clients) are left alone.
 *
 * Return: 0, or -EINVAL (reported through ctl_error) for a key without a
 * value.
 */
int ctl_args_from_argv(struct ctl_req *req, const char *first,
		       const char *const *flags)
{
	struct json_object *argv = ctl_arg_argv(req);
	size_t n = argv ? json_object_array_length(argv) : 0;
	size_t i = 1;

	const char *op;
	bool names_object;

	if (!n || ctl_arg_str(req, "op"))
		return 0;
#define WORD(k) json_object_get_string(json_object_array_get_idx(argv, (k)))
	op = strcmp(WORD(0), "show") != 0 ? WORD(0) : "list";
	json_object_object_add(req->args, "op", json_object_new_string(op));
	/* Listing and flushing name no object: only KEY VALUE pairs follow. */
	names_object = strcmp(op, "list") != 0 && strcmp(op, "flush") != 0;
	if (i < n && first && names_object) {
		json_object_object_add(req->args, first,
				       json_object_new_string(WORD(i)));
		i++;
	}
	while (i < n) {
		const char *w = WORD(i);
		bool flag = false;

		for (size_t f = 0; flags && flags[f]; f++)
			flag = flag || !strcmp(flags[f], w);
		if (flag) {
			json_object_object_add(req->args, w,
					       json_object_new_boolean(true));
			i++;
			continue;
		}
		if (i + 1 == n)
			return ctl_error(req, -EINVAL, "%s needs a value", w);
		json_object_object_add(req->args, w,
				       json_object_new_string(WORD(i + 1)));
		i += 2;
	}
#undef WORD
	return 0;
}

/**
 * ctl_register() - make @cmd reach @fn
 *
 * @cmd must outlive the engine (a string literal).  Return: 0, -EEXIST when
 * the name is taken, -ENOSPC past CTL_MAX_CMDS, -ENOMEM.
 */
int ctl_register(struct engine *eng, const char *cmd, ctl_handler *fn)
{
	struct ctl *c = ctl_table(eng);

	if (!c)
		return -ENOMEM;
	for (size_t i = 0; i < c->ncmds; i++)
		if (!strcmp(c->cmds[i].name, cmd))
			return -EEXIST;
	if (c->ncmds == CTL_MAX_CMDS)
		return -ENOSPC;
	c->cmds[c->ncmds].name = cmd;
	c->cmds[c->ncmds].fn = fn;
	c->ncmds++;
	return 0;
}

/** ctl_fini() - close the socket (if open) and free the command table. */
void ctl_fini(struct engine *eng)
{
	if (!eng->ctl)
		return;
	ctl_server_close(eng);
	free(eng->ctl);
	eng->ctl = NULL;
}

static const char *const kind_names[] = {
	[NETIF_TAP] = "tap",
	[NETIF_TUN] = "tun",
	[NETIF_FAKE] = "fake",
};

static void mac_str(const struct mac_addr *m, char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m->b[0], m->b[1],
		 m->b[2], m->b[3], m->b[4], m->b[5]);
}

static void ip4_str(uint32_t a, char out[INET_ADDRSTRLEN])
{
	struct in_addr in = { .s_addr = htonl(a) };

	inet_ntop(AF_INET, &in, out, INET_ADDRSTRLEN);
}

static void put_u64(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

static struct json_object *link_json(const struct netif *ifp)
{
	struct json_object *o = json_object_new_object();
	struct json_object *st = json_object_new_object();
	char mac[18], off[32];

	json_object_object_add(o, "name", json_object_new_string(ifp->name));
	json_object_object_add(o, "index", json_object_new_int(ifp->index));
	json_object_object_add(o, "kind",
			       json_object_new_string(kind_names[ifp->kind]));
	json_object_object_add(o, "mtu", json_object_new_int64(ifp->mtu));
	json_object_object_add(o, "offload",
			       json_object_new_string(netdev_offload_str(
				       ifp->offload, off, sizeof(off))));
	if (ifp->kind != NETIF_TUN) {
		mac_str(&ifp->mac, mac);
		json_object_object_add(o, "mac", json_object_new_string(mac));
	}
	json_object_object_add(o, "up", json_object_new_boolean(ifp->up));
	put_u64(st, "rx_packets", ifp->stats.rx_packets);
	put_u64(st, "rx_bytes", ifp->stats.rx_bytes);
	put_u64(st, "rx_dropped", ifp->stats.rx_dropped);
	put_u64(st, "tx_packets", ifp->stats.tx_packets);
	put_u64(st, "tx_bytes", ifp->stats.tx_bytes);
	put_u64(st, "tx_errors", ifp->stats.tx_errors);
	json_object_object_add(o, "link_stats", st);
	return o;
}

/* The "op" argument, defaulting to @def; NULL when present but no string. */
static const char *arg_op(struct ctl_req *req, const char *def)
{
	struct json_object *v;

	if (!json_object_object_get_ex(req->args, "op", &v))
		return def;
	return ctl_arg_str(req, "op");
}

static int link_add(struct ctl_req *req)
{
	const char *kind = ctl_arg_str(req, "kind");
	const char *name = ctl_arg_str(req, "name");
	const char *mac_s = ctl_arg_str(req, "mac");
	const char *peer_s = ctl_arg_str(req, "peer_mac");
	const char *offload;
	struct mac_addr mac, peer;
	struct tap_opts o = { 0 };
	struct netif *ifp;
	char err[200];
	int rc;

	if (!kind || (strcmp(kind, "tap") != 0 && strcmp(kind, "tun") != 0))
		return ctl_error(req, -EINVAL,
				 "link add: kind must be tap or tun");
	if (!name || config_check_ifname(name))
		return ctl_error(req, -EINVAL,
				 "link add: a valid interface name is needed");
	if (netif_by_name(req->eng, name))
		return ctl_error(req, -EEXIST, "link add: %s exists", name);
	o.name = name;
	o.kind = kind[1] == 'a' ? NETIF_TAP : NETIF_TUN;
	o.create = ctl_arg_bool(req, "create");
	o.persist = ctl_arg_bool(req, "persist");
	rc = ctl_arg_u32(req, "mtu", &o.mtu);
	if (rc == -EINVAL || (rc == 0 && (o.mtu < 68 || o.mtu > 65535)))
		return ctl_error(req, -EINVAL, "link add: mtu: 68 to 65535");
	if (mac_s) {
		if (config_parse_mac(mac_s, &mac) || mac_is_multicast(&mac))
			return ctl_error(req, -EINVAL, "link add: bad mac %s",
					 mac_s);
		o.mac = &mac;
	}
	if (peer_s) {
		if (config_parse_mac(peer_s, &peer) || mac_is_multicast(&peer))
			return ctl_error(req, -EINVAL,
					 "link add: bad peer_mac %s", peer_s);
		o.peer_mac = &peer;
	}
	if (o.persist && !o.create)
		return ctl_error(req, -EINVAL,
				 "link add: persist applies only with create");
	offload = ctl_arg_str(req, "offload");
	if (offload && strcmp(offload, "on") != 0 &&
	    strcmp(offload, "off") != 0)
		return ctl_error(req, -EINVAL,
				 "link add: offload must be on or off");
	o.no_offload = offload && !strcmp(offload, "off");
	rc = netdev_tap_open(req->eng, &o, &ifp, err, sizeof(err));
	if (rc)
		return ctl_error(req, rc, "%s", err);
	req->data = link_json(ifp);
	return 0;
}

static int link_del(struct ctl_req *req)
{
	const char *name = ctl_arg_str(req, "name");
	struct netif *ifp = name ? netif_by_name(req->eng, name) : NULL;

	if (!ifp)
		return ctl_error(req, -ENODEV, "link del: no interface %s",
				 name ? name : "(none given)");
	/* The protocols drop their references before the memory goes. */
	l3_netif_down(ifp);
	netif_remove(ifp);
	return 0;
}

/*
 * link - {"op": "list"} (default), {"op": "add", "kind": "tap"|"tun",
 * "name": N, "create": bool, "persist": bool, "mtu": n, "mac": s,
 * "peer_mac": s}, {"op": "del", "name": N}
 */
static int cmd_link(struct ctl_req *req)
{
	const char *op = arg_op(req, "list");

	if (!op)
		return ctl_error(req, -EINVAL, "link: op must be a string");
	if (!strcmp(op, "add"))
		return link_add(req);
	if (!strcmp(op, "del"))
		return link_del(req);
	if (strcmp(op, "list") != 0)
		return ctl_error(req, -EINVAL, "link: unknown op '%s'", op);
	req->data = json_object_new_array();
	for (struct netif *ifp = req->eng->ifaces; ifp; ifp = ifp->next)
		json_object_array_add(req->data, link_json(ifp));
	return 0;
}

static const char *const addr_state_names[] = {
	[ADDR4_TENTATIVE] = "tentative",
	[ADDR4_VALID] = "valid",
	[ADDR4_CONFLICT] = "conflict",
};

static int addr_change(struct ctl_req *req, bool add)
{
	const char *a = ctl_arg_str(req, "addr");
	const char *dev = ctl_arg_str(req, "dev");
	struct config_prefix4 p;
	struct netif *ifp;
	int rc;

	struct config_prefix6 p6;

	ifp = dev ? netif_by_name(req->eng, dev) : NULL;
	if (a && strchr(a, ':')) {
		/* IPv6: ipv6.c, with DAD on add (RFC 4862 5.4). */
		if (config_parse_prefix6(a, &p6))
			return ctl_error(req, -EINVAL,
					 "addr: expected an address like "
					 "2001:db8:1::2/64");
		if (!ifp)
			return ctl_error(req, -ENODEV, "addr: no interface %s",
					 dev ? dev : "(none given)");
		rc = add ? ip6_addr_add(ifp, &p6.addr, p6.len, IFA6_F_STATIC,
					0xffffffffu, 0xffffffffu)
			 : ip6_addr_del(req->eng, ifp->index, &p6.addr);
		goto out;
	}
	if (!a || config_parse_prefix4(a, &p))
		return ctl_error(req, -EINVAL,
				 "addr: expected an address like 192.0.2.2/24");
	if (!ifp)
		return ctl_error(req, -ENODEV, "addr: no interface %s",
				 dev ? dev : "(none given)");
	rc = add ? arp_addr_add(ifp, p.addr, p.len)
		 : arp_addr_del(ifp, p.addr, p.len);
out:
	if (rc == -EEXIST)
		return ctl_error(req, rc, "addr: %s is already on %s", a, dev);
	if (rc == -EADDRNOTAVAIL)
		return ctl_error(req, rc, "addr: %s is not on %s", a, dev);
	if (rc == -ENOSPC)
		return ctl_error(req, rc, "addr: %s holds %d addresses already",
				 dev, NETIF_MAX_ADDR4);
	if (rc)
		return ctl_error(req, rc, "addr: cannot use %s", a);
	return 0;
}

/*
 * addr - {"op": "list", "dev": N (optional)}, {"op": "add"|"del",
 * "addr": "A/P", "dev": N}
 */
static int cmd_addr(struct ctl_req *req)
{
	const char *op = arg_op(req, "list");
	const char *dev = ctl_arg_str(req, "dev");
	char a[INET_ADDRSTRLEN];

	if (!op)
		return ctl_error(req, -EINVAL, "addr: op must be a string");
	if (!strcmp(op, "add") || !strcmp(op, "del"))
		return addr_change(req, op[0] == 'a');
	if (strcmp(op, "list") != 0)
		return ctl_error(req, -EINVAL, "addr: unknown op '%s'", op);
	if (dev && !netif_by_name(req->eng, dev))
		return ctl_error(req, -ENODEV, "addr: no interface %s", dev);
	req->data = json_object_new_array();
	for (struct netif *ifp = req->eng->ifaces; ifp; ifp = ifp->next) {
		if (dev && strcmp(dev, ifp->name) != 0)
			continue;
		for (size_t i = 0; i < ifp->naddr4; i++) {
			struct json_object *o = json_object_new_object();

			ip4_str(ifp->addr4[i].addr, a);
			json_object_object_add(
				o, "dev", json_object_new_string(ifp->name));
			json_object_object_add(o, "index",
					       json_object_new_int(ifp->index));
			json_object_object_add(o, "family",
					       json_object_new_string("inet"));
			json_object_object_add(o, "addr",
					       json_object_new_string(a));
			json_object_object_add(
				o, "prefixlen",
				json_object_new_int(ifp->addr4[i].prefixlen));
			json_object_object_add(
				o, "state",
				json_object_new_string(
					addr_state_names[ifp->addr4[i].state]));
			json_object_array_add(req->data, o);
		}
		ip6_addr_list(req->eng, ifp, req->data);
	}
	return 0;
}

/* stats - every counter in stat_descs, in table order, zeros included. */
static int cmd_stats(struct ctl_req *req)
{
	req->data = json_object_new_object();
	for (size_t i = 0; i < stat_descs_count; i++)
		put_u64(req->data, stat_descs[i].name,
			stat_get(&req->eng->stats, &stat_descs[i]));
	return 0;
}

static struct json_object *capture_json(const struct engine *eng)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "active",
			       json_object_new_boolean(eng->cap != NULL));
	if (eng->cap) {
		json_object_object_add(
			o, "file",
			json_object_new_string(capture_path(eng->cap)));
		put_u64(o, "frames", capture_frames(eng->cap));
	}
	return o;
}

/*
 * capture - {"op": "show"} (default), {"op": "start", "file": F},
 * {"op": "stop"}.  One capture at a time; start truncates F.
 */
static int cmd_capture(struct ctl_req *req)
{
	struct engine *eng = req->eng;
	const char *op = arg_op(req, "show");
	const char *file = ctl_arg_str(req, "file");
	int rc;

	if (!op)
		return ctl_error(req, -EINVAL, "capture: op must be a string");
	if (!strcmp(op, "start")) {
		if (eng->cap)
			return ctl_error(req, -EBUSY,
					 "capture: already writing %s; stop it "
					 "first",
					 capture_path(eng->cap));
		if (!file || !file[0])
			return ctl_error(req, -EINVAL,
					 "capture start: a file is needed");
		rc = capture_open(&eng->cap, file);
		if (rc)
			return ctl_error(req, rc, "capture: %s: %s", file,
					 strerror(-rc));
	} else if (!strcmp(op, "stop")) {
		if (!eng->cap)
			return ctl_error(req, -ENOENT,
					 "capture: not capturing");
		req->data = capture_json(eng);
		capture_close(eng->cap);
		eng->cap = NULL;
		return 0;
	} else if (strcmp(op, "show") != 0) {
		return ctl_error(req, -EINVAL, "capture: unknown op '%s'", op);
	}
	req->data = capture_json(eng);
	return 0;
}

/* commands - the names every client may send, built-in and registered. */
static int cmd_commands(struct ctl_req *req)
{
	req->data = json_object_new_array();
	for (size_t i = 0; i < req->eng->ctl->ncmds; i++)
		json_object_array_add(
			req->data,
			json_object_new_string(req->eng->ctl->cmds[i].name));
	return 0;
}

static const struct ctl_cmd builtins[] = {
	{ "link", cmd_link },	      { "addr", cmd_addr },
	{ "stats", cmd_stats },	      { "capture", cmd_capture },
	{ "commands", cmd_commands },
};

/*
 * ctl_table() - @eng's command table, made with the built-ins on first use
 * so that a module registering early cannot shadow them
 *
 * Return: the table, or NULL when memory is short.
 */
struct ctl *ctl_table(struct engine *eng)
{
	struct ctl *c = eng->ctl;

	if (c)
		return c;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->listen_fd = -1;
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		c->cmds[c->ncmds++] = builtins[i];
	eng->ctl = c;
	return c;
}

static char *reply_error(int err, const char *msg, size_t *out_len)
{
	struct json_object *r = json_object_new_object();
	char *s;

	json_object_object_add(r, "ok", json_object_new_boolean(false));
	json_object_object_add(r, "errno", json_object_new_int(-err));
	json_object_object_add(r, "error", json_object_new_string(msg));
	s = strdup(json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN));
	if (s)
		*out_len = strlen(s);
	json_object_put(r);
	return s;
}

/**
 * ctl_handle() - answer one request
 * @req: the request's bytes (JSON, not NUL-terminated)
 * @out_len: set to the reply's length
 *
 * Return: the reply (JSON, NUL-terminated, caller frees), or NULL when
 * memory is short.
 */
char *ctl_handle(struct engine *eng, const char *req, size_t len,
		 size_t *out_len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root = NULL, *cmd_o, *reply;
	struct ctl_req r = { .eng = eng };
	const char *cmd;
	ctl_handler *fn = NULL;
	bool tail = false;
	char *s;
	int rc;

	if (!ctl_table(eng) || !tok) {
		json_tokener_free(tok);
		return reply_error(-ENOMEM, "out of memory", out_len);
	}
	if (len < (size_t)INT32_MAX)
		root = json_tokener_parse_ex(tok, req, (int)len);
	/* One document and nothing after it but white space. */
	if (root) {
		for (size_t i = json_tokener_get_parse_end(tok); i < len; i++)
			if (!strchr(" \t\r\n", req[i]) || !req[i])
				tail = true;
	}
	if (!root || tail ||
	    json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(root, json_type_object)) {
		s = reply_error(-EINVAL, "request is not a JSON object",
				out_len);
		goto out;
	}
	if (!json_object_object_get_ex(root, "cmd", &cmd_o) ||
	    !json_object_is_type(cmd_o, json_type_string)) {
		s = reply_error(-EINVAL, "request has no \"cmd\" string",
				out_len);
		goto out;
	}
	cmd = json_object_get_string(cmd_o);
	if (!json_object_object_get_ex(root, "args", &r.args)) {
		r.args = json_object_new_object();
		json_object_object_add(root, "args", r.args);
	} else if (!json_object_is_type(r.args, json_type_object)) {
		s = reply_error(-EINVAL, "\"args\" must be an object", out_len);
		goto out;
	}
	for (size_t i = 0; i < eng->ctl->ncmds; i++)
		if (!strcmp(eng->ctl->cmds[i].name, cmd))
			fn = eng->ctl->cmds[i].fn;
	if (!fn) {
		char msg[96];

		snprintf(msg, sizeof(msg), "unknown command '%.40s'", cmd);
		s = reply_error(-EOPNOTSUPP, msg, out_len);
		goto out;
	}
	rc = fn(&r);
	if (rc < 0) {
		json_object_put(r.data);
		s = reply_error(rc, r.err[0] ? r.err : strerror(-rc), out_len);
		goto out;
	}
	reply = json_object_new_object();
	json_object_object_add(reply, "ok", json_object_new_boolean(true));
	json_object_object_add(reply, "data", r.data); /* NULL: null */
	s = strdup(
		json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN));
	if (s)
		*out_len = strlen(s);
	json_object_put(reply);
out:
	json_object_put(root);
	json_tokener_free(tok);
	return s;
}
