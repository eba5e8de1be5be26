#!/usr/bin/env bash
# make demo: the best lucet can do so far, from committed inputs only.
set -euo pipefail
cd "$(dirname "$0")/.."
B=bin
echo "== lucet-validate: decode and validate the committed modules"
for f in testdata/*.wasm; do
	$B/lucet-validate "$f" || true
done
