#!/usr/bin/env bash
# Regenerate every committed .wasm test module written as .wat (wabt's
# wat2wasm): each tracked X.wat that has an X.wasm beside it. Golden tests
# that print function names keep them (--debug-names); lucet-validate's
# inputs include invalid modules it must refuse (--no-check), and its
# badname.wasm is badname.wat's module with a name section cut short by
# hand, so it is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files '*.wat' | while read -r f; do
  w=${f%.wat}.wasm
  [ -f "$w" ] || continue
  case $f in
  cmd/lucet-validate/testdata/in/badname.wat) continue ;;
  cmd/lucet-validate/testdata/*) flags=(--no-check --debug-names) ;;
  cmd/lucetc/testdata/small.wat | cmd/lucet-run/testdata/invoke.wat) flags=(--debug-names) ;;
  *) flags=() ;;
  esac
  wat2wasm "${flags[@]}" "$f" -o "$w"
done
