// SPDX-License-Identifier: MIT
/*
 * l3.c - start, stop and control the L3/L4 modules: table set-up, the
 * interface-removal hook, and the "route" and "neigh" control commands
 *
 * The control handlers are thin: they parse the request's arguments and
 * call route4_add/route4_del/route4_dump and neigh_add4/neigh_del4/
 * neigh_flush/neigh_dump, which return kernel errno values.
 */
#include <arpa/inet.h>
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
#include "sysctl.h"
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
 * route6_static_find() - the first static route to @p/@len (any gateway,
 * any device): what `route del PREFIX` without via or dev removes
 */
static const struct route6 *route6_static_find(struct engine *eng,
					       const struct ip6_addr *p,
					       uint8_t len)
{
	for (size_t i = 0; eng->ip6 && i < eng->ip6->nroutes; i++) {
		const struct route6 *r = &eng->ip6->routes[i];

		if (r->proto == RT6_STATIC && r->len == len &&
		    ip6_prefix_match(&r->prefix, p, len))
			return r;
	}
	return NULL;
}

/*
 * cmd_route6() - `route add|del PREFIX6/LEN|default [via A6] [dev N]`:
 * a static IPv6 route.  A link-local gateway needs dev (RFC 4007 6); a
 * global one without dev must be on-link; without via the prefix is
 * on-link on dev.  del without via/dev removes the first static route to
 * the prefix.
 */
static int cmd_route6(struct ctl_req *req, const char *op, const char *dst,
		      const char *via)
{
	struct engine *eng = req->eng;
	struct config_prefix6 p = { 0 };
	struct route6 r = { .proto = RT6_STATIC, .expires = IP6_LIFETIME_INF };
	struct netif *ifp = dev_of(req);
	const struct route6 *old;
	struct route6_result rr;
	char a[INET6_ADDRSTRLEN];
	int rc;

	if (strcmp(dst, "default") != 0 && config_parse_prefix6(dst, &p))
		return ctl_error(req, -EINVAL,
				 "route: dst must be PREFIX/LEN or default");
	if (via && (inet_pton(AF_INET6, via, r.gw.b) != 1 ||
		    ip6_is_multicast(&r.gw) || ip6_is_unspec(&r.gw)))
		return ctl_error(req, -EINVAL, "route: bad gateway %s", via);
	if (ctl_arg_str(req, "dev") && !ifp)
		return ctl_error(req, -ENODEV, "route: no such device");
	r.prefix = p.addr;
	r.len = p.len;
	if (!strcmp(op, "del") && !via && !ifp) {
		old = route6_static_find(eng, &r.prefix, r.len);
		if (!old)
			return ctl_error(req, -ESRCH, "route: no route to %s",
					 dst);
		r.gw = old->gw;
		r.ifindex = old->ifindex;
	} else if (ifp) {
		r.ifindex = ifp->index;
	} else if (!via) {
		return ctl_error(req, -EINVAL,
				 "route: an IPv6 route needs via or dev");
	} else if (ip6_is_linklocal(&r.gw)) {
		return ctl_error(req, -EINVAL,
				 "route: link-local gateway %s needs dev", via);
	} else if (route6_lookup(eng, &r.gw, 0, &rr) ||
		   !ip6_eq(&rr.nexthop, &r.gw)) {
		return ctl_error(req, -ENETUNREACH,
				 "route: gateway %s is not on-link", via);
	} else {
		r.ifindex = rr.ifindex;
	}
	if (!strcmp(op, "del")) {
		rc = route6_del(eng, &r.prefix, r.len, &r.gw, r.ifindex);
		return rc ? ctl_error(req, rc, "route: no route to %s", dst)
			  : 0;
	}
	rc = route6_add(eng, &r);
	if (rc)
		return ctl_error(req, rc, "route: cannot add %s/%u: %s",
				 ip6_str(&r.prefix, a), r.len, strerror(-rc));
	return 0;
}

/*
 * route - words `[show] | add DST [via GW] [dev N] | del DST`, or JSON
 * {"op": "list"} | {"op": "add", "dst": "A/P"|"default",
 * "via": "G"?, "dev": N?} | {"op": "del", "dst": "A/P"|"default"}
 *
 * DST (or GW) with a colon is IPv6: see cmd_route6(); `default` with an
 * IPv6 GW is ::/0.
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
	/* IPv6 when the prefix or the gateway says so. */
	if (dst && (strchr(dst, ':') || (via && strchr(via, ':'))))
		return cmd_route6(req, op, dst, via);
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
		rc = sysctl_ctl_init(eng);
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
