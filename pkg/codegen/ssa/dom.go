package ssa

// dominators returns each block's immediate dominator, indexed by block
// ID (nil for the entry and unreachable blocks), by Lengauer and Tarjan's
// semidominators with path compression ("A Fast Algorithm for Finding
// Dominators in a Flowgraph", the simple version): O(edges log blocks)
// whatever the shape. Cooper, Harvey and Kennedy's iteration, used
// before, is quadratic in loop nesting: its final pass intersects each
// loop's back edge by walking the latch's dominator chain up to the
// header, through every loop nested inside (20,000 nested loops took 1.5
// s in it, 40,000 four times that).
func dominators(f *Func) []*Block {
	nb := int(f.NextBlock)
	// Depth-first preorder from the entry: num[b.ID] is b's number + 1
	// (0: unreachable), vertex the blocks by number, parent by number.
	num := f.WS.Int32s(nb)
	vertex := f.WS.BlockPtrs(nb)[:0]
	parent := f.WS.Int32s(nb)
	num[f.Entry.ID] = 1
	vertex = append(vertex, f.Entry)
	stack := append(f.WS.domStack(), domFrame{f.Entry, 0})
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.i < len(top.b.Succs) {
			s := top.b.Succs[top.i].B
			top.i++
			if num[s.ID] == 0 {
				parent[len(vertex)] = num[top.b.ID] - 1
				vertex = append(vertex, s)
				num[s.ID] = int32(len(vertex))
				stack = append(stack, domFrame{s, 0})
			}
			continue
		}
		stack = stack[:len(stack)-1]
	}
	f.WS.keepDomStack(stack)

	// By number: semi the semidominator, idom the immediate dominator
	// (first the semidominator's candidate), ancestor and label the
	// forest of processed vertices that eval compresses, and the buckets
	// (lists threaded through next) of the vertices by semidominator.
	n := len(vertex)
	tabs := f.WS.Int32s(7 * n)
	semi, idomN, ancestor := tabs[:n:n], tabs[n:2*n:2*n], tabs[2*n:3*n:3*n]
	label, head, next := tabs[3*n:4*n:4*n], tabs[4*n:5*n:5*n], tabs[5*n:6*n:6*n]
	path := tabs[6*n : 6*n : 7*n]
	for i := range n {
		semi[i], label[i], ancestor[i], head[i] = int32(i), int32(i), -1, -1
	}
	// eval returns the vertex of least semidominator on the forest path
	// from v up to (not including) its root, compressing the path; an
	// iteration over it, not recursion, whose depth would be the path's.
	eval := func(v int32) int32 {
		if ancestor[v] < 0 {
			return v
		}
		path = path[:0]
		for x := v; ancestor[ancestor[x]] >= 0; x = ancestor[x] {
			path = append(path, x)
		}
		for k := len(path) - 1; k >= 0; k-- {
			x := path[k]
			a := ancestor[x]
			if semi[label[a]] < semi[label[x]] {
				label[x] = label[a]
			}
			ancestor[x] = ancestor[a]
		}
		return label[v]
	}
	for w := int32(n - 1); w >= 1; w-- {
		for _, p := range vertex[w].Preds {
			if num[p.ID] == 0 {
				continue
			}
			if u := eval(num[p.ID] - 1); semi[u] < semi[w] {
				semi[w] = semi[u]
			}
		}
		pw := parent[w]
		ancestor[w] = pw
		if semi[w] == pw {
			// Its bucket would be the one emptied next, and eval(w),
			// just linked below pw, which is a root, gives w itself:
			// the parent is the immediate dominator (nearly every
			// vertex whose only forward predecessor is its parent).
			idomN[w] = pw
		} else {
			next[w], head[semi[w]] = head[semi[w]], w
		}
		for v := head[pw]; v >= 0; v = next[v] {
			if u := eval(v); semi[u] < semi[v] {
				idomN[v] = u
			} else {
				idomN[v] = pw
			}
		}
		head[pw] = -1
	}
	idom := f.WS.BlockPtrs(nb)
	for w := 1; w < n; w++ {
		if idomN[w] != semi[w] {
			idomN[w] = idomN[idomN[w]]
		}
		idom[vertex[w].ID] = vertex[idomN[w]]
	}
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
