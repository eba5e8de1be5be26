package codegen_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// indvarFuncs are testdata/indvar's functions of x, each a loop carrying
// an i32 counter and its zero extension (ssa/pass_indvar.go), and
// whether mergeInductionVars removes the i32 one.
var indvarFuncs = []struct {
	name   string
	merged bool
}{
	{"count", true}, {"to_top", true}, {"down", true}, {"ucompares", true},
	{"wraps", false}, {"weak_guard", false}, {"sext_entry", false}, {"addressed", false}, {"compares", false},
}

// TestIndVarExec runs testdata/indvar's loops at -O 2 against -O 0, in
// both bounds modes, for x at the edges: the loops that run up to
// 0xffffffff, wrap past it or count down to 0.
func TestIndVarExec(t *testing.T) {
	m := loadWasm(t, "testdata/indvar/indvar.wasm")
	var names []string
	for _, f := range indvarFuncs {
		names = append(names, f.name)
	}
	xs := []uint64{0, 1, 2, 5, 7, 8, 9, 15, 16, 31, 100, 254, 255, 256, 300, 0x7fffffff, 0x80000000,
		0xffff0000, 0xfffffff0, 0xfffffffe, 0xffffffff}
	matchBaselineOn(t, m, names, xs)
}

// TestIndVarValues pins a few results worked out by hand, so that a
// wrong rewrite at both tiers would not pass unseen: wraps counts p on
// past 2^32, to_top ends at p = 2^32 with q = 0xffffffff.
func TestIndVarValues(t *testing.T) {
	m := loadWasm(t, "testdata/indvar/indvar.wasm")
	for _, bm := range boundsModes {
		opts := bm.opts
		opts.OptLevel = 2
		inst := compileInstance(t, m, opts)
		for _, tc := range []struct {
			name string
			x    uint64
			want uint64
		}{
			{"wraps", 5, 1<<32 + 5},
			{"wraps", 0xfffffff7, 1<<32 + 7}, // x&15 = 7: q passes 0xfffffff7, reaches 7 after wrapping
			{"to_top", 0xfffffff0, 0xffffff0100000000},
			{"to_top", 0xffffffff, 0xffffff0100000000},
			{"to_top", 5, ^uint64(0)},
			{"count", 0, 256 + 255<<32},
			{"count", 1, 32 + 32<<32}, // bit p&31 of x is 1 first at p = 32
			{"count", 2, 1 + 1<<32},
		} {
			r, err := inst.Func(tc.name).Call(tc.x)
			if err != nil {
				t.Fatalf("%s(%#x): %v", tc.name, tc.x, err)
			}
			if r[0] != tc.want {
				t.Errorf("%s/%s(%#x) = %#x, want %#x", bm.name, tc.name, tc.x, r[0], tc.want)
			}
		}
	}
}

// TestIndVarShape checks which loops lose their i32 counter at -O 2: no
// i32 block parameter is left in the merged ones, one is in the others.
func TestIndVarShape(t *testing.T) {
	m := loadWasm(t, "testdata/indvar/indvar.wasm")
	for _, tc := range indvarFuncs {
		var idx uint32
		for _, e := range m.Exports {
			if e.Name == tc.name {
				idx = e.Index
			}
		}
		opts := &ssa.Options{OptLevel: 2}
		f, err := frontend.BuildSSAIn(m, idx, opts, nil, frontend.ModuleFacts(m))
		if err != nil {
			t.Fatal(err)
		}
		ssa.Optimize(f, 2)
		n := 0
		for _, b := range f.Blocks[1:] {
			for _, p := range b.Params {
				if p.Type == ssa.TI32 {
					n++
				}
			}
		}
		if got := n == 0; got != tc.merged {
			t.Errorf("%s: %d i32 block parameters, want merged=%v\n%s", tc.name, n, tc.merged, f)
		}
	}
}
