#!/usr/bin/env bash
# Build examples/serve's guest (committed, so the example and its tests
# need only Go): C, WASI preview 1, optimized, no debug info.
set -euo pipefail
cd "$(dirname "$0")/../examples/serve/guest"
clang --target=wasm32-wasi -O2 -g0 -Wall -Wextra guest.c -o guest.wasm -Wl,--strip-debug
ls -l guest.wasm
