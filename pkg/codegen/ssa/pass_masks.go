package ssa

import "math/bits"

// dropRedundantMasks replaces x & c by x where no bit of x outside c can
// be set: C's (uint8_t) and (uint16_t) casts of values that are bytes or
// halfwords already, as a byte loaded with load8_u, the xor of two, or a
// loop-carried byte (a block parameter whose every incoming value is
// one). possible computes, for each integer value, a superset of the bits
// it may have set: a constant's own, a narrow unsigned load's width, an
// and's intersection, an or's or xor's union, shifts and rotates by a
// constant, a comparison's 1, a bit count's 0..64, a zero extension's
// operand's, a select's arms', and for block parameters the union over
// the incoming edges, to a fixpoint (starting from nothing: the loop's
// own value comes around with no more bits than its other inputs give
// it). Everything else may have any bit of its type set. It runs after
// fold; deadCode drops the ands left unused.
func dropRedundantMasks(f *Func) {
	vb := f.WS.ValueBump()
	ands := constMasks(f, vb)
	if len(ands) == 0 {
		return // most functions: no fixpoint to run (4.8% of gobig's compile)
	}
	maxID := f.NextID
	// The tables and the steps come from the workspace: allocated afresh
	// per function they were ~15% of gobig's -O 2 compile's allocation.
	pb := f.WS.Uint64s(int(maxID))
	known := f.WS.Bools(int(maxID)) // pb holds the value's bits so far
	full := func(t Type) uint64 { return maskTo(t, ^uint64(0)) }
	get := func(v *Value) uint64 {
		v = resolve(v)
		if v.ID < maxID && known[v.ID] {
			return pb[v.ID]
		}
		if v.Op == OpConst && (v.Type == TI32 || v.Type == TI64) {
			return maskTo(v.Type, uint64(v.Aux))
		}
		if v.Op == OpParam {
			return 0 // not reached yet: the fixpoint adds its inputs
		}
		return full(v.Type)
	}
	eval := func(v *Value) uint64 {
		t := v.Type
		if t != TI32 && t != TI64 {
			return 0
		}
		w := uint64(t.Size()) // in bits
		cnt := func() (uint64, bool) {
			c := resolve(v.Args[1])
			if c.Op != OpConst {
				return 0, false
			}
			return uint64(c.Aux) % w, true
		}
		switch v.Op {
		case OpConst:
			return maskTo(t, uint64(v.Aux))
		case OpLoad:
			switch v.Aux2 {
			case 0x2d, 0x31: // i32.load8_u, i64.load8_u
				return 0xff
			case 0x2f, 0x33: // load16_u
				return 0xffff
			case 0x35: // i64.load32_u
				return 0xffffffff
			}
		case OpAnd:
			return get(v.Args[0]) & get(v.Args[1])
		case OpOr, OpXor:
			return get(v.Args[0]) | get(v.Args[1])
		case OpShrU:
			if k, ok := cnt(); ok {
				return get(v.Args[0]) >> k
			}
		case OpShl:
			if k, ok := cnt(); ok {
				return maskTo(t, get(v.Args[0])<<k)
			}
		case OpRotl, OpRotr:
			if k, ok := cnt(); ok {
				x := get(v.Args[0])
				if v.Op == OpRotr {
					k = (w - k) % w
				}
				if t == TI32 {
					return uint64(bits.RotateLeft32(uint32(x), int(k)))
				}
				return bits.RotateLeft64(x, int(k))
			}
		case OpEq, OpNe, OpLtS, OpLtU, OpGtS, OpGtU, OpLeS, OpLeU, OpGeS, OpGeU, OpEqz,
			OpFEq, OpFNe, OpFLt, OpFGt, OpFLe, OpFGe:
			return 1
		case OpClz, OpCtz, OpPopcnt:
			return 0x7f
		case OpExtendU:
			return get(v.Args[0])
		case OpWrap:
			return maskTo(TI32, get(v.Args[0]))
		case OpSelect:
			return get(v.Args[1]) | get(v.Args[2])
		}
		return full(t)
	}
	set := func(v *Value, b uint64) bool {
		if known[v.ID] && pb[v.ID] == b {
			return false
		}
		known[v.ID], pb[v.ID] = true, b
		return true
	}
	// Parameters of the entry block, and of any block no edge reaches,
	// may hold anything.
	for _, b := range f.Blocks {
		if b == f.Entry || len(b.Preds) == 0 {
			for _, p := range b.Params {
				if p.ID < maxID {
					known[p.ID], pb[p.ID] = true, full(p.Type)
				}
			}
		}
	}
	// Other block parameters start from nothing and grow with their
	// inputs until nothing changes; values are recomputed from them each
	// round.
	// The first round visits every value and edge and keeps, in the same
	// order, the steps whose result can still change (values computed
	// from other values, edges into integer parameters); the later rounds
	// repeat only those (gobig: most values are loads, calls and
	// constants, fixed after one look).
	// steps holds pairs (v, p): p == nil evaluates v; else p |= v.
	//
	// Only the values the masked operands' bits are computed from take
	// part (need): the and's operand, the operands of those whose bits
	// depend on their operands, and a block parameter's incoming values,
	// recursively (gobig: a few percent of the values). Their steps are
	// the same, in the same order, as over the whole function.
	//
	// blkNeed marks the blocks holding a value needed or ending in an
	// edge into a parameter needed: the first round skips the others,
	// nearly all of a big function.
	need := f.WS.Bools(int(maxID))
	blkNeed := f.WS.Bools(int(f.NextBlock))
	var work []*Value
	mark := func(v *Value) {
		if v = resolve(v); v.ID < maxID && !need[v.ID] {
			need[v.ID] = true
			blkNeed[v.Block.ID] = true
			work = append(Grow(vb, work, 1), v)
		}
	}
	for _, v := range ands {
		for i := 0; i < 2; i++ {
			if x, c := resolve(v.Args[i]), resolve(v.Args[1-i]); c.Op == OpConst && x.Op != OpConst {
				mark(x)
			}
		}
	}
	for len(work) > 0 {
		v := work[len(work)-1]
		work = work[:len(work)-1]
		if dependsOnArgs(v) {
			for _, a := range v.Args {
				mark(a)
			}
			continue
		}
		if v.Op != OpParam || v.Type != TI32 && v.Type != TI64 {
			continue
		}
		b := v.Block
		i := 0
		for i < len(b.Params) && b.Params[i] != v {
			i++
		}
		if i == len(b.Params) {
			continue
		}
		for _, p := range b.Preds {
			blkNeed[p.ID] = true
			for _, e := range p.Succs {
				if e.B == b {
					mark(e.Args[i])
				}
			}
		}
	}
	var steps []*Value
	edge := func(p, a *Value) bool {
		nb := get(p) | get(a)
		if !known[p.ID] || nb != pb[p.ID] {
			known[p.ID], pb[p.ID] = true, nb
			return true
		}
		return false
	}
	changed := false
	for _, b := range f.Blocks {
		if !blkNeed[b.ID] {
			continue
		}
		for _, v := range b.Values {
			if v.ID >= maxID || !need[v.ID] {
				continue
			}
			if set(v, eval(v)) {
				changed = true
			}
			if dependsOnArgs(v) {
				steps = append(Grow(vb, steps, 2), v, nil)
			}
		}
		for _, e := range b.Succs {
			for i, a := range e.Args {
				p := e.B.Params[i]
				if p.ID >= maxID || !need[p.ID] || p.Type != TI32 && p.Type != TI64 {
					continue
				}
				if edge(p, a) {
					changed = true
				}
				steps = append(Grow(vb, steps, 2), a, p)
			}
		}
	}
	for changed {
		changed = false
		for k := 0; k < len(steps); k += 2 {
			v, p := steps[k], steps[k+1]
			if p == nil {
				if set(v, eval(v)) {
					changed = true
				}
			} else if edge(p, v) {
				changed = true
			}
		}
	}
	// Dropping an and forwards it to an operand that is no constant, so
	// the others' operands stay constants or not: the list holds every
	// and that can go.
	dropped := false
	for _, v := range ands {
		for i := 0; i < 2; i++ {
			x, c := resolve(v.Args[i]), resolve(v.Args[1-i])
			if c.Op == OpConst && x.Op != OpConst && get(x)&^maskTo(v.Type, uint64(c.Aux)) == 0 {
				v.fwd = x
				dropped = true
				break
			}
		}
	}
	if dropped {
		for _, b := range f.Blocks {
			resolveBlock(b)
		}
	}
}

// constMasks lists, in layout order, the integer ands with one constant
// operand, the only thing dropRedundantMasks can remove.
func constMasks(f *Func, vb *Bump[*Value]) []*Value {
	var ands []*Value
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			if v.Op != OpAnd || v.fwd != nil || v.Type != TI32 && v.Type != TI64 {
				continue
			}
			if x, c := resolve(v.Args[0]), resolve(v.Args[1]); x.Op == OpConst != (c.Op == OpConst) {
				ands = append(Grow(vb, ands, 1), v)
			}
		}
	}
	return ands
}

// dependsOnArgs says whether dropRedundantMasks's bits for v are computed
// from its arguments' (and may change as they do), rather than fixed by
// its op alone.
func dependsOnArgs(v *Value) bool {
	if v.Type != TI32 && v.Type != TI64 {
		return false
	}
	switch v.Op {
	case OpAnd, OpOr, OpXor, OpShrU, OpShl, OpRotl, OpRotr, OpExtendU, OpWrap, OpSelect:
		return true
	}
	return false
}
