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

// paramElim is the state of one elimRedundantParams run.
type paramElim struct {
	f *Func
	// pnum numbers the parameters of non-entry blocks by value ID; users
	// [pnum[id]] lists the parameters receiving parameter id as an
	// argument.
	pnum  []int32
	users [][]paramRef
	work  []paramRef
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
	if f.ParamsMinimal {
		return
	}
	pe := paramElim{f: f}
	if !pe.numberParams() {
		return
	}
	pe.collectUsers()
	if !pe.drain() {
		return
	}
	for _, b := range f.Blocks {
		if b != f.Entry {
			compactParams(f, b)
		}
	}
	for _, b := range f.Blocks {
		resolveBlock(b)
	}
}

// isLocalParam reports whether v is a parameter that the pass may remove:
// the entry block's are the function's own.
func (pe *paramElim) isLocalParam(v *Value) bool {
	return v.Op == OpParam && v.Block != pe.f.Entry
}

// numberParams numbers every removable parameter and queues each for a
// check; it reports whether there is any.
func (pe *paramElim) numberParams() bool {
	f := pe.f
	pe.pnum = f.WS.Int32s(int(f.NextID))
	if f.WS != nil {
		pe.work = f.WS.prefs.Take(int(f.NextID))[:0]
	}
	for _, b := range f.Blocks {
		if b == f.Entry {
			continue
		}
		for i, p := range b.Params {
			pe.pnum[p.ID] = int32(len(pe.work))
			pe.work = append(pe.work, paramRef{b, int32(i)})
		}
	}
	return len(pe.work) > 0
}

// collectUsers fills users from every edge's arguments and reverses the
// worklist, so parameters are first checked in layout order.
func (pe *paramElim) collectUsers() {
	f := pe.f
	pe.users = f.WS.paramRefLists(len(pe.work))
	for _, b := range f.Blocks {
		if b == f.Entry {
			continue
		}
		for _, pred := range b.Preds {
			for i, a := range pred.Succs[pred.EdgeTo(b)].Args {
				if pe.isLocalParam(a) {
					n := pe.pnum[a.ID]
					pe.users[n] = append(Grow(f.WS.paramRefBump(), pe.users[n], 1), paramRef{b, int32(i)})
				}
			}
		}
	}
	work := pe.work
	for i, j := 0, len(work)-1; i < j; i, j = i+1, j-1 {
		work[i], work[j] = work[j], work[i]
	}
}

// drain checks queued parameters until none is left and reports whether
// it removed any.
func (pe *paramElim) drain() bool {
	removed := false
	for len(pe.work) > 0 {
		r := pe.work[len(pe.work)-1]
		pe.work = pe.work[:len(pe.work)-1]
		p := r.b.Params[r.i]
		if p.fwd != nil {
			continue
		}
		if same := soleArgument(r.b, int(r.i)); same != nil {
			pe.remove(p, same)
			removed = true
		}
	}
	return removed
}

// soleArgument returns the one value other than the parameter itself that
// parameter i of b receives on every edge, or nil if there are several
// (or none).
func soleArgument(b *Block, i int) *Value {
	p := b.Params[i]
	var same *Value
	for _, pred := range b.Preds {
		a := resolve(pred.Succs[pred.EdgeTo(b)].Args[i])
		if a == p || a == same {
			continue
		}
		if same != nil {
			return nil
		}
		same = a
	}
	return same
}

// remove forwards p to same, queues the parameters p fed for a new check
// and hands p's users to same.
func (pe *paramElim) remove(p, same *Value) {
	p.fwd = same
	pu := pe.users[pe.pnum[p.ID]]
	for k := len(pu) - 1; k >= 0; k-- {
		pe.work = append(pe.work, pu[k])
	}
	// The users of p now use same: merge the smaller list into the
	// larger, so chains of removals stay O(n log n).
	if pe.isLocalParam(same) {
		u := pe.users[pe.pnum[same.ID]]
		if len(u) < len(pu) {
			u, pu = pu, u
		}
		pe.users[pe.pnum[same.ID]] = append(Grow(pe.f.WS.paramRefBump(), u, len(pu)), pu...)
	}
	pe.users[pe.pnum[p.ID]] = nil
}

// compactParams drops b's forwarded parameters and the arguments every
// edge passes to them.
func compactParams(f *Func, b *Block) {
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
		return
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

// resolveBlock rewrites every reference in b to a removed parameter.
func resolveBlock(b *Block) {
	for _, v := range b.Values {
		resolveAll(v.Args)
	}
	for i := range b.Succs {
		resolveAll(b.Succs[i].Args)
	}
	if b.Control != nil {
		b.Control = resolve(b.Control)
	}
	resolveAll(b.Results)
}

// resolveAll resolves every value of vs in place.
func resolveAll(vs []*Value) {
	for i, v := range vs {
		vs[i] = resolve(v)
	}
}
