/* SPDX-License-Identifier: MIT */
/*
 * netif.h - network interfaces: a device (TAP, TUN or a test fake) and the
 * addresses the stack holds on it
 */
#ifndef NSSTACK_NETIF_H
#define NSSTACK_NETIF_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/addr.h"

struct engine;
struct netif;
struct pkt;

enum netif_kind {
	NETIF_TAP,  /* Ethernet frames */
	NETIF_TUN,  /* bare IP packets, no link layer */
	NETIF_FAKE, /* unit tests: Ethernet, frames captured in memory */
};

/*
 * struct netdev_ops - what a device does
 * @xmit: write one whole frame (Ethernet for TAP/FAKE, IP for TUN);
 *	0 or -errno.  The caller keeps the bytes.
 * @xmit_pkt: optional, for devices with offloads (ifp->offload): write
 *	@p's frame with its pkt_offload metadata; 0 or -errno.  The caller
 *	keeps @p.  Without it, netif_xmit() finishes partial checksums in
 *	software and calls @xmit.
 * @close: release the device (fd, created TAP) at interface removal.
 */
struct netdev_ops {
	int (*xmit)(struct netif *ifp, const uint8_t *frame, size_t len);
	int (*xmit_pkt)(struct netif *ifp, const struct pkt *p);
	void (*close)(struct netif *ifp);
};

/* ifp->offload: what the device does for us (IFF_VNET_HDR). */
#define NETIF_OFF_CSUM 0x1 /* finishes partial L4 checksums we send */
#define NETIF_OFF_TSO4 0x2 /* cuts TCP/IPv4 super-segments we send */
#define NETIF_OFF_TSO6 0x4 /* the same for TCP/IPv6 */
/* The largest IPv4 datagram a super-segment may be (IP total length). */
#define NETIF_GSO_MAX 65535

enum addr4_state {
	ADDR4_TENTATIVE, /* RFC 5227 probing: not used as a source yet */
	ADDR4_VALID,	 /* usable */
	ADDR4_CONFLICT,	 /* another host holds it: never used */
};

struct ifaddr4 {
	uint32_t addr; /* host order */
	uint8_t prefixlen;
	enum addr4_state state;
	uint8_t probes_sent; /* RFC 5227 2.1.1 */
	uint8_t announces_sent;
	uint64_t last_defend; /* µs; RFC 5227 2.4 (b) DEFEND_INTERVAL */
};

#define NETIF_MAX_ADDR4 16

struct link_stats {
	uint64_t rx_packets, rx_bytes, rx_dropped;
	uint64_t tx_packets, tx_bytes, tx_errors;
};

struct netif {
	struct netif *next;
	struct engine *eng;
	char name[IFNAMSIZ];
	int index;
	enum netif_kind kind;
	uint32_t mtu;
	struct mac_addr mac;
	bool up;
	uint32_t offload; /* NETIF_OFF_* the device does; 0: plain frames */
	const struct netdev_ops *ops;
	void *priv; /* the device's own state */
	struct ifaddr4 addr4[NETIF_MAX_ADDR4];
	size_t naddr4;
	struct link_stats stats;
};

/* netif.c */
struct netif *netif_new(struct engine *eng, const char *name,
			enum netif_kind kind, const struct netdev_ops *ops,
			void *priv);
void netif_remove(struct netif *ifp);
struct netif *netif_by_name(struct engine *eng, const char *name);
struct netif *netif_by_index(struct engine *eng, int index);
int netif_addr4_add(struct netif *ifp, uint32_t addr, uint8_t prefixlen);
int netif_addr4_del(struct netif *ifp, uint32_t addr, uint8_t prefixlen);
struct ifaddr4 *netif_addr4_find(struct netif *ifp, uint32_t addr);
bool netif_has_addr4(const struct netif *ifp, uint32_t addr);
void netif_input(struct netif *ifp, struct pkt *p);
int netif_xmit(struct netif *ifp, struct pkt *p);

#endif /* NSSTACK_NETIF_H */
