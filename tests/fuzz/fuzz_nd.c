// SPDX-License-Identifier: MIT
/*
 * fuzz_nd.c - libFuzzer harness for the ND option walker and emitter
 *
 * Property: the walk ends; every option it returns re-emits, and the
 * re-emitted option walks back to the same decoded fields.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/nd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[2048];
	struct nd_opt_iter it, it2;
	struct nd_opt o, p;
	int n;

	nd_opt_iter_init(&it, data, size);
	while (nd_opt_next(&it, &o) > 0) {
		if (o.off + (size_t)o.len * ND_OPT_UNIT > size)
			abort();
		n = nd_opt_emit(out, sizeof(out), &o);
		if (n < 0)
			abort();
		nd_opt_iter_init(&it2, out, (size_t)n);
		if (nd_opt_next(&it2, &p) != 1 || cur_left(&it2.c))
			abort();
		if (p.type != o.type || p.prefix_len != o.prefix_len ||
		    p.pi_onlink != o.pi_onlink || p.pi_auto != o.pi_auto ||
		    p.pi_valid != o.pi_valid ||
		    p.pi_preferred != o.pi_preferred || p.mtu != o.mtu ||
		    p.rdnss_n != o.rdnss_n ||
		    p.rdnss_lifetime != o.rdnss_lifetime ||
		    p.rh_pkt_len != o.rh_pkt_len || p.rio_ok != o.rio_ok ||
		    p.rio_prf != o.rio_prf ||
		    p.rio_lifetime != o.rio_lifetime ||
		    !mac_eq(&p.lladdr, &o.lladdr) ||
		    !ip6_eq(&p.prefix, &o.prefix) ||
		    (o.rdnss_n && memcmp(p.rdnss_addrs, o.rdnss_addrs,
					 (size_t)o.rdnss_n * IP6_LEN) != 0) ||
		    (o.rh_pkt_len &&
		     memcmp(p.rh_pkt, o.rh_pkt, o.rh_pkt_len) != 0))
			abort();
	}
	return 0;
}
