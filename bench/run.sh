#!/bin/bash
# SPDX-License-Identifier: MIT
# run.sh - nsstack versus the kernel stack, in the same run, on the
# topologies of ../shared/TESTBED.md:
#
#   K  ns nsb-<pid>-k1 [kernel 192.0.2.1] ── veth ── [kernel 192.0.2.2] ns nsb-<pid>-k2
#   S  ns nsb-<pid>-s  [kernel 192.0.2.1] ── tap ── [nsstackd 192.0.2.2]
#
# Both links have MTU 1500; for the MTU 9000 iperf3 runs each topology
# gets a second link (198.51.100.0/24) at 9000.  Every workload runs on K
# and on S with the same program and the same parameters; bench/report.py
# turns the raw figures in $work into bench/results/<date>-<host>.{json,md}
# and PNG plots.
#
# Workloads that need the engine's TCP or libnsshim.so are detected at run
# time and reported as skipped until those exist; then they run.
#
# Use: bench/run.sh [BUILD]   (as root; `make bench` builds and calls it)
# Environment: BENCH_OUT (results folder, default bench/results),
#   BENCH_RR_N (100000), BENCH_PING_N (1000), BENCH_UDP_SECONDS (5),
#   BENCH_IPERF_SECONDS (10), BENCH_CONNS ("1000 10000 100000"),
#   BENCH_CONNS_PER_PROC (16000), BENCH_KERNEL_TCP=1 runs the kernel
#   halves of the TCP workloads even when the engine cannot (to test the
#   harness),
#   BENCH_KEEP=1 keeps the raw files (report.py WORK OUT re-makes a report).
#   BENCH_ONLY="WORD..." runs only the measurements it names: workloads
#   (icmp_echo udp_rr udp_stream tcp_bulk connscale tcp_rr iperf3 http
#   redis) and peers (pasta slirp4netns lwip, or peers for all three).
#   The optional peers (pasta, slirp4netns, lwIP; see "peers" below)
#   run each workload BENCH_PEER_SECONDS (5) or BENCH_PEER_RR_N (20000)
#   requests.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
out=${BENCH_OUT:-$here/results}
rr_n=${BENCH_RR_N:-100000}
ping_n=${BENCH_PING_N:-1000}
udp_s=${BENCH_UDP_SECONDS:-5}
iperf_s=${BENCH_IPERF_SECONDS:-10}
kernel_tcp=${BENCH_KERNEL_TCP:-0}
only=" ${BENCH_ONLY:-} "

udprr=$build/bench/udprr
nsstackd=$build/nsstackd
nsctl_bin=$build/nsctl
shim=$build/libnsshim.so
py=/usr/bin/python3

if [[ $EUID != 0 || ! -c /dev/net/tun ]]; then
	echo "bench: skipped: needs root and /dev/net/tun" >&2
	exit 77
fi
for c in ip ping gnuplot "$py" "$udprr" "$nsstackd" "$nsctl_bin"; do
	command -v "$c" >/dev/null || {
		echo "bench: missing $c" >&2
		exit 1
	}
done

tag=$$-$RANDOM
ns_k1=nsb-$tag-k1
ns_k2=nsb-$tag-k2
ns_s=nsb-$tag-s
# IFNAMSIZ is 16: short device names.
veth_a=nbka$((RANDOM % 100000))
veth_b=nbkb$((RANDOM % 100000))
tap=nbs$((RANDOM % 100000))
k_addr=192.0.2.1
e_addr=192.0.2.2
work=$(mktemp -d /tmp/nsbench.XXXXXX)
ctl=$work/ctl.sock
pids=()
ns_extra=() # the optional peers' namespaces
engine_pid=
started=$SECONDS

teardown() {
	local rc=$?
	set +e
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		for _ in $(seq 50); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$p" 2>/dev/null
	done
	if ((rc != 0)) && [[ -f $work/engine.log ]]; then
		echo "--- engine log (last 20 lines)"
		tail -20 "$work/engine.log"
	fi
	for n in "$ns_k1" "$ns_k2" "$ns_s" "${ns_extra[@]}"; do
		ip netns del "$n" 2>/dev/null
	done
	if [[ -n ${BENCH_KEEP:-} ]]; then
		echo "bench: raw files kept in $work"
	else
		rm -rf "$work"
	fi
	exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT TERM

say() {
	printf 'bench: [%3ds] %s\n' $((SECONDS - started)) "$*"
}

# bg NS CMD...: start CMD in namespace NS; its PID (the program's own,
# since `ip netns exec` execs it) goes to $last_pid and the teardown list.
bg() {
	local n=$1
	shift
	ip netns exec "$n" "$@" &
	last_pid=$!
	pids+=("$last_pid")
}

# stop_wait PID: SIGTERM the program and wait for it to report.
stop_wait() {
	kill "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

nsctl() {
	ip netns exec "$ns_s" "$nsctl_bin" -s "$ctl" "$@"
}

# mdir NAME: a fresh folder for one measurement's raw files.
mdir() {
	local d=$work/m/$1
	mkdir -p "$d"
	echo "$d"
}

# meta DIR KEY=VALUE...: the measurement's parameters, as JSON (values
# that look numeric are stored as numbers).
meta() {
	local d=$1
	shift
	"$py" -c '
import json, sys
m = {}
for kv in sys.argv[2:]:
    k, v = kv.split("=", 1)
    try:
        v = int(v)
    except ValueError:
        try:
            v = float(v)
        except ValueError:
            pass
    m[k] = v
json.dump(m, open(sys.argv[1], "w"))' "$d/meta.json" "$@"
}

# want NAME...: whether BENCH_ONLY selects a measurement of workload or
# peer NAME (any of them); an empty BENCH_ONLY selects every one.  A peer
# is named alone ("pasta") or as its skip's workload ("peer-pasta").
want() {
	local w
	[[ -z ${only// /} ]] && return 0
	for w; do
		w=${w#peer-}
		[[ $only == *" $w "* ]] && return 0
		case $w in
		pasta | slirp4netns | lwip)
			[[ $only == *" peers "* ]] && return 0
			;;
		esac
	done
	return 1
}
for w in $only; do
	case $w in
	icmp_echo | udp_rr | udp_stream | tcp_bulk | connscale | tcp_rr | \
		iperf3 | http | redis | pasta | slirp4netns | lwip | peers) ;;
	*)
		echo "bench: BENCH_ONLY: unknown workload or peer '$w'" >&2
		exit 2
		;;
	esac
done

# skip NAME WORKLOAD REASON: record a workload that cannot run here.
skip() {
	local d
	want "$2" || return 0
	d=$(mdir "$1")
	meta "$d" workload="$2" skipped="$3"
	say "$1: skipped: $3"
}

# snap DIR TAG: the counters and CPU times every measurement compares:
# /proc/net/snmp of each namespace, the engine's counters, link drops on
# the kernel side of the TAP, CPU of the engine and of ksoftirqd (softirq
# work the kernel could not do in the context of a process).
snap() {
	local d=$1 t=$2 n p st
	for n in "$ns_k1" "$ns_k2" "$ns_s"; do
		ip netns exec "$n" cat /proc/net/snmp >"$d/snmp-${n##*-}.$t"
	done
	if [[ -n $engine_pid ]]; then
		nsctl -j stats >"$d/engine-stats.$t"
		read -r -a st <"/proc/$engine_pid/stat"
		# utime and stime in clock ticks; schedstat in ns.
		echo "${st[13]} ${st[14]} $(getconf CLK_TCK)" \
			"$(cut -d' ' -f1 "/proc/$engine_pid/schedstat")" \
			>"$d/engine-cpu.$t"
		ip netns exec "$ns_s" cat "/sys/class/net/$tap/statistics/tx_dropped" \
			>"$d/tap-txdrop.$t"
	fi
	local sum=0 v
	for p in $(pgrep -x 'ksoftirqd/[0-9]+' || true); do
		read -r v _ <"/proc/$p/schedstat" || v=0
		sum=$((sum + v))
	done
	echo "$sum" >"$d/ksoftirqd-ns.$t"
}

# ---------------------------------------------------------------- topology
say "topology K: $ns_k1 ($veth_a $k_addr) <-> $ns_k2 ($veth_b $e_addr), mtu 1500"
ip netns add "$ns_k1"
ip netns add "$ns_k2"
ip netns add "$ns_s"
for n in "$ns_k1" "$ns_k2" "$ns_s"; do
	ip netns exec "$n" ip link set lo up
done
ip link add "$veth_a" netns "$ns_k1" mtu 1500 type veth \
	peer name "$veth_b" netns "$ns_k2" mtu 1500
ip netns exec "$ns_k1" ip addr add "$k_addr/24" dev "$veth_a"
ip netns exec "$ns_k2" ip addr add "$e_addr/24" dev "$veth_b"
ip netns exec "$ns_k1" ip link set "$veth_a" up
ip netns exec "$ns_k2" ip link set "$veth_b" up

say "topology S: $ns_s ($tap $k_addr) <-> nsstackd $e_addr, mtu 1500"
ip netns exec "$ns_s" ip tuntap add dev "$tap" mode tap
ip netns exec "$ns_s" ip link set "$tap" mtu 1500
ip netns exec "$ns_s" ip addr add "$k_addr/24" dev "$tap"
ip netns exec "$ns_s" ip link set "$tap" up
# engine_start: nsstackd on the TAP, its log appended to engine.log.
engine_start() {
	bg "$ns_s" "$nsstackd" --tap "$tap" --mtu 1500 --addr "$e_addr/24" \
		--control "$ctl" --log-level warn \
		--service echo:7,discard:9,chargen:19 >>"$work/engine.log" 2>&1
	engine_pid=$last_pid
}
engine_start
# wait_valid ADDR: the engine's ADDR is usable once RFC 5227 probing is
# over (up to ~10 s).
wait_valid() {
	local state=
	for _ in $(seq 150); do
		state=$(nsctl -j addr 2>/dev/null | "$py" -c '
import json, sys
for a in json.load(sys.stdin):
    if a["addr"] == sys.argv[1]:
        print(a["state"])' "$1" 2>/dev/null || true)
		[[ $state == valid ]] && return 0
		kill -0 "$engine_pid" 2>/dev/null || {
			echo "bench: engine died: $(cat "$work/engine.log")" >&2
			exit 1
		}
		sleep 0.1
	done
	echo "bench: engine address $1 never became valid" >&2
	exit 1
}
wait_valid "$e_addr"

# What the engine can do decides which workloads run.
# grep -q would exit at the first match and nsctl, still writing, die of
# SIGPIPE: under pipefail the test would then fail.  grep reads it all.
have_tcp=0
nsctl -a stats 2>/dev/null | grep -w TcpInSegs >/dev/null && have_tcp=1
have_shim=0
[[ -f $shim ]] && have_shim=1
say "engine pid $engine_pid; TCP in engine: $have_tcp; libnsshim.so: $have_shim"

# Warm the neighbour caches both ways so no measurement pays for ARP.
ip netns exec "$ns_k1" ping -c 3 -i 0.2 -W 1 -q "$e_addr" >/dev/null
ip netns exec "$ns_s" ping -c 3 -i 0.2 -W 1 -q "$e_addr" >/dev/null

show_rr() { # show_rr FILE: one line from udprr's JSON
	"$py" -c 'import json,sys; r=json.load(open(sys.argv[1]));
print("    error: " + r["error"] if "error" in r else
      "    p50 %(p50_us).1f us  p99 %(p99_us).1f us  %(rps).0f req/s  lost %(lost)d" % r)' "$1"
}

# client_failed DIR: a client that failed (a work-in-progress engine or
# shim) is recorded as an error in the results; the other workloads go on.
client_failed() {
	echo "{\"error\": \"client failed (exit $?)\"}" >"$1/client.json"
	say "$(basename "$1"): client failed, recorded as an error"
}

topo_ns() { # topo_ns K|S: the namespace of the kernel-side client
	[[ $1 == K ]] && echo "$ns_k1" || echo "$ns_s"
}

# ------------------------------------------------------------- ICMP echo
# ping(8) reports round trips in whole microseconds, too coarse here: udprr
# times ICMP echo itself on a ping socket, 1 ms apart as ping -i 0.001.
for topo in K S; do
	want icmp_echo || continue
	d=$(mdir "icmp_echo-$topo")
	n=$(topo_ns $topo)
	ip netns exec "$n" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	meta "$d" workload=icmp_echo topo="$topo" size=56 requests="$ping_n" \
		warmup=20 gap_us=1000 \
		tool="udprr icmp -s 56 -n $ping_n -g 1000 (like ping -c $ping_n -i 0.001)"
	say "icmp_echo $topo: $ping_n echo requests of 56 B, 1 ms apart"
	snap "$d" before
	ip netns exec "$n" "$udprr" icmp -h "$e_addr" -s 56 -n "$ping_n" \
		-g 1000 -w 20 -T 60 -o "$d/samples.txt" >"$d/client.json" ||
		client_failed "$d"
	snap "$d" after
	show_rr "$d/client.json"
done

# ------------------------------------------------------------ UDP RR
# K: udprr server on the far kernel; S: the engine's echo service (port 7).
# Variants on S once libnsshim.so exists: shim-server (a shimmed udprr
# on the engine answers the kernel client) and shim-client (a shimmed
# client asks a kernel udprr on the TAP's kernel side).
udp_rr() { # udp_rr TOPO SIZE [shim-server|shim-client]
	want udp_rr || return 0
	local topo=$1 size=$2 variant=${3:-} d port=7 spid='' server=engine-echo:7
	local dst=$e_addr pre=()
	d=$(mdir "udp_rr-$topo${variant:+-$variant}-$size")
	if [[ $topo == K ]]; then
		bg "$ns_k2" "$udprr" server -b "$e_addr" -p $port >"$d/server.json"
		spid=$last_pid server=udprr
	elif [[ $variant == shim-server ]]; then
		port=7007 server=udprr-shim
		bg "$ns_s" env LD_PRELOAD="$shim" NSSHIM_SOCKET="$ctl" \
			"$udprr" server -b "$e_addr" -p $port >"$d/server.json"
		spid=$last_pid
	elif [[ $variant == shim-client ]]; then
		port=7007 server=udprr-kernel dst=$k_addr
		pre=(env LD_PRELOAD="$shim" NSSHIM_SOCKET="$ctl")
		bg "$ns_s" "$udprr" server -b "$k_addr" -p $port >"$d/server.json"
		spid=$last_pid
	fi
	meta "$d" workload=udp_rr topo="$topo" variant="${variant:-service}" \
		size="$size" requests="$rr_n" warmup=200 timeout_ms=200 \
		server="$server"
	say "udp_rr $topo${variant:+ ($variant)}: $size B x $rr_n requests"
	sleep 0.2
	snap "$d" before
	ip netns exec "$(topo_ns "$topo")" "${pre[@]}" "$udprr" rr -h "$dst" \
		-p $port -s "$size" -n "$rr_n" -w 200 -T 60 \
		-o "$d/samples.txt" >"$d/client.json" || client_failed "$d"
	snap "$d" after
	if [[ -n $spid ]]; then
		stop_wait "$spid"
	fi
	show_rr "$d/client.json"
}
for size in 1 1024; do
	udp_rr K "$size"
	udp_rr S "$size"
	for v in shim-server shim-client; do
		if ((have_shim)); then
			udp_rr S "$size" "$v"
		else
			skip "udp_rr-S-$v-$size" udp_rr "needs libnsshim.so"
		fi
	done
done

# ------------------------------------------------------- UDP throughput
# The sender is always a kernel process; the receiver is a discard server
# (K) or the engine's discard service (S), counted by UdpInDatagrams.
udp_stream() { # udp_stream TOPO SIZE
	want udp_stream || return 0
	local topo=$1 size=$2 d spid=
	d=$(mdir "udp_stream-$topo-$size")
	meta "$d" workload=udp_stream topo="$topo" size="$size" seconds="$udp_s" \
		receiver="$([[ $topo == K ]] && echo udprr-discard || echo engine-discard:9)"
	say "udp_stream $topo: $size B datagrams for ${udp_s}s"
	if [[ $topo == K ]]; then
		bg "$ns_k2" "$udprr" server -d -b "$e_addr" -p 9 -i 500 \
			-T $((udp_s + 10)) >"$d/server.json"
		spid=$last_pid
		sleep 0.2
	fi
	snap "$d" before
	ip netns exec "$(topo_ns "$topo")" "$udprr" blast -h "$e_addr" -p 9 \
		-s "$size" -T "$udp_s" >"$d/client.json" || client_failed "$d"
	if [[ -n $spid ]]; then
		wait "$spid" || true
	else
		sleep 0.5 # let the engine drain the TAP queue
	fi
	snap "$d" after
}
for size in 1400 8000; do
	udp_stream K "$size"
	udp_stream S "$size"
done

# ------------------------------------------------------ TCP (gated)
tcp_s_reason=
((have_tcp)) || tcp_s_reason="needs TCP engine"
tcp_run_k=$((have_tcp || kernel_tcp))
for n in "$ns_k1" "$ns_k2" "$ns_s"; do
	ip netns exec "$n" sysctl -qw net.ipv4.tcp_congestion_control=reno
done
engine_tcp_setup() { # the engine's share of the TCP settings above
	if ((have_tcp)) &&
		nsctl commands 2>/dev/null | grep -w sysctl >/dev/null; then
		nsctl sysctl net.ipv4.tcp_congestion_control=reno \
			>/dev/null 2>&1 || true
	fi
}
engine_tcp_setup

# TCP RR: the same udprr in TCP mode (TCP_NODELAY).  S serves it from a
# shimmed udprr when libnsshim.so exists, else from the engine's TCP echo.
tcp_rr() { # tcp_rr TOPO SIZE
	want tcp_rr || return 0
	local topo=$1 size=$2 d port=7 spid='' server=engine-echo:7
	d=$(mdir "tcp_rr-$topo-$size")
	if [[ $topo == K ]]; then
		bg "$ns_k2" "$udprr" server -t -b "$e_addr" -p $port >"$d/server.json"
		spid=$last_pid server=udprr
	elif ((have_shim)); then
		port=7007 server=udprr-shim
		bg "$ns_s" env LD_PRELOAD="$shim" NSSHIM_SOCKET="$ctl" \
			"$udprr" server -t -b "$e_addr" -p $port >"$d/server.json"
		spid=$last_pid
	fi
	meta "$d" workload=tcp_rr topo="$topo" size="$size" requests="$rr_n" \
		warmup=200 server="$server" cc=reno
	say "tcp_rr $topo ($server): $size B x $rr_n requests"
	sleep 0.3
	snap "$d" before
	ip netns exec "$(topo_ns "$topo")" timeout 90 "$udprr" rr -t \
		-h "$e_addr" -p $port -s "$size" -n "$rr_n" -w 200 -T 60 \
		-o "$d/samples.txt" >"$d/client.json" || client_failed "$d"
	snap "$d" after
	if [[ -n $spid ]]; then
		stop_wait "$spid"
	fi
}

# Bulk TCP, one stream per direction, against a server with nothing to do
# but move bytes: bench/tcp_bulk.py serve on K, the engine's discard (9)
# and chargen (19) services on S.  "send" is kernel client -> server,
# "recv" server -> kernel client.  This is what the engine's TCP and the
# TAP offloads can do without an application in the way; iperf3 below
# adds a shimmed application on S.
bulk_s=${BENCH_BULK_SECONDS:-5}
proc_cpu() { # proc_cpu PID: "utime stime CLK_TCK" of a process
	local st
	read -r -a st <"/proc/$1/stat"
	echo "${st[13]} ${st[14]} $(getconf CLK_TCK)"
}
tcp_bulk() { # tcp_bulk TOPO DIR(send|recv)
	want tcp_bulk || return 0
	local topo=$1 dir=$2 d spid='' port=9
	[[ $dir == recv ]] && port=19
	d=$(mdir "tcp_bulk-$topo-$dir")
	meta "$d" workload=tcp_bulk topo="$topo" direction="$dir" \
		seconds="$bulk_s" cc=reno \
		tool="tcp_bulk.py $dir $e_addr $port $bulk_s" \
		server="$([[ $topo == K ]] && echo tcp_bulk.py serve ||
			echo "engine ${dir/send/discard}")"
	say "tcp_bulk $topo: $dir, ${bulk_s}s"
	if [[ $topo == K ]]; then
		bg "$ns_k2" "$py" "$here/tcp_bulk.py" serve "$e_addr"
		spid=$last_pid
		sleep 0.5
	fi
	snap "$d" before
	[[ -n $spid ]] && proc_cpu "$spid" >"$d/server-cpu.before"
	ip netns exec "$(topo_ns "$topo")" timeout $((bulk_s + 30)) \
		"$py" "$here/tcp_bulk.py" "$dir" "$e_addr" $port "$bulk_s" \
		>"$d/client.json" 2>"$d/client.err" || client_failed "$d"
	[[ -n $spid ]] && proc_cpu "$spid" >"$d/server-cpu.after"
	snap "$d" after
	if [[ -n $spid ]]; then
		stop_wait "$spid"
	fi
}

for dir in send recv; do
	if ((tcp_run_k)); then
		tcp_bulk K "$dir"
	else
		skip "tcp_bulk-K-$dir" tcp_bulk "needs TCP engine (no S to compare)"
	fi
	if [[ -z $tcp_s_reason ]]; then
		tcp_bulk S "$dir"
	else
		skip "tcp_bulk-S-$dir" tcp_bulk "$tcp_s_reason"
	fi
done

# Connection scaling: a client opens N idle connections (connscale.py,
# at most 512 connects in flight) and holds them while we look at the
# memory of the side that accepts: on K the servers' RSS plus half the
# growth of the kernel's slab (both ends are kernel sockets there), on S
# the engine's RSS (it holds the connections in its discard service).
# Reported per connection, with the connections opened per second.  The
# client then closes them, at most 512 at a time, each once the server's
# FIN is back: closed all at once, 100k FINs overflow the TAP's queue and
# the engine keeps the connections whose FIN was lost.
#
# A process may have 20000 open files here and cannot raise that (no
# CAP_SYS_RESOURCE; TESTBED.md): above conn_per_proc connections the
# client is one process per conn_per_proc (K: as many SO_REUSEPORT
# servers), each bound to an address of its own, fresh for the run
# (192.0.2.101 up, beside the client's 192.0.2.1 on the same /24, so
# neither the engine nor the K server needs a route; fresh, so no
# TIME-WAIT of an earlier run holds its ports).  The client namespaces'
# ephemeral port range is 1024-65535 meanwhile: connect() takes even
# ports first and scans every one of them once they are all in use, and
# 14286 connections from one address in the default 32768-60999 (14116
# even ports) opened at half the rate.
conns=${BENCH_CONNS:-1000 10000 100000}
conn_per_proc=${BENCH_CONNS_PER_PROC:-16000}
conn_next_src=101
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
slab_kb() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }
engine_estab() { # the engine's ESTABLISHED and CLOSE-WAIT connections
	nsctl -j stats 2>/dev/null | "$py" -c 'import json, sys
print(json.load(sys.stdin)["TcpCurrEstab"])' 2>/dev/null || echo -1
}
rss_sum_kb() { # rss_sum_kb PID...
	local p sum=0
	for p in "$@"; do
		sum=$((sum + $(rss_kb "$p")))
	done
	echo "$sum"
}
# conn_srcs NS DEV K: add K fresh client addresses on DEV in NS, warm
# both neighbour caches from each, and list them in the caller's srcs.
conn_srcs() {
	local n=$1 dev=$2 k=$3 a
	if ((conn_next_src + k > 255)); then
		echo "bench: connscale: out of client addresses" >&2
		exit 1
	fi
	for ((; k > 0; k--)); do
		a=192.0.2.$((conn_next_src++))
		ip netns exec "$n" ip addr add "$a/24" dev "$dev"
		ip netns exec "$n" ping -c 1 -W 1 -q -I "$a" "$e_addr" >/dev/null
		srcs+=("$a")
	done
}
# engine_restart: a fresh engine, with this run's TCP settings.  Each S
# run gets one: what it measures is the growth of the engine's RSS, and
# freed heap that earlier workloads left resident absorbs that growth.
# After udp_rr, udp_stream and tcp_bulk, 1000 connections grew the RSS
# by 0 to 1401 B each and 10000 by 948 to 1090 B, against 1442-1466 and
# 1368-1415 B on a fresh engine.
engine_restart() {
	kill "$engine_pid"
	wait "$engine_pid" 2>/dev/null || true
	engine_start
	wait_valid "$e_addr"
	engine_tcp_setup
	ip netns exec "$ns_s" ping -c 3 -i 0.2 -W 1 -q "$e_addr" >/dev/null
}
connscale() { # connscale TOPO N
	want connscale || return 0
	local topo=$1 n=$2 d spids=() pids_mem procs srcs=() i estab0 left
	if [[ $topo == S ]]; then
		engine_restart
	fi
	procs=$(((n + conn_per_proc - 1) / conn_per_proc))
	if ((procs > 1)); then
		if [[ $topo == K ]]; then
			conn_srcs "$ns_k1" "$veth_a" "$procs"
		else
			conn_srcs "$ns_s" "$tap" "$procs"
		fi
	fi
	d=$(mdir "connscale-$topo-$n")
	meta "$d" workload=connscale topo="$topo" conns="$n" hold_s=2 \
		procs="$procs" \
		tool="connscale.py open $e_addr 9 $n 2${srcs[*]:+ ${srcs[*]}}" \
		server="$([[ $topo == K ]] && echo "$procs x connscale.py serve" ||
			echo engine discard)"
	say "connscale $topo: $n idle connections from $procs process(es)"
	if [[ $topo == K ]]; then
		for ((i = 0; i < procs; i++)); do
			bg "$ns_k2" "$py" "$here/connscale.py" serve "$e_addr" 9
			spids+=("$last_pid")
		done
		sleep 0.5
		pids_mem=("${spids[@]}")
	else
		pids_mem=("$engine_pid")
	fi
	snap "$d" before
	[[ $topo == S ]] && estab0=$(engine_estab)
	echo "$(rss_sum_kb "${pids_mem[@]}") $(slab_kb)" >"$d/mem.before"
	ip netns exec "$(topo_ns "$topo")" timeout 180 \
		"$py" "$here/connscale.py" open "$e_addr" 9 "$n" 2 "${srcs[@]}" \
		>"$d/client.json" 2>"$d/client.err" &
	local cpid=$!
	pids+=("$cpid")
	for _ in $(seq 1500); do
		[[ -s $d/client.json ]] && break
		kill -0 "$cpid" 2>/dev/null || break
		sleep 0.1
	done
	sleep 0.5
	echo "$(rss_sum_kb "${pids_mem[@]}") $(slab_kb)" >"$d/mem.after"
	wait "$cpid" || client_failed "$d"
	if [[ $topo == S ]]; then
		# Every connection must have left the engine before the next
		# measurement (a FIN lost to a full TAP queue would leave one
		# there for good): wait for TcpCurrEstab to come back.
		for _ in $(seq 50); do
			left=$(($(engine_estab) - estab0))
			((left <= 0)) && break
			sleep 0.1
		done
		((left <= 0)) ||
			say "connscale S: the engine still holds $left connections"
	fi
	snap "$d" after
	"$py" -c 'import json, sys
c = {}
for line in open(sys.argv[1]):
    c.update(json.loads(line))
print("    error: " + c["error"] if "error" in c else
      "    opened %s in %s s, closed %s in %s s" % tuple(
          c.get(k, "?") for k in ("opened", "open_s", "closed", "close_s")))
' "$d/client.json" || true
	for i in "${spids[@]}"; do
		stop_wait "$i"
	done
}

if want connscale; then
	# Both stacks answer SYNs with cookies only once a listener's SYN
	# queue holds its backlog (4096 here): none at 512 connects in
	# flight.
	ports=$(ip netns exec "$ns_s" sysctl -n net.ipv4.ip_local_port_range)
	for cns in "$ns_k1" "$ns_s"; do
		ip netns exec "$cns" sysctl -qw \
			net.ipv4.ip_local_port_range="1024 65535"
	done
	for n in $conns; do
		if ((tcp_run_k)); then
			connscale K "$n"
		else
			skip "connscale-K-$n" connscale "needs TCP engine (no S to compare)"
		fi
		if [[ -z $tcp_s_reason ]]; then
			connscale S "$n"
		else
			skip "connscale-S-$n" connscale "$tcp_s_reason"
		fi
	done
	for cns in "$ns_k1" "$ns_s"; do
		ip netns exec "$cns" sysctl -qw net.ipv4.ip_local_port_range="$ports"
	done
fi

# iperf3: single stream and 4 streams, both directions; the server is on
# 192.0.2.2 (kernel in K, shimmed iperf3 on the engine in S).
# iperf3's server address and the links' MTU when not 1500 (the jumbo
# runs set both).
i_addr=$e_addr
i_mtu=
iperf() { # iperf TOPO STREAMS DIR(fwd|rev)
	want iperf3 || return 0
	local topo=$1 p=$2 dir=$3 d spid rflag=
	[[ $dir == rev ]] && rflag=" -R"
	d=$(mdir "iperf3-$topo-P$p-$dir${i_mtu:+-mtu$i_mtu}")
	meta "$d" workload=iperf3 topo="$topo" streams="$p" direction="$dir" \
		seconds="$iperf_s" cc=reno ${i_mtu:+mtu=$i_mtu} \
		tool="iperf3 -c $i_addr -t $iperf_s -P $p$rflag -J"
	say "iperf3 $topo: -P $p $dir, ${iperf_s}s${i_mtu:+, mtu $i_mtu}"
	if [[ $topo == K ]]; then
		bg "$ns_k2" iperf3 -s -1 -B "$i_addr" -p 5201 >"$d/server.txt" 2>&1
	else
		bg "$ns_s" env LD_PRELOAD="$shim" NSSHIM_SOCKET="$ctl" \
			iperf3 -s -1 -B "$i_addr" -p 5201 >"$d/server.txt" 2>&1
	fi
	spid=$last_pid
	sleep 0.5
	snap "$d" before
	local args=(-c "$i_addr" -p 5201 -t "$iperf_s" -P "$p" -J)
	[[ $dir == rev ]] && args+=(-R)
	ip netns exec "$(topo_ns "$topo")" timeout $((iperf_s + 20)) \
		iperf3 "${args[@]}" >"$d/iperf3.json" 2>"$d/iperf3.err" || true
	snap "$d" after
	stop_wait "$spid"
}

for size in 1 1024; do
	if ((tcp_run_k)); then
		tcp_rr K "$size"
	else
		skip "tcp_rr-K-$size" tcp_rr "needs TCP engine (no S to compare)"
	fi
	if [[ -z $tcp_s_reason ]]; then
		tcp_rr S "$size"
	else
		skip "tcp_rr-S-$size" tcp_rr "$tcp_s_reason"
	fi
done

iperf_s_reason=$tcp_s_reason
((have_shim)) || iperf_s_reason="${iperf_s_reason:+$iperf_s_reason, }needs libnsshim.so"
command -v iperf3 >/dev/null || iperf_s_reason="needs iperf3"
for p in 1 4; do
	for dir in fwd rev; do
		if command -v iperf3 >/dev/null &&
			{ [[ -z $iperf_s_reason ]] || ((kernel_tcp)); }; then
			iperf K "$p" "$dir"
		else
			skip "iperf3-K-P$p-$dir" iperf3 "${iperf_s_reason} (no S to compare)"
		fi
		if [[ -z $iperf_s_reason ]]; then
			iperf S "$p" "$dir"
		else
			skip "iperf3-S-P$p-$dir" iperf3 "$iperf_s_reason"
		fi
	done
done

# MTU 9000: a second link on each topology (198.51.100.0/24, both ends at
# MTU 9000; the engine's through `nsctl link add`), one iperf3 stream
# each way.
j_k=198.51.100.1
j_e=198.51.100.2
if ! want iperf3; then
	: # not selected by BENCH_ONLY
elif command -v iperf3 >/dev/null &&
	{ [[ -z $iperf_s_reason ]] || ((kernel_tcp)); }; then
	veth_c=nbkc$((RANDOM % 100000))
	veth_d=nbkd$((RANDOM % 100000))
	tap_j=nbj$((RANDOM % 100000))
	say "mtu 9000: K $veth_c $j_k <-> $veth_d $j_e; S $tap_j"
	ip link add "$veth_c" netns "$ns_k1" mtu 9000 type veth \
		peer name "$veth_d" netns "$ns_k2" mtu 9000
	ip netns exec "$ns_k1" ip addr add "$j_k/24" dev "$veth_c"
	ip netns exec "$ns_k2" ip addr add "$j_e/24" dev "$veth_d"
	ip netns exec "$ns_k1" ip link set "$veth_c" up
	ip netns exec "$ns_k2" ip link set "$veth_d" up
	ip netns exec "$ns_k1" ping -c 3 -i 0.2 -W 1 -q "$j_e" >/dev/null
	if [[ -z $iperf_s_reason ]]; then
		ip netns exec "$ns_s" ip tuntap add dev "$tap_j" mode tap
		ip netns exec "$ns_s" ip link set "$tap_j" mtu 9000
		ip netns exec "$ns_s" ip addr add "$j_k/24" dev "$tap_j"
		ip netns exec "$ns_s" ip link set "$tap_j" up
		nsctl link add tap "$tap_j" --mtu 9000 >/dev/null
		nsctl addr add "$j_e/24" dev "$tap_j" >/dev/null
		wait_valid "$j_e"
		ip netns exec "$ns_s" ping -c 3 -i 0.2 -W 1 -q "$j_e" >/dev/null
	fi
	i_addr=$j_e
	i_mtu=9000
	for dir in fwd rev; do
		iperf K 1 "$dir"
		if [[ -z $iperf_s_reason ]]; then
			iperf S 1 "$dir"
		else
			skip "iperf3-S-P1-$dir-mtu9000" iperf3 "$iperf_s_reason"
		fi
	done
	i_addr=$e_addr
	i_mtu=
else
	for dir in fwd rev; do
		skip "iperf3-K-P1-$dir-mtu9000" iperf3 \
			"${iperf_s_reason} (no S to compare)"
		skip "iperf3-S-P1-$dir-mtu9000" iperf3 "$iperf_s_reason"
	done
fi

# Application workloads: nginx served to wrk, redis to redis-benchmark.
# K runs the server on the far kernel; S runs the same server, with the
# same configuration, under libnsshim.so on the engine.
http_s=${BENCH_HTTP_SECONDS:-5}
redis_n=${BENCH_REDIS_N:-100000}

# server_up PID ERRFILE NS ADDR PORT: wait up to 5 s for the server to
# listen (seen from its client's namespace); a server that died or never
# listens is recorded in ERRFILE as the measurement's error.
server_up() {
	local pid=$1 err=$2 n=$3 addr=$4 port=$5
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		if ip netns exec "$n" bash -c "exec 3<>/dev/tcp/$addr/$port" \
			2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "server did not come up (pid $pid $(kill -0 "$pid" 2>/dev/null &&
		echo alive, not listening || echo exited); see its log)" >"$err"
	say "$(basename "$(dirname "$err")"): $(cat "$err")"
	stop_wait "$pid"
	return 1
}

# nginx_conf DIR: one worker without a master (no fork), sendfile on,
# access log off, bodies of 1 KiB and 100 KiB.
nginx_conf() {
	local d=$1
	mkdir -p "$d/www" "$d/tmp"
	head -c 1024 /dev/urandom >"$d/www/1k"
	head -c 102400 /dev/urandom >"$d/www/100k"
	cat >"$d/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	keepalive_requests 1000000;
	client_body_temp_path $d/tmp;
	proxy_temp_path $d/tmp;
	fastcgi_temp_path $d/tmp;
	uwsgi_temp_path $d/tmp;
	scgi_temp_path $d/tmp;
	server {
		listen $e_addr:8080;
		root $d/www;
	}
}
EOF
}

nginx_wrk() { # nginx_wrk TOPO BODY(1k|100k) MODE(keepalive|close)
	want http || return 0
	local topo=$1 body=$2 mode=$3 d spid hdr=()
	d=$(mdir "http-$topo-$body-$mode")
	nginx_conf "$d"
	[[ $mode == close ]] && hdr=(-H "Connection: close")
	meta "$d" workload=http topo="$topo" body="$body" mode="$mode" \
		seconds="$http_s" connections=50 \
		tool="wrk -t1 -c50 -d${http_s}s --latency${hdr:+ -H 'Connection: close'} http://$e_addr:8080/$body" \
		server="nginx 1 worker, master_process off, sendfile on"
	say "http $topo: nginx $body $mode, wrk -c50 ${http_s}s"
	if [[ $topo == K ]]; then
		bg "$ns_k2" nginx -c "$d/nginx.conf" -p "$d"
	else
		bg "$ns_s" env LD_PRELOAD="$shim" NSSHIM_SOCKET="$ctl" \
			nginx -c "$d/nginx.conf" -p "$d"
	fi
	spid=$last_pid
	if ! server_up "$spid" "$d/wrk.txt" "$(topo_ns "$topo")" "$e_addr" 8080; then
		return
	fi
	snap "$d" before
	ip netns exec "$(topo_ns "$topo")" timeout $((http_s + 20)) \
		wrk -t1 -c50 -d"${http_s}s" --latency "${hdr[@]}" \
		"http://$e_addr:8080/$body" >"$d/wrk.txt" 2>&1 ||
		say "$(basename "$d"): wrk failed"
	snap "$d" after
	stop_wait "$spid"
}

redis_bench() { # redis_bench TOPO
	want redis || return 0
	local topo=$1 d spid
	d=$(mdir "redis-$topo")
	local srv=(redis-server --bind "$e_addr" --port 6379 --save ''
		--appendonly no --protected-mode no --daemonize no
		--logfile "$d/redis.log")
	meta "$d" workload=redis topo="$topo" requests="$redis_n" clients=50 \
		tool="redis-benchmark -h $e_addr -c 50 -n $redis_n -t get,set --csv"
	say "redis $topo: GET/SET x $redis_n, 50 clients"
	if [[ $topo == K ]]; then
		bg "$ns_k2" "${srv[@]}"
	else
		bg "$ns_s" env LD_PRELOAD="$shim" NSSHIM_SOCKET="$ctl" "${srv[@]}"
	fi
	spid=$last_pid
	if ! server_up "$spid" "$d/redis.err" "$(topo_ns "$topo")" "$e_addr" 6379; then
		return
	fi
	snap "$d" before
	ip netns exec "$(topo_ns "$topo")" timeout 120 \
		redis-benchmark -h "$e_addr" -p 6379 -c 50 -n "$redis_n" \
		-t get,set --csv >"$d/redis.csv" 2>"$d/redis.err" ||
		say "$(basename "$d"): redis-benchmark failed"
	snap "$d" after
	stop_wait "$spid"
}

app_reason=$tcp_s_reason
((have_shim)) || app_reason="${app_reason:+$app_reason, }needs libnsshim.so"
http_reason=$app_reason
for c in nginx wrk; do
	command -v $c >/dev/null || http_reason="needs $c (scripts/deps.sh bench)"
done
for body in 1k 100k; do
	for mode in keepalive close; do
		if command -v nginx >/dev/null && command -v wrk >/dev/null &&
			{ [[ -z $http_reason ]] || ((kernel_tcp)); }; then
			nginx_wrk K "$body" "$mode"
		else
			skip "http-K-$body-$mode" http "$http_reason (no S to compare)"
		fi
		if [[ -z $http_reason ]]; then
			nginx_wrk S "$body" "$mode"
		else
			skip "http-S-$body-$mode" http "$http_reason"
		fi
	done
done
redis_reason=$app_reason
for c in redis-server redis-benchmark; do
	command -v $c >/dev/null || redis_reason="needs $c (scripts/deps.sh bench)"
done
if command -v redis-server >/dev/null && command -v redis-benchmark >/dev/null &&
	{ [[ -z $redis_reason ]] || ((kernel_tcp)); }; then
	redis_bench K
else
	skip redis-K redis "$redis_reason (no S to compare)"
fi
if [[ -z $redis_reason ]]; then
	redis_bench S
else
	skip redis-S redis "$redis_reason"
fi

# ------------------------------------------------------------------ peers
# Optional peers: the user-space stacks a user would pick instead of
# nsstack, on the workloads that make sense for each, compared with K of
# this run (peer/K in the report).  A peer whose package is missing is
# recorded as skipped with the reason, and the run goes on.
#
# pasta (Debian passt) and slirp4netns give a namespace a user-mode stack:
# they terminate its TCP on their tap and re-originate it from kernel
# sockets outside.  Here they run in K's client namespace and reach the
# very servers K measured, over K's veth:
#
#   ns nsb-<tag>-pasta [kernel client] ── tap ── [pasta, ns k1] ── veth ──
#       [K's server 192.0.2.2, ns k2]           (slirp4netns the same)
#
# so peer/K is what the translator costs in front of the same kernel path.
# Addresses:
# - pasta copies k1's 192.0.2.1/24 into its namespace (192.0.2.2 is
#   on-link there; pasta answers ARP for every address).  k1 has no
#   default route, so pasta gets a gateway that nothing owns,
#   192.0.2.254, and --no-map-gw (the gateway is not k1's loopback).
#   Started as root, pasta drops to "nobody" and then cannot enter the
#   namespace: --runas 0:0.
# - slirp4netns: --cidr 198.51.100.0/24, TESTBED's second range (its
#   default 10.0.2.0/24 is a private range the testbed never uses): the
#   client is 198.51.100.100 with a default route to slirp's
#   198.51.100.2, whose NAT opens the outbound socket in k1, from
#   192.0.2.1.  DNS forwarding and access to k1's loopback are off.
# Both taps have MTU 65520, what each tool recommends (the veth behind
# them stays at 1500).
#
# lwIP (Debian liblwip-dev) is a library: bench/lwip/lwip_peer.c runs it
# on a TAP in a namespace of its own with the engine's services (echo 7
# over TCP and UDP, discard 9, chargen 19; ICMP echo), and the kernel
# clients that measure S measure it the same way, at MTU 1500:
#
#   ns nsb-<tag>-lwip [kernel 192.0.2.1] ── tap ── [lwip_peer 192.0.2.2]
peer_s=${BENCH_PEER_SECONDS:-5}
peer_rr_n=${BENCH_PEER_RR_N:-20000}
peer_tap_mtu=
peer_pid=
peer_version=
lwip_bin=$build/bench/lwip_peer

# peer_snap DIR TAG NS: snap, plus the counters of the peer's namespace
# and the CPU of the peer's process.
peer_snap() {
	snap "$1" "$2"
	ip netns exec "$3" cat /proc/net/snmp >"$1/snmp-${3##*-}.$2"
	proc_cpu "$peer_pid" >"$1/peer-cpu.$2" 2>/dev/null || true
}

# peer_tcp_rr PEER SIZE: udprr rr -t from the peer's namespace to K's
# udprr server (lwIP: to the harness's echo service).
peer_tcp_rr() {
	local peer=$1 size=$2 n=nsb-$tag-$1 d spid='' server=udprr
	want tcp_rr "$peer" || return 0
	d=$(mdir "tcp_rr-$peer-$size")
	if [[ $peer == lwip ]]; then
		server=lwip-echo:7
	else
		bg "$ns_k2" "$udprr" server -t -b "$e_addr" -p 7 >"$d/server.json"
		spid=$last_pid
	fi
	meta "$d" workload=tcp_rr topo="$peer" size="$size" \
		requests="$peer_rr_n" warmup=200 server="$server" cc=reno \
		peer_version="$peer_version" tap_mtu="$peer_tap_mtu"
	say "tcp_rr $peer ($server): $size B x $peer_rr_n requests"
	sleep 0.3
	peer_snap "$d" before "$n"
	ip netns exec "$n" timeout 90 "$udprr" rr -t -h "$e_addr" -p 7 \
		-s "$size" -n "$peer_rr_n" -w 200 -T $((peer_s * 4)) \
		-o "$d/samples.txt" >"$d/client.json" || client_failed "$d"
	peer_snap "$d" after "$n"
	if [[ -n $spid ]]; then
		stop_wait "$spid"
	fi
	show_rr "$d/client.json"
}

# peer_icmp PEER: udprr icmp from the peer's namespace, as icmp_echo
# measures K and S (lwIP answers ICMP echo itself).
peer_icmp() {
	local peer=$1 n=nsb-$tag-$1 d
	want icmp_echo "$peer" || return 0
	d=$(mdir "icmp_echo-$peer")
	ip netns exec "$n" sysctl -qw net.ipv4.ping_group_range="0 2147483647"
	meta "$d" workload=icmp_echo topo="$peer" size=56 requests="$ping_n" \
		warmup=20 gap_us=1000 \
		tool="udprr icmp -s 56 -n $ping_n -g 1000 (like ping -c $ping_n -i 0.001)" \
		peer_version="$peer_version" tap_mtu="$peer_tap_mtu"
	say "icmp_echo $peer: $ping_n echo requests of 56 B, 1 ms apart"
	peer_snap "$d" before "$n"
	ip netns exec "$n" "$udprr" icmp -h "$e_addr" -s 56 -n "$ping_n" \
		-g 1000 -w 20 -T 60 -o "$d/samples.txt" >"$d/client.json" ||
		client_failed "$d"
	peer_snap "$d" after "$n"
	show_rr "$d/client.json"
}

# peer_udp_rr PEER SIZE: udprr rr from the peer's namespace to the
# peer's own UDP echo service (lwIP), as udp_rr measures S.
peer_udp_rr() {
	local peer=$1 size=$2 n=nsb-$tag-$1 d
	want udp_rr "$peer" || return 0
	d=$(mdir "udp_rr-$peer-$size")
	meta "$d" workload=udp_rr topo="$peer" variant=service size="$size" \
		requests="$peer_rr_n" warmup=200 timeout_ms=200 \
		server="$peer-echo:7" peer_version="$peer_version" \
		tap_mtu="$peer_tap_mtu"
	say "udp_rr $peer: $size B x $peer_rr_n requests"
	peer_snap "$d" before "$n"
	ip netns exec "$n" "$udprr" rr -h "$e_addr" -p 7 -s "$size" \
		-n "$peer_rr_n" -w 200 -T $((peer_s * 4)) \
		-o "$d/samples.txt" >"$d/client.json" || client_failed "$d"
	peer_snap "$d" after "$n"
	show_rr "$d/client.json"
}

# peer_tcp_bulk PEER DIR(send|recv): tcp_bulk.py from the peer's
# namespace to K's tcp_bulk.py serve (lwIP: the harness's discard and
# chargen services).
peer_tcp_bulk() {
	local peer=$1 dir=$2 n=nsb-$tag-$1 d spid='' port=9 server=discard
	want tcp_bulk "$peer" || return 0
	[[ $dir == recv ]] && port=19 server=chargen
	d=$(mdir "tcp_bulk-$peer-$dir")
	server="lwip $server"
	[[ $peer == lwip ]] || server="tcp_bulk.py serve"
	meta "$d" workload=tcp_bulk topo="$peer" direction="$dir" \
		seconds="$peer_s" cc=reno server="$server" \
		tool="tcp_bulk.py $dir $e_addr $port $peer_s" \
		peer_version="$peer_version" tap_mtu="$peer_tap_mtu"
	say "tcp_bulk $peer: $dir, ${peer_s}s"
	if [[ $peer != lwip ]]; then
		bg "$ns_k2" "$py" "$here/tcp_bulk.py" serve "$e_addr"
		spid=$last_pid
		sleep 0.5
	fi
	peer_snap "$d" before "$n"
	[[ -n $spid ]] && proc_cpu "$spid" >"$d/server-cpu.before"
	ip netns exec "$n" timeout $((peer_s + 30)) \
		"$py" "$here/tcp_bulk.py" "$dir" "$e_addr" $port "$peer_s" \
		>"$d/client.json" 2>"$d/client.err" || client_failed "$d"
	[[ -n $spid ]] && proc_cpu "$spid" >"$d/server-cpu.after"
	peer_snap "$d" after "$n"
	if [[ -n $spid ]]; then
		stop_wait "$spid"
	fi
}

# peer_iperf PEER DIR(fwd|rev): one iperf3 stream from the peer's
# namespace to K's iperf3 server.
peer_iperf() {
	local peer=$1 dir=$2 n=nsb-$tag-$1 d spid rflag=
	want iperf3 "$peer" || return 0
	[[ $dir == rev ]] && rflag=" -R"
	d=$(mdir "iperf3-$peer-P1-$dir")
	if ! command -v iperf3 >/dev/null; then
		skip "$(basename "$d")" iperf3 "needs iperf3"
		return
	fi
	meta "$d" workload=iperf3 topo="$peer" streams=1 direction="$dir" \
		seconds="$peer_s" cc=reno \
		tool="iperf3 -c $e_addr -t $peer_s -P 1$rflag -J" \
		peer_version="$peer_version" tap_mtu="$peer_tap_mtu"
	say "iperf3 $peer: -P 1 $dir, ${peer_s}s"
	bg "$ns_k2" iperf3 -s -1 -B "$e_addr" -p 5201 >"$d/server.txt" 2>&1
	spid=$last_pid
	sleep 0.5
	peer_snap "$d" before "$n"
	local args=(-c "$e_addr" -p 5201 -t "$peer_s" -P 1 -J)
	[[ $dir == rev ]] && args+=(-R)
	ip netns exec "$n" timeout $((peer_s + 20)) \
		iperf3 "${args[@]}" >"$d/iperf3.json" 2>"$d/iperf3.err" || true
	peer_snap "$d" after "$n"
	stop_wait "$spid"
}

# peer_ns_add PEER: the peer's own namespace, torn down with the others.
peer_ns_add() {
	local n=nsb-$tag-$1
	ip netns add "$n"
	ns_extra+=("$n")
	ip netns exec "$n" ip link set lo up
	ip netns exec "$n" sysctl -qw net.ipv4.tcp_congestion_control=reno
}

# peer_up NS: wait up to 5 s for the peer to configure the namespace's
# interface (an IPv4 address in global scope); fails if it exits.
peer_up() {
	for _ in $(seq 50); do
		kill -0 "$peer_pid" 2>/dev/null || return 1
		[[ -n $(ip netns exec "$1" ip -4 -o addr show scope global) ]] &&
			return 0
		sleep 0.1
	done
	return 1
}

# peer_stop PEER: stop the peer's process and delete its namespace.
peer_stop() {
	if [[ -n $peer_pid ]]; then
		stop_wait "$peer_pid"
	fi
	peer_pid=
	ip netns del "nsb-$tag-$1"
}

# translator PEER PACKAGE: pasta or slirp4netns, every workload.
translator() {
	local peer=$1 pkg=$2 n=nsb-$tag-$1 why
	want tcp_rr tcp_bulk iperf3 "$peer" || return 0
	if ! command -v "$peer" >/dev/null; then
		skip "peer-$peer" "peer-$peer" \
			"needs $peer (apt-get install $pkg; optional, not installed)"
		return
	fi
	if ((!tcp_run_k)); then
		skip "peer-$peer" "peer-$peer" "needs TCP engine (no K to compare)"
		return
	fi
	peer_version=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null ||
		echo unknown)
	peer_tap_mtu=65520
	peer_ns_add "$peer"
	case $peer in
	pasta)
		bg "$ns_k1" pasta -f -q --runas 0:0 -4 --config-net \
			--netns "/run/netns/$n" -I tap0 -i "$veth_a" \
			-a "$k_addr" -n 24 -g 192.0.2.254 --no-map-gw \
			-m "$peer_tap_mtu" -t none -u none -T none -U none \
			-l "$work/pasta.log" >"$work/pasta.out" 2>&1
		;;
	slirp4netns)
		bg "$ns_k1" slirp4netns --configure --mtu="$peer_tap_mtu" \
			--cidr=198.51.100.0/24 --disable-dns --disable-host-loopback \
			--netns-type=path "/run/netns/$n" tap0 \
			>"$work/slirp4netns.log" 2>&1
		;;
	esac
	peer_pid=$last_pid
	if ! peer_up "$n"; then
		why=$(cat "$work/$peer".{log,out} 2>/dev/null | grep -v syslog |
			tail -1)
		skip "peer-$peer" "peer-$peer" "$peer did not come up: ${why:-no log}"
		peer_stop "$peer"
		return
	fi
	say "peer $peer $peer_version (pid $peer_pid) in $ns_k1 serves $n:" \
		"$(ip netns exec "$n" ip -4 -o addr show scope global |
			awk '{ print $2, $4 }')"
	for size in 1 1024; do
		peer_tcp_rr "$peer" "$size"
	done
	for dir in send recv; do
		peer_tcp_bulk "$peer" "$dir"
	done
	for dir in fwd rev; do
		peer_iperf "$peer" "$dir"
	done
	peer_stop "$peer"
}

# lwip: bench/lwip/lwip_peer (built by `make bench` where liblwip-dev is
# installed) on its own TAP; every workload the engine's services serve.
lwip() {
	local n=nsb-$tag-lwip tapl=nbl$((RANDOM % 100000)) size dir
	want icmp_echo udp_rr tcp_rr tcp_bulk lwip || return 0
	if [[ ! -f /usr/include/lwip/lwip/tcp.h ]]; then
		skip peer-lwip peer-lwip \
			"needs liblwip-dev (apt-get install liblwip-dev; optional, not installed)"
		return
	fi
	if [[ ! -x $lwip_bin ]]; then
		skip peer-lwip peer-lwip \
			"needs $lwip_bin (make bench builds it with liblwip-dev)"
		return
	fi
	peer_version=$(dpkg-query -W -f='${Version}' liblwip-dev 2>/dev/null ||
		echo unknown)
	peer_tap_mtu=1500
	peer_ns_add lwip
	ip netns exec "$n" ip tuntap add dev "$tapl" mode tap
	ip netns exec "$n" ip link set "$tapl" mtu 1500
	ip netns exec "$n" ip addr add "$k_addr/24" dev "$tapl"
	ip netns exec "$n" ip link set "$tapl" up
	bg "$n" "$lwip_bin" "$tapl" "$e_addr/24" >"$work/lwip.log" 2>&1
	peer_pid=$last_pid
	for _ in $(seq 50); do
		grep -q '^lwip_peer: ' "$work/lwip.log" && break
		kill -0 "$peer_pid" 2>/dev/null || break
		sleep 0.1
	done
	if ! kill -0 "$peer_pid" 2>/dev/null ||
		! ip netns exec "$n" ping -c 3 -i 0.2 -W 1 -q "$e_addr" >/dev/null; then
		skip peer-lwip peer-lwip "lwip_peer did not come up: $(tail -1 \
			"$work/lwip.log" 2>/dev/null)"
		peer_stop lwip
		return
	fi
	say "peer lwip $peer_version (pid $peer_pid) on $tapl in $n: $e_addr"
	peer_icmp lwip
	for size in 1 1024; do
		peer_udp_rr lwip "$size"
		peer_tcp_rr lwip "$size"
	done
	for dir in send recv; do
		peer_tcp_bulk lwip "$dir"
	done
	peer_stop lwip
}

translator pasta passt
translator slirp4netns slirp4netns
lwip

# ---------------------------------------------------------------- report
kill "$engine_pid"
wait "$engine_pid" 2>/dev/null || true
engine_pid=
say "report"
mkdir -p "$work/run"
meta "$work/run" mtu=1500 rr_n="$rr_n" ping_n="$ping_n" \
	udp_seconds="$udp_s" iperf_seconds="$iperf_s" have_tcp="$have_tcp" \
	have_shim="$have_shim" kernel="$(uname -r)" \
	cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')" \
	nproc="$(nproc)" loadavg="$(cut -d' ' -f1-3 /proc/loadavg)" \
	commit="$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
	elapsed_s=$((SECONDS - started))
mkdir -p "$out"
"$py" "$here/report.py" "$work" "$out"
say "done in $((SECONDS - started))s"
