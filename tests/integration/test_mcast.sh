#!/bin/bash
# SPDX-License-Identifier: MIT
# test_mcast.sh - multicast into an engine socket: a python3 receiver under
# libnsshim.so binds 0.0.0.0:5555 in the engine (NSSHIM_BIND_ENGINE=1) and
# joins 239.1.2.3 (IP_ADD_MEMBERSHIP); a kernel-side sender sends 5
# datagrams to the group out of the TAP; all 5 arrive, the engine sent an
# IGMP membership report for the group, and a datagram to a group nobody
# joined is not delivered.
#
# IPv4 only: the shim hands AF_INET UDP sockets to the engine, not AF_INET6
# ones yet (preload/decide.c), and nsctl cannot open sockets, so an IPv6
# group cannot be joined from outside the engine; the engine's IPV6_JOIN_GROUP
# path (MLDv2 report, MAC filter, delivery) is covered by the unit test
# ipv6_engine/ipv6_join_group_sends_mld_and_opens_the_filter.
. "$(dirname "$0")/lib.sh"
nst_require_root
nst_require tshark /usr/bin/python3
SHIM=$BUILD/libnsshim.so
[[ -f $SHIM ]] || nst_fail "build $SHIM first"
PY=/usr/bin/python3
GROUP=239.1.2.3
PORT=5555

nst_setup
nst_tap_up
nst_engine_start --addr "$ENGINE4/24" --mac 02:00:5e:00:53:02
nst_wait_valid "$ENGINE4"

cat >"$NST_DIR/recv.py" <<'PY'
import socket, struct, sys
group, port, local, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", port))
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             socket.inet_aton(group) + socket.inet_aton(local))
s.settimeout(10)
print("joined", flush=True)
for _ in range(n):
    data, src = s.recvfrom(2048)
    print(src[0], data.decode(), flush=True)
PY
cat >"$NST_DIR/send.py" <<'PY'
import socket, sys, time
group, port, local, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(local))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
for i in range(n):
    s.sendto(b"mcast-%d" % i, (group, port))
    time.sleep(0.05)
PY

nsx env LD_PRELOAD="$SHIM" NSSHIM_SOCKET="$NST_CTL" NSSHIM_BIND_ENGINE=1 \
	timeout 20 $PY "$NST_DIR/recv.py" $GROUP $PORT "$ENGINE4" 5 >"$NST_DIR/recv.out" 2>&1 &
RECV=$!
NST_PIDS+=("$RECV")
nst_wait_for 5 grep -q joined "$NST_DIR/recv.out" || nst_fail "receiver: $(cat "$NST_DIR/recv.out")"
nsctl udp | grep -q "lport $PORT" || nst_fail "no engine socket on $PORT: $(nsctl udp)"
nsx $PY "$NST_DIR/send.py" 239.9.9.9 $PORT "$KERNEL4" 1 # nobody joined
nsx $PY "$NST_DIR/send.py" $GROUP $PORT "$KERNEL4" 5
wait "$RECV" || nst_fail "receiver: $(cat "$NST_DIR/recv.out")"
cat "$NST_DIR/recv.out"
got=$(grep -c "^$KERNEL4 mcast-" "$NST_DIR/recv.out")
((got == 5)) || nst_fail "$got/5 datagrams to $GROUP"
nst_engine_stop
nst_pcap_clean "$NST_PCAP"
(($(tshark -r "$NST_PCAP" -Y "igmp && ip.src == $ENGINE4" 2>/dev/null | wc -l) >= 1)) ||
	nst_fail "no IGMP report from the engine"
(($(tshark -r "$NST_PCAP" -Y "ip.dst == $GROUP && udp.dstport == $PORT" 2>/dev/null | wc -l) == 5)) ||
	nst_fail "capture does not hold the 5 datagrams"
echo "ok: 5/5 datagrams to $GROUP reached the engine socket joined through the shim; IGMP report sent"
