/* SPDX-License-Identifier: MIT */
/*
 * ipv6.h - the engine's IPv6: per-interface addresses, input, output,
 * source selection, the FIB (route6.c), reassembly (ipv6_frag.c), ICMPv6
 * (icmp6.c), Neighbor Discovery (nd6.c) and SLAAC (slaac.c)
 *
 * All IPv6 state of an engine hangs off one struct ip6_state (eng->ip6),
 * so the shared engine and interface structs only gain one pointer.
 */
#ifndef NSSTACK_IPV6_H
#define NSSTACK_IPV6_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "timer.h"
#include "wire/addr.h"
#include "wire/ipv6.h"

struct engine;
struct netif;
struct pkt;
struct json_object;

#define IP6_DEFAULT_HOPLIMIT 64 /* Linux net.ipv6.conf.*.hop_limit */
#define IP6_MIN_MTU 1280	/* RFC 8200 5 */
#define IP6_MAX_ADDRS 64	/* addresses over all interfaces */
#define IP6_MAX_GROUPS 64	/* joined multicast groups */
#define IP6_MAX_ROUTES 128
#define IP6_MAX_PMTU 64
#define IP6_MAX_FRAGQ 64	      /* datagrams under reassembly */
#define IP6_REASM_TIMEOUT 60000000ull /* RFC 8200 4.5: 60 s */
#define IP6_PMTU_EXPIRES 600000000ull /* RFC 8201 4: 10 min, as Linux */
#define IP6_LIFETIME_INF UINT64_MAX

enum addr6_state {
	ADDR6_TENTATIVE,  /* RFC 4862 5.4: DAD running, not usable */
	ADDR6_OPTIMISTIC, /* RFC 4429: DAD running, usable with care */
	ADDR6_PREFERRED,  /* usable */
	ADDR6_DEPRECATED, /* RFC 4862 5.5.4: valid, not for new flows */
	ADDR6_DUPLICATE,  /* RFC 4862 5.4.5: DAD failed, never used */
};

/* How an address came to be. */
#define IFA6_F_STATIC 0x01    /* --addr or nsctl */
#define IFA6_F_LINKLOCAL 0x02 /* fe80::/64 formed at start */
#define IFA6_F_AUTOCONF 0x04  /* SLAAC from a Prefix Information option */
#define IFA6_F_TEMPORARY 0x08 /* RFC 8981 temporary address (with AUTOCONF) */
#define IFA6_F_DHCP6 0x10     /* leased by the DHCPv6 client (IA_NA) */

/*
 * struct ifaddr6 - one IPv6 address of an interface
 * @valid_until, @preferred_until: µs on the engine clock, or
 *	IP6_LIFETIME_INF (RFC 4862 5.5.4)
 * @dad_ns_left: DAD Neighbor Solicitations still to send (RFC 4862 5.4.2)
 * @dad_counter: the DAD_Counter of RFC 7217 5, bumped on each conflict
 */
struct ifaddr6 {
	struct engine *eng;
	int ifindex;
	struct ip6_addr addr;
	uint8_t prefixlen;
	enum addr6_state state;
	unsigned int flags;
	uint64_t valid_until;
	uint64_t preferred_until;
	uint8_t dad_ns_left;
	uint8_t dad_counter;
	bool regen_done;    /* RFC 8981 3.5: the successor exists */
	struct timer timer; /* DAD steps and lifetime ends */
};

/* A joined multicast group; solicited-node and all-nodes are implicit. */
struct ip6_group {
	int ifindex;
	struct ip6_addr grp;
	unsigned int users;
	struct timer report_timer; /* mld.c: delayed report */
	uint8_t reports_left;	   /* mld.c: unsolicited repeats */
	struct engine *eng;
};

enum route6_proto { RT6_KERNEL, RT6_STATIC, RT6_RA, RT6_REDIRECT };

/*
 * struct route6 - one FIB entry
 * @gw: the next hop, :: for on-link
 * @pref: RFC 4191 router preference as a signed rank (-1 low, 0, 1 high)
 * @expires: µs, or IP6_LIFETIME_INF
 */
struct route6 {
	struct ip6_addr prefix;
	uint8_t len;
	struct ip6_addr gw;
	int ifindex;
	enum route6_proto proto;
	int pref;
	uint64_t expires;
};

struct route6_result {
	int ifindex;
	struct ip6_addr nexthop; /* the gateway, or the destination itself */
};

struct pmtu6 {
	struct ip6_addr dst;
	uint32_t mtu;
	uint64_t expires;
};

struct frag6q; /* ipv6_frag.c */

/* Per-interface ND and SLAAC state (one per netif, by index). */
struct nd6_if {
	int ifindex;
	bool used;
	bool slaac;	       /* --slaac: process RAs, autoconfigure */
	uint8_t rs_sent;       /* RFC 4861 6.3.7 */
	uint64_t rs_interval;  /* µs: the last RFC 7559 interval */
	bool rs_done;	       /* an RA arrived, or MAX_RTR_SOLICITATIONS */
	uint32_t mtu;	       /* RA MTU option; 0: the link's */
	uint8_t cur_hop_limit; /* RA Cur Hop Limit; 0: default */
	struct ip6_addr rdnss[3];
	unsigned int nrdnss;
	uint64_t rdnss_expires;
	struct timer rs_timer;
	struct engine *eng;
	/* mld.c: RFC 3810 8.2.1 Older Version Querier Present timer */
	uint64_t mldv1_until;
};

#define IP6_MAX_IFS 8

struct ip6_state {
	struct engine *eng;
	struct ifaddr6 *addrs[IP6_MAX_ADDRS];
	size_t naddrs;
	struct ip6_group *groups[IP6_MAX_GROUPS];
	size_t ngroups;
	struct route6 routes[IP6_MAX_ROUTES];
	size_t nroutes;
	struct timer route_timer; /* expiry of RA routes */
	struct pmtu6 pmtu[IP6_MAX_PMTU];
	struct frag6q *fragq; /* ipv6_frag.c */
	size_t nfragq;
	struct nd6_if ifs[IP6_MAX_IFS];
	/* icmp6.c: RFC 4443 2.4 (f) token bucket */
	uint64_t icmp_stamp;
	uint32_t icmp_tokens;
	bool optimistic_dad; /* RFC 4429 for SLAAC addresses */
	bool tempaddr;	     /* RFC 8981 temporary addresses (--tempaddr) */
};

/*
 * struct ip6_out - what ipv6_output() needs besides the payload
 * @src: all-zero to let the engine choose (RFC 6724)
 * @oif: the interface for link-local and multicast destinations, 0 to pick
 * @hop_limit: 0 for the default (or the RA's Cur Hop Limit)
 * @dontfrag: refuse to fragment (-EMSGSIZE) like IPV6_DONTFRAG
 * @allow_unspec_src: send from :: (DAD, RFC 4862 5.4.2; MLD before an
 *	address)
 * @tclass, @flow_label: the header's Traffic Class and Flow Label (RFC
 *	8200 7, RFC 6437), 0 if unset
 */
struct ip6_out {
	struct ip6_addr src;
	struct ip6_addr dst;
	uint8_t proto;
	uint8_t hop_limit;
	uint8_t tclass;
	uint32_t flow_label;
	int oif;
	bool dontfrag;
	bool allow_unspec_src;
	bool router_alert; /* a Hop-by-Hop Router Alert (MLD, RFC 3810 5) */
};

/* ipv6.c */
int ip6_init(struct engine *eng);
void ip6_fini(struct engine *eng);
void ip6_netif_down(struct netif *ifp);
void ipv6_input(struct netif *ifp, struct pkt *p);
int ipv6_output(struct engine *eng, struct pkt *p, const struct ip6_out *o);
int ipv6_output_dev(struct netif *ifp, struct pkt *p, const struct ip6_out *o,
		    const struct mac_addr *mac);
int ip6_select_src(struct engine *eng, int oif, const struct ip6_addr *dst,
		   struct ip6_addr *src);
struct ifaddr6 *ip6_addr_find(struct engine *eng, int ifindex,
			      const struct ip6_addr *a);
bool ip6_addr_is_local(struct engine *eng, const struct ip6_addr *a);
int ip6_addr_add(struct netif *ifp, const struct ip6_addr *a, uint8_t plen,
		 unsigned int flags, uint32_t valid_s, uint32_t pref_s);
int ip6_addr_del(struct engine *eng, int ifindex, const struct ip6_addr *a);
void ip6_addr_free(struct engine *eng, struct ifaddr6 *ia);
int ip6_mc_join(struct netif *ifp, const struct ip6_addr *grp);
int ip6_mc_leave(struct netif *ifp, const struct ip6_addr *grp);
bool ip6_mc_joined(struct engine *eng, int ifindex, const struct ip6_addr *grp);
bool ip6_mc_mac_accepted(const struct netif *ifp, const struct mac_addr *m);
void ip6_solicited_node(const struct ip6_addr *a, struct ip6_addr *sn);
void ip6_mc_mac(const struct ip6_addr *grp, struct mac_addr *m);
const char *ip6_str(const struct ip6_addr *a, char *buf);
struct nd6_if *nd6_if_get(struct engine *eng, int ifindex);
int ip6_enable(struct netif *ifp, bool slaac);
void ip6_addr_list(struct engine *eng, const struct netif *ifp,
		   struct json_object *arr);

/* Address classes (RFC 4291 2.4). */
static inline bool ip6_is_unspec(const struct ip6_addr *a)
{
	static const struct ip6_addr z;

	return ip6_eq(a, &z);
}

static inline bool ip6_is_linklocal(const struct ip6_addr *a)
{
	return a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80;
}

static inline bool ip6_is_loopback(const struct ip6_addr *a)
{
	static const struct ip6_addr lo = { { [15] = 1 } };

	return ip6_eq(a, &lo);
}

static inline bool ip6_is_v4mapped(const struct ip6_addr *a)
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a->b, pfx, 12) == 0;
}

/* Multicast scope (RFC 4291 2.7): 1 interface-local, 2 link-local. */
static inline unsigned int ip6_mc_scope(const struct ip6_addr *a)
{
	return a->b[1] & 0x0f;
}

bool ip6_prefix_match(const struct ip6_addr *a, const struct ip6_addr *b,
		      unsigned int len);
unsigned int ip6_common_prefix(const struct ip6_addr *a,
			       const struct ip6_addr *b);

extern const struct ip6_addr ip6_all_nodes;   /* ff02::1 */
extern const struct ip6_addr ip6_all_routers; /* ff02::2 */
extern const struct ip6_addr ip6_all_mldv2;   /* ff02::16 */

/* route6.c */
int route6_add(struct engine *eng, const struct route6 *r);
int route6_del(struct engine *eng, const struct ip6_addr *prefix, uint8_t len,
	       const struct ip6_addr *gw, int ifindex);
int route6_lookup(struct engine *eng, const struct ip6_addr *dst, int oif,
		  struct route6_result *res);
void route6_flush_dev(struct engine *eng, int ifindex);
bool route6_onlink(struct engine *eng, int ifindex, const struct ip6_addr *a);
uint32_t route6_mtu(struct engine *eng, struct netif *ifp,
		    const struct ip6_addr *dst);
void route6_pmtu_update(struct engine *eng, const struct ip6_addr *dst,
			uint32_t mtu);
void route6_timer_fire(struct timer *t);
void route6_list(struct engine *eng, struct json_object *arr);

/* ipv6_frag.c */
struct pkt *ipv6_frag_input(struct engine *eng, struct pkt *p,
			    const struct ip6_view *v);
struct pktq;
int ipv6_fragment(struct engine *eng, const struct ip6_view *v,
		  const uint8_t *payload, size_t len, uint32_t mtu,
		  struct pktq *out);
void frag6_fini(struct engine *eng);
uint32_t ip6_frag_ident(struct engine *eng, const struct ip6_addr *src,
			const struct ip6_addr *dst);

#endif /* NSSTACK_IPV6_H */
