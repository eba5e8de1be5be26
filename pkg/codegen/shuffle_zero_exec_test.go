package codegen_test

import (
	"encoding/binary"
	"math/rand"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestShuffleZero runs i8x16.shuffle with a constant source whose lanes
// the shuffle takes are zero (the emitter's one pmovzx or pshufb), as
// first or second operand: clang's zero extensions of the low half
// (pmovzxbw/wd/dq), its unpacks of the high half against zero, random
// lane lists, a constant whose other bytes are not zero, and constants
// with a taken byte that is not zero (which must not be treated as
// zero), at -O 0 and -O 2, with SSE and with the host's AVX, against the
// definition.
func TestShuffleZero(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	type tcase struct {
		lanes [16]byte
		konst [16]byte
		first bool // the constant is the first operand
	}
	var cases []tcase
	ext := func(size int, base byte) (l [16]byte) { // source bytes widened, zeros from the constant
		half := size / 2
		for i := range l {
			elem, k := i/size, i%size
			if k < half {
				l[i] = base + byte(elem*half+k)
			} else {
				l[i] = byte(rng.Intn(16))
			}
		}
		return l
	}
	var zero, sparse, dense [16]byte
	for i := range sparse {
		if i%2 == 1 {
			sparse[i] = byte(0x40 + i)
		}
		dense[i] = byte(0x80 + i)
	}
	for _, first := range []bool{true, false} {
		src := byte(0) // lanes of the non-constant source
		if first {
			src = 16
		}
		flip := func(l [16]byte) [16]byte { // constant lanes to the constant's side
			for i := range l {
				if l[i] < 16 && src == 16 || l[i] >= 16 && src == 0 {
					continue
				}
				l[i] ^= 16
			}
			return l
		}
		for _, size := range []int{2, 4, 8} {
			cases = append(cases, tcase{ext2(ext(size, src), src, size), zero, first})
		}
		hi := [16]byte{}
		for i := range hi {
			if i%2 == 0 {
				hi[i] = src + 8 + byte(i/2)
			} else {
				hi[i] = (src ^ 16) + byte(i)
			}
		}
		cases = append(cases, tcase{hi, zero, first})
		for n := 0; n < 12; n++ {
			var l [16]byte
			for i := range l {
				l[i] = byte(rng.Intn(32))
			}
			cases = append(cases, tcase{l, zero, first}, tcase{flip(l), zero, first})
			// Only the constant's zero (even) bytes taken, then any.
			var s [16]byte
			for i := range s {
				if rng.Intn(2) == 0 {
					s[i] = src + byte(rng.Intn(16))
				} else {
					s[i] = (src ^ 16) + 2*byte(rng.Intn(8))
				}
			}
			cases = append(cases, tcase{s, sparse, first}, tcase{l, sparse, first}, tcase{l, dense, first})
		}
	}
	v128 := wasm.V128
	m := &wasm.Module{Types: []wasm.FuncType{{Params: []wasm.ValType{v128}, Results: []wasm.ValType{v128}}}}
	var names []string
	for i, c := range cases {
		konst := append(simdInstr(nil, 0x0C), c.konst[:]...)
		body := append(append([]byte{}, konst...), 0x20, 0)
		if !c.first {
			body = append([]byte{0x20, 0}, konst...)
		}
		body = append(simdInstr(body, 0x0D), c.lanes[:]...)
		m.Funcs = append(m.Funcs, 0)
		m.Codes = append(m.Codes, wasm.Code{Body: append(body, 0x0b)})
		name := "s" + string(rune('a'+i/26)) + string(rune('a'+i%26))
		names = append(names, name)
		m.Exports = append(m.Exports, wasm.Export{Name: name, Kind: wasm.ExternFunc, Index: uint32(i)})
	}
	var x [16]byte
	for i := range x {
		x[i] = byte(0x10 + 3*i)
	}
	args := []uint64{binary.LittleEndian.Uint64(x[:8]), binary.LittleEndian.Uint64(x[8:])}
	host := load.HostFeatures()
	features := []uint64{0}
	if host&object.FeatureAVX != 0 && host&object.FeatureSSE41 != 0 {
		features = append(features, host)
	}
	for _, opt := range []int{0, 2} {
		for _, feat := range features {
			obj, err := codegen.Compile(m, codegen.Options{OptLevel: opt, Features: feat})
			if err != nil {
				t.Fatal(err)
			}
			inst := instantiate(t, obj)
			for k, c := range cases {
				a, b := c.konst, x
				if !c.first {
					a, b = x, c.konst
				}
				var want [16]byte
				for i, l := range c.lanes {
					if l < 16 {
						want[i] = a[l]
					} else {
						want[i] = b[l-16]
					}
				}
				res, err := inst.Func(names[k]).Call(args...)
				if err != nil {
					t.Fatal(err)
				}
				var got [16]byte
				binary.LittleEndian.PutUint64(got[:8], res[0])
				binary.LittleEndian.PutUint64(got[8:], res[1])
				if got != want {
					t.Errorf("-O %d features %#x: shuffle %v of constant % x (first %v) = % x, want % x", opt, feat, c.lanes, c.konst, c.first, got, want)
				}
			}
		}
	}
}

// ext2 makes the lanes of a zero extension of size (from ext) take their
// zero bytes from the constant, the other source than src.
func ext2(l [16]byte, src byte, size int) [16]byte {
	for i := range l {
		if i%size >= size/2 {
			l[i] = (src ^ 16) + l[i]%16
		}
	}
	return l
}
