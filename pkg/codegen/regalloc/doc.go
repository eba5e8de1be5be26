// Package regalloc assigns registers and spill slots to the values of an
// ssa.Func. It knows registers only as abstract numbers: the ISA supplies
// a Target (allocatable sets, argument registers, names). In: an optimized
// ssa.Func. Out: a location for every value (Value.Loc) and a Result
// (live intervals, the number of spill slots, the values to save around
// each call), read by the ISA's emitter. regalloc_check.go verifies an
// allocation independently (tests and fuzzing).
package regalloc
