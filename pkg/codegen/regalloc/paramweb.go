package regalloc

import "github.com/lucet-go/lucet/pkg/codegen/ssa"

// Spilled parameter webs.
//
// A loop's header parameter q (a variable carried around the loop) that
// the scan spilled, with its back edge fed from parameter p of a merge
// block (the latch where a switch's cases meet) that got a register,
// costs two moves per iteration for nothing: each case passing q on
// unchanged loads it into p's register, and the back edge stores p into
// q's slot. json's parser loop carried seven such variables through its
// dispatch: 14 of its ~30 instructions per character.
//
// spillParamWebs spills such a p when what its own uses would pay in
// memory (their loop-depth weight, as the scan weighs them) is less than
// the moves it saves: the edge p → q and the edges q → p, weighted by
// their blocks' depths. assignSlots then gives p q's slot when that slot
// is free at p's start (q's interval ended before it; slots are reused
// by interval, so any free slot is as correct as another), and those
// moves have the same source and destination: none is emitted.
//
// It runs after the scan: a value spilled after it only gives its
// register back (nothing allocated relies on p holding it), and the
// emitter reads every value from wherever Loc says.
func (ra *Result) spillParamWebs(f *ssa.Func) {
	// Candidates: a parameter p in a register passed on an edge to a
	// spilled parameter q of the same type of a block in a loop. Only
	// the edges into such blocks are looked at: a function without one
	// (most) costs one walk over its blocks' parameters.
	type cand struct {
		p, q    *ssa.Value
		benefit float32
	}
	var cs []cand
	for _, h := range f.Blocks {
		if h.LoopDepth == 0 {
			continue
		}
		for j, q := range h.Params {
			if q.Loc.InReg() || !NeedsReg(q) || q.Type == ssa.TV128 {
				continue
			}
			for _, x := range h.Preds {
				for _, e := range x.Succs {
					if e.B != h {
						continue
					}
					p := e.Args[j]
					if p.Op != ssa.OpParam || !p.Loc.InReg() || p == q || !NeedsReg(p) || p.Type != q.Type {
						continue
					}
					cs = append(cs, cand{p, q, depthWeight(x.LoopDepth)})
				}
			}
		}
	}
	// Keep the candidates that q comes back to (edges into p's block
	// passing q, each a load saved, besides the store saved on p's own
	// edge): the web. Most functions have none left.
	webs := cs[:0]
	for _, c := range cs {
		b := c.p.Block
		i := paramIndex(b, c.p)
		if i < 0 {
			continue
		}
		benefit := c.benefit
		for _, pr := range b.Preds {
			for _, e := range pr.Succs {
				if e.B == b && e.Args[i] == c.q {
					benefit += depthWeight(pr.LoopDepth)
				}
			}
		}
		if benefit > c.benefit {
			webs = append(webs, cand{c.p, c.q, benefit})
		}
	}
	if len(webs) == 0 {
		return
	}
	// p's own uses, in values, branches and results, weighted by the
	// depth of their blocks: what p costs in memory (its edge arguments
	// move it either way). One walk for all candidates.
	cost := make(map[*ssa.Value]float32, len(webs))
	for _, c := range webs {
		cost[c.p] = 0
	}
	var dw float32
	use := func(a *ssa.Value) {
		if a == nil || a.Op != ssa.OpParam {
			return
		}
		if w, ok := cost[a]; ok {
			cost[a] = w + dw
		}
	}
	for _, u := range f.Blocks {
		dw = depthWeight(u.LoopDepth)
		for _, v := range u.Values {
			for _, a := range v.Args {
				use(a)
			}
		}
		use(u.Control)
		for _, r := range u.Results {
			use(r)
		}
	}
	for _, c := range webs {
		p, q := c.p, c.q
		if !p.Loc.InReg() || ra.webOf[q] != nil || cost[p] >= c.benefit {
			continue // taken by an earlier candidate, or p is used more
		}
		if ra.webOf == nil {
			ra.webOf = map[*ssa.Value]*ssa.Value{}
			ra.webReg = map[*ssa.Value]ssa.Reg{}
			ra.webIn = make([]bool, f.NextID)
		}
		ra.webOf[p], ra.webOf[q] = q, p
		ra.webIn[p.ID], ra.webIn[q.ID] = true, true
		ra.webReg[p] = p.Loc.Reg
		p.Loc = ssa.Loc{Reg: ssa.NoReg, Slot: -1}
	}
}

// webSlot, for interval value v at its turn in assignSlots, returns the
// slot v takes: the slot of q when v is a parameter spilled by
// spillParamWebs for q and that slot is free (then ok), and otherwise
// gives v its register back (the web would only trade the moves for
// moves between two slots). It reserves q's slot, when q takes it, for
// its p.
func (ra *Result) webSlot(v *ssa.Value, free []int32) (slot int32, rest []int32, ok bool) {
	w := ra.webOf[v]
	if w == nil {
		return 0, free, false
	}
	r, isP := ra.webReg[v]
	if !isP {
		return 0, free, false // v is q: reserve (assignSlots)
	}
	for k := len(free) - 1; k >= 0; k-- {
		if free[k] == w.Loc.Slot {
			rest = append(free[:k], free[k+1:]...)
			delete(ra.reserved, w.Loc.Slot)
			return w.Loc.Slot, rest, true
		}
	}
	delete(ra.reserved, w.Loc.Slot)
	v.Loc = ssa.Loc{Reg: r, Slot: -1}
	return 0, free, false
}

// inWeb reports whether v is a parameter of a web (spillParamWebs): a
// look-up per interval in assignSlots, so not a map's.
func (ra *Result) inWeb(v *ssa.Value) bool {
	return int(v.ID) < len(ra.webIn) && ra.webIn[v.ID]
}

func paramIndex(b *ssa.Block, p *ssa.Value) int {
	for i, x := range b.Params {
		if x == p {
			return i
		}
	}
	return -1
}
