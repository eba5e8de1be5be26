package codegen_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestMaterializedCompares runs every integer and float comparison
// materialized as a boolean and zero-extended to the i64 result, so that
// garbage in the upper bits of the boolean's register shows: amd64 zeroes
// that register before the compare when the compare leaves it alone
// (xor d, d; cmp; setcc d) and keeps setcc; movzx otherwise. The shapes
// put the operands in registers (distinct, the same one), give one a
// constant, read one from memory (a load fused into the cmp, whose
// address register the boolean may take), compare the same operands
// twice in a row ((a > b) - (a < b): the second setcc reads the first
// cmp's flags), and compute under register pressure (fourteen i64 values
// live across the comparison, and fourteen loads with the boolean live
// across them: it spills, computed in RAX), and feed the boolean to a select and a branch
// right after. Results at -O 2 must match the baseline tier's, in both
// bounds modes and with and without AVX.
func TestMaterializedCompares(t *testing.T) {
	cmps := selCmps()
	m := &wasm.Module{Mems: []wasm.MemType{{Limits: wasm.Limits{Min: 1, Max: 1, HasMax: true}}}}
	typeIdx := map[wasm.ValType]uint32{}
	for _, vt := range []wasm.ValType{wasm.I32, wasm.I64, wasm.F32, wasm.F64} {
		typeIdx[vt] = uint32(len(m.Types))
		m.Types = append(m.Types, wasm.FuncType{Params: []wasm.ValType{vt, vt, wasm.I64, wasm.I32}, Results: []wasm.ValType{wasm.I64}})
	}
	pokeType := uint32(len(m.Types))
	m.Types = append(m.Types, wasm.FuncType{Params: []wasm.ValType{wasm.I32, wasm.I64}})
	var names []string
	add := func(name string, typ uint32, locals []wasm.LocalEntry, n uint32, body []byte) {
		m.Funcs = append(m.Funcs, typ)
		m.Codes = append(m.Codes, wasm.Code{Locals: locals, NumLocals: n, Body: append(body, 0x0b)})
		m.Exports = append(m.Exports, wasm.Export{Name: name, Kind: wasm.ExternFunc, Index: uint32(len(m.Funcs) - 1)})
		if typ != pokeType {
			names = append(names, name)
		}
	}
	add("poke", pokeType, nil, 0, []byte{0x20, 0, 0x20, 1, 0x37, 3, 0})
	extend := []byte{0xad} // i64.extend_i32_u
	for _, c := range cmps {
		var konst, load []byte
		switch c.t {
		case wasm.I32:
			// -249, 0xffffff07: loaded into the boolean's register, its
			// upper bytes would survive the setcc.
			konst, load = []byte{0x41, 0x87, 0x7e}, []byte{0x20, 3, 0x28, 2, 8}
		case wasm.I64:
			konst, load = []byte{0x42, 0x87, 0x7e}, []byte{0x20, 3, 0x29, 3, 8}
		case wasm.F32:
			konst, load = []byte{0x43, 0, 0, 0xe0, 0x40}, []byte{0x20, 3, 0x2a, 2, 8} // 7.0
		case wasm.F64:
			konst, load = []byte{0x44, 0, 0, 0, 0, 0, 0, 0x1c, 0x40}, []byte{0x20, 3, 0x2b, 3, 8}
		}
		a, b := []byte{0x20, 0}, []byte{0x20, 1}
		op := []byte{c.op}
		operands := map[string][]byte{
			"regs":       cat(a, b),
			"same":       cat(a, a),
			"const":      cat(a, konst),
			"const-a":    cat(konst, b),
			"load-first": cat(load, b),
			"load":       cat(a, load),
		}
		if c.unary {
			operands = map[string][]byte{"regs": a, "const": konst, "load": load}
		}
		typ := typeIdx[c.t]
		for s, ops := range operands {
			add(fmt.Sprintf("%s/%s", c.name, s), typ, nil, 0, cat(ops, op, extend))
			// The boolean's register written again right after: a select
			// on it and a branch on it.
			add(fmt.Sprintf("%s/%s/select", c.name, s), typ, nil, 0,
				cat([]byte{0x42, 5, 0x42, 9}, ops, op, []byte{0x1b}))
			add(fmt.Sprintf("%s/%s/branch", c.name, s), typ, nil, 0,
				cat(ops, op, []byte{0x04, 0x7e, 0x42, 3, 0x05, 0x42, 4, 0x0b}))
			add(fmt.Sprintf("%s/%s/pressure", c.name, s), typ, []wasm.LocalEntry{{Count: 14, Type: wasm.I64}}, 14,
				pressureI64(cat(ops, op, extend)))
			// The boolean first, live across the fourteen: it spills.
			add(fmt.Sprintf("%s/%s/early", c.name, s), typ, []wasm.LocalEntry{{Count: 14, Type: wasm.I64}, {Count: 1, Type: wasm.I32}}, 15,
				pressureI64After(cat(ops, op)))
		}
		if !c.unary {
			// (a > b) - (a < b) of the same operands: the second
			// comparison reuses the first's flags.
			add(c.name+"/twice", typ, nil, 0, cat(a, b, op, a, b, op, []byte{0x6b, 0xad}))
		}
	}
	f32s := []float32{0, 7, -1.5, float32(math.Inf(1)), float32(math.NaN())}
	f64s := []float64{0, 7, -1.5, math.Inf(-1), math.NaN()}
	ints := []uint64{0, 7, 1, 0xffffff07, 0xffffffffffffff07, 0xffffffff, 0x80000000, 0xffffffff80000000, 0xdeadbeefcafef00d}
	var argsFor = map[wasm.ValType][][]uint64{}
	for _, x := range ints {
		for _, y := range ints {
			argsFor[wasm.I32] = append(argsFor[wasm.I32], []uint64{uint64(uint32(x)), uint64(uint32(y)), 0x1234567, 0})
			argsFor[wasm.I64] = append(argsFor[wasm.I64], []uint64{x, y, 0x1234567, 0})
		}
	}
	for _, x := range f32s {
		for _, y := range f32s {
			argsFor[wasm.F32] = append(argsFor[wasm.F32], []uint64{uint64(math.Float32bits(x)), uint64(math.Float32bits(y)), 0x1234567, 0})
		}
	}
	for _, x := range f64s {
		for _, y := range f64s {
			argsFor[wasm.F64] = append(argsFor[wasm.F64], []uint64{math.Float64bits(x), math.Float64bits(y), 0x1234567, 0})
		}
	}
	// Memory at 8 holds 7 as each type (an i64 7 reads as i32 7; the
	// float loads read 7.0 at 16 and 24 through addresses 8 and 16).
	pokes := [][2]uint64{{8, 7}, {16, uint64(math.Float32bits(7))}, {24, math.Float64bits(7)}}
	addrs := map[wasm.ValType][]uint64{wasm.I32: {0, 8}, wasm.I64: {0, 8}, wasm.F32: {0, 8}, wasm.F64: {8, 16}}
	typeOf := map[string]wasm.ValType{}
	for _, c := range cmps {
		typeOf[c.name] = c.t
	}
	run := func(t *testing.T, opts codegen.Options) map[string]memOutcome {
		inst := compileInstance(t, m, opts)
		for _, p := range pokes {
			if _, err := inst.Func("poke").Call(p[0], p[1]); err != nil {
				t.Fatal(err)
			}
		}
		out := map[string]memOutcome{}
		for _, name := range names {
			vt := typeOf[name[:strings.IndexByte(name, '/')]]
			for _, args := range argsFor[vt] {
				for _, ad := range addrs[vt] {
					args := append([]uint64(nil), args...)
					args[3] = ad
					r, err := inst.Func(name).Call(args...)
					key := fmt.Sprintf("%s%#x", name, args)
					if err != nil {
						t.Fatalf("%s: %v", key, err)
					}
					var o memOutcome
					copy(o.res[:], r)
					out[key] = o
				}
			}
		}
		return out
	}
	for _, bm := range boundsModes {
		t.Run(bm.name, func(t *testing.T) {
			want := run(t, bm.opts)
			trues := 0
			for _, w := range want {
				if w.res[0] == 1 {
					trues++
				}
			}
			if trues == 0 || trues == len(want) {
				t.Fatalf("%d of %d results 1: the comparisons do not vary", trues, len(want))
			}
			for _, fb := range floatBuilds(t, object.FeatureSSE41|object.FeaturePOPCNT,
				featureBuild{"sse41", object.FeatureSSE41 | object.FeaturePOPCNT}) {
				opts := bm.opts
				opts.OptLevel = 2
				opts.Features = fb.f
				got := run(t, opts)
				for k, w := range want {
					if g := got[k]; g != w {
						t.Errorf("%s %s: opt 2 %#x, baseline %#x", fb.name, k, g.res[0], w.res[0])
					}
				}
			}
		})
	}
}

// pressureI64 wraps code (which leaves an i64) between fourteen i64
// locals 4..17 set from parameter 2 (an i64) before it and added to its
// result after it, so that they are live across it.
func pressureI64(code []byte) []byte {
	var b []byte
	for k := 0; k < 14; k++ {
		b = append(b, 0x20, 2, 0x42, byte(k+3), 0x7e, 0x21, byte(4+k)) // local[4+k] = p2 * (k+3)
	}
	b = append(b, code...)
	for k := 0; k < 14; k++ {
		b = append(b, 0x20, byte(4+k), 0x7c) // + local[4+k]
	}
	return b
}

// pressureI64After keeps the i32 code leaves in local 18 while fourteen
// i64 locals 4..17 are loaded from parameter 3's address on, then summed
// and xored in (each is live until the xors), and rotates it, extended to
// i64, left by that last: it is live across all of them, and spills.
func pressureI64After(code []byte) []byte {
	b := append(append([]byte(nil), code...), 0x21, 18)
	for k := 0; k < 14; k++ {
		b = append(b, 0x20, 3, 0x29, 3, byte(8*k), 0x21, byte(4+k)) // local[4+k] = i64.load offset=8k (p3)
	}
	b = append(b, 0x20, 18, 0xad, 0x20, 4)
	for k := 1; k < 14; k++ {
		b = append(b, 0x20, byte(4+k), 0x7c)
	}
	for k := 0; k < 14; k++ {
		b = append(b, 0x20, byte(4+k), 0x85)
	}
	return append(b, 0x89) // i64.rotl
}
