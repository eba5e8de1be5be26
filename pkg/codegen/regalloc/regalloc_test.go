package regalloc_test

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/isa/amd64"
	"github.com/lucet-go/lucet/pkg/codegen/regalloc"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// allocate builds m's function and allocates it for amd64; the allocation
// must pass CheckAllocation.
func allocate(t *testing.T, m *wasm.Module) (*ssa.Func, *regalloc.Result, regalloc.Target) {
	t.Helper()
	f := ssatest.Build(t, m)
	target := amd64.Machine{}.RegTarget()
	ra := regalloc.Allocate(f, m, target)
	if err := regalloc.CheckAllocation(f, ra, target); err != nil {
		t.Fatal(err)
	}
	return f, ra, target
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
	for i := 0; i < n-1; i++ { // xor: -O 2 rebalances chains of adds (ssa/pass_reassoc.go)
		body = append(body, 0x73)
	}
	m := ssatest.Module1(ssatest.I32s, ssatest.I32s, []wasm.LocalEntry{{Count: n, Type: wasm.I32}}, body...)
	f, ra, target := allocate(t, m)
	spilled := 0
	for _, iv := range ra.Intervals {
		if !iv.V.Loc.InReg() {
			spilled++
		}
	}
	if spilled == 0 {
		t.Fatalf("no value spilled with %d live values and %d registers", n, len(target.Allocatable(f, false, false)))
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
	if err := regalloc.CheckAllocation(f, ra, target); err == nil || !strings.Contains(err.Error(), "share") {
		t.Fatalf("checker missed a register conflict: %v", err)
	}
}

// TestCalleeSavedAcrossCall keeps n products live across a call: up to
// three of the values live across it take the callee-saved registers,
// with no slot store and no reload around the call; the others are stored
// at their definition and reloaded, as before there were callee-saved
// registers. (The optimizer turns some products into shifts computed after
// the call, so the values across it are counted, not assumed.)
func TestCalleeSavedAcrossCall(t *testing.T) {
	for _, n := range []int{1, 3, 5, 8} {
		var body []byte
		for i := 0; i < n; i++ { // l_i = l0 * (i+2)
			body = append(body, 0x20, 0, 0x41, byte(i+2), 0x6c, 0x21, byte(i+1))
		}
		body = append(body, 0x20, 0, 0x10, 0, 0x1a) // call 0 (l0), drop
		body = append(body, 0x20, 1)
		for i := 1; i < n; i++ {
			body = append(body, 0x20, byte(i+1), 0x6a)
		}
		m := ssatest.Module1(ssatest.I32s, ssatest.I32s, []wasm.LocalEntry{{Count: uint32(n), Type: wasm.I32}}, body...)
		f := ssatest.Build(t, m)
		target := amd64.Machine{}.RegTarget()
		ra := regalloc.Allocate(f, m, target)
		if err := regalloc.CheckAllocation(f, ra, target); err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		saved := map[*ssa.Value]bool{}
		for _, vs := range ra.Saves {
			for _, v := range vs {
				saved[v] = true
			}
		}
		p := int32(-1)
		for _, iv := range ra.Intervals {
			if iv.V.Op == ssa.OpCall {
				p = iv.Start
			}
		}
		across, inCallee := 0, 0
		for _, iv := range ra.Intervals {
			v := iv.V
			if iv.Start >= p || iv.End <= p || !v.Loc.InReg() {
				continue
			}
			across++
			if target.CalleeSaved(v.Loc.Reg) {
				inCallee++
				if saved[v] || v.Loc.DefStore {
					t.Errorf("n=%d: v%d in callee-saved %s is also saved around the call", n, v.ID, target.RegName(v.Loc.Reg))
				}
			} else if !saved[v] || !v.Loc.DefStore {
				t.Errorf("n=%d: v%d in caller-saved %s is not saved around the call", n, v.ID, target.RegName(v.Loc.Reg))
			}
		}
		if p < 0 || across == 0 {
			t.Fatalf("n=%d: no call, or nothing in a register across it", n)
		}
		if want := min(across, 3); inCallee != want {
			t.Errorf("n=%d: %d of the %d values across the call in callee-saved registers, want %d", n, inCallee, across, want)
		}
	}
}

// TestRegisterAcrossCallFreeHole: the parameter is used before a loop of
// calls and on the other arm of the branch, laid out after the loop, and
// is dead inside it. The calls in its hole cost it no reload, so it keeps
// its register rather than being left in a slot as "reloaded after more
// calls than it is used" (fib's argument was, until the reload cost
// counted only the calls a value is live across).
func TestRegisterAcrossCallFreeHole(t *testing.T) {
	body := []byte{
		0x20, 0, 0x41, 2, 0x4f, // local.get 0; i32.const 2; i32.ge_u
		0x04, 0x7f, // if (result i32)
		0x20, 0, 0x21, 1, // local.set 1 (local.get 0)
		0x03, 0x40, // loop
		0x20, 1, 0x10, 0, 0x1a, // drop (call 0 (local.get 1))
		0x20, 1, 0x41, 1, 0x6b, 0x22, 1, 0x0d, 0, // br_if 0 (local.tee 1 (local.get 1 - 1))
		0x0b,    // end loop
		0x20, 1, // local.get 1
		0x05,    // else
		0x20, 0, // local.get 0
		0x0b, // end if
	}
	m := ssatest.Module1(ssatest.I32s, ssatest.I32s, []wasm.LocalEntry{{Count: 1, Type: wasm.I32}}, body...)
	f, _, _ := allocate(t, m)
	arg := f.Args[0]
	if !arg.Loc.InReg() || arg.Loc.DefStore {
		t.Fatalf("the parameter, dead across every call, is at %+v: want a register, not stored at its definition\n%s", arg.Loc, f)
	}
}

// TestBackEdgeHintWins: a loop's accumulator is passed both around the
// back edge and, on the exit, to a block after the loop (laid out later).
// It takes the loop parameter's register, so the back edge needs no move;
// the exit edge, run once, gets the move.
func TestBackEdgeHintWins(t *testing.T) {
	body := []byte{
		0x02, 0x7f, // block (result i32)
		0x20, 0, // local.get 0 (the early exit's result)
		0x20, 0, 0x45, 0x0d, 0, // br_if 0 (i32.eqz (local.get 0))
		0x1a,       // drop
		0x03, 0x40, // loop
		0x20, 1, 0x20, 0, 0x10, 0, 0x6a, 0x21, 1, // local.set 1 (local.get 1 + call 0 (local.get 0))
		0x20, 0, 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, // br_if 0 (local.tee 0 (local.get 0 - 1))
		0x0b,    // end loop
		0x20, 1, // local.get 1
		0x0b, // end block
	}
	m := ssatest.Module1(ssatest.I32s, ssatest.I32s, []wasm.LocalEntry{{Count: 1, Type: wasm.I32}}, body...)
	f, _, _ := allocate(t, m)
	backEdges := 0
	for _, b := range f.Blocks {
		for _, e := range b.Succs {
			if e.B.LoopDepth == 0 || b.LoopDepth == 0 {
				continue
			}
			for i, a := range e.Args {
				if a.Op != ssa.OpAdd {
					continue
				}
				backEdges++
				if p := e.B.Params[i]; a.Loc != p.Loc && (!a.Loc.InReg() || a.Loc.Reg != p.Loc.Reg) {
					t.Errorf("v%d at %+v passed around the loop to v%d at %+v: the back edge needs a move\n%s", a.ID, a.Loc, p.ID, p.Loc, f)
				}
			}
		}
	}
	if backEdges == 0 {
		t.Fatalf("no accumulator on a back edge\n%s", f)
	}
}
