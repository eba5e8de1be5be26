package codegen_test

import (
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/object"
)

// andTestCases branch on x & m (br_if), on eqz, == 0 and != 0 of it, with
// immediate masks (a byte, a wide i32, a negative one, i64 masks beyond
// and at the sign of imm32) and with a register operand; both results
// of the branch read x and y again, so x stays live past the and (the
// copy fuseAndTests saves). Each function takes (x, y) and returns
// x + y when the condition holds, x - y when not.
type andTestCase struct {
	name string
	i64  bool
	cond []byte // wasm computing the i32 condition from locals 0 and 1
	want func(x, y uint64) bool
}

func andTestCases() []andTestCase {
	c32 := func(m int32) []byte { return append([]byte{0x20, 0, 0x41}, sleb32(m)...) }
	c64 := func(m int64) []byte { return append([]byte{0x20, 0, 0x42}, sleb64(m)...) }
	and32, and64 := byte(0x71), byte(0x83)
	var cs []andTestCase
	for _, m := range []int32{1, 8, 0x80, 0xff, 0x100, 0x7fff0000, -8, -0x80000000} {
		m := m
		cs = append(cs,
			andTestCase{fmt.Sprintf("i32 x&%#x", m), false, append(c32(m), and32),
				func(x, y uint64) bool { return uint32(x)&uint32(m) != 0 }},
			andTestCase{fmt.Sprintf("i32 eqz x&%#x", m), false, append(c32(m), and32, 0x45),
				func(x, y uint64) bool { return uint32(x)&uint32(m) == 0 }})
	}
	for _, m := range []int64{1, 0x80, 0x80000000, 1 << 40, -1 << 31, -2} {
		m := m
		cs = append(cs,
			andTestCase{fmt.Sprintf("i64 x&%#x==0", m), true, append(c64(m), and64, 0x42, 0, 0x51),
				func(x, y uint64) bool { return x&uint64(m) == 0 }},
			andTestCase{fmt.Sprintf("i64 eqz x&%#x", m), true, append(c64(m), and64, 0x50),
				func(x, y uint64) bool { return x&uint64(m) == 0 }},
			andTestCase{fmt.Sprintf("i64 x&%#x!=0", m), true, append(c64(m), and64, 0x42, 0, 0x52),
				func(x, y uint64) bool { return x&uint64(m) != 0 }})
	}
	cs = append(cs,
		andTestCase{"i32 x&y", false, []byte{0x20, 0, 0x20, 1, and32},
			func(x, y uint64) bool { return uint32(x)&uint32(y) != 0 }},
		andTestCase{"i32 x&y==0", false, []byte{0x20, 0, 0x20, 1, and32, 0x41, 0, 0x46},
			func(x, y uint64) bool { return uint32(x)&uint32(y) == 0 }},
		andTestCase{"i32 8&x", false, []byte{0x41, 8, 0x20, 0, and32},
			func(x, y uint64) bool { return uint32(x)&8 != 0 }},
		andTestCase{"i64 x&y!=0", true, []byte{0x20, 0, 0x20, 1, and64, 0x42, 0, 0x52},
			func(x, y uint64) bool { return x&y != 0 }},
		andTestCase{"i64 x&y eqz", true, []byte{0x20, 0, 0x20, 1, and64, 0x50},
			func(x, y uint64) bool { return x&y == 0 }},
	)
	return cs
}

// body returns `if cond then x + y else x - y`.
func (c andTestCase) body() []byte {
	w := boolByte(c.i64)
	add, sub := 0x6a+w*0x12, 0x6b+w*0x12
	b := append([]byte{}, c.cond...)
	b = append(b, 0x04, 0x7f-w, 0x20, 0, 0x20, 1, add, 0x05, 0x20, 0, 0x20, 1, sub, 0x0b)
	return b
}

// TestAndTestExec runs the branches on ands at -O 0 and -O 2, in both
// bounds modes, in registers and with x and y spilled (the memory forms
// of test), against Go.
func TestAndTestExec(t *testing.T) {
	var cases []binCase
	for _, c := range andTestCases() {
		c := c
		cases = append(cases, binCase{c.name, c.i64, func(x, y byte) []byte {
			b := c.body()
			// Rename locals 0 and 1 to x and y (pressure runs it over 2, 3).
			for i := 0; i+1 < len(b); i++ {
				if b[i] == 0x20 && (b[i+1] == 0 || b[i+1] == 1) && (i == 0 || b[i-1] != 0x41 && b[i-1] != 0x42) {
					b[i+1] = []byte{x, y}[b[i+1]]
					i++
				}
			}
			return b
		}, func(a, b uint64) uint64 {
			if c.want(a, b) {
				return a + b
			}
			return a - b
		}})
	}
	all := withPressure(cases)
	vals := []uint64{0, 1, 7, 8, 0x80, 0xff, 0x100, 0x7fff0000, 0x80000000, 0xfffffff8, 1 << 40, 1<<63 | 1, ^uint64(0)}
	for _, opt := range []int{0, 2} {
		for _, o := range []codegen.Options{
			{OptLevel: opt, Bounds: object.BoundsExplicit},
			{OptLevel: opt, Bounds: object.BoundsGuard, MemReserve: 4 << 30, MemGuard: 4 << 30},
		} {
			t.Run(fmt.Sprintf("O%d/%v", opt, o.Bounds), func(t *testing.T) { runBinCases(t, all, o, vals) })
		}
	}
}
