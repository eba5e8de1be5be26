package e2e

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Paths and state shared by every test, set up by TestMain.
var (
	repoRoot string // the lucet checkout
	binDir   string // where TestMain built the commands
	workDir  string // scratch space that outlives single tests (compiled .so files)

	// buildErr records, per command, why it could not be built; tests that
	// need a missing command fail with that error (usually a known failure
	// while the command is being written).
	buildErr = map[string]error{}

	known      map[string]string // known failures: case name -> reason
	knownMu    sync.Mutex
	knownFixed []string // listed cases that passed
)

// commands are the binaries the end-to-end tests drive.
var commands = []string{"lucetc", "lucet-run", "lucet-objdump", "lucet-validate", "lucet-bench"}

// strict makes known failures count as failures (LUCET_E2E_STRICT=1), to
// see the whole picture at once.
var strict = os.Getenv("LUCET_E2E_STRICT") == "1"

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	repoRoot = filepath.Dir(wd)
	tmp, err := os.MkdirTemp("", "lucet-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	binDir = filepath.Join(tmp, "bin")
	workDir = filepath.Join(tmp, "work")
	for _, d := range []string{binDir, workDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			return 1
		}
	}
	known, err = loadKnownFailures(filepath.Join(wd, "testdata", "known-failures.txt"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	buildCommands()
	code := m.Run()
	if len(knownFixed) > 0 {
		sort.Strings(knownFixed)
		fmt.Fprintf(os.Stderr, "\n!!! e2e: %d cases listed in e2e/testdata/known-failures.txt now PASS; remove them from the list:\n", len(knownFixed))
		for _, n := range knownFixed {
			fmt.Fprintf(os.Stderr, "!!!   %s\n", n)
		}
	}
	return code
}

// buildCommands builds each command on its own, so one that does not
// compile yet does not hide the others. LUCET_E2E_BIN=dir uses binaries
// already built there instead (e.g. make build's bin/).
func buildCommands() {
	if dir := os.Getenv("LUCET_E2E_BIN"); dir != "" {
		binDir = dir
		for _, c := range commands {
			if _, err := os.Stat(filepath.Join(dir, c)); err != nil {
				buildErr[c] = fmt.Errorf("LUCET_E2E_BIN: %w", err)
			}
		}
		return
	}
	for _, c := range commands {
		// As the Makefile builds them: no cgo in the product, and no
		// urfave/cli documentation generator.
		args := []string{"build", "-tags", "urfave_cli_no_docs"}
		if c == "lucet-run" {
			// The Makefile's RUN_LDFLAGS: its //go:debug default,
			// memprofilerate=0 and profstackdepth=0.
			args = append(args, "-ldflags=-X=runtime.godebugDefault="+runGODEBUG())
		}
		cmd := exec.Command("go", append(args, "-o", binDir+string(filepath.Separator), "github.com/lucet-go/lucet/cmd/"+c)...)
		cmd.Dir = repoRoot
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err == nil {
			if _, err = os.Stat(filepath.Join(binDir, c)); err != nil {
				err = fmt.Errorf("go build produced no binary (is it package main?)")
			}
		}
		switch {
		case err != nil && strings.Contains(string(out), "is not in std"):
			buildErr[c] = fmt.Errorf("cmd/%s has no Go package yet", c)
		case err != nil:
			buildErr[c] = fmt.Errorf("go build lucet/cmd/%s: %v: %s", c, err, firstLines(string(out), 3))
		}
	}
}

// runGODEBUG is lucet-run's default GODEBUG as the Makefile links it: the
// main package's (go list), memprofilerate=0 and profstackdepth=0.
func runGODEBUG() string {
	const linked = "memprofilerate=0,profstackdepth=0"
	cmd := exec.Command("go", "list", "-f", "{{.DefaultGODEBUG}}", "github.com/lucet-go/lucet/cmd/lucet-run")
	cmd.Dir = repoRoot
	out, err := cmd.Output()
	if d := strings.TrimSpace(string(out)); err == nil && d != "" {
		return d + "," + linked
	}
	return linked
}

// bin returns the path of a built command, or fails the test with the
// reason it could not be built.
func bin(c string) (string, error) {
	if err := buildErr[c]; err != nil {
		return "", err
	}
	return filepath.Join(binDir, c), nil
}

// loadKnownFailures reads `NAME reason...` lines; # starts a comment.
func loadKnownFailures(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for ln := 1; sc.Scan(); ln++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, reason, _ := strings.Cut(line, " ")
		reason = strings.TrimSpace(reason)
		if reason == "" {
			return nil, fmt.Errorf("%s:%d: %s: a known failure needs a reason", path, ln, name)
		}
		if _, dup := m[name]; dup {
			return nil, fmt.Errorf("%s:%d: %s listed twice", path, ln, name)
		}
		m[name] = reason
	}
	return m, sc.Err()
}

// verdict applies the known-failures discipline to one case: a failure not
// listed fails the test; a listed failure skips it with its reason; a listed
// case that passes is reported loudly so the list gets trimmed.
func verdict(t *testing.T, name string, err error) {
	t.Helper()
	reason, listed := known[name]
	switch {
	case err == nil && listed:
		knownMu.Lock()
		knownFixed = append(knownFixed, name)
		knownMu.Unlock()
		t.Logf("!!! %s is listed as a known failure (%s) but PASSES: remove it from e2e/testdata/known-failures.txt", name, reason)
	case err == nil:
	case listed && !strict:
		t.Skipf("known failure (%s); got: %v", reason, err)
	default:
		t.Errorf("%v", err)
	}
}

// result is what one process did.
type result struct {
	stdout, stderr []byte
	code           int           // exit code; -1 if killed by a signal
	signal         string        // the signal, if killed by one
	elapsed        time.Duration //
	timedOut       bool
}

func (r *result) String() string {
	s := fmt.Sprintf("exit %d", r.code)
	if r.signal != "" {
		s += " (" + r.signal + ")"
	}
	if r.timedOut {
		s += " (timed out)"
	}
	return s
}

// run runs cmd with stdin (unless cmd.Stdin is set already) and a time
// limit, capturing its output. Only a failure to start the process is an
// error.
func run(cmd *exec.Cmd, stdin []byte, limit time.Duration) (*result, error) {
	var out, errb bytes.Buffer
	if cmd.Stdin == nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	r := &result{}
	var err error
	select {
	case err = <-done:
	case <-time.After(limit):
		r.timedOut = true
		_ = cmd.Process.Kill()
		err = <-done
	}
	r.elapsed = time.Since(start)
	r.stdout, r.stderr = out.Bytes(), errb.Bytes()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
		if r.code < 0 {
			r.signal = ee.String()
		}
	default:
		return nil, err
	}
	return r, nil
}

// goPanic reports whether stderr holds a Go runtime panic or trace, which a
// CLI must never show for bad input.
func goPanic(stderr []byte) bool {
	return bytes.Contains(stderr, []byte("panic: ")) || bytes.Contains(stderr, []byte("goroutine ")) ||
		bytes.Contains(stderr, []byte("runtime error:")) || bytes.Contains(stderr, []byte("SIGSEGV"))
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = append(lines[:n], fmt.Sprintf("... (%d more lines)", len(lines)-n))
	}
	return strings.Join(lines, " | ")
}

// diff describes the first difference between want and got, with a line of
// context, instead of dumping both in full.
func diff(want, got []byte) string {
	if bytes.Equal(want, got) {
		return ""
	}
	wl := strings.SplitAfter(string(want), "\n")
	gl := strings.SplitAfter(string(got), "\n")
	i := 0
	for i < len(wl) && i < len(gl) && wl[i] == gl[i] {
		i++
	}
	at := func(l []string, i int) string {
		if i >= len(l) {
			return "(end of output)"
		}
		if s := l[i]; len(s) > 120 {
			return fmt.Sprintf("%q... (%d bytes)", s[:120], len(s))
		}
		return fmt.Sprintf("%q", l[i])
	}
	return fmt.Sprintf("stdout differs at line %d (want %d bytes, got %d):\n  want %s\n  got  %s", i+1, len(want), len(got), at(wl, i), at(gl, i))
}
