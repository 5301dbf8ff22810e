# SPDX-License-Identifier: MIT
# tcp_lib.sh - helpers for the test_tcp_*.sh tests, sourced after lib.sh.
#
# lib.sh starts nsstackd through its nsx shell function, so $! (and thus
# NST_ENGINE_PID) is a subshell, and killing it leaves the engine running
# after the namespace is gone.  tcp_engine_start finds the engine by its
# unique control-socket path and records its real PID for teardown.

# tcp_engine_start ARGS...: nst_engine_start, then track the real PID.
tcp_engine_start() {
	nst_engine_start "$@"
	EPID=$(pgrep -f "nsstackd .*--control $NST_CTL" | head -1)
	[[ -n $EPID ]] || nst_fail "engine pid not found"
	NST_PIDS+=("$EPID")
	NST_ENGINE_PID=$EPID
}

# tcp_engine_stop: SIGTERM the engine and wait until it is gone, so its
# capture file is complete.
tcp_engine_stop() {
	kill "$EPID" 2>/dev/null || true
	for _ in $(seq 100); do
		kill -0 "$EPID" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$EPID" 2>/dev/null || true
}

# tcp_client MODE ARG [TIMEOUT]: tcp_client.py inside the namespace.
tcp_client() {
	nsx timeout "${3:-120}" /usr/bin/python3 \
		"$(dirname "${BASH_SOURCE[0]}")/tcp_client.py" "$1" "$2"
}
