#!/bin/bash
# SPDX-License-Identifier: MIT
# test_shim_epoll.sh - epoll(7) and raw syscall() under libnsshim.so, with
# engine UDP sockets (topology A) and a kernel-side echo server:
#   (a) shim_epoll_check prints the same epoll semantics as on the kernel
#       (LT, ET, ONESHOT, EPOLLOUT, timeouts, maxevents round robin, close,
#       dup, close_range, signals, the epoll_ctl errno table, and an
#       epoll fd holding an engine TCP socket watched from outside: nested
#       in another epoll, polled, selected),
#   (a2) ncat -u on its default epoll engine echoes byte-exact,
#   (b) node's dgram module (libuv: epoll, raw syscalls) echoes byte-exact,
#   (c) python3 selectors.EpollSelector over two sockets and a pipe,
#   (d) it all went through the engine and nothing is left over,
#   (e) an outer epoll waiting on an epoll fd with an engine socket wakes
#       when the engine is killed, and the inner one reports ERR|HUP.
. "$(dirname "$0")/lib.sh"
nst_require_root
nst_require /usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
SHIM=$BUILD/libnsshim.so
CHECK=$BUILD/shim_epoll_check
[[ -f $SHIM && -x $CHECK ]] || nst_fail "build $SHIM and $CHECK first"
PY=/usr/bin/python3
NODE=/usr/bin/node
PORT=7778
TPORT=7779

nst_setup
nst_tap_up
nst_engine_start --addr "$ENGINE4/24"
nst_wait_valid "$ENGINE4"
nst_bg_ns $PY "$here/shim_echo.py" "$KERNEL4" $PORT
nst_wait_for 5 nsx sh -c "ss -Huln 'sport = :$PORT' | grep -q ." || nst_fail 'echo server did not start'
nst_bg_ns $PY "$here/shim_echo.py" "$KERNEL4" $TPORT tcp
nst_wait_for 5 nsx sh -c "ss -Htln 'sport = :$TPORT' | grep -q ." || nst_fail 'TCP echo server did not start'

shim() {
	nsx env LD_PRELOAD="$SHIM" NSSHIM_SOCKET="$NST_CTL" "$@"
}
app_count() {
	nsctl -j apps | $PY -c 'import json,sys; print(len(json.load(sys.stdin)["apps"]))'
}
udp_socks() {
	nsctl -j udp | $PY -c 'import json,sys; d=json.load(sys.stdin); print(len(d if isinstance(d, list) else d.get("sockets", [])))'
}

out0=$(nst_stat UdpOutDatagrams)
tcp0=$(nst_stat TcpActiveOpens)

echo "== (a) epoll semantics, kernel vs shim"
nsx timeout 60 "$CHECK" "$KERNEL4" $PORT $TPORT >"$NST_DIR/kernel.txt" ||
	nst_fail "kernel run: $(cat "$NST_DIR/kernel.txt")"
shim timeout 60 "$CHECK" "$KERNEL4" $PORT $TPORT >"$NST_DIR/shim.txt" ||
	nst_fail "shim run: $(cat "$NST_DIR/shim.txt")"
cat "$NST_DIR/shim.txt"
diff -u "$NST_DIR/kernel.txt" "$NST_DIR/shim.txt" ||
	nst_fail "shim epoll semantics differ from the kernel's"
out1=$(nst_stat UdpOutDatagrams)
((out1 - out0 >= 13)) || nst_fail "check sent only $((out1 - out0)) datagrams through the engine"
tcp1=$(nst_stat TcpActiveOpens)
((tcp1 - tcp0 >= 1)) || nst_fail "the nested check's TCP socket did not use the engine"
echo "identical to the kernel; UdpOutDatagrams +$((out1 - out0)), TcpActiveOpens +$((tcp1 - tcp0))"
res=$(NSSHIM_LOG=1 shim timeout 20 $PY -c '
import ctypes, socket
libc = ctypes.CDLL(None, use_errno=True)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect((__import__("sys").argv[1], 9))
r = libc.syscall(425, 1, None)   # io_uring_setup
print("io_uring_setup", r, ctypes.get_errno())
' "$KERNEL4" 2>&1)
grep -q "io_uring_setup -1 38" <<<"$res" || nst_fail "io_uring_setup not ENOSYS: $res"
echo "raw io_uring_setup: ENOSYS"

if command -v ncat >/dev/null; then
	echo "== (a2) ncat -u with its default (epoll) nsock engine"
	printf 'first line\nsecond: \x01\x7f\n' >"$NST_DIR/lines"
	for i in 1 2; do
		sed -n "${i}p" "$NST_DIR/lines"
		sleep 0.3
	done | shim timeout 5 ncat -u -i 2 "$KERNEL4" $PORT \
		>"$NST_DIR/ncat.out" 2>"$NST_DIR/ncat.err" || true
	cmp "$NST_DIR/lines" "$NST_DIR/ncat.out" ||
		nst_fail "ncat: echo differs: $(od -c "$NST_DIR/ncat.out" | head) $(cat "$NST_DIR/ncat.err")"
	echo "ncat (epoll): 2 lines echoed byte-exact"
fi

if [[ -x $NODE ]]; then
	echo "== (b) node dgram, 300 echoes"
	out0=$(nst_stat UdpOutDatagrams)
	t0=$(date +%s%N)
	res=$(shim timeout 60 $NODE "$here/shim_dgram.js" "$ENGINE4" "$KERNEL4" $PORT 300 2>&1) ||
		nst_fail "node: $res"
	t1=$(date +%s%N)
	[[ $res == "ok 300" ]] || nst_fail "node: $res"
	out1=$(nst_stat UdpOutDatagrams)
	((out1 - out0 >= 300)) || nst_fail "node sent only $((out1 - out0)) datagrams through the engine"
	kres=$(nsx timeout 60 $NODE "$here/shim_dgram.js" "$KERNEL4" "$KERNEL4" $PORT 300 2>&1)
	t2=$(date +%s%N)
	echo "node: $res in $(((t1 - t0) / 1000000)) ms (UdpOutDatagrams +$((out1 - out0))); kernel only: $kres in $(((t2 - t1) / 1000000)) ms"
else
	echo "== (b) skipped: no $NODE"
fi

echo "== (c) python3 selectors.EpollSelector, 500 echoes"
out0=$(nst_stat UdpOutDatagrams)
t0=$(date +%s%N)
res=$(shim timeout 60 $PY "$here/shim_selectors.py" "$ENGINE4" "$KERNEL4" $PORT 500 2>&1) ||
	nst_fail "python: $res"
t1=$(date +%s%N)
[[ $res == "ok 500" ]] || nst_fail "python: $res"
out1=$(nst_stat UdpOutDatagrams)
((out1 - out0 >= 501)) || nst_fail "python sent only $((out1 - out0)) datagrams through the engine"
kres=$(nsx timeout 60 $PY "$here/shim_selectors.py" "$KERNEL4" "$KERNEL4" $PORT 500 2>&1)
t2=$(date +%s%N)
echo "python: $res in $(((t1 - t0) / 1000000)) ms (UdpOutDatagrams +$((out1 - out0))); kernel only: $kres in $(((t2 - t1) / 1000000)) ms"

echo "== (d) nothing left over"
nst_wait_for 5 test "$(app_count)" = 0 || nst_fail "apps still attached: $(nsctl -j apps)"
[[ $(udp_socks) == 0 ]] || nst_fail "sockets left over: $(nsctl -j udp)"
echo "no app attached, no UDP socket left"

echo "== (e) the engine dies under a nested epoll wait"
shim timeout 20 "$CHECK" "$KERNEL4" $PORT $TPORT death >"$NST_DIR/death.txt" 2>&1 &
dpid=$!
nst_wait_for 5 grep -q waiting "$NST_DIR/death.txt" || nst_fail "death check did not start: $(cat "$NST_DIR/death.txt")"
sleep 0.2
kill -9 "$NST_ENGINE_PID"
wait "$NST_ENGINE_PID" 2>/dev/null || true
wait "$dpid" || nst_fail "death check: $(cat "$NST_DIR/death.txt")"
cat "$NST_DIR/death.txt"
grep -q "outer: n 1 I:0x1 after engine death, fast 1" "$NST_DIR/death.txt" &&
	grep -q "inner: n 1 T err|hup 1" "$NST_DIR/death.txt" ||
	nst_fail "nested wait did not see the engine's death"
echo PASS
