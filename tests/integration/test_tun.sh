#!/bin/bash
# SPDX-License-Identifier: MIT
# test_tun.sh - the engine on a TUN device (bare IP, no link layer): ping,
# fragmented ping and UDP echo, and a capture with the raw-IP link type.
. "$(dirname "$0")/lib.sh"
nst_require_root
nst_require ping tshark
nst_setup
nst_tap_up tun
nst_engine_start --tun --addr "$ENGINE4/24" --service echo:7
nst_wait_valid "$ENGINE4"

out=$(nsx ping -c 20 -i 0.05 -W 1 "$ENGINE4")
echo "$out" | grep -q "20 packets transmitted, 20 received" || nst_fail "ping: $out"
out=$(nsx ping -c 3 -s 8000 -W 1 "$ENGINE4")
echo "$out" | grep -q "3 packets transmitted, 3 received" ||
	nst_fail "ping -s 8000: $out"
nsx /usr/bin/python3 "$(dirname "$0")/udp_client.py" echo "$ENGINE4" 7 200 8000 ||
	nst_fail "udp echo over tun"
((($(nst_stat ArpOutRequests)) == 0)) || nst_fail "ARP sent on a TUN device"

nst_engine_stop
nst_pcap_clean "$NST_PCAP"
tshark -r "$NST_PCAP" -T fields -e frame.encap_type 2>/dev/null | sort -u |
	grep -qx 7 || nst_fail "capture link type is not raw IP"
echo "ok: tun ping 20/20, 8000-byte 3/3, udp echo 200"
