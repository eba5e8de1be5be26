#!/usr/bin/env bash
# Run the WASI testsuite (github.com/WebAssembly/wasi-testsuite, its
# prebuilt tests: branch prod/testsuite-base) under bin/lucet-run.
#
#   scripts/wasi-testsuite.sh [CHECKOUT] [FILTER...]
#
# CHECKOUT defaults to $WASI_TESTSUITE. Every test directory under
# CHECKOUT/tests whose manifest names wasm32-wasip1 is run; wasip3 (and any
# other version) is skipped: lucet implements preview1 only, and has no
# wasi-threads. FILTER words, if given, keep only the tests whose
# LANG/NAME contains one of them.
#
# Each test is run as the suite's specification describes: its JSON spec
# (beside the .wasm, defaults when missing) gives argv, the environment
# (nothing else is passed to the guest), a directory preopened as "/",
# the expected exit code and the expected stdout/stderr. The directory is
# copied to a temp directory first (with *.cleanup leftovers removed) so the
# checkout stays clean and one test cannot disturb the next. Expected
# stdout/stderr must match exactly, which is stricter than the suite's own
# runner (it reads only as many characters as it expects).
#
# Prints one PASS/FAIL line per test (the mismatch under each FAIL), totals
# per language, and exits non-zero when any test failed. Needs bash,
# coreutils and python3 only. Environment: LUCET_RUN (default bin/lucet-run),
# WASI_TESTSUITE_TIMEOUT (seconds per test, default 60), LUCET_CACHE_DIR
# (compiled-module cache, as for lucet-run).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
checkout=${1:-${WASI_TESTSUITE:-}}
[ $# -gt 0 ] && shift
if [ -z "$checkout" ] || [ ! -d "$checkout/tests" ]; then
	echo "usage: $0 WASI_TESTSUITE_CHECKOUT [FILTER...] (or set WASI_TESTSUITE); no tests/ directory in '${checkout}'" >&2
	exit 2
fi
runner=${LUCET_RUN:-$root/bin/lucet-run}
if [ ! -x "$runner" ]; then
	echo "$0: $runner not found; run 'make build' first" >&2
	exit 2
fi

exec python3 - "$runner" "$checkout" "${WASI_TESTSUITE_TIMEOUT:-60}" "$@" <<'PY'
import json, os, shutil, subprocess, sys, tempfile
from pathlib import Path

runner, checkout, timeout = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
filters = sys.argv[4:]
WANT = "wasm32-wasip1"

def suites():
    """Yield (language, directory) for each wasip1 test directory."""
    for manifest in sorted(checkout.glob("tests/**/manifest.json")):
        d = manifest.parent
        if not any(d.glob("*.wasm")):
            continue  # a source directory, not built tests
        lang = d.relative_to(checkout / "tests").parts[0]
        try:
            version = json.loads(manifest.read_text()).get("version", d.name)
        except (OSError, ValueError) as e:
            print(f"SKIP  {d}: bad manifest: {e}")
            continue
        if version != WANT:
            print(f"SKIP  {lang}/{d.name}: {version} (lucet implements {WANT} only)")
            continue
        yield lang, d

def spec_of(wasm):
    """The test's operations, reduced to what wasip1 command tests use."""
    path = wasm.with_suffix(".json")
    cfg = json.loads(path.read_text()) if path.exists() else {}
    if "operations" not in cfg:
        ops = [dict(type="run", args=cfg.get("args", []), env=cfg.get("env", {}),
                    root=cfg.get("root"))]
        for stream in ("stdout", "stderr"):
            if cfg.get(stream) is not None:
                ops.append(dict(type="read", id=stream, payload=cfg[stream]))
        ops.append(dict(type="wait", exit_code=cfg.get("exit_code", 0)))
        cfg = dict(operations=ops)
    if cfg.get("proposals"):
        return None, f"needs proposals {cfg['proposals']}"
    if cfg.get("world", "wasi:cli/command") != "wasi:cli/command":
        return None, f"world {cfg['world']}"
    runs = [o for o in cfg["operations"] if o.get("type") == "run"]
    other = {o.get("type") for o in cfg["operations"]} - {"run", "read", "wait"}
    if len(runs) != 1 or other:
        return None, f"operations {sorted(other) or 'with several runs'} are not supported here"
    run = runs[0]
    reads = {"stdout": None, "stderr": None}
    for o in cfg["operations"]:
        if o.get("type") == "read":
            s = o.get("id", "stdout")
            reads[s] = (reads[s] or "") + o.get("payload", "")
    waits = [o for o in cfg["operations"] if o.get("type") == "wait"]
    exit_code = waits[0].get("exit_code", 0) if waits else 0
    return dict(args=run.get("args", []), env=run.get("env", {}), root=run.get("root"),
                reads=reads, exit_code=exit_code), None

def remove_cleanup(d):
    for f in sorted(d.glob("**/*.cleanup"), reverse=True):
        if f.is_symlink():
            continue
        if f.is_dir():
            shutil.rmtree(f)
        elif f.exists():
            f.unlink()

def show(b):
    s = b.decode("utf-8", "replace")
    return s if len(s) < 2000 else s[:2000] + "...(truncated)"

def run_test(wasm, spec):
    """Return a list of mismatches (empty: pass)."""
    with tempfile.TemporaryDirectory(prefix="wasi-testsuite.") as tmp:
        argv = [runner]
        for k, v in spec["env"].items():
            argv += ["--env", f"{k}={v}"]
        if spec["root"]:
            src = wasm.parent / spec["root"]
            dst = Path(tmp) / "root"
            # symlinks=True: fixtures hold symlinks (some dangling) that
            # must stay symlinks.
            shutil.copytree(src, dst, symlinks=True)
            remove_cleanup(dst)
            argv += ["--dir", f"{dst}::/"]
        argv += [str(wasm), "--"] + [str(a) for a in spec["args"]]
        try:
            p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=timeout, env=dict(os.environ), cwd=tmp)
        except subprocess.TimeoutExpired:
            return [f"timeout after {timeout:g}s"]
    bad = []
    if p.returncode != spec["exit_code"]:
        bad.append(f"exit code {p.returncode}, want {spec['exit_code']}")
    for stream, got in (("stdout", p.stdout), ("stderr", p.stderr)):
        want = spec["reads"][stream]
        if want is not None and got != want.encode():
            bad.append(f"{stream} {show(got)!r}, want {want!r}")
    if bad:
        if spec["reads"]["stdout"] is None and p.stdout:
            bad.append("stdout:\n" + show(p.stdout))
        if p.stderr and spec["reads"]["stderr"] is None:
            bad.append("stderr:\n" + show(p.stderr))
    return bad

totals = {}
for lang, d in suites():
    t = totals.setdefault(lang, [0, 0, 0])
    for wasm in sorted(d.glob("*.wasm")):
        name = f"{lang}/{wasm.stem}"
        if filters and not any(f in name for f in filters):
            continue
        spec, why = spec_of(wasm)
        if spec is None:
            t[2] += 1
            print(f"SKIP  {name}: {why}", flush=True)
            continue
        bad = run_test(wasm, spec)
        if bad:
            t[1] += 1
            print(f"FAIL  {name}", flush=True)
            for line in "\n".join(bad).splitlines():
                print(f"        {line}")
        else:
            t[0] += 1
            print(f"PASS  {name}", flush=True)

failed = 0
for lang, (p, f, s) in totals.items():
    print(f"{lang}: {p} passed, {f} failed, {s} skipped")
    failed += f
tp = sum(t[0] for t in totals.values())
ts = sum(t[2] for t in totals.values())
print(f"wasi-testsuite ({WANT}): {tp} passed, {failed} failed, {ts} skipped")
sys.exit(1 if failed else 0)
PY
