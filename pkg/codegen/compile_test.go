package codegen

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/regalloc"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/validate"
	"github.com/lucet-go/lucet/pkg/wasm"
)

func specModulesOrNil() []string {
	dir := os.Getenv("LUCET_TESTSUITE")
	if dir == "" {
		dir = "../../../shared/testsuite"
	}
	files, _ := filepath.Glob(filepath.Join(dir, "core", "*", "*.wasm"))
	simd, _ := filepath.Glob(filepath.Join(dir, "simd", "*", "*.wasm"))
	files = append(files, simd...)
	sort.Strings(files)
	return files
}

func specModules(t testing.TB) []string {
	t.Helper()
	files := specModulesOrNil()
	if len(files) == 0 {
		t.Skip("no spec testsuite modules (set LUCET_TESTSUITE to the testsuite directory)")
	}
	return files
}

func loadValid(t testing.TB, path string) *wasm.Module {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		return nil
	}
	if _, err := validate.Module(m, validate.Options{}); err != nil {
		return nil
	}
	return m
}

// TestCompileSpecModules compiles every valid module of the testsuite in
// both bounds modes and checks each function's register allocation.
func TestCompileSpecModules(t *testing.T) {
	n := 0
	for _, path := range specModules(t) {
		m := loadValid(t, path)
		if m == nil {
			continue
		}
		n++
		for _, opts := range []ssa.Options{{}, {OptLevel: 2}, {OptLevel: 2, Bounds: object.BoundsGuard, MemReserve: 4 << 30, MemGuard: 4 << 30}, {Fuel: true}} {
			obj, err := Compile(m, opts)
			if err != nil {
				t.Errorf("%s: %v", path, err)
				continue
			}
			if len(obj.Meta.Funcs) != len(m.Funcs) || len(obj.Meta.EntryStubs) != len(m.Types) ||
				len(obj.Meta.ImportStubs) != int(m.NumImportedFuncs) {
				t.Errorf("%s: incomplete metadata", path)
			}
			for i := 1; i < len(obj.Meta.Sites); i++ {
				if obj.Meta.Sites[i].CodeOffset < obj.Meta.Sites[i-1].CodeOffset {
					t.Errorf("%s: sites not sorted", path)
					break
				}
			}
			// Deterministic output whatever the parallelism.
			opts.Parallel = 1
			again, err := Compile(m, opts)
			if err != nil || !bytes.Equal(again.Text, obj.Text) || len(again.Meta.Sites) != len(obj.Meta.Sites) {
				t.Errorf("%s: output differs between compilations (%v)", path, err)
			}
		}
		for i := range m.Funcs {
			fidx := m.NumImportedFuncs + uint32(i)
			f, err := frontend.BuildSSA(m, fidx, &ssa.Options{})
			if err != nil {
				t.Errorf("%s: func %d: %v", path, fidx, err)
				continue
			}
			ssa.Optimize(f, 2)
			ra := regalloc.Allocate(f, m, testMachine.RegTarget())
			if err := regalloc.CheckAllocation(f, ra, testMachine.RegTarget()); err != nil {
				t.Errorf("%s: func %d: %v\n%s", path, fidx, err, f)
			}
			// The baseline tier's allocator, on the baseline tier's SSA.
			if f, err = frontend.BuildSSA(m, fidx, &ssa.Options{}); err != nil {
				t.Fatal(err)
			}
			ssa.Optimize(f, 0)
			if err := regalloc.CheckFastAllocation(f, regalloc.AllocateFast(f, m, testMachine.RegTarget()), testMachine.RegTarget()); err != nil {
				t.Errorf("%s: func %d at opt 0: %v\n%s", path, fidx, err, f)
			}
		}
	}
	if n == 0 {
		t.Fatal("no valid modules compiled")
	}
}

// BenchmarkCompileGoBig compiles the 3.8 MB Go-built module in
// testdata/gobig.wasm.
func BenchmarkCompileGoBig(b *testing.B) {
	data, err := os.ReadFile("../../testdata/gobig.wasm")
	if err != nil {
		b.Skip("testdata/gobig.wasm not present")
	}
	m, err := decode.Decode(data, decode.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := validate.Module(m, validate.Options{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		obj, err := Compile(m, ssa.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(obj.Text)), "text-bytes")
	}
}

// testMachine is the backend the in-package tests allocate and emit with.
var testMachine, _ = machine(DefaultArch)

// TestArch: Options.Arch picks the backend by name, "" being the
// default, and an unknown name is refused naming it.
func TestArch(t *testing.T) {
	m := &wasm.Module{}
	tests := []struct {
		arch    string
		wantErr string // "" when the compile must succeed
	}{
		{"", ""},
		{"amd64", ""},
		{"arm64", `unknown Options.Arch "arm64" (known: amd64)`},
		{"AMD64", `unknown Options.Arch "AMD64"`},
	}
	for _, tt := range tests {
		t.Run(tt.arch, func(t *testing.T) {
			opts := Default()
			opts.Arch = tt.arch
			obj, err := Compile(m, opts)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Arch %q: %v", tt.arch, err)
			case tt.wantErr == "" && obj == nil:
				t.Fatalf("Arch %q: no object", tt.arch)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Arch %q: error %v, want one containing %q", tt.arch, err, tt.wantErr)
			}
		})
	}
}
