#!/bin/bash
# SPDX-License-Identifier: MIT
# test_tcp_synflood.sh - 10k spoofed SYNs (scapy-built, raw socket) to the
# echo service while a legitimate kernel client connects: the SYN queue
# (as long as the listen backlog, 4096) overflows, the engine answers with SYN cookies,
# the client is served through a cookie, and the engine's memory stays
# bounded (embryonic connections hold no buffers).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcp_lib.sh"
nst_require_root
/usr/bin/python3 -c 'import scapy' 2>/dev/null || nst_skip "needs python3-scapy"
nst_setup
nst_tap_up
nsx sysctl -qw net.ipv6.conf.all.disable_ipv6=1
tcp_engine_start --addr 192.0.2.2/24 --service echo:7
DIR=$(cd "$(dirname "$0")" && pwd)
nsx ping -c1 -W2 192.0.2.2 >/dev/null || nst_fail "no ping"
MAC=$(nsx ip neigh show 192.0.2.2 | awk '{print $5}')
rss() { awk '/VmRSS/ {print $2}' "/proc/$EPID/status"; }
rss0=$(rss)

nsx timeout 120 /usr/bin/python3 "$DIR/synflood.py" "$NST_DEV" "$MAC" \
	10000 7 || nst_fail "flood"
# The legitimate client, while the SYN queue is still full.
nsx timeout 60 /usr/bin/python3 "$DIR/tcp_client.py" sequential 20 ||
	nst_fail "legitimate client not served during the flood"
rss1=$(rss)
sent=$(nst_stat TcpExtSyncookiesSent)
recv=$(nst_stat TcpExtSyncookiesRecv)
echo "SyncookiesSent $sent SyncookiesRecv $recv RSS ${rss0} kB ->" \
	"${rss1} kB"
((sent > 0)) || nst_fail "no SYN cookies under flood"
((recv > 0)) || nst_fail "legitimate client did not come in by cookie"
((rss1 - rss0 < 65536)) || nst_fail "engine RSS grew by $((rss1 - rss0)) kB"
tcp_engine_stop
echo "PASS: test_tcp_synflood"
