package main

import (
	"bytes"
	"testing"

	"github.com/lucet-go/lucet/internal/golden"
)

// TestGolden pins lucet-bench's help and errors: exit status, stdout and
// stderr of each command line. (Its measurements vary run to run; the
// table in main_test.go checks their shape.)
func TestGolden(t *testing.T) {
	const traps = "../../pkg/bench/testdata/traps.wasm"
	tests := []struct {
		name string
		args []string
	}{
		{"help", []string{"--help"}},
		{"version", []string{"--version"}},
		{"no-module", []string{"-n", "10"}},
		{"bad-flag", []string{"--bogus", traps}},
		{"bad-layout", []string{"--layout", "sparse", traps}},
		{"bad-max-memory", []string{"--max-memory", "lots", traps}},
		{"bad-live", []string{"--live", "1,x", traps}},
		{"bad-instances", []string{"-n", "0", traps}},
		{"bad-instances-value", []string{"-n", "x", traps}},
		{"bad-reps-value", []string{"compile", "--reps", "x", traps}},
		{"missing-module", []string{"-n", "10", "testdata/nosuch.so"}},
		{"directory", []string{"-n", "10", "testdata"}},
		{"no-such-export", []string{"-n", "10", "--live", "", "--call", "nope", traps}},
		{"run-no-module", []string{"run"}},
		{"compile-no-module", []string{"compile"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errs bytes.Buffer
			code := run(append([]string{"lucet-bench"}, tc.args...), nil, &out, &errs)
			golden.Check(t, tc.name, golden.Transcript("lucet-bench", tc.args, code, out.String(), errs.String()))
		})
	}
}
