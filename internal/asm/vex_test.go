package asm

import (
	"bytes"
	"testing"
)

// TestVEX checks the VEX encodings against GNU as (2.40): x86asm, the
// decoder the other tests use, does not decode VEX.
func TestVEX(t *testing.T) {
	for _, tc := range []struct {
		text string
		emit func(a *Assembler)
		want []byte
	}{
		{"andn r8d, esi, r9d", func(a *Assembler) { a.AndnRR(32, R8, RSI, R9) }, []byte{0xc4, 0x42, 0x48, 0xf2, 0xc1}},
		{"andn rax, r13, r12", func(a *Assembler) { a.AndnRR(64, RAX, R13, R12) }, []byte{0xc4, 0xc2, 0x90, 0xf2, 0xc4}},
		{"andn ebx, eax, [r14+rcx*4+0x10]", func(a *Assembler) { a.AndnRM(32, RBX, RAX, MI(R14, RCX, 4, 0x10)) },
			[]byte{0xc4, 0xc2, 0x78, 0xf2, 0x5c, 0x8e, 0x10}},
		{"andn r11, r10, [rbp-0x18]", func(a *Assembler) { a.AndnRM(64, R11, R10, M(RBP, -0x18)) },
			[]byte{0xc4, 0x62, 0xa8, 0xf2, 0x5d, 0xe8}},
		{"vmovdqu ymm0, [rsi+rdx+0x20]", func(a *Assembler) { a.VmovdquYRM(X0, MI(RSI, RDX, 1, 0x20)) },
			[]byte{0xc5, 0xfe, 0x6f, 0x44, 0x16, 0x20}},
		{"vmovdqu ymm9, [r13+rcx]", func(a *Assembler) { a.VmovdquYRM(X9, MI(R13, RCX, 1, 0)) },
			[]byte{0xc4, 0x41, 0x7e, 0x6f, 0x4c, 0x0d, 0x00}},
		{"vmovdqu [rdi+rdx-0x40], ymm3", func(a *Assembler) { a.VmovdquYMR(MI(RDI, RDX, 1, -0x40), X3) },
			[]byte{0xc5, 0xfe, 0x7f, 0x5c, 0x17, 0xc0}},
		{"vmovdqu [r8+r9+0x60], ymm12", func(a *Assembler) { a.VmovdquYMR(MI(R8, R9, 1, 0x60), X12) },
			[]byte{0xc4, 0x01, 0x7e, 0x7f, 0x64, 0x08, 0x60}},
		{"vzeroupper", func(a *Assembler) { a.Vzeroupper() }, []byte{0xc5, 0xf8, 0x77}},
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

// TestVEXOperandErrors checks that the VEX instructions refuse operands
// of the wrong kind instead of encoding something else.
func TestVEXOperandErrors(t *testing.T) {
	for name, emit := range map[string]func(a *Assembler){
		"andn size 16":      func(a *Assembler) { a.AndnRR(16, RAX, RBX, RCX) },
		"andn xmm":          func(a *Assembler) { a.AndnRR(32, X1, RBX, RCX) },
		"vmovdqu gpr":       func(a *Assembler) { a.VmovdquYRM(RAX, M(RSI, 0)) },
		"vmovdqu rsp index": func(a *Assembler) { a.VmovdquYMR(MI(RSI, RSP, 1, 0), X0) },
	} {
		a := New()
		emit(a)
		if a.Err() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
