# SPDX-License-Identifier: MIT
# tcp_lib.sh - helpers for the test_tcp_*.sh tests, sourced after lib.sh.

# tcp_engine_start ARGS...: nst_engine_start, then wait until RFC 5227
# probing has cleared every IPv4 --addr, so the kernel can reach it.
tcp_engine_start() {
	nst_engine_start "$@"
	EPID=$NST_ENGINE_PID
	while (($#)); do
		if [[ $1 == --addr && $2 != *:* ]]; then
			nst_wait_valid "${2%/*}"
			shift
		fi
		shift
	done
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
