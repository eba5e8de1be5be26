package codegen_test

import (
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestAllTrueCompareMask runs every iN.all_true of every vector
// comparison, as a value, deciding an if, and deciding an if through
// i32.eqz: -O 2 tests a comparison's mask against all ones (ptest's CF)
// where its lanes are at least as wide as all_true's (vectorTest), and
// must agree with all_true of the mask anded with an all-ones argument,
// which is no comparison and takes the general test, at -O 0 and -O 2,
// in both bounds modes. Lanes equal, less and greater at every width,
// signed and unsigned, floats with NaNs.
func TestAllTrueCompareMask(t *testing.T) {
	v128 := wasm.V128
	m := &wasm.Module{
		Types: []wasm.FuncType{{Params: []wasm.ValType{v128, v128, v128}, Results: []wasm.ValType{wasm.I32}}},
		Mems:  []wasm.MemType{{Limits: wasm.Limits{Min: 1}}},
	}
	type fn struct{ name, ref string }
	var fns []fn
	add := func(name string, body []byte) {
		m.Funcs = append(m.Funcs, 0)
		m.Codes = append(m.Codes, wasm.Code{Body: append(body, 0x0b)})
		m.Exports = append(m.Exports, wasm.Export{Name: name, Kind: wasm.ExternFunc, Index: uint32(len(m.Funcs) - 1)})
	}
	allTrue := map[string]uint32{"i8x16": 0x63, "i16x8": 0x83, "i32x4": 0xA3, "i64x2": 0xC3}
	for sub := uint32(0x23); sub <= 0xDB; sub++ {
		if sub == 0x4D {
			sub = 0xD6 // past f64x2.ge to i64x2.eq
		}
		info, _ := wasm.SIMD(sub)
		for at, atSub := range allTrue {
			cmp := simdInstr([]byte{0x20, 0, 0x20, 1}, sub)
			name := info.Name + "/" + at
			ref := simdInstr(simdInstr(append(append([]byte{}, cmp...), 0x20, 2), 0x4E), atSub) // v128.and with local 2
			add(name+"/ref", ref)
			val := simdInstr(append([]byte{}, cmp...), atSub)
			add(name+"/value", val)
			add(name+"/if", append(append([]byte{}, val...), 0x04, 0x7f, 0x41, 7, 0x05, 0x41, 3, 0x0b))
			add(name+"/ifnot", append(append([]byte{}, val...), 0x45, 0x04, 0x7f, 0x41, 7, 0x05, 0x41, 3, 0x0b))
			fns = append(fns, fn{name, name + "/ref"})
		}
	}
	if len(fns) != 48*4 {
		t.Fatalf("%d comparisons, want %d", len(fns), 48*4)
	}
	ones := []uint64{^uint64(0), ^uint64(0)}
	vecs := [][2][]uint64{
		{{0x3f8000003f800000, 0x0123456789abcdef}, {0x3f8000003f800000, 0x0123456789abcdef}}, // equal
		{{0x3f8000003f800000, 0x0123456789abcdef}, {0x3f8000003f800000, 0x0123456789abcdee}}, // one byte apart
		{{0x0202020202020202, 0x0202020202020202}, {0x0101010101010101, 0x0101010101010101}}, // greater everywhere
		{{0x0101010101010101, 0x0101010101010101}, {0x0202020202020202, 0x0202020202020202}}, // less everywhere
		{{0x8080808080808080, 0x8080808080808080}, {0x0101010101010101, 0x0101010101010101}}, // signed less, unsigned greater
		{{0x7fc000007fc00000, 0x7ff8000000000000}, {0x7fc000007fc00000, 0x7ff8000000000000}}, // NaNs
		{{0, 0}, {0, 0}},
	}
	for _, bm := range boundsModes {
		t.Run(bm.name, func(t *testing.T) {
			for _, opt := range []int{0, 2} {
				opts := bm.opts
				opts.OptLevel = opt
				inst := compileInstance(t, m, opts)
				call := func(name string, args []uint64) uint64 {
					got, err := inst.Func(name).Call(args...)
					if err != nil {
						t.Fatalf("O%d %s: %v", opt, name, err)
					}
					return got[0]
				}
				trues := 0
				for _, f := range fns {
					for i, v := range vecs {
						args := append(append(append([]uint64{}, v[0]...), v[1]...), ones...)
						want := call(f.ref, args)
						if want == 1 {
							trues++
						}
						key := fmt.Sprintf("O%d %s %d", opt, f.name, i)
						if got := call(f.name+"/value", args); got != want {
							t.Errorf("%s: value %d, want %d", key, got, want)
						}
						wantIf := map[uint64]uint64{0: 3, 1: 7}[want]
						if got := call(f.name+"/if", args); got != wantIf {
							t.Errorf("%s: if %d, want %d", key, got, wantIf)
						}
						if got := call(f.name+"/ifnot", args); got != 10-wantIf {
							t.Errorf("%s: if not %d, want %d", key, got, 10-wantIf)
						}
					}
				}
				if trues == 0 || trues == len(fns)*len(vecs) {
					t.Errorf("O%d: %d of %d all true: the vectors do not tell the cases apart", opt, trues, len(fns)*len(vecs))
				}
			}
		})
	}
}
