package regalloc_test

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/regalloc"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestExitStores checks that a value defined in a loop and live across a
// call only after it (raytrace's hit(): the best index so far) is stored
// at the loop's exit, not at its definition, and that the checker notices
// the store taken away.
func TestExitStores(t *testing.T) {
	// Five bests: more values live across the call than callee-saved
	// registers, so some stay in caller-saved ones.
	//   b_k = -1 (k = 1..5); i = local 6
	//   loop { b_k = l0+k > i ? i : b_k; i++; br_if i < 10 }
	//   f(0); store b_1 ... b_5 at 4, ..., 20; return l0
	const n = 5
	var body []byte
	for k := byte(1); k <= n; k++ {
		body = append(body, 0x41, 0x7f, 0x21, k)
	}
	body = append(body, 0x03, 0x40)
	for k := byte(1); k <= n; k++ {
		body = append(body, 0x20, n+1, 0x20, k, 0x20, 0, 0x41, k, 0x6a, 0x20, n+1, 0x4a, 0x1b, 0x21, k)
	}
	body = append(body, 0x20, n+1, 0x41, 1, 0x6a, 0x22, n+1, 0x41, 10, 0x48, 0x0d, 0, 0x0b)
	body = append(body, 0x41, 0, 0x10, 0, 0x1a)
	for k := byte(1); k <= n; k++ {
		body = append(body, 0x41, 4*k, 0x20, k, 0x36, 2, 0) // i32.store
	}
	body = append(body, 0x20, 0)
	m := ssatest.Module1(ssatest.I32s, ssatest.I32s, []wasm.LocalEntry{{Count: n + 1, Type: wasm.I32}}, body...)
	f, ra, target := allocate(t, m)
	var stored *ssa.Value
	var at *ssa.Block
	for _, b := range f.Blocks {
		for _, v := range ra.ExitStores(b) {
			stored, at = v, b
			t.Logf("v%d (%s, defined in b%d at depth %d) stored at the top of b%d at depth %d",
				v.ID, target.RegName(v.Loc.Reg), v.Block.ID, v.Block.LoopDepth, b.ID, b.LoopDepth)
			if v.Loc.DefStore || !v.Loc.ExitStore || b.LoopDepth >= v.Block.LoopDepth {
				t.Errorf("v%d: DefStore %v ExitStore %v, stored at depth %d, defined at %d",
					v.ID, v.Loc.DefStore, v.Loc.ExitStore, b.LoopDepth, v.Block.LoopDepth)
			}
		}
	}
	if stored == nil {
		for _, b := range f.Blocks {
			for _, v := range append(append([]*ssa.Value{}, b.Params...), b.Values...) {
				if v.Loc.InReg() && v.Loc.Slot >= 0 {
					t.Logf("v%d %s in b%d (depth %d): %s, slot %d, stored at definition %v",
						v.ID, v.Op, b.ID, b.LoopDepth, target.RegName(v.Loc.Reg), v.Loc.Slot, v.Loc.DefStore)
				}
			}
		}
		t.Fatal("no value stored at a loop exit")
	}
	keep := ra.ExitStores(at)
	ra.SetExitStores(at, nil)
	if err := regalloc.CheckAllocation(f, ra, target); err == nil {
		t.Error("checker missed a value stored at no exit")
	}
	ra.SetExitStores(at, keep)
	if err := regalloc.CheckAllocation(f, ra, target); err != nil {
		t.Fatal(err)
	}
	// A store where the value is not live: the top of the entry block.
	ra.SetExitStores(f.Entry, []*ssa.Value{stored})
	if err := regalloc.CheckAllocation(f, ra, target); err == nil || !strings.Contains(err.Error(), "not live") {
		t.Errorf("checker missed a store where the value is not live: %v", err)
	}
}
