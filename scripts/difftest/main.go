// Command difftest runs random WebAssembly modules under lucet (-O 0 and
// -O 2, guard and explicit bounds checks, host, baseline and SSE4.1-only
// CPU features, fuel metering: lucetConfigs) and under wasmtime, and
// reports every difference in results, traps (kind and wasm offset),
// logged values, memory and globals, every crash or hang, and -O 2 code
// that depends on the compiler's parallelism.
//
// It links wasmtime (cgo), so it is a module of its own, outside the
// product and `make test`: `make difftest` (scripts/difftest.sh) builds
// and runs it. Modules come from binaryen's `wasm-opt -ttf` fed random
// bytes (with SIMD, bulk memory, multi-value, reference types: see gens)
// and from lucet's own internal/wasmgen; a module is named by generator
// and seed, so every finding can be made again from its name.
//
// Imports: a function of binaryen's fuzzing support or the testsuite
// logs its arguments and returns zeros; one of wasmgen's (module
// "wasmgen") computes its results from its arguments, may trap, and may
// call an export back (wasmgen.HostCall; wasmtime's side through wt.c's
// hostcb and dtHost); -gen wasmgen-host gives them v128, funcref and
// externref parameters and results too, -gen wasmgen-extern non-null
// externrefs (ids, which wt.c makes into wasmtime's references and
// back). A finding's calls can be run
// again (-file -seed) and in V8 (-plan | node tiebreak.js), the
// tiebreaker (v128 values and float bits through adapter modules, which
// V8's JavaScript API needs); -show prints wasmtime's outcomes and
// memory hashes as tiebreak.js prints V8's.
//
// The parent process runs batches of modules in a worker process, so a
// crash or a hang of either engine is itself a finding (the worker writes
// the seed it is on before it starts it).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lucet-go/lucet/internal/wasmgen"
	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/wasm"
)

const (
	callTimeout = 3 * time.Second
	memPages    = 256 // every engine's cap on a memory (pages)
	// tableElems caps table growth: wasmtime's limit is a table's,
	// lucet's the sum of a store's tables, so a growth near it may fail
	// in one and not the other (wasmgen-loops seed 22060: table.grow in
	// a loop, its -1 an address); V8's limit, ten million a table, is
	// out of reach of any loop's growth in a call's time.
	tableElems = 10_000_000
)

// gens are the module generators; ttf ones differ in the features
// binaryen may use.
var gens = map[string][]string{
	"ttf":      {},
	"ttf-simd": {"--enable-simd"},
	"ttf-bulk": {"--enable-bulk-memory", "--enable-multivalue"},
	// binaryen 108's reference types are not the standard's (ref.func
	// typed as a subtype of externref): wasmtime rejects nearly all of
	// these, so they are not in mix.
	"ttf-ref": {"--enable-reference-types", "--enable-bulk-memory"},
	"ttf-all": {"--enable-simd", "--enable-bulk-memory", "--enable-multivalue"},
	"wasmgen": nil,
	// wasmgen with v128, funcref and externref parameters and results
	// of host functions (wasmgen.Options HostV128, HostRefs): tiebreak.js
	// provides those with v128 through an adapter module (V8's
	// JavaScript API refuses v128 at the boundary).
	"wasmgen-host": nil,
	// wasmgen with loops rotating carried ints and floats, counters
	// wrapping past 2^32 inside them and exits on derived counters
	// (wasmgen.Options Carried): the optimizer's loop passes.
	"wasmgen-loops": nil,
	// wasmgen with host functions making non-null externrefs (ids:
	// wasmgen.ExternID; wt.c makes them wasmtime externrefs whose data
	// they are) that the guest keeps in an externref table, a global
	// and locals and passes back (wasmgen.Options HostRefs, HostExtern).
	"wasmgen-extern": nil,
	"ttf-denan":      {"--enable-simd", "--enable-bulk-memory", "--enable-multivalue", "--denan"},
	// ttf then binaryen's optimizer: code shaped as a toolchain
	// leaves it (the level chosen by seed).
	"ttf-opt": {"--enable-simd", "--enable-bulk-memory", "--enable-multivalue"},
	// ttf-all with binaryen's hang limit (its budget of loop iterations
	// and calls per export) raised from 10 to longLimit: loops run long
	// enough for loop code (latches, induction variables) to matter.
	"ttf-long": {"--enable-simd", "--enable-bulk-memory", "--enable-multivalue"},
	// A newer binaryen's ttf (its wasm-opt through node, at
	// $DIFFTEST_WASM_OPT: npm's binaryen package, bin/wasm-opt): standard
	// reference types, which binaryen 108's are not, and newer fuzzing
	// imports; restricted to WebAssembly 2.0. Slow to start (node).
	"ttf-new": {"--mvp-features", "--enable-simd", "--enable-bulk-memory", "--enable-multivalue", "--enable-reference-types"},
	// The spec testsuite's binary modules ($LUCET_TESTSUITE), seed
	// modulo their number; invalid ones test the validators.
	"spec": nil,
}

// optLevels are the binaryen optimizations ttf-opt picks from.
var optLevels = []string{"-O1", "-O2", "-O3", "-O4", "-Os", "-Oz"}

// specFiles lists the testsuite's .wasm files, sorted.
func specFiles() []string {
	dir := os.Getenv("LUCET_TESTSUITE")
	if dir == "" {
		dir = "../shared/testsuite"
	}
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".wasm") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	return files
}

// mixOrder is what -gen mix cycles through, by seed.
var mixOrder = []string{"ttf", "ttf-simd", "ttf-bulk", "ttf-all", "wasmgen", "ttf-opt", "ttf-denan", "ttf-long", "ttf-opt", "ttf-simd", "ttf-long", "ttf-new", "wasmgen-host", "wasmgen-loops", "wasmgen-extern"}

func genName(gen string, seed int64) string {
	if gen == "mix" {
		return mixOrder[seed%int64(len(mixOrder))]
	}
	return gen
}

// generate makes module seed of generator gen.
func generate(gen string, seed int64, tmp string) ([]byte, error) {
	r := rand.New(rand.NewSource(seed))
	switch gen {
	case "wasmgen":
		return wasmgen.New(r).Wasm, nil
	case "wasmgen-host":
		return wasmgen.NewWith(r, wasmgen.Options{HostV128: true, HostRefs: true}).Wasm, nil
	case "wasmgen-extern":
		return wasmgen.NewWith(r, wasmgen.Options{HostRefs: true, HostExtern: true}).Wasm, nil
	case "wasmgen-loops":
		return wasmgen.NewWith(r, wasmgen.Options{Carried: true}).Wasm, nil
	case "spec":
		files := specFiles()
		if len(files) == 0 {
			return nil, fmt.Errorf("no .wasm under $LUCET_TESTSUITE")
		}
		return os.ReadFile(files[seed%int64(len(files))])
	}
	flags, ok := gens[gen]
	if !ok {
		return nil, fmt.Errorf("unknown generator %q", gen)
	}
	in := make([]byte, 1000+r.Intn(16000))
	r.Read(in)
	inf, outf := filepath.Join(tmp, "ttf.in"), filepath.Join(tmp, "ttf.wasm")
	if err := os.WriteFile(inf, in, 0o644); err != nil {
		return nil, err
	}
	args := append([]string{"-ttf", inf, "-o", outf, "--enable-sign-ext", "--enable-nontrapping-float-to-int", "--enable-mutable-globals"}, flags...)
	if gen == "ttf-opt" {
		args = append(args, optLevels[r.Intn(len(optLevels))])
	}
	tool := "wasm-opt"
	if gen == "ttf-new" {
		if tool = os.Getenv("DIFFTEST_WASM_OPT"); tool == "" {
			return nil, fmt.Errorf("ttf-new needs DIFFTEST_WASM_OPT")
		}
	}
	cmd := exec.Command(tool, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("wasm-opt: %v: %s", err, out)
	}
	if gen == "ttf-long" {
		return raiseHangLimit(outf)
	}
	return os.ReadFile(outf)
}

const longLimit = 400

var hangInit = regexp.MustCompile(`\(export "hangLimitInitializer" \(func (\d+)\)\)`)

// raiseHangLimit rewrites the module's hangLimitInitializer, which sets
// the limit with `i32.const 10; global.set N`, to set longLimit (through
// wabt's text format).
func raiseHangLimit(path string) ([]byte, error) {
	wat, err := exec.Command("wasm2wat", "--enable-all", path).Output()
	if err != nil {
		return nil, fmt.Errorf("wasm2wat: %v", err)
	}
	m := hangInit.FindSubmatch(wat)
	if m == nil {
		return os.ReadFile(path)
	}
	body := []byte(fmt.Sprintf("(func (;%s;) (type ", m[1]))
	i := bytes.Index(wat, body)
	if i < 0 {
		return nil, fmt.Errorf("no function %s", m[1])
	}
	j := bytes.Index(wat[i:], []byte("i32.const 10\n"))
	if j < 0 || j > 100 {
		return nil, fmt.Errorf("hangLimitInitializer has another shape")
	}
	k := i + j + len("i32.const ")
	wat = append(wat[:k:k], append([]byte(strconv.Itoa(longLimit)), wat[k+2:]...)...)
	watf := path + ".wat"
	if err := os.WriteFile(watf, wat, 0o644); err != nil {
		return nil, err
	}
	if out, err := exec.Command("wat2wasm", "--enable-all", watf, "-o", path).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("wat2wasm: %v: %s", err, out)
	}
	return os.ReadFile(path)
}

// value is a wasm value: two words for a v128, references as 0 (null)
// or 1.
type value struct {
	t      wasm.ValType
	lo, hi uint64
}

func (v value) String() string {
	switch v.t {
	case wasm.I32:
		return fmt.Sprintf("i32:%#x", uint32(v.lo))
	case wasm.F32:
		return fmt.Sprintf("f32:%#x(%g)", uint32(v.lo), math.Float32frombits(uint32(v.lo)))
	case wasm.F64:
		return fmt.Sprintf("f64:%#x(%g)", v.lo, math.Float64frombits(v.lo))
	case wasm.V128:
		return fmt.Sprintf("v128:%016x%016x", v.hi, v.lo)
	}
	return fmt.Sprintf("%s:%#x", v.t, v.lo)
}

// nan32 and nan64 say whether x is a quiet NaN: an arithmetic NaN, in
// the spec's words, what every float operation that makes a NaN makes.
// Two different NaNs are allowed only if both are: a signalling NaN is
// only ever moved (copied, loaded, negated...), which keeps its bits.
func nan32(x uint64) bool { return uint32(x)&0x7fc00000 == 0x7fc00000 }
func nan64(x uint64) bool { return x&0x7ff8000000000000 == 0x7ff8000000000000 }

// same64 compares 64 bits of a v128: equal, or NaN where the other is
// NaN, as f64 or as each f32 lane (which lanes are floats is not known).
func same64(a, b uint64) bool {
	if a == b || nan64(a) && nan64(b) {
		return true
	}
	for _, s := range []uint{0, 32} {
		x, y := uint32(a>>s), uint32(b>>s)
		if x != y && !(nan32(uint64(x)) && nan32(uint64(y))) {
			return false
		}
	}
	return true
}

// nanBits says whether a and b, which differ, may both be NaN bit
// patterns that reached an integer (reinterpret) or memory: NaN payloads
// and signs are nondeterministic, so a module whose NaN bits become
// visible so may legitimately differ from there on.
func nanBits(a, b value) bool {
	switch a.t {
	case wasm.I32:
		return nan32(a.lo) && nan32(b.lo)
	case wasm.I64:
		return nan64(a.lo) && nan64(b.lo) || nan32(a.lo) && nan32(b.lo) || nan32(a.lo>>32) && nan32(b.lo>>32)
	}
	return false
}

// nanWindow says whether the byte at p, where memories a and b differ,
// lies in 4 or 8 bytes that are a NaN in both.
func nanWindow(a, b []byte, p int) bool {
	for _, w := range []int{4, 8} {
		for s := max(p-w+1, 0); s <= p && s+w <= len(a); s++ {
			x, y := le64(append(a[s:s+w:s+w], make([]byte, 8-w)...)), le64(append(b[s:s+w:s+w], make([]byte, 8-w)...))
			if w == 4 && nan32(x) && nan32(y) || w == 8 && nan64(x) && nan64(y) {
				return true
			}
		}
	}
	return false
}

// same compares two values as the spec allows: NaN payloads are open.
func same(a, b value) bool {
	if a.t != b.t {
		return false
	}
	switch a.t {
	case wasm.I32:
		return uint32(a.lo) == uint32(b.lo)
	case wasm.F32:
		return uint32(a.lo) == uint32(b.lo) || nan32(a.lo) && nan32(b.lo)
	case wasm.F64:
		return a.lo == b.lo || nan64(a.lo) && nan64(b.lo)
	case wasm.V128:
		return same64(a.lo, b.lo) && same64(a.hi, b.hi)
	}
	return a.lo == b.lo
}

// outcome is what one call did.
type outcome struct {
	results []value
	trap    string // "" when it returned
	offset  int64  // the trap's wasm offset (-1 unknown)
	log     []value
}

func (o outcome) String() string {
	if o.trap != "" {
		return fmt.Sprintf("trap %s at %#x (log %v)", o.trap, o.offset, o.log)
	}
	return fmt.Sprintf("results %v (log %v)", o.results, o.log)
}

// diff says how got differs from want, "" if not, and whether the first
// difference is NaN bits in an integer (nanBits). Trap offsets are
// compared where wasmtime's is plausible (see plausible).
func diff(b []byte, want, got outcome) (string, bool) {
	if want.trap != got.trap {
		return fmt.Sprintf("trap: wasmtime %q, lucet %q", want.trap, got.trap), false
	}
	if len(want.log) != len(got.log) {
		return fmt.Sprintf("log: %d values in wasmtime, %d in lucet", len(want.log), len(got.log)), false
	}
	for i := range want.log {
		if !same(want.log[i], got.log[i]) {
			return fmt.Sprintf("log value %d: wasmtime %v, lucet %v", i, want.log[i], got.log[i]), nanBits(want.log[i], got.log[i])
		}
	}
	if want.trap != "" {
		// Stack overflow happens at a depth each engine chooses.
		// wasmtime may name a later instruction than the one that
		// trapped: a load folded into the address of the load that
		// uses it takes the user's offset (seen: i32.load at 0x766,
		// its value the address of an i32.load16_s at 0x769, reported
		// at 0x769). So lucet's offset must name an instruction that
		// can trap so and come no later than wasmtime's.
		if want.trap != abi.TrapStackOverflow.String() && want.trap != abi.TrapInterrupt.String() && want.trap != hostTrap && want.offset != got.offset &&
			(!plausible(b, got.trap, got.offset) || plausible(b, want.trap, want.offset) && got.offset > want.offset) {
			return fmt.Sprintf("trap offset: wasmtime %#x, lucet %#x", want.offset, got.offset), false
		}
		return "", false
	}
	for i := range want.results {
		if !same(want.results[i], got.results[i]) {
			return fmt.Sprintf("result %d: wasmtime %v, lucet %v", i, want.results[i], got.results[i]), nanBits(want.results[i], got.results[i])
		}
	}
	return "", false
}

// hostTrap is the trap of a call that a host function of wasmgen's
// (wasmgen.HostCall) ended with wasmgen.ErrHostTrap: neither engine
// names a wasm offset for it.
const hostTrap = "host trap"

// hostFunc says whether import module.name is one of wasmgen's host
// functions, which compute results (wasmgen.HostCall) rather than
// return zeros, and returns its description.
func hostFunc(module, name string, ft wasm.FuncType) (wasmgen.Func, bool) {
	if module != wasmgen.HostModule || name == "" || name[0] != 'h' && name[0] != 't' && name[0] != 'c' {
		return wasmgen.Func{}, false
	}
	f := wasmgen.Func{Name: name}
	for _, p := range ft.Params {
		f.Params = append(f.Params, byte(p))
	}
	for _, r := range ft.Results {
		f.Results = append(f.Results, byte(r))
	}
	return f, true
}

// curModule is the module runModule runs (for wasmtime's callbacks).
var curModule *wasm.Module

// exportFunc is the name and type of exported function name of m, for
// wasmgen's callbacks (scalar types only).
func exportFunc(m *wasm.Module, name string) (wasmgen.Func, bool) {
	if m == nil {
		return wasmgen.Func{}, false
	}
	for _, e := range m.Exports {
		if e.Kind == wasm.ExternFunc && e.Name == name {
			f, ok := hostFunc(wasmgen.HostModule, "h", funcType(m, e.Index))
			f.Name = name
			for _, t := range append(f.Params, f.Results...) {
				ok = ok && t != wasmgen.V128 && !wasm.ValType(t).IsRef() // a callback's values are scalars (dt_callback)
			}
			return f, ok
		}
	}
	return wasmgen.Func{}, false
}

// arg is argument round of a parameter of type t: zeros first (as
// binaryen's fuzz-exec), then edge values and random bits.
func arg(r *rand.Rand, round int, t wasm.ValType) (lo, hi uint64) {
	if round == 0 || t.IsRef() {
		return 0, 0
	}
	edges := []uint64{0, 1, math.MaxUint64, 0x80000000, 0x7fffffff, 0x8000000000000000, math.Float64bits(1.5),
		uint64(math.Float32bits(-2.5)), 0x7fc00000, 0x7ff8000000000000, 0xffffffff, 0x100000000}
	pick := func() uint64 {
		if r.Intn(2) == 0 {
			return edges[r.Intn(len(edges))]
		}
		return r.Uint64() >> uint(r.Intn(64))
	}
	lo = pick()
	switch t {
	case wasm.I32, wasm.F32:
		lo &= math.MaxUint32
	case wasm.V128:
		hi = pick()
	}
	return lo, hi
}

// wtCopysignBug says whether wasmtime's out-of-bounds trap is at an
// f32.copysign or f64.copysign: Cranelift before wasmtime PR #12435 (and
// its backports; the harness links wasmtime-go v37) sinks the operand's
// load into a 16-byte andps, which faults where the 4- or 8-byte load
// near the end of memory is in bounds. Seen with wasmgen seeds
// 2673 and 2921 (every lucet configuration returned or trapped later, as
// the spec says).
//
// wasmtime sometimes names no offset for it (-1: wasmgen seed 1386 of
// session 17, where an f32.load 5 bytes below the end feeds
// f32.copysign by a constant; lucet and V8 (tiebreak.js) trap later, at
// a call_indirect); an unknown offset counts when the module has a
// copysign by a constant as wasmgen makes them. wasmtime-go v39
// (wasmtime 39.0.0) still has the bug.
func wtCopysignBug(b []byte, want outcome) bool {
	if want.trap != abi.TrapMemoryOutOfBounds.String() {
		return false
	}
	if want.offset < 0 {
		for i := range b {
			if b[i] == 0x98 && i >= 5 && b[i-5] == 0x43 || b[i] == 0xa6 && i >= 9 && b[i-9] == 0x44 {
				return true
			}
		}
		return false
	}
	return want.offset < int64(len(b)) && (b[want.offset] == 0x98 || b[want.offset] == 0xa6)
}

// wtV128LowBug says whether lucet trapped out of bounds at a v128.load
// whose value goes straight into an operation on its low 8 bytes
// (extend_low, extmul_low, convert_low, promote_low) where wasmtime did
// not trap: Cranelift folds the load into that instruction's 8-byte
// memory operand (pmovsx, cvtdq2pd...), which loses the trap for bytes
// 8..15 (wasmgen seed 50529: bytes 65525..65540 of one page; V8 traps
// too). pkg/codegen's TestEndOfMemoryLoads keeps lucet trapping there.
func wtV128LowBug(b []byte, want, got outcome) bool {
	if want.trap != "" || got.trap != abi.TrapMemoryOutOfBounds.String() || got.offset < 0 || got.offset+2 > int64(len(b)) ||
		b[got.offset] != 0xfd || b[got.offset+1] != 0x00 {
		return false
	}
	p := int(got.offset) + 2
	for i := 0; i < 2 && p < len(b); i++ { // the memarg: alignment, offset
		for p < len(b) && b[p]&0x80 != 0 {
			p++
		}
		p++
	}
	if p+1 >= len(b) || b[p] != 0xfd {
		return false
	}
	sub, n := uint32(0), 0
	for p+1+n < len(b) {
		c := b[p+1+n]
		sub |= uint32(c&0x7f) << (7 * n)
		n++
		if c&0x80 == 0 {
			break
		}
	}
	switch sub {
	case 0x87, 0x89, 0xa7, 0xa9, 0xc7, 0xc9, // extend_low
		0x9c, 0x9e, 0xbc, 0xbe, 0xdc, 0xde, // extmul_low
		0xfe, 0xff, 0x5f: // convert_low, promote_low
		return true
	}
	return false
}

// plausible says whether the instruction at offset off of module b can
// trap with trap. wasmtime sometimes names the instruction after a
// faulting load (the load folded into its user), which is not a finding.
func plausible(b []byte, trap string, off int64) bool {
	if off < 0 || off >= int64(len(b)) {
		return false
	}
	op := b[off]
	var sub byte
	if off+1 < int64(len(b)) {
		sub = b[off+1]
	}
	switch trap {
	case "out of bounds memory access":
		return op >= 0x28 && op <= 0x3e || op == 0xfd || op == 0xfc && sub >= 0x08 && sub <= 0x0b
	case "undefined element", "out of bounds table access":
		return op == 0x11 || op == 0x25 || op == 0x26 || op == 0xfc && sub >= 0x0c && sub <= 0x11
	case "uninitialized element", "indirect call type mismatch":
		return op == 0x11
	case "integer divide by zero":
		return op >= 0x6d && op <= 0x70 || op >= 0x7f && op <= 0x82
	case "integer overflow":
		return op == 0x6d || op == 0x7f || op >= 0xa8 && op <= 0xb1
	case "invalid conversion to integer":
		return op >= 0xa8 && op <= 0xb1
	case "unreachable":
		return op == 0x00
	}
	return true
}

type call struct {
	name string
	ft   wasm.FuncType
	args []uint64 // two words a value
}

// plan is the calls to make, in order: every exported function, three
// rounds of arguments; binaryen's hang limit is reset before each.
func plan(m *wasm.Module, seed int64) []call {
	r := rand.New(rand.NewSource(seed ^ 0x5eed))
	var calls []call
	hang := false
	for _, e := range m.Exports {
		if e.Kind == wasm.ExternFunc && e.Name == "hangLimitInitializer" {
			hang = true
		}
	}
	for round := 0; round < 3; round++ {
		for _, e := range m.Exports {
			if e.Kind != wasm.ExternFunc || e.Name == "hangLimitInitializer" {
				continue
			}
			ft := funcType(m, e.Index)
			if hang {
				calls = append(calls, call{name: "hangLimitInitializer", ft: funcType(m, exportIndex(m, "hangLimitInitializer"))})
			}
			c := call{name: e.Name, ft: ft}
			for _, p := range ft.Params {
				lo, hi := arg(r, round, p)
				c.args = append(c.args, lo, hi)
			}
			calls = append(calls, c)
		}
	}
	return calls
}

func exportIndex(m *wasm.Module, name string) uint32 {
	for _, e := range m.Exports {
		if e.Name == name {
			return e.Index
		}
	}
	return 0
}

func funcType(m *wasm.Module, idx uint32) wasm.FuncType {
	if idx < m.NumImportedFuncs {
		return m.Types[m.Imports[m.ImportIndex[wasm.ExternFunc][idx]].Type]
	}
	return m.Types[m.Funcs[idx-m.NumImportedFuncs]]
}

// result is what running one module came to.
type result struct {
	Gen      string   `json:"gen"`
	Seed     int64    `json:"seed"`
	Status   string   `json:"status"` // ran, or why it was skipped
	Configs  int      `json:"configs,omitempty"`
	Calls    int      `json:"calls,omitempty"`
	Traps    int      `json:"traps,omitempty"`
	NaN      int      `json:"nan,omitempty"` // configurations stopped where NaN bits differed
	Findings []string `json:"findings,omitempty"`
}

// runModule compares every lucet configuration with wasmtime on b.
// showCalls (-show) prints wasmtime's outcome of every call of -file
// and the FNV-1a hash of each exported memory after it, to set beside
// tiebreak.js's.
var showCalls bool

func runModule(b []byte, seed int64) (res result) {
	m, derr := decode.Decode(b, decode.Options{})
	curModule = m
	wt, stage, werr := wtNew(b, memPages, tableElems)
	if werr != nil && stage == "compile" {
		res.Status = "invalid"
		if derr == nil {
			// Accepted by lucet's decoder; does its validator agree?
			if _, _, lerr := lucetNew(b, m, lucetConfigs[0], memPages, tableElems); lerr == nil {
				res.Findings = append(res.Findings, fmt.Sprintf("validate: wasmtime rejects (%v), lucet accepts", werr))
			}
		}
		return res
	}
	if derr != nil {
		res.Status = "ran"
		res.Findings = append(res.Findings, fmt.Sprintf("decode: wasmtime accepts, lucet: %v", derr))
		if wt != nil {
			wt.close()
		}
		return res
	}
	if stage == "link" {
		res.Status = "imports"
		return res
	}
	if wt != nil {
		defer wt.close()
	}
	type cfgInst struct {
		c    lucetConfig
		li   *lucetInstance
		dead bool
	}
	var insts []*cfgInst
	for _, c := range lucetConfigs {
		li, lstage, lerr := lucetNew(b, m, c, memPages, tableElems)
		switch {
		case lerr == nil && werr == nil:
			insts = append(insts, &cfgInst{c: c, li: li})
			continue
		case lerr != nil && werr != nil && lstage == stage && (stage != "start" || lerr.Error() == werr.Error()):
			continue // both failed alike
		case lerr != nil && werr == nil:
			res.Findings = append(res.Findings, fmt.Sprintf("%s: instantiate: wasmtime ok, lucet %s: %v", c.name, lstage, lerr))
		default:
			res.Findings = append(res.Findings, fmt.Sprintf("%s: instantiate: wasmtime %s: %v, lucet %s: %v", c.name, stage, werr, lstage, lerr))
		}
		if li != nil {
			li.close()
		}
	}
	defer func() {
		for _, ci := range insts {
			ci.li.close()
		}
	}()
	res.Status = "ran"
	res.Configs = len(insts)
	if d := deterministic(b); d != "" {
		res.Findings = append(res.Findings, d)
	}
	if werr != nil {
		res.Status = "start-" + werr.Error()
		return res
	}
	for _, c := range plan(m, seed) {
		want := wt.call(c.name, c.ft, c.args, callTimeout)
		if showCalls {
			fmt.Printf("%s%v: wasmtime %v\n", c.name, fmtArgs(c), want)
			for _, e := range m.Exports {
				if e.Kind == wasm.ExternMemory {
					mem, _ := wt.memory(e.Name)
					h := fnv.New32a()
					h.Write(mem)
					fmt.Printf("  memory %s: %d bytes, fnv1a %08x\n", e.Name, len(mem), h.Sum32())
				}
			}
		}
		res.Calls++
		if want.trap != "" {
			res.Traps++
		}
		if wtCopysignBug(b, want) {
			res.Status = "wasmtime-copysign"
			break // wasmtime's state is not the module's from here on
		}
		for _, ci := range insts {
			if ci.dead {
				continue
			}
			got := ci.li.call(c.name, c.ft, c.args, callTimeout)
			if wtV128LowBug(b, want, got) {
				res.Status = "wasmtime-v128-low"
				ci.dead = true
				continue
			}
			d, nan := diff(b, want, got)
			sd, snan := sameState(m, wt, ci.li)
			if nan || snan {
				// NaN bits became visible and differ, as the spec
				// allows; what follows from them may differ too.
				ci.dead = true
				res.NaN++
				continue
			}
			if d == "" {
				d = sd
			}
			if d != "" {
				ci.dead = true
				res.Findings = append(res.Findings, fmt.Sprintf("%s: %s%v: %s\n  wasmtime: %v\n  lucet:    %v", ci.c.name, c.name, fmtArgs(c), d, want, got))
			}
		}
		if want.trap == abi.TrapInterrupt.String() {
			res.Status = "timeout"
			break // where each engine stopped is its own
		}
	}
	return res
}

func fmtArgs(c call) []value {
	var v []value
	for i, p := range c.ft.Params {
		v = append(v, value{p, c.args[2*i], c.args[2*i+1]})
	}
	return v
}

// sameState compares exported memories and globals; true if the first
// difference is bits of a NaN (nanWindow, nanBits).
func sameState(m *wasm.Module, wt *wtInstance, li *lucetInstance) (string, bool) {
	for _, e := range m.Exports {
		switch e.Kind {
		case wasm.ExternMemory:
			wm, _ := wt.memory(e.Name)
			lm, _ := li.memory(e.Name)
			if len(wm) != len(lm) {
				return fmt.Sprintf("memory %s: %d bytes in wasmtime, %d in lucet", e.Name, len(wm), len(lm)), false
			}
			if !bytes.Equal(wm, lm) {
				for i := range wm {
					if wm[i] != lm[i] {
						return fmt.Sprintf("memory %s byte %#x: wasmtime %#x, lucet %#x", e.Name, i, wm[i], lm[i]), nanWindow(wm, lm, i)
					}
				}
			}
		case wasm.ExternGlobal:
			lv, _ := li.global(e.Name)
			wv, _ := wt.global(e.Name, lv.t)
			if !same(wv, lv) {
				return fmt.Sprintf("global %s: wasmtime %v, lucet %v", e.Name, wv, lv), nanBits(wv, lv)
			}
		}
	}
	return "", false
}

func main() {
	gen := flag.String("gen", "mix", "generator: mix, wasmgen, wasmgen-host, wasmgen-loops, wasmgen-extern, ttf, ttf-simd, ttf-bulk, ttf-ref, ttf-all, ttf-denan")
	from := flag.Int64("from", 0, "first seed")
	n := flag.Int64("n", 1000, "modules")
	out := flag.String("out", "difftest-out", "directory for findings, stats and scratch files")
	worker := flag.Bool("worker", false, "run the modules in this process (the parent's worker)")
	batch := flag.Int64("batch", 200, "modules per worker process")
	one := flag.String("file", "", "run this .wasm once and print what differs")
	fileSeed := flag.Int64("seed", 0, "with -file: the seed of its calls' arguments (a finding's GEN-SEED seed makes its calls again)")
	planOnly := flag.Bool("plan", false, "with -file: print the calls as JSON lines ({name, params, args: two words a value}) and exit, for another engine (tiebreak.js)")
	flag.BoolVar(&showCalls, "show", false, "with -file: print wasmtime's outcome of every call (to set beside tiebreak.js's)")
	emit := flag.String("emit", "", "write module -from of -gen to this file and exit")
	budget := flag.Duration("for", 0, "stop after this long (0: run all -n modules); the summary counts the modules run")
	configs := flag.String("configs", "", "comma-separated lucet configurations to run (default all: O2-guard,O0-guard,O2-explicit,O0-explicit,O2-guard-baseline,O2-guard-sse41,O0-explicit-sse41,O2-guard-fuel)")
	flag.Parse()
	if *configs != "" {
		workerArgs = append(workerArgs, "-configs", *configs)
		var keep []lucetConfig
		for _, c := range lucetConfigs {
			if strings.Contains(","+*configs+",", ","+c.name+",") {
				keep = append(keep, c)
			}
		}
		lucetConfigs = keep
	}
	if *emit != "" {
		tmp, err := os.MkdirTemp("", "difftest")
		if err != nil {
			fatal(err)
		}
		defer os.RemoveAll(tmp)
		b, err := generate(genName(*gen, *from), *from, tmp)
		if err == nil {
			err = os.WriteFile(*emit, b, 0o644)
		}
		if err != nil {
			fatal(err)
		}
		return
	}
	if *one != "" {
		b, err := os.ReadFile(*one)
		if err != nil {
			fatal(err)
		}
		if *planOnly {
			m, err := decode.Decode(b, decode.Options{})
			if err != nil {
				fatal(err)
			}
			for _, c := range plan(m, *fileSeed) {
				var ps []string
				for _, p := range c.ft.Params {
					ps = append(ps, p.String())
				}
				args := make([]string, len(c.args))
				for i, a := range c.args {
					args[i] = strconv.FormatUint(a, 10)
				}
				j, _ := json.Marshal(map[string]any{"name": c.name, "params": ps, "args": args})
				fmt.Println(string(j))
			}
			return
		}
		res := runModule(b, *fileSeed)
		fmt.Printf("%s: %s, %d configs, %d calls (%d traps), %d configs stopped at differing NaN bits\n", *one, res.Status, res.Configs, res.Calls, res.Traps, res.NaN)
		for _, f := range res.Findings {
			fmt.Println(f)
		}
		if len(res.Findings) > 0 {
			os.Exit(1)
		}
		return
	}
	if err := os.MkdirAll(filepath.Join(*out, "findings"), 0o755); err != nil {
		fatal(err)
	}
	if *worker {
		runWorker(*gen, *from, *n, *out)
		return
	}
	var deadline time.Time
	if *budget > 0 {
		deadline = time.Now().Add(*budget)
	}
	runParent(*gen, *from, *n, *batch, *out, deadline)
}

// workerArgs are the flags the parent passes on to its workers besides
// the seed range (-configs).
var workerArgs []string

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "difftest:", err)
	os.Exit(1)
}

// runWorker runs seeds [from, from+n), appending one JSON line per module
// to stats.jsonl and writing each finding's module and text under
// findings/.
func runWorker(gen string, from, n int64, out string) {
	tmp, err := os.MkdirTemp(out, "tmp")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(tmp)
	stats, err := os.OpenFile(filepath.Join(out, "stats.jsonl"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		fatal(err)
	}
	progress := filepath.Join(out, "progress")
	for seed := from; seed < from+n; seed++ {
		g := genName(gen, seed)
		os.WriteFile(progress, []byte(fmt.Sprintf("%s %d\n", g, seed)), 0o644)
		b, err := generate(g, seed, tmp)
		var res result
		if err != nil {
			res = result{Status: "generate-failed"}
		} else {
			res = runModule(b, seed)
		}
		res.Gen, res.Seed = g, seed
		if len(res.Findings) > 0 {
			base := filepath.Join(out, "findings", fmt.Sprintf("%s-%d", g, seed))
			os.WriteFile(base+".wasm", b, 0o644)
			os.WriteFile(base+".txt", []byte(strings.Join(res.Findings, "\n")+"\n"), 0o644)
			fmt.Printf("FINDING %s %d: %s\n", g, seed, firstLine(res.Findings[0]))
		}
		j, _ := json.Marshal(res)
		stats.Write(append(j, '\n'))
	}
	stats.Close()
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// runParent runs the seeds in worker processes of batch modules each; a
// worker that dies or stops making progress is a finding for the seed it
// was on, and the run goes on after it. Past deadline (if not zero) the
// worker is stopped and the run ends.
func runParent(gen string, from, n, batch int64, out string, deadline time.Time) {
	self, err := os.Executable()
	if err != nil {
		fatal(err)
	}
	progress := filepath.Join(out, "progress")
	end := from + n
	for start := from; start < end; {
		cnt := min(batch, end-start)
		os.Remove(progress)
		args := append([]string{"-worker", "-gen", gen, "-from", strconv.FormatInt(start, 10), "-n", strconv.FormatInt(cnt, 10), "-out", out}, workerArgs...)
		cmd := exec.Command(self, args...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Start(); err != nil {
			fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var werr error
		hung := false
		last, lastChange := "", time.Now()
	wait:
		for {
			select {
			case werr = <-done:
				break wait
			case <-time.After(5 * time.Second):
				if !deadline.IsZero() && time.Now().After(deadline) {
					cmd.Process.Kill()
					<-done
					fmt.Printf("stopped at the time limit\n")
					summarize(filepath.Join(out, "stats.jsonl"))
					return
				}
				p, _ := os.ReadFile(progress)
				if string(p) != last {
					last, lastChange = string(p), time.Now()
				} else if time.Since(lastChange) > 10*callTimeout*time.Duration(len(lucetConfigs)+1) {
					hung = true
					cmd.Process.Kill()
				}
			}
		}
		if werr == nil {
			start += cnt
			continue
		}
		p, _ := os.ReadFile(progress)
		var g string
		var seed int64
		if _, err := fmt.Sscan(string(p), &g, &seed); err != nil {
			fatal(fmt.Errorf("worker failed before its first module: %v", werr))
		}
		what := "crash"
		if hung {
			what = "hang"
		}
		fmt.Printf("FINDING %s %d: worker %s: %v\n", g, seed, what, werr)
		tmp, _ := os.MkdirTemp(out, "tmp")
		if b, err := generate(g, seed, tmp); err == nil {
			base := filepath.Join(out, "findings", fmt.Sprintf("%s-%d", g, seed))
			os.WriteFile(base+".wasm", b, 0o644)
			os.WriteFile(base+".txt", []byte(fmt.Sprintf("worker %s: %v\n", what, werr)), 0o644)
		}
		os.RemoveAll(tmp)
		if f, err := os.OpenFile(filepath.Join(out, "stats.jsonl"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			j, _ := json.Marshal(result{Gen: g, Seed: seed, Status: what, Findings: []string{what}})
			f.Write(append(j, '\n'))
			f.Close()
		}
		start = seed + 1
	}
	summarize(filepath.Join(out, "stats.jsonl"))
}

// summarize prints modules by generator and status, and findings.
func summarize(path string) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	type key struct{ gen, status string }
	count := map[key]int{}
	calls, traps, configs, findings, nans := 0, 0, 0, 0, 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r result
		if json.Unmarshal(sc.Bytes(), &r) != nil {
			continue
		}
		count[key{r.Gen, r.Status}]++
		calls += r.Calls
		traps += r.Traps
		nans += r.NaN
		configs += r.Configs
		if len(r.Findings) > 0 {
			findings++
		}
	}
	for k, v := range count {
		fmt.Printf("%-10s %-24s %d\n", k.gen, k.status, v)
	}
	fmt.Printf("lucet module-configurations compared %d (%d stopped where NaN bits differed), calls %d (%d trapped in wasmtime), modules with findings %d\n", configs, nans, calls, traps, findings)
}
