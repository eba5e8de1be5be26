package ssa

// fuseAndTests marks an integer and whose only use is its block's
// branch, directly (br_if on x & m) or through a comparison with zero
// that fuseCompares fused into the branch (eqz, == 0, != 0), as part of
// that branch: x86's test computes the and's flags without writing a
// register, so `mov r, x; and r, m; jne` (the copy because x lives on)
// becomes `test x, m; jne`. C's flag and bit tests (`if (h & 1)`,
// `if (!(flags & F))`, dlmalloc's chunk bits) compile to such ands. The
// and moves to just before the branch (or before the fused comparison
// that ends the block), so its operands stay live until the test reads
// them; it takes no register.
//
// It runs after fuseAndNot, whose and must stay an instruction (an and
// with a fused operand is left alone), and before fuseLoads, which then
// gives a fused and no memory operand.
func fuseAndTests(f *Func) {
	for _, b := range f.Blocks {
		c := b.Control
		if b.Kind != BlockIf || c == nil || c.Block != b || len(b.Values) == 0 || b.Values[len(b.Values)-1] != c {
			continue
		}
		x := c
		if c.Op != OpAnd {
			if !c.Fused || !zeroTest(c) {
				continue
			}
			x = c.Args[0]
		}
		if x.Op != OpAnd || x.Block != b || x.Uses != 1 || x.Fused || x.Type != TI32 && x.Type != TI64 ||
			x.Args[0].Fused || x.Args[1].Fused || x.Args[0].Op == OpConst && x.Args[1].Op == OpConst {
			continue
		}
		// Move x to just before c (c itself when c == x: the end).
		vs := b.Values
		i := 0
		for vs[i] != x {
			i++
		}
		end := len(vs) - 1
		if x != c {
			end--
		}
		copy(vs[i:end], vs[i+1:end+1])
		vs[end] = x
		x.Fused = true
	}
}

// zeroTest reports whether comparison c tests its first operand against
// zero: eqz x, x == 0, x != 0.
func zeroTest(c *Value) bool {
	switch c.Op {
	case OpEqz:
		return true
	case OpEq, OpNe:
		y := c.Args[1]
		return y.Op == OpConst && y.Aux == 0 && c.Args[0].Op != OpConst
	}
	return false
}
