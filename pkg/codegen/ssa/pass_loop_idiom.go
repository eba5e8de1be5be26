package ssa

import (
	"math/bits"
	"slices"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// loopIdioms turns byte and word copy and fill loops into memory.copy and
// memory.fill, which the backend runs 16 to 64 bytes at a time: built
// without bulk memory, wasi-libc's memcpy, memmove and memset are such
// loops (musl's byte loops for tails and misaligned buffers, word loops
// after alignment, clang unrolling each), and they ran a byte per 4 to 5
// instructions.
//
// The loop is one block L that branches back to itself (a do-while, as
// clang emits them), entered from one other block P. Its parameters are
// loop-invariant or step by a constant each iteration; every address is
// the sum of loop-entry values, a constant and a multiple of the
// iteration number (affine below); its only effects are stores that
// together write a contiguous run of bytes each iteration, walking
// memory in one direction, each storing either a load of the same width
// at a fixed distance (copy) or one loop-invariant byte (fill), or words
// merged from loads so that each byte is one at a fixed distance
// (pass_loop_idiom_merge.go); and it runs while a value stepping by a
// power of two is not zero.
//
// L is versioned, not replaced: a new block C on the edge from P
// computes the trip count and the byte ranges and goes to the bulk block
// B only when the result is provably the loop's: the trip count divides
// (else the loop would run until it traps), both ranges are in bounds and
// do not wrap around 4 GiB (else the loop traps after writing a prefix,
// which the bulk operation would not), and the copy's ranges do not
// overlap in the way that makes an element loop replicate data (a forward
// loop whose destination starts inside its source; memory.copy is
// memmove). Otherwise C goes to L unchanged. Values of L used after it
// come through a new join block M, from L or as computed by B.
//
// Runs at OptLevel 2, after gvn and before bounds-check elimination.
//
// It reports whether it changed the control flow graph.
func loopIdioms(f *Func) bool {
	// rewrite puts C and C2 before L and M and B after it: the next
	// block to look at is 5 places on (nothing is copied for the
	// thousands of functions with no such loop).
	changed := false
	for i := 0; i < len(f.Blocks); i++ {
		if l := matchIdiomLoop(f, f.Blocks[i]); l != nil {
			i += l.rewrite()
			changed = true
		}
	}
	return changed
}

// idiomMinBytes is the run below which C leaves the loop to itself.
const idiomMinBytes = 64

// maxAffineTerms bounds the loop-entry values an address may sum.
const maxAffineTerms = 3

// affine is an i32 value of the loop as a function of the iteration
// number t (from 0): the sum of terms (values fixed at loop entry) + c +
// s*t, all modulo 2^32.
type affine struct {
	terms [maxAffineTerms]*Value
	n     int
	c, s  uint32
}

func (a affine) add(b affine, sign uint32) (affine, bool) {
	if sign != 1 && b.n > 0 || a.n+b.n > maxAffineTerms {
		return affine{}, false
	}
	copy(a.terms[a.n:], b.terms[:b.n])
	a.n += b.n
	a.c += sign * b.c
	a.s += sign * b.s
	return a, true
}

// sameTerms reports whether a and b sum the same values.
func (a affine) sameTerms(b affine) bool {
	if a.n != b.n {
		return false
	}
	x, y := a.terms, b.terms
	byID := func(p, q *Value) int { return int(p.ID) - int(q.ID) }
	slices.SortFunc(x[:a.n], byID)
	slices.SortFunc(y[:b.n], byID)
	return x == y
}

// memAccess is a load or store of L with its address.
type memAccess struct {
	v    *Value
	addr affine
	size int
}

type idiomLoop struct {
	f         *Func
	L, P      *Block
	back      int // index of L's edge to itself
	entryEdge int // index of P's edge to L
	step      []uint32
	memo      map[*Value]affine
	stores    []memAccess
	loads     []memAccess // loads[k] is stored by stores[k] (copy), nil (fill)
	fillByte  *Value      // fill: the stored value (its low byte), nil for a copy
	cond      affine      // the loop runs while cond(t) != condSub
	condSub   *Value      // nil: 0; else a value defined before L
	// above: the loop runs while cond(t) >u aboveK instead (a count
	// stepping down to a remainder, as musl's word loops).
	above   bool
	aboveK  uint32
	liveOut []*Value
	// lowD and lowS are the lowest store and load constants of an
	// iteration; ordered is whether the stores come in the direction of
	// the walk (else a copy must not overlap at all).
	lowD, lowS uint32
	ordered    bool
	// A merged word copy (pass_loop_idiom_merge.go): carried marks the
	// parameters that carry a loaded word to the next iteration, lowL is
	// the lowest load constant (lowS is then the copied source's), and
	// carriedBytes are the entry bytes C3 compares with memory.
	merged       bool
	carried      []bool
	lowL         uint32
	carriedBytes []carriedByte
}

func (l *idiomLoop) aff(v *Value) (affine, bool) {
	if v.Type != TI32 {
		return affine{}, false
	}
	if v.Op == OpConst {
		return affine{c: uint32(v.Aux)}, true
	}
	if v.Block != l.L {
		return affine{terms: [maxAffineTerms]*Value{v}, n: 1}, true
	}
	if a, ok := l.memo[v]; ok {
		return a, a.n >= 0
	}
	l.memo[v] = affine{n: -1} // a cycle (through parameters) fails
	a, ok := l.affOf(v)
	if ok {
		l.memo[v] = a
	}
	return a, ok
}

func (l *idiomLoop) affOf(v *Value) (affine, bool) {
	switch v.Op {
	case OpParam:
		j := slices.Index(l.L.Params, v)
		if j < 0 || l.carried != nil && l.carried[j] {
			return affine{}, false
		}
		e := l.P.Succs[l.entryEdge].Args[j]
		return affine{terms: [maxAffineTerms]*Value{e}, n: 1, s: l.step[j]}, true
	case OpAdd, OpSub:
		a, ok := l.aff(v.Args[0])
		if !ok {
			return affine{}, false
		}
		b, ok := l.aff(v.Args[1])
		if !ok {
			return affine{}, false
		}
		if v.Op == OpSub {
			return a.add(b, ^uint32(0))
		}
		return a.add(b, 1)
	}
	return affine{}, false
}

// matchIdiomLoop returns L as an idiom loop, or nil.
func matchIdiomLoop(f *Func, L *Block) *idiomLoop {
	if L.Kind != BlockIf || len(L.Preds) != 2 || L.Control == nil {
		return nil
	}
	back := slices.IndexFunc(L.Succs, func(e Edge) bool { return e.B == L })
	if back < 0 || L.Succs[1-back].B == L {
		return nil
	}
	P := L.Preds[0]
	if P == L {
		P = L.Preds[1]
	}
	if P == L || P.Kind == BlockBrTable {
		return nil
	}
	entryEdge := P.EdgeTo(L)
	if len(P.Succs) == 2 && P.Succs[1-entryEdge].B == L {
		return nil
	}
	// Cheap screen before any allocation: only loads, stores and pure
	// arithmetic, at least one store.
	nStores := 0
	for _, v := range L.Values {
		switch {
		case v.Op == OpStore:
			nStores++
		case v.Op == OpLoad:
		case OpInfos[v.Op].effect || OpInfos[v.Op].Call || v.Op == OpSIMD || v.Op == OpShuffle:
			return nil
		}
	}
	if nStores == 0 {
		return nil
	}
	l := &idiomLoop{f: f, L: L, P: P, back: back, entryEdge: entryEdge,
		step: make([]uint32, len(L.Params)), memo: map[*Value]affine{}}
	for j, p := range L.Params {
		st, ok := stepOf(L.Succs[back].Args[j], p, func(b *Block) bool { return b == L })
		if !ok && !l.markCarried(j, L.Succs[back].Args[j]) {
			return nil
		}
		l.step[j] = st
	}
	matched := l.carried == nil && l.matchAccesses()
	if !matched && !l.matchMerged() || !l.matchCond() || !l.matchUses() {
		return nil
	}
	return l
}

// stepOf returns what v adds to the parameter p: v is p plus and minus
// constants, each computed in a block in reports true (the loop; an
// unrolled loop adds its step in pieces).
func stepOf(v, p *Value, in func(*Block) bool) (uint32, bool) {
	var st uint32
	for v != p {
		if !in(v.Block) || v.Type != TI32 || v.Op != OpAdd && v.Op != OpSub {
			return 0, false
		}
		x, c := v.Args[0], v.Args[1]
		if v.Op == OpAdd && x.Op == OpConst {
			x, c = c, x
		}
		if c.Op != OpConst {
			return 0, false
		}
		if v.Op == OpSub {
			st -= uint32(c.Aux)
		} else {
			st += uint32(c.Aux)
		}
		v = x
	}
	return st, true
}

// matchAccesses collects the stores (and the loads they copy) and checks
// that each iteration writes one contiguous run, in the order of the walk.
func (l *idiomLoop) matchAccesses() bool {
	access := l.access
	for _, v := range l.L.Values {
		if v.Op != OpStore {
			if v.Op == OpLoad && v.Uses != 1 {
				return false
			}
			continue
		}
		st, ok := access(v)
		if !ok {
			return false
		}
		l.stores = append(l.stores, st)
		val := v.Args[1]
		if val.Op == OpLoad && val.Block == l.L {
			ld, ok := access(val)
			if !ok || ld.size != st.size || l.fillByte != nil {
				return false
			}
			l.loads = append(l.loads, ld)
			continue
		}
		if len(l.loads) > 0 || val.Block == l.L && val.Op != OpConst {
			return false
		}
		switch {
		case st.size == 1 && (val.Type == TI32 || val.Type == TI64) && (l.fillByte == nil || l.fillByte == val):
			l.fillByte = val
		case val.Op == OpConst && (val.Type == TI32 || val.Type == TI64) && uniformBytes(uint64(val.Aux), st.size) &&
			(l.fillByte == nil || l.fillByte.Op == OpConst && byte(l.fillByte.Aux) == byte(val.Aux)):
			l.fillByte = val
		default:
			return false
		}
	}
	if len(l.loads) != 0 && len(l.loads) != len(l.stores) {
		return false
	}
	// Every load feeds its store (counted above): no load is left over.
	nLoads := 0
	for _, v := range l.L.Values {
		if v.Op == OpLoad {
			nLoads++
		}
	}
	if nLoads != len(l.loads) {
		return false
	}
	var ok bool
	l.lowD, l.ordered, ok = contiguousRun(l.stores)
	if !ok || len(l.loads) > 0 && !sameShape(l.stores, l.loads) {
		return false
	}
	if len(l.loads) > 0 {
		l.lowS = l.loads[0].addr.c + (l.lowD - l.stores[0].addr.c)
	}
	return true
}

// access is the load or store v with its affine address.
func (l *idiomLoop) access(v *Value) (memAccess, bool) {
	size, _, _ := ScalarAccess(wasm.Opcode(v.Aux2))
	if size == 0 || v.Args[0].Type != TI32 {
		return memAccess{}, false
	}
	a, ok := l.aff(v.Args[0])
	if !ok || a.s == 0 {
		return memAccess{}, false
	}
	// The static offset is added after the i32 address: it joins the
	// constant only when the ranges are checked not to wrap, which C
	// does for the lowest address plus the offset.
	return memAccess{v: v, addr: a, size: size}, true
}

// contiguousRun checks that the accesses share their terms, step, width
// and static offset and that one iteration writes adjacent elements
// covering exactly the step. It returns the constant of the lowest and
// whether program order walks them in the direction of the step.
func contiguousRun(as []memAccess) (low uint32, ordered, ok bool) {
	a0 := as[0]
	w := uint32(a0.size)
	s := a0.addr.s
	back := int32(s) < 0
	span := s
	if back {
		span = -s
	}
	if span != w*uint32(len(as)) || span > 1<<12 {
		return 0, false, false
	}
	low, ordered = a0.addr.c, true
	for k, a := range as {
		if a.size != a0.size || a.v.Aux != a0.v.Aux || a.addr.s != s || !a.addr.sameTerms(a0.addr) {
			return 0, false, false
		}
		want := a0.addr.c + uint32(k)*w
		if back {
			want = a0.addr.c - uint32(k)*w
		}
		ordered = ordered && a.addr.c == want
		if int32(a.addr.c-low) < 0 {
			low = a.addr.c
		}
	}
	seen := make([]bool, len(as))
	for _, a := range as {
		d := a.addr.c - low
		if d%w != 0 || d/w >= uint32(len(as)) || seen[d/w] {
			return 0, false, false
		}
		seen[d/w] = true
	}
	return low, ordered, true
}

// sameShape checks that the loads sit at one distance from their stores.
func sameShape(st, ld []memAccess) bool {
	if _, _, ok := contiguousRun(ld); !ok || ld[0].addr.s != st[0].addr.s {
		return false
	}
	for k := range st {
		if ld[k].addr.c-ld[0].addr.c != st[k].addr.c-st[0].addr.c {
			return false
		}
	}
	return true
}

// uniformBytes reports whether the low size bytes of x are all equal.
func uniformBytes(x uint64, size int) bool {
	for i := 1; i < size; i++ {
		if byte(x>>(8*i)) != byte(x) {
			return false
		}
	}
	return true
}

// matchCond reads the exit test: L continues while an affine value with a
// power-of-two step is not zero (x, x != K, or the negations on the
// other edge).
func (l *idiomLoop) matchCond() bool {
	c := l.L.Control
	onTrue := l.back == 0 // L continues when the control is non-zero
	var k uint32
	switch {
	case c.Op == OpEqz && c.Args[0].Type == TI32:
		c, onTrue = c.Args[0], !onTrue
	case (c.Op == OpNe || c.Op == OpEq) && c.Args[0].Type == TI32:
		x, y := c.Args[0], c.Args[1]
		if x.Block != l.L && x.Op != OpConst {
			x, y = y, x
		}
		switch {
		case y.Op == OpConst:
			k = uint32(y.Aux)
		case y.Block != l.L:
			l.condSub = y
		default:
			return false
		}
		onTrue = onTrue == (c.Op == OpNe)
		c = x
	case (c.Op == OpGtU || c.Op == OpLeU) && c.Args[0].Type == TI32 && c.Args[1].Op == OpConst:
		l.above, l.aboveK = true, uint32(c.Args[1].Aux)
		onTrue = onTrue == (c.Op == OpGtU)
		c = c.Args[0]
	}
	a, ok := l.aff(c)
	if !ok || a.s == 0 {
		return false
	}
	m := a.s
	if int32(m) < 0 {
		m = -m
	}
	if m&(m-1) != 0 || l.above && int32(a.s) > 0 {
		return false
	}
	a.c -= k
	l.cond = a
	return true
}

// matchUses finds the values of L used outside it (after it, or on its
// exit edge): each must be affine, so that B can compute its last value.
func (l *idiomLoop) matchUses() bool {
	inner := map[*Value]int32{}
	for _, v := range l.L.Values {
		for _, a := range v.Args {
			if a.Block == l.L {
				inner[a]++
			}
		}
	}
	for _, a := range l.L.Succs[l.back].Args {
		if a.Block == l.L {
			inner[a]++
		}
	}
	inner[l.L.Control]++
	check := func(v *Value) bool {
		if v.Uses <= inner[v] {
			return true
		}
		if _, ok := l.aff(v); !ok {
			return false
		}
		l.liveOut = append(l.liveOut, v)
		return true
	}
	for _, p := range l.L.Params {
		if !check(p) {
			return false
		}
	}
	for _, v := range l.L.Values {
		if !check(v) {
			return false
		}
	}
	return true
}

// rewrite builds C, B and M around L and returns the number of blocks
// it put before L and after it.
func (l *idiomLoop) rewrite() int {
	f, L, P := l.f, l.L, l.P
	C, B := f.NewBlock(), f.NewBlock()
	C.Sealed, B.Sealed = true, true
	C.LoopDepth, B.LoopDepth = P.LoopDepth, P.LoopDepth
	ap := appender{f, l.stores[0].v.Pos}
	val, cnst, at := ap.val, ap.cnst, ap.at
	var oks []*Value
	// Trip count: cond(t) = x0 + s*t is zero first at t = k-1.
	x0 := at(C, l.cond, nil)
	if l.condSub != nil {
		x0 = val(C, OpSub, TI32, x0, l.condSub)
	}
	m := l.cond.s
	down := int32(m) < 0
	if down {
		m = -m
	}
	if m > 1 && !l.above {
		oks = append(oks, val(C, OpEqz, TI32, val(C, OpAnd, TI32, x0, cnst(C, TI32, int64(m-1)))))
	}
	num := x0
	if !down {
		num = val(C, OpSub, TI32, cnst(C, TI32, 0), x0)
	}
	last := num // k-1
	if l.above {
		// cond(t) = x0 - m*t drops to aboveK or below first at
		// t = ceil((x0-K)/m), 0 when x0 <= K; it must not wrap
		// below zero on the way, which m*(k-1) <= x0 makes sure.
		kc := cnst(C, TI32, int64(l.aboveK))
		over := val(C, OpSub, TI32, val(C, OpSub, TI32, x0, kc), cnst(C, TI32, 1))
		q := val(C, OpShrU, TI32, over, cnst(C, TI32, int64(bits.TrailingZeros32(m))))
		q = val(C, OpAdd, TI32, q, cnst(C, TI32, 1))
		last = val(C, OpSelect, TI32, val(C, OpGtU, TI32, x0, kc), q, cnst(C, TI32, 0))
		fall := val(C, OpMul, TI64, val(C, OpExtendU, TI64, last), cnst(C, TI64, int64(m)))
		oks = []*Value{val(C, OpLeU, TI32, fall, val(C, OpExtendU, TI64, x0))}
	} else if m > 1 {
		last = val(C, OpShrU, TI32, num, cnst(C, TI32, int64(bits.TrailingZeros32(m))))
	}
	span := l.stores[0].addr.s // bytes per iteration
	backward := int32(span) < 0
	if backward {
		span = -span
	}
	k64 := val(C, OpAdd, TI64, val(C, OpExtendU, TI64, last), cnst(C, TI64, 1))
	n64 := val(C, OpMul, TI64, k64, cnst(C, TI64, int64(span)))
	// Short runs stay loops: the checks and the bulk operation's set-up
	// cost more than a few iterations (C2 holds the checks).
	C2 := f.NewBlock()
	C2.Sealed, C2.LoopDepth = true, P.LoopDepth
	long := val(C, OpGeU, TI32, n64, cnst(C, TI64, idiomMinBytes))
	memLen := val(C2, OpMemLen, TI64)
	oks = append(oks, val(C2, OpLeU, TI32, n64, cnst(C2, TI64, 0xFFFFFFFF)))
	// lowest is the lowest address of the run as a 64-bit wasm address:
	// the access of the lowest constant in the first (forward) or last
	// (backward) iteration, plus the static offset.
	lowest := func(as []memAccess, low uint32) *Value {
		a := as[0].addr
		a.c = low
		var tv *Value
		if backward {
			tv = last
		}
		lo := val(C2, OpExtendU, TI64, at(C2, a, tv))
		if off := uint32(as[0].v.Aux); off != 0 {
			lo = val(C2, OpAdd, TI64, lo, cnst(C2, TI64, int64(off)))
		}
		oks = append(oks, val(C2, OpLeU, TI32, val(C2, OpAdd, TI64, lo, n64), memLen))
		return lo
	}
	dst := lowest(l.stores, l.lowD)
	var src *Value
	if l.merged {
		// The copied source and, separately, every word the loop loads.
		src = lowest(l.loads, l.lowS)
		lowest(l.loads, l.lowL)
		one := cnst(C2, TI64, 1)
		nm1 := val(C2, OpSub, TI64, n64, one)
		apart := func(x, y *Value) {
			d := val(C2, OpSub, TI64, x, y)
			oks = append(oks, val(C2, OpGeU, TI32, val(C2, OpSub, TI64, d, one), nm1))
		}
		apart(dst, src)
		apart(src, dst)
	} else if l.loads != nil {
		src = lowest(l.loads, l.lowS)
		// An element loop equals memmove unless its destination starts
		// strictly inside the source, behind the walk: for a forward
		// loop 0 < dst-src < n, for a backward one 0 < src-dst < n. Stores
		// out of the walk's order need both: no overlap at all.
		one := cnst(C2, TI64, 1)
		nm1 := val(C2, OpSub, TI64, n64, one)
		apart := func(x, y *Value) {
			d := val(C2, OpSub, TI64, x, y)
			oks = append(oks, val(C2, OpGeU, TI32, val(C2, OpSub, TI64, d, one), nm1))
		}
		if !backward || !l.ordered {
			apart(dst, src)
		}
		if backward || !l.ordered {
			apart(src, dst)
		}
	}
	ok := oks[0]
	for _, o := range oks[1:] {
		ok = val(C2, OpAnd, TI32, ok, o)
	}
	// C: P's edge now ends here; C goes to B or to L with P's arguments.
	pe := &P.Succs[l.entryEdge]
	C.Kind, C.Control = BlockIf, long
	long.Uses++
	C.Succs = []Edge{{B: C2}, {B: L, Args: pe.Args}}
	C.Preds = []*Block{P}
	C2.Kind, C2.Control = BlockIf, ok
	ok.Uses++
	C2.Succs = []Edge{{B: B}, {B: L, Args: slices.Clone(pe.Args)}}
	for _, a := range pe.Args {
		a.Uses++
	}
	C2.Preds = []*Block{C}
	pe.B, pe.Args = C, nil
	P.SuccIdx = nil
	L.Preds[slices.Index(L.Preds, P)] = C
	L.Preds = append(L.Preds, C2)
	B.Preds = []*Block{C2}
	before := []*Block{C, C2}
	if len(l.carriedBytes) > 0 {
		// C3, between C2 and B: the carried bytes match memory.
		C3 := f.NewBlock()
		C3.Sealed, C3.LoopDepth = true, P.LoopDepth
		same := l.carriedCheck(C3, val, cnst, at)
		C3.Kind, C3.Control = BlockIf, same
		same.Uses++
		C3.Succs = []Edge{{B: B}, {B: L, Args: slices.Clone(C2.Succs[1].Args)}}
		for _, a := range C3.Succs[1].Args {
			a.Uses++
		}
		C3.Preds = []*Block{C2}
		C2.Succs[0].B = C3
		L.Preds = append(L.Preds, C3)
		B.Preds = []*Block{C3}
		before = append(before, C3)
	}

	// B: the bulk operation.
	var bulk *Value
	if l.loads != nil {
		bulk = val(B, OpBuiltin, TNone, val(B, OpWrap, TI32, dst), val(B, OpWrap, TI32, src), val(B, OpWrap, TI32, n64))
		bulk.Aux = int64(abi.BuiltinMemoryCopy)
	} else {
		fill := l.fillByte
		if fill.Op == OpConst {
			fill = cnst(B, TI32, fill.Aux&0xFF) // it may be L's
		} else if fill.Type == TI64 {
			fill = val(B, OpWrap, TI32, fill)
		}
		bulk = val(B, OpBuiltin, TNone, val(B, OpWrap, TI32, dst), fill, val(B, OpWrap, TI32, n64))
		bulk.Aux = int64(abi.BuiltinMemoryFill)
	}

	// M joins L's exit and B: the live-out values become its parameters.
	exit := &L.Succs[1-l.back]
	X := exit.B
	M := f.NewBlock()
	M.Sealed, M.Kind, M.LoopDepth = true, BlockPlain, P.LoopDepth
	repl := map[*Value]*Value{}
	var fromL, fromB []*Value
	for _, v := range l.liveOut {
		p := f.NewValue(M, OpParam, v.Type)
		M.Params = append(M.Params, p)
		repl[v] = p
		a, _ := l.aff(v)
		fromL = append(fromL, v)
		fromB = append(fromB, at(B, a, last))
	}
	// Uses outside L move to M's parameters.
	for _, b := range f.Blocks {
		if b == L {
			continue
		}
		l.replaceUses(b, repl)
	}
	xargs := exit.Args
	for i, a := range xargs {
		if r, ok := repl[a]; ok {
			xargs[i] = r
			r.Uses++
			a.Uses--
		}
	}
	M.Succs = []Edge{{B: X, Args: xargs}}
	M.Preds = []*Block{L, B}
	X.Preds[slices.Index(X.Preds, L)] = M
	X.SuccIdx = nil
	exit.B, exit.Args = M, fromL
	for _, v := range fromL {
		v.Uses++
	}
	L.SuccIdx = nil
	B.Kind = BlockPlain
	B.Succs = []Edge{{B: M, Args: fromB}}
	for _, v := range fromB {
		v.Uses++
	}

	// Layout: C and C2 (and C3) where L was, then L, M, B after.
	i := slices.Index(f.Blocks, L)
	f.Blocks = slices.Insert(f.Blocks, i+1, M, B)
	f.Blocks = slices.Insert(f.Blocks, i, before...)
	return len(before) + 2
}

// replaceUses points b's uses of repl's keys at their values.
func (l *idiomLoop) replaceUses(b *Block, repl map[*Value]*Value) {
	sub := func(a **Value) {
		if r, ok := repl[*a]; ok {
			(*a).Uses--
			r.Uses++
			*a = r
		}
	}
	for _, v := range b.Values {
		for i := range v.Args {
			sub(&v.Args[i])
		}
	}
	for i := range b.Succs {
		for j := range b.Succs[i].Args {
			sub(&b.Succs[i].Args[j])
		}
	}
	if b.Control != nil {
		sub(&b.Control)
	}
	for i := range b.Results {
		sub(&b.Results[i])
	}
}
