package regalloc

import "github.com/lucet-go/lucet/pkg/codegen/ssa"

// LiveInValues maps the global IDs in Block.LiveIn, as the last
// allocation of f left them, back to their values, for a later stage that
// asks what is live into a block (the emitter, before it moves a loop's
// back-edge copies ahead of the exit branch). It renumbers the values as
// Allocate did, so f must be unchanged since.
func LiveInValues(f *ssa.Func) []*ssa.Value {
	gid, n := globalIDs(f)
	by := f.WS.Values(n)
	for _, b := range f.Blocks {
		for _, p := range b.Params {
			if g := gid[p.ID]; g >= 0 {
				by[g] = p
			}
		}
		for _, v := range b.Values {
			if g := gid[v.ID]; g >= 0 {
				by[g] = v
			}
		}
	}
	return by
}
