// Package amd64 is the x86-64 backend, the isa.Machine the driver in
// pkg/codegen compiles with (machine.go).
//
// In: an ssa.Func after ssa.Optimize, and the regalloc.Result computed over
// RegTarget, whose abstract ssa.Reg numbers are this package's asm.Reg
// values. Out: an isa.FuncCode per function (code, calls to link, trap and
// call sites) and the module's isa.Stubs.
//
// What is x86-64 here, file by file:
//   - regs.go: the register sets and allocation orders, the scratch
//     registers (RAX, RCX, RDX; X14, X15 in SIMD functions) and the guest
//     calling convention (argReg, convention): the regalloc.Target;
//   - emit.go: the frame layout and prologue, parallel moves, bounds checks
//     in both modes, trap stubs; emit_ops.go, emit_simd.go, emit_shuffle.go:
//     instruction selection and encoding of every ssa.Op over
//     internal/asm (the lowerings table); emit_call.go: direct, indirect and
//     builtin calls and exits to the host; fuel.go: fuel and interrupt
//     checks; latch.go: a loop's back-edge moves done before its
//     conditional branch to the head, which then needs no jmp;
//   - stubs.go: the trap and exit routines, the entry stubs and the
//     host-call stubs, which must match the runtime's trampolines in
//     pkg/execute/*_amd64.s and its decoding of trapping PCs and registers
//     from the signal context;
//   - machine.go: the CPU features (object.Feature*) the code may use,
//     and the call relocation (rel32);
//   - base.go: the baseline compiler of --opt-level 0 (isa.Baseline): one
//     pass over the wasm body, an abstract operand stack of registers,
//     constants, locals and frame slots, everything in its slot at block
//     entries and calls; each instruction goes through the lowerings
//     above as a stand-in ssa.Value, so the two tiers share instruction
//     selection, frames, traps and calls. SIMD and fuel fall back to the
//     SSA pipeline, per function.
//
// The pinned registers, vmctx (R15) and the memory base (R14), are
// documented with the context layout in pkg/abi: the layout offsets are
// ISA neutral, the register names are amd64's.
//
// An arm64 port is a sibling folder isa/arm64 with a Machine of its own,
// selected by Options.Arch "arm64" (one more case in codegen's machine). It
// needs:
//   - an assembler for the A64 encodings like internal/asm (labels,
//     branches with their ranges, literal pools for the constants this
//     backend puts after the code);
//   - a regalloc.Target over x0-x28 and v0-v31, with its own pinned
//     registers for vmctx and the memory base (e.g. x28, x27), scratch
//     registers (x16, x17 are the intra-procedure-call ones) and a guest
//     calling convention; register numbers only need to be distinct
//     ssa.Reg values below ssa.MaxRegs, and TwoAddress is false (A64
//     instructions take three operands);
//   - lowering of every ssa.Op: bounds checks as cmp + b.hs to a trap
//     stub, division traps explicit (sdiv does not fault), float
//     conversions with their saturating forms, SIMD on NEON;
//   - the passes that assume x86 addressing modes or PTEST
//     (fuseScaledAdds, fuseVectorTests in ssa.Optimize) are harmless but
//     may be skipped; fuseLoads must be (A64 arithmetic has no memory
//     operands); arm64 has its own fusions (madd, cbz, tbz);
//   - the stubs and PatchCall (imm26 of a BL, a veneer beyond 128 MiB);
//     FillByte 0, since every gap is whole words and 0x00000000 is udf #0;
//   - in the runtime, outside this tree: trampolines in
//     pkg/execute/*_arm64.s, signal-context decoding for arm64, an
//     object-format machine tag so that load refuses an object of the
//     other ISA, and the CPU feature bits it checks.
package amd64
