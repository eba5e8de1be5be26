package ssa

import "github.com/lucet-go/lucet/pkg/wasm"

// FuseSplatLoads marks a scalar load whose one use is the next value of
// its block, a splat of exactly the loaded lane (v128.loadN_splat, which
// the frontend builds as load then splat, or the same written out), as
// that splat's memory operand where canFuse(splat) says the machine
// reads the lane from memory as it broadcasts it (amd64 with AVX:
// vbroadcastss, vpbroadcastb/w, movddup). The access reads the same
// bytes at the same place in the order of execution, so it traps where
// the wasm load would; the bounds check stays the load's.
func FuseSplatLoads(f *Func, canFuse func(splat *Value) bool) {
	for _, b := range f.Blocks {
		for i, l := range b.Values {
			if l.Op != OpLoad || l.Uses != 1 || l.Fused {
				continue
			}
			v := nextInstr(b, i)
			if v == nil {
				continue
			}
			if v.Op == OpSIMD && !v.Fused && len(v.Args) == 1 && v.Args[0] == l && splatOfLoad(uint32(v.Aux2), wasm.Opcode(l.Aux2)) && canFuse(v) {
				l.Fused = true
			}
		}
	}
}

// splatOfLoad reports whether splat sub broadcasts all the bytes load op
// reads (and nothing more): a narrower lane would read fewer bytes than
// the wasm load, and trap differently at the end of memory.
func splatOfLoad(sub uint32, op wasm.Opcode) bool {
	switch sub {
	case 0x0F: // i8x16.splat
		return op == wasm.OpI32Load8U || op == wasm.OpI32Load8S
	case 0x10: // i16x8.splat
		return op == wasm.OpI32Load16U || op == wasm.OpI32Load16S
	case 0x11: // i32x4.splat
		return op == wasm.OpI32Load
	case 0x12: // i64x2.splat
		return op == wasm.OpI64Load
	case 0x13: // f32x4.splat
		return op == wasm.OpF32Load
	case 0x14: // f64x2.splat
		return op == wasm.OpF64Load
	}
	return false
}
