package codegen_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestGatherAdds runs clang's gather address arithmetic, i32.add x
// (i32x4.extract_lane k v) then a load, which -O 2 turns into one
// i32x4.add of v and a splat of x when three or more lanes share x and v
// (ssa gatherAdds): every lane, the add either way round, two lanes only
// (left alone), two vectors off one base (one splat), 8-byte loads, with
// sums that wrap past 2^32 to valid addresses and lanes past the end of
// memory, in both bounds modes, with SSE and the host's AVX: results,
// traps and wasm offsets must match -O 0.
func TestGatherAdds(t *testing.T) {
	v128 := wasm.V128
	m := &wasm.Module{
		Types: []wasm.FuncType{
			{Params: []wasm.ValType{wasm.I32, wasm.I64}},
			{Params: []wasm.ValType{wasm.I32, v128}, Results: []wasm.ValType{wasm.I64}},
		},
		Mems: []wasm.MemType{{Limits: wasm.Limits{Min: 1, Max: 1, HasMax: true}}},
	}
	add := func(name string, typ uint32, body []byte) {
		m.Funcs = append(m.Funcs, typ)
		m.Codes = append(m.Codes, wasm.Code{Body: append(body, 0x0b)})
		m.Exports = append(m.Exports, wasm.Export{Name: name, Kind: wasm.ExternFunc, Index: uint32(len(m.Funcs) - 1)})
	}
	add("poke", 0, []byte{0x20, 0, 0x20, 1, 0x37, 3, 0})
	// addr is base + lane k of vec (flip: the lane first).
	addr := func(vec []byte, k byte, flip bool) []byte {
		ext := append(append([]byte{}, vec...), 0xFD, 0x1b, k)
		if flip {
			return append(append(ext, 0x20, 0), 0x6a)
		}
		return append(append([]byte{0x20, 0}, ext...), 0x6a)
	}
	load8 := []byte{0x31, 0, 0}  // i64.load8_u
	load64 := []byte{0x29, 0, 3} // i64.load offset 3
	gather := func(vec []byte, lanes []byte, flip bool, ld []byte) (b []byte) {
		for i, k := range lanes {
			b = append(append(b, addr(vec, k, flip && i%2 == 1)...), ld...)
			if i > 0 {
				b = append(b, 0x7c) // i64.add
			}
		}
		return b
	}
	v := []byte{0x20, 1}
	w := append(append([]byte{0x20, 1}, 0xFD, 0x0C), []byte{1, 0, 0, 0, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0}...)
	w = append(w, 0xFD, 0xAE, 0x01) // i32x4.add: another vector off the same base
	var names []string
	fn := func(name string, body []byte) {
		names = append(names, name)
		add(name, 1, body)
	}
	fn("4 lanes", gather(v, []byte{0, 1, 2, 3}, false, load8))
	fn("4 lanes, some lane first", gather(v, []byte{3, 2, 1, 0}, true, load8))
	fn("3 lanes, one twice", gather(v, []byte{2, 0, 2, 1}, false, load8))
	fn("2 lanes", gather(v, []byte{1, 3}, false, load8))
	fn("two vectors", append(append(gather(v, []byte{0, 1, 2, 3}, false, load8), gather(w, []byte{3, 1, 0, 2}, true, load8)...), 0x7c))
	fn("4 lanes i64.load", gather(v, []byte{0, 1, 2, 3}, false, load64))
	bases := []uint64{0, 5, 0x10, 65520, 65535, 1 << 31, 0xfffffff0}
	vecs := [][]uint64{
		{0 | 1<<32, 2 | 3<<32},
		{65528 | 0<<32, 100 | 7<<32},
		{0xfffffff0 | 0x20<<32, 16 | 0xffffffff<<32},
		{3 | 65535<<32, 65536 | 0<<32},
		{0x10 | 0xffff0010<<32, 0xfffffff8 | 65500<<32},
	}
	run := func(t *testing.T, opts codegen.Options) map[string]memOutcome {
		obj, err := codegen.Compile(m, opts)
		if err != nil {
			t.Fatal(err)
		}
		inst := instantiate(t, obj)
		fillMemory(t, inst, 0x5555_aaaa_0f0f_f0f0)
		return callAll(t, inst, names, bases, vecs)
	}
	host := load.HostFeatures()
	features := []uint64{0}
	if host&object.FeatureAVX != 0 && host&object.FeatureSSE41 != 0 {
		features = append(features, host)
	}
	for _, bm := range boundsModes {
		t.Run(bm.name, func(t *testing.T) {
			want := run(t, bm.opts) // -O 0
			traps := 0
			for _, o := range want {
				if o.trap {
					traps++
				}
			}
			if traps == 0 || traps == len(want) {
				t.Errorf("%d of %d calls trapped: the addresses test one side only", traps, len(want))
			}
			for _, feat := range features {
				opts := bm.opts
				opts.OptLevel, opts.Features = 2, feat
				for k, g := range run(t, opts) {
					if g != want[k] {
						t.Errorf("%s: -O 2 features %#x %+v, -O 0 %+v", k, feat, g, want[k])
					}
				}
			}
		})
	}
}
