package asm

import (
	"testing"

	"golang.org/x/arch/x86/x86asm"
)

// FuzzMemOperand checks arbitrary register/memory combinations for a load,
// a store with immediate and an SSE op against the decoder: a valid
// operand must round-trip, an invalid one must be rejected without output.
func FuzzMemOperand(f *testing.F) {
	f.Add(uint8(0), uint8(0xFF), uint8(1), int32(0), uint8(0), uint8(3), int32(0))
	f.Add(uint8(4), uint8(12), uint8(8), int32(-129), uint8(13), uint8(0), int32(128))
	f.Add(uint8(13), uint8(4), uint8(2), int32(1<<30), uint8(7), uint8(1), int32(-1))
	f.Add(uint8(0xFF), uint8(5), uint8(4), int32(8), uint8(9), uint8(2), int32(0x7fffffff))
	f.Fuzz(func(t *testing.T, base, index, scale uint8, disp int32, reg, sizeSel uint8, imm int32) {
		m := Mem{Base: Reg(base), Index: Reg(index), Scale: scale, Disp: disp}
		size := allSizes[sizeSel%4]
		valid := (m.Base == NoReg || m.Base.IsGPR()) &&
			(m.Index == NoReg || m.Index.IsGPR() && m.Index != RSP && (scale == 1 || scale == 2 || scale == 4 || scale == 8))
		r := Reg(reg % 16)
		x := X0 + Reg(reg%16)
		steps := []struct {
			emit func(a *Assembler)
			op   x86asm.Op
			args []x86asm.Arg
		}{
			{func(a *Assembler) { a.MovRM(size, r, m) }, x86asm.MOV, nil},
			{func(a *Assembler) { a.AddMI(size, m, imm) }, x86asm.ADD, nil},
			{func(a *Assembler) { a.MulsdRM(x, m) }, x86asm.MULSD, nil},
		}
		if valid {
			steps[0].args = args(xreg(r, size), xmem(m))
			steps[1].args = args(xmem(m), immAs(size, imm))
			steps[2].args = args(xxmm(x), xmem(m))
		}
		o := newOracle(t)
		for _, s := range steps {
			if !valid {
				a := New()
				s.emit(a)
				if a.Err() == nil || a.Len() != 0 {
					t.Fatalf("%v accepted: [% x]", m, a.Bytes())
				}
				continue
			}
			o.check(s.emit, s.op, 0, s.args, "%v %v size %d", s.op, m, size)
		}
	})
}
