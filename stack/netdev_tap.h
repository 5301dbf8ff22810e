/* SPDX-License-Identifier: MIT */
/*
 * netdev_tap.h - TAP and TUN devices as engine interfaces
 *
 * Two MAC addresses meet on a TAP.  The TAP device's own hardware address
 * (SIOCSIFHWADDR, shown by `ip link` in the namespace) belongs to the
 * *kernel side*: it is the address the kernel's stack sends from.  The
 * engine is a separate host behind the TAP with its own MAC, which only the
 * engine knows (ifp->mac): by default a random locally administered
 * unicast address, 02:xx:xx:xx:xx:xx.  --mac sets the engine's MAC,
 * --peer-mac the kernel side's.
 */
#ifndef NSSTACK_NETDEV_TAP_H
#define NSSTACK_NETDEV_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netif.h"

struct engine;

struct tap_opts {
	const char *name;
	enum netif_kind kind;	    /* NETIF_TAP or NETIF_TUN */
	bool create;		    /* make the device if missing */
	bool persist;		    /* keep a device we made after we exit */
	uint32_t mtu;		    /* 0: keep the device's */
	const struct mac_addr *mac; /* the engine's; NULL: random */
	const struct mac_addr *peer_mac; /* the kernel side's; NULL: keep */
	bool no_offload; /* --offload off: plain frames, no virtio header */
};

/* Frames read per readiness event before yielding to other work. */
#define TAP_RX_BURST 64

int netdev_tap_open(struct engine *eng, const struct tap_opts *o,
		    struct netif **out, char *err, size_t errlen);
bool netdev_tap_created(const struct netif *ifp);
const char *netdev_offload_str(uint32_t offload, char *buf, size_t len);
void mac_random_local(struct mac_addr *mac);

#endif /* NSSTACK_NETDEV_TAP_H */
