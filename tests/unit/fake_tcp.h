/* SPDX-License-Identifier: MIT */
/*
 * fake_tcp.h - the peer side of TCP unit tests: build segments with
 * tcp_emit() as 192.0.2.1 would send them, parse what the engine sent,
 * and drive handshakes to a known state.  The ft_*_af() functions do the
 * same for either family (AF_INET6: the peer of fake_tcp6.h); the others
 * are their AF_INET forms.
 */
#ifndef NSSTACK_FAKE_TCP_H
#define NSSTACK_FAKE_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fake_l3.h"
#include "tcp.h"
#include "wire/tcp.h"

#define FT_LPORT 80	  /* our (engine) port in passive tests */
#define FT_PPORT 40000	  /* the peer's port */
#define FT_PEER_ISN 1000u /* the peer's ISN */

/* The peer's view of one connection. */
struct ft_peer {
	uint16_t port;	/* peer port */
	uint16_t lport; /* engine port */
	uint32_t seq;	/* peer SND.NXT */
	uint32_t ack;	/* what the peer acknowledges */
	uint16_t win;	/* window field the peer sends */
	bool ts;	/* put timestamps on every segment */
	uint32_t tsval; /* the peer's next TSval */
	uint32_t tsecr; /* the last TSval seen from the engine */
	uint16_t up;	/* SEG.UP of the segments it sends with TCP_URG */
};

/* A segment the engine sent. */
struct ft_seg {
	struct l3_frame f;
	struct tcp_view th;
};

void ft_setup(void);
void ft_teardown(void);
void ft_syn_opts(struct tcp_opts *o);
bool ft_pop(struct ft_seg *s);
bool ft_recv(struct ft_peer *pp, struct ft_seg *s);
void ft_free(struct ft_seg *s);
size_t ft_drain_af(int af);
size_t ft_drain(void);
void ft_send_raw_af(int af, const struct ft_peer *pp, uint32_t seq,
		    uint32_t ack, uint16_t flags, const struct tcp_opts *o,
		    const void *data, size_t len);
void ft_send_raw(const struct ft_peer *pp, uint32_t seq, uint32_t ack,
		 uint16_t flags, const struct tcp_opts *o, const void *data,
		 size_t len);
void ft_send_af(int af, struct ft_peer *pp, uint16_t flags, const void *data,
		size_t len);
void ft_send(struct ft_peer *pp, uint16_t flags, const void *data, size_t len);
struct tcb *ft_listen(uint16_t port, int backlog);
void ft_syn_af(int af, struct ft_peer *pp, uint16_t lport,
	       const struct tcp_opts *syn);
void ft_syn(struct ft_peer *pp, uint16_t lport, const struct tcp_opts *syn);
struct tcb *ft_passive_af(int af, struct ft_peer *pp, struct tcb *ln,
			  const struct tcp_opts *syn);
struct tcb *ft_passive(struct ft_peer *pp, struct tcb *ln,
		       const struct tcp_opts *syn);
struct tcb *ft_connect_af(int af);
struct tcb *ft_connect(void);
void ft_answer_syn_af(int af, struct ft_peer *pp,
		      const struct tcp_opts *synack);
void ft_answer_syn(struct ft_peer *pp, const struct tcp_opts *synack);
struct tcb *ft_active_af(int af, struct ft_peer *pp,
			 const struct tcp_opts *synack);
struct tcb *ft_active(struct ft_peer *pp, const struct tcp_opts *synack);
void ft_advance_ms(uint64_t ms);

#endif /* NSSTACK_FAKE_TCP_H */
