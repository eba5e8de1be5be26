package ssa

import (
	"math"
	"slices"
)

// mergeInductionVars removes a loop's i32 counter when the loop also
// carries its zero extension as an i64 counter: clang widens `int it`
// counted alongside `(uint64_t)it` (mandel's escape count) into two
// block parameters of the loop header H, q (i32) and p (i64), stepped by
// the same constant on every back edge and entered equal (p = zext q).
// Every iteration then pays for two adds where one would do.
//
// p == zext(q) holds on every entry to H when it holds for the arguments
// of every edge into H: edges from outside pass constants c64 == zext c32
// (or p = extend_u q), back edges pass p+s and q+s. The second needs
// zext(q+s) == zext(q)+s, which holds only when q+s does not wrap: some
// block T between H and the back edge's source (H dominates T, T
// dominates the source), entered only from a branch G whose condition
// bounds q (q <=u C with C+s <= 2^32-1, or q >=u -s for a negative
// step). wasm's i32 arithmetic wraps, so without that guard the pair is
// left alone: zext(0xffffffff + 1) is 0, zext(0xffffffff) + 1 is 2^32.
//
// With the equality proved, q's uses are rewritten in terms of p when
// every one allows it (rewriteNarrowIV): compares of q, or of a guarded
// step q+s, with constants compare p (or p's own step) with the constant
// adjusted; reads after the loop exits take wrap(p). q and its steps are
// then read by nothing but each other, and deadCode removes them: one add
// fewer per iteration, and one register. A q with any other use inside
// the loop (an address, a store, an operand) is kept as it is: wrap(p)
// there would cost the move the add saved.
//
// Runs at OptLevel 2; it leaves the control flow alone and deadCode
// removes q and its step.
func mergeInductionVars(f *Func) {
	var idom []*Block
	doms := func() []*Block {
		if idom == nil {
			idom = dominators(f)
		}
		return idom
	}
	var wide, narrow []int
	for _, h := range f.Blocks {
		if len(h.Params) < 2 || len(h.Preds) < 2 {
			continue
		}
		// The parameters some edge steps, by type: one pass over the
		// edges, where pairing every i64 with every i32 parameter on
		// every edge would cost Go's dispatch blocks (hundreds of
		// edges and parameters) their product.
		wide, narrow = stepped(h, wide[:0], narrow[:0])
		for _, i := range wide {
			for _, j := range narrow {
				if !stepsTogether(h, i, j) {
					continue
				}
				if zextPair(h, i, j, doms) {
					rewriteNarrowIV(f, h, h.Params[i], h.Params[j], doms())
				}
			}
		}
	}
}

// stepped appends to wide and narrow the indices of h's i64 and i32
// parameters that some edge into h passes a constant step of; none when
// h lacks either type.
func stepped(h *Block, wide, narrow []int) ([]int, []int) {
	hasWide, hasNarrow := false, false
	for _, p := range h.Params {
		hasWide = hasWide || p.Type == TI64
		hasNarrow = hasNarrow || p.Type == TI32
	}
	if !hasWide || !hasNarrow {
		return wide, narrow
	}
	// One look-up of the edge per predecessor (a map's, past 8
	// successors), its arguments walked in order.
	n0, m0 := len(wide), len(narrow)
	for _, pred := range h.Preds {
		for i, a := range pred.Succs[pred.EdgeTo(h)].Args {
			if a.Op != OpAdd && a.Op != OpSub {
				continue
			}
			p := h.Params[i]
			if _, ok := ivStep(a, p); !ok {
				continue
			}
			switch {
			case p.Type == TI64 && !slices.Contains(wide[n0:], i):
				wide = append(wide, i)
			case p.Type == TI32 && !slices.Contains(narrow[m0:], i):
				narrow = append(narrow, i)
			}
		}
	}
	return wide, narrow
}

// ivStep returns the constant s of v = x + s (or x - s) for the given x,
// in v's width sign-extended to 64 bits.
func ivStep(v, x *Value) (int64, bool) {
	if len(v.Args) != 2 || v.Args[0] != x && (v.Op != OpAdd || v.Args[1] != x) {
		return 0, false
	}
	k := v.Args[1]
	if k == x {
		k = v.Args[0]
	}
	if k.Op != OpConst {
		return 0, false
	}
	c := k.Aux
	if v.Type == TI32 {
		c = int64(int32(uint32(c)))
	}
	switch v.Op {
	case OpAdd:
		return c, true
	case OpSub:
		if c == math.MinInt64 {
			return 0, false
		}
		return -c, true
	}
	return 0, false
}

// stepsTogether is the cheap test of a candidate pair: some edge into h
// passes p+s and q+s for H's parameters p (i) and q (j).
func stepsTogether(h *Block, i, j int) bool {
	p, q := h.Params[i], h.Params[j]
	for _, pred := range h.Preds {
		e := pred.Succs[pred.EdgeTo(h)]
		sp, ok1 := ivStep(e.Args[i], p)
		sq, ok2 := ivStep(e.Args[j], q)
		if ok1 && ok2 && sp == sq {
			return true
		}
	}
	return false
}

// zextPair reports whether h's parameter i is the zero extension of its
// parameter j on every entry to h (see mergeInductionVars). The
// dominators, which the guards need, are computed (by doms) only for a
// pair whose every edge has the right shape: most candidates fail
// before, and computing them for every function with one was 0.5% of a
// big Go module's compile.
func zextPair(h *Block, i, j int, doms func() []*Block) bool {
	p, q := h.Params[i], h.Params[j]
	for guards := false; ; guards = true {
		for _, pred := range h.Preds {
			// Each edge from pred to h: a br_table's may pass different
			// arguments.
			for _, e := range pred.Succs {
				if e.B != h {
					continue
				}
				ap, aq := e.Args[i], e.Args[j]
				switch {
				case ap.Op == OpConst && aq.Op == OpConst:
					if uint64(ap.Aux) != uint64(uint32(aq.Aux)) {
						return false
					}
				case ap.Op == OpExtendU && ap.Args[0] == aq:
				default:
					sp, ok1 := ivStep(ap, p)
					sq, ok2 := ivStep(aq, q)
					if !ok1 || !ok2 || sp != sq || sp == 0 || guards && !guarded(h, pred, q, sp, doms()) {
						return false
					}
				}
			}
		}
		if guards {
			return true
		}
	}
}

// guarded reports whether q + s cannot wrap wherever src, a block h
// dominates, is reached from h: a block T on the dominator path from src
// up to h (h excluded), entered only from a branch G, bounds q there.
func guarded(h, src *Block, q *Value, s int64, idom []*Block) bool {
	for t := src; t != nil && t != h; t = idom[t.ID] {
		if len(t.Preds) != 1 {
			continue
		}
		lo, hi, ok := boundOn(t.Preds[0], t, q)
		if !ok {
			continue
		}
		if s > 0 && hi+uint64(s) <= math.MaxUint32 || s < 0 && lo >= uint64(-s) {
			return true
		}
	}
	return false
}

// boundOn returns the interval [lo, hi] that the branch ending g gives
// q on its edge to t: a compare of q with a constant (branchFact), or
// q <u y for any y (q is then at most 2^32-2) and q >u y (at least 1).
func boundOn(g, t *Block, q *Value) (lo, hi uint64, ok bool) {
	if x, r, ok := branchFact(g, t); ok {
		if x != q {
			return 0, 0, false
		}
		return r.lo, r.hi, true
	}
	if g.Kind != BlockIf || g.Succs[0].B == g.Succs[1].B || g.Control == nil {
		return 0, 0, false
	}
	c := g.Control
	if len(c.Args) != 2 || c.Args[0].Type != TI32 {
		return 0, 0, false
	}
	op, x, y := c.Op, c.Args[0], c.Args[1]
	if y == q && x != q {
		op, x, y = mirrored[op], y, x
	}
	if x != q || y == q {
		return 0, 0, false
	}
	if g.Succs[0].B != t {
		op = negated[op]
	}
	switch op {
	case OpLtU, OpLeU: // q <u y (or q <=u y, no bound unless y is known)
		if op == OpLtU {
			return 0, math.MaxUint32 - 1, true
		}
	case OpGtU:
		return 1, math.MaxUint32, true
	}
	return 0, 0, false
}

// unsignedOrEq are the compares whose answer for i32 operands a and b is
// the same for zext a and zext b.
var unsignedOrEq = [OpCount]bool{OpEq: true, OpNe: true, OpLtU: true, OpGtU: true, OpLeU: true, OpGeU: true}

// rewriteNarrowIV replaces q by p where q's every use allows it, or
// leaves f as it is:
//   - a compare of q with a constant compares p+s (a step of p computed
//     before it in its block) or p with the constant extended;
//   - a compare of a step q+s with a constant, where a guard bounds q
//     (q+s does not wrap there), compares p+s or p likewise;
//   - a use outside the loop (after it exits) reads wrap(p), once;
//   - the steps feed only h's parameter q otherwise.
//
// The rest of the loop then no longer reads q, and deadCode removes it
// with its steps.
func rewriteNarrowIV(f *Func, h *Block, p, q *Value, idom []*Block) {
	j := -1
	for k, x := range h.Params {
		if x == q {
			j = k
		}
	}
	steps := map[*Value]int64{}
	var latches []*Block
	for _, pred := range h.Preds {
		for _, e := range pred.Succs {
			if e.B != h {
				continue
			}
			if s, ok := ivStep(e.Args[j], q); ok {
				steps[e.Args[j]] = s
				latches = append(latches, pred)
			}
		}
	}
	in := loopBody(f, h, latches)
	type use struct {
		v *Value
		b *Block // the block whose end reads x (v nil)
		x *Value // q or a step
	}
	var cmps, stepCmps, pSteps []*Value
	var outside []use
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if s, ok := ivStep(v, p); ok && v.Type == TI64 && s > -1<<31 && s < 1<<31 {
				pSteps = append(pSteps, v)
			}
			if _, ok := steps[v]; ok {
				continue
			}
			for _, a := range v.Args {
				switch s, isStep := steps[a]; {
				case a != q && !isStep:
				case !unsignedOrEq[v.Op] || v.Args[0] == v.Args[1] || otherArg(v, a).Op != OpConst:
					if in[b.ID] {
						return
					}
					outside = append(outside, use{v: v, x: a})
				case a == q:
					cmps = append(cmps, v)
				case guarded(h, b, q, s, idom):
					stepCmps = append(stepCmps, v)
				default:
					return
				}
			}
		}
		var reads []*Value // q and steps read at b's end
		read := func(a *Value) {
			if _, isStep := steps[a]; (a == q || isStep) && !slices.Contains(reads, a) {
				reads = append(reads, a)
			}
		}
		if b.Control != nil {
			read(b.Control)
		}
		for _, r := range b.Results {
			read(r)
		}
		for _, e := range b.Succs {
			for k, a := range e.Args {
				if e.B != h || k != j {
					read(a)
				}
			}
		}
		if len(reads) > 0 && in[b.ID] {
			return
		}
		for _, a := range reads {
			outside = append(outside, use{b: b, x: a})
		}
	}
	for _, c := range cmps {
		rewriteCompare(f, c, q, p, 0, pSteps)
	}
	for _, c := range stepCmps {
		a := c.Args[0]
		if c.Args[1].Op != OpConst {
			a = c.Args[1]
		}
		rewriteCompare(f, c, a, p, steps[a], pSteps)
	}
	// Outside the loop, q is wrap(p) and a step q+s is wrap(p)+s: equal
	// in i32 arithmetic whether or not q+s wraps.
	for _, u := range outside {
		b := u.b
		if u.v != nil {
			b = u.v.Block
		}
		at := len(b.Values)
		if u.v != nil {
			at = slices.Index(b.Values, u.v)
		}
		w := f.NewValue(b, OpWrap, TI32, p)
		nv := []*Value{w}
		if u.x != q {
			k := f.NewValue(b, OpConst, TI32)
			k.Aux = int64(uint32(steps[u.x]))
			w = f.NewValue(b, OpAdd, TI32, w, k)
			nv = append(nv, k, w)
		}
		b.Values = slices.Insert(b.Values, at, nv...)
		replaceIn := func(vs []*Value) {
			for i, a := range vs {
				if a == u.x {
					vs[i] = w
					a.Uses--
					w.Uses++
				}
			}
		}
		if u.v != nil {
			replaceIn(u.v.Args)
			continue
		}
		if b.Control == u.x {
			b.Control = w
			u.x.Uses--
			w.Uses++
		}
		replaceIn(b.Results)
		for _, e := range b.Succs {
			replaceIn(e.Args)
		}
	}
}

// rewriteCompare makes c, a compare of x = zext^-1(p) + d (q itself for
// d = 0, a step of q not wrapping for d = s) with a constant, a compare
// of p's values: p+t for a step of p computed before c in its block, as
// a signed compare of p + t with zext C - d + t (neither side
// overflowing i64), else p with zext C - d.
func rewriteCompare(f *Func, c, x, p *Value, d int64, pSteps []*Value) {
	k := 1
	if c.Args[0] == x {
		k = 0
	}
	old := c.Args[1-k]
	y, cext := p, int64(uint32(old.Aux))-d
	t := int64(0)
	if ap := stepBefore(c, pSteps); ap != nil {
		t, _ = ivStep(ap, p)
		y = ap
	}
	if t != 0 || d != 0 {
		c.Op = signedOf[c.Op]
	}
	ext := f.NewValue(c.Block, OpConst, TI64)
	ext.Aux = cext + t
	insertBefore(c, ext)
	old.Uses--
	x.Uses--
	c.Args[k], c.Args[1-k] = y, ext
	y.Uses++
	ext.Uses++
}

// loopBody marks (by block ID) the blocks of h's loop: h, and every block
// that reaches one of its latches without passing through h.
func loopBody(f *Func, h *Block, latches []*Block) []bool {
	in := make([]bool, f.NextBlock)
	in[h.ID] = true
	work := append([]*Block(nil), latches...)
	for len(work) > 0 {
		b := work[len(work)-1]
		work = work[:len(work)-1]
		if in[b.ID] {
			continue
		}
		in[b.ID] = true
		work = append(work, b.Preds...)
	}
	return in
}

// signedOf is the signed compare of each unsigned one (equalities are
// their own): zext q op C is (zext q + s) op' (C + s) in i64 for any
// small s, neither side overflowing, with op' signed since either side
// may be negative when s is.
var signedOf = [OpCount]Op{OpEq: OpEq, OpNe: OpNe, OpLtU: OpLtS, OpGtU: OpGtS, OpLeU: OpLeS, OpGeU: OpGeS}

// stepBefore returns one of steps defined in c's block before c: a
// compare of p+s rather than p leaves p dead once p+s is computed, where
// comparing p would keep both in registers (a lea and a move for the
// add).
func stepBefore(c *Value, steps []*Value) *Value {
	for _, v := range c.Block.Values {
		if v == c {
			return nil
		}
		for _, s := range steps {
			if s == v {
				return v
			}
		}
	}
	return nil
}

func otherArg(v, x *Value) *Value {
	if v.Args[0] == x {
		return v.Args[1]
	}
	return v.Args[0]
}

// insertBefore puts nv, a new value of c's block, just before c.
func insertBefore(c, nv *Value) {
	b := c.Block
	for i, v := range b.Values {
		if v == c {
			b.Values = append(b.Values, nil)
			copy(b.Values[i+1:], b.Values[i:])
			b.Values[i] = nv
			return
		}
	}
	panic("ssa: value not in its block")
}
