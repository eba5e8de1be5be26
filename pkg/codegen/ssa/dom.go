package ssa

// dominators returns each block's immediate dominator, indexed by block
// ID (nil for the entry and unreachable blocks), by Cooper, Harvey and
// Kennedy's iteration over reverse postorder.
func dominators(f *Func) []*Block {
	post := f.WS.Int32s(int(f.NextBlock))
	for i := range post {
		post[i] = -1
	}
	order := f.WS.BlockPtrs(len(f.Blocks))[:0] // postorder
	type frame struct {
		b *Block
		i int
	}
	seen := f.WS.Bools(int(f.NextBlock))
	seen[f.Entry.ID] = true
	stack := []frame{{f.Entry, 0}}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.i < len(top.b.Succs) {
			s := top.b.Succs[top.i].B
			top.i++
			if !seen[s.ID] {
				seen[s.ID] = true
				stack = append(stack, frame{s, 0})
			}
			continue
		}
		post[top.b.ID] = int32(len(order))
		order = append(order, top.b)
		stack = stack[:len(stack)-1]
	}
	idom := f.WS.BlockPtrs(int(f.NextBlock))
	idom[f.Entry.ID] = f.Entry
	intersect := func(a, b *Block) *Block {
		for a != b {
			for post[a.ID] < post[b.ID] {
				a = idom[a.ID]
			}
			for post[b.ID] < post[a.ID] {
				b = idom[b.ID]
			}
		}
		return a
	}
	for changed := true; changed; {
		changed = false
		for i := len(order) - 2; i >= 0; i-- {
			b := order[i]
			var d *Block
			for _, p := range b.Preds {
				if post[p.ID] < 0 || idom[p.ID] == nil {
					continue
				}
				if d == nil {
					d = p
				} else {
					d = intersect(p, d)
				}
			}
			if d != nil && idom[b.ID] != d {
				idom[b.ID], changed = d, true
			}
		}
	}
	idom[f.Entry.ID] = nil
	return idom
}

// domTree lists each block's children in the dominator tree, in layout
// order: of(b) is kids[first[b.ID]:first[b.ID+1]]. Flat, from the
// workspace, rather than a map of slices built child by child.
type domTree struct {
	first []int32
	kids  []*Block
}

func (t domTree) of(b *Block) []*Block { return t.kids[t.first[b.ID]:t.first[b.ID+1]] }

func domChildren(f *Func, idom []*Block) domTree {
	first := f.WS.Int32s(int(f.NextBlock) + 1)
	for _, b := range f.Blocks[1:] {
		if d := idom[b.ID]; d != nil {
			first[d.ID+1]++
		}
	}
	for i := 1; i < len(first); i++ {
		first[i] += first[i-1]
	}
	kids := f.WS.BlockPtrs(int(first[len(first)-1]))
	fill := f.WS.Int32s(int(f.NextBlock))
	copy(fill, first)
	for _, b := range f.Blocks[1:] {
		if d := idom[b.ID]; d != nil {
			kids[fill[d.ID]] = b
			fill[d.ID]++
		}
	}
	return domTree{first, kids}
}
