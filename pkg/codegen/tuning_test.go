package codegen_test

import (
	"bytes"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestTuningFeatureRecordedWhenUsed: the object records FeatureERMS only
// when its code depends on it (a long memory.copy or memory.fill, whose
// lowering it chooses), so a module without one compiles to the very same
// object on a host with ERMS and one without; with one, the bit is kept.
func TestTuningFeatureRecordedWhenUsed(t *testing.T) {
	noBulk := &wasm.Module{
		Types: []wasm.FuncType{{Params: []wasm.ValType{wasm.I32}, Results: []wasm.ValType{wasm.I32}}},
		Funcs: []uint32{0},
		Mems:  []wasm.MemType{{Limits: wasm.Limits{Min: 1}}},
		Codes: []wasm.Code{{Body: []byte{0x20, 0, 0x28, 2, 0, 0x0b}}}, // i32.load
	}
	base := object.FeatureSSE41 | object.FeaturePOPCNT | object.FeatureLZCNT | object.FeatureBMI1
	for _, c := range []struct {
		name   string
		m      *wasm.Module
		opt    int
		tuned  bool // the code depends on ERMS
		sameAs bool // compiled with and without ERMS, the objects are the same
	}{
		{"no memory.copy or fill -O2", noBulk, 2, false, true},
		{"no memory.copy or fill -O0", noBulk, 0, false, true},
		{"memory.copy and fill -O2", copyFillModule(), 2, true, false},
		{"memory.copy and fill -O0", copyFillModule(), 0, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var objs [2][]byte
			for i, feat := range []uint64{base | object.FeatureERMS, base} {
				obj, err := codegen.Compile(c.m, codegen.Options{OptLevel: c.opt, Features: feat})
				if err != nil {
					t.Fatal(err)
				}
				want := base
				if c.tuned && feat&object.FeatureERMS != 0 {
					want |= object.FeatureERMS
				}
				if obj.Meta.Features != want {
					t.Errorf("compiled for %s: records %s, want %s", object.FeatureString(feat),
						object.FeatureString(obj.Meta.Features), object.FeatureString(want))
				}
				meta, err := obj.Meta.MarshalBinary()
				if err != nil {
					t.Fatal(err)
				}
				objs[i] = append(append([]byte(nil), obj.Text...), meta...)
			}
			if same := bytes.Equal(objs[0], objs[1]); same != c.sameAs {
				t.Errorf("objects with and without ERMS the same: %v, want %v", same, c.sameAs)
			}
		})
	}
}
