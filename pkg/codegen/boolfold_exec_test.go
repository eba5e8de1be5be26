package codegen_test

import (
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
)

// TestBoolFoldExec runs the shapes of Go's booleans that fold rewrites
// (eqz through an i32-to-i64 extension, eqz of eqz as != 0), as values
// and as branch conditions, in registers and spilled, against Go.
func TestBoolFoldExec(t *testing.T) {
	b2u := func(c bool) uint64 {
		if c {
			return 1
		}
		return 0
	}
	cases := []binCase{
		{"eqz of an extended compare", true, func(x, y byte) []byte {
			// i64.extend_i32_u (i64.eqz (i64.extend_i32_u (x <s y)))
			return []byte{0x20, x, 0x20, y, 0x53, 0xad, 0x50, 0xad}
		}, func(a, b uint64) uint64 { return b2u(int64(a) >= int64(b)) }},
		{"eqz of eqz of an i64", true, func(x, y byte) []byte {
			// i64.extend_i32_u (i32.eqz (i64.eqz x)) + y
			return []byte{0x20, x, 0x50, 0x45, 0xad, 0x20, y, 0x7c}
		}, func(a, b uint64) uint64 { return b2u(a != 0) + b }},
		{"eqz of a sign extension", true, func(x, y byte) []byte {
			// i64.extend_i32_u (i64.eqz (i64.extend_i32_s (i32.wrap x))) * y
			return []byte{0x20, x, 0xa7, 0xac, 0x50, 0xad, 0x20, y, 0x7e}
		}, func(a, b uint64) uint64 { return b2u(uint32(a) == 0) * b }},
		{"three eqz of an i32", true, func(x, y byte) []byte {
			return []byte{0x20, x, 0xa7, 0x45, 0x45, 0x45, 0xad, 0x20, y, 0x7c}
		}, func(a, b uint64) uint64 { return b2u(uint32(a) == 0) + b }},
		{"branch on eqz of extended eqz", true, func(x, y byte) []byte {
			// if (i64.eqz (i64.extend_i32_u (i64.eqz x))) y else 7
			return []byte{0x20, x, 0x50, 0xad, 0x50, 0x04, 0x7e, 0x20, y, 0x05, 0x42, 7, 0x0b}
		}, func(a, b uint64) uint64 {
			if a != 0 {
				return b
			}
			return 7
		}},
		{"branch on eqz of eqz of a load-free and", true, func(x, y byte) []byte {
			// if (i32.eqz (i64.eqz (x & y))) x else y
			return []byte{0x20, x, 0x20, y, 0x83, 0x50, 0x45, 0x04, 0x7e, 0x20, x, 0x05, 0x20, y, 0x0b}
		}, func(a, b uint64) uint64 {
			if a&b != 0 {
				return a
			}
			return b
		}},
	}
	all := withPressure(cases)
	vals := []uint64{0, 1, 7, 0x100, 0x80000000, 0xffffffff, 1 << 32, 1 << 40, 1<<63 | 1, ^uint64(0)}
	for _, opt := range []int{0, 2} {
		t.Run(fmt.Sprintf("O%d", opt), func(t *testing.T) { runBinCases(t, all, codegen.Options{OptLevel: opt}, vals) })
	}
}
