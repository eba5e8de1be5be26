package codegen_test

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestShrinkWrap runs testdata/shrinkwrap.wat's functions, whose early
// exits at -O 2 return without saving or restoring the callee-saved
// registers the rest of the function uses (isa/amd64/shrinkwrap.go), and
// whose return blocks are copied into the paths reaching them
// (ssa/pass_dup_returns.go): exits on either side of the first branch,
// nested, traps on both paths, host, cross-instance and indirect calls on
// both paths, deep recursion (to stack exhaustion), and a caller keeping
// values in callee-saved registers across calls of them all, which a save
// missed or a restore of what was not saved would corrupt. Results, trap
// codes, trap offsets and backtraces (the frame-pointer chain, from traps
// on either path) must be the baseline tier's, in both bounds modes.
func TestShrinkWrap(t *testing.T) {
	m := loadWasm(t, "testdata/shrinkwrap.wasm")
	other := loadWasm(t, "testdata/shrinkwrap_other.wasm")
	xs := []uint64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 20, 0x7fffffff, 0xfffffffc, 0xfffffffd, 0xffffffff}
	ys := []uint64{0, 1, 7, 8, 100, 101, 1000, 65532, 65536, 0xfffffff0}
	type call struct {
		name string
		x, y uint64
	}
	var calls []call
	for _, name := range []string{"fib", "fibloop", "late", "traps", "calls", "nested", "keep"} {
		for _, x := range xs {
			if (name == "fib" || name == "fibloop") && x > 20 {
				continue
			}
			for _, y := range ys {
				calls = append(calls, call{name, x, y})
			}
		}
	}
	for _, x := range []uint64{0, 1, 2, 1000, 1 << 30} { // not a depth near the limit: the tiers' frames differ
		calls = append(calls, call{"deep", x, 5})
	}
	type outcome struct {
		res    uint64
		trap   string
		off    uint32
		frames string // the backtrace: function and call-site offset of each frame
	}
	for _, bm := range boundsModes {
		var ref map[call]outcome
		for _, opt := range []int{0, 2} {
			t.Run(fmt.Sprintf("%s/opt=%d", bm.name, opt), func(t *testing.T) {
				opts := bm.opts
				opts.OptLevel = opt
				objOther, err := codegen.Compile(other, opts)
				if err != nil {
					t.Fatal(err)
				}
				obj, err := codegen.Compile(m, opts)
				if err != nil {
					t.Fatal(err)
				}
				st, err := execute.NewStore(execute.Config{})
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				instOther, err := st.InstantiateObject(objOther, execute.ImportMap{})
				if err != nil {
					t.Fatal(err)
				}
				otherFn, _ := instOther.Export("other")
				host := execute.NewHostFunc(wasm.FuncType{Params: []wasm.ValType{wasm.I32}, Results: []wasm.ValType{wasm.I32}},
					func(c *execute.Caller, s []uint64) error {
						s[0] = uint64(uint32(s[0])*5 + 1)
						return nil
					})
				inst, err := st.InstantiateObject(obj, execute.ImportMap{"env": {"host": host, "other": otherFn}})
				if err != nil {
					t.Fatal(err)
				}
				got := map[call]outcome{}
				for _, c := range calls {
					r, err := inst.Func(c.name).Call(c.x, c.y)
					var trap *execute.Trap
					switch {
					case errors.As(err, &trap):
						o := outcome{trap: trap.Code.String(), off: trap.WasmOffset}
						// The tiers' frames differ in size, so a stack
						// overflow's depth does too: its innermost frame only.
						frames := trap.Frames
						if trap.Code == abi.TrapStackOverflow && len(frames) > 1 {
							frames = frames[:1]
						}
						for _, fr := range frames {
							o.frames += fmt.Sprintf("%s@%#x ", fr.Func, fr.WasmOffset)
						}
						got[c] = o
					case err != nil:
						t.Fatalf("%v: %v", c, err)
					default:
						got[c] = outcome{res: r[0]}
					}
				}
				if ref == nil {
					ref = got
					if os.Getenv("SHRINKWRAP_DEBUG") != "" {
						for _, c := range calls {
							t.Logf("%s(%#x, %#x): %+v", c.name, c.x, c.y, got[c])
						}
					}
					return
				}
				for _, c := range calls {
					if got[c] != ref[c] {
						t.Errorf("%s(%#x, %#x): %+v, the baseline tier %+v", c.name, c.x, c.y, got[c], ref[c])
					}
				}
			})
		}
	}
}
