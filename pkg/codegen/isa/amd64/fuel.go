package amd64

import (
	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// fuelCharge emits the branch-free charge of an OpFuel value. It clobbers
// the flags, which no value carries across a block start.
func (e *emitter) fuelCharge(v *ssa.Value) {
	e.a.SubMI(64, asm.M(asm.R15, abi.VMFuel), int32(v.Aux))
}

// fuelCheck emits the charge of an interrupt check's block and the branch
// to its slow path when the fuel went negative. v.Aux may be 0 (a loop
// header that only branches on): the subtraction still sets the sign.
func (e *emitter) fuelCheck(v *ssa.Value, slow asm.Label) {
	e.a.SubMI(64, asm.M(asm.R15, abi.VMFuel), int32(v.Aux))
	e.a.Jcc(asm.CondS, slow)
}
