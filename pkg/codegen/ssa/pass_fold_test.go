package ssa

import (
	"testing"
)

func TestEvalConst(t *testing.T) {
	tests := []struct {
		op   Op
		t    Type
		a, b uint64
		want uint64
	}{
		{OpAdd, TI32, 0xffffffff, 1, 0x1_0000_0000}, // the caller masks the result
		{OpSub, TI64, 0, 1, ^uint64(0)},
		{OpShrS, TI32, 0x80000000, 31, ^uint64(0)},
		{OpShrU, TI32, 0x80000000, 63, 1}, // count mod 32
		{OpShl, TI64, 1, 65, 2},
		{OpLtU, TI32, 1, 0xffffffff, 1},
		{OpLtS, TI32, 1, 0xffffffff, 0},
		{OpGeS, TI64, ^uint64(0), 0, 0},
	}
	for _, tt := range tests {
		got, ok := evalConst(tt.op, tt.t, tt.a, tt.b)
		if !ok || got != tt.want {
			t.Errorf("%s.%s %#x %#x = %#x, %v; want %#x", tt.op, tt.t, tt.a, tt.b, got, ok, tt.want)
		}
	}
	if _, ok := evalConst(OpDivS, TI32, 1, 0); ok {
		t.Error("div_s folded: it can trap")
	}
}
