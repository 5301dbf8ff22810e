# SPDX-License-Identifier: MIT
# lib.sh - namespaces, TAP/TUN devices and engine lifecycle for integration
# tests.  Source it; it follows ../shared/TESTBED.md:
#   - everything runs inside a namespace this test creates (nst-<pid>-<rand>),
#   - devices and namespaces are named uniquely per run,
#   - teardown runs on EXIT, even on failure: engine and servers are stopped
#     by PID, the namespace (and with it every device in it) is deleted,
#   - addresses come from the documentation ranges only.
#
# Use:  . "$(dirname "$0")/lib.sh"; nst_require_root; nst_setup
#       nst_tap_up; nst_engine_start --addr 192.0.2.2/24; nsx ping ...

set -euo pipefail

NST_DIR=$(mktemp -d /tmp/nst.XXXXXX)
NST_NS=nst-$$-$RANDOM
NST_DEV=nst$((RANDOM % 100000))  # short: IFNAMSIZ is 16
NST_PIDS=()
NST_ENGINE_PID=
BUILD=${BUILD:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build}
KERNEL4=192.0.2.1
ENGINE4=192.0.2.2
KERNEL6=2001:db8:1::1
ENGINE6=2001:db8:1::2

nst_skip() {
	echo "$*"
	exit 77
}

nst_fail() {
	echo "FAIL: $*" >&2
	exit 1
}

nst_require_root() {
	[[ $EUID == 0 ]] || nst_skip "needs root (network namespaces, TAP)"
	[[ -c /dev/net/tun ]] || nst_skip "needs /dev/net/tun"
	command -v ip >/dev/null || nst_skip "needs iproute2"
}

nst_require() {
	for c in "$@"; do
		command -v "$c" >/dev/null || nst_skip "needs $c"
	done
}

# nsx CMD...: run CMD inside the test namespace.
nsx() {
	ip netns exec "$NST_NS" "$@"
}

nst_teardown() {
	local rc=$?
	set +e
	for p in "${NST_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${NST_PIDS[@]}"; do
		for _ in $(seq 50); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$p" 2>/dev/null
	done
	if ((rc != 0 && rc != 77)) && [[ -f $NST_DIR/engine.log ]]; then
		echo "--- engine log (last 30 lines)"
		tail -30 "$NST_DIR/engine.log"
	fi
	ip netns del "$NST_NS" 2>/dev/null
	rm -rf "$NST_DIR"
	exit "$rc"
}

nst_setup() {
	trap nst_teardown EXIT
	trap 'exit 130' INT TERM
	ip netns add "$NST_NS"
	nsx ip link set lo up
}

# nst_bg CMD...: start CMD in the background, stopped by PID at teardown.
# Never pass a shell function: $! would be a subshell, not the program.
nst_bg() {
	"$@" &
	NST_PIDS+=($!)
}

# nst_bg_ns CMD...: the same, inside the namespace.  `ip netns exec` execs
# the program, so the PID recorded is the program's own.
nst_bg_ns() {
	ip netns exec "$NST_NS" "$@" &
	NST_PIDS+=($!)
}

# nst_tap_up [tap|tun]: create the device in the namespace and give the
# kernel side 192.0.2.1/24 (TAP) or a point-to-point route (TUN).
nst_tap_up() {
	local mode=${1:-tap}
	nsx ip tuntap add dev "$NST_DEV" mode "$mode"
	nsx ip addr add "$KERNEL4/24" dev "$NST_DEV"
	nsx ip link set "$NST_DEV" up
}

# nst_wait_for TIMEOUT_S CMD...: poll CMD until it succeeds.
nst_wait_for() {
	local t=$1
	shift
	for _ in $(seq $((t * 10))); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# nst_engine_start [--tun] ARGS...: run nsstackd on $NST_DEV in the
# namespace with a control socket and a capture in $NST_DIR; waits until it
# answers on its control socket.
nst_engine_start() {
	local kind=--tap
	if [[ ${1:-} == --tun ]]; then
		kind=--tun
		shift
	fi
	NST_CTL=$NST_DIR/ctl.sock
	NST_PCAP=$NST_DIR/capture.pcapng
	ip netns exec "$NST_NS" "$BUILD/nsstackd" "$kind" "$NST_DEV" \
		--control "$NST_CTL" --pcap "$NST_PCAP" "$@" \
		>"$NST_DIR/engine.log" 2>&1 &
	NST_ENGINE_PID=$!
	NST_PIDS+=("$NST_ENGINE_PID")
	for _ in $(seq 100); do
		[[ -S $NST_CTL ]] && nsctl link >/dev/null 2>&1 && return 0
		kill -0 "$NST_ENGINE_PID" 2>/dev/null || break
		sleep 0.1
	done
	nst_fail "engine did not come up: $(cat "$NST_DIR/engine.log")"
}

# nst_addr_state ADDR: the engine's state for ADDR (tentative, valid,
# conflict), or nothing.
nst_addr_state() {
	nsctl -j addr | /usr/bin/python3 -c '
import json, sys
for a in json.load(sys.stdin):
    if a["addr"] == sys.argv[1]:
        print(a["state"])' "$1"
}

# nst_wait_valid ADDR: wait for RFC 5227 probing to finish (at most ~10 s:
# PROBE_WAIT 1 s + 3 probes 1-2 s apart + ANNOUNCE_WAIT 2 s).
nst_wait_valid() {
	for _ in $(seq 150); do
		[[ $(nst_addr_state "$1") == valid ]] && return 0
		sleep 0.1
	done
	nst_fail "$1 never became valid (state: $(nst_addr_state "$1"))"
}

# nst_addr6 SCOPE: the engine's IPv6 address of SCOPE (link, global) that
# is preferred, or nothing.
nst_addr6() {
	nsctl -j addr | /usr/bin/python3 -c '
import json, sys
for a in json.load(sys.stdin):
    if a["family"] == "inet6" and a.get("scope") == sys.argv[1] \
            and a["state"] == "preferred":
        print(a["addr"]); break' "$1"
}

# nst_wait_preferred ADDR: wait for DAD on ADDR (at most ~5 s: a random
# delay up to 1 s, one NS, RetransTimer 1 s).
nst_wait_preferred() {
	for _ in $(seq 50); do
		[[ $(nst_addr_state "$1") == preferred ]] && return 0
		sleep 0.1
	done
	nst_fail "$1 never became preferred (state: $(nst_addr_state "$1"))"
}

# nst_engine_stop: SIGTERM and wait, so the capture is complete.
nst_engine_stop() {
	kill "$NST_ENGINE_PID" 2>/dev/null || true
	wait "$NST_ENGINE_PID" 2>/dev/null || true
}

nsctl() {
	nsx "$BUILD/nsctl" -s "$NST_CTL" "$@"
}

# nst_stat NAME: one engine counter's value.
nst_stat() {
	nsctl -j stats | /usr/bin/python3 -c \
		'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# nst_app_stat NAME: the engine's app counter NAME (`nsctl apps`).
nst_app_stat() {
	nsctl -j apps | /usr/bin/python3 -c \
		'import json,sys; print(json.load(sys.stdin)["counters"][sys.argv[1]])' "$1"
}

# nst_pcap_clean FILE: no malformed packet and no checksum error in FILE.
nst_pcap_clean() {
	local bad
	bad=$(tshark -r "$1" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
		-o tcp.check_checksum:TRUE \
		-Y '_ws.malformed || ip.checksum.status==2 || udp.checksum.status==2 || tcp.checksum.status==2 || icmp.checksum.status==2 || icmpv6.checksum.status==2' \
		-T fields -e frame.number 2>/dev/null | head -5)
	[[ -z $bad ]] || nst_fail "capture $1 has malformed frames: $bad"
}
