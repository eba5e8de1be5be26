package command_test

import (
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/lucet-go/lucet/pkg/command"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/wasi"
)

// hostcallInstance instantiates testdata/hostcall.wasm with WASI (args as
// given, stdout discarded) in a store of its own, through SharedImports
// and the store's Data when shared, else through Imports bound to the
// System. A nil args gives a store without a System (shared only).
func hostcallInstance(t testing.TB, args []string, shared bool) (*execute.Instance, error) {
	t.Helper()
	store, err := execute.NewStore(execute.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	var sys *wasi.System
	if args != nil {
		sys, err = wasi.New(wasi.Config{Args: args, Stdin: eofReader{}, Stdout: io.Discard, Stderr: io.Discard})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sys.Close() })
	}
	imports := command.SharedImports()
	if shared {
		if sys != nil {
			store.SetData(sys)
		}
	} else {
		imports = command.Imports(sys)
	}
	return store.Instantiate(module(t, "testdata/hostcall.wasm"), imports)
}

// BenchmarkWASICall times one host call round trip through WASI: guest code
// calls a wasi_snapshot_preview1 function, the runtime exits to Go, the WASI
// implementation runs against guest memory, and the guest resumes. One op
// is one call (the guest loops; the Go→guest entry is amortised away).
func BenchmarkWASICall(b *testing.B) {
	for _, shared := range []bool{true, false} {
		for _, name := range []string{"args_sizes", "clock", "write"} {
			label := "bound/" + name
			if shared {
				label = "shared/" + name
			}
			b.Run(label, func(b *testing.B) {
				inst, err := hostcallInstance(b, []string{"bench"}, shared)
				if err != nil {
					b.Fatal(err)
				}
				f := inst.Func(name)
				b.ReportAllocs()
				b.ResetTimer()
				res, err := f.Call(uint64(b.N))
				if err != nil || res[0] != 0 {
					b.Fatalf("%s: %v, errno %v", name, err, res)
				}
			})
		}
	}
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// A WASI call allocates nothing: a garbage-producing host call path would
// tax every guest I/O with GC work.
func TestWASICallDoesNotAllocate(t *testing.T) {
	for _, shared := range []bool{true, false} {
		inst, err := hostcallInstance(t, []string{"bench"}, shared)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"args_sizes", "clock"} {
			f := inst.Func(name)
			f.Call(10) // warm up
			if n := testing.AllocsPerRun(10, func() { f.Call(1000) }); n > 1 {
				t.Errorf("%s (shared %v): %.0f allocations per 1000 WASI calls", name, shared, n)
			}
		}
	}
}

// SharedImports serves every store from one set of host functions: each
// call reaches the wasi.System of its own store, and a store without one
// gets ErrNoSystem rather than someone else's.
func TestSharedImports(t *testing.T) {
	argc := func(args []string) (uint32, error) {
		inst, err := hostcallInstance(t, args, true)
		if err != nil {
			return 0, err
		}
		if _, err := inst.Func("args_sizes").Call(1); err != nil {
			return 0, err
		}
		return binary.LittleEndian.Uint32(inst.Memory().Bytes()), nil
	}
	for _, args := range [][]string{{"one"}, {"one", "two", "three"}} {
		if n, err := argc(args); err != nil || n != uint32(len(args)) {
			t.Errorf("argc %d, %v; want %d", n, err, len(args))
		}
	}
	if _, err := argc(nil); !errors.Is(err, command.ErrNoSystem) {
		t.Errorf("a store without a System: %v, want ErrNoSystem", err)
	}
}
