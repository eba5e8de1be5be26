package ssa

import "math/bits"

// divByConst rewrites integer division and remainder by a constant into
// multiplications, shifts and adds (divmagic.go): a div or idiv costs
// 20-90 cycles, the sequence a few. Divisors by kind:
//
//	0                       kept: it traps (divide by zero)
//	1                       x >> 0, a copy (rem: 0, by fold)
//	-1 for div_s            kept: INT_MIN / -1 traps (integer overflow)
//	-1 for rem_s            0, by fold
//	+-2^k (INT_MIN too)     shifts, with a bias for negative signed x
//	unsigned >= 2^(n-1)     x >= d
//	others                  the high half of x times a magic number
//
// i32 sequences compute in 64 bits (an ordinary multiply: the product
// of a 32-bit x and a 33-bit m fits), i64 ones take the high half of a
// 128-bit product (OpMulHiU, OpMulHiS). A remainder is x - (x/d)*d.
// It runs after elimBoundsChecks, whose interval facts know rem_u by a
// constant (range.go) and not the sequence that replaces it.
//
// ops, the set of ops of f, gains those of the sequences.
func divByConst(f *Func, ops *opSet) {
	// vs and the rewritten blocks' value lists come from the workspace,
	// as in fold.
	// A block's values are copied only from its first rewrite on (most
	// blocks have no division by a constant).
	var vs []*Value
	vb := f.WS.ValueBump()
	for _, b := range f.Blocks {
		vs = vs[:0]
		grew := false
		for i, v := range b.Values {
			if isConstDivisible(v) {
				if !grew {
					vs = append(Grow(vb, vs, i), b.Values[:i]...)
				}
				r := divRewriter{f: f, b: b, pos: v.Pos, out: vs, ops: ops}
				if r.rewrite(v) {
					vs, grew = r.out, true
				} else if !grew {
					vs = vs[:0]
					continue
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
	}
}

func isConstDivisible(v *Value) bool {
	switch v.Op {
	case OpDivS, OpDivU, OpRemS, OpRemU:
		return (v.Type == TI32 || v.Type == TI64) && v.Args[1].Op == OpConst
	}
	return false
}

// divRewriter emits the values of a sequence, in order, ahead of the
// division it replaces.
type divRewriter struct {
	f   *Func
	b   *Block
	pos int32
	out []*Value
	ops *opSet
}

func (r *divRewriter) val(op Op, t Type, args ...*Value) *Value {
	v := r.f.NewValue(r.b, op, t, args...)
	v.Pos = r.pos
	r.ops.add(op)
	r.out = append(Grow(r.f.WS.ValueBump(), r.out, 1), v)
	return v
}

func (r *divRewriter) konst(t Type, c uint64) *Value {
	v := r.val(OpConst, t)
	v.Aux = int64(maskTo(t, c))
	return v
}

// binC is op(x, constant c) of x's type.
func (r *divRewriter) binC(op Op, x *Value, c uint64) *Value {
	return r.val(op, x.Type, x, r.konst(x.Type, c))
}

// rewrite turns v into the last value of its sequence, or reports false
// when v keeps its division.
func (r *divRewriter) rewrite(v *Value) bool {
	x, t := v.Args[0], v.Type
	n := uint(t.Size())
	d := maskTo(t, uint64(v.Args[1].Aux))
	var q *Value
	rem := v.Op == OpRemS || v.Op == OpRemU
	switch v.Op {
	case OpDivU, OpRemU:
		if d == 0 {
			return false // it traps
		}
		if d&(d-1) == 0 && v.Op == OpRemU {
			// x & (d-1): the generic x - (x>>k)*d is three ops.
			q, rem = r.binC(OpAnd, x, d-1), false
			break
		}
		q = r.udiv(x, n, d)
	default:
		sd := int64(d)
		if t == TI32 {
			sd = int64(int32(d))
		}
		if sd == 0 || sd == -1 {
			return false // 0 traps, INT_MIN / -1 traps (rem_s by -1 is fold's)
		}
		if sd == 1 {
			q = r.binC(OpShrU, x, 0)
			break
		}
		q = r.sdiv(x, n, sd)
	}
	if rem {
		q = r.val(OpSub, t, x, r.binC(OpMul, q, d))
	}
	// v becomes a copy of q's operation: its uses stay as they are, and
	// q, now unused, is left to deadCode.
	v.Op, v.Args, v.Aux, v.Aux2 = q.Op, q.Args, q.Aux, q.Aux2
	return true
}

// udiv emits x/d for unsigned x, d >= 1.
func (r *divRewriter) udiv(x *Value, n uint, d uint64) *Value {
	t := x.Type
	if d&(d-1) == 0 {
		return r.binC(OpShrU, x, uint64(bits.TrailingZeros64(d)))
	}
	if d > maskTo(t, ^uint64(0))>>1 {
		// The quotient is 0 or 1.
		q := r.val(OpGeU, TI32, x, r.konst(t, d))
		if t == TI64 {
			q = r.val(OpExtendU, TI64, q)
		}
		return q
	}
	pre, m, k := udivMagic(n, d)
	if t == TI32 {
		x64 := r.val(OpExtendU, TI64, x)
		if pre > 0 {
			x64 = r.binC(OpShrU, x64, uint64(pre))
		}
		var q *Value
		if m.BitLen() <= 32 {
			q = r.binC(OpShrU, r.binC(OpMul, x64, m.Uint64()), uint64(k))
		} else {
			// m = 2^32 + m': x*m >> k = ((x*m' >> 32) + x) >> (k-32),
			// every term well inside 64 bits.
			h := r.binC(OpShrU, r.binC(OpMul, x64, m.Uint64()-1<<32), 32)
			q = r.binC(OpShrU, r.val(OpAdd, TI64, h, x64), uint64(k-32))
		}
		return r.val(OpWrap, TI32, q)
	}
	if m.BitLen() <= 64 {
		if pre > 0 {
			x = r.binC(OpShrU, x, uint64(pre))
		}
		if k < 64 {
			// The high half shifts by 64: m < 2^k (d >= 3), so
			// m * 2^(64-k) still fits.
			m = m.lsh(64 - k)
			k = 64
		}
		h := r.val(OpMulHiU, TI64, x, r.konst(TI64, m.Uint64()))
		if k == 64 {
			return h
		}
		return r.binC(OpShrU, h, uint64(k-64))
	}
	// m = 2^64 + m', h = x*m' >> 64 <= x: x*m >> k is (h + x) >> (k-64),
	// and h + x may carry out; ((x - h) >> 1) + h is (h + x) >> 1
	// without the carry (x - h and x + h have the same parity).
	h := r.val(OpMulHiU, TI64, x, r.konst(TI64, m.Uint64()))
	s := r.val(OpAdd, TI64, r.binC(OpShrU, r.val(OpSub, TI64, x, h), 1), h)
	if k == 65 {
		return s
	}
	return r.binC(OpShrU, s, uint64(k-65))
}

// sdiv emits x/d rounded toward zero for signed x, d not 0, 1 or -1.
func (r *divRewriter) sdiv(x *Value, n uint, d int64) *Value {
	t := x.Type
	ad := uint64(d)
	if d < 0 {
		ad = -ad // INT_MIN stays 2^(n-1), as an unsigned magnitude
	}
	ad = maskTo(t, ad)
	var q *Value
	if ad&(ad-1) == 0 {
		// x >> k rounds down; adding 2^k-1 to a negative x first rounds
		// toward zero. The bias is the sign bits shifted down.
		k := uint64(bits.TrailingZeros64(ad))
		sign := x
		if k > 1 {
			sign = r.binC(OpShrS, x, uint64(n-1))
		}
		bias := r.binC(OpShrU, sign, uint64(n)-k)
		q = r.binC(OpShrS, r.val(OpAdd, t, x, bias), k)
	} else {
		m, l := sdivMagic(n, ad)
		// The floor of x*m / 2^(n-1+l), then +1 for x < 0: minus x's
		// sign (0 or -1).
		var fl *Value
		if t == TI32 {
			// |x| <= 2^31 and m < 2^32: the product fits an int64.
			p := r.binC(OpMul, r.val(OpExtendS, TI64, x), m)
			fl = r.val(OpWrap, TI32, r.binC(OpShrS, p, uint64(31+l)))
		} else if m%2 == 0 {
			// m/2 < 2^63 is a positive int64: x*m/2^(63+l) is
			// x*(m/2)/2^(62+l).
			fl = r.val(OpMulHiS, TI64, x, r.konst(TI64, m/2))
			if l > 2 {
				fl = r.binC(OpShrS, fl, uint64(l-2))
			}
		} else {
			// m >= 2^63 reads as m - 2^64 signed: the signed high half
			// is x*m/2^64 - x.
			h := r.val(OpAdd, TI64, r.val(OpMulHiS, TI64, x, r.konst(TI64, m)), x)
			fl = r.binC(OpShrS, h, uint64(l-1))
		}
		q = r.val(OpSub, t, fl, r.binC(OpShrS, x, uint64(n-1)))
	}
	if d < 0 {
		q = r.val(OpSub, t, r.konst(t, 0), q)
	}
	return q
}
