package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/lucet-go/lucet/internal/cliflag/ptytest"
)

const cmdTestdata = "../../pkg/command/testdata/"

// The flags a wasmtime user reaches for, end to end in-process.
func TestRunFlags(t *testing.T) {
	t.Setenv("LUCET_CACHE_DIR", t.TempDir())
	t.Setenv("LUCET_TEST_INHERITED", "yes")
	hello := "../../testdata/hello.wasm"
	env := "../../testdata/wasi/wasm/env.wasm"
	args := "../../testdata/wasi/wasm/args.wasm"
	lib := "lib=" + cmdTestdata + "lib.wasm"
	main := cmdTestdata + "main.wasm"
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // substring
		stderr string // substring
	}{
		{"guest flags verbatim", []string{args, "-test.short", "--", "-v"}, 0, "argv[1]=[-test.short] (11 bytes)\nargv[2]=[--] (2 bytes)\nargv[3]=[-v]", ""},
		{"-- after module dropped", []string{args, "--", "-x"}, 0, "argc=2\nargv[0] present: yes\nargv[1]=[-x]", ""},
		{"inherit-env", []string{"--inherit-env", "--env", "HOME=/guest", env, "LUCET_TEST_INHERITED", "HOME"}, 0, "getenv(LUCET_TEST_INHERITED)=[yes]\ngetenv(HOME)=[/guest]", ""},
		{"no inherit", []string{env, "LUCET_TEST_INHERITED"}, 0, "0 variables", ""},
		{"preload", []string{"--preload", lib, "--default-values-unknown-imports", "--invoke", "run", main, "3", "4"}, 0, "9\n", ""},
		{"preload default value", []string{"--preload", lib, "--default-values-unknown-imports", "--invoke", "missing", main}, 0, "0\n", ""},
		{"trap unknown import", []string{"--preload", lib, "--trap-unknown-imports", "--invoke", "missing", main}, 134, "", "lucet-run: wasm trap: call to unknown import env.missing\n"},
		{"unknown import refused", []string{"--preload", lib, "--invoke", "run", main, "1", "2"}, 1, "", "missing"},
		{"preload cycle", []string{"--preload", "a=" + cmdTestdata + "cycle_a.wasm", "--preload", "b=" + cmdTestdata + "cycle_b.wasm", hello}, 1, "", "lucet-run: preload cycle: a imports b imports a\n"},
		{"preload clash", []string{"--preload", lib, "--preload", "lib=x.wasm", hello}, 2, "", "--preload lib: the name is given twice"},
		{"preload missing", []string{"--preload", "lib=/nonexistent.wasm", hello}, 1, "", "--preload lib: "},
		{"preload bad", []string{"--preload", "lib", hello}, 2, "", "want NAME=PATH"},
		{"stdin twice", []string{"--preload", "a=-", "--preload", "b=-", "-"}, 2, "", "lucet-run: standard input (-) holds one module, given for --preload a and --preload b and MODULE (see lucet-run --help)\n"},
		{"stdin for a preload and the module", []string{"--preload", "a=-", "-"}, 2, "", "given for --preload a and MODULE"},
		{"both unknown policies", []string{"--trap-unknown-imports", "--default-values-unknown-imports", hello}, 2, "", "exclude each other"},
		{"bad profile", []string{"--profile", "jitdump", hello}, 2, "", "the one profile is perfmap"},
		{"directory", []string{"../../testdata"}, 1, "", "lucet-run: ../../testdata: is a directory, not a module\n"},
		{"missing module", []string{"/nonexistent.wasm"}, 1, "", "/nonexistent.wasm"},
		{"unreadable preopen", []string{"--dir", "/nonexistent", hello}, 1, "", "lucet-run: --dir /nonexistent: no such file or directory\n"},
		{"preopen not a dir", []string{"--dir-ro", "/etc/passwd::/x", hello}, 1, "", "--dir-ro /etc/passwd: not a directory"},
		{"text format", []string{cmdTestdata + "lib.wat"}, 1, "", "text format"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := lucetRun(t, tc.args...)
			if code != tc.code || !strings.Contains(out, tc.stdout) || !strings.Contains(errs, tc.stderr) {
				t.Errorf("lucet-run %q = %d\nstdout %q\nstderr %q\nwant %d, stdout with %q, stderr with %q", tc.args, code, out, errs, tc.code, tc.stdout, tc.stderr)
			}
			if code != 0 && strings.Count(strings.TrimSuffix(errs, "\n"), "\n") > 0 && code != exitTrap {
				t.Errorf("more than one line on stderr: %q", errs)
			}
		})
	}
}

func TestStdinModule(t *testing.T) {
	t.Setenv("LUCET_CACHE_DIR", t.TempDir())
	b, err := os.ReadFile("../../testdata/hello.wasm")
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := run([]string{"lucet-run", "-", "world"}, bytes.NewReader(b), &out, &errb)
	if code != 0 || out.String() != "Hello from Lucet, world!\n" {
		t.Errorf("lucet-run - world < hello.wasm: %d, %q, %q", code, out.String(), errb.String())
	}
}

func TestArgv0(t *testing.T) {
	for _, tc := range []struct{ args, want string }{
		{"dir/x.wasm", "x.wasm"},
		{"--argv0 name dir/x.wasm", "name"},
		{"--argv0= x.wasm", ""},
	} {
		cl, err := splitArgs(append([]string{"lucet-run"}, strings.Fields(tc.args)...), runFlags)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		app := &cli.App{Flags: runFlags(), Action: func(c *cli.Context) error {
			_, ro, err := parseOptions(c, cl)
			if err == nil {
				got = ro.opts.Args[0]
			}
			return err
		}}
		if err := app.Run(cl.flags); err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s: argv[0] %q, want %q", tc.args, got, tc.want)
		}
	}
}

// The perf map names every function of the module at its code address.
func TestPerfMap(t *testing.T) {
	t.Setenv("LUCET_CACHE_DIR", t.TempDir())
	code, _, errs := lucetRun(t, "--profile=perfmap", "--invoke", "add", invokeSO(t), "1", "2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("perf-%d.map", os.Getpid()))
	defer os.Remove(path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{" wasm:invoke.so:add\n", " wasm:invoke.so:div0\n"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("perf map lacks %q:\n%s", want, b)
		}
	}
	var addr, size uint64
	var name string
	if _, err := fmt.Sscanf(string(b), "%x %x %s", &addr, &size, &name); err != nil || addr == 0 || size == 0 {
		t.Errorf("first line %q: %v", strings.SplitN(string(b), "\n", 2)[0], err)
	}
}

// --timeout covers compiling: a module that takes longer to compile than
// the timeout is stopped with 124 before it runs.
func TestTimeoutCoversCompile(t *testing.T) {
	start := time.Now()
	// 300ms: compiling gobig takes over a second; reading it, a few ms
	// (with 1ms the timeout could fire before compiling began).
	code, _, errs := lucetRun(t, "--no-cache", "--timeout", "300ms", "../../testdata/gobig.wasm")
	if code != exitTimeout || !strings.Contains(errs, "compiling took longer than --timeout") {
		t.Errorf("exit %d, stderr %q; want %d", code, errs, exitTimeout)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("took %v", el)
	}
}

// A stack overflow's backtrace is cut, and says how many frames it left out.
func TestLongBacktraceCounted(t *testing.T) {
	code, _, errs := lucetRun(t, "--no-cache", "--stack-size", "64KiB", "--invoke", "down", "testdata/recurse.wasm", "0")
	if code != exitTrap || !strings.Contains(errs, "wasm trap: call stack exhausted") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	var n int
	last := errs[strings.LastIndex(strings.TrimSuffix(errs, "\n"), "\n")+1:]
	if _, err := fmt.Sscanf(last, "  ... %d more frames", &n); err != nil || n <= 0 {
		t.Errorf("last line %q: want \"  ... N more frames\" (%v)", last, err)
	}
	if got := strings.Count(errs, "\n  at down"); got != 64 {
		t.Errorf("%d frames listed, want 64", got)
	}
}

// "-" as MODULE never waits on a terminal.
func TestStdinTerminal(t *testing.T) {
	tty := ptytest.Open(t)
	var out, errb bytes.Buffer
	if code := run([]string{"lucet-run", "-"}, tty, &out, &errb); code != exitUsage || !strings.Contains(errb.String(), "standard input is a terminal") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

// A FIFO given to --dir is refused as not a directory at once: opening it
// to check it waited for a writer, forever.
func TestPreopenFIFORefused(t *testing.T) {
	t.Setenv("LUCET_CACHE_DIR", t.TempDir())
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	done := make(chan string, 1)
	go func() {
		code, _, errs := lucetRun(t, "--dir", fifo+"::/x", "../../testdata/hello.wasm")
		done <- fmt.Sprint(code, " ", errs)
	}()
	select {
	case got := <-done:
		if want := "1 lucet-run: --dir " + fifo + ": not a directory\n"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	case <-time.After(20 * time.Second):
		if f, err := os.OpenFile(fifo, os.O_WRONLY|os.O_CREATE, 0); err == nil {
			f.Close() // let the blocked open return
		}
		t.Fatal("lucet-run --dir FIFO still waiting after 20 s")
	}
}

// A FIFO given to --trusted-keys is refused at once: open(2) waited for
// a writer, forever, before --timeout started.
func TestTrustedKeysFIFORefused(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan string, 1)
	go func() {
		code, _, errs := lucetRun(t, "--trusted-keys", fifo, "../../testdata/hello.wasm")
		done <- fmt.Sprint(code, " ", errs)
	}()
	select {
	case got := <-done:
		if want := "1 lucet-run: --trusted-keys " + fifo + ": a FIFO, not a key file\n"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	case <-time.After(20 * time.Second):
		if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			f.Close()
		}
		t.Fatal("lucet-run --trusted-keys FIFO still waiting after 20 s")
	}
}

// A timeout says what ran out: loading an object compiles nothing, and a
// guest stopped in its start function was instantiating, not running.
func TestTimeoutSaysWhat(t *testing.T) {
	const (
		head = "\x00asm\x01\x00\x00\x00" + "\x01\x04\x01\x60\x00\x00" + "\x03\x02\x01\x00" +
			"\x07\x0a\x01\x06_start\x00\x00"
		start = "\x08\x01\x00"
		loop  = "\x0a\x09\x01\x07\x00\x03\x40\x0c\x00\x0b\x0b" // loop br 0 end
	)
	spin := compileSO(t, []byte(head+loop))
	spinInStart := compileSO(t, []byte(head+start+loop))
	for _, tc := range []struct {
		name, timeout, so, want string
	}{
		{"loading", "1ns", spin, ": loading took longer than --timeout 1ns\n"},
		{"instantiating", "200ms", spinInStart, "the guest ran out of time while instantiating\n"},
		{"running", "200ms", spin, "the guest ran out of time while running\n"},
	} {
		code, _, errs := lucetRun(t, "--timeout", tc.timeout, tc.so)
		if code != exitTimeout || !strings.Contains(errs, tc.want) || strings.Contains(errs, "compiling") {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", tc.name, code, errs, exitTimeout, tc.want)
		}
	}
}
