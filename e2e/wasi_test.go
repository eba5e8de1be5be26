package e2e

import (
	"bytes"
	"errors"
	"flag"
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

var update = flag.Bool("update", false, "TestNodeWASI: rewrite testdata/wasi/expected from node-wasi.js runs")

const (
	runLimit     = 30 * time.Second
	compileLimit = 90 * time.Second
	canary       = "host file outside the granted directory\n"
)

// A runner turns a case into a command: lucet (the thing under test), node
// (the oracle for expectations) or native (a cross-check of the oracle).
type runner struct {
	name string
	// command builds the process for c; hosts[i] is the host directory
	// granted as c.Dirs[i].
	command func(c *wasiCase, hosts []string) (*exec.Cmd, error)
	// checkPanic: a Go trace on stderr is a failure (only for our binaries).
	checkPanic bool
}

func lucetRunner() runner {
	return runner{name: "lucet", checkPanic: true, command: func(c *wasiCase, hosts []string) (*exec.Cmd, error) {
		lr, err := bin("lucet-run")
		if err != nil {
			return nil, err
		}
		so, err := compiledWith(c.Prog, c.Compile)
		if err != nil {
			return nil, err
		}
		var args []string
		for i, d := range c.Dirs {
			args = append(args, "--dir", hosts[i]+"::"+d)
		}
		for _, e := range c.Env {
			args = append(args, "--env", e)
		}
		args = append(args, c.Flags...)
		args = append(args, so)
		// Arguments that look like flags are separated from lucet-run's own
		// by "--", as with any CLI; plain ones follow the module directly,
		// the way users type `lucet-run hello.so world`.
		for _, a := range c.Args {
			if strings.HasPrefix(a, "-") {
				args = append(args, "--")
				break
			}
		}
		args = append(args, c.Args...)
		// The test's own environment (HOME, PATH, ...) is inherited on
		// purpose: none of it may reach the guest.
		return exec.Command(lr, args...), nil
	}}
}

func nodeRunner(script string) runner {
	return runner{name: "node", command: func(c *wasiCase, hosts []string) (*exec.Cmd, error) {
		args := []string{script}
		for i, d := range c.Dirs {
			args = append(args, "--dir", hosts[i]+"::"+d)
		}
		for _, e := range c.Env {
			args = append(args, "--env", e)
		}
		args = append(args, "--", filepath.Join(wasiDir(), c.Prog))
		args = append(args, c.Args...)
		return exec.Command("node", args...), nil
	}}
}

// nativeRunner runs binaries built natively from the same sources (by
// scripts/build-wasi-testdata.sh), named after the program. Guest paths of
// granted directories are replaced by their host paths in the arguments.
func nativeRunner(dir string) runner {
	return runner{name: "native", command: func(c *wasiCase, hosts []string) (*exec.Cmd, error) {
		exe := filepath.Join(dir, strings.TrimSuffix(filepath.Base(c.Prog), ".wasm"))
		if _, err := os.Stat(exe); err != nil {
			return nil, err
		}
		var args []string
		for _, a := range c.Args {
			for i, d := range c.Dirs {
				if a == d || strings.HasPrefix(a, d+"/") {
					a = hosts[i] + strings.TrimPrefix(a, d)
					break
				}
			}
			args = append(args, a)
		}
		cmd := exec.Command(exe, args...)
		cmd.Env = append([]string{}, c.Env...) // exactly the granted variables
		return cmd, nil
	}}
}

// compiled returns the .so for a program, compiling it with lucetc once
// per test process.
func compiled(prog string) (string, error) { return compiledWith(prog, nil) }

// compiledWith is compiled with extra lucetc options (once per program and
// options).
func compiledWith(prog string, opts []string) (string, error) {
	key := strings.Join(append([]string{prog}, opts...), " ")
	compileMu.Lock()
	e, ok := compileCache[key]
	if !ok {
		e = &compileEntry{}
		compileCache[key] = e
	}
	compileMu.Unlock()
	e.once.Do(func() {
		name := strings.ReplaceAll(strings.TrimSuffix(prog, ".wasm"), "/", "_")
		for _, o := range opts {
			name += "_" + strings.Trim(strings.NewReplacer("=", "_", "/", "_").Replace(o), "-")
		}
		e.so, e.err = compile(filepath.Join(wasiDir(), prog), name+".so", opts...)
	})
	return e.so, e.err
}

var (
	compileMu    sync.Mutex
	compileCache = map[string]*compileEntry{}
)

type compileEntry struct {
	once sync.Once
	so   string
	err  error
}

// compile runs `lucetc [opts] wasm -o workDir/name`.
func compile(wasmPath, name string, opts ...string) (string, error) {
	lc, err := bin("lucetc")
	if err != nil {
		return "", err
	}
	so := filepath.Join(workDir, name)
	r, err := run(exec.Command(lc, append(opts, wasmPath, "-o", so)...), nil, compileLimit)
	if err != nil {
		return "", fmt.Errorf("lucetc: %w", err)
	}
	if r.code != 0 || r.timedOut {
		return "", fmt.Errorf("lucetc %s: %v: %s", filepath.Base(wasmPath), r, firstLines(string(r.stderr), 3))
	}
	if _, err := os.Stat(so); err != nil {
		return "", fmt.Errorf("lucetc %s exited 0 but wrote no output: %w", filepath.Base(wasmPath), err)
	}
	return so, nil
}

// prepare makes the case's host side: root/granted, root/granted2, ...
// (seeded), one per granted directory, and the canary root/outside next to
// them. It returns the host directories.
func prepare(c *wasiCase, root string) ([]string, error) {
	if len(c.Dirs) == 0 {
		return nil, nil
	}
	hosts := make([]string, len(c.Dirs))
	for i := range c.Dirs {
		hosts[i] = filepath.Join(root, grantedName(i))
		if err := os.Mkdir(hosts[i], 0o755); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(root, "outside"), []byte(canary), 0o644); err != nil {
		return nil, err
	}
	for _, s := range c.Seeds {
		i := c.seedDir(s.Path)
		p := filepath.Join(hosts[i], strings.TrimPrefix(s.Path, c.Dirs[i]+"/"))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		var err error
		switch s.Kind {
		case "file":
			err = os.WriteFile(p, []byte(s.Target), 0o644)
		case "mkdir":
			err = os.Mkdir(p, 0o755)
		case "symlink":
			err = os.Symlink(s.Target, p)
		}
		if err != nil {
			return nil, fmt.Errorf("seed %s %s: %w", s.Kind, s.Path, err)
		}
	}
	return hosts, nil
}

func grantedName(i int) string {
	if i == 0 {
		return "granted"
	}
	return fmt.Sprintf("granted%d", i+1)
}

// checkOutside verifies the guest changed nothing next to its grants.
func checkOutside(root string, ndirs int) error {
	ents, err := os.ReadDir(root)
	if err != nil {
		return err
	}
	var names, want []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	for i := 0; i < ndirs; i++ {
		want = append(want, grantedName(i))
	}
	want = append(want, "outside")
	sort.Strings(names)
	sort.Strings(want)
	if strings.Join(names, " ") != strings.Join(want, " ") {
		return fmt.Errorf("SANDBOX ESCAPE: the directory around the grants now holds %q", names)
	}
	b, err := os.ReadFile(filepath.Join(root, "outside"))
	if err != nil {
		return fmt.Errorf("SANDBOX ESCAPE: canary file outside the grants: %w", err)
	}
	if string(b) != canary {
		return fmt.Errorf("SANDBOX ESCAPE: canary file outside the grants was changed to %q", b)
	}
	return nil
}

// runCase runs one case under rn and returns everything that did not match
// (nil if all did). With write set, the expected stdout is rewritten first.
func runCase(t *testing.T, rn runner, c *wasiCase, write bool) error {
	root := t.TempDir()
	hosts, err := prepare(c, root)
	if err != nil {
		return fmt.Errorf("setting up: %w", err)
	}
	cmd, err := rn.command(c, hosts)
	if err != nil {
		return err
	}
	if c.IdleIn {
		// The write end stays open here, silent, until the run is over:
		// a read of stdin waits forever.
		pr, pw, err := os.Pipe()
		if err != nil {
			return err
		}
		defer pw.Close()
		defer pr.Close()
		cmd.Stdin = pr
	}
	r, err := run(cmd, c.Stdin, c.Limit)
	if err != nil {
		return fmt.Errorf("%s: %w", rn.name, err)
	}
	t.Logf("%s: %v in %v", rn.name, r, r.elapsed.Round(time.Millisecond))
	stdout := r.stdout
	// Longest first: granted is a prefix of granted2.
	for i := len(hosts) - 1; i >= 0; i-- {
		stdout = bytes.ReplaceAll(stdout, []byte(hosts[i]), []byte(c.Dirs[i]))
	}
	want := c.Stdin
	if c.Stdout != stdoutIsStdin {
		wantPath := filepath.Join(wasiDir(), c.Stdout)
		if write {
			if err := os.WriteFile(wantPath, stdout, 0o644); err != nil {
				return err
			}
		}
		if want, err = os.ReadFile(wantPath); err != nil {
			return err
		}
	}
	var errs []error
	if r.timedOut {
		errs = append(errs, fmt.Errorf("killed by the harness after %v", c.Limit))
	}
	if r.code != c.Exit {
		errs = append(errs, fmt.Errorf("%v, want exit %d; stderr: %s", r, c.Exit, firstLines(string(r.stderr), 4)))
	}
	if d := diff(want, stdout); d != "" {
		errs = append(errs, errors.New(d))
	}
	if c.Stderr != "" && !strings.Contains(strings.ToLower(string(r.stderr)), strings.ToLower(c.Stderr)) {
		errs = append(errs, fmt.Errorf("stderr does not contain %q: %s", c.Stderr, firstLines(string(r.stderr), 4)))
	}
	if rn.checkPanic && goPanic(r.stderr) {
		errs = append(errs, fmt.Errorf("Go panic on stderr: %s", firstLines(string(r.stderr), 4)))
	}
	if len(hosts) > 0 {
		if err := checkOutside(root, len(hosts)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func mustCases(t *testing.T) []*wasiCase {
	t.Helper()
	cases, err := loadCases(filepath.Join(wasiDir(), "cases.txt"))
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestWASIPrograms compiles each program with lucetc and runs every case
// with lucet-run.
func TestWASIPrograms(t *testing.T) {
	rn := lucetRunner()
	for _, c := range mustCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			verdict(t, c.Name, runCase(t, rn, c, false))
		})
	}
}

// TestNodeWASI checks the table and its expectations against Node's WASI,
// which is where they came from; -update rewrites them. It needs node and
// the peers' node-wasi.js, so it only runs when asked.
func TestNodeWASI(t *testing.T) {
	if os.Getenv("LUCET_E2E_NODE") != "1" {
		t.Skip("checks the expectations against node-wasi.js, which `make test` must not need; set LUCET_E2E_NODE=1 to run")
	}
	script := os.Getenv("LUCET_NODE_WASI")
	if script == "" {
		script = filepath.Join(repoRoot, "..", "shared", "peers", "node-wasi.js")
	}
	if _, err := os.Stat(script); err != nil {
		t.Fatalf("node-wasi.js (set LUCET_NODE_WASI): %v", err)
	}
	rn := nodeRunner(script)
	for _, c := range mustCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			if c.NoNode != "" {
				t.Skipf("no node oracle: %s", c.NoNode)
			}
			t.Parallel()
			if err := runCase(t, rn, c, *update && c.Stdout == filepath.Join("expected", c.Name+".stdout")); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestNativeWASI runs the same cases against native builds of the programs
// (built by scripts/build-wasi-testdata.sh into $LUCET_E2E_NATIVE): the
// expectations must hold for the program run natively too, so they describe
// what the program does, not what one WASI implementation does.
func TestNativeWASI(t *testing.T) {
	dir := os.Getenv("LUCET_E2E_NATIVE")
	if dir == "" {
		t.Skip("needs native builds of the test programs (gcc, go); scripts/build-wasi-testdata.sh sets LUCET_E2E_NATIVE")
	}
	rn := nativeRunner(dir)
	for _, c := range mustCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			if c.NoNative != "" {
				t.Skipf("not comparable natively: %s", c.NoNative)
			}
			t.Parallel()
			if err := runCase(t, rn, c, false); err != nil {
				t.Error(err)
			}
		})
	}
}
