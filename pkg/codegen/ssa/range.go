package ssa

import (
	"math"
	"math/bits"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// urange is an interval [lo, hi] of unsigned 32-bit values, the range
// facts of foldAddressAdds. Bounds are uint64 so sums and products of two
// bounds cannot overflow before they are compared with 2^32.
type urange struct{ lo, hi uint64 }

var fullRange = urange{0, math.MaxUint32}

func (r urange) meet(s urange) urange { return urange{max(r.lo, s.lo), min(r.hi, s.hi)} }

// rangeDepth bounds how far rangeOf looks through operands: address
// arithmetic is a few operations deep, and the walk must stay linear.
const rangeDepth = 6

// rangeOf returns an interval holding every value i32 value v can take
// where facts (intervals known from dominating branches) hold. Anything
// it does not understand is fullRange. Each rule must hold for every
// input in its operands' intervals: the folds it justifies change the
// address of a memory access otherwise.
func rangeOf(v *Value, facts map[*Value]urange, depth int) urange {
	if v.Type != TI32 {
		return fullRange
	}
	r := fullRange
	if f, ok := facts[v]; ok {
		r = f
	}
	if depth == 0 {
		return r
	}
	arg := func(i int) urange { return rangeOf(v.Args[i], facts, depth-1) }
	constArg := func(i int) (uint64, bool) {
		if a := v.Args[i]; a.Op == OpConst {
			return uint64(uint32(a.Aux)), true
		}
		return 0, false
	}
	switch v.Op {
	case OpConst:
		c := uint64(uint32(v.Aux))
		return urange{c, c}
	case OpEqz, OpEq, OpNe, OpLtS, OpLtU, OpGtS, OpGtU, OpLeS, OpLeU, OpGeS, OpGeU:
		return r.meet(urange{0, 1})
	case OpClz, OpCtz, OpPopcnt:
		return r.meet(urange{0, 32})
	case OpAnd:
		return r.meet(urange{0, min(arg(0).hi, arg(1).hi)})
	case OpOr, OpXor:
		// No bit above the highest of either operand's bound: a
		// table index (c ^ *p) of a CRC or hash, both bytes.
		hi := max(arg(0).hi, arg(1).hi)
		return r.meet(urange{0, 1<<bits.Len64(hi) - 1})
	case OpRemU:
		if c, ok := constArg(1); ok && c != 0 {
			return r.meet(urange{0, c - 1})
		}
	case OpShrU:
		if k, ok := constArg(1); ok {
			x := arg(0)
			return r.meet(urange{x.lo >> (k & 31), x.hi >> (k & 31)})
		}
	case OpShl:
		if k, ok := constArg(1); ok {
			if x := arg(0); x.hi<<(k&31) <= math.MaxUint32 {
				return r.meet(urange{x.lo << (k & 31), x.hi << (k & 31)})
			}
		}
	case OpMul:
		if x, y := arg(0), arg(1); x.hi*y.hi <= math.MaxUint32 {
			return r.meet(urange{x.lo * y.lo, x.hi * y.hi})
		}
	case OpAdd:
		if x, y := arg(0), arg(1); x.hi+y.hi <= math.MaxUint32 {
			return r.meet(urange{x.lo + y.lo, x.hi + y.hi})
		}
	case OpSub:
		if x, y := arg(0), arg(1); x.lo >= y.hi {
			return r.meet(urange{x.lo - y.hi, x.hi - y.lo})
		}
	case OpLoad:
		switch wasm.Opcode(v.Aux2) {
		case wasm.OpI32Load8U:
			return r.meet(urange{0, math.MaxUint8})
		case wasm.OpI32Load16U:
			return r.meet(urange{0, math.MaxUint16})
		}
	}
	return r
}

// mirrored is the comparison with its operands swapped, negated its
// complement (the branch not taken); OpInvalid for the others. Arrays,
// not maps: static data, no package initialisation (a runtime that only
// loads objects must not pay for the compiler's).
var (
	mirrored = [OpCount]Op{OpLtU: OpGtU, OpGtU: OpLtU, OpLeU: OpGeU, OpGeU: OpLeU, OpEq: OpEq, OpNe: OpNe}
	negated  = [OpCount]Op{OpLtU: OpGeU, OpGeU: OpLtU, OpLeU: OpGtU, OpGtU: OpLeU, OpEq: OpNe, OpNe: OpEq}
)

// branchFact returns what the branch ending p says of one of its i32
// operands on the way to b, which must be one of p's two distinct
// successors: x <u c taken means x in [0, c-1], not taken [c, max], and
// so on. ok is false when the branch is not an unsigned compare or
// equality of a value with a constant.
func branchFact(p, b *Block) (x *Value, r urange, ok bool) {
	if p.Kind != BlockIf || p.Succs[0].B == p.Succs[1].B || p.Control == nil {
		return nil, urange{}, false
	}
	c := p.Control
	if len(c.Args) != 2 || c.Args[0].Type != TI32 {
		return nil, urange{}, false
	}
	op := c.Op
	x, k := c.Args[0], c.Args[1]
	if x.Op == OpConst {
		// c op x is x op' c with the comparison mirrored.
		x, k = k, x
		op = mirrored[op]
	}
	if k.Op != OpConst || x.Op == OpConst {
		return nil, urange{}, false
	}
	n := uint64(uint32(k.Aux))
	taken := p.Succs[0].B == b
	if !taken {
		op = negated[op]
	}
	switch {
	case op == OpLtU && n > 0:
		return x, urange{0, n - 1}, true
	case op == OpLeU:
		return x, urange{0, n}, true
	case op == OpGtU && n < math.MaxUint32:
		return x, urange{n + 1, math.MaxUint32}, true
	case op == OpGeU:
		return x, urange{n, math.MaxUint32}, true
	case op == OpEq:
		return x, urange{n, n}, true
	}
	return nil, urange{}, false
}
