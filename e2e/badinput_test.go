package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The bad-input suite: every tool is fed truncations, bit flips and random
// bytes of real modules and objects, and files that cannot be read as
// modules at all (empty, a directory, a FIFO, a path whose read fails).
// None may die of a signal or print a Go panic; each exits with a
// documented code and says why in one line:
//
//	0    the input happened to be fine (a flip in a custom section)
//	1    the input was refused, or could not be read (a directory, an
//	     unreadable path), as internal/cliflag's table says
//	2    usage (never right here: every command line is well formed),
//	     with at most a one-line hint after the error
//	124  (lucet-run) a flipped module ran past --timeout
//	134  (lucet-run) a flipped module trapped; the trap may carry a
//	     backtrace
//
// Contents are deterministic (a fixed seed), so a failure reproduces.

// tools are the commands under test and how each takes one input file.
var badTools = []struct {
	name string
	args func(path string) []string
}{
	{"lucet-validate", func(p string) []string { return []string{p} }},
	{"lucetc", func(p string) []string { return []string{p, "-o", os.DevNull} }},
	{"lucet-objdump", func(p string) []string { return []string{p} }},
	{"lucet-run", func(p string) []string { return []string{"--timeout", "2s", p} }},
	{"lucet-bench", func(p string) []string { return []string{"-n", "1", "--warmup", "0", "--live", "", p} }},
}

// badKind says which exit codes an input may produce.
type badKind int

const (
	refused  badKind = iota // must be 1
	mutated                 // may be fine, refused, or (lucet-run) trap or time out
	unusable                // an I/O failure: 1
)

type badCase struct {
	name string
	kind badKind
	// make returns the path to give the tool; done (if not nil) is called
	// once the tool has exited.
	make func(dir string) (path string, done func(), err error)
}

func fileCase(name string, kind badKind, b []byte) badCase {
	return badCase{name, kind, func(dir string) (string, func(), error) {
		p := filepath.Join(dir, "input")
		return p, nil, os.WriteFile(p, b, 0o644)
	}}
}

// variants derives truncations, bit flips and random bytes from a real
// module or object.
func variants(base string, b []byte, r *rand.Rand) []badCase {
	var cs []badCase
	for _, n := range []int{1, 4, 8, 9, 64, len(b) / 2, len(b) - 1} {
		kind := refused
		if n == 8 && base == "wasm" {
			kind = mutated // the 8-byte preamble alone is a valid empty module
		}
		if n > 0 && n < len(b) {
			cs = append(cs, fileCase(fmt.Sprintf("%s/truncated-%d", base, n), kind, b[:n]))
		}
	}
	for i := 0; i < 5; i++ {
		c := append([]byte(nil), b...)
		off := r.Intn(len(c))
		if i == 0 {
			off = r.Intn(64) // the headers
		}
		c[off] ^= 1 << r.Intn(8)
		cs = append(cs, fileCase(fmt.Sprintf("%s/flip-%#x", base, off), mutated, c))
	}
	for _, n := range []int{16, 4096} {
		rnd := make([]byte, n)
		r.Read(rnd)
		cs = append(cs, fileCase(fmt.Sprintf("%s/random-%d", base, n), refused, rnd))
		// Random bytes behind the real magic reach the parsers proper.
		withMagic := append(append([]byte(nil), b[:8]...), rnd...)
		cs = append(cs, fileCase(fmt.Sprintf("%s/magic+random-%d", base, n), refused, withMagic))
	}
	return cs
}

// specialCases are inputs that are not module bytes at all.
func specialCases() []badCase {
	return []badCase{
		fileCase("empty", refused, nil),
		{"directory", unusable, func(dir string) (string, func(), error) { return dir, nil, nil }},
		{"missing", unusable, func(dir string) (string, func(), error) {
			return filepath.Join(dir, "no-such-module"), nil, nil
		}},
		// Unreadable even to root: opening succeeds, reading fails with
		// EIO (the tool's own address space at 0 is unmapped).
		{"read-fails-EIO", unusable, func(string) (string, func(), error) { return "/proc/self/mem", nil, nil }},
		{"symlink-loop-ELOOP", unusable, func(dir string) (string, func(), error) {
			a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
			if err := os.Symlink(b, a); err != nil {
				return "", nil, err
			}
			return a, nil, os.Symlink(a, b)
		}},
		{"no-permission", unusable, func(dir string) (string, func(), error) {
			if os.Geteuid() == 0 {
				return "", nil, fmt.Errorf("%w: root reads any file whatever its mode; the EIO and ELOOP cases cover unreadable paths", errSkip)
			}
			p := filepath.Join(dir, "secret")
			return p, nil, os.WriteFile(p, []byte("\x00asm\x01\x00\x00\x00"), 0)
		}},
		fifoCase("fifo-random", []byte("\x7fELF\x02\x01\x01 random bytes down a pipe")),
		fifoCase("fifo-empty", nil),
		// Endless inputs: refused after their first bytes (the zeros
		// and random bytes) or 64 KiB (the white space), never read
		// until memory runs out.
		// Large regular files (sparse: no disk), looked at before they
		// are read: lucetc, lucet-run and lucet-bench read all 4 GiB of
		// the zeros into memory (20 s, 4-8 GB of RSS) before refusing
		// them, and a .wasm was read past the decoder's 1 GiB limit.
		sparseCase("sparse-zeros-4GiB", nil, 4<<30),
		sparseCase("sparse-wasm-magic-3GiB", []byte("\x00asm\x01\x00\x00\x00"), 3<<30),
		{"endless-dev-zero", refused, func(string) (string, func(), error) { return "/dev/zero", nil, nil }},
		{"endless-dev-urandom", refused, func(string) (string, func(), error) { return "/dev/urandom", nil, nil }},
		endlessFifoCase("fifo-endless-random", func(b []byte) { rand.New(rand.NewSource(3)).Read(b) }),
		endlessFifoCase("fifo-endless-whitespace", func(b []byte) {
			for i := range b {
				b[i] = " \n\t"[i%3]
			}
		}),
	}
}

// sparseCase is a file of size bytes that starts with head, the rest a
// hole.
func sparseCase(name string, head []byte, size int64) badCase {
	return badCase{name, refused, func(dir string) (string, func(), error) {
		p := filepath.Join(dir, "input")
		if err := os.WriteFile(p, head, 0o644); err != nil {
			return "", nil, err
		}
		if err := os.Truncate(p, size); err != nil {
			return "", nil, fmt.Errorf("%w: no sparse files here: %v", errSkip, err)
		}
		return p, nil, nil
	}}
}

// endlessFifoCase gives the tool a FIFO whose writer writes a 64 KiB
// buffer (filled by fill) over and over and never closes it: it stops
// when the tool has closed its end (EPIPE) or has exited.
func endlessFifoCase(name string, fill func([]byte)) badCase {
	return badCase{name, refused, func(dir string) (string, func(), error) {
		p := filepath.Join(dir, "fifo")
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			return "", nil, err
		}
		buf := make([]byte, 64<<10)
		fill(buf)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			fd := -1
			for fd < 0 {
				var err error
				if fd, err = syscall.Open(p, syscall.O_WRONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0); err != nil {
					fd = -1
					select {
					case <-stop:
						return
					case <-time.After(2 * time.Millisecond):
					}
				}
			}
			defer syscall.Close(fd)
			for {
				select {
				case <-stop:
					return
				default:
				}
				// Nonblocking: a full pipe waits here, where stop
				// reaches it, not in write(2).
				if _, err := syscall.Write(fd, buf); err == syscall.EAGAIN {
					time.Sleep(time.Millisecond)
				} else if err != nil {
					return // EPIPE: the tool is done with it
				}
			}
		}()
		return p, func() { close(stop); wg.Wait() }, nil
	}}
}

// fifoCase gives the tool a FIFO that a writer feeds with b and closes.
func fifoCase(name string, b []byte) badCase {
	return badCase{name, refused, func(dir string) (string, func(), error) {
		p := filepath.Join(dir, "fifo")
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			return "", nil, err
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Open for writing once the tool has opened for reading
			// (ENXIO until then), so nothing blocks if it never does.
			for {
				fd, err := syscall.Open(p, syscall.O_WRONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
				if err == nil {
					syscall.SetNonblock(fd, false)
					syscall.Write(fd, b)
					syscall.Close(fd)
					return
				}
				select {
				case <-stop:
					return
				case <-time.After(2 * time.Millisecond):
				}
			}
		}()
		return p, func() { close(stop); wg.Wait() }, nil
	}}
}

func TestBadInputEveryTool(t *testing.T) {
	r := rand.New(rand.NewSource(10))
	wasm, err := os.ReadFile(filepath.Join(repoRoot, "testdata", "hello.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	so, err := compiledHello()
	if err != nil {
		t.Fatal(err)
	}
	obj, err := os.ReadFile(so)
	if err != nil {
		t.Fatal(err)
	}
	cases := append(append(variants("wasm", wasm, r), variants("so", obj, r)...), specialCases()...)
	cache := t.TempDir()

	// Run every tool on every input, eight processes at a time (the
	// tools mostly start, read and refuse: t.Parallel's GOMAXPROCS limit
	// would leave the machine idle), then judge each run in a subtest.
	type job struct {
		tool, name, args string
		kind             badKind
		res              *result
		err              error
		skip             string
	}
	var jobs []*job
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for _, tool := range badTools {
		exe, err := bin(tool.name)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			j := &job{tool: tool.name, name: c.name, kind: c.kind}
			jobs = append(jobs, j)
			dir := t.TempDir()
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				path, done, err := c.make(dir)
				if errors.Is(err, errSkip) {
					j.skip = err.Error()
					return
				}
				if err != nil {
					j.err = fmt.Errorf("preparing the input: %w", err)
					return
				}
				args := tool.args(path)
				j.args = strings.Join(args, " ")
				cmd := exec.Command(exe, args...)
				// lucet-run compiles a .wasm through the cache: keep it
				// out of the user's.
				cmd.Env = append(os.Environ(), "LUCET_CACHE_DIR="+cache, "XDG_CACHE_HOME="+cache)
				j.res, j.err = run(cmd, nil, runLimit)
				if done != nil {
					done()
				}
			}()
		}
	}
	wg.Wait()
	for _, j := range jobs {
		t.Run(j.tool+"/"+j.name, func(t *testing.T) {
			if j.skip != "" {
				t.Skip(j.skip)
			}
			if j.err != nil {
				t.Fatal(j.err)
			}
			err, codeOnly := judgeBad(j.tool, j.kind, j.res)
			if err != nil {
				err = fmt.Errorf("%s %s: %w", j.tool, j.args, err)
			}
			if codeOnly {
				// One known failure per tool for the exit code alone,
				// so a tool that gets its codes right shows as fixed.
				verdict(t, badInputName(j.tool), err)
			} else if err != nil {
				t.Error(err)
			}
		})
	}
}

// badInputName names the known-failure entry of a tool whose exit code
// alone is wrong.
func badInputName(tool string) string { return "badinput/" + tool + "/exit-code" }

// errSkip marks an input this environment cannot make.
var errSkip = errors.New("skipped")

// judgeBad checks one run against the rules above; codeOnly reports that
// the exit code is all that is wrong.
func judgeBad(tool string, kind badKind, r *result) (err error, codeOnly bool) {
	out := r.stderr
	if tool == "lucet-validate" {
		// Its verdict on a file ("FILE:OFFSET: where: why") is its
		// output; only usage and I/O errors go to stderr.
		out = append(append([]byte(nil), r.stdout...), r.stderr...)
	}
	msg := strings.TrimSpace(string(out))
	lines := 0
	if msg != "" {
		lines = strings.Count(msg, "\n") + 1
	}
	var errs []error
	if r.timedOut {
		return fmt.Errorf("no answer within %v", runLimit), false
	}
	if r.signal != "" || r.code < 0 {
		errs = append(errs, fmt.Errorf("killed by a signal: %v", r))
	}
	if goPanic(r.stderr) {
		errs = append(errs, fmt.Errorf("Go panic or trace on stderr: %s", firstLines(msg, 3)))
	}
	ok := map[badKind][]int{refused: {1}, mutated: {0, 1}, unusable: {1}}[kind]
	if kind == mutated && tool == "lucet-run" {
		ok = append(ok, 124, 134)
	}
	found := false
	for _, c := range ok {
		found = found || r.code == c
	}
	if !found {
		errs = append(errs, fmt.Errorf("%v, want exit %v; stderr: %s", r, ok, firstLines(msg, 3)))
		codeOnly = len(errs) == 1 && r.code == 2 && lines == 1
	}
	switch r.code {
	case 0:
	case 1:
		if lines != 1 {
			errs = append(errs, fmt.Errorf("exit 1 with %d lines on stderr, want one: %s", lines, firstLines(msg, 4)))
		}
	case 2:
		if lines < 1 || lines > 2 {
			errs = append(errs, fmt.Errorf("exit 2 with %d lines on stderr, want an error and at most a hint: %s", lines, firstLines(msg, 4)))
		}
	default: // a trap or a timeout names itself first
		if lines == 0 {
			errs = append(errs, errors.New("no message on stderr"))
		}
	}
	if r.code != 0 && bytes.Contains(r.stderr, []byte(".tmp")) {
		errs = append(errs, fmt.Errorf("error names a temporary file: %s", firstLines(msg, 2)))
	}
	if len(errs) > 1 {
		codeOnly = false
	}
	return errors.Join(errs...), codeOnly
}

// compiledHello is testdata/hello.wasm compiled by lucetc (once).
var compiledHello = sync.OnceValues(func() (string, error) {
	return compile(filepath.Join(repoRoot, "testdata", "hello.wasm"), "hello-bad.so")
})
