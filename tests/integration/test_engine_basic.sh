#!/bin/bash
# SPDX-License-Identifier: MIT
# test_engine_basic.sh - nsstackd on a TAP it creates, in a namespace of
# its own: start-up, nsctl, counters, capture, bad configurations, and a
# clean SIGTERM that removes the TAP.
#
# Topology A of TESTBED.md: the kernel side of the TAP is 192.0.2.1/24,
# the engine 192.0.2.2/24.  Until the L3 modules land the engine answers
# nothing, so only reception and capture are asserted.
set -uo pipefail

BUILD=${BUILD:-$(cd "$(dirname "$0")/../../build" && pwd)}
ns=nst-$$
tap=tapc$$
tap=${tap:0:15}
dir=$(mktemp -d /tmp/nst-engine-XXXXXX)
sock=$dir/ctl.sock
pcap=$dir/cap.pcapng
engine_pid=

fail() {
	echo "FAIL: $*"
	[[ -f $dir/engine.log ]] && sed 's/^/engine| /' "$dir/engine.log"
	exit 1
}

if ((EUID != 0)); then
	echo "skip: needs root (network namespaces and TAP devices)"
	exit 77
fi
if [[ ! -c /dev/net/tun ]]; then
	echo "skip: no /dev/net/tun"
	exit 77
fi
for t in ip tshark ping; do
	command -v $t >/dev/null || { echo "skip: $t not installed"; exit 77; }
done

cleanup() {
	[[ -n $engine_pid ]] && kill "$engine_pid" 2>/dev/null
	[[ -n $engine_pid ]] && wait "$engine_pid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

in_ns() { ip netns exec "$ns" "$@"; }
nsctl() { in_ns "$BUILD/nsctl" -s "$sock" "$@"; }

ip netns add "$ns" || fail "cannot create namespace $ns"
in_ns ip link set lo up

# --- bad configurations: exit 2, exactly one line on stderr ------------
expect_config_error() {
	local want=$1
	shift
	in_ns "$BUILD/nsstackd" "$@" >"$dir/out" 2>"$dir/err"
	local rc=$?
	[[ $rc == 2 ]] || fail "nsstackd $*: exit $rc, want 2"
	[[ $(wc -l <"$dir/err") == 1 ]] ||
		fail "nsstackd $*: stderr is not one line: $(cat "$dir/err")"
	grep -q -- "$want" "$dir/err" ||
		fail "nsstackd $*: '$(cat "$dir/err")' lacks '$want'"
	echo "ok: nsstackd $* -> $(cat "$dir/err")"
}
expect_config_error "unknown option --bogus" --tap "$tap" --bogus
expect_config_error "--addr 192.0.2.300/24" --tap "$tap" --addr 192.0.2.300/24
expect_config_error "no such device" --tap "$tap" --addr 192.0.2.2/24 \
	--control "$sock"
expect_config_error "only one of --tap and --tun" --tap a --tun b
expect_config_error "no device" --addr 192.0.2.2/24
in_ns ip link show "$tap" >/dev/null 2>&1 && fail "a failed start left $tap"

# --- start --------------------------------------------------------------
# Started directly, not through a shell function, so $! is the engine.
ip netns exec "$ns" "$BUILD/nsstackd" --tap "$tap" --create --addr 192.0.2.2/24 \
	--mac 02:00:5e:00:53:02 --control "$sock" --pcap "$pcap" \
	>"$dir/engine.log" 2>&1 &
engine_pid=$!
for _ in $(seq 50); do
	[[ -S $sock ]] && break
	kill -0 "$engine_pid" 2>/dev/null || fail "nsstackd exited at start"
	sleep 0.1
done
[[ -S $sock ]] || fail "no control socket after 5 s"
[[ $(cat /proc/$engine_pid/comm 2>/dev/null) == nsstackd ]] ||
	fail "pid $engine_pid is not the engine"
grep -Eq "nsstackd: $tap up, mac 02:00:5e:00:53:02, mtu 1500, offload (csum,tso4,tso6|off), 192.0.2.2/24" \
	"$dir/engine.log" || fail "start-up line missing"
[[ $(stat -c %a "$sock") == 600 ]] || fail "socket mode $(stat -c %a "$sock")"
echo "ok: $(head -1 "$dir/engine.log")"

in_ns ip addr add 192.0.2.1/24 dev "$tap"
in_ns ip link show "$tap" | grep -q "UP" || fail "$tap is not up"

nsctl link >"$dir/link" || fail "nsctl link failed"
grep -q "^$tap .*UP .*02:00:5e:00:53:02 <tap> mtu 1500" "$dir/link" ||
	fail "nsctl link: $(cat "$dir/link")"
echo "ok: nsctl link: $(cat "$dir/link")"
nsctl addr | grep -q "inet 192.0.2.2/24" || fail "nsctl addr"

# The kernel sends: ARP requests for 192.0.2.2 (no replies until ARP lands).
in_ns ping -c 2 -W 1 192.0.2.2 >/dev/null 2>&1
nsctl -j stats >"$dir/stats.json" || fail "nsctl -j stats failed"
frames=$(/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["EthInFrames"])' "$dir/stats.json") || fail "stats is not JSON"
((frames > 0)) || fail "EthInFrames is $frames after ping"
echo "ok: EthInFrames $frames"
nsctl stats | grep -Eq "^EthInFrames +[1-9][0-9]*$" || fail "nsctl stats text"
nsctl stats | grep -q " 0$" && fail "nsctl stats shows zeros without -a"
nsctl -a stats | grep -Eq "^IpOutRequests +0$" || fail "nsctl -a stats"

# Run-time interfaces: add a second TAP, see it, delete it.
nsctl link add tap "${tap:0:13}b" --create >/dev/null || fail "link add"
in_ns ip link show "${tap:0:13}b" >/dev/null 2>&1 || fail "link add: no device"
nsctl link | grep -q "^${tap:0:13}b " || fail "link add: not listed"
nsctl link del "${tap:0:13}b" || fail "link del"
in_ns ip link show "${tap:0:13}b" >/dev/null 2>&1 && fail "link del left it"
echo "ok: link add/del"

# Errors reach the user in one line, exit 1.
out=$(nsctl addr add 192.0.2.9/24 dev nosuch 2>&1)
[[ $? == 1 && $out == "nsctl: addr: no interface nosuch" ]] ||
	fail "nsctl error: $out"
out=$(in_ns "$BUILD/nsctl" -s "$dir/none.sock" link 2>&1)
[[ $? == 1 && $out == "nsctl: cannot reach engine at $dir/none.sock: No such file or directory" ]] ||
	fail "unreachable engine: $out"
echo "ok: nsctl errors"

# --- SIGTERM: clean exit, the TAP and the socket are gone ----------------
kill -TERM "$engine_pid"
wait "$engine_pid"
rc=$?
engine_pid=
((rc == 0)) || fail "nsstackd exit $rc after SIGTERM"
in_ns ip link show "$tap" >/dev/null 2>&1 && fail "$tap still exists"
[[ -e $sock ]] && fail "control socket left behind"
grep -q "SIGTERM: shutting down" "$dir/engine.log" || fail "no shutdown log"
echo "ok: SIGTERM: exit 0, $tap removed"

# --- the capture: complete, well-formed, inbound frames seen -------------
n=$(tshark -r "$pcap" 2>/dev/null | wc -l)
((n >= frames)) || fail "capture has $n frames, engine counted $frames"
[[ -z $(tshark -r "$pcap" -Y _ws.malformed 2>/dev/null) ]] ||
	fail "malformed frames in the capture"
tshark -r "$pcap" -Y 'arp.dst.proto_ipv4 == 192.0.2.2' 2>/dev/null |
	grep -q ARP || fail "no ARP request for 192.0.2.2 captured"
drops=$(tshark -r "$pcap" -Y frame.comment 2>/dev/null | wc -l)
((drops > 0)) || fail "no drop comments in the capture"
echo "ok: capture: $n frames, $drops with a drop comment, none malformed"
echo "PASS"
