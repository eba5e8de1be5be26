package ssa

import (
	"fmt"
	"strings"
)

// LoopRewritesKeepDoms runs Optimize's opt-2 passes up to the loop
// rewrites (loopIdioms, scanLoops), in Optimize's order, and returns
// whether the rewrites reported a change of the control flow graph, with
// the dominator tree (each block's children, in layout order) before and
// after them: Optimize reuses gvn's tree for the passes after them when
// they report none.
func LoopRewritesKeepDoms(f *Func) (changed bool, before, after string) {
	removeUnreachable(f)
	elimRedundantParams(f)
	dupReturns(f)
	fold(f)
	dt := dominatorTree(f)
	before = domString(f, dt)
	gvn(f, dt)
	idioms := loopIdioms(f)
	changed = scanLoops(f) || idioms
	return changed, before, domString(f, dominatorTree(f))
}

func domString(f *Func, t domTree) string {
	var sb strings.Builder
	for _, b := range f.Blocks {
		fmt.Fprintf(&sb, "b%d:", b.ID)
		for _, c := range t.of(b) {
			fmt.Fprintf(&sb, " b%d", c.ID)
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}
