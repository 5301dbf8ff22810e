/* SPDX-License-Identifier: MIT */
/*
 * stats.h - protocol counters, named like Linux nstat
 *
 * Each protocol's counters are listed once, in an X-macro, so the struct,
 * the JSON output of `nsctl stats` and the tests all agree on the names.
 * Field names are the nstat names themselves (IpInReceives, UdpNoPorts) so
 * that what the engine counts and what `nstat` shows for the kernel can be
 * compared line by line.  Every dropped packet bumps exactly one counter
 * that says why.  Counters whose names have no Linux equivalent follow the
 * same Proto + In/Out + What pattern.
 */
#ifndef NSSTACK_STATS_H
#define NSSTACK_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Link layer: frames that never reached a protocol. */
#define ETH_STATS(X)                                                           \
	X(EthInFrames) /* frames read from the device */                       \
	X(EthInOctets)                                                         \
	X(EthInErrors)	      /* malformed L2 header */                        \
	X(EthInOtherHost)     /* unicast to another MAC */                     \
	X(EthInMcastFiltered) /* multicast group we have not joined */         \
	X(EthInSnapFrames)    /* 802.3 LLC/SNAP frames accepted */             \
	X(EthInLlcDrops)      /* 802.3 LLC without SNAP, or SNAP not OUI 0 */  \
	X(EthInUnknownTypes)  /* EtherType no protocol handles */              \
	X(EthInVlanDrops)     /* 802.1Q-tagged frames: no VLANs configured */  \
	X(EthInTooLong)	      /* longer than the MTU allows: cut by read */    \
	X(EthInGsoFrames) /* super-segments the device handed us (GRO/TSO) */  \
	X(EthOutFrames)                                                        \
	X(EthOutGsoFrames) /* super-segments the device cuts for us (TSO) */   \
	X(EthOutOctets)                                                        \
	X(EthOutErrors)	   /* device write failed */                           \
	X(EthOutQueueFull) /* device queue full (EAGAIN): dropped */

#define IP_STATS(X)                                                            \
	X(IpInReceives)                                                        \
	X(IpInHdrErrors)                                                       \
	X(IpInCsumErrors)                                                      \
	X(IpInTruncatedPkts)                                                   \
	X(IpInAddrErrors)                                                      \
	X(IpInUnknownProtos)                                                   \
	X(IpInDiscards)                                                        \
	X(IpInSrcRouteDrops) /* LSRR/SSRR options: dropped like Linux */       \
	X(IpInMartians)	     /* impossible source addresses */                 \
	X(IpInDelivers)                                                        \
	X(IpInBcastPkts)                                                       \
	X(IpInMcastPkts)                                                       \
	X(IpInOctets)                                                          \
	X(IpOutRequests)                                                       \
	X(IpOutDiscards)                                                       \
	X(IpOutNoRoutes)                                                       \
	X(IpOutOctets)                                                         \
	X(IpReasmTimeout)                                                      \
	X(IpReasmReqds)                                                        \
	X(IpReasmOKs)                                                          \
	X(IpReasmFails)                                                        \
	X(IpReasmOverlaps)                                                     \
	X(IpReasmDuplicates) /* exact copies of a held fragment */             \
	X(IpInBadFrags)	     /* non-last fragment not a multiple of 8 */       \
	X(IpFragOKs)                                                           \
	X(IpFragFails)                                                         \
	X(IpFragCreates)

#define ICMP_STATS(X)                                                          \
	X(IcmpInMsgs)                                                          \
	X(IcmpInErrors)                                                        \
	X(IcmpInCsumErrors)                                                    \
	X(IcmpInDestUnreachs)                                                  \
	X(IcmpInTimeExcds)                                                     \
	X(IcmpInParmProbs)                                                     \
	X(IcmpInEchos)                                                         \
	X(IcmpInEchoReps)                                                      \
	X(IcmpInOther)	      /* types the engine does not handle */           \
	X(IcmpInEchoIgnored)  /* icmp_echo_ignore_all */                       \
	X(IcmpInBcastIgnored) /* echo to a broadcast: Linux ignores it */      \
	X(IcmpOutMsgs)                                                         \
	X(IcmpOutErrors)                                                       \
	X(IcmpOutRateLimitGlobal)                                              \
	X(IcmpOutRateLimitHost)                                                \
	X(IcmpOutDestUnreachs)                                                 \
	X(IcmpOutTimeExcds)                                                    \
	X(IcmpOutParmProbs)                                                    \
	X(IcmpOutEchos)                                                        \
	X(IcmpOutEchoReps)

#define UDP_STATS(X)                                                           \
	X(UdpInDatagrams)                                                      \
	X(UdpNoPorts)                                                          \
	X(UdpInErrors)                                                         \
	X(UdpInCsumErrors)                                                     \
	X(UdpRcvbufErrors)                                                     \
	X(UdpOutDatagrams)                                                     \
	X(UdpSndbufErrors)

/* TCP (RFC 9293): MIB-II names, then TcpExt, then one per drop reason. */
#define TCP_STATS(X)                                                           \
	X(TcpActiveOpens)                                                      \
	X(TcpPassiveOpens)                                                     \
	X(TcpAttemptFails)                                                     \
	X(TcpEstabResets)                                                      \
	X(TcpCurrEstab)                                                        \
	X(TcpInSegs)                                                           \
	X(TcpOutSegs)                                                          \
	X(TcpRetransSegs)                                                      \
	X(TcpInErrs) /* malformed header */                                    \
	X(TcpInCsumErrors)                                                     \
	X(TcpOutRsts)                                                          \
	X(TcpExtTCPSackRecovery)                                               \
	X(TcpExtTCPRenoRecovery)                                               \
	X(TcpExtTCPTimeouts)                                                   \
	X(TcpExtTCPFastRetrans)                                                \
	X(TcpExtTCPLossProbes)                                                 \
	X(TcpExtTCPLossProbeRecovery)                                          \
	X(TcpExtTCPLostRetransmit)                                             \
	X(TcpExtSyncookiesSent)                                                \
	X(TcpExtSyncookiesRecv)                                                \
	X(TcpExtSyncookiesFailed)                                              \
	X(TcpExtTCPChallengeACK)                                               \
	X(TcpExtTCPSYNChallenge)                                               \
	X(TcpExtTCPACKSkippedChallenge) /* challenge ACK rate-limited */       \
	X(TcpExtPAWSEstab)                                                     \
	X(TcpExtListenOverflows)                                               \
	X(TcpExtListenDrops)                                                   \
	X(TcpExtTCPAbortOnData)                                                \
	X(TcpExtTCPAbortOnClose)                                               \
	X(TcpExtTCPAbortOnLinger)                                              \
	X(TcpExtTCPAbortOnTimeout)                                             \
	X(TcpExtTCPTimeWaitReuse) /* RFC 6191 */                               \
	X(TcpExtTW)		  /* TIME-WAIT ended by its timer */           \
	X(TcpExtDelayedACKs)                                                   \
	X(TcpExtTCPSACKReneging)                                               \
	X(TcpExtTCPDSACKRecv)                                                  \
	X(TcpExtTCPDSACKUndo)                                                  \
	X(TcpExtTCPFullUndo)                                                   \
	X(TcpExtTCPLossUndo)                                                   \
	X(TcpExtTCPDSACKOldSent)                                               \
	X(TcpExtTCPOFOQueue)                                                   \
	X(TcpExtTCPOFODrop)                                                    \
	X(TcpExtTCPRcvQDrop) /* drop: no memory for in-window data */          \
	X(TcpExtTCPWinProbe)                                                   \
	X(TcpExtTCPKeepAlive)                                                  \
	X(TcpExtTCPSynRetrans)                                                 \
	X(TcpInNoSocket)      /* drop: no connection or listener; RST sent */  \
	X(TcpInBadSeq)	      /* drop: unacceptable sequence number */         \
	X(TcpInBadAck)	      /* drop: ACK of nothing sent */                  \
	X(TcpInBadFlags)      /* drop: no ACK, or SYN+RST and the like */      \
	X(TcpInRstDrop)	      /* drop: RST outside the window */               \
	X(TcpInStateDrop)     /* drop: nothing to do in this state */          \
	X(TcpInRcvbufDrop)    /* drop: no room for the data */                 \
	X(TcpInBroadcastDrop) /* drop: to or from broadcast/multicast */

#define ARP_STATS(X)                                                           \
	X(ArpInRequests)                                                       \
	X(ArpInReplies)                                                        \
	X(ArpInErrors)	    /* malformed, or not Ethernet/IPv4 */              \
	X(ArpInOtherTarget) /* requests for addresses we do not hold */        \
	X(ArpInMartians)    /* sender address that cannot be a neighbour */    \
	X(ArpOutRequests)                                                      \
	X(ArpOutReplies)                                                       \
	X(ArpOutProbes)                                                        \
	X(ArpOutAnnounces)                                                     \
	X(ArpConflicts) /* RFC 5227: another host uses our address */          \
	X(ArpDefends)                                                          \
	X(NeighUnresolvedDiscards) /* queue full or resolution failed */       \
	X(NeighTableOverflows)

/* The DHCPv4 client (dhcp4_client.c); no Linux equivalent. */
#define DHCP4_STATS(X)                                                         \
	X(Dhcp4OutDiscovers)                                                   \
	X(Dhcp4InOffers)                                                       \
	X(Dhcp4OutRequests)                                                    \
	X(Dhcp4InAcks)                                                         \
	X(Dhcp4InNaks)                                                         \
	X(Dhcp4OutDeclines)                                                    \
	X(Dhcp4OutReleases)                                                    \
	X(Dhcp4InErrors)  /* malformed, or a required option missing */        \
	X(Dhcp4InIgnored) /* wrong xid/chaddr, unexpected, not for us */       \
	X(Dhcp4Renews)	  /* RENEWING entered at T1 */                         \
	X(Dhcp4Rebinds)	  /* REBINDING entered at T2 */                        \
	X(Dhcp4LeaseExpired)
/* The DHCPv6 client (dhcp6_client.c, RFC 8415); no Linux equivalent.
 * Every received message bumps exactly one In counter: its type when it
 * was taken, else the reason it was dropped. */
#define DHCP6_STATS(X)                                                         \
	X(Dhcp6OutSolicits)                                                    \
	X(Dhcp6OutRequests)                                                    \
	X(Dhcp6OutRenews)                                                      \
	X(Dhcp6OutRebinds)                                                     \
	X(Dhcp6OutInfoRequests)                                                \
	X(Dhcp6OutDeclines)                                                    \
	X(Dhcp6OutReleases)                                                    \
	X(Dhcp6OutErrors) /* could not build or send */                        \
	X(Dhcp6InAdvertises)                                                   \
	X(Dhcp6InReplies)                                                      \
	X(Dhcp6InErrors)      /* malformed, or a required option missing */    \
	X(Dhcp6InBadXid)      /* no exchange with this transaction id */       \
	X(Dhcp6InBadClientId) /* Client Identifier absent or not ours */       \
	X(Dhcp6InBadServerId) /* not the server this exchange talks to */      \
	X(Dhcp6InUnexpected)  /* a type the client does not take, or port */   \
	X(Dhcp6InStatusFail)  /* answer with a failure status code */          \
	X(Dhcp6InNoAddrs)    /* ADVERTISE or REPLY without a usable address */ \
	X(Dhcp6Renews)	     /* RENEW entered at T1 */                         \
	X(Dhcp6Rebinds)	     /* REBIND entered at T2 */                        \
	X(Dhcp6LeaseExpired) /* valid lifetimes over, addresses removed */     \
	X(Dhcp6DadDeclines)  /* a leased address failed DAD */
/* IPv6 (RFC 8200): Linux's Ip6* names; extras follow the same pattern. */
#define IP6_STATS(X)                                                           \
	X(Ip6InReceives)                                                       \
	X(Ip6InHdrErrors)                                                      \
	X(Ip6InTooBigErrors)                                                   \
	X(Ip6InNoRoutes)                                                       \
	X(Ip6InAddrErrors)                                                     \
	X(Ip6InUnknownProtos)                                                  \
	X(Ip6InTruncatedPkts)                                                  \
	X(Ip6InDiscards)                                                       \
	X(Ip6InDelivers)                                                       \
	X(Ip6InRtHdr0Drops) /* RFC 5095: Routing type 0 */                     \
	X(Ip6InOptionDrops) /* RFC 8200 4.2: unknown option says drop */       \
	X(Ip6InMartians)    /* multicast or own source */                      \
	X(Ip6InMcastPkts)                                                      \
	X(Ip6InOctets)                                                         \
	X(Ip6OutRequests)                                                      \
	X(Ip6OutDiscards)                                                      \
	X(Ip6OutNoRoutes)                                                      \
	X(Ip6OutMcastPkts)                                                     \
	X(Ip6OutOctets)                                                        \
	X(Ip6ReasmTimeout)                                                     \
	X(Ip6ReasmReqds)                                                       \
	X(Ip6ReasmOKs)                                                         \
	X(Ip6ReasmFails)                                                       \
	X(Ip6ReasmOverlaps)	 /* RFC 5722: the datagram is dropped */       \
	X(Ip6ReasmIncomplete1st) /* RFC 7112 5: chain not in fragment 0 */     \
	X(Ip6InBadFrags)	 /* non-last fragment not a multiple of 8 */   \
	X(Ip6AtomicFrags)	 /* RFC 6946: offset 0, M 0 */                 \
	X(Ip6FragOKs)                                                          \
	X(Ip6FragFails)                                                        \
	X(Ip6FragCreates)

#define ICMP6_STATS(X)                                                         \
	X(Icmp6InMsgs)                                                         \
	X(Icmp6InErrors) /* malformed ICMPv6 messages */                       \
	X(Icmp6InCsumErrors)                                                   \
	X(Icmp6InDestUnreachs)                                                 \
	X(Icmp6InPktTooBigs)                                                   \
	X(Icmp6InTimeExcds)                                                    \
	X(Icmp6InParmProblems)                                                 \
	X(Icmp6InEchos)                                                        \
	X(Icmp6InEchoReplies)                                                  \
	X(Icmp6InRouterSolicits)                                               \
	X(Icmp6InRouterAdvertisements)                                         \
	X(Icmp6InNeighborSolicits)                                             \
	X(Icmp6InNeighborAdvertisements)                                       \
	X(Icmp6InRedirects)                                                    \
	X(Icmp6InMLDQueries)                                                   \
	X(Icmp6InMLDReports)                                                   \
	X(Icmp6InOther)	    /* types the engine does not handle */             \
	X(Icmp6InNdInvalid) /* RFC 4861 validity checks failed */              \
	X(Icmp6InNdIgnored) /* valid ND the host ignores (RA off, not ours) */ \
	X(Icmp6InNdBadOpts) /* RFC 4191 3.1: a Route Information ignored */    \
	X(Icmp6OutMsgs)                                                        \
	X(Icmp6OutErrors)                                                      \
	X(Icmp6OutRateLimit)	 /* RFC 4443 2.4 (f) token bucket empty */     \
	X(Icmp6OutErrSuppressed) /* RFC 4443 2.4 (e): no error for this */     \
	X(Icmp6OutDestUnreachs)                                                \
	X(Icmp6OutPktTooBigs)                                                  \
	X(Icmp6OutTimeExcds)                                                   \
	X(Icmp6OutParmProblems)                                                \
	X(Icmp6OutEchoReplies)                                                 \
	X(Icmp6OutRouterSolicits)                                              \
	X(Icmp6OutNeighborSolicits)                                            \
	X(Icmp6OutNeighborAdvertisements)                                      \
	X(Icmp6OutMLDv2Reports)                                                \
	X(Icmp6DadFailures) /* RFC 4862 5.4.5: duplicate address */

#define UDP6_STATS(X)                                                          \
	X(Udp6InDatagrams)                                                     \
	X(Udp6NoPorts)                                                         \
	X(Udp6InErrors)                                                        \
	X(Udp6InCsumErrors) /* bad or zero checksum (RFC 8200 8.1) */          \
	X(Udp6RcvbufErrors)                                                    \
	X(Udp6OutDatagrams)

#define STAT_FIELD(name) uint64_t name;

struct eth_stats {
	ETH_STATS(STAT_FIELD)
};
struct ip_stats {
	IP_STATS(STAT_FIELD)
};
struct icmp_stats {
	ICMP_STATS(STAT_FIELD)
};
struct udp_stats {
	UDP_STATS(STAT_FIELD)
};
struct tcp_stats {
	TCP_STATS(STAT_FIELD)
};
struct arp_stats {
	ARP_STATS(STAT_FIELD)
};
struct dhcp4_stats {
	DHCP4_STATS(STAT_FIELD)
};
struct dhcp6_stats {
	DHCP6_STATS(STAT_FIELD)
};

struct ip6_stats {
	IP6_STATS(STAT_FIELD)
};
struct icmp6_stats {
	ICMP6_STATS(STAT_FIELD)
};
struct udp6_stats {
	UDP6_STATS(STAT_FIELD)
};

struct stats {
	struct eth_stats eth;
	struct ip_stats ip;
	struct icmp_stats icmp;
	struct udp_stats udp;
	struct tcp_stats tcp;
	struct arp_stats arp;
	struct dhcp4_stats dhcp4;
	struct dhcp6_stats dhcp6;
	struct ip6_stats ip6;
	struct icmp6_stats icmp6;
	struct udp6_stats udp6;
};

/* One row per counter, for output: name and offset into struct stats. */
struct stat_desc {
	const char *name;
	size_t offset;
};

extern const struct stat_desc stat_descs[];
extern const size_t stat_descs_count;

static inline uint64_t stat_get(const struct stats *s,
				const struct stat_desc *d)
{
	return *(const uint64_t *)(const void *)((const char *)s + d->offset);
}

#endif /* NSSTACK_STATS_H */
