package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/validate"
)

var (
	soOnce sync.Once
	soPath string
	soErr  error
)

// invokeSO compiles testdata/invoke.wasm to a .so once per test binary,
// the way lucetc does.
func invokeSO(t *testing.T) string {
	t.Helper()
	soOnce.Do(func() {
		b, err := os.ReadFile("testdata/invoke.wasm")
		if err != nil {
			soErr = err
			return
		}
		m, err := decode.Decode(b, decode.Options{})
		if err != nil {
			soErr = err
			return
		}
		if _, err = validate.Module(m, validate.Options{}); err != nil {
			soErr = err
			return
		}
		obj, err := codegen.Compile(m, codegen.Options{})
		if err != nil {
			soErr = err
			return
		}
		elf, err := link.ELF(obj)
		if err != nil {
			soErr = err
			return
		}
		dir, err := os.MkdirTemp("", "lucet-run-test")
		if err != nil {
			soErr = err
			return
		}
		soPath = filepath.Join(dir, "invoke.so")
		soErr = os.WriteFile(soPath, elf, 0o644)
	})
	if soErr != nil {
		t.Fatal(soErr)
	}
	return soPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if soPath != "" {
		os.RemoveAll(filepath.Dir(soPath))
	}
	os.Exit(code)
}

func lucetRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"lucet-run"}, args...), strings.NewReader(""), &out, &errb)
	if strings.Contains(errb.String(), "goroutine ") {
		t.Fatalf("panic trace on stderr:\n%s", errb.String())
	}
	return code, out.String(), errb.String()
}

// TestOutputUnwritable: --invoke's results and --cache-stats's line
// are lucet-run's own output; one that cannot be written is exit 1 with
// one line on stderr, as the README says, not a silent success.
func TestOutputUnwritable(t *testing.T) {
	t.Setenv("LUCET_CACHE_DIR", t.TempDir())
	so := invokeSO(t)
	for _, args := range [][]string{
		{"--invoke", "add", so, "1", "2"},
		{"--invoke", "two", so},
		{"--cache-stats"},
		{"--cache-clean"},
	} {
		var errb bytes.Buffer
		code := run(append([]string{"lucet-run"}, args...), strings.NewReader(""), failWriter{}, &errb)
		if code != 1 || errb.String() != "lucet-run: write: no space left on device\n" {
			t.Errorf("%v: exit %d, stderr %q; want exit 1 and one line", args, code, errb.String())
		}
	}
}

// failWriter fails every write, as standard output on a full disk does.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("write: no space left on device") }

func TestInvoke(t *testing.T) {
	so := invokeSO(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string // substring
	}{
		{"add", []string{"--invoke", "add", so, "1", "2"}, 0, "3\n", ""},
		{"add negative", []string{"--invoke", "add", so, "-1", "-2"}, 0, "-3\n", ""},
		{"add typed", []string{"--invoke", "add", so, "i32:-1", "i32:0x7fffffff"}, 0, "2147483646\n", ""},
		{"invoke first", []string{"--invoke", "add", so, "40", "2"}, 0, "42\n", ""},
		{"invoke=", []string{"--invoke=add", so, "40", "2"}, 0, "42\n", ""},
		{"add unsigned", []string{"--invoke", "add", so, "4294967295", "1"}, 0, "0\n", ""},
		{"add64", []string{"--invoke", "add64", so, "i64:9223372036854775807", "1"}, 0, "-9223372036854775808\n", ""},
		{"f64", []string{"--invoke", "f64id", so, "0.5"}, 0, "0.5\n", ""},
		{"f64 -0 bits", []string{"--invoke", "f64id", so, "f64:0x8000000000000000"}, 0, "-0\n", ""},
		{"f32 nan bits", []string{"--invoke", "f32id", so, "f32:0x7fc00001"}, 0, "NaN\n", ""},
		{"f32", []string{"--invoke", "f32id", so, "1e10"}, 0, "10000000000\n", ""},
		{"fdiv inf", []string{"--invoke", "fdiv", so, "1", "0"}, 0, "inf\n", ""},
		{"multi", []string{"--invoke", "two", so}, 0, "-1\n42\n", ""},
		{"none", []string{"--invoke", "none", so}, 0, "", ""},
		{"externref", []string{"--invoke", "ext", so, "externref:7"}, 0, "externref:7\n", ""},
		{"externref null", []string{"--invoke", "ext", so, "externref:null"}, 0, "externref:null\n", ""},
		{"funcref null", []string{"--invoke", "isnull", so, "funcref:null"}, 0, "1\n", ""},
		{"trap", []string{"--invoke", "div0", so, "7"}, 134, "", "wasm trap: integer divide by zero\n  at inner"},
		{"unreachable", []string{"--invoke", "boom", so}, 134, "", "wasm trap: unreachable"},
		{"no such export", []string{"--invoke", "nope", so}, 2, "", `no export "nope"`},
		{"not a function", []string{"--invoke", "mem", so}, 2, "", "not a function"},
		{"arity", []string{"--invoke", "add", so, "1"}, 2, "", "takes 2 arguments"},
		{"bad number", []string{"--invoke", "add", so, "x", "1"}, 2, "", `"x" is not an i32`},
		{"wrong type prefix", []string{"--invoke", "add", so, "f32:1", "1"}, 2, "", "the parameter is i32"},
		{"no module", []string{"--invoke", "add"}, 2, "", "no module given"},
		{"missing file", []string{"/nonexistent.so", "--invoke", "add"}, 1, "", "no such file or directory"},
		{"no _start", []string{so}, 1, "", `exports no function "_start"`},
		{"bad tcplisten", []string{"--tcplisten", "nonsense", so}, 2, "", "--tcplisten nonsense"},
		{"bad flag", []string{"--bogus", so}, 2, "", "see lucet-run --help"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := lucetRun(t, tc.args...)
			if code != tc.code || out != tc.stdout || !strings.Contains(errs, tc.stderr) {
				t.Errorf("lucet-run %v = %d, stdout %q, stderr %q; want %d, %q, stderr containing %q",
					tc.args, code, out, errs, tc.code, tc.stdout, tc.stderr)
			}
		})
	}
}

// spinWasm is (module (func (export "spin") (loop (br 0)))).
var spinWasm = []byte("\x00asm\x01\x00\x00\x00" +
	"\x01\x04\x01\x60\x00\x00" +
	"\x03\x02\x01\x00" +
	"\x07\x08\x01\x04spin\x00\x00" +
	"\x0a\x09\x01\x07\x00\x03\x40\x0c\x00\x0b\x0b")

// TestFuel: a .wasm is compiled with fuel instrumentation when --fuel is
// given (through the cache, whose key must tell the two builds apart, and
// without it); running out is a trap, not a timeout. An object compiled
// without instrumentation is refused.
func TestFuel(t *testing.T) {
	t.Setenv("LUCET_CACHE_DIR", t.TempDir())
	wasmPath := filepath.Join(t.TempDir(), "spin.wasm")
	if err := os.WriteFile(wasmPath, spinWasm, 0o644); err != nil {
		t.Fatal(err)
	}
	so := invokeSO(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // substring
	}{
		// Uninstrumented first, so a cache key without the fuel option
		// would hand the fuel run this object.
		{"without fuel", []string{"--timeout", "50ms", "--invoke", "spin", wasmPath}, 124, "timeout"},
		{"cached", []string{"--fuel", "1000", "--invoke", "spin", wasmPath}, 134, "wasm trap: all fuel consumed\n  at spin"},
		{"cache hit", []string{"--fuel", "1000", "--invoke", "spin", wasmPath}, 134, "all fuel consumed"},
		{"no cache", []string{"--no-cache", "--fuel=1000", "--invoke", "spin", wasmPath}, 134, "all fuel consumed"},
		{"uninstrumented object", []string{"--fuel", "1000", "--invoke", "add", so, "1", "2"}, 1, "compile it with lucetc --fuel"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := lucetRun(t, tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.stderr) {
				t.Errorf("lucet-run %v = %d, stderr %q; want %d, stderr containing %q", tc.args, code, errs, tc.code, tc.stderr)
			}
			if tc.code == 134 && strings.Contains(errs, "timeout") {
				t.Errorf("out of fuel reported as a timeout: %q", errs)
			}
		})
	}
}

// --env NAME=VALUE sets a variable; a bare --env NAME passes the host's
// value through (nothing when the host has none); nothing else is inherited.
func TestEnv(t *testing.T) {
	t.Setenv("LUCET_CACHE_DIR", t.TempDir())
	t.Setenv("LUCET_TEST_HOST", "from host")
	t.Setenv("LUCET_TEST_NOT_PASSED", "secret")
	os.Unsetenv("LUCET_TEST_UNSET")
	env := "../../testdata/wasi/wasm/env.wasm"
	code, out, errs := lucetRun(t, "--env", "A=1", "--env", "LUCET_TEST_HOST", "--env", "LUCET_TEST_UNSET", env,
		"A", "LUCET_TEST_HOST", "LUCET_TEST_UNSET", "LUCET_TEST_NOT_PASSED")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, want := range []string{"2 variables\n", "env: A=1\n", "env: LUCET_TEST_HOST=from host\n", "getenv(LUCET_TEST_UNSET)=NULL"} {
		if !strings.Contains(out, want) {
			t.Errorf("guest environment lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []string{"LUCET_TEST_UNSET=", "secret"} {
		if strings.Contains(out, bad) {
			t.Errorf("guest environment has %q:\n%s", bad, out)
		}
	}
	if code, _, errs := lucetRun(t, "--env", "=x", env); code != 2 || !strings.Contains(errs, "NAME[=VALUE]") {
		t.Errorf("--env =x: exit %d, stderr %q; want a usage error", code, errs)
	}
}

// TestTimeoutBlockedRead: a guest blocked reading a stdin pipe that never
// gets data is stopped by --timeout through the store (exit 124 with the
// interrupt trap), not by the last-resort process exit.
func TestTimeoutBlockedRead(t *testing.T) {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	// Blocking mode, as a shell hands a pipe over; the write end stays
	// open and silent.
	r, w := os.NewFile(uintptr(p[0]), "stdin"), os.NewFile(uintptr(p[1]), "w")
	defer r.Close()
	defer w.Close()
	var exited atomic.Bool
	exitProcess = func(int) {
		// Instead of exiting the test, unblock the guest (EOF) so the
		// failure is reported rather than hung on.
		exited.Store(true)
		w.Close()
	}
	defer func() { exitProcess = os.Exit }()

	// Warm the cache: --timeout covers compiling too, and this test is
	// about the run.
	t.Setenv("LUCET_CACHE_DIR", t.TempDir())
	var out, errb bytes.Buffer
	if code := run([]string{"lucet-run", "../../testdata/wasi/wasm/cat.wasm"}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("warming the cache: exit %d: %s", code, errb.String())
	}
	start := time.Now()
	code := run([]string{"lucet-run", "--timeout", "200ms", "../../testdata/wasi/wasm/cat.wasm"}, r, &out, &errb)
	el := time.Since(start)
	if code != exitTimeout || !strings.Contains(errb.String(), "wasm trap: interrupted") {
		t.Errorf("exit %d, stderr %q; want %d and the interrupt trap", code, errb.String(), exitTimeout)
	}
	if exited.Load() || strings.Contains(errb.String(), "could not be interrupted") {
		t.Errorf("the last-resort exit fired: %q", errb.String())
	}
	if el > 200*time.Millisecond+timeoutGrace {
		t.Errorf("took %v", el)
	}
}

// --invoke on a WASI module links WASI as a command run does: the export
// can print, and a proc_exit inside it is the exit status.
func TestInvokeWASIModule(t *testing.T) {
	t.Setenv("LUCET_CACHE_DIR", t.TempDir())
	code, out, errs := lucetRun(t, "--invoke", "_start", "../../testdata/hello.wasm")
	if code != 0 || out != "Hello, world!\n" {
		t.Errorf("--invoke _start hello.wasm: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	// exitcode with no arguments prints its usage and returns 2 from
	// main, which wasi-libc's _start turns into proc_exit(2).
	code, _, errs = lucetRun(t, "--invoke", "_start", "../../testdata/wasi/wasm/exitcode.wasm")
	if code != 2 || !strings.Contains(errs, "usage: exitcode") {
		t.Errorf("--invoke _start exitcode.wasm: exit %d, stderr %q; want 2 and the usage", code, errs)
	}
	code, _, errs = lucetRun(t, "--invoke", "nope", "../../testdata/hello.wasm")
	if code != 2 || !strings.Contains(errs, `no export "nope"`) {
		t.Errorf("--invoke nope: exit %d, stderr %q", code, errs)
	}
	code, _, errs = lucetRun(t, "--max-memory", "bogus", "../../testdata/hello.wasm")
	if code != 2 || !strings.Contains(errs, "want a size") {
		t.Errorf("--max-memory bogus: exit %d, stderr %q", code, errs)
	}
}

// TestSplitArgs: everything after the module belongs to the guest.
func TestSplitArgs(t *testing.T) {
	tests := []struct {
		args  []string
		flags []string
		path  string
		rest  []string
	}{
		{[]string{"m.wasm", "a", "b"}, nil, "m.wasm", []string{"a", "b"}},
		{[]string{"m.wasm", "-"}, nil, "m.wasm", []string{"-"}},
		{[]string{"m.wasm", "-test.short", "-test.v=true"}, nil, "m.wasm", []string{"-test.short", "-test.v=true"}},
		{[]string{"--dir", "/", "m.wasm", "-1", "-"}, []string{"--dir=/"}, "m.wasm", []string{"-1", "-"}},
		{[]string{"--timeout=1s", "m.wasm", "--", "-e", "x"}, []string{"--timeout=1s"}, "m.wasm", []string{"-e", "x"}},
		{[]string{"m.wasm", "--timeout", "1s"}, nil, "m.wasm", []string{"--timeout", "1s"}},
		{[]string{"m.wasm", "a", "--", "b"}, nil, "m.wasm", []string{"a", "--", "b"}},
		{[]string{"--", "-m.wasm", "a"}, nil, "-m.wasm", []string{"a"}},
		{[]string{"--invoke", "add", "--no-cache", "m.wasm", "1", "2"}, []string{"--invoke=add", "--no-cache"}, "m.wasm", []string{"1", "2"}},
		{[]string{"-"}, nil, "-", nil},
	}
	for _, tc := range tests {
		c, err := splitArgs(append([]string{"lucet-run"}, tc.args...), runFlags)
		if err != nil {
			t.Errorf("splitArgs(%q): %v", tc.args, err)
			continue
		}
		if c.module != tc.path || strings.Join(c.flags[1:], " ") != strings.Join(tc.flags, " ") || strings.Join(c.guest, "|") != strings.Join(tc.rest, "|") {
			t.Errorf("splitArgs(%q) = flags %q, path %q, rest %q; want %q, %q, %q", tc.args, c.flags[1:], c.module, c.guest, tc.flags, tc.path, tc.rest)
		}
	}
	for _, args := range [][]string{{"--dir"}, {""}, {"--", ""}, {"--no-cache", "", "a"}} {
		if _, err := splitArgs(append([]string{"lucet-run"}, args...), runFlags); err == nil {
			t.Errorf("splitArgs(%q) accepted", args)
		}
	}
	// "" is an empty path, a usage error of its own, not "no module given".
	var out, errs bytes.Buffer
	if code := run([]string{"lucet-run", ""}, nil, &out, &errs); code != exitUsage || !strings.Contains(errs.String(), `the module path is empty ("")`) {
		t.Errorf(`lucet-run "": exit %d, stderr %q`, code, errs.String())
	}
}
