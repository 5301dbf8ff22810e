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
	X(EthOutFrames)                                                        \
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
	X(TcpExtTCPDSACKOldSent)                                               \
	X(TcpExtTCPOFOQueue)                                                   \
	X(TcpExtTCPOFODrop)                                                    \
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

struct stats {
	struct eth_stats eth;
	struct ip_stats ip;
	struct icmp_stats icmp;
	struct udp_stats udp;
	struct tcp_stats tcp;
	struct arp_stats arp;
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
