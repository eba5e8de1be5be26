package lucet

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"sync"

	"github.com/lucet-go/lucet/pkg/command"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/wasi"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// HostModule is a named set of Go functions that guests import (the
// module name of their imports). Define functions before instantiating
// modules that import them; every pool of the runtime sees them.
type HostModule struct {
	rt   *Runtime
	name string
}

// NewHostModule returns the runtime's host module called name, making it
// if it does not exist yet. wasi_snapshot_preview1 is reserved: instances
// get WASI through InstanceConfig.WASI.
func (r *Runtime) NewHostModule(name string) *HostModule {
	return &HostModule{rt: r, name: name}
}

// Func defines the Go function fn as name. Its signature is read once,
// here, by reflection: parameters and results of type int32 or uint32
// (wasm i32), int64 or uint64 (i64), float32 (f32) and float64 (f64); an
// optional first parameter *Caller (the calling instance, its memory and
// data) or context.Context (the context of the guest call); an optional
// last result error, which, when not nil, ends the guest call with that
// error. A panic in fn ends the guest call with an error too; it never
// reaches the host's caller.
func (h *HostModule) Func(name string, fn any) error {
	hf, err := newHostFunc(h.name+"."+name, fn)
	if err != nil {
		return err
	}
	return h.rt.define(h.name, name, execute.NewHostFunc(hf.typ, hf.call))
}

// RawFunc defines a function given its wasm signature and a Go function
// over raw 64-bit slots: stack holds the parameters on entry (i32 in the
// low 32 bits, floats as their bits) and receives the results from
// stack[0]. It costs nothing per call beyond the call itself.
func (h *HostModule) RawFunc(name string, params, results []ValueType, fn func(c *Caller, stack []uint64) error) error {
	if fn == nil {
		return fmt.Errorf("lucet: host function %s.%s is nil", h.name, name)
	}
	t := wasm.FuncType{Params: params, Results: results}
	// A panic in fn ends the call with an *execute.HostPanicError naming
	// the import (the runtime recovers it once per call into the guest).
	return h.rt.define(h.name, name, execute.NewHostFunc(t, func(c *execute.Caller, stack []uint64) error {
		return fn((*Caller)(c), stack)
	}))
}

// define adds a function to the runtime's imports: a new snapshot, so
// instantiations never take a lock to look imports up.
func (r *Runtime) define(module, name string, f *execute.Func) error {
	if module == "" || name == "" {
		return fmt.Errorf("lucet: host function %q.%q: module and function need names", module, name)
	}
	if module == wasi.ModuleName {
		return fmt.Errorf("lucet: host module %s is reserved for WASI (InstanceConfig.WASI)", module)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.imports.Load()
	next := &importSet{gen: 1, host: execute.ImportMap{}}
	if old != nil {
		next.gen = old.gen + 1
		for m, fs := range old.host {
			next.host[m] = fs
		}
	}
	fs := make(map[string]execute.Extern, len(next.host[module])+1)
	for n, e := range next.host[module] {
		fs[n] = e
	}
	fs[name] = f
	next.host[module] = fs
	r.imports.Store(next)
	return nil
}

// importSet is the runtime's host functions at one moment; gen names it.
type importSet struct {
	gen  uint64
	host execute.ImportMap
}

func (r *Runtime) importsNow() *importSet {
	if s := r.imports.Load(); s != nil {
		return s
	}
	return &importSet{}
}

// resolver looks imports up in the host modules and, for an instance with
// WASI, in wasi_snapshot_preview1.
type resolver struct {
	host execute.ImportMap
	wasi bool
}

func (r resolver) Lookup(module, name string) (execute.Extern, bool) {
	if module == wasi.ModuleName {
		if !r.wasi {
			return nil, false
		}
		return wasiImports().Lookup(module, name)
	}
	return r.host.Lookup(module, name)
}

// wasiImports are the WASI functions made once per process: each call
// finds its wasi.System through the calling instance.
var wasiImports = sync.OnceValue(func() execute.ImportMap {
	return command.WASIImports(func(data any) *wasi.System {
		if s, ok := data.(*slot); ok && s.hasSys {
			return s.sys
		}
		return nil
	})
})

// Caller is what a host function sees of the guest that called it.
type Caller execute.Caller

// Instance is the calling instance.
func (c *Caller) Instance() Instance {
	s := c.slot()
	if s == nil {
		return Instance{}
	}
	return Instance{s, s.gen.Load()}
}

// slot is the calling instance's slot, or nil (a host function called
// directly, not by a guest of a pool).
func (c *Caller) slot() *slot {
	s, _ := (*execute.Caller)(c).Data().(*slot)
	return s
}

// Memory is the calling instance's memory: empty if it has none.
func (c *Caller) Memory() Memory {
	s := c.slot()
	ei := (*execute.Caller)(c).Instance()
	if s == nil || ei == nil || ei.Memory() == nil {
		return Memory{}
	}
	return Memory{s: s, gen: s.gen.Load(), m: ei.Memory()}
}

// Data is InstanceConfig.Data of the calling instance.
func (c *Caller) Data() any {
	if s := c.slot(); s != nil {
		return s.data
	}
	return nil
}

// Context is the context of the guest call being served (Done when it is
// cancelled, timed out or killed, see Done); context.Background() when it
// has none.
func (c *Caller) Context() context.Context {
	if s := c.slot(); s != nil && s.ctx != nil {
		return s.ctx
	}
	return context.Background()
}

// Done is closed when the guest call is cancelled, timed out or killed: a
// host function that blocks should select on it.
func (c *Caller) Done() <-chan struct{} { return (*execute.Caller)(c).Done() }

// hostFunc is a typed Go function with its signature worked out.
type hostFunc struct {
	name      string
	typ       wasm.FuncType
	fn        reflect.Value
	first     int // 0 none, 1 *Caller, 2 context.Context
	params    []reflect.Type
	returnErr bool
	fast      func(c *execute.Caller, stack []uint64) error
}

var (
	callerType  = reflect.TypeFor[*Caller]()
	contextType = reflect.TypeFor[context.Context]()
	errorType   = reflect.TypeFor[error]()
)

func valueType(t reflect.Type) (ValueType, bool) {
	switch t.Kind() {
	case reflect.Int32, reflect.Uint32:
		return wasm.I32, true
	case reflect.Int64, reflect.Uint64:
		return wasm.I64, true
	case reflect.Float32:
		return wasm.F32, true
	case reflect.Float64:
		return wasm.F64, true
	}
	return 0, false
}

func newHostFunc(name string, fn any) (*hostFunc, error) {
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func || v.IsNil() {
		return nil, fmt.Errorf("lucet: host function %s: %T is not a function", name, fn)
	}
	t := v.Type()
	if t.IsVariadic() {
		return nil, fmt.Errorf("lucet: host function %s: variadic functions cannot be imported", name)
	}
	h := &hostFunc{name: name, fn: v}
	for i := 0; i < t.NumIn(); i++ {
		p := t.In(i)
		if i == 0 && p == callerType {
			h.first = 1
			continue
		}
		if i == 0 && p == contextType {
			h.first = 2
			continue
		}
		vt, ok := valueType(p)
		if !ok {
			return nil, fmt.Errorf("lucet: host function %s: parameter %d has type %s; want int32, uint32, int64, uint64, float32 or float64 (or a first *lucet.Caller or context.Context)", name, i+1, p)
		}
		h.typ.Params = append(h.typ.Params, vt)
		h.params = append(h.params, p)
	}
	for i := 0; i < t.NumOut(); i++ {
		r := t.Out(i)
		if i == t.NumOut()-1 && r == errorType {
			h.returnErr = true
			continue
		}
		vt, ok := valueType(r)
		if !ok {
			return nil, fmt.Errorf("lucet: host function %s: result %d has type %s; want int32, uint32, int64, uint64, float32 or float64 (or a last error)", name, i+1, r)
		}
		h.typ.Results = append(h.typ.Results, vt)
	}
	h.fast = fastPath(fn)
	return h, nil
}

// call is the execute.HostFunc: a direct call for the common signatures
// fastPath knows, reflect.Value.Call for the rest.
func (h *hostFunc) call(c *execute.Caller, stack []uint64) error {
	if h.fast != nil {
		return h.fast(c, stack)
	}
	in := make([]reflect.Value, 0, len(h.params)+1)
	switch h.first {
	case 1:
		in = append(in, reflect.ValueOf((*Caller)(c)))
	case 2:
		in = append(in, reflect.ValueOf((*Caller)(c).Context()))
	}
	for i, p := range h.params {
		in = append(in, fromSlot(stack[i], p))
	}
	out := h.fn.Call(in)
	if h.returnErr {
		if e := out[len(out)-1]; !e.IsNil() {
			return fmt.Errorf("host function %s: %w", h.name, e.Interface().(error))
		}
		out = out[:len(out)-1]
	}
	for i, r := range out {
		stack[i] = toSlot(r)
	}
	return nil
}

func fromSlot(v uint64, t reflect.Type) reflect.Value {
	x := reflect.New(t).Elem()
	switch t.Kind() {
	case reflect.Int32:
		x.SetInt(int64(int32(uint32(v))))
	case reflect.Uint32:
		x.SetUint(uint64(uint32(v)))
	case reflect.Int64:
		x.SetInt(int64(v))
	case reflect.Uint64:
		x.SetUint(v)
	case reflect.Float32:
		x.SetFloat(float64(math.Float32frombits(uint32(v))))
	case reflect.Float64:
		x.SetFloat(math.Float64frombits(v))
	}
	return x
}

func toSlot(v reflect.Value) uint64 {
	switch v.Kind() {
	case reflect.Int32:
		return uint64(uint32(int32(v.Int())))
	case reflect.Uint32:
		return uint64(uint32(v.Uint()))
	case reflect.Int64:
		return uint64(v.Int())
	case reflect.Uint64:
		return v.Uint()
	case reflect.Float32:
		return uint64(math.Float32bits(float32(v.Float())))
	case reflect.Float64:
		return math.Float64bits(v.Float())
	}
	return 0
}

// fastPath returns a direct, allocation-free call for common signatures.
func fastPath(fn any) func(c *execute.Caller, stack []uint64) error {
	switch f := fn.(type) {
	case func():
		return func(*execute.Caller, []uint64) error { f(); return nil }
	case func(int32) int32:
		return func(_ *execute.Caller, s []uint64) error { s[0] = uint64(uint32(f(int32(s[0])))); return nil }
	case func(int32, int32) int32:
		return func(_ *execute.Caller, s []uint64) error {
			s[0] = uint64(uint32(f(int32(s[0]), int32(s[1]))))
			return nil
		}
	case func(uint32, uint32) uint32:
		return func(_ *execute.Caller, s []uint64) error { s[0] = uint64(f(uint32(s[0]), uint32(s[1]))); return nil }
	case func(int64, int64) int64:
		return func(_ *execute.Caller, s []uint64) error { s[0] = uint64(f(int64(s[0]), int64(s[1]))); return nil }
	case func(*Caller, uint32, uint32):
		return func(c *execute.Caller, s []uint64) error { f((*Caller)(c), uint32(s[0]), uint32(s[1])); return nil }
	case func(*Caller, uint32, uint32) uint32:
		return func(c *execute.Caller, s []uint64) error {
			s[0] = uint64(f((*Caller)(c), uint32(s[0]), uint32(s[1])))
			return nil
		}
	case func(*Caller, uint32, uint32) error:
		return func(c *execute.Caller, s []uint64) error {
			if err := f((*Caller)(c), uint32(s[0]), uint32(s[1])); err != nil {
				return fmt.Errorf("host function: %w", err)
			}
			return nil
		}
	}
	return nil
}
