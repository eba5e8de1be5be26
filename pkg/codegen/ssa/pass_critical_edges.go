package ssa

// splitCriticalEdges gives every edge that carries arguments out of a block
// with several successors its own block, so that the parallel moves binding
// a target's parameters always sit at the end of a block with a single
// successor. The new block follows its predecessor in the layout, which
// keeps loop back-edges short.
func splitCriticalEdges(f *Func) {
	var out []*Block
	// predPos finds an edge's place in its target's Preds without a scan:
	// a block can have thousands of predecessors.
	predPos := map[[2]*Block]int{}
	for _, b := range f.Blocks {
		for i, p := range b.Preds {
			if _, dup := predPos[[2]*Block{p, b}]; !dup {
				predPos[[2]*Block{p, b}] = i
			}
		}
	}
	for _, b := range f.Blocks {
		out = append(out, b)
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
			nb.Succs = []Edge{{B: e.B, Args: e.Args}}
			nb.Preds = []*Block{b}
			if j, ok := predPos[[2]*Block{b, e.B}]; ok && e.B.Preds[j] == b {
				e.B.Preds[j] = nb
			}
			e.B, e.Args = nb, nil
			out = append(out, nb)
		}
	}
	f.Blocks = out
}
