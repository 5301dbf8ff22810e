#!/bin/bash
# SPDX-License-Identifier: MIT
# test_shim_udp.sh - unmodified programs under libnsshim.so talk UDP through
# the engine (topology A) to a kernel-side echo server:
#   (a) ncat -u exchanges lines byte-exact,
#   (b) a python3 client does 1000 random-size request/replies,
#   (c) shim_udp_check prints the same socket semantics as on the kernel,
#       IP_PKTINFO, IP_RECVTTL, IP_RECVTOS and IPV6_RECVPKTINFO control
#       messages included (the interface as each stack numbers it),
#   (d) the engine counted the datagrams and no socket is left over,
#   (e) SIGKILL of a shimmed app releases its sockets in the engine,
#   (f) NSSHIM_PASSTHROUGH=1 keeps the shim out; NSSHIM_LOG=1 logs.
. "$(dirname "$0")/lib.sh"
nst_require_root
nst_require ncat /usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
SHIM=$BUILD/libnsshim.so
CHECK=$BUILD/shim_udp_check
[[ -f $SHIM && -x $CHECK ]] || nst_fail "build $SHIM and $CHECK first"
PY=/usr/bin/python3
PORT=7777

nst_setup
nst_tap_up
nst_engine_start --addr "$ENGINE4/24"
nst_wait_valid "$ENGINE4"
nst_bg_ns $PY "$here/shim_echo.py" "$KERNEL4" $PORT
nst_wait_for 5 nsx sh -c "ss -Huln 'sport = :$PORT' | grep -q ." || nst_fail 'echo server did not start'

shim() {
	nsx env LD_PRELOAD="$SHIM" NSSHIM_SOCKET="$NST_CTL" "$@"
}
apps_json() {
	nsctl -j apps
}
app_count() {
	apps_json | $PY -c 'import json,sys; print(len(json.load(sys.stdin)["apps"]))'
}
app_counter() {
	apps_json | $PY -c 'import json,sys; print(json.load(sys.stdin)["counters"][sys.argv[1]])' "$1"
}
udp_socks() {
	nsctl -j udp | $PY -c 'import json,sys; d=json.load(sys.stdin); print(len(d if isinstance(d, list) else d.get("sockets", [])))'
}

out0=$(nst_stat UdpOutDatagrams)

echo "== (a) ncat -u"
printf 'line one\nline two: \x01\x7f binary-ish\nthird line\n' >"$NST_DIR/lines"
# nsock's epoll engine needs epoll, which the shim does not hook yet.
: >"$NST_DIR/ncat.out"
for i in 1 2 3; do
	sed -n "${i}p" "$NST_DIR/lines"
	sleep 0.3
done | shim timeout 5 ncat --nsock-engine poll -u -i 2 "$KERNEL4" $PORT \
	>"$NST_DIR/ncat.out" 2>"$NST_DIR/ncat.err" || true
cmp "$NST_DIR/lines" "$NST_DIR/ncat.out" ||
	nst_fail "ncat: echo differs: $(od -c "$NST_DIR/ncat.out" | head) $(cat "$NST_DIR/ncat.err")"
echo "ncat: 3 lines echoed byte-exact"

echo "== (b) python3, 1000 request/replies"
res=$(shim timeout 60 $PY "$here/shim_client.py" "$KERNEL4" $PORT 1000 2>&1) ||
	nst_fail "python client: $res"
[[ $res == "ok 1000" ]] || nst_fail "python client: $res"
echo "python: $res"

echo "== (c) socket semantics, kernel vs shim"
# IP_PKTINFO's ipi_ifindex: the kernel's index of the device its echo
# comes in on, the engine's own index (nsctl link) for the engine's.
kidx=$(nsx cat "/sys/class/net/$NST_DEV/ifindex")
eidx=$(nsctl -j link | $PY -c '
import json, sys
d = json.load(sys.stdin)
links = d if isinstance(d, list) else d.get("links", [])
print(next(l["index"] for l in links if l["name"] == sys.argv[1]))' "$NST_DEV")
nsx timeout 20 "$CHECK" "$KERNEL4" $PORT "$KERNEL4" "$kidx" >"$NST_DIR/kernel.txt" ||
	nst_fail "kernel run: $(cat "$NST_DIR/kernel.txt")"
shim timeout 20 "$CHECK" "$KERNEL4" $PORT "$ENGINE4" "$eidx" >"$NST_DIR/shim.txt" ||
	nst_fail "shim run: $(cat "$NST_DIR/shim.txt")"
cat "$NST_DIR/shim.txt"
diff -u "$NST_DIR/kernel.txt" "$NST_DIR/shim.txt" ||
	nst_fail "shim semantics differ from the kernel's"

echo "== (d) through the engine, nothing left over"
out1=$(nst_stat UdpOutDatagrams)
((out1 - out0 >= 1010)) || nst_fail "UdpOutDatagrams grew only $((out1 - out0))"
echo "UdpOutDatagrams +$((out1 - out0)), ShimTxDatagrams $(app_counter ShimTxDatagrams), ShimRxDatagrams $(app_counter ShimRxDatagrams)"
nst_wait_for 5 test "$(app_count)" = 0 || nst_fail "apps still attached: $(apps_json)"
[[ $(udp_socks) == 0 ]] || nst_fail "sockets left over: $(nsctl -j udp)"
echo "no app attached, no UDP socket left"

echo "== (e) SIGKILL releases the app's sockets"
# Not through the shim() function: $! must be python's own PID
# (ip netns exec and env both exec).
ip netns exec "$NST_NS" env LD_PRELOAD="$SHIM" NSSHIM_SOCKET="$NST_CTL" \
	$PY "$here/shim_client.py" "$KERNEL4" $PORT 5 hold >"$NST_DIR/hold.out" &
hold=$!
NST_PIDS+=("$hold")
nst_wait_for 10 grep -q holding "$NST_DIR/hold.out" || nst_fail "holder did not start"
[[ $(app_count) == 1 && $(udp_socks) == 1 ]] ||
	nst_fail "holder not seen: $(apps_json) $(nsctl -j udp)"
# The text form is a table: the holder's PID with its one socket.
nsctl apps | awk -v pid="$hold" '$2 == pid && $4 == 1 { ok = 1 } END { exit !ok }' ||
	nst_fail "nsctl apps does not list pid $hold: $(nsctl apps)"
kill -9 "$hold"
wait "$hold" 2>/dev/null || true
nst_wait_for 5 test "$(app_count)" = 0 || nst_fail "killed app still attached"
[[ $(udp_socks) == 0 ]] || nst_fail "killed app's socket left: $(nsctl -j udp)"
echo "killed app detached, its socket released"
echo "== (f) NSSHIM_PASSTHROUGH=1 leaves everything to the kernel"
att0=$(app_counter ShimAttaches)
res=$(NSSHIM_PASSTHROUGH=1 NSSHIM_LOG=1 shim timeout 20 $PY \
	"$here/shim_client.py" "$KERNEL4" $PORT 10 2>&1) || nst_fail "passthrough: $res"
[[ $res == "ok 10" && $(app_counter ShimAttaches) == "$att0" ]] ||
	nst_fail "passthrough attached or logged: $res"
res=$(NSSHIM_LOG=1 shim timeout 20 $PY "$here/shim_client.py" "$KERNEL4" $PORT 1 2>&1)
grep -q 'engine socket' <<<"$res" || nst_fail "NSSHIM_LOG: $res"
echo "passthrough: no attach; NSSHIM_LOG: $(grep -m1 'engine socket' <<<"$res")"
(( $(app_counter ShimBadCmds) == 0 && $(app_counter ShimBadRings) == 0 )) ||
	nst_fail "protocol errors counted: $(apps_json)"
echo PASS
