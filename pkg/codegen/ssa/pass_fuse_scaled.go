package ssa

// fuseScaledAdds turns x + (y << k), k in 1..3, with the shift used only
// there, into one lea with a scaled index: the shift produces no value of
// its own. The shift moves down to just before the add, so its operand
// stays live (in its register) until the lea reads it.
func fuseScaledAdds(f *Func) {
	for _, b := range f.Blocks {
		var fused map[*Value]*Value // add -> its shift
		for _, v := range b.Values {
			if v.Op != OpAdd {
				continue
			}
			for j, s := range v.Args {
				x := v.Args[1-j]
				if s.Op != OpShl || s.Block != b || s.Uses != 1 || s.Type != v.Type || s.Args[1].Op != OpConst ||
					x.Op == OpConst || x == s || s.Fused {
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
				break
			}
		}
		if fused == nil {
			continue
		}
		vs := make([]*Value, 0, len(b.Values))
		for _, v := range b.Values {
			if v.Fused && v.Op == OpShl {
				continue
			}
			if s := fused[v]; s != nil {
				vs = append(vs, s)
			}
			vs = append(vs, v)
		}
		b.Values = vs
	}
}
