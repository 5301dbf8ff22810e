#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# impair.py - a user-space netem: bridge two interfaces through AF_PACKET
# sockets, dropping, delaying, reordering and duplicating frames in both
# directions.  For kernels without sch_netem (as on this testbed).
#   impair.py IF_A IF_B --loss 5 --delay 10 --reorder 10 --duplicate 1
# Reordered frames skip the delay (netem's "reorder": sent at once).
# An interface named tap:NAME is a TAP device this program attaches to
# (ip tuntap add ... first): reading its fd yields frames the kernel sent
# already segmented and checksummed, which a veth's AF_PACKET socket does
# not (GSO super-frames, CHECKSUM_PARTIAL) when ethtool is not around.
import argparse
import fcntl
import heapq
import os
import struct
import random
import select
import socket
import time

PACKET_OUTGOING = 4
TUNSETIFF = 0x400454ca
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000


class Tap:
    """A TAP fd with the socket calls the loop uses."""

    def __init__(self, name):
        self.fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
        fcntl.ioctl(self.fd, TUNSETIFF,
                    struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))

    def fileno(self):
        return self.fd

    def recvfrom(self, n):
        try:
            return os.read(self.fd, n), ("", 0, 0)
        except BlockingIOError:
            raise

    def send(self, b):
        return os.write(self.fd, b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--loss", type=float, default=0)
    ap.add_argument("--delay", type=float, default=0)  # ms
    ap.add_argument("--reorder", type=float, default=0)
    ap.add_argument("--duplicate", type=float, default=0)
    ap.add_argument("--seed", type=int, default=1)
    o = ap.parse_args()
    rnd = random.Random(o.seed)
    socks = {}
    for name in (o.a, o.b):
        if name.startswith("tap:"):
            socks[name] = Tap(name[4:])
            continue
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                          socket.htons(3))  # ETH_P_ALL
        s.bind((name, 0))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
        s.setblocking(False)
        socks[name] = s
    peer = {socks[o.a]: socks[o.b], socks[o.b]: socks[o.a]}
    queue = []  # (due, seq, out socket, frame)
    seq = 0
    while True:
        now = time.monotonic()
        timeout = max(0, queue[0][0] - now) if queue else 1.0
        r, _, _ = select.select(list(peer), [], [], timeout)
        for s in r:
            for _ in range(256):
                try:
                    frame, addr = s.recvfrom(65536)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue
                if rnd.random() * 100 < o.loss:
                    continue
                copies = 2 if rnd.random() * 100 < o.duplicate else 1
                for _ in range(copies):
                    d = o.delay / 1000
                    if rnd.random() * 100 < o.reorder:
                        d = 0
                    seq += 1
                    heapq.heappush(queue, (time.monotonic() + d, seq,
                                           peer[s], frame))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, out, frame = heapq.heappop(queue)
            try:
                out.send(frame)
            except OSError:
                pass


if __name__ == "__main__":
    main()
