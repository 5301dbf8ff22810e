// SPDX-License-Identifier: MIT
/*
 * l3.c - start, stop and control the L3/L4 modules: table set-up, the
 * interface-removal hook, and the "route" and "neigh" control commands
 *
 * The control handlers are thin: they parse the request's arguments and
 * call route4_add/route4_del/route4_dump and neigh_add4/neigh_del4/
 * neigh_flush/neigh_dump, which return kernel errno values.
 */
#include <errno.h>
#include <string.h>

#include "arp.h"
#include "config.h"
#include "ctl.h"
#include "dhcp4_client.h"
#include "dhcp6_client.h"
#include "engine.h"
#include "icmp4.h"
#include "igmp.h"
#include "ipv4_frag.h"
#include "ipv6.h"
#include "l3.h"
#include "neigh.h"
#include "route.h"
#include "tcp.h"
#include "udp.h"

static const char *op_of(struct ctl_req *req)
{
	const char *op = ctl_arg_str(req, "op");

	return op ? op : "list";
}

static struct netif *dev_of(struct ctl_req *req)
{
	const char *dev = ctl_arg_str(req, "dev");

	return dev ? netif_by_name(req->eng, dev) : NULL;
}

/*
 * route - words `[show] | add DST [via GW] [dev N] | del DST`, or JSON
 * {"op": "list"} | {"op": "add", "dst": "A/P"|"default",
 * "via": "G"?, "dev": N?} | {"op": "del", "dst": "A/P"|"default"}
 */
static int cmd_route(struct ctl_req *req)
{
	int rc = ctl_args_from_argv(req, "dst", NULL);
	const char *op = op_of(req), *dst = ctl_arg_str(req, "dst");
	const char *via = ctl_arg_str(req, "via");
	struct config_prefix4 p = { 0 };
	uint32_t gw = 0;

	if (rc)
		return rc;
	if (!strcmp(op, "list")) {
		req->data = route4_dump(req->eng);
		route6_list(req->eng, req->data);
		return req->data ? 0 : -ENOMEM;
	}
	if (strcmp(op, "add") != 0 && strcmp(op, "del") != 0)
		return ctl_error(req, -EINVAL, "route: unknown op '%s'", op);
	if (!dst ||
	    (strcmp(dst, "default") != 0 && config_parse_prefix4(dst, &p)))
		return ctl_error(req, -EINVAL,
				 "route: dst must be A.B.C.D/LEN or default");
	if (!strcmp(op, "del")) {
		rc = route4_del(req->eng, p.addr, p.len);
		return rc ? ctl_error(req, rc, "route: no route to %s", dst)
			  : 0;
	}
	if (via && config_parse_ip4(via, &gw))
		return ctl_error(req, -EINVAL, "route: bad gateway %s", via);
	if (ctl_arg_str(req, "dev") && !dev_of(req))
		return ctl_error(req, -ENODEV, "route: no such device");
	rc = route4_add(req->eng, p.addr, p.len, gw, dev_of(req));
	if (rc == -ENETUNREACH)
		return ctl_error(req, rc, "route: gateway %s is not on-link",
				 via);
	if (rc == -EEXIST)
		return ctl_error(req, rc, "route: %s exists already", dst);
	return rc ? ctl_error(req, rc, "route: cannot add %s", dst) : 0;
}

/*
 * neigh - words `[show] | add A lladdr MAC dev N [replace] | del A dev N |
 * flush [dev N]` (entries added are permanent, as `ip neigh add` without
 * nud makes them), or JSON {"op": "list"} | {"op": "add", "addr": A, "lladdr": MAC,
 * "dev": N, "replace": bool?} | {"op": "del", "addr": A, "dev": N} |
 * {"op": "flush", "dev": N?}
 */
static int cmd_neigh(struct ctl_req *req)
{
	static const char *const flags[] = { "replace", "permanent", NULL };
	int rc = ctl_args_from_argv(req, "addr", flags);
	const char *op = op_of(req), *a = ctl_arg_str(req, "addr");
	const char *ll = ctl_arg_str(req, "lladdr");
	struct netif *ifp = dev_of(req);
	struct mac_addr mac;
	uint32_t addr = 0;

	if (rc)
		return rc;
	if (!strcmp(op, "list")) {
		req->data = neigh_dump(req->eng);
		return req->data ? 0 : -ENOMEM;
	}
	if (!strcmp(op, "flush")) {
		neigh_flush(req->eng, ifp ? ifp->index : 0);
		return 0;
	}
	if (strcmp(op, "add") != 0 && strcmp(op, "del") != 0)
		return ctl_error(req, -EINVAL, "neigh: unknown op '%s'", op);
	if (!ifp)
		return ctl_error(req, -ENODEV, "neigh: no such device");
	if (!a || config_parse_ip4(a, &addr))
		return ctl_error(req, -EINVAL, "neigh: bad address");
	if (!strcmp(op, "del")) {
		rc = neigh_del4(req->eng, ifp, addr);
		return rc ? ctl_error(req, rc, "neigh: no entry for %s", a) : 0;
	}
	if (!ll || config_parse_mac(ll, &mac))
		return ctl_error(req, -EINVAL, "neigh: bad lladdr");
	rc = neigh_add4(req->eng, ifp, addr, &mac,
			ctl_arg_bool(req, "replace"));
	if (rc == -EEXIST)
		return ctl_error(req, rc, "neigh: %s exists (use replace)", a);
	return rc ? ctl_error(req, rc, "neigh: cannot add %s", a) : 0;
}

/* udp - {"op": "list"}: the bound UDP sockets. */
static int cmd_udp(struct ctl_req *req)
{
	req->data = udp_dump(req->eng);
	return req->data ? 0 : -ENOMEM;
}

/**
 * l3_init() - the L3/L4 tables of @eng (neighbours, FIB, reassembly,
 * ICMP rate limits, UDP) and the "route", "neigh" and "udp" commands
 *
 * Return: 0 or -errno (whatever was made is freed again).
 */
int l3_init(struct engine *eng)
{
	int rc;

	rc = neigh_init(eng);
	if (!rc)
		rc = route4_init(eng);
	if (!rc)
		rc = frag4_init(eng);
	if (!rc)
		rc = icmp4_init(eng);
	if (!rc)
		rc = udp_init(eng);
	if (!rc)
		rc = dhcp4c_init(eng);
	if (!rc)
		rc = dhcp6c_init(eng);
	if (!rc)
		rc = ip6_init(eng);
	if (!rc)
		rc = igmp_init(eng);
	if (!rc)
		rc = ctl_register(eng, "route", cmd_route);
	if (!rc)
		rc = ctl_register(eng, "neigh", cmd_neigh);
	if (!rc)
		rc = ctl_register(eng, "udp", cmd_udp);
	if (!rc)
		rc = tcp_init(eng); /* registers "ss" */
	if (rc)
		l3_fini(eng);
	return rc;
}

/** l3_fini() - free what l3_init() made; safe on a partial init. */
void l3_fini(struct engine *eng)
{
	dhcp4c_fini(eng); /* before udp_fini(): it holds a socket */
	dhcp6c_fini(eng); /* likewise, and before ip6_fini() */
	igmp_fini(eng);
	ip6_fini(eng);
	tcp_fini(eng);
	udp_fini(eng);
	icmp4_fini(eng);
	frag4_fini(eng);
	route4_fini(eng);
	arp_fini(eng);
	neigh_fini(eng);
}

/**
 * l3_netif_down() - @ifp is about to go: drop its neighbours (permanent
 * ones too) and its static routes.  Connected routes and ACD state follow
 * the interface by themselves (they are looked up by index).
 */
void l3_netif_down(struct netif *ifp)
{
	struct engine *eng = ifp->eng;
	struct neigh *n, *tmp;

	dhcp4c_stop(ifp, false);
	dhcp6c_stop(ifp, false);
	if (!eng->neigh)
		return;
	neigh_flush(eng, ifp->index);
	for (n = eng->neigh->entries; n; n = tmp) {
		tmp = n->hh.next;
		if (n->key.ifindex == ifp->index)
			neigh_del(eng, ifp->index, n->key.family, n->key.addr);
	}
	route4_flush_dev(eng, ifp->index);
	ip6_netif_down(ifp);
}
