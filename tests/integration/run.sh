#!/bin/bash
# SPDX-License-Identifier: MIT
# run.sh - run every tests/integration/test_*.sh, each in its own namespaces.
#
# A test exits 0 (pass), 77 (skip, with its reason on stdout) or anything
# else (fail).  Tests build and tear down their own namespaces (see
# ../shared/TESTBED.md); this runner only counts.
set -uo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0 skip=0 failed=()
mkdir -p "$build/integration"
for t in "$here"/test_*.sh; do
	[[ -e $t ]] || continue
	name=$(basename "$t" .sh)
	log=$build/integration/$name.log
	start=$SECONDS
	BUILD=$(cd "$build" && pwd) timeout 600 "$t" >"$log" 2>&1
	rc=$?
	case $rc in
	0) pass=$((pass + 1)); res=ok ;;
	77) skip=$((skip + 1)); res="skipped: $(tail -1 "$log")" ;;
	*) fail=$((fail + 1)); failed+=("$name"); res="FAILED (rc $rc)" ;;
	esac
	printf 'integration: %-32s %s (%ds)\n' "$name" "$res" $((SECONDS - start))
	if [[ $rc != 0 && $rc != 77 ]]; then
		sed 's/^/    | /' "$log" | tail -40
	fi
done
echo "$pass $fail $skip" >"$build/integration.count"
echo "integration: $pass passed, $fail failed, $skip skipped"
((fail == 0))
