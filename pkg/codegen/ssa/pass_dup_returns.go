package ssa

// Small return blocks duplicated into the jumps that reach them.
//
// Where paths meet at a function's return, their values meet in the return
// block's parameters, so every path moves its values to the registers the
// parameters were given: fib's n < 2 path moved n and 0 to the loop's
// accumulators (callee-saved registers, since the loop calls) only to add
// them and return. Giving each plain jump its own copy of the return
// block, the copied operations take the jump's arguments directly, fold
// with them (n + 0 is n), and are allocated on their own path: the early
// exit then touches no register the loop needs, and the backend can save
// those on the loop's side only (isa/amd64/shrinkwrap.go).
//
// Only blocks of at most dupReturnMax pure integer operations are copied
// (as the backend's tail copies, isa/amd64/tailcopy.go, which emit the same
// code again at each jump anyway), and only into blocks ending in a plain
// jump (the copy replaces the jump) or in a two-way branch (the copy is a
// block of its own on that edge).
const dupReturnMax = 4

// dupReturns copies small return blocks with parameters into their plain
// predecessors and onto the edges of their two-way branches (a new block
// laid out after the branch), dropping a return block no jump reaches any
// more.
func dupReturns(f *Func) {
	var added []*Block // new return blocks, each after its Preds[0]
	removed := false
	for _, t := range f.Blocks {
		if t == f.Entry || !dupReturnable(t) {
			continue
		}
		preds := t.Preds[:0]
		for _, p := range t.Preds {
			switch {
			case p == t:
				preds = append(preds, p)
			case p.Kind == BlockPlain && p.Succs[0].B == t:
				inlineReturn(f, p, t, p.Succs[0].Args)
				p.Succs, p.SuccIdx = nil, nil
			case p.Kind == BlockIf && p.Succs[0].B != p.Succs[1].B:
				i := p.EdgeTo(t)
				nb := f.NewBlock()
				nb.Sealed, nb.LoopDepth, nb.Preds = true, p.LoopDepth, []*Block{p}
				inlineReturn(f, nb, t, p.Succs[i].Args)
				p.Succs[i], p.SuccIdx = Edge{B: nb}, nil
				added = append(added, nb)
			default:
				preds = append(preds, p)
			}
		}
		for i := len(preds); i < len(t.Preds); i++ {
			t.Preds[i] = nil
		}
		t.Preds = preds
		if len(preds) == 0 {
			removed = true
		}
	}
	if !removed && len(added) == 0 {
		return
	}
	after := make(map[*Block][]*Block, len(added))
	for _, nb := range added {
		after[nb.Preds[0]] = append(after[nb.Preds[0]], nb)
	}
	out := make([]*Block, 0, len(f.Blocks)+len(added))
	for _, b := range f.Blocks {
		if b != f.Entry && len(b.Preds) == 0 {
			for _, v := range b.Values {
				for _, a := range v.Args {
					a.Uses--
				}
			}
			for _, r := range b.Results {
				r.Uses--
			}
			continue
		}
		out = append(out, b)
		out = append(out, after[b]...)
	}
	f.Blocks = out
}

// dupReturnable reports whether t is a return block with parameters whose
// operations are few and pure (no effect, no trap, no memory).
func dupReturnable(t *Block) bool {
	if t.Kind != BlockReturn || len(t.Params) == 0 || len(t.Preds) < 2 {
		return false
	}
	n := 0
	for _, v := range t.Values {
		if v.Op == OpConst {
			continue
		}
		if n++; n > dupReturnMax || !dupReturnOp(v.Op) || v.Type != TI32 && v.Type != TI64 {
			return false
		}
	}
	return true
}

func dupReturnOp(op Op) bool {
	switch op {
	case OpAdd, OpSub, OpAnd, OpOr, OpXor, OpMul,
		OpShl, OpShrS, OpShrU, OpRotl, OpRotr,
		OpEqz, OpEq, OpNe, OpLtS, OpLtU, OpGtS, OpGtU, OpLeS, OpLeU, OpGeS, OpGeU,
		OpWrap, OpExtendU, OpExtendS, OpExtend8S, OpExtend16S, OpExtend32S:
		return true
	}
	return false
}

// inlineReturn makes p return as t does after a jump with args: t's
// values are copied into p with t's parameters replaced by the args. The
// caller retargets the jump.
func inlineReturn(f *Func, p, t *Block, edgeArgs []*Value) {
	// t is small (dupReturnable): a linear search maps its values.
	from := make([]*Value, 0, len(t.Params)+len(t.Values))
	to := make([]*Value, 0, cap(from))
	from = append(from, t.Params...)
	to = append(to, edgeArgs...)
	mapped := func(v *Value) *Value {
		for i, w := range from {
			if w == v {
				return to[i]
			}
		}
		return v // defined in a block dominating t, hence p
	}
	for _, v := range t.Values {
		args := make([]*Value, len(v.Args))
		for i, a := range v.Args {
			args[i] = mapped(a)
		}
		nv := f.NewValue(p, v.Op, v.Type, args...)
		nv.Aux, nv.Aux2, nv.Pos = v.Aux, v.Aux2, v.Pos
		p.Values = append(p.Values, nv)
		from, to = append(from, v), append(to, nv)
	}
	results := make([]*Value, len(t.Results))
	for i, r := range t.Results {
		results[i] = mapped(r)
		results[i].Uses++
	}
	for _, a := range edgeArgs {
		a.Uses--
	}
	p.Kind, p.Results, p.Pos = BlockReturn, results, t.Pos
}
