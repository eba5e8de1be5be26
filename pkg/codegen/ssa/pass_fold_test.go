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
		{OpDivU, TI32, 0xffffffff, 10, 429496729},
		{OpDivS, TI32, 0xfffffff9, 2, 0xfffffffffffffffd}, // -7/2 = -3: toward zero
		{OpRemS, TI32, 0xfffffff9, 2, ^uint64(0)},         // -7%2 = -1
		{OpRemS, TI32, 0x80000000, 0xffffffff, 0},
		{OpRemS, TI64, 1 << 63, ^uint64(0), 0},
		{OpDivS, TI64, 1 << 63, 2, 0xc000000000000000},
		{OpRemU, TI64, ^uint64(0), 1000, 615},
	}
	for _, tt := range tests {
		got, ok := evalConst(tt.op, tt.t, tt.a, tt.b)
		if !ok || got != tt.want {
			t.Errorf("%s.%s %#x %#x = %#x, %v; want %#x", tt.op, tt.t, tt.a, tt.b, got, ok, tt.want)
		}
	}
	for _, c := range []struct {
		op   Op
		t    Type
		a, b uint64
	}{
		{OpDivS, TI32, 1, 0}, {OpDivU, TI64, 1, 0}, {OpRemS, TI32, 0, 0}, {OpRemU, TI32, 5, 0},
		{OpDivS, TI32, 0x80000000, 0xffffffff}, {OpDivS, TI64, 1 << 63, ^uint64(0)},
	} {
		if _, ok := evalConst(c.op, c.t, c.a, c.b); ok {
			t.Errorf("%s.%s %#x %#x folded: it traps", c.op, c.t, c.a, c.b)
		}
	}
}
