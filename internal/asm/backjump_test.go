package asm

import "testing"

// TestLastBackJump: a jump to a bound label is recorded with its bytes, in
// its short and its long form; a forward jump, or a later jump elsewhere,
// leaves no record for the label.
func TestLastBackJump(t *testing.T) {
	tests := []struct {
		name      string
		pad       int // bytes between the label and the jump
		forward   bool
		want      [2]int
		wantFound bool
	}{
		{"rel8", 10, false, [2]int{10, 12}, true},
		{"rel32", 200, false, [2]int{200, 206}, true},
		{"forward", 10, true, [2]int{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := New()
			l := a.NewLabel()
			if !tc.forward {
				a.Bind(l)
			}
			a.Nop(tc.pad)
			a.Jcc(CondNE, l)
			if tc.forward {
				a.Bind(l)
			}
			s, e, ok := a.LastBackJump(l)
			if ok != tc.wantFound || ok && [2]int{s, e} != tc.want {
				t.Errorf("LastBackJump = %d, %d, %v; want %v, %v", s, e, ok, tc.want, tc.wantFound)
			}
			other := a.NewLabel()
			a.Bind(other)
			a.Jmp(other)
			if _, _, ok := a.LastBackJump(l); ok {
				t.Error("a later jump to another label still reports l's")
			}
		})
	}
}
