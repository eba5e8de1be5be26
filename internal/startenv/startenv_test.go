package startenv

import (
	"flag"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// childArg, after the test binary's flags, makes a test run its child
// half: the parent re-executes the test binary in childEnv.
const childArg = "startenv-child"

func isChild() bool { return len(flag.Args()) > 0 && flag.Args()[0] == childArg }

// childEnv has duplicates (the first wins, as in os), an empty value, a
// variable without '=', names that are prefixes of others and a value
// holding '='.
var childEnv = []string{
	"A=first", "A=second",
	"AB=ab", "ABC", "EMPTY=", "EQ=x=y",
	"GODEBUG=asyncpreemptoff=1,cpu.avx=off",
	"V1=1", "V2=2", "V3=3", "V4=4", "V5=5", "V6=6", "V7=7", "V8=8", "V9=9",
}

var childNames = []string{"A", "AB", "ABC", "EMPTY", "EQ", "GODEBUG", "V9", "MISSING", "", "=", "A=first"}

func runChild(t *testing.T, name string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.count=1", childArg)
	cmd.Env = childEnv
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "PASS") {
		t.Fatalf("child %s: %v\n%s", name, err, out)
	}
}

// TestGetenvMatchesOS: after Trust, Getenv returns what os.Getenv does for
// every name, in childEnv.
func TestGetenvMatchesOS(t *testing.T) {
	if !isChild() {
		runChild(t, t.Name())
		return
	}
	Trust()
	for _, n := range childNames {
		if got, want := Getenv(n), os.Getenv(n); got != want {
			t.Errorf("Getenv(%q) = %q, os.Getenv %q", n, got, want)
		}
	}
}

// TestGetenvBuildsNoMap: in a fresh process whose first environment reads
// are Getenv's after Trust, they allocate once (Trust's copy of the
// environment); os.Getenv's first call would build its map (allocations
// per variable).
func TestGetenvBuildsNoMap(t *testing.T) {
	if !isChild() {
		runChild(t, t.Name())
		return
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	Trust()
	for range 10 {
		for _, n := range childNames {
			_ = Getenv(n)
		}
	}
	runtime.ReadMemStats(&after)
	if d := after.Mallocs - before.Mallocs; d > 1 {
		t.Errorf("Trust and Getenv allocated %d times, want 1", d)
	}
}

// TestGetenvUntrusted: without Trust, Getenv is os.Getenv and sees Setenv.
func TestGetenvUntrusted(t *testing.T) {
	if isChild() {
		t.Skip("trusted in the child")
	}
	t.Setenv("STARTENV_SET", "later")
	if got := Getenv("STARTENV_SET"); got != "later" {
		t.Fatalf("Getenv = %q, want the Setenv value", got)
	}
}
