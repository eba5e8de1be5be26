package regalloc

import (
	"cmp"
	"slices"

	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// Loop-entry splitting.
//
// The scan gives a spilled value its stack slot for its whole life, so a
// loop that has a register to spare still loads the value from memory at
// every use, every iteration (bytescan_simd's buffer base, matmul_simd's
// loop bounds). After the scan, a spilled value defined before a loop and
// used in it is split there when a register is free over the whole loop:
// it is loaded into that register at the end of each block entering the
// loop and read from the register inside the loop. It never changes (SSA),
// so its slot stays valid throughout and nothing is stored back at the
// exits: outside the loop the value is where the scan put it.
//
// The register must be free at every position of the loop's blocks and at
// the terminators of the entering blocks (where the load sits, before the
// terminator's edge moves), and no instruction there may clobber it. A
// loop with calls takes only callee-saved registers; across its interrupt
// checks a caller-saved register is saved and reloaded on the slow path,
// as any value in a register is (Result.Saves).
//
// Loops are natural loops whose blocks are laid out after their header
// and are entered only through it (found from the back edges); innermost
// (deepest) first, so the hottest code gets the registers first, then by
// layout. A value is split in at most one of a nest of loops; in each
// loop the values are taken by their uses there, weighted by depth, most
// first, while that weight exceeds the loads added on the entering edges.

// Split is a value kept in its slot but in register Reg in the blocks of
// a loop (Blocks, header first). It is loaded into Reg at the end of each
// of Entries, the header's predecessors outside the loop, before their
// terminator.
type Split struct {
	V       *ssa.Value
	Reg     ssa.Reg
	Blocks  []*ssa.Block
	Entries []*ssa.Block
	segs    []seg
}

// InLoop returns the indexes in Splits of the values in their split
// register in b.
func (ra *Result) InLoop(b *ssa.Block) []int32 {
	if int(b.ID) >= len(ra.inLoop) {
		return nil
	}
	return ra.inLoop[b.ID]
}

// Reloads returns the indexes in Splits of the values to load into their
// split register at the end of b, before its terminator.
func (ra *Result) Reloads(b *ssa.Block) []int32 {
	if int(b.ID) >= len(ra.reloads) {
		return nil
	}
	return ra.reloads[b.ID]
}

// loop is a natural loop: its blocks (header first), the header's
// predecessors outside it, and the positions it covers with those
// predecessors' terminators.
type loop struct {
	blocks, entries []*ssa.Block
	segs            []seg
}

// findLoops returns the natural loops of f headed by heads whose blocks
// are all laid out from the header on, deepest first. A loop whose body
// is reached from a block laid out before its header other than through
// the header is left out: it is not entered only through its header, or
// not laid out so; either way no load on the header's edges would do.
// Layout order is position order (NumberPositions), so no index is built.
func findLoops(f *ssa.Func, heads []int32) []loop {
	mark := f.WS.Int32s(int(f.NextBlock)) // h.Start+1 of the loop being walked
	var loops []loop
	// The walk's stack and the loops' block lists come from the
	// workspace: allocated afresh per function they were ~2% of gobig's
	// -O 2 compile's allocation.
	var work []*ssa.Block
	bb := f.WS.BlockBump()
	for _, hi := range heads {
		h := f.Blocks[hi]
		stamp := h.Start + 1
		mark[h.ID] = stamp
		work = work[:0]
		for _, p := range h.Preds {
			if p.Start >= h.Start && mark[p.ID] != stamp {
				mark[p.ID] = stamp
				work = append(ssa.Grow(bb, work, 1), p)
			}
		}
		ok := true
		last := h.Start
		for ok && len(work) > 0 {
			b := work[len(work)-1]
			work = work[:len(work)-1]
			last = max(last, b.Start)
			for _, p := range b.Preds {
				if p.Start < h.Start {
					ok = false
					break
				}
				if mark[p.ID] != stamp {
					mark[p.ID] = stamp
					work = append(ssa.Grow(bb, work, 1), p)
				}
			}
		}
		if !ok {
			continue
		}
		var entries []*ssa.Block
		for _, p := range h.Preds {
			if mark[p.ID] != stamp && !slices.Contains(entries, p) {
				entries = append(entries, p)
			}
		}
		if len(entries) == 0 {
			continue
		}
		// The blocks in layout order, from the header to the last.
		var blocks []*ssa.Block
		var segs []seg
		for _, b := range f.Blocks[hi:] {
			if b.Start > last {
				break
			}
			if mark[b.ID] == stamp {
				blocks = append(ssa.Grow(bb, blocks, 1), b)
				if n := len(segs); n > 0 && segs[n-1].to == b.Start {
					segs[n-1].to = b.End + 1
				} else {
					segs = append(segs, seg{b.Start, b.End + 1})
				}
			}
		}
		for _, p := range entries {
			segs = append(segs, seg{p.End, p.End + 1})
		}
		loops = append(loops, loop{blocks, entries, mergeSegs(segs)})
	}
	slices.SortStableFunc(loops, func(a, b loop) int { return cmp.Compare(b.blocks[0].LoopDepth, a.blocks[0].LoopDepth) })
	return loops
}

// loopHeads are the indexes of the blocks that may head a loop with a spilled value
// live into it: a predecessor laid out at or after them (a back edge,
// if they head a natural loop; findLoops checks) and a spilled global
// value (byGID) live in.
func loopHeads(f *ssa.Func, byGID []*ssa.Value) []int32 {
	var heads []int32
	for i, h := range f.Blocks {
		if h.LoopDepth == 0 || h == f.Entry || !slices.ContainsFunc(h.Preds, func(p *ssa.Block) bool { return p.Start >= h.Start }) {
			continue
		}
		if slices.ContainsFunc(h.LiveIn, func(g int32) bool { return byGID[g] != nil }) {
			heads = append(heads, int32(i))
		}
	}
	return heads
}

// mergeSegs sorts ss and joins the ranges that touch or overlap.
func mergeSegs(ss []seg) []seg {
	if !slices.IsSortedFunc(ss, func(a, b seg) int { return cmp.Compare(a.from, b.from) }) {
		slices.SortFunc(ss, func(a, b seg) int { return cmp.Compare(a.from, b.from) })
	}
	out := ss[:0]
	for _, s := range ss {
		if n := len(out); n > 0 && s.from <= out[n-1].to {
			out[n-1].to = max(out[n-1].to, s.to)
			continue
		}
		out = append(out, s)
	}
	return out
}

// occupancy is, per register, a bitset of the positions where some value
// is in it: bit p is set when one of them is live in [p, p+1).
type occupancy struct {
	bits [ssa.MaxRegs][]uint64
	n    int32
}

func (o *occupancy) mark(r ssa.Reg, segs []seg) {
	if o.bits[r] == nil {
		o.bits[r] = make([]uint64, (o.n+63)/64)
	}
	bs := o.bits[r]
	for _, s := range segs {
		from, to := max(s.from, 0), min(s.to, o.n)
		for p := from; p < to; {
			k, m, end := o.word(p, to)
			bs[k] |= m
			p = end
		}
	}
}

func (o *occupancy) free(r ssa.Reg, segs []seg) bool {
	bs := o.bits[r]
	if bs == nil {
		return true
	}
	for _, s := range segs {
		from, to := max(s.from, 0), min(s.to, o.n)
		for p := from; p < to; {
			k, m, end := o.word(p, to)
			if bs[k]&m != 0 {
				return false
			}
			p = end
		}
	}
	return true
}

// word returns the word of position p, the mask of its bits in [p, to),
// and the end of that range within the word.
func (o *occupancy) word(p, to int32) (int32, uint64, int32) {
	k := p >> 6
	end := min(to, (k+1)<<6)
	m := ^uint64(0) << uint(p&63)
	if end&63 != 0 {
		m &= (1 << uint(end&63)) - 1
	}
	return k, m, end
}

// segsIntersect reports whether two sorted range lists share a position.
func segsIntersect(a, b []seg) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if a[i].from < b[j].to && b[j].from < a[i].to {
			return true
		}
		if a[i].to <= b[j].to {
			i++
		} else {
			j++
		}
	}
	return false
}

// split runs loop-entry splitting over the scan's allocation (see the
// comment at the top of this file).
func (ra *Result) split(f *ssa.Func, t Target, gid []int32, ng int, cl *clobbers) {
	// byGID are the spilled global values.
	var byGID []*ssa.Value
	for i := range ra.Intervals {
		if v := ra.Intervals[i].V; !v.Loc.InReg() && gid[v.ID] >= 0 {
			if byGID == nil {
				byGID = f.WS.Values(ng)
			}
			byGID[gid[v.ID]] = v
		}
	}
	if byGID == nil {
		return
	}
	heads := loopHeads(f, byGID)
	if len(heads) == 0 {
		return
	}
	loops := findLoops(f, heads)
	if len(loops) == 0 {
		return
	}
	var occ *occupancy
	inL := f.WS.Int32s(int(f.NextBlock))   // loop index + 1
	cand := f.WS.Int32s(int(f.NextID))     // loop index + 1
	weight := f.WS.Float32s(int(f.NextID)) // of the candidates
	splitOf := map[*ssa.Value][]int{}
	var cands []*ssa.Value
	for li, l := range loops {
		stamp := int32(li) + 1
		h := l.blocks[0]
		cands = cands[:0]
		for _, b := range l.blocks {
			inL[b.ID] = stamp
		}
		for _, g := range h.LiveIn {
			v := byGID[g]
			if v == nil || inL[v.Block.ID] == stamp {
				continue
			}
			cand[v.ID], weight[v.ID] = stamp, 0
			cands = append(cands, v)
		}
		if len(cands) == 0 {
			continue
		}
		twoAddr := t.TwoAddress()
		use := func(a *ssa.Value, w float32) {
			if a != nil && cand[a.ID] == stamp {
				weight[a.ID] += w
			}
		}
		for _, b := range l.blocks {
			dw := depthWeight(b.LoopDepth)
			for _, v := range b.Values {
				if v.Op == ssa.OpResult {
					continue
				}
				for i, a := range v.Args {
					switch {
					case a.Op == ssa.OpMemLen || a.Op == ssa.OpParam && isMemLenUse(v, i):
						use(a, dw/16) // as in buildIntervals
					case twoAddr && readsMemory(v, i):
						use(a, dw/8)
					default:
						use(a, dw)
					}
				}
			}
			use(b.Control, dw)
			for _, e := range b.Succs {
				for _, a := range e.Args {
					use(a, dw)
				}
			}
		}
		var cost float32
		for _, p := range l.entries {
			cost += depthWeight(p.LoopDepth)
		}
		slices.SortStableFunc(cands, func(a, b *ssa.Value) int {
			if c := cmp.Compare(weight[b.ID], weight[a.ID]); c != 0 {
				return c
			}
			return cmp.Compare(a.ID, b.ID)
		})
		hasCall := within(ra.callPos, l.segs) != nil
		ints := within(ra.intPos, l.segs)
		pseudo := interval{segs: l.segs}
	values:
		for _, v := range cands {
			if weight[v.ID] <= cost {
				break
			}
			for _, k := range splitOf[v] {
				if segsIntersect(ra.Splits[k].segs, l.segs) {
					continue values // split in an inner loop already
				}
			}
			if occ == nil {
				occ = ra.occupancy(f)
			}
			r := ssa.NoReg
			for _, c := range t.Allocatable(f, v.Type.IsFloat(), hasCall) {
				if hasCall && !t.CalleeSaved(c) {
					continue
				}
				if occ.free(c, l.segs) && !cl.hits(c, &pseudo) {
					r = c
					break
				}
			}
			if r == ssa.NoReg {
				continue
			}
			occ.mark(r, l.segs)
			splitOf[v] = append(splitOf[v], len(ra.Splits))
			ra.Splits = append(ra.Splits, Split{V: v, Reg: r, Blocks: l.blocks, Entries: l.entries, segs: l.segs})
			if !t.CalleeSaved(r) {
				for _, p := range ints {
					ra.Saves[p] = append(ra.Saves[p], v)
				}
			}
		}
	}
	if len(ra.Splits) == 0 {
		return
	}
	ra.inLoop = make([][]int32, f.NextBlock)
	ra.reloads = make([][]int32, f.NextBlock)
	for k, s := range ra.Splits {
		for _, b := range s.Blocks {
			ra.inLoop[b.ID] = append(ra.inLoop[b.ID], int32(k))
		}
		for _, p := range s.Entries {
			ra.reloads[p.ID] = append(ra.reloads[p.ID], int32(k))
		}
	}
}

// readsMemory reports whether operand i of v is one a two-address
// target reads from a stack slot as cheaply as from a register: an
// operand of an integer comparison (x86's cmp takes a memory operand on
// either side). Keeping a value in a register through a loop for such
// uses alone saves no instruction (matmul_simd's loop bound, compared
// once a round in a loop of few rounds, cost a load on each entry for
// nothing), so they count an eighth: as much as the load on an entry one
// loop level out. An ALU operation's second operand counts in full: its
// first operand, live on, is copied to the result anyway, and with both in
// registers the copy and the operation become one lea (bytescan_simd).
func readsMemory(v *ssa.Value, i int) bool {
	if v.Args[i].Type.IsFloat() {
		return false
	}
	switch v.Op {
	case ssa.OpEq, ssa.OpNe, ssa.OpLtS, ssa.OpLtU, ssa.OpGtS, ssa.OpGtU, ssa.OpLeS, ssa.OpLeU, ssa.OpGeS, ssa.OpGeU:
		return true
	}
	return false
}

// within returns the positions of ps (sorted) inside segs.
func within(ps []int32, segs []seg) []int32 {
	var out []int32
	for _, s := range segs {
		lo := searchFrom(ps, s.from)
		for j := lo; j < len(ps) && ps[j] < s.to; j++ {
			out = append(out, ps[j])
		}
	}
	return out
}

// occupancy marks the ranges of every value the scan put in a register.
func (ra *Result) occupancy(f *ssa.Func) *occupancy {
	o := &occupancy{}
	if len(f.Blocks) > 0 {
		o.n = f.Blocks[len(f.Blocks)-1].End + 2
	}
	for i := range ra.Intervals {
		if v := ra.Intervals[i].V; v.Loc.InReg() {
			o.mark(v.Loc.Reg, ra.Intervals[i].segs)
		}
	}
	return o
}
