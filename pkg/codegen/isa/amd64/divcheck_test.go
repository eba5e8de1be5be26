package amd64

import (
	"testing"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// TestDivZeroCheck checks which divisions test their divisor for zero:
// every one by a register, but one by x | c with c nonzero in the
// division's width (nonZero), and the signed ones still compare it with
// -1 (x | 1 may be -1).
func TestDivZeroCheck(t *testing.T) {
	reg := func(t ssa.Type, r asm.Reg) *ssa.Value {
		return &ssa.Value{Op: ssa.OpArg, Type: t, Loc: ssa.Loc{Reg: ssa.Reg(r), Slot: -1}}
	}
	or := func(t ssa.Type, c int64) *ssa.Value {
		k := &ssa.Value{Op: ssa.OpConst, Type: t, Aux: c, Loc: ssa.Loc{Reg: ssa.NoReg, Slot: -1}}
		return &ssa.Value{Op: ssa.OpOr, Type: t, Args: []*ssa.Value{reg(t, asm.RDI), k}, Loc: ssa.Loc{Reg: ssa.Reg(asm.RSI), Slot: -1}}
	}
	for _, tc := range []struct {
		name  string
		op    ssa.Op
		t     ssa.Type
		y     *ssa.Value
		check bool
	}{
		{"divu/reg", ssa.OpDivU, ssa.TI64, reg(ssa.TI64, asm.RSI), true},
		{"divu/or1", ssa.OpDivU, ssa.TI64, or(ssa.TI64, 1), false},
		{"remu/or1", ssa.OpRemU, ssa.TI32, or(ssa.TI32, 1), false},
		{"divu/or0", ssa.OpDivU, ssa.TI64, or(ssa.TI64, 0), true},
		{"i32/or-high-bit", ssa.OpDivU, ssa.TI32, or(ssa.TI32, 1<<32), true},
		{"i64/or-high-bit", ssa.OpDivU, ssa.TI64, or(ssa.TI64, 1<<32), false},
		{"divs/or1", ssa.OpDivS, ssa.TI64, or(ssa.TI64, 1), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &emitter{a: asm.New(), consts: map[uint64]asm.Label{}}
			v := &ssa.Value{Op: tc.op, Type: tc.t, Args: []*ssa.Value{reg(tc.t, asm.RBX), tc.y}, Loc: ssa.Loc{Reg: ssa.Reg(asm.R8), Slot: -1}}
			e.div(v)
			traps := map[abi.TrapCode]bool{}
			for _, tr := range e.traps {
				traps[tr.code] = true
			}
			signed := tc.op == ssa.OpDivS || tc.op == ssa.OpRemS
			if traps[abi.TrapIntegerDivideByZero] != tc.check || traps[abi.TrapIntegerOverflow] != signed {
				t.Errorf("zero check %v, -1 check %v, want %v, %v: %s", traps[abi.TrapIntegerDivideByZero],
					traps[abi.TrapIntegerOverflow], tc.check, signed, decodeGNU(t, e.a.Bytes()))
			}
		})
	}
}
