package command

import (
	"testing"

	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/wasi"
	"github.com/lucet-go/lucet/pkg/wasi/preview1"
)

// Every preview1 function has a slot in lazyFuncs, and a lookup returns
// the same host function each time, of the function's own type.
func TestLazyWASICoversPreview1(t *testing.T) {
	fs := preview1.Funcs()
	if len(fs) > maxWASIFuncs {
		t.Fatalf("preview1 has %d functions, lazyFuncs room for %d: raise maxWASIFuncs", len(fs), maxWASIFuncs)
	}
	for _, f := range fs {
		a, ok := lazyWASI{}.Lookup(wasi.ModuleName, f.Name)
		if !ok {
			t.Errorf("%s: not found", f.Name)
			continue
		}
		if b, _ := (lazyWASI{}).Lookup(wasi.ModuleName, f.Name); b != a {
			t.Errorf("%s: a second lookup made another function", f.Name)
		}
		if got := a.(*execute.Func).Type(); got.String() != f.Type.String() {
			t.Errorf("%s: type %s, want %s", f.Name, got, f.Type)
		}
	}
	for _, c := range []struct{ module, name string }{{wasi.ModuleName, "no_such_call"}, {"env", "fd_write"}} {
		if _, ok := (lazyWASI{}).Lookup(c.module, c.name); ok {
			t.Errorf("Lookup(%q, %q) found something", c.module, c.name)
		}
	}
}
