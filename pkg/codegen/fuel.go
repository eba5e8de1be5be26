package codegen

// Fuel metering (Options.Fuel), in the spirit of Lucet's
// --count-instructions and wasmtime's --fuel.
//
// A unit of fuel is one wasm instruction reached in live code, except nop,
// drop, block, loop, end and else, which are free (wasmtime's accounting).
// The builder counts the units of each SSA block; the block pays for all of
// them when it starts, by subtracting from the int64 at [r15+VMFuel]:
//
//   - a block holding an interrupt check (the function entry of a
//     non-leaf, every loop header) folds its charge into the check:
//     sub qword [r15+VMFuel], n; js slow — then the usual VMInterrupt test,
//     so running out is seen there and leaves through the same
//     ExitInterrupt stub, which the runtime turns into TrapOutOfFuel when
//     the exiting instance's fuel is negative;
//   - every other block only subtracts (an OpFuel value at its start),
//     without a branch: every loop iteration and every non-leaf call passes
//     a check, so the overdraft is bounded by the straight-line code of one
//     function between checks.
//
// A block is charged in full on entry, so a trap inside it has paid for
// the instructions after the trap too. Nothing of this is emitted without
// Options.Fuel: the output is then byte-identical to a build without fuel
// support.

import (
	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// fuelFree reports whether op costs no fuel.
func fuelFree(op wasm.Opcode) bool {
	switch op {
	case wasm.OpNop, wasm.OpDrop, wasm.OpBlock, wasm.OpLoop, wasm.OpEnd, wasm.OpElse:
		return true
	}
	return false
}

// countFuel charges in to the block it executes in, when metering is on.
// Called before the instruction is translated, so a branch is charged to
// the block it ends and the first instruction after loop to the header.
func (b *builder) countFuel(in *wasm.Instr) {
	if !b.opts.Fuel || b.cur == nil || fuelFree(in.Op) {
		return
	}
	if b.fuel == nil {
		b.fuel = map[*Block]int64{}
	}
	b.fuel[b.cur]++
}

// placeFuel turns the per-block counts into code: the count of a block
// with an interrupt check becomes the check's Aux, any other block gets an
// OpFuel value in front. Runs after the entry check of a loop-free leaf has
// been dropped, so such an entry block pays with a plain charge.
func (b *builder) placeFuel() {
	for _, blk := range b.f.Blocks {
		n := b.fuel[blk]
		if n == 0 {
			continue
		}
		folded := false
		for _, v := range blk.Values {
			if v.Op == OpInterrupt {
				v.Aux = n
				folded = true
				break
			}
		}
		if folded {
			continue
		}
		v := b.f.newValue(blk, OpFuel, TNone)
		v.Aux = n
		if len(blk.Values) > 0 {
			v.Pos = blk.Values[0].Pos
		}
		blk.Values = append([]*Value{v}, blk.Values...)
	}
}

// fuelCharge emits the branch-free charge of an OpFuel value. It clobbers
// the flags, which no value carries across a block start.
func (e *emitter) fuelCharge(v *Value) {
	e.a.SubMI(64, asm.M(asm.R15, abi.VMFuel), int32(v.Aux))
}

// fuelCheck emits the charge of an interrupt check's block and the branch
// to its slow path when the fuel went negative. v.Aux may be 0 (a loop
// header that only branches on): the subtraction still sets the sign.
func (e *emitter) fuelCheck(v *Value, slow asm.Label) {
	e.a.SubMI(64, asm.M(asm.R15, abi.VMFuel), int32(v.Aux))
	e.a.Jcc(asm.CondS, slow)
}
