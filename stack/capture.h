/* SPDX-License-Identifier: MIT */
/*
 * capture.h - packet capture to a pcapng file
 *
 * Every frame received and sent is written as it crosses the device;
 * frames the engine drops are written a second time, at the drop, with a
 * frame comment "dropped: <reason>" (tshark: frame.comment) and the
 * inbound direction flag, so `tshark -Y frame.comment` lists every drop.
 */
#ifndef NSSTACK_CAPTURE_H
#define NSSTACK_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of each frame kept; longer frames keep their original length. */
#define CAPTURE_SNAPLEN 65535

struct capture;
struct netif;

enum capture_dir { CAPTURE_IN, CAPTURE_OUT };

int capture_open(struct capture **out, const char *path);
void capture_close(struct capture *cap);
void capture_frame(struct capture *cap, struct netif *ifp, enum capture_dir dir,
		   const uint8_t *frame, size_t len);
void capture_drop(struct capture *cap, struct netif *ifp, const uint8_t *frame,
		  size_t len, const char *reason);
int capture_flush(struct capture *cap);
bool capture_dirty(const struct capture *cap);
const char *capture_path(const struct capture *cap);
uint64_t capture_frames(const struct capture *cap);

#endif /* NSSTACK_CAPTURE_H */
