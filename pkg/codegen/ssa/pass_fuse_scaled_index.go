package ssa

import "math"

// fuseScaledIndexes turns a memory access at address x << k, k in 1..3,
// into [membase + x*2^k + offset] (an x86 scaled index), when x's range
// shows that x << k cannot wrap and every use of the shift is such an
// access of its block: the shift then emits nothing (Fused), and a table
// lookup T[c ^ *p] (crc32, base64, hash tables) loses its shl.
//
// wasm's address is (x << k) mod 2^32 zero-extended, the scaled index
// x * 2^k without wrapping: the two agree only when x < 2^(32-k), which
// rangeOf must prove (a byte xor a byte, a masked value, a zero-extending
// load). x is an i32 and so zero-extended in its register, as every i32
// address is. Only accesses without an explicit bounds check qualify (the
// check adds offset and size to the address register, and there is
// none), with an offset that fits a displacement: the effective address,
// and so the trap, the guard-page fault and its site, is the same.
//
// The shift moves down to just before its access, one copy for each
// access, so x stays live (in its register) until the access reads it,
// and a split of x's range renames the x that access reads. Uses are
// counted here, not read from Uses, which may be stale after the passes
// before: a use not counted would read a shift that has no register.
func fuseScaledIndexes(f *Func) {
	var cand map[*Value]bool
	for _, b := range f.Blocks {
		for _, s := range b.Values {
			if scalableShift(s) {
				if cand == nil {
					cand = map[*Value]bool{}
				}
				cand[s] = true
			}
		}
	}
	if cand == nil {
		return
	}
	// A candidate with a use that cannot take it as its scaled index
	// leaves cand; last holds the last access of its block that reads it.
	last := make(map[*Value]*Value, len(cand))
	drop := func(a *Value) {
		if cand[a] {
			delete(cand, a)
		}
	}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			for i, a := range v.Args {
				if !cand[a] {
					continue
				}
				if i == 0 && a.Block == b && scaledIndexAccess(v) {
					last[a] = v
				} else {
					drop(a)
				}
			}
		}
		if b.Control != nil {
			drop(b.Control)
		}
		for _, r := range b.Results {
			drop(r)
		}
		for _, e := range b.Succs {
			for _, a := range e.Args {
				drop(a)
			}
		}
	}
	fused := false
	for s := range cand {
		if last[s] != nil {
			s.Fused = true
			fused = true
		}
	}
	if !fused {
		return
	}
	for _, b := range f.Blocks {
		vs := b.Values[:0:0]
		changed := false
		for _, v := range b.Values {
			if v.Fused && v.Op == OpShl && cand[v] {
				changed = true
				continue
			}
			if (v.Op == OpLoad || v.Op == OpStore) && v.Args[0].Fused && cand[v.Args[0]] {
				s := v.Args[0]
				if last[s] != v {
					// Not the last use: a copy of its own, so that each
					// access reads x where it stands (a split of x's
					// range renames it at the shift's place).
					c := f.NewValue(b, OpShl, TI32, s.Args...)
					c.Pos, c.Fused, c.Uses = s.Pos, true, 1
					s.Uses--
					v.Args[0] = c
					s = c
				}
				vs = append(vs, s)
			}
			vs = append(vs, v)
		}
		if changed {
			b.Values = vs
		}
	}
}

// scalableShift reports whether s is an i32 x << k, k in 1..3, whose x is
// below 2^(32-k): x * 2^k is then the wasm address (x << k) exactly.
func scalableShift(s *Value) bool {
	if s.Op != OpShl || s.Type != TI32 || s.Fused || s.Args[1].Op != OpConst || s.Args[0].Op == OpConst {
		return false
	}
	k := s.Args[1].Aux & 31
	if k < 1 || k > 3 {
		return false
	}
	return rangeOf(s.Args[0], nil, rangeDepth).hi<<k <= math.MaxUint32
}

// scaledIndexAccess reports whether access v can read its address as a
// scaled index: no explicit bounds check, an offset (not one below the
// base) that fits a displacement, a scalar or v128 access.
func scaledIndexAccess(v *Value) bool {
	return (v.Op == OpLoad || v.Op == OpStore) && isScalarAccess(v) && !explicitlyChecked(v) &&
		v.Aux >= 0 && v.Aux <= math.MaxInt32
}

// ScaledIndex returns the x and scale of load or store v's address when
// fuseScaledIndexes made it x * scale (a fused shift), else nil, 1.
func ScaledIndex(v *Value) (x *Value, scale uint8) {
	if a := v.Args[0]; a.Op == OpShl && a.Fused {
		return a.Args[0], 1 << (a.Args[1].Aux & 31)
	}
	return nil, 1
}
