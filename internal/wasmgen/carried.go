package wasmgen

import "math"

// Loops for the optimizer's loop passes (Options.Carried): values
// carried around a loop and rotated each iteration (the loop header's
// block parameters permuted: moves the register allocator coalesces or
// not), two induction variables of one loop with different strides, i32
// counters that wrap past 2^32 (or below 0, or across the signed
// boundary) inside the loop and are zero- or sign-extended into
// addresses and values, and exits tested on a derived counter (what
// induction-variable rewriting touches).

// carriedVars are the locals Options.Carried adds to every function,
// after its other locals and before the reserved ones (carriedTail,
// nest's, the counted loops'): carried loops rotate them, and every
// other statement may read and write them too.
var carriedVars = []byte{I32, I32, I32, I64, I64, F32, F32, F64, F64}

// carriedTail is the number of reserved locals Options.Carried adds
// before nest's: the carried loop's counter, its second induction
// variable and the counter's i64 twin, which nothing else writes (so
// the loop ends).
const carriedTail = 3

// carriedBinOps are the operations of a carried value's update: none
// traps.
var carriedBinOps = map[byte][]byte{
	I32: {0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77},
	I64: {0x7c, 0x7d, 0x7e, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89},
	F32: {0x92, 0x93, 0x94, 0x96, 0x97},
	F64: {0xa0, 0xa1, 0xa2, 0xa4, 0xa5},
}

// enterCarried starts a carried loop's statement: hot, and three times
// in four safe (accesses kept in bounds). It returns the index of the
// reserved counter local (ptr and the i64 twin follow it) and of
// carriedVars[0]'s, and leave, which ends the statement.
func (g *gen) enterCarried() (ctr, first int, leave func()) {
	g.hot++
	safe := g.r.Intn(4) != 0
	if safe {
		g.safe++
	}
	ctr = len(g.params) + len(g.locals) - maxLoops - numIV - carriedTail
	return ctr, ctr - len(carriedVars), func() {
		if safe {
			g.safe--
		}
		g.hot--
	}
}

// carried is a loop of 1 to 2000 iterations (a statement, at the top of
// a function): an i32 counter ctr counted by a step from a start that
// may make it wrap inside the loop, a second i32 induction variable ptr
// of another stride, each iteration rotating some of carriedVars (all
// new values computed from the old ones before any is set), loads and
// stores at addresses computed from either counter (wrapping i32
// arithmetic or i64 arithmetic on the zero- or sign-extended counter),
// counters extended into values, other statements; the exit test is on
// ctr itself or on a value derived from it or from ptr, sometimes and-ed
// with a float escape test (mandel's). After the loop, the carried values
// reach memory or globals.
func (g *gen) carried() {
	r := g.r
	ctr, first, leave := g.enterCarried()
	defer leave()
	ptr, twin := ctr+1, ctr+2
	n := int64(1 + r.Intn(2000))
	if r.Intn(4) == 0 {
		n = int64(1 + r.Intn(4))
	}
	step := []int64{1, 1, 1, 2, 3, 4, -1, -2}[r.Intn(8)]
	as := abs(step)
	var start uint32
	switch r.Intn(5) {
	case 0: // small, counting up or down to near 0
		start = uint32(r.Intn(4))
		if step < 0 {
			start += uint32(n * as)
		}
	case 1: // wraps past 2^32 (up) or below 0 (down) after k iterations
		k := 1 + r.Int63n(n)
		if step > 0 {
			start = uint32(-k*as + int64(r.Intn(int(as))))
		} else {
			start = uint32(k*as - 1 - int64(r.Intn(int(as))))
		}
	case 2: // crosses the signed boundary
		k := 1 + r.Int63n(n)
		start = uint32(0x80000000 - k*step)
	case 3:
		start = r.Uint32()
	default: // ends exactly at 0 or at -1
		start = uint32(-n*step - int64(r.Intn(2)))
	}
	end := start + uint32(n*step)
	e64 := int64(start) + n*step
	uwrap := e64 < 0 || e64 > 0xffffffff
	s64 := int64(int32(start)) + n*step
	swrap := s64 < -0x80000000 || s64 > 0x7fffffff
	pstride := []int64{1, 2, 4, 8, 16, -4, -8, 3}[r.Intn(8)]
	if n*abs(pstride) > 0xc000 {
		pstride = 1
	}
	pstart := r.Uint32()
	if r.Intn(2) == 0 {
		pstart = uint32(-int64(r.Intn(int(n*abs(pstride)) + 1))) // wraps past 2^32 inside the loop
	}
	pend := pstart + uint32(n*pstride)

	// The rotated values: up to three groups of one type, each shifted
	// around a cycle.
	var groups [][]int
	for _, t := range []byte{I32, I64, F32, F64} {
		if r.Intn(2) != 0 {
			continue
		}
		var grp []int
		for i, ct := range carriedVars {
			if ct == t && r.Intn(4) != 0 {
				grp = append(grp, first+i)
			}
		}
		if len(grp) > 0 {
			groups = append(groups, grp)
		}
	}
	if len(groups) == 0 {
		groups = [][]int{{first, first + 1, first + 2}}
	}
	for _, grp := range groups {
		for _, v := range grp {
			if r.Intn(3) != 0 {
				g.expr(g.localType(v))
				g.local(0x21, v)
			}
		}
	}
	// mandel's escape test on two f64 values, and-ed with the counter's.
	escape := r.Intn(5) == 0
	if escape {
		g.op(0x44)
		g.body = appendF64(g.body, (r.Float64()-0.5)*3)
		g.local(0x21, first+7)
		g.op(0x44)
		g.body = appendF64(g.body, (r.Float64()-0.5)*3)
		g.local(0x21, first+8)
	}
	g.i32(int64(int32(start)))
	g.local(0x21, ctr)
	g.i32(int64(int32(pstart)))
	g.local(0x21, ptr)
	// The twin: an i64 counted alongside ctr, mostly its zero extension
	// stepped alike (clang's widened int counter: mandel's escape
	// count), which an induction-variable pass may merge with ctr only
	// where ctr cannot wrap; sometimes sign-extended, offset or stepped
	// otherwise, which it must tell apart.
	twinStep, twinStart := step, int64(start)
	hasTwin := r.Intn(2) == 0
	if hasTwin {
		switch r.Intn(8) {
		case 0:
			g.i32(int64(int32(start)))
			g.op(0xac) // i64.extend_i32_s
			twinStart = int64(int32(start))
		case 1:
			twinStart += 1 << 32
			g.op(0x42)
			g.sleb(twinStart)
		case 2:
			g.op(0x42)
			g.sleb(twinStart)
			twinStep = step + 1
		case 3, 4:
			g.op(0x42)
			g.sleb(twinStart)
		default:
			g.local(0x20, ctr)
			g.op(0xad) // i64.extend_i32_u
		}
		g.local(0x21, twin)
	}
	iv := !uwrap && step > 0 && start < 4 // an induction variable nest's addresses may use
	// A loop tested at the end (do-while) or at the top (while: block,
	// loop, br_if 1 out unless the test holds, body, br 0), the test
	// true for iterations k < n on the counters' values at its top.
	top := r.Intn(2) == 0
	if top {
		g.op(0x02, 0x40)
	}
	g.op(0x03, 0x40)
	var test func()
	kind := r.Intn(11)
	test = func() {
		if kind == 10 && hasTwin { // on the twin: strictly monotone, so exactly n iterations
			g.local(0x20, twin)
			g.op(0x42)
			g.sleb(twinStart + n*twinStep)
			g.op(0x52) // i64.ne
		} else {
			g.exitTest(kind%10, ctr, ptr, start, end, pstart, pend, n, step, pstride, uwrap, swrap)
		}
		if escape {
			g.escapeTest(first)
			g.op(0x71) // i32.and
		}
	}
	if top {
		test()
		g.op(0x45, 0x0d, 0x01) // i32.eqz, br_if 1
	}
	g.depth++
	if hasTwin && r.Intn(2) == 0 { // the twin read in the loop: kept or wrapped
		v := g.carriedOf(I64, first)
		g.local(0x20, v)
		g.local(0x20, twin)
		if r.Intn(2) == 0 {
			g.op(0xa7, 0xad) // i32.wrap_i64, i64.extend_i32_u
		}
		g.op(carriedBinOps[I64][r.Intn(len(carriedBinOps[I64]))])
		g.local(0x21, v)
	}
	if iv {
		g.ivars = append(g.ivars, ivar{ctr, I32, e64})
	}
	ivs := []struct {
		idx         int
		first, step int64
	}{{ctr, int64(start), step}, {ptr, int64(pstart), pstride}}
	for k := 1 + r.Intn(4); k > 0; k-- {
		switch r.Intn(7) {
		case 0, 1:
			g.rotate(groups, ctr, ptr)
		case 2: // a store at a counter's address
			c := ivs[r.Intn(2)]
			g.ivAddrOf(c.idx, c.first, c.step, n)
			t := []byte{I32, I64}[r.Intn(2)]
			g.carriedVal(t, first, ctr, ptr)
			if t == I32 {
				g.op([]byte{0x36, 0x3a, 0x3b}[r.Intn(3)])
			} else {
				g.op([]byte{0x37, 0x3c, 0x3d, 0x3e}[r.Intn(4)])
			}
			g.memarg()
		case 3: // a carried value updated from a load at a counter's address
			c := ivs[r.Intn(2)]
			t := carriedVars[r.Intn(len(carriedVars))]
			v := g.carriedOf(t, first)
			g.local(0x20, v)
			g.ivAddrOf(c.idx, c.first, c.step, n)
			ops := loadOps[t]
			g.op(ops[r.Intn(len(ops))])
			g.memarg()
			g.op(carriedBinOps[t][r.Intn(len(carriedBinOps[t]))])
			g.local(0x21, v)
		case 4: // a counter extended (or converted) into a carried value
			t := carriedVars[r.Intn(len(carriedVars))]
			v := g.carriedOf(t, first)
			g.local(0x20, v)
			g.counterAs(t, ctr, ptr)
			g.op(carriedBinOps[t][r.Intn(len(carriedBinOps[t]))])
			g.local(0x21, v)
		default:
			g.stmt()
		}
	}
	g.rotate(groups, ctr, ptr)
	if iv {
		g.ivars = g.ivars[:len(g.ivars)-1]
	}
	g.depth--
	for _, c := range []struct {
		idx int
		d   int64
	}{{ctr, step}, {ptr, pstride}} {
		g.local(0x20, c.idx)
		g.i32(c.d)
		g.op(0x6a)
		g.local(0x21, c.idx)
	}
	if hasTwin {
		g.local(0x20, twin)
		g.op(0x42)
		g.sleb(twinStep)
		g.op(0x7c)
		g.local(0x21, twin)
	}
	if top {
		g.op(0x0c, 0x00, 0x0b, 0x0b) // br 0, end, end
	} else {
		test()
		g.op(0x0d, 0x00, 0x0b) // br_if 0, end
	}
	if hasTwin {
		g.observe(twin)
	}
	for _, grp := range groups {
		for _, v := range grp {
			if r.Intn(3) == 0 {
				continue
			}
			g.observe(v)
		}
	}
	if r.Intn(2) == 0 {
		g.addr()
		g.local(0x20, []int{ctr, ptr}[r.Intn(2)])
		g.op(0x36)
		g.memarg()
	}
}

// escapeTest pushes mandel's escape test on the f64 locals first+7 and
// first+8 (x*x + y*y < 4).
func (g *gen) escapeTest(first int) {
	for _, v := range []int{first + 7, first + 8} {
		g.local(0x20, v)
		g.local(0x20, v)
		g.op(0xa2) // f64.mul
	}
	g.op(0xa0, 0x44) // f64.add, f64.const
	g.body = appendF64(g.body, 4)
	g.op(0x63) // f64.lt
}

// exitTest pushes whether the carried loop goes on, after its counters
// were stepped (ctr now start+k*step, ptr pstart+k*pstride, after
// iteration k of n): true for k < n, computed one of several ways.
func (g *gen) exitTest(kind, ctr, ptr int, start, end, pstart, pend uint32, n, step, pstride int64, uwrap, swrap bool) {
	r := g.r
	switch kind {
	case 1: // ctr + K != end + K
		k := r.Uint32()
		g.local(0x20, ctr)
		g.i32(int64(int32(k)))
		g.op(0x6a)
		g.i32(int64(int32(end + k)))
		g.op(0x47)
	case 2: // ctr * odd != end * odd (a bijection)
		k := r.Uint32() | 1
		g.local(0x20, ctr)
		g.i32(int64(int32(k)))
		g.op(0x6c)
		g.i32(int64(int32(end * k)))
		g.op(0x47)
	case 3: // the distance travelled below n*|step|
		if step > 0 {
			g.local(0x20, ctr)
			g.i32(int64(int32(start)))
			g.op(0x6b)
		} else {
			g.i32(int64(int32(start)))
			g.local(0x20, ctr)
			g.op(0x6b)
		}
		g.i32(int64(int32(uint32(n * abs(step)))))
		g.op(0x49) // lt_u
	case 4: // on the other induction variable
		g.local(0x20, ptr)
		g.i32(int64(int32(pend)))
		g.op(0x47)
	case 5: // zero-extended to i64
		g.local(0x20, ctr)
		g.op(0xad, 0x42)
		g.sleb(int64(end))
		g.op(0x52)
	case 6, 7: // ctr <u end (6) or <s end (7), > counting down; a counter
		// that wraps that way inside the loop is tested as in case 0 (6) or 8 (7)
		wraps, other, lt, gt := uwrap, 0, byte(0x49), byte(0x4b)
		if kind == 7 {
			wraps, other, lt, gt = swrap, 8, 0x48, 0x4a
		}
		if wraps {
			g.exitTest(other, ctr, ptr, start, end, pstart, pend, n, step, pstride, uwrap, swrap)
			return
		}
		g.local(0x20, ctr)
		g.i32(int64(int32(end)))
		if step > 0 {
			g.op(lt)
		} else {
			g.op(gt)
		}
	case 8: // ctr ^ K != end ^ K
		k := r.Uint32()
		g.local(0x20, ctr)
		g.i32(int64(int32(k)))
		g.op(0x73)
		g.i32(int64(int32(end ^ k)))
		g.op(0x47)
	case 9: // ptr's distance travelled, sign-extended to i64
		g.local(0x20, ptr)
		g.i32(int64(int32(pstart)))
		g.op(0x6b, 0xac, 0x42) // i32.sub, i64.extend_i32_s
		g.sleb(int64(int32(uint32(n * pstride))))
		g.op(0x52)
	default:
		g.local(0x20, ctr)
		g.i32(int64(int32(end)))
		g.op(0x47)
	}
}

// rotate assigns each group's values around a cycle, from the old
// values: v[i] = f(v[i+1]) (f the identity or an update), every new
// value pushed before any is set.
func (g *gen) rotate(groups [][]int, ctr, ptr int) {
	r := g.r
	var sets []int
	for _, grp := range groups {
		sh := 1 + r.Intn(max(1, len(grp)))
		for i, v := range grp {
			src := grp[(i+sh)%len(grp)]
			t := g.localType(v)
			g.local(0x20, src)
			if r.Intn(3) != 0 {
				switch r.Intn(4) {
				case 0:
					g.local(0x20, grp[r.Intn(len(grp))])
				case 1:
					g.counterAs(t, ctr, ptr)
				case 2:
					g.constant(t)
				default:
					first := ctr - len(carriedVars)
					g.carriedVal(t, first, ctr, ptr)
				}
				g.op(carriedBinOps[t][r.Intn(len(carriedBinOps[t]))])
			}
			sets = append(sets, v)
		}
	}
	for i := len(sets) - 1; i >= 0; i-- {
		g.local(0x21, sets[i])
	}
}

// carriedOf picks a carried local of type t.
func (g *gen) carriedOf(t byte, first int) int {
	var vs []int
	for i, ct := range carriedVars {
		if ct == t {
			vs = append(vs, first+i)
		}
	}
	return vs[g.r.Intn(len(vs))]
}

// carriedVal pushes a value of type t from a carried local of any type
// (integers wrapped or extended, floats truncated with saturation or
// converted: no float bits reach integers).
func (g *gen) carriedVal(t byte, first, ctr, ptr int) {
	r := g.r
	st := carriedVars[r.Intn(len(carriedVars))]
	g.local(0x20, g.carriedOf(st, first))
	g.castTo(st, t)
}

// castTo converts the value on the stack from type st to t without
// trapping or exposing float bits: a saturating truncation (satOps) from
// a float to an integer, else one of convOps' conversions that is not a
// reinterpretation (0xbc-0xbf); of two (signed and unsigned) either.
func (g *gen) castTo(st, t byte) {
	if st == t {
		return
	}
	var ops []byte
	prefix := (t == I32 || t == I64) && (st == F32 || st == F64)
	if prefix {
		for _, o := range satOps {
			if o.res == t && o.t == st {
				ops = append(ops, o.sub)
			}
		}
	} else {
		for _, o := range convOps[t] {
			if o.t == st && o.op < 0xbc {
				ops = append(ops, o.op)
			}
		}
	}
	op := ops[0]
	if len(ops) > 1 {
		op = ops[g.r.Intn(len(ops))]
	}
	if prefix {
		g.op(0xfc, op)
	} else {
		g.op(op)
	}
}

// counterAs pushes ctr or ptr as a value of type t: itself, zero- or
// sign-extended, converted signed or unsigned.
func (g *gen) counterAs(t byte, ctr, ptr int) {
	g.local(0x20, []int{ctr, ptr}[g.r.Intn(2)])
	if g.r.Intn(3) == 0 {
		g.i32(int64(g.r.Intn(5)))
		g.op(0x74) // i32.shl
	}
	g.castTo(I32, t)
}

// ivAddrOf pushes an address computed from the i32 induction variable
// idx, which takes first + k*step (mod 2^32) in iteration k < n: v*s + c
// in i32 arithmetic or in i64 on v zero- or sign-extended (then
// wrapped), c chosen so that every iteration's address is in the first
// page (but for a function that is not safe, sometimes not).
func (g *gen) ivAddrOf(idx int, first, step, n int64) {
	r := g.r
	var ss []int64
	for _, s := range []int64{1, 2, 4, 8, 16, -4, -1} {
		if n*abs(step*s) <= 0xc000 {
			ss = append(ss, s)
		}
	}
	s := int64(1)
	if len(ss) > 0 {
		s = ss[r.Intn(len(ss))]
	}
	span := (n - 1) * abs(step*s)
	room := 0x10000 - addrMargin - span
	var a0 int64 // the first iteration's address
	if room <= 0 {
		room = 1
	}
	a0 = int64(r.Intn(int(room)))
	if step*s < 0 {
		a0 += span
	}
	if g.safe == 0 && r.Intn(4) == 0 {
		a0 = int64(r.Intn(0x10000)) // late iterations may be out of bounds
	}
	c := uint32(a0) - uint32(first)*uint32(s)
	g.local(0x20, idx)
	if r.Intn(2) == 0 {
		if s > 0 && s&(s-1) == 0 && r.Intn(2) == 0 {
			k := 0
			for 1<<k < s {
				k++
			}
			g.i32(int64(k))
			g.op(0x74) // i32.shl
		} else {
			g.i32(s)
			g.op(0x6c) // i32.mul
		}
		g.i32(int64(int32(c)))
		g.op(0x6a)
		return
	}
	g.op(byte(0xac + r.Intn(2))) // i64.extend_i32_s, _u
	g.op(0x42)
	g.sleb(s)
	g.op(0x7e, 0x42)                              // i64.mul
	g.sleb(int64(c) + int64(r.Intn(5)-2)*(1<<32)) // c mod 2^32
	g.op(0x7c, 0xa7)                              // i64.add, i32.wrap_i64
}

// observe moves a carried local's value to memory or a global: an
// integer as it is, a float through a saturating truncation or a
// comparison.
func (g *gen) observe(v int) {
	r := g.r
	t := g.localType(v)
	if gs := g.globalsOf(t); len(gs) > 0 && r.Intn(2) == 0 {
		g.local(0x20, v)
		g.op(0x24)
		g.u(uint64(gs[r.Intn(len(gs))]))
		return
	}
	g.addr()
	g.local(0x20, v)
	switch t {
	case I32:
		g.op(0x36)
	case I64:
		g.op(0x37)
	default:
		if r.Intn(2) == 0 {
			g.castTo(t, I64)
			g.op(0x37)
		} else {
			g.expr(t)
			g.op([]byte{0x5b, 0x5d, 0x5e}[r.Intn(3)] + map[byte]byte{F32: 0, F64: 6}[t]) // eq, lt, gt
			g.op(0x36)
		}
	}
	g.memarg()
}

// localType is the type of local (or parameter) i.
func (g *gen) localType(i int) byte {
	if i < len(g.params) {
		return g.params[i]
	}
	return g.locals[i-len(g.params)]
}

func appendF64(b []byte, f float64) []byte {
	u := math.Float64bits(f)
	for i := 0; i < 8; i++ {
		b = append(b, byte(u>>(8*i)))
	}
	return b
}

// ivMerge is a loop of mandel's shape, which induction-variable merging
// (an i32 counter q and its zero extension p, an i64, stepped alike)
// rewrites: q (ctr) and p (the twin) entered equal or nearly, in the
// loop a block left by a guard on q against a constant, p stepped
// before or after it, statements and rotations that read p but not q
// (sometimes q too), q stepped, and a back edge always taken, on a float
// escape test, on q's step against a constant, or on p's bound. Mostly
// the guard keeps q from wrapping and ends the loop; one loop in four q
// wraps past 2^32 (or below 0) inside it, p goes on, and p's bound ends
// it: there q and p must not be merged. Sometimes the guard is q <u y
// for an unknown y. After the loop both are stored.
func (g *gen) ivMerge() {
	r := g.r
	q, first, leave := g.enterCarried()
	defer leave()
	p := q + 2
	n := int64(1 + r.Intn(2000))
	if r.Intn(4) == 0 {
		n = int64(1 + r.Intn(4))
	}
	s := []int64{1, 1, 1, 2, 4, -1, -2}[r.Intn(7)]
	as := abs(s)
	wraps := r.Intn(4) == 0
	var start uint32
	var guard []byte // pushes whether to leave
	switch {
	case s > 0 && !wraps:
		room := int64(1<<32) - n*as // start + n*s <= 2^32 - 1
		switch r.Intn(3) {
		case 0:
			start = uint32(r.Intn(4))
		case 1:
			start = uint32(room - 1) // to the very top
		default:
			start = uint32(r.Int63n(room))
		}
		c := start + uint32((n-1)*as)
		guard = appendSleb([]byte{0x41}, int64(int32(c)))
		guard = append(guard, 0x4b) // q >u C
	case s < 0 && !wraps:
		start = uint32(n*as + int64(r.Intn(1<<20)))
		if r.Intn(3) == 0 {
			start = uint32(n*as) + uint32(r.Intn(int(as)+1)) // down to 0..|s|
		}
		c := start - uint32(n*as) // q <=u C, or q <u C+1 (q >=u -s in the loop where C >= |s|-1)
		if r.Intn(2) == 0 {
			guard = appendSleb([]byte{0x41}, int64(int32(c)))
			guard = append(guard, 0x4d) // le_u
		} else {
			guard = appendSleb([]byte{0x41}, int64(int32(c+1)))
			guard = append(guard, 0x49) // lt_u
		}
	case s > 0:
		start = uint32(-(1 + r.Int63n(n)) * as) // wraps after that many steps
		guard = appendSleb([]byte{0x41}, int64(int32(uint32(0xffffffff-r.Intn(int(as))))))
		guard = append(guard, 0x4b)
	default:
		start = uint32(r.Int63n(n * as)) // wraps below 0
		guard = appendSleb([]byte{0x41}, int64(r.Intn(2)))
		guard = append(guard, 0x49) // q <u 0 or 1
	}
	// One loop in five of a positive step is guarded by q <u y for a y
	// the compiler does not know (an expression: q stays below 2^32-1,
	// which proves q+1 but not q+2 free of wrapping), q starting near
	// the top half the time; p's bound ends it.
	guardY := s > 0 && r.Intn(5) == 0
	if guardY && r.Intn(2) == 0 {
		start = uint32(-(1 + r.Int63n(n)) * as)
	}
	pStart := int64(start)
	switch r.Intn(6) {
	case 0:
		pStart++ // not q's extension: no merging
	case 1:
		pStart = int64(int32(start))
	}
	g.i32(int64(int32(start)))
	g.local(0x21, q)
	if pStart == int64(start) && r.Intn(2) == 0 {
		g.local(0x20, q)
		g.op(0xad) // i64.extend_i32_u
	} else {
		g.op(0x42)
		g.sleb(pStart)
	}
	g.local(0x21, p)
	escape := r.Intn(3) == 0
	if escape {
		for _, v := range []int{first + 7, first + 8} {
			g.op(0x44)
			g.body = appendF64(g.body, (r.Float64()-0.5)*3)
			g.local(0x21, v)
		}
	}
	stepP := func() {
		g.local(0x20, p)
		g.op(0x42)
		g.sleb(s)
		g.op(0x7c)
		g.local(0x21, p)
	}
	pFirst := r.Intn(2) == 0
	g.op(0x03, 0x40, 0x02, 0x40) // loop, block
	g.depth += 2
	if pFirst {
		stepP()
	}
	g.op(0x20)
	g.u(uint64(q))
	if guardY {
		g.expr(I32)
		g.op(0x4f) // q >=u y
	} else {
		g.op(guard...)
	}
	g.op(0x0d, 0x00) // br_if 0: out of the block, then of the loop
	for k := r.Intn(4); k > 0 && g.budget > 0; k-- {
		switch r.Intn(4) {
		case 0: // p into a carried value, kept or wrapped
			v := g.carriedOf(I64, first)
			g.local(0x20, v)
			g.local(0x20, p)
			if r.Intn(2) == 0 {
				g.op(0xa7, 0xad)
			}
			g.op(carriedBinOps[I64][r.Intn(len(carriedBinOps[I64]))])
			g.local(0x21, v)
		case 1:
			if r.Intn(3) == 0 { // q read otherwise than compared: no merging
				v := g.carriedOf(I32, first)
				g.local(0x20, v)
				g.local(0x20, q)
				g.op(0x6a)
				g.local(0x21, v)
			}
		default:
			g.stmt()
		}
	}
	if escape { // mandel's z = z*z + c, in two f64s
		x, y := first+7, first+8
		g.local(0x20, x)
		g.local(0x20, x)
		g.op(0xa2)
		g.local(0x20, y)
		g.local(0x20, y)
		g.op(0xa2, 0xa1, 0x44)
		g.body = appendF64(g.body, (r.Float64()-0.5)*2)
		g.op(0xa0)
		g.op(0x44)
		g.body = appendF64(g.body, 2)
		g.local(0x20, x)
		g.op(0xa2)
		g.local(0x20, y)
		g.op(0xa2, 0x44)
		g.body = appendF64(g.body, (r.Float64()-0.5)*2)
		g.op(0xa0)
		g.local(0x21, y)
		g.local(0x21, x)
	}
	if !pFirst {
		stepP()
	}
	kind := r.Intn(4)
	if wraps || guardY {
		kind = 3
	}
	switch kind {
	case 0: // always back
		g.local(0x20, q)
		g.i32(s)
		g.op(0x6a)
		g.local(0x21, q)
		g.op(0x0c, 0x01)
	case 1: // the escape test (|z|^2 < 4)
		g.local(0x20, q)
		g.i32(s)
		g.op(0x6a)
		g.local(0x21, q)
		g.escapeTest(first)
		g.op(0x0d, 0x01)
	case 2: // q's step against a constant it may or may not reach
		g.local(0x20, q)
		g.i32(s)
		g.op(0x6a, 0x22)
		g.u(uint64(q))
		g.i32(int64(int32(start + uint32(s*(1+r.Int63n(n+2))))))
		g.op([]byte{0x47, 0x49, 0x4b}[r.Intn(3)], 0x0d, 0x01) // ne, lt_u, gt_u
	default: // p's bound: p steps n times at most
		g.local(0x20, q)
		g.i32(s)
		g.op(0x6a)
		g.local(0x21, q)
		g.local(0x20, p)
		g.op(0x42)
		g.sleb(pStart + n*s) // p is stepped once an iteration, before this
		if s > 0 {
			g.op(0x53) // i64.lt_s
		} else {
			g.op(0x55) // i64.gt_s
		}
		g.op(0x0d, 0x01)
	}
	g.depth -= 2
	g.op(0x0b, 0x0b)
	if r.Intn(2) == 0 { // q live after the loop (an exit edge's argument)
		g.observe(q)
	}
	g.observe(p)
}
