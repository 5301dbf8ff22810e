#!/bin/bash
# SPDX-License-Identifier: MIT
# deps.sh - install the Debian packages nsstack builds and tests with.
#
# `deps.sh bench` checks the benchmark list instead (make bench only).
#
# Does nothing when every package is present.  Otherwise it names the missing
# packages, and installs them with apt-get when run as root (as CI is); as
# another user it prints the command to run and fails.
set -euo pipefail

pkgs=(
	# build
	gcc make pkg-config libuv1-dev libjson-c-dev uthash-dev
	# unit tests, fuzzing, lint
	libcriterion-dev clang-14 libclang-rt-14-dev clang-format clang-tidy cppcheck
	# integration tests: namespaces, peers, packet crafting and capture
	iproute2 iputils-ping arping python3 python3-scapy tshark tcpdump
	ncat socat curl dnsmasq-base radvd
)
if [[ ${1:-} == bench ]]; then
	# make bench: plots, and the TCP workloads once the engine has TCP.
	pkgs=(gnuplot-nox iperf3 iputils-ping iproute2 procps
		nginx-light wrk redis-server redis-tools ethtool)
fi

missing=()
for p in "${pkgs[@]}"; do
	[[ $p == \#* ]] && continue
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ $st == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
	exit 0
fi

echo "deps: missing Debian packages: ${missing[*]}"
if ((EUID != 0)); then
	echo "deps: run as root: apt-get install -y ${missing[*]}" >&2
	exit 1
fi
echo "deps: installing them with apt-get (this happens once)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: installed ${missing[*]}"
