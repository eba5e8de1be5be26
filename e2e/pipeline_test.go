package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// invokeSO is testdata/invoke.wasm compiled once by lucetc -o.
var invokeSO = sync.OnceValues(func() (string, error) {
	wd, _ := os.Getwd()
	return compile(filepath.Join(wd, "testdata", "invoke.wasm"), "invoke.so")
})

// pipeCase is one pipeline or bad-input check; run returns what went wrong.
type pipeCase struct {
	name string
	run  func(t *testing.T) error
}

// invokeCase: `lucet-run --invoke FN invoke.so ARGS...` must exit with
// code, print stdout exactly (when code is 0) and mention stderr (when set).
// Results are printed the way `wasmtime --invoke` does, as lucet-run
// documents: one per line, integers as signed decimal, floats as shortest
// round-trip decimals. A trap is exit 134 with the trap named on stderr; a
// bad export or arity is a usage error, 2.
func invokeCase(name string, code int, stdout, stderr string, fn string, args ...string) pipeCase {
	return pipeCase{name, func(t *testing.T) error {
		so, err := invokeSO()
		if err != nil {
			return err
		}
		lr, err := bin("lucet-run")
		if err != nil {
			return err
		}
		r, err := run(exec.Command(lr, append([]string{"--invoke", fn, so}, args...)...), nil, runLimit)
		if err != nil {
			return err
		}
		var errs []error
		if r.code != code {
			errs = append(errs, fmt.Errorf("lucet-run --invoke %s %v: %v, want exit %d; stderr: %s", fn, args, r, code, firstLines(string(r.stderr), 3)))
		}
		if code == 0 && string(r.stdout) != stdout {
			errs = append(errs, fmt.Errorf("stdout %q, want %q", r.stdout, stdout))
		}
		if stderr != "" && !strings.Contains(strings.ToLower(string(r.stderr)), stderr) {
			errs = append(errs, fmt.Errorf("stderr %q does not mention %q", bytes.TrimSpace(r.stderr), stderr))
		}
		if goPanic(r.stderr) {
			errs = append(errs, fmt.Errorf("Go panic on stderr: %s", firstLines(string(r.stderr), 3)))
		}
		return errors.Join(errs...)
	}}
}

// badInput: running cmd (built from the tool's path) on a bad input must
// fail with the given exit code (-1: any non-zero code except 134, which
// means a guest trap), and, if oneLine, a single clear line on stderr.
func badInput(name, tool string, code int, oneLine bool, args func(t *testing.T) ([]string, error)) pipeCase {
	return pipeCase{name, func(t *testing.T) error {
		exe, err := bin(tool)
		if err != nil {
			return err
		}
		a, err := args(t)
		if err != nil {
			return fmt.Errorf("preparing the input: %w", err)
		}
		r, err := run(exec.Command(exe, a...), nil, runLimit)
		if err != nil {
			return err
		}
		msg := strings.TrimSpace(string(r.stderr))
		var errs []error
		switch {
		case r.timedOut:
			errs = append(errs, fmt.Errorf("%s %v timed out", tool, a))
		case code >= 0 && r.code != code:
			errs = append(errs, fmt.Errorf("%s %v: %v, want exit %d; stderr: %s", tool, a, r, code, firstLines(msg, 3)))
		case code < 0 && (r.code == 0 || r.code == 134 || r.code < 0):
			errs = append(errs, fmt.Errorf("%s %v: %v, want a non-zero exit that is not a trap (134) or a signal; stderr: %s", tool, a, r, firstLines(msg, 3)))
		}
		if goPanic(r.stderr) {
			errs = append(errs, fmt.Errorf("Go panic on stderr: %s", firstLines(msg, 3)))
		}
		if msg == "" {
			errs = append(errs, errors.New("no error message on stderr"))
		} else if oneLine && strings.Contains(msg, "\n") {
			errs = append(errs, fmt.Errorf("want a one-line error, got %d lines: %s", strings.Count(msg, "\n")+1, firstLines(msg, 4)))
		}
		return errors.Join(errs...)
	}}
}

// withFile returns an args func that writes data to a temp file and passes
// prefix..., path, suffix....
func withFile(data func() ([]byte, error), prefix []string, suffix ...string) func(t *testing.T) ([]string, error) {
	return func(t *testing.T) ([]string, error) {
		b, err := data()
		if err != nil {
			return nil, err
		}
		p := filepath.Join(t.TempDir(), "input")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return nil, err
		}
		return append(append(append([]string{}, prefix...), p), suffix...), nil
	}
}

func fixed(args ...string) func(t *testing.T) ([]string, error) {
	return func(*testing.T) ([]string, error) { return args, nil }
}

func bytesOf(b []byte) func() ([]byte, error) { return func() ([]byte, error) { return b, nil } }

// soBytes returns the compiled invoke.so, changed by f.
func soBytes(f func([]byte) []byte) func() ([]byte, error) {
	return func() ([]byte, error) {
		so, err := invokeSO()
		if err != nil {
			return nil, err
		}
		b, err := os.ReadFile(so)
		if err != nil {
			return nil, err
		}
		return f(b), nil
	}
}

// flip xors one byte at off (an offset into the ELF header).
func flip(off int, mask byte) func([]byte) []byte {
	return func(b []byte) []byte {
		if off < len(b) {
			b[off] ^= mask
		}
		return b
	}
}

var (
	wasmHeader = []byte("\x00asm\x01\x00\x00\x00")
	// A module that decodes but does not validate: func () -> i32 whose
	// body is just `end`.
	invalidFunc = append(append([]byte{}, wasmHeader...),
		0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // type section: () -> i32
		0x03, 0x02, 0x01, 0x00, // function section
		0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b) // code section: no locals, end
	// A section whose size runs past the end of the file.
	badSection = append(append([]byte{}, wasmHeader...), 0x01, 0x7f, 0x01, 0x60)
)

func truncatedHello() ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "testdata", "hello.wasm"))
	return b[:len(b)/2], err
}

func pipelineCases() []pipeCase {
	lucetcBad := func(name string, data []byte) pipeCase {
		return badInput(name, "lucetc", 1, true, withFile(bytesOf(data), nil, "-o", os.DevNull))
	}
	runBad := func(name string, data func() ([]byte, error)) pipeCase {
		return badInput(name, "lucet-run", -1, true, withFile(data, nil))
	}
	return []pipeCase{
		{"objdump-pipe", testObjdumpPipe},
		{"lucetc-stdout", testLucetcStdout},
		{"lucetc-stdin", testLucetcStdin},

		invokeCase("invoke-add", 0, "3\n", "", "add", "1", "2"),
		invokeCase("invoke-add-negative", 0, "-3\n", "", "add", "-1", "-2"),
		invokeCase("invoke-add-wraps", 0, "-2147483648\n", "", "add", "2147483647", "1"),
		invokeCase("invoke-fib", 0, "6765\n", "", "fib", "20"),
		invokeCase("invoke-mulf", 0, "6\n", "", "mulf", "1.5", "4"),
		invokeCase("invoke-mulf-fraction", 0, "2.25\n", "", "mulf", "1.5", "1.5"),
		invokeCase("invoke-data", 0, "42\n", "", "answer"),
		invokeCase("invoke-load", 0, "0\n", "", "load", "65532"),
		invokeCase("invoke-trap", 134, "", "unreachable", "trap"),
		invokeCase("invoke-div-by-zero", 134, "", "divide by zero", "div", "7", "0"),
		invokeCase("invoke-div-overflow", 134, "", "overflow", "div", "-2147483648", "-1"),
		invokeCase("invoke-out-of-bounds", 134, "", "out of bounds", "load", "65533"),
		// "call stack exhausted" in the spec's words, "stack overflow" in others'.
		invokeCase("invoke-stack-overflow", 134, "", "stack", "recurse", "0"),
		invokeCase("invoke-no-such-export", 2, "", "nope", "nope"),
		invokeCase("invoke-wrong-arity", 2, "", "", "add", "1"),

		lucetcBad("lucetc-invalid-module", invalidFunc),
		lucetcBad("lucetc-bad-section", badSection),
		lucetcBad("lucetc-not-wasm", []byte("this is not a wasm module\n")),
		badInput("lucetc-truncated-wasm", "lucetc", 1, true, withFile(truncatedHello, nil, "-o", os.DevNull)),
		badInput("lucetc-no-input", "lucetc", 2, false, fixed()),
		badInput("lucetc-missing-input", "lucetc", 1, true, fixed("/nonexistent/x.wasm", "-o", os.DevNull)),
		badInput("lucetc-unwritable-output", "lucetc", 1, true, func(*testing.T) ([]string, error) {
			return []string{filepath.Join(repoRoot, "testdata", "hello.wasm"), "-o", "/nonexistent/dir/x.so"}, nil
		}),

		badInput("lucet-run-no-args", "lucet-run", 2, false, fixed()),
		badInput("lucet-run-missing-file", "lucet-run", -1, true, fixed("/nonexistent/x.so")),
		runBad("lucet-run-empty-file", bytesOf(nil)),
		runBad("lucet-run-truncated-so", soBytes(func(b []byte) []byte { return b[:len(b)/2] })),
		runBad("lucet-run-flipped-machine", soBytes(flip(18, 0x40))),   // e_machine: no longer x86-64
		runBad("lucet-run-flipped-shoff", soBytes(flip(0x28+5, 0x10))), // e_shoff: section headers past EOF
		runBad("lucet-run-wasm-not-so", bytesOf(invalidFunc)),
		badInput("lucet-run-bin-ls", "lucet-run", -1, true, fixed("/bin/ls")),
		badInput("lucet-run-missing-dir", "lucet-run", -1, true, withHello("--dir", "/nonexistent/dir::/sandbox")),
		badInput("lucet-run-dir-is-file", "lucet-run", -1, true, withHello("--dir", "/etc/passwd::/sandbox")),
		badInput("lucet-run-bad-env", "lucet-run", 2, true, withHello("--env", "=NO_NAME")),

		{"run-wasm-directly", testRunWasm},
	}
}

// withHello passes opts then the compiled hello.so.
func withHello(opts ...string) func(t *testing.T) ([]string, error) {
	return func(*testing.T) ([]string, error) {
		so, err := compiled("../hello.wasm")
		if err != nil {
			return nil, err
		}
		return append(append([]string{}, opts...), so), nil
	}
}

// testRunWasm: lucet-run also takes a .wasm and compiles it itself
// (--no-cache keeps it out of the user's cache directory).
func testRunWasm(t *testing.T) error {
	lr, err := bin("lucet-run")
	if err != nil {
		return err
	}
	r, err := run(exec.Command(lr, "--no-cache", filepath.Join(repoRoot, "testdata", "hello.wasm"), "world"), nil, compileLimit)
	if err != nil {
		return err
	}
	if r.code != 0 || string(r.stdout) != "Hello from Lucet, world!\n" {
		return fmt.Errorf("lucet-run --no-cache hello.wasm world: %v, stdout %q, stderr: %s", r, r.stdout, firstLines(string(r.stderr), 3))
	}
	return nil
}

// pipelineNames lets TestCasesFile check known-failures.txt against every
// case name.
var pipelineNames = func() []string {
	var n []string
	for _, c := range pipelineCases() {
		n = append(n, c.name)
	}
	return n
}()

// TestPipelines drives the built tools together and with bad inputs.
func TestPipelines(t *testing.T) {
	for _, c := range pipelineCases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			verdict(t, c.name, c.run(t))
		})
	}
}

// testObjdumpPipe: `lucetc invoke.wasm | lucet-objdump` through a real OS
// pipe must describe the same object as `lucet-objdump invoke.so`, and name
// the exports.
func testObjdumpPipe(t *testing.T) error {
	lc, err := bin("lucetc")
	if err != nil {
		return err
	}
	od, err := bin("lucet-objdump")
	if err != nil {
		return err
	}
	wd, _ := os.Getwd()
	src := filepath.Join(wd, "testdata", "invoke.wasm")
	pr, pw, err := os.Pipe()
	if err != nil {
		return err
	}
	c1 := exec.Command(lc, src)
	c1.Stdout = pw
	var e1 bytes.Buffer
	c1.Stderr = &e1
	if err := c1.Start(); err != nil {
		pr.Close()
		pw.Close()
		return err
	}
	pw.Close()
	c2 := exec.Command(od)
	c2.Stdin = pr
	var o2, e2 bytes.Buffer
	c2.Stdout, c2.Stderr = &o2, &e2
	err2 := c2.Run()
	pr.Close()
	err1 := c1.Wait()
	var errs []error
	if err1 != nil {
		errs = append(errs, fmt.Errorf("lucetc (stdout a pipe): %v: %s", err1, firstLines(e1.String(), 3)))
	}
	if err2 != nil {
		errs = append(errs, fmt.Errorf("lucet-objdump (stdin a pipe): %v: %s", err2, firstLines(e2.String(), 3)))
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	for _, name := range []string{"add", "fib", "mulf", "trap", "memory"} {
		if !strings.Contains(o2.String(), name) {
			errs = append(errs, fmt.Errorf("lucet-objdump output does not mention export %q", name))
		}
	}
	so, err := invokeSO()
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	r, err := run(exec.Command(od, so), nil, runLimit)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	if r.code != 0 {
		errs = append(errs, fmt.Errorf("lucet-objdump invoke.so: %v: %s", r, firstLines(string(r.stderr), 3)))
	} else if fromFile := bytes.ReplaceAll(r.stdout, []byte(so), []byte("<stdin>")); !bytes.Equal(fromFile, o2.Bytes()) {
		// The only allowed difference is the name of the input.
		errs = append(errs, fmt.Errorf("lucet-objdump prints different things for the piped object and the -o file: %s", diff(fromFile, o2.Bytes())))
	}
	return errors.Join(errs...)
}

// testLucetcStdout: with stdout redirected to a file and no -o, lucetc
// writes the object there, byte for byte what -o writes (compilation is
// deterministic).
func testLucetcStdout(t *testing.T) error {
	lc, err := bin("lucetc")
	if err != nil {
		return err
	}
	so, err := invokeSO()
	if err != nil {
		return err
	}
	want, err := os.ReadFile(so)
	if err != nil {
		return err
	}
	out, err := os.Create(filepath.Join(t.TempDir(), "stdout.so"))
	if err != nil {
		return err
	}
	defer out.Close()
	wd, _ := os.Getwd()
	cmd := exec.Command(lc, filepath.Join(wd, "testdata", "invoke.wasm"))
	cmd.Stdout = out
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(compileLimit):
		_ = cmd.Process.Kill()
		return fmt.Errorf("lucetc timed out")
	}
	if err != nil {
		return fmt.Errorf("lucetc invoke.wasm > file: %v: %s", err, firstLines(stderr.String(), 3))
	}
	got, err := os.ReadFile(out.Name())
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(got, []byte("\x7fELF")) {
		return fmt.Errorf("lucetc wrote %d bytes to stdout, not an ELF file", len(got))
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("lucetc output differs between stdout (%d bytes) and -o (%d bytes): compilation is not deterministic", len(got), len(want))
	}
	return nil
}

// testLucetcStdin: `lucetc - -o x.so < invoke.wasm` compiles standard input
// to the same bytes as compiling the file.
func testLucetcStdin(t *testing.T) error {
	lc, err := bin("lucetc")
	if err != nil {
		return err
	}
	so, err := invokeSO()
	if err != nil {
		return err
	}
	want, err := os.ReadFile(so)
	if err != nil {
		return err
	}
	wd, _ := os.Getwd()
	src, err := os.ReadFile(filepath.Join(wd, "testdata", "invoke.wasm"))
	if err != nil {
		return err
	}
	out := filepath.Join(t.TempDir(), "stdin.so")
	r, err := run(exec.Command(lc, "-", "-o", out), src, compileLimit)
	if err != nil {
		return err
	}
	if r.code != 0 {
		return fmt.Errorf("lucetc - -o x.so: %v: %s", r, firstLines(string(r.stderr), 3))
	}
	got, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("lucetc output differs between stdin (%d bytes) and a file (%d bytes)", len(got), len(want))
	}
	return nil
}
