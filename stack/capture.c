// SPDX-License-Identifier: MIT
/*
 * capture.c - a pcapng writer for every frame that crosses a device
 *
 * Theory of operation
 *
 * pcapng (draft-ietf-opsawg-pcapng) is a sequence of blocks, each framed as
 * type, total length, body, total length again, padded to 32 bits.  We write
 * in host byte order, which the Section Header Block's byte-order magic
 * announces to readers.  The file is:
 *
 *   SHB, then for each interface the first time one of its frames is seen
 *   an IDB (so interfaces added at run time, or present before a capture
 *   started mid-run, get one), then one EPB per frame.
 *
 * Interface IDs in EPBs are the IDB's position in the file, not the engine's
 * ifindex; a table maps one to the other.  Because an ifindex is never
 * reused, a removed and re-added interface gets a fresh IDB.
 *
 * EPBs carry the direction in the epb_flags option (bits 0-1: 1 inbound,
 * 2 outbound).  A dropped frame is written a second time at the drop with an
 * opt_comment "dropped: <reason>", so `tshark -Y frame.comment` lists drops.
 * Timestamps are wall-clock microseconds, the if_tsresol default, so no
 * if_tsresol option is needed.
 *
 * Writes go through stdio's buffer; the loop calls capture_flush() within
 * about 100 ms of the first unflushed frame (see engine_loop.c) and
 * capture_close() flushes, so a reader sees everything once the engine has
 * exited.  A write error (disk full) is reported once and later frames are
 * discarded rather than stalling the packet path.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "log.h"
#include "netif.h"

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du

#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define OPT_SHB_USERAPPL 4
#define OPT_IF_NAME 2
#define OPT_EPB_FLAGS 2

#define LINKTYPE_ETHERNET 1
#define LINKTYPE_RAW 101

#define EPB_FLAG_INBOUND 1u
#define EPB_FLAG_OUTBOUND 2u

/* Largest block we build: EPB header, a full snaplen frame, options. */
#define BLOCK_MAX (32 + CAPTURE_SNAPLEN + 4 + 4 + 8 + 260 + 4 + 4)

struct capture {
	FILE *f;
	char *path;
	int *ifindex; /* ifindex[i] is the engine interface of IDB i */
	size_t nif;
	size_t cap_if;
	bool dirty;  /* frames written since the last flush */
	bool failed; /* a write failed; stop writing */
	uint64_t frames;
	uint8_t *blk; /* BLOCK_MAX bytes of scratch for building a block */
};

/* A block is built in memory, then written with one fwrite. */
struct blk {
	uint8_t *b;
	size_t len;
};

static void put32(struct blk *k, uint32_t v)
{
	memcpy(k->b + k->len, &v, 4);
	k->len += 4;
}

static void put16(struct blk *k, uint16_t v)
{
	memcpy(k->b + k->len, &v, 2);
	k->len += 2;
}

/* Copy @n bytes and zero-pad to the next 32-bit boundary. */
static void put_padded(struct blk *k, const void *src, size_t n)
{
	size_t pad = (4 - n % 4) % 4;

	if (n)
		memcpy(k->b + k->len, src, n);
	memset(k->b + k->len + n, 0, pad);
	k->len += n + pad;
}

static void put_opt(struct blk *k, uint16_t code, const void *val, size_t n)
{
	put16(k, code);
	put16(k, (uint16_t)n);
	put_padded(k, val, n);
}

/* Close the block: write the total length at both ends, then the file. */
static void blk_write(struct capture *cap, struct blk *k)
{
	uint32_t total = (uint32_t)k->len + 4;

	memcpy(k->b + 4, &total, 4);
	put32(k, total);
	if (cap->failed)
		return;
	if (fwrite(k->b, 1, k->len, cap->f) != k->len) {
		log_err("capture: write to %s failed: %s; capture stopped",
			cap->path, strerror(errno));
		cap->failed = true;
		return;
	}
	cap->dirty = true;
}

static void blk_start(struct capture *cap, struct blk *k, uint32_t type)
{
	k->b = cap->blk;
	k->len = 0;
	put32(k, type);
	put32(k, 0); /* total length, filled in by blk_write() */
}

static void write_shb(struct capture *cap)
{
	static const char appl[] = "nsstackd";
	struct blk k;
	uint64_t section_len = UINT64_MAX; /* -1: not computed */

	blk_start(cap, &k, BT_SHB);
	put32(&k, BYTE_ORDER_MAGIC);
	put16(&k, 1); /* major */
	put16(&k, 0); /* minor */
	memcpy(k.b + k.len, &section_len, 8);
	k.len += 8;
	put_opt(&k, OPT_SHB_USERAPPL, appl, sizeof(appl) - 1);
	put_opt(&k, OPT_ENDOFOPT, NULL, 0);
	blk_write(cap, &k);
}

/*
 * if_id() - the IDB number of @ifp, writing its IDB first if this is the
 * first frame of the interface in this file
 *
 * Return: the ID, or -ENOMEM.
 */
static long if_id(struct capture *cap, const struct netif *ifp)
{
	struct blk k;

	for (size_t i = 0; i < cap->nif; i++)
		if (cap->ifindex[i] == ifp->index)
			return (long)i;
	if (cap->nif == cap->cap_if) {
		size_t n = cap->cap_if ? cap->cap_if * 2 : 4;
		int *t = realloc(cap->ifindex, n * sizeof(*t));

		if (!t)
			return -ENOMEM;
		cap->ifindex = t;
		cap->cap_if = n;
	}
	cap->ifindex[cap->nif] = ifp->index;
	blk_start(cap, &k, BT_IDB);
	put16(&k, ifp->kind == NETIF_TUN ? LINKTYPE_RAW : LINKTYPE_ETHERNET);
	put16(&k, 0); /* reserved */
	put32(&k, CAPTURE_SNAPLEN);
	put_opt(&k, OPT_IF_NAME, ifp->name, strlen(ifp->name));
	put_opt(&k, OPT_ENDOFOPT, NULL, 0);
	blk_write(cap, &k);
	return (long)cap->nif++;
}

/**
 * capture_open() - start a pcapng file at @path (truncated if it exists)
 * @out: set to the new capture on success
 *
 * Return: 0, or -errno from fopen() or -ENOMEM.
 */
int capture_open(struct capture **out, const char *path)
{
	struct capture *cap = calloc(1, sizeof(*cap));
	int rc = -ENOMEM;

	if (!cap)
		return -ENOMEM;
	cap->path = strdup(path);
	cap->blk = malloc(BLOCK_MAX);
	if (!cap->path || !cap->blk)
		goto fail;
	cap->f = fopen(path, "wbe");
	if (!cap->f) {
		rc = -errno;
		goto fail;
	}
	write_shb(cap);
	*out = cap;
	return 0;
fail:
	free(cap->blk);
	free(cap->path);
	free(cap);
	return rc;
}

/** capture_flush() - push buffered blocks to the file; 0 or -errno. */
int capture_flush(struct capture *cap)
{
	cap->dirty = false;
	if (fflush(cap->f) != 0)
		return -errno;
	return 0;
}

/** capture_dirty() - frames are buffered that a reader cannot see yet. */
bool capture_dirty(const struct capture *cap)
{
	return cap->dirty;
}

/** capture_path() - the file being written, for `nsctl capture`. */
const char *capture_path(const struct capture *cap)
{
	return cap->path;
}

/** capture_frames() - EPBs written so far (drops included). */
uint64_t capture_frames(const struct capture *cap)
{
	return cap->frames;
}

/** capture_close() - flush, close the file and free @cap (NULL is fine). */
void capture_close(struct capture *cap)
{
	if (!cap)
		return;
	if (fclose(cap->f) != 0 && !cap->failed)
		log_err("capture: closing %s: %s", cap->path, strerror(errno));
	free(cap->ifindex);
	free(cap->blk);
	free(cap->path);
	free(cap);
}

static void write_epb(struct capture *cap, struct netif *ifp, uint32_t flags,
		      const uint8_t *frame, size_t len, const char *comment)
{
	struct timespec ts;
	long id = if_id(cap, ifp);
	size_t caplen = len < CAPTURE_SNAPLEN ? len : CAPTURE_SNAPLEN;
	uint64_t us;
	struct blk k;

	if (id < 0)
		return;
	/* Readers expect wall-clock time; the engine clock is monotonic. */
	clock_gettime(CLOCK_REALTIME, &ts);
	us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	blk_start(cap, &k, BT_EPB);
	put32(&k, (uint32_t)id);
	put32(&k, (uint32_t)(us >> 32));
	put32(&k, (uint32_t)us);
	put32(&k, (uint32_t)caplen);
	put32(&k, (uint32_t)len);
	put_padded(&k, frame, caplen);
	put_opt(&k, OPT_EPB_FLAGS, &flags, 4);
	if (comment) {
		char text[256];
		int n = snprintf(text, sizeof(text), "dropped: %s", comment);

		if (n >= (int)sizeof(text))
			n = sizeof(text) - 1;
		put_opt(&k, OPT_COMMENT, text, (size_t)n);
	}
	put_opt(&k, OPT_ENDOFOPT, NULL, 0);
	blk_write(cap, &k);
	cap->frames++;
}

/**
 * capture_frame() - record a frame that crossed @ifp in direction @dir
 *
 * Frames longer than CAPTURE_SNAPLEN are cut, keeping the original length.
 */
void capture_frame(struct capture *cap, struct netif *ifp, enum capture_dir dir,
		   const uint8_t *frame, size_t len)
{
	write_epb(cap, ifp,
		  dir == CAPTURE_IN ? EPB_FLAG_INBOUND : EPB_FLAG_OUTBOUND,
		  frame, len, NULL);
}

/**
 * capture_drop() - record a received frame again, at the point it was
 * dropped, with the comment "dropped: @reason"
 */
void capture_drop(struct capture *cap, struct netif *ifp, const uint8_t *frame,
		  size_t len, const char *reason)
{
	write_epb(cap, ifp, EPB_FLAG_INBOUND, frame, len, reason);
}
