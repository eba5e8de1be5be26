package regalloc_test

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/regalloc"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// TestSplitLoop checks the loop-entry splits of LoopPressure's shapes: a
// spilled value used in a loop with a register to spare is split there
// (in a callee-saved register if the loop calls), and not where the loop
// has none; the checker accepts the splits and notices them corrupted.
func TestSplitLoop(t *testing.T) {
	for _, tc := range []struct {
		name  string
		shape ssatest.LoopShape
		split bool
	}{
		{"plain", ssatest.LoopShape{Long: 4, Pressure: 14}, true},
		{"call", ssatest.LoopShape{Long: 4, Pressure: 14, Call: true}, true},
		{"nested", ssatest.LoopShape{Long: 4, Pressure: 14, Nested: true}, true},
		{"load", ssatest.LoopShape{Long: 4, Pressure: 14, Load: true}, true},
		{"busy loop", ssatest.LoopShape{Long: 4, Pressure: 14, InLoop: 14}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, ra, target := allocate(t, ssatest.LoopPressure(tc.shape))
			if got := len(ra.Splits) > 0; got != tc.split {
				t.Fatalf("%d splits, want some: %v", len(ra.Splits), tc.split)
			}
			for _, s := range ra.Splits {
				t.Logf("v%d in %s over %d blocks from b%d, loaded in %d", s.V.ID, target.RegName(s.Reg), len(s.Blocks), s.Blocks[0].ID, len(s.Entries))
				if tc.shape.Call && !target.CalleeSaved(s.Reg) {
					t.Errorf("v%d split in caller-saved %s in a loop with a call", s.V.ID, target.RegName(s.Reg))
				}
			}
			if !tc.split {
				return
			}
			// The split register taken by a value live in the loop.
			s := &ra.Splits[0]
			var other *ssa.Value
			for _, b := range s.Blocks {
				for _, v := range b.Values {
					if v.Loc.InReg() && !target.IsFloat(v.Loc.Reg) {
						other = v
					}
				}
			}
			if other == nil {
				t.Fatal("no register value in the loop")
			}
			r := s.Reg
			s.Reg = other.Loc.Reg
			if err := regalloc.CheckAllocation(f, ra, target); err == nil || !strings.Contains(err.Error(), "share") {
				t.Errorf("checker missed a split sharing %s: %v", target.RegName(s.Reg), err)
			}
			s.Reg = r
			// A loop entered past its loads.
			entries := s.Entries
			s.Entries = nil
			if err := regalloc.CheckAllocation(f, ra, target); err == nil {
				t.Error("checker missed a split without loads")
			}
			s.Entries = entries
			blocks := s.Blocks
			s.Blocks = blocks[1:]
			if err := regalloc.CheckAllocation(f, ra, target); err == nil || !strings.Contains(err.Error(), "enters") {
				t.Errorf("checker missed a loop entered past its header: %v", err)
			}
			s.Blocks = blocks
			if err := regalloc.CheckAllocation(f, ra, target); err != nil {
				t.Fatal(err)
			}
		})
	}
}
