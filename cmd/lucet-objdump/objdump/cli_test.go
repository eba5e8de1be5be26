package objdump

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestHelpGolden: --help is part of the interface (it documents the exit
// statuses), so a change to it is a reviewed change to a golden file.
func TestHelpGolden(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}} {
		code, out, errs := run(t, nil, args...)
		if code != 0 || errs != "" {
			t.Fatalf("%v: exit %d, stderr %q", args, code, errs)
		}
		golden(t, "help.txt", []byte(withoutVersion(out)))
	}
}

// TestVersion: --version prints the tool's name and version, as the
// other tools do, and --help lists it (help.txt leaves that line out).
func TestVersion(t *testing.T) {
	code, out, errs := run(t, nil, "--version")
	if code != 0 || errs != "" || !strings.HasPrefix(out, "lucet-objdump ") || strings.Count(out, "\n") != 1 {
		t.Errorf("--version: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if _, out, _ := run(t, nil, "--help"); !strings.Contains(out, "--version") {
		t.Errorf("--help does not list --version:\n%s", out)
	}
}

// TestErrorsGolden runs every way a user can get lucet-objdump wrong and
// keeps the transcript: the exit status and the exact message. Each
// refusal is one line naming the user's file (exit 1); a usage error is
// one line ending in a hint, as in the other tools (exit 2); nothing goes
// to standard output.
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
		{[]string{""}, nil, 2},
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
		shown := slices.Clone(tt.args)
		for i, a := range shown {
			if a == "" {
				shown[i] = `""` // as a shell would need it written
			}
		}
		fmt.Fprintf(&transcript, "$ lucet-objdump %s%s\n%sexit %d\n\n", strings.Join(shown, " "), in, errs, code)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d", tt.args, code, tt.code)
		}
		if out != "" {
			t.Errorf("%v: wrote to standard output: %q", tt.args, out)
		}
		lines := strings.Count(errs, "\n")
		if lines != 1 || !strings.HasPrefix(errs, "lucet-objdump: ") {
			t.Errorf("%v: stderr has %d lines, want 1 starting \"lucet-objdump: \": %q", tt.args, lines, errs)
		}
		if tt.code == 2 && !strings.HasSuffix(errs, " (see lucet-objdump --help)\n") {
			t.Errorf("%v: usage error without the hint: %q", tt.args, errs)
		}
		if len(tt.args) > 0 && tt.code == 1 && tt.stdin == nil && tt.args[len(tt.args)-1] != "-" &&
			!strings.Contains(errs, tt.args[len(tt.args)-1]+": ") {
			t.Errorf("%v: message does not name the file: %q", tt.args, errs)
		}
	}
	golden(t, "errors.txt", transcript.Bytes())
}

// withoutVersion drops what --version adds to the help (its flag line and
// a VERSION section): that is internal/cliflag's to test, and leaving it
// out keeps help.txt stable across that change.
func withoutVersion(help string) string {
	var keep []string
	inVersion := false
	for _, l := range strings.SplitAfter(help, "\n") {
		switch {
		case strings.HasPrefix(l, "VERSION:"):
			inVersion = true
			continue
		case inVersion && strings.HasPrefix(l, " "):
			continue
		case inVersion && strings.TrimSpace(l) == "":
			inVersion = false
			continue
		}
		inVersion = false
		if !strings.Contains(l, "--version") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "")
}

// TestTerminalStdin: with no module, or "-", and a terminal for standard
// input, lucet-objdump says so at once (exit 2) instead of waiting for a
// module to be typed. A read would block this test until it times out.
func TestTerminalStdin(t *testing.T) {
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal to stand in for a terminal: %v", err)
	}
	defer ptmx.Close()
	if err := unix.IoctlSetPointerInt(int(ptmx.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("cannot unlock the pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(int(ptmx.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("cannot name the pseudo-terminal: %v", err)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("cannot open the pseudo-terminal: %v", err)
	}
	defer tty.Close()
	for _, args := range [][]string{nil, {"-"}, {"--json", "-d"}} {
		var out, errb bytes.Buffer
		code := Run(append([]string{"lucet-objdump"}, args...), tty, &out, &errb)
		if code != 2 || !strings.Contains(errb.String(), "standard input is a terminal") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errb.String())
		}
	}
}
