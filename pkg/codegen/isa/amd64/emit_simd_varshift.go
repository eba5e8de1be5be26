package amd64

import (
	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Shifts by a count known only at run time. Wasm takes the count modulo
// the lane width, x86 does not (psllw by 16 gives 0), so the count is
// masked: in the XMM register the shift reads it from (movd, then pand
// with the pool's lane width - 1: two instructions, where masking in a
// GPR first takes a copy, an and and the movd), or, for the byte shifts,
// in a GPR, because it also indexes a table of the eight byte masks in the
// pool (16 bytes a row, 16-byte aligned, so legacy SSE's pand may read
// it too): psllw/psrlw shift words, and the row clears the bits that
// crossed into the neighbouring byte. That is Cranelift's and wazero's
// table (../shared/design/simd-x86.md, "i8x16.shl / shr_u"); building the
// mask at run time took six instructions more.

// vtableKind names a table of rows in the pool.
type vtableKind uint8

const (
	vtableShlBytes vtableKind = iota // row n: every byte 0xFF << n
	vtableShrBytes                   // row n: every byte 0xFF >> n
	vtableCount
)

// vtable returns the label of table kind's first row, adding its rows to
// the pool on first use.
func (e *emitter) vtable(kind vtableKind) asm.Label {
	if l := e.vtables[kind]; l != 0 {
		return l - 1
	}
	l := e.a.NewLabel()
	e.vtables[kind] = l + 1 // zero is "not yet"
	for n := 0; n < 8; n++ {
		b := uint64(uint8(0xFF << n))
		if kind == vtableShrBytes {
			b = uint64(0xFF >> n)
		}
		row := vconstRow{[2]uint64{b * 0x0101010101010101, b * 0x0101010101010101}, noLabel}
		if n == 0 {
			row.l = l
		}
		e.vorder = append(e.vorder, row)
	}
	return l
}

// shiftCount puts the count of shift v, modulo size, in s1 (plus bias).
func (e *emitter) shiftCount(v *ssa.Value, size int, bias uint64) {
	g := e.gpr(v.Args[1], rA)
	e.a.MovdXR(s1, g)
	e.vbinM(asm.Pand, s1, s1, e.splat64(uint64(size-1)))
	if bias != 0 {
		// The masked count is below bias: or adds it.
		e.vbinM(asm.Por, s1, s1, e.splat64(bias))
	}
}

// vshiftVar lowers shift v by a variable count; s is its lane width and
// register-count instruction.
func (e *emitter) vshiftVar(v *ssa.Value, op wasm.Opcode, size int, sop asm.VecOp) {
	a := e.a
	x := e.vop(v.Args[0], s2)
	d := e.dst(v, s0)
	switch op {
	case wasm.OpI8x16Shl, wasm.OpI8x16ShrU:
		g := e.gpr(v.Args[1], rA)
		if g != rA {
			a.MovRR(32, rA, g)
		}
		a.AndRI(32, rA, 7)
		a.MovdXR(s1, rA)
		e.v3(sop, d, x, s1)
		kind := vtableShlBytes
		if op == wasm.OpI8x16ShrU {
			kind = vtableShrBytes
		}
		a.ShlRI(32, rA, 4)
		a.Lea(64, rC, asm.LabelMem(e.vtable(kind)))
		e.vbinM(asm.Pand, d, d, asm.MI(rC, rA, 1, 0))
	case wasm.OpI8x16ShrS:
		// Each byte doubled into a word (so it is the high half), shifted
		// arithmetically by 8 more, and packed back with saturation.
		e.shiftCount(v, 8, 8)
		e.v3(asm.Punpcklbw, s0, x, x)
		e.v3(asm.Psraw, s0, s0, s1)
		e.v3(asm.Punpckhbw, s3, x, x)
		e.v3(asm.Psraw, s3, s3, s1)
		e.v3(asm.Packsswb, d, s0, s3)
	case wasm.OpI64x2ShrS:
		// ((x >>u n) ^ (m >>u n)) - (m >>u n), m the sign bit: no
		// arithmetic 64-bit shift before AVX-512.
		e.shiftCount(v, 64, 0)
		e.v3(asm.Psrlq, s0, x, s1)
		a.VM(asm.Movdqu, s3, e.splat64(1<<63))
		e.v3(asm.Psrlq, s3, s3, s1)
		e.v3(asm.Pxor, s0, s0, s3)
		e.v3(asm.Psubq, d, s0, s3)
	default:
		e.shiftCount(v, size, 0)
		e.v3(sop, d, x, s1)
	}
	e.finish(v, d)
}
