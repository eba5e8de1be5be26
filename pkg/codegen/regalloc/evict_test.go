package regalloc_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
)

// TestPointerKeepsRegister is AES's ShiftRows (ssatest.ShiftRows): a
// pointer parameter p lives across a stretch of arithmetic that does not
// use it, then bytes are loaded through it, more at once than there are
// registers, and stored back through it permuted. p is used about once every 6
// positions of its life, a byte twice in a dozen; eviction used to rank
// by uses per position alone and spilled p for its whole life (a reload
// at each of its uses) to keep a byte. With lengths below minSpillLen
// counted as minSpillLen, a byte spills (one store, one load) and p keeps
// its register. The arithmetic's length is chosen so that p's uses per
// position lie between the two rankings of the bytes.
func TestPointerKeepsRegister(t *testing.T) {
	const p = 0
	m := ssatest.ShiftRows()
	f, ra, _ := allocate(t, m)
	spilled := 0
	for _, iv := range ra.Intervals {
		if !iv.V.Loc.InReg() {
			spilled++
		}
	}
	if spilled == 0 {
		t.Fatalf("nothing spilled: the test no longer has more live values than registers\n%s", f)
	}
	if a := f.Args[p]; !a.Loc.InReg() {
		t.Fatalf("the pointer parameter v%d, used by every load and store, is spilled (%+v)\n%s", a.ID, a.Loc, f)
	}
}

// TestPointerKeepsRegisterInLoop: the pointer of ssatest.ShiftRowsLoop, used by
// every statement of the loop, keeps its register, and the loop's bytes
// spill. Ranked by uses per position of its whole life, the pointer
// counted its idle stretch before the loop as much as the loop's
// positions and fell below a byte used twice in the loop: it was spilled
// for its whole life and reloaded before each load and store, every
// round. Ranked per loop-weighted position (weightedCost), the stretch
// counts an eighth of the loop's positions.
func TestPointerKeepsRegisterInLoop(t *testing.T) {
	const p = 0
	for _, cold := range []int{0, 28, 60, 200} {
		m := ssatest.ShiftRowsLoop(cold, ssatest.ShiftRowsN+2)
		f, ra, _ := allocate(t, m)
		spilled := 0
		for _, iv := range ra.Intervals {
			if !iv.V.Loc.InReg() {
				spilled++
			}
		}
		if spilled == 0 {
			t.Fatalf("cold %d: nothing spilled: the test no longer has more live values than registers\n%s", cold, f)
		}
		if a := f.Args[p]; !a.Loc.InReg() {
			t.Errorf("cold %d: the pointer parameter v%d, used by every load and store of the loop, is spilled (%+v)", cold, a.ID, a.Loc)
		}
	}
}
