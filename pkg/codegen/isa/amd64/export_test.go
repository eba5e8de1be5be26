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
