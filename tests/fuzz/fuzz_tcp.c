// SPDX-License-Identifier: MIT
/*
 * fuzz_tcp.c - libFuzzer harness for tcp_parse(), tcp_emit() and the
 * option walker and writer
 *
 * Properties: whatever parses re-emits (through its raw options block) to
 * the very same bytes apart from the checksum and reserved bits, which
 * then verify; and the decoded options, laid out afresh by tcp_opts_emit()
 * whenever they fit, parse back to the same options.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/tcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool opts_eq(const struct tcp_opts *a, const struct tcp_opts *b)
{
	if (a->present != b->present)
		return false;
	if ((a->present & TCP_OPT_MSS) && a->mss != b->mss)
		return false;
	if ((a->present & TCP_OPT_WS) && a->ws != b->ws)
		return false;
	if ((a->present & TCP_OPT_TS) &&
	    (a->tsval != b->tsval || a->tsecr != b->tsecr))
		return false;
	if (a->present & TCP_OPT_SACK) {
		if (a->sack_n != b->sack_n)
			return false;
		for (size_t i = 0; i < a->sack_n; i++)
			if (a->sack[i].start != b->sack[i].start ||
			    a->sack[i].end != b->sack[i].end)
				return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[70000];
	uint32_t ph = size ? (uint32_t)data[0] * 0x01010101u : 0;
	struct tcp_view v, w;
	int n;

	(void)tcp_csum_ok(data, size, ph);
	if (tcp_parse(data, size, &v))
		return 0;
	n = tcp_emit(out, sizeof(out), &v, ph);
	if (n < 0 || (size_t)n != size)
		abort();
	/* Only the reserved bits and the checksum may differ. */
	if (memcmp(out, data, 12) != 0 || (out[12] ^ data[12]) & 0xf0 ||
	    memcmp(out + 13, data + 13, 3) != 0 ||
	    memcmp(out + 18, data + 18, size - 18) != 0)
		abort();
	if (!tcp_csum_ok(out, (size_t)n, ph))
		abort();

	/* Now the canonical layout, from the decoded fields alone. */
	v.opts = NULL;
	v.opts_len = 0;
	v.opt.present &= ~(uint32_t)TCP_OPT_UNKNOWN;
	if (tcp_opts_len(&v.opt) < 0)
		return 0; /* e.g. TS + 3 SACK + WS: fits raw, not canonical */
	n = tcp_emit(out, sizeof(out), &v, ph);
	if (n < 0 || tcp_parse(out, (size_t)n, &w))
		abort();
	if (!opts_eq(&v.opt, &w.opt) || w.flags != v.flags || w.seq != v.seq ||
	    w.ack != v.ack || w.payload_len != v.payload_len ||
	    memcmp(w.payload, v.payload, v.payload_len) != 0)
		abort();
	return 0;
}
