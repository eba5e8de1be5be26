#!/usr/bin/env bash
# Regenerate pkg/codegen/testdata/idiom/idiom.wasm, the copy and fill loops
# of the shapes clang -O2 makes of wasi-libc's string routines, from
# idiom.c (clang --target=wasm32-wasi; -fno-builtin keeps them loops).
set -euo pipefail
cd "$(dirname "$0")/../pkg/codegen/testdata/idiom"
clang --target=wasm32-wasi -O2 -fno-builtin -nostdlib -Wl,--no-entry -Wl,--export-all -o idiom.wasm idiom.c
