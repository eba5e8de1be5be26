package wasmgen_test

// Differential testing against a reference: wazero's interpreter (a
// test-only dependency; nothing outside this file imports it, so the
// product binaries never link it).

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"os"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/lucet-go/lucet/internal/wasmgen"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/compile"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// outcome is what one call did: its results, or the trap it ended in.
type outcome struct {
	results []uint64
	trap    string // "" when it returned
}

// wazeroTrap maps wazero's error text to lucet's trap names (the spec's).
var wazeroTraps = []struct{ wazero, trap string }{
	{"integer divide by zero", abi.TrapIntegerDivideByZero.String()},
	{"integer overflow", abi.TrapIntegerOverflow.String()},
	{"invalid conversion to integer", abi.TrapInvalidConversion.String()},
	{"out of bounds memory access", abi.TrapMemoryOutOfBounds.String()},
	{"unreachable", abi.TrapUnreachable.String()},
	{"indirect call type mismatch", abi.TrapBadSignature.String()},
	// wazero names a null slot and one past the table alike.
	{"invalid table access", tableTrap},
}

// tableTrap stands for wazero's invalid table access: lucet's null
// element, undefined element (call_indirect past the table) or out of
// bounds table access (table.get, table.set, table.fill).
const tableTrap = "null or out-of-range table element"

// sameTrap says whether lucet's trap got is the reference's want.
func sameTrap(want, got string) bool {
	if want == tableTrap {
		return got == abi.TrapIndirectCallToNull.String() || got == abi.TrapUndefinedElement.String() ||
			got == abi.TrapTableOutOfBounds.String()
	}
	return want == got
}

// engines runs one module in both engines.
type engines struct {
	ref   api.Module
	refRT wazero.Runtime
	store *execute.Store
	inst  *execute.Instance
	mod   *load.Module
}

// hostTrap is the outcome of a call that a host function (an import of
// the module wasmgen.HostModule) ended with wasmgen.ErrHostTrap.
const hostTrap = "host trap"

// tier is how lucet compiles a module: at opt level opt, with every
// feature of this host allowed (what lucet-run and the Runtime API
// compile: the AVX and BMI2 lowerings where it has them) or, baseline,
// with lucetc's portable default features (SSE code, which the register
// allocator treats otherwise: no three-operand forms).
type tier struct {
	opt      int
	baseline bool
}

func (c tier) String() string {
	if c.baseline {
		return fmt.Sprintf("%d baseline", c.opt)
	}
	return fmt.Sprint(c.opt)
}

// tiers are the tiers of TestDiffCarried: the optimizing one with the
// host's features and with the baseline's, and the baseline compiler.
var tiers = []tier{{opt: 2}, {opt: 2, baseline: true}, {opt: 0}}

// seedRange is the seeds a test runs: 0..n-1, or FROM..FROM+N-1 with
// WASMGEN_SEEDS=FROM:N (longer hunts than the suite's).
func seedRange(t *testing.T, n int) (from, to int64) {
	s := os.Getenv("WASMGEN_SEEDS")
	if s == "" {
		return 0, int64(n)
	}
	if _, err := fmt.Sscanf(s, "%d:%d", &from, &to); err != nil {
		t.Fatalf("WASMGEN_SEEDS=%q: want FROM:N", s)
	}
	return from, from + to
}

func instantiate(t *testing.T, ctx context.Context, m *wasmgen.Module, c tier) *engines {
	t.Helper()
	wasm := m.Wasm
	e := &engines{}
	e.refRT = wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	imports := execute.ImportMap{}
	if len(m.Imports) > 0 {
		hb := e.refRT.NewHostModuleBuilder(wasmgen.HostModule)
		imports[wasmgen.HostModule] = map[string]execute.Extern{}
		for _, f := range m.Imports {
			f := f
			exp := wasmgen.CalleeName(f.Name)
			var cf wasmgen.Func
			for _, g := range m.Funcs {
				if g.Name == exp {
					cf = g
				}
			}
			hb.NewFunctionBuilder().WithGoModuleFunction(api.GoModuleFunc(func(ctx context.Context, caller api.Module, stack []uint64) {
				var callee *wasmgen.Callee
				if exp != "" {
					callee = &wasmgen.Callee{Func: cf, Call: func(args []uint64) ([]uint64, error) {
						return caller.ExportedFunction(exp).Call(ctx, args...)
					}}
				}
				res, err := wasmgen.HostCall(f, stack, callee)
				if err != nil {
					panic(err)
				}
				copy(stack, res)
			}), apiTypes(f.Params), apiTypes(f.Results)).Export(f.Name)
			imports[wasmgen.HostModule][f.Name] = execute.NewHostFunc(funcType(f), func(c *execute.Caller, stack []uint64) error {
				var callee *wasmgen.Callee
				if exp != "" {
					callee = &wasmgen.Callee{Func: cf, Call: func(args []uint64) ([]uint64, error) {
						return c.Instance().Func(exp).Call(args...)
					}}
				}
				res, err := wasmgen.HostCall(f, stack, callee)
				copy(stack, res)
				return err
			})
		}
		if _, err := hb.Instantiate(ctx); err != nil {
			t.Fatalf("wazero host module: %v", err)
		}
	}
	var err error
	if e.ref, err = e.refRT.Instantiate(ctx, wasm); err != nil {
		t.Fatalf("wazero: %v", err)
	}
	opts := compile.DefaultOptions()
	opts.OptLevel = c.opt
	if c.baseline {
		opts.Features = 0
	}
	o, err := compile.Wasm(wasm, opts)
	if err != nil {
		t.Fatalf("lucet compile: %v", err)
	}
	if e.mod, err = load.FromObject(o); err != nil {
		t.Fatalf("lucet load: %v", err)
	}
	if e.store, err = execute.NewStore(execute.Config{}); err != nil {
		t.Fatal(err)
	}
	if e.inst, err = e.store.Instantiate(e.mod, imports); err != nil {
		t.Fatalf("lucet instantiate: %v", err)
	}
	return e
}

func (e *engines) close(ctx context.Context) {
	e.store.Close()
	e.mod.Close()
	e.refRT.Close(ctx)
}

// sameValue compares two results of type t: bit for bit, except that any
// NaN equals any NaN (the spec leaves NaN payloads open).
func sameValue(t byte, a, b uint64) bool {
	switch t {
	case wasmgen.I32:
		return uint32(a) == uint32(b)
	case wasmgen.F32:
		fa, fb := math.Float32frombits(uint32(a)), math.Float32frombits(uint32(b))
		return uint32(a) == uint32(b) || (fa != fa && fb != fb)
	case wasmgen.F64:
		fa, fb := math.Float64frombits(a), math.Float64frombits(b)
		return a == b || (fa != fa && fb != fb)
	}
	return a == b
}

// diffModule generates module number seed, calls every export with a few
// argument sets in both engines and compares results, traps, globals and
// memory after every call; lucet compiles it at opt level opt (0: the
// baseline compiler, 2: the optimizing tier).
func diffModule(t *testing.T, seed int64, opt int) {
	diffModuleWith(t, seed, tier{opt: opt}, wasmgen.Options{})
}

// diffModuleWith is diffModule of the module NewWith makes with o.
func diffModuleWith(t *testing.T, seed int64, c tier, o wasmgen.Options) {
	ctx := context.Background()
	r := rand.New(rand.NewSource(seed))
	m := wasmgen.NewWith(r, o)
	e := instantiate(t, ctx, m, c)
	defer e.close(ctx)
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("module %d at opt %v (%d bytes, wasm %x): %s", seed, c, len(m.Wasm), m.Wasm, fmt.Sprintf(format, args...))
	}
	for round := 0; round < 3; round++ {
		for _, f := range m.Funcs {
			args := make([]uint64, len(f.Params))
			for i, p := range f.Params {
				args[i] = arg(r, p)
			}
			refRes, refErr := e.ref.ExportedFunction(f.Name).Call(ctx, args...)
			res, err := e.inst.Func(f.Name).Call(args...)
			want, got := outcome{results: refRes}, outcome{results: res}
			if refErr != nil {
				want = outcome{trap: "unknown: " + refErr.Error()}
				if strings.Contains(refErr.Error(), wasmgen.ErrHostTrap.Error()) {
					want.trap = hostTrap
				}
				for _, w := range wazeroTraps {
					if strings.Contains(refErr.Error(), w.wazero) {
						want = outcome{trap: w.trap}
					}
				}
			}
			if err != nil {
				var tr *execute.Trap
				switch {
				case errors.Is(err, wasmgen.ErrHostTrap):
					got = outcome{trap: hostTrap}
				case asTrap(err, &tr):
					got = outcome{trap: tr.Code.String()}
				default:
					fail("%s%v: lucet error %v", f.Name, args, err)
				}
			}
			stats[got.trap]++
			if !sameTrap(want.trap, got.trap) {
				fail("%s%v: wazero %q, lucet %q (results %v / %v)", f.Name, args, want.trap, got.trap, want.results, got.results)
			}
			if want.trap == "" && got.trap == "" {
				for i, rt := range f.Results {
					if !sameValue(rt, want.results[i], got.results[i]) {
						fail("%s%v: result %d: wazero %#x, lucet %#x", f.Name, args, i, want.results[i], got.results[i])
					}
				}
			}
			for i, name := range m.Globals {
				ext, _ := e.inst.Export(name)
				gv := ext.(*execute.Global).Get()
				rv := e.ref.ExportedGlobal(name).Get()
				if !sameValue(m.GlobalTypes[i], rv, gv) {
					fail("after %s%v: global %s: wazero %#x, lucet %#x", f.Name, args, name, rv, gv)
				}
			}
			rm, _ := e.ref.Memory().Read(0, e.ref.Memory().Size())
			lm := e.inst.Memory().Bytes()
			if len(rm) != len(lm) {
				fail("after %s%v: memory of %d bytes in wazero, %d in lucet", f.Name, args, len(rm), len(lm))
			}
			for i := range rm {
				if rm[i] != lm[i] {
					fail("after %s%v: memory byte %#x: wazero %#x, lucet %#x", f.Name, args, i, rm[i], lm[i])
				}
			}
		}
	}
}

// apiTypes are wazero's value types for ts.
func apiTypes(ts []byte) []api.ValueType {
	var out []api.ValueType
	for _, t := range ts {
		out = append(out, map[byte]api.ValueType{wasmgen.I32: api.ValueTypeI32, wasmgen.I64: api.ValueTypeI64,
			wasmgen.F32: api.ValueTypeF32, wasmgen.F64: api.ValueTypeF64, wasmgen.ExternRef: api.ValueTypeExternref}[t])
	}
	return out
}

// funcType is lucet's signature of f.
func funcType(f wasmgen.Func) wasm.FuncType {
	var ft wasm.FuncType
	for _, p := range f.Params {
		ft.Params = append(ft.Params, wasm.ValType(p))
	}
	for _, r := range f.Results {
		ft.Results = append(ft.Results, wasm.ValType(r))
	}
	return ft
}

func asTrap(err error, tr **execute.Trap) bool {
	t, ok := err.(*execute.Trap)
	if !ok {
		return false
	}
	*tr = t
	return true
}

// stats counts calls by outcome ("" returned, else the trap).
var stats = map[string]int{}

// arg picks an argument of type p, edge values half the time.
func arg(r *rand.Rand, p byte) uint64 {
	edges := []uint64{0, 1, math.MaxUint64, 0x80000000, 0x7fffffff, 0x8000000000000000, math.Float64bits(1.5), uint64(math.Float32bits(-2.5))}
	v := r.Uint64()
	if r.Intn(2) == 0 {
		v = edges[r.Intn(len(edges))]
	}
	switch p {
	case wasmgen.I32, wasmgen.F32:
		return v & math.MaxUint32
	}
	return v
}

// TestDiffRandomModules compares a fixed set of generated modules (seeds
// 0..n-1); FuzzDiff explores further.
func TestDiffRandomModules(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 30
	}
	for seed := int64(0); seed < int64(n); seed++ {
		for _, opt := range []int{2, 0} {
			diffModule(t, seed, opt)
		}
	}
	t.Logf("%d modules, calls by outcome: %v", n, stats)
	if stats[""] == 0 || len(stats) < 3 {
		t.Errorf("the generated calls barely vary: %v", stats)
	}
	total := 0
	for _, n := range stats {
		total += n
	}
	// Half the functions are safe (no out-of-bounds accesses, odd
	// divisors, saturating truncations): well over 40% of the calls
	// return (56% of seeds 0..299), so bodies run to the end.
	if n := n; n >= 100 && stats[""]*100 < total*40 {
		t.Errorf("%d of %d calls returned: too many traps", stats[""], total)
	}
}

// FuzzDiff compares the generated modules of each fuzzed seed: the plain
// one, and Options.Carried's (TestDiffCarried's loops), which fuzzing
// otherwise never made.
func FuzzDiff(f *testing.F) {
	for _, s := range []int64{1, 2, 3, 1 << 40} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed int64) {
		for _, opt := range []int{2, 0} {
			diffModule(t, seed, opt)
		}
		for _, c := range tiers {
			diffModuleWith(t, seed, c, wasmgen.Options{Carried: true})
		}
	})
}
