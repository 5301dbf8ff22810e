// SPDX-License-Identifier: MIT
/*
 * fuzz_eth.c - libFuzzer harness for eth_parse() and eth_emit()
 *
 * Property: whatever parses re-emits without error, and the re-emitted frame
 * parses to the same view.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/eth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[70000];
	struct eth_view v, w;
	int n;

	if (eth_parse(data, size, &v))
		return 0;
	n = eth_emit(out, sizeof(out), &v);
	if (n < 0)
		abort();
	if (eth_parse(out, (size_t)n, &w))
		abort();
	if (w.type != v.type || w.encap != v.encap ||
	    w.payload_len != v.payload_len ||
	    memcmp(w.payload, v.payload, v.payload_len) != 0)
		abort();
	return 0;
}
