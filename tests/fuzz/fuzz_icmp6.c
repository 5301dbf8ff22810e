// SPDX-License-Identifier: MIT
/*
 * fuzz_icmp6.c - libFuzzer harness for icmp6_parse() and icmp6_emit(),
 * with the ND option and MLDv2 record walkers behind them
 *
 * Properties: whatever parses re-emits with a checksum that verifies, and
 * the re-emitted message parses to the same view; the ND options and MLDv2
 * records of an accepted message all walk, and each record re-emits to the
 * very bytes it was read from.
 */
#include <stdlib.h>
#include <string.h>

#include "wire/icmp6.h"
#include "wire/nd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every field but the borrowed payload pointer and received checksum. */
static bool same_view(const struct icmp6_view *a, const struct icmp6_view *b)
{
	return a->type == b->type && a->code == b->code &&
	       a->unused == b->unused && a->mtu == b->mtu &&
	       a->pointer == b->pointer && a->echo_id == b->echo_id &&
	       a->echo_seq == b->echo_seq &&
	       a->ra_hop_limit == b->ra_hop_limit &&
	       a->ra_managed == b->ra_managed && a->ra_other == b->ra_other &&
	       a->ra_prf == b->ra_prf && a->ra_lifetime == b->ra_lifetime &&
	       a->ra_reachable == b->ra_reachable &&
	       a->ra_retrans == b->ra_retrans && a->na_router == b->na_router &&
	       a->na_solicited == b->na_solicited &&
	       a->na_override == b->na_override &&
	       ip6_eq(&a->target, &b->target) && ip6_eq(&a->dest, &b->dest) &&
	       a->mld_max_resp == b->mld_max_resp &&
	       ip6_eq(&a->mld_addr, &b->mld_addr) && a->mld_v2 == b->mld_v2 &&
	       a->mld_s == b->mld_s && a->mld_qrv == b->mld_qrv &&
	       a->mld_qqic == b->mld_qqic && a->mld_nsrc == b->mld_nsrc &&
	       a->mld_nrec == b->mld_nrec && a->payload_len == b->payload_len &&
	       memcmp(a->payload, b->payload, a->payload_len) == 0;
}

static void walk_records(const struct icmp6_view *v)
{
	static uint8_t out[70000];
	struct mld2_rec_iter it;
	struct mld2_rec r;
	size_t len = 0;
	int rc, n;

	mld2_rec_iter_init(&it, v);
	while ((rc = mld2_rec_next(&it, &r)) > 0) {
		n = mld2_rec_emit(out + len, sizeof(out) - len, &r);
		if (n < 0)
			abort();
		len += (size_t)n;
	}
	if (rc || len > v->payload_len || memcmp(out, v->payload, len) != 0)
		abort();
}

static void walk_options(const struct icmp6_view *v)
{
	uint8_t out[2048];
	struct nd_opt_iter it, it2;
	struct nd_opt o, p;
	int rc, n;

	if (v->type < ICMP6_ND_RS || v->type > ICMP6_ND_REDIRECT)
		return;
	nd_opt_iter_init(&it, v->payload, v->payload_len);
	while ((rc = nd_opt_next(&it, &o)) > 0) {
		n = nd_opt_emit(out, sizeof(out), &o);
		if (n < 0)
			abort();
		nd_opt_iter_init(&it2, out, (size_t)n);
		if (nd_opt_next(&it2, &p) != 1 || p.type != o.type ||
		    p.prefix_len != o.prefix_len || p.mtu != o.mtu ||
		    p.pi_valid != o.pi_valid || p.rdnss_n != o.rdnss_n ||
		    p.rdnss_lifetime != o.rdnss_lifetime ||
		    !mac_eq(&p.lladdr, &o.lladdr) ||
		    !ip6_eq(&p.prefix, &o.prefix))
			abort();
	}
	if (rc)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[70000];
	struct icmp6_view v, w;
	int n;

	if (icmp6_parse(data, size, &v))
		return 0;
	walk_options(&v);
	walk_records(&v);
	n = icmp6_emit(out, sizeof(out), &v, 0x1234);
	if (n < 0 || (size_t)n != size || !icmp6_csum_ok(out, size, 0x1234))
		abort();
	if (icmp6_parse(out, (size_t)n, &w))
		abort();
	if (!same_view(&v, &w))
		abort();
	return 0;
}
