package codegen_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestBitselectCompareMask runs v128.bitselect with every comparison as
// its mask, with operands apart and sharing registers with the compared
// values: with AVX, -O 2 selects by the mask's byte top bits (vpblendvb,
// emit_simd_blend.go), and every result must be the SSE build's and -O
// 0's (and, andn, or), in both bounds modes.
func TestBitselectCompareMask(t *testing.T) {
	host := load.HostFeatures()
	if host&object.FeatureAVX == 0 || host&object.FeatureSSE41 == 0 {
		t.Skip("no AVX on this host: no vpblendvb")
	}
	v128 := wasm.V128
	m := &wasm.Module{
		Types: []wasm.FuncType{{Params: []wasm.ValType{v128, v128, v128, v128}, Results: []wasm.ValType{v128}}},
		Mems:  []wasm.MemType{{Limits: wasm.Limits{Min: 1}}},
	}
	var names []string
	for sub := uint32(0x23); sub <= 0xDB; sub++ {
		if sub == 0x4D {
			sub = 0xD6 // past f64x2.ge to i64x2.eq
		}
		info, _ := wasm.SIMD(sub)
		// bitselect(a, b, cmp(x, y)) over locals a, b, x, y.
		for _, shape := range []struct {
			name       string
			a, b, x, y byte
		}{{"apart", 0, 1, 2, 3}, {"same", 0, 1, 0, 1}, {"swapped", 1, 0, 0, 1}, {"one", 2, 2, 2, 3}} {
			body := []byte{0x20, shape.a, 0x20, shape.b, 0x20, shape.x, 0x20, shape.y}
			body = simdInstr(body, sub)
			body = simdInstr(body, 0x52) // v128.bitselect
			m.Funcs = append(m.Funcs, 0)
			m.Codes = append(m.Codes, wasm.Code{Body: append(body, 0x0b)})
			name := info.Name + "/" + shape.name
			names = append(names, name)
			m.Exports = append(m.Exports, wasm.Export{Name: name, Kind: wasm.ExternFunc, Index: uint32(len(m.Funcs) - 1)})
		}
	}
	if len(names) != 4*48 {
		t.Fatalf("%d functions, want %d", len(names), 4*48)
	}
	// Lanes equal, less and greater at every width, signed and unsigned,
	// floats with NaNs, zeros of both signs and infinities.
	args := [][]uint64{
		{0x0123456789abcdef, 0xfedcba9876543210, 0x7f80_0001_3f80_0000, 0x8000_0000_ffff_ffff, 0x7f80_0001_3f80_0000, 0x0000_0000_ffff_fffe, 0x0102030405060708, 0x8000_0000_0000_0000},
		{0x5555aaaa5555aaaa, 0x33cc33cc33cc33cc, 0x7ff8_0000_0000_0000, 0xfff0_0000_0000_0000, 0x7ff0_0000_0000_0000, 0xfff0_0000_0000_0001, 0x8000_0000_0000_0000, 0x0000_0000_0000_0000},
		{1, 2, 0x80ff_7f00_0180_fe01, 0x7fff_ffff_8000_0000, 0x7f00_80ff_0101_fe02, 0x8000_0000_7fff_ffff, 0xffff_ffff_ffff_ffff, 0x7fff_ffff_ffff_ffff},
	}
	for _, bm := range boundsModes {
		t.Run(bm.name, func(t *testing.T) {
			results := map[string][]uint64{}
			for _, c := range []struct {
				name     string
				opt      int
				features uint64
			}{{"O0", 0, 0}, {"O2-sse", 2, 0}, {"O2-avx", 2, host}} {
				opts := bm.opts
				opts.OptLevel, opts.Features = c.opt, c.features
				inst := compileInstance(t, m, opts)
				for _, name := range names {
					for i, a := range args {
						got, err := inst.Func(name).Call(a...)
						if err != nil {
							t.Fatalf("%s %s: %v", c.name, name, err)
						}
						key := fmt.Sprintf("%s %d", name, i)
						if want, ok := results[key]; !ok {
							results[key] = got
						} else if !bytes.Equal(u64bytes(got), u64bytes(want)) {
							t.Errorf("%s: %s = %#x, O0 = %#x", key, c.name, got, want)
						}
					}
				}
			}
		})
	}
}
