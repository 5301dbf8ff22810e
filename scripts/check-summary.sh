#!/bin/bash
# SPDX-License-Identifier: MIT
# check-summary.sh - one closing line for `make check`: unit + integration.
set -euo pipefail
build=${1:-build}
read -r up uf < <(sed -n 's/.*Tested: *\([0-9]*\) | Passing: *\([0-9]*\) | Failing: *\([0-9]*\) | Crashing: *\([0-9]*\).*/\2 \3+\4/p' \
	"$build/unit.log" | tail -1 | awk '{ split($2, a, "+"); print $1, a[1] + a[2] }')
ip=0 if=0 is=0
[[ -f $build/integration.count ]] && read -r ip if is < "$build/integration.count"
echo "unit: $up passed, $uf failed"
echo "integration: $ip passed, $if failed, $is skipped"
echo "check: $((up + ip)) passed, $((uf + if)) failed"
((uf + if == 0))
