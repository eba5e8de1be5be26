#!/usr/bin/env bash
# Regenerate pkg/codegen/testdata/scan/scan.wasm, the byte-scan loops of the
# shapes clang -O2 makes of wasi-libc's strlen, memchr and memcmp and of
# user-written scanning loops, from scan.c (clang --target=wasm32-wasi;
# -fno-builtin keeps them loops), and carried.wasm from carried.wat (wabt).
set -euo pipefail
cd "$(dirname "$0")/../pkg/codegen/testdata/scan"
clang --target=wasm32-wasi -O2 -fno-builtin -nostdlib -Wl,--no-entry -Wl,--export-all -o scan.wasm scan.c
wat2wasm carried.wat -o carried.wasm
