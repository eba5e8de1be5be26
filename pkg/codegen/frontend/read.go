package frontend

import (
	"github.com/lucet-go/lucet/internal/lazy"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// readFast decodes the instruction at body[pos] into in as
// wasm.Reader.Read would, when it is one of the common ones (no
// immediate, or indexes, a constant or a memarg of a few bytes), and
// returns its length; 0 leaves it to Read. The frontend reads every
// instruction of every body, and Read's call, dispatch and clearing of
// the whole ~100-byte Instr were ~2% of a big module's compile. clean
// says that in's fields other than those readFast sets are zero (in
// was last filled here): then only those are rewritten. kinds is
// fastKinds.Get(), fetched once per body.
func readFast(in *wasm.Instr, body []byte, pos int, clean bool, kinds *[256]byte) int {
	c := body[pos]
	k := kinds[c]
	if k == fastSlow {
		return 0
	}
	if clean {
		in.Index, in.MemAlign, in.MemOffset, in.Value = 0, 0, 0, 0
	} else {
		*in = wasm.Instr{}
	}
	in.Op, in.Offset = wasm.Opcode(c), pos
	if k == fastNone {
		return 1
	}
	p := pos + 1
	switch k {
	case fastIndex:
		v, n := fastU32(body, p)
		if n == 0 {
			return 0
		}
		in.Index, p = v, p+n
	case fastMemarg:
		a, n := fastU32(body, p)
		if n == 0 {
			return 0
		}
		o, m := fastU32(body, p+n)
		if m == 0 {
			return 0
		}
		in.MemAlign, in.MemOffset, p = a, o, p+n+m
	case fastI32, fastI64:
		// Signed LEB128 of at most 4 (i32) or 9 (i64) bytes: 28 or 63
		// bits, in range whatever they hold; longer ones go to Read,
		// which checks the unused bits of the last byte.
		limit := 4
		if k == fastI64 {
			limit = 9
		}
		var v int64
		var shift uint
		for i := 0; ; i++ {
			if i == limit || p+i >= len(body) {
				return 0
			}
			c := body[p+i]
			v |= int64(c&0x7f) << shift
			shift += 7
			if c&0x80 == 0 {
				if c&0x40 != 0 {
					v |= -1 << shift
				}
				p += i + 1
				break
			}
		}
		in.Value = uint64(v)
	case fastF32:
		if p+4 > len(body) {
			return 0
		}
		b := body[p : p+4]
		in.Value = uint64(uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24)
		p += 4
	case fastF64:
		if p+8 > len(body) {
			return 0
		}
		b := body[p : p+8]
		for i := 7; i >= 0; i-- {
			in.Value = in.Value<<8 | uint64(b[i])
		}
		p += 8
	}
	return p - pos
}

// fastU32 decodes an unsigned LEB128 of at most 4 bytes (28 bits: no
// overflow to check) at body[p], returning it and its length (0: none
// such).
func fastU32(body []byte, p int) (uint32, int) {
	if p < len(body) && body[p] < 0x80 {
		return uint32(body[p]), 1 // most indexes
	}
	var v uint32
	for i := 0; i < 4 && p+i < len(body); i++ {
		c := body[p+i]
		v |= uint32(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v, i + 1
		}
	}
	return 0, 0
}

// How readFast decodes each one-byte opcode (fastSlow: it does not), and
// how ValidatedFacts steps over its immediates.
const (
	fastSlow = iota
	fastNone
	fastIndex  // one u32
	fastMemarg // two u32
	fastI32
	fastI64
	fastF32
	fastF64
)

// fastKinds is readFast's reading of wasm.ImmShapes, built on first use,
// so linking the frontend costs no start-up work.
var fastKinds = lazy.Value[*[256]byte]{New: func() *[256]byte {
	var t [256]byte
	for c, sh := range wasm.ImmShapes() {
		t[c] = fastOf[sh]
	}
	return &t
}}

// fastOf is the fast kind of each immediate shape (fastSlow: none).
var fastOf = [...]byte{wasm.ImmNone: fastNone, wasm.ImmIndex: fastIndex, wasm.ImmMemarg: fastMemarg,
	wasm.ImmI32: fastI32, wasm.ImmI64: fastI64, wasm.ImmF32: fastF32, wasm.ImmF64: fastF64, wasm.ImmBlockType: fastSlow}
