// Package codegen compiles validated WebAssembly modules ahead of time to
// x86-64 machine code.
//
// In: a decoded, validated *wasm.Module and Options. Out: an
// *object.Object holding the code and every piece of metadata the runtime
// needs (functions, entry and host-call stubs, trap and call sites).
//
// Each defined function goes through a small pipeline, in the style of Go's
// cmd/compile:
//
//	wasm body --frontend (build.go, build_simd.go; instrs table)--> SSA (ir.go, op.go)
//	  --passes (pass_*.go; optimize, by Options.OptLevel)--> SSA ready to allocate
//	  --regalloc (regalloc.go; abstract Reg, Loc, asks a Target)--> every value in a register or slot
//	  --emitter (emit*.go, fuel.go; lowerings table; internal/asm)--> machine code, call and trap sites
//	  --link (codegen.go)--> object.Object
//
// The frontend turns the wasm operand stack and locals into SSA with block
// parameters; passes remove redundant parameters and dead code, number
// values (gvn) so repeats and their bounds checks go, split
// critical edges and fuse comparisons into branches and cmovs and shifts
// into scaled-index leas (fuseScaledAdds and fuseVectorTests are x86
// motivated: a backend without those addressing modes or PTEST would skip
// them); the linear-scan allocator works on abstract registers and learns
// the allocatable sets, register classes and calling-convention hints from
// a Target (regs.go is amd64's); the emitter selects x86-64 instructions.
// Functions compile independently and in parallel; the results are
// concatenated after the module-level stubs and their call sites patched,
// so the output is byte-identical whatever Options.Parallel
// (scripts/objhash.sh checks a refactor against the objects of every test
// module).
//
// What is x86-64 here, and what a second instruction set (arm64) would
// need to supply in its place:
//   - register sets and allocation order, scratch registers, the register
//     classes and names (regs.go: a regalloc Target);
//   - the pinned registers: vmctx (R15) and memory base (R14), documented
//     with the context layout in pkg/abi (the layout offsets are ISA
//     neutral; the register names are amd64's);
//   - the guest calling convention (convention, argReg, resultReg,
//     stack argument and result slots) and the frame layout (emit.go);
//   - instruction selection and encoding (emit*.go over internal/asm), the
//     fuel and interrupt checks (fuel.go), bounds checks in both modes;
//   - the entry and host-call stubs and the trap and exit routines
//     (codegen.go), which must match the runtime's trampolines in
//     pkg/execute/*_amd64.s and its signal-context decoding of trapping PCs
//     and registers;
//   - the CPU feature bits it may use (object.Feature*, checked at load),
//     and the call relocation link patches (asm.PatchRel32: rel32 of a
//     call; arm64 would patch the imm26 of a BL).
package codegen

import (
	"fmt"
	"runtime"
	"sort"
	"sync"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Options control compilation.
type Options struct {
	// OptLevel chooses the tier: 0 a baseline for huge modules (no
	// redundant-parameter elimination, no fusion of compares, selects and
	// scaled adds), 1 and 2 the optimizing tier (2 adds global value
	// numbering, pass_gvn.go). Default sets 2.
	OptLevel int
	Bounds   object.BoundsChecks
	// MemReserve and MemGuard are the BoundsGuard reservation and guard
	// sizes in bytes.
	MemReserve, MemGuard uint64
	// Features are the object.Feature* bits the code may use (0: the
	// default set, SSE4.1, POPCNT, LZCNT, BMI1). SSE4.1 is required;
	// without POPCNT, LZCNT or BMI1 the emitter uses longer sequences;
	// with AVX, memory.copy moves 32 bytes at a time.
	Features uint64
	Parallel int // 0 = GOMAXPROCS
	// Fuel instruments the code for fuel metering (see fuel.go); the
	// object records it in Meta.Fuel.
	Fuel bool
}

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

// defaultFeatures are the CPU features the emitter relies on.
const defaultFeatures = object.FeatureSSE41 | object.FeaturePOPCNT | object.FeatureLZCNT | object.FeatureBMI1

// Compile compiles a decoded, validated module into a complete object.
func Compile(m *wasm.Module, opts Options) (*object.Object, error) {
	if opts.Features == 0 {
		opts.Features = defaultFeatures
	}
	if opts.Features&object.FeatureSSE41 == 0 {
		// roundss/roundsd implement floor, ceil, trunc and nearest.
		return nil, fmt.Errorf("codegen: the code generator needs SSE4.1 (features %#x allowed)", opts.Features)
	}
	if opts.Bounds == object.BoundsGuard && opts.MemReserve == 0 {
		return nil, fmt.Errorf("codegen: BoundsGuard needs MemReserve")
	}
	if len(m.Codes) != len(m.Funcs) {
		return nil, fmt.Errorf("codegen: %d function bodies for %d functions", len(m.Codes), len(m.Funcs))
	}
	n := len(m.Funcs)
	out := make([]*funcCode, n)
	errs := make([]error, n)
	par := opts.Parallel
	if par <= 0 {
		par = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for w := 0; w < par; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := asm.New()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				a.Reset()
				out[i], errs[i] = compileFunc(m, m.NumImportedFuncs+uint32(i), &opts, a)
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("codegen: function %d: %w", m.NumImportedFuncs+uint32(i), err)
		}
	}
	return link(m, &opts, out)
}

// compileFunc runs the pipeline for one defined function.
func compileFunc(m *wasm.Module, fidx uint32, opts *Options, a *asm.Assembler) (fc *funcCode, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	f, err := buildSSA(m, fidx, opts)
	if err != nil {
		return nil, err
	}
	optimize(f, opts.OptLevel)
	ra := allocate(f, m, regTarget{})
	e := &emitter{a: a, m: m, f: f, ra: ra, opts: opts, pos: numberPositions(f),
		labels: map[*Block]asm.Label{}, consts: map[uint64]asm.Label{}, checked: map[*Value]uint64{}}
	return e.emitFunc()
}

// optimize runs the SSA passes that prepare f for register allocation
// at the given level (Options.OptLevel). Every level removes unreachable
// blocks and dead values and splits critical edges, which the allocator
// and emitter rely on.
func optimize(f *Func, level int) {
	removeUnreachable(f)
	if level > 0 {
		elimRedundantParams(f)
		fold(f)
		if level > 1 {
			gvn(f)
		}
		elimBoundsChecks(f)
	}
	deadCode(f)
	splitCriticalEdges(f)
	if level > 0 {
		fuseCompares(f)
		fuseVectorTests(f)
		fuseSelects(f)
		fuseScaledAdds(f)
		fuseAndNot(f)
	}
}

// link lays out the module: routines, entry stubs, host-call stubs, then
// the functions, and resolves calls.
func link(m *wasm.Module, opts *Options, funcs []*funcCode) (*object.Object, error) {
	a := asm.New()
	var sites []object.Site

	trapOff := a.Len()
	emitTrapRoutine(a)
	a.Align(16)
	exitOff := a.Len()
	exitL := a.NewLabel()
	a.Bind(exitL)
	emitExitRoutine(a)

	entry := make([]uint32, len(m.Types))
	for t := range m.Types {
		a.Align(16)
		entry[t] = uint32(a.Len())
		if err := emitEntryStub(a, m, m.Types[t]); err != nil {
			return nil, err
		}
	}
	imports := make([]uint32, m.NumImportedFuncs)
	for i := uint32(0); i < m.NumImportedFuncs; i++ {
		a.Align(16)
		imports[i] = uint32(a.Len())
		ft := m.FuncType(i)
		if err := emitHostStub(a, i, ft, exitL); err != nil {
			return nil, err
		}
	}
	if err := a.Finish(); err != nil {
		return nil, fmt.Errorf("codegen: stubs: %w", err)
	}
	// Sized up front: a big module has megabytes of code and hundreds of
	// thousands of sites, and growing them by appending was a third of
	// linking.
	size, nsites := len(a.Bytes()), 0
	for _, fc := range funcs {
		size = (size+15)&^15 + len(fc.code)
		nsites += len(fc.sites)
	}
	text := make([]byte, 0, size)
	text = append(text, a.Bytes()...)
	sites = make([]object.Site, 0, nsites)

	metaFuncs := make([]object.Func, len(funcs))
	offsets := make([]int, len(funcs))
	for i, fc := range funcs {
		for len(text)%16 != 0 {
			text = append(text, 0xCC)
		}
		offsets[i] = len(text)
		text = append(text, fc.code...)
		fidx := m.NumImportedFuncs + uint32(i)
		name := m.FuncName(fidx)
		if name == "" {
			name = fmt.Sprintf("guest_func_%d", fidx)
		}
		metaFuncs[i] = object.Func{TypeIndex: m.Funcs[i], Name: name,
			CodeOffset: uint32(offsets[i]), CodeSize: uint32(len(fc.code))}
	}
	for i, fc := range funcs {
		base := offsets[i]
		fidx := m.NumImportedFuncs + uint32(i)
		bodyOff := m.Codes[i].BodyOffset
		for _, c := range fc.calls {
			var to int
			switch {
			case c.Target == targetTrap:
				to = trapOff
			case c.Target == targetExit:
				to = exitOff
			case c.Target >= int(m.NumImportedFuncs) && c.Target < int(m.NumFuncs()):
				to = offsets[c.Target-int(m.NumImportedFuncs)]
			default:
				return nil, fmt.Errorf("codegen: function %d: bad call target %d", fidx, c.Target)
			}
			if err := asm.PatchRel32(text, base+c.Offset, base+c.Offset+4, to); err != nil {
				return nil, err
			}
		}
		for _, s := range fc.sites {
			sites = append(sites, object.Site{CodeOffset: uint32(base) + uint32(s.off), Code: s.code,
				Func: fidx, WasmOffset: uint32(bodyOff + int(s.pos))})
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
	obj := &object.Object{Text: text, Meta: object.Meta{
		FormatVersion: object.FormatVersion,
		ABIVersion:    abi.Version,
		Features:      opts.Features & defaultFeatures,
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
		EntryStubs:    entry,
		ImportStubs:   imports,
		Sites:         sites,
	}}
	if opts.Bounds == object.BoundsGuard {
		obj.Meta.MemReserve, obj.Meta.MemGuard = opts.MemReserve, opts.MemGuard
	}
	return obj, nil
}

// emitTrapRoutine: edx = trap code, [rsp] = the trap stub's return address
// (the site's code offset). Records the exit and leaves to Go.
func emitTrapRoutine(a *asm.Assembler) {
	a.MovRM(64, asm.R11, asm.M(asm.R15, abi.VMExec))
	a.Pop(asm.RAX)
	a.MovMR(64, asm.M(asm.R11, abi.ExecTrapPC), asm.RAX)
	a.ShlRI(64, asm.RDX, 8)
	a.OrRI(64, asm.RDX, int32(abi.ExitTrap))
	a.MovMR(64, asm.M(asm.R11, abi.ExecExitCode), asm.RDX)
	a.MovMR(64, asm.M(asm.R11, abi.ExecFrameBP), asm.RBP)
	a.MovMR(64, asm.M(asm.R11, abi.ExecExitVMCtx), asm.R15)
	a.MovRM(64, asm.RSP, asm.M(asm.R11, abi.ExecGoSP))
	a.MovRM(64, asm.RBP, asm.M(asm.R11, abi.ExecGoBP))
	a.Ret()
}

// emitExitRoutine: rax = exit code, rcx = host args, rdx = trap PC. The
// return address is the resume PC; the stack pointer after popping it is
// the resume SP.
func emitExitRoutine(a *asm.Assembler) {
	a.MovRM(64, asm.R11, asm.M(asm.R15, abi.VMExec))
	a.MovMR(64, asm.M(asm.R11, abi.ExecExitCode), asm.RAX)
	a.MovMR(64, asm.M(asm.R11, abi.ExecHostArgs), asm.RCX)
	a.MovMR(64, asm.M(asm.R11, abi.ExecTrapPC), asm.RDX)
	a.Pop(asm.RAX)
	a.MovMR(64, asm.M(asm.R11, abi.ExecResumePC), asm.RAX)
	a.MovMR(64, asm.M(asm.R11, abi.ExecResumeSP), asm.RSP)
	a.MovMR(64, asm.M(asm.R11, abi.ExecFrameBP), asm.RBP)
	a.MovMR(64, asm.M(asm.R11, abi.ExecExitVMCtx), asm.R15)
	a.MovRM(64, asm.RSP, asm.M(asm.R11, abi.ExecGoSP))
	a.MovRM(64, asm.RBP, asm.M(asm.R11, abi.ExecGoBP))
	a.Ret()
}

func loadSlot(a *asm.Assembler, r asm.Reg, m asm.Mem, t Type) {
	switch t {
	case TV128:
		a.MovupsRM(r, m)
	case TF32:
		a.MovssRM(r, m)
	case TF64:
		a.MovsdRM(r, m)
	case TI32:
		a.MovRM(32, r, m)
	default:
		a.MovRM(64, r, m)
	}
}

// storeSlot stores a value as a clean 8-byte slot (i32/f32 zero-extended).
func storeSlot(a *asm.Assembler, m asm.Mem, r asm.Reg, t Type) {
	switch t {
	case TV128:
		a.MovupsMR(m, r)
	case TF32:
		a.MovdRX(asm.RAX, r)
		a.MovMR(64, m, asm.RAX)
	case TF64:
		a.MovqRX(asm.RAX, r)
		a.MovMR(64, m, asm.RAX)
	default:
		a.MovMR(64, m, r)
	}
}

// emitEntryStub: called by the runtime's trampoline with R15 = vmctx, R12
// = target, R13 = args; moves args into the guest convention, calls, and
// stores the results back.
func emitEntryStub(a *asm.Assembler, m *wasm.Module, ft wasm.FuncType) error {
	params, err := valTypes(ft.Params)
	if err != nil {
		return err
	}
	results, err := valTypes(ft.Results)
	if err != nil {
		return err
	}
	area := stackArea(params, results)
	frame := int32((8*area + 15) &^ 15)
	a.Push(asm.RBP)
	a.MovRR(64, asm.RBP, asm.RSP)
	a.Push(asm.R13)
	a.Push(asm.R12)
	if frame > 0 {
		a.SubRI(64, asm.RSP, frame)
	}
	if m.NumMems() > 0 {
		a.MovRM(64, asm.R14, asm.M(asm.R15, abi.VMMemBase))
	}
	regs, sidx, nStack := convention(params)
	po := slotOffsets(params)
	for i, t := range params {
		src := asm.M(asm.R13, int32(8*po[i]))
		if regs[i] != asm.NoReg {
			loadSlot(a, regs[i], src, t)
			continue
		}
		for k := 0; k < slotWidth(t); k++ {
			a.MovRM(64, asm.RAX, src.Add(int32(8*k)))
			a.MovMR(64, asm.M(asm.RSP, int32(8*(sidx[i]+k))), asm.RAX)
		}
	}
	a.CallR(asm.R12)
	a.MovRM(64, asm.R13, asm.M(asm.RBP, -8))
	ro := slotOffsets(results)
	for i, t := range results {
		dst := asm.M(asm.R13, int32(8*ro[i]))
		if i == 0 {
			storeSlot(a, dst, resultReg(t), t)
			continue
		}
		for k := 0; k < slotWidth(t); k++ {
			a.MovRM(64, asm.RAX, asm.M(asm.RSP, int32(8*(resultSlot(nStack, results, i)+k))))
			a.MovMR(64, dst.Add(int32(8*k)), asm.RAX)
		}
	}
	a.MovRR(64, asm.RSP, asm.RBP)
	a.Pop(asm.RBP)
	a.Ret()
	return nil
}

// emitHostStub is the code behind a host import's FuncRef: it spills the
// arguments into slots on the guest stack, exits with ExitHostCall, and on
// resume returns the results in the guest convention.
func emitHostStub(a *asm.Assembler, idx uint32, ft wasm.FuncType, exitL asm.Label) error {
	params, err := valTypes(ft.Params)
	if err != nil {
		return err
	}
	results, err := valTypes(ft.Results)
	if err != nil {
		return err
	}
	slots := max(numSlots(params), numSlots(results), 1)
	frame := int32((8*slots + 15) &^ 15)
	a.Push(asm.RBP)
	a.MovRR(64, asm.RBP, asm.RSP)
	a.SubRI(64, asm.RSP, frame)
	regs, sidx, nStack := convention(params)
	po := slotOffsets(params)
	for i, t := range params {
		dst := asm.M(asm.RSP, int32(8*po[i]))
		if regs[i] != asm.NoReg {
			storeSlot(a, dst, regs[i], t)
			continue
		}
		if t == TV128 {
			for k := int32(0); k < 2; k++ {
				a.MovRM(64, asm.RAX, asm.M(asm.RBP, int32(16+8*sidx[i])+8*k))
				a.MovMR(64, dst.Add(8*k), asm.RAX)
			}
			continue
		}
		loadSlot(a, asm.RAX, asm.M(asm.RBP, int32(16+8*sidx[i])), t)
		a.MovMR(64, dst, asm.RAX)
	}
	a.MovRI(64, asm.RAX, int64(abi.ExitHostCall)|int64(idx)<<8)
	a.MovRR(64, asm.RCX, asm.RSP)
	a.MovRM(64, asm.RDX, asm.M(asm.RBP, 8))
	a.CallLabel(exitL)
	ro := slotOffsets(results)
	for i, t := range results {
		src := asm.M(asm.RSP, int32(8*ro[i]))
		if i == 0 {
			loadSlot(a, resultReg(t), src, t)
			continue
		}
		for k := 0; k < slotWidth(t); k++ {
			a.MovRM(64, asm.RAX, src.Add(int32(8*k)))
			a.MovMR(64, asm.M(asm.RBP, int32(16+8*(resultSlot(nStack, results, i)+k))), asm.RAX)
		}
	}
	a.MovRR(64, asm.RSP, asm.RBP)
	a.Pop(asm.RBP)
	a.Ret()
	return nil
}

// dataSegments converts a validated module's data segments to the object's
// compact form. A valid offset is one instruction (i32.const or global.get).
func dataSegments(ds []wasm.Data) ([]object.Data, error) {
	out := make([]object.Data, len(ds))
	for i, d := range ds {
		out[i] = object.Data{Mode: d.Mode, Mem: d.Mem, Init: d.Init}
		if d.Mode != wasm.SegmentActive {
			continue
		}
		if d.Offset.NumInstrs != 1 || d.Offset.NonConst {
			return nil, fmt.Errorf("codegen: data %d: offset of %d instructions: %w", i, d.Offset.NumInstrs, ErrUnsupported)
		}
		out[i].Offset = object.Const{Op: d.Offset.Op, Index: d.Offset.Index, Value: d.Offset.Value}
	}
	return out, nil
}
