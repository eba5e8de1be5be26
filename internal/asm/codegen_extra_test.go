package asm

import (
	"testing"

	"golang.org/x/arch/x86/x86asm"
)

func TestCodegenExtra(t *testing.T) {
	for _, tc := range []struct {
		emit func(a *Assembler)
		want string
	}{
		{func(a *Assembler) { a.Std() }, "std"},
		{func(a *Assembler) { a.Cld() }, "cld"},
		{func(a *Assembler) { a.MovupsRM(X3, MI(RSI, RCX, 1, 16)) }, "movups xmm3, xmmword ptr [rsi+rcx+0x10]"},
		{func(a *Assembler) { a.MovupsMR(MI(R13, RCX, 1, 48), X9) }, "movups xmmword ptr [r13+rcx+0x30], xmm9"},
		{func(a *Assembler) { a.MovupsRM(X12, M(R12, 0)) }, "movups xmm12, xmmword ptr [r12]"},
	} {
		a := New()
		tc.emit(a)
		in, err := x86asm.Decode(a.Bytes(), 64)
		if err != nil {
			t.Fatalf("%s: %v", tc.want, err)
		}
		if got := x86asm.IntelSyntax(in, 0, nil); got != tc.want || in.Len != len(a.Bytes()) {
			t.Errorf("got %q (%d bytes), want %q", got, in.Len, tc.want)
		}
	}
}
