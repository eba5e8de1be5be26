package ssa

// dominators returns each block's immediate dominator, indexed by block
// ID (nil for the entry and unreachable blocks), by Cooper, Harvey and
// Kennedy's iteration over reverse postorder.
func dominators(f *Func) []*Block {
	post := make([]int32, f.NextBlock)
	for i := range post {
		post[i] = -1
	}
	var order []*Block // postorder
	type frame struct {
		b *Block
		i int
	}
	seen := make([]bool, f.NextBlock)
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
	idom := make([]*Block, f.NextBlock)
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
