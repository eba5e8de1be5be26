package codegen_test

import (
	"fmt"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/validate"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// rdxLoop is a function body (params p0, p1; n+1 i32 locals after them)
// whose loop carries n values x_k (locals 2..n+1) and a counter: each
// round x_0 += op(x_0, x_1), x_k += x_(k+1), x_(n-1) ^= x_0; it returns
// the sum of the x_k. With n = 9 the loop needs RDX (the tenth register)
// whenever op leaves it alone.
func rdxLoop(n int, op []byte) []byte {
	var b []byte
	for k := 0; k < n; k++ { // x_k = p0 * (k+3) + p1
		b = append(b, 0x20, 0, 0x41, byte(k+3), 0x6c, 0x20, 1, 0x6a, 0x21, byte(k+2))
	}
	cnt := byte(n + 2)
	b = append(b, 0x20, 1, 0x41, 15, 0x71, 0x41, 1, 0x6a, 0x21, cnt) // counter = (p1 & 15) + 1
	b = append(b, 0x03, 0x40)                                        // loop
	b = append(b, 0x20, 2)
	b = append(b, op...)
	b = append(b, 0x6a, 0x21, 2)
	for k := 0; k+1 < n; k++ {
		b = append(b, 0x20, byte(k+2), 0x20, byte(k+3), 0x6a, 0x21, byte(k+2))
	}
	b = append(b, 0x20, byte(n+1), 0x20, 2, 0x73, 0x21, byte(n+1))
	b = append(b, 0x20, cnt, 0x41, 1, 0x6b, 0x22, cnt, 0x0d, 0, 0x0b) // counter--, br_if, end
	b = append(b, 0x20, 2)
	for k := 1; k < n; k++ {
		b = append(b, 0x20, byte(k+2), 0x6a)
	}
	return append(b, 0x0b)
}

// rdxOps are loop bodies' extra operations on x_0 (local 2) and x_1
// (local 3) leaving an i32: those whose lowering writes RDX or RCX (the
// allocator must keep loop values out of RDX across them) and those that
// leave it alone (values may stay in RDX across them).
var rdxOps = []struct {
	name string
	op   []byte
}{
	{"add", []byte{0x20, 2, 0x20, 3, 0x6a}},
	{"div_u", []byte{0x20, 2, 0x20, 3, 0x41, 1, 0x72, 0x6e}},                // x /u (y|1)
	{"rem_s", []byte{0x20, 2, 0x20, 3, 0x41, 1, 0x72, 0x6f}},                // x %s (y|1)
	{"div_s", []byte{0x20, 2, 0x41, 1, 0x76, 0x20, 3, 0x41, 1, 0x72, 0x6d}}, // (x >>u 1) /s (y|1)
	{"shl", []byte{0x20, 2, 0x20, 3, 0x74}},
	{"rotr", []byte{0x20, 2, 0x20, 3, 0x78}},
	{"call", []byte{0x20, 2, 0x20, 3, 0x10, 0}},
	{"select", []byte{0x20, 2, 0x20, 3, 0x20, 3, 0x41, 1, 0x71, 0x1b}},
	{"mul", []byte{0x20, 2, 0x20, 3, 0x6c}},
	{"popcnt", []byte{0x20, 2, 0x69}},
	{"load-store", []byte{0x20, 3, 0x41, 0xfc, 0x01, 0x71, 0x20, 2, 0x36, 2, 0, // store x at y & 252
		0x20, 2, 0x41, 0xfc, 0x01, 0x71, 0x28, 2, 0}}, // load at x & 252
	{"memory.copy", []byte{0x20, 2, 0x41, 0xff, 0x01, 0x71, 0x20, 3, 0x41, 0xff, 0x01, 0x71, 0x41, 0x80, 0x02, 0x6a,
		0x41, 16, 0xfc, 10, 0, 0, // copy 16 bytes from (y & 255) + 256 to x & 255
		0x20, 2, 0x41, 0xff, 0x01, 0x71, 0x28, 0, 0}}, // load at x & 255
	{"memory.fill", []byte{0x20, 3, 0x41, 0xff, 0x01, 0x71, 0x20, 2, 0x41, 24, 0xfc, 11, 0, // fill 24 bytes at y & 255 with x
		0x20, 3, 0x41, 0xff, 0x01, 0x71, 0x28, 0, 5}}, // load at (y & 255) + 5
	// block (result i32) block block (br_table 0 1 1 on x & 3) end
	// y br 1 end x br 0 end: y when x & 3 is 0, else x.
	{"br_table", []byte{0x02, 0x7f, 0x02, 0x40, 0x02, 0x40, 0x20, 2, 0x41, 3, 0x71, 0x0e, 2, 0, 1, 1, 0x0b,
		0x20, 3, 0x0c, 1, 0x0b, 0x20, 2, 0x0c, 0, 0x0b}},
}

// TestLoopValuesAcrossRDXUsers runs loops that carry more values than
// there are registers but RDX, around operations that use RDX (division,
// select, calls, bulk memory, br_table) or leave it alone, at opt 2 in
// both bounds modes (and with the host's features) against opt 0.
func TestLoopValuesAcrossRDXUsers(t *testing.T) {
	const n = 9
	i32 := wasm.I32
	sig := wasm.FuncType{Params: []wasm.ValType{i32, i32}, Results: []wasm.ValType{i32}}
	m := &wasm.Module{
		Types: []wasm.FuncType{sig},
		Mems:  []wasm.MemType{{Limits: wasm.Limits{Min: 1}}},
	}
	// Function 0: g(x, y) = x * 31 + y, the callee of "call".
	m.Funcs = append(m.Funcs, 0)
	m.Codes = append(m.Codes, wasm.Code{Body: []byte{0x20, 0, 0x41, 31, 0x6c, 0x20, 1, 0x6a, 0x0b}})
	for _, c := range rdxOps {
		m.Funcs = append(m.Funcs, 0)
		m.Codes = append(m.Codes, wasm.Code{Locals: []wasm.LocalEntry{{Count: n + 1, Type: i32}}, NumLocals: n + 1, Body: rdxLoop(n, c.op)})
		m.Exports = append(m.Exports, wasm.Export{Name: c.name, Kind: wasm.ExternFunc, Index: uint32(len(m.Funcs) - 1)})
	}
	if _, err := validate.Module(m, validate.Options{}); err != nil {
		t.Fatal(err)
	}
	vals := []uint64{0, 1, 7, 0x80000001, 0x12345678, 0xfffffffe}
	run := func(opts codegen.Options) map[string]string {
		inst := compileInstance(t, m, opts)
		out := map[string]string{}
		for _, c := range rdxOps {
			for _, a := range vals {
				for _, b := range vals {
					r, err := inst.Func(c.name).Call(a, b)
					key := fmt.Sprintf("%s(%#x, %#x)", c.name, a, b)
					if err != nil {
						out[key] = err.Error()
					} else {
						out[key] = fmt.Sprint(r)
					}
				}
			}
		}
		return out
	}
	for _, bm := range boundsModes {
		t.Run(bm.name, func(t *testing.T) {
			o0 := bm.opts
			want := run(o0)
			for _, feat := range []uint64{0, load.HostFeatures()} {
				o2 := bm.opts
				o2.OptLevel, o2.Features = 2, feat
				got := run(o2)
				for k, w := range want {
					if got[k] != w {
						t.Errorf("features %#x: %s = %s at opt 2, %s at opt 0", feat, k, got[k], w)
					}
				}
			}
		})
	}
}
