package codegen_test

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
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

// TestEndOfMemoryLoads runs testdata/difftest/end_of_memory.wat (see its
// comment): loads at the end of memory whose users a backend may fold
// them into with a memory operand of another width. scripts/difftest
// found wasmtime v37 trapping at in-bounds f32.load/f64.load feeding
// copysign (wasmgen seeds 2673, 2921, 7105) and not trapping at an
// out-of-bounds v128.load feeding i16x8.extmul_low_i8x16_s (wasmgen
// seed 50529; V8 and lucet trap). Both tiers, both bounds modes, the
// default and this host's CPU features.
func TestEndOfMemoryLoads(t *testing.T) {
	b, err := os.ReadFile("testdata/difftest/end_of_memory.wasm")
	if err != nil {
		t.Fatal(err)
	}
	m := decodeValid(t, b)
	cases := []struct {
		name string
		addr uint64
		want uint64 // the result's bits, if it does not trap
		trap bool   // out of bounds, at a v128.load
	}{
		{"copysign32", 65532, 0x80000000, false},
		{"copysign64", 65528, 0x8000000000000000, false},
		{"extmul_low", 65521, 0, true},
		{"extend_low", 65528, 0, true},
		{"promote_low", 65528, 0, true},
		{"convert_low", 65528, 0, true},
	}
	for _, bm := range boundsModes {
		for _, features := range []uint64{0, load.HostFeatures()} {
			for _, opt := range []int{0, 2} {
				opts := bm.opts
				opts.OptLevel = opt
				opts.Features = features
				if features != 0 && features&object.FeatureSSE41 == 0 {
					continue // lucet does not run here
				}
				inst := compileInstance(t, m, opts)
				for _, c := range cases {
					name := fmt.Sprintf("%s/%s/opt=%d/%s", bm.name, object.FeatureString(features), opt, c.name)
					res, err := inst.Func(c.name).Call(c.addr)
					var tr *execute.Trap
					switch {
					case c.trap && (!errors.As(err, &tr) || tr.Code != abi.TrapMemoryOutOfBounds ||
						int(tr.WasmOffset)+1 >= len(b) || b[tr.WasmOffset] != 0xfd || b[tr.WasmOffset+1] != 0x00):
						t.Errorf("%s(%d) = %v, %v; want an out-of-bounds trap at a v128.load", name, c.addr, res, err)
					case !c.trap && (err != nil || len(res) != 1 || res[0] != c.want):
						t.Errorf("%s(%d) = %#x, %v; want %#x", name, c.addr, res, err, c.want)
					}
				}
			}
		}
	}
}
