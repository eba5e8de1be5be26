package codegen_test

import (
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
)

// TestFlagsZeroExec runs branches on an ALU result compared with zero
// right after it, with the result used again in the taken arm (so the
// comparison is not fused into a test): the and, or or xor leaves the
// flags that the signed comparisons and == 0 read, while after add and
// sub, whose OF is the overflow, a signed comparison needs its own test.
// Values in registers and spilled, against Go.
func TestFlagsZeroExec(t *testing.T) {
	ops := []struct {
		name string
		code byte
		f    func(a, b uint64) uint64
	}{
		{"and", 0x83, func(a, b uint64) uint64 { return a & b }},
		{"or", 0x84, func(a, b uint64) uint64 { return a | b }},
		{"xor", 0x85, func(a, b uint64) uint64 { return a ^ b }},
		{"add", 0x7c, func(a, b uint64) uint64 { return a + b }},
		{"sub", 0x7d, func(a, b uint64) uint64 { return a - b }},
	}
	cmps := []struct {
		name string
		code byte
		f    func(v int64) bool
	}{
		{"lt_s", 0x53, func(v int64) bool { return v < 0 }},
		{"ge_s", 0x59, func(v int64) bool { return v >= 0 }},
		{"gt_s", 0x55, func(v int64) bool { return v > 0 }},
		{"le_s", 0x57, func(v int64) bool { return v <= 0 }},
		{"eq", 0x51, func(v int64) bool { return v == 0 }},
		{"ne", 0x52, func(v int64) bool { return v != 0 }},
	}
	var cases []binCase
	for _, op := range ops {
		for _, c := range cmps {
			op, c := op, c
			cases = append(cases, binCase{op.name + " " + c.name, true, func(x, y byte) []byte {
				// if (x op y) cmp 0 then (x op y) * 3 else y
				return []byte{0x20, x, 0x20, y, op.code, 0x42, 0, c.code,
					0x04, 0x7e, 0x20, x, 0x20, y, op.code, 0x42, 3, 0x7e, 0x05, 0x20, y, 0x0b}
			}, func(a, b uint64) uint64 {
				if v := op.f(a, b); c.f(int64(v)) {
					return v * 3
				}
				return b
			}})
		}
	}
	all := withPressure(cases)
	vals := []uint64{0, 1, 7, 0x80000000, 0xffffffff, 1 << 40, 1 << 63, 1<<63 | 1, 1<<63 - 1, ^uint64(0)}
	for _, opt := range []int{0, 2} {
		t.Run(fmt.Sprintf("O%d", opt), func(t *testing.T) { runBinCases(t, all, codegen.Options{OptLevel: opt}, vals) })
	}
}
