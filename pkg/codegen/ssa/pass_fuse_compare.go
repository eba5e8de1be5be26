package ssa

// fuseCompares marks integer and ordered float comparisons whose only use
// is their block's conditional branch, and moves them to the end of the
// block, so the emitter produces cmp+jcc without materializing a boolean.
//
// A branch on i32.eqz of an ordered float comparison, clang's code for
// `if (!(x < y))` (the NaN-correct negation, so no other comparison can
// replace it), branches on the comparison with the targets swapped: the
// jcc's inverse condition is exactly "not (x < y)", unordered included.
// Otherwise the comparison would be materialized (setcc, movzx) and
// tested again.
func fuseCompares(f *Func) {
	for _, b := range f.Blocks {
		c := b.Control
		if b.Kind != BlockIf || c == nil || c.Block != b || c.Uses != 1 {
			continue
		}
		if x := c.Args; c.Op == OpEqz && x[0].Block == b && x[0].Uses == 1 && orderedFloatCompare(x[0].Op) {
			for i, v := range b.Values {
				if v == c {
					b.Values = append(b.Values[:i], b.Values[i+1:]...)
					break
				}
			}
			b.Control = x[0]
			b.Succs[0], b.Succs[1] = b.Succs[1], b.Succs[0]
			c = x[0]
		}
		if !IsCompare(c.Op) && !orderedFloatCompare(c.Op) {
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
