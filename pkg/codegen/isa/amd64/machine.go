package amd64

import (
	"fmt"

	"github.com/lucet-go/lucet/internal/asm"
	"github.com/lucet-go/lucet/pkg/codegen/isa"
	"github.com/lucet-go/lucet/pkg/codegen/regalloc"
	"github.com/lucet-go/lucet/pkg/codegen/ssa"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// Machine is the x86-64 isa.Machine. It has no state: the zero value is
// ready and safe for concurrent use.
type Machine struct{}

var _ isa.Machine = Machine{}

// defaultFeatures are the CPU features the emitter relies on, and ERMS,
// which only tunes (rep movsb/stosb for long copies and fills: every
// x86-64 CPU since Ivy Bridge and Zen has it, and without it the code
// still runs).
const defaultFeatures = object.FeatureSSE41 | object.FeaturePOPCNT | object.FeatureLZCNT | object.FeatureBMI1 | object.FeatureERMS

// DefaultFeatures: SSE4.1, POPCNT, LZCNT, BMI1 and ERMS.
func (Machine) DefaultFeatures() uint64 { return defaultFeatures }

// UsableFeatures adds SSE4.2 (pcmpgtq for i64x2's signed compares), AVX
// (memory.copy's 32-byte moves, three-operand float and SIMD arithmetic),
// AVX2 (vpbroadcastb/w splats) and BMI2 (rorx) to the defaults.
func (Machine) UsableFeatures() uint64 {
	return defaultFeatures | object.FeatureSSE42 | object.FeatureAVX | object.FeatureAVX2 | object.FeatureBMI2
}

// CheckFeatures requires SSE4.1; without POPCNT, LZCNT or BMI1 the emitter
// uses longer sequences.
func (Machine) CheckFeatures(features uint64) error {
	if features&object.FeatureSSE41 == 0 {
		// roundss/roundsd implement floor, ceil, trunc and nearest.
		return fmt.Errorf("codegen: the code generator needs SSE4.1 (features %#x allowed)", features)
	}
	return nil
}

// RegTarget returns the amd64 register sets (regs.go).
func (Machine) RegTarget() regalloc.Target { return RegTarget{} }

// NewFuncEmitter returns an emitter with its own assembler.
func (Machine) NewFuncEmitter() isa.FuncEmitter { return &funcEmitter{a: asm.New()} }

// CodeAlign: functions start on 16 bytes, like the stubs before them.
func (Machine) CodeAlign() int { return 16 }

// FillByte is int3: a jump into a gap traps.
func (Machine) FillByte() byte { return 0xCC }

// PatchCall resolves the rel32 of a call; at is the rel32's offset.
func (Machine) PatchCall(text []byte, at, to int) error {
	return asm.PatchRel32(text, at, at+4, to)
}

// Stubs lays out the trap routine, the exit routine, an entry stub per
// type and a host-call stub per import, each on 16 bytes.
func (Machine) Stubs(m *wasm.Module) (*isa.Stubs, error) {
	a := asm.New()
	s := &isa.Stubs{Trap: a.Len()}
	emitTrapRoutine(a)
	a.Align(16)
	s.Exit = a.Len()
	exitL := a.NewLabel()
	a.Bind(exitL)
	emitExitRoutine(a)

	s.Entry = make([]uint32, len(m.Types))
	for t := range m.Types {
		a.Align(16)
		s.Entry[t] = uint32(a.Len())
		if err := emitEntryStub(a, m, m.Types[t]); err != nil {
			return nil, err
		}
	}
	s.Imports = make([]uint32, m.NumImportedFuncs)
	for i := uint32(0); i < m.NumImportedFuncs; i++ {
		a.Align(16)
		s.Imports[i] = uint32(a.Len())
		if err := emitHostStub(a, i, m.FuncType(i), exitL); err != nil {
			return nil, err
		}
	}
	if err := a.Finish(); err != nil {
		return nil, fmt.Errorf("codegen: stubs: %w", err)
	}
	s.Code = a.Bytes()
	return s, nil
}

// funcEmitter reuses one assembler for the functions a goroutine
// compiles.
// funcEmitter keeps what one worker's functions reuse: the assembler and
// the site list, which grows as the function is emitted and is copied out
// at its exact length (growing a fresh list per function left twice the
// sites' size as garbage, and up to twice as much live until linking).
type funcEmitter struct {
	a     *asm.Assembler
	sites []isa.Site
}

func (fe *funcEmitter) Emit(m *wasm.Module, f *ssa.Func, ra *regalloc.Result, opts *ssa.Options) (*isa.FuncCode, error) {
	fe.a.Reset()
	// With AVX the SIMD lowerings are VEX forms; their register copies,
	// spills, reloads and v128 loads and stores are too (vmovaps,
	// vmovups, vmovdqu), not legacy SSE between them. Functions without
	// SIMD keep the legacy moves.
	fe.a.SetVEXMoves(f.Simd && opts.Features&object.FeatureAVX != 0)
	// The allocation's positions: f is unchanged since.
	pos := ra.Pos
	if pos == nil {
		pos = regalloc.NumberPositions(f)
	}
	e := &emitter{a: fe.a, m: m, f: f, ra: ra, opts: opts, pos: pos,
		labels: make([]asm.Label, f.NextBlock), consts: map[uint64]asm.Label{}, checked: map[*ssa.Value]uint64{},
		sites: fe.sites[:0]}
	fc, err := e.emitFunc()
	fe.sites = e.sites[:0]
	return fc, err
}
