package codegen_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"golang.org/x/arch/x86/x86asm"
)

// latchFuncs are testdata/latch's functions of x.
var latchFuncs = []string{"swap", "old_exit", "old_select", "consts", "zero_flags", "floats", "spilled", "trap", "nested",
	"swap_acc", "floats_acc", "pressure"}

// TestLatchExec runs testdata/latch's loops, whose back edges carry moves
// that -O 2 may do before the loop's branch (isa/amd64/latch.go): cycles
// of moves, exits reading the old values of the loop's parameters (kept
// by another move and copied back, or not),
// constants (zero among them) after a compare and after an ALU result
// that sets the flags itself, floats, spilled parameters, loads that trap
// in the loop, a nest. Results, traps and their offsets must be -O 0's
// in both bounds modes.
func TestLatchExec(t *testing.T) {
	m := loadWasm(t, "testdata/latch/latch.wasm")
	xs := []uint64{0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 30, 31, 32, 33, 63, 64, 100, 200, 255, 256, 257,
		0xff00, 0xfff0, 0xfff8, 0xfe00, 0xfc00, 0x10000, 0x7fffffff, 0xfffffffe, 0xffffffff}
	matchBaselineOn(t, m, latchFuncs, xs)
}

// TestLatchShape checks that at -O 2 the loops whose exits do not read
// what the back-edge moves overwrite, or read it where another move
// copied it (swap, old_select: copied back on the exit path), end in a
// conditional jump back to their head, with no unconditional jump back
// (old_exit, whose exit reads a value no move keeps, and floats, whose
// copies back would form a cycle, keep theirs: TestLatchExec checks the
// results of all).
func TestLatchShape(t *testing.T) {
	m := loadWasm(t, "testdata/latch/latch.wasm")
	folded := map[string]bool{"swap": true, "old_select": true, "swap_acc": true, "floats_acc": true, "consts": true, "zero_flags": true, "trap": true, "pressure": true}
	for _, bm := range boundsModes {
		o2 := bm.opts
		o2.OptLevel = 2
		obj, err := codegen.Compile(m, o2)
		if err != nil {
			t.Fatal(err)
		}
		for _, ex := range m.Exports {
			if !folded[ex.Name] {
				continue
			}
			f := obj.Meta.Funcs[ex.Index]
			code := obj.Text[f.CodeOffset : f.CodeOffset+f.CodeSize]
			jmpBack, jccBack := 0, 0
			for pc := 0; pc < len(code); {
				in, err := x86asm.Decode(code[pc:], 64)
				if err != nil {
					break // the constants after the code
				}
				end := pc + in.Len
				if in.Op == x86asm.CALL {
					break // the stubs
				}
				if rel, ok := in.Args[0].(x86asm.Rel); ok && isJump(in.Op) && end+int(rel) <= pc {
					if in.Op == x86asm.JMP {
						jmpBack++
					} else {
						jccBack++
					}
				}
				pc = end
			}
			if jmpBack != 0 || jccBack == 0 {
				t.Errorf("%s/%s: %d jmp and %d conditional jumps back, want the branch to carry the moves",
					bm.name, ex.Name, jmpBack, jccBack)
			}
		}
	}
}
