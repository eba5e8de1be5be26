package codegen_test

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/validate"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// simdFuzzOp is one non-memory SIMD instruction the fuzzer can place.
type simdFuzzOp struct {
	sub  uint32
	info *wasm.SIMDInfo
}

// simdFuzzOps lists every SIMD instruction but memory accesses and
// v128.const, from the opcode table.
var simdFuzzOps = func() (ops []simdFuzzOp) {
	for sub := uint32(0); sub < 256; sub++ {
		info, ok := wasm.SIMD(sub)
		if !ok || info.Imm == wasm.SIMDImmMemArg || info.Imm == wasm.SIMDImmMemArgLane || info.Imm == wasm.SIMDImmV128 {
			continue
		}
		ops = append(ops, simdFuzzOp{sub, info})
	}
	return ops
}()

type fuzzBytes struct{ b []byte }

func (r *fuzzBytes) next() byte {
	if len(r.b) == 0 {
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *fuzzBytes) n(k int) []byte {
	out := make([]byte, k)
	for i := range out {
		out[i] = r.next()
	}
	return out
}

func uleb(b []byte, v uint64) []byte {
	return binary.AppendUvarint(b, v)
}

func sleb(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 && c&0x40 == 0 || v == -1 && c&0x40 != 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func simdInstr(b []byte, sub uint32) []byte { return uleb(append(b, 0xFD), uint64(sub)) }

// scalarConst pushes a constant of type t from the fuzz input.
func scalarConst(b []byte, t wasm.ValType, r *fuzzBytes) []byte {
	raw := r.n(8)
	switch t {
	case wasm.I32:
		return sleb(append(b, 0x41), int64(int32(binary.LittleEndian.Uint32(raw))))
	case wasm.I64:
		return sleb(append(b, 0x42), int64(binary.LittleEndian.Uint64(raw)))
	case wasm.F32:
		return append(append(b, 0x43), raw[:4]...)
	}
	return append(append(b, 0x44), raw...)
}

// splatOf turns a scalar of type t on the stack back into a v128.
func splatOf(b []byte, t wasm.ValType) []byte {
	return simdInstr(b, map[wasm.ValType]uint32{wasm.I32: 0x11, wasm.I64: 0x12, wasm.F32: 0x13, wasm.F64: 0x14}[t])
}

// simdProgram builds, from fuzz input, a body computing up to 16 SIMD
// operations over locals 0 and 1 (then 2, 3, ...: each result), returning
// the xor of all results. spill passes every result through function 0
// (the identity), so values live across calls and land in other
// registers and slots; consts first overwrites the parameters with
// constants, so operands come from the constant pool.
func simdProgram(in []byte, spill, consts bool) (body []byte, nLocals int) {
	r := &fuzzBytes{in}
	x, y := r.n(16), r.n(16)
	if consts {
		body = append(simdInstr(body, 0x0C), x...)
		body = append(body, 0x21, 0)
		body = append(simdInstr(body, 0x0C), y...)
		body = append(body, 0x21, 1)
	}
	n := 2
	for step := 0; step < 16 && len(r.b) > 0; step++ {
		op := simdFuzzOps[int(r.next())%len(simdFuzzOps)]
		info := op.info
		operand := func() { body = append(body, 0x20, byte(int(r.next())%n)) }
		for i := 0; i < int(info.NumParams); i++ {
			if info.Params[i] == wasm.V128 {
				operand()
			} else {
				body = scalarConst(body, info.Params[i], r)
			}
		}
		body = simdInstr(body, op.sub)
		switch info.Imm {
		case wasm.SIMDImmLane:
			body = append(body, r.next()%info.Lanes)
		case wasm.SIMDImmShuffle:
			for _, l := range r.n(16) {
				body = append(body, l%32)
			}
		}
		if info.Result != wasm.V128 {
			body = splatOf(body, info.Result)
		}
		if spill {
			body = append(body, 0x10, 0)
		}
		body = append(body, 0x21, byte(n))
		n++
	}
	body = append(body, 0x20, 0)
	for i := 1; i < n; i++ {
		body = append(body, 0x20, byte(i))
		body = simdInstr(body, 0x51) // v128.xor
	}
	return append(body, 0x0b), n - 2
}

// FuzzSIMDLowering compiles a random straight-line SIMD program three
// ways (operands in registers, values spilled across calls, operands
// constant) and checks that all three compute the same vector: a
// differential check of operand aliasing, scratch registers, spill slots
// and constant-pool operands in the SIMD lowering.
func FuzzSIMDLowering(f *testing.F) {
	// Seed k starts with instruction k, so the seeds cover every one.
	for k := range simdFuzzOps {
		var seed []byte
		for i := 0; i < 32; i++ {
			seed = append(seed, byte(0x5a+7*i+k)|byte(i&1)<<7)
		}
		for j := 0; j < 6; j++ {
			seed = append(seed, byte(k+37*j), byte(j), byte(j+1), byte(3*j), 0x7f, 0xc0, 0xff, 0, 0x80, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0x55, 0xaa)
		}
		f.Add(seed)
	}
	v128 := wasm.V128
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) < 33 {
			return
		}
		m := &wasm.Module{Types: []wasm.FuncType{
			{Params: []wasm.ValType{v128}, Results: []wasm.ValType{v128}},
			{Params: []wasm.ValType{v128, v128}, Results: []wasm.ValType{v128}},
		}}
		m.Funcs = append(m.Funcs, 0)
		m.Codes = append(m.Codes, wasm.Code{Body: []byte{0x20, 0, 0x0b}})
		names := []string{"regs", "spill", "consts"}
		for i, name := range names {
			body, n := simdProgram(in, name == "spill", name == "consts")
			m.Funcs = append(m.Funcs, 1)
			m.Codes = append(m.Codes, wasm.Code{Body: body, Locals: []wasm.LocalEntry{{Count: uint32(n), Type: v128}}, NumLocals: uint32(n)})
			m.Exports = append(m.Exports, wasm.Export{Name: name, Kind: wasm.ExternFunc, Index: uint32(i + 1)})
		}
		if _, err := validate.Module(m, validate.Options{}); err != nil {
			t.Fatalf("generated module is invalid: %v", err)
		}
		// The portable baseline, the host's features without AVX
		// (SSE4.2's pcmpgtq in two-address form) when it has SSE4.2,
		// and the host's features (AVX's three-operand and
		// memory-operand forms) when it has AVX: all must compute the
		// same vector.
		features := []uint64{0}
		host := load.HostFeatures()
		if sse := host &^ (object.FeatureAVX | object.FeatureAVX2); sse&object.FeatureSSE42 != 0 && sse&object.FeatureSSE41 != 0 {
			features = append(features, sse)
		}
		if host&object.FeatureAVX != 0 && host&object.FeatureSSE41 != 0 {
			features = append(features, host)
		}
		args := []uint64{binary.LittleEndian.Uint64(in[0:]), binary.LittleEndian.Uint64(in[8:]),
			binary.LittleEndian.Uint64(in[16:]), binary.LittleEndian.Uint64(in[24:])}
		var want []uint64
		for _, feat := range features {
			inst := compileInstance(t, m, codegen.Options{Bounds: object.BoundsGuard, MemReserve: 4 << 30, MemGuard: 2 << 30, Features: feat})
			for _, name := range names {
				got, err := inst.Func(name).Call(args...)
				if err != nil {
					t.Fatalf("%s (features %#x): %v", name, feat, err)
				}
				if want == nil {
					want = got
				} else if !bytes.Equal(u64bytes(got), u64bytes(want)) {
					t.Errorf("%s (features %#x) = %#x, regs = %#x", name, feat, got, want)
				}
			}
		}
	})
}

func u64bytes(v []uint64) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint64(b, x)
	}
	return b
}
