/* SPDX-License-Identifier: MIT */
/*
 * tcp_offload.h - TCP segments for devices that checksum and segment
 * (TSO): how large, and how to mark them
 */
#ifndef NSSTACK_TCP_OFFLOAD_H
#define NSSTACK_TCP_OFFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct engine;
struct pkt;
struct tcb;
struct tcp_key;

uint32_t tcp_tso_max(struct tcb *tcb);
bool tcp_offload_csum(struct engine *eng, const struct tcp_key *k);
void tcp_offload_mark(struct pkt *p, uint8_t *th, size_t payload_len,
		      uint16_t mss, bool v6);

#endif /* NSSTACK_TCP_OFFLOAD_H */
