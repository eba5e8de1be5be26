package bench

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/lucet-go/lucet"
	"github.com/lucet-go/lucet/api"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Module is a module loaded through the front door (package lucet) for
// one layout, as an embedder loads it.
type Module struct {
	rt  *lucet.Runtime
	mod *lucet.Module
}

// Load loads the module at path for layout l: a compiled object as it is
// (instantiating checks it fits l), a .wasm module compiled for l first
// (not cached: a benchmark measures this build of the compiler).
func Load(path string, l api.Layout) (*Module, error) {
	rt := lucet.NewRuntime(lucet.RuntimeConfig{Layout: l, NoCache: true})
	m, err := rt.LoadModule(path)
	if err != nil {
		// The front door names the file; the caller does too.
		if u := errors.Unwrap(err); u != nil {
			err = u
		}
		return nil, err
	}
	return &Module{rt: rt, mod: m}, nil
}

// LoadBytes is Load for a module already read (from standard input, say).
func LoadBytes(b []byte, l api.Layout) (*Module, error) {
	rt := lucet.NewRuntime(lucet.RuntimeConfig{Layout: l, NoCache: true})
	m, err := rt.CompileModule(context.Background(), b)
	if err != nil {
		// The front door says what failed; the caller names the input.
		if u := errors.Unwrap(err); u != nil {
			err = u
		}
		return nil, err
	}
	return &Module{rt: rt, mod: m}, nil
}

// Close releases the module once its instances are closed.
func (m *Module) Close() error { return m.mod.Close() }

// Factory makes the instances a benchmark measures, each the way an edge
// host makes one per request through the front door: Pool.Instantiate in
// the chosen layout, with WASI linked (argv, an empty stdin, stdout and
// stderr discarded). What lucet-bench reports is then what an embedder
// gets. The Go benchmarks and Run share it, so both time the same thing.
type Factory struct {
	mod  *Module
	pool *lucet.Pool
	cfg  lucet.InstanceConfig
}

// NewFactory prepares to instantiate mod in layout l within lim (zero
// fields take the layout's and runtime's defaults) and argv args, and makes
// one instance to check that it can (a module compiled for guard pages
// cannot run in the dense layout).
func NewFactory(mod *Module, l api.Layout, lim lucet.Limits, args []string) (*Factory, error) {
	pool, err := mod.rt.NewPool(lucet.PoolConfig{Layout: &l, Limits: lim})
	if err != nil {
		return nil, err
	}
	f := &Factory{mod: mod, pool: pool}
	f.cfg = lucet.InstanceConfig{WASI: &lucet.WASIConfig{Args: args, Stdout: io.Discard, Stderr: io.Discard}}
	in, err := f.New()
	if err != nil {
		f.Close()
		return nil, err
	}
	in.Close()
	return f, nil
}

// Close closes the factory's pool and every instance still alive in it.
func (f *Factory) Close() error {
	return f.pool.Close()
}

// Instance is one live instance.
type Instance = lucet.Instance

// New instantiates the module once.
func (f *Factory) New() (Instance, error) {
	return f.pool.Instantiate(context.Background(), f.mod.mod, f.cfg)
}

// call calls the parameterless export name of in, which checkCall found.
func call(in Instance, name string) error {
	var stack [8]uint64
	fn := in.Func(name)
	if fn == nil {
		return fmt.Errorf("no export %q", name)
	}
	return fn.CallRaw(context.Background(), stack[:])
}

// checkCall reports whether name is an export every instance can be
// called with no arguments.
func (f *Factory) checkCall(name string) error {
	for _, e := range f.mod.mod.Exports() {
		if e.Name != name {
			continue
		}
		in, err := f.New()
		if err != nil {
			return err
		}
		defer in.Close()
		fn := in.Func(name)
		if fn == nil {
			return fmt.Errorf("export %q is not a function", name)
		}
		if p := fn.Params(); len(p) != 0 {
			return fmt.Errorf("export %q has type %s; --call needs one without parameters", name, typeString(fn))
		}
		if len(fn.Results()) > 8 {
			return fmt.Errorf("export %q has %d results; --call takes at most 8", name, len(fn.Results()))
		}
		return nil
	}
	return fmt.Errorf("module exports no function %q", name)
}

func typeString(fn *lucet.Func) string {
	return wasm.FuncType{Params: fn.Params(), Results: fn.Results()}.String()
}
