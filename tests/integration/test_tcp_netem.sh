#!/bin/bash
# SPDX-License-Identifier: MIT
# test_tcp_netem.sh - TCP through a lossy, reordering, duplicating link
# (loss 5%, delay 10 ms, reorder 10%, duplicate 1%, both directions).
# With sch_netem, the qdisc goes on the kernel side of the TAP; this
# kernel has none, so impair.py bridges the TAP to a second TAP and
# impairs frames in user space, in both directions.  Every transfer must
# arrive byte-exact, and the engine must have retransmitted and run
# RFC 6675 SACK recovery.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcp_lib.sh"
nst_require_root
nst_setup
DIR=$(cd "$(dirname "$0")" && pwd)
CLIENT=$DIR/tcp_client.py
run() { nsx timeout "$1" /usr/bin/python3 "$CLIENT" "${@:2}"; }

# Engine on a TAP whose kernel side carries no address; the kernel's
# 192.0.2.1 sits on a second TAP whose fd impair.py holds, bridging the
# two with the impairments.
nsx ip tuntap add dev "$NST_DEV" mode tap
nsx sysctl -qw net.ipv6.conf.all.disable_ipv6=1
nsx ip link set "$NST_DEV" up
TK=tk$((RANDOM % 100000))
nsx ip tuntap add dev "$TK" mode tap
nsx ip addr add 192.0.2.1/24 dev "$TK"
nsx ip link set "$TK" up
# --offload off: impair.py's AF_PACKET end sees our frames as the engine
# wrote them, and a TSO super-frame with a partial checksum is not a
# frame it can forward or drop one segment of; the impairments are per
# wire segment, so the engine sends plain ones here.
tcp_engine_start --addr 192.0.2.2/24 --service echo:7,discard:9,chargen:19 \
	--offload off
nst_bg ip netns exec "$NST_NS" /usr/bin/python3 "$DIR/impair.py" \
	"$NST_DEV" "tap:$TK" \
	--loss 5 --delay 10 --reorder 10 --duplicate 1 >/dev/null 2>&1
nst_wait_for 10 nsx ping -c1 -W1 192.0.2.2 || nst_fail "no path via impair"

head -c 2000000 /dev/urandom >"$NST_DIR/rand"
run 200 echo "$NST_DIR/rand" || nst_fail "echo through loss"
run 200 discard 5000000 || nst_fail "discard through loss"
run 200 chargen 5000000 || nst_fail "chargen through loss"

rtx=$(nst_stat TcpRetransSegs)
rec=$(nst_stat TcpExtTCPSackRecovery)
rto=$(nst_stat TcpExtTCPTimeouts)
ofo=$(nst_stat TcpExtTCPOFOQueue)
echo "TcpRetransSegs $rtx TcpExtTCPSackRecovery $rec TcpExtTCPTimeouts" \
	"$rto TcpExtTCPOFOQueue $ofo"
((rtx > 0)) || nst_fail "no retransmissions under 5% loss"
((rec > 0)) || nst_fail "no SACK recovery under 5% loss"
tcp_engine_stop
echo "PASS: test_tcp_netem"
