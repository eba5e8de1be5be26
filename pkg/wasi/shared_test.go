package wasi

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/wasi/preview1"
)

// Every preview1 function has a host function, by name, and SharedNamed
// makes the same SharedFunc as Shared's table has.
func TestSharedNamedCoversPreview1(t *testing.T) {
	shared := Shared()
	if len(shared) != len(preview1.Funcs()) {
		t.Fatalf("Shared has %d functions, preview1 %d", len(shared), len(preview1.Funcs()))
	}
	for i, f := range preview1.Funcs() {
		sf, ok := SharedNamed(f.Name)
		if !ok || sf.Call == nil || sf.Name != f.Name || len(sf.Params) != len(f.Type.Params) {
			t.Errorf("SharedNamed(%s) = %+v, %v", f.Name, sf, ok)
		}
		if shared[i].Name != f.Name {
			t.Errorf("Shared()[%d] is %s, want %s", i, shared[i].Name, f.Name)
		}
	}
	if _, ok := SharedNamed("nope"); ok {
		t.Error("SharedNamed(nope) found a function")
	}
}
