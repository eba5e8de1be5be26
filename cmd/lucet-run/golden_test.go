package main

import (
	"testing"

	"github.com/lucet-go/lucet/internal/golden"
)

// TestGolden pins lucet-run's help, its errors and its output: exit
// status, stdout and stderr of each command line.
func TestGolden(t *testing.T) {
	t.Setenv("LUCET_CACHE_DIR", t.TempDir())
	const inv = "testdata/invoke.wasm"
	tests := []struct {
		name string
		args []string
	}{
		{"help", []string{"--help"}},
		{"version", []string{"--version"}},
		{"no-module", nil},
		{"bad-flag", []string{"--bogus", inv}},
		{"wasmtime-S", []string{"-S", "inherit-env", inv}},
		{"wasmtime-run", []string{"run", inv}},
		{"flag-needs-value", []string{"--dir"}},
		{"missing-module", []string{"testdata/nosuch.wasm"}},
		{"directory", []string{"testdata"}},
		{"text-format", []string{"testdata/invoke.wat"}},
		{"empty-module", []string{"testdata/empty.wasm"}},
		{"not-a-module", []string{"testdata/notmodule.wasm"}},
		{"invoke", []string{"--invoke", "two", inv}},
		{"invoke-args", []string{"--invoke", "add", inv, "-1", "-2"}},
		{"invoke-trap", []string{"--invoke", "div0", inv, "7"}},
		{"invoke-no-export", []string{"--invoke", "nope", inv}},
		{"invoke-arity", []string{"--invoke", "add", inv, "1"}},
		{"invoke-bad-arg", []string{"--invoke", "add", inv, "1", "x"}},
		{"invoke-arity-one", []string{"--invoke", "down", "testdata/recurse.wasm"}},
		{"invoke-typed-arg", []string{"--invoke", "down", "testdata/recurse.wasm", "i64:1"}},
		{"hello", []string{"../../testdata/hello.wasm", "world"}},
		{"preload-cycle", []string{"--preload", "a=" + cmdTestdata + "cycle_a.wasm", "--preload", "b=" + cmdTestdata + "cycle_b.wasm", inv}},
		{"preload-clash", []string{"--preload", "a=x.wasm", "--preload", "a=y.wasm", inv}},
		{"unknown-import", []string{"--invoke", "run", cmdTestdata + "main.wasm", "1", "2"}},
		{"bad-max-memory", []string{"--max-memory", "lots", inv}},
		{"bad-max-table-elements", []string{"--max-table-elements", "lots", inv}},
		{"over-max-table-elements", []string{"--max-table-elements", "16777217", inv}},
		{"bad-fuel", []string{"--fuel", "lots", inv}},
		{"bad-timeout", []string{"--timeout=1x", inv}},
		{"bad-bool", []string{"--inherit-env=maybe", inv}},
		{"bad-dir", []string{"--dir", "testdata/nosuch", inv}},
		{"trusted-keys-missing", []string{"--trusted-keys", "testdata/nosuch.pub", inv}},
		{"trusted-keys-malformed", []string{"--trusted-keys", "testdata/invoke.wat", inv}},
		{"bad-max-output", []string{"--max-output", "-1", inv}},
		{"bad-max-open-files", []string{"--max-open-files", "2", inv}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := lucetRun(t, tc.args...)
			golden.Check(t, tc.name, golden.Transcript("lucet-run", tc.args, code, out, errs))
		})
	}
}
