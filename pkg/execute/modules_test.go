package execute_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// numberModule returns k from run() and has data bytes of initialised
// memory (a copy-on-write image when large enough).
func numberModule(t testing.TB, k int, data int) []byte {
	t.Helper()
	m := &wasm.Module{
		Types:   []wasm.FuncType{{Results: []wasm.ValType{wasm.I32}}},
		Funcs:   []uint32{0},
		Mems:    []wasm.MemType{{Limits: wasm.Limits{Min: uint64(data/65536 + 1)}}},
		Codes:   []wasm.Code{{Body: []byte{0x41, byte(k&0x7f) | 0x80, byte(k >> 7 & 0x3f), 0x0b}}}, // i32.const k (< 8192)
		Exports: []wasm.Export{{Name: "run", Kind: wasm.ExternFunc, Index: 0}},
	}
	if data > 0 {
		m.Datas = []wasm.Data{{Mode: wasm.SegmentActive, Offset: wasm.ConstExpr{Op: wasm.OpI32Const, NumInstrs: 1}, Init: []byte(strings.Repeat("x", data))}}
	}
	obj, err := codegen.Compile(m, codegen.Default())
	if err != nil {
		t.Fatal(err)
	}
	elf, err := link.ELF(obj)
	if err != nil {
		t.Fatal(err)
	}
	return elf
}

func countLines(t testing.TB, path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "\n")
}

func countFDs(t testing.TB) int {
	es, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// 1,000 different modules loaded from files, instantiated, run and
// unloaded: the process's mappings and descriptors come back to what they
// were (the runtime's pools, bounded, are warmed first).
func TestManyModulesLeaveNothing(t *testing.T) {
	dir := t.TempDir()
	const n = 1000
	paths := make([]string, n)
	for i := range paths {
		data := 0
		if i%100 == 0 {
			data = 300 << 10 // a memfd image
		}
		paths[i] = filepath.Join(dir, fmt.Sprintf("m%d.so", i))
		if err := os.WriteFile(paths[i], numberModule(t, i, data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(i int) {
		mod, err := load.File(paths[i])
		if err != nil {
			t.Fatal(err)
		}
		st, err := execute.NewStore(execute.Config{})
		if err != nil {
			t.Fatal(err)
		}
		inst, err := st.Instantiate(mod, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res, err := inst.Func("run").Call(); err != nil || res[0] != uint64(i) {
			t.Fatalf("module %d: run() = %v, %v", i, res, err)
		}
		st.Close()
		if err := mod.Close(); err != nil {
			t.Fatal(err)
		}
	}
	run(0)
	run(1)
	maps0, fds0 := countLines(t, "/proc/self/maps"), countFDs(t)
	for i := 0; i < n; i++ {
		run(i)
	}
	maps1, fds1 := countLines(t, "/proc/self/maps"), countFDs(t)
	t.Logf("mappings %d -> %d, descriptors %d -> %d", maps0, maps1, fds0, fds1)
	if fds1 != fds0 {
		t.Errorf("descriptors: %d before, %d after %d modules", fds0, fds1, n)
	}
	// A pooled memory reservation mapping an image is one mapping more
	// than a plain one; pools are bounded, so allow a handful.
	if maps1 > maps0+8 {
		t.Errorf("mappings: %d before, %d after %d modules", maps0, maps1, n)
	}
}

// Instances on many goroutines at once, trapping, timing out and being
// closed, do not disturb each other (run it under -race).
func TestConcurrentStoresKill(t *testing.T) {
	elf := numberModule(t, 7, 0)
	mod, err := load.Bytes(elf)
	if err != nil {
		t.Fatal(err)
	}
	defer mod.Close()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				layout := execute.LayoutGuard
				st, err := execute.NewStore(execute.Config{Layout: layout})
				if err != nil {
					t.Error(err)
					return
				}
				inst, err := st.Instantiate(mod, nil)
				if err != nil {
					t.Error(err)
					st.Close()
					return
				}
				if i%3 == 0 {
					st.Kill()
					if _, err := inst.Func("run").Call(); !execute.IsTrap(err, abi.TrapInterrupt) {
						t.Errorf("goroutine %d: killed call = %v", g, err)
					}
				}
				if res, err := inst.Func("run").Call(); err != nil || res[0] != 7 {
					t.Errorf("goroutine %d: run() = %v, %v", g, res, err)
				}
				st.Close()
			}
		}(g)
	}
	wg.Wait()
}
