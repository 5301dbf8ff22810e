#!/bin/bash
# SPDX-License-Identifier: MIT
# test_dhcp6.sh - the engine's DHCPv6 client (RFC 8415) against dnsmasq:
#  1. stateful: dnsmasq's RA has the M flag; the engine (--slaac) solicits,
#     leases an address in 2001:db8:1::/64, passes DAD, and the kernel
#     pings it there; `nsctl addr` shows it with origin dhcp6 and its
#     lifetimes, `nsctl dns` the server from option 23; a RENEW at T1
#     gets a REPLY; SIGTERM sends a RELEASE;
#  2. stateless: dnsmasq's RA has only the O flag (ra-stateless); the
#     engine sends INFORMATION-REQUEST and records the DNS server;
#  3. forced: --dhcp6 without --slaac leases an address from the same
#     server although no RA is processed; with `nsctl route add` for the
#     on-link prefix the kernel pings it.
# Every capture is clean.
#
# dnsmasq's shortest lease is 2 minutes and it sets T1 to half of it, so
# phase 1 waits up to 75 s for the RENEW (about 60 s): the longest part.
. "$(dirname "$0")/lib.sh"
nst_require_root
nst_require ping tshark
[[ -x /usr/sbin/dnsmasq ]] || nst_skip "needs dnsmasq (dnsmasq-base)"
nst_setup
nst_tap_up
nsx ip addr add "$KERNEL6/64" dev "$NST_DEV" nodad
DNS6=2001:db8:1::53

# dnsmasq_start RANGE...: dnsmasq as DHCPv6 server and RA sender.
dnsmasq_start() {
	ip netns exec "$NST_NS" /usr/sbin/dnsmasq --no-daemon --conf-file=/dev/null \
		--user=root --port=0 --interface="$NST_DEV" --bind-interfaces \
		--enable-ra --ra-param="$NST_DEV",4,600 "$@" \
		--dhcp-option=option6:dns-server,[$DNS6] \
		--dhcp-leasefile="$NST_DIR/leases" --pid-file="$NST_DIR/dnsmasq.pid" \
		--log-dhcp --log-facility="$NST_DIR/dnsmasq.log" &
	DNSMASQ_PID=$!
	NST_PIDS+=("$DNSMASQ_PID")
}
dnsmasq_stop() {
	kill "$DNSMASQ_PID" 2>/dev/null || true
	wait "$DNSMASQ_PID" 2>/dev/null || true
}
dhcp6_field() {
	nsctl -j dhcp6 | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
v = d[0].get(sys.argv[1], "") if d else ""
print(",".join(v) if isinstance(v, list) else v)' "$1"
}
# dhcp6_addr: the preferred address of origin dhcp6, if any.
dhcp6_addr() {
	nsctl -j addr | /usr/bin/python3 -c '
import json, sys
for a in json.load(sys.stdin):
    if a.get("origin") == "dhcp6" and a["state"] == "preferred":
        print(a["addr"]); break'
}
wait_addr() {
	for _ in $(seq 150); do
		addr=$(dhcp6_addr)
		[[ -n $addr ]] && return 0
		sleep 0.1
	done
	return 1
}
tf() { tshark -r "$1" -Y "$2" 2>/dev/null | wc -l; }

# 1. Stateful, triggered by the RA's M flag.
dnsmasq_start --dhcp-range=2001:db8:1::100,2001:db8:1::1ff,64,2m
nst_engine_start --slaac --mac 02:00:5e:00:53:02
wait_addr || nst_fail "no DHCPv6 address: $(nsctl addr); $(nsctl dhcp6); $(tail -5 "$NST_DIR/dnsmasq.log")"
[[ $addr == 2001:db8:1::1[0-9a-f][0-9a-f] ]] || nst_fail "leased $addr outside the range"
nsctl addr
nsctl dhcp6
[[ $(dhcp6_field mode) == stateful && $(dhcp6_field state) == BOUND ]] ||
	nst_fail "client: $(nsctl dhcp6)"
nsctl addr | grep -Eq "inet6 $addr/128 (preferred )?dhcp6 valid_lft [0-9]+ preferred_lft [0-9]+" ||
	nst_fail "addr line: $(nsctl addr)"
[[ $(dhcp6_field dns) == "$DNS6" ]] || nst_fail "dns: $(nsctl dhcp6)"
nsctl dns
nsctl dns | grep -q "server $DNS6 dev $NST_DEV source dhcp6" || nst_fail "nsctl dns: $(nsctl dns)"
out=$(nsx ping -6 -c 5 -i 0.1 -W 1 "$addr")
echo "$out" | grep -q "5 packets transmitted, 5 received" || nst_fail "ping $addr: $out"

# RENEW at T1 (60 s into the 2-minute lease).
t1=$(dhcp6_field t1)
echo "waiting ${t1}s for the RENEW at T1"
for _ in $(seq 750); do
	(($(nst_stat Dhcp6OutRenews) >= 1 && $(nst_stat Dhcp6InReplies) >= 2)) && break
	sleep 0.1
done
(($(nst_stat Dhcp6OutRenews) >= 1)) || nst_fail "no RENEW: $(nsctl dhcp6)"
(($(nst_stat Dhcp6InReplies) >= 2)) || nst_fail "no REPLY to RENEW: $(nsctl dhcp6)"
[[ $(dhcp6_field state) == BOUND ]] || nst_fail "not bound after RENEW: $(nsctl dhcp6)"
t1b=$(dhcp6_field t1)
((t1b > 50)) || nst_fail "T1 $t1b s after the RENEW: no new lease"
out=$(nsx ping -6 -c 2 -i 0.1 -W 1 "$addr")
echo "$out" | grep -q "2 packets transmitted, 2 received" || nst_fail "ping after renew: $out"
nsctl stats | grep Dhcp6
nst_engine_stop
nst_pcap_clean "$NST_PCAP"
cap1=$NST_DIR/phase1.pcapng
mv "$NST_PCAP" "$cap1"
tshark -r "$cap1" -Y dhcpv6 2>/dev/null
for m in 1 2 3 5 7 8; do # SOLICIT ADVERTISE REQUEST RENEW REPLY RELEASE
	(($(tf "$cap1" "dhcpv6.msgtype == $m") >= 1)) || nst_fail "no DHCPv6 type $m captured"
done
(($(tf "$cap1" 'dhcpv6.msgtype == 1 && ipv6.dst == ff02::1:2 && ipv6.src == fe80::/10') >= 1)) ||
	nst_fail "SOLICIT not from link-local to ff02::1:2"
(($(tf "$cap1" "icmpv6.type == 135 && ipv6.src == :: && icmpv6.nd.ns.target_address == $addr") >= 1)) ||
	nst_fail "no DAD NS for $addr"
dnsmasq_stop
rm -f "$NST_CTL"

# 2. Stateless: the O flag only.
dnsmasq_start --dhcp-range=2001:db8:1::,ra-stateless
nst_engine_start --slaac --mac 02:00:5e:00:53:02
for _ in $(seq 150); do
	[[ $(dhcp6_field state) == INFORMED ]] && break
	sleep 0.1
done
nsctl dhcp6
[[ $(dhcp6_field mode) == stateless && $(dhcp6_field state) == INFORMED ]] ||
	nst_fail "stateless client: $(nsctl dhcp6); $(tail -5 "$NST_DIR/dnsmasq.log")"
[[ $(dhcp6_field dns) == "$DNS6" ]] || nst_fail "stateless dns: $(nsctl dhcp6)"
[[ -z $(dhcp6_addr) ]] || nst_fail "a DHCPv6 address in stateless mode"
nsctl dns
nsctl dns | grep -q "server $DNS6 dev $NST_DEV source dhcp6" || nst_fail "nsctl dns: $(nsctl dns)"
nst_engine_stop
nst_pcap_clean "$NST_PCAP"
(($(tf "$NST_PCAP" 'dhcpv6.msgtype == 11') >= 1)) || nst_fail "no INFORMATION-REQUEST captured"
(($(tf "$NST_PCAP" 'dhcpv6.msgtype == 1 || dhcpv6.msgtype == 3') == 0)) ||
	nst_fail "SOLICIT or REQUEST in stateless mode"
tshark -r "$NST_PCAP" -Y dhcpv6 2>/dev/null
dnsmasq_stop
rm -f "$NST_CTL" "$NST_DIR/leases"

# 3. Forced: --dhcp6 without RA processing; the on-link route by hand.
dnsmasq_start --dhcp-range=2001:db8:1::100,2001:db8:1::1ff,64,2m
nst_engine_start --dhcp6 --mac 02:00:5e:00:53:02 --dhcp6-duid-file "$NST_DIR/duid"
wait_addr || nst_fail "--dhcp6: no address: $(nsctl dhcp6)"
grep -q "^duid 00010001" "$NST_DIR/duid" || nst_fail "DUID file: $(cat "$NST_DIR/duid")"
[[ $(dhcp6_field duid) == $(sed -n 's/^duid //p' "$NST_DIR/duid") ]] || nst_fail "DUID differs from the file"
nsctl route add 2001:db8:1::/64 dev "$NST_DEV"
nsctl route | grep -q "2001:db8:1::/64 dev $NST_DEV protocol static" || nst_fail "route: $(nsctl route)"
out=$(nsx ping -6 -c 3 -i 0.1 -W 1 "$addr")
echo "$out" | grep -q "3 packets transmitted, 3 received" || nst_fail "ping --dhcp6 $addr: $out"
nst_engine_stop
nst_pcap_clean "$NST_PCAP"
echo "ok: stateful $addr (DAD, ping, RENEW at T1, RELEASE), stateless DNS $DNS6, --dhcp6 with DUID-LLT file"
