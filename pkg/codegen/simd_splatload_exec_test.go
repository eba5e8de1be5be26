package codegen_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestSplatLoads runs the load splats (v128.loadN_splat, and scalar loads
// splatted, which -O 2 with AVX reads as the broadcast's memory operand:
// ssa.FuseSplatLoads) at unaligned addresses, in bounds and across the
// end of memory, in both bounds modes: results, traps and their wasm
// offsets must be those of the SSE build and of -O 0. A splat narrower
// than its load (i8x16.splat of i32.load) is not fused and must still
// trap on the load's four bytes.
func TestSplatLoads(t *testing.T) {
	host := load.HostFeatures()
	if host&object.FeatureAVX == 0 || host&object.FeatureSSE41 == 0 {
		t.Skip("no AVX on this host: nothing is fused")
	}
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
	var names []string
	fn := func(name string, body []byte) {
		names = append(names, name)
		add(name, 1, append([]byte{0x20, 0}, body...))
	}
	// Offset 3: the addresses are unaligned whatever the argument.
	for sub, name := range map[uint32]string{0x07: "load8_splat", 0x08: "load16_splat", 0x09: "load32_splat", 0x0A: "load64_splat"} {
		fn(name, append(simdInstr(nil, sub), 0, 3))
	}
	for _, c := range []struct {
		name      string
		load, sub byte
	}{
		{"i32.load8_u+i8x16.splat", 0x2d, 0x0f}, {"i32.load8_s+i8x16.splat", 0x2c, 0x0f},
		{"i32.load16_s+i16x8.splat", 0x2e, 0x10}, {"i32.load16_u+i16x8.splat", 0x2f, 0x10},
		{"i32.load+i32x4.splat", 0x28, 0x11}, {"i64.load+i64x2.splat", 0x29, 0x12},
		{"f32.load+f32x4.splat", 0x2a, 0x13}, {"f64.load+f64x2.splat", 0x2b, 0x14},
		{"i32.load+i8x16.splat", 0x28, 0x0f}, {"i32.load+i16x8.splat", 0x28, 0x10},
		{"i64.load32_u+i64x2.splat", 0x35, 0x12},
	} {
		fn(c.name, simdInstr([]byte{c.load, 0, 3}, uint32(c.sub)))
	}
	var addrs []uint64
	for a := uint64(65536 - 3 - 9); a < 65536; a++ {
		addrs = append(addrs, a)
	}
	addrs = append(addrs, 0, 1, 5, 1<<31, 1<<32-1)
	run := func(t *testing.T, opts codegen.Options) map[string]memOutcome {
		inst := compileInstance(t, m, opts)
		fillMemory(t, inst, 0x8000_7f80_0102_fe01)
		return callAll(t, inst, names, addrs, [][]uint64{nil})
	}
	for _, bm := range boundsModes {
		t.Run(bm.name, func(t *testing.T) {
			opts := bm.opts
			want := run(t, opts) // -O 0
			traps := 0
			for _, w := range want {
				if w.trap {
					traps++
				}
			}
			if traps == 0 || traps == len(want) {
				t.Errorf("%d of %d calls trapped: the addresses test one side only", traps, len(want))
			}
			opts.OptLevel = 2
			for _, feat := range []uint64{0, host} {
				opts.Features = feat
				got := run(t, opts)
				for key, w := range want {
					if g := got[key]; g != w {
						t.Errorf("%s: -O 2 features %#x %+v, -O 0 %+v", key, feat, g, w)
					}
				}
			}
		})
	}
}
