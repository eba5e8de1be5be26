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
	seen := f.WS.Bools(int(f.NextBlock))
	seen[f.Entry.ID] = true
	stack := append(f.WS.domStack(), domFrame{f.Entry, 0})
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.i < len(top.b.Succs) {
			s := top.b.Succs[top.i].B
			top.i++
			if !seen[s.ID] {
				seen[s.ID] = true
				stack = append(stack, domFrame{s, 0})
			}
			continue
		}
		post[top.b.ID] = int32(len(order))
		order = append(order, top.b)
		stack = stack[:len(stack)-1]
	}
	f.WS.keepDomStack(stack)
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

// domFrame is a block of the depth-first walk and the index of its next
// successor to visit.
type domFrame struct {
	b *Block
	i int
}

// domStack returns the worker's empty stack for dominators' walk (nil
// without a workspace): gvn, address folding, bounds checks and call
// targets each compute dominators, and a stack grown from nothing each
// time was 20 MB of a big module's compile.
func (w *Workspace) domStack() []domFrame {
	if w == nil {
		return nil
	}
	return w.doms[:0]
}

// keepDomStack keeps s's memory for the next domStack.
func (w *Workspace) keepDomStack(s []domFrame) {
	if w != nil && cap(s) > cap(w.doms) {
		w.doms = s[:0]
	}
}

// domTree lists each block's children in the dominator tree, in layout
// order: of(b) is kids[first[b.ID]:first[b.ID+1]]. Flat, from the
// workspace, rather than a map of slices built child by child.
type domTree struct {
	first []int32
	kids  []*Block
}

func (t domTree) of(b *Block) []*Block { return t.kids[t.first[b.ID]:t.first[b.ID+1]] }

// dominatorTree is domChildren of f's dominators; a function without
// blocks has an empty tree.
func dominatorTree(f *Func) domTree {
	if len(f.Blocks) == 0 {
		return domTree{first: []int32{}}
	}
	return domChildren(f, dominators(f))
}

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
