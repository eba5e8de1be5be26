package bench

import (
	"fmt"
	"io"

	"github.com/lucet-go/lucet/api"
	"github.com/lucet-go/lucet/internal/layout"
	"github.com/lucet-go/lucet/pkg/command"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/wasi"
)

// Factory makes the instances a benchmark measures, each the way an edge
// host makes one per request: a store of its own in the chosen layout, with
// WASI linked (argv, an empty stdin, stdout and stderr discarded). The Go
// benchmarks and Run share it, so both time the same thing.
type Factory struct {
	mod  *load.Module
	cfg  execute.Config
	args []string
}

// NewFactory checks that mod can run in layout l (memory limit maxMemory
// bytes, 0 for the layout's default) and prepares to instantiate it with
// argv args.
func NewFactory(mod *load.Module, l api.Layout, maxMemory uint64, args []string) (*Factory, error) {
	if err := layout.Check(mod.Meta, l); err != nil {
		return nil, err
	}
	cfg, err := layout.Store(l, maxMemory)
	if err != nil {
		return nil, err
	}
	return &Factory{mod: mod, cfg: cfg, args: args}, nil
}

// Instance is one live instance with everything it owns.
type Instance struct {
	Store *execute.Store
	Sys   *wasi.System
	Inst  *execute.Instance
}

// New instantiates the module once.
func (f *Factory) New() (*Instance, error) {
	st, err := execute.NewStore(f.cfg)
	if err != nil {
		return nil, err
	}
	sys, imports, err := command.Link(st, command.Options{Args: f.args, Stdin: emptyReader{}, Stdout: io.Discard, Stderr: io.Discard})
	if err != nil {
		st.Close()
		return nil, err
	}
	inst, err := st.Instantiate(f.mod, imports)
	if err != nil {
		st.Close()
		sys.Close()
		return nil, err
	}
	return &Instance{Store: st, Sys: sys, Inst: inst}, nil
}

// Close frees the instance.
func (in *Instance) Close() {
	in.Store.Close()
	in.Sys.Close()
}

// checkCall reports whether name is an export every instance can be
// called with no arguments.
func (f *Factory) checkCall(name string) error {
	for _, e := range f.mod.Meta.Exports {
		if e.Name != name {
			continue
		}
		in, err := f.New()
		if err != nil {
			return err
		}
		defer in.Close()
		fn := in.Inst.Func(name)
		if fn == nil {
			return fmt.Errorf("export %q is not a function", name)
		}
		if t := fn.Type(); len(t.Params) != 0 {
			return fmt.Errorf("export %q has type %s; --call needs one without parameters", name, t)
		}
		return nil
	}
	return fmt.Errorf("module exports no function %q", name)
}

type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, io.EOF }
