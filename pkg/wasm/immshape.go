package wasm

import "github.com/lucet-go/lucet/internal/lazy"

// ImmShape is the shape of a one-byte opcode's immediates, for the
// decoders that step over common instructions in place (the decoder's
// walk, the frontend's readFast, the baseline compiler's next) and derive
// their own dispatch tables from ImmShapes: one statement of the fact,
// which Reader.Read implements in full.
type ImmShape uint8

const (
	ImmOther     ImmShape = iota // anything else: prefixed, several immediates, or not an opcode
	ImmNone                      // no immediate (end and else included)
	ImmIndex                     // one u32 index
	ImmMemarg                    // a memarg: two u32
	ImmBlockType                 // a block type (block, loop, if)
	ImmI32                       // an s32 constant
	ImmI64                       // an s64 constant
	ImmF32                       // 4 bytes
	ImmF64                       // 8 bytes
)

// ImmShapes is the ImmShape of every one-byte opcode, built on first use
// so that linking this package costs no start-up work.
func ImmShapes() *[256]ImmShape { return immShapes.Get() }

var immShapes = lazy.Value[*[256]ImmShape]{New: func() *[256]ImmShape {
	var t [256]ImmShape
	for _, op := range []Opcode{OpUnreachable, OpNop, OpElse, OpEnd, OpReturn, OpDrop, OpSelect, OpRefIsNull} {
		t[op] = ImmNone
	}
	for op := OpI32Eqz; op <= OpI64Extend32S; op++ {
		t[op] = ImmNone
	}
	for _, op := range []Opcode{OpBr, OpBrIf, OpCall, OpLocalGet, OpLocalSet, OpLocalTee,
		OpGlobalGet, OpGlobalSet, OpTableGet, OpTableSet, OpRefFunc} {
		t[op] = ImmIndex
	}
	for op := OpI32Load; op <= OpI64Store32; op++ {
		t[op] = ImmMemarg
	}
	t[OpBlock], t[OpLoop], t[OpIf] = ImmBlockType, ImmBlockType, ImmBlockType
	t[OpI32Const], t[OpI64Const] = ImmI32, ImmI64
	t[OpF32Const], t[OpF64Const] = ImmF32, ImmF64
	return &t
}}
