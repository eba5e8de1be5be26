#!/usr/bin/env bash
# Fetches the WebAssembly 2.0 spec testsuite and converts it with wabt's
# wast2json into the layout internal/spectest reads:
#   OUT/core/<name>/<name>.{wast,json,N.wasm,N.wat}   (and simd/ for simd_*.wast)
# OUT is $LUCET_TESTSUITE, else ../shared/testsuite next to the repository.
#
# The commit is the one the shared testsuite's README names: 3a04b2c, the
# last WebAssembly/testsuite commit that is pure Wasm 2.0 and that wabt
# 1.0.32 converts without failures. No wast2json feature flags: wabt
# 1.0.32's defaults are exactly Wasm 2.0. This mirrors the testsuite's
# convert.sh; it needs git, network access and wast2json on PATH (or
# WAST2JSON=/path). Not run in CI.
set -euo pipefail
COMMIT=${TESTSUITE_COMMIT:-3a04b2cf93bd8fce277458d419eea8d9c326345c}
REPO=${TESTSUITE_REPO:-https://github.com/WebAssembly/testsuite}
WAST2JSON=${WAST2JSON:-wast2json}

root=$(cd "$(dirname "$0")/.." && pwd)
out=${LUCET_TESTSUITE:-$root/../shared/testsuite}

command -v "$WAST2JSON" >/dev/null || { echo "fetch-testsuite: $WAST2JSON not found (install wabt 1.0.32)" >&2; exit 2; }
ver=$("$WAST2JSON" --version 2>/dev/null || true)
[ "$ver" = "1.0.32" ] || echo "fetch-testsuite: warning: expected wast2json 1.0.32, found '${ver:-unknown}'; output may differ" >&2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git init -q "$tmp/ts"
git -C "$tmp/ts" fetch -q --depth 1 "$REPO" "$COMMIT"
git -C "$tmp/ts" checkout -q FETCH_HEAD

# Convert into a fresh directory, then swap it in, so a failure leaves the
# old testsuite untouched.
new="$tmp/out"
mkdir -p "$new/core" "$new/simd"
: > "$new/FAILED.txt"
nok=0; nfail=0
for f in "$tmp"/ts/*.wast; do
	name=$(basename "$f" .wast)
	case "$name" in
	simd_*) sub=simd ;;
	*) sub=core ;;
	esac
	d="$new/$sub/$name"
	mkdir -p "$d"
	cp "$f" "$d/$name.wast"
	# Run in the target directory so file names in the json are bare.
	if err=$(cd "$d" && "$WAST2JSON" "$name.wast" -o "$name.json" 2>&1); then
		nok=$((nok + 1))
	else
		nfail=$((nfail + 1))
		find "$d" -type f ! -name "$name.wast" -delete
		printf '%s/%s\t%s\n' "$sub" "$name" "$(printf '%s' "$err" | head -n 1)" >>"$new/FAILED.txt"
	fi
done
cp "$tmp/ts/LICENSE" "$new/LICENSE" 2>/dev/null || true
printf 'WebAssembly/testsuite %s converted by %s %s on %s\n' "$COMMIT" "$WAST2JSON" "$ver" "$(date -u +%F)" >"$new/SOURCE.txt"

mkdir -p "$out"
rm -rf "$out/core.old" "$out/simd.old"
[ -d "$out/core" ] && mv "$out/core" "$out/core.old"
[ -d "$out/simd" ] && mv "$out/simd" "$out/simd.old"
mv "$new/core" "$new/simd" "$out/"
cp "$new/FAILED.txt" "$new/SOURCE.txt" "$out/"
[ -f "$new/LICENSE" ] && cp "$new/LICENSE" "$out/"
rm -rf "$out/core.old" "$out/simd.old"
echo "fetch-testsuite: $nok converted, $nfail failed (see $out/FAILED.txt) into $out"
