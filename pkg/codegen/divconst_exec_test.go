package codegen_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/object"
)

// divOps are the wasm division opcodes, i32 then i64 (div_s, div_u,
// rem_s, rem_u), with Go's / and % as their meaning.
var divOps = []struct {
	name string
	op32 byte
	// eval is the op on a non-zero d.
	eval func(x, d uint64, i64 bool) (uint64, abi.TrapCode)
}{
	{"div_s", 0x6d, func(x, d uint64, i64 bool) (uint64, abi.TrapCode) {
		if i64 {
			if int64(x) == math.MinInt64 && int64(d) == -1 {
				return 0, abi.TrapIntegerOverflow
			}
			return uint64(int64(x) / int64(d)), 0
		}
		if int32(x) == math.MinInt32 && int32(d) == -1 {
			return 0, abi.TrapIntegerOverflow
		}
		return uint64(uint32(int32(x) / int32(d))), 0
	}},
	{"div_u", 0x6e, func(x, d uint64, i64 bool) (uint64, abi.TrapCode) {
		if i64 {
			return x / d, 0
		}
		return uint64(uint32(x) / uint32(d)), 0
	}},
	{"rem_s", 0x6f, func(x, d uint64, i64 bool) (uint64, abi.TrapCode) {
		if i64 {
			if int64(d) == -1 {
				return 0, 0
			}
			return uint64(int64(x) % int64(d)), 0
		}
		if int32(d) == -1 {
			return 0, 0
		}
		return uint64(uint32(int32(x) % int32(d))), 0
	}},
	{"rem_u", 0x70, func(x, d uint64, i64 bool) (uint64, abi.TrapCode) {
		if i64 {
			return x % d, 0
		}
		return uint64(uint32(x) % uint32(d)), 0
	}},
}

// divisors are the constant divisors tested: small
// ones, powers of two and their neighbours, the kinds whose magic number
// takes the long (n+1-bit) form (7, 641), the ones at the edges of the
// types, negatives for the signed ops, and 0 (which must still trap).
func divisors(i64 bool) []uint64 {
	ds := []int64{0, 1, 2, 3, 5, 6, 7, 10, 12, 25, 100, 125, 641, 1000, 6700417, 1e9,
		-1, -2, -3, -7, -10, -641, -1000}
	for k := 2; k < 64; k++ {
		if !i64 && k >= 32 {
			break
		}
		ds = append(ds, 1<<k-1, 1<<k, 1<<k+1, -(1 << k), -(1<<k + 1))
	}
	if i64 {
		ds = append(ds, 1e18, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000001, 274177,
			math.MaxInt64, math.MinInt64, math.MinInt64+1, -1e18, 0x5555555555555555, -0x5555555555555555)
	} else {
		ds = append(ds, math.MaxInt32, math.MinInt32, math.MinInt32+1, 0x55555555, -0x55555555)
	}
	out := make([]uint64, len(ds))
	for i, d := range ds {
		out[i] = uint64(d)
		if !i64 {
			out[i] = uint64(uint32(d))
		}
	}
	return out
}

// dividends: 0, +-1, the extremes, neighbours of multiples of d, random.
func dividends(i64 bool, d uint64, rng *rand.Rand) []uint64 {
	xs := []uint64{0, 1, 2, 3, ^uint64(0), ^uint64(1), math.MaxInt64, 1 << 63, 1<<63 + 1, math.MaxInt64 - 1,
		math.MaxInt32, 1 << 31, 1<<31 + 1, math.MaxUint32, math.MaxUint32 - 1, 1000, 999, 1001}
	for _, q := range []uint64{1, 2, 3, 7, 1000, 1 << 20, 1<<31 - 1, 1 << 40} {
		m := q * d
		xs = append(xs, m-1, m, m+1, -m-1, -m, -m+1)
	}
	if d != 0 {
		top := ^uint64(0) / d * d
		xs = append(xs, top-1, top, top+1)
		half := uint64(math.MaxInt64) / d * d
		xs = append(xs, half-1, half, half+1, -half, -half-1)
	}
	for i := 0; i < 16; i++ {
		xs = append(xs, rng.Uint64(), rng.Uint64()>>uint(rng.Intn(64)))
	}
	if !i64 {
		for i, x := range xs {
			xs[i] = uint64(uint32(x))
		}
	}
	return xs
}

// TestDivByConst runs every division op of both widths by each constant
// divisor on many dividends, at every opt level (-O 1 and -O 2 rewrite
// them into multiplications, pass_divconst.go) and in both bounds modes,
// in registers and under register pressure, against Go's / and %,
// traps included (divisor 0; div_s of INT_MIN by -1).
func TestDivByConst(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var cases []binCase
	var consts []uint64
	for _, i64 := range []bool{false, true} {
		for _, op := range divOps {
			for _, d := range divisors(i64) {
				cases = append(cases, divCase(op.name, op.op32, op.eval, i64, d))
				consts = append(consts, d)
			}
		}
	}
	runDivCases(t, cases, consts, rng)
}

// TestDivByConstRandom is the property test: random divisors of every
// magnitude (and sign) on random dividends.
func TestDivByConstRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	var cases []binCase
	var consts []uint64
	for _, i64 := range []bool{false, true} {
		for _, op := range divOps {
			for i := 0; i < 24; i++ {
				d := rng.Uint64() >> uint(rng.Intn(64))
				if rng.Intn(2) == 0 {
					d = -d
				}
				if !i64 {
					d = uint64(uint32(d))
				}
				cases = append(cases, divCase(op.name, op.op32, op.eval, i64, d))
				consts = append(consts, d)
			}
		}
	}
	runDivCases(t, cases, consts, rng)
}

// divCase is x op d for the constant d; b is unused (binCase's shape).
func divCase(name string, op32 byte, eval func(x, d uint64, i64 bool) (uint64, abi.TrapCode), i64 bool, d uint64) binCase {
	w, c := "i32", []byte{0x41}
	op := op32
	imm := sleb32(int32(uint32(d)))
	if i64 {
		w, c, op, imm = "i64", []byte{0x42}, op32+0x12, sleb64(int64(d))
	}
	return binCase{
		name: fmt.Sprintf("%s.%s/%#x", w, name, d),
		i64:  i64,
		body: func(x, y byte) []byte {
			b := []byte{0x20, x}
			b = append(b, c...)
			b = append(b, imm...)
			return append(b, op)
		},
		want: func(a, b uint64) uint64 {
			if d == 0 {
				return 0
			}
			r, _ := eval(a, d, i64)
			return r
		},
	}
}

func runDivCases(t *testing.T, cases []binCase, consts []uint64, rng *rand.Rand) {
	t.Helper()
	evalOf := func(c binCase) func(x, d uint64, i64 bool) (uint64, abi.TrapCode) {
		for _, op := range divOps {
			if len(c.name) > 4 && c.name[4:4+len(op.name)] == op.name {
				return op.eval
			}
		}
		t.Fatalf("no op for %s", c.name)
		return nil
	}
	type modeT struct {
		name string
		opts codegen.Options
	}
	var modes []modeT
	for _, opt := range []int{0, 1, 2} {
		modes = append(modes,
			modeT{fmt.Sprintf("O%d/explicit", opt), codegen.Options{OptLevel: opt, Bounds: object.BoundsExplicit}},
			modeT{fmt.Sprintf("O%d/guard", opt), codegen.Options{OptLevel: opt, Bounds: object.BoundsGuard, MemReserve: 4 << 30, MemGuard: 4 << 30}})
	}
	xs := make([][]uint64, len(cases))
	for i, c := range cases {
		xs[i] = dividends(c.i64, consts[i], rng)
	}
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			// Each case plain and under register pressure, where the
			// pressure copy divides a*3+b (b = 1 below) instead of a.
			all := withPressure(cases)
			inst := compileInstance(t, binModule(all), mode.opts)
			for i, c := range all {
				base := cases[i/2]
				eval, d := evalOf(base), consts[i/2]
				for _, a := range xs[i/2] {
					x := a
					if i%2 == 1 {
						x = a*3 + 1
					}
					if !c.i64 {
						a, x = uint64(uint32(a)), uint64(uint32(x))
					}
					got, err := inst.Func(c.name).Call(a, 1)
					code := abi.TrapIntegerDivideByZero
					if d != 0 {
						_, code = eval(x, d, c.i64)
					}
					if code != 0 {
						var tr *execute.Trap
						if !errors.As(err, &tr) || tr.Code != code {
							t.Errorf("%s(%#x): %v, want trap %v", c.name, x, err, code)
						}
						continue
					}
					if err != nil {
						t.Fatalf("%s(%#x): %v", c.name, x, err)
					}
					w := c.want(a, 1)
					if !c.i64 {
						got[0], w = uint64(uint32(got[0])), uint64(uint32(w))
					}
					if got[0] != w {
						t.Errorf("%s(%#x) = %#x, want %#x", c.name, x, got[0], w)
					}
				}
			}
		})
	}
}

// TestDivConstByConst divides constants by constants, which fold
// evaluates at -O 1 and -O 2 unless the division traps: the trap must
// stay.
func TestDivConstByConst(t *testing.T) {
	type cc struct {
		op     int
		i64    bool
		x, d   uint64
		name   string
		result uint64
		code   abi.TrapCode
	}
	var cases []cc
	var bins []binCase
	for _, i64 := range []bool{false, true} {
		minInt := uint64(1) << 63
		if !i64 {
			minInt = 1 << 31
		}
		vals := []uint64{minInt, minInt - 1, uint64(7), ^uint64(6), 1, 0, ^uint64(0)}
		for oi, op := range divOps {
			for _, x := range vals {
				for _, d := range []uint64{0, ^uint64(0), 1, 7, ^uint64(6), minInt, 2} {
					if !i64 {
						x, d = uint64(uint32(x)), uint64(uint32(d))
					}
					c := cc{op: oi, i64: i64, x: x, d: d, code: abi.TrapIntegerDivideByZero}
					if d != 0 {
						c.result, c.code = op.eval(x, d, i64)
					}
					bc := divCase(op.name, op.op32, op.eval, i64, d)
					bc.name = fmt.Sprintf("%s/%#x", bc.name, x)
					body := bc.body
					bc.body = func(_, y byte) []byte {
						b := body(0, y)
						// Replace local.get x by the constant x.
						k := []byte{0x41}
						imm := sleb32(int32(uint32(x)))
						if i64 {
							k, imm = []byte{0x42}, sleb64(int64(x))
						}
						return append(append(k, imm...), b[2:]...)
					}
					c.name = bc.name
					cases = append(cases, c)
					bins = append(bins, bc)
				}
			}
		}
	}
	for _, opt := range []int{0, 2} {
		inst := compileInstance(t, binModule(bins), codegen.Options{OptLevel: opt})
		for _, c := range cases {
			got, err := inst.Func(c.name).Call(0, 0)
			if c.code != 0 {
				var tr *execute.Trap
				if !errors.As(err, &tr) || tr.Code != c.code {
					t.Errorf("O%d %s: %v, want trap %v", opt, c.name, err, c.code)
				}
				continue
			}
			if err != nil {
				t.Fatalf("O%d %s: %v", opt, c.name, err)
			}
			w := c.result
			if !c.i64 {
				got[0], w = uint64(uint32(got[0])), uint64(uint32(w))
			}
			if got[0] != w {
				t.Errorf("O%d %s = %#x, want %#x", opt, c.name, got[0], w)
			}
		}
	}
}
