// SPDX-License-Identifier: MIT
/*
 * fuzz_dhcp6.c - libFuzzer harness for dhcp6_parse(), dhcp6_emit(),
 * dhcp6_ia_parse() and dhcp6_domain_next()
 *
 * Properties: whatever parses re-emits byte for byte and parses to the same
 * view; every IA that dhcp6_parse() accepted decodes; every domain list it
 * accepted walks to its end (decoding to text may refuse odd bytes, but
 * never runs past the option); an IA_NA rebuilt through the builder from
 * its decoded form decodes the same.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/dhcp6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ia_rebuild(const struct dhcp6_view *v)
{
	static uint8_t buf[70000];
	struct dhcp6_ia ia, ib;
	struct dhcp6_opts o;
	int n;

	if (dhcp6_ia_parse(DHCP6_OPT_IA_NA, v->ia_na.data, v->ia_na.len, &ia))
		abort();
	if (ia.n_addrs > DHCP6_IA_MAX_ADDRS)
		return;
	dhcp6_opts_init(&o, buf, sizeof(buf));
	dhcp6_opt_open_ia(&o, DHCP6_OPT_IA_NA, ia.iaid, ia.t1, ia.t2);
	for (size_t i = 0; i < ia.n_addrs; i++) {
		dhcp6_opt_open_iaaddr(&o, &ia.addrs[i].addr,
				      ia.addrs[i].preferred, ia.addrs[i].valid);
		dhcp6_opt_close(&o);
	}
	dhcp6_opt_close(&o);
	n = dhcp6_opts_finish(&o);
	if (n < DHCP6_OPT_HDR_LEN)
		abort();
	if (dhcp6_ia_parse(DHCP6_OPT_IA_NA, buf + DHCP6_OPT_HDR_LEN,
			   (size_t)n - DHCP6_OPT_HDR_LEN, &ib))
		abort();
	if (ib.iaid != ia.iaid || ib.t1 != ia.t1 || ib.t2 != ia.t2 ||
	    ib.n_addrs != ia.n_addrs)
		abort();
	for (size_t i = 0; i < ia.n_addrs; i++)
		if (!ip6_eq(&ib.addrs[i].addr, &ia.addrs[i].addr) ||
		    ib.addrs[i].valid != ia.addrs[i].valid)
			abort();
}

static void check_domains(const struct dhcp6_view *v)
{
	char name[256];
	size_t off = 0;
	int rc;

	while ((rc = dhcp6_domain_next(v->domains.data, v->domains.len, &off,
				       NULL, 0)) > 0)
		;
	if (rc || off != v->domains.len)
		abort();
	off = 0;
	while (dhcp6_domain_next(v->domains.data, v->domains.len, &off, name,
				 sizeof(name)) > 0)
		if (strlen(name) > 253)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[70000];
	struct dhcp6_view v, w;
	struct dhcp6_ia ia;
	int n;

	if (dhcp6_parse(data, size, &v))
		return 0;
	n = dhcp6_emit(out, sizeof(out), &v);
	if (n < 0 || (size_t)n != size || memcmp(out, data, size) != 0)
		abort();
	if (dhcp6_parse(out, (size_t)n, &w))
		abort();
	if (w.msg_type != v.msg_type || w.xid != v.xid ||
	    w.options_len != v.options_len || w.ia_na.count != v.ia_na.count ||
	    w.status.code != v.status.code || w.elapsed != v.elapsed)
		abort();
	if (v.ia_na.count)
		check_ia_rebuild(&v);
	if (v.ia_pd.count &&
	    dhcp6_ia_parse(DHCP6_OPT_IA_PD, v.ia_pd.data, v.ia_pd.len, &ia))
		abort();
	if (v.domains.count)
		check_domains(&v);
	return 0;
}
