// SPDX-License-Identifier: MIT
/*
 * fuzz_vnet.c - libFuzzer harness for the virtio-net header
 * (netdev_vnet.c): the first VNET_HDR_LEN bytes are the header, the rest
 * the frame, as a read() from an IFF_VNET_HDR TAP returns them
 *
 * Properties: a header the parser accepts puts the checksum field inside
 * the frame; finishing the checksum stays inside it (ASan) and then
 * verifies with the pseudo-header sum the field held; encoding the metadata gives back the same checksum start and
 * offset.  The fuzz build links netdev_vnet.c (FUZZ_STACK_SRC in the
 * Makefile) besides stack/wire/ and ipc/; it needs nothing else.
 */
#include <stdlib.h>
#include <string.h>

#include "netdev_vnet.h"
#include "pkt.h"
#include "wire/csum.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkt_offload off;
	struct vnet_hdr h, h2;
	uint8_t hb[VNET_HDR_LEN], *frame;
	size_t len;

	if (size < VNET_HDR_LEN)
		return 0;
	vnet_hdr_read(data, &h);
	vnet_hdr_write(hb, &h);
	if (memcmp(hb, data, VNET_HDR_LEN) != 0)
		abort();
	len = size - VNET_HDR_LEN;
	frame = malloc(len ? len : 1);
	if (!frame)
		return 0;
	memcpy(frame, data + VNET_HDR_LEN, len);
	if (vnet_hdr_to_offload(&h, frame, len, &off) == 0 &&
	    off.csum_partial) {
		uint16_t pseudo; /* the field's sum, in memory order */

		if (off.csum_start < frame ||
		    off.csum_start + off.csum_offset + 2 > frame + len)
			abort();
		memcpy(&pseudo, off.csum_start + off.csum_offset, 2);
		pkt_csum_complete(frame, len, &off);
		/* An odd offset puts the field across two 16-bit words: the
		 * kernel allows it, but the sum then does not verify. */
		if (off.csum_offset != 6 && off.csum_offset % 2 == 0 &&
		    csum_fold(
			    csum_partial(off.csum_start,
					 (size_t)(frame + len - off.csum_start),
					 pseudo)) != 0)
			abort();
		vnet_hdr_from_offload(&off, frame, len, &h2);
		if (h2.csum_start != h.csum_start ||
		    h2.csum_offset != h.csum_offset)
			abort();
	}
	free(frame);
	return 0;
}
