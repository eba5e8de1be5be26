package codegen

import (
	"errors"
	"os"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/regalloc"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/validate"
)

// FuzzCompile: arbitrary bytes that decode and validate must compile, in
// both bounds modes, without error or panic, with a valid allocation.
func FuzzCompile(f *testing.F) {
	for _, m := range fuzzSeeds {
		f.Add(m)
	}
	if files := specModulesOrNil(); len(files) > 0 {
		for i, p := range files {
			if i%7 != 0 { // a sample keeps the seed corpus quick
				continue
			}
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decode.Decode(b, decode.Options{})
		if err != nil {
			return
		}
		if _, err := validate.Module(m, validate.Options{}); err != nil {
			return
		}
		for _, opts := range []ssa.Options{{}, {OptLevel: 2}, {OptLevel: 2, Bounds: object.BoundsGuard, MemReserve: 4 << 30, MemGuard: 4 << 30}, {Fuel: true}} {
			if _, err := Compile(m, opts); errors.Is(err, ssa.ErrUnsupported) {
				return
			} else if err != nil {
				t.Fatalf("valid module does not compile: %v", err)
			}
		}
		for i := range m.Funcs {
			fn, err := frontend.BuildSSA(m, m.NumImportedFuncs+uint32(i), &ssa.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ssa.Optimize(fn, 2)
			if err := regalloc.CheckAllocation(fn, regalloc.Allocate(fn, m, testMachine.RegTarget()), testMachine.RegTarget()); err != nil {
				t.Fatalf("func %d: %v", i, err)
			}
			if fn, err = frontend.BuildSSA(m, m.NumImportedFuncs+uint32(i), &ssa.Options{}); err != nil {
				t.Fatal(err)
			}
			ssa.Optimize(fn, 0)
			if err := regalloc.CheckFastAllocation(fn, regalloc.AllocateFast(fn, m, testMachine.RegTarget()), testMachine.RegTarget()); err != nil {
				t.Fatalf("func %d at opt 0: %v", i, err)
			}
		}
	})
}

// fuzzSeeds are small hand-written modules.
var fuzzSeeds = [][]byte{
	// (func (param i32) (result i32) local.get 0 i32.const 1 i32.add)
	{0, 'a', 's', 'm', 1, 0, 0, 0,
		1, 6, 1, 0x60, 1, 0x7f, 1, 0x7f,
		3, 2, 1, 0,
		10, 9, 1, 7, 0, 0x20, 0, 0x41, 1, 0x6a, 0x0b},
}
