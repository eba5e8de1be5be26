package asm

import (
	"bytes"
	"fmt"
	"testing"
)

// TestVEXScalarVectors checks the scalar AVX forms that break the false
// dependency of sqrt, rounding and float conversion against llvm-mc 14.
func TestVEXScalarVectors(t *testing.T) {
	for _, tc := range []struct {
		text string
		emit func(a *Assembler)
		want []byte
	}{
		{"vsqrtsd xmm1, xmm0, xmm0", func(a *Assembler) { a.VfloatRRR(FSqrt, 64, X1, X0, X0) }, []byte{0xc5, 0xfb, 0x51, 0xc8}},
		{"vsqrtss xmm12, xmm9, xmm9", func(a *Assembler) { a.VfloatRRR(FSqrt, 32, X12, X9, X9) }, []byte{0xc4, 0x41, 0x32, 0x51, 0xe1}},
		{"vsqrtsd xmm3, xmm15, xmm15", func(a *Assembler) { a.VfloatRRR(FSqrt, 64, X3, X15, X15) }, []byte{0xc4, 0xc1, 0x03, 0x51, 0xdf}},
		{"vcvtss2sd xmm10, xmm2, xmm2", func(a *Assembler) { a.VfloatRRR(FCvt, 32, X10, X2, X2) }, []byte{0xc5, 0x6a, 0x5a, 0xd2}},
		{"vcvtsd2ss xmm4, xmm11, xmm11", func(a *Assembler) { a.VfloatRRR(FCvt, 64, X4, X11, X11) }, []byte{0xc4, 0xc1, 0x23, 0x5a, 0xe3}},
		{"vroundsd xmm8, xmm7, xmm7, 9", func(a *Assembler) { a.VroundRRRI(64, X8, X7, X7, RoundFloor|RoundNoExc) },
			[]byte{0xc4, 0x63, 0x41, 0x0b, 0xc7, 0x09}},
		{"vroundss xmm1, xmm13, xmm13, 10", func(a *Assembler) { a.VroundRRRI(32, X1, X13, X13, RoundCeil|RoundNoExc) },
			[]byte{0xc4, 0xc3, 0x11, 0x0a, 0xcd, 0x0a}},
		{"vroundsd xmm2, xmm1, xmm1, 11", func(a *Assembler) { a.VroundRRRI(64, X2, X1, X1, RoundTrunc|RoundNoExc) },
			[]byte{0xc4, 0xe3, 0x71, 0x0b, 0xd1, 0x0b}},
		{"vroundss xmm15, xmm14, xmm14, 8", func(a *Assembler) { a.VroundRRRI(32, X15, X14, X14, RoundNearest|RoundNoExc) },
			[]byte{0xc4, 0x43, 0x09, 0x0a, 0xfe, 0x08}},
	} {
		a := New()
		tc.emit(a)
		if err := a.Err(); err != nil {
			t.Errorf("%s: %v", tc.text, err)
			continue
		}
		if got := a.Bytes(); !bytes.Equal(got, tc.want) {
			t.Errorf("%s: got % x, want % x", tc.text, got, tc.want)
		}
	}
}

// Every scalar AVX form is its legacy SSE form (checked against x86asm by
// TestSSE) with the prefix, REX and escape bytes
// folded into a VEX prefix and the first source in vvvv, for every
// register pair.
func TestVEXScalarMatchesLegacy(t *testing.T) {
	ppOf := map[byte]byte{0: 0, 0x66: 1, 0xF3: 2, 0xF2: 3}
	forms := []struct {
		name   string
		legacy func(a *Assembler, d, y Reg)
		avx    func(a *Assembler, d, x, y Reg)
	}{
		{"minss", (*Assembler).MinssRR, func(a *Assembler, d, x, y Reg) { a.VfloatRRR(FMin, 32, d, x, y) }},
		{"minsd", (*Assembler).MinsdRR, func(a *Assembler, d, x, y Reg) { a.VfloatRRR(FMin, 64, d, x, y) }},
		{"maxss", (*Assembler).MaxssRR, func(a *Assembler, d, x, y Reg) { a.VfloatRRR(FMax, 32, d, x, y) }},
		{"maxsd", (*Assembler).MaxsdRR, func(a *Assembler, d, x, y Reg) { a.VfloatRRR(FMax, 64, d, x, y) }},
		{"addsd", (*Assembler).AddsdRR, func(a *Assembler, d, x, y Reg) { a.VfloatRRR(FAdd, 64, d, x, y) }},
		{"sqrtss", (*Assembler).SqrtssRR, func(a *Assembler, d, x, y Reg) { a.VfloatRRR(FSqrt, 32, d, x, y) }},
		{"sqrtsd", (*Assembler).SqrtsdRR, func(a *Assembler, d, x, y Reg) { a.VfloatRRR(FSqrt, 64, d, x, y) }},
		{"cvtss2sd", (*Assembler).Cvtss2sdRR, func(a *Assembler, d, x, y Reg) { a.VfloatRRR(FCvt, 32, d, x, y) }},
		{"cvtsd2ss", (*Assembler).Cvtsd2ssRR, func(a *Assembler, d, x, y Reg) { a.VfloatRRR(FCvt, 64, d, x, y) }},
		{"roundss", func(a *Assembler, d, y Reg) { a.RoundssRR(d, y, RoundCeil|RoundNoExc) },
			func(a *Assembler, d, x, y Reg) { a.VroundRRRI(32, d, x, y, RoundCeil|RoundNoExc) }},
		{"roundsd", func(a *Assembler, d, y Reg) { a.RoundsdRR(d, y, RoundTrunc) },
			func(a *Assembler, d, x, y Reg) { a.VroundRRRI(64, d, x, y, RoundTrunc) }},
	}
	for _, f := range forms {
		for d := X0; d <= X15; d++ {
			for y := X0; y <= X15; y++ {
				x := X15 - (y-X0+3)%16 // a third register, any of them
				la, va := New(), New()
				f.legacy(la, d, y)
				f.avx(va, d, x, y)
				desc := fmt.Sprintf("v%s %v, %v, %v", f.name, d, x, y)
				if la.Err() != nil || va.Err() != nil {
					t.Fatalf("%s: %v %v", desc, la.Err(), va.Err())
				}
				pfx, rex, lm, lrest := legacyParts(la.Bytes())
				pp, rxb, vm, vvvv, w, l, vrest := vexParts(va.Bytes())
				if pp != ppOf[pfx] || rxb != rex&7 || vm != lm || vvvv != byte(x-X0) || w || l || !bytes.Equal(vrest, lrest) {
					t.Errorf("%s: % x does not match legacy % x", desc, va.Bytes(), la.Bytes())
				}
			}
		}
	}
}

func TestVEXScalarOperandErrors(t *testing.T) {
	for name, emit := range map[string]func(a *Assembler){
		"vroundsd gpr":     func(a *Assembler) { a.VroundRRRI(64, X0, RAX, X1, RoundFloor) },
		"vroundsd gpr dst": func(a *Assembler) { a.VroundRRRI(64, RAX, X0, X1, RoundFloor) },
		"vroundsd size 16": func(a *Assembler) { a.VroundRRRI(16, X0, X1, X2, RoundFloor) },
		"vsqrtsd gpr":      func(a *Assembler) { a.VfloatRRR(FSqrt, 64, X0, X1, RBX) },
	} {
		a := New()
		emit(a)
		if a.Err() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
