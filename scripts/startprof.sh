#!/usr/bin/env bash
# Where lucet-run hello.so's start costs more than the urfave/cli hello's,
# by sampling: perf record -F 25000 -e cpu-clock -g over RUNS runs of each
# (kernel included), then scripts/startprof per-run sample counts side by
# side. One sample is 40 us of perf's clock; perf's own overhead inflates
# every count alike, so compare the two columns, not absolute times.
#   scripts/startprof.sh [RUNS] [FRAME...]   (default 300 runs; FRAMEs:
#                 callees of each, e.g. main.main runtime.doInit1)
#   LUCET_RUN=path  the lucet-run to profile (default: make build's)
# Without FRAME: the top of the stacks (runtime start, package init,
# main, sysmon) and the kind of work (user, page faults, each system call).
# Needs perf with call graphs (perf_event_paranoid <= 1 or root) and gcc.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-300}
shift || true
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. scripts/start-setup.sh
for c in "lucetrun $tmp/hello.so" clihello; do
	n=${c%% *}
	perf record -q -F 25000 -e cpu-clock -g -o "$tmp/$n.data" -- \
		sh -c "for i in \$(seq $runs); do $tmp/$c >/dev/null; done" 2>/dev/null
	perf script -i "$tmp/$n.data" -F comm,ip,sym 2>/dev/null > "$tmp/$n.script"
done
go build -o "$tmp/startprof" ./scripts/startprof
"$tmp/startprof" "$tmp/lucetrun.script" lucetrun "$runs" "$tmp/clihello.script" clihello "$runs"
for f in "$@"; do
	echo
	"$tmp/startprof" "$tmp/lucetrun.script" lucetrun "$runs" "$tmp/clihello.script" clihello "$runs" "$f"
done
