package ssa

import "slices"

// rematerialize recomputes cheap values of the form op(x, const) in the
// blocks that use them instead of holding them from their definition.
//
// clang hoists the frame addresses of a function's buffers into locals
// at entry: wasi-libc's printf_core computes about 15 of them (sp+80,
// sp+55, -82-sp, (sp+80)|8, ...) before its main loop and reads them
// inside it, across calls. Each then needs a register or, with calls in
// the loop, a stack slot: a store in the prologue and a reload at each
// use. Recomputed where it is used from x (the frame pointer, live there
// anyway), the value occupies nothing across the function: the use reads
// x and adds the constant (one lea, or a load and an add when x is in a
// slot too). Cranelift does the same for iadd/isub/band/bor/bxor with a
// constant operand (opts/remat.isle, applied in its egraph elaboration).
//
// A copy goes into a block U using v (v defined in another block D) when
//   - v is add, sub, and, or, xor or shl (i32 or i64) of a constant and
//     an operand that is itself such a value (two levels at most, for
//     (sp+80)|8) or a value already live on entry to U, so no operand
//     lives longer than before but within U;
//   - and v lives across a call in a loop at least as deep as U's (then
//     v is kept in a slot, reloaded in U: the copy trades that reload
//     for an add at most, and frees the slot and the store), U is at
//     most one loop deeper than v's block and has values of its own
//     (worth).
//
// The copy sits just before U's first use of v (or at U's end for a use
// by an edge, the control or the results), so it lives as briefly as
// possible. v stays for its other uses; with none left it is removed.
// SSA keeps this sound: x has the same value wherever it is available,
// and the operations cannot trap.
func rematerialize(f *Func) {
	r := remat{f: f}
	if len(f.Blocks) < 2 {
		return
	}
	// Pass 1: the candidates used outside their block, by using block.
	// (Plain loops, not a callback per operand: this scan reads every
	// operand of every function, ~2% of a big module's compile that way.)
	// Only a value live across a call is worth it (see worth): a
	// function without calls has none.
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if OpInfos[v.Op].Call {
				r.calls = append(r.calls, b)
				break
			}
		}
	}
	if len(r.calls) == 0 {
		return
	}
	r.seen = f.WS.Int32s(int(f.NextID)) // block ID+1 of the last pair
	// An edge's argument alone does not make a pair: it is the end of U
	// (a forwarding block, or a loop's latch with its own values), where
	// a copy saves no reload before the uses but costs one on the way.
	for _, b := range f.Blocks {
		for _, a := range b.Values {
			for _, v := range a.Args {
				if v.Block != b && rematOps>>v.Op&1 != 0 {
					r.note(v, b)
				}
			}
		}
		if b.Control != nil {
			r.note(b.Control, b)
		}
		for _, v := range b.Results {
			r.note(v, b)
		}
	}
	if len(r.pairs) == 0 {
		return
	}
	// The values whose liveness may be asked: the candidates, their
	// operands and their operands' operands.
	r.idx = f.WS.Int32s(int(f.NextID))
	for _, p := range r.pairs {
		r.track(p.v, 0)
	}
	// Pass 2: the use sites of the tracked values.
	for _, b := range f.Blocks {
		for _, a := range b.Values {
			for _, v := range a.Args {
				r.noteUse(v, b)
			}
		}
		for _, e := range b.Succs {
			for _, v := range e.Args {
				r.noteUse(v, b)
			}
		}
		if b.Control != nil {
			r.noteUse(b.Control, b)
		}
		for _, v := range b.Results {
			r.noteUse(v, b)
		}
	}
	slices.SortFunc(r.uses, func(a, b ruse) int { return int(a.k - b.k) })
	r.first = make([]int32, len(r.tracked)+1)
	for _, u := range r.uses {
		r.first[u.k+1]++
	}
	for i := 1; i < len(r.first); i++ {
		r.first[i] += r.first[i-1]
	}
	r.live = make([]bitset, len(r.tracked))

	// Pass 3: decide and rewrite, block by block (the pairs are in
	// block order).
	ok := r.seen // reused: block ID+1 where the value is recomputed
	clear(ok)
	var touched []*Value
	for i := 0; i < len(r.pairs); {
		U := r.pairs[i].U
		j := i
		any := false
		for ; j < len(r.pairs) && r.pairs[j].U == U; j++ {
			v := r.pairs[j].v
			if r.worth(v, U) && r.avail(v, U, 0) {
				ok[v.ID] = U.ID + 1
				touched = append(touched, v)
				any = true
			}
		}
		i = j
		if any {
			r.rewrite(U, ok)
		}
	}
	// Remove what lost all its uses, and then what only those read.
	dead := newBitset(int(f.NextID))
	any := false
	for k := 0; k < len(touched); k++ {
		v := touched[k]
		if v.Uses != 0 || dead.has(v.ID) {
			continue
		}
		dead.add(v.ID)
		any = true
		for _, a := range v.Args {
			a.Uses--
			if a.Uses == 0 && rematOp(a) {
				touched = append(touched, a)
			}
		}
	}
	if any {
		for _, b := range f.Blocks {
			b.Values = slices.DeleteFunc(b.Values, func(v *Value) bool { return dead.has(v.ID) })
		}
	}
}

type rpair struct {
	v *Value
	U *Block
}

type ruse struct {
	k int32 // index in tracked
	b *Block
}

type remat struct {
	f       *Func
	seen    []int32
	pairs   []rpair
	idx     []int32 // by value ID: index+1 in tracked
	tracked []*Value
	uses    []ruse  // sorted by k
	first   []int32 // uses[first[k]:first[k+1]] are tracked[k]'s
	live    []bitset
	stack   []*Block
	calls   []*Block          // the blocks with a call
	depth   []int32           // by tracked index: 1 + the deepest call v lives across, -1 if none, 0 unknown
	copies  map[*Value]*Value // v -> its copy in the block being rewritten
}

// rematOps has a bit for each cheap integer op rematOp accepts; the scan
// of every operand tests it inline first.
const rematOps = 1<<OpAdd | 1<<OpSub | 1<<OpAnd | 1<<OpOr | 1<<OpXor | 1<<OpShl

// rematOp reports whether v is op(x, const) or op(const, x) for a cheap
// integer op.
func rematOp(v *Value) bool {
	if rematOps>>v.Op&1 == 0 {
		return false
	}
	if (v.Type != TI32 && v.Type != TI64) || len(v.Args) != 2 {
		return false
	}
	c0, c1 := v.Args[0].Op == OpConst, v.Args[1].Op == OpConst
	return c0 != c1 && (c1 || v.Op != OpShl)
}

// operand is v's non-constant operand.
func (v *Value) operand() *Value {
	if v.Args[0].Op == OpConst {
		return v.Args[1]
	}
	return v.Args[0]
}

// track numbers v and the chain below it (level: v's depth in a chain).
func (r *remat) track(v *Value, level int) {
	if r.idx[v.ID] != 0 {
		return
	}
	r.tracked = append(r.tracked, v)
	r.idx[v.ID] = int32(len(r.tracked))
	if level < 2 && rematOp(v) {
		r.track(v.operand(), level+1)
	}
}

// liveIn returns the blocks on whose entry v is live: the blocks with a
// use of v (an edge's argument counts in its source) and those from
// which one is reached without passing v's definition.
func (r *remat) liveIn(v *Value) bitset {
	k := r.idx[v.ID] - 1
	if s := r.live[k]; s != nil {
		return s
	}
	s := newBitset(int(r.f.NextBlock))
	st := r.stack[:0]
	for _, u := range r.uses[r.first[k]:r.first[k+1]] {
		if u.b != v.Block && !s.has(u.b.ID) {
			s.add(u.b.ID)
			st = append(st, u.b)
		}
	}
	for len(st) > 0 {
		b := st[len(st)-1]
		st = st[:len(st)-1]
		for _, p := range b.Preds {
			if p != v.Block && !s.has(p.ID) {
				s.add(p.ID)
				st = append(st, p)
			}
		}
	}
	r.stack = st
	r.live[k] = s
	return s
}

// worth reports whether recomputing v in U saves more than it costs:
// when v lives across a call in a loop as deep as U's or deeper (a block
// with a call on whose entry v is live), it is kept in a stack slot (or
// one of the few callee-saved registers) and reloaded in U as often as
// U runs, and the copy trades that reload for an add at most. A value
// that can stay in a register in U's loop is left there (the allocator
// reloads it once before a call-free inner loop): a copy would add work
// in U for the pressure it might relieve. A block with no values of its
// own (an edge's, forwarding to a join) is left alone too: a copy there
// would turn a jump that layout removes into an instruction and a jump.
// Nor does a copy go more than one loop deeper than v's definition:
// there x is often in a slot too (a reload and an add where v's reload
// was one instruction), in the innermost and hottest loops (LZ4HC's
// match finder, four and five deep, ran 2% more guest instructions with
// copies at any depth; printf_core's uses are one loop deeper).
func (r *remat) worth(v *Value, U *Block) bool {
	if len(U.Values) == 0 || U.LoopDepth > v.Block.LoopDepth+1 {
		return false
	}
	k := r.idx[v.ID] - 1
	if r.depth == nil {
		r.depth = make([]int32, len(r.tracked))
	}
	if r.depth[k] == 0 {
		r.depth[k] = -1
		s := r.liveIn(v)
		for _, b := range r.calls {
			if s.has(b.ID) {
				r.depth[k] = max(r.depth[k], b.LoopDepth+1)
			}
		}
	}
	return U.LoopDepth < r.depth[k]
}

// liveAt reports whether x is live on entry to U. An operand may be a
// copy made in an earlier block (its reader was rewritten there): not
// tracked, it is live in no other block.
func (r *remat) liveAt(x *Value, U *Block) bool {
	return int(x.ID) < len(r.idx) && r.idx[x.ID] != 0 && r.liveIn(x).has(U.ID)
}

// avail reports whether v can be recomputed in U from values live on
// entry to U (level: v's depth in the chain).
func (r *remat) avail(v *Value, U *Block, level int) bool {
	x := v.operand()
	if r.liveAt(x, U) {
		return true
	}
	return level < 1 && rematOp(x) && x.Block != U && r.avail(x, U, level+1)
}

// rewrite points U's uses of the values marked ok for U at copies made
// in U before the first of them.
func (r *remat) rewrite(U *Block, ok []int32) {
	if r.copies == nil {
		r.copies = map[*Value]*Value{}
	}
	clear(r.copies)
	out := make([]*Value, 0, len(U.Values)+4)
	// The copies made here have IDs past ok's end.
	want := func(v *Value) bool { return int(v.ID) < len(ok) && ok[v.ID] == U.ID+1 }
	get := func(v *Value, pos int32) *Value {
		return r.copyIn(U, v, pos, &out)
	}
	for _, a := range U.Values {
		for i, v := range a.Args {
			if want(v) {
				a.Args[i] = get(v, a.Pos)
			}
		}
		out = append(out, a)
	}
	// Copies for the block's end go before a control computed last, so
	// it can still fuse into the branch.
	var tail *Value
	if n := len(out); n > 0 && out[n-1] == U.Control {
		tail, out = out[n-1], out[:n-1]
	}
	for _, e := range U.Succs {
		for i, v := range e.Args {
			if want(v) {
				e.Args[i] = get(v, U.Pos)
			}
		}
	}
	if c := U.Control; c != nil && want(c) {
		U.Control = get(c, U.Pos)
	}
	for i, v := range U.Results {
		if want(v) {
			U.Results[i] = get(v, U.Pos)
		}
	}
	if tail != nil {
		out = append(out, tail)
	}
	U.Values = out
}

// copyIn returns v's copy in U for one more use, appending it (and the
// copy of its operand, if that is not live in U) to out when new.
func (r *remat) copyIn(U *Block, v *Value, pos int32, out *[]*Value) *Value {
	c := r.make(U, v, pos, out)
	c.Uses++
	v.Uses--
	return c
}

// make returns v's copy in U, appending it to out when new (NewValue
// counts the copy's reads of its operands).
func (r *remat) make(U *Block, v *Value, pos int32, out *[]*Value) *Value {
	if c := r.copies[v]; c != nil {
		return c
	}
	x := v.operand()
	if !(r.liveAt(x, U)) {
		x = r.make(U, x, pos, out)
	}
	var c *Value
	if k := v.Args[0]; k.Op == OpConst {
		c = r.f.NewValue(U, v.Op, v.Type, k, x)
	} else {
		c = r.f.NewValue(U, v.Op, v.Type, x, v.Args[1])
	}
	c.Aux, c.Aux2, c.Pos = v.Aux, v.Aux2, pos
	r.copies[v] = c
	*out = append(*out, c)
	return c
}

// note records the pair (v, b) for a read of v in b, once per block.
func (r *remat) note(v *Value, b *Block) {
	if v.Block != b && r.seen[v.ID] != b.ID+1 && rematOp(v) {
		r.seen[v.ID] = b.ID + 1
		r.pairs = append(r.pairs, rpair{v, b})
	}
}

// noteUse records a read of v in b when v is tracked.
func (r *remat) noteUse(v *Value, b *Block) {
	if k := r.idx[v.ID]; k != 0 {
		r.uses = append(r.uses, ruse{k - 1, b})
	}
}
