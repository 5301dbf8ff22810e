// SPDX-License-Identifier: MIT
/*
 * fuzz_igmp.c - libFuzzer harness for igmp_parse(), igmp_emit() and the
 * IGMPv3 group record walk
 *
 * Property: whatever parses re-emits without error to a message of the
 * same length whose checksum verifies and which parses to the same view
 * (checksum aside); walking the records visits exactly n_records of them,
 * and re-emitting each record reproduces its bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/igmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_list(const uint8_t *a, const uint8_t *b, size_t n)
{
	return !n || memcmp(a, b, n) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[70000], rec_out[70000];
	struct igmp3_rec_iter it;
	struct igmp3_record r;
	struct igmp_view v, w;
	size_t off = 0, k = 0;
	int n;

	if (igmp_parse(data, size, &v))
		return 0;
	igmp3_rec_iter_init(&it, &v);
	while (igmp3_record_next(&it, &r)) {
		n = igmp3_record_emit(rec_out, sizeof(rec_out), &r);
		if (n < 0 || off + (size_t)n > v.records_len ||
		    memcmp(rec_out, v.records + off, (size_t)n) != 0)
			abort();
		off += (size_t)n;
		k++;
	}
	if (k != v.n_records || off != v.records_len)
		abort();

	n = igmp_emit(out, sizeof(out), &v);
	if (n < 0 || (size_t)n != size || !igmp_csum_ok(out, (size_t)n))
		abort();
	if (igmp_parse(out, (size_t)n, &w) != 0)
		abort();
	if (w.type != v.type || w.version != v.version ||
	    w.max_resp != v.max_resp || w.group != v.group ||
	    w.s_flag != v.s_flag || w.qrv != v.qrv || w.qqic != v.qqic ||
	    w.n_sources != v.n_sources || w.n_records != v.n_records ||
	    w.records_len != v.records_len || w.extra_len != v.extra_len)
		abort();
	if (!same_list(w.sources, v.sources, (size_t)v.n_sources * 4) ||
	    !same_list(w.records, v.records, v.records_len) ||
	    !same_list(w.extra, v.extra, v.extra_len))
		abort();
	return 0;
}
