#!/usr/bin/env bash
# Builds the "wider" benchmark set, testdata/bench/wider/*.wasm, from the
# sources next to them: small realistic C programs (WASI commands, each
# printing a checksum line) beyond the peers corpus, and one Go program
# (gowide/) with Go's wasm shape. The .wasm files are committed so
# scripts/wider.sh and the tests need no C toolchain; rerun this after
# changing a source or the toolchain (the bytes depend on clang, wasi-libc
# and Go).
#
# Most programs are built at -O2 like the peers corpus; a few at -O3 (more
# unrolling and inlining) or -Os (smaller, more calls) because real
# modules come in all three.
#   scripts/build-bench-testdata.sh
set -euo pipefail
cd "$(dirname "$0")/../testdata/bench/wider"
opt() {
	case $1 in
	polybench | bignum) echo -O3 ;;
	glob | hashtab) echo -Os ;;
	*) echo -O2 ;;
	esac
}
for src in *.c; do
	b=${src%.c}
	clang --target=wasm32-wasi "$(opt "$b")" -g0 "$src" -o "$b.wasm" -Wl,--strip-debug -lm
done
GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -ldflags=-s -o gowide.wasm ./gowide
chmod 644 ./*.wasm
ls -l ./*.wasm
