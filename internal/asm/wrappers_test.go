package asm

import (
	"bytes"
	"testing"
)

// TestALUWrappers checks that each named ALU method (AddRR, SbbMI, ...)
// encodes exactly like the generic Alu* call for its operation, so a
// wrapper wired to the wrong ALUOp cannot hide behind the generic sweep.
func TestALUWrappers(t *testing.T) {
	type set struct {
		rr func(a *Assembler, size int, d, s Reg)
		ri func(a *Assembler, size int, d Reg, imm int32)
		rm func(a *Assembler, size int, d Reg, m Mem)
		mr func(a *Assembler, size int, m Mem, s Reg)
		mi func(a *Assembler, size int, m Mem, imm int32)
	}
	sets := [8]set{
		{(*Assembler).AddRR, (*Assembler).AddRI, (*Assembler).AddRM, (*Assembler).AddMR, (*Assembler).AddMI},
		{(*Assembler).OrRR, (*Assembler).OrRI, (*Assembler).OrRM, (*Assembler).OrMR, (*Assembler).OrMI},
		{(*Assembler).AdcRR, (*Assembler).AdcRI, (*Assembler).AdcRM, (*Assembler).AdcMR, (*Assembler).AdcMI},
		{(*Assembler).SbbRR, (*Assembler).SbbRI, (*Assembler).SbbRM, (*Assembler).SbbMR, (*Assembler).SbbMI},
		{(*Assembler).AndRR, (*Assembler).AndRI, (*Assembler).AndRM, (*Assembler).AndMR, (*Assembler).AndMI},
		{(*Assembler).SubRR, (*Assembler).SubRI, (*Assembler).SubRM, (*Assembler).SubMR, (*Assembler).SubMI},
		{(*Assembler).XorRR, (*Assembler).XorRI, (*Assembler).XorRM, (*Assembler).XorMR, (*Assembler).XorMI},
		{(*Assembler).CmpRR, (*Assembler).CmpRI, (*Assembler).CmpRM, (*Assembler).CmpMR, (*Assembler).CmpMI},
	}
	m := MI(R13, R9, 4, -300)
	for op, s := range sets {
		op := ALUOp(op)
		for _, size := range allSizes {
			pairs := []struct {
				form           string
				named, generic func(a *Assembler)
			}{
				{"RR", func(a *Assembler) { s.rr(a, size, RSI, R10) }, func(a *Assembler) { a.AluRR(op, size, RSI, R10) }},
				{"RI", func(a *Assembler) { s.ri(a, size, RDI, 1000) }, func(a *Assembler) { a.AluRI(op, size, RDI, 1000) }},
				{"RM", func(a *Assembler) { s.rm(a, size, R8, m) }, func(a *Assembler) { a.AluRM(op, size, R8, m) }},
				{"MR", func(a *Assembler) { s.mr(a, size, m, RBP) }, func(a *Assembler) { a.AluMR(op, size, m, RBP) }},
				{"MI", func(a *Assembler) { s.mi(a, size, m, -5) }, func(a *Assembler) { a.AluMI(op, size, m, -5) }},
			}
			for _, p := range pairs {
				a, b := New(), New()
				p.named(a)
				p.generic(b)
				if a.Err() != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
					t.Errorf("op %d %s size %d: named [% x] (err %v), generic [% x]", op, p.form, size, a.Bytes(), a.Err(), b.Bytes())
				}
			}
		}
	}
}
