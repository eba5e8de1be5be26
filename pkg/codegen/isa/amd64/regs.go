package amd64

import (
	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/internal/lazy"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// Registers. RAX, RCX, RDX and X14, X15 are scratch registers of the
// emitter (division, shift counts, reloads of spilled operands, parallel
// move cycles); R14 and R15 are pinned by the ABI; RSP and RBP form the
// frame. RDX is allocatable too, last, to values local to a block whose
// instructions leave it alone (clobber.go).
//
// RBX, R12 and R13 are callee-saved in the guest convention (pkg/abi): a
// function that allocates one saves it in its prologue and restores it
// before returning, and the exit routine keeps them across exits to Go.
// They are the three allocatable registers no call takes arguments in and
// no lowering names, so keeping them costs nothing at calls. A value live
// across calls in one of them needs no store and no reloads; a value that
// crosses no call takes them last, so a leaf function rarely has to save
// anything.
var (
	allocGPRs = []asm.Reg{asm.RSI, asm.RDI, asm.R8, asm.R9, asm.R10, asm.R11, asm.RBX, asm.R12, asm.R13, asm.RDX}
	allocXMMs = []asm.Reg{asm.X0, asm.X1, asm.X2, asm.X3, asm.X4, asm.X5, asm.X6, asm.X7,
		asm.X8, asm.X9, asm.X10, asm.X11, asm.X12, asm.X13}
	// The callee-saved registers come first for values that live across
	// calls, then those no call takes arguments in first.
	calleeGPRFirst = []asm.Reg{asm.RBX, asm.R12, asm.R13, asm.R11, asm.R10, asm.R9, asm.R8, asm.RSI, asm.RDI, asm.RDX}
	// calleeSaved are the callee-saved registers, in the order the
	// prologue stores them.
	calleeSaved    = []asm.Reg{asm.RBX, asm.R12, asm.R13}
	calleeXMMFirst = []asm.Reg{asm.X8, asm.X9, asm.X10, asm.X11, asm.X12, asm.X13,
		asm.X7, asm.X6, asm.X5, asm.X4, asm.X3, asm.X2, asm.X1, asm.X0}
	// Guest calling convention: integer and float parameter registers;
	// further parameters and results after the first go on the stack.
	argGPRs = []asm.Reg{asm.RDI, asm.RSI, asm.R8, asm.R9, asm.R10, asm.R11}
	argXMMs = []asm.Reg{asm.X0, asm.X1, asm.X2, asm.X3, asm.X4, asm.X5, asm.X6, asm.X7}
)

// RegTarget tells the register allocator the amd64 register sets.
type RegTarget struct{}

// allocSets are the allocation orders as the allocator's registers:
// [float][acrossCalls], and the same for functions with SIMD operations
// (which keep two more XMM registers as scratch). Built on first use; a
// pointer, because the allocator asks for a set per value and Get copies
// its value.
var allocSets = lazy.Value[*[2][2][2][]ssa.Reg]{New: func() *[2][2][2][]ssa.Reg {
	var s [2][2][2][]ssa.Reg
	conv := func(rs []asm.Reg) []ssa.Reg {
		out := make([]ssa.Reg, len(rs))
		for i, r := range rs {
			out[i] = ssa.Reg(r)
		}
		return out
	}
	for simd := 0; simd < 2; simd++ {
		s[simd][0][0] = conv(allocGPRs)
		s[simd][0][1] = conv(calleeGPRFirst)
	}
	s[0][1][0] = conv(allocXMMs)
	s[0][1][1] = conv(calleeXMMFirst)
	x := simdXMMs.Get()
	s[1][1][0] = conv(x[0])
	s[1][1][1] = conv(x[1])
	return &s
}}

func (RegTarget) Allocatable(f *ssa.Func, float, acrossCalls bool) []ssa.Reg {
	return allocSets.Get()[ssa.B2i[int](f.Simd)][ssa.B2i[int](float)][ssa.B2i[int](acrossCalls)]
}

func (RegTarget) IsFloat(r ssa.Reg) bool { return asm.Reg(r).IsXMM() }

func (RegTarget) CalleeSaved(r ssa.Reg) bool { return isCalleeSaved(asm.Reg(r)) }

func isCalleeSaved(r asm.Reg) bool { return r == asm.RBX || r == asm.R12 || r == asm.R13 }

func (RegTarget) RegName(r ssa.Reg) string { return asm.Reg(r).String() }

// TwoAddress: x86 arithmetic overwrites its first operand.
func (RegTarget) TwoAddress() bool { return true }

func (RegTarget) ArgReg(f *ssa.Func, i int) ssa.Reg { return ssa.Reg(argReg(f, i)) }

func (RegTarget) ParamRegs(params []ssa.Type) []ssa.Reg {
	regs, _, _ := convention(params)
	out := make([]ssa.Reg, len(regs))
	for i, r := range regs {
		out[i] = ssa.Reg(r)
	}
	return out
}

// argReg is the register parameter i of f arrives in, or NoReg.
func argReg(f *ssa.Func, i int) asm.Reg {
	ni, nf := 0, 0
	for j, t := range f.Params {
		var r asm.Reg = asm.NoReg
		if t.IsFloat() {
			if nf < len(argXMMs) {
				r = argXMMs[nf]
			}
			nf++
		} else {
			if ni < len(argGPRs) {
				r = argGPRs[ni]
			}
			ni++
		}
		if j == i {
			return r
		}
	}
	return asm.NoReg
}
