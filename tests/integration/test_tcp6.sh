#!/bin/bash
# SPDX-License-Identifier: MIT
# test_tcp6.sh - the engine's TCP over IPv6 against the kernel on a TAP
# (topology A): handshakes and the dual-stack built-in services at
# [2001:db8:1::2] (daytime and echo through ncat), 100 MB to discard and
# 100 MB from chargen checked byte for byte, 20 MB echoed (sha256), 200
# sequential connections leaving nothing behind in either stack, the same
# listeners still serving IPv4, `nsctl ss` in [addr]:port form, and a
# capture without malformed frames or bad checksums.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcp_lib.sh"
nst_require_root
nst_require tshark ncat
nst_setup
nst_tap_up
nsx ip addr add "$KERNEL6/64" dev "$NST_DEV" nodad
tcp_engine_start --addr "$ENGINE6/64" --addr "$ENGINE4/24" \
	--service echo:7,discard:9,chargen:19,daytime:13
nst_wait_preferred "$ENGINE6"
CLIENT=$(cd "$(dirname "$0")" && pwd)/tcp_client.py
run6() {
	nsx env NST_TCP_HOST="$ENGINE6" timeout "$1" /usr/bin/python3 \
		"$CLIENT" "${@:2}"
}

# Handshake and one line of each kind through ncat over IPv6.
line=$(nsx timeout 5 ncat -6 "$ENGINE6" 13 </dev/null)
[[ $line == *UTC* ]] || nst_fail "daytime over IPv6: '$line'"
echo "daytime [$ENGINE6]:13: $line"
[[ $(echo ping6 | nsx timeout 5 ncat -6 "$ENGINE6" 7) == ping6 ]] ||
	nst_fail "echo via ncat over IPv6"
nsctl ss | grep -q '\[::\]:7' || nst_fail "ss: no [::]:7 listener: $(nsctl ss)"

# Bulk over IPv6: 100 MB each way, checked byte for byte.
run6 120 discard 100000000 || nst_fail "discard over IPv6"
run6 120 chargen 100000000 || nst_fail "chargen over IPv6"
head -c 20000000 /dev/urandom >"$NST_DIR/rand"
run6 120 echo "$NST_DIR/rand" || nst_fail "echo 20 MB over IPv6"
# With TSO6 on the TAP the engine sends TCPV6 super-segments.
gso=$(nst_stat EthOutGsoFrames)
if nsctl link | grep -q tso6; then
	((gso > 0)) || nst_fail "TSO6 on but EthOutGsoFrames $gso"
fi
echo "EthOutGsoFrames $gso ($(nsctl link | grep -o 'offload [a-z0-9,]*'))"
# The kernel sends TSO6 super-segments the TAP delivers whole: few, big.
in6=$(nst_stat Ip6InDelivers)
((in6 > 1000)) || nst_fail "Ip6InDelivers only $in6"

# 200 sequential connections, then nothing in a bad state anywhere.
run6 120 sequential 200 || nst_fail "sequential connections over IPv6"
sleep 1
bad=$(nsx ss -tanH | awk '$1 != "TIME-WAIT" && $1 != "LISTEN"' | wc -l)
((bad == 0)) || { nsx ss -tan | head; nst_fail "kernel sockets left: $bad"; }
left=$(nsctl -j ss | /usr/bin/python3 -c '
import json, sys
print(sum(1 for s in json.load(sys.stdin)
          if s["state"] not in ("LISTEN", "TIME-WAIT")))')
((left == 0)) || { nsctl ss | head; nst_fail "engine sockets left: $left"; }

# The same [::] listeners serve IPv4 peers (v4-mapped inside the engine).
nst_wait_valid "$ENGINE4"
[[ $(echo ping4 | nsx timeout 5 ncat "$ENGINE4" 7) == ping4 ]] ||
	nst_fail "echo over IPv4 on the dual-stack listener"

estab0() { [[ $(nst_stat TcpCurrEstab) == 0 ]]; }
nst_wait_for 10 estab0 || nst_fail "TcpCurrEstab $(nst_stat TcpCurrEstab)"
echo "TcpPassiveOpens $(nst_stat TcpPassiveOpens) TcpRetransSegs" \
	"$(nst_stat TcpRetransSegs) TcpInCsumErrors $(nst_stat TcpInCsumErrors)"
tcp_engine_stop
nst_pcap_clean "$NST_PCAP"
n6=$(tshark -r "$NST_PCAP" -Y 'ipv6 && tcp' -T fields -e frame.number \
	2>/dev/null | wc -l)
((n6 > 0)) || nst_fail "no TCP/IPv6 frames in the capture"
echo "TCP/IPv6 frames captured: $n6"
echo "PASS: test_tcp6"
