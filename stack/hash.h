/* SPDX-License-Identifier: MIT */
/*
 * hash.h - keyed hashing and random numbers for the engine's tables
 *
 * Every table keyed by something a peer chooses (addresses, ports, IP IDs)
 * hashes with SipHash-2-4 under the engine's random secret, so a peer
 * cannot aim many keys at one bucket (the hash-flooding attack) or predict
 * values derived from the hash (RFC 6056 ports, RFC 7739 IDs).
 */
#ifndef NSSTACK_HASH_H
#define NSSTACK_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "siphash.h"

/** hash_keyed() - SipHash-2-4 of @len bytes under a 16-byte secret. */
static inline uint64_t hash_keyed(const uint8_t key[16], const void *data,
				  size_t len)
{
	struct siphash_key k;

	siphash_key_from_bytes(&k, key);
	return siphash24(&k, data, len);
}

/*
 * struct hash_memo - the last input and result at one hashing call site.
 * A bulk flow hashes the same 4-tuple, destination or neighbour for every
 * packet in a row; remembering one answer skips SipHash (7% of the engine
 * per packet with plain frames, perf).  The memo belongs to the table
 * whose secret it hashes under, so it cannot outlive that secret.
 */
#define HASH_MEMO_MAX 32
struct hash_memo {
	uint64_t h;
	uint8_t len; /* bytes in @in; 0: empty */
	uint8_t in[HASH_MEMO_MAX];
};

/** siphash24_memo() - siphash24(@k, @data, @len), remembered in @m. */
static inline uint64_t siphash24_memo(struct hash_memo *m,
				      const struct siphash_key *k,
				      const void *data, size_t len)
{
	if (len && len <= sizeof(m->in) && len == m->len &&
	    memcmp(m->in, data, len) == 0)
		return m->h;
	m->h = siphash24(k, data, len);
	m->len = 0;
	if (len <= sizeof(m->in)) {
		memcpy(m->in, data, len);
		m->len = (uint8_t)len;
	}
	return m->h;
}

/** hash_keyed_memo() - hash_keyed(), remembered in @m. */
static inline uint64_t hash_keyed_memo(struct hash_memo *m,
				       const uint8_t key[16], const void *data,
				       size_t len)
{
	struct siphash_key k;

	if (len && len <= sizeof(m->in) && len == m->len &&
	    memcmp(m->in, data, len) == 0)
		return m->h;
	siphash_key_from_bytes(&k, key);
	return siphash24_memo(m, &k, data, len);
}

uint32_t rand_u32(void);
uint32_t rand_range(uint32_t lo, uint32_t hi);

#endif /* NSSTACK_HASH_H */
