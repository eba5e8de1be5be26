package codegen

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestSelectShapes pins the lowering of selects on an integer comparison
// at -O 2: the cmp feeds the cmov (or sbb, or setcc) directly, with no
// boolean materialized and tested again (setcc, movzx, test, cmovne), in
// every register case; a select of 1/0 is one setcc, of -1/0 a setcc and
// neg or, on an unsigned comparison (with a constant K: x > K as x >= K+1), sbb; two selects on one comparison share
// its cmp, and so does a select right after a comparison materialized
// for another use too, of integers or floats. The functions take (a, b, x, y) and have one i32 local (4).
func TestSelectShapes(t *testing.T) {
	i32, i64 := wasm.I32, wasm.I64
	lg := func(i byte) []byte { return []byte{0x20, i} }
	cat := func(bs ...[]byte) []byte {
		var r []byte
		for _, b := range bs {
			r = append(r, b...)
		}
		return r
	}
	sel := []byte{0x1b}
	tests := []struct {
		name   string
		t      wasm.ValType
		body   []byte
		want   []string // mnemonics that must appear
		forbid []string // mnemonics that must not
		max    int      // instructions, prologue and epilogue (5) included
	}{
		{"x,y lt_u", i32, cat(lg(2), lg(3), lg(0), lg(1), []byte{0x49}, sel), []string{"cmovb"}, []string{"set", "test", "movzx"}, 9},
		{"y,x lt_s", i32, cat(lg(3), lg(2), lg(0), lg(1), []byte{0x48}, sel), []string{"cmovl"}, []string{"set", "test", "movzx"}, 9},
		// C's 16 > n ? 16 : (n + 19) & -16, malloc's request size: a constant arm.
		{"16,x lt_u 11", i32, cat([]byte{0x41, 16}, lg(2), lg(0), []byte{0x41, 11, 0x49}, sel), []string{"cmovb"}, []string{"set", "test", "movzx"}, 10},
		{"x,9 ge_s 5", i32, cat(lg(2), []byte{0x41, 9}, lg(0), []byte{0x41, 5, 0x4e}, sel), []string{"cmov"}, []string{"set", "test", "movzx"}, 9},
		{"min a,b", i32, cat(lg(0), lg(1), lg(0), lg(1), []byte{0x48}, sel), []string{"cmov"}, []string{"set", "test", "movzx"}, 9},
		{"max i64", i64, cat(lg(0), lg(1), lg(0), lg(1), []byte{0x55}, sel), []string{"cmov"}, []string{"set", "test", "movzx"}, 9},
		{"x,y eqz", i32, cat(lg(2), lg(3), lg(0), []byte{0x45}, sel), []string{"cmovz"}, []string{"set", "movzx"}, 9},
		{"1,0 lt_s", i32, cat([]byte{0x41, 1, 0x41, 0}, lg(0), lg(1), []byte{0x48}, sel), []string{"setl"}, []string{"cmov", "test", "neg"}, 9},
		{"0,1 eq", i32, cat([]byte{0x41, 0, 0x41, 1}, lg(0), lg(1), []byte{0x46}, sel), []string{"setnz"}, []string{"cmov", "test", "neg"}, 9},
		{"-1,0 gt_u 8", i32, cat([]byte{0x41, 0x7f, 0x41, 0}, lg(0), []byte{0x41, 8, 0x4b}, sel), []string{"sbb", "not"}, []string{"cmov", "test", "set"}, 9},
		{"-1,0 lt_u", i32, cat([]byte{0x41, 0x7f, 0x41, 0}, lg(0), lg(1), []byte{0x49}, sel), []string{"sbb"}, []string{"cmov", "test", "set"}, 8},
		{"0,-1 lt_u i64", i64, cat([]byte{0x42, 0, 0x42, 0x7f}, lg(0), lg(1), []byte{0x54}, sel), []string{"sbb", "not"}, []string{"cmov", "test", "set"}, 9},
		{"shared x,y y,x", i32, cat(lg(2), lg(3), lg(0), lg(1), []byte{0x49, 0x22, 4}, sel, lg(3), lg(2), lg(4), sel, []byte{0x6b}),
			[]string{"cmovb"}, []string{"set", "test", "movzx"}, 12},
		// (c ? x : y) + c: c is materialized, and its cmp's flags serve
		// the cmov with no test of the boolean.
		{"x,y lt_u +cmp", i32, cat(lg(2), lg(3), lg(0), lg(1), []byte{0x49, 0x22, 4}, sel, lg(4), []byte{0x6a}),
			[]string{"setb", "cmovb"}, []string{"test"}, 12},
		// An ordered float comparison fuses like an integer one.
		{"i32 x,y on f64 lt", wasm.F64, cat([]byte{0x41, 5, 0x41, 9}, lg(0), lg(1), []byte{0x63}, sel, []byte{0xb8}), []string{"ucomisd", "cmovnbe"}, []string{"set", "test"}, 12},
		{"-1,0 on f64 ge", wasm.F64, cat([]byte{0x41, 0x7f, 0x41, 0}, lg(0), lg(1), []byte{0x66}, sel, []byte{0xb8}), []string{"ucomisd", "sbb", "not"}, []string{"set", "test"}, 12},
		{"f64 x,y lt", wasm.F64, cat(lg(2), lg(3), lg(0), lg(1), []byte{0x63}, sel), []string{"ucomisd"}, []string{"test"}, 14},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := []wasm.ValType{tc.t, tc.t, tc.t, tc.t}
			m := ssatest.Module1(ts, ts[:1], []wasm.LocalEntry{{Count: 1, Type: i32}}, tc.body...)
			mach := testMachine
			opts := &ssa.Options{OptLevel: 2, Features: mach.DefaultFeatures()}
			fc, err := compileFunc(m, 0, opts, frontend.ModuleFacts(m), mach, mach.NewFuncEmitter(), nil)
			if err != nil {
				t.Fatal(err)
			}
			code := strings.TrimSpace(disasm(fc.Code))
			lines := strings.Split(code, "\n")
			var mnems []string
			for _, l := range lines {
				mnems = append(mnems, strings.Fields(l)[0])
			}
			has := func(p string) bool {
				for _, mn := range mnems {
					if strings.HasPrefix(mn, p) {
						return true
					}
				}
				return false
			}
			for _, w := range tc.want {
				if !has(w) {
					t.Errorf("no %s:\n%s", w, code)
				}
			}
			for _, f := range tc.forbid {
				if has(f) {
					t.Errorf("has %s:\n%s", f, code)
				}
			}
			if len(lines) > tc.max {
				t.Errorf("%d instructions, want at most %d:\n%s", len(lines), tc.max, code)
			}
			if n := strings.Count(code, "cmp "); n > 1 {
				t.Errorf("%d cmps, want 1:\n%s", n, code)
			}
		})
	}
}
