package codegen_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"testing"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/validate"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// FuzzOptLevels is a differential check of the tiers: the fuzz input
// drives a generator of valid, terminating modules (i32 arithmetic,
// locals, blocks, ifs, counted loops, loops carrying values across
// iterations in parameters and locals, nested, with early exits and
// loads at the induction variable (carriedLoop), selects, loads, stores,
// calls, division traps), and the module must give the same results, traps and
// memory compiled at opt 0 and at opt 2, in both bounds modes, and at opt
// 2 with every feature of this host allowed (what lucet-run compiles: the
// AVX and BMI2 lowerings where the host has them). Inputs
// that once failed go to testdata/fuzz/FuzzOptLevels.
//
//	go test ./pkg/codegen -run '^$' -fuzz FuzzOptLevels -fuzztime 60s
func FuzzOptLevels(f *testing.F) {
	for _, s := range []string{
		"", "\x00", "\x02\x01\x01\x02", "\x09\x03\x02\x02\x01\x06\x07", "\x04\x05\x01\x02\x03\x0a\x0b",
		"\x06\x06\x06\x07\x07\x09\x09\x02\x02\x02\x0c\x0c\x0d", "\x0b\x0b\x02\x03\x0a\x04\x01\x00\x05",
		// One carriedLoop each, of shapes 1, 2 and 3.
		"\x83\xe5\x6a\x15\x6a\x9d\xec\x6a\x40\xe9\xa1\xd0\x07\xf0\x33\xc2\x82\x30\x61\xbd\xd0\xea\xa5\x9f\x8e\x4d\xa6\x43",
		"\xe2\x5c\xbb\x15\xd9\xaf\xbc\xbf\x7f\x7d\xa4\x1a\xb0\x40\x8e\x39\x69\xc2\xe2\xcd\xcf\x23\x34\x38\xbf\x17\x74\xac\xe7\x70\x9a\x4f\x09\x1e\x9a\x83",
		"\x40\x90\xa3\x89\xcb\x51\x65\xce\x64\x00\x2c\xbd\x9c\x28\x87\xaa\x11\x3d\xf2\x46\x89\x28\xd5\xa2\x3b\x9c\xa7\x40\xf8\x0c\x93\x82\xd9\xc6\x03\x4a\xd2\x96",
	} {
		f.Add([]byte(s))
	}
	type tier struct {
		name     string
		opt      int
		features uint64
	}
	tiers := []tier{{"opt 0", 0, 0}, {"opt 2", 2, 0}}
	if host := load.HostFeatures(); host&object.FeatureSSE41 != 0 {
		tiers = append(tiers, tier{"opt 2 with " + object.FeatureString(host), 2, host})
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		mod := genModule(in)
		m, err := decode.Decode(mod, decode.Options{})
		if err != nil {
			t.Fatalf("generated module does not decode: %v", err)
		}
		if _, err := validate.Module(m, validate.Options{}); err != nil {
			t.Fatalf("generated module does not validate: %v", err)
		}
		args := []uint64{7, 3}
		if len(in) >= 2 {
			args = []uint64{uint64(in[0]) * 0x01010101, uint64(in[len(in)-1]) << 3}
		}
		for _, bounds := range []object.BoundsChecks{object.BoundsExplicit, object.BoundsGuard} {
			var outs []string
			var mems [][]byte
			for _, c := range tiers {
				opts := codegen.Options{OptLevel: c.opt, Bounds: bounds, Parallel: 1, Features: c.features}
				if bounds == object.BoundsGuard {
					opts.MemReserve, opts.MemGuard = codegen.DefaultMemReserve, codegen.DefaultMemGuard
				}
				res, mem := runOnce(t, m, opts, args)
				outs = append(outs, res)
				mems = append(mems, mem)
			}
			for i := 1; i < len(outs); i++ {
				if outs[0] != outs[i] || !bytes.Equal(mems[0], mems[i]) {
					t.Fatalf("bounds %v: %s gives %s, %s gives %s (memory equal: %v)",
						bounds, tiers[0].name, outs[0], tiers[i].name, outs[i], bytes.Equal(mems[0], mems[i]))
				}
			}
		}
	})
}

// TestGenCarriedLoops checks that the generator reaches each carriedLoop
// shape from random inputs, nested too, and that every module it makes is
// valid: FuzzOptLevels compares only what its generator makes.
func TestGenCarriedLoops(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	var shapes [4]int
	nested, twins, remats := 0, 0, 0
	for range 2000 {
		in := make([]byte, 16+r.Intn(64))
		r.Read(in)
		g := &gen{in: in, nfuncs: genFuncs}
		mod := g.module()
		m, err := decode.Decode(mod, decode.Options{})
		if err == nil {
			_, err = validate.Module(m, validate.Options{})
		}
		if err != nil {
			t.Fatalf("input %x: %v", in, err)
		}
		for i, n := range g.carried {
			shapes[i] += n
		}
		nested += g.carriedNested
		twins += g.twinLoops
		remats += g.remats
	}
	t.Logf("carried loops of shapes 1-3: %v, %d nested, %d with an i64 twin, %d with a value to rematerialize", shapes[1:], nested, twins, remats)
	for s := 1; s <= 3; s++ {
		if shapes[s] < 100 {
			t.Errorf("carriedLoop shape %d: %d in 2000 modules", s, shapes[s])
		}
	}
	if nested < 50 || twins < 50 || remats < 50 {
		t.Errorf("in 2000 modules, %d carried loops inside other loops, %d with an i64 twin, %d with a value to rematerialize", nested, twins, remats)
	}
}

func runOnce(t *testing.T, m *wasm.Module, opts codegen.Options, args []uint64) (string, []byte) {
	obj, err := codegen.Compile(m, opts)
	if err != nil {
		t.Fatalf("opt %d: %v", opts.OptLevel, err)
	}
	inst := instantiate(t, obj)
	res, err := inst.Func("f0").Call(args...)
	var out string
	var trap *execute.Trap
	switch {
	case errors.As(err, &trap):
		out = fmt.Sprintf("trap %v at %#x", trap.Code, trap.WasmOffset)
	case err != nil:
		t.Fatalf("opt %d: %v", opts.OptLevel, err)
	default:
		out = fmt.Sprint(res)
	}
	return out, append([]byte(nil), inst.Memory().Bytes()...)
}

// gen turns fuzz bytes into code; when the bytes run out it picks the
// simplest choices, so every input gives a finite, valid module.
type gen struct {
	in     []byte
	code   []byte
	fn     int // the function being generated; it calls only later ones
	nfuncs int
	loops  int // counted loops so far (each has its own counter local)
	nest   int // loops around the code being generated
	twins  int // twinLoops so far (each has its own i64 local)
	// carried counts the loops of each carriedLoop shape (1-3)
	// generated, for TestGenCarriedLoops.
	carried       [4]int
	carriedNested int // carried loops inside another loop
	twinLoops     int // of them
	remats        int // shape 1 loops with a value for rematerialize
}

const (
	genLocals   = 4 // i32 locals after the two parameters
	genCounters = 8 // loop counter locals after those
	genFuncs    = 3
	genTwins    = 4 // i64 locals after the counters, twinLoop's
	genLoop1    = 1 // type index of [i32] -> [i32]
	genLoop2    = 2 // type index of [i32 i32] -> [i32 i32]
)

func (g *gen) byte1() byte {
	if len(g.in) == 0 {
		return 0
	}
	c := g.in[0]
	g.in = g.in[1:]
	return c
}

func (g *gen) emit(b ...byte) { g.code = append(g.code, b...) }

func (g *gen) sleb(v int32) {
	for {
		c := byte(v & 0x7F)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			g.emit(c)
			return
		}
		g.emit(c | 0x80)
	}
}

// expr emits code pushing one i32.
func (g *gen) expr(depth int) {
	c := g.byte1()
	if depth <= 0 {
		c %= 2
	}
	switch c % 13 {
	case 0:
		g.emit(0x41)
		g.sleb(int32(uint32(g.byte1()) | uint32(g.byte1())<<24))
	case 1:
		g.emit(0x20, g.byte1()%(2+genLocals))
	case 2:
		g.expr(depth - 1)
		g.expr(depth - 1)
		ops := []byte{0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x46, 0x47,
			0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x6d, 0x6e, 0x6f, 0x70}
		g.emit(ops[int(g.byte1())%len(ops)])
	case 3:
		g.expr(depth - 1)
		if op := g.byte1() % 7; op < 6 {
			g.emit([]byte{0x45, 0x67, 0x68, 0x69, 0xc0, 0xc1}[op])
		} else {
			g.emit(0x41, 0x7f, 0x73) // not: xor with -1 (and-not fusion)
		}
	case 4:
		// A load at a masked address, or (rarely) anywhere: may trap.
		// Some masked addresses are (x & m) << k, k = 1..3, and some
		// unmasked ones x << k, which may wrap: table lookups, read
		// through a scaled index when the range allows
		// (ssa.fuseScaledIndexes). The choice takes no more input, so
		// that other inputs generate what they did.
		g.expr(depth - 1)
		switch b := g.byte1(); {
		case b%8 == 1 && b&0x30 != 0:
			k := int32(b >> 4 & 3)
			g.emit(0x41)
			g.sleb(0xfff0 >> k)
			g.emit(0x71, 0x41, byte(k), 0x74)
		case b%8 == 0 && b&0x30 != 0:
			g.emit(0x41, b>>4&3, 0x74)
		case b%8 != 0:
			g.emit(0x41)
			g.sleb(0xfff0)
			g.emit(0x71)
		}
		g.emit([]byte{0x28, 0x2c, 0x2d, 0x2e, 0x2f}[g.byte1()%5], 0, g.byte1()%16)
	case 5:
		g.expr(depth - 1)
		g.expr(depth - 1)
		g.expr(depth - 1)
		g.emit(0x1b)
	case 6:
		// block (result i32): e1 cond br_if 0 drop e2 end
		g.emit(0x02, 0x7f)
		g.expr(depth - 1)
		g.expr(depth - 1)
		g.emit(0x0d, 0, 0x1a)
		g.expr(depth - 1)
		g.emit(0x0b)
	case 7:
		g.expr(depth - 1)
		g.emit(0x04, 0x7f)
		g.expr(depth - 1)
		g.emit(0x05)
		g.expr(depth - 1)
		g.emit(0x0b)
	case 8:
		g.expr(depth - 1)
		g.emit(0x22, g.byte1()%(2+genLocals))
	case 9:
		if g.loops >= genCounters {
			g.emit(0x20, 0)
			return
		}
		// A loop running 1 to 4 times, with statements and a result; or,
		// when the top bits of the byte giving its count are set, a loop
		// carrying values from one iteration to the next (carriedLoop).
		ctr := byte(2 + genLocals + g.loops)
		g.loops++
		b := g.byte1()
		g.nest++
		defer func() { g.nest-- }()
		if b&0xc0 != 0 {
			g.carriedLoop(depth, ctr, b)
			return
		}
		g.emit(0x41, 1+b%4, 0x21, ctr)
		g.emit(0x03, 0x7f)
		g.stmt(depth - 1)
		g.stmt(depth - 1)
		g.emit(0x20, ctr, 0x41, 1, 0x6b, 0x22, ctr, 0x0d, 0)
		g.expr(depth - 1)
		g.emit(0x0b)
	case 10:
		if g.fn+1 >= g.nfuncs {
			g.emit(0x20, 1)
			return
		}
		g.expr(depth - 1)
		g.expr(depth - 1)
		g.emit(0x10, byte(g.fn+1+int(g.byte1())%(g.nfuncs-g.fn-1)))
	case 11:
		// Statements, then a value.
		g.stmt(depth - 1)
		g.expr(depth - 1)
	case 12:
		// A br_table choosing between two nested blocks.
		g.emit(0x02, 0x7f, 0x02, 0x40, 0x02, 0x40)
		g.expr(depth - 1)
		g.emit(0x0e, 2, 0, 1, g.byte1()%2)
		g.emit(0x0b)
		g.stmt(depth - 1)
		g.emit(0x0b)
		g.expr(depth - 1)
		g.emit(0x0b)
	}
}

// stmt emits code with no net effect on the stack.
func (g *gen) stmt(depth int) {
	switch g.byte1() % 4 {
	case 0:
		g.expr(depth)
		g.emit(0x21, g.byte1()%(2+genLocals))
	case 1:
		g.expr(depth)
		g.emit(0x41)
		g.sleb(0xfff0)
		g.emit(0x71)
		g.expr(depth)
		g.emit([]byte{0x36, 0x3a, 0x3b}[g.byte1()%3], 0, g.byte1()%16)
	case 2:
		g.expr(depth)
		g.emit(0x04, 0x40)
		g.stmt(depth - 1)
		g.emit(0x0b)
	case 3:
		g.expr(depth)
		g.emit(0x1a)
	}
}

// genModule builds a module of genFuncs functions (i32 i32) -> i32, one
// memory page, f0 exported.
func genModule(in []byte) []byte {
	return (&gen{in: in, nfuncs: genFuncs}).module()
}

func (g *gen) module() []byte {
	var bodies [][]byte
	for i := 0; i < genFuncs; i++ {
		g.fn, g.loops, g.twins, g.code = i, 0, 0, nil
		g.emit(2, genLocals+genCounters, 0x7f, genTwins, 0x7e)
		for k := 0; k < 1+int(g.byte1()%3); k++ {
			g.stmt(4)
		}
		g.expr(5)
		g.emit(0x0b)
		bodies = append(bodies, g.code)
	}
	sec := func(id byte, p []byte) []byte { return append(append([]byte{id}, uleb32(len(p))...), p...) }
	out := []byte{0, 'a', 's', 'm', 1, 0, 0, 0}
	out = append(out, sec(1, []byte{3,
		0x60, 2, 0x7f, 0x7f, 1, 0x7f, // the functions'
		0x60, 1, 0x7f, 1, 0x7f, // genLoop1: a loop carrying one i32
		0x60, 2, 0x7f, 0x7f, 2, 0x7f, 0x7f, // genLoop2: two
	})...)
	out = append(out, sec(3, []byte{genFuncs, 0, 0, 0})...)
	out = append(out, sec(5, []byte{1, 0, 1})...)
	out = append(out, sec(7, []byte{1, 2, 'f', '0', 0, 0})...)
	code := []byte{genFuncs}
	for _, b := range bodies {
		code = append(code, uleb32(len(b))...)
		code = append(code, b...)
	}
	return append(out, sec(10, code)...)
}

func uleb32(v int) []byte {
	var out []byte
	for {
		c := byte(v & 0x7F)
		v >>= 7
		if v == 0 {
			return append(out, c)
		}
		out = append(out, c|0x80)
	}
}

// carriedLoop emits a loop whose iterations depend on the ones before, as
// loops over arrays and reductions do, for what the optimizing passes do
// to loops (induction variables, exit stores, rematerialization,
// reassociation, bounds-check elimination) to be compared with opt 0:
//
//	1: a loop with an i32 parameter, updated each iteration and leaving
//	   it as the result, counting down, with an early exit out of a block,
//	   and (where there is a later function to call) a value computed
//	   before the loop from a parameter and a constant, read in the loop
//	   after a call (what rematerialize recomputes);
//	2: a loop with two i32 parameters, (a, b) -> (b, a op b op load),
//	   its counter counting up from 0-3 by 1-4, the load at the counter
//	   scaled; or (1 in 4) a loop counting an i32 and its i64 twin
//	   together, the body under a test bounding the i32 (clang's shape of
//	   mandel's escape count, which mergeInductionVars rewrites);
//	3: a void loop counting up, reducing loads at the counter scaled into
//	   a local (an op, or a chain of adds that reassociate rebalances),
//	   storing the local to a fixed address each iteration, storing again
//	   at a loaded address under an if (a check elimBoundsChecks drops),
//	   and leaving early when a condition holds.
//
// The counters are reserved locals (the body's statements set only the
// parameters and genLocals), so every loop runs its count: at most 8 at
// the top and 3 inside another loop. The loads' offsets are sometimes
// near the end of the page, so a loop may trap part way, after some of
// its stores.
func (g *gen) carriedLoop(depth int, ctr, b byte) {
	trips := 1 + int32(b>>2&0xf)%8
	if g.nest > 1 {
		trips = 1 + int32(b>>2&0xf)%3
	}
	ops := []byte{0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74, 0x77} // add sub mul and or xor shl rotl
	op := func() { g.emit(ops[g.byte1()%byte(len(ops))]) }
	// ivAddr pushes the counter shifted left by 0-3, ivLoad a load there
	// at an offset within the page's first 256 bytes or (1 in 4) near its
	// end, returning the opcode, the offset and the byte giving the shift
	// (for ivAddr to make the same address again).
	ivAddr := func(c byte) { g.emit(0x20, ctr, 0x41, c&3, 0x74) }
	ivLoad := func() (ld byte, off int, c byte) {
		c = g.byte1()
		ivAddr(c)
		off = int(c >> 2)
		if c&0xc0 == 0xc0 {
			off = 0xff00 | int(g.byte1())
		}
		ld = []byte{0x28, 0x2c, 0x2d, 0x2e, 0x2f}[g.byte1()%5]
		g.emit(ld, 0)
		g.emit(uleb32(off)...)
		return ld, off, c
	}
	// countUp ends an iteration of a loop counting from start by step:
	// the compare (lt_s, lt_u or ne) meets the end exactly at trips.
	countUp := func(start, step int32) {
		g.emit(0x20, ctr, 0x41)
		g.sleb(step)
		g.emit(0x6a, 0x22, ctr, 0x41)
		g.sleb(start + step*trips)
		g.emit([]byte{0x48, 0x49, 0x47}[g.byte1()%3], 0x0d, 0)
	}
	local := func() byte { return 2 + g.byte1()%genLocals }
	g.carried[b>>6]++
	if g.nest > 1 {
		g.carriedNested++
	}
	switch b >> 6 {
	case 1:
		// base = param op constant, before the loop and read in it
		// after a call: what rematerialize recomputes in the loop
		// rather than keep in a slot across the call.
		base := byte(0)
		if g.fn+1 < g.nfuncs && g.loops < genCounters {
			base = byte(2 + genLocals + g.loops)
			g.loops++
			g.remats++
			g.emit(0x20, g.byte1()%2, 0x41)
			g.sleb(int32(g.byte1()) << 2)
			g.emit([]byte{0x6a, 0x6b, 0x71, 0x72, 0x73, 0x74}[g.byte1()%6], 0x21, base)
		}
		g.emit(0x02, 0x7f) // block (result i32): the early exit
		g.expr(depth - 1)
		g.emit(0x41)
		g.sleb(trips)
		g.emit(0x21, ctr, 0x03, genLoop1)
		g.stmt(depth - 1)
		if base != 0 {
			g.emit(0x20, base)
			g.expr(depth - 2)
			g.emit(0x10, byte(g.fn+1+int(g.byte1())%(g.nfuncs-g.fn-1)), 0x20, base)
			op()
			op()
		}
		g.expr(depth - 1)
		op()
		if c := g.byte1(); c&1 != 0 {
			// Leave with a value when the counter reaches c>>1%8, or
			// when an expression is zero.
			g.expr(depth - 2)
			if c&2 != 0 {
				g.emit(0x20, ctr, 0x41, c>>2%8, 0x46)
			} else {
				g.expr(depth - 2)
				g.emit(0x45)
			}
			g.emit(0x0d, 1, 0x1a)
		}
		g.emit(0x20, ctr, 0x41, 1, 0x6b, 0x22, ctr, 0x0d, 0)
		g.emit(0x0b, 0x0b)
	case 2:
		c := g.byte1()
		start, step := int32(c&3), 1+int32(c>>2&3)
		if c&0x30 == 0x30 && g.twins < genTwins {
			g.twinLoop(depth, ctr, start, step, start+step*trips)
			return
		}
		t0, t1 := local(), local()
		g.emit(0x41)
		g.sleb(start)
		g.emit(0x21, ctr)
		g.expr(depth - 1)
		g.expr(depth - 1)
		g.emit(0x03, genLoop2, 0x21, t1, 0x21, t0)
		g.stmt(depth - 1)
		g.emit(0x20, t1, 0x20, t0, 0x20, t1)
		op()
		ivLoad()
		op()
		countUp(start, step)
		g.emit(0x0b)
		op()
	default:
		c := g.byte1()
		start, step := int32(c&3), 1+int32(c>>2&3)
		acc := local()
		g.emit(0x41)
		g.sleb(start)
		g.emit(0x21, ctr)
		g.emit(0x02, 0x7f, 0x03, 0x40) // block (result i32) loop
		g.emit(0x20, acc)
		ld, off, addr := ivLoad()
		if c&0x80 != 0 {
			// acc + load + load + e, no constant term: a chain.
			g.emit(0x6a)
			ivLoad()
			g.emit(0x6a)
			g.expr(depth - 2)
			g.emit(0x6a)
		} else {
			op()
		}
		g.emit(0x21, acc)
		g.stmt(depth - 1)
		g.emit(0x41)
		g.sleb(int32(c>>4&3) * 4)
		g.emit(0x20, acc, 0x36, 2, 0x80, 0x02) // i32.store offset=256
		// Store under an if at the address and offset the first load
		// checked, no wider: the if's check is redundant. The address
		// is recomputed (GVN makes it one value).
		g.expr(depth - 2)
		g.emit(0x04, 0x40)
		ivAddr(addr)
		g.expr(depth - 2)
		st := byte(0x3a) // i32.store8
		if ld == 0x28 {
			st = []byte{0x36, 0x3a, 0x3b}[g.byte1()%3]
		} else if ld >= 0x2e {
			st = []byte{0x3a, 0x3b}[g.byte1()%2]
		}
		g.emit(st, 0)
		g.emit(uleb32(off)...)
		g.emit(0x0b)
		if c&0x40 != 0 {
			g.emit(0x20, acc)
			g.expr(depth - 2)
			g.emit(0x45, 0x0d, 1, 0x1a)
		}
		countUp(start, step)
		g.emit(0x0b, 0x20, acc, 0x0b)
	}
}

// twinLoop emits a loop counting ctr and an i64 twin from start by step to
// end, the body under if ctr <=u end (the guard that lets
// mergeInductionVars prove the twin is ctr's zero extension), storing the
// twin each iteration; its value is ctr after the loop.
func (g *gen) twinLoop(depth int, ctr byte, start, step, end int32) {
	tw := byte(2 + genLocals + genCounters + g.twins)
	g.twins++
	g.twinLoops++
	g.emit(0x41)
	g.sleb(start)
	g.emit(0x21, ctr, 0x42)
	g.sleb(start)
	g.emit(0x21, tw)
	g.emit(0x03, 0x40, 0x20, ctr, 0x41)
	g.sleb(end)
	g.emit(0x4d, 0x04, 0x40) // i32.le_u; if
	g.stmt(depth - 1)
	g.emit(0x41)
	g.sleb(int32(g.byte1()%8) * 8)
	g.emit(0x20, tw, 0x37, 3, 0xc0, 0x02) // i64.store offset=320
	g.emit(0x20, ctr, 0x41)
	g.sleb(step)
	g.emit(0x6a, 0x21, ctr, 0x20, tw, 0x42)
	g.sleb(step)
	g.emit(0x7c, 0x21, tw) // i64.add
	g.emit(0x20, ctr, 0x41)
	g.sleb(end)
	g.emit(0x49, 0x0d, 1) // i32.lt_u; br_if the loop
	g.emit(0x0b, 0x0b, 0x20, ctr)
}
