#!/usr/bin/env bash
# make demo: the seed's quick demo, from committed inputs only (needs Go).
set -euo pipefail
cd "$(dirname "$0")/.."
B=bin
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() { printf '\n$ %s\n' "$*"; "$@"; }

run $B/lucet-validate --wasi testdata/hello.wasm
run $B/lucetc -v testdata/hello.wasm -o "$out/hello.so"
printf '\n$ lucet-objdump hello.so | head -20\n'
$B/lucet-objdump "$out/hello.so" > "$out/objdump.txt"
head -20 "$out/objdump.txt"
run $B/lucet-run "$out/hello.so"
run $B/lucet-run "$out/hello.so" world
