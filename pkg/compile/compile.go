// Package compile runs the front half of the pipeline in one call: the bytes
// of a .wasm module in, a compiled object out (decode, validate, codegen,
// link) — and keeps compiled objects in an on-disk cache (cache.go), so a
// second run of the same module skips compilation (like wasmtime's cache).
// lucetc and lucet-run both compile through ELF, so a .so written by
// lucetc and a cache entry are the same bytes.
//
// In: module bytes and codegen options. Out: an *object.Object, the ELF
// bytes of one, or a loaded module.
package compile

import (
	"errors"
	"fmt"
	"time"

	"github.com/lucet-go/lucet/internal/sniff"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/validate"
)

// Options are the code generator's options; DefaultOptions gives the
// tools' defaults. (An alias, so callers need not import codegen.)
type Options = codegen.Options

// DefaultOptions returns the options for code compiled to run on this
// machine (lucet-run and its cache, the Runtime API, lucet-bench):
// codegen's defaults with every CPU feature of this host allowed, as
// wasmtime and V8 compile for the host they run on (the AVX lowering of
// memory.copy, for one, moves twice the bytes per store). lucetc's
// default stays the portable baseline; `lucetc --target-cpu=native`
// writes the very object the cache stores. A host without SSE4.1, which
// every object needs, gets the portable default, so that loading names
// the missing feature.
func DefaultOptions() Options {
	o := codegen.Default()
	if f := load.HostFeatures(); f&object.FeatureSSE41 != 0 {
		o.Features = f
	}
	return o
}

// Trace, when not nil, is told how long each stage took and what it made
// (lucetc -v).
type Trace func(stage string, d time.Duration, detail string)

func (t Trace) stage(name string, start time.Time, format string, args ...any) {
	if t != nil {
		t(name, time.Since(start), fmt.Sprintf(format, args...))
	}
}

// ErrTextFormat is returned for a module in the text format.
var ErrTextFormat = errors.New("this is the WebAssembly text format; lucet reads binary modules (convert with wat2wasm)")

// ErrNotModule is returned for bytes that are neither a .wasm module nor
// an ELF file: saying "not an ELF file" of an empty or mistyped .wasm
// would send its user looking for an object they never meant to give.
var ErrNotModule = errors.New("not a WebAssembly module or a lucet object")

// notModule is ErrNotModule with what b holds instead.
func notModule(b []byte) error {
	if len(b) == 0 {
		return fmt.Errorf("%w: the file is empty", ErrNotModule)
	}
	return fmt.Errorf("%w (starts with % x)", ErrNotModule, b[:min(len(b), 4)])
}

// Wasm decodes, validates and compiles a module. Errors name the stage.
func Wasm(b []byte, opts Options) (*object.Object, error) { return Object(b, opts, nil) }

// Object is Wasm, telling trace about each stage.
func Object(b []byte, opts Options, trace Trace) (*object.Object, error) {
	if sniff.IsText(b) {
		return nil, ErrTextFormat
	}
	// The two inputs a user gives by mistake get a plain answer rather
	// than the decoder's view of byte 0.
	switch {
	case len(b) == 0:
		return nil, errors.New("decode: the file is empty, not a .wasm module")
	case sniff.IsELF(b):
		return nil, errors.New("decode: an ELF file (an object lucetc already compiled?), not a .wasm module")
	}
	start := time.Now()
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	trace.stage("decode", start, "%d types, %d imports, %d functions, %d exports", len(m.Types), len(m.Imports), len(m.Funcs), len(m.Exports))
	start = time.Now()
	info, err := validate.Module(m, validate.Options{Parallel: opts.Parallel})
	if err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	trace.stage("validate", start, "")
	start = time.Now()
	o, st, err := codegen.CompileValidated(m, info, opts)
	if err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	base := ""
	if opts.OptLevel == 0 {
		base = fmt.Sprintf(", baseline %d of %d functions", st.Baseline, st.Funcs)
	}
	trace.stage("compile", start, "%d bytes of code, %d sites, opt level %d%s, %s bounds checks, CPU features %s",
		len(o.Text), len(o.Meta.Sites), opts.OptLevel, base, boundsName(o.Meta.Bounds), object.FeatureString(o.Meta.Features))
	return o, nil
}

func boundsName(b object.BoundsChecks) string {
	if b == object.BoundsGuard {
		return "guard"
	}
	return "explicit"
}

// ELF compiles b and links the object: the bytes of a .so, as lucetc
// writes it and the cache stores it.
func ELF(b []byte, opts Options, trace Trace) ([]byte, error) {
	im, err := Image(b, opts, trace)
	if err != nil {
		return nil, err
	}
	return im.Bytes(), nil
}

// Image is ELF with the file left in the pieces the linker made, for a
// caller that writes it out (lucetc) rather than keeps it.
func Image(b []byte, opts Options, trace Trace) (*link.Image, error) {
	o, err := Object(b, opts, trace)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	im, err := link.Link(o)
	if err != nil {
		return nil, fmt.Errorf("link: %w", err)
	}
	trace.stage("link", start, "%d-byte shared object", im.Len())
	return im, nil
}

// IsWasm reports whether b starts with the WebAssembly magic number.
func IsWasm(b []byte) bool { return sniff.IsWasm(b) }

// Load turns module bytes into a loaded module, whichever form they are in:
// a compiled object is loaded as it is; a .wasm module is compiled first,
// through c when c is not nil.
func Load(b []byte, opts Options, c *Cache) (*load.Module, error) {
	if !IsWasm(b) {
		if sniff.IsText(b) {
			return nil, ErrTextFormat
		}
		if !sniff.IsELF(b) {
			return nil, notModule(b)
		}
		return load.Bytes(b)
	}
	if c != nil {
		return c.load(b, opts)
	}
	o, err := Wasm(b, opts)
	if err != nil {
		return nil, err
	}
	return load.FromObject(o)
}

// LoadFile is Load for a module in a file. A compiled object — the file
// itself, or a .wasm module's cache entry — is mapped from its file by
// load rather than read and copied, so a warm start touches only what it
// runs.
func LoadFile(path string, opts Options, c *Cache) (*load.Module, error) {
	if c != nil {
		// A .wasm file the cache has served before, unchanged since, is
		// not read at all (Cache.LookupFile).
		m, b, err := c.LookupFile(path, opts)
		if err != nil || m != nil {
			return m, err
		}
		return c.Compile(b, opts)
	}
	// One open and one fstat whatever the file holds; an object is mapped
	// without a read (load.FileOrContents).
	m, b, err := load.FileOrContents(path)
	if err != nil || m != nil {
		return m, err
	}
	return Load(b, opts, c)
}
