// SPDX-License-Identifier: MIT
/*
 * fuzz_udp.c - libFuzzer harness for udp_parse(), udp_emit(), udp_csum_ok()
 *
 * Property: whatever parses re-emits without error; the re-emitted datagram
 * parses to the same view (minus trailing bytes past the length), and its
 * checksum verifies against the same pseudo-header sum unless it was sent
 * without one.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/udp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[70000];
	/* Any pseudo-header sum will do: take it from the input itself. */
	uint32_t ph = size ? (uint32_t)data[0] * 0x01010101u : 0;
	struct udp_view v, w;
	int n;

	(void)udp_csum_ok(data, size, ph);
	if (udp_parse(data, size, &v))
		return 0;
	n = udp_emit(out, sizeof(out), &v, ph);
	if (n < 0 || (size_t)n != v.len)
		abort();
	if (udp_parse(out, (size_t)n, &w))
		abort();
	if (w.sport != v.sport || w.dport != v.dport || w.len != v.len ||
	    w.csum_none != v.csum_none || w.payload_len != v.payload_len ||
	    memcmp(w.payload, v.payload, v.payload_len) != 0)
		abort();
	if (!w.csum_none && !udp_csum_ok(out, (size_t)n, ph))
		abort();
	return 0;
}
