package regalloc_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen/internal/ssatest"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestPointerKeepsRegister is AES's ShiftRows: a pointer parameter p
// lives across a stretch of arithmetic that does not use it, then bytes
// are loaded through it, more at once than there are registers, and
// stored back through it permuted. p is used about once every 6
// positions of its life, a byte twice in a dozen; eviction used to rank
// by uses per position alone and spilled p for its whole life (a reload
// at each of its uses) to keep a byte. With lengths below minSpillLen
// counted as minSpillLen, a byte spills (one store, one load) and p keeps
// its register. The arithmetic's length is chosen so that p's uses per
// position lie between the two rankings of the bytes.
func TestPointerKeepsRegister(t *testing.T) {
	const p, x, n = 0, 1, 11
	var body []byte
	for i := 0; i < 28; i++ { // x = (x * 31) ^ (x >> 7)
		body = append(body, 0x20, x, 0x41, 31, 0x6c, 0x20, x, 0x41, 7, 0x76, 0x73, 0x21, x)
	}
	for i := 0; i < n; i++ { // l_i = load8_u(p + i)
		body = append(body, 0x20, p, 0x2d, 0, byte(i), 0x21, byte(2+i))
	}
	for i := 0; i < n; i++ { // store8(p + n-1-i, l_i)
		body = append(body, 0x20, p, 0x20, byte(2+i), 0x3a, 0, byte(n-1-i))
	}
	body = append(body, 0x20, p, 0x20, x, 0x3a, 0, n, 0x20, x) // store8(p + n, x); x
	m := ssatest.Module1([]wasm.ValType{wasm.I32, wasm.I32}, ssatest.I32s, []wasm.LocalEntry{{Count: n, Type: wasm.I32}}, body...)
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
