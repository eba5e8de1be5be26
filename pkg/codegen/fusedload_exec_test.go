package codegen_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestFusedLoads runs loads that -O 2 folds into their consumer as a
// memory operand (ssa.fuseLoads), with the load as the second operand,
// as the first of a commutative operation, with the address's last use
// at the load (the result may take its register), with the address also
// the other operand, and under register pressure; in bounds and out of
// bounds, in both bounds modes, with SSE and with AVX. Results must match
// the baseline tier (no fusion), and an out-of-bounds access must trap at
// the same wasm offset.
func TestFusedLoads(t *testing.T) {
	type kind struct {
		vt     wasm.ValType
		load   byte // opcode
		ops    map[string]byte
		typIdx uint32
	}
	kinds := []kind{
		{wasm.I32, 0x28, map[string]byte{"add": 0x6a, "sub": 0x6b, "mul": 0x6c, "and": 0x71, "or": 0x72, "xor": 0x73}, 1},
		{wasm.I64, 0x29, map[string]byte{"add": 0x7c, "sub": 0x7d, "mul": 0x7e, "and": 0x83, "or": 0x84, "xor": 0x85}, 2},
		{wasm.F32, 0x2a, map[string]byte{"add": 0x92, "sub": 0x93, "mul": 0x94, "div": 0x95}, 3},
		{wasm.F64, 0x2b, map[string]byte{"add": 0xa0, "sub": 0xa1, "mul": 0xa2, "div": 0xa3}, 4},
	}
	ld := func(k kind) []byte { return []byte{0x20, 0, k.load, 2, 4} } // load offset 4 from local 0
	shapes := map[string]func(k kind, op byte) []byte{
		// x op [a+4]: a dies at the load.
		"second": func(k kind, op byte) []byte { return append(append([]byte{0x20, 1}, ld(k)...), op) },
		// [a+4] op x.
		"first": func(k kind, op byte) []byte { return append(ld(k), 0x20, 1, op) },
		// x op [a+4], a live on: stored to global-free local 2 after.
		"live": func(k kind, op byte) []byte {
			return append(append(append([]byte{0x20, 1}, ld(k)...), op), 0x20, 0, 0x21, 2)
		},
		// x op [a+4] op [a+12]: two loads, each right before its use.
		"chain": func(k kind, op byte) []byte {
			b := append(append([]byte{0x20, 1}, ld(k)...), op, 0x20, 0, k.load, 2, 12)
			return append(b, op)
		},
	}
	type fn struct {
		name string
		k    kind
		op   string
	}
	m := &wasm.Module{
		Types: []wasm.FuncType{
			{Params: []wasm.ValType{wasm.I32, wasm.I64}},
			{Params: []wasm.ValType{wasm.I32, wasm.I32}, Results: []wasm.ValType{wasm.I32}},
			{Params: []wasm.ValType{wasm.I32, wasm.I64}, Results: []wasm.ValType{wasm.I64}},
			{Params: []wasm.ValType{wasm.I32, wasm.F32}, Results: []wasm.ValType{wasm.F32}},
			{Params: []wasm.ValType{wasm.I32, wasm.F64}, Results: []wasm.ValType{wasm.F64}},
			{Params: []wasm.ValType{wasm.I32}, Results: []wasm.ValType{wasm.I32}},
			{Params: []wasm.ValType{wasm.I64}, Results: []wasm.ValType{wasm.I64}},
		},
		Mems: []wasm.MemType{{Limits: wasm.Limits{Min: 1, Max: 1, HasMax: true}}},
	}
	add := func(name string, typ uint32, locals []wasm.LocalEntry, n uint32, body []byte) {
		m.Funcs = append(m.Funcs, typ)
		m.Codes = append(m.Codes, wasm.Code{Locals: locals, NumLocals: n, Body: append(body, 0x0b)})
		m.Exports = append(m.Exports, wasm.Export{Name: name, Kind: wasm.ExternFunc, Index: uint32(len(m.Funcs) - 1)})
	}
	add("poke", 0, nil, 0, []byte{0x20, 0, 0x20, 1, 0x37, 3, 0})
	add("id32", 5, nil, 0, []byte{0x20, 0})
	add("id64", 6, nil, 0, []byte{0x20, 0})
	var fns []fn
	for _, k := range kinds {
		for opName, op := range k.ops {
			for sName, shape := range shapes {
				name := fmt.Sprintf("%s.%s/%s", k.vt, opName, sName)
				fns = append(fns, fn{name, k, opName})
				add(name, k.typIdx, []wasm.LocalEntry{{Count: 1, Type: wasm.I32}}, 1, shape(k, op))
			}
			if k.vt == wasm.I32 || k.vt == wasm.I64 {
				// The address is the other operand too: a op [a+4].
				name := fmt.Sprintf("%s.%s/self", k.vt, opName)
				fns = append(fns, fn{name, k, opName})
				b := []byte{0x20, 0}
				if k.vt == wasm.I64 {
					b = append(b, 0xad) // i64.extend_i32_u
				}
				add(name, k.typIdx, []wasm.LocalEntry{{Count: 1, Type: wasm.I32}}, 1, append(append(b, ld(k)...), op))
				// The result is a call's first argument: the allocator
				// hints it into RDI, where the address arrived and which
				// it frees at the load, so the result takes the address's
				// register (the operation must then go through RAX).
				name = fmt.Sprintf("%s.%s/clash", k.vt, opName)
				fns = append(fns, fn{name, k, opName})
				callee := byte(1)
				if k.vt == wasm.I64 {
					callee = 2
				}
				add(name, k.typIdx, []wasm.LocalEntry{{Count: 1, Type: wasm.I32}}, 1,
					append(append(append([]byte{0x20, 1}, ld(k)...), op), 0x10, callee, 0x20, 1, op))
				if k.vt == wasm.I32 {
					// Sixteen live locals around it push operands and the
					// address to stack slots.
					name := fmt.Sprintf("%s.%s/pressure", k.vt, opName)
					fns = append(fns, fn{name, k, opName})
					body := pressure(append(append([]byte{0x20, 3, 0x20, 2}, k.load, 2, 4), op), false)
					add(name, k.typIdx, []wasm.LocalEntry{{Count: 16, Type: wasm.I32}}, 16, body)
				}
			}
		}
	}
	// x & ^[a+4]: the not is fused into an and-not, which reads the load
	// from a register: the load stays.
	for _, k := range kinds[:2] {
		name := fmt.Sprintf("%s.andnot", k.vt)
		fns = append(fns, fn{name, k, "and"})
		not := []byte{0x41, 0x7f, 0x73}
		if k.vt == wasm.I64 {
			not = []byte{0x42, 0x7f, 0x85}
		}
		add(name, k.typIdx, []wasm.LocalEntry{{Count: 1, Type: wasm.I32}}, 1,
			append(append(append([]byte{0x20, 1}, ld(k)...), not...), k.ops["and"]))
	}
	addrs := []uint64{0, 8, 100, 65528, 65524, 65520, 65532, 1 << 31, math.MaxUint32}
	xs := [][]uint64{{0}, {3}, {0x7fffffff}, {0xdeadbeefcafef00d}, {math.Float64bits(2.5)}, {uint64(math.Float32bits(-0.75))}}
	names := make([]string, len(fns))
	for i, f := range fns {
		names[i] = f.name
	}
	run := func(t *testing.T, opts codegen.Options) map[string]memOutcome {
		inst := compileInstance(t, m, opts)
		fillMemory(t, inst, 0x3ff0000000000000)
		return callAll(t, inst, names, addrs, xs)
	}
	feats := map[string]uint64{"sse": 0}
	if host := load.HostFeatures(); host&object.FeatureAVX != 0 {
		feats["avx"] = host
	} else {
		t.Log("no AVX on this host: the VEX forms are not run")
	}
	for _, bm := range boundsModes {
		for fname, feat := range feats {
			t.Run(bm.name+"/"+fname, func(t *testing.T) {
				opts := bm.opts
				opts.Features = feat
				want := run(t, opts)
				opts.OptLevel = 2
				got := run(t, opts)
				for key, w := range want {
					g := got[key]
					// A NaN result may differ in its payload bits only
					// where wasm leaves them open; none of the inputs
					// make one.
					if g != w {
						t.Errorf("%s: opt 2 %+v, baseline %+v", key, g, w)
					}
				}
			})
		}
	}
}
