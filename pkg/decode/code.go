package decode

import (
	"github.com/lucet-go/lucet/internal/lazy"
	"github.com/lucet-go/lucet/pkg/wasm"
)

func (d *decoder) codes() {
	n := d.vec("functions", d.m.NumImportedFuncs, d.lim.Funcs)
	d.m.Codes = prealloc[wasm.Code](n)
	defer func() { d.fn = -1 }()
	for i := range n {
		d.m.Codes = push(d.m.Codes, n, wasm.Code{})
		d.fn = int(d.m.NumImportedFuncs) + i
		p := d.pos
		size := d.len32()
		if uint64(size) > uint64(d.lim.FuncSize) {
			d.fail(p, &LimitError{"function body size", uint64(size), uint64(d.lim.FuncSize)})
		}
		end := d.pos + size
		d.code(&d.m.Codes[i], i, end)
		if d.pos != end {
			d.fail(p, ErrSectionSize)
		}
	}
}

// code reads one function body: its locals, then every instruction once,
// so malformed code is rejected here and later stages can trust the
// encoding. Like the spec interpreter, the walk is not bounded by the
// body's declared size; the caller compares where it stopped.
func (d *decoder) code(c *wasm.Code, i, end int) {
	start := d.pos
	nent := d.len32()
	// Parameters count against the locals limit, as in the JS API.
	var total uint64
	if i < len(d.m.Funcs) {
		if ti := d.m.Funcs[i]; int(ti) < len(d.m.Types) {
			total = uint64(len(d.m.Types[ti].Params))
		}
	}
	params := total
	// Count first, so a hostile count fails before anything is allocated.
	save := d.pos
	for j := 0; j < nent; j++ {
		total += uint64(d.u32())
		d.valType()
	}
	if total > uint64(d.lim.Locals) {
		d.fail(start, &LimitError{"locals", total, uint64(d.lim.Locals)})
	}
	if nent > 0 {
		d.pos = save
		c.Locals = make([]wasm.LocalEntry, nent)
		for j := range c.Locals {
			c.Locals[j] = wasm.LocalEntry{Count: d.u32(), Type: d.valType()}
		}
	}
	c.NumLocals = uint32(total - params)

	bodyStart := d.pos
	d.pos = d.walk(bodyStart)
	if d.pos == end {
		c.Body = d.b[bodyStart:end:end]
		c.BodyOffset = bodyStart
	}
}

// How walk treats each one-byte opcode on its fast path; the rest, and
// any immediate that is not a single byte, go through wasm.Reader, which
// owns the encoding rules and the error messages.
const (
	kSlow   = iota
	kNone   // no immediate
	kIdx    // one u32 (or s32/s64 constant)
	kMemarg // two u32
	kBlock  // block type
	kEnd    // end
	kElse   // else
	kF32    // 4 bytes
	kF64    // 8 bytes
	kI64    // one s64
)

// opKind is built on first use, so that linking the decoder costs no
// start-up work.
var opKind = lazy.Value[*[256]byte]{New: func() *[256]byte {
	var t [256]byte
	for c, sh := range wasm.ImmShapes() {
		t[c] = kindOf[sh]
	}
	t[wasm.OpEnd], t[wasm.OpElse] = kEnd, kElse
	return &t
}}

// kindOf is walk's kind of each immediate shape of wasm.ImmShapes
// (kSlow: none; end and else, of no immediate, have kinds of their own).
var kindOf = [...]byte{wasm.ImmNone: kNone, wasm.ImmIndex: kIdx, wasm.ImmI32: kIdx, wasm.ImmMemarg: kMemarg,
	wasm.ImmBlockType: kBlock, wasm.ImmF32: kF32, wasm.ImmF64: kF64, wasm.ImmI64: kI64}

// skipLEB returns the position after a LEB128 integer at p of at most n
// bytes, or -1. n is chosen so that any such integer is in range (4 bytes
// for 32-bit, 9 for 64-bit): only the longest encodings, whose last byte
// has unused bits to check, are left to wasm.Reader.
func skipLEB(b []byte, p, n int) int {
	for i := 0; i < n && p+i < len(b); i++ {
		if b[p+i] < 0x80 {
			return p + i + 1
		}
	}
	return -1
}

// walk reads the instructions of a body from start through its final
// end and returns the position after it. Most instructions are one-byte
// opcodes with one-byte immediates; those are stepped over here without
// building a wasm.Instr, which is most of decode's time.
func (d *decoder) walk(start int) int {
	b := d.b
	kind := opKind.Get()
	pos := start
	d.ctl = d.ctl[:0]
	for pos < len(b) {
		c := b[pos]
		switch kind[c] {
		case kNone:
			pos++
			continue
		case kIdx:
			if p := skipLEB(b, pos+1, 4); p >= 0 {
				pos = p
				continue
			}
		case kI64:
			if p := skipLEB(b, pos+1, 9); p >= 0 {
				pos = p
				continue
			}
		case kMemarg:
			if p := skipLEB(b, pos+1, 4); p >= 0 {
				if p = skipLEB(b, p, 4); p >= 0 {
					pos = p
					continue
				}
			}
		case kF32:
			if pos+4 < len(b) {
				pos += 5
				continue
			}
		case kF64:
			if pos+8 < len(b) {
				pos += 9
				continue
			}
		case kBlock:
			if pos+1 < len(b) {
				switch wasm.ValType(b[pos+1]) {
				case 0x40, wasm.I32, wasm.I64, wasm.F32, wasm.F64, wasm.V128, wasm.FuncRef, wasm.ExternRef:
					if c == byte(wasm.OpIf) {
						d.open(pos, 1)
					} else {
						d.open(pos, 0)
					}
					pos += 2
					continue
				}
			}
		case kEnd:
			pos++
			if len(d.ctl) == 0 {
				return pos
			}
			d.ctl = d.ctl[:len(d.ctl)-1]
			continue
		case kElse:
			if n := len(d.ctl); n == 0 || d.ctl[n-1] != 1 {
				d.fail(pos, ErrEndExpected)
			} else {
				d.ctl[n-1] = 2
			}
			pos++
			continue
		}
		d.r.Reset(b)
		d.r.SetPos(pos)
		in, err := d.r.Next()
		if err != nil {
			d.fail(in.Offset, unsupportedOp(b, pos, mapErr(err)))
		}
		d.structure(&in)
		pos = d.r.Pos()
	}
	d.fail(len(b), ErrEOS)
	return 0
}

// open pushes a block of kind k (0 block or loop, 1 if) on the control
// stack, failing at NestingDepth.
func (d *decoder) open(pos int, k byte) {
	if uint64(len(d.ctl)) >= uint64(d.lim.NestingDepth) {
		d.fail(pos, &LimitError{"nesting depth", uint64(len(d.ctl)) + 1, uint64(d.lim.NestingDepth)})
	}
	d.ctl = append(d.ctl, k)
}
