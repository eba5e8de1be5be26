package validate

import (
	"github.com/lucet-go/lucet/internal/lazy"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// numSig is the signature of a one-byte numeric instruction: n operands
// (p1, then p2 on top) and one result.
type numSig struct {
	p1, p2, r wasm.ValType
	n         uint8
	ok        bool // the entry is meaningful
}

// numSigs covers the one-byte numeric opcodes 0x41-0xC4; other entries
// have ok == false. It is built on first use, so that linking the
// validator costs no start-up work.
var numSigs = lazy.Value[*[256]numSig]{New: func() *[256]numSig {
	var t [256]numSig
	const (
		i32 = wasm.I32
		i64 = wasm.I64
		f32 = wasm.F32
		f64 = wasm.F64
	)
	un := func(lo, hi wasm.Opcode, p, r wasm.ValType) {
		for op := lo; op <= hi; op++ {
			t[op] = numSig{p1: p, r: r, n: 1, ok: true}
		}
	}
	bin := func(lo, hi wasm.Opcode, p, r wasm.ValType) {
		for op := lo; op <= hi; op++ {
			t[op] = numSig{p1: p, p2: p, r: r, n: 2, ok: true}
		}
	}
	un(wasm.OpI32Eqz, wasm.OpI32Eqz, i32, i32)
	bin(wasm.OpI32Eq, wasm.OpI32GeU, i32, i32)
	un(wasm.OpI64Eqz, wasm.OpI64Eqz, i64, i32)
	bin(wasm.OpI64Eq, wasm.OpI64GeU, i64, i32)
	bin(wasm.OpF32Eq, wasm.OpF32Ge, f32, i32)
	bin(wasm.OpF64Eq, wasm.OpF64Ge, f64, i32)
	un(wasm.OpI32Clz, wasm.OpI32Popcnt, i32, i32)
	bin(wasm.OpI32Add, wasm.OpI32Rotr, i32, i32)
	un(wasm.OpI64Clz, wasm.OpI64Popcnt, i64, i64)
	bin(wasm.OpI64Add, wasm.OpI64Rotr, i64, i64)
	un(wasm.OpF32Abs, wasm.OpF32Sqrt, f32, f32)
	bin(wasm.OpF32Add, wasm.OpF32Copysign, f32, f32)
	un(wasm.OpF64Abs, wasm.OpF64Sqrt, f64, f64)
	bin(wasm.OpF64Add, wasm.OpF64Copysign, f64, f64)
	un(wasm.OpI32WrapI64, wasm.OpI32WrapI64, i64, i32)
	un(wasm.OpI32TruncF32S, wasm.OpI32TruncF32U, f32, i32)
	un(wasm.OpI32TruncF64S, wasm.OpI32TruncF64U, f64, i32)
	un(wasm.OpI64ExtendI32S, wasm.OpI64ExtendI32U, i32, i64)
	un(wasm.OpI64TruncF32S, wasm.OpI64TruncF32U, f32, i64)
	un(wasm.OpI64TruncF64S, wasm.OpI64TruncF64U, f64, i64)
	un(wasm.OpF32ConvertI32S, wasm.OpF32ConvertI32U, i32, f32)
	un(wasm.OpF32ConvertI64S, wasm.OpF32ConvertI64U, i64, f32)
	un(wasm.OpF32DemoteF64, wasm.OpF32DemoteF64, f64, f32)
	un(wasm.OpF64ConvertI32S, wasm.OpF64ConvertI32U, i32, f64)
	un(wasm.OpF64ConvertI64S, wasm.OpF64ConvertI64U, i64, f64)
	un(wasm.OpF64PromoteF32, wasm.OpF64PromoteF32, f32, f64)
	un(wasm.OpI32ReinterpretF32, wasm.OpI32ReinterpretF32, f32, i32)
	un(wasm.OpI64ReinterpretF64, wasm.OpI64ReinterpretF64, f64, i64)
	un(wasm.OpF32ReinterpretI32, wasm.OpF32ReinterpretI32, i32, f32)
	un(wasm.OpF64ReinterpretI64, wasm.OpF64ReinterpretI64, i64, f64)
	un(wasm.OpI32Extend8S, wasm.OpI32Extend16S, i32, i32)
	un(wasm.OpI64Extend8S, wasm.OpI64Extend32S, i64, i64)
	// Constants have no operands but fit the same fast path.
	t[wasm.OpI32Const] = numSig{r: i32, ok: true}
	t[wasm.OpI64Const] = numSig{r: i64, ok: true}
	t[wasm.OpF32Const] = numSig{r: f32, ok: true}
	t[wasm.OpF64Const] = numSig{r: f64, ok: true}
	return &t
}}
