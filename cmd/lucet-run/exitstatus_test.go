package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// exitsWasm is, in the text format:
//
//	(module
//	 (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
//	 (memory (export "memory") 1)
//	 (func (export "exit") (param i32) (call $exit (local.get 0)))
//	 (func (export "_start") (call $exit (i32.const 256))))
var exitsWasm = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x60, 0x01, 0x7f, 0x00, 0x60,
	0x00, 0x00, 0x02, 0x24, 0x01, 0x16, 0x77, 0x61, 0x73, 0x69, 0x5f, 0x73, 0x6e, 0x61, 0x70, 0x73,
	0x68, 0x6f, 0x74, 0x5f, 0x70, 0x72, 0x65, 0x76, 0x69, 0x65, 0x77, 0x31, 0x09, 0x70, 0x72, 0x6f,
	0x63, 0x5f, 0x65, 0x78, 0x69, 0x74, 0x00, 0x00, 0x03, 0x03, 0x02, 0x00, 0x01, 0x05, 0x03, 0x01,
	0x00, 0x01, 0x07, 0x1a, 0x03, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x04, 0x65,
	0x78, 0x69, 0x74, 0x00, 0x01, 0x06, 0x5f, 0x73, 0x74, 0x61, 0x72, 0x74, 0x00, 0x02, 0x0a, 0x10,
	0x02, 0x06, 0x00, 0x20, 0x00, 0x10, 0x00, 0x0b, 0x07, 0x00, 0x41, 0x80, 0x02, 0x10, 0x00, 0x0b,
}

// TestGuestExitStatus: the guest's proc_exit(N) is lucet-run's status for
// N up to 255. A process keeps only the low 8 bits of its status, so
// proc_exit(256) made lucet-run exit 0, a failing guest passed off as a
// success, and proc_exit(390) exit 134, as if it had trapped. Past 255 the
// status is 1, with one line saying why (wasmtime: 1 from 126 on).
func TestGuestExitStatus(t *testing.T) {
	t.Setenv("LUCET_CACHE_DIR", t.TempDir())
	mod := filepath.Join(t.TempDir(), "exits.wasm")
	if err := os.WriteFile(mod, exitsWasm, 0o644); err != nil {
		t.Fatal(err)
	}
	const past = "past the 255 a process status holds"
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string // what stderr holds ("" none)
	}{
		{[]string{"--invoke", "exit", mod, "0"}, 0, ""},
		{[]string{"--invoke", "exit", mod, "3"}, 3, ""},
		{[]string{"--invoke", "exit", mod, "126"}, 126, ""},
		{[]string{"--invoke", "exit", mod, "255"}, 255, ""},
		{[]string{"--invoke", "exit", mod, "256"}, exitError, "status 256, " + past},
		{[]string{"--invoke", "exit", mod, "390"}, exitError, "status 390, " + past},
		{[]string{"--invoke", "exit", mod, "i32:-1"}, exitError, "status 4294967295, " + past},
		{[]string{mod}, exitError, "status 256, " + past}, // _start
	} {
		code, _, errs := lucetRun(t, tc.args...)
		if code != tc.code || (tc.stderr == "") != (errs == "") || !strings.Contains(errs, tc.stderr) || strings.Count(errs, "\n") > 1 {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errs, tc.code, tc.stderr)
		}
	}
}
