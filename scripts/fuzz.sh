#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser, FUZZTIME each (default 2m).
# Crashers land in the package's testdata/fuzz/<Target>/ and become
# regression inputs that plain `go test` runs.
set -euo pipefail
cd "$(dirname "$0")/.."
t=${FUZZTIME:-2m}
for pkg in $(go list ./...); do
	for target in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
		echo "== $pkg $target"
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "$t" "$pkg"
	done
done
