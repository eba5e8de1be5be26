package ssa

// Values split where a calling region branches off an early exit.
//
// A function's arguments, and what its first block computes, are live
// from its start: when the code after an early-exit test calls, and one
// of them is still needed after a call, it is allocated a callee-saved
// register for its whole life, so the entry block already writes that
// register and the backend cannot leave the saves to the calling path
// (isa/amd64/shrinkwrap.go). Where a block c ends in a two-way branch
// whose one side reaches calls and whose other side reaches none, and no
// block is reachable from both, the values of c that the calling side
// uses are passed to its first block s as new parameters: c's values keep
// their registers for c and the exit, s's parameters get their own (the
// callee-saved ones), and the move between them is on s's edge, where the
// arguments were moved to those registers in the prologue before. The
// same is tried again at s, for nested exits (a null check, then a bounds
// check), splitExitsDepth levels deep.
const splitExitsDepth = 4

// splitExits splits the values of the entry block and of the blocks after
// it on the calling side of each early exit.
func splitExits(f *Func) {
	c := f.Entry
	for depth := 0; depth < splitExitsDepth && c.Kind == BlockIf; depth++ {
		s, o := c.Succs[0].B, c.Succs[1].B
		if s == o || len(s.Preds) != 1 || len(o.Preds) != 1 || s == f.Entry || o == f.Entry {
			return
		}
		rs, sCalls := reachSet(f, s)
		ro, oCalls := reachSet(f, o)
		if oCalls && sCalls || !oCalls && !sCalls {
			return
		}
		if oCalls {
			s, o, rs, ro = o, s, ro, rs
		}
		// c itself on the calling side (a loop back to it) would use the
		// parameters before its edge defines them.
		if rs[c.ID] {
			return
		}
		for _, b := range f.Blocks {
			if rs[b.ID] && ro[b.ID] {
				return
			}
		}
		splitInto(f, c, s, rs)
		c = s
	}
}

// reachSet returns the blocks reachable from s and whether any of them
// calls.
func reachSet(f *Func, s *Block) ([]bool, bool) {
	seen := f.WS.Bools(int(f.NextBlock))
	seen[s.ID] = true
	stack := []*Block{s}
	calls := false
	for len(stack) > 0 {
		b := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, v := range b.Values {
			if v.Op == OpCall || v.Op == OpCallIndirect || v.Op == OpBuiltin {
				calls = true
			}
		}
		for _, e := range b.Succs {
			if !seen[e.B.ID] {
				seen[e.B.ID] = true
				stack = append(stack, e.B)
			}
		}
	}
	return seen, calls
}

// splitInto gives s, the only successor of c on its edge, a parameter for
// each non-constant value of c used in the blocks in region, and makes
// those uses use it.
func splitInto(f *Func, c, s *Block, region []bool) {
	n := int(f.NextID)
	param := f.WS.Values(n)
	i := c.EdgeTo(s)
	sub := func(v *Value) *Value {
		if v.Block != c || v.Op == OpConst || int(v.ID) >= n || v.Type == TNone {
			return v
		}
		if p := param[v.ID]; p != nil {
			return p
		}
		p := f.NewValue(s, OpParam, v.Type)
		s.Params = append(s.Params, p)
		c.Succs[i].Args = append(c.Succs[i].Args, v)
		param[v.ID] = p
		return p
	}
	for _, b := range f.Blocks {
		if !region[b.ID] {
			continue
		}
		for _, v := range b.Values {
			for k, a := range v.Args {
				v.Args[k] = sub(a)
			}
		}
		for _, e := range b.Succs {
			for k, a := range e.Args {
				e.Args[k] = sub(a)
			}
		}
		if b.Control != nil {
			b.Control = sub(b.Control)
		}
		for k, r := range b.Results {
			b.Results[k] = sub(r)
		}
	}
}
