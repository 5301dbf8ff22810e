// SPDX-License-Identifier: MIT
/*
 * fuzz_arp.c - libFuzzer harness for arp_parse() and arp_emit()
 *
 * Property: whatever parses re-emits to exactly its first ARP_LEN bytes,
 * and the re-emitted packet parses to the same view.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/arp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[ARP_LEN];
	struct arp_view v, w;

	if (arp_parse(data, size, &v))
		return 0;
	if (arp_emit(out, sizeof(out), &v) != ARP_LEN)
		abort();
	if (memcmp(out, data, ARP_LEN) != 0)
		abort();
	if (arp_parse(out, sizeof(out), &w) != 0)
		abort();
	if (w.op != v.op || w.spa != v.spa || w.tpa != v.tpa ||
	    !mac_eq(&w.sha, &v.sha) || !mac_eq(&w.tha, &v.tha))
		abort();
	return 0;
}
