package codegen

import (
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestLeaDisplacementShape pins -O 2's (x + c) + (y << k): one lea with
// c as its displacement (wasmtime's form for an indexed local array on
// the shadow stack), no add and no second lea. The exec side is
// TestLeaDisplacementExec.
func TestLeaDisplacementShape(t *testing.T) {
	tests := []struct {
		name string
		t    wasm.ValType
		body []byte
		want string
	}{
		{"i32 (x+16)+y<<3", wasm.I32, []byte{0x20, 0, 0x41, 16, 0x6a, 0x20, 1, 0x41, 3, 0x74, 0x6a}, "+8*rsi+0x10]"},
		{"i32 y<<2+(-8+x)", wasm.I32, []byte{0x20, 1, 0x41, 2, 0x74, 0x41, 0x78, 0x20, 0, 0x6a, 0x6a}, "+4*rsi-0x8]"},
		{"i64 (x+0x100)+y<<1", wasm.I64, []byte{0x20, 0, 0x42, 0x80, 0x02, 0x7c, 0x20, 1, 0x42, 1, 0x86, 0x7c}, "+2*rsi+0x100]"},
		{"i32 y<<2+0x400", wasm.I32, []byte{0x20, 1, 0x41, 2, 0x74, 0x41, 0x80, 0x08, 0x6a}, "[4*rsi+0x400]"},
		{"i64 0x10+y<<3", wasm.I64, []byte{0x42, 0x10, 0x20, 1, 0x42, 3, 0x86, 0x7c}, "[8*rsi+0x10]"},
		{"i32 y<<1+0x10", wasm.I32, []byte{0x20, 1, 0x41, 1, 0x74, 0x41, 0x10, 0x6a}, "[rsi+rsi+0x10]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ts := []wasm.ValType{tc.t, tc.t}
			m := ssatest.Module1(ts, ts[:1], nil, tc.body...)
			mach := testMachine
			opts := &ssa.Options{OptLevel: 2, Features: mach.DefaultFeatures()}
			fc, err := compileFunc(m, 0, opts, frontend.ModuleFacts(m), mach, mach.NewFuncEmitter(), nil)
			if err != nil {
				t.Fatal(err)
			}
			code := disasm(fc.Code)
			if !strings.Contains(code, tc.want) || strings.Count(code, "lea ") != 1 || strings.Contains(code, "add ") {
				t.Errorf("want one lea with %q, no add:\n%s", tc.want, code)
			}
		})
	}
}
