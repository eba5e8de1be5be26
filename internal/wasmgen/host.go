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
// registers) and up to two results, of nf generated functions; a name
// starting with t makes one that sometimes traps, c<i>_f<k> one that
// calls export f<k> back (see HostCall).
func (g *gen) hostFuncs(nf int) {
	r := g.r
	if g.opts.HostExtern {
		defer g.externImport()
	}
	if r.Intn(4) == 0 {
		return
	}
	for i := 1 + r.Intn(3); i > 0; i-- {
		f := Func{Name: "h" + itoa(len(g.imports))}
		k := -1
		switch {
		case nf > 1 && r.Intn(2) == 0:
			k = r.Intn(nf - 1)
			f.Name = "c" + itoa(len(g.imports)) + "_f" + itoa(k)
		case r.Intn(3) == 0:
			f.Name = "t" + itoa(len(g.imports))
		}
		g.callback = append(g.callback, k)
		types := valTypes
		vec := g.opts.HostV128 && r.Intn(3) == 0
		if vec {
			types = []byte{I32, I64, F32, F64, V128, V128}
		}
		if g.opts.HostRefs && r.Intn(3) == 0 {
			types = append(types[:len(types):len(types)], FuncRef, FuncRef, ExternRef)
		}
		if g.opts.HostExtern && r.Intn(3) == 0 {
			types = append(types[:len(types):len(types)], ExternRef, ExternRef, ExternRef)
		}
		np := r.Intn(5)
		if r.Intn(6) == 0 {
			np = 5 + r.Intn(5)
		}
		for j := 0; j < np; j++ {
			f.Params = append(f.Params, types[r.Intn(len(types))])
		}
		for j := r.Intn(3); j > 0; j-- {
			f.Results = append(f.Results, types[r.Intn(len(types))])
		}
		if vec && !hasV128(f.Results) && r.Intn(2) == 0 {
			f.Results = append(f.Results, V128) // one in two of them returns a v128
		}
		g.imports = append(g.imports, f)
	}
}

// fidx is the function index of generated function i (after the
// imports).
func (g *gen) fidx(i int) uint64 { return uint64(len(g.imports) + i) }

// importOK says whether the function being generated may call import i
// here: a callback to f<k> only from a function above k, outside loops,
// and counted as a call (calls stay acyclic and few).
func (g *gen) importOK(i int) bool {
	k := g.callback[i]
	return k < 0 || k < g.cur && g.loops == 0 && g.hot == 0 && g.calls > 0
}

// hostCall calls an import whose first result has type t (its other
// results dropped), false if there is none.
func (g *gen) hostCall(t byte) bool {
	i := g.pickImport(func(f Func) bool { return len(f.Results) > 0 && f.Results[0] == t })
	if i < 0 {
		return false
	}
	g.callImport(i)
	return true
}

// pickImport picks an import that ok accepts and importOK allows here,
// a callback one time in two where one is allowed (they are allowed
// rarely: outside loops, in functions above their callee, within the
// function's calls); -1 if there is none.
func (g *gen) pickImport(ok func(Func) bool) int {
	var cands, cbs []int
	for i, f := range g.imports {
		if ok(f) && g.importOK(i) {
			cands = append(cands, i)
			if g.callback[i] >= 0 {
				cbs = append(cbs, i)
			}
		}
	}
	if len(cbs) > 0 && g.r.Intn(2) == 0 {
		return cbs[g.r.Intn(len(cbs))]
	}
	if len(cands) == 0 {
		return -1
	}
	return cands[g.r.Intn(len(cands))]
}

// callImport calls import i with generated arguments and drops all its
// results but the first.
func (g *gen) callImport(i int) {
	f := g.imports[i]
	g.callArgs(i)
	for j := len(f.Results) - 1; j > 0; j-- {
		g.op(0x1a)
	}
}

// arg pushes an argument of type p: a v128 of integer bits (ivec), so
// no NaN's bits reach HostCall's hash.
func (g *gen) arg(p byte) {
	switch p {
	case V128:
		g.ivec()
	case FuncRef:
		g.refVal(len(g.funcs)) // any: the host only tells null from not
	case ExternRef:
		if g.opts.HostExtern {
			g.externVal()
			return
		}
		g.op(0xd0, ExternRef) // ref.null extern: the guest has no other
	default:
		g.expr(p)
	}
}

// callArgs calls import i with generated arguments, its results all
// left on the stack.
func (g *gen) callArgs(i int) {
	if g.callback[i] >= 0 {
		g.calls--
	}
	for _, p := range g.imports[i].Params {
		g.arg(p)
	}
	g.op(0x10)
	g.u(uint64(i))
}

// hasV128 says whether types has a v128.
func hasV128(types []byte) bool {
	for _, t := range types {
		if t == V128 {
			return true
		}
	}
	return false
}

// hostStmt calls any import and drops its results.
func (g *gen) hostStmt() {
	if len(g.imports) == 0 {
		g.expr(I32)
		g.op(0x1a)
		return
	}
	i := -1
	if g.vscratch >= 0 && g.r.Intn(2) == 0 {
		i = g.pickImport(func(f Func) bool { return hasV128(f.Results) })
	}
	if i < 0 {
		i = g.pickImport(func(Func) bool { return true })
	}
	if i < 0 {
		g.expr(I32)
		g.op(0x1a)
		return
	}
	if r := g.imports[i].Results; hasV128(r) { // Options.HostV128: vscratch is one
		// every v128 result stored, every bit of each seen (a host
		// binding's swapped or lost half changes memory): the last
		// first, through vscratch, the others dropped
		g.callArgs(i)
		for j := len(r) - 1; j >= 0; j-- {
			if r[j] != V128 {
				g.op(0x1a)
				continue
			}
			g.op(0x21)
			g.u(uint64(g.vscratch))
			g.addr()
			g.op(0x20)
			g.u(uint64(g.vscratch))
			g.op(0xfd, 0x0b)
			g.memarg()
		}
		return
	}
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

// Callee is the export a callback import (c<i>_f<k>) calls: f<k>, its
// type, and how the engine calls it (a trap comes back as the error).
type Callee struct {
	Func
	Call func(args []uint64) ([]uint64, error)
}

// CalleeName is the export callback import name calls, "" if it is not
// one.
func CalleeName(name string) string {
	if name == "" || name[0] != 'c' {
		return ""
	}
	for i := range name {
		if name[i] == '_' {
			return name[i+1:]
		}
	}
	return ""
}

// HostCall is what import f of module HostModule does with arguments
// args (a slot a value, two for a v128, low half first: i32 and f32 in
// the low 32 bits, a reference 0 when null, an externref the id
// ExternID made), results likewise: its results hash the arguments
// (every NaN hashed alike, the spec leaving NaN bits open; funcrefs by
// whether they are null, externrefs by their ids), edge values one time
// in four, funcrefs null, externrefs ExternID's ids (engines map an id
// to a reference of their own and back); an import whose name starts with
// t returns ErrHostTrap for one hash in four, one whose name starts with
// c calls callee (CalleeName) with arguments from the hash, hashes its
// results too and returns its error (its trap) as its own.
func HostCall(f Func, args []uint64, callee *Callee) ([]uint64, error) {
	h := uint64(0x9e3779b97f4a7c15)
	i := 0
	for _, p := range f.Params {
		h = mix(h ^ canon(p, args[i]))
		i++
		if p == V128 {
			h = mix(h ^ args[i])
			i++
		}
	}
	if f.Name[0] == 't' && h>>62 == 0 {
		return nil, ErrHostTrap
	}
	if f.Name[0] == 'c' {
		if callee == nil {
			return nil, errors.New("wasmgen: callback " + f.Name + " without its callee")
		}
		cargs := make([]uint64, len(callee.Params))
		for j, t := range callee.Params {
			cargs[j] = value(t, mix(h+0x100+uint64(j)))
		}
		res, err := callee.Call(cargs)
		if err != nil {
			return nil, err
		}
		for j, t := range callee.Results {
			h = mix(h ^ canon(t, res[j]))
		}
	}
	var res []uint64
	for j, t := range f.Results {
		switch t {
		case V128:
			res = append(res, value(I64, mix(h+uint64(j))), value(I64, mix(h+uint64(j)+0x80)))
			continue
		case FuncRef:
			res = append(res, 0) // null
			continue
		case ExternRef:
			res = append(res, ExternID(mix(h+uint64(j))))
			continue
		}
		res = append(res, value(t, mix(h+uint64(j))))
	}
	return res, nil
}

// canon is the bits of a value of type t as HostCall hashes them: i32 and
// f32 the low 32, every NaN the same.
func canon(t byte, v uint64) uint64 {
	switch t {
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
	case FuncRef: // null or not: engines' references differ
		if v != 0 {
			v = 1
		}
	}
	return v
}

// value is a value of type t made of hash x: edge values one time in
// four.
func value(t byte, x uint64) uint64 {
	edge := x>>62 == 0
	switch t {
	case I32:
		if edge {
			return uint64(uint32(ints[x%uint64(len(ints))]))
		}
		return x & math.MaxUint32
	case I64:
		if edge {
			return uint64(ints[x%uint64(len(ints))])
		}
		return x
	case F32:
		if edge {
			return uint64(f32Bits[x%uint64(len(f32Bits))])
		}
		return uint64(math.Float32bits(float32(int32(x)) / 256))
	default:
		if edge {
			return f64Bits[x%uint64(len(f64Bits))]
		}
		return math.Float64bits(float64(int64(x)) / 65536)
	}
}

// mix is splitmix64's finalizer.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}
