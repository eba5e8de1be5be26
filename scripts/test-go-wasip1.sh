#!/usr/bin/env bash
# Go's own standard-library tests, built for wasip1, run under lucet-run.
# Slow (each test binary is a multi-megabyte module compiled by lucetc), so
# it is not part of `make test`. Prints one line per package and a summary.
set -uo pipefail
cd "$(dirname "$0")/.."
pkgs=${GO_WASIP1_PKGS:-"strconv strings sort bytes unicode/utf8 encoding/json encoding/base64 math os path/filepath"}
export LUCET_CACHE_DIR=${LUCET_CACHE_DIR:-$(mktemp -d)}
pass=0 fail=0
for p in $pkgs; do
	if out=$(GOOS=wasip1 GOARCH=wasm go test -count=1 -short -exec "$PWD/scripts/go-wasip1-exec.sh" "$p" 2>&1); then
		pass=$((pass+1)); echo "ok    $p"
	else
		fail=$((fail+1)); echo "FAIL  $p"; echo "$out" | tail -15 | sed 's/^/      /'
	fi
done
echo "go-wasip1: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
