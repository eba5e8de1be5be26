package ssa

// fuseAndNot turns x & (y ^ -1), the xor used only there, into one
// and-not: BMI1's andn d, y, x (d = ^y & x) in a single instruction
// without a copy of y, or without BMI1 a not and an and (isa/amd64,
// intBin). Compilers write ^y & x as an xor with all ones and an and; it
// is the core of the word-at-a-time zero-byte test of strlen, memchr and
// friends ((w - 0x01..01) & ^w & 0x80..80), so the inner loops of C
// string code shrink by two of their ten instructions. The xor moves down
// to just before the and, so y stays live (in its register) until the
// and reads it, as fuseScaledAdds does for a shift.
func fuseAndNot(f *Func) {
	for _, b := range f.Blocks {
		var fused map[*Value]*Value // and -> its xor
		for _, v := range b.Values {
			if v.Op != OpAnd {
				continue
			}
			for j, n := range v.Args {
				x := v.Args[1-j]
				if !isNot(n) || n.Block != b || n.Uses != 1 || n.Type != v.Type || n.Fused ||
					x.Op == OpConst || x == n || n.Args[0].Op == OpConst {
					continue
				}
				n.Fused = true
				if fused == nil {
					fused = map[*Value]*Value{}
				}
				fused[v] = n
				break
			}
		}
		if fused == nil {
			continue
		}
		vs := b.Values[:0:0]
		for _, v := range b.Values {
			if v.Fused && v.Op == OpXor {
				continue
			}
			if n := fused[v]; n != nil {
				vs = append(vs, n)
			}
			vs = append(vs, v)
		}
		b.Values = vs
	}
}

// isNot reports whether v is an integer xor with all ones (bitwise not).
func isNot(v *Value) bool {
	if v.Op != OpXor || len(v.Args) != 2 {
		return false
	}
	c := v.Args[1]
	if c.Op != OpConst {
		return false
	}
	switch v.Type {
	case TI32:
		return uint32(c.Aux) == 0xFFFFFFFF
	case TI64:
		return c.Aux == -1
	}
	return false
}
