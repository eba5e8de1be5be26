// Package codegen compiles validated WebAssembly modules ahead of time to
// x86-64 machine code.
//
// In: a decoded, validated *wasm.Module and Options. Out: an
// *object.Object holding the code and every piece of metadata the runtime
// needs (functions, entry and host-call stubs, trap and call sites, and
// the CPU features the code may use: Options.Features, of the tuning
// features only those a function's code depends on, isa.FuncCode.Tuned).
//
// This package is the driver. Each defined function goes through a
// pipeline of subpackages, in the style of Go's cmd/compile:
//
//	wasm body --frontend (wasm -> SSA with block parameters)--> ssa.Func
//	  --ssa.Optimize (ssa/pass_*.go, by Options.OptLevel)--> SSA ready to allocate
//	  --regalloc (linear scan over abstract ssa.Reg, asks a regalloc Target)--> a location per value
//	  --isa.Machine (isa/amd64: instruction selection and encoding)--> isa.FuncCode: code, calls, trap and call sites
//	  --link (codegen.go, with the Machine's stubs)--> object.Object
//
// At OptLevel 0 a Machine that implements isa.Baseline (amd64 does)
// compiles each function in one pass straight from the wasm body instead,
// for compile speed; a function it does not handle (an error wrapping
// ssa.ErrUnsupported: SIMD, fuel) goes through the pipeline above, and the
// two kinds of code call each other freely. At every level, a function
// whose SSA form or register allocation would grow out of proportion to
// its size (many locals live across many joins: tooCostly's estimate
// before the pipeline, ssa.ErrTooCostly from the frontend's values budget
// or regalloc.ErrTooCostly from the allocator's live-in budget during it)
// goes through the baseline too. CompileStats tells how many functions the
// baseline compiled.
//
// The frontend turns the wasm operand stack and locals into SSA; the
// passes remove redundant parameters and dead code, number values (gvn) so
// repeats and their bounds checks go, split critical edges and fuse
// comparisons into branches and cmovs, shifts into scaled-index leas and
// nots into and-nots (fuseScaledAdds, fuseVectorTests and fuseAndNot are
// x86 motivated: a backend without those addressing modes, PTEST or a
// not-and would skip them; arm64 has BIC); the allocator learns
// the allocatable sets, register classes and calling-convention hints from
// a Target (isa/amd64/regs.go). Functions compile independently and in
// parallel; the results are concatenated after the module-level stubs and
// their call sites patched, so the output is byte-identical whatever
// Options.Parallel (scripts/objhash.sh checks a refactor against the
// objects of every test module).
//
// The driver reaches the instruction set only through isa.Machine (the
// CPU features it can use, the register file for the allocator, a
// FuncEmitter per goroutine, the stubs, code alignment and call
// patching) and two interfaces a Machine may add: isa.Preparer (marks
// made on the optimized SSA before allocation) and isa.Baseline (the
// one-pass compiler of OptLevel 0). What is x86-64, and what a
// second instruction set (arm64) would need to supply in its place, is
// listed in the doc of package isa/amd64.
package codegen

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/lucet-go/lucet/internal/fresh"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen/frontend"
	"github.com/lucet-go/lucet/pkg/codegen/isa"
	"github.com/lucet-go/lucet/pkg/codegen/isa/amd64"
	"github.com/lucet-go/lucet/pkg/codegen/regalloc"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/validate"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// The guard-page layout the tools use by default: a 4 GiB reservation
// (every 32-bit address) and a 2 GiB guard after it (every static offset
// below 2 GiB), as wasmtime lays out memories on 64-bit hosts.
const (
	DefaultMemReserve = 4 << 30
	DefaultMemGuard   = 2 << 30
)

// Default returns the options the tools compile with unless told
// otherwise: guard-page bounds checks, the fast path (no compare and
// branch per access; an access outside the memory faults in the guard
// region and the runtime's signal handler turns that into the trap).
// BoundsExplicit stays available for hosts that cannot reserve the
// address space.
func Default() Options {
	return Options{OptLevel: 2, Bounds: object.BoundsGuard, MemReserve: DefaultMemReserve, MemGuard: DefaultMemGuard}
}

// DefaultArch is the instruction set Options.Arch "" stands for.
const DefaultArch = "amd64"

// machine returns the backend for arch ("" is DefaultArch). A second
// instruction set is one more case (see the doc of package isa/amd64). A
// switch, not a map: a package-level map would run code when a program
// that only loads objects initialises this package.
func machine(arch string) (isa.Machine, error) {
	switch arch {
	case "", DefaultArch:
		return amd64.Machine{}, nil
	}
	return nil, fmt.Errorf("codegen: unknown Options.Arch %q (known: %s)", arch, DefaultArch)
}

// Compile compiles a decoded, validated module into a complete object.
func Compile(m *wasm.Module, opts Options) (*object.Object, error) {
	o, _, err := CompileStats(m, opts)
	return o, err
}

// Stats describes a compilation.
type Stats struct {
	Funcs    int // defined functions
	Baseline int // of them, compiled by the baseline compiler (OptLevel 0, or past the register allocator's budget)
}

// CompileStats is Compile, also telling how the functions were compiled.
func CompileStats(m *wasm.Module, opts Options) (*object.Object, Stats, error) {
	return CompileValidated(m, nil, opts)
}

// CompileValidated is CompileStats of a module whose validation gave info
// (validate.Module of this very m, unchanged since; nil: not known),
// which spares the scans of the code info answers already.
func CompileValidated(m *wasm.Module, info *validate.Info, opts Options) (*object.Object, Stats, error) {
	var st Stats
	o, err := compile(m, info, opts, &st)
	return o, st, err
}

func compile(m *wasm.Module, info *validate.Info, opts Options, st *Stats) (*object.Object, error) {
	mach, err := machine(opts.Arch)
	if err != nil {
		return nil, err
	}
	if opts.Features == 0 {
		opts.Features = mach.DefaultFeatures()
	}
	if err := mach.CheckFeatures(opts.Features); err != nil {
		return nil, err
	}
	if opts.Bounds == object.BoundsGuard && opts.MemReserve == 0 {
		return nil, fmt.Errorf("codegen: BoundsGuard needs MemReserve")
	}
	if len(m.Codes) != len(m.Funcs) {
		return nil, fmt.Errorf("codegen: %d function bodies for %d functions", len(m.Codes), len(m.Funcs))
	}
	n := len(m.Funcs)
	out := make([]*isa.FuncCode, n)
	errs := make([]error, n)
	par := opts.Parallel
	if par <= 0 {
		par = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	var next atomic.Int64 // the next function to take, in index order
	var nbase atomic.Int64
	// The facts size the tables (Meta.FixedTables) at every level; only
	// the optimizing tier's code depends on them.
	mfacts := frontend.ValidatedFacts(m, info)
	var facts *frontend.Facts
	if opts.OptLevel > 0 {
		facts = mfacts
	}
	for w := 0; w < par; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fe := mach.NewFuncEmitter()
			ws := &ssa.Workspace{}
			// At OptLevel 0 a function goes through the machine's
			// baseline compiler when it has one, and so, at any level,
			// does one too costly to optimize (tooCostly before the
			// pipeline, tooCostlyErr in it: the baseline is
			// linear in a function's size). The pipeline takes what the
			// baseline does not handle.
			bm, hasBase := mach.(isa.Baseline)
			var be isa.BaselineEmitter // made on first use
			baseline := func(i int, fidx uint32) error {
				if be == nil {
					be = bm.NewBaselineEmitter()
				}
				fc, err := compileBaseline(m, fidx, &opts, be)
				if err == nil {
					out[i] = fc
					nbase.Add(1)
				}
				return err
			}
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fidx := m.NumImportedFuncs + uint32(i)
				if hasBase && (opts.OptLevel == 0 || tooCostly(m, i)) {
					err := baseline(i, fidx)
					if err == nil {
						continue
					}
					// Past OptLevel 0 the pipeline is the fallback for
					// any failure.
					if opts.OptLevel == 0 && !errors.Is(err, ssa.ErrUnsupported) {
						errs[i] = err
						continue
					}
				}
				out[i], errs[i] = compileFunc(m, fidx, &opts, facts, mach, fe, ws)
				if hasBase && opts.OptLevel > 0 && tooCostlyErr(errs[i]) && baseline(i, fidx) == nil {
					errs[i] = nil
				}
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("codegen: function %d: %w", m.NumImportedFuncs+uint32(i), err)
		}
	}
	st.Funcs, st.Baseline = n, int(nbase.Load())
	obj, err := link(m, &opts, mach, out)
	if err != nil {
		return nil, err
	}
	obj.Meta.FixedTables = fixedTables(m, mfacts)
	return obj, nil
}

// fixedTables is Meta.FixedTables of m's defined tables, nil when none is
// fixed.
func fixedTables(m *wasm.Module, f *frontend.Facts) []bool {
	imp := int(m.NumImportedTables)
	if len(f.FixedTable) <= imp || !slices.Contains(f.FixedTable[imp:], true) {
		return nil
	}
	return f.FixedTable[imp:]
}

// costlyLocalJoins bounds a function's locals times its control
// instructions for the optimizing tier, a first estimate of what the
// register allocator's budget (regalloc.ErrTooCostly) measures: a
// function past it would build its SSA form only for the allocator to
// give up (50,000 locals and 20,000 ifs: 540 MB and 1.7 s, against 11
// MB and 0.02 s straight to the baseline). The estimate only errs high,
// and the largest function of the real programs measured (brotli's) is
// at 4.1M, gobig's at 0.06M.
const costlyLocalJoins = 64 << 20

// tooCostly reports whether defined function i of m is past
// costlyLocalJoins. Control instructions are counted as the bytes equal
// to their opcodes (immediates can only add to the count), and only for
// a function whose locals times body size is past the bound.
func tooCostly(m *wasm.Module, i int) bool {
	if i >= len(m.Codes) || i >= len(m.Funcs) || int(m.Funcs[i]) >= len(m.Types) {
		return false
	}
	c := &m.Codes[i]
	locals := uint64(c.NumLocals) + uint64(len(m.Types[m.Funcs[i]].Params))
	if locals*uint64(len(c.Body)) <= costlyLocalJoins {
		return false
	}
	joins := uint64(0)
	for _, b := range c.Body {
		switch wasm.Opcode(b) {
		case wasm.OpBlock, wasm.OpLoop, wasm.OpIf, wasm.OpElse, wasm.OpBrIf, wasm.OpBrTable:
			joins++
		}
	}
	return locals*joins > costlyLocalJoins
}

// tooCostlyErr reports whether err is the frontend's or the register
// allocator's giving up on a function out of proportion to its size.
func tooCostlyErr(err error) bool {
	return errors.Is(err, ssa.ErrTooCostly) || errors.Is(err, regalloc.ErrTooCostly)
}

// compileBaseline compiles one function with the baseline compiler.
func compileBaseline(m *wasm.Module, fidx uint32, opts *ssa.Options, be isa.BaselineEmitter) (fc *isa.FuncCode, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error (baseline): %v", r)
		}
	}()
	return be.Emit(m, fidx, opts)
}

// compileFunc runs the pipeline for one defined function, in memory from
// ws (reset first; nil: fresh memory); fe is the calling goroutine's
// emitter; facts are the module's (frontend.ModuleFacts; nil: none).
func compileFunc(m *wasm.Module, fidx uint32, opts *ssa.Options, facts *frontend.Facts, mach isa.Machine, fe isa.FuncEmitter, ws *ssa.Workspace) (fc *isa.FuncCode, err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok && errors.Is(e, regalloc.ErrTooCostly) {
				err = e
				return
			}
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	if ws != nil {
		ws.Reset()
	}
	f, err := frontend.BuildSSAIn(m, fidx, opts, ws, facts)
	if err != nil {
		return nil, err
	}
	ssa.Optimize(f, opts.OptLevel)
	if p, ok := mach.(isa.Preparer); ok {
		p.Prepare(f, opts)
	}
	var ra *regalloc.Result
	if opts.OptLevel == 0 {
		ra = regalloc.AllocateFast(f, m, mach.RegTarget())
	} else {
		ra = regalloc.Allocate(f, m, mach.RegTarget())
	}
	return fe.Emit(m, f, ra, opts)
}

// link lays out the module: the machine's stubs (routines, entry stubs,
// host-call stubs), then the functions, and resolves calls.
func link(m *wasm.Module, opts *ssa.Options, mach isa.Machine, funcs []*isa.FuncCode) (*object.Object, error) {
	var sites []object.Site
	stubs, err := mach.Stubs(m)
	if err != nil {
		return nil, err
	}
	align, fill := mach.CodeAlign(), mach.FillByte()
	// Sized up front: a big module has megabytes of code and hundreds of
	// thousands of sites, and growing them by appending was a third of
	// linking.
	size, nsites := len(stubs.Code), 0
	for _, fc := range funcs {
		size = (size+align-1)/align*align + len(fc.Code)
		if fc.Phases != 0 {
			size += isa.LineSize - align
		}
		nsites += len(fc.Sites)
	}
	// Megabytes of fresh memory each, written once: on huge pages where
	// the kernel has them (see fresh.Huge).
	text := make([]byte, 0, size)
	fresh.HugeCap(text)
	text = append(text, stubs.Code...)
	sites = make([]object.Site, 0, nsites)
	fresh.HugeCap(sites)

	metaFuncs := make([]object.Func, len(funcs))
	offsets := make([]int, len(funcs))
	for i, fc := range funcs {
		for len(text)%align != 0 {
			text = append(text, fill)
		}
		// A function with small loops starts where they do not cross a
		// line (FuncCode.Phases): at most LineSize-align bytes more.
		for fc.Phases != 0 && fc.Phases&(1<<(len(text)%isa.LineSize/align)) == 0 {
			for k := 0; k < align; k++ {
				text = append(text, fill)
			}
		}
		offsets[i] = len(text)
		text = append(text, fc.Code...)
		fidx := m.NumImportedFuncs + uint32(i)
		name := m.FuncName(fidx)
		if name == "" {
			name = fmt.Sprintf("guest_func_%d", fidx)
		}
		metaFuncs[i] = object.Func{TypeIndex: m.Funcs[i], Name: name,
			CodeOffset: uint32(offsets[i]), CodeSize: uint32(len(fc.Code))}
	}
	for i, fc := range funcs {
		base := offsets[i]
		fidx := m.NumImportedFuncs + uint32(i)
		bodyOff := m.Codes[i].BodyOffset
		for _, c := range fc.Calls {
			var to int
			switch {
			case c.Target == isa.CallTrap:
				to = stubs.Trap
			case c.Target == isa.CallExit:
				to = stubs.Exit
			case c.Target >= int(m.NumImportedFuncs) && c.Target < int(m.NumFuncs()):
				to = offsets[c.Target-int(m.NumImportedFuncs)]
			default:
				return nil, fmt.Errorf("codegen: function %d: bad call target %d", fidx, c.Target)
			}
			if err := mach.PatchCall(text, base+c.Offset, to); err != nil {
				return nil, err
			}
		}
		for _, s := range fc.Sites {
			sites = append(sites, object.Site{CodeOffset: uint32(base) + uint32(s.Off), Code: s.Code,
				Func: fidx, WasmOffset: uint32(bodyOff + int(s.Pos))})
		}
	}
	if !sort.SliceIsSorted(sites, func(i, j int) bool { return sites[i].CodeOffset < sites[j].CodeOffset }) {
		sort.SliceStable(sites, func(i, j int) bool { return sites[i].CodeOffset < sites[j].CodeOffset })
	}

	start := int64(-1)
	if m.HasStart {
		start = int64(m.Start)
	}
	datas, err := dataSegments(m.Datas)
	if err != nil {
		return nil, err
	}
	// The features the code may use, required of the host; of the tuning
	// features, only those a function's code depends on.
	features := opts.Features & mach.UsableFeatures() &^ object.TuningFeatures
	for _, fc := range funcs {
		features |= fc.Tuned & opts.Features
	}
	obj := &object.Object{Text: text, Meta: object.Meta{
		FormatVersion: object.FormatVersion,
		ABIVersion:    abi.Version,
		Features:      features,
		Bounds:        opts.Bounds,
		Fuel:          opts.Fuel,
		ModuleName:    m.Names.Module,
		Types:         m.Types,
		Imports:       m.Imports,
		Funcs:         metaFuncs,
		Tables:        m.Tables,
		Mems:          m.Mems,
		Globals:       m.Globals,
		Exports:       m.Exports,
		Start:         start,
		Elems:         m.Elems,
		Datas:         datas,
		EntryStubs:    stubs.Entry,
		ImportStubs:   stubs.Imports,
		Sites:         sites,
	}}
	if opts.Bounds == object.BoundsGuard {
		obj.Meta.MemReserve, obj.Meta.MemGuard = opts.MemReserve, opts.MemGuard
	}
	return obj, nil
}

// dataSegments converts a validated module's data segments to the object's
// compact form. A valid offset is one instruction (i32.const or global.get).
func dataSegments(ds []wasm.Data) ([]object.Data, error) {
	out := fresh.Make[object.Data](len(ds)) // written while the collector may mark: see package fresh
	for i, d := range ds {
		out[i] = object.Data{Mode: d.Mode, Mem: d.Mem, Init: d.Init}
		if d.Mode != wasm.SegmentActive {
			continue
		}
		if d.Offset.NumInstrs != 1 || d.Offset.NonConst {
			return nil, fmt.Errorf("codegen: data %d: offset of %d instructions: %w", i, d.Offset.NumInstrs, ssa.ErrUnsupported)
		}
		out[i].Offset = object.Const{Op: d.Offset.Op, Index: d.Offset.Index, Value: d.Offset.Value}
	}
	return out, nil
}
