package codegen_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// reassocFuncs are testdata/reassoc's functions of x.
var reassocFuncs = []string{"late_i32", "late_i64", "sha", "multiuse", "call", "const_sub", "pressure", "long40", "long70"}

// TestReassocExec runs testdata/reassoc's chains of adds, which -O 2
// rebalances (ssa/pass_reassoc.go): i32 and i64, terms from rotates,
// loads (some trapping past the memory), parameters, a call's two results,
// an inner sum used twice, a constant term, a sub, twelve spilled terms,
// chains of 40 and 70 terms (the second past maxChainTerms),
// and SHA-256-like rounds in a loop. Results, traps and their offsets must
// be -O 0's in both bounds modes.
func TestReassocExec(t *testing.T) {
	m := loadWasm(t, "testdata/reassoc/reassoc.wasm")
	xs := []uint64{0, 1, 2, 3, 7, 8, 0x10, 0x55, 0x100, 0x1234, 0x7ff0, 0xfff0, 0xfff8, 0xfffc, 0xfffd, 0x10000,
		0x12345678, 0x7fffffff, 0x80000000, 0xfffffff0, 0xfffffffc, 0xffffffff}
	matchBaselineOn(t, m, reassocFuncs, xs)
}

// TestReassocShape checks that at -O 2 every chain of adds of three
// terms or more in the late_* and sha functions ends at most two adds
// after its deepest term (depth: the longest path from the block's start,
// one step per value but constants). Left in source order the term ready
// last comes second in each chain, five adds from the end: the rotates of
// late_i32 at depth 4 make a sum at depth 9.
func TestReassocShape(t *testing.T) {
	m := loadWasm(t, "testdata/reassoc/reassoc.wasm")
	for _, name := range []string{"late_i32", "late_i64", "sha"} {
		var idx uint32
		for _, ex := range m.Exports {
			if ex.Name == name {
				idx = ex.Index
			}
		}
		f, err := frontend.BuildSSA(m, idx, &ssa.Options{OptLevel: 2})
		if err != nil {
			t.Fatal(err)
		}
		ssa.Optimize(f, 2)
		chains := 0
		for _, b := range f.Blocks {
			depth := map[*ssa.Value]int{}
			inner := map[*ssa.Value]bool{}
			isAdd := func(v *ssa.Value) bool {
				return v.Op == ssa.OpAdd && v.Block == b && (v.Type == ssa.TI32 || v.Type == ssa.TI64) && len(v.Args) == 2
			}
			for _, v := range b.Values {
				d := 0
				for _, a := range v.Args {
					d = max(d, depth[a])
				}
				if v.Op != ssa.OpConst {
					depth[v] = d + 1
				}
				if isAdd(v) {
					for _, a := range v.Args {
						if isAdd(a) && a.Uses == 1 && a.Type == v.Type {
							inner[a] = true
						}
					}
				}
			}
			for _, v := range b.Values {
				if !isAdd(v) || inner[v] {
					continue
				}
				var terms []*ssa.Value
				var walk func(*ssa.Value)
				walk = func(u *ssa.Value) {
					for _, a := range u.Args {
						if isAdd(a) && a.Uses == 1 && a.Type == u.Type {
							walk(a)
						} else {
							terms = append(terms, a)
						}
					}
				}
				walk(v)
				if len(terms) < 3 {
					continue
				}
				chains++
				deepest := 0
				for _, tm := range terms {
					deepest = max(deepest, depth[tm])
				}
				if depth[v] > deepest+2 {
					t.Errorf("%s: chain %s of %d terms: depth %d, its deepest term's %d\n%s", name, v, len(terms), depth[v], deepest, f)
				}
			}
		}
		if chains == 0 {
			t.Errorf("%s: no chain of three terms or more\n%s", name, f)
		}
	}
}
