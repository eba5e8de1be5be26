package codegen_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// TestRematExec runs testdata/remat's values op(x, const) used away from
// their definition, which -O 2 recomputes at their uses
// (ssa/pass_remat.go): printf_core's frame addresses read in a loop with
// calls (a chain (sp+80)|8 among them), i64 ones, uses in if arms, as a
// branch condition, an edge's argument and a result, and a loop without
// calls where nothing moves. Loads at x+16 and x+0x1000 trap past the
// memory. Results, traps and their offsets must be -O 0's in both bounds
// modes.
func TestRematExec(t *testing.T) {
	m := loadWasm(t, "testdata/remat/remat.wasm")
	xs := []uint64{0, 1, 2, 3, 5, 6, 7, 8, 0x55, 0x100, 0x1234, 0x7ff0, 0xefff, 0xeffc, 0xf000, 0xfff0,
		0xffe0, 0xffec, 0xffed, 0x10000, 0x12345678, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff}
	matchBaselineOn(t, m, []string{"frame", "frame64", "noloop", "tight"}, xs)
}

// TestRematShape checks that at -O 2 no value of the form op(x, const)
// computed in frame's and frame64's entry blocks is read in another
// block but the frame pointer (global sp - 112, from a global not live
// in the loop): each is recomputed in the blocks that read it, so none
// lives across the loop (and its calls) in a register or a stack slot. In
// tight, whose loop has no call, the loop reads the entry's x+40 as it
// is (recomputing it would add an add per iteration).
func TestRematShape(t *testing.T) {
	m := loadWasm(t, "testdata/remat/remat.wasm")
	for _, c := range []struct {
		name  string
		moved bool
	}{{"frame", true}, {"frame64", true}, {"tight", false}} {
		var idx uint32
		for _, ex := range m.Exports {
			if ex.Name == c.name {
				idx = ex.Index
			}
		}
		f, err := frontend.BuildSSA(m, idx, &ssa.Options{OptLevel: 2})
		if err != nil {
			t.Fatal(err)
		}
		ssa.Optimize(f, 2)
		cheap := func(v *ssa.Value) bool {
			switch v.Op {
			case ssa.OpAdd, ssa.OpSub, ssa.OpAnd, ssa.OpOr, ssa.OpXor, ssa.OpShl:
				return v.Block == f.Entry && len(v.Args) == 2 && v.Args[0].Op != ssa.OpGlobalGet &&
					(v.Args[0].Op == ssa.OpConst) != (v.Args[1].Op == ssa.OpConst)
			}
			return false
		}
		held := 0
		for _, b := range f.Blocks {
			if b == f.Entry {
				continue
			}
			read := func(v *ssa.Value) {
				if cheap(v) {
					held++
					if c.moved {
						t.Errorf("%s: %s of the entry block read in b%d\n%s", c.name, v.LongString(), b.ID, f)
					}
				}
			}
			for _, v := range b.Values {
				for _, a := range v.Args {
					read(a)
				}
			}
			for _, e := range b.Succs {
				for _, a := range e.Args {
					read(a)
				}
			}
			if b.Control != nil {
				read(b.Control)
			}
			for _, a := range b.Results {
				read(a)
			}
		}
		if !c.moved && held == 0 {
			t.Errorf("%s: the loop reads no value op(x, const) of the entry block\n%s", c.name, f)
		}
	}
}
