package regalloc_test

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/isa/amd64"
	"github.com/lucet-go/lucet/pkg/codegen/regalloc"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// rotateLoop is a body whose loop carries n i32 values (locals 2..n+1)
// and a counter (local n+2), x_k += x_(k+1) and x_(n-1) ^= x_0 each
// round, plus op (given the locals x_0 and x_1, leaving an i32) added
// into x_0 when op is not nil; the function returns the sum of the x_k.
// Each new x_k can take the register of the old one, which dies there:
// the loop needs n+1 registers and no temporary.
func rotateLoop(n int, op func(x, y byte) []byte) []byte {
	var b []byte
	for k := 0; k < n; k++ { // x_k = p0 * (k+3) + p1
		b = append(b, 0x20, 0, 0x41, byte(k+3), 0x6c, 0x20, 1, 0x6a, 0x21, byte(k+2))
	}
	cnt := byte(n + 2)
	b = append(b, 0x20, 1, 0x41, 63, 0x71, 0x41, 1, 0x6a, 0x21, cnt) // counter = (p1 & 63) + 1
	b = append(b, 0x03, 0x40)                                        // loop
	if op != nil {
		b = append(b, 0x20, 2)
		b = append(b, op(2, 3)...)
		b = append(b, 0x6a, 0x21, 2)
	}
	for k := 0; k+1 < n; k++ {
		b = append(b, 0x20, byte(k+2), 0x20, byte(k+3), 0x6a, 0x21, byte(k+2))
	}
	b = append(b, 0x20, byte(n+1), 0x20, 2, 0x73, 0x21, byte(n+1))
	b = append(b, 0x20, cnt, 0x41, 1, 0x6b, 0x22, cnt, 0x0d, 0, 0x0b) // counter--, br_if, end
	b = append(b, 0x20, 2)
	for k := 1; k < n; k++ {
		b = append(b, 0x20, byte(k+2), 0x6a)
	}
	return b
}

func rotateModule(n int, op func(x, y byte) []byte) *wasm.Module {
	return ssatest.Module1([]wasm.ValType{wasm.I32, wasm.I32}, ssatest.I32s,
		[]wasm.LocalEntry{{Count: uint32(n + 1), Type: wasm.I32}}, rotateLoop(n, op)...)
}

// loopSpills counts the values defined or live in loop blocks that are
// not in a register, and reports whether RDX holds one of them.
func loopSpills(f *ssa.Func, ra *regalloc.Result) (spills int, rdx bool) {
	inLoop := map[*ssa.Value]bool{}
	for _, b := range f.Blocks {
		if b.LoopDepth == 0 {
			continue
		}
		for _, p := range b.Params {
			inLoop[p] = true
		}
		for _, v := range b.Values {
			inLoop[v] = true
		}
	}
	for _, iv := range ra.Intervals {
		if !inLoop[iv.V] {
			continue
		}
		if !iv.V.Loc.InReg() {
			spills++
		} else if iv.V.Loc.Reg == ssa.Reg(asm.RDX) {
			rdx = true
		}
	}
	return spills, rdx
}

// TestLoopUsesRDX: a loop of additions and xors carrying ten values (nine
// and the counter) needs ten registers; RDX, which none of its
// instructions nor its back edge's moves clobber, is the tenth, so nothing
// in the loop is spilled. A shift by a variable count (through RCX) leaves
// RDX to the loop; with a division, which writes RDX, the allocation
// still checks (no value is in RDX across it).
func TestLoopUsesRDX(t *testing.T) {
	target := amd64.Machine{}.RegTarget()
	for _, tc := range []struct {
		name      string
		n         int
		op        func(x, y byte) []byte
		maxSpills int
		rdx       bool // a value of the loop must be in RDX
	}{
		{"add-xor/9", 9, nil, 0, true},
		{"div/9", 9, func(x, y byte) []byte { return []byte{0x20, x, 0x20, y, 0x41, 1, 0x72, 0x6e} }, -1, false}, // x /u (y|1)
		{"shl/9", 9, func(x, y byte) []byte { return []byte{0x20, x, 0x20, y, 0x74} }, -1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := rotateModule(tc.n, tc.op)
			f := ssatest.Build(t, m)
			ra := regalloc.Allocate(f, m, target)
			if err := regalloc.CheckAllocation(f, ra, target); err != nil {
				t.Fatal(err)
			}
			spills, rdx := loopSpills(f, ra)
			if tc.maxSpills >= 0 && spills > tc.maxSpills {
				t.Errorf("%d values of the loop spilled, want at most %d", spills, tc.maxSpills)
			}
			if tc.rdx && !rdx {
				t.Error("no value of the loop in RDX")
			}
		})
	}
}

// TestCheckerSeesClobbers: CheckAllocation rejects a value put in RDX
// while it lives across a division, which uses RDX.
func TestCheckerSeesClobbers(t *testing.T) {
	target := amd64.Machine{}.RegTarget()
	m := rotateModule(3, func(x, y byte) []byte { return []byte{0x20, x, 0x20, y, 0x41, 1, 0x72, 0x6e} })
	f := ssatest.Build(t, m)
	ra := regalloc.Allocate(f, m, target)
	if err := regalloc.CheckAllocation(f, ra, target); err != nil {
		t.Fatal(err)
	}
	var div *ssa.Value
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == ssa.OpDivU {
				div = v
			}
		}
	}
	if div == nil {
		t.Fatal("no division")
	}
	// A loop value other than the division's operands and result that is
	// in a register across it: the counter or another x.
	var victim *ssa.Value
	var divStart int32
	for _, iv := range ra.Intervals {
		if iv.V == div {
			divStart = iv.Start
		}
	}
	for _, iv := range ra.Intervals {
		v := iv.V
		if v.Loc.InReg() && v != div && v.Block == div.Block && iv.Start < divStart && iv.End > divStart+1 {
			victim = v
		}
	}
	if victim == nil {
		t.Fatal("no value in a register across the division")
	}
	// Move whatever else is in RDX out of the way, so the only fault is
	// the clobber.
	for _, iv := range ra.Intervals {
		if iv.V.Loc.Reg == ssa.Reg(asm.RDX) {
			iv.V.Loc.Reg, iv.V.Loc.Slot = ssa.NoReg, ra.NumSlots
			ra.NumSlots++
		}
	}
	victim.Loc.Reg = ssa.Reg(asm.RDX)
	err := regalloc.CheckAllocation(f, ra, target)
	if err == nil || !strings.Contains(err.Error(), "clobbers") {
		t.Fatalf("checker missed v%d in RDX across a division: %v", victim.ID, err)
	}
}
