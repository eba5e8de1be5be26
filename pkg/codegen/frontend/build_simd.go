package frontend

import (
	"encoding/binary"
	"fmt"

	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// simd translates one 0xFD-prefixed instruction. Most become an OpSIMD
// carrying the sub-opcode; the lane loads and stores and the splat loads
// become a scalar load or store plus a lane operation, so trap sites and
// bounds checks stay those of scalar memory accesses.
func (b *builder) simd(in *wasm.Instr) error {
	sub := uint32(in.Op & 0xFFFF)
	b.f.Simd = true
	info, ok := wasm.SIMD(sub)
	if !ok {
		return fmt.Errorf("%w: SIMD instruction 0xfd %d", ssa.ErrUnsupported, sub)
	}
	switch {
	case sub == 0x0C: // v128.const
		v := b.add(ssa.OpConst, ssa.TV128)
		v.Aux = int64(binary.LittleEndian.Uint64(in.V128[:8]))
		v.Aux2 = int64(binary.LittleEndian.Uint64(in.V128[8:]))
		b.push(v)
		return nil
	case sub == 0x0D: // i8x16.shuffle
		y := b.pop()
		x := b.pop()
		v := b.add(ssa.OpShuffle, ssa.TV128, x, y)
		v.Aux = int64(binary.LittleEndian.Uint64(in.V128[:8]))
		v.Aux2 = int64(binary.LittleEndian.Uint64(in.V128[8:]))
		b.push(v)
		return nil
	case info.Imm == wasm.SIMDImmMemArg || info.Imm == wasm.SIMDImmMemArgLane:
		return b.simdMem(in, sub, info)
	}
	args := b.popN(int(info.NumParams))
	t := ssa.TNone
	if info.Result != 0 {
		var err error
		if t, err = ssa.ValType(info.Result); err != nil {
			return err
		}
	}
	v := b.simdOp(sub, t, args...)
	v.Aux = int64(in.Lane)
	if t != ssa.TNone {
		b.push(v)
	}
	return nil
}

func (b *builder) simdOp(sub uint32, t ssa.Type, args ...*ssa.Value) *ssa.Value {
	v := b.add(ssa.OpSIMD, t, args...)
	v.Aux2 = int64(sub)
	return v
}

// Scalar halves of the split memory instructions, indexed by lane size
// log2: the load and store, and the lane ops that pair with them.
var (
	laneLoads    = [4]wasm.Opcode{wasm.OpI32Load8U, wasm.OpI32Load16U, wasm.OpI32Load, wasm.OpI64Load}
	laneStores   = [4]wasm.Opcode{wasm.OpI32Store8, wasm.OpI32Store16, wasm.OpI32Store, wasm.OpI64Store}
	laneTypes    = [4]ssa.Type{ssa.TI32, ssa.TI32, ssa.TI32, ssa.TI64}
	laneSplats   = [4]uint32{0x0F, 0x10, 0x11, 0x12}
	laneReplaces = [4]uint32{0x17, 0x1A, 0x1C, 0x1E}
	laneExtracts = [4]uint32{0x16, 0x19, 0x1B, 0x1D}
)

func log2Size(n uint8) int {
	switch n {
	case 1:
		return 0
	case 2:
		return 1
	case 4:
		return 2
	}
	return 3
}

func (b *builder) simdMem(in *wasm.Instr, sub uint32, info *wasm.SIMDInfo) error {
	if b.memVar < 0 {
		return fmt.Errorf("memory access without a memory")
	}
	size := info.MemSize
	k := log2Size(size)
	switch {
	case sub >= 0x07 && sub <= 0x0A: // load splat
		x := b.access(laneLoads[k], laneTypes[k], in.MemOffset, int(size), b.pop(), nil)
		b.push(b.simdOp(laneSplats[k], ssa.TV128, x))
	case sub >= 0x54 && sub <= 0x57: // load lane
		vec := b.pop()
		x := b.access(laneLoads[k], laneTypes[k], in.MemOffset, int(size), b.pop(), nil)
		v := b.simdOp(laneReplaces[k], ssa.TV128, vec, x)
		v.Aux = int64(in.Lane)
		b.push(v)
	case sub >= 0x58 && sub <= 0x5B: // store lane
		vec := b.pop()
		x := b.simdOp(laneExtracts[k], laneTypes[k], vec)
		x.Aux = int64(in.Lane)
		b.access(laneStores[k], ssa.TNone, in.MemOffset, int(size), b.pop(), x)
	case sub == 0x0B: // v128.store
		val := b.pop()
		b.access(in.Op, ssa.TNone, in.MemOffset, 16, b.pop(), val)
	default: // v128.load, load NxM, load zero
		b.push(b.access(in.Op, ssa.TV128, in.MemOffset, int(size), b.pop(), nil))
	}
	return nil
}

// access adds a load (val nil) or store of size bytes, with the memory
// length as the last argument when it needs an explicit check.
func (b *builder) access(op wasm.Opcode, t ssa.Type, off uint32, size int, addr, val *ssa.Value) *ssa.Value {
	args := []*ssa.Value{addr}
	if val != nil {
		args = append(args, val)
	}
	if b.needsCheck(uint64(off) + uint64(size)) {
		args = append(args, b.readVar(b.cur, b.memVar))
		b.checked = true
	}
	var v *ssa.Value
	if val != nil {
		v = b.add(ssa.OpStore, ssa.TNone, args...)
	} else {
		v = b.add(ssa.OpLoad, t, args...)
	}
	v.Aux = int64(off)
	v.Aux2 = int64(op)
	return v
}
