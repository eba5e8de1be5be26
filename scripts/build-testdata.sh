#!/usr/bin/env bash
# Builds testdata/gobig.wasm, the multi-megabyte real module used by the
# decode/validate tests and benchmarks, from testdata/src/gobig. The result
# is committed so tests need only Go; rerun this after changing the source
# or the Go version (the bytes depend on the toolchain).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp testdata/gobig.wasm.XXXXXX)
trap 'rm -f "$tmp"' EXIT
GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 go build -trimpath -ldflags=-s -o "$tmp" ./testdata/src/gobig
chmod 644 "$tmp"
mv "$tmp" testdata/gobig.wasm
trap - EXIT
ls -l testdata/gobig.wasm
