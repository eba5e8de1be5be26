package codegen_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// heldBodies are functions (x i32) -> i64 whose division, remainder or
// call result has its only use right after it (isa/amd64/callfold.go):
// a store of it as the value (at a, x & 0xfff8, with offsets), an add
// or sub with x, and forms that must not fold (the result used twice, a
// store of it as the address). Each returns the i64 at a afterwards.
func heldBodies() (names []string, bodies [][]byte) {
	cat := catCode
	x := []byte{0x20, 0}
	a := cat(x, i32Const(0xfff8), []byte{0x71})                // a = x & 0xfff8
	y32 := cat(x, i32Const(0xff), []byte{0x71, 0x41, 1, 0x72}) // (x & 0xff) | 1
	y64 := cat(y32, []byte{0xad})
	v32 := cat(a, []byte{0x28, 2, 8}) // i32.load offset=8 a
	v64 := cat(a, []byte{0x29, 3, 8}) // i64.load offset=8 a
	ret := cat(a, []byte{0x29, 3, 0}) // i64.load a
	add := func(name string, body ...[]byte) {
		names, bodies = append(names, name), append(bodies, cat(body...))
	}
	add("callee", x, []byte{0xad}, i64c(0x1234567), []byte{0x7c}) // function 0: x + 0x1234567
	for _, op := range []struct {
		name       string
		op32, op64 byte
	}{{"div_s", 0x6d, 0x7f}, {"div_u", 0x6e, 0x80}, {"rem_s", 0x6f, 0x81}, {"rem_u", 0x70, 0x82}} {
		add("i32 store "+op.name, a, v32, y32, []byte{op.op32, 0x36, 2, 0}, ret)
		add("i32 store8 "+op.name, a, v32, y32, []byte{op.op32, 0x3a, 0, 3}, ret)
		add("i64 store "+op.name, a, v64, y64, []byte{op.op64, 0x37, 3, 0}, ret)
		add("i64 store32 "+op.name, a, v64, y64, []byte{op.op64, 0x3e, 2, 4}, ret)
		add("i32 x + "+op.name, x, v32, y32, []byte{op.op32, 0x6a, 0xad}, ret, []byte{0x7c})
		add("i32 x - "+op.name, x, v32, y32, []byte{op.op32, 0x6b, 0xad}, ret, []byte{0x7c})
		add("i64 "+op.name+" + 9", v64, y64, []byte{op.op64}, i64c(9), []byte{0x7c})
		add("i32 "+op.name+" used twice", a, v32, y32, []byte{op.op32, 0x22, 1, 0x36, 2, 0}, ret, []byte{0x20, 1, 0xad, 0x7c})
		add("i32 "+op.name+" as address", v32, y32, []byte{op.op32}, i32Const(0xfff8), []byte{0x71}, x, []byte{0x36, 2, 0}, ret)
	}
	add("store call", a, x, []byte{0x10, 0, 0x37, 3, 0}, ret)
	add("store32 call", a, x, []byte{0x10, 0, 0x3e, 2, 12}, ret)
	return names, bodies
}

// TestHeldResults runs heldBodies at -O 2 against the baseline tier in
// both bounds modes (results, traps, memory).
func TestHeldResults(t *testing.T) {
	names, bodies := heldBodies()
	m := accessModule(wasm.I32, names, bodies)
	for i, name := range names {
		if name != "callee" {
			m.Codes[i].Locals = []wasm.LocalEntry{{Count: 1, Type: wasm.I32}}
		}
	}
	matchBaselineOn(t, m, names, returnXs)
}

// i64c is the code of i64.const v.
func i64c(v int64) []byte { return append([]byte{0x42}, sleb64(v)...) }
