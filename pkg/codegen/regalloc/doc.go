// Package regalloc assigns registers and spill slots to the values of an
// ssa.Func. It knows registers only as abstract numbers: the ISA supplies
// a Target (allocatable sets, argument registers, names). In: an optimized
// ssa.Func. Out: a location for every value, read by the ISA's emitter.
package regalloc
