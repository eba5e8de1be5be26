package e2e

import (
	"debug/buildinfo"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// compilerPackages are the packages lucet-run links to run a .wasm but must
// not do any work for when it runs a compiled .so: none of them may have
// package initialisation code at all, nor may their subpackages (their tables are static composite
// literals or internal/lazy values built on first use).
var compilerPackages = []string{
	"internal/asm",
	"internal/lazy",
	"pkg/codegen",
	"pkg/compile",
	"pkg/decode",
	"pkg/link",
	"pkg/validate",
	"pkg/wasm",
}

// initFreeRunPackages are lucet's packages on the path of running a .so
// that have no package initialisation either (sentinel errors are static
// data, tables internal/lazy values): what they need is made when the run
// reaches them.
var initFreeRunPackages = []string{
	"internal/cliflag", // urfave/cli's version flag is set on the first Version()
	"internal/crc32c",
	"pkg/command",
	"pkg/execute", // no getpid, time.Now, map or slab set-up at start
	"pkg/load",
	"pkg/object",
	"pkg/wasi",
}

// TestRunSONoCompilerInit runs lucet-run on hello.so under
// GODEBUG=inittrace=1, which prints a line for every package whose
// initialisation runs, and fails on any line of a compiler package or of
// initFreeRunPackages.
func TestRunSONoCompilerInit(t *testing.T) {
	lc, err := bin("lucetc")
	if err != nil {
		t.Fatal(err)
	}
	lr, err := bin("lucet-run")
	if err != nil {
		t.Fatal(err)
	}
	so := filepath.Join(t.TempDir(), "hello.so")
	if r, err := run(exec.Command(lc, filepath.Join(repoRoot, "testdata", "hello.wasm"), "-o", so), nil, compileLimit); err != nil {
		t.Fatal(err)
	} else if r.code != 0 {
		t.Fatalf("lucetc hello.wasm: %v: %s", r, firstLines(string(r.stderr), 3))
	}
	cmd := exec.Command(lr, so)
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	r, err := run(cmd, nil, runLimit)
	if err != nil {
		t.Fatal(err)
	}
	if r.code != 0 || !strings.HasPrefix(string(r.stdout), "Hello") {
		t.Fatalf("lucet-run hello.so: %v, stdout %q, stderr: %s", r, r.stdout, firstLines(string(r.stderr), 3))
	}
	traced := 0
	for _, line := range strings.Split(string(r.stderr), "\n") {
		// init github.com/lucet-go/lucet/pkg/x @1.2 ms, 0.1 ms clock, 64 bytes, 2 allocs
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "init" {
			continue
		}
		traced++
		for _, c := range []struct {
			what string
			pkgs []string
		}{{"the compiler package", compilerPackages}, {"the run-path package", initFreeRunPackages}} {
			for _, p := range c.pkgs {
				// A package's subpackages count too: pkg/codegen is a
				// pipeline of ssa, frontend, regalloc and isa/*.
				if path := "github.com/lucet-go/lucet/" + p; f[1] == path || strings.HasPrefix(f[1], path+"/") {
					t.Errorf("running a .so initialises %s %s: %s", c.what, p, line)
				}
			}
		}
	}
	if traced == 0 {
		t.Fatalf("GODEBUG=inittrace=1 printed no init lines; stderr: %s", firstLines(string(r.stderr), 3))
	}
}

// unlinkedFromRun are functions lucet-run must not link at all, with why:
// the Go runtime pays at every start for some of what a binary merely
// contains, whatever runs.
var unlinkedFromRun = []struct{ sym, why string }{
	{"golang.org/x/sys/unix.anyToSockaddr", "it makes an itab for each of unix's 21 address types, and " +
		"the runtime registers every itab of the binary at start (reading each one's type); " +
		"WASI's sock_accept and sock_recv return no peer address (pkg/wasi/sockio.go)"},
	{"math/big.init", "math/big's package initialisation runs at every start, in a text window nothing " +
		"else of a .so run touches; the compiler's division magic numbers are 128-bit math/bits " +
		"arithmetic (pkg/codegen/ssa/divmagic.go)"},
}

// TestRunLinksNothingUnneeded reads lucet-run's symbol table for the
// functions of unlinkedFromRun.
func TestRunLinksNothingUnneeded(t *testing.T) {
	lr, err := bin("lucet-run")
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(lr)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, s := range syms {
		have[s.Name] = true
	}
	if !have["main.main"] {
		t.Fatalf("lucet-run's symbol table has no main.main (%d symbols): stripped?", len(syms))
	}
	for _, u := range unlinkedFromRun {
		if have[u.sym] {
			t.Errorf("lucet-run links %s: %s", u.sym, u.why)
		}
	}
}

// lucet-run is linked with a default GODEBUG of its main package's
// settings (updatemaxprocs=0), memprofilerate=0 and profstackdepth=0 (the
// Makefile's RUN_LDFLAGS, which buildCommands copies): the runtime samples
// no allocation for a heap profile, not even the first of the process,
// and gives no thread profiling stack buffers.
func TestRunGODEBUGDefault(t *testing.T) {
	lr, err := bin("lucet-run")
	if err != nil {
		t.Fatal(err)
	}
	bi, err := buildinfo.ReadFile(lr)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"updatemaxprocs=0": false, "memprofilerate=0": false, "profstackdepth=0": false}
	for _, s := range bi.Settings {
		if s.Key != "-ldflags" {
			continue
		}
		for _, f := range strings.Fields(s.Value) {
			v, ok := strings.CutPrefix(strings.Trim(f, "'\""), "-X=runtime.godebugDefault=")
			if !ok {
				continue
			}
			for _, kv := range strings.Split(v, ",") {
				if _, ok := want[kv]; ok {
					want[kv] = true
				}
			}
		}
	}
	for kv, seen := range want {
		if !seen {
			t.Errorf("lucet-run is not linked with %s in runtime.godebugDefault (build settings %v)", kv, bi.Settings)
		}
	}
}
