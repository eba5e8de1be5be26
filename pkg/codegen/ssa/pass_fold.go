package ssa

// fold rewrites integer values whose result follows from their operands:
// operations on constants become constants, identities (x+0, x|0, x^0,
// x-0, x*1, x&-1, shifts by 0) become their operand, multiplications by
// a power of two become shifts (which fuseScaledAdds can then turn into
// a scaled lea), or-trees that reverse a value's bytes become a byte swap
// (pass_bswap.go), a left shift and an arithmetic right shift by the same
// 24 or 16 (i32), 56, 48 or 32 (i64) a sign extension, remainder by 1
// (and rem_s by -1) zero, and eqz of an integer comparison becomes the inverse
// comparison, so a branch on it fuses into one cmp+jcc instead of
// materializing two booleans; eqz looks through a zero or sign extension
// to i64, and eqz (eqz x) becomes x != 0 (Go's booleans: i64 extensions
// of comparisons tested with i64.eqz, once or twice). It runs before
// deadCode, which drops the values left unused and recounts uses.
func fold(f *Func) {
	// vs and the rewritten blocks' value lists come from the workspace:
	// allocated afresh per function they were ~2% of gobig's -O 2
	// compile's allocation.
	// A block's list is copied only once a value is inserted: most
	// blocks get none.
	var vs []*Value
	vb := f.WS.ValueBump()
	for _, b := range f.Blocks {
		vs = vs[:0]
		grew := false
		insert := func(i int, c *Value) {
			if !grew {
				vs = append(Grow(vb, vs, i+1), b.Values[:i]...)
				grew = true
			}
			vs = append(Grow(vb, vs, 1), c)
		}
		for i, v := range b.Values {
			for i, a := range v.Args {
				v.Args[i] = resolve(a)
			}
			if x := foldValue(v); x != nil {
				v.fwd = x
			} else if v.Op == OpOr {
				// The op tested here, not in a call per value: byteSwapOf
				// and mulByPow2 were ~0.3% of gobig's compile saying no.
				if x := byteSwapOf(v); x != nil {
					v.Op, v.Args = OpBswap, []*Value{x}
				}
			} else if x := doubleEqz(v); x != nil {
				// eqz (eqz x) is x != 0: one test where there were two
				// tests and two materialized booleans.
				c := f.NewValue(b, OpConst, x.Type)
				c.Pos = v.Pos
				insert(i, c)
				v.Op, v.Args = OpNe, []*Value{x, c}
			}
			if v.Op == OpMul {
				if k, ok := mulByPow2(v); ok {
					// The shift count is a new constant: the multiplier
					// may have other uses.
					c := f.NewValue(b, OpConst, v.Type)
					c.Aux, c.Pos = k, v.Pos
					insert(i, c)
					v.Op, v.Args = OpShl, []*Value{v.Args[0], c}
				}
			}
			if grew {
				vs = append(Grow(vb, vs, 1), v)
			}
		}
		if grew {
			b.Values = f.WS.Values(len(vs))
			copy(b.Values, vs)
		}
		if b.Control != nil {
			b.Control = resolve(b.Control)
		}
		for i, r := range b.Results {
			b.Results[i] = resolve(r)
		}
		for _, e := range b.Succs {
			for i, a := range e.Args {
				e.Args[i] = resolve(a)
			}
		}
	}
}

// invertedCompare maps an integer comparison to its negation.
var invertedCompare = [OpCount]Op{
	OpEq: OpNe, OpNe: OpEq, OpLtS: OpGeS, OpGeS: OpLtS, OpLtU: OpGeU, OpGeU: OpLtU,
	OpGtS: OpLeS, OpLeS: OpGtS, OpGtU: OpLeU, OpLeU: OpGtU,
}

// foldValue rewrites v in place, or returns the value that replaces it.
func foldValue(v *Value) *Value {
	if v.Op == OpEqz {
		a := v.Args[0]
		if a.Op == OpExtendU || a.Op == OpExtendS {
			// An i64 is zero exactly when the i32 it extends is: Go's
			// booleans, i64.eqz (i64.extend_i32_u (a comparison)).
			a = a.Args[0]
			v.Args[0] = a
		}
		if inv := invertedCompare[a.Op]; inv != OpInvalid {
			v.Op, v.Args = inv, []*Value{a.Args[0], a.Args[1]}
			return nil
		}
		if a.Op == OpEqz && (IsCompare(a.Args[0].Op) || IsFloatCompare(a.Args[0].Op)) {
			return a.Args[0] // already 0 or 1
		}
		if a.Op == OpConst {
			v.Op, v.Args, v.Aux = OpConst, nil, B2i[int64](maskTo(a.Type, uint64(a.Aux)) == 0)
		}
		return nil
	}
	if len(v.Args) != 2 || v.Type != TI32 && v.Type != TI64 {
		return nil
	}
	x, y := v.Args[0], v.Args[1]
	t := x.Type
	if t != TI32 && t != TI64 || y.Type != t {
		return nil
	}
	if x.Op == OpConst && y.Op == OpConst {
		if r, ok := evalConst(v.Op, t, uint64(x.Aux), uint64(y.Aux)); ok {
			v.Op, v.Args, v.Aux, v.Aux2 = OpConst, nil, int64(maskTo(v.Type, r)), 0
		}
		return nil
	}
	if x.Op == OpConst && OpInfos[v.Op].Commutative && !IsCompare(v.Op) {
		x, y = y, x
	}
	if y.Op != OpConst || x.Type != v.Type {
		return nil
	}
	c := maskTo(t, uint64(y.Aux))
	bits := uint64(t.Size())
	switch v.Op {
	case OpAdd, OpSub, OpOr, OpXor:
		if c == 0 {
			return x
		}
	case OpShl, OpShrS, OpShrU, OpRotl, OpRotr:
		if c%bits == 0 {
			return x
		}
		if v.Op == OpShrS {
			signExtendOf(v, x, c%bits)
		}
	case OpAnd:
		if c == maskTo(t, ^uint64(0)) {
			return x
		}
	case OpMul:
		if c == 1 {
			return x
		}
		v.Args = []*Value{x, y} // the constant second, for mulByPow2
	case OpRemU, OpRemS:
		// Remainder by 1 is 0, and by -1 too (INT_MIN rem_s -1 does not
		// trap); pass_divconst.go takes the other constant divisors.
		if c == 1 || v.Op == OpRemS && c == maskTo(t, ^uint64(0)) {
			v.Op, v.Args, v.Aux, v.Aux2 = OpConst, nil, 0, 0
		}
	}
	return nil
}

// signExtendOf rewrites v = shr_s (shl y k) k, k = c, into the sign
// extension of y's low 64-k bits when that is 8, 16 or (i64) 32 bits:
// C's (int8_t) casts compiled without the sign-extension feature (clang
// before 16 by default) come as such shift pairs, e.g. AES's xtime, and
// one movsx replaces a shl and a sar (what Cranelift does too).
func signExtendOf(v, x *Value, c uint64) {
	if x.Op != OpShl {
		return
	}
	// x's block may come later in the layout, its operands not yet
	// resolved.
	y, k := resolve(x.Args[0]), resolve(x.Args[1])
	if k.Op != OpConst || maskTo(x.Type, uint64(k.Aux))%uint64(x.Type.Size()) != c {
		return
	}
	op := OpInvalid
	switch uint64(v.Type.Size()) - c {
	case 8:
		op = OpExtend8S
	case 16:
		op = OpExtend16S
	case 32:
		if v.Type == TI64 {
			op = OpExtend32S
		}
	}
	if op != OpInvalid {
		v.Op, v.Args, v.Aux, v.Aux2 = op, []*Value{y}, 0, 0
	}
}

// mulByPow2 reports whether v multiplies by a power of two 2^k, k >= 1,
// and k.
func mulByPow2(v *Value) (int64, bool) {
	if v.Op != OpMul || v.Type != TI32 && v.Type != TI64 || v.Args[1].Op != OpConst || v.Args[0].Op == OpConst {
		return 0, false
	}
	c := maskTo(v.Type, uint64(v.Args[1].Aux))
	if c < 2 || c&(c-1) != 0 {
		return 0, false
	}
	k := int64(0)
	for c>>k != 1 {
		k++
	}
	return k, true
}

// doubleEqz returns x when v is eqz (eqz x) of an integer x that is not
// itself a comparison (whose eqz of eqz foldValue drops).
func doubleEqz(v *Value) *Value {
	if v.Op != OpEqz || v.Args[0].Op != OpEqz {
		return nil
	}
	x := v.Args[0].Args[0]
	if x.Type != TI32 && x.Type != TI64 || x.Op == OpConst {
		return nil
	}
	return x
}

// maskTo truncates bits to the width of t (i32 constants are kept
// zero-extended in Aux).
func maskTo(t Type, bits uint64) uint64 {
	if t == TI32 {
		return uint64(uint32(bits))
	}
	return bits
}

// evalConst computes an integer operation on constants of type t
// (comparisons give 0 or 1), unless it traps.
func evalConst(op Op, t Type, a, b uint64) (uint64, bool) {
	a, b = maskTo(t, a), maskTo(t, b)
	w := uint64(t.Size())
	sa, sb := int64(a), int64(b)
	if t == TI32 {
		sa, sb = int64(int32(a)), int64(int32(b))
	}
	sh := b % w
	switch op {
	case OpAdd:
		return a + b, true
	case OpSub:
		return a - b, true
	case OpMul:
		return a * b, true
	case OpAnd:
		return a & b, true
	case OpOr:
		return a | b, true
	case OpXor:
		return a ^ b, true
	case OpShl:
		return a << sh, true
	case OpShrU:
		return a >> sh, true
	case OpShrS:
		return uint64(sa >> sh), true
	case OpEq:
		return uint64(B2i[int64](a == b)), true
	case OpNe:
		return uint64(B2i[int64](a != b)), true
	case OpLtU:
		return uint64(B2i[int64](a < b)), true
	case OpGtU:
		return uint64(B2i[int64](a > b)), true
	case OpLeU:
		return uint64(B2i[int64](a <= b)), true
	case OpGeU:
		return uint64(B2i[int64](a >= b)), true
	case OpLtS:
		return uint64(B2i[int64](sa < sb)), true
	case OpGtS:
		return uint64(B2i[int64](sa > sb)), true
	case OpLeS:
		return uint64(B2i[int64](sa <= sb)), true
	case OpGeS:
		return uint64(B2i[int64](sa >= sb)), true
	case OpDivU, OpRemU:
		if b == 0 {
			return 0, false // it traps
		}
		if op == OpDivU {
			return a / b, true
		}
		return a % b, true
	case OpDivS, OpRemS:
		// The signed minimum over -1 traps for div_s, and is 0 for rem_s
		// (Go's % gives 0 too; Go's / wraps).
		if b == 0 || op == OpDivS && sb == -1 && sa == -1<<(w-1) {
			return 0, false
		}
		if op == OpDivS {
			return uint64(sa / sb), true
		}
		return uint64(sa % sb), true
	}
	return 0, false
}
