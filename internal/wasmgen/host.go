package wasmgen

import (
	"errors"
	"math"
)

// HostModule is the module name of the generated modules' imports.
const HostModule = "wasmgen"

// ErrHostTrap is the error a trapping host function (HostCall) returns;
// the engines turn it into a trap of the guest that called it.
var ErrHostTrap = errors.New("wasmgen host trap")

// hostFuncs picks the module's imports: none to three host functions of
// up to four parameters (sometimes up to nine: past the argument
// registers) and up to two results; a name starting with t makes one
// that sometimes traps.
func (g *gen) hostFuncs() {
	r := g.r
	if r.Intn(4) == 0 {
		return
	}
	for i := 1 + r.Intn(3); i > 0; i-- {
		f := Func{Name: "h" + itoa(len(g.imports))}
		if r.Intn(3) == 0 {
			f.Name = "t" + itoa(len(g.imports))
		}
		np := r.Intn(5)
		if r.Intn(6) == 0 {
			np = 5 + r.Intn(5)
		}
		for j := 0; j < np; j++ {
			f.Params = append(f.Params, valTypes[r.Intn(4)])
		}
		for j := r.Intn(3); j > 0; j-- {
			f.Results = append(f.Results, valTypes[r.Intn(4)])
		}
		g.imports = append(g.imports, f)
	}
}

// fidx is the function index of generated function i (after the
// imports).
func (g *gen) fidx(i int) uint64 { return uint64(len(g.imports) + i) }

// hostCall calls an import whose first result has type t (its other
// results dropped), false if there is none.
func (g *gen) hostCall(t byte) bool {
	var cands []int
	for i, f := range g.imports {
		if len(f.Results) > 0 && f.Results[0] == t {
			cands = append(cands, i)
		}
	}
	if len(cands) == 0 {
		return false
	}
	g.callImport(cands[g.r.Intn(len(cands))])
	return true
}

// callImport calls import i with generated arguments and drops all its
// results but the first.
func (g *gen) callImport(i int) {
	f := g.imports[i]
	for _, p := range f.Params {
		g.expr(p)
	}
	g.op(0x10)
	g.u(uint64(i))
	for j := len(f.Results) - 1; j > 0; j-- {
		g.op(0x1a)
	}
}

// hostStmt calls any import and drops its results.
func (g *gen) hostStmt() {
	if len(g.imports) == 0 {
		g.expr(I32)
		g.op(0x1a)
		return
	}
	i := g.r.Intn(len(g.imports))
	g.callImport(i)
	if len(g.imports[i].Results) > 0 {
		g.op(0x1a)
	}
}

// Edge values of the floats, as bits: NaNs with payloads and signs
// (signalling ones too), zeros, subnormals, the largest finite values
// and the bounds of the truncations to integers on both sides.
var (
	f32Bits = []uint32{0x7fc00000, 0xffc00000, 0x7fc00001, 0x7fa00000, 0x7f800001, 0xff812345, 0x80000000, 0x00000001,
		0x807fffff, 0x7f7fffff, 0xff7fffff, 0x4effffff, 0x4f000000, 0xcf000000, 0xcf000001, 0x4f7fffff, 0x4f800000,
		0x5effffff, 0x5f000000, 0xdf000000, 0xdf000001, 0x5f7fffff, 0x5f800000, 0xbf7fffff, 0x3f000000, 0xbf800000}
	f64Bits = []uint64{0x7ff8000000000000, 0xfff8000000000000, 0x7ff8000000000001, 0x7ff4000000000000, 0x7ff0000000000001,
		0xfff0000000012345, 0x8000000000000000, 0x1, 0x800fffffffffffff, 0x7fefffffffffffff, 0xffefffffffffffff,
		0x41dfffffffffffff, 0x41dfffffffc00000, 0x41e0000000000000, 0xc1e0000000000000, 0xc1e00000001fffff, 0xc1e0000000200000,
		0x41efffffffffffff, 0x41f0000000000000, 0x43dfffffffffffff, 0x43e0000000000000, 0xc3e0000000000000,
		0xc3e0000000000001, 0x43efffffffffffff, 0x43f0000000000000, 0xbfefffffffffffff, 0x3fe0000000000000}
)

// HostCall is what import f of module HostModule does with arguments
// args (a slot a value: i32 and f32 in the low 32 bits): its results
// hash the arguments (every NaN hashed alike, the spec leaving NaN bits
// open), edge values one time in four, and an import whose name starts
// with t returns ErrHostTrap for one hash in four.
func HostCall(f Func, args []uint64) ([]uint64, error) {
	h := uint64(0x9e3779b97f4a7c15)
	for i, p := range f.Params {
		v := args[i]
		switch p {
		case I32:
			v &= math.MaxUint32
		case F32:
			v &= math.MaxUint32
			if x := math.Float32frombits(uint32(v)); x != x {
				v = 0x7fc00000
			}
		case F64:
			if x := math.Float64frombits(v); x != x {
				v = 0x7ff8000000000000
			}
		}
		h = mix(h ^ v)
	}
	if f.Name[0] == 't' && h>>62 == 0 {
		return nil, ErrHostTrap
	}
	res := make([]uint64, len(f.Results))
	for j, t := range f.Results {
		x := mix(h + uint64(j))
		edge := x>>62 == 0
		switch t {
		case I32:
			res[j] = x & math.MaxUint32
			if edge {
				res[j] = uint64(uint32(ints[x%uint64(len(ints))]))
			}
		case I64:
			res[j] = x
			if edge {
				res[j] = uint64(ints[x%uint64(len(ints))])
			}
		case F32:
			res[j] = uint64(math.Float32bits(float32(int32(x)) / 256))
			if edge {
				res[j] = uint64(f32Bits[x%uint64(len(f32Bits))])
			}
		case F64:
			res[j] = math.Float64bits(float64(int64(x)) / 65536)
			if edge {
				res[j] = f64Bits[x%uint64(len(f64Bits))]
			}
		}
	}
	return res, nil
}

// mix is splitmix64's finalizer.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}
