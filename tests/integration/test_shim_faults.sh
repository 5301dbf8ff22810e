#!/bin/bash
# SPDX-License-Identifier: MIT
# test_shim_faults.sh - the shim's fault model (issue 5, item 5), with a
# kernel-side UDP echo server as the peer:
#   (a) hostile apps that overwrite their own arena with random bytes do
#       not crash the engine, are counted, and do not disturb another app
#       running 1000 request/replies at the same time;
#   (b) another user cannot attach: the control socket's mode keeps it
#       out, and with the mode opened up the engine's SO_PEERCRED check
#       refuses it; either way its sockets stay on the kernel;
#   (c) an engine killed with SIGKILL turns a blocked recv into an error
#       within a second, and later calls fail instead of hanging or
#       silently feeding rings nobody reads (UDP and TCP).
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
bad=$(($(nst_app_stat ShimBadCmds) + $(nst_app_stat ShimBadRings)))
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
att0=$(nst_app_stat ShimAttaches)
chmod 0711 "$NST_DIR"
res=$(as_nobody env NSSHIM_LOG=1 timeout 20 $PY "$here/shim_client.py" \
	"$KERNEL4" $PORT 10 2>&1) || true
grep -q 'attach failed' <<<"$res" || nst_fail "nobody attached? $res"
[[ $(nst_app_stat ShimAttaches) == "$att0" ]] || nst_fail "nobody attached: $(nsctl apps)"
echo "socket mode 0600 keeps uid 65534 out: $(grep -m1 'attach failed' <<<"$res")"
chmod 0666 "$NST_CTL"
res=$(as_nobody env NSSHIM_LOG=1 timeout 20 $PY "$here/shim_client.py" \
	"$KERNEL4" $PORT 10 2>&1) || true
grep -q 'control: refused a client of another user' "$NST_DIR/engine.log" ||
	nst_fail "engine did not refuse uid 65534: $(tail -3 "$NST_DIR/engine.log")"
[[ $(nst_app_stat ShimAttaches) == "$att0" ]] || nst_fail "nobody attached: $(nsctl apps)"
grep -q 'attach failed' <<<"$res" || nst_fail "shim did not report the refusal: $res"
[[ $(tail -1 <<<"$res") == "ok 10" ]] || nst_fail "refused app did not fall back to the kernel: $res"
echo "with the mode opened, the engine's SO_PEERCRED check refuses it; its sockets stay on the kernel (ok 10)"
chmod 0600 "$NST_CTL"

echo "== (c) the engine dies under a blocked app"
cat >"$NST_DIR/blocked.py" <<'EOF'
import errno, select, socket, sys, time
host, port = sys.argv[1], int(sys.argv[2])
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.connect((host, port))  # a sink: never answers
u.send(b"x")
t = socket.create_connection((host, port))  # a TCP sink: reads, never writes
t.sendall(b"hello")
print("blocking", flush=True)

def fails(what, call):
    """Print the errno CALL fails with; retry for up to 1 s, since a call
    that does not block notices the engine's death within 50 ms."""
    end = time.monotonic() + 1
    while True:
        try:
            call()
        except OSError as e:
            print(what, errno.errorcode[e.errno], flush=True)
            return
        if time.monotonic() > end:
            print(what, "still succeeds after 1 s", flush=True)
            return
        time.sleep(0.01)

fails("udp recv", lambda: u.recv(100))      # blocked when the engine dies
fails("udp send", lambda: u.send(b"y"))
fails("tcp send", lambda: t.send(b"z"))
fails("tcp recv", lambda: t.recv(100))
p = select.poll()
p.register(t, select.POLLIN | select.POLLOUT)
ev = dict(p.poll(1000)).get(t.fileno(), 0)
print("tcp poll", "ERR|HUP" if ev & select.POLLERR and ev & select.POLLHUP else ev, flush=True)
EOF
SINK=7779
nst_bg_ns $PY -c '
import socket, sys, threading
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind((sys.argv[1], int(sys.argv[2])))
threading.Thread(target=lambda: [u.recv(2048) for _ in iter(int, 1)], daemon=True).start()
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind((sys.argv[1], int(sys.argv[2])))
l.listen()
c, _ = l.accept()
while c.recv(65536):
    pass' "$KERNEL4" $SINK
nst_wait_for 5 nsx sh -c "ss -Htln 'sport = :$SINK' | grep -q ." || nst_fail 'sink did not start'
shim timeout 20 $PY "$NST_DIR/blocked.py" "$KERNEL4" $SINK >"$NST_DIR/blocked.out" 2>&1 &
blocked=$!
NST_PIDS+=("$blocked")
nst_wait_for 10 grep -q blocking "$NST_DIR/blocked.out" || nst_fail "blocked app did not start"
sleep 0.3
t0=$(date +%s%N)
kill -9 "$NST_ENGINE_PID"
wait "$blocked" || nst_fail "blocked app: $(cat "$NST_DIR/blocked.out")"
ms=$((($(date +%s%N) - t0) / 1000000))
expect=$(printf '%s\n' blocking "udp recv ECONNRESET" "udp send ENETDOWN" \
	"tcp send ECONNRESET" "tcp recv ECONNRESET" "tcp poll ERR|HUP")
[[ $(cat "$NST_DIR/blocked.out") == "$expect" ]] ||
	nst_fail "after the engine died: $(cat "$NST_DIR/blocked.out")"
((ms < 1000)) || nst_fail "the calls took $ms ms to fail"
echo "all failed within $ms ms of SIGKILL: $(tail -n +2 "$NST_DIR/blocked.out" | tr '\n' ';')"
NST_ENGINE_PID=
echo PASS
