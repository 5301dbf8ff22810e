#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""mcast_recv.py GROUP PORT IFADDR N TIMEOUT - join GROUP on the interface
with address IFADDR (IP_ADD_MEMBERSHIP), print "joined", then print each of
N datagrams received on PORT, one per line; exit 1 if TIMEOUT seconds pass
first.  Under libnsshim.so the socket is an engine socket, so the join is
the engine's (IGMPv3 report on the wire)."""
import socket
import struct
import sys

group, port, ifaddr = sys.argv[1], int(sys.argv[2]), sys.argv[3]
n, timeout = int(sys.argv[4]), float(sys.argv[5])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", port))
mreq = struct.pack("4s4s", socket.inet_aton(group), socket.inet_aton(ifaddr))
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
print("joined", flush=True)
s.settimeout(timeout)
for _ in range(n):
    try:
        data, (src, _sport) = s.recvfrom(2048)
    except socket.timeout:
        print("timeout", flush=True)
        sys.exit(1)
    print(src, data.decode(), flush=True)
s.setsockopt(socket.IPPROTO_IP, socket.IP_DROP_MEMBERSHIP, mreq)
print("left", flush=True)
