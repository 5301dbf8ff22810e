// SPDX-License-Identifier: MIT
/*
 * lwip_peer.c - lwIP on a TAP serving echo, discard and chargen: the lwIP
 * peer of bench/run.sh
 *
 * Theory of operation
 *
 *   lwip_peer TAP ADDR/PREFIX
 *
 * bench/run.sh compares nsstack with the stacks a user would pick instead.
 * lwIP is a library, not a program, so this harness gives it a TAP and the
 * same services the engine runs for the S topology (--service
 * echo:7,discard:9,chargen:19): the kernel-side clients that measure S
 * (udprr rr, udprr icmp, tcp_bulk.py) are pointed at it unchanged.
 *
 *   echo (RFC 862)     TCP and UDP port 7: every byte back, TCP_NODELAY
 *   discard (RFC 863)  TCP port 9: read and drop; close after the peer's FIN
 *   chargen (RFC 864)  TCP port 19: send RFC 864 lines until the peer
 *                      closes or resets
 *   ICMP echo          lwIP answers it itself
 *
 * It uses lwIP as Debian's liblwip-dev ships it (2.1.3, the Unix port
 * built with an OS: NO_SYS 0, a tcpip thread, core locking) but not the
 * port's tapif driver, which corrupts the heap: that library's
 * pbuf_alloc(PBUF_RAW, 1514, PBUF_POOL) returns a single 1514-byte pbuf
 * in a 616-byte pool element, and tapif receives every frame into such a
 * pbuf (valgrind: "invalid write ... 0 bytes after a block of size 616"
 * in pbuf_take from tapif's thread; glibc aborts on the first 1 KiB echo).
 * So the TAP driver is here, and receives into PBUF_RAM pbufs of the
 * frame's exact size:
 *
 *   main thread   poll()s the TAP and a signalfd; reads every frame that
 *                 is ready and hands it to ethernet_input() with the tcpip
 *                 core lock held (what tcpip_input() would do with
 *                 LWIP_TCPIP_CORE_LOCKING_INPUT, without a thread hop)
 *   tcpip thread  lwIP's timers (retransmission, delayed ACK)
 *
 * Every raw API callback below runs with the core lock held, from one of
 * those two threads, so they never race.  Frames go out through
 * tap_output(), also under the lock.  MTU 1500, the same as the S link.
 *
 * SIGINT and SIGTERM are blocked before lwIP starts its thread (which
 * inherits the mask) and read from the signalfd; then the process exits
 * and the kernel closes the TAP.  Nothing is printed but one line once the
 * services listen, and errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "lwip/etharp.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"
#include "lwip/udp.h"
#include "netif/ethernet.h"

/* An Ethernet frame without FCS, with room for one VLAN tag. */
#define FRAME_MAX 1518
/* Frames read from the TAP per poll() wake-up, at most. */
#define RX_BURST 64

enum service {
	SVC_ECHO,
	SVC_DISCARD,
	SVC_CHARGEN,
};

/* A listener's callback argument: its service (lwIP wants a pointer). */
static enum service listener_svc[] = { SVC_ECHO, SVC_DISCARD, SVC_CHARGEN };

/* One accepted TCP connection; freed by conn_close() or conn_err(). */
struct conn {
	struct tcp_pcb *pcb;
	enum service svc;
	struct pbuf *pending; /* echo: received, not yet queued to send */
	size_t chargen_off;   /* chargen: next byte of chargen_block */
	bool peer_fin;	      /* the peer has closed its sending side */
};

/*
 * RFC 864's pattern: 95 lines of 72 printable characters, each starting
 * one character later than the one before, CR LF after each; a whole
 * cycle, so chargen sends it over and over from a static buffer that
 * tcp_write() may reference without copying.
 */
#define CHARGEN_LINE 72
#define CHARGEN_CHARS 95
static char chargen_block[CHARGEN_CHARS * (CHARGEN_LINE + 2)];

/* Echo copies through here; only the tcpip thread uses it. */
static uint8_t echo_buf[TCP_MSS * 4];

static struct netif tap_netif;
static int tap_fd = -1;
/* tap_output() builds frames here; only the core lock's holder uses it. */
static uint8_t tx_frame[FRAME_MAX];

static void chargen_init(void)
{
	char *p = chargen_block;

	for (int l = 0; l < CHARGEN_CHARS; l++) {
		for (int i = 0; i < CHARGEN_LINE; i++)
			*p++ = (char)(' ' + (l + i) % CHARGEN_CHARS);
		*p++ = '\r';
		*p++ = '\n';
	}
}

/**
 * conn_close() - close a connection and free its state
 * @c: the connection
 *
 * Return: ERR_OK, or ERR_ABRT when the close failed for lack of memory
 * and the pcb was aborted instead; a callback returns that value to lwIP
 * as it is, since an aborted pcb must not be touched again.
 */
static err_t conn_close(struct conn *c)
{
	struct tcp_pcb *pcb = c->pcb;
	err_t err = ERR_OK;

	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	if (tcp_close(pcb) != ERR_OK) {
		tcp_abort(pcb);
		err = ERR_ABRT;
	}
	if (c->pending)
		pbuf_free(c->pending);
	free(c);
	return err;
}

/**
 * echo_flush() - queue as much of the pending echo data as lwIP takes
 * @c: an echo connection
 *
 * The receive window opens by what was queued, not by what arrived, so a
 * client that does not read its echo is slowed down instead of growing
 * c->pending without bound.  Closes the connection once the peer's FIN
 * has arrived and everything has been queued.
 *
 * Return: as conn_close(), or ERR_OK.
 */
static err_t echo_flush(struct conn *c)
{
	uint32_t queued = 0;

	while (c->pending) {
		u16_t n = c->pending->tot_len;

		if (n == 0) {
			pbuf_free(c->pending);
			c->pending = NULL;
			break;
		}
		if (n > tcp_sndbuf(c->pcb))
			n = tcp_sndbuf(c->pcb);
		if (n > sizeof(echo_buf))
			n = (u16_t)sizeof(echo_buf);
		if (n == 0)
			break;
		pbuf_copy_partial(c->pending, echo_buf, n, 0);
		if (tcp_write(c->pcb, echo_buf, n, TCP_WRITE_FLAG_COPY) !=
		    ERR_OK)
			break; /* queue full: tcp_sent() calls us again */
		c->pending = pbuf_free_header(c->pending, n);
		queued += n;
	}
	while (queued > 0) {
		u16_t n = queued > 0xffff ? 0xffff : (u16_t)queued;

		tcp_recved(c->pcb, n);
		queued -= n;
	}
	tcp_output(c->pcb);
	if (c->peer_fin && !c->pending)
		return conn_close(c);
	return ERR_OK;
}

/**
 * chargen_fill() - queue chargen lines until lwIP's send buffer is full
 * @c: a chargen connection
 */
static void chargen_fill(struct conn *c)
{
	bool queued = false;

	for (;;) {
		size_t n = sizeof(chargen_block) - c->chargen_off;

		if (n > tcp_sndbuf(c->pcb))
			n = tcp_sndbuf(c->pcb);
		if (n == 0)
			break;
		if (tcp_write(c->pcb, chargen_block + c->chargen_off, (u16_t)n,
			      TCP_WRITE_FLAG_MORE) != ERR_OK)
			break; /* segment queue full: tcp_sent() calls again */
		c->chargen_off = (c->chargen_off + n) % sizeof(chargen_block);
		queued = true;
	}
	if (queued)
		tcp_output(c->pcb);
}

static err_t conn_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p,
		       err_t err)
{
	struct conn *c = arg;

	if (!p) {
		/* The peer's FIN: echo what is left, then close. */
		c->peer_fin = true;
		if (c->svc == SVC_ECHO)
			return echo_flush(c);
		return conn_close(c);
	}
	if (err != ERR_OK) {
		/* lwIP 2.1 always passes ERR_OK with data; be safe anyway. */
		pbuf_free(p);
		return ERR_OK;
	}
	switch (c->svc) {
	case SVC_ECHO:
		if (c->pending)
			pbuf_cat(c->pending, p);
		else
			c->pending = p;
		return echo_flush(c);
	case SVC_DISCARD:
	case SVC_CHARGEN:
		/* Discard drops everything; chargen ignores what it is sent. */
		tcp_recved(pcb, p->tot_len);
		pbuf_free(p);
		return ERR_OK;
	}
	pbuf_free(p);
	return ERR_OK;
}

static err_t conn_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct conn *c = arg;

	(void)pcb;
	(void)len;
	switch (c->svc) {
	case SVC_ECHO:
		return echo_flush(c);
	case SVC_CHARGEN:
		chargen_fill(c);
		return ERR_OK;
	case SVC_DISCARD:
		return ERR_OK;
	}
	return ERR_OK;
}

/* A reset or a fatal error: lwIP has already freed the pcb. */
static void conn_err(void *arg, err_t err)
{
	struct conn *c = arg;

	(void)err;
	if (!c)
		return;
	if (c->pending)
		pbuf_free(c->pending);
	free(c);
}

/* The listener's callback argument points into listener_svc[]. */
static err_t conn_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct conn *c;

	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	c = calloc(1, sizeof(*c));
	if (!c) {
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	c->pcb = pcb;
	c->svc = *(const enum service *)arg;
	tcp_arg(pcb, c);
	tcp_recv(pcb, conn_recv);
	tcp_sent(pcb, conn_sent);
	tcp_err(pcb, conn_err);
	/* Echo answers each request at once, as the engine's service does. */
	tcp_nagle_disable(pcb);
	if (c->svc == SVC_CHARGEN)
		chargen_fill(c);
	return ERR_OK;
}

static void udp_echo_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p,
			  const ip_addr_t *addr, u16_t port)
{
	(void)arg;
	udp_sendto(pcb, p, addr, port);
	pbuf_free(p);
}

/**
 * tap_open() - attach to an existing TAP
 * @name: its name
 *
 * Return: a non-blocking fd, or -1 after printing why.
 */
static int tap_open(const char *name)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		perror("lwip_peer: /dev/net/tun");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (strlen(name) >= sizeof(ifr.ifr_name)) {
		fprintf(stderr, "lwip_peer: TAP name too long: %s\n", name);
		close(fd);
		return -1;
	}
	strcpy(ifr.ifr_name, name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		fprintf(stderr, "lwip_peer: TUNSETIFF %s: %s\n", name,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* netif linkoutput: one frame to the TAP (lwIP may hand us a chain). */
static err_t tap_output(struct netif *netif, struct pbuf *p)
{
	(void)netif;
	if (p->tot_len > sizeof(tx_frame))
		return ERR_IF;
	pbuf_copy_partial(p, tx_frame, p->tot_len, 0);
	/* A full TAP queue drops the frame, as a wire would; TCP resends. */
	if (write(tap_fd, tx_frame, p->tot_len) != (ssize_t)p->tot_len)
		return ERR_IF;
	return ERR_OK;
}

/* netif init: Ethernet with ARP, a locally administered MAC. */
static err_t tap_netif_init(struct netif *netif)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x53, 0x12 };

	netif->name[0] = 't';
	netif->name[1] = 'p';
	netif->output = etharp_output;
	netif->linkoutput = tap_output;
	netif->mtu = 1500;
	netif->hwaddr_len = sizeof(mac);
	memcpy(netif->hwaddr, mac, sizeof(mac));
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP |
		       NETIF_FLAG_ETHERNET;
	return ERR_OK;
}

/**
 * tap_input() - feed lwIP every frame the TAP has ready
 *
 * Return: 0, or -1 when the TAP failed.
 */
static int tap_input(void)
{
	uint8_t frame[FRAME_MAX];
	int rc = 0;

	LOCK_TCPIP_CORE();
	for (int i = 0; i < RX_BURST; i++) {
		ssize_t n = read(tap_fd, frame, sizeof(frame));
		struct pbuf *p;

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR) {
				perror("lwip_peer: read TAP");
				rc = -1;
			}
			break;
		}
		p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_RAM);
		if (!p)
			continue; /* out of memory: a dropped frame */
		pbuf_take(p, frame, (u16_t)n);
		if (tap_netif.input(p, &tap_netif) != ERR_OK)
			pbuf_free(p);
	}
	UNLOCK_TCPIP_CORE();
	return rc;
}

/**
 * listen_on() - a TCP listener for one service
 * @port: its port
 * @svc: the service
 *
 * Return: 0, or -1 after printing why.
 */
static int listen_on(u16_t port, enum service svc)
{
	struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
	struct tcp_pcb *lpcb;
	err_t err;

	if (!pcb)
		goto fail;
	err = tcp_bind(pcb, IP4_ADDR_ANY, port);
	if (err != ERR_OK) {
		tcp_abort(pcb);
		goto fail;
	}
	lpcb = tcp_listen_with_backlog_and_err(pcb, TCP_DEFAULT_LISTEN_BACKLOG,
					       &err);
	if (!lpcb) {
		tcp_abort(pcb);
		goto fail;
	}
	tcp_arg(lpcb, &listener_svc[svc]);
	tcp_accept(lpcb, conn_accept);
	return 0;
fail:
	fprintf(stderr, "lwip_peer: cannot listen on TCP port %u\n", port);
	return -1;
}

/**
 * services_start() - the TAP's netif and every service
 * @addr: the netif's IPv4 address
 * @mask: its netmask
 *
 * Runs with the tcpip core lock held.
 *
 * Return: 0, or -1 after printing why.
 */
static int services_start(const ip4_addr_t *addr, const ip4_addr_t *mask)
{
	struct udp_pcb *upcb;

	if (!netif_add(&tap_netif, addr, mask, IP4_ADDR_ANY4, NULL,
		       tap_netif_init, ethernet_input)) {
		fprintf(stderr, "lwip_peer: netif_add failed\n");
		return -1;
	}
	netif_set_default(&tap_netif);
	netif_set_link_up(&tap_netif);
	netif_set_up(&tap_netif);
	if (listen_on(7, SVC_ECHO) || listen_on(9, SVC_DISCARD) ||
	    listen_on(19, SVC_CHARGEN))
		return -1;
	upcb = udp_new_ip_type(IPADDR_TYPE_V4);
	if (!upcb || udp_bind(upcb, IP4_ADDR_ANY, 7) != ERR_OK) {
		fprintf(stderr, "lwip_peer: cannot bind UDP port 7\n");
		return -1;
	}
	udp_recv(upcb, udp_echo_recv, NULL);
	return 0;
}

static void tcpip_ready(void *arg)
{
	sys_sem_signal((sys_sem_t *)arg);
}

/* "192.0.2.2/24" into an address and a netmask; 0 or -1. */
static int parse_prefix(const char *s, ip4_addr_t *addr, ip4_addr_t *mask)
{
	char buf[32];
	char *slash, *end;
	long len;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	len = strtol(slash + 1, &end, 10);
	if (*end || end == slash + 1 || len < 0 || len > 32)
		return -1;
	if (!ip4addr_aton(buf, addr))
		return -1;
	ip4_addr_set_u32(mask, lwip_htonl(len ? 0xffffffffu << (32 - len) : 0));
	return 0;
}

int main(int argc, char **argv)
{
	ip4_addr_t addr, mask;
	struct pollfd pfd[2];
	sys_sem_t ready;
	sigset_t stop;
	int rc;

	if (argc != 3 || parse_prefix(argv[2], &addr, &mask)) {
		fprintf(stderr, "usage: lwip_peer TAP ADDR/PREFIX\n");
		return 2;
	}
	chargen_init();
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	pfd[1].fd = signalfd(-1, &stop, SFD_CLOEXEC);
	pfd[1].events = POLLIN;
	tap_fd = tap_open(argv[1]);
	if (pfd[1].fd < 0 || tap_fd < 0)
		return 1;
	pfd[0].fd = tap_fd;
	pfd[0].events = POLLIN;

	if (sys_sem_new(&ready, 0) != ERR_OK) {
		fprintf(stderr, "lwip_peer: sys_sem_new failed\n");
		return 1;
	}
	tcpip_init(tcpip_ready, &ready);
	sys_sem_wait(&ready);
	sys_sem_free(&ready);

	LOCK_TCPIP_CORE();
	rc = services_start(&addr, &mask);
	UNLOCK_TCPIP_CORE();
	if (rc)
		return 1;
	printf("lwip_peer: %s %s: echo 7 (tcp, udp), discard 9, chargen 19\n",
	       argv[1], argv[2]);
	fflush(stdout);

	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			perror("lwip_peer: poll");
			return 1;
		}
		if (pfd[1].revents)
			return 0; /* SIGINT or SIGTERM */
		if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
			fprintf(stderr, "lwip_peer: TAP %s gone\n", argv[1]);
			return 1;
		}
		if (pfd[0].revents && tap_input())
			return 1;
	}
}
