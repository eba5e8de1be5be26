package ssa

// fuseSelects lets an integer comparison whose only uses are the integer
// selects right after it (constants between emit nothing) feed their
// cmovs through the flags: the first select emits the cmp, the others
// find its flags (isa/amd64, emit_select.go). C's min/max and clamps
// select two values on one comparison. An ordered float comparison (lt,
// gt, le, ge: one condition after ucomis, unlike eq and ne, which need
// the parity flag too) qualifies as well. Float selects fuse too: they
// branch on the flags around a move (emit_ops.go, sel), which needs no
// 0/1 value either.
func fuseSelects(f *Func) {
	for _, b := range f.Blocks {
		for i, c := range b.Values {
			if !IsCompare(c.Op) && !orderedFloatCompare(c.Op) || c.Fused || c.Uses < 1 {
				continue
			}
			n := 0
			for _, v := range b.Values[i+1:] {
				if v.Op == OpConst {
					continue
				}
				if v.Op != OpSelect || v.Args[0] != c || v.Args[1] == c || v.Args[2] == c {
					break
				}
				n++
			}
			if n > 0 && n == int(c.Uses) {
				c.Fused = true
			}
		}
	}
}

// orderedFloatCompare reports whether o is a float comparison that one
// x86 condition answers after ucomis (above, above or equal).
func orderedFloatCompare(o Op) bool { return o == OpFLt || o == OpFGt || o == OpFLe || o == OpFGe }
