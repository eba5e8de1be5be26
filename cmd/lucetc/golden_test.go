package main

import (
	"testing"

	"github.com/lucet-go/lucet/internal/golden"
)

// TestGolden pins lucetc's help, errors and output.
func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"help", []string{"--help"}},
		{"version", []string{"--version"}},
		{"no-input", nil},
		{"bad-flag", []string{"--bogus", "testdata/small.wasm"}},
		{"missing-file", []string{"testdata/nosuch.wasm"}},
		{"directory", []string{"testdata"}},
		{"text-format", []string{"testdata/small.wat"}},
		{"two-inputs", []string{"testdata/small.wasm", "testdata/small.wasm"}},
		{"bad-opt-level", []string{"-O", "9", "testdata/small.wasm"}},
		{"bad-jobs", []string{"-j", "x", "testdata/small.wasm"}},
		{"empty-input", []string{"../lucet-run/testdata/empty.wasm"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := lucetc(t, nil, tc.args...)
			golden.Check(t, tc.name, golden.Transcript("lucetc", tc.args, code, out, errs))
		})
	}
}
