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

# The FIB, driven by nsctl: a ping from 198.51.100.1 (a second kernel
# address, off the engine's subnet) is answered only while a route to
# 198.51.100.0/24 via the kernel exists.
nsx ip addr add 198.51.100.1/32 dev lo
nsx ping -c 2 -W 1 -I 198.51.100.1 "$ENGINE4" >/dev/null &&
	nst_fail "answered a source with no route back"
nsctl route add 198.51.100.0/24 via "$KERNEL4" dev "$NST_DEV"
nsctl route | grep -q "^198.51.100.0/24 gateway $KERNEL4 dev $NST_DEV" ||
	nst_fail "route not listed: $(nsctl route)"
out=$(nsx ping -c 3 -i 0.1 -W 1 -I 198.51.100.1 "$ENGINE4")
echo "$out" | grep -q "3 packets transmitted, 3 received" ||
	nst_fail "no reply through the static route: $out"
nsctl route del 198.51.100.0/24
nsx ping -c 2 -W 1 -I 198.51.100.1 "$ENGINE4" >/dev/null &&
	nst_fail "still answered after route del"
echo "ok: static route add/del through nsctl"

# A static neighbour entry shows as PERMANENT and goes away on del.
nsctl neigh add 192.0.2.77 lladdr 02:00:00:00:00:77 dev "$NST_DEV"
nsctl neigh | grep -q "^192.0.2.77 .*02:00:00:00:00:77 .*PERMANENT" ||
	nst_fail "static neighbour: $(nsctl neigh)"
nsctl neigh del 192.0.2.77 dev "$NST_DEV"
nsctl neigh | grep -q "^192.0.2.77 " && nst_fail "neigh del left it"

# sysctl through nsctl: the replies' TTL follows net.ipv4.ip_default_ttl,
# a bad value is refused with a message, and echo can be switched off.
[[ $(nsctl sysctl net.ipv4.ip_default_ttl) == "net.ipv4.ip_default_ttl = 64" ]] ||
	nst_fail "sysctl read: $(nsctl sysctl net.ipv4.ip_default_ttl)"
nsctl sysctl -w net.ipv4.ip_default_ttl=17 >/dev/null
# Into a variable first: grep -q closing the pipe early would fail the
# pipeline under pipefail.
out=$(nsx ping -c 1 -W 1 "$ENGINE4")
grep -q "ttl=17" <<<"$out" || nst_fail "TTL 17 not used: $out"
err=$(nsctl sysctl net.ipv4.ip_default_ttl=300 2>&1) &&
	nst_fail "ttl 300 accepted"
grep -q "out of range" <<<"$err" || nst_fail "bad sysctl message: $err"
nsctl sysctl net.ipv4.icmp_echo_ignore_all=1 >/dev/null
nsx ping -c 2 -W 1 "$ENGINE4" >/dev/null && nst_fail "echo_ignore_all ignored"
nsctl sysctl net.ipv4.icmp_echo_ignore_all=0 net.ipv4.ip_default_ttl=64 >/dev/null
out=$(nsx ping -c 1 -W 1 "$ENGINE4")
grep -q "ttl=64" <<<"$out" || nst_fail "TTL not restored: $out"
echo "ok: nsctl sysctl: ttl 17 on the wire, 300 refused ($err), echo off and on"

nst_engine_stop
nst_pcap_clean "$NST_PCAP"
n=$(tshark -r "$NST_PCAP" -Y 'icmp.type == 0 && ip.src == 192.0.2.2' 2>/dev/null | wc -l)
((n >= 10025)) || nst_fail "capture holds $n echo replies"
echo "ok: ping 20/20, 8000-byte 5/5, flood 10000/10000; $n replies captured"
