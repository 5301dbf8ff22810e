#!/bin/bash
# SPDX-License-Identifier: MIT
# test_malformed.sh - malformed frames injected with scapy are dropped and
# each counted under its own counter; a fragment flood stays bounded; the
# engine stays up and still answers ping.
. "$(dirname "$0")/lib.sh"
nst_require_root
nst_require ping tshark
/usr/bin/python3 -c 'import scapy' 2>/dev/null || nst_skip "needs python3-scapy"
nst_setup
nst_tap_up
emac=02:00:5e:00:53:02
nst_engine_start --addr "$ENGINE4/24" --mac "$emac" --service echo:7
nst_wait_valid "$ENGINE4"
nsx ping -c 1 -W 1 "$ENGINE4" >/dev/null || nst_fail "no ping before"
rss0=$(awk '/VmRSS/ {print $2}' /proc/"$NST_ENGINE_PID"/status)

nsx /usr/bin/python3 "$(dirname "$0")/malformed.py" "$NST_DEV" "$emac" \
	>"$NST_DIR/sent" || nst_fail "injection failed"
cat "$NST_DIR/sent"
sleep 0.5
kill -0 "$NST_ENGINE_PID" || nst_fail "engine died"

# counter >= frames sent for each class
expect() {
	local counter=$1 want=$2 got
	got=$(nst_stat "$counter")
	((got >= want)) || nst_fail "$counter is $got, want >= $want"
	echo "ok: $counter $got"
}
expect IpInCsumErrors 20
expect IpInHdrErrors 60       # IHL < 5, header cut short, offset past 65535
expect IpInTruncatedPkts 20   # total length beyond the frame
expect IcmpInCsumErrors 20
expect UdpInCsumErrors 20
expect UdpInErrors 20         # UDP length > datagram
expect ArpInErrors 20
expect EthInUnknownTypes 20
expect IpReasmOverlaps 20
expect IpReasmFails 20

rss1=$(awk '/VmRSS/ {print $2}' /proc/"$NST_ENGINE_PID"/status)
echo "engine RSS: ${rss0} kB before, ${rss1} kB after the flood"
# 5000 held fragments of 1 KB would be 5 MB; ipfrag_high_thresh caps at 4 MB.
((rss1 - rss0 < 16384)) || nst_fail "RSS grew by $((rss1 - rss0)) kB"

out=$(nsx ping -c 5 -i 0.1 -W 1 "$ENGINE4")
echo "$out" | grep -q "5 packets transmitted, 5 received" ||
	nst_fail "no ping after: $out"
nsx /usr/bin/python3 "$(dirname "$0")/udp_client.py" echo "$ENGINE4" 7 10 1000 ||
	nst_fail "udp echo after"

nst_engine_stop
drops=$(tshark -r "$NST_PCAP" -Y 'frame.comment contains "dropped"' 2>/dev/null | wc -l)
((drops >= 200)) || nst_fail "only $drops drops marked in the capture"
echo "ok: malformed frames counted, $drops drops marked, engine alive"
