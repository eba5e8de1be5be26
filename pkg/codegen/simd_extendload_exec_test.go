package codegen_test

import (
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestExtendLoads runs the extending loads (v128.load8x8_s ...
// load32x2_u, which read memory with pmovsx/pmovzx themselves) at
// unaligned addresses, in bounds and across the end of memory, with
// offsets 0 and 3, in both bounds modes, -O 0 and -O 2, SSE and the
// host's features: results must be the Go model's, a load trap exactly
// when one of its 8 bytes is out of bounds, and the trap's wasm offset
// be the load's (the same in every build).
func TestExtendLoads(t *testing.T) {
	m := &wasm.Module{
		Types: []wasm.FuncType{
			{Params: []wasm.ValType{wasm.I32, wasm.I64}},
			{Params: []wasm.ValType{wasm.I32}, Results: []wasm.ValType{wasm.V128}},
		},
		Mems: []wasm.MemType{{Limits: wasm.Limits{Min: 1, Max: 1, HasMax: true}}},
	}
	add := func(name string, typ uint32, body []byte) {
		m.Funcs = append(m.Funcs, typ)
		m.Codes = append(m.Codes, wasm.Code{Body: append(body, 0x0b)})
		m.Exports = append(m.Exports, wasm.Export{Name: name, Kind: wasm.ExternFunc, Index: uint32(len(m.Funcs) - 1)})
	}
	add("poke", 0, []byte{0x20, 0, 0x20, 1, 0x37, 3, 0})
	type extLoad struct {
		name   string
		sub    uint32
		size   int // bytes per source lane
		signed bool
	}
	loads := []extLoad{
		{"load8x8_s", 1, 1, true}, {"load8x8_u", 2, 1, false},
		{"load16x4_s", 3, 2, true}, {"load16x4_u", 4, 2, false},
		{"load32x2_s", 5, 4, true}, {"load32x2_u", 6, 4, false},
	}
	type fn struct {
		extLoad
		off uint32
	}
	var fns []fn
	var names []string
	for _, l := range loads {
		for _, off := range []uint32{0, 3} {
			name := fmt.Sprintf("%s/%d", l.name, off)
			// A second, independent use of the address keeps the
			// load from being the function's only value.
			add(name, 1, append(simdInstr([]byte{0x20, 0}, l.sub), 0, byte(off)))
			fns = append(fns, fn{l, off})
			names = append(names, name)
		}
	}
	const xor = 0x8000_7f80_0102_fe01
	// The memory fillMemory leaves, byte by byte.
	byteAt := func(a uint64) uint64 {
		w := a&^7*0x9e3779b97f4a7c15 ^ xor
		return w >> (8 * (a & 7)) & 0xFF
	}
	model := func(f fn, addr uint64) (res [2]uint64, trap bool) {
		at := addr + uint64(f.off)
		if at+8 > 65536 {
			return res, true
		}
		lanes := 8 / f.size
		w := 16 / lanes // bytes per result lane
		for i := 0; i < lanes; i++ {
			var x uint64
			for k := f.size - 1; k >= 0; k-- {
				x = x<<8 | byteAt(at+uint64(i*f.size+k))
			}
			if f.signed {
				sh := 64 - 8*f.size
				x = uint64(int64(x<<sh) >> sh)
			}
			for k := 0; k < w; k++ {
				b := i*w + k
				res[b/8] |= (x >> (8 * k) & 0xFF) << (8 * (b % 8))
			}
		}
		return res, false
	}
	var addrs []uint64
	for a := uint64(65536 - 3 - 9); a < 65536; a++ {
		addrs = append(addrs, a)
	}
	addrs = append(addrs, 0, 1, 5, 4093, 1<<31, 1<<32-1)
	host := load.HostFeatures()
	features := []uint64{0}
	if host&object.FeatureSSE41 != 0 && host != 0 {
		features = append(features, host)
	}
	for _, bm := range boundsModes {
		t.Run(bm.name, func(t *testing.T) {
			trapOff := map[string]uint32{} // by function, from the first build
			for _, level := range []int{0, 2} {
				for _, feat := range features {
					opts := bm.opts
					opts.OptLevel, opts.Features = level, feat
					inst := compileInstance(t, m, opts)
					fillMemory(t, inst, xor)
					got := callAll(t, inst, names, addrs, [][]uint64{nil})
					for i, f := range fns {
						for _, a := range addrs {
							key := fmt.Sprintf("%s(%#x, %#x)", names[i], a, []uint64(nil))
							g := got[key]
							want, trap := model(f, a)
							switch {
							case trap != g.trap:
								t.Errorf("-O %d features %#x %s: trap %v, want %v", level, feat, key, g.trap, trap)
							case trap:
								if o, ok := trapOff[names[i]]; !ok {
									trapOff[names[i]] = g.off
								} else if o != g.off {
									t.Errorf("-O %d features %#x %s: trap at wasm %#x, other builds %#x", level, feat, key, g.off, o)
								}
							case g.res != want:
								t.Errorf("-O %d features %#x %s = %#x, want %#x", level, feat, key, g.res, want)
							}
						}
					}
				}
			}
			if len(trapOff) != len(fns) {
				t.Errorf("%d of %d functions trapped", len(trapOff), len(fns))
			}
		})
	}
}
