package codegen

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/regalloc"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// module1 builds a module with one function of the given signature,
// locals and body (the final end is appended), and one memory.
func module1(params, results []wasm.ValType, locals []wasm.LocalEntry, body ...byte) *wasm.Module {
	n := uint32(0)
	for _, l := range locals {
		n += l.Count
	}
	return &wasm.Module{
		Types: []wasm.FuncType{{Params: params, Results: results}},
		Funcs: []uint32{0},
		Mems:  []wasm.MemType{{Limits: wasm.Limits{Min: 1}}},
		Codes: []wasm.Code{{Locals: locals, NumLocals: n, Body: append(body, byte(wasm.OpEnd))}},
	}
}

var i32s = []wasm.ValType{wasm.I32}

func build(t *testing.T, m *wasm.Module) *ssa.Func {
	t.Helper()
	f, err := frontend.BuildSSA(m, 0, &ssa.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ssa.Optimize(f, 2)
	return f
}

func countOps(f *ssa.Func, op ssa.Op) int {
	n := 0
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == op {
				n++
			}
		}
	}
	return n
}

func totalParams(f *ssa.Func) int {
	n := 0
	for _, b := range f.Blocks[1:] {
		n += len(b.Params)
	}
	return n
}

// sumLoop: local 1 accumulates local 0 counting down; local 2 is never
// written in the loop.
var sumLoop = []byte{
	0x03, 0x40, // loop
	0x20, 1, 0x20, 0, 0x6a, 0x21, 1, // l1 += l0
	0x20, 0, 0x41, 1, 0x6b, 0x22, 0, // l0 -= 1 (tee)
	0x0d, 0, // br_if 0
	0x0b,                   // end
	0x20, 1, 0x20, 2, 0x6a, // l1 + l2
}

func TestBuildSSA(t *testing.T) {
	tests := []struct {
		name   string
		m      *wasm.Module
		check  func(f *ssa.Func) string
		expect string
	}{
		{
			name: "loop params only for variables changed in the loop",
			m:    module1(i32s, i32s, []wasm.LocalEntry{{Count: 2, Type: wasm.I32}}, sumLoop...),
			check: func(f *ssa.Func) string {
				// The loop header is the block a later block jumps back to
				// (loops carry no interrupt check without fuel).
				for _, b := range f.Blocks {
					for _, p := range b.Preds {
						if b != f.Entry && p.ID >= b.ID {
							return itoa(len(b.Params))
						}
					}
				}
				return "no loop header"
			},
			expect: "2", // l0 and l1; l2 and the memory length are invariant
		},
		{
			name: "if/else assigning the same value leaves no parameter",
			m: module1(i32s, i32s, []wasm.LocalEntry{{Count: 1, Type: wasm.I32}},
				0x20, 0, 0x04, 0x40, 0x20, 0, 0x21, 1, 0x05, 0x20, 0, 0x21, 1, 0x0b, 0x20, 1),
			check:  func(f *ssa.Func) string { return itoa(totalParams(f)) },
			expect: "0",
		},
		{
			name: "if/else with different values merges through a parameter",
			m: module1(i32s, i32s, nil,
				0x20, 0, 0x04, 0x7f, 0x41, 1, 0x05, 0x41, 2, 0x0b),
			check:  func(f *ssa.Func) string { return itoa(totalParams(f)) },
			expect: "1",
		},
		{
			name: "dead arithmetic is removed, stores stay",
			m: module1(i32s, nil, nil,
				0x20, 0, 0x41, 3, 0x6c, 0x1a, // (drop (i32.mul l0 3))
				0x20, 0, 0x20, 0, 0x36, 2, 0), // i32.store
			check: func(f *ssa.Func) string {
				return itoa(countOps(f, ssa.OpMul)) + "," + itoa(countOps(f, ssa.OpStore))
			},
			expect: "0,1",
		},
		{
			name: "compare feeding br_if is fused",
			m: module1(i32s, nil, nil,
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
			m:    module1([]wasm.ValType{wasm.I32, wasm.I32}, i32s, nil, 0x20, 0, 0x20, 1, 0x41, 2, 0x74, 0x6a),
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
			m: module1(nil, i32s, nil,
				0x02, 0x7f, 0x41, 7, 0x0c, 0, 0x41, 8, 0x6a, 0x0b),
			check:  func(f *ssa.Func) string { return itoa(countOps(f, ssa.OpAdd)) },
			expect: "0",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := build(t, tc.m)
			if got := tc.check(f); got != tc.expect {
				t.Errorf("got %s, want %s\n%s", got, tc.expect, f)
			}
			if err := regalloc.CheckAllocation(f, regalloc.Allocate(f, tc.m, machine().RegTarget()), machine().RegTarget()); err != nil {
				t.Errorf("allocation: %v", err)
			}
		})
	}
}

func countOpsIn(b *ssa.Block, op ssa.Op) int {
	n := 0
	for _, v := range b.Values {
		if v.Op == op {
			n++
		}
	}
	return n
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + itoa(n%10)
}

func TestSplitCriticalEdges(t *testing.T) {
	f := build(t, module1(i32s, i32s, []wasm.LocalEntry{{Count: 2, Type: wasm.I32}}, sumLoop...))
	for _, b := range f.Blocks {
		if len(b.Succs) < 2 {
			continue
		}
		for _, e := range b.Succs {
			if len(e.Args) != 0 {
				t.Errorf("b%d has %d successors and passes arguments to b%d", b.ID, len(b.Succs), e.B.ID)
			}
		}
	}
}

// TestRegallocPressure keeps 24 values live at once so the allocator must
// spill, and checks the result; then corrupts it and expects the checker
// to notice.
func TestRegallocPressure(t *testing.T) {
	var body []byte
	const n = 24
	for i := 0; i < n; i++ { // l_i = l0 * (i+2)
		body = append(body, 0x20, 0, 0x41, byte(i+2), 0x6c, 0x21, byte(i+1))
	}
	for i := 0; i < n; i++ {
		body = append(body, 0x20, byte(i+1))
	}
	for i := 0; i < n-1; i++ {
		body = append(body, 0x6a)
	}
	m := module1(i32s, i32s, []wasm.LocalEntry{{Count: n, Type: wasm.I32}}, body...)
	f := build(t, m)
	ra := regalloc.Allocate(f, m, machine().RegTarget())
	if err := regalloc.CheckAllocation(f, ra, machine().RegTarget()); err != nil {
		t.Fatal(err)
	}
	spilled := 0
	for _, iv := range ra.Intervals {
		if !iv.V.Loc.InReg() {
			spilled++
		}
	}
	if spilled == 0 {
		t.Fatalf("no value spilled with %d live values and %d registers", n, len(machine().RegTarget().Allocatable(f, false, false)))
	}
	// Give two simultaneously live values the same register.
	var a, b *ssa.Value
	for i := range ra.Intervals {
		for j := i + 1; j < len(ra.Intervals); j++ {
			x, y := ra.Intervals[i], ra.Intervals[j]
			if x.V.Loc.InReg() && y.V.Loc.InReg() && y.Start > x.Start && y.Start < x.End {
				a, b = x.V, y.V
			}
		}
	}
	if a == nil {
		t.Fatal("no overlapping pair found")
	}
	b.Loc.Reg = a.Loc.Reg
	if err := regalloc.CheckAllocation(f, ra, machine().RegTarget()); err == nil || !strings.Contains(err.Error(), "share") {
		t.Fatalf("checker missed a register conflict: %v", err)
	}
}
