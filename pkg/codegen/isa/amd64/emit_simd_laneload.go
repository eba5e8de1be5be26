package amd64

import "github.com/lucet-go/lucet/pkg/codegen/ssa"

// Lane loads (v128.loadN_lane: a scalar load then replace_lane) read the
// lane from memory as they insert it, as Cranelift does: pinsrb/w/d/q
// with a memory operand, one instruction where a load into a general
// register and an insert are two. ssa.FuseLaneLoads marks the load
// (Machine.Prepare).

// laneLoad emits replace_lane v of fused load l into lane of size bits.
func (e *emitter) laneLoad(v, l *ssa.Value, size int, lane uint8) {
	m := e.memAccess(l, size/8)
	d := e.dst(v, s0)
	if e.avx() {
		x := e.vop(v.Args[0], s1)
		e.guardSite(l)
		e.a.VpinsrM(size, d, x, m, lane)
		e.finish(v, d)
		return
	}
	// Into the result register, which holds the vector already when the
	// vector dies here.
	e.load(d, v.Args[0])
	e.guardSite(l)
	e.a.PinsrM(size, d, m, lane)
	e.finish(v, d)
}
