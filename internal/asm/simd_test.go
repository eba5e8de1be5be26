package asm

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/arch/x86/x86asm"
)

// decodeOne decodes exactly one instruction from the assembler's output.
func decodeOne(t *testing.T, a *Assembler, desc string) x86asm.Inst {
	t.Helper()
	if err := a.Err(); err != nil {
		t.Fatalf("%s: %v", desc, err)
	}
	in, err := x86asm.Decode(a.Bytes(), 64)
	if err != nil {
		t.Fatalf("%s: % x: %v", desc, a.Bytes(), err)
	}
	if in.Len != len(a.Bytes()) {
		t.Fatalf("%s: % x decodes to %d bytes", desc, a.Bytes(), in.Len)
	}
	return in
}

var simdRegPairs = [][2]Reg{{X0, X1}, {X7, X8}, {X9, X15}, {X14, X2}}

// Every packed op, register-register and with a memory source, decodes
// to the instruction and operands asked for.
func TestVecOpsOracle(t *testing.T) {
	a := New()
	for op := VecOp(0); op < vecOpCount; op++ {
		want := strings.ToUpper(op.String())
		for _, p := range simdRegPairs {
			a.Reset()
			if op.HasImm() {
				a.VI(op, p[0], p[1], 0x1b)
			} else {
				a.V(op, p[0], p[1])
			}
			desc := fmt.Sprintf("%s %s, %s", op, p[0], p[1])
			in := decodeOne(t, a, desc)
			if in.Op.String() != want || in.Args[0] != xxmm(p[0]) || in.Args[1] != xxmm(p[1]) {
				t.Errorf("%s: % x decodes as %s", desc, a.Bytes(), x86asm.IntelSyntax(in, 0, nil))
			}
			if op.HasImm() && in.Args[2] != x86asm.Imm(0x1b) {
				t.Errorf("%s: immediate: %s", desc, x86asm.IntelSyntax(in, 0, nil))
			}
		}
		if op.HasImm() || op == Movhlps || op == Movlhps {
			continue // memory forms are other instructions (movlps, movhps)
		}
		for _, m := range []Mem{M(RSP, 8), MI(R13, R9, 4, -200), M(R12, 0)} {
			a.Reset()
			a.VM(op, X11, m)
			desc := fmt.Sprintf("%s xmm11, %v", op, m)
			in := decodeOne(t, a, desc)
			if in.Op.String() != want || in.Args[0] != xxmm(X11) || normArg(in.Args[1]) != normArg(xmem(m)) {
				t.Errorf("%s: % x decodes as %s", desc, a.Bytes(), x86asm.IntelSyntax(in, 0, nil))
			}
		}
	}
}

func TestVecShiftImmOracle(t *testing.T) {
	a := New()
	for op := VShift(0); op < vshiftCount; op++ {
		for _, r := range []Reg{X0, X9, X15} {
			a.Reset()
			a.VShiftI(op, r, 13)
			desc := fmt.Sprintf("%s %s, 13", vshiftEncs[op].name, r)
			in := decodeOne(t, a, desc)
			if in.Op.String() != strings.ToUpper(vshiftEncs[op].name) || in.Args[0] != xxmm(r) || in.Args[1] != x86asm.Imm(13) {
				t.Errorf("%s: % x decodes as %s", desc, a.Bytes(), x86asm.IntelSyntax(in, 0, nil))
			}
		}
	}
}

// Lane moves and masks between XMM and general registers.
func TestVecLaneOracle(t *testing.T) {
	a := New()
	names := map[int]string{8: "B", 16: "W", 32: "D", 64: "Q"}
	for _, size := range []int{8, 16, 32, 64} {
		gsz := 32
		if size == 64 {
			gsz = 64
		}
		for _, p := range [][2]Reg{{X1, RAX}, {X12, R9}, {X3, RSI}} {
			x, g := p[0], p[1]
			a.Reset()
			a.Pinsr(size, x, g, 3)
			in := decodeOne(t, a, "pinsr")
			if in.Op.String() != "PINSR"+names[size] || in.Args[0] != xxmm(x) || in.Args[1] != xreg(g, gsz) || in.Args[2] != x86asm.Imm(3) {
				t.Errorf("pinsr%d %s, %s: % x decodes as %s", size, x, g, a.Bytes(), x86asm.IntelSyntax(in, 0, nil))
			}
			a.Reset()
			a.Pextr(size, g, x, 1)
			in = decodeOne(t, a, "pextr")
			if in.Op.String() != "PEXTR"+names[size] || in.Args[0] != xreg(g, gsz) || in.Args[1] != xxmm(x) || in.Args[2] != x86asm.Imm(1) {
				t.Errorf("pextr%d %s, %s: % x decodes as %s", size, g, x, a.Bytes(), x86asm.IntelSyntax(in, 0, nil))
			}
		}
	}
	for _, tc := range []struct {
		emit func(a *Assembler)
		want string
	}{
		{func(a *Assembler) { a.Pmovmskb(RAX, X9) }, "pmovmskb eax, xmm9"},
		{func(a *Assembler) { a.Pmovmskb(R10, X1) }, "pmovmskb r10d, xmm1"},
		{func(a *Assembler) { a.Movmskps(RCX, X15) }, "movmskps ecx, xmm15"},
		{func(a *Assembler) { a.Movmskpd(R8, X2) }, "movmskpd r8d, xmm2"},
		{func(a *Assembler) { a.MovdquMR(MI(R14, RCX, 1, 16), X10) }, "movdqu xmmword ptr [r14+rcx+0x10], xmm10"},
	} {
		a.Reset()
		tc.emit(a)
		in := decodeOne(t, a, tc.want)
		if got := x86asm.IntelSyntax(in, 0, nil); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}
