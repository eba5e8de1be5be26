package regalloc_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/wasm"
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

// TestCarriedSlots: a loop carries more variables than there are
// registers, each replaced every round by a function of itself alone.
// A spilled variable's header parameter and the spilled value passed for
// it on the back edge, whose intervals do not overlap, share one stack
// slot, so the back edge moves nothing between them (before, each took
// the first free slot: a load and a store per variable per round).
func TestCarriedSlots(t *testing.T) {
	const n = 20
	c := byte(n)
	var body []byte
	for i := 1; i < n; i++ { // x_i = x_0 + i
		body = append(body, 0x20, 0, 0x41, byte(i), 0x6a, 0x21, byte(i))
	}
	body = append(body, 0x41, 10, 0x21, c, 0x03, 0x40) // c = 10; loop
	for i := 0; i < n; i++ {                           // t_i = x_i * 3
		body = append(body, 0x20, byte(i), 0x41, 3, 0x6c, 0x21, byte(n+1+i))
	}
	for i := 0; i < n; i++ { // x_i = t_i ^ t_i>>5
		body = append(body, 0x20, byte(n+1+i), 0x20, byte(n+1+i), 0x41, 5, 0x76, 0x73, 0x21, byte(i))
	}
	body = append(body, 0x20, c, 0x41, 1, 0x6b, 0x22, c, 0x0d, 0, 0x0b) // c--; br_if; end
	body = append(body, 0x20, 0)
	for i := 1; i < n; i++ { // x_0 ^ x_1 ^ ...
		body = append(body, 0x20, byte(i), 0x73)
	}
	m := ssatest.Module1(ssatest.I32s, ssatest.I32s, []wasm.LocalEntry{{Count: 2 * n, Type: wasm.I32}}, body...)
	f, ra, _ := allocate(t, m)
	type span struct{ start, end int32 }
	spans := map[*ssa.Value]span{}
	for _, iv := range ra.Intervals {
		spans[iv.V] = span{iv.Start, iv.End}
	}
	pairs, shared := 0, 0
	for _, b := range f.Blocks {
		for _, e := range b.Succs {
			if e.B.Start > b.Start {
				continue // not a back edge
			}
			for i, a := range e.Args {
				q := e.B.Params[i]
				sa, okA := spans[a]
				sq, okQ := spans[q]
				if !okA || !okQ || a.Loc.InReg() || q.Loc.InReg() || sq.end >= sa.start {
					continue
				}
				pairs++
				if a.Loc.Slot == q.Loc.Slot {
					shared++
				}
			}
		}
	}
	if pairs == 0 {
		t.Fatalf("no spilled variable whose value for the next round starts after its parameter ends: the test lost its shape\n%s", f)
	}
	if shared != pairs {
		t.Errorf("%d of %d spilled carried variables share their parameter's slot, want all\n%s", shared, pairs, f)
	}
}
