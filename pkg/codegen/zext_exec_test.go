package codegen_test

import (
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
)

// TestZeroExtendingMasks runs x & 0xff, x & 0xffff and (i64) x &
// 0xffffffff, which become a movzx (or 32-bit mov) when x stays live in
// its own register, from a register and from a stack slot (under
// register pressure), with the constant first or second, and with a
// branch on the result (a movzx sets no flags, so the branch needs its
// own test).
func TestZeroExtendingMasks(t *testing.T) {
	ifElse := func(then, els byte) []byte { return []byte{0x04, 0x7f, 0x41, then, 0x05, 0x41, els, 0x0b} }
	ifElse64 := func(then, els byte) []byte { return []byte{0x04, 0x7e, 0x42, then, 0x05, 0x42, els, 0x0b} }
	// Each body leaves x live after the mask (it is added at the end).
	type tcase = binCase
	i32c := func(c int32) []byte { return append([]byte{0x41}, sleb32(c)...) }
	i64c := func(c int64) []byte { return append([]byte{0x42}, sleb64(c)...) }
	mask32 := func(c int32, constFirst bool) func(x, y byte) []byte {
		return func(x, y byte) []byte {
			b := append([]byte{0x20, x}, i32c(c)...)
			if constFirst {
				b = append(i32c(c), 0x20, x)
			}
			return append(b, 0x71, 0x20, x, 0x6a, 0x20, y, 0x6a)
		}
	}
	mask64 := func(c int64) func(x, y byte) []byte {
		return func(x, y byte) []byte {
			return append(append([]byte{0x20, x}, i64c(c)...), 0x83, 0x20, x, 0x7c, 0x20, y, 0x7c)
		}
	}
	cases := []tcase{
		{"i32&0xff", false, mask32(0xff, false), func(a, b uint64) uint64 { return a&0xff + a + b }},
		{"0xff&i32", false, mask32(0xff, true), func(a, b uint64) uint64 { return a&0xff + a + b }},
		{"i32&0xffff", false, mask32(0xffff, false), func(a, b uint64) uint64 { return a&0xffff + a + b }},
		{"i32&0xfff (an and)", false, mask32(0xfff, false), func(a, b uint64) uint64 { return a&0xfff + a + b }},
		{"i64&0xff", true, mask64(0xff), func(a, b uint64) uint64 { return a&0xff + a + b }},
		{"i64&0xffff", true, mask64(0xffff), func(a, b uint64) uint64 { return a&0xffff + a + b }},
		{"i64&0xffffffff", true, mask64(0xffffffff), func(a, b uint64) uint64 { return a&0xffffffff + a + b }},
		{"i32&0xff==0 branch", false, func(x, y byte) []byte {
			b := append(append([]byte{0x20, x}, i32c(0xff)...), 0x71, 0x45)
			return append(append(b, ifElse(7, 9)...), 0x20, x, 0x6a, 0x20, y, 0x6a)
		}, func(a, b uint64) uint64 {
			r := uint64(9)
			if a&0xff == 0 {
				r = 7
			}
			return r + a + b
		}},
		{"i64&0xffff!=0 branch", true, func(x, y byte) []byte {
			b := append(append([]byte{0x20, x}, i64c(0xffff)...), 0x83, 0x50, 0x45)
			return append(append(b, ifElse64(7, 9)...), 0x20, x, 0x7c, 0x20, y, 0x7c)
		}, func(a, b uint64) uint64 {
			r := uint64(9)
			if a&0xffff != 0 {
				r = 7
			}
			return r + a + b
		}},
	}
	all := withPressure(cases)
	vals := []uint64{0, 1, 0xff, 0x100, 0xffff, 0x10000, 0x12345678, 0xffffffff, 0x1_0000_0000, 0xff00ff00ff00ff00, 1 << 63}
	for _, opt := range []int{0, 2} {
		t.Run(fmt.Sprintf("opt=%d", opt), func(t *testing.T) {
			runBinCases(t, all, codegen.Options{OptLevel: opt}, vals)
		})
	}
}
