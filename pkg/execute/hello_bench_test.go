package execute_test

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/command"
	"github.com/lucet-go/lucet/pkg/compile"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// layouts are the two memory layouts with the bounds checks each needs:
// guard pages, or explicit checks in the dense layout.
var layouts = []struct {
	name   string
	layout execute.Layout
	bounds object.BoundsChecks
}{
	{"guard", execute.LayoutGuard, object.BoundsGuard},
	{"dense", execute.LayoutDense, object.BoundsExplicit},
}

// boundsFor is the bounds checking a module needs to run in layout.
func boundsFor(layout execute.Layout) object.BoundsChecks {
	if layout == execute.LayoutDense {
		return object.BoundsExplicit
	}
	return object.BoundsGuard
}

// codegenOpts are the compile options for the given bounds checks.
func codegenOpts(bounds object.BoundsChecks) codegen.Options {
	if bounds == object.BoundsExplicit {
		return codegen.Options{Bounds: object.BoundsExplicit}
	}
	return codegen.Default()
}

// linkLoad links obj and loads it from its ELF bytes (data image
// included), as lucet-bench loads a .so.
func linkLoad(tb testing.TB, obj *object.Object) *load.Module {
	tb.Helper()
	elf, err := link.ELF(obj)
	if err != nil {
		tb.Fatal(err)
	}
	mod, err := load.Bytes(elf)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { mod.Close() })
	return mod
}

// helloModule is testdata/hello.wasm (the demo module) compiled with the
// given bounds checks and loaded.
func helloModule(tb testing.TB, bounds object.BoundsChecks) *load.Module {
	tb.Helper()
	b, err := os.ReadFile("../../testdata/hello.wasm")
	if err != nil {
		tb.Fatal(err)
	}
	obj, err := compile.Wasm(b, codegenOpts(bounds))
	if err != nil {
		tb.Fatal(err)
	}
	return linkLoad(tb, obj)
}

// quietOpts are the WASI options the benchmarks link: no output kept.
func quietOpts() command.Options {
	return command.Options{Args: []string{"bench"}, Stdout: io.Discard, Stderr: io.Discard, Stdin: strings.NewReader("")}
}

// Instantiating hello.so with WASI linked, the way lucet-bench measures it
// (store, WASI system, instance; then closed).
func BenchmarkInstantiateHello(b *testing.B) {
	for _, bc := range layouts {
		b.Run(bc.name, func(b *testing.B) {
			mod := helloModule(b, bc.bounds)
			cfg := execute.Config{Layout: bc.layout}
			opts := quietOpts()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				st, err := execute.NewStore(cfg)
				if err != nil {
					b.Fatal(err)
				}
				sys, imports, err := command.Link(st, opts)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := st.Instantiate(mod, imports); err != nil {
					b.Fatal(err)
				}
				st.Close()
				sys.Close()
			}
		})
	}
}

// bigDataModule has size bytes of initialised data (every byte non-zero)
// in a memory one page larger, loaded from its ELF bytes so the linker's data image is
// there to map.
func bigDataModule(tb testing.TB, bounds object.BoundsChecks, size int) *load.Module {
	tb.Helper()
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i%251) + 1
	}
	m := &wasm.Module{
		Types:   []wasm.FuncType{{Params: []wasm.ValType{wasm.I32}, Results: []wasm.ValType{wasm.I32}}},
		Funcs:   []uint32{0},
		Mems:    []wasm.MemType{{Limits: wasm.Limits{Min: 257}}},
		Datas:   []wasm.Data{{Mode: wasm.SegmentActive, Offset: wasm.ConstExpr{Op: wasm.OpI32Const, NumInstrs: 1}, Init: data}},
		Codes:   []wasm.Code{{Body: []byte{0x20, 0, 0x2d, 0, 0, 0x0b}}}, // i32.load8_u [x]
		Exports: []wasm.Export{{Name: "peek", Kind: wasm.ExternFunc, Index: 0}},
	}
	obj, err := codegen.Compile(m, codegenOpts(bounds))
	if err != nil {
		tb.Fatal(err)
	}
	return linkLoad(tb, obj)
}

// Instantiation cost does not grow with the size of the data: compare
// with BenchmarkInstantiateHello (which also links WASI).
func BenchmarkInstantiateData16M(b *testing.B) {
	for _, bc := range layouts {
		b.Run(bc.name, func(b *testing.B) {
			mod := bigDataModule(b, bc.bounds, 16<<20)
			cfg := execute.Config{Layout: bc.layout, MaxMemoryPages: 512}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				st, err := execute.NewStore(cfg)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := st.Instantiate(mod, nil); err != nil {
					b.Fatal(err)
				}
				st.Close()
			}
		})
	}
}

// Every instance of a module with a data image starts with the image and
// none sees another's writes, through reuse of its memory slot, whichever
// way the image reaches the memory: copied (tiny), mapped copy-on-write
// into fresh reservations only (small), or mapped into every memory
// (large); see cowImage.
func TestCOWImage(t *testing.T) {
	for _, size := range []int{8 << 10, 128 << 10, 1 << 20} {
		for _, layout := range []execute.Layout{execute.LayoutGuard, execute.LayoutDense} {
			mod := bigDataModule(t, boundsFor(layout), size)
			for round := 0; round < 3; round++ {
				st, err := execute.NewStore(execute.Config{Layout: layout, MaxMemoryPages: 512})
				if err != nil {
					t.Fatal(err)
				}
				inst, err := st.Instantiate(mod, nil)
				if err != nil {
					t.Fatal(err)
				}
				mem := inst.Memory().Bytes()
				for _, off := range []int{0, 4095, size / 2, size - 1} {
					if want := byte(off%251) + 1; mem[off] != want {
						t.Fatalf("%d bytes, %v round %d: byte %#x = %#x, want %#x", size, layout, round, off, mem[off], want)
					}
					if res, err := inst.Func("peek").Call(uint64(off)); err != nil || byte(res[0]) != byte(off%251)+1 {
						t.Fatalf("%d bytes, %v round %d: peek(%#x) = %v, %v", size, layout, round, off, res, err)
					}
				}
				if mem[size] != 0 || mem[len(mem)-1] != 0 {
					t.Fatalf("%d bytes, %v round %d: memory past the data is not zero", size, layout, round)
				}
				// This tenant's writes, which the next must not see.
				for off := 0; off < len(mem); off += 4096 {
					mem[off] = 0
				}
				st.Close()
			}
		}
	}
}

// procKiB reads a field of /proc/self/status in KiB.
func procKiB(tb testing.TB, field string) float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == field+":" {
			var v float64
			fmt.Sscan(f[1], &v)
			return v
		}
	}
	tb.Fatalf("no %s in /proc/self/status", field)
	return 0
}

// What a live hello.so instance (WASI linked, not run) keeps: resident
// memory, page tables, mappings and address space per instance with
// 10,000 alive, in each layout. b.N is ignored beyond running once.
func BenchmarkLiveHello(b *testing.B) {
	const k = 10000
	for _, bc := range layouts {
		b.Run(bc.name, func(b *testing.B) {
			mod := helloModule(b, bc.bounds)
			opts := quietOpts()
			for n := 0; n < b.N; n++ {
				runtime.GC()
				rss0, pte0, st0 := procKiB(b, "VmRSS"), procKiB(b, "VmPTE"), execute.ReadStats()
				stores := make([]*execute.Store, 0, k)
				for i := 0; i < k; i++ {
					st, err := execute.NewStore(execute.Config{Layout: bc.layout})
					if err != nil {
						b.Fatal(err)
					}
					_, imports, err := command.Link(st, opts)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := st.Instantiate(mod, imports); err != nil {
						b.Fatal(err)
					}
					stores = append(stores, st)
				}
				runtime.GC()
				rss1, pte1, st1 := procKiB(b, "VmRSS"), procKiB(b, "VmPTE"), execute.ReadStats()
				b.ReportMetric((rss1-rss0)/k, "rss-KiB/inst")
				b.ReportMetric((pte1-pte0)/k, "pte-KiB/inst")
				b.ReportMetric(float64(st1.Mappings-st0.Mappings)/k, "maps/inst")
				b.ReportMetric(float64(st1.Reserved-st0.Reserved)/1024/k, "vm-KiB/inst")
				for _, st := range stores {
					st.Close()
				}
			}
		})
	}
}

// Instantiate, run _start and close on 8 goroutines; reports resident
// memory growth after the first 10,000 cycles (flat: a few percent).
// The 1,000,000-cycle run: go test -run '^$' -bench Cycles
// -benchtime 1000000x ./pkg/execute.
func BenchmarkCycles(b *testing.B) {
	mod := helloModule(b, object.BoundsExplicit)
	opts := quietOpts()
	var done atomic.Int64
	var rssWarm atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.SetParallelism(4) // 8 goroutines on GOMAXPROCS 2
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			st, err := execute.NewStore(execute.Config{Layout: execute.LayoutDense})
			if err != nil {
				b.Error(err)
				return
			}
			sys, imports, err := command.Link(st, opts)
			if err != nil {
				b.Error(err)
				return
			}
			inst, err := st.Instantiate(mod, imports)
			if err != nil {
				b.Error(err)
				return
			}
			if _, err := inst.Func("_start").Call(); err != nil && !strings.Contains(err.Error(), "exit") {
				b.Error(err)
			}
			st.Close()
			sys.Close()
			if done.Add(1) == 10000 {
				rssWarm.Store(int64(procKiB(b, "VmRSS")))
			}
		}
	})
	if w := rssWarm.Load(); w > 0 {
		b.ReportMetric(100*(procKiB(b, "VmRSS")-float64(w))/float64(w), "rss-growth-%")
	}
}
