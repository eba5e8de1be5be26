// Package ssa is the machine-independent intermediate representation of
// the compiler: Func, Block, Value and Op, and the passes over them, one pass
// per file. In: a Func built by package frontend. Out: the same Func,
// optimized in place, handed to regalloc and to an ISA backend.
//
// ir.go and op.go define the representation (a value's ops, types and
// immediates; blocks with parameters instead of phis; locations filled in
// by regalloc), options.go the Options every stage reads, dom.go the
// dominator tree. Optimize (optimize.go) runs the passes, one per file, in
// this order:
//
//	pass_unreachable.go    removeUnreachable    every level
//	pass_params.go         elimRedundantParams  every level
//	pass_fold.go           fold                 OptLevel >= 1
//	pass_gvn.go            gvn                  OptLevel 2
//	pass_loop_idiom.go     loopIdioms           OptLevel 2 (copy/fill loops to memory.copy/fill;
//	                                            pass_loop_idiom_merge.go: musl's merged-word copies)
//	pass_fold_addr.go      foldAddressAdds      OptLevel >= 1 (range.go: its interval facts)
//	pass_bce.go            elimBoundsChecks     OptLevel >= 1
//	pass_divconst.go       divByConst           OptLevel >= 1 (divmagic.go: its magic numbers)
//	pass_deadcode.go       deadCode             every level
//	pass_critical_edges.go splitCriticalEdges   every level (regalloc and emitters need it)
//	pass_fuse_compare.go   fuseCompares         OptLevel >= 1
//	pass_fuse_vectest.go   fuseVectorTests      OptLevel >= 1
//	pass_fuse_select.go    fuseSelects          OptLevel >= 1
//	pass_fuse_scaled.go    fuseScaledAdds       OptLevel >= 1
//	pass_andn.go           fuseAndNot           OptLevel >= 1
//	pass_fuse_scaled_index.go fuseScaledIndexes OptLevel 2 (an access at x << k as [x*2^k])
//	pass_fuse_load.go      fuseLoads            OptLevel 2
//
// The fusions mark values (Value.Fused) that the backend folds into their
// one user, and move them next to it (fuseVectorTests may swap a branch's
// targets). fuseVectorTests, fuseScaledAdds, fuseAndNot, fuseScaledIndexes
// and fuseLoads follow x86 (PTEST, scaled-index addressing, ANDN, memory
// operands): a backend without those would skip them.
package ssa
