package codegen

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
	"golang.org/x/arch/x86/x86asm"
)

var update = flag.Bool("update", false, "rewrite golden files")

// disasm renders code as Intel syntax, one instruction per line.
func disasm(code []byte) string {
	var sb strings.Builder
	for pc := 0; pc < len(code); {
		in, err := x86asm.Decode(code[pc:], 64)
		if err != nil {
			sb.WriteString("??\n")
			pc++
			continue
		}
		sb.WriteString(x86asm.IntelSyntax(in, uint64(pc), nil))
		sb.WriteString("\n")
		pc += in.Len
	}
	return sb.String()
}

// TestGolden pins the machine code of a few small functions: prologue and
// stack check, a fused compare-and-branch loop, a bounds-checked load with
// its addressing mode, and the out-of-line trap stubs.
func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		m    *wasm.Module
	}{
		{"add", ssatest.Module1([]wasm.ValType{wasm.I32, wasm.I32}, ssatest.I32s, nil, 0x20, 0, 0x20, 1, 0x6a)},
		{"sumloop", ssatest.Module1(ssatest.I32s, ssatest.I32s, []wasm.LocalEntry{{Count: 2, Type: wasm.I32}}, ssatest.SumLoop...)},
		{"load", ssatest.Module1(ssatest.I32s, ssatest.I32s, nil, 0x20, 0, 0x28, 2, 16)},
		// Calls itself: a small frame checked by comparing RSP to the limit.
		{"recurse", ssatest.Module1(ssatest.I32s, ssatest.I32s, nil, 0x20, 0, 0x10, 0)},
		// fib as the peers' fib.c compiles it: the loop exit runs a copy
		// of the return block (no jump), the returned sum a lea into eax.
		{"fibloop", ssatest.Module1(ssatest.I32s, ssatest.I32s, []wasm.LocalEntry{{Count: 1, Type: wasm.I32}},
			0x02, 0x40, 0x20, 0, 0x41, 2, 0x49, 0x0d, 0, // block; br_if x < 2
			0x03, 0x40, 0x20, 0, 0x41, 1, 0x6b, 0x10, 0, 0x20, 1, 0x6a, 0x21, 1, // loop; acc += fib(x - 1)
			0x20, 0, 0x41, 2, 0x6b, 0x22, 0, 0x41, 1, 0x4b, 0x0d, 0, 0x0b, 0x0b, // x -= 2; br_if x > 1
			0x20, 0, 0x20, 1, 0x6a)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mach := testMachine
			opts := &ssa.Options{OptLevel: 2, Features: mach.DefaultFeatures()}
			fc, err := compileFunc(tc.m, 0, opts, frontend.ModuleFacts(tc.m), mach, mach.NewFuncEmitter(), nil)
			if err != nil {
				t.Fatal(err)
			}
			got := disasm(fc.Code)
			path := filepath.Join("testdata", "golden", tc.name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if got != string(want) {
				t.Errorf("machine code changed (run with -update if intended):\n%s\nwant:\n%s", got, want)
			}
		})
	}
}
