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
	eachTier(t, m, func(opt int, bounds object.BoundsChecks, obj *object.Object, s *Store) {
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
	})
}

// TestHostManyFloatParams: a host import of more float parameters than
// the eight XMM argument registers compiles and gets every argument
// (the host stub loaded the stack-passed ones with movss/movsd into RAX,
// which the assembler refused: lucetc failed on the module; found by
// difftest, wasmgen seed 105524).
func TestHostManyFloatParams(t *testing.T) {
	params := []byte{0x7d, 0x7c, 0x7d, 0x7c, 0x7d, 0x7c, 0x7d, 0x7c, 0x7d, 0x7c, 0x7f, 0x7d}
	sec := func(id byte, body ...byte) []byte { return append([]byte{id, byte(len(body))}, body...) }
	typ := append(append([]byte{1, 0x60, byte(len(params))}, params...), 1, 0x7c)
	body := []byte{0}
	for i := range params {
		body = append(body, 0x20, byte(i)) // local.get i
	}
	body = append(body, 0x10, 0, 0x0b) // call 0
	b := []byte("\x00asm\x01\x00\x00\x00")
	b = append(b, sec(1, typ...)...)
	b = append(b, sec(2, 1, 3, 'e', 'n', 'v', 4, 'm', 'a', 'n', 'y', 0, 0)...)
	b = append(b, sec(3, 1, 0)...)
	b = append(b, sec(7, 1, 1, 'm', 0, 1)...)
	b = append(b, sec(10, append([]byte{1, byte(len(body))}, body...)...)...)
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ft wasm.FuncType
	args := make([]uint64, len(params))
	for i, p := range params {
		ft.Params = append(ft.Params, wasm.ValType(p))
		switch wasm.ValType(p) {
		case wasm.F32:
			args[i] = uint64(math.Float32bits(float32(i) + 0.5))
		case wasm.F64:
			args[i] = math.Float64bits(float64(i) + 0.25)
		default:
			args[i] = uint64(0x80000000 + i)
		}
	}
	ft.Results = []wasm.ValType{wasm.F64}
	for _, opt := range []int{0, 2} {
		obj, err := codegen.Compile(m, codegen.Options{OptLevel: opt, Bounds: object.BoundsExplicit})
		if err != nil {
			t.Fatalf("-O%d: %v", opt, err)
		}
		s, err := NewStore(Config{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		var got []uint64
		host := NewHostFunc(ft, func(_ *Caller, stack []uint64) error {
			got = append([]uint64(nil), stack[:len(params)]...)
			stack[0] = math.Float64bits(-1)
			return nil
		})
		inst, err := s.InstantiateObject(obj, ImportMap{"env": {"many": host}})
		if err != nil {
			t.Fatal(err)
		}
		res, err := inst.Func("m").Call(args...)
		if err != nil {
			t.Fatalf("-O%d: %v", opt, err)
		}
		if res[0] != math.Float64bits(-1) {
			t.Errorf("-O%d: result %#x", opt, res[0])
		}
		for i := range args {
			if got[i] != args[i] {
				t.Errorf("-O%d: argument %d reached the host as %#x, want %#x", opt, i, got[i], args[i])
			}
		}
	}
}

// eachTier compiles m at opt levels 0, 1 and 2 in both bounds modes and
// calls fn with each object and a new store, closed when the test ends.
func eachTier(t *testing.T, m *wasm.Module, fn func(opt int, bounds object.BoundsChecks, obj *object.Object, s *Store)) {
	t.Helper()
	for _, opt := range []int{0, 1, 2} {
		for _, bounds := range []object.BoundsChecks{object.BoundsGuard, object.BoundsExplicit} {
			obj, err := codegen.Compile(m, compileOptions(opt, bounds))
			if err != nil {
				t.Fatalf("-O%d %v: %v", opt, bounds, err)
			}
			s, err := NewStore(Config{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			fn(opt, bounds, obj, s)
		}
	}
}
