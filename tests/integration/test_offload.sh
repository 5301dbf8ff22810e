#!/bin/bash
# SPDX-License-Identifier: MIT
# test_offload.sh - IFF_VNET_HDR offloads against the kernel: with the
# default (offload on) the link says csum,tso4,tso6; 200 MB to discard,
# 200 MB from chargen (RFC 864 pattern checked), 200 MB through echo
# (sha256 both ways) arrive exact; the counters show 64 KiB super-segments
# went both ways and no checksum was refused; the capture (partial
# checksums finished in the copy) has no malformed frame or bad checksum.
# Then --offload off gives plain frames that still work.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tcp_lib.sh"
nst_require_root
nst_require tshark
nst_setup
nst_tap_up
tcp_engine_start --addr 192.0.2.2/24 --service echo:7,discard:9,chargen:19
CLIENT=$(cd "$(dirname "$0")" && pwd)/tcp_client.py
run() { nsx timeout "$1" /usr/bin/python3 "$CLIENT" "${@:2}"; }

link=$(nsctl link)
echo "$link"
[[ $link == *"offload csum,tso4,tso6"* ]] || nst_fail "offload not on: $link"
# A second device at run time, offloads off; then gone again.
nsctl link add tap "${NST_DEV}b" --create --offload off >/dev/null ||
	nst_fail "link add --offload off"
[[ $(nsctl link) == *"${NST_DEV}b"*"offload off"* ]] ||
	nst_fail "link add: offload not off: $(nsctl link)"
nsctl link del "${NST_DEV}b" >/dev/null || nst_fail "link del"

run 120 discard 200000000 || nst_fail "discard"
run 120 chargen 200000000 || nst_fail "chargen"
head -c 200000000 /dev/urandom >"$NST_DIR/rand"
run 180 echo "$NST_DIR/rand" || nst_fail "echo 200 MB"
rm -f "$NST_DIR/rand"

gso_in=$(nst_stat EthInGsoFrames)
gso_out=$(nst_stat EthOutGsoFrames)
csum_err=$(nst_stat TcpInCsumErrors)
echo "EthInGsoFrames $gso_in EthOutGsoFrames $gso_out" \
	"TcpInCsumErrors $csum_err EthInFrames $(nst_stat EthInFrames)" \
	"EthOutFrames $(nst_stat EthOutFrames)" \
	"TcpRetransSegs $(nst_stat TcpRetransSegs)"
((gso_in > 0)) || nst_fail "no super-segment received"
((gso_out > 0)) || nst_fail "no super-segment sent"
((csum_err == 0)) || nst_fail "$csum_err checksum errors"
tcp_engine_stop

# The capture: every checksum verifies (partial ones are finished in the
# copy written to the file); super-segments are larger than the MTU but
# are well-formed IPv4/TCP, as tcpdump shows them on a GSO interface.
nst_pcap_clean "$NST_PCAP"
big=$(tshark -r "$NST_PCAP" -Y 'ip.len > 1500' -T fields -e frame.number \
	2>/dev/null | wc -l)
echo "capture: $big frames over the MTU (super-segments)"
((big > 0)) || nst_fail "capture shows no super-segment"
rm -f "$NST_PCAP"

# Offload off: plain frames, same results.
tcp_engine_start --addr 192.0.2.2/24 --service echo:7 --offload off
link=$(nsctl link)
[[ $link == *"offload off"* ]] || nst_fail "offload not off: $link"
head -c 20000000 /dev/urandom >"$NST_DIR/rand"
run 120 echo "$NST_DIR/rand" || nst_fail "echo 20 MB, offload off"
(($(nst_stat EthInGsoFrames) == 0 && $(nst_stat EthOutGsoFrames) == 0)) ||
	nst_fail "super-segments with offload off"
tcp_engine_stop
nst_pcap_clean "$NST_PCAP"
echo "PASS: test_offload"
