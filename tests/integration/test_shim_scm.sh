#!/bin/bash
# SPDX-License-Identifier: MIT
# test_shim_scm.sh - engine sockets passed with SCM_RIGHTS between two
# separately started shimmed processes (not parent and child), kernel-side
# peers (topology A); shim_scm.py does the work on both ends:
#   (a) a connection and a kernel fd in one message; the sender closes its
#       copies and exits before the receiver calls recvmsg (the socket is
#       only in flight); the receiver reads the bytes that had reached the
#       sender's ring, echoes 1 MB byte-exact through an epoll selector,
#       and writes through the kernel fd,
#   (b) a listener, the sender keeping its copy: the receiver (with
#       MSG_CMSG_CLOEXEC) accepts 3 kernel clients, each answered,
#   (c) a connected UDP socket: 5 datagrams echoed by a kernel server,
#   (d) two connections, room for one fd: MSG_CTRUNC, the first works,
#   (e) counters moved, nothing is left attached, the engine is alive.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcp_lib.sh"
nst_require_root
nst_require /usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
SHIM=$BUILD/libnsshim.so
[[ -f $SHIM ]] || nst_fail "build $SHIM first"
PY=/usr/bin/python3
SCM=$here/shim_scm.py

nst_setup
nst_tap_up
tcp_engine_start --addr "$ENGINE4/24"

apps_json() {
	nsctl -j apps
}
app_count() {
	apps_json | $PY -c 'import json,sys; print(len(json.load(sys.stdin)["apps"]))'
}
app_counter() {
	apps_json | $PY -c 'import json,sys; print(json.load(sys.stdin)["counters"][sys.argv[1]])' "$1"
}
is() {
	test "$("$1")" = "$2"
}
# receiver NAME ARGS...: start a shimmed receiver, wait until it listens.
receiver() {
	local name=$1
	shift
	ip netns exec "$NST_NS" env LD_PRELOAD="$SHIM" NSSHIM_SOCKET="$NST_CTL" \
		timeout 90 $PY "$SCM" "$@" >"$NST_DIR/$name.log" 2>&1 &
	RPID=$!
	NST_PIDS+=("$RPID")
	nst_wait_for 10 grep -q ready "$NST_DIR/$name.log" ||
		nst_fail "$name receiver did not start: $(cat "$NST_DIR/$name.log")"
}
# sender ARGS...: a shimmed sender, to completion.
sender() {
	nsx env LD_PRELOAD="$SHIM" NSSHIM_SOCKET="$NST_CTL" NSSHIM_LOG=${NSSHIM_LOG:-0} timeout 60 \
		$PY "$SCM" "$@" || nst_fail "sender $1 failed"
}
# finish NAME WANT: the receiver exits 0 and printed a line starting WANT.
finish() {
	wait "$RPID" || nst_fail "$1 receiver failed: $(cat "$NST_DIR/$1.log")"
	grep "^ok" "$NST_DIR/$1.log"
	grep -q "^$2" "$NST_DIR/$1.log" || nst_fail "$1: $(cat "$NST_DIR/$1.log")"
}

nst_bg_ns $PY "$here/shim_scale.py" echo-server "$KERNEL4" 7000
nst_bg_ns $PY "$SCM" udp-echo "$KERNEL4" 7001
nst_wait_for 10 nsx sh -c "ss -Htln 'sport = :7000' | grep -q ." || nst_fail 'echo server did not start'
opens0=$(nst_stat TcpActiveOpens)

echo "== (a) a connection and a kernel fd, in flight after the sender exited"
receiver tcp recv-tcp "$NST_DIR/a.sock"
sender send-tcp "$NST_DIR/a.sock" "$KERNEL4" 7000 "$NST_DIR/kfd"
finish tcp "ok tcp peer=$KERNEL4:7000 early='early' echo=1048576"
[[ $(cat "$NST_DIR/kfd") == kernel-fd-ok ]] || nst_fail "(a) kernel fd: '$(cat "$NST_DIR/kfd")'"
(($(nst_stat TcpActiveOpens) > opens0)) || nst_fail "(a) did not go through the engine"

echo "== (b) a listener, still held by the sender"
receiver listen recv-listen "$NST_DIR/b.sock" 3
ip netns exec "$NST_NS" env LD_PRELOAD="$SHIM" NSSHIM_SOCKET="$NST_CTL" \
	timeout 60 $PY "$SCM" send-listen "$NST_DIR/b.sock" "$ENGINE4" 8090 \
	>"$NST_DIR/sl.log" 2>&1 &
spid=$!
NST_PIDS+=("$spid")
nst_wait_for 10 grep -q listening "$NST_DIR/listen.log" || nst_fail "(b) not listening: $(cat "$NST_DIR/listen.log")"
for i in 1 2 3; do
	got=$(nsx $PY -c '
import socket, sys
c = socket.create_connection((sys.argv[1], 8090), timeout=10)
c.sendall(b"hi %s\n" % sys.argv[2].encode())
print(c.recv(100).decode().strip())' "$ENGINE4" "$i") || nst_fail "(b) client $i failed"
	[[ $got == "got hi $i" ]] || nst_fail "(b) client $i got '$got'"
done
finish listen "ok listen accepted=3"
wait "$spid" || nst_fail "(b) sender failed: $(cat "$NST_DIR/sl.log")"

echo "== (c) a UDP socket"
receiver udp recv-udp "$NST_DIR/c.sock"
sender send-udp "$NST_DIR/c.sock" "$ENGINE4" "$KERNEL4" 7001
finish udp "ok udp echoed=5"

echo "== (d) two connections, room for one fd"
receiver trunc recv-trunc "$NST_DIR/d.sock"
sender send-two "$NST_DIR/d.sock" "$KERNEL4" 7000
finish trunc "ok trunc fds=1 ctrunc=1"

echo "== (e) counters, nothing left"
passes=$(app_counter ShimPasses)
adopts=$(app_counter ShimAdopts)
echo "ShimPasses=$passes ShimAdopts=$adopts ShimAdoptDenied=$(app_counter ShimAdoptDenied) ShimCtlBad=$(app_counter ShimCtlBad)"
((passes == 5)) || nst_fail "(e) $passes passes, expected 5"
((adopts == 4)) || nst_fail "(e) $adopts adoptions, expected 4"
nst_wait_for 10 is app_count 0 || nst_fail "(e) apps left: $(apps_json)"
nst_wait_for 10 sh -c "[ \"\$(ip netns exec $NST_NS $BUILD/nsctl -s $NST_CTL -j apps | $PY -c 'import json,sys; print(json.load(sys.stdin)[\"passes\"])')\" = 0 ]" ||
	nst_fail "(e) passes left: $(apps_json)"
kill -0 "$EPID" || nst_fail "engine died"
echo "PASS test_shim_scm"
