package objdump

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The repository's committed test modules.
const moduleDir = "../../../testdata"

// run is lucet-objdump in process.
func run(t *testing.T, stdin []byte, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(append([]string{"lucet-objdump"}, args...), bytes.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// golden compares got with testdata/name; go test -update rewrites it.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	gp := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(gp), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(gp, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(gp)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", gp, got)
	}
}

// TestWasmGolden describes committed modules chosen to cover every part
// of the report: imports of each kind, passive and active segments, a
// start function, custom sections with odd names, a name section.
func TestWasmGolden(t *testing.T) {
	tests := []struct {
		module string
		json   bool
	}{
		{"small/global.0.wasm", false},
		{"small/imports.0.wasm", false},
		{"small/elem.0.wasm", false},
		{"small/memory_init.0.wasm", true},
		{"small/custom.0.wasm", false},
		{"small/data.0.wasm", false},
		{"hello.wasm", true},
	}
	for _, tt := range tests {
		for _, asJSON := range []bool{false, true} {
			if asJSON && !tt.json {
				continue
			}
			name := strings.TrimSuffix(filepath.Base(tt.module), ".wasm")
			args, ext := []string{}, ".txt"
			if asJSON {
				args, ext = append(args, "--json"), ".json"
			}
			t.Run(name+ext, func(t *testing.T) {
				path := filepath.Join(moduleDir, tt.module)
				code, out, errs := run(t, nil, append(args, path)...)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errs)
				}
				golden(t, filepath.Join("wasm", name+ext), []byte(strings.ReplaceAll(out, path, filepath.Base(path))))
			})
		}
	}
}

// TestWasmStdin: "-" and no argument read the module from standard input
// and describe it exactly as from the file, but for its name.
func TestWasmStdin(t *testing.T) {
	path := filepath.Join(moduleDir, "small/global.0.wasm")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, fromFile, _ := run(t, nil, path)
	for _, args := range [][]string{{"-"}, nil} {
		code, out, errs := run(t, b, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		if want := strings.Replace(fromFile, path, "<stdin>", 1); out != want {
			t.Errorf("%v: stdin output differs from the file's:\n%s", args, out)
		}
	}
}

// objdumpSection matches a line of wasm-objdump -h.
var objdumpSection = regexp.MustCompile(`^\s*(\w+) start=0x([0-9a-f]+) end=0x([0-9a-f]+) \(size=0x([0-9a-f]+)\)(?: count: (\d+)| start: (\d+)| "(.*)")?$`)

// TestSectionsMatchWabt compares the section listing with wabt's
// wasm-objdump -h on every committed module: same sections, in the same
// order, with the same bounds, counts and custom names.
func TestSectionsMatchWabt(t *testing.T) {
	tool, err := exec.LookPath("wasm-objdump")
	if err != nil {
		t.Skip("wabt's wasm-objdump is not installed; this test only cross-checks against it")
	}
	mods, _ := filepath.Glob(filepath.Join(moduleDir, "small", "*.wasm"))
	mods = append(mods, filepath.Join(moduleDir, "hello.wasm"), filepath.Join(moduleDir, "gobig.wasm"))
	wabtName := map[string]string{"type": "Type", "import": "Import", "function": "Function", "table": "Table",
		"memory": "Memory", "global": "Global", "export": "Export", "start": "Start", "element": "Elem",
		"code": "Code", "data": "Data", "data count": "DataCount", "custom": "Custom"}
	for _, mod := range mods {
		t.Run(filepath.Base(mod), func(t *testing.T) {
			out, err := exec.Command(tool, "-h", mod).Output()
			if err != nil {
				t.Fatalf("wasm-objdump -h: %v", err)
			}
			var want []string
			for _, line := range strings.Split(string(out), "\n") {
				m := objdumpSection.FindStringSubmatch(line)
				if m == nil {
					continue
				}
				start, _ := strconv.ParseInt(m[2], 16, 64)
				end, _ := strconv.ParseInt(m[3], 16, 64)
				extra := m[5] + m[6]
				if m[1] == "Custom" {
					extra = strconv.Quote(m[7])
				}
				want = append(want, fmt.Sprintf("%s %d %d %s", m[1], start, end, extra))
			}
			code, js, errs := run(t, nil, "--json", mod)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var r wasmReport
			if err := json.Unmarshal([]byte(js), &r); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range r.Sections {
				extra := ""
				switch {
				case s.CustomName != nil:
					// wabt prints a name as a C string, cut at its first NUL.
					name, _, _ := strings.Cut(*s.CustomName, "\x00")
					extra = strconv.Quote(name)
				case s.Count != nil:
					extra = strconv.Itoa(int(*s.Count))
				}
				got = append(got, fmt.Sprintf("%s %d %d %s", wabtName[s.Name], s.Start, s.End, extra))
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("sections differ\nlucet-objdump:\n%s\nwasm-objdump -h:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestWasmFunctionSizes compares body sizes with wasm-objdump -x's Code
// listing ("- func[7] size=27 <_start>").
func TestWasmFunctionSizes(t *testing.T) {
	tool, err := exec.LookPath("wasm-objdump")
	if err != nil {
		t.Skip("wabt's wasm-objdump is not installed; this test only cross-checks against it")
	}
	mod := filepath.Join(moduleDir, "hello.wasm")
	out, err := exec.Command(tool, "-j", "Code", "-x", mod).Output()
	if err != nil {
		t.Fatalf("wasm-objdump -x: %v", err)
	}
	re := regexp.MustCompile(`(?m)^ - func\[(\d+)\] size=(\d+)`)
	want := map[uint32]int{}
	for _, m := range re.FindAllStringSubmatch(string(out), -1) {
		i, _ := strconv.Atoi(m[1])
		n, _ := strconv.Atoi(m[2])
		want[uint32(i)] = n
	}
	_, js, _ := run(t, nil, "--json", mod)
	var r wasmReport
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatal(err)
	}
	if len(want) != len(r.Functions) || len(want) == 0 {
		t.Fatalf("wasm-objdump lists %d bodies, lucet-objdump %d functions", len(want), len(r.Functions))
	}
	for _, f := range r.Functions {
		if want[f.Index] != f.BodySize {
			t.Errorf("func %d: body_size %d, wasm-objdump size=%d", f.Index, f.BodySize, want[f.Index])
		}
	}
}

// TestWasmDisassemble checks -d's shape rather than its bytes, which
// change with every code generator improvement: every defined function
// gets code and a listing under its symbol, the stubs are there, and the
// text and JSON forms agree.
func TestWasmDisassemble(t *testing.T) {
	path := filepath.Join(moduleDir, "small/call_indirect.0.wasm")
	code, js, errs := run(t, nil, "-d", "--json", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r wasmReport
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Functions) == 0 || len(r.Stubs) == 0 {
		t.Fatalf("%d functions, %d stubs", len(r.Functions), len(r.Stubs))
	}
	for _, f := range r.Functions {
		if f.CodeOffset == nil || f.CodeSize == nil || *f.CodeSize == 0 || f.Symbol == "" {
			t.Fatalf("func %d: no code: %+v", f.Index, f)
		}
		if !strings.Contains(f.Disassembly, "<"+f.Symbol+">:\n") {
			t.Errorf("func %d: listing does not start at <%s>:\n%s", f.Index, f.Symbol, f.Disassembly)
		}
	}
	_, text, _ := run(t, nil, "-d", "-M", "intel", path)
	if !strings.Contains(text, "\nDisassembly:\n") || !strings.Contains(text, "<"+r.Functions[0].Symbol+">:") {
		t.Errorf("text -d lacks the disassembly:\n%.2000s", text)
	}
	// Without -d nothing is compiled.
	_, js, _ = run(t, nil, "--json", path)
	if strings.Contains(js, `"code_offset"`) || strings.Contains(js, `"stubs"`) {
		t.Errorf("--json without -d carries compiled code")
	}
}

// TestInvalidWasm: a module that decodes but does not validate is still
// described (valid: no, with the reason); -d, which must compile it, is
// refused with exit 1.
func TestInvalidWasm(t *testing.T) {
	path := filepath.Join("testdata", "bad", "invalid.wasm")
	code, out, _ := run(t, nil, path)
	if code != 0 || !strings.Contains(out, "valid:           no: ") || !strings.Contains(out, "type mismatch") {
		t.Errorf("exit %d, output:\n%s", code, out)
	}
	code, _, errs := run(t, nil, "-d", path)
	if code != 1 || !strings.Contains(errs, path+": validate: ") || strings.Count(errs, "\n") != 1 {
		t.Errorf("-d: exit %d, stderr %q", code, errs)
	}
}
