/* SPDX-License-Identifier: MIT */
/*
 * config.h - nsstackd's command line and configuration file, parsed and
 * validated before anything is opened
 *
 * The parsed form is plain data: nsstackd.c applies it (opens the device,
 * adds addresses, hands routes and services to their modules), so every
 * error is found up front and reported in one line.
 */
#ifndef NSSTACK_CONFIG_H
#define NSSTACK_CONFIG_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "log.h"
#include "netif.h"
#include "wire/addr.h"

#define CONFIG_MAX_ADDR NETIF_MAX_ADDR4
#define CONFIG_MAX_ROUTES 64
#define CONFIG_PATH_MAX 108 /* sizeof(sockaddr_un.sun_path) */

struct config_prefix4 {
	uint32_t addr; /* host order */
	uint8_t len;
};

struct config_prefix6 {
	struct ip6_addr addr;
	uint8_t len;
};

struct config_route4 {
	struct config_prefix4 dst;
	uint32_t gw; /* host order */
};

struct config {
	char dev[IFNAMSIZ]; /* --tap or --tun NAME */
	enum netif_kind kind;
	bool have_dev;
	bool create;	     /* --create: make the device if it is missing */
	bool persist;	     /* --persist: leave a created device behind */
	uint32_t mtu;	     /* 0: keep the device's MTU */
	struct mac_addr mac; /* the engine's own MAC (random if unset) */
	bool have_mac;
	struct mac_addr peer_mac; /* the kernel side's MAC on the TAP */
	bool have_peer_mac;
	bool no_offload; /* --offload off: no IFF_VNET_HDR offloads */
	struct config_prefix4 addr[CONFIG_MAX_ADDR];
	size_t naddr;
	struct config_prefix6 addr6[CONFIG_MAX_ADDR]; /* --addr with a ':' */
	size_t naddr6;
	bool slaac;    /* --slaac: RA processing and SLAAC */
	bool tempaddr; /* --tempaddr: RFC 8981 temporary addresses too */
	uint32_t gw;   /* default gateway, 0 if none */
	struct config_route4 route[CONFIG_MAX_ROUTES];
	size_t nroute;
	char control[CONFIG_PATH_MAX]; /* "" : the default path */
	char pcap[PATH_MAX];	       /* "" : no capture */
	enum log_level log_level;
	char services[256];		 /* "echo:7,discard:9"; "" : none */
	bool dhcp4;			 /* --dhcp4: run the DHCPv4 client */
	char dhcp4_lease_file[PATH_MAX]; /* "" : none */
	bool dhcp6;			 /* --dhcp6: stateful DHCPv6 at start */
	char dhcp6_duid_file[PATH_MAX];	 /* "" : DUID-LL, nothing stored */
	bool help;
	bool version;
	char err[320]; /* why config_parse() failed, one line */
};

int config_parse(int argc, char *const argv[], struct config *cfg);
int config_parse_ip4(const char *s, uint32_t *addr);
int config_parse_prefix4(const char *s, struct config_prefix4 *p);
int config_parse_prefix6(const char *s, struct config_prefix6 *p);
int config_parse_mac(const char *s, struct mac_addr *mac);
int config_check_ifname(const char *name);
int config_check_services(const char *spec);
void config_usage(FILE *out);

#endif /* NSSTACK_CONFIG_H */
