package corpus_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/validate"
	"github.com/lucet-go/lucet/pkg/wasi"
	"github.com/lucet-go/lucet/pkg/wasm"
)

type wasiMem struct{ c *execute.Caller }

func (m wasiMem) Bytes() []byte { return m.c.Memory() }

// runWASI compiles and runs a WASI command module and returns its stdout
// and the time spent in _start.
func runWASI(t testing.TB, path string, opts codegen.Options, args ...string) (string, time.Duration) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := validate.Module(m, validate.Options{}); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	obj, err := codegen.Compile(m, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: compiled %d bytes of code in %v", filepath.Base(path), len(obj.Text), time.Since(t0))
	var out bytes.Buffer
	sys, err := wasi.New(wasi.Config{Args: append([]string{filepath.Base(path)}, args...), Stdout: &out, Stderr: &out})
	if err != nil {
		t.Fatal(err)
	}
	defer sys.Close()
	fns := map[string]execute.Extern{}
	for _, f := range sys.Funcs() {
		f := f
		fns[f.Name] = execute.NewHostFunc(wasm.FuncType{Params: f.Params, Results: f.Results},
			func(c *execute.Caller, stack []uint64) error { return f.Call(wasiMem{c}, stack) })
	}
	st, err := execute.NewStore(execute.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	inst, err := st.InstantiateObject(obj, execute.ImportMap{"wasi_snapshot_preview1": fns})
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("CORPUS_MAPS") != "" {
		maps, _ := os.ReadFile("/proc/self/maps")
		for _, l := range strings.Split(string(maps), "\n") {
			if strings.Contains(l, "r-xp") && !strings.Contains(l, "/") {
				t.Logf("exec mapping: %s", l)
			}
		}
		for _, f := range obj.Meta.Funcs {
			t.Logf("func %x %x %s", f.CodeOffset, f.CodeOffset+f.CodeSize, f.Name)
		}
	}
	// CPU time of the calling thread: the machine is shared, and wall
	// time mostly measures the neighbours.
	var r0, r1 unix.Rusage
	runtime.LockOSThread()
	unix.Getrusage(unix.RUSAGE_THREAD, &r0)
	_, err = inst.Func("_start").Call()
	unix.Getrusage(unix.RUSAGE_THREAD, &r1)
	runtime.UnlockOSThread()
	d := time.Duration(r1.Utime.Nano() + r1.Stime.Nano() - r0.Utime.Nano() - r0.Stime.Nano())
	var exit *wasi.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.Code == 0) {
		t.Fatalf("%s: %v\n%s", path, err, out.String())
	}
	return out.String(), d
}

// TestCorpus runs the benchmark programs built by the peers' corpus script
// (set CORPUS_DIR to the directory of .wasm files) in both bounds modes and
// checks that both give the same output.
func TestCorpus(t *testing.T) {
	dir := os.Getenv("CORPUS_DIR")
	if dir == "" {
		t.Skip("CORPUS_DIR not set (a directory with the corpus .wasm files)")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.wasm"))
	only := os.Getenv("CORPUS_ONLY")
	// CORPUS_SIZES="fib:32 matmul:300" passes a size argument per program.
	sizes := map[string]string{}
	for _, kv := range strings.Fields(os.Getenv("CORPUS_SIZES")) {
		if k, v, ok := strings.Cut(kv, ":"); ok {
			sizes[k] = v
		}
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".wasm")
		if only != "" && !strings.Contains(","+only+",", ","+name+",") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			var args []string
			if sz, ok := sizes[name]; ok {
				args = []string{sz}
			}
			out1, d1 := runWASI(t, f, codegen.Options{}, args...)
			out2, d2 := runWASI(t, f, codegen.Options{Bounds: object.BoundsGuard, MemReserve: 4 << 30, MemGuard: 4 << 30}, args...)
			t.Logf("%s: explicit %v, guard %v", name, d1, d2)
			if out1 != out2 {
				t.Errorf("outputs differ:\n%s\n---\n%s", out1, out2)
			}
			t.Logf("output: %.200s", out1)
		})
	}
}
