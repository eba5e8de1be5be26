package ssa

// fuseSelects lets an integer comparison used only by the select right
// after it feed the select's cmov through the flags.
func fuseSelects(f *Func) {
	for _, b := range f.Blocks {
		for i := 1; i < len(b.Values); i++ {
			v, c := b.Values[i], b.Values[i-1]
			if v.Op == OpSelect && v.Args[0] == c && c.Uses == 1 && isCompare(c.Op) && !v.Type.IsFloat() {
				c.Fused = true
			}
		}
	}
}
