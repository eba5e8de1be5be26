#!/usr/bin/env bash
# Rebuild the SIMD benchmark programs and their e2e expectations:
#
#   testdata/simd/wasm/NAME.wasm   testdata/simd/c/NAME.c with -msimd128 -O2
#   testdata/wasi/expected/simd-*.stdout  stdout of the e2e cases (cases.txt)
#   pkg/codegen/testdata/simd_abi.wasm    pkg/codegen/testdata/simd_abi.wat (wat2wasm)
#
# Each program's output is checked against the gcc build and the scalar
# wasm build (no -msimd128) of the same source under node-wasi.js before an
# expectation is written. `make test` does not run this: the outputs are
# committed. Needs clang --target=wasm32-wasi, gcc, node >= 20 and
# ../shared/peers/node-wasi.js (or LUCET_NODE_WASI=path).
set -euo pipefail
cd "$(dirname "$0")/.."
NODE_WASI=${LUCET_NODE_WASI:-$PWD/../shared/peers/node-wasi.js}
CFLAGS="-O2 -g0 -Wall -Wextra -Werror"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# name program size: the e2e cases (small sizes, for make test).
cases="simd-matmul:matmul_simd:64 simd-bytescan:bytescan_simd:4 simd-grey:grey_simd:2"
mkdir -p testdata/simd/wasm
for src in testdata/simd/c/*.c; do
	n=$(basename "$src" .c)
	clang --target=wasm32-wasi $CFLAGS -msimd128 "$src" -o "testdata/simd/wasm/$n.wasm" -Wl,--strip-debug
	clang --target=wasm32-wasi $CFLAGS "$src" -o "$tmp/$n.scalar.wasm" -Wl,--strip-debug
	gcc $CFLAGS "$src" -o "$tmp/$n"
done
for c in $cases; do
	IFS=: read -r name prog size <<<"$c"
	want=$("$tmp/$prog" "$size")
	for w in "testdata/simd/wasm/$prog.wasm" "$tmp/$prog.scalar.wasm"; do
		got=$(node "$NODE_WASI" "$w" "$size")
		if [ "$got" != "$want" ]; then
			echo "$w $size: node says $got, gcc says $want" >&2
			exit 1
		fi
	done
	printf '%s\n' "$want" >"testdata/wasi/expected/$name.stdout"
	echo "$name: $want"
done
ls -l testdata/simd/wasm

wat2wasm pkg/codegen/testdata/simd_abi.wat -o pkg/codegen/testdata/simd_abi.wasm
