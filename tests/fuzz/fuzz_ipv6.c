// SPDX-License-Identifier: MIT
/*
 * fuzz_ipv6.c - libFuzzer harness for ip6_parse() and ip6_emit()
 *
 * Property: whatever parses re-emits without error (with have_frag cleared,
 * since the parsed payload already holds the Fragment header), and the
 * re-emitted packet parses to the same view.  The option walker is run
 * over every options area the parser accepted and must not fail.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/ipv6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk_opts(const uint8_t *opts, size_t len)
{
	struct ip6_opt_iter it;
	struct ip6_opt o;
	int rc;

	ip6_opt_iter_init(&it, opts, len);
	while ((rc = ip6_opt_next(&it, &o)) > 0)
		;
	if (rc)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[70000];
	struct ip6_view v, w, e;
	int n;

	if (ip6_parse(data, size, &v))
		return 0;
	walk_opts(v.hbh_opts, v.hbh_opts_len);
	walk_opts(v.dst_opts, v.dst_opts_len);
	e = v;
	e.have_frag = false;
	n = ip6_emit(out, sizeof(out), &e);
	if (n < 0)
		abort();
	if (ip6_parse(out, (size_t)n, &w))
		abort();
	if (w.upper_proto != v.upper_proto || w.nh_off != v.nh_off ||
	    w.upper_off != v.upper_off || w.n_ext != v.n_ext ||
	    w.frag_off != v.frag_off || w.frag_id != v.frag_id ||
	    w.chain_incomplete != v.chain_incomplete ||
	    w.flow_label != v.flow_label || w.tclass != v.tclass ||
	    w.payload_len != v.payload_len ||
	    memcmp(w.payload, v.payload, v.payload_len) != 0 ||
	    memcmp(out, data, (size_t)n) != 0)
		abort();
	return 0;
}
