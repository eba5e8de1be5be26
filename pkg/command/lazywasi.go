package command

import (
	"sync"

	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/wasi"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// lazyWASI resolves WASI imports as SharedImports does, to host functions
// made once per process that find their wasi.System as the store's Data,
// but makes each one on its first lookup: a module imports a few of the
// 46, and making all of them (a host function and its interned signature
// each) was part of what every lucet-run paid at start.
type lazyWASI struct{}

// lazyFuncs maps a name to its *execute.Func; a sync.Map, because after
// the first few lookups every instantiation only reads it.
var lazyFuncs sync.Map

func (lazyWASI) Lookup(module, name string) (execute.Extern, bool) {
	if module != wasi.ModuleName {
		return nil, false
	}
	if f, ok := lazyFuncs.Load(name); ok {
		return f.(*execute.Func), true
	}
	sf, ok := wasi.SharedNamed(name)
	if !ok {
		return nil, false
	}
	call := sf.Call
	f := execute.NewHostFunc(wasm.FuncType{Params: sf.Params, Results: sf.Results},
		func(c *execute.Caller, stack []uint64) error {
			sys, _ := c.Data().(*wasi.System)
			if sys == nil {
				return ErrNoSystem
			}
			return call(sys, (*callerMemory)(c), stack)
		})
	actual, _ := lazyFuncs.LoadOrStore(name, f)
	return actual.(*execute.Func), true
}
