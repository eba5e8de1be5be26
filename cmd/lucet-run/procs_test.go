package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/validate"
)

// procsAtInit is GOMAXPROCS once every package lucet-run imports is
// initialised (this package's variables come after them).
var procsAtInit = runtime.GOMAXPROCS(0)

// lucet-run starts on one P (internal/oneproc): with two, the runtime
// moves the main goroutine between them and each P's first allocation of
// each size class faults in a fresh heap span.
func TestStartOnOneP(t *testing.T) {
	if runtime.NumCPU() < 2 || os.Getenv("GOMAXPROCS") != "" {
		t.Skip("needs 2 CPUs and no GOMAXPROCS in the environment")
	}
	if procsAtInit != 1 {
		t.Fatalf("lucet-run's packages were initialised with GOMAXPROCS %d, want 1 (is internal/oneproc imported?)", procsAtInit)
	}
}

// spinChild, when set, is the .so whose "spin" export the test binary
// runs as lucet-run would, from the one P held since its initialisation
// (TestGuestGetsProcs).
const spinChild = "LUCET_RUN_TEST_SPIN_SO"

// The guest gets every P back. Each case runs in a child process, a
// fresh test binary holding one P as lucet-run's start does (a hang there
// is a failure here, not a hung test binary), on a .so, which is not
// compiled: only the release for the guest gives the Ps back.
//   - Under GODEBUG=asyncpreemptoff=1 Go never interrupts a spinning
//     guest, which then holds its P for good, so --timeout's timer fires
//     only on another one: the release must come before the guest runs.
//   - Otherwise it comes from a goroutine once the guest is preempted;
//     the Ps must be back by the time the spinning guest is stopped.
//
// (This file does not import internal/oneproc: TestStartOnOneP checks
// that lucet-run does.)
func TestGuestGetsProcs(t *testing.T) {
	if so := os.Getenv(spinChild); so != "" {
		args := []string{"--timeout", "100ms", "--invoke", "spin", so}
		code, _, errs := lucetRun(t, args...)
		if code != exitTimeout || !strings.Contains(errs, "timeout") {
			t.Fatalf("lucet-run %v = %d, stderr %q; want %d, a timeout", args, code, errs, exitTimeout)
		}
		// The release is a goroutine's: give it the time a loaded
		// machine may take to schedule it.
		for deadline := time.Now().Add(5 * time.Second); runtime.GOMAXPROCS(0) < 2 && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
		if n := runtime.GOMAXPROCS(0); n < 2 {
			t.Fatalf("after the guest ran for 100 ms GOMAXPROCS is %d: the Ps were not given back", n)
		}
		return
	}
	if runtime.NumCPU() < 2 || os.Getenv("GOMAXPROCS") != "" {
		t.Skip("needs 2 CPUs and no GOMAXPROCS in the environment")
	}
	so := compileSO(t, spinWasm)
	for _, godebug := range []string{"asyncpreemptoff=1", "asyncpreemptoff=0"} {
		t.Run(godebug, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestGuestGetsProcs$", "-test.count=1")
			cmd.Env = append(os.Environ(), spinChild+"="+so, "GODEBUG="+godebug)
			out, err := cmd.CombinedOutput()
			if ctx.Err() != nil {
				t.Fatalf("a spinning guest under --timeout 100ms (GODEBUG=%s) ran for 30 s: the Ps held at start were not released before it ran\n%s", godebug, out)
			}
			if err != nil {
				t.Fatalf("child: %v\n%s", err, out)
			}
		})
	}
}

func TestAsyncPreemptOff(t *testing.T) {
	for _, c := range []struct {
		godebug string
		want    bool
	}{
		{"", false},
		{"asyncpreemptoff=1", true},
		{"asyncpreemptoff=0", false},
		{"gctrace=1, asyncpreemptoff=1", true},
		{"asyncpreemptoff=1,asyncpreemptoff=0", false},
		{"xasyncpreemptoff=1", false},
	} {
		if got := asyncPreemptOff(c.godebug); got != c.want {
			t.Errorf("asyncPreemptOff(%q) = %v, want %v", c.godebug, got, c.want)
		}
	}
}

// compileSO compiles wasm to an object the way lucetc does.
func compileSO(t *testing.T, wasm []byte) string {
	t.Helper()
	m, err := decode.Decode(wasm, decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := validate.Module(m, validate.Options{}); err != nil {
		t.Fatal(err)
	}
	obj, err := codegen.Compile(m, codegen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	elf, err := link.ELF(obj)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.so")
	if err := os.WriteFile(path, elf, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
