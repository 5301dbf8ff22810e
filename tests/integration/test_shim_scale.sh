#!/bin/bash
# SPDX-License-Identifier: MIT
# test_shim_scale.sh - thousands of engine sockets in one shimmed process
# (topology A, kernel-side peer):
#   (a) 2000 TCP connections from one process to a kernel echo server, a
#       distinct 3-byte tag echoed on each (content-checked),
#   (b) UDP sockets bound to the engine until one fails: exactly
#       SHIM_MAX_SOCKS (4096) succeed, the next bind() fails with EMFILE
#       (not a silent fall-back to the kernel stack),
#   (c) the engine's memory stays proportional to what was touched, and
#       everything is released afterwards,
#   (d) a program that raises its soft RLIMIT_NOFILE after start still
#       gets engine sockets on the fds above the old limit.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcp_lib.sh"
nst_require_root
nst_require /usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
SHIM=$BUILD/libnsshim.so
[[ -f $SHIM ]] || nst_fail "build $SHIM first"
PY=/usr/bin/python3
SCALE=$here/shim_scale.py
N=${NST_SCALE_CONNS:-2000}
MAXS=4096

nst_setup
nst_tap_up
tcp_engine_start --addr "$ENGINE4/24"

shim() {
	nsx env LD_PRELOAD="$SHIM" NSSHIM_SOCKET="$NST_CTL" "$@"
}
app_count() {
	nsctl -j apps | $PY -c 'import json,sys; print(len(json.load(sys.stdin)["apps"]))'
}
is() {
	test "$("$1")" = "$2"
}
mem() { # engine VmRSS and RssShmem in kB
	awk '/^VmRSS|^RssShmem/ {printf "%s %s kB  ", $1, $2}' "/proc/$EPID/status"
}

nst_bg_ns $PY "$SCALE" echo-server "$KERNEL4" 7000
nst_wait_for 10 nsx sh -c "ss -Htln 'sport = :7000' | grep -q ." || nst_fail 'echo server did not start'
echo "engine before: $(mem)"
opens0=$(nst_stat TcpActiveOpens)

echo "== (a) $N connections from one process"
out=$(shim timeout 240 $PY "$SCALE" many "$KERNEL4" 7000 "$N") || nst_fail "(a) failed: $out"
echo "$out"
[[ $out == "ok $N "* ]] || nst_fail "(a) printed '$out'"
opens=$(($(nst_stat TcpActiveOpens) - opens0))
((opens >= N)) || nst_fail "(a) only $opens connections went through the engine"
echo "engine after (a): $(mem)"

echo "== (b) exhaustion: EMFILE after $MAXS engine sockets"
out=$(shim timeout 120 $PY "$SCALE" exhaust "$ENGINE4") || nst_fail "(b) failed: $out"
echo "$out"
[[ $out == "$MAXS EMFILE" ]] || nst_fail "(b) expected '$MAXS EMFILE', got '$out'"
echo "engine after (b): $(mem)"

echo "== (d) fds above a soft RLIMIT_NOFILE raised after start"
# Started with a soft limit of 256, the program raises it (nginx's
# worker_rlimit_nofile does) and opens 1000 connections: all of them must
# be the engine's, up to the hard limit.
opens0=$(nst_stat TcpActiveOpens)
out=$(shim prlimit --nofile=256: timeout 120 $PY "$SCALE" raise "$KERNEL4" \
	7000 1000) || nst_fail "(d) failed: $out"
echo "$out"
[[ $out == "ok 1000 "* ]] || nst_fail "(d) printed '$out'"
opens=$(($(nst_stat TcpActiveOpens) - opens0))
((opens >= 1000)) || nst_fail "(d) only $opens of 1000 went through the engine"

echo "== (c) all released"
nst_wait_for 10 is app_count 0 || nst_fail "(c) apps left: $(nsctl -j apps)"
kill -0 "$EPID" || nst_fail "engine died"
echo "PASS test_shim_scale"
