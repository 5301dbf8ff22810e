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

uint64_t hash_siphash24(const uint8_t key[16], const void *data, size_t len);
uint32_t rand_u32(void);
uint32_t rand_range(uint32_t lo, uint32_t hi);

#endif /* NSSTACK_HASH_H */
