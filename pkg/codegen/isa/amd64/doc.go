// Package amd64 is the x86-64 backend: register sets and the regalloc
// Target, the calling convention, instruction selection and encoding of
// every SSA op through internal/asm, and the entry/exit trampolines and
// host-call stubs. In: an ssa.Func with registers allocated. Out: machine
// code and relocations in an asm.Assembler.
//
// An arm64 port would be a sibling folder isa/arm64 providing the same
// things: a regalloc.Target over the arm64 register file (x0-x28, v0-v31),
// its calling convention (AAPCS64 for host calls), an assembler like
// internal/asm for the A64 encodings, lowering of each ssa.Op (bounds checks
// with cmp/b.hs, no flags-free lea tricks), the trampolines, and an
// object-format machine tag so that execute loads it only on arm64.
package amd64
