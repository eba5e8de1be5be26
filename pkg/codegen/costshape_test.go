package codegen

import (
	"errors"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// A shapeFunc is one function of a shapeModule: its type, its locals (one
// run of a value type) and its code (without the final end).
type shapeFunc struct {
	typ     int
	nlocals int
	ltype   byte
	code    []byte
}

// shapeModule encodes types (each params and results as value-type bytes),
// funcs, nglobals mutable i32 globals and one memory page; function 0 is
// exported as "f".
func shapeModule(types [][2][]byte, funcs []shapeFunc, nglobals int) []byte {
	out := []byte{0, 'a', 's', 'm', 1, 0, 0, 0}
	t := uleb(uint64(len(types)))
	for _, ty := range types {
		t = append(t, 0x60)
		t = append(append(t, uleb(uint64(len(ty[0])))...), ty[0]...)
		t = append(append(t, uleb(uint64(len(ty[1])))...), ty[1]...)
	}
	out = append(out, section(1, t)...)
	fs := uleb(uint64(len(funcs)))
	for _, f := range funcs {
		fs = append(fs, uleb(uint64(f.typ))...)
	}
	out = append(out, section(3, fs)...)
	out = append(out, section(5, []byte{1, 0, 1})...)
	if nglobals > 0 {
		g := uleb(uint64(nglobals))
		for i := 0; i < nglobals; i++ {
			g = append(g, 0x7F, 1, byte(wasm.OpI32Const), byte(i&0x3F), byte(wasm.OpEnd))
		}
		out = append(out, section(6, g)...)
	}
	out = append(out, section(7, []byte{1, 1, 'f', 0, 0})...)
	code := uleb(uint64(len(funcs)))
	for _, f := range funcs {
		var b []byte
		if f.nlocals > 0 {
			b = append(append(append(b, 1), uleb(uint64(f.nlocals))...), f.ltype)
		} else {
			b = append(b, 0)
		}
		b = append(append(b, f.code...), byte(wasm.OpEnd))
		code = append(append(code, uleb(uint64(len(b)))...), b...)
	}
	return append(out, section(10, code)...)
}

var i32i32 = [2][]byte{{0x7F}, {0x7F}}

func lget(k int) []byte { return append([]byte{0x20}, uleb(uint64(k))...) }
func lset(k int) []byte { return append([]byte{0x21}, uleb(uint64(k))...) }

// sumLocals reads locals 1..l into a sum on the stack over local 0.
func sumLocals(l int) []byte {
	c := lget(0)
	for k := 1; k <= l; k++ {
		c = append(append(c, lget(k)...), 0x6a)
	}
	return c
}

// costShapes are hostile function shapes, each of about n constructs, for
// TestCostProportional: what grows with two dimensions of a function at
// once (locals and joins, locals and nesting, targets and locals, values
// and their live ranges) at the sizes where the cheap estimate (tooCostly)
// lets the function through to the optimizing tier.
type costShape struct {
	name string
	gen  func(n int) []byte
}

var costShapes = []costShape{
	// l locals, j ifs each writing one local, every local read after:
	// locals × joins with the two varied apart.
	{"joins/l=j", func(n int) []byte { return ljoins(n/2, n/2, 0x7F) }},
	{"joins/l=j/16", func(n int) []byte { return ljoins(n/16, n, 0x7F) }},
	{"joins/l=16j", func(n int) []byte { return ljoins(n, n/16, 0x7F) }},
	{"joins/v128", func(n int) []byte { return ljoins(n/2, n/2, 0x7B) }},
	{"loops", func(n int) []byte {
		l := n / 2
		var c []byte
		for i := 0; i < n/2; i++ {
			c = append(c, byte(wasm.OpLoop), 0x40, 0x41, 1)
			c = append(c, lset(i%l+1)...)
			c = append(c, 0x20, 0, byte(wasm.OpBrIf), 0, byte(wasm.OpEnd))
		}
		return shapeModule([][2][]byte{i32i32}, []shapeFunc{{0, l, 0x7F, append(c, sumLocals(l)...)}}, 0)
	}},
	{"nest/results", func(n int) []byte {
		// n nested blocks of an i32 result, each branching out with a
		// value on a condition, the value carried out through all.
		var c []byte
		for i := 0; i < n; i++ {
			c = append(c, byte(wasm.OpBlock), 0x7F)
		}
		c = append(c, 0x20, 0)
		for i := 0; i < n; i++ {
			c = append(c, 0x20, 0, byte(wasm.OpBrIf), 0, 0x20, 0, 0x6a, byte(wasm.OpEnd))
		}
		return shapeModule([][2][]byte{i32i32}, []shapeFunc{{0, 0, 0, c}}, 0)
	}},
	{"nest/params", func(n int) []byte {
		// n nested blocks of type [i32 i32] -> [i32 i32].
		var c []byte
		c = append(c, 0x20, 0, 0x20, 0)
		for i := 0; i < n; i++ {
			c = append(c, byte(wasm.OpBlock), 1)
		}
		for i := 0; i < n; i++ {
			c = append(c, 0x6a, 0x20, 0, 0x20, 0, byte(wasm.OpBrIf), 0, byte(wasm.OpEnd))
		}
		c = append(c, 0x6a)
		ii := [2][]byte{{0x7F, 0x7F}, {0x7F, 0x7F}}
		return shapeModule([][2][]byte{i32i32, ii}, []shapeFunc{{0, 0, 0, c}}, 0)
	}},
	{"nest/locals", func(n int) []byte {
		// n/2 nested blocks, n/2 locals, each block writing one and
		// branching out: locals × nesting.
		l := n / 2
		var c []byte
		for i := 0; i < n/2; i++ {
			c = append(c, byte(wasm.OpBlock), 0x40, 0x41, 1)
			c = append(c, lset(i%l+1)...)
			c = append(c, 0x20, 0, byte(wasm.OpBrIf), 0)
		}
		for i := 0; i < n/2; i++ {
			c = append(c, byte(wasm.OpEnd))
		}
		return shapeModule([][2][]byte{i32i32}, []shapeFunc{{0, l, 0x7F, append(c, sumLocals(l)...)}}, 0)
	}},
	{"br_table/locals", func(n int) []byte {
		// d nested blocks, a br_table of n targets over them, l locals
		// written before and read after.
		d, l := n/8, n/4
		var c []byte
		for k := 1; k <= l; k++ {
			c = append(append(c, 0x20, 0), lset(k)...)
		}
		for i := 0; i < d; i++ {
			c = append(c, byte(wasm.OpBlock), 0x40)
		}
		c = append(c, 0x20, 0, byte(wasm.OpBrTable))
		c = append(c, uleb(uint64(n))...)
		for i := 0; i < n; i++ {
			c = append(c, uleb(uint64(i%d))...)
		}
		c = append(c, 0)
		for i := 0; i < d; i++ {
			c = append(c, byte(wasm.OpEnd), 0x41, 1)
			c = append(c, lset(i%l+1)...)
		}
		return shapeModule([][2][]byte{i32i32}, []shapeFunc{{0, l, 0x7F, append(c, sumLocals(l)...)}}, 0)
	}},
	{"select", func(n int) []byte {
		c := []byte{0x20, 0}
		for i := 0; i < n; i++ {
			c = append(c, 0x20, 0, 0x41, byte(i&0x3F), 0x20, 0, byte(wasm.OpSelect))
			if i%2 == 1 {
				c = append(c, 0x6a)
			}
		}
		for i := 0; i < (n+1)/2; i++ {
			c = append(c, 0x6a)
		}
		return shapeModule([][2][]byte{i32i32}, []shapeFunc{{0, 0, 0, c}}, 0)
	}},
	{"oneblock", func(n int) []byte {
		// One basic block: n values all live to the end.
		var c []byte
		for i := 0; i < n; i++ {
			c = append(c, 0x20, 0, 0x41, byte(i&0x3F), 0x6a)
		}
		for i := 1; i < n; i++ {
			c = append(c, 0x6a)
		}
		return shapeModule([][2][]byte{i32i32}, []shapeFunc{{0, 0, 0, c}}, 0)
	}},
	{"globals", func(n int) []byte {
		// g globals, each read and written in every one of n/g ifs.
		g := 64
		var c []byte
		for i := 0; i < n/g; i++ {
			c = append(c, 0x20, 0, byte(wasm.OpIf), 0x40)
			for k := 0; k < g; k++ {
				c = append(c, byte(wasm.OpGlobalGet), byte(k), 0x41, 1, 0x6a, byte(wasm.OpGlobalSet), byte(k))
			}
			c = append(c, byte(wasm.OpEnd))
		}
		c = append(c, 0x20, 0)
		return shapeModule([][2][]byte{i32i32}, []shapeFunc{{0, 0, 0, c}}, g)
	}},
	{"membases", func(n int) []byte {
		// n/2 locals as bases, each loaded from and stored to at
		// several offsets in every one of n/64 ifs.
		l := n / 2
		var c []byte
		for k := 1; k <= l; k++ {
			c = append(append(c, 0x20, 0, 0x41, byte(k&0x3F), 0x6a), lset(k)...)
		}
		for i := 0; i < n/2; i++ {
			k := i%l + 1
			c = append(c, 0x20, 0, byte(wasm.OpIf), 0x40)
			c = append(append(c, lget(k)...), lget(k)...)
			c = append(c, 0x28, 2, byte(i&0x3F), 0x36, 2, byte(i&0x3F), byte(wasm.OpEnd))
		}
		return shapeModule([][2][]byte{i32i32}, []shapeFunc{{0, l, 0x7F, append(c, sumLocals(l)...)}}, 0)
	}},
	{"calls/args", func(n int) []byte {
		// A function of a params, and n/a calls to it with every
		// argument a different local, all the locals live across.
		a := 1000
		p := make([]byte, a)
		for i := range p {
			p[i] = 0x7F
		}
		var c []byte
		for i := 0; i < n/a; i++ {
			for k := 0; k < a; k++ {
				c = append(c, lget(k)...)
			}
			c = append(append(c, byte(wasm.OpCall), 1), lset(i%a+1)...)
		}
		c = append(c, sumLocals(a)...)
		return shapeModule([][2][]byte{i32i32, {p, {0x7F}}}, []shapeFunc{{0, a, 0x7F, c}, {1, 0, 0, lget(0)}}, 0)
	}},
}

// ljoins is a function of l locals of type lt and j ifs, the k'th
// writing local k mod l, every local read after.
func ljoins(l, j int, lt byte) []byte {
	var c []byte
	for i := 0; i < j; i++ {
		c = append(c, 0x20, 0, byte(wasm.OpIf), 0x40)
		if lt == 0x7B {
			c = append(c, 0xFD, 12)
			c = append(c, make([]byte, 16)...)
		} else {
			c = append(c, 0x41, 1)
		}
		c = append(append(c, lset(i%l+1)...), byte(wasm.OpEnd))
	}
	c = append(c, 0x20, 0)
	if lt == 0x7B {
		// Fold the vectors into one and take a lane.
		c = append(c, lget(1)...)
		for k := 2; k <= l; k++ {
			c = append(append(c, lget(k)...), 0xFD, 0x4E) // v128.and... 0x4E is v128.and
		}
		c = append(c, 0xFD, 27, 0, 0x6a) // i32x4.extract_lane 0
		c = append(c, 0x1a, 0x20, 0)     // drop, local 0
		return shapeModule([][2][]byte{i32i32}, []shapeFunc{{0, l, lt, c}}, 0)
	}
	return shapeModule([][2][]byte{i32i32}, []shapeFunc{{0, l, lt, append(c[:len(c)-2], sumLocals(l)...)}}, 0)
}

// Compilation may allocate at most costPerByte bytes per byte of the
// module, and costFloor more (SECURITY.md): the bounds the frontend's
// values (frontend.valuesPerByte), the register allocator's live-in sets
// (regalloc.liveInPerByte) and tooCostly set, past which a function goes
// to the baseline tier, which is linear in its size. Before those bounds
// were proportional, nest/locals at n=2000 (a 16 KB module) allocated
// 470 MB and at n=8000 7.5 GB; joins/l=j at n=8000 200 MB.
const (
	costPerByte = 2048
	costFloor   = 16 << 20
)

// TestCostProportional compiles every costShapes shape at sizes from the
// floor's reach to past the bounds, at opt levels 0 and 2, and checks
// the bytes allocated against costPerByte and costFloor. SHAPE=prefix
// runs some only; -v logs the ratios.
func TestCostProportional(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles functions of thousands of locals and joins")
	}
	for _, s := range costShapes {
		if o := os.Getenv("SHAPE"); o != "" && !strings.HasPrefix(s.name, o) {
			continue
		}
		for _, n := range []int{2000, 8000, 12000, 24000} {
			mod := s.gen(n)
			for _, opt := range []int{0, 2} {
				opts := Default()
				opts.OptLevel = opt
				a := allocBytes(t, mod, opts)
				t.Logf("%-16s n=%5d opt %d: %7d bytes, %10d allocated, %5.0f per byte", s.name, n, opt, len(mod), a, float64(a)/float64(len(mod)))
				if limit := uint64(costPerByte*len(mod) + costFloor); a > limit {
					t.Errorf("%s n=%d opt %d: a module of %d bytes allocated %d bytes to compile, past %d (%d per byte and %d)",
						s.name, n, opt, len(mod), a, limit, costPerByte, costFloor)
				}
			}
		}
	}
}

// TestTooManyValues: a function whose SSA form would need block
// parameters per local per join (nest/locals: 1,000 locals each written
// in one of 1,000 nested blocks that branch out, 500K parameters for a
// 16 KB body) is given up by the frontend past its values budget and
// compiled by the baseline at opt level 2; with fuel, which the baseline
// does not do, compilation fails with ssa.ErrTooCostly rather than
// building it. A smaller one (n=200) is optimized.
func TestTooManyValues(t *testing.T) {
	gen := costShapes[slices.IndexFunc(costShapes, func(s costShape) bool { return s.name == "nest/locals" })].gen
	for _, tc := range []struct {
		n        int
		fuel     bool
		baseline int
		err      error
	}{
		{200, false, 0, nil},
		{2000, false, 1, nil},
		{2000, true, 0, ssa.ErrTooCostly},
	} {
		m, err := decode.Decode(gen(tc.n), decode.Options{})
		if err != nil {
			t.Fatal(err)
		}
		opts := Default()
		opts.Fuel = tc.fuel
		_, st, err := CompileStats(m, opts)
		if !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
			t.Errorf("n=%d fuel %v: error %v, want %v", tc.n, tc.fuel, err, tc.err)
			continue
		}
		if err == nil && st.Baseline != tc.baseline {
			t.Errorf("n=%d: %d functions through the baseline, want %d", tc.n, st.Baseline, tc.baseline)
		}
	}
}

// brTableWide is a br_table of t entries alternating between two labels
// that take a values each (a block type of a i32 parameters and results).
func brTableWide(a, t int) []byte {
	p := make([]byte, a)
	for i := range p {
		p[i] = 0x7F
	}
	var c []byte
	for i := 0; i < a; i++ {
		c = append(c, 0x20, 0)
	}
	c = append(c, byte(wasm.OpBlock), 1, byte(wasm.OpBlock), 1)
	c = append(c, 0x20, 0, byte(wasm.OpBrTable))
	c = append(c, uleb(uint64(t))...)
	for i := 0; i < t; i++ {
		c = append(c, byte(i&1))
	}
	c = append(c, 0, byte(wasm.OpEnd), byte(wasm.OpEnd))
	for i := 1; i < a; i++ {
		c = append(c, 0x6a)
	}
	return shapeModule([][2][]byte{i32i32, {p, p}}, []shapeFunc{{0, 0, 0, c}}, 0)
}

// TestBrTableArityCost: validating and compiling a br_table costs about
// the same whatever the number of values its labels take; each entry cost
// a check of every value (the validator's checkTop, the baseline's
// needMoves), and 400,000 entries at labels of 1,000 values (0.4 MB)
// took 9.5G instructions at opt 0, against 0.33G now. CPU time of
// arity 1,000 against arity 2 (the least of three compiles each), at
// most 4x.
func TestBrTableArityCost(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles br_tables of 400,000 entries")
	}
	for _, opt := range []int{0, 2} {
		opts := Default()
		opts.OptLevel = opt
		var cost [2]time.Duration
		for i, a := range []int{2, 1000} {
			mod := brTableWide(a, 400000)
			cost[i] = time.Duration(math.MaxInt64)
			for try := 0; try < 3; try++ {
				c0 := cpuTime()
				compileBytes(t, mod, opts)
				cost[i] = min(cost[i], cpuTime()-c0)
			}
		}
		r := float64(cost[1]) / float64(cost[0])
		t.Logf("opt %d: arity 2 %v, arity 1000 %v (%.1fx)", opt, cost[0], cost[1], r)
		if r > 4 {
			t.Errorf("opt %d: a br_table at labels of 1,000 values costs %.1fx one at labels of 2 (%v, %v); want at most 4x", opt, r, cost[1], cost[0])
		}
	}
}
