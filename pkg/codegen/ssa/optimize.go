package ssa

import (
	"github.com/lucet-go/lucet/pkg/object"
)

// Options control compilation.
type Options struct {
	// OptLevel chooses the tier: 0 a baseline for huge modules (no
	// folding, bounds-check elimination or fusion of compares, selects and
	// scaled adds, and the block-local register allocator,
	// regalloc.AllocateFast), 1 and 2 the optimizing tier (2 adds global
	// value numbering, pass_gvn.go). Default sets 2.
	OptLevel int
	Bounds   object.BoundsChecks
	// MemReserve and MemGuard are the BoundsGuard reservation and guard
	// sizes in bytes.
	MemReserve, MemGuard uint64
	// Features are the object.Feature* bits the code may use (0: the
	// default set, SSE4.1, POPCNT, LZCNT, BMI1). SSE4.1 is required;
	// without POPCNT, LZCNT or BMI1 the emitter uses longer sequences;
	// with AVX, memory.copy moves 32 bytes at a time.
	Features uint64
	Parallel int // 0 = GOMAXPROCS
	// Fuel instruments the code for fuel metering (see frontend/fuel.go and isa/amd64/fuel.go); the
	// object records it in Meta.Fuel.
	Fuel bool
}

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
		fuseAndNot(f)
	}
}
