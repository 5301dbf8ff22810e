#!/bin/bash
# SPDX-License-Identifier: MIT
# test_shim_tcp.sh - unmodified programs under libnsshim.so speak TCP
# through the engine (topology A) with kernel-side peers, checked for
# content:
#   (a) curl GETs 50 MB from a kernel-side `python3 -m http.server`
#       (sha256 matches; the engine's active open against the kernel),
#   (b) curl POSTs 10 MB to a kernel-side server that answers the sha256,
#   (c) 100 requests over one keep-alive connection (one active open),
#   (d) `python3 -m http.server` under the shim, fetched by kernel curl,
#   (e) ncat both directions, (f) wget,
#   (g) shim_tcp_check prints the same errno semantics as a kernel client,
#       urgent data (MSG_OOB, SIOCATMARK, POLLPRI, SIGURG) included, both
#       from and to a kernel peer (shim_tcp_check --oob-peer), and close()
#       with SO_LINGER waits as the kernel's
#       across a veth in a second namespace,
#   (h) SIGKILL of a shimmed curl mid-download releases its connection,
#   (i) afterwards no socket is stuck, no app attached, the engine alive.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcp_lib.sh"
nst_require_root
nst_require curl ncat wget sha256sum /usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
SHIM=$BUILD/libnsshim.so
CHECK=$BUILD/shim_tcp_check
[[ -f $SHIM && -x $CHECK ]] || nst_fail "build $SHIM and $CHECK first"
PY=/usr/bin/python3

nst_setup
nst_tap_up
tcp_engine_start --addr "$ENGINE4/24"

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
app_socks() {
	apps_json | $PY -c 'import json,sys; print(sum(a["sockets"] for a in json.load(sys.stdin)["apps"]))'
}
# is FUNC VALUE: FUNC prints VALUE now (for nst_wait_for, which re-runs
# its command: a "$(...)" argument would be evaluated only once).
is() {
	test "$("$1")" = "$2"
}
sha() {
	sha256sum "$1" | cut -d' ' -f1
}
# tcp_conns: engine TCBs not in TIME-WAIT (TIME-WAIT is the normal end).
tcp_conns() {
	nsctl -j ss | $PY -c '
import json, sys
d = json.load(sys.stdin)
conns = d if isinstance(d, list) else d.get("connections", d.get("sockets", []))
print(sum(1 for c in conns if "TIME" not in str(c.get("state", ""))))'
}

mkdir -p "$NST_DIR/www" "$NST_DIR/srv"
head -c $((50 << 20)) /dev/urandom >"$NST_DIR/www/big"
head -c $((10 << 20)) /dev/urandom >"$NST_DIR/post"
big=$(sha "$NST_DIR/www/big")
nst_bg_ns $PY -m http.server --bind "$KERNEL4" --directory "$NST_DIR/www" 8000
nst_bg_ns $PY "$here/shim_http.py" "$KERNEL4" 8001
nst_wait_for 10 nsx sh -c "ss -Htln 'sport = :8000' | grep -q ." || nst_fail 'http.server did not start'
nst_wait_for 10 nsx sh -c "ss -Htln 'sport = :8001' | grep -q ." || nst_fail 'shim_http.py did not start'
opens0=$(nst_stat TcpActiveOpens)

echo "== (a) curl GET 50 MB from the kernel"
t0=$(date +%s.%N)
shim timeout 120 curl -sS -o "$NST_DIR/got" "http://$KERNEL4:8000/big" ||
	nst_fail "curl GET failed"
t1=$(date +%s.%N)
[[ $(sha "$NST_DIR/got") == "$big" ]] || nst_fail "GET: sha256 differs ($(stat -c %s "$NST_DIR/got") bytes)"
echo "GET 50 MB: sha256 ok, $(awk "BEGIN{printf \"%.1f\", 50/($t1-$t0)}") MB/s"
(($(nst_stat TcpActiveOpens) > opens0)) || nst_fail "curl did not go through the engine"

echo "== (b) curl POST 10 MB to the kernel"
res=$(shim timeout 120 curl -sS --data-binary @"$NST_DIR/post" \
	-H 'Content-Type: application/octet-stream' "http://$KERNEL4:8001/sha") ||
	nst_fail "curl POST failed"
[[ $res == "$(sha "$NST_DIR/post")" ]] || nst_fail "POST: server saw $res"
echo "POST 10 MB: the server's sha256 matches"

echo "== (c) 100 requests over one keep-alive connection"
opens1=$(nst_stat TcpActiveOpens)
shim timeout 60 curl -sS "http://$KERNEL4:8001/n/[1-100]" >"$NST_DIR/ka" ||
	nst_fail "keep-alive curl failed"
for i in $(seq 100); do echo "reply $i"; done | cmp - "$NST_DIR/ka" ||
	nst_fail "keep-alive replies differ: $(head -3 "$NST_DIR/ka")"
opens=$(($(nst_stat TcpActiveOpens) - opens1))
((opens == 1)) || nst_fail "keep-alive used $opens connections"
echo "100 replies in order over 1 connection"

echo "== (d) python3 -m http.server under the shim, kernel curl"
cp "$NST_DIR/www/big" "$NST_DIR/srv/big"
ip netns exec "$NST_NS" env LD_PRELOAD="$SHIM" NSSHIM_SOCKET="$NST_CTL" \
	$PY -m http.server --bind "$ENGINE4" --directory "$NST_DIR/srv" 8080 \
	>"$NST_DIR/srv.log" 2>&1 &
srv=$!
NST_PIDS+=("$srv")
nst_wait_for 10 nsx curl -s -o /dev/null "http://$ENGINE4:8080/" ||
	nst_fail "shimmed http.server not reachable: $(cat "$NST_DIR/srv.log")"
# Three times: the threaded server's handler sleeps in send() while its
# main thread sleeps in poll() (a lost wake-up stalled this once).
for i in 1 2 3; do
	nsx timeout 60 curl -sS -o "$NST_DIR/got2" "http://$ENGINE4:8080/big" ||
		nst_fail "kernel curl $i from shimmed server failed"
	[[ $(sha "$NST_DIR/got2") == "$big" ]] || nst_fail "served file $i differs"
done
echo "served 50 MB three times: sha256 ok"
# Accepted sockets are closed as the server closes them, not at exit:
# only the listener is left.
nst_wait_for 10 is app_socks 1 ||
	nst_fail "shimmed server holds $(app_socks) engine sockets, want 1: $(apps_json)"
echo "shimmed server: accepted sockets released, 1 left (the listener)"
kill "$srv"
wait "$srv" 2>/dev/null || true

echo "== (e) ncat both directions"
head -c $((1 << 20)) /dev/urandom >"$NST_DIR/nc.in"
ip netns exec "$NST_NS" timeout 30 ncat -l "$KERNEL4" 9000 --recv-only \
	>"$NST_DIR/nc.out1" &
NST_PIDS+=($!)
nst_wait_for 10 nsx sh -c "ss -Htln 'sport = :9000' | grep -q ." || nst_fail 'ncat -l did not start'
shim timeout 30 ncat --nsock-engine poll --send-only "$KERNEL4" 9000 \
	<"$NST_DIR/nc.in" || nst_fail "shimmed ncat client failed"
nst_wait_for 10 cmp -s "$NST_DIR/nc.in" "$NST_DIR/nc.out1" ||
	nst_fail "shim -> kernel: ncat data differs"
ip netns exec "$NST_NS" env LD_PRELOAD="$SHIM" NSSHIM_SOCKET="$NST_CTL" \
	timeout 30 ncat --nsock-engine poll -l "$ENGINE4" 9001 --recv-only \
	>"$NST_DIR/nc.out2" 2>"$NST_DIR/nc.err" &
ncl=$!
NST_PIDS+=("$ncl")
sleep 1
nsx timeout 30 ncat --send-only "$ENGINE4" 9001 <"$NST_DIR/nc.in" ||
	nst_fail "kernel ncat to shimmed listener failed: $(cat "$NST_DIR/nc.err")"
wait "$ncl" || nst_fail "shimmed ncat -l failed: $(cat "$NST_DIR/nc.err")"
cmp "$NST_DIR/nc.in" "$NST_DIR/nc.out2" || nst_fail "kernel -> shim: ncat data differs"
echo "ncat: 1 MB each way byte-exact"

echo "== (f) wget"
shim timeout 120 wget -q -O "$NST_DIR/got3" "http://$KERNEL4:8000/big" ||
	nst_fail "wget failed"
[[ $(sha "$NST_DIR/got3") == "$big" ]] || nst_fail "wget: sha256 differs"
echo "wget 50 MB: sha256 ok"

echo "== (g) errno semantics, kernel vs shim"
# The kernel run is a kernel client in a second namespace across a veth
# (topology B, 198.51.100.0/24) against the same kind of server.
NS2=$NST_NS-k
ip netns add "$NS2"
trap 'rc=$?; set +e; ip netns del "$NS2" 2>/dev/null; (exit $rc); nst_teardown' EXIT
ip netns exec "$NS2" ip link set lo up
nsx ip link add "${NST_DEV}v" type veth peer name "${NST_DEV}w"
nsx ip link set "${NST_DEV}w" netns "$NS2"
nsx ip addr add 198.51.100.1/24 dev "${NST_DEV}v"
nsx ip link set "${NST_DEV}v" up
ip netns exec "$NS2" ip addr add 198.51.100.2/24 dev "${NST_DEV}w"
ip netns exec "$NS2" ip link set "${NST_DEV}w" up
nst_bg_ns $PY "$here/shim_http.py" 0.0.0.0 8002
# The urgent-data peer: always the kernel stack, for both runs.
nst_bg_ns "$CHECK" --oob-peer 8005
nst_wait_for 10 nsx sh -c "ss -Htln 'sport = :8002' | grep -q ." || nst_fail 'server 8002 did not start'
nst_wait_for 10 nsx sh -c "ss -Htln 'sport = :8005' | grep -q ." || nst_fail 'OOB peer did not start'
nst_wait_for 10 ip netns exec "$NS2" ping -c1 -W1 198.51.100.1 || nst_fail 'veth link down'
ip netns exec "$NS2" timeout 60 "$CHECK" 198.51.100.1 8002 9 198.51.100.2 8005 \
	>"$NST_DIR/kernel.txt" || nst_fail "kernel run: $(cat "$NST_DIR/kernel.txt")"
shim timeout 60 "$CHECK" "$KERNEL4" 8002 9 "$ENGINE4" 8005 >"$NST_DIR/shim.txt" ||
	nst_fail "shim run: $(cat "$NST_DIR/shim.txt")"
cat "$NST_DIR/shim.txt"
diff -u "$NST_DIR/kernel.txt" "$NST_DIR/shim.txt" ||
	nst_fail "shim semantics differ from the kernel's"
grep -q "^oob S6, kernel receiver: .*oob 1 'U'" "$NST_DIR/shim.txt" ||
	nst_fail "the kernel did not see our urgent byte"
# SO_LINGER {1, 1 s}: close blocks until the FIN is acknowledged, at most
# the linger time (against a peer whose window stays shut), as Linux's.
nst_bg_ns $PY "$here/linger_peers.py" 0.0.0.0 8003 8004
lingerpeers=${NST_PIDS[-1]}
nst_wait_for 10 nsx sh -c "ss -Htln 'sport = :8004' | grep -q ." ||
	nst_fail 'linger peers did not start'
ip netns exec "$NS2" timeout 30 $PY "$here/shim_linger.py" 198.51.100.1 \
	8003 8004 >"$NST_DIR/linger-k.txt" 2>"$NST_DIR/linger-k.err" ||
	nst_fail "kernel linger run: $(cat "$NST_DIR/linger-k.err")"
shim timeout 30 $PY "$here/shim_linger.py" "$KERNEL4" 8003 8004 \
	>"$NST_DIR/linger-s.txt" 2>"$NST_DIR/linger-s.err" ||
	nst_fail "shim linger run: $(cat "$NST_DIR/linger-s.err")"
cat "$NST_DIR/linger-s.txt" "$NST_DIR/linger-k.err" "$NST_DIR/linger-s.err"
diff -u "$NST_DIR/linger-k.txt" "$NST_DIR/linger-s.txt" ||
	nst_fail "SO_LINGER close differs from the kernel's"
grep -q "^stalled peer: close blocked$" "$NST_DIR/linger-s.txt" ||
	nst_fail "SO_LINGER close did not wait"
# The stalled peer's exit resets the orphan it never read from.
kill "$lingerpeers"
wait "$lingerpeers" 2>/dev/null || true

echo "== (h) SIGKILL mid-download releases the connection"
# Not through shim(): $! must be curl's own PID.
ip netns exec "$NST_NS" env LD_PRELOAD="$SHIM" NSSHIM_SOCKET="$NST_CTL" \
	curl -sS --limit-rate 1M -o /dev/null "http://$KERNEL4:8000/big" &
victim=$!
NST_PIDS+=("$victim")
nst_wait_for 10 is app_socks 1 || nst_fail "slow curl not seen: $(apps_json) $(nsctl ss)"
sleep 1
kill -9 "$victim"
wait "$victim" 2>/dev/null || true
nst_wait_for 5 is app_count 0 || nst_fail "killed curl still attached"
echo "killed curl detached, its connection released"

echo "== (i) nothing stuck, engine alive"
nst_wait_for 10 is app_count 0 || nst_fail "apps still attached: $(apps_json)"
nst_wait_for 10 is tcp_conns 0 || nst_fail "sockets stuck: $(nsctl ss)"
kill -0 "$EPID" || nst_fail "engine died"
(($(app_counter ShimBadCmds) == 0 && $(app_counter ShimBadRings) == 0)) ||
	nst_fail "protocol errors counted: $(apps_json)"
echo "ShimTcpTxBytes $(app_counter ShimTcpTxBytes) ShimTcpRxBytes $(app_counter ShimTcpRxBytes) ShimAccepts $(app_counter ShimAccepts)"
nsctl ss
echo PASS
