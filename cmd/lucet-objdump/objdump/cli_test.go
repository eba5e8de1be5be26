package objdump

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHelpGolden: --help is part of the interface (it documents the exit
// statuses), so a change to it is a reviewed change to a golden file.
func TestHelpGolden(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}} {
		code, out, errs := run(t, nil, args...)
		if code != 0 || errs != "" {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errs)
		}
		// --version is added to every tool by internal/cliflag; its line
		// is that package's to test, and leaving it out keeps this file
		// stable across that change.
		var keep []string
		for _, l := range strings.SplitAfter(out, "\n") {
			if !strings.Contains(l, "--version") {
				keep = append(keep, l)
			}
		}
		golden(t, "help.txt", []byte(strings.Join(keep, "")))
	}
}

// TestErrorsGolden runs every way a user can get lucet-objdump wrong and
// keeps the transcript: the exit status and the exact message. Each
// refusal is one line naming the user's file (exit 1); a usage error adds
// a one-line hint (exit 2); nothing goes to standard output.
func TestErrorsGolden(t *testing.T) {
	bad := filepath.Join("testdata", "bad")
	hello, err := os.ReadFile(filepath.Join(moduleDir, "hello.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args  []string
		stdin []byte
		code  int
	}{
		{[]string{filepath.Join(bad, "truncated.wasm")}, nil, 1},
		{[]string{filepath.Join(bad, "notamodule.txt")}, nil, 1},
		{[]string{filepath.Join(bad, "text.wat")}, nil, 1},
		{[]string{filepath.Join(bad, "empty.wasm")}, nil, 1},
		{[]string{filepath.Join(bad, "missing.wasm")}, nil, 1},
		{[]string{bad}, nil, 1},
		{[]string{"-d", filepath.Join(bad, "invalid.wasm")}, nil, 1},
		{[]string{"-"}, nil, 1},
		{nil, nil, 1},
		{[]string{"-"}, hello[:len(hello)/2], 1},
		{[]string{"-"}, []byte("\x00asm\x02\x00\x00\x00"), 1},
		{[]string{"--bogus", "x.wasm"}, nil, 2},
		{[]string{"a.wasm", "b.wasm"}, nil, 2},
		{[]string{"-d", "-M", "plan9", "x.wasm"}, nil, 2},
		{[]string{"--syntax"}, nil, 2},
	}
	var transcript bytes.Buffer
	for _, tt := range tests {
		code, out, errs := run(t, tt.stdin, tt.args...)
		in := ""
		if tt.stdin != nil {
			in = fmt.Sprintf(" < (%d bytes)", len(tt.stdin))
		}
		fmt.Fprintf(&transcript, "$ lucet-objdump %s%s\n%sexit %d\n\n", strings.Join(tt.args, " "), in, errs, code)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d", tt.args, code, tt.code)
		}
		if out != "" {
			t.Errorf("%v: wrote to standard output: %q", tt.args, out)
		}
		lines := strings.Count(errs, "\n")
		if want := map[int]int{1: 1, 2: 2}[tt.code]; lines != want || !strings.HasPrefix(errs, "lucet-objdump: ") {
			t.Errorf("%v: stderr has %d lines, want %d starting \"lucet-objdump: \": %q", tt.args, lines, want, errs)
		}
		if len(tt.args) > 0 && tt.code == 1 && tt.stdin == nil && tt.args[len(tt.args)-1] != "-" &&
			!strings.Contains(errs, tt.args[len(tt.args)-1]+": ") {
			t.Errorf("%v: message does not name the file: %q", tt.args, errs)
		}
	}
	golden(t, "errors.txt", transcript.Bytes())
}
