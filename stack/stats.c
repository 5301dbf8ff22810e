// SPDX-License-Identifier: MIT
/*
 * stats.c - the table of every counter, for nsctl and tests
 */
#include "stats.h"

/* offsetof() needs the bare member path: no parentheses possible. */
#define DESC(sub, name) { #name, offsetof(struct stats, sub.name) }, // NOLINT
#define ETH_DESC(name) DESC(eth, name)
#define IP_DESC(name) DESC(ip, name)
#define ICMP_DESC(name) DESC(icmp, name)
#define UDP_DESC(name) DESC(udp, name)
#define TCP_DESC(name) DESC(tcp, name)
#define ARP_DESC(name) DESC(arp, name)
#define DHCP4_DESC(name) DESC(dhcp4, name)
#define DHCP6_DESC(name) DESC(dhcp6, name)
#define IP6_DESC(name) DESC(ip6, name)
#define ICMP6_DESC(name) DESC(icmp6, name)
#define UDP6_DESC(name) DESC(udp6, name)

const struct stat_desc stat_descs[] = {
	ETH_STATS(ETH_DESC) IP_STATS(IP_DESC) ICMP_STATS(ICMP_DESC)
		UDP_STATS(UDP_DESC) TCP_STATS(TCP_DESC) ARP_STATS(ARP_DESC)
			DHCP4_STATS(DHCP4_DESC) DHCP6_STATS(DHCP6_DESC)
				IP6_STATS(IP6_DESC) ICMP6_STATS(ICMP6_DESC)
					UDP6_STATS(UDP6_DESC)
};

const size_t stat_descs_count = sizeof(stat_descs) / sizeof(stat_descs[0]);
