package codegen_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestSplitLoopExec runs LoopPressure's shapes, whose spilled values the
// allocator keeps in registers through the loop (regalloc/split.go), at
// -O 2 against -O 0 in both bounds modes: plain, with a call in the loop,
// nested loops, loads that trap out of bounds mid-loop (the trap's kind
// and wasm offset must match), and a loop with no register to spare.
func TestSplitLoopExec(t *testing.T) {
	shapes := []struct {
		name  string
		shape ssatest.LoopShape
	}{
		{"plain", ssatest.LoopShape{Long: 4, Pressure: 14}},
		{"many", ssatest.LoopShape{Long: 9, Pressure: 12}},
		{"call", ssatest.LoopShape{Long: 4, Pressure: 14, Call: true}},
		{"nested", ssatest.LoopShape{Long: 4, Pressure: 14, Nested: true}},
		{"load", ssatest.LoopShape{Long: 4, Pressure: 14, Load: true}},
		{"all", ssatest.LoopShape{Long: 5, Pressure: 14, Call: true, Nested: true, Load: true}},
		{"busy loop", ssatest.LoopShape{Long: 4, Pressure: 14, InLoop: 14, Load: true}},
	}
	args := [][2]uint64{{0, 0}, {1, 1}, {7, 5}, {1000, 100}, {21000, 700}, {0x7fffffff, 3}, {0xfffffff0, 40}}
	for _, sh := range shapes {
		m := ssatest.LoopPressure(sh.shape)
		m.Exports = []wasm.Export{{Name: "f", Kind: wasm.ExternFunc, Index: 0}}
		for _, bm := range boundsModes {
			t.Run(sh.name+"/"+bm.name, func(t *testing.T) {
				var want []string
				traps := 0
				for _, opt := range []int{0, 2} {
					opts := bm.opts
					opts.OptLevel = opt
					inst := compileInstance(t, m, opts)
					mem := inst.Memory().Bytes()
					for i := range mem {
						mem[i] = byte(i*7 + i>>8)
					}
					for i, a := range args {
						res, err := inst.Func("f").Call(a[0], a[1], 0)
						var out string
						var trap *execute.Trap
						switch {
						case errors.As(err, &trap):
							out = fmt.Sprintf("trap %v at %#x", trap.Code, trap.WasmOffset)
							traps++
						case err != nil:
							t.Fatal(err)
						default:
							out = fmt.Sprint(res)
						}
						if opt == 0 {
							want = append(want, out)
						} else if out != want[i] {
							t.Errorf("f(%#x, %d): -O 2 %s, -O 0 %s", a[0], a[1], out, want[i])
						}
					}
				}
				if sh.shape.Load && traps == 0 {
					t.Error("no trap")
				}
			})
		}
	}
}

// TestSplitLoopInterrupted runs LoopPressure's loop compiled with fuel
// metering, whose loops check for interrupts, while another goroutine
// keeps interrupting it: each check's slow path saves and restores the
// registers live there, the loop's split values among them, and the
// guest resumes. The results must match -O 0's, in both bounds modes.
func TestSplitLoopInterrupted(t *testing.T) {
	m := ssatest.LoopPressure(ssatest.LoopShape{Long: 6, Pressure: 14, Load: true})
	m.Exports = []wasm.Export{{Name: "f", Kind: wasm.ExternFunc, Index: 0}}
	for _, bm := range boundsModes {
		t.Run(bm.name, func(t *testing.T) {
			var want string
			for _, opt := range []int{0, 2} {
				opts := bm.opts
				opts.OptLevel, opts.Fuel = opt, true
				obj, err := codegen.Compile(m, opts)
				if err != nil {
					t.Fatal(err)
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
				mem := inst.Memory().Bytes()
				for i := range mem {
					mem[i] = byte(i*7 + i>>8)
				}
				done := make(chan struct{})
				go func() {
					for {
						select {
						case <-done:
							return
						default:
							st.Interrupt()
							time.Sleep(50 * time.Microsecond)
						}
					}
				}()
				res, err := inst.Func("f").Call(3, 16000, 0) // 16000 rounds, in bounds
				close(done)
				if err != nil {
					t.Fatal(err)
				}
				if got := fmt.Sprint(res); opt == 0 {
					want = got
				} else if got != want {
					t.Errorf("-O 2 %s, -O 0 %s", got, want)
				}
			}
		})
	}
}
