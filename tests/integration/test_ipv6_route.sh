#!/bin/bash
# SPDX-License-Identifier: MIT
# test_ipv6_route.sh - IPv6 routes the engine learns:
#  1. `nsctl route add|del` for an IPv6 prefix: the kernel pings the engine
#     from 2001:db8:2::1, an address off the engine's link, which the
#     engine reaches only through a static route via the kernel (global
#     gateway, then link-local gateway with dev); after `route del` the
#     replies stop again;
#  2. RFC 4191 Route Information: radvd advertises 2001:db8:3::/64 with a
#     high preference and a 30 s lifetime; the engine (--slaac) installs
#     it via the router with that lifetime and answers a ping from
#     2001:db8:3::1.
# Every capture is clean.
. "$(dirname "$0")/lib.sh"
nst_require_root
nst_require ping tshark radvd
nst_setup
nst_tap_up
nsx ip addr add "$KERNEL6/64" dev "$NST_DEV" nodad
nsx ip -6 addr add 2001:db8:2::1/128 dev lo
nsx ip -6 addr add 2001:db8:3::1/128 dev lo
FAR=2001:db8:2::1

# ping_from SRC DST: replies received of 3.
ping_from() {
	{ nsx ping -6 -c 3 -i 0.1 -W 1 -I "$1" "$2" 2>/dev/null || true; } |
		sed -n 's/.* \([0-9]*\) received.*/\1/p'
}

# 1. Static routes.
nst_engine_start --addr "$ENGINE6/64" --mac 02:00:5e:00:53:02
nst_wait_preferred "$ENGINE6"
n=$(ping_from $FAR "$ENGINE6")
((n == 0)) || nst_fail "$n replies before any route to 2001:db8:2::/64"
nsctl route add 2001:db8:2::/64 via "$KERNEL6"
nsctl route
nsctl route | grep -q "2001:db8:2::/64 gateway $KERNEL6 dev $NST_DEV protocol static" ||
	nst_fail "route not listed: $(nsctl route)"
n=$(ping_from $FAR "$ENGINE6")
((n == 3)) || nst_fail "$n/3 replies via the static route"
nsctl route del 2001:db8:2::/64
n=$(ping_from $FAR "$ENGINE6")
((n == 0)) || nst_fail "$n replies after route del"
# A link-local gateway needs the device (RFC 4007).
kll=$(nsx ip -6 addr show dev "$NST_DEV" scope link | sed -n 's/.*inet6 \(fe80::[0-9a-f:]*\)\/64.*/\1/p')
out=$(nsctl route add 2001:db8:2::/64 via "$kll" 2>&1) && nst_fail "link-local gateway without dev accepted"
echo "expected refusal: $out"
nsctl route add 2001:db8:2::/64 via "$kll" dev "$NST_DEV"
n=$(ping_from $FAR "$ENGINE6")
((n == 3)) || nst_fail "$n/3 replies via link-local gateway $kll"
nsctl route del 2001:db8:2::/64 via "$kll" dev "$NST_DEV"
nsctl route | grep -q "2001:db8:2::/64" && nst_fail "route left: $(nsctl route)"
out=$(nsctl route add 2001:db8:2::/64 via 2001:db8:9::1 2>&1) && nst_fail "off-link gateway accepted"
echo "expected refusal: $out"
nst_engine_stop
nst_pcap_clean "$NST_PCAP"
rm -f "$NST_CTL"

# 2. Route Information options (RFC 4191) from radvd.
nsx sysctl -qw net.ipv6.conf.all.forwarding=1
cat >"$NST_DIR/radvd.conf" <<CONF
interface $NST_DEV {
	AdvSendAdvert on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 4;
	AdvDefaultLifetime 0;
	prefix 2001:db8:1::/64 {
		AdvOnLink on;
		AdvAutonomous on;
	};
	route 2001:db8:3::/64 {
		AdvRoutePreference high;
		AdvRouteLifetime 30;
	};
};
CONF
nst_bg_ns radvd -n -C "$NST_DIR/radvd.conf" -p "$NST_DIR/radvd.pid" -m stderr
nst_engine_start --slaac --mac 02:00:5e:00:53:02
for _ in $(seq 100); do
	slaac=$(nsctl -j addr | /usr/bin/python3 -c '
import json, sys
for a in json.load(sys.stdin):
    if a.get("origin") == "slaac" and a["state"] == "preferred":
        print(a["addr"]); break')
	[[ -n $slaac ]] && nsctl route | grep -q "2001:db8:3::/64" && break
	sleep 0.1
done
nsctl route
line=$(nsctl route | grep "^2001:db8:3::/64") || nst_fail "no RIO route: $(nsctl route)"
echo "$line" | grep -Eq "gateway fe80::[0-9a-f:]+ dev $NST_DEV protocol ra pref high expires ([0-9]|[12][0-9]|30)\b" ||
	nst_fail "RIO route: $line"
nsctl route | grep -q "^default" && nst_fail "a default route although AdvDefaultLifetime is 0"
n=$(ping_from 2001:db8:3::1 "$slaac")
((n == 3)) || nst_fail "$n/3 replies to 2001:db8:3::1 via the RIO route"
n=$(ping_from $FAR "$slaac")
((n == 0)) || nst_fail "$n replies to $FAR without a route"
nst_engine_stop
nst_pcap_clean "$NST_PCAP"
(($(tshark -r "$NST_PCAP" -Y 'icmpv6.opt.type == 24' 2>/dev/null | wc -l) >= 1)) ||
	nst_fail "no RA with a Route Information option captured"
echo "ok: static v6 routes (global and link-local gateway) add/del, RIO 2001:db8:3::/64 installed with pref high and lifetime 30 s"
