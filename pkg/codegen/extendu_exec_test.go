package codegen_test

import (
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
)

// TestExtendUExec runs i64.extend_i32_u of comparisons and of i32
// arithmetic on them, which -O 2 leaves in the i32's register with no
// instruction (TestExtendUShape), in registers and spilled, against Go.
func TestExtendUExec(t *testing.T) {
	b2u := func(c bool) uint64 {
		if c {
			return 1
		}
		return 0
	}
	cases := []binCase{
		{"bools", true, func(x, y byte) []byte {
			return []byte{0x20, x, 0x20, y, 0x53, 0xad, 0x20, x, 0x20, y, 0x51, 0xad, 0x20, x, 0x7e, 0x7c}
		}, func(a, b uint64) uint64 { return b2u(int64(a) < int64(b)) + b2u(a == b)*a }},
		{"bool sum", true, func(x, y byte) []byte {
			return []byte{0x20, x, 0x20, y, 0x53, 0x20, x, 0x20, y, 0x51, 0x6a, 0xad, 0x20, x, 0x7e}
		}, func(a, b uint64) uint64 { return (b2u(int64(a) < int64(b)) + b2u(a == b)) * a }},
		{"and low 32", true, func(x, y byte) []byte {
			return []byte{0x20, x, 0x42, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x83, 0x20, y, 0x7e}
		}, func(a, b uint64) uint64 { return (a & 0xffffffff) * b }},
		{"wrapped sum", true, func(x, y byte) []byte {
			return []byte{0x20, x, 0xa7, 0x20, y, 0xa7, 0x6a, 0xad, 0x20, x, 0x7c}
		}, func(a, b uint64) uint64 { return uint64(uint32(a)+uint32(b)) + a }},
	}
	all := withPressure(cases)
	vals := []uint64{0, 1, 7, 0x80000000, 0xffffffff, 1 << 40, 1<<63 | 1, ^uint64(0)}
	for _, opt := range []int{0, 2} {
		t.Run(fmt.Sprintf("O%d", opt), func(t *testing.T) { runBinCases(t, all, codegen.Options{OptLevel: opt}, vals) })
	}
}
