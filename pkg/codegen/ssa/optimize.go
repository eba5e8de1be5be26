package ssa

// Optimize runs the SSA passes that prepare f for register allocation
// at the given level (Options.OptLevel). Every level removes unreachable
// blocks and dead values and splits critical edges, which the allocator
// and emitter rely on.
func Optimize(f *Func, level int) {
	removeUnreachable(f)
	if level > 0 {
		elimRedundantParams(f)
		fold(f)
		if level > 1 {
			gvn(f)
		}
		elimBoundsChecks(f)
	}
	deadCode(f)
	splitCriticalEdges(f)
	if level > 0 {
		fuseCompares(f)
		fuseVectorTests(f)
		fuseSelects(f)
		fuseScaledAdds(f)
	}
}
