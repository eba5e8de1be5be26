package ssa

// Optimize runs the SSA passes that prepare f for register allocation
// at the given level (Options.OptLevel). Every level removes unreachable
// blocks and dead values and splits critical edges, which the allocator
// and emitter rely on, and removes redundant block parameters: at opt 0
// too, where each one left is a stack slot and a move on every edge into
// its block (gobig's opt 0 code is 29% smaller with it, for no more
// compile time).
func Optimize(f *Func, level int) {
	var ops opSet
	removeUnreachable(f)
	elimRedundantParams(f)
	if level > 0 {
		if level > 1 {
			dupReturns(f)
		}
		fold(f)
		if level > 1 {
			dropRedundantMasks(f)
		}
		// gvn, address folding and bounds-check elimination walk the
		// dominator tree and leave the control flow alone: one tree
		// serves all three unless a loop rewrite came in between
		// (computing it was ~2.5% of a big module's compile, 4 times
		// per function).
		var dt domTree
		if level > 1 {
			dt = dominatorTree(f)
			gvn(f, dt)
			gatherAdds(f)
			idioms := loopIdioms(f)
			if scanLoops(f) || idioms {
				dt = domTree{}
			}
			mergeInductionVars(f)
		}
		if dt.first == nil {
			dt = dominatorTree(f)
		}
		foldAddressAdds(f, dt)
		elimBoundsChecks(f, dt)
		// From here on no pass turns a value into a kind of op it did not
		// hold before except through divRewriter (which notes the ops it
		// makes): the passes below whose ops a function lacks (most have
		// no division, select or and-not) return at once.
		ops = opsOf(f)
		if ops.has(OpDivS) || ops.has(OpDivU) || ops.has(OpRemS) || ops.has(OpRemU) {
			divByConst(f, &ops)
		}
	}
	if level > 1 {
		splitExits(f)
	}
	deadCode(f)
	splitCriticalEdges(f)
	if level > 1 {
		shareCallTargets(f)
		reassociate(f)
		rematerialize(f)
	}
	if level > 0 {
		fuseCompares(f)
		fuseVectorTests(f)
		if ops.has(OpSelect) {
			fuseSelects(f)
		}
		if ops.has(OpShl) && ops.has(OpAdd) {
			fuseScaledAdds(f)
		}
		if ops.has(OpAnd) && ops.has(OpXor) {
			fuseAndNot(f)
		}
		if level > 1 {
			fuseAndTests(f)
			if ops.has(OpShl) {
				fuseScaledIndexes(f)
			}
			if ops.has(OpLoad) {
				fuseLoads(f)
			}
		}
		if opsChecked != nil {
			opsChecked(f, ops)
		}
	}
}

// opsChecked, set by a test, sees each function at the end of Optimize
// with the ops recorded for the passes above: a kind of op f holds that
// the record lacks is a pass that may have been skipped wrongly.
var opsChecked func(f *Func, recorded opSet)

// An opSet has a bit for every op.
var _ [len(opSet{})*64 - int(OpCount)]struct{}

// opSet is a set of ops, one bit each.
type opSet [4]uint64

func (s *opSet) add(o Op)      { s[o>>6] |= 1 << (o & 63) }
func (s *opSet) has(o Op) bool { return s[o>>6]&(1<<(o&63)) != 0 }

// opsOf returns the set of ops of f's values.
func opsOf(f *Func) opSet {
	var s opSet
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			s.add(v.Op)
		}
	}
	return s
}
