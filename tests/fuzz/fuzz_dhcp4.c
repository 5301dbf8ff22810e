// SPDX-License-Identifier: MIT
/*
 * fuzz_dhcp4.c - libFuzzer harness for dhcp4_parse(), dhcp4_emit() and the
 * RFC 3442 route decoder and encoder
 *
 * Properties: whatever parses re-emits byte for byte and parses to the same
 * view; a route option that decodes re-encodes (through the builder, split
 * per RFC 3396 when long) to routes that decode the same.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/dhcp4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ROUTES 256

static void check_routes(const struct dhcp4_view *v)
{
	static struct dhcp4_route r[MAX_ROUTES], r2[MAX_ROUTES];
	static uint8_t raw[70000], msg[70000], raw2[70000];
	struct dhcp4_view w = *v;
	struct dhcp4_opts o;
	int n, n2, len;

	n = dhcp4_opt_concat(v, DHCP4_OPT_CLASSLESS_ROUTES, raw, sizeof(raw));
	if (n < 0)
		return;
	n = dhcp4_routes_parse(raw, (size_t)n, r, MAX_ROUTES);
	if (n < 0 || n > MAX_ROUTES)
		return;
	dhcp4_opts_init(&o, msg + DHCP4_HDR_LEN, sizeof(msg) - DHCP4_HDR_LEN);
	dhcp4_opt_put_routes(&o, r, (size_t)n);
	len = dhcp4_opts_end(&o);
	if (len < 0)
		abort();
	w.options = msg + DHCP4_HDR_LEN;
	w.options_len = (size_t)len;
	w.sname = NULL;
	w.file = NULL;
	len = dhcp4_emit(msg, sizeof(msg), &w);
	if (len < 0 || dhcp4_parse(msg, (size_t)len, &w))
		abort();
	n2 = dhcp4_opt_concat(&w, DHCP4_OPT_CLASSLESS_ROUTES, raw2,
			      sizeof(raw2));
	if (n2 < 0)
		abort();
	if (dhcp4_routes_parse(raw2, (size_t)n2, r2, MAX_ROUTES) != n)
		abort();
	for (int i = 0; i < n; i++)
		if (r[i].dst != r2[i].dst || r[i].width != r2[i].width ||
		    r[i].router != r2[i].router)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[70000];
	struct dhcp4_view v, w;
	int n;

	if (dhcp4_parse(data, size, &v))
		return 0;
	n = dhcp4_emit(out, sizeof(out), &v);
	if (n < 0 || (size_t)n != size || memcmp(out, data, size) != 0)
		abort();
	if (dhcp4_parse(out, (size_t)n, &w))
		abort();
	if (w.xid != v.xid || w.msg_type != v.msg_type ||
	    w.overload != v.overload || w.lease_time != v.lease_time ||
	    w.routes.total != v.routes.total || w.dns.total != v.dns.total ||
	    w.options_len != v.options_len)
		abort();
	check_routes(&v);
	return 0;
}
