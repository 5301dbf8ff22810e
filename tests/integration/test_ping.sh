#!/bin/bash
# SPDX-License-Identifier: MIT
# test_ping.sh - the kernel pings the engine over a TAP (topology A):
# ARP resolution both ways, 20/20 echo replies, 8000-byte pings fragmented
# in both directions, a 10000-packet flood without loss, and a clean capture.
. "$(dirname "$0")/lib.sh"
nst_require_root
nst_require ping tshark
nst_setup
nst_tap_up
nst_engine_start --addr "$ENGINE4/24" --mac 02:00:5e:00:53:02
nst_wait_valid "$ENGINE4"

out=$(nsx ping -c 20 -i 0.05 -W 1 "$ENGINE4")
echo "$out" | tail -2
echo "$out" | grep -q "20 packets transmitted, 20 received" ||
	nst_fail "ping: $out"

# The kernel learned the engine's MAC through ARP.
nsx ip neigh show "$ENGINE4" dev "$NST_DEV" | grep -q "lladdr 02:00:5e:00:53:02" ||
	nst_fail "kernel neighbour: $(nsx ip neigh show dev "$NST_DEV")"
# And the engine learned the kernel's.
kmac=$(nsx cat /sys/class/net/"$NST_DEV"/address)
nsctl neigh | grep -q "$KERNEL4 .*$kmac" || nst_fail "engine neigh: $(nsctl neigh)"

# 8000 bytes: the request arrives in 6 fragments, the reply leaves in 6.
before=$(nst_stat IpReasmOKs)
out=$(nsx ping -c 5 -i 0.1 -s 8000 -W 1 "$ENGINE4")
echo "$out" | grep -q "5 packets transmitted, 5 received" ||
	nst_fail "ping -s 8000: $out"
reasm=$(($(nst_stat IpReasmOKs) - before))
((reasm == 5)) || nst_fail "IpReasmOKs grew by $reasm, want 5"
((($(nst_stat IpFragCreates)) >= 30)) || nst_fail "IpFragCreates $(nst_stat IpFragCreates)"

# Flood: 10000 echo requests, none lost.
out=$(nsx ping -f -c 10000 -W 1 "$ENGINE4")
echo "$out" | tail -2
echo "$out" | grep -q "10000 packets transmitted, 10000 received" ||
	nst_fail "ping -f: $out"
echos=$(nst_stat IcmpInEchos)
((echos >= 10025)) || nst_fail "IcmpInEchos $echos"

nst_engine_stop
nst_pcap_clean "$NST_PCAP"
n=$(tshark -r "$NST_PCAP" -Y 'icmp.type == 0 && ip.src == 192.0.2.2' 2>/dev/null | wc -l)
((n >= 10025)) || nst_fail "capture holds $n echo replies"
echo "ok: ping 20/20, 8000-byte 5/5, flood 10000/10000; $n replies captured"
