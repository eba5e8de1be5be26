package regalloc_test

import (
	"os"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/isa/amd64"
	"github.com/lucet-go/lucet/pkg/codegen/regalloc"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/decode"
)

// TestParamWebs allocates the parser-like loop of
// ../testdata/paramweb (run: fourteen variables carried around a
// switch): a header parameter the scan spilled and fed from a latch
// parameter takes the latch parameter's slot, so no back edge moves a
// parameter from a register into a spilled parameter any more (the back
// edge's store and the cases' loads of an unchanged variable), and the
// checker accepts the result.
func TestParamWebs(t *testing.T) {
	b, err := os.ReadFile("../testdata/paramweb/paramweb.wasm")
	if err != nil {
		t.Fatal(err)
	}
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := frontend.BuildSSA(m, 1, &ssa.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ssa.Optimize(f, 2)
	target := amd64.Machine{}.RegTarget()
	ra := regalloc.Allocate(f, m, target)
	if err := regalloc.CheckAllocation(f, ra, target); err != nil {
		t.Fatal(err)
	}
	webs, regToSlot := 0, 0
	for _, x := range f.Blocks {
		for _, e := range x.Succs {
			if !backEdge(x, e.B) {
				continue // the webs are made on back edges
			}
			for j, p := range e.Args {
				q := e.B.Params[j]
				if p.Op != ssa.OpParam || !regalloc.NeedsReg(p) || !regalloc.NeedsReg(q) || q.Loc.InReg() {
					continue
				}
				switch {
				case p.Loc.InReg():
					regToSlot++
					t.Logf("b%d -> b%d: v%d in %s to v%d in slot %d", x.ID, e.B.ID, p.ID, target.RegName(p.Loc.Reg), q.ID, q.Loc.Slot)
				case p.Loc.Slot == q.Loc.Slot:
					webs++
				}
			}
		}
	}
	if webs == 0 || regToSlot != 0 {
		t.Errorf("%d parameter webs in one slot, %d parameters moved from a register to a spilled one; want some and none", webs, regToSlot)
	}
}

// backEdge says whether from -> to enters a loop header from inside its
// loop: to has a predecessor outside the loop (lower depth) and from is in it.
func backEdge(from, to *ssa.Block) bool {
	if from.LoopDepth < to.LoopDepth || to.LoopDepth == 0 {
		return false
	}
	for _, p := range to.Preds {
		if p.LoopDepth < to.LoopDepth {
			return true
		}
	}
	return false
}
