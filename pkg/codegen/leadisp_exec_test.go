package codegen_test

import (
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/object"
)

// TestLeaDisplacementExec runs (x + c) + (y << k) and (c + x) + (y << k),
// which -O 2 emits as one lea c(x, y, 2^k) (fuseScaledAdds), and c +
// (y << k), one lea c(, y, 2^k) with no base, for i32 and
// i64 with displacements that wrap, negative ones and (i64) constants
// beyond imm32 that stay an add; in registers and spilled, at -O 0 and
// -O 2 in both bounds modes, against Go.
func TestLeaDisplacementExec(t *testing.T) {
	var cases []binCase
	for _, k := range []byte{1, 2, 3} {
		for _, c := range []int64{16, -8, 0x7fffffff, -0x80000000, 0x12345678} {
			k, c := k, c
			cases = append(cases,
				binCase{fmt.Sprintf("i32 (x%+#x)+y<<%d", c, k), false, func(x, y byte) []byte {
					return cat([]byte{0x20, x, 0x41}, sleb32(int32(c)), []byte{0x6a, 0x20, y, 0x41, k, 0x74, 0x6a})
				}, func(a, b uint64) uint64 { return uint64(uint32(a) + uint32(c) + uint32(b)<<k) }},
				binCase{fmt.Sprintf("i32 y<<%d+(%#x+x)", k, c), false, func(x, y byte) []byte {
					return cat([]byte{0x20, y, 0x41, k, 0x74, 0x41}, sleb32(int32(c)), []byte{0x20, x, 0x6a, 0x6a})
				}, func(a, b uint64) uint64 { return uint64(uint32(a) + uint32(c) + uint32(b)<<k) }})
		}
		for _, c := range []int64{16, -8, 0x7fffffff, -0x80000000, 0x80000000, 1 << 40} {
			k, c := k, c
			cases = append(cases, binCase{fmt.Sprintf("i64 (x%+#x)+y<<%d", c, k), true, func(x, y byte) []byte {
				return cat([]byte{0x20, x, 0x42}, sleb64(c), []byte{0x7c, 0x20, y, 0x42, k, 0x86, 0x7c})
			}, func(a, b uint64) uint64 { return a + uint64(c) + b<<k }},
				// c + (y << k), no base: lea c(, y, 2^k), or c(y, y) for
				// k = 1 (an i64 c beyond imm32 stays an add).
				binCase{fmt.Sprintf("i64 %#x+y<<%d", c, k), true, func(x, y byte) []byte {
					return cat([]byte{0x42}, sleb64(c), []byte{0x20, y, 0x42, k, 0x86, 0x7c})
				}, func(a, b uint64) uint64 { return uint64(c) + b<<k }},
				binCase{fmt.Sprintf("i32 y<<%d+%#x", k, c), false, func(x, y byte) []byte {
					return cat([]byte{0x20, y, 0x41, k, 0x74, 0x41}, sleb32(int32(c)), []byte{0x6a})
				}, func(a, b uint64) uint64 { return uint64(uint32(b)<<k + uint32(c)) }})
		}
	}
	all := withPressure(cases)
	vals := []uint64{0, 1, 7, 0x7fffffff, 0x80000000, 0xfffffff8, 0xffffffff, 1 << 40, 1<<63 | 1, ^uint64(0)}
	for _, opt := range []int{0, 2} {
		for _, o := range []codegen.Options{
			{OptLevel: opt, Bounds: object.BoundsExplicit},
			{OptLevel: opt, Bounds: object.BoundsGuard, MemReserve: 4 << 30, MemGuard: 4 << 30},
		} {
			t.Run(fmt.Sprintf("O%d/%v", opt, o.Bounds), func(t *testing.T) { runBinCases(t, all, o, vals) })
		}
	}
}
