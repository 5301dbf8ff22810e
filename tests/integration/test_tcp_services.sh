#!/bin/bash
# SPDX-License-Identifier: MIT
# test_tcp_services.sh - the engine's TCP against the kernel in a
# namespace: handshakes and the built-in echo/discard/chargen/daytime
# services, bulk transfers (byte-count / sha256 verified), 1000
# sequential connections leaving nothing behind, a zero window held for
# 10 s, 1000 simultaneous connections, and a clean capture.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcp_lib.sh"
nst_require_root
nst_require tshark ncat
nst_setup
nst_tap_up
tcp_engine_start --addr 192.0.2.2/24 \
	--service echo:7,discard:9,chargen:19,daytime:13
CLIENT=$(cd "$(dirname "$0")" && pwd)/tcp_client.py
run() { nsx timeout "$1" /usr/bin/python3 "$CLIENT" "${@:2}"; }

# Handshake and a service line (RFC 867) through ncat.
line=$(nsx timeout 5 ncat 192.0.2.2 13 </dev/null)
[[ $line == *UTC* ]] || nst_fail "daytime: '$line'"
echo "daytime: $line"
[[ $(echo ping | nsx timeout 5 ncat 192.0.2.2 7) == ping ]] ||
	nst_fail "echo via ncat"

# Bulk: 200 MB to discard, 200 MB from chargen, 50 MB echoed.
run 120 discard 200000000 || nst_fail "discard"
run 120 chargen 200000000 || nst_fail "chargen"
head -c 50000000 /dev/urandom >"$NST_DIR/rand"
run 120 echo "$NST_DIR/rand" || nst_fail "echo 50 MB"

# Zero window: the client does not read for 10 s, then reads it all.
run 60 zerowin 10 || nst_fail "zero window"
probes=$(nst_stat TcpExtTCPWinProbe)
echo "window probes sent by the engine: $probes"

# 1000 sequential short connections, then nothing in a bad state.
run 120 sequential 1000 || nst_fail "sequential connections"
sleep 1
bad=$(nsx ss -tanH | awk '$1 != "TIME-WAIT" && $1 != "LISTEN"' | wc -l)
((bad == 0)) || { nsx ss -tan | head; nst_fail "kernel sockets left: $bad"; }
left=$(nsctl -j ss | /usr/bin/python3 -c '
import json, sys
print(sum(1 for s in json.load(sys.stdin)
          if s["state"] not in ("LISTEN", "TIME-WAIT")))')
((left == 0)) || { nsctl ss | head; nst_fail "engine sockets left: $left"; }

# 1000 simultaneous connections, all served.
nsx bash -c 'ulimit -n 4096; exec timeout 90 /usr/bin/python3 "$0" many 1000' \
	"$CLIENT" || nst_fail "1000 simultaneous connections"

# Every one of them closes: nothing stays established in the engine.
estab0() { [[ $(nst_stat TcpCurrEstab) == 0 ]]; }
nst_wait_for 10 estab0 || nst_fail "TcpCurrEstab $(nst_stat TcpCurrEstab)"
echo "TcpCurrEstab $(nst_stat TcpCurrEstab) TcpPassiveOpens" \
	"$(nst_stat TcpPassiveOpens) TcpRetransSegs $(nst_stat TcpRetransSegs)"
tcp_engine_stop
nst_pcap_clean "$NST_PCAP"
echo "PASS: test_tcp_services"
