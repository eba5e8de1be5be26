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

// removeUnreachable drops blocks not reachable from the entry (the
// builder only lays out blocks it entered, but a block entered through a
// dead edge could remain) and their edges.
func removeUnreachable(f *Func) {
	seen := make([]bool, f.NextBlock)
	seen[f.Entry.ID] = true
	work := []*Block{f.Entry}
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		for _, e := range b.Succs {
			if !seen[e.B.ID] {
				seen[e.B.ID] = true
				work = append(work, e.B)
			}
		}
	}
	out := f.Blocks[:0]
	for _, b := range f.Blocks {
		if seen[b.ID] {
			out = append(out, b)
		}
	}
	f.Blocks = out
	for _, b := range f.Blocks {
		ps := b.Preds[:0]
		for _, p := range b.Preds {
			if seen[p.ID] {
				ps = append(ps, p)
			}
		}
		b.Preds = ps
	}
}

// fuseCompares marks integer and ordered float comparisons whose only use
// is their block's conditional branch, and moves them to the end of the
// block, so the emitter produces cmp+jcc without materializing a boolean.
func fuseCompares(f *Func) {
	for _, b := range f.Blocks {
		c := b.Control
		if b.Kind != BlockIf || c == nil || c.Block != b || c.Uses != 1 {
			continue
		}
		if !isCompare(c.Op) && c.Op != OpFLt && c.Op != OpFGt && c.Op != OpFLe && c.Op != OpFGe {
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

// fuseSelects lets an integer comparison used only by the select right
// after it feed the select's cmov through the flags.
func fuseSelects(f *Func) {
	for _, b := range f.Blocks {
		for i := 1; i < len(b.Values); i++ {
			v, c := b.Values[i], b.Values[i-1]
			if v.Op == OpSelect && v.Args[0] == c && c.Uses == 1 && isCompare(c.Op) && !v.Type.IsFloat() {
				c.Fused = true
			}
		}
	}
}

// fuseScaledAdds turns x + (y << k), k in 1..3, with the shift used only
// there, into one lea with a scaled index: the shift produces no value of
// its own. The shift moves down to just before the add, so its operand
// stays live (in its register) until the lea reads it.
func fuseScaledAdds(f *Func) {
	for _, b := range f.Blocks {
		var fused map[*Value]*Value // add -> its shift
		for _, v := range b.Values {
			if v.Op != OpAdd {
				continue
			}
			for j, s := range v.Args {
				x := v.Args[1-j]
				if s.Op != OpShl || s.Block != b || s.Uses != 1 || s.Type != v.Type || s.Args[1].Op != OpConst ||
					x.Op == OpConst || x == s || s.Fused {
					continue
				}
				if k := s.Args[1].Aux & int64(v.Type.Size()-1); k < 1 || k > 3 {
					continue
				}
				s.Fused = true
				if fused == nil {
					fused = map[*Value]*Value{}
				}
				fused[v] = s
				break
			}
		}
		if fused == nil {
			continue
		}
		vs := make([]*Value, 0, len(b.Values))
		for _, v := range b.Values {
			if v.Fused && v.Op == OpShl {
				continue
			}
			if s := fused[v]; s != nil {
				vs = append(vs, s)
			}
			vs = append(vs, v)
		}
		b.Values = vs
	}
}
