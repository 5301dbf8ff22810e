/* SPDX-License-Identifier: MIT */
/*
 * portsel.h - ephemeral port selection, RFC 6056 algorithm 4
 *             ("Double-Hash Port Selection"), for any protocol
 */
#ifndef NSSTACK_PORTSEL_H
#define NSSTACK_PORTSEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "siphash.h"

#define PORTSEL_TABLE_LEN 256 /* RFC 6056 3.3.4 suggests 10 bits or so */

/**
 * struct portsel - the per-engine state of algorithm 4
 * @k_offset: secret_key1, for F()
 * @k_index:  secret_key2, for G()
 * @table:    the perturbation table, one counter per G() bucket
 */
struct portsel {
	struct siphash_key k_offset;
	struct siphash_key k_index;
	uint16_t table[PORTSEL_TABLE_LEN];
};

/*
 * portsel_ok_fn - may @port be used for this connection?  (RFC 6056's
 * check_suitable_port(): not in use for the same 4-tuple, not reserved.)
 */
typedef bool portsel_ok_fn(uint16_t port, void *ctx);

void portsel_init(struct portsel *ps, const uint8_t secret[32]);
int portsel_pick(struct portsel *ps, const void *id, size_t id_len,
		 uint16_t first, uint16_t last, portsel_ok_fn *ok, void *ctx);

#endif /* NSSTACK_PORTSEL_H */
