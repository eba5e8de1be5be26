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

// CheckRecordedOps makes Optimize report, for each function, the ops
// present at its end that its record of ops for the gated passes lacks.
func CheckRecordedOps(report func(f *Func, missing []Op)) (restore func()) {
	opsChecked = func(f *Func, recorded opSet) {
		var missing []Op
		actual := opsOf(f)
		for o := Op(0); o < OpCount; o++ {
			if actual.has(o) && !recorded.has(o) {
				missing = append(missing, o)
			}
		}
		if len(missing) > 0 {
			report(f, missing)
		}
	}
	return func() { opsChecked = nil }
}
