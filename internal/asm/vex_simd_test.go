package asm

import (
	"bytes"
	"fmt"
	"testing"
)

// TestVEX3Vectors checks some AVX packed encodings against llvm-mc 14
// (x86asm, the decoder of the other tests, does not decode VEX).
func TestVEX3Vectors(t *testing.T) {
	for _, tc := range []struct {
		text string
		emit func(a *Assembler)
		want []byte
	}{
		{"vpcmpeqb xmm1, xmm0, xmm15", func(a *Assembler) { a.VV(Pcmpeqb, X1, X0, X15) }, []byte{0xc4, 0xc1, 0x79, 0x74, 0xcf}},
		{"vaddps xmm9, xmm2, [r14+r8]", func(a *Assembler) { a.VVM(Addps, X9, X2, MI(R14, R8, 1, 0)) },
			[]byte{0xc4, 0x01, 0x68, 0x58, 0x0c, 0x06}},
		{"vmulps xmm3, xmm1, [r14+rdi+0x10]", func(a *Assembler) { a.VVM(Mulps, X3, X1, MI(R14, RDI, 1, 0x10)) },
			[]byte{0xc4, 0xc1, 0x70, 0x59, 0x5c, 0x3e, 0x10}},
		{"vshufps xmm1, xmm0, xmm0, 0", func(a *Assembler) { a.VVI(Shufps, X1, X0, X0, 0) }, []byte{0xc5, 0xf8, 0xc6, 0xc8, 0x00}},
		{"vpshufb xmm12, xmm13, xmm3", func(a *Assembler) { a.VV(Pshufb, X12, X13, X3) }, []byte{0xc4, 0x62, 0x11, 0x00, 0xe3}},
		{"vcmpleps xmm2, xmm10, [rbp-0x20]", func(a *Assembler) { a.VVMI(Cmpps, X2, X10, M(RBP, -0x20), 2) },
			[]byte{0xc5, 0xa8, 0xc2, 0x55, 0xe0, 0x02}},
		{"vpmulld xmm0, xmm1, xmm2", func(a *Assembler) { a.VV(Pmulld, X0, X1, X2) }, []byte{0xc4, 0xe2, 0x71, 0x40, 0xc2}},
		{"vpalignr xmm8, xmm9, xmm10, 5", func(a *Assembler) { a.VVI(Palignr, X8, X9, X10, 5) }, []byte{0xc4, 0x43, 0x31, 0x0f, 0xc2, 0x05}},
		{"vpsllw xmm1, xmm2, xmm3", func(a *Assembler) { a.VV(Psllw, X1, X2, X3) }, []byte{0xc5, 0xe9, 0xf1, 0xcb}},
		{"vpbroadcastb xmm1, xmm0", func(a *Assembler) { a.Vpbroadcast(8, X1, X0) }, []byte{0xc4, 0xe2, 0x79, 0x78, 0xc8}},
		{"vpbroadcastw xmm9, xmm2", func(a *Assembler) { a.Vpbroadcast(16, X9, X2) }, []byte{0xc4, 0x62, 0x79, 0x79, 0xca}},
		{"vpbroadcastd xmm3, xmm12", func(a *Assembler) { a.Vpbroadcast(32, X3, X12) }, []byte{0xc4, 0xc2, 0x79, 0x58, 0xdc}},
		{"vpbroadcastq xmm15, xmm15", func(a *Assembler) { a.Vpbroadcast(64, X15, X15) }, []byte{0xc4, 0x42, 0x79, 0x59, 0xff}},
		{"vpbroadcastb xmm1, [r14+rdi+0x10]", func(a *Assembler) { a.VbroadcastM(8, X1, MI(R14, RDI, 1, 0x10)) }, []byte{0xc4, 0xc2, 0x79, 0x78, 0x4c, 0x3e, 0x10}},
		{"vpbroadcastw xmm9, [rax]", func(a *Assembler) { a.VbroadcastM(16, X9, M(RAX, 0)) }, []byte{0xc4, 0x62, 0x79, 0x79, 0x08}},
		{"vbroadcastss xmm15, [rbp-8]", func(a *Assembler) { a.VbroadcastM(32, X15, M(RBP, -8)) }, []byte{0xc4, 0x62, 0x79, 0x18, 0x7d, 0xf8}},
		{"vbroadcastss xmm2, [r14+r8]", func(a *Assembler) { a.VbroadcastM(32, X2, MI(R14, R8, 1, 0)) }, []byte{0xc4, 0x82, 0x79, 0x18, 0x14, 0x06}},
		{"vpblendvb xmm1, xmm2, xmm10, xmm12", func(a *Assembler) { a.Vpblendvb(X1, X2, X10, X12) }, []byte{0xc4, 0xc3, 0x69, 0x4c, 0xca, 0xc0}},
		{"vpblendvb xmm9, xmm13, xmm15, xmm2", func(a *Assembler) { a.Vpblendvb(X9, X13, X15, X2) }, []byte{0xc4, 0x43, 0x11, 0x4c, 0xcf, 0x20}},
		{"vblendvpd xmm0, xmm7, xmm0, xmm7", func(a *Assembler) { a.Vblendvpd(X0, X7, X0, X7) }, []byte{0xc4, 0xe3, 0x41, 0x4b, 0xc0, 0x70}},
		{"vblendvpd xmm12, xmm1, xmm9, xmm15", func(a *Assembler) { a.Vblendvpd(X12, X1, X9, X15) }, []byte{0xc4, 0x43, 0x71, 0x4b, 0xe1, 0xf0}},
		{"vpsrlq xmm15, xmm8, 30", func(a *Assembler) { a.VShiftIV(PsrlqI, X15, X8, 30) }, []byte{0xc4, 0xc1, 0x01, 0x73, 0xd0, 0x1e}},
		{"vpsllq xmm1, xmm3, 32", func(a *Assembler) { a.VShiftIV(PsllqI, X1, X3, 32) }, []byte{0xc5, 0xf1, 0x73, 0xf3, 0x20}},
		{"vpsraw xmm0, xmm12, 3", func(a *Assembler) { a.VShiftIV(PsrawI, X0, X12, 3) }, []byte{0xc4, 0xc1, 0x79, 0x71, 0xe4, 0x03}},
		{"vpsrldq xmm9, xmm1, 4", func(a *Assembler) { a.VShiftIV(PsrldqI, X9, X1, 4) }, []byte{0xc5, 0xb1, 0x73, 0xd9, 0x04}},
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

// legacyParts splits a legacy SSE encoding into its mandatory prefix,
// REX bits, opcode map (1 0F, 2 0F38, 3 0F3A) and the rest (opcode
// byte, ModRM, SIB, displacement, immediate).
func legacyParts(b []byte) (pfx, rex, mmmmm byte, rest []byte) {
	if b[0] == 0x66 || b[0] == 0xF2 || b[0] == 0xF3 {
		pfx, b = b[0], b[1:]
	}
	if b[0]&0xF0 == 0x40 {
		rex, b = b[0]&15, b[1:]
	}
	b = b[1:] // 0F
	mmmmm = 1
	switch b[0] {
	case 0x38:
		mmmmm, b = 2, b[1:]
	case 0x3A:
		mmmmm, b = 3, b[1:]
	}
	return pfx, rex, mmmmm, b
}

// vexParts splits a VEX encoding the same way, with vvvv and L.
func vexParts(b []byte) (pp, rxb, mmmmm, vvvv byte, w, l bool, rest []byte) {
	if b[0] == 0xC5 {
		return b[1] & 3, (^b[1] >> 7 & 1) << 2, 1, ^b[1] >> 3 & 15, false, b[1]&4 != 0, b[2:]
	}
	rxb = ^b[1] >> 5 & 7
	return b[2] & 3, rxb, b[1] & 31, ^b[2] >> 3 & 15, b[2]&0x80 != 0, b[2]&4 != 0, b[3:]
}

// Every three-operand AVX form is its legacy SSE form (which
// TestVecOpsOracle checks against x86asm) with the prefix, REX and
// escape bytes folded into a VEX prefix and the first source in vvvv.
func TestVEX3MatchesLegacy(t *testing.T) {
	ppOf := map[byte]byte{0: 0, 0x66: 1, 0xF3: 2, 0xF2: 3}
	triples := [][3]Reg{{X0, X1, X2}, {X7, X8, X9}, {X9, X15, X3}, {X14, X2, X12}, {X5, X5, X5}}
	mems := []Mem{M(RSP, 8), MI(R13, R9, 4, -200), M(R12, 0), MI(R14, RAX, 1, 0x12345)}
	n := 0
	for op := VecOp(0); op < vecOpCount; op++ {
		if !op.HasVEX3() {
			continue
		}
		n++
		check := func(desc string, x Reg, legacy, avx func(a *Assembler)) {
			t.Helper()
			la, va := New(), New()
			legacy(la)
			avx(va)
			if la.Err() != nil || va.Err() != nil {
				t.Fatalf("%s: %v %v", desc, la.Err(), va.Err())
			}
			pfx, rex, lm, lrest := legacyParts(la.Bytes())
			pp, rxb, vm, vvvv, w, l, vrest := vexParts(va.Bytes())
			if pp != ppOf[pfx] || rxb != rex&7 || vm != lm || vvvv != byte(x-X0) || w || l || !bytes.Equal(vrest, lrest) {
				t.Errorf("%s: % x does not match legacy % x", desc, va.Bytes(), la.Bytes())
			}
		}
		for _, r := range triples {
			d, x, y := r[0], r[1], r[2]
			desc := fmt.Sprintf("v%s %s, %s, %s", op, d, x, y)
			if op.HasImm() {
				check(desc, x, func(a *Assembler) { a.VI(op, d, y, 0x1b) }, func(a *Assembler) { a.VVI(op, d, x, y, 0x1b) })
			} else {
				check(desc, x, func(a *Assembler) { a.V(op, d, y) }, func(a *Assembler) { a.VV(op, d, x, y) })
			}
		}
		if op.HasImm() || op == Movhlps || op == Movlhps {
			continue // no legacy memory form to compare with
		}
		for _, m := range mems {
			desc := fmt.Sprintf("v%s xmm11, xmm4, %v", op, m)
			check(desc, X4, func(a *Assembler) { a.VM(op, X11, m) }, func(a *Assembler) { a.VVM(op, X11, X4, m) })
		}
	}
	if n < 80 {
		t.Errorf("only %d ops have three-operand forms", n)
	}
}

// A rip-relative operand followed by an immediate is displaced from the
// end of the immediate, where the CPU computes it from.
func TestVVMIRIP(t *testing.T) {
	a := New()
	l := a.NewLabel()
	a.VVMI(Cmpps, X1, X2, LabelMem(l), 4)
	a.Bind(l)
	if err := a.Finish(); err != nil {
		t.Fatal(err)
	}
	want := []byte{0xc5, 0xe8, 0xc2, 0x0d, 0, 0, 0, 0, 0x04}
	if got := a.Bytes(); !bytes.Equal(got, want) {
		t.Errorf("got % x, want % x", got, want)
	}
}

func TestVEX3OperandErrors(t *testing.T) {
	for name, emit := range map[string]func(a *Assembler){
		"unary op":        func(a *Assembler) { a.VV(Pabsb, X0, X1, X2) },
		"blend":           func(a *Assembler) { a.VV(Pblendvb, X0, X1, X2) },
		"imm op":          func(a *Assembler) { a.VV(Shufps, X0, X1, X2) },
		"no-imm op":       func(a *Assembler) { a.VVI(Paddb, X0, X1, X2, 0) },
		"gpr":             func(a *Assembler) { a.VV(Paddb, X0, RAX, X2) },
		"gpr dst mem":     func(a *Assembler) { a.VVM(Paddb, RAX, X1, M(RSI, 0)) },
		"bad op":          func(a *Assembler) { a.VV(vecOpCount, X0, X1, X2) },
		"rsp index mem":   func(a *Assembler) { a.VVMI(Cmpps, X0, X1, MI(RSI, RSP, 1, 0), 0) },
		"broadcast size":  func(a *Assembler) { a.Vpbroadcast(128, X0, X1) },
		"broadcast gpr":   func(a *Assembler) { a.Vpbroadcast(8, X0, RAX) },
		"blendv mask gpr": func(a *Assembler) { a.Vpblendvb(X0, X1, X2, RAX) },
		"blendvpd gpr":    func(a *Assembler) { a.Vblendvpd(RAX, X1, X2, X3) },
		"broadcastM size": func(a *Assembler) { a.VbroadcastM(64, X0, M(RAX, 0)) },
	} {
		a := New()
		emit(a)
		if a.Err() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
