// SPDX-License-Identifier: MIT
/*
 * netdev_vnet.c - the virtio-net header of IFF_VNET_HDR devices
 *
 * Theory of operation
 *
 * With IFF_VNET_HDR every read() from the TAP/TUN fd starts with a
 * virtio_net_hdr and every write() must carry one.  It says two things
 * about the frame after it (virtio 1.x 5.1.6.2, Linux
 * include/linux/virtio_net.h):
 *
 *  - checksum: NEEDS_CSUM means the L4 checksum is partial: the field at
 *    csum_start + csum_offset holds the pseudo-header sum, and whoever
 *    finishes it sums every byte from csum_start to the end of the frame.
 *    DATA_VALID means the sender already verified it.
 *  - segmentation: gso_type TCPV4/TCPV6 marks a super-segment (up to
 *    64 KiB of IP datagram) to be cut into gso_size payload pieces.
 *
 * The legacy header is in the byte order of the host (TUNSETVNETLE/BE
 * are not used); this engine runs on little-endian machines (x86-64,
 * arm64), so the fields are read as little-endian explicitly.
 *
 * The kernel is trusted as far as the checksum goes (it is the same host:
 * a partial checksum is one it will compute itself), never as far as
 * lengths go: csum_start and csum_offset are checked against the frame.
 */
#include <errno.h>
#include <string.h>

#include "netdev_vnet.h"
#include "wire/csum.h"
#include "wire/cursor.h"

static uint16_t ld_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void st_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/** vnet_hdr_read() - decode the VNET_HDR_LEN bytes at @b into @h. */
void vnet_hdr_read(const uint8_t *b, struct vnet_hdr *h)
{
	h->flags = b[0];
	h->gso_type = b[1];
	h->hdr_len = ld_le16(b + 2);
	h->gso_size = ld_le16(b + 4);
	h->csum_start = ld_le16(b + 6);
	h->csum_offset = ld_le16(b + 8);
}

/** vnet_hdr_write() - encode @h into VNET_HDR_LEN bytes at @b. */
void vnet_hdr_write(uint8_t *b, const struct vnet_hdr *h)
{
	b[0] = h->flags;
	b[1] = h->gso_type;
	st_le16(b + 2, h->hdr_len);
	st_le16(b + 4, h->gso_size);
	st_le16(b + 6, h->csum_start);
	st_le16(b + 8, h->csum_offset);
}

/**
 * vnet_hdr_to_offload() - the metadata of a received @frame of @len bytes
 * from its header @h
 *
 * Return: 0; -EBADMSG when the header is inconsistent with the frame (a
 * checksum field outside it, a GSO type we did not ask for, a GSO frame
 * without a segment size).
 */
int vnet_hdr_to_offload(const struct vnet_hdr *h, uint8_t *frame, size_t len,
			struct pkt_offload *off)
{
	uint8_t gso = h->gso_type & (uint8_t)~VNET_GSO_ECN;

	memset(off, 0, sizeof(*off));
	if (h->flags & VNET_F_NEEDS_CSUM) {
		if ((size_t)h->csum_start + h->csum_offset + 2 > len)
			return -EBADMSG;
		off->csum_partial = true;
		off->csum_start = frame + h->csum_start;
		off->csum_offset = h->csum_offset;
		/* Built by the kernel on this host, which finishes partial
		 * checksums of its own frames itself: nothing to verify. */
		off->csum_valid = true;
	}
	if (h->flags & VNET_F_DATA_VALID)
		off->csum_valid = true;
	switch (gso) {
	case VNET_GSO_NONE:
		return 0;
	case VNET_GSO_TCPV4:
		off->gso_type = PKT_GSO_TCPV4;
		break;
	case VNET_GSO_TCPV6:
		off->gso_type = PKT_GSO_TCPV6;
		break;
	default:
		/* UFO/USO were not offered (TUNSETOFFLOAD). */
		return -EBADMSG;
	}
	if (!h->gso_size)
		return -EBADMSG;
	off->gso_size = h->gso_size;
	return 0;
}

/**
 * vnet_hdr_from_offload() - the header to send @frame (@len bytes) with
 * its metadata @off
 *
 * hdr_len, a hint the kernel may use, is the length of all headers: the
 * checksum start plus the TCP header's data offset.
 */
void vnet_hdr_from_offload(const struct pkt_offload *off, const uint8_t *frame,
			   size_t len, struct vnet_hdr *h)
{
	memset(h, 0, sizeof(*h));
	if (!off->csum_partial || off->csum_start < frame ||
	    off->csum_start >= frame + len)
		return;
	h->flags = VNET_F_NEEDS_CSUM;
	h->csum_start = (uint16_t)(off->csum_start - frame);
	h->csum_offset = off->csum_offset;
	if (off->gso_type == PKT_GSO_NONE || !off->gso_size)
		return;
	h->gso_type = off->gso_type == PKT_GSO_TCPV6 ? VNET_GSO_TCPV6
						     : VNET_GSO_TCPV4;
	h->gso_size = off->gso_size;
	h->hdr_len = h->csum_start;
	if (h->csum_start + 13u < len)
		h->hdr_len = (uint16_t)(h->hdr_len +
					(off->csum_start[12] >> 4) * 4);
}

/**
 * pkt_csum_complete() - finish the partial checksum @off describes in the
 * @len bytes at @frame, as a device would (for a device without checksum
 * offload, and for the capture file)
 */
void pkt_csum_complete(uint8_t *frame, size_t len,
		       const struct pkt_offload *off)
{
	uint8_t *end = frame + len;
	uint16_t sum;
	size_t n;

	if (!off->csum_partial || off->csum_start < frame ||
	    off->csum_start + off->csum_offset + 2 > end)
		return;
	n = (size_t)(end - off->csum_start);
	/* The field holds the pseudo-header sum, so it is summed too. */
	sum = csum_fold(csum_partial(off->csum_start, n, 0));
	/* RFC 768: a UDP checksum that computes to zero is sent as ones. */
	if (sum == 0 && off->csum_offset == 6)
		sum = 0xffff;
	st_be16(off->csum_start + off->csum_offset, sum);
}
