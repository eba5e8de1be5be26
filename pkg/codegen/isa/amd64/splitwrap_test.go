package amd64_test

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/codegen/isa/amd64"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/validate"
)

// TestSplitShrinkWrap compiles testdata/splitwrap.wat, whose $f has an
// early exit (so shrink-wrap moves the saves below it) and a loop with a
// call around which a spilled value is split into a callee-saved
// register, loaded by the block entering the loop and written by nothing
// else on that side. It checks that -O 2 reaches that shape, with the
// saves above the loading block (shrinkWrap counts the load as a write),
// and that f, and keep, which holds values in callee-saved registers
// across calls of f, give -O 0's results, trap codes and trap offsets in
// both bounds modes. Without the load counted as a write the saves go
// to the other side of f's branch, and the load clobbers keep's register
// (a compile error, from the guard in splitReloads).
func TestSplitShrinkWrap(t *testing.T) {
	b, err := os.ReadFile("../../testdata/splitwrap.wasm")
	if err != nil {
		t.Fatal(err)
	}
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := validate.Module(m, validate.Options{}); err != nil {
		t.Fatal(err)
	}
	ns := []uint64{0, 1, 2, 3, 4, 7, 8, 15, 17, 31, 100, 65470, 65471, 65472, 65473, 65535, 65536, 0xfffffff1, 0xffffffff}
	as := []uint64{0, 1, 7, 1000, 65535, 65536, 0x7fffffff, 0xffffffff}
	type outcome struct {
		res  uint64
		trap string
		off  uint32
	}
	for _, bm := range []struct {
		name string
		opts codegen.Options
	}{
		{"explicit", codegen.Options{Bounds: object.BoundsExplicit}},
		{"guard", codegen.Options{Bounds: object.BoundsGuard, MemReserve: codegen.DefaultMemReserve, MemGuard: codegen.DefaultMemGuard}},
	} {
		var ref map[string]outcome
		for _, opt := range []int{0, 2} {
			t.Run(fmt.Sprintf("%s/opt=%d", bm.name, opt), func(t *testing.T) {
				opts := bm.opts
				opts.OptLevel, opts.Parallel = opt, 1
				var shapes int
				stop := amd64.TraceShrinkWrap(func(f *ssa.Func, sw amd64.ShrinkWrap) {
					if sw.SaveAt != nil && len(sw.ReloadOnly) > 0 {
						shapes++
					}
				})
				obj, err := codegen.Compile(m, opts)
				stop()
				if err != nil {
					t.Fatal(err)
				}
				if want := map[int]int{0: 0, 2: 1}[opt]; shapes != want {
					t.Fatalf("%d functions save below an early exit and above a block whose only callee-saved write is a split load, want %d", shapes, want)
				}
				st, err := execute.NewStore(execute.Config{})
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				inst, err := st.InstantiateObject(obj, execute.ImportMap{})
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]outcome{}
				for _, name := range []string{"f", "keep"} {
					for _, n := range ns {
						for _, a := range as {
							key := fmt.Sprintf("%s(%#x, %#x)", name, n, a)
							r, err := inst.Func(name).Call(n, a)
							var trap *execute.Trap
							switch {
							case errors.As(err, &trap):
								got[key] = outcome{trap: trap.Code.String(), off: trap.WasmOffset}
							case err != nil:
								t.Fatalf("%s: %v", key, err)
							default:
								got[key] = outcome{res: r[0]}
							}
						}
					}
				}
				if ref == nil {
					ref = got
					return
				}
				for k, o := range got {
					if o != ref[k] {
						t.Errorf("%s: %+v, -O 0 %+v", k, o, ref[k])
					}
				}
			})
		}
	}
}
