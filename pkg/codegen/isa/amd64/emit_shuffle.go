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

// shuffleMatch emits lanes of (x, y) into s0 if one instruction does it.
func (e *emitter) shuffleMatch(l [16]byte, x, y *ssa.Value) bool {
	a := e.a
	consec := true
	for i := 1; i < 16; i++ {
		consec = consec && l[i] == l[0]+byte(i)
	}
	switch {
	case consec && l[0] == 0:
		e.load(s0, x)
		return true
	case consec && l[0] == 16:
		e.load(s0, y)
		return true
	case consec: // 0 < l[0] < 16: bytes l[0].. of x then of y
		e.load(s0, y)
		a.VI(asm.Palignr, s0, e.vop(x, s1), l[0])
		return true
	}
	// Dword granularity.
	var q [4]byte
	dwords := true
	for j := 0; j < 4 && dwords; j++ {
		q[j] = l[4*j] / 4
		dwords = l[4*j]%4 == 0
		for b := 1; b < 4; b++ {
			dwords = dwords && l[4*j+b] == l[4*j]+byte(b)
		}
	}
	if dwords {
		imm := func(a, b, c, d byte) uint8 { return a&3 | (b&3)<<2 | (c&3)<<4 | (d&3)<<6 }
		lo := q[0] < 4 && q[1] < 4
		hi := q[2] < 4 && q[3] < 4
		loY := q[0] >= 4 && q[1] >= 4
		hiY := q[2] >= 4 && q[3] >= 4
		switch {
		case lo && hi:
			a.VI(asm.Pshufd, s0, e.vop(x, s1), imm(q[0], q[1], q[2], q[3]))
			return true
		case loY && hiY:
			a.VI(asm.Pshufd, s0, e.vop(y, s1), imm(q[0], q[1], q[2], q[3]))
			return true
		case lo && hiY:
			e.load(s0, x)
			a.VI(asm.Shufps, s0, e.vop(y, s1), imm(q[0], q[1], q[2], q[3]))
			return true
		case loY && hi:
			e.load(s0, y)
			a.VI(asm.Shufps, s0, e.vop(x, s1), imm(q[0], q[1], q[2], q[3]))
			return true
		}
	}
	for _, u := range unpackPatterns.Get() {
		if l == u.lanes {
			e.load(s0, x)
			a.V(u.op, s0, e.vop(y, s1))
			return true
		}
		if l == swapSources(u.lanes) {
			e.load(s0, y)
			a.V(u.op, s0, e.vop(x, s1))
			return true
		}
	}
	// Word blend: every word stays in place, from x or from y.
	blend, mask := true, uint8(0)
	for j := 0; j < 8 && blend; j++ {
		lo, hi := l[2*j], l[2*j+1]
		switch {
		case lo == byte(2*j) && hi == byte(2*j+1):
		case lo == byte(16+2*j) && hi == byte(16+2*j+1):
			mask |= 1 << j
		default:
			blend = false
		}
	}
	if blend {
		e.load(s0, x)
		a.VI(asm.Pblendw, s0, e.vop(y, s1), mask)
		return true
	}
	return false
}
