package codegen

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestAndTestShape pins -O 2's code for branches on an and
// (fuseAndTests): `if (x & m) x + y else x - y`, x live past the and, is
// a test and a jcc, with no and and no copy of x for it; byte masks use
// the 8-bit test. The exec side is TestAndTestExec.
func TestAndTestShape(t *testing.T) {
	x, y := []byte{0x20, 0}, []byte{0x20, 1}
	arms := func(i64 bool) []byte {
		if i64 {
			return []byte{0x04, 0x7e, 0x20, 0, 0x20, 1, 0x7c, 0x05, 0x20, 0, 0x20, 1, 0x7d, 0x0b}
		}
		return []byte{0x04, 0x7f, 0x20, 0, 0x20, 1, 0x6a, 0x05, 0x20, 0, 0x20, 1, 0x6b, 0x0b}
	}
	tests := []struct {
		name string
		i64  bool
		cond []byte
		want string // the test instruction's text, in Intel syntax
	}{
		{"i32 x&8", false, ssatest.Cat(x, []byte{0x41, 8, 0x71}), "test dil, 0x8"},
		{"i32 eqz x&0x100", false, ssatest.Cat(x, []byte{0x41, 0x80, 0x02, 0x71, 0x45}), "test edi, 0x100"},
		{"i32 x&y==0", false, ssatest.Cat(x, y, []byte{0x71, 0x41, 0, 0x46}), "test edi, esi"},
		{"i64 x&1<<40!=0", true, ssatest.Cat(x, []byte{0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x83, 0x42, 0, 0x52}), "test rdi, r"},
		{"i64 eqz x&-2", true, ssatest.Cat(x, []byte{0x42, 0x7e, 0x83, 0x50}), "test rdi, -0x2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := []wasm.ValType{wasm.I32, wasm.I32}
			if tc.i64 {
				ts = []wasm.ValType{wasm.I64, wasm.I64}
			}
			m := ssatest.Module1(ts, ts[:1], nil, ssatest.Cat(tc.cond, arms(tc.i64))...)
			mach := testMachine
			opts := &ssa.Options{OptLevel: 2, Features: mach.DefaultFeatures()}
			fc, err := compileFunc(m, 0, opts, frontend.ModuleFacts(m), mach, mach.NewFuncEmitter(), nil)
			if err != nil {
				t.Fatal(err)
			}
			code := disasm(fc.Code)
			if !strings.Contains(code, tc.want) || strings.Contains(code, "and ") {
				t.Errorf("want %q and no and:\n%s", tc.want, code)
			}
		})
	}
}
