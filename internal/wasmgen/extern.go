package wasmgen

// Host references (Options.HostExtern): non-null externref values the
// host makes (HostCall's externref results: ids, ExternID) and the guest
// passes on through table 2 (an externref table), an externref global,
// externref locals, selects and ifs, back to host functions as
// arguments (HostCall hashes their ids), and tests with ref.is_null;
// table.get/set/fill/copy/grow/size on table 2, some past its end (a
// trap).

// externVal pushes an externref: null, the global, a local, a slot of
// table 2 (past its end sometimes), a host function's result, or a
// select or if of two.
func (g *gen) externVal() {
	g.depth++
	defer func() { g.depth-- }()
	k := g.r.Intn(10)
	if g.depth > 6 {
		k = 0
	}
	switch k {
	case 1:
		g.op(0x23)
		g.u(uint64(g.externGlobal()))
		return
	case 2:
		g.externSlot()
		g.op(0x25, 0x02) // table.get 2
		return
	case 3, 4, 5, 6:
		if i := g.pickImport(func(f Func) bool { return len(f.Results) > 0 && f.Results[0] == ExternRef }); i >= 0 {
			g.callImport(i)
			return
		}
	case 7:
		if ls := g.localsOf(ExternRef); len(ls) > 0 {
			g.localOp(0x20, ls)
			return
		}
	case 8:
		g.externVal()
		g.externVal()
		g.expr(I32)
		g.op(0x1c, 0x01, ExternRef) // select (result externref)
		return
	case 9:
		g.expr(I32)
		g.op(0x04, ExternRef)
		g.externVal()
		g.op(0x05)
		g.externVal()
		g.op(0x0b)
		return
	}
	g.op(0xd0, ExternRef)
}

// externImport adds an import that takes and makes externrefs (every
// module of Options.HostExtern has one): one to three parameters of
// externref, i32 or i64, an externref result and maybe an i32; one in
// three may trap.
func (g *gen) externImport() {
	r := g.r
	f := Func{Name: "h" + itoa(len(g.imports))}
	if r.Intn(3) == 0 {
		f.Name = "t" + itoa(len(g.imports))
	}
	for j := 1 + r.Intn(3); j > 0; j-- {
		f.Params = append(f.Params, []byte{ExternRef, ExternRef, I32, I64}[r.Intn(4)])
	}
	f.Results = []byte{ExternRef}
	if r.Intn(3) == 0 {
		f.Results = append(f.Results, I32)
	}
	g.imports = append(g.imports, f)
	g.callback = append(g.callback, -1)
}

// externGlobal is the index of the externref global (after the others).
func (g *gen) externGlobal() int { return len(g.globals) + len(g.frefs) }

// externSlot pushes an index into table 2: mostly inside it (as it was
// made; it may have grown), sometimes just past it.
func (g *gen) externSlot() {
	if g.r.Intn(3) == 0 {
		g.expr(I32)
		g.i32(int64(g.table2 - 1 + g.r.Intn(3)))
		g.op(0x70) // i32.rem_u
		return
	}
	g.i32(int64(g.r.Intn(g.table2 + 2)))
}

// externStmt writes an externref somewhere: table.set, table.fill,
// table.copy and table.grow of table 2, the global, a local, or passes
// one to a host function.
func (g *gen) externStmt() {
	switch g.r.Intn(7) {
	case 0:
		g.externSlot()
		g.externVal()
		g.op(0x26, 0x02) // table.set 2
	case 1:
		g.externSlot()
		g.externVal()
		g.i32(int64(g.r.Intn(g.table2 + 1)))
		g.op(0xfc, 0x11, 0x02) // table.fill 2
	case 2:
		g.externSlot()
		g.externSlot()
		g.i32(int64(g.r.Intn(g.table2)))
		g.op(0xfc, 0x0e, 0x02, 0x02) // table.copy 2 2
	case 3:
		g.externVal()
		g.i32(int64(g.r.Intn(4)))
		g.op(0xfc, 0x0f, 0x02, 0x1a) // table.grow 2, drop
	case 4:
		if ls := g.localsOf(ExternRef); len(ls) > 0 {
			g.externVal()
			g.localOp(0x21, ls)
			return
		}
		fallthrough
	case 5:
		g.externVal()
		g.op(0x24)
		g.u(uint64(g.externGlobal()))
	default:
		i := g.pickImport(func(f Func) bool {
			for _, p := range f.Params {
				if p == ExternRef {
					return true
				}
			}
			return false
		})
		if i < 0 {
			g.hostStmt()
			return
		}
		g.callImport(i)
		if len(g.imports[i].Results) > 0 {
			g.op(0x1a)
		}
	}
}

// externI32 is an i32 out of the externrefs: whether one is null, table
// 2's size, its growth.
func (g *gen) externI32() {
	switch g.r.Intn(4) {
	case 0:
		g.op(0xfc, 0x10, 0x02) // table.size 2
	case 1:
		g.externVal()
		g.i32(int64(g.r.Intn(3)))
		g.op(0xfc, 0x0f, 0x02) // table.grow 2
	default:
		g.externVal()
		g.op(0xd1) // ref.is_null
	}
}

// ExternID is the id of the externref HostCall returns as result j made
// of hash x: null (0) one time in four, else a small id or a large odd
// one (any 64 bits: an engine that kept fewer would show).
func ExternID(x uint64) uint64 {
	switch x >> 62 {
	case 0:
		return 0
	case 1:
		return 1 + x%4
	}
	return x | 1
}
