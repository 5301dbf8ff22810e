#!/bin/bash
# SPDX-License-Identifier: MIT
# test_ipv6_ping.sh - the kernel pings the engine over IPv6 on a TAP
# (topology A): the engine's RFC 7217 link-local address passes DAD and
# answers ping -6 fe80::...%dev; the static 2001:db8:1::2/64 answers 20/20;
# 8000-byte pings are fragmented in both directions (5/5); the engine
# resolves the kernel through ND; the dual-stack UDP echo service returns
# 1000 datagrams up to 8000 bytes byte-exact over IPv6 (and IPv4 still),
# then 100 MB each way in datagrams up to 16000 bytes;
# UDP to a closed port gets a port unreachable; the capture holds MLDv2
# reports and no malformed frame.
. "$(dirname "$0")/lib.sh"
nst_require_root
nst_require ping tshark
nst_setup
nst_tap_up
nsx ip addr add "$KERNEL6/64" dev "$NST_DEV" nodad
nst_engine_start --addr "$ENGINE6/64" --addr "$ENGINE4/24" \
	--mac 02:00:5e:00:53:02 --service echo:7
nst_wait_preferred "$ENGINE6"
for _ in $(seq 50); do
	ll=$(nst_addr6 link)
	[[ -n $ll ]] && break
	sleep 0.1
done
[[ $ll == fe80::* ]] || nst_fail "no preferred link-local: $(nsctl addr)"
# The kernel's own link-local must have passed DAD before it can ping.
nst_wait_for 5 bash -c "! ip netns exec $NST_NS ip -6 addr show dev $NST_DEV | grep -q tentative" ||
	nst_fail "kernel DAD: $(nsx ip -6 addr show dev "$NST_DEV")"

out=$(nsx ping -6 -c 5 -i 0.1 -W 1 "$ll%$NST_DEV")
echo "$out" | grep -q "5 packets transmitted, 5 received" ||
	nst_fail "ping $ll: $out"

out=$(nsx ping -6 -c 20 -i 0.05 -W 1 "$ENGINE6")
echo "$out" | tail -2
echo "$out" | grep -q "20 packets transmitted, 20 received" ||
	nst_fail "ping $ENGINE6: $out"

# ND both ways: the kernel learned the engine's MAC, the engine the kernel's.
nsx ip -6 neigh show "$ENGINE6" dev "$NST_DEV" | grep -q "lladdr 02:00:5e:00:53:02" ||
	nst_fail "kernel neighbour: $(nsx ip -6 neigh show dev "$NST_DEV")"
kmac=$(nsx cat /sys/class/net/"$NST_DEV"/address)
nsctl neigh | grep -q "$KERNEL6 .*$kmac" || nst_fail "engine neigh: $(nsctl neigh)"

# 8000 bytes: 6 fragments each way.
before=$(nst_stat Ip6ReasmOKs)
out=$(nsx ping -6 -c 5 -i 0.1 -s 8000 -W 1 "$ENGINE6")
echo "$out" | grep -q "5 packets transmitted, 5 received" ||
	nst_fail "ping -s 8000: $out"
reasm=$(($(nst_stat Ip6ReasmOKs) - before))
((reasm == 5)) || nst_fail "Ip6ReasmOKs grew by $reasm, want 5"
((($(nst_stat Ip6FragCreates)) >= 30)) || nst_fail "Ip6FragCreates $(nst_stat Ip6FragCreates)"

# The echo service is one dual-stack socket: IPv6 and IPv4 peers alike.
here=$(dirname "$0")
nsx /usr/bin/python3 "$here/udp_client.py" echo "$ENGINE6" 7 1000 8000 ||
	nst_fail "udp echo over IPv6"
in=$(nst_stat Udp6InDatagrams)
((in >= 1000)) || nst_fail "Udp6InDatagrams $in"
# 100 MB each way over IPv6 (issue 6): 12800 datagrams of 1..16000 bytes
# (most of them fragmented), every echo byte-exact.
out=$(nsx /usr/bin/python3 "$here/udp_client.py" echo "$ENGINE6" 7 12800 16000) ||
	nst_fail "udp 100 MB echo over IPv6: $out"
bytes=$(awk '{ print $4 }' <<<"$out")
((bytes >= 100000000)) || nst_fail "only $bytes bytes: $out"
echo "ok: $out over IPv6"
nst_wait_valid "$ENGINE4"
nsx /usr/bin/python3 "$here/udp_client.py" echo "$ENGINE4" 7 100 2000 ||
	nst_fail "udp echo over IPv4 on the dual-stack socket"

# nsctl adds an IPv6 address at run time (DAD first) and removes it.
nsctl addr add 2001:db8:1::5/64 dev "$NST_DEV"
nst_wait_preferred 2001:db8:1::5
nsctl addr | grep -q "inet6 2001:db8:1::5/64 preferred valid_lft forever" ||
	nst_fail "nsctl addr: $(nsctl addr)"
out=$(nsx ping -6 -c 3 -i 0.1 -W 1 2001:db8:1::5)
echo "$out" | grep -q "3 packets transmitted, 3 received" ||
	nst_fail "ping 2001:db8:1::5: $out"
nsctl addr del 2001:db8:1::5/64 dev "$NST_DEV"
[[ -z $(nst_addr_state 2001:db8:1::5) ]] || nst_fail "2001:db8:1::5 not removed"

# UDP to a port nobody listens on: ICMPv6 port unreachable (RFC 4443 3.1).
nsx /usr/bin/python3 - "$ENGINE6" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.settimeout(1)
s.connect((sys.argv[1], 9999))
s.send(b"x")
try:
    s.recv(10)
    sys.exit("no error")
except ConnectionRefusedError:
    pass
PY
(($(nst_stat Udp6NoPorts) >= 1)) || nst_fail "Udp6NoPorts $(nst_stat Udp6NoPorts)"

nst_engine_stop
nst_pcap_clean "$NST_PCAP"
n=$(tshark -r "$NST_PCAP" -Y 'icmpv6.type == 129 && ipv6.src == 2001:db8:1::2' 2>/dev/null | wc -l)
((n >= 25)) || nst_fail "capture holds $n echo replies"
m=$(tshark -r "$NST_PCAP" -Y 'icmpv6.type == 143 && ipv6.src == fe80::/10 || icmpv6.type == 143 && ipv6.src == ::' 2>/dev/null | wc -l)
((m >= 2)) || nst_fail "capture holds $m MLDv2 reports"
echo "ok: link-local 5/5, global 20/20, 8000-byte 5/5 ($reasm reassembled), UDP echo 1000 over IPv6 + 100 over IPv4, port unreachable, $n replies, $m MLDv2 reports"
