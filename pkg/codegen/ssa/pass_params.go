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
	g := newParamUsers(f)
	if len(g.work) == 0 || !g.forwardRedundant() {
		return
	}
	dropForwardedParams(f)
	resolveAll(f)
}

// paramUsers records which parameters receive which as an argument.
type paramUsers struct {
	entry *Block // whose parameters (the function's) are never redundant
	// users[pnum[id]] lists the parameters receiving parameter id as an
	// argument.
	pnum  []int32
	users [][]paramRef
	// work holds the parameters to check, the next one last.
	work []paramRef
}

// newParamUsers numbers the parameters of every block but the entry and
// queues them all, in layout order.
func newParamUsers(f *Func) *paramUsers {
	g := &paramUsers{entry: f.Entry, pnum: make([]int32, f.NextID)}
	for _, b := range f.Blocks {
		if b == f.Entry {
			continue
		}
		for i, p := range b.Params {
			g.pnum[p.ID] = int32(len(g.work))
			g.work = append(g.work, paramRef{b, int32(i)})
		}
	}
	if len(g.work) == 0 {
		return g
	}
	g.users = make([][]paramRef, len(g.work))
	for _, b := range f.Blocks {
		if b == f.Entry {
			continue
		}
		for _, pred := range b.Preds {
			for i, a := range pred.Succs[pred.EdgeTo(b)].Args {
				if a.Op == OpParam && a.Block != f.Entry {
					g.users[g.pnum[a.ID]] = append(g.users[g.pnum[a.ID]], paramRef{b, int32(i)})
				}
			}
		}
	}
	// Reverse, so parameters are first checked in layout order.
	work := g.work
	for i, j := 0, len(work)-1; i < j; i, j = i+1, j-1 {
		work[i], work[j] = work[j], work[i]
	}
	return g
}

// forwardRedundant forwards every redundant parameter to the one value it
// stands for (p.fwd), rechecking its users; it reports whether it
// forwarded any.
func (g *paramUsers) forwardRedundant() bool {
	removed := false
	for len(g.work) > 0 {
		r := g.work[len(g.work)-1]
		g.work = g.work[:len(g.work)-1]
		p := r.b.Params[r.i]
		if p.fwd != nil {
			continue
		}
		same := redundantParam(r.b, r.i)
		if same == nil {
			continue
		}
		p.fwd = same
		removed = true
		pu := g.users[g.pnum[p.ID]]
		for k := len(pu) - 1; k >= 0; k-- {
			g.work = append(g.work, pu[k])
		}
		// The users of p now use same: merge the smaller list into the
		// larger, so chains of removals stay O(n log n).
		if same.Op == OpParam && same.Block != g.entry {
			u := g.users[g.pnum[same.ID]]
			if len(u) < len(pu) {
				u, pu = pu, u
			}
			g.users[g.pnum[same.ID]] = append(u, pu...)
		}
		g.users[g.pnum[p.ID]] = nil
	}
	return removed
}

// redundantParam returns the one value other than itself that parameter
// i of b receives on every edge, or nil.
func redundantParam(b *Block, i int32) *Value {
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

// dropForwardedParams removes the forwarded parameters from their blocks
// and their arguments from the incoming edges.
func dropForwardedParams(f *Func) {
	for _, b := range f.Blocks {
		if b == f.Entry {
			continue
		}
		old := b.Params
		var keep []*Value
		dropped := false
		for _, p := range old {
			if p.fwd == nil {
				keep = append(keep, p)
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
			args := make([]*Value, 0, len(keep))
			for i, a := range e.Args {
				if old[i].fwd == nil {
					args = append(args, a)
				}
			}
			e.Args = args
		}
		b.Params = keep
	}
}

// resolveAll replaces every use of a forwarded value by its replacement.
func resolveAll(f *Func) {
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
