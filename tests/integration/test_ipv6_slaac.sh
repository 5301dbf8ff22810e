#!/bin/bash
# SPDX-License-Identifier: MIT
# test_ipv6_slaac.sh - radvd on the kernel side advertises 2001:db8:1::/64;
# the engine (--slaac) forms an RFC 7217 address in it, passes DAD, installs
# the default router, and answers ping on the new address and (with
# --tempaddr) on an RFC 8981 temporary address.  Then a
# duplicate: the kernel holds the address the engine is configured with,
# and the engine's DAD fails with a clear log line naming the kernel's MAC.
. "$(dirname "$0")/lib.sh"
nst_require_root
nst_require ping tshark radvd
nst_setup
nst_tap_up
nsx ip addr add "$KERNEL6/64" dev "$NST_DEV" nodad
nsx sysctl -qw net.ipv6.conf.all.forwarding=1
cat >"$NST_DIR/radvd.conf" <<CONF
interface $NST_DEV {
	AdvSendAdvert on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 4;
	AdvDefaultLifetime 600;
	AdvLinkMTU 1400;
	prefix 2001:db8:1::/64 {
		AdvOnLink on;
		AdvAutonomous on;
		AdvValidLifetime 3600;
		AdvPreferredLifetime 1800;
	};
};
CONF
nst_bg_ns radvd -n -C "$NST_DIR/radvd.conf" -p "$NST_DIR/radvd.pid" -m stderr
nst_engine_start --slaac --tempaddr --mac 02:00:5e:00:53:02

# The engine's RS (or radvd's periodic RA) brings the prefix; DAD follows.
slaac=
for _ in $(seq 100); do
	slaac=$(nsctl -j addr | /usr/bin/python3 -c '
import json, sys
for a in json.load(sys.stdin):
    if a.get("origin") == "slaac" and a["state"] == "preferred":
        print(a["addr"]); break')
	[[ -n $slaac ]] && break
	sleep 0.1
done
[[ $slaac == 2001:db8:1:* ]] || nst_fail "no SLAAC address: $(nsctl addr)"
echo "SLAAC address $slaac"
# RFC 8981: a temporary address in the same prefix, answering too.
for _ in $(seq 30); do
	temp=$(nsctl -j addr | /usr/bin/python3 -c '
import json, sys
for a in json.load(sys.stdin):
    if a.get("origin") == "temporary" and a["state"] == "preferred":
        print(a["addr"]); break')
	[[ -n $temp ]] && break
	sleep 0.1
done
[[ $temp == 2001:db8:1:* && $temp != "$slaac" ]] || nst_fail "no temporary address: $(nsctl addr)"
out=$(nsx ping -6 -c 3 -i 0.05 -W 1 "$temp")
echo "$out" | grep -q "3 packets transmitted, 3 received" || nst_fail "ping $temp: $out"
nsctl route | grep -q "default .*gateway fe80::" || nst_fail "no default route: $(nsctl route)"
nsctl route | grep -q "2001:db8:1::/64" || nst_fail "no on-link prefix: $(nsctl route)"
(($(nst_stat Icmp6InRouterAdvertisements) >= 1)) || nst_fail "no RA counted"

out=$(nsx ping -6 -c 10 -i 0.05 -W 1 "$slaac")
echo "$out" | grep -q "10 packets transmitted, 10 received" ||
	nst_fail "ping $slaac: $out"
# The Link MTU option was taken: 3000-byte replies leave in 1400-byte
# fragments.
out=$(nsx ping -6 -c 2 -i 0.1 -s 3000 -W 1 "$slaac")
echo "$out" | grep -q "2 packets transmitted, 2 received" ||
	nst_fail "ping -s 3000 $slaac: $out"
nst_engine_stop
nst_pcap_clean "$NST_PCAP"
big=$(tshark -r "$NST_PCAP" -Y "ipv6.src == $slaac && frame.len > 1414" 2>/dev/null | wc -l)
((big == 0)) || nst_fail "$big frames above the RA's MTU"
rs=$(tshark -r "$NST_PCAP" -Y 'icmpv6.type == 133' 2>/dev/null | wc -l)
((rs >= 1)) || nst_fail "no Router Solicitation captured"

# Duplicate address: the kernel already holds 2001:db8:1::2.
nsx ip addr add "$ENGINE6/64" dev "$NST_DEV" nodad
rm -f "$NST_CTL"
nst_engine_start --addr "$ENGINE6/64" --mac 02:00:5e:00:53:02
kmac=$(nsx cat /sys/class/net/"$NST_DEV"/address)
nst_wait_for 5 grep -q "DAD failed for $ENGINE6: in use by $kmac" "$NST_DIR/engine.log" ||
	nst_fail "no DAD failure line: $(cat "$NST_DIR/engine.log")"
[[ $(nst_addr_state "$ENGINE6") == dadfailed ]] ||
	nst_fail "state $(nst_addr_state "$ENGINE6")"
(($(nst_stat Icmp6DadFailures) == 1)) || nst_fail "Icmp6DadFailures $(nst_stat Icmp6DadFailures)"
grep "DAD failed" "$NST_DIR/engine.log"
nst_engine_stop
echo "ok: SLAAC $slaac and temporary $temp preferred, default router, ping 10/10, MTU 1400 honoured, $rs RS; DAD conflict detected"
