package amd64

import (
	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/internal/lazy"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
)

// i8x16.shuffle patterns one instruction implements, tried before the
// generic two-pshufb form (as Cranelift and V8 match them): a copy, a
// byte rotation of the concatenation (palignr), a dword permutation of
// one source (pshufd) or of both (shufps), the unpacks, a word blend
// (pblendw), and a byte permutation of one source (one pshufb).

// unpackPatterns are the lanes each unpack of x (dst) and y (src) makes.
type unpackPattern struct {
	op    asm.VecOp
	lanes [16]byte
}

var unpackPatterns = lazy.Value[[]unpackPattern]{New: func() (out []unpackPattern) {
	for _, u := range []struct {
		op         asm.VecOp
		size, base int
	}{
		{asm.Punpcklbw, 1, 0}, {asm.Punpckhbw, 1, 8}, {asm.Punpcklwd, 2, 0}, {asm.Punpckhwd, 2, 8},
		{asm.Punpckldq, 4, 0}, {asm.Punpckhdq, 4, 8}, {asm.Punpcklqdq, 8, 0}, {asm.Punpckhqdq, 8, 8},
	} {
		var l [16]byte
		for i := 0; i < 16; i++ {
			elem, b := i/u.size, i%u.size
			src := byte(u.base + (elem/2)*u.size + b)
			if elem%2 == 1 {
				src += 16
			}
			l[i] = src
		}
		out = append(out, unpackPattern{u.op, l})
	}
	return out
}}

// swapSources exchanges the roles of x and y in a lane list.
func swapSources(l [16]byte) [16]byte {
	for i := range l {
		l[i] ^= 16
	}
	return l
}

// shuffleMatch emits lanes of (x, y) into d if one instruction does it.
func (e *emitter) shuffleMatch(l [16]byte, x, y *ssa.Value, d asm.Reg) bool {
	return e.shuffleConsecutive(l, x, y, d) || e.shuffleDwords(l, x, y, d) ||
		e.shuffleUnpack(l, x, y, d) || e.shuffleBlend(l, x, y, d)
}

// shuffle2 emits d = x op y (with op's immediate when imm >= 0) for a
// two-source shuffle instruction: AVX's three-operand form, or SSE's
// x copied into d first, through s0 when d holds y (the copy would
// overwrite it).
func (e *emitter) shuffle2(op asm.VecOp, d asm.Reg, x, y *ssa.Value, imm int) {
	if e.avx() {
		e.vvv(op, d, e.vop(x, s1), e.vop(y, s2), imm)
		return
	}
	t := d
	if isReg(y, d) {
		t = s0
	}
	e.load(t, x)
	if imm >= 0 {
		e.a.VI(op, t, e.vop(y, s1), uint8(imm))
	} else {
		e.a.V(op, t, e.vop(y, s1))
	}
	if t != d {
		e.a.V(asm.Movaps, d, t)
	}
}

// shuffleConsecutive matches 16 consecutive bytes of the concatenation
// x:y: a copy of either source, or a palignr.
func (e *emitter) shuffleConsecutive(l [16]byte, x, y *ssa.Value, d asm.Reg) bool {
	for i := 1; i < 16; i++ {
		if l[i] != l[0]+byte(i) {
			return false
		}
	}
	switch l[0] {
	case 0:
		e.load(d, x)
	case 16:
		e.load(d, y)
	default: // 0 < l[0] < 16: bytes l[0].. of x then of y
		e.shuffle2(asm.Palignr, d, y, x, int(l[0]))
	}
	return true
}

// dwordLanes returns the dwords (0-7, 4-7 of y) a byte lane list takes
// whole and in order, or false if it splits one.
func dwordLanes(l [16]byte) (q [4]byte, ok bool) {
	for j := 0; j < 4; j++ {
		if l[4*j]%4 != 0 {
			return q, false
		}
		for b := 1; b < 4; b++ {
			if l[4*j+b] != l[4*j]+byte(b) {
				return q, false
			}
		}
		q[j] = l[4*j] / 4
	}
	return q, true
}

// shuffleDwords matches a dword permutation of one source (pshufd), or
// low dwords from one source and high from the other (shufps).
func (e *emitter) shuffleDwords(l [16]byte, x, y *ssa.Value, d asm.Reg) bool {
	q, ok := dwordLanes(l)
	if !ok {
		return false
	}
	imm := q[0]&3 | (q[1]&3)<<2 | (q[2]&3)<<4 | (q[3]&3)<<6
	fromX := func(a, b byte) bool { return a < 4 && b < 4 }
	fromY := func(a, b byte) bool { return a >= 4 && b >= 4 }
	lo, hi := fromX(q[0], q[1]), fromX(q[2], q[3])
	loY, hiY := fromY(q[0], q[1]), fromY(q[2], q[3])
	switch {
	case lo && hi: // pshufd reads its whole source first: d may be it
		e.a.VI(asm.Pshufd, d, e.vop(x, s1), imm)
	case loY && hiY:
		e.a.VI(asm.Pshufd, d, e.vop(y, s1), imm)
	case lo && hiY:
		e.shuffle2(asm.Shufps, d, x, y, int(imm))
	case loY && hi:
		e.shuffle2(asm.Shufps, d, y, x, int(imm))
	default:
		return false
	}
	return true
}

// shuffleUnpack matches an unpack of x and y, in either order.
func (e *emitter) shuffleUnpack(l [16]byte, x, y *ssa.Value, d asm.Reg) bool {
	for _, u := range unpackPatterns.Get() {
		if l == u.lanes {
			e.shuffle2(u.op, d, x, y, -1)
			return true
		}
		if l == swapSources(u.lanes) {
			e.shuffle2(u.op, d, y, x, -1)
			return true
		}
	}
	return false
}

// shuffleBlend matches a word blend: every word stays in place, from x or
// from y.
func (e *emitter) shuffleBlend(l [16]byte, x, y *ssa.Value, d asm.Reg) bool {
	mask := uint8(0)
	for j := 0; j < 8; j++ {
		lo, hi := l[2*j], l[2*j+1]
		switch {
		case lo == byte(2*j) && hi == byte(2*j+1):
		case lo == byte(16+2*j) && hi == byte(16+2*j+1):
			mask |= 1 << j
		default:
			return false
		}
	}
	e.shuffle2(asm.Pblendw, d, x, y, int(mask))
	return true
}

// zeroByte is pshufb's mask byte for a lane it zeroes.
const zeroByte = 0x80

// shuffleZero matches a shuffle whose lanes from one source are all
// zero bytes of a constant, as clang writes zero extensions and byte
// unpacks against zero (i8x16.shuffle of v128.const 0 and x): the lanes
// from the other source in place and zeroes elsewhere are one pmovzx when
// they are its pattern, else one pshufb with a mask that zeroes the
// constant's lanes, where the generic form shuffles both sources and ors
// them (and first materialises the zero vector).
func (e *emitter) shuffleZero(l [16]byte, x, y *ssa.Value, d asm.Reg) bool {
	src, from := y, byte(16)
	if !zeroLanes(l, x, 0) {
		if !zeroLanes(l, y, 16) {
			return false
		}
		src, from = x, 0
	}
	var m [16]byte
	for i, b := range l {
		if b >= from && b < from+16 {
			m[i] = b - from
		} else {
			m[i] = zeroByte
		}
	}
	if op, ok := zeroExtension(m); ok {
		// pmovzx reads its source whole before writing: d may be it.
		e.a.V(op, d, e.vop(src, s1))
		return true
	}
	var lo, hi uint64
	for i := 0; i < 8; i++ {
		lo |= uint64(m[i]) << (8 * i)
		hi |= uint64(m[8+i]) << (8 * i)
	}
	if e.avx() {
		e.a.VVM(asm.Pshufb, d, e.vop(src, s1), e.vconst(lo, hi))
		return true
	}
	e.load(d, src)
	e.a.VM(asm.Pshufb, d, e.vconst(lo, hi))
	return true
}

// zeroLanes reports whether v is a constant, taken by at least one lane
// of l (v being the source whose lanes are from..from+15), every byte of
// which that l takes is zero. A source no lane takes is left to the
// other patterns (one-source shuffles).
func zeroLanes(l [16]byte, v *ssa.Value, from byte) bool {
	if v.Op != ssa.OpConst {
		return false
	}
	used := false
	for _, b := range l {
		if b < from || b >= from+16 {
			continue
		}
		used = true
		k := b - from
		w := uint64(v.Aux)
		if k >= 8 {
			w, k = uint64(v.Aux2), k-8
		}
		if byte(w>>(8*k)) != 0 {
			return false
		}
	}
	return used
}

// zeroExtension returns the pmovzx whose result is pshufb mask m: the
// low bytes of the source widened to words, dwords or qwords.
func zeroExtension(m [16]byte) (asm.VecOp, bool) {
	for _, z := range []struct {
		op   asm.VecOp
		size int
	}{{asm.Pmovzxbw, 2}, {asm.Pmovzxwd, 4}, {asm.Pmovzxdq, 8}} {
		half, ok := z.size/2, true
		for i, b := range m {
			elem, k := i/z.size, i%z.size
			want := byte(zeroByte)
			if k < half {
				want = byte(elem*half + k)
			}
			ok = ok && b == want
		}
		if ok {
			return z.op, true
		}
	}
	return 0, false
}
