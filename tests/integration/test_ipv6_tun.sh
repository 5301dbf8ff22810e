#!/bin/bash
# SPDX-License-Identifier: MIT
# test_ipv6_tun.sh - IPv6 on a TUN device (bare IP, no link layer): the
# static address is usable at once (no DAD, no ND, like Linux on a
# point-to-point link), ping and 8000-byte ping (fragmented both ways) and
# UDP echo over IPv6 work, and no Neighbor Solicitation is ever sent.
. "$(dirname "$0")/lib.sh"
nst_require_root
nst_require ping tshark
nst_setup
nst_tap_up tun
nsx ip addr add "$KERNEL6/64" dev "$NST_DEV" nodad
nst_engine_start --tun --addr "$ENGINE6/64" --service echo:7
nst_wait_preferred "$ENGINE6"

out=$(nsx ping -6 -c 10 -i 0.05 -W 1 "$ENGINE6")
echo "$out" | grep -q "10 packets transmitted, 10 received" || nst_fail "ping: $out"
out=$(nsx ping -6 -c 3 -s 8000 -W 1 "$ENGINE6")
echo "$out" | grep -q "3 packets transmitted, 3 received" ||
	nst_fail "ping -s 8000: $out"
nsx /usr/bin/python3 "$(dirname "$0")/udp_client.py" echo "$ENGINE6" 7 200 8000 ||
	nst_fail "udp echo over tun"
(($(nst_stat Icmp6OutNeighborSolicits) == 0)) || nst_fail "NS sent on a TUN device"

nst_engine_stop
nst_pcap_clean "$NST_PCAP"
echo "ok: tun IPv6 ping 10/10, 8000-byte 3/3, udp echo 200"
