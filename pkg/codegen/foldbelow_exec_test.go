package codegen_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestFoldBelowBase runs accesses at x - c with offset 0, which -O 2
// with guard pages turns into [x] with displacement -c for any x (the
// guard below the memory, abi.MemGuardBelow, catches x < c), at x below,
// at and above c, for c from 1 to past the guard, loads and stores of
// every width, and the shapes that must not fold (an offset, explicit
// bounds checks). Results, trap kinds and trap offsets must match the
// baseline tier, which folds nothing.
func TestFoldBelowBase(t *testing.T) {
	i32 := i32Const
	get := []byte{0x20, 0}
	cat := catCode
	sub := func(c int32) []byte { return cat(get, i32(c), []byte{0x6b}) }
	addNeg := func(c int32) []byte { return cat(get, i32(-c), []byte{0x6a}) }
	load := func(addr []byte, op, off byte) []byte { return cat(addr, []byte{op, 0, off}) }
	// i64.store (addr) (x as i64), then i64.load of the aligned x & ~7
	// (unfolded), so the stored bytes show in the result.
	store := func(addr []byte) []byte {
		return cat(addr, get, []byte{0xad, 0x37, 3, 0}, get, i32(-8), []byte{0x71, 0x29, 3, 0})
	}
	var names []string
	var bodies [][]byte
	add := func(name string, body []byte) { names, bodies = append(names, name), append(bodies, body) }
	cs := []int32{1, 7, 8, 0x30, 4095, 4096, 65528, 65535, abi.MemGuardBelow, abi.MemGuardBelow + 1, 70000, 1 << 20}
	for _, c := range cs {
		add(fmt.Sprintf("i64.load [x - %d]", c), load(sub(c), 0x29, 0))
		add(fmt.Sprintf("i64.load8_u [x + -%d]", c), load(addNeg(c), 0x31, 0))
		add(fmt.Sprintf("i64.load16_s [x - %d]", c), load(sub(c), 0x32, 0))
		add(fmt.Sprintf("i64.load32_u [x - %d]", c), load(sub(c), 0x35, 0))
		add(fmt.Sprintf("store [x - %d]", c), store(sub(c)))
		add(fmt.Sprintf("i64.load [x - %d] offset 8", c), load(sub(c), 0x29, 8))
	}
	var xs []uint64
	for _, c := range cs {
		xs = append(xs, uint64(c)-1, uint64(c), uint64(c)+1)
	}
	xs = append(xs, 0, 9, 65536+8, 0xfffffff8, 0xffffffff)
	matchBaseline(t, names, bodies, xs)
}

// TestFoldBelowBaseIsolation: a displacement below the base never
// reaches another memory. Instances of one store (memories pooled and
// mapped next to each other) each write a marker over their whole
// memory; every load at x - c with x < c, for every c up to the
// largest that folds (abi.MemGuardBelow), traps out of bounds in each of
// them, whatever lies below its memory's guard.
func TestFoldBelowBaseIsolation(t *testing.T) {
	i32 := i32Const
	// (x - c) as i64.load8_u, c the second parameter's constant: one
	// function per c, so each folds its own displacement.
	var names []string
	var bodies [][]byte
	cs := []int32{1, 8, 64, 4096, 4097, 32768, 65528, abi.MemGuardBelow}
	for _, c := range cs {
		names = append(names, fmt.Sprintf("c=%d", c))
		bodies = append(bodies, append(append([]byte{0x20, 0}, i32(c)...), 0x6b, 0x31, 0, 0))
	}
	m := accessModule(wasm.I32, names, bodies)
	obj, err := codegen.Compile(m, boundsModes[1].opts) // guard pages, -O 2
	if err != nil {
		t.Fatal(err)
	}
	st, err := execute.NewStore(execute.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var insts []*execute.Instance
	for i := 0; i < 4; i++ {
		inst, err := st.InstantiateObject(obj, execute.ImportMap{})
		if err != nil {
			t.Fatal(err)
		}
		for a := uint64(0); a < wasm.PageSize; a += 8 {
			if _, err := inst.Func("poke").Call(a, 0x0101010101010101); err != nil {
				t.Fatal(err)
			}
		}
		insts = append(insts, inst)
	}
	for i, inst := range insts {
		for k, c := range cs {
			for _, x := range []uint64{0, 1, uint64(c) / 2, uint64(c) - 1} {
				if x >= uint64(c) {
					continue
				}
				r, err := inst.Func(names[k]).Call(x)
				var trap *execute.Trap
				if !errors.As(err, &trap) || trap.Code != abi.TrapMemoryOutOfBounds {
					t.Errorf("instance %d, [%d - %d]: %v, %v; want an out-of-bounds trap", i, x, c, r, err)
				}
			}
		}
	}
}
