#!/bin/bash
# SPDX-License-Identifier: MIT
# test_install.sh - `make install` into a staging DESTDIR yields a tree a
# third-party program can build against with pkg-config alone.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

make -s -C "$top" install DESTDIR="$stage" PREFIX=/usr BUILD="$BUILD" >/dev/null
pc="$stage/usr/lib/pkgconfig"
for f in "$pc/nsstack.pc" "$stage/usr/lib/libnswire.a" \
	"$stage/usr/include/nsstack/wire/eth.h"; do
	[[ -f $f ]] || { echo "missing after install: $f"; exit 1; }
done
for b in nsstackd nsctl; do
	if [[ -x $BUILD/$b && ! -x $stage/usr/bin/$b ]]; then
		echo "built $b but did not install it"; exit 1
	fi
done

cat >"$stage/probe.c" <<'C'
#include <stdio.h>
#include "wire/csum.h"
#include "wire/eth.h"
int main(void)
{
	static const unsigned char f[] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1,
					   0x08, 0x00, 0x45 };
	struct eth_view v;
	if (eth_parse(f, sizeof(f), &v) || v.type != ETHERTYPE_IPV4)
		return 1;
	printf("type %04x payload %zu csum %04x\n", v.type, v.payload_len,
	       csum_inet(f, sizeof(f)));
	return 0;
}
C
# Point pkg-config's prefix at the staging tree, as a packager would.
flags=$(PKG_CONFIG_PATH=$pc pkg-config --define-prefix --cflags --libs nsstack)
out=$(cc -std=c11 -o "$stage/probe" "$stage/probe.c" $flags && "$stage/probe")
echo "$out"
[[ $out == "type 0800 payload 1 csum "* ]]
shim=$(PKG_CONFIG_PATH=$pc pkg-config --define-prefix --variable=shim nsstack)
[[ $shim == "$stage/usr/lib/nsstack/libnsshim.so" ]] || { echo "shim variable: $shim"; exit 1; }
