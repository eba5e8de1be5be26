package lucet

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/lucet-go/lucet/api"
	"github.com/lucet-go/lucet/internal/layout"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/compile"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Layout is how a pool lays out its instances' memories: LayoutGuard for
// speed, LayoutDense for density. See the package documentation.
type Layout = api.Layout

// The layouts.
const (
	LayoutGuard = api.LayoutGuard
	LayoutDense = api.LayoutDense
)

// ParseLayout reads a layout's name: "guard" or "dense".
func ParseLayout(s string) (Layout, error) { return api.ParseLayout(s) }

// RuntimeConfig configures a Runtime. The zero value is the default.
type RuntimeConfig struct {
	// Layout is the layout the runtime compiles for and its pools use
	// unless told otherwise.
	Layout Layout
	// CacheDir is where compiled modules are kept between runs, keyed by
	// the module's bytes, the compiler and the options: "" is
	// $LUCET_CACHE_DIR, else the user's cache directory (lucet-run shares
	// it).
	CacheDir string
	// NoCache compiles every module afresh and writes nothing to disk.
	NoCache bool
	// Fuel compiles modules with fuel metering, which Limits.Fuel needs
	// (the code counts the instructions it runs, a few per cent slower).
	Fuel bool
}

// Runtime compiles and loads modules, holds the host modules their
// imports are resolved against, and makes pools to instantiate them in.
// It is safe for concurrent use.
type Runtime struct {
	cfg     RuntimeConfig
	mu      sync.Mutex // serializes definitions
	imports atomic.Pointer[importSet]
}

// NewRuntime makes a runtime.
func NewRuntime(cfg RuntimeConfig) *Runtime {
	return &Runtime{cfg: cfg}
}

// Module is a compiled module, loaded and ready to instantiate any number
// of times, from any goroutine. Its machine code is mapped once and shared
// by every instance.
type Module struct {
	rt    *Runtime
	m     *load.Module
	name  string
	shown string // name as errors print it: the module chose it (wasm.Printable)

	mu      sync.Mutex
	refs    int // live instances
	closed  bool
	checked map[checkKey]checkResult
}

func (r *Runtime) cache() (*compile.Cache, error) {
	if r.cfg.NoCache {
		return nil, nil
	}
	if r.cfg.CacheDir != "" {
		return &compile.Cache{Dir: r.cfg.CacheDir}, nil
	}
	return compile.DefaultCache()
}

// CompileModule turns module bytes into a Module: a .wasm module is
// compiled for the runtime's layout (through the cache, so the same bytes
// compile once), a compiled object (lucetc's .so) is loaded as it is.
func (r *Runtime) CompileModule(ctx context.Context, b []byte) (*Module, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c, err := r.cache()
	if err != nil {
		return nil, err
	}
	m, err := compile.Load(b, r.codegen(), c)
	if err != nil {
		return nil, fmt.Errorf("lucet: compile: %w", err)
	}
	return r.newModule(m, "")
}

// LoadModule is CompileModule for a file: a .wasm module or a compiled
// object, which is mapped from the file rather than read.
func (r *Runtime) LoadModule(path string) (*Module, error) {
	c, err := r.cache()
	if err != nil {
		return nil, err
	}
	m, err := compile.LoadFile(path, r.codegen(), c)
	if err != nil {
		return nil, fmt.Errorf("lucet: load %s: %w", path, err)
	}
	return r.newModule(m, strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
}

func (r *Runtime) codegen() codegen.Options {
	o := layout.Codegen(r.cfg.Layout)
	o.Fuel = r.cfg.Fuel
	return o
}

func (r *Runtime) newModule(m *load.Module, name string) (*Module, error) {
	if m.Meta.ModuleName != "" {
		name = m.Meta.ModuleName
	}
	if name == "" {
		name = "module"
	}
	return &Module{rt: r, m: m, name: name, shown: wasm.Printable(name)}, nil
}

// Name is the module's name (from its name section, else its file name).
func (m *Module) Name() string { return m.name }

// ImportDesc describes one import of a module.
type ImportDesc struct {
	Module, Name string
	Kind         string // "func", "table", "memory" or "global"
	Type         string // a function's signature, e.g. "[i32 i32] -> [i32]"
}

// Imports lists what the module imports.
func (m *Module) Imports() []ImportDesc {
	var out []ImportDesc
	for _, imp := range m.m.Meta.Imports {
		out = append(out, ImportDesc{Module: imp.Module, Name: imp.Name, Kind: imp.Kind.String(), Type: m.importType(imp)})
	}
	return out
}

// ExportDesc describes one export.
type ExportDesc struct {
	Name string
	Kind string // "func", "table", "memory" or "global"
	Type string // a function's signature, e.g. "[i32 i32] -> [i32]", as ImportDesc's
}

// Exports lists what the module exports.
func (m *Module) Exports() []ExportDesc {
	var out []ExportDesc
	for _, e := range m.m.Meta.Exports {
		out = append(out, ExportDesc{Name: e.Name, Kind: e.Kind.String(), Type: m.exportType(e)})
	}
	return out
}

// exportType is an exported function's signature: function indices
// count the imported functions first, then the module's own.
func (m *Module) exportType(e wasm.Export) string {
	if e.Kind != wasm.ExternFunc {
		return ""
	}
	meta := m.m.Meta
	idx := e.Index
	for _, imp := range meta.Imports {
		if imp.Kind != wasm.ExternFunc {
			continue
		}
		if idx == 0 {
			return m.importType(imp)
		}
		idx--
	}
	if int(idx) < len(meta.Funcs) && int(meta.Funcs[idx].TypeIndex) < len(meta.Types) {
		return meta.Types[meta.Funcs[idx].TypeIndex].String()
	}
	return ""
}

func (m *Module) importType(imp wasm.Import) string {
	if imp.Kind == wasm.ExternFunc && int(imp.Type) < len(m.m.Meta.Types) {
		return m.m.Meta.Types[imp.Type].String()
	}
	return ""
}

// Close releases the module once its last instance is closed; no new
// instances can be made from it.
func (m *Module) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	if m.refs == 0 {
		return m.m.Close()
	}
	return nil
}

func (m *Module) acquire() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return fmt.Errorf("instantiate %s: module: %w", m.shown, ErrClosed)
	}
	m.refs++
	return nil
}

func (m *Module) release() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.refs--
	if m.refs == 0 && m.closed {
		m.m.Close()
	}
}

// checkImports reports every import of m that imports cannot satisfy, by
// name, in one error.
func (m *Module) checkImports(imports execute.Imports) error {
	e := &ImportError{Module: m.name}
	for _, imp := range m.m.Meta.Imports {
		ext, ok := imports.Lookup(imp.Module, imp.Name)
		desc := wasm.Printable(imp.Module) + "." + wasm.Printable(imp.Name) // the module's names, any UTF-8
		if !ok {
			if t := m.importType(imp); t != "" {
				desc += ": func " + t
			} else {
				desc += ": " + imp.Kind.String()
			}
			e.Missing = append(e.Missing, desc)
			continue
		}
		if f, isFunc := ext.(*execute.Func); imp.Kind == wasm.ExternFunc && isFunc {
			if want := m.m.Meta.Types[imp.Type]; !f.Type().Equal(want) {
				e.Wrong = append(e.Wrong, fmt.Sprintf("%s: module wants func %s, host has func %s", desc, want, f.Type()))
			}
		} else if ext.ExternKind() != imp.Kind {
			e.Wrong = append(e.Wrong, fmt.Sprintf("%s: module wants a %s, host has a %s", desc, imp.Kind, ext.ExternKind()))
		}
	}
	if len(e.Missing) > 0 || len(e.Wrong) > 0 {
		return e
	}
	return nil
}
