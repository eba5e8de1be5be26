package ssa

import "github.com/lucet-go/lucet/pkg/wasm"

// FuseLaneLoads marks a scalar load whose one use is the next value of
// its block, the lane operand of a replace_lane of exactly the loaded
// width (v128.loadN_lane, which the frontend builds as load then
// replace_lane, or the same written out), as that replace_lane's memory
// operand: amd64's pinsrb/w/d/q read the lane from memory as they insert
// it, one instruction where a load into a general register and an insert
// are two (and a register fewer). The access reads the same bytes at the
// same place in the order of execution, so it traps where the wasm load
// would; the bounds check stays the load's. A narrower lane than the
// load would read fewer bytes and trap differently at the end of memory,
// so only equal widths fuse.
func FuseLaneLoads(f *Func) {
	for _, b := range f.Blocks {
		for i, l := range b.Values {
			if l.Op != OpLoad || l.Uses != 1 || l.Fused {
				continue
			}
			j := i + 1
			for j < len(b.Values) && b.Values[j].Op == OpConst {
				j++
			}
			if j == len(b.Values) {
				continue
			}
			v := b.Values[j]
			if v.Op == OpSIMD && !v.Fused && len(v.Args) == 2 && v.Args[1] == l && v.Args[0] != l &&
				replaceOfLoad(uint32(v.Aux2), wasm.Opcode(l.Aux2)) {
				l.Fused = true
			}
		}
	}
}

// replaceOfLoad reports whether replace_lane sub inserts all the bytes
// load op reads (and nothing more).
func replaceOfLoad(sub uint32, op wasm.Opcode) bool {
	switch sub {
	case 0x17: // i8x16.replace_lane
		return op == wasm.OpI32Load8U || op == wasm.OpI32Load8S
	case 0x1A: // i16x8.replace_lane
		return op == wasm.OpI32Load16U || op == wasm.OpI32Load16S
	case 0x1C: // i32x4.replace_lane
		return op == wasm.OpI32Load
	case 0x1E: // i64x2.replace_lane
		return op == wasm.OpI64Load
	}
	return false
}
