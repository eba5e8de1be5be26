#!/bin/sh
# Prints the sha256 of the object lucetc makes of every committed test module
# (and of the peers corpus, when built) at --opt-level 0 and 2, in both bounds
# modes and with --fuel: diff two runs to prove a refactor changed no code.
#   scripts/objhash.sh [LUCETC] > before.txt   (default: go build ./cmd/lucetc)
# Extra modules: OBJHASH_EXTRA="dir/*.wasm ...".
set -eu
cd "$(dirname "$0")/.."
LUCETC=${1:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "$LUCETC" ]; then
	CGO_ENABLED=0 go build -tags urfave_cli_no_docs -o "$tmp/lucetc" ./cmd/lucetc
	LUCETC=$tmp/lucetc
fi
corpus=/tmp/lucet-peers/corpus/build/wasm
mods=$(find . -path ./.git -prune -o -path '*testdata*' -name '*.wasm' -print | sort)
[ -d "$corpus" ] && mods="$mods $(ls "$corpus"/*.wasm)"
mods="$mods ${OBJHASH_EXTRA:-}"
for m in $mods; do
	for opts in "-O 0 --bounds-checks guard" "-O 2 --bounds-checks guard" \
		"-O 0 --bounds-checks explicit" "-O 2 --bounds-checks explicit" \
		"-O 2 --bounds-checks guard --fuel"; do
		# shellcheck disable=SC2086
		if "$LUCETC" $opts -o "$tmp/o.so" "$m" 2>"$tmp/err"; then
			h=$(sha256sum <"$tmp/o.so" | cut -d' ' -f1)
		else
			h="error: $(head -c 120 "$tmp/err" | tr '\n' ' ')"
		fi
		echo "$h  $m $opts"
	done
done
