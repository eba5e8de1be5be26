package ssa

import "github.com/lucet-go/lucet/pkg/object"

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
	// Arch names the instruction set to generate code for; "" is
	// "amd64", the only one there is. An unknown name is an error. The
	// object does not record it: the loader already refuses code for
	// another machine by the object's ELF header.
	Arch string
}
