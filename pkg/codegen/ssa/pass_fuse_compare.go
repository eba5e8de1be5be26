package ssa

// fuseCompares marks integer and ordered float comparisons whose only use
// is their block's conditional branch, and moves them to the end of the
// block, so the emitter produces cmp+jcc without materializing a boolean.
func fuseCompares(f *Func) {
	for _, b := range f.Blocks {
		c := b.Control
		if b.Kind != BlockIf || c == nil || c.Block != b || c.Uses != 1 {
			continue
		}
		if !isCompare(c.Op) && !orderedFloatCompare(c.Op) {
			continue
		}
		for i, v := range b.Values {
			if v == c {
				copy(b.Values[i:], b.Values[i+1:])
				b.Values[len(b.Values)-1] = c
				break
			}
		}
		c.Fused = true
	}
}
