package codegen

import (
	"strconv"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/regalloc"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

func totalParams(f *ssa.Func) int {
	n := 0
	for _, b := range f.Blocks[1:] {
		n += len(b.Params)
	}
	return n
}

// TestBuildSSA checks the SSA the frontend and the passes make together,
// and that it allocates.
func TestBuildSSA(t *testing.T) {
	tests := []struct {
		name   string
		m      *wasm.Module
		check  func(f *ssa.Func) string
		expect string
	}{
		{
			name: "loop params only for variables changed in the loop",
			m:    ssatest.Module1(ssatest.I32s, ssatest.I32s, []wasm.LocalEntry{{Count: 2, Type: wasm.I32}}, ssatest.SumLoop...),
			check: func(f *ssa.Func) string {
				// The loop header is the block a later block jumps back to
				// (loops carry no interrupt check without fuel).
				for _, b := range f.Blocks {
					for _, p := range b.Preds {
						if b != f.Entry && p.ID >= b.ID {
							return strconv.Itoa(len(b.Params))
						}
					}
				}
				return "no loop header"
			},
			expect: "2", // l0 and l1; l2 and the memory length are invariant
		},
		{
			name: "if/else assigning the same value leaves no parameter",
			m: ssatest.Module1(ssatest.I32s, ssatest.I32s, []wasm.LocalEntry{{Count: 1, Type: wasm.I32}},
				0x20, 0, 0x04, 0x40, 0x20, 0, 0x21, 1, 0x05, 0x20, 0, 0x21, 1, 0x0b, 0x20, 1),
			check:  func(f *ssa.Func) string { return strconv.Itoa(totalParams(f)) },
			expect: "0",
		},
		{
			// The load keeps the join from being copied into both arms
			// (dupReturns copies only small pure return blocks).
			name: "if/else with different values merges through a parameter",
			m: ssatest.Module1(ssatest.I32s, ssatest.I32s, nil,
				0x20, 0, 0x04, 0x7f, 0x41, 1, 0x05, 0x41, 2, 0x0b, 0x28, 2, 0),
			check:  func(f *ssa.Func) string { return strconv.Itoa(totalParams(f)) },
			expect: "1",
		},
		{
			name: "dead arithmetic is removed, stores stay",
			m: ssatest.Module1(ssatest.I32s, nil, nil,
				0x20, 0, 0x41, 3, 0x6c, 0x1a, // (drop (i32.mul l0 3))
				0x20, 0, 0x20, 0, 0x36, 2, 0), // i32.store
			check: func(f *ssa.Func) string {
				return strconv.Itoa(ssatest.CountOps(f, ssa.OpMul)) + "," + strconv.Itoa(ssatest.CountOps(f, ssa.OpStore))
			},
			expect: "0,1",
		},
		{
			name: "compare feeding br_if is fused",
			m: ssatest.Module1(ssatest.I32s, nil, nil,
				0x02, 0x40, 0x20, 0, 0x41, 10, 0x48, 0x0d, 0, 0x0b),
			check: func(f *ssa.Func) string {
				for _, b := range f.Blocks {
					if b.Kind == ssa.BlockIf && b.Control.Fused && b.Control.Op == ssa.OpLtS {
						return "fused"
					}
				}
				return "not fused"
			},
			expect: "fused",
		},
		{
			name: "add of a shifted value is one lea",
			m:    ssatest.Module1([]wasm.ValType{wasm.I32, wasm.I32}, ssatest.I32s, nil, 0x20, 0, 0x20, 1, 0x41, 2, 0x74, 0x6a),
			check: func(f *ssa.Func) string {
				for _, b := range f.Blocks {
					for _, v := range b.Values {
						if v.Op == ssa.OpShl && v.Fused {
							return "fused"
						}
					}
				}
				return "not fused"
			},
			expect: "fused",
		},
		{
			name: "unreachable code after br is skipped",
			m: ssatest.Module1(nil, ssatest.I32s, nil,
				0x02, 0x7f, 0x41, 7, 0x0c, 0, 0x41, 8, 0x6a, 0x0b),
			check:  func(f *ssa.Func) string { return strconv.Itoa(ssatest.CountOps(f, ssa.OpAdd)) },
			expect: "0",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := ssatest.Build(t, tc.m)
			if got := tc.check(f); got != tc.expect {
				t.Errorf("got %s, want %s\n%s", got, tc.expect, f)
			}
			if err := regalloc.CheckAllocation(f, regalloc.Allocate(f, tc.m, testMachine.RegTarget()), testMachine.RegTarget()); err != nil {
				t.Errorf("allocation: %v", err)
			}
		})
	}
}
