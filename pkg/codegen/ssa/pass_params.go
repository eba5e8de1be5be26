package ssa

// resolve follows replacement links, shortening the chain it walked so
// the next walk is one step.
func resolve(v *Value) *Value {
	r := v
	for r.fwd != nil {
		r = r.fwd
	}
	for v.fwd != nil && v.fwd != r {
		v.fwd, v = r, v.fwd
	}
	return r
}

// paramRef names parameter i of block b.
type paramRef struct {
	b *Block
	i int32
}

// elimRedundantParams removes block parameters whose incoming arguments
// are all the same value (or the parameter itself), which Braun et al.'s
// construction leaves behind for variables not redefined in a loop, and
// rewrites every reference to them. Removing one parameter can make
// another redundant (nested loops form chains of them), so the
// parameters fed by a removed one are checked again from a worklist,
// rather than sweeping the function to a fixed point, which costs a sweep
// per nesting level. Parameters keep their index until the end, when
// each block is compacted once.
func elimRedundantParams(f *Func) {
	// users[pnum[id]] lists the parameters receiving parameter id as an
	// argument.
	pnum := f.WS.Int32s(int(f.NextID))
	var work []paramRef
	if f.WS != nil {
		work = f.WS.prefs.Take(int(f.NextID))[:0]
	}
	for _, b := range f.Blocks {
		if b == f.Entry {
			continue
		}
		for i, p := range b.Params {
			pnum[p.ID] = int32(len(work))
			work = append(work, paramRef{b, int32(i)})
		}
	}
	if len(work) == 0 {
		return
	}
	users := f.WS.paramRefLists(len(work))
	for _, b := range f.Blocks {
		if b == f.Entry {
			continue
		}
		for _, pred := range b.Preds {
			for i, a := range pred.Succs[pred.EdgeTo(b)].Args {
				if a.Op == OpParam && a.Block != f.Entry {
					users[pnum[a.ID]] = append(Grow(f.WS.paramRefBump(), users[pnum[a.ID]], 1), paramRef{b, int32(i)})
				}
			}
		}
	}
	// Reverse, so parameters are first checked in layout order.
	for i, j := 0, len(work)-1; i < j; i, j = i+1, j-1 {
		work[i], work[j] = work[j], work[i]
	}
	removed := false
	for len(work) > 0 {
		r := work[len(work)-1]
		work = work[:len(work)-1]
		b, i := r.b, r.i
		p := b.Params[i]
		if p.fwd != nil {
			continue
		}
		var same *Value
		redundant := true
		for _, pred := range b.Preds {
			a := resolve(pred.Succs[pred.EdgeTo(b)].Args[i])
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
		removed = true
		pu := users[pnum[p.ID]]
		for k := len(pu) - 1; k >= 0; k-- {
			work = append(work, pu[k])
		}
		// The users of p now use same: merge the smaller list into the
		// larger, so chains of removals stay O(n log n).
		if same.Op == OpParam && same.Block != f.Entry {
			u := users[pnum[same.ID]]
			if len(u) < len(pu) {
				u, pu = pu, u
			}
			users[pnum[same.ID]] = append(Grow(f.WS.paramRefBump(), u, len(pu)), pu...)
		}
		users[pnum[p.ID]] = nil
	}
	if !removed {
		return
	}
	for _, b := range f.Blocks {
		if b == f.Entry {
			continue
		}
		old := b.Params
		var keep []*Value
		dropped := false
		for _, p := range old {
			if p.fwd == nil {
				keep = append(Grow(f.WS.ValueBump(), keep, 1), p)
			} else {
				dropped = true
			}
		}
		if !dropped {
			continue
		}
		if keep == nil {
			keep = old[:0:0]
		}
		for _, pred := range b.Preds {
			e := &pred.Succs[pred.EdgeTo(b)]
			args := f.WS.Values(len(keep))[:0]
			for i, a := range e.Args {
				if old[i].fwd == nil {
					args = append(args, a)
				}
			}
			e.Args = args
		}
		b.Params = keep
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
