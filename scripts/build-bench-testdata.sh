#!/usr/bin/env bash
# Regenerate pkg/bench/testdata/*.wasm from the .wat sources (wabt's wat2wasm).
set -euo pipefail
cd "$(dirname "$0")/../pkg/bench/testdata"
for f in *.wat; do
  wat2wasm "$f" -o "${f%.wat}.wasm"
done
