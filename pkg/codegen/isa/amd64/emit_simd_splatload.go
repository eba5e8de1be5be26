package amd64

import (
	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Splats of a loaded lane (v128.loadN_splat) read the lane from memory as
// they broadcast it, as Cranelift does: one instruction where a load into
// a general register, a movd and a shuffle are three. ssa.FuseSplatLoads
// marks the load (Machine.Prepare, with AVX).

// splatFromMemory reports whether splat v has a broadcast-from-memory
// form: vbroadcastss (AVX) for 32-bit lanes, movddup for 64-bit ones,
// vpbroadcastb/w for bytes and words with AVX2.
func splatFromMemory(v *ssa.Value, avx2 bool) bool {
	switch ssa.Fd(uint32(v.Aux2)) {
	case wasm.OpI8x16Splat, wasm.OpI16x8Splat:
		return avx2
	}
	return true
}

// splatLoad emits splat v of fused load l.
func (e *emitter) splatLoad(v, l *ssa.Value, op wasm.Opcode) {
	size := 4
	switch op {
	case wasm.OpI8x16Splat:
		size = 1
	case wasm.OpI16x8Splat:
		size = 2
	case wasm.OpI64x2Splat, wasm.OpF64x2Splat:
		size = 8
	}
	m := e.memAccess(l, size)
	d := e.dst(v, s0)
	e.guardSite(l)
	if size == 8 {
		e.a.VM(asm.Movddup, d, m) // movddup's m64 needs no alignment
	} else {
		e.a.VbroadcastM(8*size, d, m)
	}
	e.finish(v, d)
}
