#!/bin/bash
# SPDX-License-Identifier: MIT
# tcp_bulk.sh - single-stream bulk TCP, kernel (K) against engine (S), in
# the same run, both directions, on the topologies of ../shared/TESTBED.md:
#
#   K  ns nsb-<tag>-k1 [kernel 192.0.2.1] ── veth ── [kernel 192.0.2.2] ns nsb-<tag>-k2
#   S  ns nsb-<tag>-s  [kernel 192.0.2.1] ── tap ── [nsstackd 192.0.2.2]
#
# The client is bench/tcp_bulk.py on 192.0.2.1 in both; the server is the
# engine's built-in discard/chargen on S and tcp_bulk.py serve on K.  reno
# on both sides (TESTBED.md).  "send" is client→server (kernel→engine on
# S), "recv" is server→client (engine→kernel).  K and S alternate per
# round so machine noise hits both alike; the S/K ratio uses the medians.
#
# Use: bench/tcp_bulk.sh [BUILD]   (as root)
# Environment: BULK_SECONDS (5), BULK_ROUNDS (3),
#   BULK_ENGINE_ARGS (extra nsstackd options, e.g. "--offload off"),
#   BULK_KERNEL_OFFLOAD=off turns TSO/GSO/GRO/checksum offload off on the veth,
#   BULK_DIRS ("send recv") picks directions; "iperf iperf-R" adds
#   iperf3 -c 192.0.2.1 -> 192.0.2.2 (-R: reverse), its server on K the
#   kernel's and on S iperf3 under libnsshim.so (the engine's sockets),
#   BULK_SS=1 prints the engine's socket table midway through each S run,
#   BULK_PERF=FILE records `perf record -g` of the engine during S rounds.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
secs=${BULK_SECONDS:-5}
rounds=${BULK_ROUNDS:-3}
py=/usr/bin/python3
client=$here/tcp_bulk.py

if [[ $EUID != 0 || ! -c /dev/net/tun ]]; then
	echo "tcp_bulk: skipped: needs root and /dev/net/tun" >&2
	exit 77
fi

tag=$$-$RANDOM
ns_k1=nsb-$tag-k1
ns_k2=nsb-$tag-k2
ns_s=nsb-$tag-s
veth_a=nbka$((RANDOM % 100000))
veth_b=nbkb$((RANDOM % 100000))
tap=nbs$((RANDOM % 100000))
work=$(mktemp -d /tmp/nsbulk.XXXXXX)
pids=()

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
		tail -20 "$work/engine.log"
	fi
	for n in "$ns_k1" "$ns_k2" "$ns_s"; do
		ip netns del "$n" 2>/dev/null
	done
	rm -rf "$work"
	exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT TERM

bg() {
	local n=$1
	shift
	ip netns exec "$n" "$@" &
	last_pid=$!
	pids+=("$last_pid")
}

for n in "$ns_k1" "$ns_k2" "$ns_s"; do
	ip netns add "$n"
	ip netns exec "$n" ip link set lo up
	ip netns exec "$n" sysctl -qw net.ipv4.tcp_congestion_control=reno
done
ip link add "$veth_a" netns "$ns_k1" type veth peer name "$veth_b" netns "$ns_k2"
ip -n "$ns_k1" addr add 192.0.2.1/24 dev "$veth_a"
ip -n "$ns_k2" addr add 192.0.2.2/24 dev "$veth_b"
ip -n "$ns_k1" link set "$veth_a" up
ip -n "$ns_k2" link set "$veth_b" up
if [[ ${BULK_KERNEL_OFFLOAD:-on} == off ]]; then
	for x in "$ns_k1 $veth_a" "$ns_k2 $veth_b"; do
		set -- $x
		ip netns exec "$1" ethtool -K "$2" tso off gso off gro off \
			tx off rx off >/dev/null 2>&1 || true
	done
fi
bg "$ns_k2" "$py" "$client" serve 192.0.2.2

ip -n "$ns_s" tuntap add dev "$tap" mode tap
ip -n "$ns_s" addr add 192.0.2.1/24 dev "$tap"
ip -n "$ns_s" link set "$tap" up
ctl=$work/ctl.sock
# shellcheck disable=SC2086
bg "$ns_s" "$build/nsstackd" --tap "$tap" --addr 192.0.2.2/24 \
	--control "$ctl" --service discard:9,chargen:19 \
	${BULK_ENGINE_ARGS:-} >"$work/engine.log" 2>&1
engine_pid=$last_pid
nsctl() { ip netns exec "$ns_s" "$build/nsctl" -s "$ctl" "$@"; }
for _ in $(seq 150); do
	nsctl addr 2>/dev/null | grep -q 'valid\|192.0.2.2.*preferred' && break
	sleep 0.1
done
nsctl sysctl net.ipv4.tcp_congestion_control=reno >/dev/null 2>&1 || true
# Wait for RFC 5227 probing, then for both servers to answer.
for _ in $(seq 150); do
	ip netns exec "$ns_s" bash -c 'exec 3<>/dev/tcp/192.0.2.2/9' 2>/dev/null &&
		ip netns exec "$ns_k1" bash -c 'exec 3<>/dev/tcp/192.0.2.2/9' \
			2>/dev/null && break
	sleep 0.1
done

iperf() { # iperf K|S iperf|iperf-R: one iperf3 run, the Mbit/s figure
	local sn=$ns_k2 n=$ns_k1 r=() spid
	[[ $2 == iperf-R ]] && r=(-R)
	if [[ $1 == S ]]; then
		sn=$ns_s n=$ns_s
		bg "$sn" env LD_PRELOAD="$build/libnsshim.so" NSSHIM_SOCKET="$ctl" \
			iperf3 -s -1 -B 192.0.2.2 -p 5201 >"$work/iperf-s.log" 2>&1
	else
		bg "$sn" iperf3 -s -1 -B 192.0.2.2 -p 5201 >"$work/iperf-s.log" 2>&1
	fi
	spid=$last_pid
	sleep 0.5
	ip netns exec "$n" timeout $((secs + 20)) iperf3 -c 192.0.2.2 \
		-p 5201 -t "$secs" "${r[@]}" -J >"$work/iperf.json" 2>&1 || true
	"$py" -c 'import json,sys
print(round(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6, 1))' \
		"$work/iperf.json" 2>/dev/null || {
		echo "iperf3 $1 $2 failed:" >&2
		tail -n 3 "$work/iperf.json" "$work/iperf-s.log" >&2
		echo 0
	}
	kill "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
}

run() { # run K|S send|recv: one measurement, the Mbit/s figure
	local n=$ns_k1 port=9
	[[ $2 == iperf* ]] && {
		iperf "$@"
		return
	}
	[[ $1 == S ]] && n=$ns_s
	[[ $2 == recv ]] && port=19
	if [[ $1 == S && -n ${BULK_SS:-} ]]; then
		(sleep "$((secs / 2))"; nsctl ss >&2) &
	fi
	ip netns exec "$n" timeout $((secs + 40)) "$py" "$client" "$2" \
		192.0.2.2 "$port" "$secs" |
		"$py" -c 'import json,sys; print(json.load(sys.stdin)["mbit"])'
}

perf_pid=
if [[ -n ${BULK_PERF:-} ]]; then
	perf record -g -o "$BULK_PERF" -p "$engine_pid" >/dev/null 2>&1 &
	perf_pid=$!
fi
declare -A res
dirs=${BULK_DIRS:-send recv}
for r in $(seq "$rounds"); do
	for dir in $dirs; do
		for t in K S; do
			v=$(run "$t" "$dir") || v=0
			res[$t.$dir]+="$v "
			printf 'round %d %s %s %s Mbit/s\n' "$r" "$t" "$dir" "$v"
		done
	done
done
if [[ -n $perf_pid ]]; then
	kill -INT "$perf_pid"
	wait "$perf_pid" || true
fi
echo "engine counters:"
nsctl -j stats | "$py" -c '
import json, sys
s = json.load(sys.stdin)
print(" ".join(f"{k}={v}" for k, v in sorted(s.items())
      if k.startswith(("EthIn", "EthOut", "TcpRetrans", "TcpInSegs",
                       "TcpOutSegs")) and v))'
for dir in $dirs; do
	"$py" - "$dir" "${res[K.$dir]}" "${res[S.$dir]}" <<'PY'
import statistics, sys
d, k, s = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
km, sm = statistics.median(map(float, k)), statistics.median(map(float, s))
who = ("kernel->engine" if d in ("send", "iperf") else "engine->kernel")
print(f"bulk {d:4} ({who}): K {km:8.0f} Mbit/s  S {sm:8.0f} Mbit/s  "
      f"S/K {sm / km if km else 0:.3f}")
PY
done
