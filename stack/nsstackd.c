// SPDX-License-Identifier: MIT
/*
 * nsstackd.c - the engine process: parse options, open the device, the
 * control socket and the capture, run the loop, tear down on a signal
 *
 * Exit status: 0 after SIGINT/SIGTERM; 2 for any problem found before the
 * engine runs (a bad option, a missing device, no permission, a control
 * socket in use), reported as one line on stderr; 1 for failures after
 * start-up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arp.h"
#include "capture.h"
#include "config.h"
#include "app.h"
#include "ctl.h"
#include "dhcp4_client.h"
#include "dhcp6_client.h"
#include "engine.h"
#include "engine_loop.h"
#include "l3.h"
#include "ipv6.h"
#include "log.h"
#include "netdev_tap.h"
#include "nsstack/ctl.h"

#define NSSTACK_VERSION "0.1.0"

#define EXIT_CONFIG 2

static const char *ip4_fmt(uint32_t a, char *buf)
{
	struct in_addr in = { .s_addr = htonl(a) };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

/*
 * apply_l3() - addresses, routes and services from @cfg on @ifp
 *
 * Return: 0, or -errno with a line already printed.
 */
static int apply_l3(struct engine *eng, const struct config *cfg,
		    struct netif *ifp)
{
	char a[INET_ADDRSTRLEN], a6[INET6_ADDRSTRLEN];
	int rc;

	for (size_t i = 0; i < cfg->naddr; i++) {
		rc = arp_addr_add(ifp, cfg->addr[i].addr, cfg->addr[i].len);
		if (rc) {
			fprintf(stderr, "nsstackd: --addr %s/%u: %s\n",
				ip4_fmt(cfg->addr[i].addr, a), cfg->addr[i].len,
				strerror(-rc));
			return rc;
		}
	}
	/* IPv6: the link-local address always (Ethernet), RAs with --slaac. */
	eng->ip6->tempaddr = cfg->tempaddr;
	rc = ip6_enable(ifp, cfg->slaac);
	for (size_t i = 0; !rc && i < cfg->naddr6; i++) {
		rc = ip6_addr_add(ifp, &cfg->addr6[i].addr, cfg->addr6[i].len,
				  IFA6_F_STATIC, 0xffffffffu, 0xffffffffu);
		if (rc)
			fprintf(stderr, "nsstackd: --addr %s/%u: %s\n",
				ip6_str(&cfg->addr6[i].addr, a6),
				cfg->addr6[i].len, strerror(-rc));
	}
	if (rc)
		return rc;
	if (cfg->gw) {
		rc = route4_add(eng, 0, 0, cfg->gw, ifp);
		if (rc) {
			fprintf(stderr, "nsstackd: --gw %s: %s\n",
				ip4_fmt(cfg->gw, a), strerror(-rc));
			return rc;
		}
	}
	for (size_t i = 0; i < cfg->nroute; i++) {
		const struct config_route4 *r = &cfg->route[i];

		rc = route4_add(eng, r->dst.addr, r->dst.len, r->gw, ifp);
		if (rc) {
			fprintf(stderr, "nsstackd: --route %s/%u: %s\n",
				ip4_fmt(r->dst.addr, a), r->dst.len,
				strerror(-rc));
			return rc;
		}
	}
	if (cfg->dhcp4) {
		rc = dhcp4c_start(ifp, cfg->dhcp4_lease_file[0]
					       ? cfg->dhcp4_lease_file
					       : NULL);
		if (rc) {
			fprintf(stderr, "nsstackd: --dhcp4: %s\n",
				strerror(-rc));
			return rc;
		}
	}
	if (cfg->dhcp6_duid_file[0])
		dhcp6c_set_duid_file(eng, cfg->dhcp6_duid_file);
	if (cfg->dhcp6) {
		rc = dhcp6c_start(ifp, DHCP6C_STATEFUL);
		if (rc) {
			fprintf(stderr, "nsstackd: --dhcp6: %s\n",
				strerror(-rc));
			return rc;
		}
	}
	if (cfg->services[0]) {
		rc = services_start(eng, cfg->services);
		if (rc) {
			fprintf(stderr, "nsstackd: --service %s: %s\n",
				cfg->services, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/* The start-up line: what is up, as whom, and where to reach it. */
static void print_ready(const struct netif *ifp, const char *ctl_path,
			const struct config *cfg)
{
	char a[INET_ADDRSTRLEN], off[32];

	printf("nsstackd: %s up", ifp->name);
	if (ifp->kind == NETIF_TAP)
		printf(", mac %02x:%02x:%02x:%02x:%02x:%02x", ifp->mac.b[0],
		       ifp->mac.b[1], ifp->mac.b[2], ifp->mac.b[3],
		       ifp->mac.b[4], ifp->mac.b[5]);
	printf(", mtu %u", ifp->mtu);
	printf(", offload %s",
	       netdev_offload_str(ifp->offload, off, sizeof(off)));
	for (size_t i = 0; i < ifp->naddr4; i++)
		printf(", %s/%u", ip4_fmt(ifp->addr4[i].addr, a),
		       ifp->addr4[i].prefixlen);
	printf(", control %s", ctl_path);
	if (cfg->pcap[0])
		printf(", pcap %s", cfg->pcap);
	printf("\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct engine eng;
	struct config cfg;
	struct tap_opts o = { 0 };
	struct netif *ifp;
	char ctl_path[CONFIG_PATH_MAX], err[256];
	int rc, status = EXIT_CONFIG;

	if (config_parse(argc, argv, &cfg)) {
		fprintf(stderr, "nsstackd: %s\n", cfg.err);
		return EXIT_CONFIG;
	}
	if (cfg.help) {
		config_usage(stdout);
		return 0;
	}
	if (cfg.version) {
		printf("nsstackd " NSSTACK_VERSION "\n");
		return 0;
	}
	log_level = cfg.log_level;
	if (cfg.control[0])
		snprintf(ctl_path, sizeof(ctl_path), "%s", cfg.control);
	else if (nsstack_ctl_default_path(ctl_path, sizeof(ctl_path))) {
		fprintf(stderr, "nsstackd: $XDG_RUNTIME_DIR is too long for a "
				"socket path; give --control\n");
		return EXIT_CONFIG;
	}

	rc = engine_init(&eng);
	if (!rc)
		rc = l3_init(&eng);
	if (!rc)
		rc = app_init(&eng);
	if (!rc)
		rc = engine_loop_init(&eng);
	if (rc) {
		fprintf(stderr, "nsstackd: cannot start the engine: %s\n",
			strerror(-rc));
		return 1;
	}

	o.name = cfg.dev;
	o.kind = cfg.kind;
	o.create = cfg.create;
	o.persist = cfg.persist;
	o.mtu = cfg.mtu;
	o.no_offload = cfg.no_offload;
	o.mac = cfg.have_mac ? &cfg.mac : NULL;
	o.peer_mac = cfg.have_peer_mac ? &cfg.peer_mac : NULL;
	rc = netdev_tap_open(&eng, &o, &ifp, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "nsstackd: %s\n", err);
		goto out;
	}
	if (apply_l3(&eng, &cfg, ifp))
		goto out;
	if (cfg.pcap[0]) {
		rc = capture_open(&eng.cap, cfg.pcap);
		if (rc) {
			fprintf(stderr, "nsstackd: --pcap %s: %s\n", cfg.pcap,
				strerror(-rc));
			goto out;
		}
	}
	rc = ctl_server_open(&eng, ctl_path);
	if (rc) {
		fprintf(stderr, "nsstackd: control socket %s: %s\n", ctl_path,
			rc == -EADDRINUSE ? "another engine is serving it"
					  : strerror(-rc));
		goto out;
	}
	print_ready(ifp, ctl_path, &cfg);
	engine_loop_run(&eng);
	status = 0;
	/* RFC 8415 18.2.7: RELEASE leased addresses (multicast: sent now). */
	dhcp6c_shutdown(&eng);
	/* RFC 2131 4.4.6: give the lease back on a clean shutdown, unless
	 * a lease file keeps it for the next start (dhcp4c_shutdown()). */
	if (dhcp4c_shutdown(&eng) > 0)
		engine_loop_run(&eng); /* until the DHCPRELEASE is out */
out:
	app_fini(&eng); /* before l3_fini(): apps' sockets are UDP sockets */
	ctl_server_close(&eng);
	l3_fini(&eng);
	engine_fini(&eng); /* closes devices and the capture */
	engine_loop_fini(&eng);
	return status;
}
