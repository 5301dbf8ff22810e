/* SPDX-License-Identifier: MIT */
/*
 * sysctl.h - tunables, named and defaulted like Linux's net.ipv4.*
 *
 * Times are in milliseconds as in /proc/sys, unless the name says otherwise.
 */
#ifndef NSSTACK_SYSCTL_H
#define NSSTACK_SYSCTL_H

#include <stdint.h>

struct sysctl {
	/* net.ipv4 */
	uint32_t ip_default_ttl;       /* 64 */
	uint32_t ipfrag_time_ms;       /* 30000 */
	uint32_t ipfrag_high_thresh;   /* bytes held for reassembly: 4 MiB */
	uint32_t ipfrag_max_dist;      /* 64 */
	uint32_t icmp_ratelimit_ms;    /* 1000 */
	uint32_t icmp_ratemask;	       /* 0x1818 */
	uint32_t icmp_msgs_per_sec;    /* 1000 */
	uint32_t icmp_msgs_burst;      /* 50 */
	uint32_t icmp_echo_ignore_all; /* 0 */
	uint32_t ip_local_port_first;  /* 32768 */
	uint32_t ip_local_port_last;   /* 60999 */
	uint32_t ip_no_pmtu_disc;      /* 0 */
	uint32_t mtu_expires_ms;       /* 600000 */
	uint32_t udp_rmem_default;     /* 212992 */
	/* net.ipv4.neigh.default */
	uint32_t neigh_base_reachable_ms;    /* 30000 */
	uint32_t neigh_retrans_ms;	     /* 1000 */
	uint32_t neigh_delay_first_probe_ms; /* 5000 */
	uint32_t neigh_ucast_solicit;	     /* 3 */
	uint32_t neigh_mcast_solicit;	     /* 3 */
	uint32_t neigh_unres_qlen;	     /* 101 packets */
	uint32_t neigh_gc_stale_ms;	     /* 60000 */
	uint32_t neigh_gc_thresh3;	     /* 1024 entries */
	uint32_t arp_acd;		     /* 1: RFC 5227 probing on add */
};

void sysctl_defaults(struct sysctl *s);

#endif /* NSSTACK_SYSCTL_H */
