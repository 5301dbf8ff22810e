// SPDX-License-Identifier: MIT
/*
 * fuzz_icmp4.c - libFuzzer harness for icmp4_parse() and icmp4_emit()
 *
 * Property: whatever parses re-emits without error to a message whose
 * checksum verifies and which parses to the same view (checksum aside, and
 * the rest-of-header bytes only where the type has no typed fields, since
 * emit writes unused bytes as zero).
 */
#include <stdlib.h>
#include <string.h>

#include "wire/icmp4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[70000];
	struct icmp4_view v, w;
	int n;

	(void)icmp4_csum_ok(data, size);
	if (icmp4_parse(data, size, &v))
		return 0;
	n = icmp4_emit(out, sizeof(out), &v);
	if (n < 0 || (size_t)n != size || !icmp4_csum_ok(out, (size_t)n))
		abort();
	if (icmp4_parse(out, (size_t)n, &w) != 0)
		abort();
	if (w.type != v.type || w.code != v.code || w.id != v.id ||
	    w.seq != v.seq || w.mtu != v.mtu || w.pointer != v.pointer ||
	    w.gateway != v.gateway || w.payload_len != v.payload_len)
		abort();
	if (!icmp4_has_typed_rest(v.type) && w.rest != v.rest)
		abort();
	if (v.payload_len && memcmp(w.payload, v.payload, v.payload_len) != 0)
		abort();
	return 0;
}
