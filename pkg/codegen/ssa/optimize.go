package ssa

// Optimize runs the SSA passes that prepare f for register allocation
// at the given level (Options.OptLevel). Every level removes unreachable
// blocks and dead values and splits critical edges, which the allocator
// and emitter rely on, and removes redundant block parameters: at opt 0
// too, where each one left is a stack slot and a move on every edge into
// its block (gobig's opt 0 code is 29% smaller with it, for no more
// compile time).
func Optimize(f *Func, level int) {
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
		divByConst(f)
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
		fuseSelects(f)
		fuseScaledAdds(f)
		fuseAndNot(f)
		if level > 1 {
			fuseAndTests(f)
			fuseScaledIndexes(f)
			fuseLoads(f)
		}
	}
}
