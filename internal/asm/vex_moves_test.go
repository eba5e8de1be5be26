package asm

import (
	"bytes"
	"testing"
)

// TestVEXMoves checks the packed moves' VEX encodings under SetVEXMoves
// (bytes as objdump decodes them), that other packed operations keep
// their legacy encodings, and that SetVEXMoves(false) restores the legacy
// moves.
func TestVEXMoves(t *testing.T) {
	for _, tc := range []struct {
		text        string
		emit        func(a *Assembler)
		vex, legacy []byte
	}{
		{"vmovaps xmm1, xmm10", func(a *Assembler) { a.V(Movaps, X1, X10) },
			[]byte{0xc4, 0xc1, 0x78, 0x28, 0xca}, []byte{0x41, 0x0f, 0x28, 0xca}},
		{"vmovdqu xmm12, [rax+8]", func(a *Assembler) { a.VM(Movdqu, X12, M(RAX, 8)) },
			[]byte{0xc5, 0x7a, 0x6f, 0x60, 0x08}, []byte{0xf3, 0x44, 0x0f, 0x6f, 0x60, 0x08}},
		{"vmovups xmm0, [r14+rdi]", func(a *Assembler) { a.MovupsRM(X0, MI(R14, RDI, 1, 0)) },
			[]byte{0xc4, 0xc1, 0x78, 0x10, 0x04, 0x3e}, []byte{0x41, 0x0f, 0x10, 0x04, 0x3e}},
		{"vmovups [r14+r12], xmm2", func(a *Assembler) { a.MovupsMR(MI(R14, R12, 1, 0), X2) },
			[]byte{0xc4, 0x81, 0x78, 0x11, 0x14, 0x26}, []byte{0x43, 0x0f, 0x11, 0x14, 0x26}},
		{"vmovdqu [rbp-16], xmm9", func(a *Assembler) { a.MovdquMR(M(RBP, -16), X9) },
			[]byte{0xc5, 0x7a, 0x7f, 0x4d, 0xf0}, []byte{0xf3, 0x44, 0x0f, 0x7f, 0x4d, 0xf0}},
		{"paddb xmm1, xmm2 (not a move)", func(a *Assembler) { a.V(Paddb, X1, X2) },
			[]byte{0x66, 0x0f, 0xfc, 0xca}, []byte{0x66, 0x0f, 0xfc, 0xca}},
	} {
		for _, on := range []bool{true, false} {
			a := New()
			a.SetVEXMoves(true)
			a.SetVEXMoves(on)
			tc.emit(a)
			want := tc.legacy
			if on {
				want = tc.vex
			}
			if err := a.Err(); err != nil {
				t.Errorf("%s (vex %v): %v", tc.text, on, err)
			} else if got := a.Bytes(); !bytes.Equal(got, want) {
				t.Errorf("%s (vex %v): got % x, want % x", tc.text, on, got, want)
			}
		}
	}
}
