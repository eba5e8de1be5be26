#!/usr/bin/env bash
# Rebuild the end-to-end test programs from source and regenerate their
# expected outputs. `make test` does not run this: the .wasm files and
# expectations it writes are committed, so tests need only Go.
#
#   testdata/hello.wasm            testdata/hello/hello.c (the `make demo` program)
#   testdata/wasi/wasm/NAME.wasm   testdata/wasi/c/NAME.c, testdata/wasi/go/NAME/
#   e2e/testdata/invoke.wasm       e2e/testdata/invoke.wat
#   pkg/command/testdata/NAME.wasm pkg/command/testdata/NAME.wat
#   testdata/wasi/expected/*.stdout  stdout of each case in testdata/wasi/cases.txt
#                                  under node-wasi.js (except cases marked no-node,
#                                  whose expectation is kept by hand)
#
# Then every case is run again against native builds of the same sources
# (gcc, go), except those marked no-native, so an expectation records what the
# program does rather than what one WASI implementation does.
#
# Needs: clang with --target=wasm32-wasi + wasi-libc + wasm-ld (flags as in
# ../shared/peers/corpus/build.sh), gcc, go, wat2wasm (wabt), node >= 20 and
# ../shared/peers/node-wasi.js (or LUCET_NODE_WASI=path).
set -euo pipefail
cd "$(dirname "$0")/.."
export LUCET_NODE_WASI=${LUCET_NODE_WASI:-$PWD/../shared/peers/node-wasi.js}
CFLAGS="-O2 -g0 -Wall -Wextra -Werror"

native=$(mktemp -d)
trap 'rm -rf "$native"' EXIT

wasm_c() { # src out
	clang --target=wasm32-wasi $CFLAGS "$1" -o "$2" -Wl,--strip-debug
}

echo "== C programs"
wasm_c testdata/hello/hello.c testdata/hello.wasm
gcc $CFLAGS testdata/hello/hello.c -o "$native/hello"
mkdir -p testdata/wasi/wasm
for src in testdata/wasi/c/*.c; do
	n=$(basename "$src" .c)
	wasm_c "$src" "testdata/wasi/wasm/$n.wasm"
	gcc $CFLAGS "$src" -o "$native/$n"
done

echo "== Go programs"
for d in testdata/wasi/go/*/; do
	n=$(basename "$d")
	GOOS=wasip1 GOARCH=wasm go build -trimpath -ldflags='-s -w' -o "testdata/wasi/wasm/$n.wasm" "./$d"
	go build -trimpath -o "$native/$n" "./$d"
done

echo "== WAT modules"
wat2wasm e2e/testdata/invoke.wat -o e2e/testdata/invoke.wasm
for w in pkg/command/testdata/*.wat; do
	wat2wasm "$w" -o "${w%.wat}.wasm"
done

ls -l testdata/hello.wasm testdata/wasi/wasm e2e/testdata/invoke.wasm pkg/command/testdata/*.wasm

echo "== expected outputs from node-wasi.js"
LUCET_E2E_NODE=1 go test -count=1 -run 'TestNodeWASI' ./e2e -update >/dev/null || true
# A second run checks what the first wrote (cases sharing an expectation).
LUCET_E2E_NODE=1 go test -count=1 -run 'TestNodeWASI|TestCasesFile' ./e2e

echo "== cross-check against native builds"
LUCET_E2E_NATIVE=$native go test -count=1 -run 'TestNativeWASI' -v ./e2e | grep -E '^\s*--- (FAIL|SKIP)|^(ok|FAIL)' || true
LUCET_E2E_NATIVE=$native go test -count=1 -run 'TestNativeWASI' ./e2e >/dev/null
