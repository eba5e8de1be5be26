package wasmgen

// Long-running loop nests with induction variables, and addresses near
// the 4 GiB wraparound: what the optimizing tier's loop passes, its
// register allocation under pressure and its bounds-check elimination
// see.

// nest is a loop of up to 3000 iterations or two nested loops of up to
// 64 each, counting an i32 or i64 induction variable by a step to a
// bound; the bodies read the variables (in values and in addresses:
// base + iv*stride) and call host functions, but no guest function, so
// a call runs for a bounded time.
func (g *gen) nest() {
	g.hot++
	// Three nests in four keep their accesses in bounds (safeAddr), so
	// their bodies run to the end rather than trap early.
	safe := g.r.Intn(4) != 0
	if safe {
		g.safe++
		defer func() { g.safe-- }()
	}
	if g.r.Intn(2) == 0 {
		g.ivLoop(0, 16+g.r.Intn(3000), g.nestBody)
	} else {
		g.ivLoop(0, 2+g.r.Intn(64), func() {
			g.nestBody()
			g.ivLoop(1, 2+g.r.Intn(64), g.nestBody)
			g.stmtsMaybe()
		})
	}
	g.hot--
}

func (g *gen) nestBody() {
	for n := 1 + g.r.Intn(4); n > 0 && g.budget > 0; n-- {
		g.stmt()
	}
}

// ivLoop is a loop of n iterations of body, nesting level lvl (0 or 1),
// on an induction variable counted up (or down) by its step and tested
// at the end against the bound: lt_u, lt_s, ne (up) or gt_s, ne (down).
func (g *gen) ivLoop(lvl, n int, body func()) {
	t := I32
	if g.r.Intn(3) == 0 {
		t = I64
	}
	iv := len(g.params) + len(g.locals) - maxLoops - numIV + lvl
	if t == I64 {
		iv += 2
	}
	step := []int64{1, 1, 1, 2, 4, -1}[g.r.Intn(6)]
	start := int64(g.r.Intn(4))
	if step < 0 {
		start = int64(n)
	}
	end := start + step*int64(n)
	hi := max(start, end)
	ops := map[byte][]byte{I32: {0x49, 0x48, 0x47}, I64: {0x54, 0x53, 0x52}}[t] // lt_u, lt_s, ne
	if step < 0 {
		ops = map[byte][]byte{I32: {0x4a, 0x47}, I64: {0x55, 0x52}}[t] // gt_s, ne
	}
	add := map[byte]byte{I32: 0x6a, I64: 0x7c}[t]
	g.constOf(t, start)
	g.local(0x21, iv)
	g.op(0x03, 0x40)
	g.depth++
	g.ivars = append(g.ivars, ivar{iv, t, hi})
	body()
	g.ivars = g.ivars[:len(g.ivars)-1]
	g.depth--
	g.local(0x20, iv)
	g.constOf(t, step)
	g.op(add, 0x22)
	g.u(uint64(iv))
	g.constOf(t, end)
	g.op(ops[g.r.Intn(len(ops))], 0x0d, 0x00, 0x0b)
}

// constOf pushes v as a constant of integer type t.
func (g *gen) constOf(t byte, v int64) {
	if t == I32 {
		g.i32(int64(int32(v)))
		return
	}
	g.op(0x42)
	g.sleb(v)
}

// ivLeaf reads an induction variable as a value of type t (wrapped or
// extended from the other width), false if none is in scope.
func (g *gen) ivLeaf(t byte) bool {
	if len(g.ivars) == 0 || t != I32 && t != I64 {
		return false
	}
	v := g.ivars[g.r.Intn(len(g.ivars))]
	g.local(0x20, v.idx)
	switch {
	case v.t == I64 && t == I32:
		g.op(0xa7) // i32.wrap_i64
	case v.t == I32 && t == I64:
		g.op([]byte{0xac, 0xad}[g.r.Intn(2)]) // i64.extend_i32_s, _u
	}
	return true
}

// ivAddr is an address base + iv*stride (or iv<<k), computed in the
// induction variable's width; the base is in the first page, below the
// memory's end (a late iteration out of bounds) or far enough past 4 GiB
// that the sum wraps to a small address.
func (g *gen) ivAddr() {
	v := g.ivars[g.r.Intn(len(g.ivars))]
	if g.safe > 0 {
		g.ivAddrIn(v)
		return
	}
	stride := []int64{1, 2, 4, 8, 16, -4, 0x1000}[g.r.Intn(7)]
	g.local(0x20, v.idx)
	if v.t == I32 {
		if g.r.Intn(3) == 0 {
			g.i32(int64(g.r.Intn(5)))
			g.op(0x74) // i32.shl
		} else {
			g.i32(stride)
			g.op(0x6c) // i32.mul
		}
		switch g.r.Intn(3) {
		case 0:
			g.i32(int64(g.r.Intn(0x10000)))
		case 1:
			g.memEndMinus(int64(8 + g.r.Intn(0x4000)))
		default: // two constants that cancel but for a small address
			c := int64(int32(g.r.Uint32()))
			g.i32(c)
			g.op(0x6a, 0x41)
			g.sleb(int64(int32(uint32(g.r.Intn(0x8000)) - uint32(c))))
		}
		g.op(0x6a) // i32.add
		return
	}
	g.op(0x42)
	g.sleb(stride)
	g.op(0x7e, 0x42) // i64.mul
	base := int64(g.r.Intn(0x10000))
	if g.r.Intn(2) == 0 {
		base += int64(1+g.r.Intn(3)) << 32
	}
	g.sleb(base)
	g.op(0x7c, 0xa7) // i64.add, i32.wrap_i64
}

// wrapAddr is an address computed across the 4 GiB wraparound: i32 sums
// of constants that overflow back into the memory, i64 sums wrapped to
// i32, and addresses just below 4 GiB (with a memarg offset, an access
// past 4 GiB, which must trap rather than wrap).
func (g *gen) wrapAddr() {
	switch g.r.Intn(4) {
	case 0:
		g.expr(I32)
		g.i32(0xfff0)
		g.op(0x71, 0x41)
		c := []int64{-0x10000, 0x7fffffff, -1, -0x80000000, -0x100, 0x40000000}[g.r.Intn(6)]
		g.sleb(c)
		g.op(0x6a, 0x41)
		g.sleb(int64(int32(uint32(g.r.Intn(0x100)) - uint32(c))))
		g.op(0x6a)
	case 1:
		g.op(0x42)
		g.sleb([]int64{1 << 32, 1<<32 - 0x10, 1<<32 + 0x100, -1 << 32, 3 << 32, -0x10}[g.r.Intn(6)])
		g.expr(I32)
		g.i32(0xff)
		g.op(0x71, 0xad, 0x7c, 0xa7) // and, i64.extend_i32_u, i64.add, i32.wrap_i64
	case 2:
		g.i32(int64(-1 - g.r.Intn(16)))
	default:
		g.expr(I64)
		g.op(0x42)
		g.sleb(0xfff0)
		g.op(0x83, 0x42) // i64.and
		g.sleb(int64(1+g.r.Intn(3)) << 32)
		g.op(0x84, 0xa7) // i64.or, i32.wrap_i64
	}
}

// addrMargin is what an access may add past its address in a safe nest:
// a memarg offset below 16 and 16 bytes.
const addrMargin = 0x20

// ivAddrIn is ivAddr kept in bounds for every value of v (0..v.hi): a
// stride small enough for the range to fit in the first page, the base
// in the first page or below the memory's end (which is at least a page
// away), so that no iteration traps.
func (g *gen) ivAddrIn(v ivar) {
	var strides []int64
	for _, s := range []int64{1, 2, 4, 8, 16, -4, 0x1000} {
		if v.hi*abs(s) <= 0xc000 {
			strides = append(strides, s)
		}
	}
	stride := strides[g.r.Intn(len(strides))]
	lo, span := int64(0), v.hi*stride // iv*stride is in lo..lo+|span|
	if stride < 0 {
		lo, span = span, -span
	}
	room := 0x10000 - addrMargin - span // bases: -lo .. -lo+room-1
	g.local(0x20, v.idx)
	if v.t == I32 {
		g.i32(stride)
		g.op(0x6c) // i32.mul
		switch g.r.Intn(3) {
		case 0:
			g.i32(-lo + int64(g.r.Intn(int(room))))
		case 1: // memory.size*64Ki - k: k-(lo+span) past the memory's end at most, 64Ki-k-lo before it at least (the memory has a page)
			g.memEndMinus(addrMargin + lo + span + int64(g.r.Intn(int(room))))
		default:
			c := int64(int32(g.r.Uint32()))
			g.i32(c)
			g.op(0x6a, 0x41)
			g.sleb(int64(int32(uint32(-lo+int64(g.r.Intn(int(room)))) - uint32(c))))
		}
		g.op(0x6a) // i32.add
		return
	}
	g.op(0x42)
	g.sleb(stride)
	g.op(0x7e, 0x42) // i64.mul
	base := -lo + int64(g.r.Intn(int(room)))
	if g.r.Intn(2) == 0 {
		base += int64(1+g.r.Intn(3)) << 32
	}
	g.sleb(base)
	g.op(0x7c, 0xa7) // i64.add, i32.wrap_i64
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
