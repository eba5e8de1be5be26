package spectest

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/lucet-go/lucet/pkg/codegen"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/execute"
	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/validate"
	"github.com/lucet-go/lucet/pkg/wasm"
)

// knownExecFailures lists commands that fail today, as "file:line reason".
// TestSpecExec fails on a failure not listed and on a listed command that
// passes, so the list only shrinks. LUCET_SPEC_UPDATE=1 rewrites it.
const knownExecFailures = "testdata/spec-exec-known-failures.txt"

type execTally struct {
	files, commands, passed, failed, skipped, covered int
	known, unexpected, fixed                          int
	failures                                          []string // "file:line reason", for the update
}

// TestSpecExec runs every command of the core testsuite through the whole
// pipeline (decode, validate, codegen, load, execute) and checks results,
// traps, link errors and instantiation failures. Modules that must be
// rejected by decode or validate are covered by TestSpecValidate.
func TestSpecExec(t *testing.T) {
	if testing.Short() {
		t.Skip("the execution spec run compiles about 2,000 modules; skipped with -short")
	}
	root, err := Locate()
	if err != nil {
		t.Fatal(err)
	}
	files, err := Scripts(root, "core", "simd")
	if err != nil {
		t.Fatal(err)
	}
	known, err := readKnownExecFailures(knownExecFailures)
	if err != nil {
		t.Fatal(err)
	}
	only := os.Getenv("SPEC_ONLY") // comma-separated script names, for debugging
	var scripts []*Script
	for _, f := range files {
		s, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		if only == "" || strings.Contains(","+only+",", ","+s.Name()+",") {
			scripts = append(scripts, s)
		}
	}
	// Every script runs at the optimizing and the baseline tier, each
	// twice: with explicit bounds checks (the default)
	// and with guard-page bounds checks, whose out-of-bounds accesses
	// become traps in the runtime's signal handler.
	// In guard mode every module also takes the command-line tools' path
	// (link to ELF, load.Bytes: metadata read in place, memory initialised
	// from the linker's data image); in explicit mode one per script does.
	modes := []struct {
		name    string
		opts    codegen.Options
		linkAll bool
	}{
		{"explicit", codegen.Options{Parallel: 1, OptLevel: 2}, false},
		{"guard", codegen.Options{Parallel: 1, OptLevel: 2, Bounds: object.BoundsGuard, MemReserve: 4 << 30, MemGuard: 2 << 30}, true},
		// The baseline tier (codegen.Options.OptLevel 0) in both modes.
		{"explicit-opt0", codegen.Options{Parallel: 1}, false},
		{"guard-opt0", codegen.Options{Parallel: 1, Bounds: object.BoundsGuard, MemReserve: 4 << 30, MemGuard: 2 << 30}, false},
	}
	// The default features are the portable baseline; with the host's
	// (what lucet-run and the Runtime compile with) the optimizing tier
	// also emits AVX: three-operand float arithmetic, with fused loads as
	// VEX memory operands whose guard-page faults must map to their trap
	// sites.
	if host := load.HostFeatures(); host&object.FeatureAVX != 0 && host&object.FeatureSSE41 != 0 {
		modes = append(modes, []struct {
			name    string
			opts    codegen.Options
			linkAll bool
		}{
			{"explicit-avx", codegen.Options{Parallel: 1, OptLevel: 2, Features: host}, false},
			{"guard-avx", codegen.Options{Parallel: 1, OptLevel: 2, Features: host, Bounds: object.BoundsGuard, MemReserve: 4 << 30, MemGuard: 2 << 30}, false},
		}...)
	} else {
		t.Logf("this host has no AVX: the explicit-avx and guard-avx modes do not run")
	}
	// SSE4.2 without AVX: the SIMD scripts only, for the two-address
	// forms of the sequences that need SSE4.2 (pcmpgtq), which neither
	// the baseline nor the AVX modes emit.
	sse42 := load.HostFeatures() &^ (object.FeatureAVX | object.FeatureAVX2)
	if sse42&object.FeatureSSE42 != 0 && sse42&object.FeatureSSE41 != 0 {
		modes = append(modes, struct {
			name    string
			opts    codegen.Options
			linkAll bool
		}{"explicit-sse42", codegen.Options{Parallel: 1, OptLevel: 2, Features: sse42}, false})
	}
	var failures []string
	for _, mode := range modes {
		var tl execTally
		faults := execute.GuardTraps()
		t.Run(mode.name, func(t *testing.T) {
			for _, s := range scripts {
				if mode.name == "explicit-sse42" && !strings.HasPrefix(s.Name(), "simd_") {
					continue
				}
				t.Run(s.Name(), func(t *testing.T) {
					r := newExecRunner(t, s, mode.name, mode.opts, known, &tl)
					r.linkAll = mode.linkAll
					defer r.close()
					r.run()
				})
			}
		})
		t.Logf("spectest exec (%s bounds): %d files, %d commands, %d passed, %d failed, %d skipped (%d covered by validate)",
			mode.name, tl.files, tl.commands, tl.passed, tl.failed, tl.skipped, tl.covered)
		t.Logf("spectest exec (%s bounds): %d known failures, %d unexpected failures, %d listed failures now pass",
			mode.name, tl.known, tl.unexpected, tl.fixed)
		faults = execute.GuardTraps() - faults
		t.Logf("spectest exec (%s bounds): %d out-of-bounds accesses trapped by the signal handler", mode.name, faults)
		if mode.opts.Bounds == object.BoundsGuard && only == "" && faults == 0 {
			t.Errorf("guard mode ran the whole suite without a single guard-page trap: is codegen emitting guard-mode code?")
		}
		failures = append(failures, tl.failures...)
	}
	if os.Getenv("LUCET_SPEC_UPDATE") != "" && only == "" {
		sort.Strings(failures)
		out := knownExecHeader + strings.Join(failures, "\n")
		if len(failures) > 0 {
			out += "\n"
		}
		if err := os.WriteFile(knownExecFailures, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %d entries to %s", len(failures), knownExecFailures)
	}
}

const knownExecHeader = `# Commands of the core testsuite that TestSpecExec expects to fail, as
# "mode:file:line-of-command reason" (mode: explicit or guard bounds
# checks, -opt0 the baseline tier, -avx with the host's CPU features). The test fails when one of these passes, so the list only
# shrinks. Regenerate with LUCET_SPEC_UPDATE=1.
`

func readKnownExecFailures(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	known := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, reason, _ := strings.Cut(line, " ")
		known[key] = reason
	}
	return known, sc.Err()
}

type execRunner struct {
	t       *testing.T
	s       *Script
	mode    string
	opts    codegen.Options
	known   map[string]string
	tl      *execTally
	store   *execute.Store
	host    map[string]execute.Extern
	named   map[string]*execute.Instance
	reg     map[string]*execute.Instance
	cur     *execute.Instance
	mods    []*load.Module
	linked  bool // one module per script goes through link and load.Bytes
	linkAll bool // every module does

	passed, failed, skipped int
}

func newExecRunner(t *testing.T, s *Script, mode string, opts codegen.Options, known map[string]string, tl *execTally) *execRunner {
	// A generous timeout: a miscompiled loop must not hang the run.
	st, err := execute.NewStore(execute.Config{Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return &execRunner{t: t, s: s, mode: mode, opts: opts, known: known, tl: tl, store: st, host: spectestHost(t),
		named: map[string]*execute.Instance{}, reg: map[string]*execute.Instance{}}
}

func (r *execRunner) close() {
	r.store.Close()
	for _, m := range r.mods {
		m.Close()
	}
}

// spectestHost is the "spectest" module every script may import.
func spectestHost(t *testing.T) map[string]execute.Extern {
	ft := func(p ...wasm.ValType) wasm.FuncType { return wasm.FuncType{Params: p} }
	nop := func(c *execute.Caller, s []uint64) error { return nil }
	mem, err := execute.NewMemory(wasm.MemType{Limits: wasm.Limits{Min: 1, Max: 2, HasMax: true}})
	if err != nil {
		t.Fatal(err)
	}
	tab, err := execute.NewTable(wasm.TableType{Elem: wasm.FuncRef, Limits: wasm.Limits{Min: 10, Max: 20, HasMax: true}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]execute.Extern{
		"print":         execute.NewHostFunc(ft(), nop),
		"print_i32":     execute.NewHostFunc(ft(wasm.I32), nop),
		"print_i64":     execute.NewHostFunc(ft(wasm.I64), nop),
		"print_f32":     execute.NewHostFunc(ft(wasm.F32), nop),
		"print_f64":     execute.NewHostFunc(ft(wasm.F64), nop),
		"print_i32_f32": execute.NewHostFunc(ft(wasm.I32, wasm.F32), nop),
		"print_f64_f64": execute.NewHostFunc(ft(wasm.F64, wasm.F64), nop),
		"global_i32":    execute.NewGlobal(wasm.GlobalType{Type: wasm.I32}, 666),
		"global_i64":    execute.NewGlobal(wasm.GlobalType{Type: wasm.I64}, 666),
		"global_f32":    execute.NewGlobal(wasm.GlobalType{Type: wasm.F32}, uint64(math.Float32bits(666.6))),
		"global_f64":    execute.NewGlobal(wasm.GlobalType{Type: wasm.F64}, math.Float64bits(666.6)),
		"table":         tab,
		"memory":        mem,
	}
}

// Lookup implements execute.Imports: registered instances, then spectest.
func (r *execRunner) Lookup(module, name string) (execute.Extern, bool) {
	if inst, ok := r.reg[module]; ok {
		return inst.Export(name)
	}
	if module == "spectest" {
		e, ok := r.host[name]
		return e, ok
	}
	return nil, false
}

// errSkip marks a command the runner cannot express (v128 arguments).
type errSkip struct{ why string }

func (e errSkip) Error() string { return e.why }

func (r *execRunner) run() {
	for i := range r.s.Commands {
		c := &r.s.Commands[i]
		r.tl.commands++
		err := r.command(c)
		key := fmt.Sprintf("%s:%s:%d", r.mode, r.s.Name(), c.Line)
		var skip errSkip
		switch {
		case errors.As(err, &skip):
			r.skipped++
			r.tl.skipped++
			if skip.why == "covered by validate" {
				r.tl.covered++
			}
			continue
		case err == nil:
			r.passed++
			r.tl.passed++
			if _, ok := r.known[key]; ok {
				r.tl.fixed++
				r.t.Errorf("%s %s: passes now; remove it from %s", key, c.Type, knownExecFailures)
			}
		default:
			r.failed++
			r.tl.failed++
			reason := strings.ReplaceAll(err.Error(), "\n", " | ")
			if len(reason) > 200 {
				reason = reason[:200]
			}
			r.tl.failures = append(r.tl.failures, key+" "+c.Type+": "+reason)
			if _, ok := r.known[key]; ok {
				r.tl.known++
			} else {
				r.tl.unexpected++
				r.t.Errorf("%s %s: %s", key, c.Type, reason)
			}
		}
	}
	r.tl.files++
	r.t.Logf("%s: %d commands, %d passed, %d failed, %d skipped", r.s.Name(), len(r.s.Commands), r.passed, r.failed, r.skipped)
}

func (r *execRunner) command(c *Command) error {
	switch c.Type {
	case CmdModule:
		inst, err := r.instantiate(c)
		if err != nil {
			r.cur = nil
			return err
		}
		r.cur = inst
		if c.Name != "" {
			r.named[c.Name] = inst
		}
		return nil
	case CmdRegister:
		inst := r.cur
		if c.Name != "" {
			inst = r.named[c.Name]
		}
		if inst == nil {
			return errors.New("register: no such module (it failed to instantiate)")
		}
		r.reg[c.As] = inst
		return nil
	case CmdAction:
		_, err := r.act(c.Action)
		return err
	case CmdAssertReturn:
		got, err := r.act(c.Action)
		if err != nil {
			return err
		}
		return checkResults(got, c.Expected)
	case CmdAssertTrap, CmdAssertExhaustion:
		if c.Action == nil {
			_, err := r.instantiate(c)
			return wantTrap(err, c.Text)
		}
		res, err := r.act(c.Action)
		if err == nil {
			return fmt.Errorf("returned %v, want trap %q", res, c.Text)
		}
		return wantTrap(err, c.Text)
	case CmdAssertUninstantiable:
		_, err := r.instantiate(c)
		return wantTrap(err, c.Text)
	case CmdAssertUnlinkable:
		_, err := r.instantiate(c)
		var le *execute.LinkError
		if !errors.As(err, &le) {
			return fmt.Errorf("got %v, want link error %q", err, c.Text)
		}
		if !strings.Contains(le.Reason, c.Text) {
			return fmt.Errorf("link error %q, want %q", le.Error(), c.Text)
		}
		return nil
	case CmdAssertInvalid, CmdAssertMalformed:
		return errSkip{"covered by validate"}
	}
	return fmt.Errorf("unknown command type %q", c.Type)
}

func wantTrap(err error, text string) error {
	var tr *execute.Trap
	if !errors.As(err, &tr) {
		return fmt.Errorf("got %v, want trap %q", err, text)
	}
	got := tr.Code.String()
	if !strings.Contains(text, got) && !strings.Contains(got, text) {
		return fmt.Errorf("trap %q, want %q", got, text)
	}
	return nil
}

// instantiate compiles and instantiates the module a command names.
func (r *execRunner) instantiate(c *Command) (*execute.Instance, error) {
	if c.ModuleType == "text" || strings.HasSuffix(c.Filename, ".wat") {
		return nil, errSkip{"text module"}
	}
	b, err := os.ReadFile(r.s.ModulePath(c))
	if err != nil {
		return nil, err
	}
	m, err := decode.Decode(b, decode.Options{})
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if _, err := validate.Module(m, validate.Options{Parallel: 1}); err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	obj, err := compileSafely(m, r.opts)
	if err != nil {
		return nil, fmt.Errorf("codegen: %w", err)
	}
	var lm *load.Module
	if !r.linked || r.linkAll {
		// The ELF round trip the command-line tools take.
		r.linked = true
		elf, err := link.ELF(obj)
		if err != nil {
			return nil, fmt.Errorf("link: %w", err)
		}
		lm, err = load.Bytes(elf)
		if err != nil {
			return nil, fmt.Errorf("load: %w", err)
		}
	} else {
		lm, err = load.FromObject(obj)
		if err != nil {
			return nil, fmt.Errorf("load: %w", err)
		}
	}
	r.mods = append(r.mods, lm)
	return r.store.Instantiate(lm, r)
}

func compileSafely(m *wasm.Module, opts codegen.Options) (obj *object.Object, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return codegen.Compile(m, opts)
}

func (r *execRunner) instance(name string) (*execute.Instance, error) {
	if name == "" {
		if r.cur == nil {
			return nil, errors.New("no current module (it failed to instantiate)")
		}
		return r.cur, nil
	}
	inst := r.named[name]
	if inst == nil {
		return nil, fmt.Errorf("no module %s (it failed to instantiate)", name)
	}
	return inst, nil
}

// act performs an action and returns its results typed as the export's
// results.
func (r *execRunner) act(a *Action) ([]execResult, error) {
	inst, err := r.instance(a.Module)
	if err != nil {
		return nil, err
	}
	ext, ok := inst.Export(a.Field)
	if !ok {
		return nil, fmt.Errorf("no export %q", a.Field)
	}
	switch a.Type {
	case "get":
		g, ok := ext.(*execute.Global)
		if !ok {
			return nil, fmt.Errorf("export %q is not a global", a.Field)
		}
		if g.Type().Type == wasm.V128 {
			return []execResult{{t: wasm.V128, b: g.GetV128()}}, nil
		}
		return []execResult{{t: g.Type().Type, v: g.Get()}}, nil
	case "invoke":
		f, ok := ext.(*execute.Func)
		if !ok {
			return nil, fmt.Errorf("export %q is not a function", a.Field)
		}
		args := make([]uint64, 0, len(a.Args))
		for _, v := range a.Args {
			switch {
			case v.Type == "v128":
				// Two slots, low half first.
				args = append(args, binary.LittleEndian.Uint64(v.V128[:8]), binary.LittleEndian.Uint64(v.V128[8:]))
			case v.Null:
				args = append(args, 0)
			case v.Type == "externref":
				args = append(args, v.Bits+1) // 0 is null; host value N travels as N+1
			case v.Type == "funcref":
				return nil, errSkip{"non-null funcref argument"}
			default:
				args = append(args, v.Bits)
			}
		}
		res, err := f.Call(args...)
		if err != nil {
			return nil, err
		}
		out := make([]execResult, 0, len(f.Type().Results))
		for _, t := range f.Type().Results {
			if t == wasm.V128 {
				var b [16]byte
				binary.LittleEndian.PutUint64(b[:8], res[0])
				binary.LittleEndian.PutUint64(b[8:], res[1])
				out = append(out, execResult{t: t, b: b})
				res = res[2:]
				continue
			}
			out = append(out, execResult{t: t, v: res[0]})
			res = res[1:]
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown action %q", a.Type)
}

type execResult struct {
	t wasm.ValType
	v uint64
	b [16]byte // v128
}

func (x execResult) String() string {
	switch x.t {
	case wasm.V128:
		return fmt.Sprintf("v128:%x", x.b)
	case wasm.I32, wasm.F32:
		return fmt.Sprintf("%s:%#x", x.t, uint32(x.v))
	}
	return fmt.Sprintf("%s:%#x", x.t, x.v)
}

func checkResults(got []execResult, want []Value) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d results %v, want %d %v", len(got), got, len(want), want)
	}
	for i, w := range want {
		if !resultMatches(got[i], w) {
			return fmt.Errorf("result %d: got %v, want %v", i, got[i], w)
		}
	}
	return nil
}

func resultMatches(g execResult, w Value) bool {
	if w.Type != g.t.String() {
		return false
	}
	switch w.Type {
	case "v128":
		return v128Matches(g.b, w)
	case "i32":
		return uint32(g.v) == uint32(w.Bits)
	case "i64":
		return g.v == w.Bits
	case "f32":
		b := uint32(g.v)
		switch w.NaN {
		case NaNCanonical:
			return b&0x7fffffff == 0x7fc00000
		case NaNArithmetic:
			return b&0x7fc00000 == 0x7fc00000
		}
		return b == uint32(w.Bits)
	case "f64":
		switch w.NaN {
		case NaNCanonical:
			return g.v&0x7fffffffffffffff == 0x7ff8000000000000
		case NaNArithmetic:
			return g.v&0x7ff8000000000000 == 0x7ff8000000000000
		}
		return g.v == w.Bits
	case "externref":
		switch {
		case w.Null:
			return g.v == 0
		case w.Any:
			return g.v != 0
		}
		return g.v == w.Bits+1
	case "funcref":
		switch {
		case w.Null:
			return g.v == 0
		case w.Any:
			return g.v != 0
		}
		return g.v != 0
	}
	return false
}

// v128Matches compares a v128 result lane by lane in the expected lane
// shape; float lanes may be NaN classes.
func v128Matches(b [16]byte, w Value) bool {
	switch w.LaneType {
	case "f32":
		for i := 0; i < 4; i++ {
			got := uint64(binary.LittleEndian.Uint32(b[4*i:]))
			if !resultMatches(execResult{t: wasm.F32, v: got}, Value{Type: "f32", Bits: w.Lane(i), NaN: w.LaneNaN[i]}) {
				return false
			}
		}
		return true
	case "f64":
		for i := 0; i < 2; i++ {
			got := binary.LittleEndian.Uint64(b[8*i:])
			if !resultMatches(execResult{t: wasm.F64, v: got}, Value{Type: "f64", Bits: w.Lane(i), NaN: w.LaneNaN[i]}) {
				return false
			}
		}
		return true
	}
	return b == w.V128
}

// The result checker itself: NaN classes by bits, exact floats by bits
// (so -0 != 0), references through the runner's encoding.
func TestExecResultMatches(t *testing.T) {
	f32 := func(bits uint32) execResult { return execResult{t: wasm.F32, v: uint64(bits)} }
	f64 := func(bits uint64) execResult { return execResult{t: wasm.F64, v: bits} }
	tests := []struct {
		got  execResult
		want Value
		ok   bool
	}{
		{f32(0x7fc00000), Value{Type: "f32", NaN: NaNCanonical}, true},
		{f32(0xffc00000), Value{Type: "f32", NaN: NaNCanonical}, true},
		{f32(0x7fc00001), Value{Type: "f32", NaN: NaNCanonical}, false},
		{f32(0x7fc00001), Value{Type: "f32", NaN: NaNArithmetic}, true},
		{f32(0x7f800001), Value{Type: "f32", NaN: NaNArithmetic}, false}, // signalling
		{f32(0x80000000), Value{Type: "f32", Bits: 0}, false},            // -0 vs 0
		{f64(0x7ff8000000000000), Value{Type: "f64", NaN: NaNCanonical}, true},
		{f64(0x7ff8000000000001), Value{Type: "f64", NaN: NaNCanonical}, false},
		{f64(0xfff8000000000001), Value{Type: "f64", NaN: NaNArithmetic}, true},
		{f64(0x7ff0000000000001), Value{Type: "f64", NaN: NaNArithmetic}, false},
		{execResult{t: wasm.I32, v: 0xffffffff_00000005}, Value{Type: "i32", Bits: 5}, true},
		{execResult{t: wasm.I64, v: 5}, Value{Type: "i32", Bits: 5}, false},
		{execResult{t: wasm.ExternRef, v: 0}, Value{Type: "externref", Null: true}, true},
		{execResult{t: wasm.ExternRef, v: 1}, Value{Type: "externref", Bits: 0}, true},
		{execResult{t: wasm.ExternRef, v: 1}, Value{Type: "externref", Null: true}, false},
		{execResult{t: wasm.FuncRef, v: 0x1234}, Value{Type: "funcref", Any: true}, true},
		{execResult{t: wasm.FuncRef, v: 0}, Value{Type: "funcref", Any: true}, false},
		{execResult{t: wasm.V128, b: [16]byte{0: 0, 1: 0, 2: 0xc0, 3: 0xff, 4: 1}},
			Value{Type: "v128", LaneType: "f32", V128: [16]byte{4: 1}, LaneNaN: [4]NaN{NaNCanonical}}, true},
		{execResult{t: wasm.V128, b: [16]byte{0: 1, 2: 0xc0, 3: 0xff, 4: 1}},
			Value{Type: "v128", LaneType: "f32", V128: [16]byte{4: 1}, LaneNaN: [4]NaN{NaNCanonical}}, false},
		{execResult{t: wasm.V128, b: [16]byte{15: 9}}, Value{Type: "v128", LaneType: "i8", V128: [16]byte{15: 9}}, true},
	}
	for _, tc := range tests {
		if got := resultMatches(tc.got, tc.want); got != tc.ok {
			t.Errorf("resultMatches(%v, %v) = %v, want %v", tc.got, tc.want, got, tc.ok)
		}
	}
}
