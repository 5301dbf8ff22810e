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
		.tcp_syn_retries = 6,
		.tcp_synack_retries = 5,
		.tcp_retries2 = 15,
		.tcp_fin_timeout_ms = 60000,
		.tcp_tw_timeout_ms = 60000,
		.tcp_keepalive_time_ms = 7200000,
		.tcp_keepalive_intvl_ms = 75000,
		.tcp_keepalive_probes = 9,
		.tcp_sack = 1,
		.tcp_timestamps = 1,
		.tcp_window_scaling = 1,
		.tcp_syncookies = 1,
		.tcp_recovery = 1,
		.tcp_max_syn_backlog = 256,
		.tcp_rmem = { 4096, 131072, 6291456 },
		.tcp_wmem = { 4096, 16384, 4194304 },
		.tcp_challenge_ack_limit = 1000,
		.tcp_delack_ms = 40,
		.tcp_base_mss = 1024,
		.tcp_rto_min_ms = 200,
		.tcp_tw_reuse = 1,
		.tcp_stdurg = 0,
		.tcp_congestion_control = "cubic",
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
