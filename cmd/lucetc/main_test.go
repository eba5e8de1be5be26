package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/lucet-go/lucet/cmd/lucet-objdump/objdump"
	"github.com/lucet-go/lucet/internal/cliflag/ptytest"
	"github.com/lucet-go/lucet/internal/golden"
	"github.com/lucet-go/lucet/internal/spectest"
	"github.com/lucet-go/lucet/pkg/compile"
	"github.com/lucet-go/lucet/pkg/decode"
	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/load"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/validate"
)

// addWasm is (module (func (export "add") (param i32 i32) (result i32)
// local.get 0 local.get 1 i32.add)).
var addWasm = []byte("\x00asm\x01\x00\x00\x00" +
	"\x01\x07\x01\x60\x02\x7f\x7f\x01\x7f" +
	"\x03\x02\x01\x00" +
	"\x07\x07\x01\x03add\x00\x00" +
	"\x0a\x09\x01\x07\x00\x20\x00\x20\x01\x6a\x0b")

func lucetc(t *testing.T, stdin []byte, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(append([]string{"lucetc"}, args...), bytes.NewReader(stdin), &out, &errb)
	if strings.Contains(errb.String(), "goroutine ") {
		t.Fatalf("panic trace on stderr:\n%s", errb.String())
	}
	return code, out.String(), errb.String()
}

func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPipeline is `lucetc add.wasm | lucet-objdump --json`, in process.
func TestPipeline(t *testing.T) {
	in := writeTemp(t, "add.wasm", addWasm)
	code, so, stderr := lucetc(t, nil, in)
	if code != 0 {
		t.Fatalf("lucetc: exit %d: %s", code, stderr)
	}
	var out, errb bytes.Buffer
	if code := objdump.Run([]string{"lucet-objdump", "--json", "-d"}, strings.NewReader(so), &out, &errb); code != 0 {
		t.Fatalf("lucet-objdump: exit %d: %s", code, errb.String())
	}
	var r struct {
		ABIVersion int      `json:"abi_version"`
		Features   []string `json:"cpu_features"`
		Exports    []struct {
			Name, Kind string
		} `json:"exports"`
		Functions []struct {
			Name        string `json:"name"`
			Signature   string `json:"signature"`
			Size        int    `json:"code_size"`
			Disassembly string `json:"disassembly"`
		} `json:"functions"`
		Stubs []struct{ Name string } `json:"stubs"`
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Functions) != 1 || r.Functions[0].Name != "add" || r.Functions[0].Signature != "[i32 i32] -> [i32]" || r.Functions[0].Size == 0 {
		t.Errorf("functions %+v", r.Functions)
	}
	if !strings.Contains(r.Functions[0].Disassembly, "<add>:") {
		t.Errorf("no disassembly of add:\n%s", r.Functions[0].Disassembly)
	}
	if len(r.Exports) != 1 || r.Exports[0].Name != "add" || len(r.Stubs) == 0 || len(r.Features) == 0 {
		t.Errorf("exports %+v stubs %+v features %v", r.Exports, r.Stubs, r.Features)
	}
}

func TestOutputFile(t *testing.T) {
	in := writeTemp(t, "add.wasm", addWasm)
	dir := t.TempDir()
	out := filepath.Join(dir, "add.so")
	tests := []struct {
		name string
		args []string
	}{
		{"flags after input", []string{in, "-o", out, "-v"}},
		{"guard bounds", []string{"--bounds-checks=guard", "--reserved-size", "8GiB", "--guard-size=64MiB", "-o", out, in}},
		{"sizes imply guard", []string{"--reserved-size", "4 GiB", "-o", out, in}},
		{"opt level names", []string{"--opt-level", "none", "-o", out, in}},
		{"target cpu", []string{"--target-cpu", "haswell", "--target-feature", "-avx2,-avx", "-o", out, in}},
		{"stdin", []string{"-", "-o", out}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(out)
			code, stdout, stderr := lucetc(t, addWasm, tt.args...)
			if code != 0 || stdout != "" {
				t.Fatalf("exit %d, stdout %d bytes: %s", code, len(stdout), stderr)
			}
			m, err := load.File(out)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if len(m.Meta.Funcs) != 1 || m.Meta.Funcs[0].Name != "add" {
				t.Errorf("funcs %+v", m.Meta.Funcs)
			}
			switch tt.name {
			case "flags after input":
				for _, stage := range []string{"read", "decode", "validate", "compile", "link", "write", "total"} {
					if !strings.Contains(stderr, "lucetc: "+stage) {
						t.Errorf("-v output lacks stage %s:\n%s", stage, stderr)
					}
				}
			case "guard bounds":
				if m.Meta.Bounds != object.BoundsGuard || m.Meta.MemReserve != 8<<30 || m.Meta.MemGuard != 64<<20 {
					t.Errorf("bounds %v reserve %d guard %d", m.Meta.Bounds, m.Meta.MemReserve, m.Meta.MemGuard)
				}
			case "sizes imply guard":
				if m.Meta.Bounds != object.BoundsGuard || m.Meta.MemReserve != 4<<30 || m.Meta.MemGuard != 2<<30 {
					t.Errorf("bounds %v reserve %d guard %d", m.Meta.Bounds, m.Meta.MemReserve, m.Meta.MemGuard)
				}
			}
			// No temporary file is left behind.
			ents, _ := os.ReadDir(dir)
			if len(ents) != 1 {
				t.Errorf("output directory holds %d entries, want only add.so", len(ents))
			}
		})
	}
}

func TestOutputSpecialFiles(t *testing.T) {
	in := writeTemp(t, "add.wasm", addWasm)
	if code, _, stderr := lucetc(t, nil, in, "-o", os.DevNull); code != 0 {
		t.Fatalf("-o /dev/null: exit %d: %s", code, stderr)
	}
	if st, err := os.Stat(os.DevNull); err != nil || st.Mode().IsRegular() {
		t.Fatalf("%s is no longer a device: %v", os.DevNull, err)
	}
	dir := t.TempDir()
	target := filepath.Join(dir, "real.so")
	lnk := filepath.Join(dir, "link.so")
	os.WriteFile(target, nil, 0o644)
	if err := os.Symlink("real.so", lnk); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := lucetc(t, nil, in, "-o", lnk); code != 0 {
		t.Fatalf("-o symlink: exit %d: %s", code, stderr)
	}
	if fi, err := os.Lstat(lnk); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symbolic link was replaced")
	}
	if _, err := load.File(target); err != nil {
		t.Errorf("the link's target does not hold the object: %v", err)
	}
	if code, _, stderr := lucetc(t, nil, in, "-o", dir); code != 1 || !strings.Contains(stderr, "is a directory") {
		t.Errorf("-o directory: exit %d: %s", code, stderr)
	}
}

func TestEmitAsm(t *testing.T) {
	code, stdout, stderr := lucetc(t, addWasm, "--emit=asm", "-M", "intel", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "<add>:") || !strings.Contains(stdout, "push rbp") {
		t.Errorf("listing:\n%s", stdout)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "add.wasm")
	os.WriteFile(good, addWasm, 0o644)
	invalid := append([]byte(nil), addWasm...)
	invalid[len(invalid)-2] = 0x7c // i32.add -> f64.add: type mismatch
	bad := filepath.Join(dir, "bad.wasm")
	os.WriteFile(bad, invalid, 0o644)
	trunc := filepath.Join(dir, "trunc.wasm")
	os.WriteFile(trunc, addWasm[:20], 0o644)
	wat := filepath.Join(dir, "x.wat")
	os.WriteFile(wat, []byte("(module)\n"), 0o644)
	out := filepath.Join(dir, "out.so")
	fifo := filepath.Join(dir, "fifo") // no writer: opening it to read blocked
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no input", nil, 2, "no input module"},
		{"two inputs", []string{good, good}, 2, "one input module"},
		{"empty path", []string{"", "-o", out}, 2, `the module path is empty ("")`},
		{"missing file", []string{filepath.Join(dir, "nope.wasm"), "-o", out}, 1, "nope.wasm: no such file or directory"},
		{"invalid module", []string{bad, "-o", out}, 1, "type mismatch"},
		{"truncated module", []string{trunc, "-o", out}, 1, "trunc.wasm: decode: "},
		{"text format", []string{wat, "-o", out}, 1, "text format"},
		{"bad flag", []string{"--frobnicate", good}, 2, "flag provided but not defined"},
		{"bad opt level", []string{"--opt-level=3", good}, 2, "--opt-level"},
		{"bad bounds", []string{"--bounds-checks=maybe", good}, 2, "--bounds-checks"},
		{"bad size", []string{"--reserved-size=lots", good}, 2, "not a size"},
		{"unaligned size", []string{"--guard-size=1000", good}, 2, "multiple of 4 KiB"},
		{"explicit with size", []string{"--bounds-checks=explicit", "--guard-size=4MiB", good}, 2, "guard only"},
		{"bad cpu", []string{"--target-cpu=pentium", good}, 2, "unknown CPU"},
		{"bad feature", []string{"--target-feature=+sse9", good}, 2, "unknown CPU feature"},
		{"feature without sign", []string{"--target-feature=avx", good}, 2, "must start with + or -"},
		{"codegen needs features", []string{"--target-feature=-sse41", good, "-o", out}, 1, "needs"},
		{"bad emit", []string{"--emit=clif", good}, 2, "--emit"},
		{"sign key FIFO", []string{"--sign-key", fifo, good, "-o", out}, 2, fifo + ": a FIFO, not a key file"},
		{"sign key directory", []string{"--sign-key", dir, good, "-o", out}, 2, dir + ": is a directory"},
		{"output dir missing", []string{good, "-o", filepath.Join(dir, "no", "such", "x.so")}, 1, "no/such/x.so: no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := lucetc(t, nil, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, tt.code, tt.want)
			}
			if code == 1 && strings.Count(stderr, "\n") != 1 {
				t.Errorf("error is not one line: %q", stderr)
			}
		})
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("a failed compile left %s behind", out)
	}
}

// TestBadObjects feeds damaged lucetc output to the loader and to
// lucet-objdump: each is refused with a one-line error.
func TestBadObjects(t *testing.T) {
	_, so, _ := lucetc(t, addWasm, "-")
	b := []byte(so)
	img, err := load.Inspect(b)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(off uint64) []byte {
		c := append([]byte(nil), b...)
		c[off] ^= 0x10
		return c
	}
	ls, _ := os.ReadFile("/bin/ls")
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"truncated", b[:len(b)-100], "truncated"},
		{"flipped code byte", flip(img.Header.TextOff + 3), "checksum mismatch"},
		{"flipped metadata byte", flip(img.Header.MetaOff + 7), "checksum mismatch"},
		{"foreign ELF", ls, "not a lucet module"},
		{"wasm instead of object", addWasm, "not an ELF file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.in == nil {
				t.Skip("no /bin/ls to use as a foreign ELF file")
			}
			if _, err := load.Bytes(tt.in); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("load.Bytes: %v, want %q", err, tt.want)
			}
			if bytes.HasPrefix(tt.in, []byte("\x00asm")) {
				return // lucet-objdump describes a .wasm (tested in cmd/lucet-objdump)
			}
			var out, errb bytes.Buffer
			code := objdump.Run([]string{"lucet-objdump"}, bytes.NewReader(tt.in), &out, &errb)
			if code != 1 || !strings.Contains(errb.String(), tt.want) || strings.Count(errb.String(), "\n") != 1 {
				t.Errorf("lucet-objdump: exit %d, stderr %q; want exit 1 and one line with %q", code, errb.String(), tt.want)
			}
		})
	}
}

// TestSpecModules compiles the first module of every spec testsuite script
// that is valid, and checks that the object links, reads back with the
// same metadata, and passes Meta.Check. Modules the code generator does
// not handle yet are logged, not failed: this test is about the object
// format.
func TestSpecModules(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: compiling the testsuite modules takes a while")
	}
	dir, err := spectest.Locate()
	if err != nil {
		t.Skipf("testsuite not available: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "core", "*", "*.0.wasm"))
	if len(files) == 0 {
		t.Skipf("no core/*/*.0.wasm under %s", dir)
	}
	linked, cgFailed := 0, 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := decode.Decode(b, decode.Options{})
		if err != nil {
			continue
		}
		if _, err := validate.Module(m, validate.Options{Parallel: 1}); err != nil {
			continue
		}
		out := filepath.Join(t.TempDir(), "m.so")
		code, _, stderr := lucetc(t, nil, "-j", "1", f, "-o", out)
		if code != 0 {
			cgFailed++
			t.Logf("%s: not compiled: %s", filepath.Base(f), strings.TrimSpace(stderr))
			continue
		}
		so, _ := os.ReadFile(out)
		img, err := load.Inspect(so)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if len(img.Meta.Funcs) != len(m.Funcs) || len(img.Meta.Exports) != len(m.Exports) || img.Meta.NumDatas() != len(m.Datas) {
			t.Errorf("%s: metadata lost functions, exports or data", filepath.Base(f))
		}
		if img.Data == nil {
			t.Errorf("%s: no data image", filepath.Base(f))
		}
		syms := link.TextSymbols(img.Meta, len(img.Text))
		seen := map[string]bool{}
		for _, s := range syms {
			if seen[s.Name] {
				t.Errorf("%s: duplicate symbol %s", filepath.Base(f), s.Name)
			}
			seen[s.Name] = true
		}
		linked++
	}
	t.Logf("%d modules compiled, linked and read back; %d not compiled", linked, cgFailed)
	if linked == 0 {
		t.Errorf("no testsuite module went through the whole pipeline")
	}
}

// volatile matches what changes whenever the code generator changes:
// checksums, code sizes and offsets, and the site lists.
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`sha256:[0-9a-f]{64}`), "sha256:…"},
	{regexp.MustCompile(`(?m)^(  (?:code|metadata): +).*$`), "${1}…"},
	{regexp.MustCompile(`code 0x[0-9a-f]+, \d+ bytes`), "code …"},
	{regexp.MustCompile(`stub at 0x[0-9a-f]+`), "stub at …"},
	{regexp.MustCompile(`(?m)^    (?:0x[0-9a-f]+ \(\+0x[0-9a-f]+\): .*|no trap or call sites)\n`), ""},
}

// TestObjdumpGolden is `lucetc testdata/small.wasm | lucet-objdump` on a
// real module (testdata/small.wat, built with wat2wasm --debug-names),
// compared with testdata/small.objdump.txt after masking what depends on
// the generated code.
func TestObjdumpGolden(t *testing.T) {
	wasm, err := os.ReadFile(filepath.Join("testdata", "small.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	code, so, stderr := lucetc(t, wasm, "-")
	if code != 0 {
		t.Fatalf("lucetc: exit %d: %s", code, stderr)
	}
	var out, errb bytes.Buffer
	if code := objdump.Run([]string{"lucet-objdump"}, strings.NewReader(so), &out, &errb); code != 0 {
		t.Fatalf("lucet-objdump: exit %d: %s", code, errb.String())
	}
	got := out.String()
	for _, v := range volatile {
		got = v.re.ReplaceAllString(got, v.with)
	}
	path := filepath.Join("testdata", "small.objdump.txt")
	if golden.Update() {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if got != string(want) {
		t.Errorf("lucet-objdump output differs from %s (go test -update rewrites it):\n%s", path, got)
	}
}

// openPTY returns the terminal side of a new pseudo-terminal.

func TestRefusesTerminal(t *testing.T) {
	tty := ptytest.Open(t)
	in := writeTemp(t, "add.wasm", addWasm)
	var errb bytes.Buffer
	if code := run([]string{"lucetc", in}, nil, tty, &errb); code != 2 || !strings.Contains(errb.String(), "refusing to write a binary object to a terminal") {
		t.Errorf("object to a terminal: exit %d, stderr %q", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"lucetc", "-"}, tty, io.Discard, &errb); code != 2 || !strings.Contains(errb.String(), "standard input is a terminal") {
		t.Errorf("input from a terminal: exit %d, stderr %q", code, errb.String())
	}
}

// TestFuelFlag: --fuel marks the object as fuel-instrumented (and adds
// code); without it the object is neither.
func TestFuelFlag(t *testing.T) {
	in := writeTemp(t, "add.wasm", addWasm)
	text := map[bool]uint32{}
	for _, fuel := range []bool{false, true} {
		args := []string{in}
		if fuel {
			args = append([]string{"--fuel"}, args...)
		}
		code, so, stderr := lucetc(t, nil, args...)
		if code != 0 {
			t.Fatalf("lucetc %v: exit %d: %s", args, code, stderr)
		}
		img, err := load.Inspect([]byte(so))
		if err != nil {
			t.Fatal(err)
		}
		if img.Meta.Fuel != fuel {
			t.Errorf("lucetc %v: Meta.Fuel = %v", args, img.Meta.Fuel)
		}
		text[fuel] = img.Meta.Funcs[0].CodeSize
	}
	if text[true] <= text[false] {
		t.Errorf("add is %d bytes with --fuel, %d without: no instrumentation", text[true], text[false])
	}
}

// Guard-page bounds checks are the default, with the 4 GiB reservation and
// 2 GiB guard; --bounds-checks=explicit and the sizes change that.
func TestBoundsChecksFlag(t *testing.T) {
	in := writeTemp(t, "add.wasm", addWasm)
	for _, tt := range []struct {
		args           []string
		bounds         object.BoundsChecks
		reserve, guard uint64
	}{
		{nil, object.BoundsGuard, 4 << 30, 2 << 30},
		{[]string{"--bounds-checks=guard", "--reserved-size=8GiB", "--guard-size=64KiB"}, object.BoundsGuard, 8 << 30, 64 << 10},
		{[]string{"--guard-size=0"}, object.BoundsGuard, 4 << 30, 0},
		{[]string{"--bounds-checks=explicit"}, object.BoundsExplicit, 0, 0},
	} {
		args := append(append([]string(nil), tt.args...), in)
		code, so, stderr := lucetc(t, nil, args...)
		if code != 0 {
			t.Fatalf("lucetc %v: exit %d: %s", args, code, stderr)
		}
		img, err := load.Inspect([]byte(so))
		if err != nil {
			t.Fatal(err)
		}
		if m := img.Meta; m.Bounds != tt.bounds || m.MemReserve != tt.reserve || m.MemGuard != tt.guard {
			t.Errorf("lucetc %v: bounds %v reserve %d guard %d; want %v %d %d", args, m.Bounds, m.MemReserve, m.MemGuard, tt.bounds, tt.reserve, tt.guard)
		}
	}
}

// lucetc and lucet-run's cache compile through one entry: `lucetc
// --target-cpu=native x.wasm` writes the very object the cache stores
// (code compiled in process targets the host; lucetc's default is
// portable).
func TestSameObjectAsCache(t *testing.T) {
	b, err := os.ReadFile("../../testdata/hello.wasm")
	if err != nil {
		t.Fatal(err)
	}
	in := writeTemp(t, "hello.wasm", b)
	code, stdout, stderr := lucetc(t, nil, "--target-cpu=native", in)
	if code != 0 {
		t.Fatalf("lucetc: exit %d: %s", code, stderr)
	}
	c := &compile.Cache{Dir: t.TempDir()}
	m, err := compile.LoadFile(in, compile.DefaultOptions(), c)
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	entry, err := os.ReadFile(filepath.Join(c.Dir, compile.Key(b, compile.DefaultOptions())+".so"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(entry, []byte(stdout)) {
		t.Errorf("lucetc wrote %d bytes, the cache holds %d different ones", len(stdout), len(entry))
	}
}
