#!/bin/bash
# SPDX-License-Identifier: MIT
# test_dhcp4.sh - the engine gets its address from dnsmasq (RFC 2131):
#  1. DISCOVER/OFFER/REQUEST/ACK, the RFC 5227 check of the leased address,
#     reachability by ping at the leased address, the default route from
#     option 3, DNS and domain, a renewal at T1 (unicast DHCPREQUEST/ACK,
#     new expiry in `nsctl dhcp`), the lease file; SIGTERM keeps the lease
#     (a lease file is given);
#  2. a restart with the lease file: INIT-REBOOT, the same address without
#     a DHCPDISCOVER (RFC 2131 3.2);
#  3. a run without a lease file: DHCPRELEASE on SIGTERM (RFC 2131 4.4.6).
# Every capture is clean.
#
# dnsmasq's shortest lease is 2 minutes; it sends options 58/59 as given
# by --dhcp-option, so T1 = 12 s keeps the renewal inside the test.
. "$(dirname "$0")/lib.sh"
nst_require_root
nst_require ping tshark
[[ -x /usr/sbin/dnsmasq ]] || nst_skip "needs dnsmasq (dnsmasq-base)"
nst_setup
nst_tap_up

nst_bg_ns /usr/sbin/dnsmasq --no-daemon --conf-file=/dev/null --user=root --port=0 --interface="$NST_DEV" \
	--bind-interfaces --dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,2m \
	--dhcp-leasefile="$NST_DIR/leases" --pid-file="$NST_DIR/dnsmasq.pid" \
	--dhcp-option=option:router,$KERNEL4 \
	--dhcp-option=option:dns-server,192.0.2.53 \
	--dhcp-option=option:domain-name,example.test \
	--dhcp-option=58,12 --dhcp-option=59,90 \
	--log-dhcp --log-facility="$NST_DIR/dnsmasq.log"

nst_engine_start --dhcp4 --mac 02:00:5e:00:53:02 \
	--dhcp4-lease-file "$NST_DIR/lease" --log-level debug

dhcp_field() {
	nsctl -j dhcp | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
print(d[0].get(sys.argv[1], ""))' "$1"
}

# wait_bound: DORA (or INIT-REBOOT) plus dnsmasq's ping check and the
# 6-9 s RFC 5227 probe.
wait_bound() {
	for _ in $(seq 250); do
		[[ $(dhcp_field state) == BOUND ]] && return 0
		sleep 0.1
	done
	return 1
}
tf() { tshark -r "$1" -Y "$2" 2>/dev/null | wc -l; }

wait_bound || true
nsctl dhcp
[[ $(dhcp_field state) == BOUND ]] ||
	nst_fail "not bound: $(nsctl dhcp); $(tail -5 "$NST_DIR/dnsmasq.log")"
addr=$(dhcp_field address)
addr=${addr%/24}
[[ $addr == 192.0.2.1[0-4][0-9] || $addr == 192.0.2.150 ]] ||
	nst_fail "leased address $(dhcp_field address)"
[[ $(dhcp_field routers) == "$KERNEL4" ]] || nst_fail "routers"
[[ $(dhcp_field dns) == 192.0.2.53 ]] || nst_fail "dns"
[[ $(dhcp_field domain) == example.test ]] || nst_fail "domain"
nsctl route | grep -q "default.*$KERNEL4" || nst_fail "no default route: $(nsctl route)"
grep -q "address $addr/24" "$NST_DIR/lease" || nst_fail "lease file: $(cat "$NST_DIR/lease")"

out=$(nsx ping -c 5 -i 0.1 -W 1 "$addr")
echo "$out" | grep -q "5 packets transmitted, 5 received" || nst_fail "ping: $out"

# Renewal at T1 (12 s after the request): the expiry moves forward.
lease1=$(dhcp_field lease)
for _ in $(seq 200); do
	(($(nst_stat Dhcp4Renews) >= 1)) && [[ $(dhcp_field state) == BOUND ]] && break
	sleep 0.1
done
(($(nst_stat Dhcp4Renews) >= 1)) || nst_fail "no renewal: $(nsctl dhcp)"
[[ $(dhcp_field state) == BOUND ]] || nst_fail "not bound after renew: $(nsctl dhcp)"
lease2=$(dhcp_field lease)
((lease2 > lease1)) || nst_fail "lease $lease1 -> $lease2 s: no new expiry"
nsctl dhcp
((($(nst_stat Dhcp4InAcks)) >= 2)) || nst_fail "Dhcp4InAcks $(nst_stat Dhcp4InAcks)"

nst_engine_stop
nst_pcap_clean "$NST_PCAP"
cap1=$NST_DIR/phase1.pcapng
mv "$NST_PCAP" "$cap1"
# DORA broadcast from 0.0.0.0, then the renewal unicast to the server.
(($(tf "$cap1" 'dhcp.option.dhcp == 1 && ip.src == 0.0.0.0 && ip.dst == 255.255.255.255') >= 1)) ||
	nst_fail "no DHCPDISCOVER from 0.0.0.0 in the capture"
(($(tf "$cap1" 'dhcp.option.dhcp == 2') >= 1)) || nst_fail "no DHCPOFFER captured"
(($(tf "$cap1" "dhcp.option.dhcp == 3 && ip.src == $addr && ip.dst == $KERNEL4 && dhcp.ip.client == $addr") >= 1)) ||
	nst_fail "no unicast renewal DHCPREQUEST captured"
(($(tf "$cap1" 'dhcp.option.dhcp == 5') >= 2)) || nst_fail "fewer than 2 DHCPACKs captured"
(($(tf "$cap1" 'dhcp.option.dhcp == 7') == 0)) ||
	nst_fail "DHCPRELEASE sent although a lease file keeps the lease"
grep -q "address $addr/24" "$NST_DIR/lease" || nst_fail "lease file gone after exit"
tshark -r "$cap1" -Y dhcp 2>/dev/null

# 2. INIT-REBOOT: ask for the same address, no DISCOVER.
nst_engine_start --dhcp4 --mac 02:00:5e:00:53:02 \
	--dhcp4-lease-file "$NST_DIR/lease"
wait_bound || nst_fail "not bound after INIT-REBOOT: $(nsctl dhcp)"
[[ $(dhcp_field address) == "$addr/24" ]] ||
	nst_fail "INIT-REBOOT got $(dhcp_field address), not $addr"
out=$(nsx ping -c 2 -i 0.1 -W 1 "$addr")
echo "$out" | grep -q "2 packets transmitted, 2 received" || nst_fail "ping after reboot: $out"
nst_engine_stop
nst_pcap_clean "$NST_PCAP"
cap2=$NST_DIR/phase2.pcapng
mv "$NST_PCAP" "$cap2"
(($(tf "$cap2" 'dhcp.option.dhcp == 1') == 0)) || nst_fail "DHCPDISCOVER in INIT-REBOOT"
(($(tf "$cap2" "dhcp.option.dhcp == 3 && ip.src == 0.0.0.0 && dhcp.option.requested_ip_address == $addr && !dhcp.option.dhcp_server_id") >= 1)) ||
	nst_fail "no INIT-REBOOT DHCPREQUEST for $addr"
tshark -r "$cap2" -Y dhcp 2>/dev/null

# 3. No lease file: the lease is released on SIGTERM.
nst_engine_start --dhcp4 --mac 02:00:5e:00:53:02
wait_bound || nst_fail "not bound in phase 3: $(nsctl dhcp)"
nst_engine_stop
nst_pcap_clean "$NST_PCAP"
(($(tf "$NST_PCAP" "dhcp.option.dhcp == 7 && ip.dst == $KERNEL4 && dhcp.ip.client == $addr") >= 1)) ||
	nst_fail "no DHCPRELEASE on SIGTERM"
tshark -r "$NST_PCAP" -Y 'dhcp.option.dhcp == 7' 2>/dev/null
echo "ok: DORA -> $addr, ping 5/5, renewed at T1 (lease $lease1 -> $lease2 s), INIT-REBOOT to $addr, released"
