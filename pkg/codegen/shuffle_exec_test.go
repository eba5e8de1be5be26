package codegen_test

import (
	"encoding/binary"
	"math/rand"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestShufflePatterns runs i8x16.shuffle with lane lists of every shape
// the emitter matches (copies, rotations, dword permutations of one or
// both sources, unpacks either way round, word blends, one-source byte
// permutations) and random ones, with distinct and identical operands,
// against the definition.
func TestShufflePatterns(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var pats [][16]byte
	seq := func(f func(i int) int) (l [16]byte) {
		for i := range l {
			l[i] = byte(f(i))
		}
		return l
	}
	for k := 0; k <= 16; k++ {
		pats = append(pats, seq(func(i int) int { return k + i }))
	}
	for n := 0; n < 24; n++ {
		var q [4]int
		for j := range q {
			q[j] = rng.Intn(8)
		}
		if n%3 == 0 { // one source
			for j := range q {
				q[j] = q[j]%4 + 4*(n%2)
			}
		}
		if n%3 == 1 { // x low, y high or the reverse
			for j := range q {
				q[j] = q[j]%4 + 4*((j/2+n)%2)
			}
		}
		pats = append(pats, seq(func(i int) int { return 4*q[i/4] + i%4 }))
	}
	for _, size := range []int{1, 2, 4, 8} {
		for _, base := range []int{0, 8} {
			for _, sw := range []int{0, 16} {
				pats = append(pats, seq(func(i int) int {
					elem, b := i/size, i%size
					s := base + (elem/2)*size + b
					if elem%2 == 1 {
						s += 16
					}
					return s ^ sw
				}))
			}
		}
	}
	for n := 0; n < 8; n++ {
		m := rng.Intn(256)
		pats = append(pats, seq(func(i int) int { return i + 16*(m>>(i/2)&1) }))
	}
	for n := 0; n < 16; n++ {
		off := 16 * (n % 2)
		pats = append(pats, seq(func(int) int { return rng.Intn(16) + off }))
		pats = append(pats, seq(func(int) int { return rng.Intn(32) }))
	}
	v128 := wasm.V128
	m := &wasm.Module{Types: []wasm.FuncType{{Params: []wasm.ValType{v128, v128}, Results: []wasm.ValType{v128}}}}
	for i, p := range pats {
		for _, same := range []bool{false, true} {
			y := byte(1)
			if same {
				y = 0
			}
			body := append([]byte{0x20, 0, 0x20, y, 0xFD, 0x0D}, p[:]...)
			m.Funcs = append(m.Funcs, 0)
			m.Codes = append(m.Codes, wasm.Code{Body: append(body, 0x0b)})
			m.Exports = append(m.Exports, wasm.Export{Name: string(rune('a'+i%26)) + string(rune('0'+len(m.Exports))), Kind: wasm.ExternFunc, Index: uint32(len(m.Funcs) - 1)})
		}
	}
	inst := compileInstance(t, m, codegen.Options{})
	var x, y [16]byte
	for i := range x {
		x[i], y[i] = byte(0x10+i), byte(0xa0+i)
	}
	args := []uint64{binary.LittleEndian.Uint64(x[:8]), binary.LittleEndian.Uint64(x[8:]),
		binary.LittleEndian.Uint64(y[:8]), binary.LittleEndian.Uint64(y[8:])}
	for k, ex := range m.Exports {
		p := pats[k/2]
		same := k%2 == 1
		var want [16]byte
		for i, l := range p {
			switch {
			case l < 16:
				want[i] = x[l]
			case same:
				want[i] = x[l-16]
			default:
				want[i] = y[l-16]
			}
		}
		res, err := inst.Func(ex.Name).Call(args...)
		if err != nil {
			t.Fatal(err)
		}
		var got [16]byte
		binary.LittleEndian.PutUint64(got[:8], res[0])
		binary.LittleEndian.PutUint64(got[8:], res[1])
		if got != want {
			t.Errorf("shuffle %v (same operands %v) = % x, want % x", p, same, got, want)
		}
	}
}
