# Sourced by scripts/startprof.sh and scripts/startfaults.sh: into $tmp,
# the urfave/cli hello of scripts/startup.sh (clihello), a fresh copy of
# the lucet-run to measure (lucetrun; LUCET_RUN, or make build's) and
# hello.so, compiled by the lucetc next to that lucet-run (an object names
# its compiler, and a lucet-run refuses another's). Fresh copies, as
# scripts/startup.sh runs them (see its comment).
if [ -z "${LUCET_RUN:-}" ]; then make -s build; LUCET_RUN=bin/lucet-run; fi
CGO_ENABLED=0 go build -buildvcs=false -tags urfave_cli_no_docs -o "$tmp/clihello" ./scripts/clihello
cp "$LUCET_RUN" "$tmp/lucetrun"
lucetc=$(dirname "$LUCET_RUN")/lucetc
[ -x "$lucetc" ] || lucetc=bin/lucetc
"$lucetc" testdata/hello.wasm -o "$tmp/hello.so" 2>/dev/null || go run -tags urfave_cli_no_docs ./cmd/lucetc testdata/hello.wasm -o "$tmp/hello.so"
