package ssa

import "fmt"

// deadCode removes values and block parameters that nothing with an
// effect depends on, and recomputes use counts.
func deadCode(f *Func) {
	m := liveMarker{
		live: newBitset(int(f.NextID)),
		work: f.WS.Values(int(f.NextID))[:0],
		// pidx is each parameter's position in its block, so a live one
		// marks its incoming arguments without a search.
		pidx: f.WS.Int32s(int(f.NextID)),
	}
	for _, b := range f.Blocks {
		m.markRoots(b)
	}
	for _, a := range f.Args {
		m.mark(a) // keep the entry block's parameters in signature order
	}
	m.propagate()
	for _, b := range f.Blocks {
		dropDeadValues(b, m.live)
		if b != f.Entry {
			dropDeadParams(b, m.live)
		}
	}
	recountUses(f)
}

// liveMarker is deadCode's mark phase: live holds what is marked, work
// what is marked but whose operands are not yet.
type liveMarker struct {
	live bitset
	work []*Value
	pidx []int32
}

func (m *liveMarker) mark(v *Value) {
	if !m.live.has(v.ID) {
		m.live.add(v.ID)
		m.work = append(m.work, v)
	}
}

// markRoots numbers b's parameters and marks what b needs whatever else
// is dead: its effects, its control value and its results.
func (m *liveMarker) markRoots(b *Block) {
	for i, p := range b.Params {
		m.pidx[p.ID] = int32(i)
	}
	for _, v := range b.Values {
		if OpInfos[v.Op].effect {
			m.mark(v)
		}
	}
	if b.Control != nil {
		m.mark(b.Control)
	}
	for _, r := range b.Results {
		m.mark(r)
	}
}

// propagate marks the operands of every marked value; a live parameter's
// operands are its incoming arguments.
func (m *liveMarker) propagate() {
	for len(m.work) > 0 {
		v := m.work[len(m.work)-1]
		m.work = m.work[:len(m.work)-1]
		for _, a := range v.Args {
			m.mark(a)
		}
		if v.Op == OpParam {
			b := v.Block
			for _, pred := range b.Preds {
				m.mark(pred.Succs[pred.EdgeTo(b)].Args[m.pidx[v.ID]])
			}
		}
	}
}

// dropDeadValues removes b's unmarked values, clearing the tail so the
// dropped ones can be collected.
func dropDeadValues(b *Block, live bitset) {
	vs := b.Values[:0]
	for _, v := range b.Values {
		if live.has(v.ID) {
			vs = append(vs, v)
		}
	}
	for i := len(vs); i < len(b.Values); i++ {
		b.Values[i] = nil
	}
	b.Values = vs
}

// dropDeadParams removes b's unmarked parameters and the arguments every
// edge passes to them.
func dropDeadParams(b *Block, live bitset) {
	dead := false
	for _, p := range b.Params {
		dead = dead || !live.has(p.ID)
	}
	if !dead {
		return
	}
	for _, pred := range b.Preds {
		e := &pred.Succs[pred.EdgeTo(b)]
		args := e.Args[:0:0]
		for i, a := range e.Args {
			if live.has(b.Params[i].ID) {
				args = append(args, a)
			}
		}
		e.Args = args
	}
	ps := b.Params[:0:0]
	for _, p := range b.Params {
		if live.has(p.ID) {
			ps = append(ps, p)
		}
	}
	b.Params = ps
}

// recountUses sets every value's Uses from scratch.
func recountUses(f *Func) {
	for _, b := range f.Blocks {
		for _, p := range b.Params {
			p.Uses = 0
		}
		for _, v := range b.Values {
			v.Uses = 0
		}
	}
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			countUses(v.Args)
		}
		for _, e := range b.Succs {
			countUses(e.Args)
		}
		if b.Control != nil {
			b.Control.Uses++
		}
		countUses(b.Results)
	}
}

// CheckUses reports a value whose Uses is not its number of uses (tests
// and fuzzing: CheckAllocation). deadCode counts them exactly, and every
// pass after it keeps them so, since the fusions and the emitter read a
// count of 1 as "only the instruction at hand reads this value": a count
// left low would make them fold a value into one of its readers and leave
// the others without it. The check recounts with recountUses, the one
// count, and compares.
func CheckUses(f *Func) error {
	had := make([]int32, f.NextID)
	for _, b := range f.Blocks {
		for _, p := range b.Params {
			had[p.ID] = p.Uses
		}
		for _, v := range b.Values {
			had[v.ID] = v.Uses
		}
	}
	recountUses(f)
	for _, b := range f.Blocks {
		for _, v := range append(b.Params[:len(b.Params):len(b.Params)], b.Values...) {
			if v.Uses != had[v.ID] {
				return fmt.Errorf("%s has Uses %d, %d uses", v, had[v.ID], v.Uses)
			}
		}
	}
	return nil
}

func countUses(vs []*Value) {
	for _, a := range vs {
		a.Uses++
	}
}
