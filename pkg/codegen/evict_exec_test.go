package codegen_test

import (
	"errors"
	"fmt"
	"hash/crc32"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestShiftRowsExec runs ssatest.ShiftRows and ssatest.ShiftRowsLoop
// (the loop's 13 bytes after 60 cold steps, the shape of
// TestPointerKeepsRegisterInLoop), where the register allocator chooses
// between spilling the pointer and a byte (regalloc's spillCost), at
// -O 2 against -O 0 in both bounds modes: the result, the memory it
// wrote, and for pointers near the end of memory the trap's kind and
// wasm offset must match.
func TestShiftRowsExec(t *testing.T) {
	for _, c := range []struct {
		name string
		m    *wasm.Module
		n    uint64 // bytes stored at p + [0, n]
	}{
		{"straight", ssatest.ShiftRows(), ssatest.ShiftRowsN},
		{"loop", ssatest.ShiftRowsLoop(60, ssatest.ShiftRowsN+2), ssatest.ShiftRowsN + 2},
	} {
		t.Run(c.name, func(t *testing.T) { shiftRowsExec(t, c.m, c.n) })
	}
}

func shiftRowsExec(t *testing.T, m *wasm.Module, n uint64) {
	m.Exports = []wasm.Export{{Name: "f", Kind: wasm.ExternFunc, Index: 0}}
	args := [][2]uint64{{0, 0}, {16, 1}, {1000, 0xdeadbeef}, {65536 - n - 1, 7},
		{65536 - n, 9}, {65536 - 3, 5}, {0xfffffff0, 3}}
	for _, bm := range boundsModes {
		t.Run(bm.name, func(t *testing.T) {
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
					res, err := inst.Func("f").Call(a[0], a[1])
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
					out += fmt.Sprintf(" memory %08x", crc32.ChecksumIEEE(inst.Memory().Bytes()))
					if opt == 0 {
						want = append(want, out)
					} else if out != want[i] {
						t.Errorf("f(%#x, %#x): -O 2 %s, -O 0 %s", a[0], a[1], out, want[i])
					}
				}
			}
			if traps != 6 {
				t.Errorf("%d traps, want 3 at each level", traps)
			}
		})
	}
}
