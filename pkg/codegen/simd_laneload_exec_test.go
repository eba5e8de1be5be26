package codegen_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestLaneLoads runs the lane loads (v128.loadN_lane, and scalar loads
// into replace_lane, which -O 2 reads as pinsr's memory operand:
// ssa.FuseLaneLoads) at unaligned addresses, in bounds and across the
// end of memory, in both bounds modes, into a constant vector, a
// parameter vector that lives on, and a chain of lanes as clang's gathers
// build them: results, traps and their wasm offsets must be those of
// -O 0, with SSE and with the host's AVX. A lane narrower than its load
// (i8x16.replace_lane of i32.load) is not fused and must still trap on
// the load's four bytes.
func TestLaneLoads(t *testing.T) {
	v128 := wasm.V128
	m := &wasm.Module{
		Types: []wasm.FuncType{
			{Params: []wasm.ValType{wasm.I32, wasm.I64}},
			{Params: []wasm.ValType{wasm.I32, wasm.I64}, Results: []wasm.ValType{v128}},
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
		add(name, 1, body)
	}
	konst := simdInstr(nil, 0x0C)
	for i := 0; i < 16; i++ {
		konst = append(konst, byte(0xa0+i))
	}
	param := simdInstr([]byte{0x20, 1}, 0x12) // i64x2.splat of the second parameter
	for _, c := range []struct {
		name      string
		sub, lane byte
	}{
		{"load8_lane 0", 0x54, 0}, {"load8_lane 13", 0x54, 13}, {"load16_lane 5", 0x55, 5},
		{"load32_lane 3", 0x56, 3}, {"load64_lane 1", 0x57, 1}, {"load64_lane 0", 0x57, 0},
	} {
		for _, vec := range []struct {
			name string
			code []byte
		}{{"const", konst}, {"param", param}} {
			// Offset 3: the addresses are unaligned whatever the argument.
			body := append(append([]byte{0x20, 0}, vec.code...), append(simdInstr(nil, uint32(c.sub)), 0, 3, c.lane)...)
			if vec.name == "param" {
				// The vector lives on past the insert.
				body = append(append([]byte{}, vec.code...), body...)
				body = simdInstr(body, 0x51) // v128.xor
			}
			fn(c.name+" "+vec.name, body)
		}
	}
	for _, c := range []struct {
		name      string
		load, sub byte
	}{
		{"i32.load8_u+i8x16.replace_lane", 0x2d, 0x17}, {"i32.load8_s+i8x16.replace_lane", 0x2c, 0x17},
		{"i32.load16_s+i16x8.replace_lane", 0x2e, 0x1a}, {"i32.load16_u+i16x8.replace_lane", 0x2f, 0x1a},
		{"i32.load+i32x4.replace_lane", 0x28, 0x1c}, {"i64.load+i64x2.replace_lane", 0x29, 0x1e},
		{"i32.load+i8x16.replace_lane", 0x28, 0x17}, {"i32.load+i16x8.replace_lane", 0x28, 0x1a},
		{"i64.load32_u+i64x2.replace_lane", 0x35, 0x1e},
	} {
		body := append(append([]byte{}, konst...), 0x20, 0, c.load, 0, 3)
		fn(c.name, append(simdInstr(body, uint32(c.sub)), 1))
	}
	// A gather: a load8_splat, then lanes 1-7 from addresses 1, 7, 2, ...
	// bytes on, as clang's vectorised de-interleaving loads build them.
	gather := append([]byte{0x20, 0}, append(simdInstr(nil, 0x07), 0, 0)...)
	for lane := byte(1); lane < 8; lane++ {
		gather = append(gather, 0x21, 2, 0x20, 0, 0x20, 2) // vec to local 2, address, vec
		gather = append(simdInstr(gather, 0x54), 0, lane*7%11, lane)
	}
	names = append(names, "gather")
	m.Funcs = append(m.Funcs, 1)
	m.Codes = append(m.Codes, wasm.Code{Body: append(gather, 0x0b), Locals: []wasm.LocalEntry{{Count: 1, Type: v128}}, NumLocals: 1})
	m.Exports = append(m.Exports, wasm.Export{Name: "gather", Kind: wasm.ExternFunc, Index: uint32(len(m.Funcs) - 1)})

	var addrs []uint64
	for a := uint64(65536 - 3 - 12); a < 65536; a++ {
		addrs = append(addrs, a)
	}
	addrs = append(addrs, 0, 1, 5, 1<<31, 1<<32-1)
	run := func(t *testing.T, opts codegen.Options) map[string]memOutcome {
		obj, err := codegen.Compile(m, opts)
		if err != nil {
			t.Fatal(err)
		}
		inst := instantiate(t, obj)
		fillMemory(t, inst, 0x8000_7f80_0102_fe01)
		return callAll(t, inst, names, addrs, [][]uint64{{0x1122_3344_5566_7788}})
	}
	host := load.HostFeatures()
	features := []uint64{0}
	if host&object.FeatureAVX != 0 && host&object.FeatureSSE41 != 0 {
		features = append(features, host)
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
			for _, feat := range features {
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
