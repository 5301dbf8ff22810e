/* SPDX-License-Identifier: MIT */
/*
 * fake_tcp6.h - the IPv6 variant of fake_tcp.h: the fake engine's fk0 gets
 * 2001:db8:1::2/64 besides 192.0.2.2, the peer is 2001:db8:1::1; segments
 * travel in IPv6 frames, checksummed over the IPv6 pseudo-header
 */
#ifndef NSSTACK_FAKE_TCP6_H
#define NSSTACK_FAKE_TCP6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fake_tcp.h"
#include "ipv6.h"
#include "wire/ipv6.h"

extern const struct ip6_addr ft6_us, ft6_peer;

/* A segment the engine sent over IPv6. */
struct ft6_seg {
	struct pkt *p;
	struct ip6_view ip;
	struct tcp_view th;
};

void ft6_setup(void);
void ft6_teardown(void);
bool ft6_pop(struct ft6_seg *s);
bool ft6_recv(struct ft_peer *pp, struct ft6_seg *s);
void ft6_free(struct ft6_seg *s);
size_t ft6_drain(void);
void ft6_rx(const struct ip6_addr *src, const struct ip6_addr *dst, uint8_t nh,
	    const uint8_t *pl, size_t len);
void ft6_send_raw(const struct ft_peer *pp, uint32_t seq, uint32_t ack,
		  uint16_t flags, const struct tcp_opts *o, const void *data,
		  size_t len);
void ft6_send(struct ft_peer *pp, uint16_t flags, const void *data, size_t len);
struct tcb *ft6_listen(uint16_t port, int backlog, bool v6only);
struct tcb *ft6_passive(struct ft_peer *pp, struct tcb *ln,
			const struct tcp_opts *syn);
struct tcb *ft6_active(struct ft_peer *pp, const struct tcp_opts *synack);

#endif /* NSSTACK_FAKE_TCP6_H */
