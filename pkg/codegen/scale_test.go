package codegen

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/validate"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Compile time must grow linearly with every dimension of a module, so a
// hostile or merely huge module costs time and memory in proportion to
// its size. scaleDims are generators of modules that grow along one
// dimension each; BenchmarkScale times them at n and 2n, and
// TestScaleLinear checks the allocation growth of each doubling.

func uleb(v uint64) []byte {
	return binary.AppendUvarint(nil, v)
}

func section(id byte, payload []byte) []byte {
	return append(append([]byte{id}, uleb(uint64(len(payload)))...), payload...)
}

// scaleModule encodes a module with type 0 (i32) -> i32, one memory of one
// page, the given function bodies (each with its locals prefix), and one
// active data segment of dataSize bytes.
func scaleModule(bodies [][]byte, dataSize int) []byte {
	out := []byte{0, 'a', 's', 'm', 1, 0, 0, 0}
	out = append(out, section(1, []byte{1, 0x60, 1, 0x7F, 1, 0x7F})...)
	funcs := uleb(uint64(len(bodies)))
	for range bodies {
		funcs = append(funcs, 0)
	}
	out = append(out, section(3, funcs)...)
	pages := uint64(dataSize>>16 + 1)
	out = append(out, section(5, append([]byte{1, 0}, uleb(pages)...))...)
	out = append(out, section(7, []byte{1, 1, 'f', 0, 0})...)
	code := uleb(uint64(len(bodies)))
	for _, b := range bodies {
		code = append(code, uleb(uint64(len(b)))...)
		code = append(code, b...)
	}
	out = append(out, section(10, code)...)
	if dataSize > 0 {
		d := []byte{1, 0, byte(wasm.OpI32Const), 0, byte(wasm.OpEnd)}
		d = append(d, uleb(uint64(dataSize))...)
		for i := 0; i < dataSize; i++ {
			d = append(d, byte(i*7))
		}
		out = append(out, section(11, d)...)
	}
	return out
}

// body appends the final end to code after a locals prefix of n i32s.
func body(nlocals int, code []byte) []byte {
	var b []byte
	if nlocals > 0 {
		b = append(b, 1)
		b = append(b, uleb(uint64(nlocals))...)
		b = append(b, 0x7F)
	} else {
		b = append(b, 0)
	}
	b = append(b, code...)
	return append(b, byte(wasm.OpEnd))
}

// work is a few instructions touching locals 0 and 1 and memory.
var work = []byte{
	0x20, 0, 0x20, 1, 0x6a, 0x21, 1, // l1 += l0
	0x20, 1, 0x28, 2, 0, 0x20, 0, 0x6a, 0x21, 0, // l0 += load(l1)
}

// scaleDim is one dimension: gen builds a module of size n along it.
type scaleDim struct {
	name string
	n    int // a size large enough to show super-linear growth
	gen  func(n int) []byte
}

var scaleDims = []scaleDim{
	{"nesting/block", 20000, func(n int) []byte {
		// n nested blocks, work in each, a branch out of each at its end.
		var c []byte
		for i := 0; i < n; i++ {
			c = append(c, byte(wasm.OpBlock), 0x40)
			c = append(c, work...)
		}
		for i := 0; i < n; i++ {
			c = append(c, 0x20, 1, byte(wasm.OpBrIf), 0, byte(wasm.OpEnd))
		}
		c = append(c, 0x20, 1)
		return scaleModule([][]byte{body(1, c)}, 0)
	}},
	{"nesting/empty", 50000, func(n int) []byte {
		// The shape of the report: block^n end^n around one value.
		var c []byte
		for i := 0; i < n; i++ {
			c = append(c, byte(wasm.OpBlock), 0x40)
		}
		for i := 0; i < n; i++ {
			c = append(c, byte(wasm.OpEnd))
		}
		c = append(c, 0x20, 0)
		return scaleModule([][]byte{body(0, c)}, 0)
	}},
	{"nesting/loop", 20000, func(n int) []byte {
		var c []byte
		for i := 0; i < n; i++ {
			c = append(c, byte(wasm.OpLoop), 0x40)
			c = append(c, work...)
		}
		for i := 0; i < n; i++ {
			c = append(c, 0x20, 1, byte(wasm.OpBrIf), 0, byte(wasm.OpEnd))
		}
		c = append(c, 0x20, 1)
		return scaleModule([][]byte{body(1, c)}, 0)
	}},
	{"nesting/if", 20000, func(n int) []byte {
		var c []byte
		for i := 0; i < n; i++ {
			c = append(c, 0x20, 0, byte(wasm.OpIf), 0x40)
			c = append(c, work...)
		}
		for i := 0; i < n; i++ {
			c = append(c, byte(wasm.OpElse))
			c = append(c, work...)
			c = append(c, byte(wasm.OpEnd))
		}
		c = append(c, 0x20, 1)
		return scaleModule([][]byte{body(1, c)}, 0)
	}},
	{"funcsize", 20000, func(n int) []byte {
		// n small diamonds and loops in sequence.
		var c []byte
		for i := 0; i < n; i++ {
			switch i % 3 {
			case 0:
				c = append(c, work...)
			case 1:
				c = append(c, 0x20, 0, byte(wasm.OpIf), 0x40)
				c = append(c, work...)
				c = append(c, byte(wasm.OpEnd))
			case 2:
				c = append(c, byte(wasm.OpLoop), 0x40)
				c = append(c, work...)
				c = append(c, 0x20, 0, byte(wasm.OpBrIf), 0, byte(wasm.OpEnd))
			}
		}
		c = append(c, 0x20, 1)
		return scaleModule([][]byte{body(1, c)}, 0)
	}},
	{"locals", 10000, func(n int) []byte {
		// n locals, each written and read inside a loop so all are live
		// across it.
		var c []byte
		c = append(c, byte(wasm.OpLoop), 0x40)
		for i := 1; i < n; i++ {
			c = append(c, 0x20)
			c = append(c, uleb(uint64(i))...)
			c = append(c, 0x20, 0, 0x6a, 0x21)
			c = append(c, uleb(uint64(i))...)
		}
		c = append(c, 0x20, 0, byte(wasm.OpBrIf), 0, byte(wasm.OpEnd))
		for i := 1; i < n; i++ {
			c = append(c, 0x20)
			c = append(c, uleb(uint64(i))...)
			c = append(c, 0x20, 0, 0x6a, 0x21, 0)
		}
		c = append(c, 0x20, 0)
		return scaleModule([][]byte{body(n, c)}, 0)
	}},
	{"br_table", 20000, func(n int) []byte {
		// A br_table of n targets over 64 nested blocks, in a loop.
		const depth = 64
		var c []byte
		c = append(c, byte(wasm.OpLoop), 0x40)
		for i := 0; i < depth; i++ {
			c = append(c, byte(wasm.OpBlock), 0x40)
		}
		c = append(c, 0x20, 0, byte(wasm.OpBrTable))
		c = append(c, uleb(uint64(n))...)
		for i := 0; i < n; i++ {
			c = append(c, uleb(uint64(i%(depth+1)))...)
		}
		c = append(c, 0)
		for i := 0; i < depth; i++ {
			c = append(c, byte(wasm.OpEnd))
			c = append(c, work...)
		}
		c = append(c, byte(wasm.OpEnd))
		c = append(c, 0x20, 1)
		return scaleModule([][]byte{body(1, c)}, 0)
	}},
	{"funcs", 5000, func(n int) []byte {
		// n functions, each calling the next.
		bodies := make([][]byte, n)
		for i := range bodies {
			c := append([]byte{}, work...)
			c = append(c, 0x20, 0, byte(wasm.OpCall))
			c = append(c, uleb(uint64((i+1)%n))...)
			c = append(c, 0x20, 1, 0x6a)
			bodies[i] = body(1, c)
		}
		return scaleModule(bodies, 0)
	}},
	{"data", 1 << 22, func(n int) []byte {
		return scaleModule([][]byte{body(0, []byte{0x20, 0})}, n)
	}},
}

// joinDims grow locals and joins together (issue 11 §4): n/4 locals, n
// constructs each writing one local on one path, then every local read.
// SSA construction must not make or record a value per local per join
// (TestScaleJoins).
var joinDims = []scaleDim{
	{"joins/if", 16000, func(n int) []byte {
		return joins(n, func(k int) []byte {
			c := []byte{0x20, 0, byte(wasm.OpIf), 0x40, 0x41, 1, 0x21}
			return append(append(c, uleb(uint64(k))...), byte(wasm.OpEnd))
		})
	}},
	{"joins/br_if", 16000, func(n int) []byte {
		return joins(n, func(k int) []byte {
			c := []byte{byte(wasm.OpBlock), 0x40, 0x20, 0, byte(wasm.OpBrIf), 0, 0x41, 1, 0x21}
			return append(append(c, uleb(uint64(k))...), byte(wasm.OpEnd))
		})
	}},
	{"joins/loop", 16000, func(n int) []byte {
		return joins(n, func(k int) []byte {
			c := []byte{byte(wasm.OpLoop), 0x40, 0x41, 1, 0x21}
			c = append(c, uleb(uint64(k))...)
			return append(c, 0x20, 0, byte(wasm.OpBrIf), 0, byte(wasm.OpEnd))
		})
	}},
}

// joins is a function of n/4 locals and n constructs, construct(k)
// writing local k, cycling through them, followed by the sum of the locals.
func joins(n int, construct func(k int) []byte) []byte {
	l := n / 4
	var c []byte
	for i := 0; i < n; i++ {
		c = append(c, construct(i%l+1)...)
	}
	c = append(c, 0x20, 0)
	for k := 1; k <= l; k++ {
		c = append(c, 0x20)
		c = append(c, uleb(uint64(k))...)
		c = append(c, 0x6a)
	}
	return scaleModule([][]byte{body(l, c)}, 0)
}

// compileBytes runs the whole pipeline on a module's bytes.
func compileBytes(tb testing.TB, b []byte, opts ssa.Options) {
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := validate.Module(m, validate.Options{}); err != nil {
		tb.Fatal(err)
	}
	if _, err := Compile(m, opts); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkScale compiles each dimension's module at n and 2n; the
// ratio of the two ns/op (and B/op) is the cost of a doubling, which must
// stay at most 2.2. Example:
//
//	go test ./pkg/codegen -run '^$' -bench Scale -benchmem -count 5 -benchtime 3x
func BenchmarkScale(b *testing.B) {
	for _, d := range scaleDims {
		for _, opt := range []int{0, 2} {
			for _, n := range []int{d.n, 2 * d.n} {
				mod := d.gen(n)
				b.Run(fmt.Sprintf("%s/opt%d/n=%d", d.name, opt, n), func(b *testing.B) {
					b.ReportAllocs()
					opts := Default()
					opts.OptLevel = opt
					c0 := cpuTime()
					for i := 0; i < b.N; i++ {
						compileBytes(b, mod, opts)
					}
					b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
				})
			}
		}
	}
}

// BenchmarkNested100k is the nesting target: 100,000 nested blocks
// compile in well under a second.
func BenchmarkNested100k(b *testing.B) {
	mod := scaleDims[0].gen(100000)
	b.ReportAllocs()
	c0 := cpuTime()
	for i := 0; i < b.N; i++ {
		compileBytes(b, mod, Default())
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
}

// cpuTime is the process's CPU time (user and system, every thread): on
// a shared machine it says more about the work done than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// allocBytes is the bytes allocated by compiling mod from cold
// (sequentially, so the count does not depend on scheduling). Two
// collections first empty every sync.Pool (the first only moves pooled
// items to the victim cache), so what an earlier compile left pooled
// cannot make one measurement smaller than the other; the least of two
// tries drops a collection that happened to clear a pool mid-compile.
func allocBytes(tb testing.TB, mod []byte, opts ssa.Options) uint64 {
	opts.Parallel = 1
	least := uint64(math.MaxUint64)
	for try := 0; try < 2; try++ {
		runtime.GC()
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		compileBytes(tb, mod, opts)
		runtime.ReadMemStats(&after)
		least = min(least, after.TotalAlloc-before.TotalAlloc)
	}
	return least
}

// TestScaleLinear checks, without timing anything, that doubling each
// dimension at most roughly doubles the memory compilation allocates.
// Run time is BenchmarkScale's to show.
func TestScaleLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles modules of tens of thousands of blocks")
	}
	for _, d := range scaleDims {
		for _, opt := range []int{0, 2} {
			n := d.n / 8
			if d.name == "data" {
				n = d.n
			}
			opts := Default()
			opts.OptLevel = opt
			small := allocBytes(t, d.gen(n), opts)
			big := allocBytes(t, d.gen(2*n), opts)
			r := float64(big) / float64(small)
			t.Logf("%s opt %d: %d -> %d bytes (%.2fx)", d.name, opt, small, big, r)
			if r > 2.2 {
				t.Errorf("%s opt %d: doubling n=%d allocates %.2fx (%d -> %d bytes); want at most 2.2x",
					d.name, opt, n, r, small, big)
			}
		}
	}
}

// TestScaleJoins checks that doubling the locals and the joins together,
// which doubles the module, at most roughly doubles what SSA construction
// allocates and the values it makes (at opt 2's options), and what a
// whole compilation at opt 0 allocates. (At opt 2 the register
// allocator's liveness holds each block's live values, here locals ×
// joins in the program itself; that is the allocator's to bound.)
func TestScaleJoins(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles functions of thousands of locals and joins")
	}
	for _, d := range joinDims {
		n := d.n / 8
		var bytes, values [2]uint64
		for i, size := range []int{n, 2 * n} {
			bytes[i], values[i] = buildCost(t, d.gen(size))
		}
		opts := Default()
		opts.OptLevel = 0
		small, big := allocBytes(t, d.gen(n), opts), allocBytes(t, d.gen(2*n), opts)
		for _, c := range []struct {
			what       string
			small, big uint64
		}{
			{"SSA construction allocates", bytes[0], bytes[1]},
			{"SSA construction makes values", values[0], values[1]},
			{"compilation at opt 0 allocates", small, big},
		} {
			r := float64(c.big) / float64(c.small)
			t.Logf("%s: %s %d -> %d (%.2fx)", d.name, c.what, c.small, c.big, r)
			if r > 2.2 {
				t.Errorf("%s: doubling n=%d: %s %.2fx (%d -> %d); want at most 2.2x", d.name, n, c.what, r, c.small, c.big)
			}
		}
	}
}

// buildCost is the bytes frontend.BuildSSA allocates for the one function
// of mod (the least of two runs) and the values it numbers.
func buildCost(tb testing.TB, mod []byte) (bytes, values uint64) {
	m, err := decode.Decode(mod, decode.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	opts := Default()
	bytes = math.MaxUint64
	for try := 0; try < 2; try++ {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		f, err := frontend.BuildSSA(m, m.NumImportedFuncs, &opts)
		runtime.ReadMemStats(&after)
		if err != nil {
			tb.Fatal(err)
		}
		bytes = min(bytes, after.TotalAlloc-before.TotalAlloc)
		values = uint64(f.NextID)
	}
	return bytes, values
}

// BenchmarkScaleOne compiles one dimension at one size, for profiling:
//
//	SCALE_DIM=nesting/if SCALE_N=40000 go test ./pkg/codegen -run '^$' \
//	    -bench ScaleOne -benchtime 2x -cpuprofile cpu.prof
func BenchmarkScaleOne(b *testing.B) {
	name := os.Getenv("SCALE_DIM")
	n, _ := strconv.Atoi(os.Getenv("SCALE_N"))
	for _, d := range append(scaleDims, joinDims...) {
		if d.name == name {
			mod := d.gen(n)
			b.ReportAllocs()
			c0 := cpuTime()
			for i := 0; i < b.N; i++ {
				compileBytes(b, mod, Default())
			}
			b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
		}
	}
}

// BenchmarkGobig compiles testdata/gobig.wasm (3.8 MB, a Go program) at
// each level, reporting CPU time per compile (the target: opt 2 in at
// most 1 s of CPU, opt 0 in at most 0.3 s).
func BenchmarkGobig(b *testing.B) {
	mod, err := os.ReadFile("../../testdata/gobig.wasm")
	if err != nil {
		b.Skip(err)
	}
	for _, opt := range []int{0, 2} {
		b.Run(fmt.Sprintf("opt%d", opt), func(b *testing.B) {
			b.ReportAllocs()
			opts := Default()
			opts.OptLevel = opt
			c0 := cpuTime()
			for i := 0; i < b.N; i++ {
				compileBytes(b, mod, opts)
			}
			b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// TestCostlyFunctionBaseline: a function whose live-in sets would pass
// the register allocator's budget (regalloc.ErrTooCostly; joins/if at
// n=12000: 3,000 locals each live across thousands of joins; at n=2000,
// 500 locals, its share of the budget in proportion to the body) is
// compiled by the baseline at opt level 2, and one well under it (n=800)
// is optimized; so is one past codegen's cheaper estimate of the same
// (tooCostly), n=-1.
func TestCostlyFunctionBaseline(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a function of 3,000 locals and 12,000 joins")
	}
	// 50,000 locals (the most) and 2,000 ifs: past tooCostly's estimate, straight
	// to the baseline without building SSA.
	var wide []byte
	for k := 0; k < 2000; k++ {
		wide = append(wide, 0x20, 0, byte(wasm.OpIf), 0x40, 0x41, 1, 0x21)
		wide = append(append(wide, uleb(uint64(k*25+1))...), byte(wasm.OpEnd))
	}
	wide = append(wide, 0x20, 0)
	for k := 1; k <= 49999; k++ {
		wide = append(append(append(wide, 0x20), uleb(uint64(k))...), 0x6a)
	}
	for _, tc := range []struct {
		n        int
		baseline int
	}{{800, 0}, {2000, 1}, {12000, 1}, {-1, 1}} {
		mod := joinDims[0].gen(max(tc.n, 0))
		if tc.n < 0 {
			mod = scaleModule([][]byte{body(49999, wide)}, 0)
		}
		m, err := decode.Decode(mod, decode.Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, st, err := CompileStats(m, Default())
		if err != nil {
			t.Fatalf("n=%d: %v", tc.n, err)
		}
		if st.Baseline != tc.baseline {
			t.Errorf("n=%d: %d functions through the baseline at opt level 2, want %d", tc.n, st.Baseline, tc.baseline)
		}
	}
}
