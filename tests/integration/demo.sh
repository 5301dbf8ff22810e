#!/bin/bash
# SPDX-License-Identifier: MIT
# demo.sh - what `make demo` runs: a throw-away namespace with a TAP, the
# engine on it, the kernel as its peer, a few exchanges, the engine's view
# of them through nsctl, and a full tear-down.
#
# libnsshim.so puts unmodified programs on the engine: ncat over UDP
# against a kernel-side echo server, and curl over TCP fetching a page from
# a kernel-side web server, then the engine's view (nsctl ss, counters).
BUILD=${1:-build}
BUILD=$(cd "$BUILD" && pwd)
export BUILD
. "$(dirname "$0")/lib.sh"
if [[ $EUID != 0 ]]; then
	echo "demo: needs root (it creates a network namespace and a TAP)" >&2
	exit 1
fi
nst_setup
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "namespace $NST_NS, TAP $NST_DEV; kernel side $KERNEL4/24"
nst_tap_up
step "nsstackd --tap $NST_DEV --addr $ENGINE4/24 --service echo:7,daytime:13"
nst_engine_start --addr "$ENGINE4/24" --service echo:7,daytime:13
echo "waiting for RFC 5227 address conflict detection to finish..."
nst_wait_valid "$ENGINE4"
head -3 "$NST_DIR/engine.log"

step "kernel: ping -c 3 $ENGINE4 (the engine answers)"
nsx ping -c 3 -i 0.2 "$ENGINE4"
step "kernel: ping -c 2 -s 4000 $ENGINE4 (fragmented both ways)"
nsx ping -c 2 -i 0.2 -s 4000 "$ENGINE4" | tail -2
step "kernel: UDP echo and daytime from the engine's built-in services"
(echo "hello, nsstack"; sleep 1) | nsx timeout 3 ncat -u -i 1 "$ENGINE4" 7 2>/dev/null
(echo; sleep 1) | nsx timeout 3 ncat -u -i 1 "$ENGINE4" 13 2>/dev/null

step "kernel: a UDP echo server on $KERNEL4:7777 (python3)"
nst_bg_ns /usr/bin/python3 "$(dirname "$0")/shim_echo.py" "$KERNEL4" 7777
sleep 0.5
step "LD_PRELOAD=libnsshim.so ncat -u $KERNEL4 7777 (an unmodified program on the engine)"
(echo "hello through the shim"; sleep 1) |
	nsx env LD_PRELOAD="$BUILD/libnsshim.so" NSSHIM_SOCKET="$NST_CTL" \
		timeout 5 ncat --nsock-engine poll -u -i 1 "$KERNEL4" 7777 2>/dev/null || true
step "kernel: a web server on $KERNEL4:8000 (python3 -m http.server)"
mkdir -p "$NST_DIR/www"
printf '<html><body><h1>Hello from the kernel side</h1>\n<p>served over TCP to nsstackd, read by curl through libnsshim.so</p></body></html>\n' \
	>"$NST_DIR/www/index.html"
nst_bg_ns /usr/bin/python3 -m http.server --bind "$KERNEL4" --directory "$NST_DIR/www" 8000
nst_wait_for 10 nsx sh -c "ss -Htln 'sport = :8000' | grep -q ." || echo "web server did not start"
step "LD_PRELOAD=libnsshim.so curl http://$KERNEL4:8000/ (TCP through the engine)"
nsx env LD_PRELOAD="$BUILD/libnsshim.so" NSSHIM_SOCKET="$NST_CTL" \
	timeout 10 curl -sS "http://$KERNEL4:8000/" || true
step "nsctl ss (the engine's TCP sockets; curl's connection is gone: the server closed first)"
nsctl ss
step "nsctl apps (the shim's attaches, datagrams and stream bytes)"
nsctl apps
step "TCP counters"
nsctl stats | grep -E '^ *(Tcp|ShimTcp)' || nsctl stats | grep -i tcp | head -20

step "nsctl link";  nsctl link
step "nsctl addr";  nsctl addr
step "nsctl neigh"; nsctl neigh
step "nsctl route"; nsctl route
step "nsctl stats (non-zero counters)"; nsctl stats

nst_engine_stop
step "capture: $(tshark -r "$NST_PCAP" 2>/dev/null | wc -l) frames; the first few:"
tshark -r "$NST_PCAP" 2>/dev/null | head -8
step "tearing down $NST_NS"
