// SPDX-License-Identifier: MIT
/*
 * fake_engine.c - see fake_engine.h
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "fake_engine.h"
#include "netdev_vnet.h"

const struct vnet_hdr *fake_rx_vnet;

struct fake_dev {
	struct pktq tx;
};

static int fake_xmit(struct netif *ifp, const uint8_t *frame, size_t len)
{
	struct fake_dev *d = ifp->priv;
	struct pkt *p = pkt_from(frame, len);

	cr_assert_not_null(p);
	pktq_push(&d->tx, p);
	return 0;
}

/*
 * As a device with offloads would: the copy keeps the metadata (tests
 * look at it) and its partial checksum is finished, so parsers verify.
 */
static int fake_xmit_pkt(struct netif *ifp, const struct pkt *p)
{
	struct fake_dev *d = ifp->priv;
	struct pkt *q = pkt_from(p->data, p->len);

	cr_assert_not_null(q);
	q->off = p->off;
	if (p->off.csum_partial) {
		cr_assert(ifp->offload & NETIF_OFF_CSUM);
		q->off.csum_start = q->data + (p->off.csum_start - p->data);
		pkt_csum_complete(q->data, q->len, &q->off);
	}
	if (p->off.gso_type != PKT_GSO_NONE)
		cr_assert(ifp->offload & NETIF_OFF_TSO4);
	pktq_push(&d->tx, q);
	return 0;
}

static void fake_close(struct netif *ifp)
{
	struct fake_dev *d = ifp->priv;

	pktq_purge(&d->tx);
	free(d);
}

static const struct netdev_ops fake_ops = {
	.xmit = fake_xmit,
	.xmit_pkt = fake_xmit_pkt,
	.close = fake_close,
};

void fake_engine_init(struct engine *eng)
{
	cr_assert_eq(engine_init(eng), 0);
	eng->now = FAKE_T0;
}

struct netif *fake_netif(struct engine *eng, const char *name,
			 const uint8_t mac[6])
{
	struct fake_dev *d = calloc(1, sizeof(*d));
	struct netif *ifp;

	cr_assert_not_null(d);
	ifp = netif_new(eng, name, NETIF_FAKE, &fake_ops, d);
	cr_assert_not_null(ifp);
	memcpy(ifp->mac.b, mac, MAC_LEN);
	ifp->up = true;
	return ifp;
}

void fake_rx(struct netif *ifp, const uint8_t *frame, size_t len)
{
	struct pkt *p = pkt_from(frame, len);

	cr_assert_not_null(p);
	if (fake_rx_vnet)
		cr_assert_eq(vnet_hdr_to_offload(fake_rx_vnet, p->data, p->len,
						 &p->off),
			     0);
	netif_input(ifp, p);
}

/** fake_tx_pop() - the oldest frame sent on @ifp, or NULL; caller frees. */
struct pkt *fake_tx_pop(struct netif *ifp)
{
	return pktq_pop(&((struct fake_dev *)ifp->priv)->tx);
}

size_t fake_tx_count(const struct netif *ifp)
{
	return ((const struct fake_dev *)ifp->priv)->tx.count;
}

void fake_tx_purge(struct netif *ifp)
{
	pktq_purge(&((struct fake_dev *)ifp->priv)->tx);
}

/** fake_advance() - move the clock by @us, firing timers in order. */
void fake_advance(struct engine *eng, uint64_t us)
{
	uint64_t end = eng->now + us;

	/* Step through each expiry so callbacks see the time they fire at. */
	while (timers_next(&eng->timers) <= end) {
		eng->now = timers_next(&eng->timers);
		timers_run(&eng->timers, eng->now);
	}
	eng->now = end;
}
