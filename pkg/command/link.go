package command

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/value"
	"github.com/lucet-go/lucet/pkg/wasi"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Preload is a module instantiated before the main one, in the same store,
// whose exports satisfy imports from module Name (wasmtime's --preload).
// Preloads may import WASI and each other's exports; memories, tables,
// globals and functions are shared, as the spec links instances.
type Preload struct {
	Name   string
	Module *load.Module
}

// UnknownImports says what a main module's function import that nothing
// provides becomes. Other kinds of import must always be provided.
type UnknownImports int

const (
	// RefuseUnknown fails instantiation with an *execute.LinkError.
	RefuseUnknown UnknownImports = iota
	// TrapUnknown links a function that fails with *UnknownImportError
	// when called (wasmtime --trap-unknown-imports).
	TrapUnknown
	// DefaultUnknown links a function that returns zero values
	// (wasmtime --default-values-unknown-imports).
	DefaultUnknown
)

// UnknownImportError is the trap of a TrapUnknown import being called.
type UnknownImportError struct{ Module, Name string }

func (e *UnknownImportError) Error() string {
	return fmt.Sprintf("wasm trap: call to unknown import %s.%s", e.Module, e.Name)
}

// LinkSetupError is a set of preloads that cannot be linked: a name given
// twice, a reserved name, or modules that import from each other in a
// cycle.
type LinkSetupError struct{ Msg string }

func (e *LinkSetupError) Error() string { return e.Msg }

// Instance is a main module instantiated with everything it links to.
type Instance struct {
	*execute.Instance
	// Preloads are the preloaded instances, by name.
	Preloads map[string]*execute.Instance

	sys   *wasi.System
	store *execute.Store
	prev  any
}

// OutputLimited reports whether Options.MaxOutputBytes cut short or
// refused a write to stdout or stderr.
func (i *Instance) OutputLimited() bool { return i.sys != nil && i.sys.OutputLimited() }

// Close releases the WASI state the instances share and gives the store
// back its previous Data. The instances stay in the store.
func (i *Instance) Close() error {
	if i.sys == nil {
		return nil
	}
	i.store.SetData(i.prev)
	err := i.sys.Close()
	i.sys = nil
	return err
}

// Instantiate instantiates opts.Preloads in dependency order, then mod,
// in store. WASI (set up from opts as Link does) is linked when any of the
// modules imports it; imports from a preload's name resolve to its
// exports; a function import of mod that nothing provides is handled as
// opts.UnknownImports says. The caller closes the Instance.
func Instantiate(store *execute.Store, mod *load.Module, opts Options) (*Instance, error) {
	order, err := preloadOrder(opts.Preloads)
	if err != nil {
		return nil, err
	}
	l := &linker{byName: map[string]*execute.Instance{}}
	out := &Instance{store: store, prev: store.Data()}
	if importsWASI(mod) || anyImportsWASI(opts.Preloads) {
		sys, imports, err := Link(store, opts)
		if err != nil {
			return nil, err
		}
		out.sys, l.wasi = sys, imports
	}
	for _, p := range order {
		inst, err := store.Instantiate(p.Module, l)
		if err != nil {
			out.Close()
			return nil, fmt.Errorf("preload %s: %w", p.Name, err)
		}
		l.byName[p.Name] = inst
	}
	var imports execute.Imports = l
	if opts.UnknownImports != RefuseUnknown {
		imports = l.withUnknown(mod.Meta.Imports, mod.Meta.Types, opts.UnknownImports)
	}
	inst, err := store.Instantiate(mod, imports)
	if err != nil {
		out.Close()
		return nil, err
	}
	out.Instance, out.Preloads = inst, l.byName
	return out, nil
}

func importsWASI(m *load.Module) bool {
	for _, im := range m.Meta.Imports {
		if im.Module == wasi.ModuleName {
			return true
		}
	}
	return false
}

func anyImportsWASI(ps []Preload) bool {
	for _, p := range ps {
		if importsWASI(p.Module) {
			return true
		}
	}
	return false
}

// preloadOrder checks the preloads' names and sorts them so that each
// comes after the preloads it imports from.
func preloadOrder(ps []Preload) ([]Preload, error) {
	idx := map[string]int{}
	for i, p := range ps {
		switch {
		case p.Name == "":
			return nil, &LinkSetupError{"preload: empty module name"}
		case p.Name == wasi.ModuleName:
			return nil, &LinkSetupError{fmt.Sprintf("preload %s: the name is WASI's", p.Name)}
		}
		if _, dup := idx[p.Name]; dup {
			return nil, &LinkSetupError{fmt.Sprintf("preload %s: name given twice", p.Name)}
		}
		idx[p.Name] = i
	}
	deps := make([][]int, len(ps))
	for i, p := range ps {
		seen := map[int]bool{}
		for _, im := range p.Module.Meta.Imports {
			if j, ok := idx[im.Module]; ok && !seen[j] {
				seen[j] = true
				deps[i] = append(deps[i], j)
			}
		}
		sort.Ints(deps[i])
	}
	const (
		unvisited = iota
		visiting
		done
	)
	state := make([]int, len(ps))
	var order []Preload
	var stack []string
	var visit func(i int) error
	visit = func(i int) error {
		switch state[i] {
		case done:
			return nil
		case visiting:
			start := 0
			for k, n := range stack {
				if n == ps[i].Name {
					start = k
				}
			}
			cycle := append(append([]string{}, stack[start:]...), ps[i].Name)
			return &LinkSetupError{"preload cycle: " + strings.Join(cycle, " imports ")}
		}
		state[i] = visiting
		stack = append(stack, ps[i].Name)
		for _, j := range deps[i] {
			if err := visit(j); err != nil {
				return err
			}
		}
		stack = stack[:len(stack)-1]
		state[i] = done
		order = append(order, ps[i])
		return nil
	}
	for i := range ps {
		if err := visit(i); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// linker resolves imports from WASI and the preloads.
type linker struct {
	wasi   execute.Imports
	byName map[string]*execute.Instance
}

func (l *linker) Lookup(module, name string) (execute.Extern, bool) {
	if module == wasi.ModuleName && l.wasi != nil {
		return l.wasi.Lookup(module, name)
	}
	if inst, ok := l.byName[module]; ok {
		return inst.Export(name)
	}
	return nil, false
}

// withUnknown returns Imports that add, for each function import the
// linker cannot resolve, a stand-in as mode says.
func (l *linker) withUnknown(imps []wasm.Import, types []wasm.FuncType, mode UnknownImports) execute.Imports {
	extra := execute.ImportMap{}
	for _, im := range imps {
		if im.Kind != wasm.ExternFunc {
			continue
		}
		if _, ok := l.Lookup(im.Module, im.Name); ok {
			continue
		}
		if int(im.Type) >= len(types) {
			continue // the instantiation reports the bad index
		}
		t := types[im.Type]
		var fn execute.HostFunc
		if mode == TrapUnknown {
			e := &UnknownImportError{Module: im.Module, Name: im.Name}
			fn = func(*execute.Caller, []uint64) error { return e }
		} else {
			// Slots, not results: a v128 takes two, and clearing only
			// its first left the high half of the arguments there.
			n := execute.Slots(t.Results)
			fn = func(_ *execute.Caller, stack []uint64) error {
				clear(stack[:n])
				return nil
			}
		}
		if extra[im.Module] == nil {
			extra[im.Module] = map[string]execute.Extern{}
		}
		extra[im.Module][im.Name] = execute.NewHostFunc(t, fn)
	}
	return chain{l, extra}
}

// chain looks imports up in each Imports in turn.
type chain []execute.Imports

func (c chain) Lookup(module, name string) (execute.Extern, bool) {
	for _, i := range c {
		if e, ok := i.Lookup(module, name); ok {
			return e, true
		}
	}
	return nil, false
}

// ArgError is an --invoke request that does not fit the export: no such
// export, not a function, or arguments that do not match its parameters.
type ArgError struct{ error }

func (e ArgError) Unwrap() error { return e.error }

// Invoke calls the export name of inst with args in the value text format
// (see package value) and returns its results in that format.
func Invoke(inst *execute.Instance, name string, args []string) ([]string, error) {
	ext, ok := inst.Export(name)
	if !ok {
		return nil, ArgError{fmt.Errorf("no export %q", name)}
	}
	f, ok := ext.(*execute.Func)
	if !ok {
		return nil, ArgError{fmt.Errorf("export %q is a %s, not a function", name, ext.ExternKind())}
	}
	ft := f.Type()
	if len(args) != len(ft.Params) {
		return nil, ArgError{fmt.Errorf("%s takes %s (%s), got %d", name, arguments(len(ft.Params)), ft, len(args))}
	}
	vals := make([]uint64, 0, execute.Slots(ft.Params))
	for i, a := range args {
		if ft.Params[i] == wasm.V128 { // two slots, low half first
			lo, hi, err := value.ParseV128(a)
			if err != nil {
				return nil, ArgError{fmt.Errorf("argument %d: %w", i+1, err)}
			}
			vals = append(vals, lo, hi)
			continue
		}
		v, err := value.Parse(a, ft.Params[i])
		if err != nil {
			return nil, ArgError{fmt.Errorf("argument %d: %w", i+1, err)}
		}
		vals = append(vals, v)
	}
	res, err := f.Call(vals...)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(ft.Results))
	for i, t := range ft.Results {
		if t == wasm.V128 {
			out[i] = value.FormatV128(res[0], res[1])
			res = res[2:]
			continue
		}
		out[i] = value.Format(res[0], t)
		res = res[1:]
	}
	return out, nil
}

// IsArgError reports whether err is an ArgError.
func IsArgError(err error) bool {
	var a ArgError
	return errors.As(err, &a)
}

// IsTimeout reports whether err ended a run because its time ran out (a
// store's Timeout, context or Kill).
func IsTimeout(err error) bool { return execute.IsTrap(err, abi.TrapInterrupt) }

// IsTrap reports whether err is a guest trap: one of the runtime's, or a
// call to an unknown import linked by TrapUnknown.
func IsTrap(err error) bool {
	var t *execute.Trap
	var u *UnknownImportError
	return errors.As(err, &t) || errors.As(err, &u)
}

// arguments is "1 argument" or "N arguments".
func arguments(n int) string {
	if n == 1 {
		return "1 argument"
	}
	return fmt.Sprintf("%d arguments", n)
}
