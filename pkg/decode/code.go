package decode

import (
	"lucet/pkg/wasm"
)

func (d *decoder) codes() {
	n := d.vec("functions", d.m.NumImportedFuncs, d.lim.Funcs)
	d.m.Codes = make([]wasm.Code, n)
	defer func() { d.fn = -1 }()
	for i := range d.m.Codes {
		d.fn = int(d.m.NumImportedFuncs) + i
		p := d.pos
		size := d.len32()
		if uint64(size) > uint64(d.lim.FuncSize) {
			d.fail(p, &LimitError{"function body size", uint64(size), uint64(d.lim.FuncSize)})
		}
		end := d.pos + size
		d.code(&d.m.Codes[i], i, end)
		if d.pos != end {
			d.fail(p, ErrSectionSize)
		}
	}
}

// code reads one function body: its locals, then every instruction once,
// so malformed code is rejected here and later stages can trust the
// encoding. Like the spec interpreter, the walk is not bounded by the
// body's declared size; the caller compares where it stopped.
func (d *decoder) code(c *wasm.Code, i, end int) {
	start := d.pos
	nent := d.len32()
	// Parameters count against the locals limit, as in the JS API.
	var total uint64
	if i < len(d.m.Funcs) {
		if ti := d.m.Funcs[i]; int(ti) < len(d.m.Types) {
			total = uint64(len(d.m.Types[ti].Params))
		}
	}
	params := total
	// Count first, so a hostile count fails before anything is allocated.
	save := d.pos
	for j := 0; j < nent; j++ {
		total += uint64(d.u32())
		d.valType()
	}
	if total > uint64(d.lim.Locals) {
		d.fail(start, &LimitError{"locals", total, uint64(d.lim.Locals)})
	}
	if nent > 0 {
		d.pos = save
		c.Locals = make([]wasm.LocalEntry, nent)
		for j := range c.Locals {
			c.Locals[j] = wasm.LocalEntry{Count: d.u32(), Type: d.valType()}
		}
	}
	c.NumLocals = uint32(total - params)

	bodyStart := d.pos
	d.r.Reset(d.b)
	d.r.SetPos(bodyStart)
	d.ctl = d.ctl[:0]
	for {
		in, err := d.r.Next()
		if err != nil {
			d.fail(in.Offset, mapErr(err))
		}
		if in.Op == wasm.OpEnd && len(d.ctl) == 0 {
			break
		}
		d.structure(&in)
	}
	d.pos = d.r.Pos()
	if d.pos == end {
		c.Body = d.b[bodyStart:end:end]
		c.BodyOffset = bodyStart
	}
}
