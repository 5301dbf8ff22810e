// SPDX-License-Identifier: MIT
/*
 * netdev_tap.c - TAP (Ethernet) and TUN (IP) devices through /dev/net/tun
 *
 * Opening: TUNSETIFF with IFF_NO_PI attaches to the named device, and
 * creates it when it does not exist.  Creating is only wanted with
 * --create, so the name is looked up first.  A device we create is not
 * persistent unless asked (TUNSETPERSIST), so the kernel removes it when
 * our fd closes, even if the engine is killed; with --persist it stays.
 * A device that existed before is left as it was found (except its MTU,
 * MAC and up flag, which the user asked us to set).
 *
 * The engine's MAC and the device's MAC are different hosts' addresses:
 * see netdev_tap.h.
 *
 * Receive: the loop reports the fd readable; we read at most TAP_RX_BURST
 * frames, each into its own packet, then return so timers and other
 * devices get their turn (uv_poll is level-triggered: the rest is reported
 * again).  Transmit: one write() per frame on the non-blocking fd; a full
 * device queue (EAGAIN) drops the frame rather than stall the engine.
 *
 * Offloads (default on, --offload off to disable): the device is opened
 * with IFF_VNET_HDR and TUNSETOFFLOAD(TUN_F_CSUM | TUN_F_TSO4 |
 * TUN_F_TSO6).  Every frame then travels behind a virtio-net header
 * (netdev_vnet.c), read and written with readv()/writev() so the frame
 * itself is never moved; the kernel hands us checksum-partial frames and
 * TCP super-segments of up to 64 KiB, and takes the same from us, cutting
 * and checksumming them itself.  This is what makes bulk TCP through a
 * TAP fast: one system call and one stack traversal per 64 KiB instead of
 * per 1.5 KiB.  When TUNSETOFFLOAD fails the header stays (it cannot be
 * removed from an attached fd) and only says "no offload"; ifp->offload is
 * then 0 and the stack builds plain, fully checksummed frames.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <linux/if_tun.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "engine.h"
#include "engine_loop.h"
#include "log.h"
#include "netdev_tap.h"
#include "netdev_vnet.h"
#include "wire/eth.h"

struct tap_dev {
	int fd;
	bool created;
	bool persist;
	size_t rx_room; /* largest frame we accept: MTU + link header */
	bool vnet;	/* IFF_VNET_HDR: a virtio-net header on every frame */
	struct loop_watch *watch;
	uint64_t last_err_log;
};

/** mac_random_local() - a random locally administered unicast MAC. */
void mac_random_local(struct mac_addr *mac)
{
	if (getrandom(mac->b, MAC_LEN, 0) != MAC_LEN) {
		/* Without randomness, a fixed documentation-style MAC. */
		static const uint8_t fallback[MAC_LEN] = { 2, 0,    0x5e,
							   0, 0x53, 2 };

		memcpy(mac->b, fallback, MAC_LEN);
	}
	/* IEEE 802: 0x02 in the first byte is locally administered (bit 1)
	 * and unicast (bit 0 clear); a fixed 02 makes the engine's MAC easy
	 * to tell apart in captures. */
	mac->b[0] = 0x02;
}

static int tap_xmit(struct netif *ifp, const uint8_t *frame, size_t len)
{
	struct tap_dev *d = ifp->priv;
	ssize_t n = write(d->fd, frame, len);

	if (n < 0)
		return -errno; /* netif_xmit counts -EAGAIN as a full queue */
	return 0;
}

/* With IFF_VNET_HDR: the header, then the frame, in one writev(). */
static int tap_xmit_pkt(struct netif *ifp, const struct pkt *p)
{
	struct tap_dev *d = ifp->priv;
	uint8_t hb[VNET_HDR_LEN];
	struct vnet_hdr h;
	struct iovec iov[2];
	ssize_t n;

	if (!d->vnet) {
		pkt_csum_complete(p->data, p->len, &p->off);
		return tap_xmit(ifp, p->data, p->len);
	}
	vnet_hdr_from_offload(&p->off, p->data, p->len, &h);
	vnet_hdr_write(hb, &h);
	iov[0].iov_base = hb;
	iov[0].iov_len = sizeof(hb);
	iov[1].iov_base = p->data;
	iov[1].iov_len = p->len;
	n = writev(d->fd, iov, 2);
	if (n < 0)
		return -errno; /* netif_xmit counts -EAGAIN as a full queue */
	return 0;
}

static void tap_close(struct netif *ifp)
{
	struct tap_dev *d = ifp->priv;

	if (d->watch)
		engine_loop_unwatch(d->watch);
	/* A device we made without TUNSETPERSIST disappears with the fd. */
	close(d->fd);
	if (d->created)
		log_info("%s: %s", ifp->name,
			 d->persist ? "left in place (--persist)" : "removed");
	free(d);
}

static const struct netdev_ops tap_ops = {
	.xmit = tap_xmit,
	.xmit_pkt = tap_xmit_pkt,
	.close = tap_close,
};

/*
 * The virtio-net header of a received frame into p->off; false (and @p
 * dropped) when it contradicts the frame.
 */
static bool rx_offload(struct netif *ifp, struct pkt *p, const uint8_t *hb)
{
	struct engine *eng = ifp->eng;
	struct vnet_hdr h;

	vnet_hdr_read(hb, &h);
	if (vnet_hdr_to_offload(&h, p->data, p->len, &p->off) == 0)
		return true;
	ifp->stats.rx_packets++;
	ifp->stats.rx_bytes += p->len;
	p->ifp = ifp;
	p->rx_frame = p->data;
	p->rx_len = p->len;
	pkt_drop(eng, p, &eng->stats.eth.EthInErrors, "bad virtio-net header");
	return false;
}

static void tap_readable(void *arg, int events)
{
	struct netif *ifp = arg;
	struct tap_dev *d = ifp->priv;
	struct engine *eng = ifp->eng;

	if (events < 0)
		return;
	for (int i = 0; i < TAP_RX_BURST; i++) {
		/* One byte more than we accept, to see a frame too long. */
		struct pkt *p = pkt_alloc(d->rx_room + 1);
		uint8_t hb[VNET_HDR_LEN];
		struct iovec iov[2];
		ssize_t n;

		if (!p)
			return;
		iov[0].iov_base = hb;
		iov[0].iov_len = sizeof(hb);
		iov[1].iov_base = p->data;
		iov[1].iov_len = d->rx_room + 1;
		if (d->vnet) {
			n = readv(d->fd, iov, 2);
			if (n > 0 && n < VNET_HDR_LEN) {
				n = 0; /* no whole header: treat as an error */
				errno = EIO;
			} else if (n > 0) {
				n -= VNET_HDR_LEN;
			}
		} else {
			n = read(d->fd, p->data, d->rx_room + 1);
		}
		if (n <= 0) {
			int err = n < 0 ? errno : EIO;

			pkt_free(p);
			if (err != EAGAIN && err != EINTR &&
			    log_ratelimit_ok(&d->last_err_log, eng->now,
					     1000000))
				log_warn("%s: read: %s", ifp->name,
					 strerror(err));
			return;
		}
		pkt_put(p, (size_t)n);
		if ((size_t)n > d->rx_room) {
			ifp->stats.rx_packets++;
			ifp->stats.rx_bytes += (size_t)n;
			p->ifp = ifp;
			p->rx_frame = p->data;
			p->rx_len = p->len;
			pkt_drop(eng, p, &eng->stats.eth.EthInTooLong,
				 "longer than the MTU");
			continue;
		}
		if (d->vnet && !rx_offload(ifp, p, hb))
			continue;
		netif_input(ifp, p);
	}
}

/**
 * netdev_offload_str() - @offload (NETIF_OFF_*) as "csum,tso4,tso6", or
 * "off"; written to @buf
 */
const char *netdev_offload_str(uint32_t offload, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", offload & NETIF_OFF_CSUM ? "csum" : "",
		 offload & NETIF_OFF_TSO4 ? ",tso4" : "",
		 offload & NETIF_OFF_TSO6 ? ",tso6" : "");
	if (!buf[0])
		snprintf(buf, len, "off");
	return buf;
}

/*
 * Ask the kernel for checksum offload and TSO on @fd (opened with
 * IFF_VNET_HDR); return the NETIF_OFF_* granted.  A kernel that refuses
 * leaves plain frames behind the (then empty) header: logged, not fatal.
 */
static uint32_t offload_setup(int fd, const char *name)
{
	int hsz = VNET_HDR_LEN;

	if (ioctl(fd, TUNSETVNETHDRSZ, &hsz) < 0) {
		log_warn("%s: TUNSETVNETHDRSZ: %s; offloads off", name,
			 strerror(errno));
		return 0;
	}
	if (ioctl(fd, TUNSETOFFLOAD,
		  (unsigned long)(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)) == 0)
		return NETIF_OFF_CSUM | NETIF_OFF_TSO4 | NETIF_OFF_TSO6;
	if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)TUN_F_CSUM) == 0) {
		log_warn("%s: TUNSETOFFLOAD TSO: %s; checksum offload only",
			 name, strerror(errno));
		return NETIF_OFF_CSUM;
	}
	log_warn("%s: TUNSETOFFLOAD: %s; offloads off", name, strerror(errno));
	return 0;
}

/* ioctl on an AF_INET socket in our namespace, for interface settings. */
static int if_ioctl(unsigned long req, struct ifreq *ifr)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = 0;

	if (s < 0)
		return -errno;
	if (ioctl(s, req, ifr) < 0)
		rc = -errno;
	close(s);
	return rc;
}

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

/* Set MTU, kernel-side MAC and IFF_UP; read back the MTU in use. */
static int configure(const struct tap_opts *o, uint32_t *mtu, char *err,
		     size_t errlen)
{
	struct ifreq ifr;
	int rc;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o->name);
	if (o->mtu) {
		ifr.ifr_mtu = (int)o->mtu;
		rc = if_ioctl(SIOCSIFMTU, &ifr);
		if (rc)
			return fail(err, errlen, rc,
				    "%s: cannot set MTU %u: %s", o->name,
				    o->mtu, strerror(-rc));
	}
	rc = if_ioctl(SIOCGIFMTU, &ifr);
	if (rc)
		return fail(err, errlen, rc, "%s: cannot read MTU: %s", o->name,
			    strerror(-rc));
	*mtu = (uint32_t)ifr.ifr_mtu;
	if (o->peer_mac) {
		ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
		memcpy(ifr.ifr_hwaddr.sa_data, o->peer_mac->b, MAC_LEN);
		rc = if_ioctl(SIOCSIFHWADDR, &ifr);
		if (rc)
			return fail(err, errlen, rc,
				    "%s: cannot set the kernel side's MAC: %s",
				    o->name, strerror(-rc));
	}
	rc = if_ioctl(SIOCGIFFLAGS, &ifr);
	if (!rc) {
		ifr.ifr_flags |= IFF_UP;
		rc = if_ioctl(SIOCSIFFLAGS, &ifr);
	}
	if (rc)
		return fail(err, errlen, rc, "%s: cannot bring the link up: %s",
			    o->name, strerror(-rc));
	return 0;
}

/**
 * netdev_tap_open() - attach to (or create) a TAP/TUN device and add it to
 * @eng as an interface that is up and polled by the loop
 * @out: the new interface
 * @err: on failure, one line saying what and why
 *
 * Return: 0; -ENODEV when the device is missing and @o->create is false;
 * -EINVAL for a bad name or a device of the other kind; -EACCES/-EPERM
 * without the rights to /dev/net/tun; -EBUSY when another process holds
 * it; other -errno.
 */
int netdev_tap_open(struct engine *eng, const struct tap_opts *o,
		    struct netif **out, char *err, size_t errlen)
{
	struct tap_dev *d = NULL;
	struct netif *ifp;
	struct ifreq ifr;
	bool exists;
	uint32_t mtu = 0;
	int fd, rc;

	if (strlen(o->name) == 0 || strlen(o->name) >= IFNAMSIZ)
		return fail(err, errlen, -EINVAL,
			    "'%s' is not a valid interface name", o->name);
	exists = if_nametoindex(o->name) != 0;
	if (!exists && !o->create)
		return fail(err, errlen, -ENODEV,
			    "%s: no such device (add --create to make it)",
			    o->name);
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, -errno, "cannot open /dev/net/tun: %s",
			    strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o->name);
	ifr.ifr_flags = (short)((o->kind == NETIF_TUN ? IFF_TUN : IFF_TAP) |
				IFF_NO_PI | (o->no_offload ? 0 : IFF_VNET_HDR));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		rc = -errno;
		if (rc == -EINVAL && exists)
			fail(err, errlen, rc,
			     "%s: exists but is not a %s device", o->name,
			     o->kind == NETIF_TUN ? "TUN" : "TAP");
		else
			fail(err, errlen, rc, "%s: cannot attach: %s", o->name,
			     strerror(-rc));
		goto out_fd;
	}
	if (!exists && o->persist && ioctl(fd, TUNSETPERSIST, 1) < 0) {
		rc = fail(err, errlen, -errno, "%s: cannot make it persist: %s",
			  o->name, strerror(errno));
		goto out_fd;
	}
	rc = configure(o, &mtu, err, errlen);
	if (rc)
		goto out_persist;
	d = calloc(1, sizeof(*d));
	ifp = d ? netif_new(eng, o->name, o->kind, &tap_ops, d) : NULL;
	if (!ifp) {
		rc = fail(err, errlen, -ENOMEM, "%s: out of memory", o->name);
		goto out_persist;
	}
	d->fd = fd;
	d->created = !exists;
	d->persist = o->persist;
	d->vnet = !o->no_offload;
	if (d->vnet)
		ifp->offload = offload_setup(fd, o->name);
	else
		/* The device keeps the offload features an earlier user set;
		 * without a header to say so, the kernel would still hand us
		 * super-segments and partial checksums. */
		ioctl(fd, TUNSETOFFLOAD, 0UL);
	/* A TAP frame carries the MTU plus an Ethernet header and maybe a
	 * VLAN tag; a TUN packet is the MTU.  With TSO the kernel sends
	 * super-segments: a whole 64 KiB datagram. */
	d->rx_room = (ifp->offload & (NETIF_OFF_TSO4 | NETIF_OFF_TSO6)
			      ? NETIF_GSO_MAX
			      : mtu) +
		     (o->kind == NETIF_TAP ? ETH_HLEN + 4 : 0);
	ifp->mtu = mtu;
	if (o->kind == NETIF_TAP) {
		if (o->mac)
			ifp->mac = *o->mac;
		else
			mac_random_local(&ifp->mac);
	}
	ifp->up = true;
	rc = engine_loop_watch(eng, fd, LOOP_READABLE, tap_readable, ifp,
			       &d->watch);
	if (rc) {
		fail(err, errlen, rc, "%s: cannot poll: %s", o->name,
		     strerror(-rc));
		netif_remove(ifp); /* closes fd, frees d */
		return rc;
	}
	*out = ifp;
	return 0;
out_persist:
	/* Undo --persist so closing the fd removes what we created. */
	if (!exists && o->persist)
		ioctl(fd, TUNSETPERSIST, 0);
	free(d);
out_fd:
	close(fd);
	return rc;
}

/** netdev_tap_created() - @ifp's device was created by this engine. */
bool netdev_tap_created(const struct netif *ifp)
{
	return ifp->ops == &tap_ops && ((struct tap_dev *)ifp->priv)->created;
}
