package ssa

// fuseSelects lets an integer comparison whose only uses are the integer
// selects right after it (constants between emit nothing) feed their
// cmovs through the flags: the first select emits the cmp, the others
// find its flags (isa/amd64, emit_select.go). C's min/max and clamps
// select two values on one comparison.
func fuseSelects(f *Func) {
	for _, b := range f.Blocks {
		for i, c := range b.Values {
			if !isCompare(c.Op) || c.Fused || c.Uses < 1 {
				continue
			}
			n := 0
			for _, v := range b.Values[i+1:] {
				if v.Op == OpConst {
					continue
				}
				if v.Op != OpSelect || v.Args[0] != c || v.Args[1] == c || v.Args[2] == c || v.Type.IsFloat() {
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
