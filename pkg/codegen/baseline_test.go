package codegen_test

import (
	"os"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/validate"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// loadWasm reads, decodes and validates the module at path.
func loadWasm(t *testing.T, path string) *wasm.Module {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return decodeValid(t, b)
}

func decodeValid(t *testing.T, b []byte) *wasm.Module {
	t.Helper()
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := validate.Module(m, validate.Options{}); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBaselineCompilesGobig checks that opt level 0 really goes through the
// baseline compiler (not silently through the SSA pipeline) for a big real
// module, and that the other levels never do.
func TestBaselineCompilesGobig(t *testing.T) {
	m := loadWasm(t, "../../testdata/gobig.wasm")
	for _, tt := range []struct {
		opt     int
		minFrac float64 // of the functions compiled by the baseline
		maxFrac float64
	}{
		{0, 0.99, 1},
		{2, 0, 0},
	} {
		opts := codegen.Default()
		opts.OptLevel = tt.opt
		_, st, err := codegen.CompileStats(m, opts)
		if err != nil {
			t.Fatal(err)
		}
		f := float64(st.Baseline) / float64(st.Funcs)
		t.Logf("opt %d: baseline %d of %d functions", tt.opt, st.Baseline, st.Funcs)
		if st.Funcs != len(m.Funcs) || f < tt.minFrac || f > tt.maxFrac {
			t.Errorf("opt %d: baseline compiled %d of %d functions, want a fraction in [%v, %v]",
				tt.opt, st.Baseline, st.Funcs, tt.minFrac, tt.maxFrac)
		}
	}
}

// mixedModule has three functions of type (i32, i32) -> i32: f0 (scalar)
// returns f1(x, y) + 1; f1 (SIMD) adds splats of x and y and extracts
// lane 0; f2 (SIMD) calls f0 with lane 0 of a splat of x, and y. At opt
// level 0, f0 is the baseline's and f1, f2 fall back to the SSA pipeline,
// so calls go both ways between the two kinds of code.
var mixedModule = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
	0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, // type 0
	0x03, 0x04, 0x03, 0x00, 0x00, 0x00, // 3 functions of type 0
	0x07, 0x0b, 0x02, 0x02, 'f', '0', 0x00, 0x00, 0x02, 'f', '2', 0x00, 0x02, // exports f0, f2
	0x0a, 0x2c, 0x03,
	// f0: local.get 0, local.get 1, call 1, i32.const 1, i32.add
	0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x10, 0x01, 0x41, 0x01, 0x6a, 0x0b,
	// f1: i32x4.splat x, i32x4.splat y, i32x4.add, i32x4.extract_lane 0
	0x10, 0x00, 0x20, 0x00, 0xfd, 0x11, 0x20, 0x01, 0xfd, 0x11, 0xfd, 0xae, 0x01, 0xfd, 0x1b, 0x00, 0x0b,
	// f2: i32x4.extract_lane 0 (i32x4.splat x), local.get 1, call 0
	0x0d, 0x00, 0x20, 0x00, 0xfd, 0x11, 0xfd, 0x1b, 0x00, 0x20, 0x01, 0x10, 0x00, 0x0b,
}

// TestBaselineFallbackMixes compiles a module whose SIMD functions the
// baseline leaves to the SSA pipeline and runs calls across the two kinds
// of code, in both bounds modes.
func TestBaselineFallbackMixes(t *testing.T) {
	m := decodeValid(t, mixedModule)
	for _, bounds := range []object.BoundsChecks{object.BoundsExplicit, object.BoundsGuard} {
		opts := codegen.Options{OptLevel: 0, Bounds: bounds}
		if bounds == object.BoundsGuard {
			opts.MemReserve, opts.MemGuard = codegen.DefaultMemReserve, codegen.DefaultMemGuard
		}
		obj, st, err := codegen.CompileStats(m, opts)
		if err != nil {
			t.Fatal(err)
		}
		if st.Baseline != 1 || st.Funcs != 3 {
			t.Errorf("bounds %v: baseline %d of %d functions, want 1 of 3", bounds, st.Baseline, st.Funcs)
		}
		inst := instantiate(t, obj)
		for _, name := range []string{"f0", "f2"} {
			res, err := inst.Func(name).Call(3, 4)
			if err != nil || len(res) != 1 || res[0] != 8 {
				t.Errorf("bounds %v: %s(3, 4) = %v, %v; want 8", bounds, name, res, err)
			}
		}
	}
}
