# SPDX-License-Identifier: MIT
"""malformed.py - inject malformed frames at the engine from the kernel side.

Usage: malformed.py IFACE ENGINE_MAC
Prints one line per class: "<class> <count>", the number of frames sent, so
the test can compare each with the engine's counters.
"""

import sys

from scapy.all import ARP, ICMP, IP, UDP, Ether, Raw, conf, sendp

conf.verb = 0
iface, emac = sys.argv[1], sys.argv[2]
kmac = open("/sys/class/net/%s/address" % iface).read().strip()
src, dst = "192.0.2.1", "192.0.2.2"
# Raw payloads need the type spelled out: scapy's default for Raw is 0x9000.
eth = Ether(src=kmac, dst=emac, type=0x0800)


def send(name, frames):
    sendp(frames, iface=iface)
    print(name, len(frames))


ok_ping = eth / IP(src=src, dst=dst) / ICMP(id=7, seq=1) / b"ok"

# Bad IPv4 header checksums.
send("ip_csum", [eth / IP(src=src, dst=dst, chksum=0x1234) / ICMP()] * 20)
# IHL below 5.
raw = bytearray(bytes(ok_ping[IP]))
raw[0] = 0x44
send("ip_ihl", [eth / Raw(bytes(raw))] * 20)
# Total length beyond the frame.
raw = bytearray(bytes(ok_ping[IP]))
raw[2:4] = (1400).to_bytes(2, "big")
send("ip_totlen", [eth / Raw(bytes(raw))] * 20)
# Truncated IPv4 header (10 bytes).
send("ip_short", [eth / Raw(bytes(ok_ping[IP])[:10])] * 20)
# Bad ICMP checksum.
send("icmp_csum", [eth / IP(src=src, dst=dst) / ICMP(chksum=0x4321) / b"x"] * 20)
# Bad UDP checksum to the echo service.
send("udp_csum", [eth / IP(src=src, dst=dst) / UDP(sport=5000, dport=7, chksum=0x1111) / b"x"] * 20)
# UDP length larger than the datagram.
send("udp_len", [eth / IP(src=src, dst=dst) / UDP(sport=5000, dport=7, len=300) / b"x"] * 20)
# Truncated ARP.
send("arp_short", [Ether(src=kmac, dst="ff:ff:ff:ff:ff:ff", type=0x0806) /
                   Raw(bytes(ARP(psrc=src, pdst=dst))[:12])] * 20)
# Unknown EtherType.
send("eth_type", [Ether(src=kmac, dst=emac, type=0x88b5) / Raw(b"\0" * 46)] * 20)
# Overlapping fragments (RFC 5722 spirit: the datagram is dropped).
frags = []
for i in range(20):
    p = bytes(UDP(sport=5000, dport=7) / (b"A" * 64))
    frags.append(eth / IP(src=src, dst=dst, id=1000 + i, flags="MF", frag=0, proto=17) / Raw(p[:48]))
    frags.append(eth / IP(src=src, dst=dst, id=1000 + i, frag=2, proto=17) / Raw(p[16:]))
send("frag_overlap", frags)
# Fragment offset + length past 65535.
send("frag_overflow", [eth / IP(src=src, dst=dst, id=3000 + i, frag=8190, proto=17) /
                       Raw(b"B" * 200) for i in range(20)])
# Fragment flood: 5000 first fragments that never complete.
send("frag_flood", [eth / IP(src=src, dst=dst, id=10000 + i, flags="MF", proto=17) /
                    Raw(b"C" * 1000) for i in range(5000)])
