// SPDX-License-Identifier: MIT
/*
 * test_capture.c - the pcapng writer, read back block by block
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "capture.h"
#include "fake_engine.h"
#include "testutil.h"

struct block {
	uint32_t type;
	const uint8_t *body; /* after type and length */
	size_t body_len;     /* without the trailing length */
};

struct file {
	uint8_t *bytes;
	size_t len;
	struct block blk[32];
	size_t nblk;
};

static char path[64];

static void setup(void)
{
	snprintf(path, sizeof(path), "/tmp/nsstack-cap-%d.pcapng", getpid());
}

static void teardown(void)
{
	unlink(path);
}

static uint32_t ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t ld16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

/* Read the whole file and split it into blocks, checking the framing. */
static void read_blocks(struct file *f)
{
	FILE *fp = fopen(path, "rb");
	size_t off = 0;

	cr_assert_not_null(fp);
	f->bytes = malloc(1 << 20);
	f->len = fread(f->bytes, 1, 1 << 20, fp);
	fclose(fp);
	f->nblk = 0;
	while (off < f->len) {
		uint32_t total;

		cr_assert(off + 12 <= f->len, "block header past the end");
		total = ld32(f->bytes + off + 4);
		cr_assert_eq(total % 4, 0, "block length not 32-bit aligned");
		cr_assert(off + total <= f->len, "block past the end");
		cr_assert_eq(ld32(f->bytes + off + total - 4), total,
			     "trailing length differs");
		cr_assert(f->nblk < 32);
		f->blk[f->nblk].type = ld32(f->bytes + off);
		f->blk[f->nblk].body = f->bytes + off + 8;
		f->blk[f->nblk].body_len = total - 12;
		f->nblk++;
		off += total;
	}
	cr_assert_eq(off, f->len);
}

/* Find option @code in an options area; NULL if absent. */
static const uint8_t *find_opt(const uint8_t *o, size_t n, uint16_t code,
			       uint16_t *len)
{
	size_t off = 0;

	while (off + 4 <= n) {
		uint16_t c = ld16(o + off), l = ld16(o + off + 2);

		if (c == 0)
			return NULL;
		if (c == code) {
			*len = l;
			return o + off + 4;
		}
		off += 4 + ((l + 3u) & ~3u);
	}
	return NULL;
}

struct epb {
	uint32_t ifid, caplen, origlen, flags;
	const uint8_t *data;
	char comment[128];
};

static void parse_epb(const struct block *b, struct epb *e)
{
	const uint8_t *opt, *o;
	uint16_t l;
	size_t pad;

	cr_assert_eq(b->type, 6u);
	e->ifid = ld32(b->body);
	e->caplen = ld32(b->body + 12);
	e->origlen = ld32(b->body + 16);
	e->data = b->body + 20;
	pad = (e->caplen + 3u) & ~3u;
	opt = b->body + 20 + pad;
	o = find_opt(opt, b->body_len - 20 - pad, 2, &l);
	cr_assert_not_null(o, "no epb_flags");
	cr_assert_eq(l, 4);
	e->flags = ld32(o);
	e->comment[0] = 0;
	o = find_opt(opt, b->body_len - 20 - pad, 1, &l);
	if (o) {
		cr_assert(l < sizeof(e->comment));
		memcpy(e->comment, o, l);
		e->comment[l] = 0;
	}
}

TestSuite(capture, .init = setup, .fini = teardown);

Test(capture, writes_shb_lazy_idbs_epbs_with_direction_and_drop_comment)
{
	static const uint8_t mac_a[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t mac_b[6] = { 2, 0, 0, 0, 0, 2 };
	uint8_t frame[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3 };
	uint8_t frame2[61] = { 0 };
	struct engine eng;
	struct netif *a, *b;
	struct capture *cap;
	struct file f;
	struct epb e;
	uint16_t l;
	const uint8_t *o;

	fake_engine_init(&eng);
	a = fake_netif(&eng, "fake0", mac_a);
	b = fake_netif(&eng, "fake1", mac_b);
	cr_assert_eq(capture_open(&cap, path), 0);
	capture_frame(cap, b, CAPTURE_IN, frame, sizeof(frame));
	capture_frame(cap, a, CAPTURE_OUT, frame2, sizeof(frame2));
	capture_frame(cap, b, CAPTURE_OUT, frame, 14);
	capture_drop(cap, b, frame, sizeof(frame), "not for us");
	cr_assert(capture_dirty(cap));
	cr_assert_eq(capture_frames(cap), 4);
	capture_close(cap);
	engine_fini(&eng);

	read_blocks(&f);
	/* SHB, IDB(fake1), EPB, IDB(fake0), EPB, EPB, EPB */
	cr_assert_eq(f.nblk, 7);
	cr_assert_eq(f.blk[0].type, 0x0A0D0D0Au);
	cr_assert_eq(ld32(f.blk[0].body), 0x1A2B3C4Du);
	cr_assert_eq(ld16(f.blk[0].body + 4), 1);
	cr_assert_eq(f.blk[1].type, 1u);
	cr_assert_eq(ld16(f.blk[1].body), 1, "linktype Ethernet");
	cr_assert_eq(ld32(f.blk[1].body + 4), 65535u, "snaplen");
	o = find_opt(f.blk[1].body + 8, f.blk[1].body_len - 8, 2, &l);
	cr_assert_not_null(o);
	cr_assert_eq(l, 5);
	cr_assert_eq(memcmp(o, "fake1", 5), 0);
	cr_assert_eq(f.blk[3].type, 1u);

	parse_epb(&f.blk[2], &e);
	cr_assert_eq(e.ifid, 0);
	cr_assert_eq(e.caplen, 60);
	cr_assert_eq(e.origlen, 60);
	cr_assert_eq(e.flags, 1u, "inbound");
	cr_assert_eq(memcmp(e.data, frame, 60), 0);
	cr_assert_str_empty(e.comment);

	parse_epb(&f.blk[4], &e);
	cr_assert_eq(e.ifid, 1, "second interface, second IDB");
	cr_assert_eq(e.caplen, 61, "odd length padded, not counted");
	cr_assert_eq(e.flags, 2u, "outbound");

	parse_epb(&f.blk[5], &e);
	cr_assert_eq(e.ifid, 0, "IDB written once per interface");
	cr_assert_eq(e.caplen, 14);

	parse_epb(&f.blk[6], &e);
	cr_assert_eq(e.flags, 1u);
	cr_assert_str_eq(e.comment, "dropped: not for us");
	free(f.bytes);
}

Test(capture, tun_interface_gets_linktype_raw_and_long_frames_are_cut)
{
	struct engine eng;
	struct netif *t;
	struct capture *cap;
	struct file f;
	struct epb e;
	uint8_t *big = calloc(1, 70000);

	fake_engine_init(&eng);
	t = netif_new(&eng, "tun0", NETIF_TUN, NULL, NULL);
	cr_assert_not_null(t);
	cr_assert_eq(capture_open(&cap, path), 0);
	capture_frame(cap, t, CAPTURE_IN, big, 70000);
	capture_close(cap);
	engine_fini(&eng);
	free(big);

	read_blocks(&f);
	cr_assert_eq(f.nblk, 3);
	cr_assert_eq(ld16(f.blk[1].body), 101, "LINKTYPE_RAW");
	parse_epb(&f.blk[2], &e);
	cr_assert_eq(e.caplen, 65535);
	cr_assert_eq(e.origlen, 70000);
	free(f.bytes);
}

Test(capture, drops_through_the_engine_reach_the_file)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	/* Unicast to another MAC: eth_input drops it as "not for us". */
	uint8_t frame[60] = { 2, 9, 9, 9, 9, 9, 2, 0, 0, 0, 0, 7, 0x08, 0x00 };
	struct engine eng;
	struct file f;
	struct epb e;

	fake_engine_init(&eng);
	fake_netif(&eng, "fake0", mac);
	cr_assert_eq(capture_open(&eng.cap, path), 0);
	fake_rx(eng.ifaces, frame, sizeof(frame));
	capture_close(eng.cap);
	eng.cap = NULL;
	cr_assert_eq(eng.stats.eth.EthInOtherHost, 1);
	engine_fini(&eng);

	read_blocks(&f);
	cr_assert_eq(f.nblk, 4);
	parse_epb(&f.blk[2], &e);
	cr_assert_str_empty(e.comment);
	parse_epb(&f.blk[3], &e);
	cr_assert_str_eq(e.comment, "dropped: not for us");
	free(f.bytes);
}

Test(capture, open_fails_cleanly_on_a_bad_path)
{
	struct capture *cap = NULL;

	cr_assert_eq(capture_open(&cap, "/nonexistent/dir/x.pcapng"), -ENOENT);
	cr_assert_null(cap);
}
