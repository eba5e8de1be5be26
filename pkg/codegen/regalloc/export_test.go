package regalloc

import "github.com/lucet-go/lucet/pkg/codegen/ssa"

// SetExitStores replaces the values stored at the top of b (tests
// corrupting an allocation for the checker).
func (ra *Result) SetExitStores(b *ssa.Block, vs []*ssa.Value) {
	ra.exitStores[b.ID] = vs
}
