#!/bin/bash
# SPDX-License-Identifier: MIT
# test_shim_threads.sh - threads asleep at the same time on engine
# sockets (topology A, kernel-side peer; shim_threads.py):
#   (a) 8 threads blocked in recv() on idle connections while the main
#       thread ping-pongs on another: each sleeps on a doorbell of its own
#       (private waiters), so the idle ones are not woken at all (they
#       were woken by every ring of the one process doorbell, and every
#       10 ms besides), and afterwards each receives exactly its own tag;
#   (b) 100 threads, more than the 63 private waiters: the rest share the
#       process doorbell in naps, and every one still gets its own tag.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcp_lib.sh"
nst_require_root
nst_require /usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
SHIM=$BUILD/libnsshim.so
[[ -f $SHIM ]] || nst_fail "build $SHIM first"
PY=/usr/bin/python3
T=$here/shim_threads.py

nst_setup
nst_tap_up
tcp_engine_start --addr "$ENGINE4/24"

shim() {
	nsx env LD_PRELOAD="$SHIM" NSSHIM_SOCKET="$NST_CTL" "$@"
}
field() { # field JSON NAME
	$PY -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"
}

nst_bg_ns $PY "$T" server "$KERNEL4" 7100
nst_wait_for 10 nsx sh -c "ss -Htln 'sport = :7100' | grep -q ." || nst_fail 'server did not start'

echo "== (a) 8 idle sleepers beside a ping-pong"
w0=$(nst_app_stat ShimWaiters)
out=$(shim timeout 60 $PY "$T" client "$KERNEL4" 7100 8 2) || nst_fail "(a) failed: $out"
echo "$out"
[[ $(field "$out" tags_ok) == 8 ]] || nst_fail "(a) a sleeper missed its own tag"
pings=$(field "$out" pings)
((pings >= 100)) || nst_fail "(a) only $pings pings in 2 s"
sw=$(field "$out" idle_switches)
# A few for stray events (the Python runtime); one per ping or per
# 10 ms nap would be hundreds.
((sw <= 16)) || nst_fail "(a) idle threads woke $sw times during $pings pings"
waiters=$(($(nst_app_stat ShimWaiters) - w0))
((waiters >= 9)) || nst_fail "(a) only $waiters private waiters were made"

echo "== (b) 100 sleepers: more than the private waiters"
out=$(shim timeout 60 $PY "$T" client "$KERNEL4" 7100 100 1) || nst_fail "(b) failed: $out"
echo "$out"
[[ $(field "$out" tags_ok) == 100 ]] || nst_fail "(b) a sleeper missed its own tag"

kill -0 "$EPID" || nst_fail "engine died"
echo "PASS test_shim_threads"
