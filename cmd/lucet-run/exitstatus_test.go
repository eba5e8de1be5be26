package main

import (
	"strings"
	"testing"
)

// TestGuestExitStatus: the guest's proc_exit(N) is lucet-run's status for
// N up to 255. A process keeps only the low 8 bits of its status, so
// proc_exit(256) made lucet-run exit 0, a failing guest passed off as a
// success, and proc_exit(390) exit 134, as if it had trapped. Past 255 the
// status is 1, with one line saying why (wasmtime: 1 from 126 on).
func TestGuestExitStatus(t *testing.T) {
	t.Setenv("LUCET_CACHE_DIR", t.TempDir())
	const mod = "testdata/exits.wasm" // _start calls proc_exit(256)
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
