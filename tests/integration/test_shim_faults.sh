#!/bin/bash
# SPDX-License-Identifier: MIT
# test_shim_faults.sh - the shim's fault model (issue 5, item 5), with a
# kernel-side UDP echo server as the peer:
#   (a) hostile apps that overwrite their own arena with random bytes do
#       not crash the engine, are counted, and do not disturb another app
#       running 1000 request/replies at the same time;
#   (b) another user cannot attach: the control socket's mode keeps it
#       out, and with the mode opened up the engine's SO_PEERCRED check
#       refuses it; either way its sockets stay on the kernel.
. "$(dirname "$0")/lib.sh"
nst_require_root
nst_require setpriv /usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
SHIM=$BUILD/libnsshim.so
SCRIBBLE=$BUILD/shim_scribble
[[ -f $SHIM && -x $SCRIBBLE ]] || nst_fail "build $SHIM and $SCRIBBLE first"
PY=/usr/bin/python3
PORT=7777

nst_setup
nst_tap_up
nst_engine_start --addr "$ENGINE4/24"
nst_wait_valid "$ENGINE4"
nst_bg_ns $PY "$here/shim_echo.py" "$KERNEL4" $PORT
nst_wait_for 5 nsx sh -c "ss -Huln 'sport = :$PORT' | grep -q ." ||
	nst_fail 'echo server did not start'

shim() {
	nsx env LD_PRELOAD="$SHIM" NSSHIM_SOCKET="$NST_CTL" "$@"
}
app_counter() {
	nsctl -j apps | $PY -c 'import json,sys; print(json.load(sys.stdin)["counters"][sys.argv[1]])' "$1"
}
app_count() {
	nsctl -j apps | $PY -c 'import json,sys; print(len(json.load(sys.stdin)["apps"]))'
}

echo "== (a) 20 hostile apps scribble over their arenas; a good app runs alongside"
shim timeout 120 $PY "$here/shim_client.py" "$KERNEL4" $PORT 1000 \
	>"$NST_DIR/good.out" 2>&1 &
good=$!
NST_PIDS+=("$good")
died=0 finished=0
for seed in $(seq 1 20); do
	rc=0
	shim timeout 10 "$SCRIBBLE" "$KERNEL4" $PORT "$seed" 200 \
		>>"$NST_DIR/scribble.out" 2>&1 || rc=$?
	((rc == 0)) && finished=$((finished + 1)) || died=$((died + 1))
	kill -0 "$NST_ENGINE_PID" 2>/dev/null ||
		nst_fail "engine died on scribbler seed $seed: $(tail -5 "$NST_DIR/engine.log")"
done
wait "$good" || nst_fail "good app failed: $(cat "$NST_DIR/good.out")"
[[ $(cat "$NST_DIR/good.out") == "ok 1000" ]] ||
	nst_fail "good app: $(cat "$NST_DIR/good.out")"
bad=$(($(app_counter ShimBadCmds) + $(app_counter ShimBadRings)))
((bad > 0)) || nst_fail "no damage counted: $(nsctl -j apps)"
nst_wait_for 5 test "$(app_count)" = 0 || nst_fail "apps left attached: $(nsctl apps)"
echo "engine alive; $finished scribblers ran to the end, $died stopped early;" \
	"ShimBadCmds+ShimBadRings $bad; the good app: $(cat "$NST_DIR/good.out")"
shim timeout 20 $PY "$here/shim_client.py" "$KERNEL4" $PORT 100 | grep -qx 'ok 100' ||
	nst_fail "a new app cannot use the engine after the scribblers"
echo "a new app still gets 100/100 through the engine"

echo "== (b) another user"
as_nobody() {
	shim setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
att0=$(app_counter ShimAttaches)
chmod 0711 "$NST_DIR"
res=$(as_nobody env NSSHIM_LOG=1 timeout 20 $PY "$here/shim_client.py" \
	"$KERNEL4" $PORT 10 2>&1) || true
grep -q 'attach failed' <<<"$res" || nst_fail "nobody attached? $res"
[[ $(app_counter ShimAttaches) == "$att0" ]] || nst_fail "nobody attached: $(nsctl apps)"
echo "socket mode 0600 keeps uid 65534 out: $(grep -m1 'attach failed' <<<"$res")"
chmod 0666 "$NST_CTL"
res=$(as_nobody env NSSHIM_LOG=1 timeout 20 $PY "$here/shim_client.py" \
	"$KERNEL4" $PORT 10 2>&1) || true
grep -q 'control: refused a client of another user' "$NST_DIR/engine.log" ||
	nst_fail "engine did not refuse uid 65534: $(tail -3 "$NST_DIR/engine.log")"
[[ $(app_counter ShimAttaches) == "$att0" ]] || nst_fail "nobody attached: $(nsctl apps)"
grep -q 'attach failed' <<<"$res" || nst_fail "shim did not report the refusal: $res"
[[ $(tail -1 <<<"$res") == "ok 10" ]] || nst_fail "refused app did not fall back to the kernel: $res"
echo "with the mode opened, the engine's SO_PEERCRED check refuses it; its sockets stay on the kernel (ok 10)"
chmod 0600 "$NST_CTL"

echo PASS
