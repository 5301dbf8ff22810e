/* SPDX-License-Identifier: MIT */
/*
 * siphash.h - SipHash-2-4, the keyed hash for everything a peer controls
 *
 * Aumasson and Bernstein, "SipHash: a fast short-input PRF" (2012).  Used
 * for RFC 6528 ISNs, SYN cookies, RFC 6056 port selection and hash tables
 * keyed by addresses, each with its own random key.
 */
#ifndef NSSTACK_SIPHASH_H
#define NSSTACK_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/**
 * struct siphash_key - a 128-bit key as two little-endian 64-bit words
 * @k0: key bytes 0..7
 * @k1: key bytes 8..15
 */
struct siphash_key {
	uint64_t k0;
	uint64_t k1;
};

void siphash_key_from_bytes(struct siphash_key *k, const uint8_t b[16]);
uint64_t siphash24(const struct siphash_key *k, const void *data, size_t len);

#endif /* NSSTACK_SIPHASH_H */
