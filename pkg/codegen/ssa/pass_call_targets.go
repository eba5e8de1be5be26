package ssa

// shareCallTargets moves call_indirect checks (OpCallTarget, made only
// for tables nothing can change) out of loops and drops those that repeat
// a dominating one. Such a check's result depends on its index alone, so
// one done earlier on the same index would give the same funcref or have
// trapped already; each call then loads the funcref instead of reading the
// table descriptor, the element and the signature id again (qsort's
// comparator loops: 11 instructions fewer per call).
//
// A check leaves a loop only from the loop's header, when nothing with an
// effect comes before it there, its index is defined outside the loop,
// and the header has a dedicated preheader (the one edge into the loop,
// from a block with that single successor: splitCriticalEdges makes one
// whenever the entering block branches): the header runs first on every
// entry into the loop, so the check runs no more often than before and
// traps, if it does, with nothing skipped (and reports its own offset).
func shareCallTargets(f *Func) {
	have := false
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op == OpCallTarget {
				have = true
				break
			}
		}
	}
	if !have {
		return
	}
	idom := dominators(f)
	tree := domChildren(f, idom)
	// Pre- and postorder numbers of the dominator tree: a dominates b
	// when b's interval lies within a's.
	pre := f.WS.Int32s(int(f.NextBlock))
	post := f.WS.Int32s(int(f.NextBlock))
	n := int32(0)
	var number func(b *Block)
	number = func(b *Block) {
		pre[b.ID] = n
		n++
		for _, c := range tree.of(b) {
			number(c)
		}
		post[b.ID] = n
		n++
	}
	number(f.Entry)
	dom := func(a, b *Block) bool { return pre[a.ID] <= pre[b.ID] && post[b.ID] <= post[a.ID] }

	// Inner loops first (their headers come later in the dominator
	// tree's preorder), so a check can climb a nest of loops whose
	// headers lead straight into each other.
	headers := make([]*Block, 0, 8)
	for _, b := range f.Blocks {
		for _, p := range b.Preds {
			if dom(b, p) {
				headers = append(headers, b)
				break
			}
		}
	}
	for i := 1; i < len(headers); i++ {
		for j := i; j > 0 && pre[headers[j].ID] > pre[headers[j-1].ID]; j-- {
			headers[j], headers[j-1] = headers[j-1], headers[j]
		}
	}
	for _, h := range headers {
		var pre *Block
		for _, p := range h.Preds {
			if !dom(h, p) {
				if pre != nil {
					pre = nil
					break
				}
				pre = p
			}
		}
		if pre == nil || pre.Kind != BlockPlain || len(pre.Succs) != 1 {
			continue
		}
		kept := h.Values[:0]
		stop := false
		for _, v := range h.Values {
			if !stop && v.Op == OpCallTarget && v.Args[0].Block != h && dom(v.Args[0].Block, h) {
				v.Block = pre
				pre.Values = append(pre.Values, v)
				continue
			}
			if OpInfos[v.Op].effect {
				stop = true
			}
			kept = append(kept, v)
		}
		clear(h.Values[len(kept):])
		h.Values = kept
	}

	// Drop the checks a dominating one makes redundant, walking the
	// dominator tree with the checks in scope.
	type key struct {
		idx       int32
		ty, table int64
	}
	seen := map[key]*Value{}
	var walk func(b *Block)
	walk = func(b *Block) {
		var added []key
		kept := b.Values[:0]
		for _, v := range b.Values {
			if v.Op == OpCallIndirect {
				if t := v.Args[len(v.Args)-1]; t.Op == OpCallTarget && t.fwd != nil {
					t.Uses--
					v.Args[len(v.Args)-1] = t.fwd
					t.fwd.Uses++
				}
			}
			if v.Op == OpCallTarget {
				k := key{v.Args[0].ID, v.Aux, v.Aux2}
				if w := seen[k]; w != nil {
					v.fwd = w
					v.Args[0].Uses--
					continue
				}
				seen[k] = v
				added = append(added, k)
			}
			kept = append(kept, v)
		}
		clear(b.Values[len(kept):])
		b.Values = kept
		for _, c := range tree.of(b) {
			walk(c)
		}
		for _, k := range added {
			delete(seen, k)
		}
	}
	walk(f.Entry)
}
