package codegen_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/execute"
)

// TestTruncAfterInBoundsLoad keeps a module scripts/difftest found (internal/wasmgen
// seed 801172, reduced to one export w calling f0(0, 0, 0)):
// its loop loads an f32 at 0xfff0+1 of a one-page memory (in bounds) and
// truncates 0x1p63 / copysign(0, that) to i64, which overflows. wasmtime
// as the harness configured it reported an out-of-bounds access at the
// load; wabt's interpreter, V8 and lucet trap with integer overflow at the
// trunc, as the spec says. Both tiers, both bounds modes.
func TestTruncAfterInBoundsLoad(t *testing.T) {
	m := loadWasm(t, "testdata/difftest/trunc_after_load.wasm")
	const truncOffset = 0xe3 // i64.trunc_f32_s in f0
	for _, bm := range boundsModes {
		for _, opt := range []int{0, 2} {
			t.Run(fmt.Sprintf("%s/opt=%d", bm.name, opt), func(t *testing.T) {
				opts := bm.opts
				opts.OptLevel = opt
				inst := compileInstance(t, m, opts)
				_, err := inst.Func("w").Call()
				var tr *execute.Trap
				if !errors.As(err, &tr) || tr.Code != abi.TrapIntegerOverflow || tr.WasmOffset != truncOffset {
					t.Fatalf("w() = %v, want an integer overflow trap at %#x", err, truncOffset)
				}
			})
		}
	}
}
