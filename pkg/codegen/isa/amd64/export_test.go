package amd64

import "github.com/lucet-go/lucet/pkg/codegen/ssa"

// ValueCode is the code one value's lowering emitted.
type ValueCode struct {
	V    *ssa.Value
	Code []byte
}

// TraceEmit makes every function the emitter finishes call fn with the
// code of each of its values, until the returned func is called. Not safe
// with parallel compilation of other tests' modules: the caller compiles
// with Parallel 1 and runs alone.
func TraceEmit(fn func(f *ssa.Func, values []ValueCode)) (stop func()) {
	emitTrace = func(f *ssa.Func, code []byte, spans []valueSpan) {
		vs := make([]ValueCode, len(spans))
		for i, s := range spans {
			vs[i] = ValueCode{s.v, code[s.start:s.end]}
		}
		fn(f, vs)
	}
	return func() { emitTrace = nil }
}

// ShrinkWrap is where a function's callee-saved registers are saved:
// SaveAt, the block the saves were moved to (nil: the prologue), and
// ReloadOnly, the blocks after them whose only write of a callee-saved
// register is the load of a value split around the loop they enter
// (the blocks shrinkWrap counts as writers for that load alone).
type ShrinkWrap struct {
	SaveAt     *ssa.Block
	ReloadOnly []*ssa.Block
}

// TraceShrinkWrap makes every function the emitter starts call fn with
// its ShrinkWrap, until the returned func is called. Not safe with
// parallel compilation of other tests' modules (as TraceEmit).
func TraceShrinkWrap(fn func(f *ssa.Func, sw ShrinkWrap)) (stop func()) {
	shrinkWrapTrace = func(e *emitter) {
		sw := ShrinkWrap{SaveAt: e.saveAt}
		for _, b := range e.f.Blocks {
			if e.saveAt != nil && e.inRegion[b.ID] && e.reloadsCalleeSaved(b) && !assignsCalleeSaved(b) {
				sw.ReloadOnly = append(sw.ReloadOnly, b)
			}
		}
		fn(e.f, sw)
	}
	return func() { shrinkWrapTrace = nil }
}
