package codegen_test

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestFusedVectorLoads runs every binary v128 operation with a v128.load
// as its second operand, as its first, and twice in a chain, in bounds
// and out of bounds, in both bounds modes: with AVX, -O 2 folds the loads
// into the VEX forms as memory operands (amd64 Machine.Prepare), and the
// results and trap offsets must be those of the SSE build, which folds
// none.
func TestFusedVectorLoads(t *testing.T) {
	host := load.HostFeatures()
	if host&object.FeatureAVX == 0 || host&object.FeatureSSE41 == 0 {
		t.Skip("no AVX on this host: nothing is fused")
	}
	v128 := wasm.V128
	m := &wasm.Module{
		Types: []wasm.FuncType{
			{Params: []wasm.ValType{wasm.I32, wasm.I64}},
			{Params: []wasm.ValType{wasm.I32, v128}, Results: []wasm.ValType{v128}},
		},
		Mems: []wasm.MemType{{Limits: wasm.Limits{Min: 1, Max: 1, HasMax: true}}},
	}
	add := func(name string, typ uint32, body []byte) {
		m.Funcs = append(m.Funcs, typ)
		m.Codes = append(m.Codes, wasm.Code{Body: append(body, 0x0b)})
		m.Exports = append(m.Exports, wasm.Export{Name: name, Kind: wasm.ExternFunc, Index: uint32(len(m.Funcs) - 1)})
	}
	add("poke", 0, []byte{0x20, 0, 0x20, 1, 0x37, 3, 0})
	ld := func(b []byte, off byte) []byte { return append(simdInstr(append(b, 0x20, 0), 0), 0, off) } // v128.load align=1
	var names []string
	for _, op := range simdFuzzOps {
		in := op.info
		if in.Imm != wasm.SIMDImmNone || in.NumParams != 2 || in.Params[0] != v128 || in.Params[1] != v128 || in.Result != v128 {
			continue
		}
		shapes := map[string][]byte{
			"second": simdInstr(ld([]byte{0x20, 1}, 4), op.sub),
			"first":  simdInstr(append(ld(nil, 4), 0x20, 1), op.sub),
			"chain":  simdInstr(ld(simdInstr(ld([]byte{0x20, 1}, 4), op.sub), 20), op.sub),
		}
		for s, body := range shapes {
			name := in.Name + "/" + s
			names = append(names, name)
			add(name, 1, body)
		}
	}
	if len(names) < 3*80 {
		t.Fatalf("only %d functions", len(names))
	}
	addrs := []uint64{0, 8, 1000, 65512, 65516, 65520, 65532, 1 << 31}
	xs := [][]uint64{{0, 0}, {0x7f80_0001_3f80_0000, 0x8000_0000_ffff_ffff}, {0x0102030405060708, 0xfffefdfcfbfaf9f8}}
	run := func(t *testing.T, opts codegen.Options) map[string]memOutcome {
		inst := compileInstance(t, m, opts)
		fillMemory(t, inst, 0x3ff0000000000000)
		return callAll(t, inst, names, addrs, xs)
	}
	for _, bm := range boundsModes {
		t.Run(bm.name, func(t *testing.T) {
			opts := bm.opts
			opts.OptLevel = 2
			want := run(t, opts)
			opts.Features = host
			got := run(t, opts)
			traps := 0
			for key, w := range want {
				if w.trap {
					traps++
				}
				if g := got[key]; g != w {
					t.Errorf("%s: avx %+v, sse %+v", key, g, w)
				}
			}
			if traps == 0 || traps == len(want) {
				t.Errorf("%d of %d calls trapped: the addresses test one side only", traps, len(want))
			}
		})
	}
}
