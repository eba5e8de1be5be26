package codegen_test

import (
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
)

// TestNarrowExec runs i32.wrap_i64 of i64 arithmetic used only by the
// wrap, which -O 2 computes in 32 bits with the wrap as no instruction
// (isa/amd64 narrow.go), and zero-extends the result back: an upper half
// left nonzero by the narrowed operation shows in the i64 returned. The
// last case's sum is computed twice, one value after CSE with a second
// use, so it keeps its width.
func TestNarrowExec(t *testing.T) {
	wrapped := func(op byte) func(x, y byte) []byte {
		return func(x, y byte) []byte { return []byte{0x20, x, 0x20, y, op, 0xa7, 0xad} }
	}
	cases := []binCase{
		{"add", true, wrapped(0x7c), func(a, b uint64) uint64 { return uint64(uint32(a + b)) }},
		{"sub", true, wrapped(0x7d), func(a, b uint64) uint64 { return uint64(uint32(a - b)) }},
		{"mul", true, wrapped(0x7e), func(a, b uint64) uint64 { return uint64(uint32(a * b)) }},
		{"and", true, wrapped(0x83), func(a, b uint64) uint64 { return uint64(uint32(a & b)) }},
		{"or", true, wrapped(0x84), func(a, b uint64) uint64 { return uint64(uint32(a | b)) }},
		{"xor", true, wrapped(0x85), func(a, b uint64) uint64 { return uint64(uint32(a ^ b)) }},
		{"add const", true, func(x, y byte) []byte {
			return append([]byte{0x20, x, 0x42}, append(sleb64(-0x7ffffff0), 0x7c, 0xa7, 0xad, 0x20, y, 0x7c)...)
		}, func(a, b uint64) uint64 { return uint64(uint32(a-0x7ffffff0)) + b }},
		{"mul const", true, func(x, y byte) []byte {
			return append([]byte{0x20, x, 0x42}, append(sleb64(0x12345), 0x7e, 0xa7, 0xad, 0x20, y, 0x7c)...)
		}, func(a, b uint64) uint64 { return uint64(uint32(a*0x12345)) + b }},
		{"scaled add", true, func(x, y byte) []byte {
			return []byte{0x20, x, 0x42, 0x10, 0x7c, 0x20, y, 0x42, 0x03, 0x86, 0x7c, 0xa7, 0xad}
		}, func(a, b uint64) uint64 { return uint64(uint32(a + 16 + b<<3)) }},
		{"sum used twice", true, func(x, y byte) []byte {
			return []byte{0x20, x, 0x20, y, 0x7c, 0xa7, 0xad, 0x20, x, 0x20, y, 0x7c, 0x7c}
		}, func(a, b uint64) uint64 { return uint64(uint32(a+b)) + a + b }},
	}
	all := withPressure(cases)
	vals := []uint64{0, 1, 7, 0x80000000, 0xffffffff, 1 << 40, 1<<63 | 1, ^uint64(0), 0x123456789abcdef}
	for _, opt := range []int{0, 2} {
		t.Run(fmt.Sprintf("O%d", opt), func(t *testing.T) { runBinCases(t, all, codegen.Options{OptLevel: opt}, vals) })
	}
}
