// SPDX-License-Identifier: MIT
/*
 * sysctl.c - Linux's defaults for every tunable
 */
#include "sysctl.h"

void sysctl_defaults(struct sysctl *s)
{
	*s = (struct sysctl){
		.ip_default_ttl = 64,
		.ipfrag_time_ms = 30000,
		.ipfrag_high_thresh = 4 * 1024 * 1024,
		.ipfrag_max_dist = 64,
		.icmp_ratelimit_ms = 1000,
		.icmp_ratemask = 0x1818,
		.icmp_msgs_per_sec = 1000,
		.icmp_msgs_burst = 50,
		.icmp_echo_ignore_all = 0,
		.ip_local_port_first = 32768,
		.ip_local_port_last = 60999,
		.ip_no_pmtu_disc = 0,
		.mtu_expires_ms = 600000,
		.udp_rmem_default = 212992,
		.neigh_base_reachable_ms = 30000,
		.neigh_retrans_ms = 1000,
		.neigh_delay_first_probe_ms = 5000,
		.neigh_ucast_solicit = 3,
		.neigh_mcast_solicit = 3,
		.neigh_unres_qlen = 101,
		.neigh_gc_stale_ms = 60000,
		.neigh_gc_thresh3 = 1024,
		.arp_acd = 1,
	};
}
