package codegen_test

import (
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
)

// TestComparatorIdiom runs (x > y) - (x < y) and its relatives, whose
// second comparison reuses the first's flags when both compare the same
// operands right after each other, and near misses that must not: other
// operands, swapped operands, a constant operand, an arithmetic value in
// between; in registers and under register pressure, at both tiers.
func TestComparatorIdiom(t *testing.T) {
	b2u := func(c bool) uint64 {
		if c {
			return 1
		}
		return 0
	}
	type tcase = binCase
	cases := []tcase{
		{"i32 gt_s-lt_s", false, func(x, y byte) []byte {
			return []byte{0x20, x, 0x20, y, 0x4a, 0x20, x, 0x20, y, 0x48, 0x6b}
		}, func(a, b uint64) uint64 { return b2u(int32(a) > int32(b)) - b2u(int32(a) < int32(b)) }},
		{"i32 lt_u-gt_u", false, func(x, y byte) []byte {
			return []byte{0x20, x, 0x20, y, 0x49, 0x20, x, 0x20, y, 0x4b, 0x6b}
		}, func(a, b uint64) uint64 { return b2u(uint32(a) < uint32(b)) - b2u(uint32(a) > uint32(b)) }},
		{"i32 eq+ne+ge_s", false, func(x, y byte) []byte {
			return []byte{0x20, x, 0x20, y, 0x46, 0x20, x, 0x20, y, 0x47, 0x6a, 0x20, x, 0x20, y, 0x4e, 0x6a}
		}, func(a, b uint64) uint64 { return b2u(a == b) + b2u(a != b) + b2u(int32(a) >= int32(b)) }},
		{"i32 swapped operands", false, func(x, y byte) []byte {
			return []byte{0x20, x, 0x20, y, 0x4a, 0x20, y, 0x20, x, 0x4a, 0x6b}
		}, func(a, b uint64) uint64 { return b2u(int32(a) > int32(b)) - b2u(int32(b) > int32(a)) }},
		{"i32 with a constant", false, func(x, y byte) []byte {
			return []byte{0x20, x, 0x41, 5, 0x4a, 0x20, x, 0x41, 5, 0x48, 0x6b}
		}, func(a, b uint64) uint64 { return b2u(int32(a) > 5) - b2u(int32(a) < 5) }},
		{"i32 an add between", false, func(x, y byte) []byte {
			return []byte{0x20, x, 0x20, y, 0x4a, 0x20, x, 0x20, y, 0x6a, 0x20, x, 0x20, y, 0x48, 0x6a, 0x6b}
		}, func(a, b uint64) uint64 { return b2u(int32(a) > int32(b)) - (a + b + b2u(int32(a) < int32(b))) }},
		{"i64 gt_s-lt_s", true, func(x, y byte) []byte {
			return []byte{0x20, x, 0x20, y, 0x55, 0x20, x, 0x20, y, 0x53, 0x6b, 0xac}
		}, func(a, b uint64) uint64 { return b2u(int64(a) > int64(b)) - b2u(int64(a) < int64(b)) }},
		{"i64 le_u-ge_u", true, func(x, y byte) []byte {
			return []byte{0x20, x, 0x20, y, 0x58, 0x20, x, 0x20, y, 0x5a, 0x6b, 0xac}
		}, func(a, b uint64) uint64 { return b2u(a <= b) - b2u(a >= b) }},
	}
	all := withPressure(cases)
	vals := []uint64{0, 1, 5, 6, 0x7fffffff, 0x80000000, 0xffffffff, 1 << 63, 1<<63 - 1}
	for _, opt := range []int{0, 2} {
		t.Run(fmt.Sprintf("opt=%d", opt), func(t *testing.T) {
			runBinCases(t, all, codegen.Options{OptLevel: opt}, vals)
		})
	}
}
