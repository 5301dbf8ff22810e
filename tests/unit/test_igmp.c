// SPDX-License-Identifier: MIT
/*
 * test_igmp.c - IGMPv1/v2/v3 messages against scapy's
 */
#include <errno.h>

#include "testutil.h"
#include "wire/igmp.h"

struct golden_grec {
	const uint8_t *sources, *aux;
	size_t aux_len;
	uint32_t group;
	uint16_t n_sources;
	uint8_t type;
};

struct golden_igmp {
	const char *name;
	const uint8_t *frame;
	size_t len;
	const uint8_t *sources, *records, *extra;
	size_t sources_len, records_len, extra_len;
	const struct golden_grec *recs;
	uint32_t group;
	uint16_t csum, n_sources, n_records;
	uint8_t type, version, max_resp, qrv, qqic;
	bool s_flag;
};

#include "../fixtures/golden_igmp.h"

static struct igmp_view view_of(const struct golden_igmp *g)
{
	struct igmp_view v = {
		.type = g->type,
		.version = g->version,
		.max_resp = g->max_resp,
		.group = g->group,
		.s_flag = g->s_flag,
		.qrv = g->qrv,
		.qqic = g->qqic,
		.n_sources = g->n_sources,
		.sources = g->sources,
		.n_records = g->n_records,
		.records = g->records,
		.records_len = g->records_len,
		.extra = g->extra,
		.extra_len = g->extra_len,
	};

	return v;
}

static int parse_bytes(const uint8_t *b, size_t n)
{
	uint8_t *f = tu_exact(b, n);
	struct igmp_view v;
	int rc = igmp_parse(f, n, &v);

	free(f);
	return rc;
}

static void assert_record(const struct igmp3_record *r,
			  const struct golden_grec *e, const char *name)
{
	cr_assert_eq(r->type, e->type, "%s", name);
	cr_assert_eq(r->group, e->group, "%s", name);
	cr_assert_eq(r->n_sources, e->n_sources, "%s", name);
	tu_assert_bytes(r->sources, (size_t)r->n_sources * 4, e->sources,
			(size_t)e->n_sources * 4, name);
	tu_assert_bytes(r->aux, r->aux_len, e->aux, e->aux_len, name);
}

Test(igmp, golden_messages_parse_field_for_field)
{
	for (size_t i = 0; i < GOLDEN_IGMP_COUNT; i++) {
		const struct golden_igmp *g = &golden_igmp[i];
		uint8_t *f = tu_exact(g->frame, g->len);
		struct igmp3_rec_iter it;
		struct igmp3_record r;
		struct igmp_view v;
		size_t k = 0;

		cr_assert_eq(igmp_parse(f, g->len, &v), 0, "%s", g->name);
		cr_assert_eq(v.type, g->type, "%s", g->name);
		cr_assert_eq(v.version, g->version, "%s", g->name);
		cr_assert_eq(v.max_resp, g->max_resp, "%s", g->name);
		cr_assert_eq(v.csum, g->csum, "%s", g->name);
		cr_assert_eq(v.group, g->group, "%s", g->name);
		cr_assert_eq(v.s_flag, g->s_flag, "%s", g->name);
		cr_assert_eq(v.qrv, g->qrv, "%s", g->name);
		cr_assert_eq(v.qqic, g->qqic, "%s", g->name);
		cr_assert_eq(v.n_sources, g->n_sources, "%s", g->name);
		tu_assert_bytes(v.sources, (size_t)v.n_sources * 4, g->sources,
				g->sources_len, g->name);
		for (size_t s = 0; s < v.n_sources; s++)
			cr_assert_eq(igmp3_source(v.sources, s),
				     igmp3_source(g->sources, s));
		cr_assert_eq(v.n_records, g->n_records, "%s", g->name);
		tu_assert_bytes(v.records, v.records_len, g->records,
				g->records_len, g->name);
		tu_assert_bytes(v.extra, v.extra_len, g->extra, g->extra_len,
				g->name);
		cr_assert(igmp_csum_ok(f, g->len), "%s", g->name);

		igmp3_rec_iter_init(&it, &v);
		while (igmp3_record_next(&it, &r)) {
			cr_assert_lt(k, g->n_records, "%s", g->name);
			assert_record(&r, &g->recs[k], g->name);
			k++;
		}
		cr_assert_eq(k, g->n_records, "%s", g->name);
		cr_assert_not(igmp3_record_next(&it, &r));
		free(f);
	}
}

Test(igmp, golden_messages_emit_byte_for_byte)
{
	for (size_t i = 0; i < GOLDEN_IGMP_COUNT; i++) {
		const struct golden_igmp *g = &golden_igmp[i];
		struct igmp_view v = view_of(g);
		uint8_t out[2048];
		int n = igmp_emit(out, sizeof(out), &v);

		cr_assert_eq(n, (int)g->len, "%s", g->name);
		tu_assert_bytes(out, (size_t)n, g->frame, g->len, g->name);
	}
}

Test(igmp, emit_in_place_leaves_lists_where_they_are)
{
	for (size_t i = 0; i < GOLDEN_IGMP_COUNT; i++) {
		const struct golden_igmp *g = &golden_igmp[i];
		struct igmp_view v = view_of(g);
		int hlen = igmp_hdr_len(&v);
		uint8_t out[2048];
		int n;

		cr_assert_gt(hlen, 0, "%s", g->name);
		if (g->extra_len) {
			memcpy(out + hlen, g->extra, g->extra_len);
			v.extra = out + hlen;
		}
		if (g->records_len) {
			memcpy(out + IGMP_HLEN, g->records, g->records_len);
			v.records = out + IGMP_HLEN;
		}
		if (g->sources_len) {
			memcpy(out + IGMP3_QUERY_HLEN, g->sources,
			       g->sources_len);
			v.sources = out + IGMP3_QUERY_HLEN;
		}
		n = igmp_emit(out, sizeof(out), &v);
		cr_assert_eq(n, (int)g->len, "%s", g->name);
		tu_assert_bytes(out, (size_t)n, g->frame, g->len, g->name);
	}
}

/* The way the engine builds a report: records first, header in front. */
Test(igmp, v3_reports_build_from_records_byte_for_byte)
{
	for (size_t i = 0; i < GOLDEN_IGMP_COUNT; i++) {
		const struct golden_igmp *g = &golden_igmp[i];
		struct igmp_view v = view_of(g);
		uint8_t out[2048];
		size_t off = IGMP_HLEN;
		int n;

		if (g->type != IGMP_V3_REPORT)
			continue;
		for (size_t k = 0; k < g->n_records; k++) {
			const struct golden_grec *e = &g->recs[k];
			struct igmp3_record r = {
				.type = e->type,
				.group = e->group,
				.n_sources = e->n_sources,
				.sources = e->sources,
				.aux = e->aux,
				.aux_len = e->aux_len,
			};

			n = igmp3_record_emit(out + off, sizeof(out) - off, &r);
			cr_assert_eq(n, igmp3_record_len(&r), "%s", g->name);
			off += (size_t)n;
		}
		v.records = g->n_records ? out + IGMP_HLEN : NULL;
		v.records_len = off - IGMP_HLEN;
		n = igmp_emit(out, sizeof(out), &v);
		cr_assert_eq(n, (int)g->len, "%s", g->name);
		tu_assert_bytes(out, (size_t)n, g->frame, g->len, g->name);
	}
}

/*
 * IGMP has no length of its own: a cut message is shorter Additional Data
 * until it cuts the message proper.  An 8-byte cut of a v3 query is a
 * whole v1/v2 query (RFC 3376 7.1 tells them apart by length alone).
 */
Test(igmp, truncation_at_every_byte)
{
	for (size_t i = 0; i < GOLDEN_IGMP_COUNT; i++) {
		const struct golden_igmp *g = &golden_igmp[i];
		size_t need = g->len - g->extra_len;

		for (size_t n = 0; n <= g->len; n++) {
			uint8_t *f = tu_exact(g->frame, n);
			struct igmp_view v;
			int rc = igmp_parse(f, n, &v);

			if (n >= need) {
				cr_assert_eq(rc, 0, "%s cut at %zu", g->name,
					     n);
				cr_assert_eq(v.extra_len, n - need);
				cr_assert_eq(v.version, g->version);
			} else if (n == IGMP_HLEN &&
				   g->type == IGMP_MEMBERSHIP_QUERY) {
				cr_assert_eq(rc, 0, "%s cut at %zu", g->name,
					     n);
				cr_assert_eq(v.version, g->max_resp ? 2 : 1);
			} else {
				cr_assert_eq(rc, -EBADMSG, "%s cut at %zu",
					     g->name, n);
			}
			free(f);
		}
	}
}

Test(igmp, messages_below_8_bytes_are_malformed)
{
	static const uint8_t types[] = { 0x11, 0x12, 0x16, 0x17, 0x22, 0x42 };
	uint8_t b[8] = { 0 };

	for (size_t i = 0; i < sizeof(types); i++) {
		b[0] = types[i];
		for (size_t n = 0; n < 8; n++)
			cr_assert_eq(parse_bytes(b, n), -EBADMSG,
				     "type 0x%x len %zu", types[i], n);
		cr_assert_eq(parse_bytes(b, 8), 0, "type 0x%x", types[i]);
	}
}

Test(igmp, query_of_9_to_11_bytes_is_malformed)
{
	uint8_t b[12] = { 0x11, 100 };

	for (size_t n = 9; n < 12; n++)
		cr_assert_eq(parse_bytes(b, n), -EBADMSG, "len %zu", n);
	cr_assert_eq(parse_bytes(b, 12), 0);
}

Test(igmp, v3_query_source_count_past_message_is_malformed)
{
	/* Two sources present, three claimed; then 65535 claimed. */
	uint8_t b[20] = { 0x11, 100, 0,	 0, 0, 0, 0,  0, 2, 125,
			  0,	3,   10, 0, 0, 1, 10, 0, 0, 2 };
	struct igmp_view v;

	cr_assert_eq(parse_bytes(b, sizeof(b)), -EBADMSG);
	b[10] = 0xff, b[11] = 0xff;
	cr_assert_eq(parse_bytes(b, sizeof(b)), -EBADMSG);
	b[10] = 0, b[11] = 2;
	cr_assert_eq(igmp_parse(b, sizeof(b), &v), 0);
	cr_assert_eq(v.n_sources, 2);
	cr_assert_eq(igmp3_source(v.sources, 1), 0x0a000002);
	/* One source claimed: the other four bytes are Additional Data. */
	b[11] = 1;
	cr_assert_eq(igmp_parse(b, sizeof(b), &v), 0);
	cr_assert_eq(v.extra_len, 4);
}

/* One record of 8 + 4 bytes (a source), as a v3 report. */
static const uint8_t rep1[] = { 0x22, 0, 0,   0, 0, 0, 0,  1, 1, 0,
				0,    1, 239, 1, 1, 1, 10, 0, 0, 1 };

Test(igmp, v3_report_record_count_past_message_is_malformed)
{
	uint8_t b[sizeof(rep1)];

	memcpy(b, rep1, sizeof(b));
	cr_assert_eq(parse_bytes(b, sizeof(b)), 0);
	b[7] = 2;
	cr_assert_eq(parse_bytes(b, sizeof(b)), -EBADMSG);
	b[6] = 0xff, b[7] = 0xff;
	cr_assert_eq(parse_bytes(b, sizeof(b)), -EBADMSG);
}

Test(igmp, v3_record_source_count_past_message_is_malformed)
{
	uint8_t b[sizeof(rep1)];

	memcpy(b, rep1, sizeof(b));
	b[11] = 2;
	cr_assert_eq(parse_bytes(b, sizeof(b)), -EBADMSG);
	b[10] = 0xff, b[11] = 0xff;
	cr_assert_eq(parse_bytes(b, sizeof(b)), -EBADMSG);
}

Test(igmp, v3_record_aux_past_message_is_malformed)
{
	uint8_t b[sizeof(rep1)];

	memcpy(b, rep1, sizeof(b));
	b[9] = 1;
	cr_assert_eq(parse_bytes(b, sizeof(b)), -EBADMSG);
	b[9] = 0xff;
	cr_assert_eq(parse_bytes(b, sizeof(b)), -EBADMSG);
}

Test(igmp, record_iterator_stops_at_a_record_that_does_not_fit)
{
	/* A view igmp_parse() never saw: two records claimed, one present. */
	struct igmp_view v = { .type = IGMP_V3_REPORT,
			       .n_records = 2,
			       .records = rep1 + IGMP_HLEN,
			       .records_len = sizeof(rep1) - IGMP_HLEN };
	uint8_t *copy = tu_exact(rep1 + IGMP_HLEN, v.records_len);
	struct igmp3_rec_iter it;
	struct igmp3_record r;
	uint8_t out[64];

	v.records = copy;
	igmp3_rec_iter_init(&it, &v);
	cr_assert(igmp3_record_next(&it, &r));
	cr_assert_eq(r.group, 0xef010101);
	cr_assert_eq(igmp3_source(r.sources, 0), 0x0a000001);
	cr_assert_not(igmp3_record_next(&it, &r));
	cr_assert_null(r.sources);
	cr_assert_not(igmp3_record_next(&it, &r));
	/* And emit refuses it. */
	cr_assert_eq(igmp_emit(out, sizeof(out), &v), -EINVAL);
	free(copy);
}

Test(igmp, non_report_views_have_no_records)
{
	struct igmp_view v;
	struct igmp3_rec_iter it;
	struct igmp3_record r;

	cr_assert_eq(igmp_parse(golden_igmp[0].frame, golden_igmp[0].len, &v),
		     0);
	igmp3_rec_iter_init(&it, &v);
	cr_assert_not(igmp3_record_next(&it, &r));
}

Test(igmp, code_values_follow_rfc3376_floating_point)
{
	cr_assert_eq(igmp3_code_value(0), 0);
	cr_assert_eq(igmp3_code_value(100), 100);
	cr_assert_eq(igmp3_code_value(127), 127);
	cr_assert_eq(igmp3_code_value(0x80), 0x10 << 3);
	cr_assert_eq(igmp3_code_value(0x8f), 0x1f << 3);
	cr_assert_eq(igmp3_code_value(0x90), 0x10 << 4);
	cr_assert_eq(igmp3_code_value(0xff), 31744);
}

Test(igmp, csum_ok_is_safe_on_short_input)
{
	cr_assert_not(igmp_csum_ok(golden_igmp[0].frame, 7));
	cr_assert_not(igmp_csum_ok(NULL, 0));
}

Test(igmp, failed_parse_leaves_no_stale_fields)
{
	uint8_t b[sizeof(rep1)];
	struct igmp_view v;

	memcpy(b, rep1, sizeof(b));
	b[7] = 2;
	memset(&v, 0xa5, sizeof(v));
	cr_assert_eq(igmp_parse(b, sizeof(b), &v), -EBADMSG);
	cr_assert_eq(v.n_records, 0);
	cr_assert_null(v.records);
	cr_assert_null(v.extra);
}

Test(igmp, emit_reports_enobufs_for_every_short_buffer)
{
	for (size_t i = 0; i < GOLDEN_IGMP_COUNT; i++) {
		const struct golden_igmp *g = &golden_igmp[i];
		struct igmp_view v = view_of(g);
		uint8_t out[2048];

		for (size_t cap = 0; cap < g->len; cap++)
			cr_assert_eq(igmp_emit(out, cap, &v), -ENOBUFS,
				     "%s cap %zu", g->name, cap);
	}
}

Test(igmp, emit_rejects_views_that_cannot_be_encoded)
{
	static const uint8_t x[4] = { 1, 2, 3, 4 };
	struct igmp_view v = { .type = IGMP_MEMBERSHIP_QUERY, .version = 1 };
	uint8_t out[64];

	cr_assert_eq(igmp_emit(out, sizeof(out), &v), 8);
	v.max_resp = 10; /* a v1 query has Max Resp Code 0 */
	cr_assert_eq(igmp_emit(out, sizeof(out), &v), -EINVAL);
	v.version = 2;
	cr_assert_eq(igmp_emit(out, sizeof(out), &v), 8);
	v.extra = x, v.extra_len = 4; /* 12 bytes would read as v3 */
	cr_assert_eq(igmp_emit(out, sizeof(out), &v), -EINVAL);
	v.extra = NULL, v.extra_len = 0;
	v.max_resp = 0; /* a v2 query with code 0 reads as v1 */
	cr_assert_eq(igmp_emit(out, sizeof(out), &v), -EINVAL);
	v.version = 0;
	cr_assert_eq(igmp_emit(out, sizeof(out), &v), -EINVAL);
	v.version = 3, v.qrv = 8;
	cr_assert_eq(igmp_emit(out, sizeof(out), &v), -EINVAL);
	v.qrv = 2, v.n_sources = 1;
	cr_assert_eq(igmp_emit(out, sizeof(out), &v), -EINVAL);
	v.sources = x;
	cr_assert_eq(igmp_emit(out, sizeof(out), &v), 16);

	v = (struct igmp_view){ .type = IGMP_V3_REPORT,
				.n_records = 1,
				.records = rep1 + IGMP_HLEN,
				.records_len = sizeof(rep1) - IGMP_HLEN + 4 };
	/* One record spans 12 bytes, not 16. */
	cr_assert_eq(igmp_emit(out, sizeof(out), &v), -EINVAL);
	v.records_len -= 4;
	cr_assert_eq(igmp_emit(out, sizeof(out), &v), (int)sizeof(rep1));
}

Test(igmp, record_emit_rejects_records_that_cannot_be_encoded)
{
	static const uint8_t aux[1024];
	struct igmp3_record r = { .type = 1, .aux = aux, .aux_len = 3 };
	uint8_t out[2048];

	cr_assert_eq(igmp3_record_emit(out, sizeof(out), &r), -EINVAL);
	r.aux_len = 1024;
	cr_assert_eq(igmp3_record_emit(out, sizeof(out), &r), -EINVAL);
	r.aux_len = 1020;
	cr_assert_eq(igmp3_record_emit(out, sizeof(out), &r), 1028);
	cr_assert_eq(out[1], 255);
	cr_assert_eq(igmp3_record_emit(out, 1027, &r), -ENOBUFS);
	r.aux_len = 0, r.n_sources = 1;
	cr_assert_eq(igmp3_record_emit(out, sizeof(out), &r), -EINVAL);
}
