// SPDX-License-Identifier: MIT
/*
 * test_ctl.c - control commands, called directly on a fake engine (no
 * socket): the envelope, every built-in and registration
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <unistd.h>

#include "capture.h"
#include "ctl.h"
#include "fake_engine.h"
#include "l3.h"
#include "testutil.h"

static struct engine eng;
static const uint8_t mac[6] = { 2, 0, 0x5e, 0, 0x53, 2 };

/* As in nsstackd: the L3 tables exist before any command arrives. */
static void setup(void)
{
	fake_engine_init(&eng);
	cr_assert_eq(l3_init(&eng), 0);
}

static void teardown(void)
{
	l3_fini(&eng);
	engine_fini(&eng);
}

TestSuite(ctl, .init = setup, .fini = teardown);

/* Send @req; return the parsed reply (caller puts it). */
static struct json_object *ask(const char *req)
{
	size_t len = 0;
	char *s = ctl_handle(&eng, req, strlen(req), &len);
	struct json_object *r;

	cr_assert_not_null(s);
	cr_assert_eq(strlen(s), len);
	r = json_tokener_parse(s);
	cr_assert_not_null(r, "reply is not JSON: %s", s);
	free(s);
	return r;
}

static struct json_object *get(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	cr_assert(json_object_object_get_ex(o, k, &v), "no '%s' in %s", k,
		  json_object_to_json_string(o));
	return v;
}

/* The request succeeds; return its data (owned by @reply). */
static struct json_object *ok(const char *req, struct json_object **reply)
{
	*reply = ask(req);
	cr_assert(json_object_get_boolean(get(*reply, "ok")), "%s -> %s", req,
		  json_object_to_json_string(*reply));
	return get(*reply, "data");
}

/* The request fails with -@err and an error text containing @text. */
static void refused(const char *req, int err, const char *text)
{
	struct json_object *r = ask(req);

	cr_assert_not(json_object_get_boolean(get(r, "ok")), "%s", req);
	cr_assert_eq(json_object_get_int(get(r, "errno")), err, "%s -> %s", req,
		     json_object_to_json_string(r));
	cr_assert(strstr(json_object_get_string(get(r, "error")), text),
		  "%s -> %s", req, json_object_to_json_string(r));
	json_object_put(r);
}

Test(ctl, malformed_requests_get_einval)
{
	refused("", EINVAL, "not a JSON object");
	refused("{\"cmd\":", EINVAL, "not a JSON object");
	refused("[1,2]", EINVAL, "not a JSON object");
	refused("{}", EINVAL, "no \"cmd\"");
	refused("{\"cmd\": 7}", EINVAL, "no \"cmd\"");
	refused("{\"cmd\": \"link\", \"args\": []}", EINVAL,
		"must be an object");
	refused("{\"cmd\": \"link\"} trailing", EINVAL, "not a JSON object");
	refused("{\"cmd\": \"frobnicate\"}", EOPNOTSUPP,
		"unknown command 'frobnicate'");
}

Test(ctl, link_lists_interfaces_with_stats)
{
	struct json_object *r, *d, *l;
	struct netif *ifp = fake_netif(&eng, "fake0", mac);

	ifp->stats.rx_packets = 3;
	d = ok("{\"cmd\": \"link\"}", &r);
	cr_assert_eq(json_object_array_length(d), 1);
	l = json_object_array_get_idx(d, 0);
	cr_assert_str_eq(json_object_get_string(get(l, "name")), "fake0");
	cr_assert_eq(json_object_get_int(get(l, "index")), 1);
	cr_assert_str_eq(json_object_get_string(get(l, "kind")), "fake");
	cr_assert_eq(json_object_get_int(get(l, "mtu")), 1500);
	cr_assert_str_eq(json_object_get_string(get(l, "mac")),
			 "02:00:5e:00:53:02");
	cr_assert(json_object_get_boolean(get(l, "up")));
	cr_assert_eq(
		json_object_get_int(get(get(l, "link_stats"), "rx_packets")),
		3);
	json_object_put(r);
	refused("{\"cmd\": \"link\", \"args\": {\"op\": \"frob\"}}", EINVAL,
		"unknown op");
	refused("{\"cmd\": \"link\", \"args\": {\"op\": 1}}", EINVAL,
		"op must be a string");
}

Test(ctl, link_del_removes_and_link_add_validates)
{
	struct json_object *r;

	fake_netif(&eng, "fake0", mac);
	fake_netif(&eng, "fake1", mac);
	json_object_put(ask("{\"cmd\": \"link\", \"args\": {\"op\": \"del\", "
			    "\"name\": \"fake0\"}}"));
	cr_assert_null(netif_by_name(&eng, "fake0"));
	cr_assert_eq(json_object_array_length(ok("{\"cmd\": \"link\"}", &r)),
		     1);
	json_object_put(r);
	refused("{\"cmd\": \"link\", \"args\": {\"op\": \"del\", \"name\": "
		"\"fake0\"}}",
		ENODEV, "no interface fake0");
	refused("{\"cmd\": \"link\", \"args\": {\"op\": \"del\"}}", ENODEV,
		"(none given)");
	refused("{\"cmd\": \"link\", \"args\": {\"op\": \"add\", \"kind\": "
		"\"bridge\", \"name\": \"x\"}}",
		EINVAL, "kind must be tap or tun");
	refused("{\"cmd\": \"link\", \"args\": {\"op\": \"add\", \"kind\": "
		"\"tap\", \"name\": \"a/b\"}}",
		EINVAL, "valid interface name");
	refused("{\"cmd\": \"link\", \"args\": {\"op\": \"add\", \"kind\": "
		"\"tap\", \"name\": \"fake1\"}}",
		EEXIST, "fake1 exists");
	refused("{\"cmd\": \"link\", \"args\": {\"op\": \"add\", \"kind\": "
		"\"tap\", \"name\": \"t9\", \"mtu\": 20}}",
		EINVAL, "mtu");
	refused("{\"cmd\": \"link\", \"args\": {\"op\": \"add\", \"kind\": "
		"\"tap\", \"name\": \"t9\", \"mtu\": \"big\"}}",
		EINVAL, "mtu");
	refused("{\"cmd\": \"link\", \"args\": {\"op\": \"add\", \"kind\": "
		"\"tap\", \"name\": \"t9\", \"mac\": \"01:00:00:00:00:01\"}}",
		EINVAL, "bad mac");
	refused("{\"cmd\": \"link\", \"args\": {\"op\": \"add\", \"kind\": "
		"\"tap\", \"name\": \"t9\", \"peer_mac\": \"zz\"}}",
		EINVAL, "bad peer_mac");
	refused("{\"cmd\": \"link\", \"args\": {\"op\": \"add\", \"kind\": "
		"\"tap\", \"name\": \"t9\", \"persist\": true}}",
		EINVAL, "persist applies only with create");
}

Test(ctl, addr_add_list_del)
{
	struct json_object *r, *d, *a;

	fake_netif(&eng, "fake0", mac);
	fake_netif(&eng, "fake1", mac);
	json_object_put(
		ask("{\"cmd\": \"addr\", \"args\": {\"op\": \"add\", "
		    "\"addr\": \"192.0.2.2/24\", \"dev\": \"fake0\"}}"));
	json_object_put(ask("{\"cmd\": \"addr\", \"args\": {\"op\": \"add\", "
			    "\"addr\": \"198.51.100.2/24\", \"dev\": "
			    "\"fake1\"}}"));
	d = ok("{\"cmd\": \"addr\"}", &r);
	cr_assert_eq(json_object_array_length(d), 2);
	a = json_object_array_get_idx(d, 0);
	cr_assert_str_eq(json_object_get_string(get(a, "dev")), "fake0");
	cr_assert_str_eq(json_object_get_string(get(a, "addr")), "192.0.2.2");
	cr_assert_eq(json_object_get_int(get(a, "prefixlen")), 24);
	/* RFC 5227: an address added on Ethernet is probed before use. */
	cr_assert_str_eq(json_object_get_string(get(a, "state")), "tentative");
	cr_assert_str_eq(json_object_get_string(get(a, "family")), "inet");
	json_object_put(r);

	d = ok("{\"cmd\": \"addr\", \"args\": {\"dev\": \"fake1\"}}", &r);
	cr_assert_eq(json_object_array_length(d), 1);
	json_object_put(r);

	refused("{\"cmd\": \"addr\", \"args\": {\"op\": \"add\", \"addr\": "
		"\"192.0.2.2/24\", \"dev\": \"fake0\"}}",
		EEXIST, "already on fake0");
	refused("{\"cmd\": \"addr\", \"args\": {\"op\": \"add\", \"addr\": "
		"\"192.0.2.2\", \"dev\": \"fake0\"}}",
		EINVAL, "expected an address");
	refused("{\"cmd\": \"addr\", \"args\": {\"op\": \"add\", \"addr\": "
		"\"192.0.2.3/24\", \"dev\": \"nope\"}}",
		ENODEV, "no interface nope");
	refused("{\"cmd\": \"addr\", \"args\": {\"op\": \"add\", \"addr\": "
		"\"0.0.0.0/0\", \"dev\": \"fake0\"}}",
		EINVAL, "cannot use");
	refused("{\"cmd\": \"addr\", \"args\": {\"op\": \"del\", \"addr\": "
		"\"192.0.2.2/25\", \"dev\": \"fake0\"}}",
		EADDRNOTAVAIL, "not on fake0");
	refused("{\"cmd\": \"addr\", \"args\": {\"dev\": \"nope\"}}", ENODEV,
		"no interface nope");
	refused("{\"cmd\": \"addr\", \"args\": {\"op\": \"x\"}}", EINVAL,
		"unknown op");
	json_object_put(
		ask("{\"cmd\": \"addr\", \"args\": {\"op\": \"del\", "
		    "\"addr\": \"192.0.2.2/24\", \"dev\": \"fake0\"}}"));
	cr_assert_eq(eng.ifaces->naddr4, 0);
}

Test(ctl, stats_has_every_counter_in_table_order)
{
	struct json_object *r, *d;
	size_t i = 0;

	eng.stats.eth.EthInFrames = 42;
	eng.stats.udp.UdpNoPorts = 7;
	d = ok("{\"cmd\": \"stats\"}", &r);
	cr_assert_eq(json_object_object_length(d), (int)stat_descs_count);
	json_object_object_foreach(d, key, val)
	{
		cr_assert_str_eq(key, stat_descs[i].name);
		cr_assert_eq(json_object_get_uint64(val),
			     stat_get(&eng.stats, &stat_descs[i]));
		i++;
	}
	cr_assert_eq(json_object_get_uint64(get(d, "EthInFrames")), 42);
	cr_assert_eq(json_object_get_uint64(get(d, "UdpNoPorts")), 7);
	json_object_put(r);
}

Test(ctl, capture_start_show_stop)
{
	char path[64], req[160];
	struct json_object *r, *d;

	fake_netif(&eng, "fake0", mac);
	snprintf(path, sizeof(path), "/tmp/nsstack-ctl-%d.pcapng", getpid());
	d = ok("{\"cmd\": \"capture\"}", &r);
	cr_assert_not(json_object_get_boolean(get(d, "active")));
	json_object_put(r);
	snprintf(req, sizeof(req),
		 "{\"cmd\": \"capture\", \"args\": {\"op\": \"start\", "
		 "\"file\": \"%s\"}}",
		 path);
	d = ok(req, &r);
	cr_assert(json_object_get_boolean(get(d, "active")));
	cr_assert_str_eq(json_object_get_string(get(d, "file")), path);
	json_object_put(r);
	cr_assert_not_null(eng.cap);
	refused(req, EBUSY, "already writing");
	fake_rx(eng.ifaces, (const uint8_t *)"\xff\xff\xff\xff\xff\xff", 6);
	d = ok("{\"cmd\": \"capture\", \"args\": {\"op\": \"stop\"}}", &r);
	cr_assert_eq(json_object_get_int(get(d, "frames")), 2, "frame + drop");
	json_object_put(r);
	cr_assert_null(eng.cap);
	cr_assert_eq(access(path, R_OK), 0);
	unlink(path);
	refused("{\"cmd\": \"capture\", \"args\": {\"op\": \"stop\"}}", ENOENT,
		"not capturing");
	refused("{\"cmd\": \"capture\", \"args\": {\"op\": \"start\"}}", EINVAL,
		"a file is needed");
	refused("{\"cmd\": \"capture\", \"args\": {\"op\": \"start\", "
		"\"file\": \"/nonexistent/x\"}}",
		ENOENT, "No such file");
}

static int route_seen;

static int fake_route_cmd(struct ctl_req *req)
{
	struct json_object *argv = ctl_arg_argv(req);

	route_seen++;
	if (!argv || json_object_array_length(argv) == 0)
		return ctl_error(req, -EINVAL, "route: words needed");
	req->data = json_object_new_array();
	json_object_array_add(req->data, json_object_get(argv));
	return 0;
}

static int plain_error_cmd(struct ctl_req *req)
{
	(void)req;
	return -ENETUNREACH;
}

Test(ctl, modules_register_commands)
{
	struct json_object *r, *d;
	bool found = false;

	cr_assert_eq(ctl_register(&eng, "fakeroute", fake_route_cmd), 0);
	cr_assert_eq(ctl_register(&eng, "fakeroute", fake_route_cmd), -EEXIST);
	cr_assert_eq(ctl_register(&eng, "link", fake_route_cmd), -EEXIST,
		     "built-ins cannot be shadowed");
	cr_assert_eq(ctl_register(&eng, "oops", plain_error_cmd), 0);
	d = ok("{\"cmd\": \"fakeroute\", \"args\": {\"argv\": [\"show\"]}}",
	       &r);
	cr_assert_eq(route_seen, 1);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(
				 json_object_array_get_idx(d, 0), 0)),
			 "show");
	json_object_put(r);
	refused("{\"cmd\": \"fakeroute\"}", EINVAL, "words needed");
	refused("{\"cmd\": \"oops\"}", ENETUNREACH, "Network is unreachable");
	d = ok("{\"cmd\": \"commands\"}", &r);
	for (size_t i = 0; i < json_object_array_length(d); i++)
		if (!strcmp(json_object_get_string(
				    json_object_array_get_idx(d, i)),
			    "fakeroute"))
			found = true;
	cr_assert(found);
	json_object_put(r);
}

Test(ctl, registry_is_bounded)
{
	static const char *names[CTL_MAX_CMDS];
	static char buf[CTL_MAX_CMDS][16];
	int rc = 0, n = 0;

	for (int i = 0; i < CTL_MAX_CMDS && rc == 0; i++, n++) {
		snprintf(buf[i], sizeof(buf[i]), "c%d", i);
		names[i] = buf[i];
		rc = ctl_register(&eng, names[i], plain_error_cmd);
	}
	cr_assert_eq(rc, -ENOSPC);
	cr_assert(n > 1);
}
