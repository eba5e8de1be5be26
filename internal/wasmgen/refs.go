package wasmgen

import "encoding/binary"

// Function references: table 1, the funcref globals and the passive
// element segment hold ref.func values as well as nulls. Calls stay
// acyclic by levels: slot s of table 1 is at level s/4 and only ever
// holds null or a function below its level, as funcref global k only
// ever holds one below frefs[k]; function cur calls through table 1 only
// at slots of level cur or less. Every write keeps it: a value of level
// l (null or a function below l) goes only where the level is l or more.

// level is the level of slot s of table 1.
func level(s int) int { return s / 4 }

// constRef is a constant expression (without its end) of level l: null,
// ref.func of a function below l or of an import (host functions never
// call back, so they are below every level).
func (g *gen) constRef(l int) []byte {
	if i := len(g.imports); i > 0 && g.r.Intn(5) == 0 { // a host function: below every level
		if i = g.r.Intn(i); g.callback[i] < 0 {
			return binary.AppendUvarint([]byte{0xd2}, uint64(i))
		}
	}
	if l == 0 || g.r.Intn(4) == 0 {
		return []byte{0xd0, 0x70}
	}
	return binary.AppendUvarint([]byte{0xd2}, g.fidx(g.r.Intn(min(l, len(g.funcs)))))
}

// refVal pushes a funcref of level l.
func (g *gen) refVal(l int) {
	g.depth++
	defer func() { g.depth-- }()
	k := g.r.Intn(6)
	if g.depth > 6 {
		k = 0
	}
	switch k {
	case 1:
		var gs []int
		for i, fl := range g.frefs {
			if fl <= l {
				gs = append(gs, i)
			}
		}
		if len(gs) > 0 {
			g.op(0x23)
			g.u(uint64(len(g.globals) + gs[g.r.Intn(len(gs))]))
			return
		}
	case 2: // table 1, a slot of level l or less
		g.i32(int64(g.r.Intn(min(4*l+4, g.table1))))
		g.op(0x25, 0x01)
		return
	case 3: // table 0: function j below l, or a null slot past the functions
		nf := len(g.funcs)
		s := nf + g.r.Intn(2)
		if l > 0 && g.r.Intn(3) != 0 {
			s = g.r.Intn(min(l, nf))
		}
		g.i32(int64(s))
		g.op(0x25, 0x00)
		return
	case 4:
		g.refVal(l)
		g.refVal(l)
		g.expr(I32)
		g.op(0x1c, 0x01, 0x70) // select (result funcref)
		return
	case 5:
		g.expr(I32)
		g.op(0x04, 0x70)
		g.refVal(l)
		g.op(0x05)
		g.refVal(l)
		g.op(0x0b)
		return
	}
	g.op(g.constRef(l)...)
}

// slot1 is a slot of table 1 at level l (or past the table, rarely).
func (g *gen) slot1(l int) int {
	if g.r.Intn(16) == 0 {
		return g.table1 + g.r.Intn(4)
	}
	return 4*l + g.r.Intn(4)
}

// table1Stmt writes table 1 or a funcref global: table.set, table.fill,
// table.copy within table 1 and from table 0, table.init from the
// passive segment (or from the dropped active one), elem.drop,
// global.set.
func (g *gen) table1Stmt() {
	nf := len(g.funcs)
	switch g.r.Intn(7) {
	case 0:
		l := g.r.Intn(nf + 1)
		g.i32(int64(g.slot1(l)))
		g.refVal(l)
		g.op(0x26, 0x01) // table.set
	case 1:
		l := g.r.Intn(nf + 1)
		g.i32(int64(g.slot1(l)))
		g.refVal(l)
		g.i32(int64(g.r.Intn(9)))
		g.op(0xfc, 0x11, 0x01) // table.fill
	case 2: // table.copy 1 <- 1, often overlapping
		s, n := g.r.Intn(g.table1), g.r.Intn(9)
		d := 4*level(s+max(n-1, 0)) + g.r.Intn(8)
		g.tableCopy(d, s, n, 1)
	case 3: // table.copy 1 <- 0: functions i below the destination's level
		s, n := g.r.Intn(nf+3), g.r.Intn(7)
		d := 4*min(s+n, nf) + g.r.Intn(8)
		g.tableCopy(d, s, n, 0)
	case 4:
		seg, d := 2, 4*g.pelem+g.r.Intn(8)
		s := g.r.Intn(g.pelemLen + 1)
		n := g.r.Intn(g.pelemLen - s + 1)
		if g.r.Intn(6) == 0 {
			n += 1 + g.r.Intn(3) // past the segment
		}
		if g.r.Intn(8) == 0 {
			seg, s, n = 1, 0, g.r.Intn(2) // dropped at instantiation: 0 elements or a trap
		}
		for _, v := range []int{d, s, n} {
			g.i32(int64(v))
		}
		g.op(0xfc, 0x0c, byte(seg), 0x01) // table.init
	case 5:
		if g.r.Intn(4) == 0 {
			g.op(0xfc, 0x0d, 0x02) // elem.drop
			return
		}
		fallthrough
	default:
		if len(g.frefs) == 0 {
			g.hostStmt()
			return
		}
		k := g.r.Intn(len(g.frefs))
		g.refVal(g.frefs[k])
		g.op(0x24)
		g.u(uint64(len(g.globals) + k))
	}
}

func (g *gen) tableCopy(d, s, n int, src byte) {
	for _, v := range []int{d, s, n} {
		g.i32(int64(v))
	}
	g.op(0xfc, 0x0e, 0x01, src)
}

// table1Expr is an i32 out of table 1 or the references: its size, its
// growth (by a value of any level: new slots are past every function's
// level), whether a reference is null.
func (g *gen) table1Expr() {
	nf := len(g.funcs)
	switch g.r.Intn(4) {
	case 0:
		g.op(0xfc, 0x10, 0x01) // table.size
	case 1:
		g.refVal(nf)
		g.i32(int64(g.r.Intn(4)))
		g.op(0xfc, 0x0f, 0x01) // table.grow
	case 2:
		g.refVal(g.r.Intn(nf + 1))
		g.op(0xd1) // ref.is_null
	default: // a slot anywhere: maybe past the table
		g.expr(I32)
		g.i32(0x7f)
		g.op(0x71, 0x25, 0x01, 0xd1)
	}
}

// callIndirect1 calls through table 1 with the type of a function or an
// import whose first result is t, at a slot of level cur or below: a
// function below cur, an import, null, or one of another type (a trap).
func (g *gen) callIndirect1(t byte) bool {
	var ks []int
	for k, f := range g.funcs {
		if len(f.Results) >= 1 && f.Results[0] == t {
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 || g.loops > 0 || g.hot > 0 || g.calls == 0 {
		return false
	}
	g.calls--
	k := ks[g.r.Intn(len(ks))]
	ft, typ := g.funcs[k], k
	var is []int
	for i, f := range g.imports {
		if len(f.Results) >= 1 && f.Results[0] == t && g.callback[i] < 0 {
			is = append(is, i)
		}
	}
	if len(is) > 0 && g.r.Intn(3) == 0 { // an import's type: a host call through the table
		i := is[g.r.Intn(len(is))]
		ft, typ = g.imports[i], g.impTypes[i]
	}
	for _, p := range ft.Params {
		g.arg(p)
	}
	l := g.r.Intn(g.cur + 1)
	if g.r.Intn(2) == 0 {
		g.i32(int64(4*l + g.r.Intn(4)))
	} else {
		g.expr(I32)
		g.op(0x41, 0x03, 0x71, 0x41)
		g.sleb(int64(4 * l))
		g.op(0x6a)
	}
	g.op(0x11)
	g.u(uint64(typ))
	g.op(0x01)
	for range ft.Results[1:] {
		g.op(0x1a)
	}
	return true
}
