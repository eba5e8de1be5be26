package codegen_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/internal/spectest"
	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/validate"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// TestExecSpec is codegen's own end-to-end loop over the spec scripts: it
// compiles each module, instantiates it with the spectest host module and
// checks assert_return and assert_trap. Commands it cannot run (imports it
// cannot satisfy, text modules) are counted as skipped, not failed; the
// full runner lives in internal/spectest.
func TestExecSpec(t *testing.T) {
	dir := os.Getenv("LUCET_TESTSUITE")
	if dir == "" {
		dir = "../../../shared/testsuite"
	}
	files, _ := filepath.Glob(filepath.Join(dir, "core", "*", "*.json"))
	if len(files) == 0 {
		t.Skipf("no spec testsuite under %s (set LUCET_TESTSUITE)", dir)
	}
	sort.Strings(files)
	only := os.Getenv("SPEC_ONLY")
	totalPass, totalFail := 0, 0
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		if only != "" && !strings.Contains(","+only+",", ","+name+",") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			p, fl, sk := runScript(t, f)
			totalPass += p
			totalFail += fl
			t.Logf("%s: pass %d fail %d skip %d", name, p, fl, sk)
		})
	}
	t.Logf("total pass %d fail %d", totalPass, totalFail)
}

type runner struct {
	t        *testing.T
	store    *execute.Store
	cur      *execute.Instance
	named    map[string]*execute.Instance
	imports  execute.ImportMap
	failures int
	features uint64
}

func spectestImports() map[string]execute.Extern {
	i32 := wasm.GlobalType{Type: wasm.I32}
	mem, _ := execute.NewMemory(wasm.MemType{Limits: wasm.Limits{Min: 1, Max: 2, HasMax: true}})
	tab, _ := execute.NewTable(wasm.TableType{Elem: wasm.FuncRef, Limits: wasm.Limits{Min: 10, Max: 20, HasMax: true}}, 0)
	nop := func(c *execute.Caller, s []uint64) error { return nil }
	ft := func(ps ...wasm.ValType) wasm.FuncType { return wasm.FuncType{Params: ps} }
	return map[string]execute.Extern{
		"global_i32":    execute.NewGlobal(i32, 666),
		"global_i64":    execute.NewGlobal(wasm.GlobalType{Type: wasm.I64}, 666),
		"global_f32":    execute.NewGlobal(wasm.GlobalType{Type: wasm.F32}, uint64(math.Float32bits(666.6))),
		"global_f64":    execute.NewGlobal(wasm.GlobalType{Type: wasm.F64}, math.Float64bits(666.6)),
		"memory":        mem,
		"table":         tab,
		"print":         execute.NewHostFunc(ft(), nop),
		"print_i32":     execute.NewHostFunc(ft(wasm.I32), nop),
		"print_i64":     execute.NewHostFunc(ft(wasm.I64), nop),
		"print_f32":     execute.NewHostFunc(ft(wasm.F32), nop),
		"print_f64":     execute.NewHostFunc(ft(wasm.F64), nop),
		"print_i32_f32": execute.NewHostFunc(ft(wasm.I32, wasm.F32), nop),
		"print_f64_f64": execute.NewHostFunc(ft(wasm.F64, wasm.F64), nop),
	}
}

func runScript(t *testing.T, path string) (pass, fail, skip int) {
	return runScriptFeatures(t, path, 0)
}

// TestExecBaselineFeatures runs the integer scripts with only SSE4.1
// allowed, so clz, ctz and popcnt take their fallback sequences.
func TestExecBaselineFeatures(t *testing.T) {
	dir := os.Getenv("LUCET_TESTSUITE")
	if dir == "" {
		dir = "../../../shared/testsuite"
	}
	for _, name := range []string{"i32", "i64", "int_exprs"} {
		path := filepath.Join(dir, "core", name, name+".json")
		if _, err := os.Stat(path); err != nil {
			t.Skipf("no spec testsuite at %s (set LUCET_TESTSUITE)", dir)
		}
		t.Run(name, func(t *testing.T) {
			p, _, _ := runScriptFeatures(t, path, object.FeatureSSE41)
			if p == 0 {
				t.Fatal("nothing passed")
			}
		})
	}
}

func runScriptFeatures(t *testing.T, path string, features uint64) (pass, fail, skip int) {
	s, err := spectest.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := execute.NewStore(execute.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r := &runner{t: t, store: st, named: map[string]*execute.Instance{},
		imports: execute.ImportMap{"spectest": spectestImports()}, features: features}
	for i := range s.Commands {
		c := &s.Commands[i]
		switch c.Type {
		case spectest.CmdModule:
			r.cur = nil
			b, err := os.ReadFile(s.ModulePath(c))
			if err != nil {
				skip++
				continue
			}
			m, err := decode.Decode(b, decode.Options{})
			if err == nil {
				_, err = validate.Module(m, validate.Options{})
			}
			if err != nil {
				t.Errorf("line %d: %v", c.Line, err)
				fail++
				continue
			}
			obj, err := codegen.Compile(m, codegen.Options{Features: r.features})
			if err != nil {
				t.Errorf("line %d: compile: %v", c.Line, err)
				fail++
				continue
			}
			inst, err := st.InstantiateObject(obj, r.imports)
			if err != nil {
				var tr *execute.Trap
				if errors.As(err, &tr) {
					t.Errorf("line %d: instantiate: %v", c.Line, err)
					fail++
				} else {
					skip++
				}
				continue
			}
			r.cur = inst
			if c.Name != "" {
				r.named[c.Name] = inst
			}
		case spectest.CmdAssertUninstantiable:
			// Instantiation must fail, but segments written before the
			// failure stay (WebAssembly 2.0), which later commands check.
			b, err := os.ReadFile(s.ModulePath(c))
			if err != nil {
				skip++
				continue
			}
			m, err := decode.Decode(b, decode.Options{})
			if err == nil {
				_, err = validate.Module(m, validate.Options{})
			}
			if err != nil {
				skip++
				continue
			}
			obj, err := codegen.Compile(m, codegen.Options{})
			if err != nil {
				t.Errorf("line %d: compile: %v", c.Line, err)
				fail++
				continue
			}
			if _, err := st.InstantiateObject(obj, r.imports); err == nil {
				t.Errorf("line %d: instantiation succeeded, want %q", c.Line, c.Text)
				fail++
			} else {
				pass++
			}
		case spectest.CmdRegister:
			inst := r.cur
			if c.Name != "" {
				inst = r.named[c.Name]
			}
			if inst == nil {
				continue
			}
			exports := map[string]execute.Extern{}
			for _, e := range inst.Exports() {
				x, _ := inst.Export(e.Name)
				exports[e.Name] = x
			}
			r.imports[c.As] = exports
		case spectest.CmdAssertReturn, spectest.CmdAction, spectest.CmdAssertTrap, spectest.CmdAssertExhaustion:
			inst := r.cur
			if c.Action.Module != "" {
				inst = r.named[c.Action.Module]
			}
			if inst == nil {
				skip++
				continue
			}
			got, err := r.do(inst, c.Action)
			if errors.Is(err, errSkip) {
				skip++
				continue
			}
			switch c.Type {
			case spectest.CmdAssertTrap, spectest.CmdAssertExhaustion:
				var tr *execute.Trap
				if !errors.As(err, &tr) {
					t.Errorf("line %d: %s: want trap %q, got %v %v", c.Line, c.Action.Field, c.Text, got, err)
					fail++
				} else if !strings.HasPrefix(tr.Code.String(), c.Text) && !strings.HasPrefix(c.Text, tr.Code.String()) {
					t.Errorf("line %d: %s: want trap %q, got %q", c.Line, c.Action.Field, c.Text, tr.Code)
					fail++
				} else {
					pass++
				}
			default:
				if err != nil {
					t.Errorf("line %d: %s%v: %v", c.Line, c.Action.Field, c.Action.Args, err)
					fail++
				} else if !match(got, c.Expected) {
					t.Errorf("line %d: %s%v = %x, want %v", c.Line, c.Action.Field, c.Action.Args, got, c.Expected)
					fail++
				} else {
					pass++
				}
			}
		default:
			skip++
		}
	}
	return
}

var errSkip = errors.New("skip")

func (r *runner) do(inst *execute.Instance, a *spectest.Action) ([]uint64, error) {
	if a.Type == "get" {
		x, ok := inst.Export(a.Field)
		if !ok {
			return nil, errSkip
		}
		g, ok := x.(*execute.Global)
		if !ok {
			return nil, errSkip
		}
		return []uint64{g.Get()}, nil
	}
	fn := inst.Func(a.Field)
	if fn == nil {
		return nil, errSkip
	}
	args := make([]uint64, len(a.Args))
	for i, v := range a.Args {
		if v.Type == "v128" {
			return nil, errSkip
		}
		args[i] = v.Bits
		if v.Type == "externref" {
			args[i]++ // 0 is null in the ABI; host values are shifted by one
		}
		if v.Null {
			args[i] = 0
		}
	}
	return fn.Call(args...)
}

func match(got []uint64, want []spectest.Value) bool {
	if len(got) != len(want) {
		return false
	}
	for i, w := range want {
		g := got[i]
		switch w.Type {
		case "i32":
			if uint32(g) != uint32(w.Bits) {
				return false
			}
		case "f32":
			f := math.Float32frombits(uint32(g))
			switch w.NaN {
			case spectest.NaNCanonical:
				if uint32(g)&0x7fffffff != 0x7fc00000 {
					return false
				}
			case spectest.NaNArithmetic:
				if !(f != f) || uint32(g)&0x00400000 == 0 {
					return false
				}
			default:
				if uint32(g) != uint32(w.Bits) {
					return false
				}
			}
		case "f64":
			switch w.NaN {
			case spectest.NaNCanonical:
				if g&0x7fffffffffffffff != 0x7ff8000000000000 {
					return false
				}
			case spectest.NaNArithmetic:
				if g&0x7ff0000000000000 != 0x7ff0000000000000 || g&0x0008000000000000 == 0 {
					return false
				}
			default:
				if g != w.Bits {
					return false
				}
			}
		case "funcref", "externref":
			if w.Null {
				if g != 0 {
					return false
				}
			} else if !w.Any && w.Type == "externref" && g != w.Bits+1 {
				return false
			}
		default:
			if g != w.Bits {
				return false
			}
		}
	}
	return true
}

// compileInstance compiles m with opts and instantiates it, without
// imports, in a store that lives as long as the test (instantiate).
func compileInstance(t testing.TB, m *wasm.Module, opts codegen.Options) *execute.Instance {
	t.Helper()
	obj, err := codegen.Compile(m, opts)
	if err != nil {
		t.Fatal(err)
	}
	return instantiate(t, obj)
}

// instantiate makes a store that lives as long as the test and an
// instance of obj in it, without imports.
func instantiate(t testing.TB, obj *object.Object) *execute.Instance {
	t.Helper()
	st, err := execute.NewStore(execute.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	inst, err := st.InstantiateObject(obj, execute.ImportMap{})
	if err != nil {
		t.Fatal(err)
	}
	return inst
}
