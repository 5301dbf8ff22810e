#!/bin/bash
# SPDX-License-Identifier: MIT
# test_acd.sh - RFC 5227 address conflict detection against the kernel:
# the engine probes before using an address, answers `arping -D` for an
# address it holds, and refuses an address the kernel already has.
. "$(dirname "$0")/lib.sh"
nst_require_root
nst_require arping tshark
nst_setup
nst_tap_up
# 192.0.2.1 is the kernel's own address: the engine must detect it.
nst_engine_start --addr "$ENGINE4/24" --addr "$KERNEL4/24" \
	--mac 02:00:5e:00:53:02
nst_wait_valid "$ENGINE4"
for _ in $(seq 50); do
	[[ $(nst_addr_state "$KERNEL4") == conflict ]] && break
	sleep 0.1
done
[[ $(nst_addr_state "$KERNEL4") == conflict ]] ||
	nst_fail "$KERNEL4 state $(nst_addr_state "$KERNEL4"), want conflict"
grep -q "$KERNEL4 is already in use by" "$NST_DIR/engine.log" ||
	nst_fail "no clear conflict message in the engine log"
grep "$KERNEL4 is already in use" "$NST_DIR/engine.log"
((($(nst_stat ArpConflicts)) >= 1)) || nst_fail "ArpConflicts not counted"

# Duplicate address detection from the kernel side: RFC 5227 probes
# (sender 0.0.0.0) for the engine's address are answered by the engine.
# Debian's arping is Thomas Habets': -0 sends from 0.0.0.0, -D prints one
# '!' per answer.
nsx arping -0 -D -c 3 -i "$NST_DEV" "$ENGINE4" >"$NST_DIR/arping" 2>&1 || true
cat "$NST_DIR/arping"
grep -q '!!!' "$NST_DIR/arping" || nst_fail "probes for $ENGINE4 not all answered"
nsx arping -0 -c 1 -i "$NST_DEV" "$ENGINE4" >"$NST_DIR/arping" 2>&1 || true
grep -qi "from 02:00:5e:00:53:02 ($ENGINE4)" "$NST_DIR/arping" ||
	nst_fail "probe not answered by the engine: $(cat "$NST_DIR/arping")"

# The engine never used the conflicting address as a source.
nst_engine_stop
nst_pcap_clean "$NST_PCAP"
probes=$(tshark -r "$NST_PCAP" -Y 'arp.src.proto_ipv4 == 0.0.0.0 && arp.dst.proto_ipv4 == 192.0.2.2 && eth.src == 02:00:5e:00:53:02' 2>/dev/null | wc -l)
((probes >= 3)) || nst_fail "$probes RFC 5227 probes for $ENGINE4 captured, want 3"
leaked=$(tshark -r "$NST_PCAP" -Y 'eth.src == 02:00:5e:00:53:02 && (ip.src == 192.0.2.1 || (arp.src.proto_ipv4 == 192.0.2.1 && arp.opcode == 2))' 2>/dev/null | wc -l)
((leaked == 0)) || nst_fail "engine sent $leaked frames from the conflicting address"
echo "ok: probes $probes, conflict detected and refused, arping -D answered"
