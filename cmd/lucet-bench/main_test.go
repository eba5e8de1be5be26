package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCommandLine(t *testing.T) {
	const traps = "../../pkg/bench/testdata/traps.wasm"
	const tables = "../../testdata/api/table.wasm"
	dir := t.TempDir()
	// A truncated module, and one whose _start is unreachable.
	refused := filepath.Join(dir, "refused.wasm")
	trapStart := filepath.Join(dir, "trap.wasm")
	for p, b := range map[string]string{
		refused: "\x00asm\x01\x00\x00\x00\x01\x05\x01",
		trapStart: "\x00asm\x01\x00\x00\x00" + "\x01\x04\x01\x60\x00\x00" + "\x03\x02\x01\x00" +
			"\x07\x0a\x01\x06_start\x00\x00" + "\x0a\x05\x01\x03\x00\x00\x0b",
	} {
		if err := os.WriteFile(p, []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Standard input of the cases whose MODULE is "-".
	stdinOf := map[string]string{
		"stdin":         traps,
		"stdin refused": refused,
		"run stdin":     "../../testdata/hello.wasm",
		"compile stdin": traps,
	}
	for _, tt := range []struct {
		name   string
		args   []string
		status int
		out    string // in stdout
		errOut string // in stderr
	}{
		{"text", []string{"-n", "20", "--live", "5", traps}, 0, "live 5:", "PEERBENCH {"},
		{"traps counted", []string{"--instances", "10", "--live", "30", "--call", "oob", traps}, 0, "30 trapped (out of bounds memory access: 30)", ""},
		{"invoke alias, flags after module", []string{traps, "-n", "10", "--live", "", "--invoke", "div0"}, 0, "10 trapped (integer divide by zero: 10)", ""},
		{"json", []string{"-n", "10", "--live", "3", "--json", "--keep", "-p", "2", traps}, 0, `"instantiate_us":{`, ""},
		{"no such export", []string{"-n", "10", "--call", "nope", traps}, 1, "", `no function "nope"`},
		{"bad layout", []string{"--layout", "sparse", traps}, 2, "", "want guard or dense"},
		{"bad max memory", []string{"--max-memory", "lots", traps}, 2, "", "--max-memory"},
		{"max memory not in pages", []string{"--max-memory", "1000", traps}, 2, "", "--max-memory 1000: want a multiple of 64KiB, at most 4GiB"},
		{"max memory past 4 GiB", []string{"--max-memory", "5GiB", traps}, 2, "", "--max-memory 5GiB: want a multiple of 64KiB, at most 4GiB"},
		{"no module", []string{"-n", "10"}, 2, "", "exactly one module"},
		{"empty path", []string{"-n", "10", ""}, 2, "", `the module path is empty ("")`},
		{"run empty path", []string{"run", ""}, 2, "", "run: " + `the module path is empty ("")`},
		{"compile empty path", []string{"compile", ""}, 2, "", "compile: " + `the module path is empty ("")`},
		{"bad flag value", []string{"-n", "many", traps}, 2, "", "see lucet-bench --help"},
		{"undefined flag", []string{"--bogus", traps}, 2, "", "see lucet-bench --help"},
		{"compile bad reps", []string{"compile", "--reps", "0", traps}, 2, "", "--reps 0"},
		{"compile bad flag", []string{"compile", "--reps", "x", traps}, 2, "", "see lucet-bench --help"},
		{"refused module", []string{"-n", "1", "--live", "", refused}, 1, "", refused + ": decode"},
		{"run refused module", []string{"run", refused}, 1, "", refused + ": decode"},
		{"compile refused module", []string{"compile", refused}, 1, "", refused + ": decode"},
		{"missing module", []string{"-n", "1", filepath.Join(dir, "none.so")}, 1, "", "no such file"},
		{"run traps", []string{"run", trapStart}, 134, "", "unreachable"},
		// _start calls proc_exit(256), whose low 8 bits were the status: 0.
		{"run exit past 255", []string{"run", "../lucet-run/testdata/exits.wasm"}, 1, "", "lucet-bench: the guest exited with status 256, past the 255"},
		{"help states exit codes", []string{"--help"}, 0, "Exit status: 0 success; 1 an input was refused", ""},
		{"run", []string{"run", "../../testdata/hello.wasm"}, 0, "Hello, world!\n", `PEERBENCH {"cmd":"run"`},
		{"compile", []string{"compile", "--reps", "2", traps}, 0, "median", `"compile_ms":{`},
		{"stdin", []string{"-n", "10", "--live", "", "--call", "oob", "-"}, 0, "10 trapped", ""},
		{"stdin refused", []string{"-n", "1", "--live", "", "-"}, 1, "", "<stdin>: decode"},
		{"run stdin", []string{"run", "-", "world"}, 0, "Hello from Lucet, world!\n", `PEERBENCH {"cmd":"run"`},
		{"compile stdin", []string{"compile", "--reps", "1", "-"}, 0, "compile <stdin>", ""},
		// table.wasm's two tables start with 12 elements together.
		{"table limit", []string{"--max-table-elements", "12", "-n", "10", "--live", "", tables}, 0, "table limit 12 elements", ""},
		{"table limit refuses", []string{"--max-table-elements", "11", "-n", "10", "--live", "", tables}, 1, "", "limit of 11"},
		{"table limit past the most", []string{"--max-table-elements", "16777217", traps}, 2, "", "--max-table-elements 16777217: want at most 16777216"},
		{"dense", []string{"--layout", "dense", "--max-memory", "1MiB", "-n", "10", "--live", "20", "--call", "oob", traps}, 0, "layout dense, memory limit 1.0 MiB", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			var stdin io.Reader
			if in := stdinOf[tt.name]; in != "" {
				f, err := os.Open(in)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				stdin = f
			}
			st := run(append([]string{"lucet-bench"}, tt.args...), stdin, &out, &errOut)
			if st != tt.status || !strings.Contains(out.String(), tt.out) || !strings.Contains(errOut.String(), tt.errOut) {
				t.Errorf("status %d, want %d\nstdout: %s\nstderr: %s", st, tt.status, out.String(), errOut.String())
			}
			if tt.name == "json" {
				var v map[string]any
				if err := json.Unmarshal(out.Bytes(), &v); err != nil || strings.Count(out.String(), "\n") != 1 {
					t.Errorf("stdout is not one JSON object: %v\n%s", err, out.String())
				}
				if errOut.Len() != 0 {
					t.Errorf("--json wrote to stderr: %s", errOut.String())
				}
			}
		})
	}
}
