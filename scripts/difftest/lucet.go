package main

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/lucet-go/lucet/internal/wasmgen"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/compile"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// lucetConfig is one way lucet compiles and runs a module.
type lucetConfig struct {
	name     string
	opt      int
	bounds   object.BoundsChecks
	baseline bool // the portable default CPU features (lucetc's), not this host's
	fuel     bool // instrumented for fuel metering (with a budget it cannot exhaust)
	// features, when not 0, are the CPU features instead of the host's
	// (SSE4.1 alone: the emitter's sequences for popcnt, lzcnt, tzcnt
	// and andn without those instructions).
	features uint64
}

// lucetConfigs: both tiers in both bounds modes with this host's
// features (what lucet-run and the Runtime API compile), the optimizing
// tier for lucetc's portable baseline, both tiers with SSE4.1 alone
// (the least lucet runs on), and the optimizing tier with fuel metering
// (its counters at loop heads and calls live across the code the other
// configurations compile).
var lucetConfigs = []lucetConfig{
	{"O2-guard", 2, object.BoundsGuard, false, false, 0},
	{"O0-guard", 0, object.BoundsGuard, false, false, 0},
	{"O2-explicit", 2, object.BoundsExplicit, false, false, 0},
	{"O0-explicit", 0, object.BoundsExplicit, false, false, 0},
	{"O2-guard-baseline", 2, object.BoundsGuard, true, false, 0},
	{"O2-guard-sse41", 2, object.BoundsGuard, false, false, object.FeatureSSE41},
	{"O0-explicit-sse41", 0, object.BoundsExplicit, false, false, object.FeatureSSE41},
	{"O2-guard-fuel", 2, object.BoundsGuard, false, true, 0},
}

// maxLog is how many logged values a call keeps, as wt.c's MAXLOG: host
// functions called in long loops log more.
const maxLog = 4096

type lucetInstance struct {
	mod   *load.Module
	store *execute.Store
	inst  *execute.Instance
	log   *[]value
}

// lucetNew compiles and instantiates b under c. Function imports log
// their arguments and return zeros, global imports hold zero, as in
// wasmtime (wt.c).
func lucetNew(b []byte, m *wasm.Module, c lucetConfig, memPages uint32, tableElems uint32) (*lucetInstance, string, error) {
	opts := compile.DefaultOptions()
	opts.OptLevel = c.opt
	opts.Bounds = c.bounds
	opts.Parallel = 1
	opts.Fuel = c.fuel
	if c.baseline {
		opts.Features = 0
	}
	if c.features != 0 {
		opts.Features = c.features
	}
	o, err := compile.Wasm(b, opts)
	if err != nil {
		return nil, "compile", err
	}
	mod, err := load.FromObject(o)
	if err != nil {
		return nil, "load", err
	}
	cfg := execute.Config{MaxMemoryPages: memPages, MaxTableElements: tableElems, Timeout: callTimeout}
	if c.bounds == object.BoundsExplicit {
		cfg.Layout = execute.LayoutDense
	}
	store, err := execute.NewStore(cfg)
	if err != nil {
		mod.Close()
		return nil, "store", err
	}
	li := &lucetInstance{mod: mod, store: store, log: new([]value)}
	imports := execute.ImportMap{}
	for _, imp := range m.Imports {
		if imports[imp.Module] == nil {
			imports[imp.Module] = map[string]execute.Extern{}
		}
		if imp.Kind == wasm.ExternGlobal {
			imports[imp.Module][imp.Name] = execute.NewGlobal(imp.Global, 0)
			continue
		}
		if imp.Kind != wasm.ExternFunc {
			li.close()
			return nil, "link", errors.New("unsupported import")
		}
		ft := m.Types[imp.Type]
		host, isHost := hostFunc(imp.Module, imp.Name, ft)
		imports[imp.Module][imp.Name] = execute.NewHostFunc(ft, func(caller *execute.Caller, stack []uint64) error {
			i := 0
			for _, p := range ft.Params {
				v := value{t: p, lo: stack[i]}
				i++
				if p == wasm.V128 {
					v.hi = stack[i]
					i++
				}
				if p == wasm.FuncRef && v.lo != 0 {
					v.lo = 1 // an externref logs as its id (wasmgen.ExternID), as wt.c's
				}
				if len(*li.log) < maxLog {
					*li.log = append(*li.log, v)
				}
			}
			if isHost {
				var callee *wasmgen.Callee
				if exp := wasmgen.CalleeName(host.Name); exp != "" {
					f, ok := exportFunc(m, exp)
					if !ok {
						return errors.New("no callee " + exp)
					}
					callee = &wasmgen.Callee{Func: f, Call: func(args []uint64) ([]uint64, error) {
						return caller.Instance().Func(exp).Call(args...)
					}}
				}
				res, err := wasmgen.HostCall(host, stack, callee)
				copy(stack, res)
				return err
			}
			for j := range stack {
				stack[j] = 0
			}
			return nil
		})
	}
	li.inst, err = store.Instantiate(mod, imports)
	if err != nil {
		li.close()
		var tr *execute.Trap
		if errors.As(err, &tr) {
			return nil, "start", errors.New(trapName(tr.Code))
		}
		return nil, "link", err
	}
	return li, "", nil
}

func (l *lucetInstance) close() {
	l.store.Close()
	l.mod.Close()
}

// trapName is the trap's name, call_indirect past the table's end
// counted as wasmtime counts it (table out of bounds).
func trapName(c abi.TrapCode) string {
	if c == abi.TrapUndefinedElement {
		c = abi.TrapTableOutOfBounds
	}
	return c.String()
}

func (l *lucetInstance) call(name string, ft wasm.FuncType, args []uint64, timeout time.Duration) outcome {
	f := l.inst.Func(name)
	slots := make([]uint64, 0, len(args))
	for i, p := range ft.Params {
		slots = append(slots, args[2*i])
		if p == wasm.V128 {
			slots = append(slots, args[2*i+1])
		} else if p.IsRef() {
			slots[len(slots)-1] = 0
		}
	}
	*l.log = (*l.log)[:0]
	res, err := f.Call(slots...)
	o := outcome{log: append([]value(nil), *l.log...)}
	if err != nil {
		var tr *execute.Trap
		if errors.As(err, &tr) {
			o.trap = trapName(tr.Code)
			o.offset = int64(tr.WasmOffset)
		} else if errors.Is(err, wasmgen.ErrHostTrap) {
			o.trap, o.offset = hostTrap, -1
		} else {
			o.trap = fmt.Sprintf("error: %v", err)
		}
		return o
	}
	i := 0
	for _, t := range ft.Results {
		v := value{t: t, lo: res[i]}
		i++
		if t == wasm.V128 {
			v.hi = res[i]
			i++
		}
		if t.IsRef() && v.lo != 0 {
			v.lo = 1
		}
		o.results = append(o.results, v)
	}
	return o
}

func (l *lucetInstance) memory(name string) ([]byte, bool) {
	e, ok := l.inst.Export(name)
	if !ok {
		return nil, false
	}
	m, ok := e.(*execute.Memory)
	if !ok {
		return nil, false
	}
	return m.Bytes(), true
}

func (l *lucetInstance) global(name string) (value, bool) {
	e, ok := l.inst.Export(name)
	if !ok {
		return value{}, false
	}
	g, ok := e.(*execute.Global)
	if !ok {
		return value{}, false
	}
	t := g.Type().Type
	if t == wasm.V128 {
		b := g.GetV128()
		return value{t, le64(b[:8]), le64(b[8:])}, true
	}
	v := value{t: t, lo: g.Get()}
	if t.IsRef() && v.lo != 0 {
		v.lo = 1
	}
	return v, true
}

func le64(b []byte) uint64 {
	var v uint64
	for i := 7; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// deterministic compiles b at -O 2 with one and with three goroutines and
// says how the objects' code differs ("" if it does not): functions
// compile in parallel and are concatenated after, so the code must not
// depend on the parallelism (compile_test checks the test modules so).
func deterministic(b []byte) string {
	var texts [2][]byte
	for i, par := range []int{1, 3} {
		opts := compile.DefaultOptions()
		opts.OptLevel = 2
		opts.Parallel = par
		o, err := compile.Wasm(b, opts)
		if err != nil {
			return ""
		}
		texts[i] = o.Text
	}
	if !bytes.Equal(texts[0], texts[1]) {
		return fmt.Sprintf("nondeterministic: -O 2 code of %d bytes with 1 goroutine, %d with 3", len(texts[0]), len(texts[1]))
	}
	return ""
}
