package ssa

// removeUnreachable drops blocks not reachable from the entry (the
// builder only lays out blocks it entered, but a block entered through a
// dead edge could remain) and their edges.
func removeUnreachable(f *Func) {
	seen := f.WS.Bools(int(f.NextBlock))
	seen[f.Entry.ID] = true
	bb := f.WS.BlockBump()
	work := append(Grow(bb, []*Block(nil), 1), f.Entry)
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		for _, e := range b.Succs {
			if !seen[e.B.ID] {
				seen[e.B.ID] = true
				work = append(Grow(bb, work, 1), e.B)
			}
		}
	}
	out := f.Blocks[:0]
	for _, b := range f.Blocks {
		if seen[b.ID] {
			out = append(out, b)
		}
	}
	if len(out) < len(f.Blocks) {
		f.ParamsMinimal = false
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
