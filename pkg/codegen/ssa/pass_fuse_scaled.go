package ssa

// fuseScaledAdds turns x + (y << k), k in 1..3, with the shift used only
// there, into one lea with a scaled index: the shift produces no value of
// its own. The shift moves down to just before the add, so its operand
// stays live (in its register) until the lea reads it. An x = z + c (c a
// constant that fits a displacement, x used only there) goes into the lea
// too, as its displacement: lea c(z, y, 2^k). So does x = c itself (an
// indexed static array, T + (i << k), whose access could not take c as
// its offset): lea c(, y, 2^k), with no base.
func fuseScaledAdds(f *Func) {
	for _, b := range f.Blocks {
		var fused map[*Value]*Value     // add -> its shift
		var fusedBase map[*Value]*Value // add -> its base z + c
		for _, v := range b.Values {
			if v.Op != OpAdd {
				continue
			}
			for j, s := range v.Args {
				x := v.Args[1-j]
				if s.Op != OpShl || s.Block != b || s.Uses != 1 || s.Type != v.Type || s.Args[1].Op != OpConst ||
					x.Op == OpConst && !fitsDisp(x, v.Type) || x == s || s.Fused {
					continue
				}
				if k := s.Args[1].Aux & int64(v.Type.Size()-1); k < 1 || k > 3 {
					continue
				}
				s.Fused = true
				if fused == nil {
					fused = map[*Value]*Value{}
				}
				fused[v] = s
				if constAddend(x) != nil && x.Block == b && x.Uses == 1 && x.Type == v.Type && !x.Fused {
					// (z + c) + (y << k): lea c(z, y, 2^k), the add of c
					// too (a local array's base on the shadow stack, sp +
					// c, indexed: vm's register file r[b]).
					x.Fused = true
					if fusedBase == nil {
						fusedBase = map[*Value]*Value{}
					}
					fusedBase[v] = x
				}
				break
			}
		}
		if fused == nil {
			continue
		}
		vs := make([]*Value, 0, len(b.Values))
		for _, v := range b.Values {
			if v.Fused && (v.Op == OpShl || v.Op == OpAdd) {
				continue
			}
			if x := fusedBase[v]; x != nil {
				vs = append(vs, x)
			}
			if s := fused[v]; s != nil {
				vs = append(vs, s)
			}
			vs = append(vs, v)
		}
		b.Values = vs
	}
}

// fitsDisp reports whether constant c, an operand of an add of type t,
// is a displacement: at 32 bits any (the lea wraps), at 64 a signed
// 32-bit one.
func fitsDisp(c *Value, t Type) bool {
	return t != TI64 || c.Aux == int64(int32(c.Aux))
}

// constAddend returns c of an add x = z + c (or c + z) whose constant c
// fits a signed 32-bit displacement at x's width, else nil.
func constAddend(x *Value) *Value {
	if x.Op != OpAdd || x.Args[0].Op == OpConst == (x.Args[1].Op == OpConst) {
		return nil
	}
	c := x.Args[1]
	if c.Op != OpConst {
		c = x.Args[0]
	}
	if !fitsDisp(c, x.Type) {
		return nil
	}
	return c
}
