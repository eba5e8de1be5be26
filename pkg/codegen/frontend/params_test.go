package frontend_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// blockParams counts the parameters of f's blocks other than the entry,
// and those of them whose edges all pass one value other than the
// parameter itself (trivial: elimRedundantParams's to remove).
func blockParams(f *ssa.Func) (params, trivial int) {
	for _, b := range f.Blocks {
		if b == f.Entry {
			continue
		}
		for i, p := range b.Params {
			params++
			var same *ssa.Value
			one := true
			for _, pred := range b.Preds {
				a := pred.Succs[pred.EdgeTo(b)].Args[i]
				if a != p && a != same {
					one = one && same == nil
					same = a
				}
			}
			if one && same != nil {
				trivial++
			}
		}
	}
	return params, trivial
}

// checkParamsMinimal builds function fidx of m twice and checks what
// Func.ParamsMinimal promises: when set, no parameter is trivial, and
// elimRedundantParams, which it makes skip its work, would have removed
// nothing (the parameters left after Optimize are as many when it runs).
// It returns whether the flag was set and the parameters left.
func checkParamsMinimal(t *testing.T, m *wasm.Module, fidx uint32) (minimal bool, left int) {
	t.Helper()
	f, err := frontend.BuildSSA(m, fidx, &ssa.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, trivial := blockParams(f); f.ParamsMinimal && trivial > 0 {
		t.Errorf("function %d: ParamsMinimal with %d trivial parameters\n%s", fidx, trivial, f)
	}
	minimal = f.ParamsMinimal
	g, err := frontend.BuildSSA(m, fidx, &ssa.Options{})
	if err != nil {
		t.Fatal(err)
	}
	g.ParamsMinimal = false
	ssa.Optimize(f, 0)
	ssa.Optimize(g, 0)
	left, _ = blockParams(f)
	if all, _ := blockParams(g); left != all {
		t.Errorf("function %d: %d block parameters left, %d when elimRedundantParams runs in full", fidx, left, all)
	}
	return minimal, left
}

// TestParamsMinimal: the frontend drops the trivial parameters it makes
// in sealed blocks, and says when none is left (Func.ParamsMinimal), for
// hand-made shapes and every function of the C and SIMD test programs.
func TestParamsMinimal(t *testing.T) {
	i32 := []wasm.LocalEntry{{Count: 1, Type: wasm.I32}}
	tests := []struct {
		name    string
		m       *wasm.Module
		minimal bool
		left    int
	}{
		// Local 0 is unchanged on both arms (its merge parameter is
		// dropped as made), local 1 is set on one (kept).
		{"if-merge", ssatest.Module1(ssatest.I32s, ssatest.I32s, i32,
			0x20, 0, 0x04, 0x40, // local.get 0, if
			0x20, 0, 0x41, 1, 0x6a, 0x21, 1, // l1 = l0 + 1
			0x05,                   // else
			0x0b,                   // end
			0x20, 0, 0x20, 1, 0x6a, // l0 + l1
		), true, 1},
		// Local 2, read after the loop, is not written in it: the read
		// skips the sealed loop (hop.go), so its header gets no
		// parameter that would receive itself from the back edge.
		{"loop-invariant", ssatest.Module1(ssatest.I32s, ssatest.I32s, []wasm.LocalEntry{{Count: 2, Type: wasm.I32}}, ssatest.SumLoop...), true, 2},
		// A block whose result is local 0 on both of its edges.
		{"block-result", ssatest.Module1(ssatest.I32s, ssatest.I32s, nil,
			0x02, 0x7f, // block (result i32)
			0x20, 0, 0x20, 0, 0x0d, 0, // local.get 0, br_if 0 with local 0
			0x1a, 0x20, 0, // drop, local.get 0
			0x0b, // end
		), false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			minimal, left := checkParamsMinimal(t, tt.m, 0)
			if minimal != tt.minimal || left != tt.left {
				t.Errorf("ParamsMinimal %v, %d parameters left; want %v, %d", minimal, left, tt.minimal, tt.left)
			}
		})
	}
	files, _ := filepath.Glob("../../../testdata/bench/wider/*.wasm")
	simd, _ := filepath.Glob("../../../testdata/simd/wasm/*.wasm")
	files = append(files, simd...)
	if len(files) < 10 {
		t.Fatalf("found %d test programs", len(files))
	}
	var funcs, minimal int
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		m, err := decode.Decode(b, decode.Options{})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for i := range m.Codes {
			if ok, _ := checkParamsMinimal(t, m, m.NumImportedFuncs+uint32(i)); ok {
				minimal++
			}
			funcs++
		}
	}
	// Both kinds occur: the check above saw functions the pass skips
	// and functions it runs on.
	t.Logf("%d functions, %d with ParamsMinimal", funcs, minimal)
	if minimal == 0 || minimal == funcs {
		t.Errorf("%d of %d functions with ParamsMinimal", minimal, funcs)
	}
}

// TestNoExplicitChecks: Func.NoExplicitChecks is set exactly when no
// load or store carries the memory length (which elimBoundsChecks, that
// it makes skip its walk, would look for): guard pages covering every
// offset, not with explicit checks, nor for an offset past the guard.
func TestNoExplicitChecks(t *testing.T) {
	// An i32.load of local 0 (offset 16, or 0xf000_0000 when far),
	// stored back at offset 0.
	body := func(far bool) []byte {
		off := []byte{16}
		if far {
			off = []byte{0x80, 0x80, 0x80, 0x80, 0x0f}
		}
		return ssatest.Cat([]byte{0x20, 0, 0x20, 0, 0x28, 2}, off, []byte{0x36, 2, 0})
	}
	guard := ssa.Options{Bounds: object.BoundsGuard, MemReserve: 4 << 30, MemGuard: 2 << 30}
	explicit := ssa.Options{Bounds: object.BoundsExplicit}
	tests := []struct {
		name string
		far  bool
		opts ssa.Options
		want bool
	}{
		{"guard", false, guard, true},
		{"explicit", false, explicit, false},
		// 4 GiB + 0xf000_0000 + 4 bytes is past a 2 GiB guard above a
		// 4 GiB reservation.
		{"past-guard", true, guard, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ssatest.Module1(ssatest.I32s, nil, nil, body(tt.far)...)
			f, err := frontend.BuildSSA(m, 0, &tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			checked := 0
			for _, b := range f.Blocks {
				for _, v := range b.Values {
					if v.Op == ssa.OpLoad && len(v.Args) == 2 || v.Op == ssa.OpStore && len(v.Args) == 3 {
						checked++
					}
				}
			}
			if f.NoExplicitChecks != tt.want || f.NoExplicitChecks != (checked == 0) {
				t.Errorf("NoExplicitChecks %v with %d checked accesses, want %v\n%s", f.NoExplicitChecks, checked, tt.want, f)
			}
		})
	}
}
