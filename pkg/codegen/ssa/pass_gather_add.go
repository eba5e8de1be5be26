package ssa

// gatherAdds rewrites the address arithmetic of clang's vectorised
// gathers and scatters: wasm has no gather, so clang extracts each lane
// of a vector of offsets and adds a base to it, i32.add x
// (i32x4.extract_lane k v), lane by lane. When a block adds the same x to
// three or more lanes of the same v, one i32x4.add of v and a splat of x
// (shared by the block's groups with that x) does the adds, and each
// i32.add becomes an extract_lane of the sum: the same values modulo
// 2^32, one vector add where there were up to four scalar ones (grey_simd's
// RGBA loop extracts 48 addresses per 16 pixels).
func gatherAdds(f *Func) {
	if !f.Simd {
		return
	}
	type key struct{ x, v *Value }
	var count map[key]int
	for _, b := range f.Blocks {
		clear(count)
		for _, a := range b.Values {
			if x, e := gatherAdd(a); e != nil {
				if count == nil {
					count = map[key]int{}
				}
				count[key{x, e.Args[0]}]++
			}
		}
		if len(count) == 0 {
			continue
		}
		sums := map[key]*Value{}
		splats := map[*Value]*Value{}
		var out []*Value
		for _, a := range b.Values {
			x, e := gatherAdd(a)
			if e == nil || count[key{x, e.Args[0]}] < 3 {
				out = append(out, a)
				continue
			}
			k := key{x, e.Args[0]}
			w := sums[k]
			if w == nil {
				s := splats[x]
				if s == nil {
					s = f.NewValue(b, OpSIMD, TV128, x)
					s.Aux2 = 0x11 // i32x4.splat
					s.Pos = a.Pos
					splats[x] = s
					out = append(out, s)
				}
				w = f.NewValue(b, OpSIMD, TV128, k.v, s)
				w.Aux2 = 0xAE // i32x4.add
				w.Pos = a.Pos
				sums[k] = w
				out = append(out, w)
			}
			// a becomes lane e.Aux of the sum, in place: its uses stay.
			x.Uses--
			e.Uses--
			w.Uses++
			a.Op, a.Aux, a.Aux2 = OpSIMD, e.Aux, 0x1B // i32x4.extract_lane
			a.Args = a.Args[:1]
			a.Args[0] = w
			out = append(out, a)
		}
		b.Values = out
	}
}

// gatherAdd returns x and e when a is i32.add x e (either order) with e an
// i32x4.extract_lane.
func gatherAdd(a *Value) (x, e *Value) {
	if a.Op != OpAdd || a.Type != TI32 || len(a.Args) != 2 {
		return nil, nil
	}
	for i, y := range a.Args {
		if y.Op == OpSIMD && y.Aux2 == 0x1B && len(y.Args) == 1 {
			return a.Args[1-i], y
		}
	}
	return nil, nil
}
