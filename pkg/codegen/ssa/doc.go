// Package ssa is the machine-independent intermediate representation of
// the compiler: Func, Block, Value and Op, and the passes over them, one pass
// per file. In: a Func built by package frontend. Out: the same Func,
// optimized in place, handed to regalloc and to an ISA backend.
package ssa
