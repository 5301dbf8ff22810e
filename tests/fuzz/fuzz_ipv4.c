// SPDX-License-Identifier: MIT
/*
 * fuzz_ipv4.c - libFuzzer harness for ipv4_parse() and ipv4_emit()
 *
 * Property: whatever parses re-emits without error; the re-emitted datagram
 * has a good checksum and parses to the same view (the checksum aside); a
 * datagram with a good checksum re-emits to its own bytes, checksum aside.  The
 * quoted parse and the option walker must never read out of bounds, and
 * the quoted parse must accept whatever the strict one does.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/ipv4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_opts(const struct ipv4_opts *a, const struct ipv4_opts *b)
{
	return a->rr.present == b->rr.present && a->rr.off == b->rr.off &&
	       a->ts.present == b->ts.present && a->ts.off == b->ts.off &&
	       a->lsrr.present == b->lsrr.present &&
	       a->ssrr.present == b->ssrr.present &&
	       a->ra.present == b->ra.present && a->ra.off == b->ra.off &&
	       a->has_source_route == b->has_source_route &&
	       a->router_alert == b->router_alert &&
	       a->n_unknown == b->n_unknown;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[70000];
	struct ipv4_view v, w, q;
	struct ipv4_opts o;
	int n;

	(void)ipv4_opts_parse(
		data, size < IPV4_MAX_OPTLEN ? size : IPV4_MAX_OPTLEN, &o);
	if (ipv4_parse(data, size, &v)) {
		(void)ipv4_parse_quoted(data, size, &q);
		return 0;
	}
	if (ipv4_parse_quoted(data, size, &q) != 0 ||
	    q.payload_len != v.payload_len)
		abort();
	n = ipv4_emit(out, sizeof(out), &v);
	if (n < 0 || (size_t)n != v.total_len)
		abort();
	if (!ipv4_csum_ok(out, (size_t)n))
		abort();
	/*
	 * A verifying datagram re-emits to its own bytes, but for the
	 * checksum: 0x0000 and 0xffff are both zero in one's complement.
	 */
	if (ipv4_csum_ok(data, size) &&
	    (memcmp(out, data, 10) != 0 ||
	     memcmp(out + 12, data + 12, (size_t)n - 12) != 0))
		abort();
	if (ipv4_parse(out, (size_t)n, &w) != 0)
		abort();
	if (w.ihl != v.ihl || w.dscp != v.dscp || w.ecn != v.ecn ||
	    w.total_len != v.total_len || w.id != v.id || w.rf != v.rf ||
	    w.df != v.df || w.mf != v.mf || w.frag_off != v.frag_off ||
	    w.ttl != v.ttl || w.proto != v.proto || w.src != v.src ||
	    w.dst != v.dst || w.opts_len != v.opts_len ||
	    w.payload_len != v.payload_len || !same_opts(&w.opt, &v.opt))
		abort();
	if (v.opts_len && memcmp(w.opts, v.opts, v.opts_len) != 0)
		abort();
	if (v.payload_len && memcmp(w.payload, v.payload, v.payload_len) != 0)
		abort();
	return 0;
}
