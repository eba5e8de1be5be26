# Sourced by scripts/startprof.sh and scripts/startfaults.sh: into $tmp,
# the urfave/cli hello of scripts/startup.sh (clihello), a fresh copy of
# the lucet-run to measure (lucetrun; LUCET_RUN, or make build's) and
# hello.so. Fresh copies, as scripts/startup.sh runs them (see its comment).
if [ -z "${LUCET_RUN:-}" ]; then make -s build; LUCET_RUN=bin/lucet-run; fi
CGO_ENABLED=0 go build -buildvcs=false -tags urfave_cli_no_docs -o "$tmp/clihello" ./scripts/clihello
cp "$LUCET_RUN" "$tmp/lucetrun"
bin/lucetc testdata/hello.wasm -o "$tmp/hello.so" 2>/dev/null || go run -tags urfave_cli_no_docs ./cmd/lucetc testdata/hello.wasm -o "$tmp/hello.so"
