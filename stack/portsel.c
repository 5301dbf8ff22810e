// SPDX-License-Identifier: MIT
/*
 * portsel.c - ephemeral port selection, RFC 6056 section 3.3.4
 *             (algorithm 4, "Double-Hash Port Selection")
 *
 * offset = F(local IP, remote IP, remote port, secret_key1) spreads
 * different destinations over the port range unpredictably; a second
 * hash G() picks a counter in a small table that advances on every
 * attempt, so successive connections to the same destination get
 * sequential-looking but unpredictable ports and reuse of a port by the
 * same peer pair is delayed as long as possible.  Linux's
 * __inet_hash_connect() is the same algorithm.
 *
 * The caller serialises the connection identity it wants hashed (e.g.
 * protocol, local address, remote address, remote port) into @id, which
 * keeps this file free of any protocol knowledge: TCP and UDP share it.
 * Nothing here reads a clock or a random source: the secret is passed in.
 */
#include <errno.h>
#include <string.h>

#include "portsel.h"

/**
 * portsel_init() - keys and table from a 32-byte random secret
 * @ps:     state to fill
 * @secret: 32 random bytes, e.g. from getrandom() at engine start
 *
 * RFC 6056 3.3.4 initialises the table with random values; they are
 * derived here from the secret with SipHash, so one secret reproduces the
 * whole state (tests, and restarts that want the same choices).
 */
void portsel_init(struct portsel *ps, const uint8_t secret[32])
{
	memset(ps, 0, sizeof(*ps));
	siphash_key_from_bytes(&ps->k_offset, secret);
	siphash_key_from_bytes(&ps->k_index, secret + 16);
	for (uint32_t i = 0; i < PORTSEL_TABLE_LEN; i++) {
		uint8_t b[4] = { (uint8_t)(i >> 24), (uint8_t)(i >> 16),
				 (uint8_t)(i >> 8), (uint8_t)i };

		ps->table[i] = (uint16_t)siphash24(&ps->k_index, b, sizeof(b));
	}
}

/**
 * portsel_pick() - RFC 6056 algorithm 4
 * @ps:     state; the table counter used advances on every attempt
 * @id:     connection identity to hash (see the file comment)
 * @id_len: its length
 * @first:  lowest ephemeral port (net.ipv4.ip_local_port_range)
 * @last:   highest, >= @first
 * @ok:     check_suitable_port()
 * @ctx:    passed to @ok
 *
 *   port = min_ephemeral + (offset + table[index]) % num_ephemeral;
 *   table[index]++;
 *
 * tried at most num_ephemeral times.
 *
 * Return: the port, or -EADDRNOTAVAIL when every port was refused (the
 * errno connect() returns then), -EINVAL for an empty range.
 */
int portsel_pick(struct portsel *ps, const void *id, size_t id_len,
		 uint16_t first, uint16_t last, portsel_ok_fn *ok, void *ctx)
{
	uint32_t num, offset, index;

	if (last < first)
		return -EINVAL;
	num = (uint32_t)last - first + 1;
	offset = (uint32_t)siphash24(&ps->k_offset, id, id_len);
	index = (uint32_t)siphash24(&ps->k_index, id, id_len) %
		PORTSEL_TABLE_LEN;
	for (uint32_t count = num; count > 0; count--) {
		uint16_t port = (uint16_t)(first +
					   (offset + ps->table[index]) % num);

		ps->table[index]++;
		if (ok(port, ctx))
			return port;
	}
	return -EADDRNOTAVAIL;
}
