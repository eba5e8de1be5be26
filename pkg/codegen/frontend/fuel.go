package frontend

import (
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// countFuel charges in to the block it executes in, when metering is on.
// Called before the instruction is translated, so a branch is charged to
// the block it ends and the first instruction after loop to the header.
func (b *builder) countFuel(in *wasm.Instr) {
	if !b.opts.Fuel || b.cur == nil || ssa.FuelFree(in.Op) {
		return
	}
	if b.fuel == nil {
		b.fuel = map[*ssa.Block]int64{}
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
			if v.Op == ssa.OpInterrupt {
				v.Aux = n
				folded = true
				break
			}
		}
		if folded {
			continue
		}
		v := b.f.NewValue(blk, ssa.OpFuel, ssa.TNone)
		v.Aux = n
		if len(blk.Values) > 0 {
			v.Pos = blk.Values[0].Pos
		}
		blk.Values = append([]*ssa.Value{v}, blk.Values...)
	}
}
