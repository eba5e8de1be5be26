package ssa

// splitCriticalEdges gives every edge that carries arguments out of a block
// with several successors its own block, so that the parallel moves binding
// a target's parameters always sit at the end of a block with a single
// successor. The new block follows its predecessor in the layout, which
// keeps loop back-edges short.
func splitCriticalEdges(f *Func) {
	// predPos[first[p.ID]+i] is the place of p's edge i in its target's
	// Preds (the first, if p is there twice; -1: none), found from the
	// targets' side: a block can have thousands of predecessors, and a
	// map of every edge cost more than the rest of the pass.
	first := f.WS.Int32s(int(f.NextBlock))
	n := int32(0)
	for _, b := range f.Blocks {
		first[b.ID] = n
		n += int32(len(b.Succs))
	}
	predPos := f.WS.Int32s(int(n))
	for i := range predPos {
		predPos[i] = -1
	}
	for _, b := range f.Blocks {
		for j, p := range b.Preds {
			if len(p.Succs) < 2 {
				continue
			}
			if k := first[p.ID] + int32(p.EdgeTo(b)); predPos[k] < 0 {
				predPos[k] = int32(j)
			}
		}
	}
	out := f.WS.BlockPtrs(len(f.Blocks))[:0]
	for _, b := range f.Blocks {
		out = append(Grow(f.WS.BlockBump(), out, 1), b)
		if len(b.Succs) < 2 {
			continue
		}
		b.SuccIdx = nil
		for i := range b.Succs {
			e := &b.Succs[i]
			if len(e.Args) == 0 {
				continue
			}
			nb := f.NewBlock()
			nb.Sealed = true
			nb.Kind = BlockPlain
			nb.LoopDepth = b.LoopDepth
			nb.Succs = append(Grow(f.WS.EdgeBump(), nil, 1), Edge{B: e.B, Args: e.Args})
			nb.Preds = append(Grow(f.WS.BlockBump(), nil, 1), b)
			if j := predPos[first[b.ID]+int32(i)]; j >= 0 && e.B.Preds[j] == b {
				e.B.Preds[j] = nb
			}
			e.B, e.Args = nb, nil
			out = append(Grow(f.WS.BlockBump(), out, 1), nb)
		}
	}
	f.Blocks = out
}
