package codegen_test

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// selCmp is a wasm comparison for TestSelectCompareKinds: its opcode,
// operand type, and what it computes.
type selCmp struct {
	name  string
	op    byte
	t     wasm.ValType
	unary bool
	eval  func(a, b uint64) bool
}

func selCmps() []selCmp {
	s32 := func(v uint64) int32 { return int32(uint32(v)) }
	u32 := func(v uint64) uint32 { return uint32(v) }
	f32 := func(v uint64) float32 { return math.Float32frombits(uint32(v)) }
	f64 := math.Float64frombits
	return []selCmp{
		{"i32.eqz", 0x45, wasm.I32, true, func(a, b uint64) bool { return u32(a) == 0 }},
		{"i32.eq", 0x46, wasm.I32, false, func(a, b uint64) bool { return u32(a) == u32(b) }},
		{"i32.ne", 0x47, wasm.I32, false, func(a, b uint64) bool { return u32(a) != u32(b) }},
		{"i32.lt_s", 0x48, wasm.I32, false, func(a, b uint64) bool { return s32(a) < s32(b) }},
		{"i32.lt_u", 0x49, wasm.I32, false, func(a, b uint64) bool { return u32(a) < u32(b) }},
		{"i32.gt_s", 0x4a, wasm.I32, false, func(a, b uint64) bool { return s32(a) > s32(b) }},
		{"i32.gt_u", 0x4b, wasm.I32, false, func(a, b uint64) bool { return u32(a) > u32(b) }},
		{"i32.le_s", 0x4c, wasm.I32, false, func(a, b uint64) bool { return s32(a) <= s32(b) }},
		{"i32.le_u", 0x4d, wasm.I32, false, func(a, b uint64) bool { return u32(a) <= u32(b) }},
		{"i32.ge_s", 0x4e, wasm.I32, false, func(a, b uint64) bool { return s32(a) >= s32(b) }},
		{"i32.ge_u", 0x4f, wasm.I32, false, func(a, b uint64) bool { return u32(a) >= u32(b) }},
		{"i64.eqz", 0x50, wasm.I64, true, func(a, b uint64) bool { return a == 0 }},
		{"i64.eq", 0x51, wasm.I64, false, func(a, b uint64) bool { return a == b }},
		{"i64.ne", 0x52, wasm.I64, false, func(a, b uint64) bool { return a != b }},
		{"i64.lt_s", 0x53, wasm.I64, false, func(a, b uint64) bool { return int64(a) < int64(b) }},
		{"i64.lt_u", 0x54, wasm.I64, false, func(a, b uint64) bool { return a < b }},
		{"i64.gt_s", 0x55, wasm.I64, false, func(a, b uint64) bool { return int64(a) > int64(b) }},
		{"i64.gt_u", 0x56, wasm.I64, false, func(a, b uint64) bool { return a > b }},
		{"i64.le_s", 0x57, wasm.I64, false, func(a, b uint64) bool { return int64(a) <= int64(b) }},
		{"i64.le_u", 0x58, wasm.I64, false, func(a, b uint64) bool { return a <= b }},
		{"i64.ge_s", 0x59, wasm.I64, false, func(a, b uint64) bool { return int64(a) >= int64(b) }},
		{"i64.ge_u", 0x5a, wasm.I64, false, func(a, b uint64) bool { return a >= b }},
		{"f32.eq", 0x5b, wasm.F32, false, func(a, b uint64) bool { return f32(a) == f32(b) }},
		{"f32.ne", 0x5c, wasm.F32, false, func(a, b uint64) bool { return f32(a) != f32(b) }},
		{"f32.lt", 0x5d, wasm.F32, false, func(a, b uint64) bool { return f32(a) < f32(b) }},
		{"f32.gt", 0x5e, wasm.F32, false, func(a, b uint64) bool { return f32(a) > f32(b) }},
		{"f32.le", 0x5f, wasm.F32, false, func(a, b uint64) bool { return f32(a) <= f32(b) }},
		{"f32.ge", 0x60, wasm.F32, false, func(a, b uint64) bool { return f32(a) >= f32(b) }},
		{"f64.eq", 0x61, wasm.F64, false, func(a, b uint64) bool { return f64(a) == f64(b) }},
		{"f64.ne", 0x62, wasm.F64, false, func(a, b uint64) bool { return f64(a) != f64(b) }},
		{"f64.lt", 0x63, wasm.F64, false, func(a, b uint64) bool { return f64(a) < f64(b) }},
		{"f64.gt", 0x64, wasm.F64, false, func(a, b uint64) bool { return f64(a) > f64(b) }},
		{"f64.le", 0x65, wasm.F64, false, func(a, b uint64) bool { return f64(a) <= f64(b) }},
		{"f64.ge", 0x66, wasm.F64, false, func(a, b uint64) bool { return f64(a) >= f64(b) }},
	}
}

// selArm is one arm of a select: a parameter ('a', 'b': the comparison's
// operands, 'x', 'y'), a constant ('k') or a load of selMemValue ('m').
type selArm struct {
	src byte
	k   int64
}

// selShape is a select (or two on one comparison, whose difference is
// the result) with the given arms, maybe under register pressure: twelve
// values live across it, so that some of its operands and results spill.
type selShape struct {
	name   string
	arms   [2][2]selArm // [select][x, y]; arms[1] unused unless shared
	shared bool
	spill  bool
	plus   bool // the comparison also added to the result: materialized
}

const selMemValue = 12345

func k(v int64) selArm { return selArm{'k', v} }

var (
	armX, armY, armA, armB, armM = selArm{src: 'x'}, selArm{src: 'y'}, selArm{src: 'a'}, selArm{src: 'b'}, selArm{src: 'm'}
)

func selShapes() []selShape {
	one := func(name string, x, y selArm) selShape { return selShape{name: name, arms: [2][2]selArm{{x, y}}} }
	two := func(name string, x1, y1, x2, y2 selArm) selShape {
		return selShape{name: name, arms: [2][2]selArm{{x1, y1}, {x2, y2}}, shared: true}
	}
	shapes := []selShape{
		one("x,y", armX, armY),
		one("y,x", armY, armX),
		one("x,x", armX, armX),
		one("1,0", k(1), k(0)),
		one("0,1", k(0), k(1)),
		one("-1,0", k(-1), k(0)),
		one("0,-1", k(0), k(-1)),
		one("-1,1", k(-1), k(1)),
		one("7,0", k(7), k(0)),
		one("5,9", k(5), k(9)),
		one("x,0", armX, k(0)),
		one("0,y", k(0), armY),
		one("x,-1", armX, k(-1)),
		one("big,y", k(-0x7edcba9876543211), armY),
		one("mem,y", armM, armY),
		one("x,mem", armX, armM),
		one("a,b", armA, armB), // min/max: the comparison's operands
		one("b,a", armB, armA),
		one("a,y", armA, armY),
		one("x,b", armX, armB),
		two("shared x,y y,x", armX, armY, armY, armX),
		two("shared x,y y,1000", armX, armY, armY, k(1000)),
		two("shared 1,0 -1,0", k(1), k(0), k(-1), k(0)),
		two("shared a,b b,a", armA, armB, armB, armA),
		two("shared 0,y x,mem", k(0), armY, armX, armM),
	}
	for _, s := range []selShape{one("x,y", armX, armY), one("1,0", k(1), k(0)), one("-1,0", k(-1), k(0)),
		one("0,y", k(0), armY), one("mem,y", armM, armY), one("a,b", armA, armB)} {
		s.name += " +cmp"
		s.plus = true
		shapes = append(shapes, s)
	}
	for _, s := range shapes[:len(shapes):len(shapes)] {
		s.name += " spill"
		s.spill = true
		shapes = append(shapes, s)
	}
	return shapes
}

// selBody builds the body of func(a, b cmp.t, x, y at) at: shape's
// selects on cmp applied to (a, b), (a, K) or (K, a).
func selBody(c selCmp, at wasm.ValType, sh selShape, form string) (body []byte, locals []wasm.LocalEntry) {
	constOf := func(t wasm.ValType, v int64) []byte {
		switch t {
		case wasm.I32:
			return appendSLEB([]byte{0x41}, int64(int32(v)))
		case wasm.I64:
			return appendSLEB([]byte{0x42}, v)
		case wasm.F32:
			return binary.LittleEndian.AppendUint32([]byte{0x43}, math.Float32bits(float32(v)))
		}
		return binary.LittleEndian.AppendUint64([]byte{0x44}, math.Float64bits(float64(v)))
	}
	i64 := at == wasm.I64 || at == wasm.F64 // 8-byte memory arm
	add, mul := byte(0x6a), byte(0x6c)
	if i64 {
		add, mul = 0x7c, 0x7e
	}
	// memory[16] = selMemValue
	body = append(body, 0x41, 16)
	if i64 {
		body = append(body, constOf(wasm.I64, selMemValue)...)
		body = append(body, 0x37, 3, 0)
	} else {
		body = append(body, constOf(wasm.I32, selMemValue)...)
		body = append(body, 0x36, 2, 0)
	}
	if sh.spill {
		for j := int64(1); j <= 12; j++ {
			body = append(body, 0x20, 2)
			body = append(body, constOf(at, j)...)
			body = append(body, mul)
		}
	}
	switch {
	case c.unary:
		body = append(body, 0x20, 0)
	case form == "ab":
		body = append(body, 0x20, 0, 0x20, 1)
	case form == "aK" || form == "aM":
		body = append(body, 0x20, 0)
		body = append(body, constOf(c.t, formConst[form])...)
	case form == "Ka":
		body = append(body, constOf(c.t, 8)...)
		body = append(body, 0x20, 0)
	}
	body = append(body, c.op)
	cond := []byte{0x21, 4} // the comparison in local 4, read by each select
	locals = []wasm.LocalEntry{{Count: 1, Type: wasm.I32}}
	body = append(body, cond...)
	arm := func(a selArm) []byte {
		switch a.src {
		case 'a', 'b':
			if c.t != at {
				return constOf(at, 3) // a type mismatch: not a meaningful shape
			}
			return []byte{0x20, a.src - 'a'}
		case 'x', 'y':
			return []byte{0x20, 2 + a.src - 'x'}
		case 'm':
			return []byte{0x41, 16, map[wasm.ValType]byte{wasm.I32: 0x28, wasm.I64: 0x29, wasm.F32: 0x2a, wasm.F64: 0x2b}[at], 2, 0}
		}
		return constOf(at, a.k)
	}
	n := 1
	if sh.shared {
		n = 2
	}
	for i := 0; i < n; i++ {
		body = append(body, arm(sh.arms[i][0])...)
		body = append(body, arm(sh.arms[i][1])...)
		body = append(body, 0x20, 4, 0x1b)
	}
	if sh.shared {
		if i64 {
			body = append(body, 0x7d)
		} else {
			body = append(body, 0x6b)
		}
	}
	if sh.plus {
		body = append(body, 0x20, 4)
		if i64 {
			body = append(body, 0xad, 0x7c) // i64.extend_i32_u, i64.add
		} else {
			body = append(body, 0x6a)
		}
	}
	if sh.spill {
		for j := 0; j < 12; j++ {
			body = append(body, add)
		}
	}
	return append(body, 0x0b), locals
}

func appendSLEB(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 && c&0x40 == 0 || v == -1 && c&0x40 != 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// selWant is what selBody's function returns.
func selWant(c selCmp, at wasm.ValType, sh selShape, form string, a, b, x, y uint64) uint64 {
	var cond bool
	switch {
	case c.unary || form == "ab":
		cond = c.eval(a, b)
	case form == "aK" || form == "aM":
		cond = c.eval(a, selConst(c.t, formConst[form]))
	case form == "Ka":
		cond = c.eval(selConst(c.t, 8), a)
	}
	val := func(s selArm) uint64 {
		switch s.src {
		case 'a', 'b':
			if c.t != at {
				return selConst(at, 3)
			}
			if s.src == 'a' {
				return a
			}
			return b
		case 'x':
			return x
		case 'y':
			return y
		case 'm':
			return selMemValue
		}
		return selConst(at, s.k)
	}
	pick := func(i int) uint64 {
		if cond {
			return val(sh.arms[i][0])
		}
		return val(sh.arms[i][1])
	}
	r := pick(0)
	if sh.shared {
		r -= pick(1)
	}
	if sh.plus && cond {
		r++
	}
	if sh.spill {
		r += x * 78 // x*1 + ... + x*12
	}
	if at == wasm.I32 || at == wasm.F32 {
		r = uint64(uint32(r))
	}
	return r
}

// formConst is the constant operand of the comparison forms aK, Ka
// (8: x > 8 is x >= 9, carryCompare) and aM (-1: no K+1).
var formConst = map[string]int64{"aK": 8, "Ka": 8, "aM": -1}

func selConst(t wasm.ValType, v int64) uint64 {
	switch t {
	case wasm.F32:
		return uint64(math.Float32bits(float32(v)))
	case wasm.F64:
		return math.Float64bits(float64(v))
	}
	return uint64(v)
}

// TestSelectCompareKinds runs selects on every kind of comparison (i32,
// i64, signed and unsigned; f32 and f64 with NaN, signed zero and
// infinities), of operands in registers or constant, with arms of every
// kind: registers, the comparison's own operands, constants (0, 1, -1:
// the setcc, neg and sbb forms), loads, two selects on one comparison,
// values spilled under pressure. At -O 0 and -O 2 in both bounds modes,
// against a Go evaluation.
func TestSelectCompareKinds(t *testing.T) {
	type fn struct {
		name string
		c    selCmp
		at   wasm.ValType
		sh   selShape
		form string
	}
	var fns []fn
	m := &wasm.Module{Mems: []wasm.MemType{{Limits: wasm.Limits{Min: 1, Max: 1, HasMax: true}}}}
	for _, c := range selCmps() {
		forms := []string{"ab", "aK", "Ka", "aM"}
		if c.unary {
			forms = forms[:1]
		}
		for _, at := range []wasm.ValType{wasm.I32, wasm.I64, wasm.F32, wasm.F64} {
			ti := len(m.Types)
			m.Types = append(m.Types, wasm.FuncType{Params: []wasm.ValType{c.t, c.t, at, at}, Results: []wasm.ValType{at}})
			for _, sh := range selShapes() {
				if (at == wasm.F32 || at == wasm.F64) && (sh.shared || sh.plus || sh.spill) {
					continue // float arithmetic on the results: not bit-exact to check
				}
				for _, form := range forms {
					f := fn{fmt.Sprintf("%s/%s/%s/%s", c.name, at, sh.name, form), c, at, sh, form}
					body, locals := selBody(c, at, sh, form)
					m.Funcs = append(m.Funcs, uint32(ti))
					m.Codes = append(m.Codes, wasm.Code{Body: body, Locals: locals, NumLocals: 1})
					m.Exports = append(m.Exports, wasm.Export{Name: f.name, Kind: wasm.ExternFunc, Index: uint32(len(fns))})
					fns = append(fns, f)
				}
			}
		}
	}
	ints := []uint64{0, 1, 8, 9, 7, math.MaxUint64, 1 << 31, 0x7fffffff, 1 << 32, 0x8000000000000000}
	f32s := []uint64{0, 0x80000000, uint64(math.Float32bits(8)), uint64(math.Float32bits(-1)), 0x7fc00000, 0xff800001, 0x7f800000, 0xff800000}
	f64s := []uint64{0, 1 << 63, math.Float64bits(8), math.Float64bits(-1), 0x7ff8000000000000, 0xfff0000000000001, 0x7ff0000000000000, 0xfff0000000000000}
	for _, bounds := range []object.BoundsChecks{object.BoundsExplicit, object.BoundsGuard} {
		for _, opt := range []int{0, 2} {
			t.Run(fmt.Sprintf("bounds=%d/opt=%d", bounds, opt), func(t *testing.T) {
				opts := codegen.Options{OptLevel: opt, Bounds: bounds}
				if bounds == object.BoundsGuard {
					opts.MemReserve, opts.MemGuard = codegen.DefaultMemReserve, codegen.DefaultMemGuard
				}
				inst := compileInstance(t, m, opts)
				for _, f := range fns {
					vals := ints
					switch f.c.t {
					case wasm.F32:
						vals = f32s
					case wasm.F64:
						vals = f64s
					}
					bs := vals
					if f.c.unary || f.form != "ab" {
						bs = vals[:1]
					}
					x, y := uint64(0x1111111122222222), uint64(0xfffffffffffffff0)
					switch f.at {
					case wasm.I32:
						x, y = uint64(uint32(x)), uint64(uint32(y))
					case wasm.F32:
						x, y = uint64(math.Float32bits(2.5)), 0x7fc01234
					case wasm.F64:
						x, y = math.Float64bits(-2.5), 0x7ff8000000001234
					}
					for _, a := range vals {
						for _, b := range bs {
							if f.c.t == wasm.I32 || f.c.t == wasm.F32 {
								a, b = uint64(uint32(a)), uint64(uint32(b))
							}
							got, err := inst.Func(f.name).Call(a, b, x, y)
							if err != nil {
								t.Fatalf("%s: %v", f.name, err)
							}
							if w := selWant(f.c, f.at, f.sh, f.form, a, b, x, y); got[0] != w {
								t.Errorf("%s(%#x, %#x) = %#x, want %#x", f.name, a, b, got[0], w)
							}
						}
					}
				}
			})
		}
	}
}
