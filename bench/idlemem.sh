#!/bin/bash
# SPDX-License-Identifier: MIT
# idlemem.sh - engine memory per idle established TCP connection (issue #7)
#
#   bench/idlemem.sh [N [BYTES]]  (root; BUILD=... picks the build,
#                                  default ./build; N defaults to 2000,
#                                  BYTES echoed per connection to 16)
#
# Starts nsstackd with the echo service in a namespace of its own
# (topology A of TESTBED.md, no capture), lets idlemem.py open N
# connections and echo 16 bytes on each, waits 3 s so every delayed ACK
# and timer has settled (the engine releases idle storage after 1 to 2 s), and prints the engine's VmRSS before (fresh
# engine) and while the N connections sit idle, and the difference per
# connection: everything they cost, tables and allocator overhead included.
. "$(dirname "$0")/../tests/integration/lib.sh"
nst_require_root
N=${1:-2000}
BYTES=${2:-16}
HERE=$(cd "$(dirname "$0")" && pwd)
nst_setup
nst_tap_up
ip netns exec "$NST_NS" "$BUILD/nsstackd" --tap "$NST_DEV" \
	--control "$NST_DIR/ctl.sock" --addr 192.0.2.2/24 --service echo:7 \
	>"$NST_DIR/engine.log" 2>&1 &
NST_ENGINE_PID=$!
NST_PIDS+=("$NST_ENGINE_PID")
NST_CTL=$NST_DIR/ctl.sock
nst_wait_for 10 test -S "$NST_CTL" || nst_fail "engine did not come up"
nst_wait_valid 192.0.2.2
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$NST_ENGINE_PID/status"; }

round() { # round HOLD_S: one client run; prints RSS during the hold
	local out=$NST_DIR/client.json
	rm -f "$out"
	nsx bash -c 'ulimit -n 20000; exec timeout 300 /usr/bin/python3 "$@"' \
		sh "$HERE/idlemem.py" 192.0.2.2 7 "$N" "$1" "$BYTES" >"$out" &
	local cpid=$!
	for _ in $(seq 3000); do
		[[ -s $out ]] && break
		kill -0 "$cpid" 2>/dev/null || break
		sleep 0.1
	done
	[[ -s $out ]] || nst_fail "client: no result"
	sleep 3
	HOLD_RSS=$(rss_kb)
	wait "$cpid" || nst_fail "client: $(cat "$out")"
	CLIENT=$(cat "$out")
}

before=$(rss_kb)
round 5
after=$HOLD_RSS
echo "client: $CLIENT"
echo "engine VmRSS: ${before} kB idle, ${after} kB with $N idle connections"
echo "per idle connection: $(((after - before) * 1024 / N)) bytes"
