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
		{"rorx eax, ebx, 7", func(a *Assembler) { a.RorxRRI(32, RAX, RBX, 7) }, []byte{0xc4, 0xe3, 0x7b, 0xf0, 0xc3, 0x07}},
		{"rorx r12d, r9d, 25", func(a *Assembler) { a.RorxRRI(32, R12, R9, 25) }, []byte{0xc4, 0x43, 0x7b, 0xf0, 0xe1, 0x19}},
		{"rorx rsi, r13, 63", func(a *Assembler) { a.RorxRRI(64, RSI, R13, 63) }, []byte{0xc4, 0xc3, 0xfb, 0xf0, 0xf5, 0x3f}},
		{"rorx r10d, [rbp-0x18], 13", func(a *Assembler) { a.RorxRMI(32, R10, M(RBP, -0x18), 13) },
			[]byte{0xc4, 0x63, 0x7b, 0xf0, 0x55, 0xe8, 0x0d}},
		{"rorx rbx, [r14+rcx+8], 1", func(a *Assembler) { a.RorxRMI(64, RBX, MI(R14, RCX, 1, 8), 1) },
			[]byte{0xc4, 0xc3, 0xfb, 0xf0, 0x5c, 0x0e, 0x08, 0x01}},
		// llvm-mc 14 -show-encoding
		{"shlx r8d, esi, r9d", func(a *Assembler) { a.ShiftxRRR(ShiftShl, 32, R8, RSI, R9) }, []byte{0xc4, 0x62, 0x31, 0xf7, 0xc6}},
		{"shlx rax, r13, r12", func(a *Assembler) { a.ShiftxRRR(ShiftShl, 64, RAX, R13, R12) }, []byte{0xc4, 0xc2, 0x99, 0xf7, 0xc5}},
		{"shrx eax, edx, r10d", func(a *Assembler) { a.ShiftxRRR(ShiftShr, 32, RAX, RDX, R10) }, []byte{0xc4, 0xe2, 0x2b, 0xf7, 0xc2}},
		{"sarx r12, rbx, rsi", func(a *Assembler) { a.ShiftxRRR(ShiftSar, 64, R12, RBX, RSI) }, []byte{0xc4, 0x62, 0xca, 0xf7, 0xe3}},
		{"sarx ebx, [rbp-0x18], ecx", func(a *Assembler) { a.ShiftxRMR(ShiftSar, 32, RBX, M(RBP, -0x18), RCX) },
			[]byte{0xc4, 0xe2, 0x72, 0xf7, 0x5d, 0xe8}},
		{"shrx r11, [r14+rcx+8], rdi", func(a *Assembler) { a.ShiftxRMR(ShiftShr, 64, R11, MI(R14, RCX, 1, 8), RDI) },
			[]byte{0xc4, 0x42, 0xc3, 0xf7, 0x5c, 0x0e, 0x08}},
		{"vaddsd xmm0, xmm1, xmm2", func(a *Assembler) { a.VfloatRRR(FAdd, 64, X0, X1, X2) }, []byte{0xc5, 0xf3, 0x58, 0xc2}},
		{"vsubss xmm9, xmm12, xmm3", func(a *Assembler) { a.VfloatRRR(FSub, 32, X9, X12, X3) }, []byte{0xc5, 0x1a, 0x5c, 0xcb}},
		{"vmulsd xmm13, xmm2, xmm11", func(a *Assembler) { a.VfloatRRR(FMul, 64, X13, X2, X11) }, []byte{0xc4, 0x41, 0x6b, 0x59, 0xeb}},
		{"vdivss xmm4, xmm5, xmm6", func(a *Assembler) { a.VfloatRRR(FDiv, 32, X4, X5, X6) }, []byte{0xc5, 0xd2, 0x5e, 0xe6}},
		{"vaddsd xmm1, xmm2, [r14+rbx+0x10]", func(a *Assembler) { a.VfloatRRM(FAdd, 64, X1, X2, MI(R14, RBX, 1, 0x10)) },
			[]byte{0xc4, 0xc1, 0x6b, 0x58, 0x4c, 0x1e, 0x10}},
		{"vmulss xmm10, xmm11, [r14+r9]", func(a *Assembler) { a.VfloatRRM(FMul, 32, X10, X11, MI(R14, R9, 1, 0)) },
			[]byte{0xc4, 0x01, 0x22, 0x59, 0x14, 0x0e}},
		{"vsubsd xmm3, xmm8, [rbp-0x18]", func(a *Assembler) { a.VfloatRRM(FSub, 64, X3, X8, M(RBP, -0x18)) },
			[]byte{0xc5, 0xbb, 0x5c, 0x5d, 0xe8}},
		{"vdivsd xmm12, xmm0, [r14+rcx+0x12345]", func(a *Assembler) { a.VfloatRRM(FDiv, 64, X12, X0, MI(R14, RCX, 1, 0x12345)) },
			[]byte{0xc4, 0x41, 0x7b, 0x5e, 0xa4, 0x0e, 0x45, 0x23, 0x01, 0x00}},
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
		"rorx xmm":          func(a *Assembler) { a.RorxRRI(32, X0, RAX, 1) },
		"shlx size 16":      func(a *Assembler) { a.ShiftxRRR(ShiftShl, 16, RAX, RBX, RCX) },
		"shlx xmm count":    func(a *Assembler) { a.ShiftxRRR(ShiftShl, 32, RAX, RBX, X1) },
		"rolx":              func(a *Assembler) { a.ShiftxRRR(ShiftRol, 32, RAX, RBX, RCX) },
		"sarx xmm":          func(a *Assembler) { a.ShiftxRMR(ShiftSar, 64, X2, M(RBP, -8), RCX) },
		"rorx rip":          func(a *Assembler) { a.RorxRMI(32, RAX, LabelMem(a.NewLabel()), 1) },
		"vaddsd gpr":        func(a *Assembler) { a.VfloatRRR(FAdd, 64, X0, RAX, X1) },
		"vmulss size 16":    func(a *Assembler) { a.VfloatRRR(FMul, 16, X0, X1, X2) },
		"vsubsd gpr dst":    func(a *Assembler) { a.VfloatRRM(FSub, 64, RAX, X1, M(RSI, 0)) },
	} {
		a := New()
		emit(a)
		if a.Err() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
