#!/bin/bash
# SPDX-License-Identifier: MIT
# test_udp_services.sh - the engine's built-in UDP services against kernel
# clients: echo round-trips 1000 datagrams up to 8000 bytes byte-exact (so
# both directions fragment), ncat gets its line echoed, discard, daytime and
# chargen answer as their RFCs say, and a closed port yields ICMP port
# unreachable that the kernel client sees as ECONNREFUSED.
. "$(dirname "$0")/lib.sh"
nst_require_root
nst_require ncat tshark
nst_setup
nst_tap_up
nst_engine_start --addr "$ENGINE4/24" \
	--service echo:7,discard:9,daytime:13,chargen:19
nst_wait_valid "$ENGINE4"
here=$(dirname "$0")

nsx /usr/bin/python3 "$here/udp_client.py" echo "$ENGINE4" 7 1000 8000 ||
	nst_fail "udp echo"
in=$(nst_stat UdpInDatagrams)
((in >= 1000)) || nst_fail "UdpInDatagrams $in"

# ncat -u stops at end of input without waiting for replies: keep its input
# open for a moment, and let the idle timeout end it.
udp_ask() {
	(echo "$2"; sleep 1) | nsx timeout 5 ncat -u -i 1 "$ENGINE4" "$1" 2>/dev/null || true
}
line="nsstack says hello $RANDOM"
got=$(udp_ask 7 "$line")
[[ $got == "$line" ]] || nst_fail "ncat -u echo: got '$got'"
echo "ok: ncat -u echo"

got=$(udp_ask 13 x)
[[ $got =~ [0-9]{4} ]] || nst_fail "daytime: '$got'"
echo "ok: daytime: $got"
got=$(udp_ask 19 x)
# RFC 864: 0 to 512 characters from the rotating printable pattern.
((${#got} <= 513)) || nst_fail "chargen reply of ${#got} bytes"
echo "ok: chargen ${#got} bytes"
before=$(nst_stat UdpOutDatagrams)
udp_ask 9 x >/dev/null
(($(nst_stat UdpOutDatagrams) == before)) || nst_fail "discard answered"
echo "ok: discard stays silent"

nsx /usr/bin/python3 "$here/udp_client.py" refused "$ENGINE4" 4242 ||
	nst_fail "closed port"
((($(nst_stat UdpNoPorts)) >= 1)) || nst_fail "UdpNoPorts not counted"

nst_engine_stop
nst_pcap_clean "$NST_PCAP"
n=$(tshark -r "$NST_PCAP" -Y 'icmp.type == 3 && icmp.code == 3' 2>/dev/null | wc -l)
((n >= 1)) || nst_fail "no port unreachable in the capture"
echo "ok: udp services; $n port unreachable captured"
