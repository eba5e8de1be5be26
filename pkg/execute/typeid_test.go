package execute

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/wasm"
)

// Equal signatures share an ID, different ones do not (the parameter and
// result lists are kept apart), and looking up a signature seen before
// allocates nothing: instantiating interns every type of the module, and
// a strings.Builder key cost ~3 allocations per type on every start.
func TestTypeID(t *testing.T) {
	long := make([]wasm.ValType, 40) // longer than the key buffer
	for i := range long {
		long[i] = wasm.I64
	}
	types := []wasm.FuncType{
		{},
		{Params: []wasm.ValType{wasm.I32}},
		{Results: []wasm.ValType{wasm.I32}},
		{Params: []wasm.ValType{wasm.I32, wasm.I64}, Results: []wasm.ValType{wasm.F32}},
		{Params: []wasm.ValType{wasm.I32}, Results: []wasm.ValType{wasm.I64, wasm.F32}},
		{Params: long, Results: long},
	}
	ids := map[uint64]int{}
	for i, ty := range types {
		id := TypeID(ty)
		if id == 0 {
			t.Errorf("type %d: ID 0, which a zeroed FuncRef has", i)
		}
		if j, dup := ids[id]; dup {
			t.Errorf("types %d and %d share ID %d", j, i, id)
		}
		ids[id] = i
		same := wasm.FuncType{Params: append([]wasm.ValType(nil), ty.Params...), Results: append([]wasm.ValType(nil), ty.Results...)}
		if again := TypeID(same); again != id {
			t.Errorf("type %d: ID %d, then %d for an equal signature", i, id, again)
		}
		want := 0.0
		if len(ty.Params)+1+len(ty.Results) > 32 {
			want = 1 // the key outgrows the stack buffer
		}
		if n := testing.AllocsPerRun(10, func() { TypeID(ty) }); n > want {
			t.Errorf("type %d seen before: TypeID made %.0f allocations, want %.0f", i, n, want)
		}
	}
}
