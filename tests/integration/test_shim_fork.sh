#!/bin/bash
# SPDX-License-Identifier: MIT
# test_shim_fork.sh - engine sockets across fork() and dup2() under
# libnsshim.so, kernel-side peers (topology A):
#   (a) fork, the child closes its copy: the parent's connection echoes
#       1 MB byte-exact,
#   (b) fork, the parent closes its copy: the child carries on (1 MB echo),
#   (c) a pre-fork listener with 3 worker processes accepting serves 200
#       kernel-side requests, all answered, spread over the workers,
#   (d) SIGKILL of a child sharing a listener releases only its share,
#   (e) dup2 of a connection onto stdin/stdout, original closed,
#   (e2) exec keeps a connection on an inheritable fd (sh writes and reads
#       it; head reads one dup2'ed onto stdin, with bytes received before
#       the exec; and through raw syscall(SYS_execve / SYS_execveat) with
#       LD_PRELOAD cleared, shim_rawexec), (e3) closes one on a
#       close-on-exec fd (the peer sees FIN
#       while the new program runs), (e4) python subprocess pass_fds and
#       os.posix_spawn,
#   (f) nginx (master + 2 workers; epoll, accept4, sendfile) serves 200
#       kernel curl requests (content-checked), and wrk -c50 if installed
#       with no socket error and no non-2xx reply,
#   (g) afterwards no app is attached and the engine is alive.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcp_lib.sh"
nst_require_root
nst_require curl /usr/bin/python3
here=$(cd "$(dirname "$0")" && pwd)
SHIM=$BUILD/libnsshim.so
[[ -f $SHIM ]] || nst_fail "build $SHIM first"
PY=/usr/bin/python3
FORK=$here/shim_fork.py
RAWEXEC=$BUILD/shim_rawexec
[[ -x $RAWEXEC ]] || nst_fail "build $RAWEXEC first"

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
is() {
	test "$("$1")" = "$2"
}

nst_bg_ns $PY "$FORK" echo-server "$KERNEL4" 7000
nst_wait_for 10 nsx sh -c "ss -Htln 'sport = :7000' | grep -q ." || nst_fail 'echo server did not start'
opens0=$(nst_stat TcpActiveOpens)

echo "== (a) fork, the child closes its copy"
shim timeout 60 $PY "$FORK" child-closes "$KERNEL4" 7000 || nst_fail "(a) failed"
(($(nst_stat TcpActiveOpens) > opens0)) || nst_fail "(a) did not go through the engine"
(($(app_counter ShimShares) >= 1)) || nst_fail "(a) nothing was shared"

echo "== (b) fork, the parent closes its copy"
shim timeout 60 $PY "$FORK" parent-closes "$KERNEL4" 7000 || nst_fail "(b) failed"

echo "== (c) pre-fork listener, 3 workers, 200 kernel-side requests"
ip netns exec "$NST_NS" env LD_PRELOAD="$SHIM" NSSHIM_SOCKET="$NST_CTL" \
	$PY "$FORK" prefork "$ENGINE4" 8080 3 >"$NST_DIR/prefork.log" 2>&1 &
pf=$!
NST_PIDS+=("$pf")
nst_wait_for 10 grep -q ok "$NST_DIR/prefork.log" || nst_fail "prefork did not start: $(cat "$NST_DIR/prefork.log")"
nsx $PY - "$ENGINE4" 8080 200 >"$NST_DIR/spread" <<'EOF' || nst_fail "(c) requests failed: $(cat "$NST_DIR/spread")"
import collections, socket, sys
addr, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
seen = collections.Counter()
for i in range(n):
    s = socket.create_connection((addr, port), timeout=10)
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    buf = b""
    while True:
        d = s.recv(4096)
        if not d:
            break
        buf += d
    s.close()
    body = buf.split(b"\r\n\r\n", 1)[1]
    assert body.startswith(b"worker "), buf
    seen[body.strip()] += 1
print(sum(seen.values()), len(seen), dict(seen))
EOF
read -r total workers rest <"$NST_DIR/spread"
echo "answered $total, by $workers workers: $rest"
((total == 200)) || nst_fail "(c) answered $total of 200"
((workers >= 2)) || nst_fail "(c) only $workers worker(s) accepted"
kill "$pf"
wait "$pf" 2>/dev/null || true
nst_wait_for 10 is app_count 0 || nst_fail "(c) apps left: $(apps_json)"

echo "== (d) SIGKILL of a child releases only its share"
ip netns exec "$NST_NS" env LD_PRELOAD="$SHIM" NSSHIM_SOCKET="$NST_CTL" \
	$PY "$FORK" kill-child "$ENGINE4" 8081 >"$NST_DIR/kc.log" 2>&1 &
kc=$!
NST_PIDS+=("$kc")
nst_wait_for 10 grep -q ok "$NST_DIR/kc.log" || nst_fail "kill-child did not start: $(cat "$NST_DIR/kc.log")"
nst_wait_for 10 is app_count 1 || nst_fail "(d) the killed child's app remains: $(apps_json)"
got=$(nsx timeout 10 curl -s "telnet://$ENGINE4:8081" </dev/null || true)
[[ $got == "parent alive" ]] || nst_fail "(d) parent's listener answered '$got'"
wait "$kc" || nst_fail "(d) parent failed: $(cat "$NST_DIR/kc.log")"
echo "ok kill-child: the parent still accepted"

echo "== (e) dup2 onto stdin/stdout"
shim timeout 30 $PY "$FORK" dup-stdio "$KERNEL4" 7000 || nst_fail "(e) failed"

echo "== (e2) exec: an inherited connection, sh writes and reads it"
out=$(shim timeout 30 $PY "$FORK" exec-inherit "$KERNEL4" 7000) || nst_fail "(e2) failed: $out"
[[ $out == "got:hello-exec" ]] || nst_fail "(e2) sh printed '$out'"
echo "ok exec-inherit: $out"

echo "== (e2a) exec: SO_RCVTIMEO belongs to the open file, so it survives"
out=$(shim timeout 30 $PY "$FORK" exec-timeo "$KERNEL4" 7000) || nst_fail "(e2a) failed: $out"
[[ $out == "rcvtimeo 0.300000 EAGAIN in time" ]] || nst_fail "(e2a) printed '$out'"
echo "ok exec-timeo: $out"

echo "== (e2b) exec: a connection as stdin, its bytes already received"
out=$(shim timeout 30 $PY "$FORK" exec-stdin "$KERNEL4" 7000) || nst_fail "(e2b) failed: $out"
[[ $out == "line-through-stdin" ]] || nst_fail "(e2b) head printed '$out'"
echo "ok exec-stdin: head read the line received before the exec"

echo "== (e2c) exec through raw syscall(): execve, execveat, execveat()"
for mode in execve execveat execveat-empty execveat-libc; do
	out=$(shim timeout 30 "$RAWEXEC" "$mode" "$KERNEL4" 7000) ||
		nst_fail "(e2c) $mode failed: $out"
	[[ $out == "got:hello-raw" ]] || nst_fail "(e2c) $mode: sh printed '$out'"
	echo "ok raw $mode: $out"
done
out=$(shim timeout 30 "$RAWEXEC" fail "$KERNEL4" 7000) || nst_fail "(e2c) fail: $out"
[[ $out == $'exec: -1 No such file or directory\nafter-fail:ok' ]] ||
	nst_fail "(e2c) a failed raw exec printed '$out'"
echo "ok raw exec failure: ENOENT, the connection still works"

echo "== (e3) exec: a close-on-exec connection is closed (the peer sees FIN)"
nst_bg_ns $PY "$FORK" fin-server "$KERNEL4" 7001 "$NST_DIR/fin"
nst_wait_for 10 nsx sh -c "ss -Htln 'sport = :7001' | grep -q ." || nst_fail 'fin server did not start'
shim timeout 30 $PY "$FORK" exec-cloexec "$KERNEL4" 7001 &
ce=$!
nst_wait_for 1 test -s "$NST_DIR/fin" || nst_fail "(e3) no FIN while the exec'd program runs"
wait "$ce" || nst_fail "(e3) the exec'd program failed"
echo "ok exec-cloexec: FIN seen while the new program still ran"

echo "== (e4) python subprocess with pass_fds"
shim timeout 30 $PY "$FORK" passfds "$KERNEL4" 7000 || nst_fail "(e4) failed"
shim timeout 30 $PY "$FORK" spawn "$KERNEL4" 7000 || nst_fail "(e4) posix_spawn failed"

echo "== (f) nginx: master + 2 workers"
if [[ -x /usr/sbin/nginx ]]; then
	ng=$NST_DIR/nginx
	mkdir -p "$ng/www" "$ng/tmp"
	for i in $(seq 20); do head -c $((i * 997)) /dev/urandom >"$ng/www/f$i"; done
	cat >"$ng/nginx.conf" <<NGINX
worker_processes 2;
master_process on;
daemon off;
user root;
error_log $ng/error.log info;
pid $ng/nginx.pid;
events { worker_connections 512; }
http {
	access_log off;
	sendfile on;
	client_body_temp_path $ng/tmp/body;
	proxy_temp_path $ng/tmp/proxy;
	fastcgi_temp_path $ng/tmp/fastcgi;
	uwsgi_temp_path $ng/tmp/uwsgi;
	scgi_temp_path $ng/tmp/scgi;
	server {
		listen $ENGINE4:8088;
		root $ng/www;
	}
}
NGINX
	ip netns exec "$NST_NS" env LD_PRELOAD="$SHIM" NSSHIM_SOCKET="$NST_CTL" \
		/usr/sbin/nginx -c "$ng/nginx.conf" -p "$ng" >"$ng/out.log" 2>&1 &
	ngpid=$!
	NST_PIDS+=("$ngpid")
	nst_wait_for 10 nsx curl -s -o /dev/null "http://$ENGINE4:8088/f1" ||
		nst_fail "nginx did not come up: $(cat "$ng/out.log" "$ng/error.log")"
	for i in $(seq 200); do
		f=f$((i % 20 + 1))
		nsx curl -sS -o "$ng/got" "http://$ENGINE4:8088/$f" ||
			nst_fail "(f) request $i failed: $(tail -5 "$ng/error.log")"
		cmp -s "$ng/got" "$ng/www/$f" || nst_fail "(f) request $i: $f differs"
	done
	echo "nginx: 200 requests, content ok"
	if command -v wrk >/dev/null; then
		nsx wrk -t1 -c50 -d5s "http://$ENGINE4:8088/f3" >"$ng/wrk" 2>&1 ||
			nst_fail "(f) wrk failed: $(cat "$ng/wrk")"
		cat "$ng/wrk"
		! grep -q 'Socket errors' "$ng/wrk" || nst_fail "(f) wrk saw socket errors"
		! grep -q 'Non-2xx' "$ng/wrk" || nst_fail "(f) wrk saw non-2xx replies"
		grep -q 'Requests/sec' "$ng/wrk" || nst_fail "(f) no wrk result"
	fi
	kill -QUIT "$ngpid"
	for _ in $(seq 50); do
		kill -0 "$ngpid" 2>/dev/null || break
		sleep 0.1
	done
else
	echo "no nginx: skipped"
fi

echo "== (g) nothing left over"
nst_wait_for 10 is app_count 0 || nst_fail "apps left: $(apps_json)"
kill -0 "$EPID" || nst_fail "the engine died"
echo "shares: $(app_counter ShimShares), denied: $(app_counter ShimShareDenied)"
echo "PASS"
