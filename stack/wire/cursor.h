/* SPDX-License-Identifier: MIT */
/*
 * cursor.h - bounds-checked reads of untrusted packet bytes
 *
 * Every parser in stack/wire reads through a struct cursor.  A cursor is a
 * window [buf, buf + len) and a read offset.  Reads that would cross the end
 * of the window do not touch memory: they return zero and latch the cursor's
 * error flag, so a parser can read a fixed header straight through and test
 * cur_ok() once at the end.  Once latched, the cursor reports zero bytes
 * left, so loops of the form "while (cur_left(c))" always terminate.
 *
 * Values that steer later reads (a header length, an option length) must be
 * checked against cur_left() before they are used; cur_take() and cur_sub()
 * do that check.
 *
 * ld_be16/ld_be32 and st_be16/st_be32 are the only way the wire code turns
 * bytes into numbers and back; they never assume alignment.
 */
#ifndef NSSTACK_WIRE_CURSOR_H
#define NSSTACK_WIRE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint16_t ld_be16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t ld_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void st_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void st_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

struct cursor {
	const uint8_t *buf;
	size_t len;
	size_t off;
	bool err;
};

/*
 * An empty window points here rather than at NULL, so that taking zero bytes
 * from it never computes NULL + 0 (undefined in C, and reported by UBSan).
 */
static const uint8_t cur_empty_[1];

static inline struct cursor cur_make(const uint8_t *buf, size_t len)
{
	struct cursor c = { .buf = buf ? buf : cur_empty_,
			    .len = buf ? len : 0 };

	return c;
}

/** cur_ok() - true while no read has run past the end of the window. */
static inline bool cur_ok(const struct cursor *c)
{
	return !c->err;
}

/** cur_left() - bytes not yet read; zero once the cursor has failed. */
static inline size_t cur_left(const struct cursor *c)
{
	return c->err ? 0 : c->len - c->off;
}

/** cur_pos() - pointer to the next unread byte (valid for cur_left()). */
static inline const uint8_t *cur_pos(const struct cursor *c)
{
	return c->buf + c->off;
}

/**
 * cur_take() - consume @n bytes and return a pointer to them
 *
 * Return: the bytes, or NULL (and the cursor fails) when fewer than @n are
 * left.
 */
static inline const uint8_t *cur_take(struct cursor *c, size_t n)
{
	const uint8_t *p;

	if (c->err || n > c->len - c->off) {
		c->err = true;
		return NULL;
	}
	p = c->buf + c->off;
	c->off += n;
	return p;
}

static inline bool cur_skip(struct cursor *c, size_t n)
{
	return cur_take(c, n) != NULL;
}

static inline uint8_t cur_u8(struct cursor *c)
{
	const uint8_t *p = cur_take(c, 1);

	return p ? p[0] : 0;
}

static inline uint16_t cur_be16(struct cursor *c)
{
	const uint8_t *p = cur_take(c, 2);

	return p ? ld_be16(p) : 0;
}

static inline uint32_t cur_be32(struct cursor *c)
{
	const uint8_t *p = cur_take(c, 4);

	return p ? ld_be32(p) : 0;
}

/** cur_copy() - consume @n bytes into @dst; zero-fills @dst on failure. */
static inline bool cur_copy(struct cursor *c, void *dst, size_t n)
{
	const uint8_t *p = cur_take(c, n);

	if (!p) {
		memset(dst, 0, n);
		return false;
	}
	memcpy(dst, p, n);
	return true;
}

/**
 * cur_sub() - split off the next @n bytes as a cursor of their own
 *
 * Used for length-delimited regions (an option block, a TLV value): the
 * sub-cursor cannot read past its region even if its contents lie about
 * their own lengths.  On failure @sub is empty and failed.
 */
static inline bool cur_sub(struct cursor *c, size_t n, struct cursor *sub)
{
	const uint8_t *p = cur_take(c, n);

	*sub = cur_make(p, p ? n : 0);
	sub->err = !p;
	return p != NULL;
}

#endif /* NSSTACK_WIRE_CURSOR_H */
