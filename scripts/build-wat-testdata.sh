#!/usr/bin/env bash
# Regenerate the .wasm test modules written as .wat (wabt's wat2wasm):
# pkg/bench/testdata (lucet-bench) and testdata/api (package lucet).
set -euo pipefail
cd "$(dirname "$0")/.."
for f in pkg/bench/testdata/*.wat testdata/api/*.wat; do
  wat2wasm "$f" -o "${f%.wat}.wasm"
done
