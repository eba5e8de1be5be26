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
