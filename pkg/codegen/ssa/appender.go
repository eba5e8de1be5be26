package ssa

// appender appends the values a loop rewrite builds (loop_idiom, scan)
// to the end of their blocks, all at one wasm position: the position of
// the access whose checks they are, so a trap they lead to reports it.
type appender struct {
	f   *Func
	pos int32
}

func (ap appender) val(b *Block, op Op, t Type, args ...*Value) *Value {
	v := ap.f.NewValue(b, op, t, args...)
	v.Pos = ap.pos
	b.Values = append(b.Values, v)
	return v
}

// cnst is a constant of type t; an i32's bits are kept zero-extended.
func (ap appender) cnst(b *Block, t Type, x int64) *Value {
	v := ap.val(b, OpConst, t)
	if t == TI32 {
		x = int64(uint32(x))
	}
	v.Aux = x
	return v
}

// at materializes a in block b at iteration tv (nil: 0).
func (ap appender) at(b *Block, a affine, tv *Value) *Value {
	var x *Value
	for _, t := range a.terms[:a.n] {
		if x == nil {
			x = t
		} else {
			x = ap.val(b, OpAdd, TI32, x, t)
		}
	}
	if tv != nil && a.s != 0 {
		st := ap.val(b, OpMul, TI32, tv, ap.cnst(b, TI32, int64(a.s)))
		if x == nil {
			x = st
		} else {
			x = ap.val(b, OpAdd, TI32, x, st)
		}
	}
	if x == nil {
		return ap.cnst(b, TI32, int64(a.c))
	}
	if a.c != 0 {
		x = ap.val(b, OpAdd, TI32, x, ap.cnst(b, TI32, int64(a.c)))
	}
	return x
}
