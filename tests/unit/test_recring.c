// SPDX-License-Identifier: MIT
/*
 * test_recring.c - record ring: whole datagrams, skip at the wrap,
 * truncation, corrupt records
 */
#include <errno.h>

#include "ipc_testutil.h"
#include "recring.h"

#define CAP 256u
#define REGION (IPC_RING_HDR_LEN + CAP)

struct pair {
	void *region;
	struct ipc_ring_shm *shm;
	struct ipc_recring prod, cons;
};

static void pair_open(struct pair *p)
{
	p->region = tu_region(REGION);
	p->shm = p->region;
	cr_assert_eq(ipc_ring_format(p->region, REGION, IPC_RING_RECORDS, CAP),
		     0);
	cr_assert_eq(ipc_recring_open(&p->prod, p->region, REGION, CAP, true),
		     0);
	cr_assert_eq(ipc_recring_open(&p->cons, p->region, REGION, CAP, false),
		     0);
}

static struct ipc_rec_meta meta_of(uint32_t flags, uint8_t tag)
{
	struct ipc_rec_meta m = { .flags = flags,
				  .addrlen = 16,
				  .ifindex = tag + 1u,
				  .tos = tag,
				  .ttl = (uint8_t)(tag + 2) };

	memset(m.addr, tag, 16);
	memset(m.dst, tag ^ 0xff, sizeof(m.dst));
	return m;
}

/* Send @len bytes of value @tag and expect success. */
static void send_tag(struct pair *p, size_t len, uint8_t tag)
{
	uint8_t buf[CAP];
	struct ipc_rec_meta m = meta_of(tag, tag);

	memset(buf, tag, len);
	cr_assert_eq(ipc_recring_send(&p->prod, &m, buf, len), (ssize_t)len,
		     "send %zu", len);
}

static void recv_tag(struct pair *p, size_t len, uint8_t tag)
{
	uint8_t buf[CAP];
	struct ipc_rec_meta m;
	size_t full = 0;

	cr_assert_eq(ipc_recring_recv(&p->cons, &m, buf, sizeof(buf), 0, &full),
		     (ssize_t)len);
	cr_assert_eq(full, len);
	cr_assert_eq(m.flags, tag);
	cr_assert_eq(m.addrlen, 16);
	cr_assert_eq(m.addr[15], tag);
	/* The arrival details travel as they are (IP_PKTINFO). */
	cr_assert_eq(m.ifindex, tag + 1u);
	cr_assert_eq(m.tos, tag);
	cr_assert_eq(m.ttl, (uint8_t)(tag + 2));
	cr_assert_eq(m.dst[0], tag ^ 0xff);
	cr_assert_eq(m.dst[IPC_REC_DST_MAX - 1], tag ^ 0xff);
	for (size_t i = 0; i < len; i++)
		cr_assert_eq(buf[i], tag);
}

Test(recring, datagrams_keep_their_boundaries_and_addresses)
{
	struct pair p;
	uint8_t buf[8];

	pair_open(&p);
	send_tag(&p, 5, 1);
	send_tag(&p, 0, 2);
	send_tag(&p, 17, 3);
	cr_assert_eq(ipc_recring_next_len(&p.cons), 5);
	recv_tag(&p, 5, 1);
	recv_tag(&p, 0, 2);
	recv_tag(&p, 17, 3);
	cr_assert_eq(ipc_recring_recv(&p.cons, NULL, buf, 8, 0, NULL), -EAGAIN);
	cr_assert_eq(ipc_recring_next_len(&p.cons), -EAGAIN);
	free(p.region);
}

Test(recring, short_buffer_truncates_and_discards_the_rest)
{
	struct pair p;
	uint8_t buf[100];
	size_t full = 0;

	pair_open(&p);
	send_tag(&p, 40, 7);
	send_tag(&p, 3, 8);
	cr_assert_eq(
		ipc_recring_recv(&p.cons, NULL, buf, 10, IPC_REC_PEEK, &full),
		10);
	cr_assert_eq(full, 40);
	/* Peek left it there; a short read now drops its last 30 bytes. */
	cr_assert_eq(ipc_recring_recv(&p.cons, NULL, buf, 10, 0, &full), 10);
	cr_assert_eq(full, 40);
	cr_assert_eq(buf[9], 7);
	recv_tag(&p, 3, 8);
	/* A zero-byte buffer still consumes a datagram and reports its size. */
	send_tag(&p, 9, 9);
	cr_assert_eq(ipc_recring_recv(&p.cons, NULL, NULL, 0, 0, &full), 0);
	cr_assert_eq(full, 9);
	cr_assert_eq(ipc_recring_next_len(&p.cons), -EAGAIN);
	free(p.region);
}

Test(recring, wrap_uses_a_skip_record)
{
	struct pair p;

	pair_open(&p);
	/* Three 64-byte records (64 + 0), consumed: position 192, 64 bytes
	 * before the end.  A 96-byte record (64 + 32) does not fit there. */
	for (uint8_t i = 0; i < 3; i++) {
		send_tag(&p, 0, i);
		recv_tag(&p, 0, i);
	}
	send_tag(&p, 32, 0x55);
	cr_assert_eq(tu_peek(&p.shm->idx.tail), 192 + 64 + 96);
	recv_tag(&p, 32, 0x55);
	cr_assert_eq(tu_peek(&p.shm->idx.head), 192 + 64 + 96);
	free(p.region);
}

Test(recring, many_sizes_circulate)
{
	struct pair p;
	size_t lens[256];
	uint8_t next_send = 0, next_recv = 0, buf[CAP];

	pair_open(&p);
	for (int round = 0; round < 3000; round++) {
		size_t len = (size_t)(round * 37) % 150;
		struct ipc_rec_meta m = meta_of(next_send, next_send);
		ssize_t rc;

		memset(buf, next_send, len);
		rc = ipc_recring_send(&p.prod, &m, buf, len);
		if (rc == (ssize_t)len) {
			lens[next_send++] = len;
			continue;
		}
		cr_assert_eq(rc, -EAGAIN);
		if (next_recv != next_send) {
			recv_tag(&p, lens[next_recv], next_recv);
			next_recv++;
		} else {
			/* Only a skip was pending: draining it makes room. */
			cr_assert_eq(ipc_recring_next_len(&p.cons), -EAGAIN);
		}
	}
	while (next_recv != next_send) {
		recv_tag(&p, lens[next_recv], next_recv);
		next_recv++;
	}
	cr_assert_gt(tu_peek(&p.shm->idx.tail), 20 * CAP);
	free(p.region);
}

Test(recring, big_record_skips_then_waits_for_the_consumer)
{
	struct pair p;
	uint8_t big[CAP - IPC_REC_HDR_LEN];
	struct ipc_rec_meta m = { 0 };

	pair_open(&p);
	send_tag(&p, 16, 1);
	recv_tag(&p, 16, 1);
	/* Position 80: the biggest record needs the whole ring.  The send
	 * publishes a skip to the end and asks to wait. */
	memset(big, 0xbb, sizeof(big));
	cr_assert_eq(ipc_recring_send(&p.prod, &m, big, sizeof(big)), -EAGAIN);
	cr_assert_eq(tu_peek(&p.shm->idx.tail), CAP);
	/* The consumer sees no datagram but drains the skip. */
	cr_assert_eq(ipc_recring_next_len(&p.cons), -EAGAIN);
	cr_assert_eq(tu_peek(&p.shm->idx.head), CAP);
	cr_assert_eq(ipc_recring_send(&p.prod, &m, big, sizeof(big)),
		     (ssize_t)sizeof(big));
	cr_assert_eq(ipc_recring_send(&p.prod, &m, big, sizeof(big) + 1),
		     -EMSGSIZE);
	cr_assert_eq(ipc_recring_next_len(&p.cons), (ssize_t)sizeof(big));
	free(p.region);
}

Test(recring, full_ring_says_eagain)
{
	struct pair p;
	struct ipc_rec_meta m = { .addrlen = IPC_REC_ADDR_MAX + 1 };

	pair_open(&p);
	for (int i = 0; i < 3; i++)
		send_tag(&p, 16, 1);
	cr_assert_eq(ipc_recring_send(&p.prod, &m, NULL, 0), -EINVAL);
	m.addrlen = 0;
	cr_assert_eq(ipc_recring_send(&p.prod, &m, NULL, 0), -EAGAIN);
	recv_tag(&p, 16, 1);
	cr_assert_eq(ipc_recring_send(&p.prod, &m, NULL, 0), 0);
	free(p.region);
}

/* Write a raw header at ring offset @pos, as a hostile producer would. */
static void forge(struct pair *p, uint32_t pos, uint32_t len, uint32_t addrlen,
		  uint32_t tail)
{
	struct ipc_rec_hdr h = { .len = len, .addrlen = addrlen };
	uint8_t *data = (uint8_t *)p->region + IPC_RING_HDR_LEN;

	memcpy(data + pos, &h, pos + sizeof(h) <= CAP ? sizeof(h) : 4);
	tu_poke(&p->shm->idx.tail, tail);
}

static void expect_eproto(struct pair *p)
{
	uint8_t buf[CAP];

	cr_assert_eq(
		ipc_recring_recv(&p->cons, NULL, buf, sizeof(buf), 0, NULL),
		-EPROTO);
	cr_assert_eq(ipc_recring_next_len(&p->cons), -EPROTO);
}

Test(recring, corrupt_records_are_eproto_without_reading)
{
	struct pair p;

	/* len runs past what tail published */
	pair_open(&p);
	forge(&p, 0, 100, 0, 64);
	expect_eproto(&p);
	free(p.region);
	/* len runs past the end of the ring */
	pair_open(&p);
	forge(&p, 0, 0x7fffffff, 0, CAP);
	expect_eproto(&p);
	free(p.region);
	/* addrlen beyond the address area */
	pair_open(&p);
	forge(&p, 0, 0, 29, 64);
	expect_eproto(&p);
	free(p.region);
	/* tail not record-aligned */
	pair_open(&p);
	forge(&p, 0, 0, 0, 49);
	expect_eproto(&p);
	free(p.region);
	/* a skip at offset 0 */
	pair_open(&p);
	forge(&p, 0, IPC_REC_SKIP, 0, 64);
	expect_eproto(&p);
	free(p.region);
	/* tail beyond cap */
	pair_open(&p);
	forge(&p, 0, 0, 0, CAP + 8);
	expect_eproto(&p);
	free(p.region);
}

Test(recring, corrupt_skip_and_tail_headers_are_eproto)
{
	struct pair p;

	/* Header straddling the end: 16 bytes left, not a skip. */
	pair_open(&p);
	tu_poke(&p.shm->idx.head, CAP - 16);
	cr_assert_eq(ipc_recring_open(&p.cons, p.region, REGION, CAP, false),
		     0);
	forge(&p, CAP - 16, 0, 0, CAP - 16 + 64);
	expect_eproto(&p);
	free(p.region);
	/* A skip that claims more than was published. */
	pair_open(&p);
	tu_poke(&p.shm->idx.head, CAP - 64);
	cr_assert_eq(ipc_recring_open(&p.cons, p.region, REGION, CAP, false),
		     0);
	forge(&p, CAP - 64, IPC_REC_SKIP, 0, CAP - 32);
	expect_eproto(&p);
	free(p.region);
	/* An unaligned own index at attach time. */
	pair_open(&p);
	tu_poke(&p.shm->idx.head, 3);
	cr_assert_eq(ipc_recring_open(&p.cons, p.region, REGION, CAP, false),
		     -EPROTO);
	free(p.region);
}
