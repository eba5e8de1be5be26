package ssa

// deadCode removes values and block parameters that nothing with an
// effect depends on, and recomputes use counts.
func deadCode(f *Func) {
	live := newBitset(int(f.NextID))
	work := f.WS.Values(int(f.NextID))[:0]
	mark := func(v *Value) {
		if !live.has(v.ID) {
			live.add(v.ID)
			work = append(work, v)
		}
	}
	// pidx is each parameter's position in its block, so a live one
	// marks its incoming arguments without a search.
	pidx := f.WS.Int32s(int(f.NextID))
	for _, b := range f.Blocks {
		for i, p := range b.Params {
			pidx[p.ID] = int32(i)
		}
		for _, v := range b.Values {
			if OpInfos[v.Op].effect {
				mark(v)
			}
		}
		if b.Control != nil {
			mark(b.Control)
		}
		for _, r := range b.Results {
			mark(r)
		}
	}
	for _, a := range f.Args {
		mark(a) // keep the entry block's parameters in signature order
	}
	for len(work) > 0 {
		v := work[len(work)-1]
		work = work[:len(work)-1]
		for _, a := range v.Args {
			mark(a)
		}
		if v.Op == OpParam {
			b := v.Block
			for _, pred := range b.Preds {
				mark(pred.Succs[pred.EdgeTo(b)].Args[pidx[v.ID]])
			}
		}
	}
	for _, b := range f.Blocks {
		vs := b.Values[:0]
		for _, v := range b.Values {
			if live.has(v.ID) {
				vs = append(vs, v)
			}
		}
		for i := len(vs); i < len(b.Values); i++ {
			b.Values[i] = nil
		}
		b.Values = vs
		if b == f.Entry {
			continue
		}
		dead := false
		for _, p := range b.Params {
			dead = dead || !live.has(p.ID)
		}
		if !dead {
			continue
		}
		for _, pred := range b.Preds {
			e := &pred.Succs[pred.EdgeTo(b)]
			args := e.Args[:0:0]
			for i, a := range e.Args {
				if live.has(b.Params[i].ID) {
					args = append(args, a)
				}
			}
			e.Args = args
		}
		ps := b.Params[:0:0]
		for _, p := range b.Params {
			if live.has(p.ID) {
				ps = append(ps, p)
			}
		}
		b.Params = ps
	}
	// Recount uses.
	for _, b := range f.Blocks {
		for _, p := range b.Params {
			p.Uses = 0
		}
		for _, v := range b.Values {
			v.Uses = 0
		}
	}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			for _, a := range v.Args {
				a.Uses++
			}
		}
		for _, e := range b.Succs {
			for _, a := range e.Args {
				a.Uses++
			}
		}
		if b.Control != nil {
			b.Control.Uses++
		}
		for _, r := range b.Results {
			r.Uses++
		}
	}
}
