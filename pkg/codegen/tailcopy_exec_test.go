package codegen_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestReturnBlockCopies runs functions whose paths meet at a small return
// block, which -O 2 emits again in place of the jumps to it
// (isa/amd64/tailcopy.go), and whose returned sum it computes straight
// into RAX with a lea (retfold.go): sums of registers, of a constant
// (first or second, the largest displacements and beyond them), a
// subtraction of a constant and from one (not a lea), a return block too
// long to copy, loop exits, recursion (callee-saved registers restored in
// each copy) and a path that traps loading. Results, traps and their
// offsets must be the baseline tier's, with i64 and i32 results, in both
// bounds modes.
func TestReturnBlockCopies(t *testing.T) {
	cat := catCode
	x := []byte{0x20, 0}
	i64c := func(c int64) []byte { return append([]byte{0x42}, sleb64(c)...) }
	t.Run("i64", func(t *testing.T) {
		X := cat(x, []byte{0xad}) // i64.extend_i32_u x
		// phi = x < 5 ? X + 1 : X * 3, one arm falling into the return
		// block, the other jumping to it (or a copy of it).
		phi := cat(x, i32Const(5), []byte{0x49, 0x04, 0x7e}, X, i64c(1), []byte{0x7c, 0x05}, X, i64c(3), []byte{0x7e, 0x0b})
		// trapPhi = x < 5 ? X : i64.load [x]
		trapPhi := cat(x, i32Const(5), []byte{0x49, 0x04, 0x7e}, X, []byte{0x05}, x, []byte{0x29, 3, 0, 0x0b})
		// For 3 <= x <= 64, a loop summing X down in steps of 3, then acc + X.
		loop := cat([]byte{0x02, 0x40}, x, i32Const(3), []byte{0x6b}, i32Const(61), []byte{0x4b, 0x0d, 0}, // block; br_if x - 3 >u 61
			[]byte{0x03, 0x40}, X, []byte{0x20, 1, 0x7c, 0x21, 1}, // loop; acc += X
			x, i32Const(3), []byte{0x6b, 0x22, 0}, i32Const(3), []byte{0x4f, 0x0d, 0, 0x0b, 0x0b}, // x -= 3; br_if x >= 3
			[]byte{0x20, 1}, X, []byte{0x7c})
		// rec(x) = (x < 2 || x > 40 ? X : rec(x - 1)) + X: function 13.
		rec := cat(x, i32Const(2), []byte{0x49}, x, i32Const(40), []byte{0x4b, 0x72, 0x04, 0x7e}, X, []byte{0x05},
			x, i32Const(1), []byte{0x6b, 0x10, 13, 0x0b}, X, []byte{0x7c})
		tests := []struct {
			name string
			body []byte
		}{
			{"phi + X", cat(phi, X, []byte{0x7c})},
			{"X + phi", cat(X, phi, []byte{0x7c})},
			{"phi + 7", cat(phi, i64c(7), []byte{0x7c})},
			{"-7 + phi", cat(i64c(-7), phi, []byte{0x7c})},
			{"phi + 0x7fffffff", cat(phi, i64c(0x7fffffff), []byte{0x7c})},
			{"phi + 0x80000000", cat(phi, i64c(0x80000000), []byte{0x7c})},
			{"phi - 0x80000000", cat(phi, i64c(0x80000000), []byte{0x7d})},
			{"phi - -0x80000000", cat(phi, i64c(-0x80000000), []byte{0x7d})},
			{"7 - phi", cat(i64c(7), phi, []byte{0x7d})},
			{"phi - X", cat(phi, X, []byte{0x7d})},
			{"((phi ^ X) * 5 + X) >> 1 | X", cat(phi, X, []byte{0x85}, i64c(5), []byte{0x7e}, X, []byte{0x7c}, i64c(1), []byte{0x88}, X, []byte{0x84})},
			{"trapPhi + X", cat(trapPhi, X, []byte{0x7c})},
			{"loop", cat([]byte{0x01, 0x01, 0x7e}, loop)}, // one i64 local, acc
			{"rec", rec},
		}
		var names []string
		var bodies [][]byte
		for _, tt := range tests {
			names, bodies = append(names, tt.name), append(bodies, tt.body)
		}
		// The local of "loop" is declared in its body: split it off.
		m := accessModule(wasm.I32, names, bodies)
		for i := range names {
			if names[i] == "loop" {
				m.Codes[i].Body = m.Codes[i].Body[3:]
				m.Codes[i].Locals = []wasm.LocalEntry{{Count: 1, Type: wasm.I64}}
			}
		}
		matchBaselineOn(t, m, names, returnXs)
	})
	t.Run("i32", func(t *testing.T) {
		phi := cat(x, i32Const(5), []byte{0x49, 0x04, 0x7f}, x, i32Const(1), []byte{0x6a, 0x05}, x, i32Const(3), []byte{0x6c, 0x0b})
		// fib(x) as the peers' fib.c compiles it (x < 41):
		// acc = 0; if x >= 2 { do { acc += fib(x - 1); x -= 2 } while x > 1 }; return x + acc
		fib := cat([]byte{0x02, 0x40}, x, i32Const(2), []byte{0x49, 0x0d, 0}, x, i32Const(24), []byte{0x4b, 0x0d, 0},
			[]byte{0x03, 0x40}, x, i32Const(1), []byte{0x6b, 0x10, 4, 0x20, 1, 0x6a, 0x21, 1},
			x, i32Const(2), []byte{0x6b, 0x22, 0}, i32Const(1), []byte{0x4b, 0x0d, 0, 0x0b, 0x0b},
			x, []byte{0x20, 1, 0x6a})
		tests := []struct {
			name string
			body []byte
		}{
			{"phi + x", cat(phi, x, []byte{0x6a})},
			{"phi + 0x7fffffff", cat(phi, i32Const(0x7fffffff), []byte{0x6a})},
			{"phi - -0x80000000", cat(phi, i32Const(-0x80000000), []byte{0x6b})},
			{"phi - 9", cat(phi, i32Const(9), []byte{0x6b})},
			{"fib", fib},
		}
		var names []string
		var bodies [][]byte
		for _, tt := range tests {
			names, bodies = append(names, tt.name), append(bodies, tt.body)
		}
		m := accessModule(wasm.I32, names, bodies)
		m.Types[0].Results = []wasm.ValType{wasm.I32}
		for i := range names {
			if names[i] == "fib" {
				m.Codes[i].Locals = []wasm.LocalEntry{{Count: 1, Type: wasm.I32}}
			}
		}
		matchBaselineOn(t, m, names, returnXs)
	})
}

var returnXs = []uint64{0, 1, 2, 3, 4, 5, 6, 7, 10, 17, 24, 40, 41, 64, 65, 65528, 65535, 65536, 0x7fffffff, 0xfffffffe, 0xffffffff}

// TestCallResultFolds runs calls whose result the next instruction reads
// straight from RAX at -O 2 (isa/amd64/callfold.go): add, sub, and, or,
// xor with an operand computed before the call (so live across it), in
// either order, adds and subtractions of constants, and the forms that
// must not fold (a result used twice, a constant minus the result, the
// result minus a register, an operand computed after the call). Each is
// followed by one more operation so that it is not the returned sum; x
// dies at the folded instruction (the result goes to its register) but
// where it is used again (a lea to another register). The
// callee traps loading for large x: results, traps and their offsets
// must be the baseline tier's, with i64 and i32 values, in both bounds
// modes.
func TestCallResultFolds(t *testing.T) {
	cat := catCode
	x := []byte{0x20, 0}
	for _, ty := range []struct {
		name                                        string
		res                                         wasm.ValType
		ext, load, c, add, sub, and, or, xor, local []byte
	}{
		{"i64", wasm.I64, []byte{0xad}, []byte{0x29, 3, 0}, []byte{0x42}, []byte{0x7c}, []byte{0x7d}, []byte{0x83}, []byte{0x84}, []byte{0x85}, []byte{0x7e}},
		{"i32", wasm.I32, nil, []byte{0x28, 2, 0}, []byte{0x41}, []byte{0x6a}, []byte{0x6b}, []byte{0x71}, []byte{0x72}, []byte{0x73}, []byte{0x7f}},
	} {
		t.Run(ty.name, func(t *testing.T) {
			X := cat(x, ty.ext)
			c := func(v int32) []byte { return cat(ty.c, sleb32(v)) }
			call := cat(x, []byte{0x10, 0})              // callee(x)
			set, get := []byte{0x21, 1}, []byte{0x20, 1} // the local
			then := cat(c(0x55), ty.xor)                 // (...) ^ 0x55: x dies before
			tests := []struct {
				name string
				body []byte
			}{
				{"callee", cat(x, ty.load, c(1), ty.add)}, // [x] + 1: function 0
				{"X; call + X", cat(X, call, ty.add, then)},
				{"call + X (local)", cat(X, set, call, get, ty.add, then)},
				{"X; call + X; X again", cat(X, call, ty.add, X, ty.add, then)},
				{"call + 5", cat(call, c(5), ty.add, then)},
				{"call - 5", cat(call, c(5), ty.sub, then)},
				{"call + -0x80000000", cat(call, c(-0x80000000), ty.add, then)},
				{"5 - call", cat(c(5), call, ty.sub, then)},
				{"X - call", cat(X, call, ty.sub, then)},
				{"call - X (local)", cat(X, set, call, get, ty.sub, then)},
				{"X & call", cat(X, call, ty.and, then)},
				{"X | call", cat(X, call, ty.or, then)},
				{"X ^ call", cat(X, call, ty.xor, then)},
				{"call + call", cat(call, x, c(1), ty.add, []byte{0x10, 0}, ty.add, then)},
				{"call used twice", cat(call, []byte{0x22, 1}, get, ty.add, then)},
				{"call; X + call after", cat(call, X, ty.add, then)},
			}
			var names []string
			var bodies [][]byte
			for _, tt := range tests {
				names, bodies = append(names, tt.name), append(bodies, tt.body)
			}
			m := accessModule(wasm.I32, names, bodies)
			m.Types[0].Results = []wasm.ValType{ty.res}
			for i := range names {
				m.Codes[i].Locals = []wasm.LocalEntry{{Count: 1, Type: ty.res}}
			}
			matchBaselineOn(t, m, names, returnXs)
		})
	}
}
