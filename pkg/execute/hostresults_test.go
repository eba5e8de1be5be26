package execute

import (
	"math"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// hostResultsModule imports env.h0: [] -> [i32 i64 f32 i32] and env.h1:
// [] -> [f64 i32 i64]; exports f0 and f1 return what they return, g0
// only h0's first result (the others dropped in the guest).
func hostResultsModule() []byte {
	sec := func(id byte, body ...byte) []byte { return append([]byte{id, byte(len(body))}, body...) }
	b := []byte("\x00asm\x01\x00\x00\x00")
	b = append(b, sec(1, 3,
		0x60, 0, 4, 0x7f, 0x7e, 0x7d, 0x7f,
		0x60, 0, 3, 0x7c, 0x7f, 0x7e,
		0x60, 0, 1, 0x7f)...)
	b = append(b, sec(2, 2,
		3, 'e', 'n', 'v', 2, 'h', '0', 0, 0,
		3, 'e', 'n', 'v', 2, 'h', '1', 0, 1)...)
	b = append(b, sec(3, 3, 0, 1, 2)...)
	b = append(b, sec(7, 3,
		2, 'f', '0', 0, 2,
		2, 'f', '1', 0, 3,
		2, 'g', '0', 0, 4)...)
	return append(b, sec(10, 3,
		4, 0, 0x10, 0, 0x0b,
		4, 0, 0x10, 1, 0x0b,
		7, 0, 0x10, 0, 0x1a, 0x1a, 0x1a, 0x0b)...)
}

// TestHostMultipleResults: a host import's results reach the guest in
// order at every opt level. The host stub used to load the first result
// into RAX and then copy the others through RAX, so an import of results
// i32 i64 returned the i64's low half as its i32 (found by difftest's
// wasmgen host functions).
func TestHostMultipleResults(t *testing.T) {
	m, err := decode.Decode(hostResultsModule(), decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h0 := []uint64{0x11111111, 0x2222222233333333, uint64(math.Float32bits(-1.5)), 0x44444444}
	h1 := []uint64{math.Float64bits(2.25), 0x55555555, 0x6666666677777777}
	for _, opt := range []int{0, 1, 2} {
		for _, bounds := range []object.BoundsChecks{object.BoundsGuard, object.BoundsExplicit} {
			opts := codegen.Options{OptLevel: opt, Bounds: bounds}
			if bounds == object.BoundsGuard {
				opts.MemReserve, opts.MemGuard = 4<<30, 2<<30
			}
			obj, err := codegen.Compile(m, opts)
			if err != nil {
				t.Fatal(err)
			}
			s, err := NewStore(Config{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			host := func(res []uint64) func(*Caller, []uint64) error {
				return func(_ *Caller, stack []uint64) error { copy(stack, res); return nil }
			}
			imports := ImportMap{"env": {
				"h0": NewHostFunc(wasm.FuncType{Results: []wasm.ValType{wasm.I32, wasm.I64, wasm.F32, wasm.I32}}, host(h0)),
				"h1": NewHostFunc(wasm.FuncType{Results: []wasm.ValType{wasm.F64, wasm.I32, wasm.I64}}, host(h1)),
			}}
			inst, err := s.InstantiateObject(obj, imports)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name string
				want []uint64
			}{{"f0", h0}, {"f1", h1}, {"g0", h0[:1]}} {
				got, err := inst.Func(c.name).Call()
				if err != nil {
					t.Fatalf("-O%d %v: %s: %v", opt, bounds, c.name, err)
				}
				for i := range c.want {
					if got[i] != c.want[i] {
						t.Errorf("-O%d %v: %s: result %d is %#x, want %#x", opt, bounds, c.name, i, got[i], c.want[i])
					}
				}
			}
		}
	}
}
