#!/bin/bash
# SPDX-License-Identifier: MIT
# test_multicast.sh - IPv4 multicast to an engine socket (topology A):
#   (a) a python3 receiver under libnsshim.so joins 239.1.2.3 with
#       IP_ADD_MEMBERSHIP: the engine sends an IGMPv3 report for it,
#   (b) datagrams a kernel-side sender multicasts to the group reach the
#       receiver, byte-exact and from the kernel's address,
#   (c) a datagram to a group nobody joined is not delivered,
#   (d) IP_DROP_MEMBERSHIP sends the IGMPv3 leave (a report changing the
#       group to INCLUDE {}); the capture has no malformed frame.
. "$(dirname "$0")/lib.sh"
nst_require_root
nst_require tshark /usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
SHIM=$BUILD/libnsshim.so
[[ -f $SHIM ]] || nst_fail "build $SHIM first"
PY=/usr/bin/python3
GROUP=239.1.2.3
OTHER=239.1.2.4
PORT=5007

nst_setup
nst_tap_up
nst_engine_start --addr "$ENGINE4/24"
nst_wait_valid "$ENGINE4"
# The kernel side sends multicast out of the TAP.
nsx ip route add 224.0.0.0/4 dev "$NST_DEV"

send() { # send GROUP TEXT: one datagram from the kernel side
	nsx $PY -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(sys.argv[3]))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
s.sendto(sys.argv[2].encode(), (sys.argv[1], int(sys.argv[4])))' "$1" "$2" "$KERNEL4" $PORT
}

echo "== (a) join through the shim"
ip netns exec "$NST_NS" env LD_PRELOAD="$SHIM" NSSHIM_SOCKET="$NST_CTL" \
	$PY "$here/mcast_recv.py" "$GROUP" $PORT "$ENGINE4" 3 20 \
	>"$NST_DIR/recv.out" 2>"$NST_DIR/recv.err" &
recv=$!
NST_PIDS+=("$recv")
nst_wait_for 10 grep -q joined "$NST_DIR/recv.out" ||
	nst_fail "receiver did not join: $(cat "$NST_DIR/recv.err")"
echo "receiver joined $GROUP"

echo "== (b) kernel-side sender to the group; (c) to another group"
sleep 0.5
send "$OTHER" "not-joined"
for i in 1 2 3; do
	send "$GROUP" "datagram-$i"
	sleep 0.2
done
wait "$recv" || nst_fail "receiver failed: $(cat "$NST_DIR/recv.out" "$NST_DIR/recv.err"); engine counters: $(nsctl stats)"
expect=$(printf '%s\n' joined "$KERNEL4 datagram-1" "$KERNEL4 datagram-2" \
	"$KERNEL4 datagram-3" left)
[[ $(cat "$NST_DIR/recv.out") == "$expect" ]] ||
	nst_fail "received: $(cat "$NST_DIR/recv.out")"
echo "3 datagrams delivered in order from $KERNEL4; the other group's was not"

echo "== (d) the engine's IGMPv3 reports"
sleep 0.5
nsctl capture stop >/dev/null
# Record types: 4 CHANGE_TO_EXCLUDE (join), 3 CHANGE_TO_INCLUDE (leave).
reports=$(tshark -r "$NST_PCAP" -Y "igmp.version == 3 && ip.src == $ENGINE4" \
	-T fields -e igmp.record_type -e igmp.maddr 2>/dev/null | sort -u)
grep -q "^4[[:space:]]$GROUP\$" <<<"$reports" ||
	nst_fail "no IGMPv3 join report for $GROUP: $reports"
grep -q "^3[[:space:]]$GROUP\$" <<<"$reports" ||
	nst_fail "no IGMPv3 leave report for $GROUP: $reports"
grep -q "$OTHER" <<<"$reports" && nst_fail "report for a group never joined"
echo "IGMPv3 reports: $(tr '\n\t' '; ' <<<"$reports")"
nst_pcap_clean "$NST_PCAP"
echo PASS
