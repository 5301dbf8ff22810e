/* SPDX-License-Identifier: MIT */
/*
 * fake_engine.h - an engine without a loop or a device, for unit tests
 *
 * A fake interface is an Ethernet interface whose transmitted frames are
 * kept in memory for the test to inspect; received frames are injected with
 * fake_rx().  The clock is virtual: fake_advance() moves it and fires the
 * timers that fall due, as the event loop would.
 */
#ifndef NSSTACK_FAKE_ENGINE_H
#define NSSTACK_FAKE_ENGINE_H

#include "engine.h"

#define FAKE_T0 1000000000u /* the virtual clock starts here (µs) */

void fake_engine_init(struct engine *eng);
struct netif *fake_netif(struct engine *eng, const char *name,
			 const uint8_t mac[6]);
void fake_rx(struct netif *ifp, const uint8_t *frame, size_t len);
struct pkt *fake_tx_pop(struct netif *ifp);
size_t fake_tx_count(const struct netif *ifp);
void fake_tx_purge(struct netif *ifp);
void fake_advance(struct engine *eng, uint64_t us);

/* When set, fake_rx() gives each frame this virtio-net header's metadata,
 * as netdev_tap.c does for a device with IFF_VNET_HDR. */
struct vnet_hdr;
extern const struct vnet_hdr *fake_rx_vnet;

#endif /* NSSTACK_FAKE_ENGINE_H */
