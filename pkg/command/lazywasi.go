package command

import (
	"sync/atomic"

	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/wasi"
	"github.com/lucet-go/lucet/pkg/wasi/preview1"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// lazyWASI resolves WASI imports as SharedImports does, to host functions
// made once per process that find their wasi.System as the store's Data,
// but makes each one on its first lookup: a module imports a few of the
// 46, and making all of them (a host function and its interned signature
// each) was part of what every lucet-run paid at start.
type lazyWASI struct{}

// lazyFuncs holds the host function made for preview1.Funcs()[i] at i.
// An array of atomic pointers, not a sync.Map keyed by name: that boxed
// each name and grew its trie, 16 of lucet-run hello.so's ~195 heap
// allocations for its 7 WASI imports, where this allocates nothing.
var lazyFuncs [maxWASIFuncs]atomic.Pointer[execute.Func]

// maxWASIFuncs bounds len(preview1.Funcs()) (TestLazyWASICoversPreview1).
const maxWASIFuncs = 64

func (lazyWASI) Lookup(module, name string) (execute.Extern, bool) {
	if module != wasi.ModuleName {
		return nil, false
	}
	i := wasiIndex(name)
	if i < 0 {
		return nil, false
	}
	if f := lazyFuncs[i].Load(); f != nil {
		return f, true
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
	if !lazyFuncs[i].CompareAndSwap(nil, f) {
		f = lazyFuncs[i].Load()
	}
	return f, true
}

// wasiIndex is name's index in preview1.Funcs(), or -1. A scan of 46
// names, cheaper than building preview1's name index for the few lookups
// a module makes.
func wasiIndex(name string) int {
	for i, f := range preview1.Funcs() {
		if f.Name == name && i < len(lazyFuncs) {
			return i
		}
	}
	return -1
}
