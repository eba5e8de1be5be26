package codegen

// resolve follows replacement links.
func resolve(v *Value) *Value {
	for v.fwd != nil {
		v = v.fwd
	}
	return v
}

// elimRedundantParams removes block parameters whose incoming arguments
// are all the same value (or the parameter itself), which Braun et al.'s
// construction leaves behind for variables not redefined in a loop, and
// rewrites every reference to them. It iterates to a fixed point because
// removing one parameter can make another redundant.
func elimRedundantParams(f *Func) {
	for changed := true; changed; {
		changed = false
		for _, b := range f.Blocks {
			if b == f.Entry {
				continue
			}
			for i := 0; i < len(b.Params); i++ {
				p := b.Params[i]
				var same *Value
				redundant := true
				for _, pred := range b.Preds {
					a := resolve(pred.Succs[pred.edgeTo(b)].Args[i])
					if a == p || a == same {
						continue
					}
					if same != nil {
						redundant = false
						break
					}
					same = a
				}
				if !redundant || same == nil {
					continue
				}
				p.fwd = same
				b.Params = append(b.Params[:i], b.Params[i+1:]...)
				for _, pred := range b.Preds {
					e := &pred.Succs[pred.edgeTo(b)]
					e.Args = append(e.Args[:i:i], e.Args[i+1:]...)
				}
				i--
				changed = true
			}
		}
	}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			for i, a := range v.Args {
				v.Args[i] = resolve(a)
			}
		}
		for i := range b.Succs {
			for j, a := range b.Succs[i].Args {
				b.Succs[i].Args[j] = resolve(a)
			}
		}
		if b.Control != nil {
			b.Control = resolve(b.Control)
		}
		for i, r := range b.Results {
			b.Results[i] = resolve(r)
		}
	}
}

// deadCode removes values and block parameters that nothing with an
// effect depends on, and recomputes use counts.
func deadCode(f *Func) {
	live := newBitset(int(f.nextID))
	var work []*Value
	mark := func(v *Value) {
		if !live.has(v.ID) {
			live.add(v.ID)
			work = append(work, v)
		}
	}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if opInfos[v.Op].effect {
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
	// paramIndex finds a parameter's position to mark incoming arguments.
	for len(work) > 0 {
		v := work[len(work)-1]
		work = work[:len(work)-1]
		for _, a := range v.Args {
			mark(a)
		}
		if v.Op == OpParam {
			b := v.Block
			for i, p := range b.Params {
				if p == v {
					for _, pred := range b.Preds {
						mark(pred.Succs[pred.edgeTo(b)].Args[i])
					}
					break
				}
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
		for i := 0; i < len(b.Params); i++ {
			if live.has(b.Params[i].ID) {
				continue
			}
			b.Params = append(b.Params[:i], b.Params[i+1:]...)
			for _, pred := range b.Preds {
				e := &pred.Succs[pred.edgeTo(b)]
				e.Args = append(e.Args[:i:i], e.Args[i+1:]...)
			}
			i--
		}
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
