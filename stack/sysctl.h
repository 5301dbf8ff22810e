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
	/* net.ipv4.tcp_* */
	uint32_t tcp_syn_retries;    /* 6 */
	uint32_t tcp_synack_retries; /* 5 */
	uint32_t tcp_retries2;	     /* 15 */
	uint32_t tcp_fin_timeout_ms; /* 60000 */
	uint32_t tcp_tw_timeout_ms;  /* 60000: 2MSL, Linux TCP_TIMEWAIT_LEN */
	uint32_t tcp_keepalive_time_ms;	 /* 7200000 */
	uint32_t tcp_keepalive_intvl_ms; /* 75000 */
	uint32_t tcp_keepalive_probes;	 /* 9 */
	uint32_t tcp_sack;		 /* 1 */
	uint32_t tcp_timestamps;	 /* 1 */
	uint32_t tcp_window_scaling;	 /* 1 */
	uint32_t tcp_syncookies; /* 1: once SYN queue = backlog; 2: always */
	uint32_t tcp_recovery;	 /* 1: bit 0 = RACK-TLP (RFC 8985), as Linux */
	uint32_t tcp_max_syn_backlog; /* without cookies: 3/4 of it per listener */
	uint32_t tcp_rmem[3];	      /* 4096 131072 6291456 */
	uint32_t tcp_wmem[3];	      /* 4096 16384 4194304 */
	uint32_t tcp_challenge_ack_limit; /* 1000 per second */
	uint32_t tcp_delack_ms;		  /* 40: Linux TCP_DELACK_MIN */
	uint32_t tcp_base_mss;		  /* 1024 */
	uint32_t tcp_rto_min_ms;	  /* 200 */
	uint32_t tcp_tw_reuse;		  /* 1: RFC 6191 for incoming SYNs */
	uint32_t tcp_stdurg; /* 0: the urgent pointer points past the byte */
	char tcp_congestion_control[16]; /* "cubic" */
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

struct engine;
/* sysctl_ctl.c: `nsctl sysctl` */
int sysctl_ctl_init(struct engine *eng);

#endif /* NSSTACK_SYSCTL_H */
