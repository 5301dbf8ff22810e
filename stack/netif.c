// SPDX-License-Identifier: MIT
/*
 * netif.c - interfaces: creation, addresses, and the device edge of the
 * packet path (every frame in and out passes netif_input/netif_xmit, which
 * is where link counters and capture happen)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "engine.h"
#include "eth.h"
#include "ipv4.h"
#include "ipv6.h"
#include "netdev_vnet.h"

/*
 * Capture @p as the wire would show it.  A partial checksum (ours to the
 * device, or the kernel's to us) is finished in a copy, so the capture
 * verifies; a super-segment is written whole, as tcpdump shows one on a
 * GSO interface.  Only done with a capture open.
 */
static void capture_pkt(struct engine *eng, struct netif *ifp,
			enum capture_dir dir, const struct pkt *p)
{
	struct pkt_offload off = p->off;
	uint8_t *copy;

	if (!off.csum_partial) {
		capture_frame(eng->cap, ifp, dir, p->data, p->len);
		return;
	}
	copy = malloc(p->len ? p->len : 1);
	if (!copy)
		return;
	memcpy(copy, p->data, p->len);
	off.csum_start = copy + (p->off.csum_start - p->data);
	pkt_csum_complete(copy, p->len, &off);
	capture_frame(eng->cap, ifp, dir, copy, p->len);
	free(copy);
}

/**
 * netif_new() - add an interface to @eng (down, no addresses, MTU 1500)
 *
 * Return: the interface, or NULL when memory is short.
 */
struct netif *netif_new(struct engine *eng, const char *name,
			enum netif_kind kind, const struct netdev_ops *ops,
			void *priv)
{
	struct netif *ifp = calloc(1, sizeof(*ifp));
	struct netif **tail = &eng->ifaces;

	if (!ifp)
		return NULL;
	ifp->eng = eng;
	snprintf(ifp->name, sizeof(ifp->name), "%s", name);
	ifp->index = eng->next_ifindex++;
	ifp->kind = kind;
	ifp->mtu = 1500;
	ifp->ops = ops;
	ifp->priv = priv;
	while (*tail)
		tail = &(*tail)->next;
	*tail = ifp;
	return ifp;
}

/** netif_remove() - unlink @ifp, close its device and free it. */
void netif_remove(struct netif *ifp)
{
	struct netif **pp = &ifp->eng->ifaces;

	while (*pp && *pp != ifp)
		pp = &(*pp)->next;
	if (*pp)
		*pp = ifp->next;
	if (ifp->ops && ifp->ops->close)
		ifp->ops->close(ifp);
	free(ifp);
}

struct netif *netif_by_name(struct engine *eng, const char *name)
{
	for (struct netif *ifp = eng->ifaces; ifp; ifp = ifp->next)
		if (strcmp(ifp->name, name) == 0)
			return ifp;
	return NULL;
}

struct netif *netif_by_index(struct engine *eng, int index)
{
	for (struct netif *ifp = eng->ifaces; ifp; ifp = ifp->next)
		if (ifp->index == index)
			return ifp;
	return NULL;
}

struct ifaddr4 *netif_addr4_find(struct netif *ifp, uint32_t addr)
{
	for (size_t i = 0; i < ifp->naddr4; i++)
		if (ifp->addr4[i].addr == addr)
			return &ifp->addr4[i];
	return NULL;
}

/** netif_has_addr4() - @addr is ours on @ifp and usable (not probing). */
bool netif_has_addr4(const struct netif *ifp, uint32_t addr)
{
	for (size_t i = 0; i < ifp->naddr4; i++)
		if (ifp->addr4[i].addr == addr &&
		    ifp->addr4[i].state == ADDR4_VALID)
			return true;
	return false;
}

/**
 * netif_addr4_add() - add @addr/@prefixlen in state ADDR4_VALID
 *
 * Address conflict detection, where wanted, is started by the caller
 * (arp_addr_add() sets the state to tentative and probes).
 *
 * Return: 0, -EEXIST, -EINVAL for a prefix over 32 or the zero address, or
 * -ENOSPC when the interface holds NETIF_MAX_ADDR4 addresses.
 */
int netif_addr4_add(struct netif *ifp, uint32_t addr, uint8_t prefixlen)
{
	struct ifaddr4 *a;

	if (prefixlen > 32 || addr == 0)
		return -EINVAL;
	if (netif_addr4_find(ifp, addr))
		return -EEXIST;
	if (ifp->naddr4 == NETIF_MAX_ADDR4)
		return -ENOSPC;
	a = &ifp->addr4[ifp->naddr4++];
	memset(a, 0, sizeof(*a));
	a->addr = addr;
	a->prefixlen = prefixlen;
	a->state = ADDR4_VALID;
	return 0;
}

/** netif_addr4_del() - remove @addr/@prefixlen; -EADDRNOTAVAIL if absent. */
int netif_addr4_del(struct netif *ifp, uint32_t addr, uint8_t prefixlen)
{
	for (size_t i = 0; i < ifp->naddr4; i++) {
		if (ifp->addr4[i].addr != addr ||
		    ifp->addr4[i].prefixlen != prefixlen)
			continue;
		memmove(&ifp->addr4[i], &ifp->addr4[i + 1],
			(ifp->naddr4 - i - 1) * sizeof(ifp->addr4[0]));
		ifp->naddr4--;
		return 0;
	}
	return -EADDRNOTAVAIL;
}

/**
 * netif_input() - a frame arrived on @ifp; it starts its way up the stack
 *
 * Takes ownership of @p: the protocol that consumes or drops it frees it.
 */
void netif_input(struct netif *ifp, struct pkt *p)
{
	struct engine *eng = ifp->eng;

	p->ifp = ifp;
	p->rx_frame = p->data;
	p->rx_len = p->len;
	ifp->stats.rx_packets++;
	ifp->stats.rx_bytes += p->len;
	if (eng->cap)
		capture_pkt(eng, ifp, CAPTURE_IN, p);
	if (p->off.gso_type != PKT_GSO_NONE)
		eng->stats.eth.EthInGsoFrames++;
	if (!ifp->up) {
		pkt_drop(eng, p, &eng->stats.eth.EthInErrors, "link down");
		return;
	}
	if (ifp->kind == NETIF_TUN) {
		/* TUN carries bare IP: the version nibble picks the protocol. */
		if (p->len && p->data[0] >> 4 == 4)
			ipv4_input(ifp, p);
		else if (p->len && p->data[0] >> 4 == 6)
			ipv6_input(ifp, p);
		else
			pkt_drop(eng, p, &eng->stats.eth.EthInUnknownTypes,
				 "not IPv4 or IPv6");
		return;
	}
	eth_input(ifp, p);
}

/**
 * netif_xmit() - hand a finished frame to the device
 *
 * Always frees @p.  Return: 0, or the device's -errno (counted).
 */
int netif_xmit(struct netif *ifp, struct pkt *p)
{
	struct engine *eng = ifp->eng;
	int rc;

	if (eng->cap)
		capture_pkt(eng, ifp, CAPTURE_OUT, p);
	if (ifp->ops->xmit_pkt) {
		rc = ifp->ops->xmit_pkt(ifp, p);
	} else if (p->off.gso_type != PKT_GSO_NONE) {
		rc = -EMSGSIZE; /* only built for devices that cut them */
	} else {
		pkt_csum_complete(p->data, p->len, &p->off);
		rc = ifp->ops->xmit(ifp, p->data, p->len);
	}
	if (rc < 0) {
		/* A full queue is back-pressure, not a fault: its own counter,
		 * and never a wait (the engine must not block). */
		ifp->stats.tx_errors++;
		if (rc == -EAGAIN)
			eng->stats.eth.EthOutQueueFull++;
		else
			eng->stats.eth.EthOutErrors++;
	} else {
		ifp->stats.tx_packets++;
		ifp->stats.tx_bytes += p->len;
		eng->stats.eth.EthOutFrames++;
		eng->stats.eth.EthOutOctets += p->len;
		if (p->off.gso_type != PKT_GSO_NONE)
			eng->stats.eth.EthOutGsoFrames++;
	}
	pkt_free(p);
	return rc;
}
