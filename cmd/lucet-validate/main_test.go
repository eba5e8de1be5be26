package main

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/internal/cliflag/ptytest"
	"github.com/lucet-go/lucet/internal/golden"
)

// TestGolden runs the command in-process on the inputs in testdata/in
// (built from the .wat files there with wat2wasm --no-check
// --debug-names) and compares exit status, stdout and stderr with
// testdata/golden/<name>.golden.
func TestGolden(t *testing.T) {
	const gobig = "../../testdata/gobig.wasm"
	tests := []struct {
		name  string
		args  []string
		stdin string // a file fed to standard input
	}{
		{"ok", []string{"testdata/in/ok.wasm"}, ""},
		{"invalid", []string{"testdata/in/mismatch.wasm"}, ""},
		{"malformed", []string{"testdata/in/truncated.wasm", "testdata/in/text.wasm"}, ""},
		{"mixed", []string{"testdata/in/ok.wasm", "testdata/in/mismatch.wasm", "testdata/in/badname.wasm"}, ""},
		{"missing-file", []string{"testdata/in/ok.wasm", "testdata/in/nosuch.wasm", "testdata/in/mismatch.wasm"}, ""},
		{"stdin", nil, "testdata/in/ok.wasm"},
		{"stdin-dash", []string{"-"}, "testdata/in/truncated.wasm"},
		{"quiet-invalid", []string{"-q", "testdata/in/ok.wasm", "testdata/in/mismatch.wasm"}, ""},
		{"quiet-ok", []string{"--quiet", "testdata/in/ok.wasm"}, ""},
		{"json", []string{"--json", "testdata/in/ok.wasm", "testdata/in/mismatch.wasm", "testdata/in/truncated.wasm",
			"testdata/in/badname.wasm", "testdata/in/nosuch.wasm"}, ""},
		{"json-gobig", []string{"--json", gobig}, ""},
		{"wasi", []string{"--wasi", gobig, "testdata/in/wasi-cmd.wasm", "testdata/in/wasi-reactor.wasm",
			"testdata/in/wasi-badsig.wasm", "testdata/in/wasi-env.wasm", "testdata/in/wasi-nostart.wasm"}, ""},
		{"wasi-json", []string{"--wasi", "--json", "testdata/in/wasi-nostart.wasm"}, ""},
		{"usage", []string{"--bogus", "testdata/in/ok.wasm"}, ""},
		{"bad-bool", []string{"--json=maybe", "testdata/in/ok.wasm"}, ""},
		{"flags-after-files", []string{"testdata/in/ok.wasm", "-q", "testdata/in/mismatch.wasm", "--", "-"}, "testdata/in/ok.wasm"},
		{"json-after-file", []string{"testdata/in/truncated.wasm", "--json"}, ""},
		{"directory", []string{"testdata/in"}, ""},
		{"help", []string{"--help"}, ""},
		{"version", []string{"--version"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdin bytes.Reader
			if tt.stdin != "" {
				b, err := os.ReadFile(tt.stdin)
				if err != nil {
					t.Fatal(err)
				}
				stdin.Reset(b)
			}
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"lucet-validate"}, tt.args...), &stdin, &stdout, &stderr)
			golden.Check(t, tt.name, golden.Transcript("lucet-validate", tt.args, code, stdout.String(), stderr.String()))
		})
	}
}

// TestExitStatus pins the documented exit statuses independently of the
// golden files.
func TestExitStatus(t *testing.T) {
	tests := []struct {
		args []string
		want int
	}{
		{[]string{"testdata/in/ok.wasm", "testdata/in/wasi-cmd.wasm"}, exitOK},
		{[]string{"testdata/in/ok.wasm", "testdata/in/mismatch.wasm"}, exitInvalid},
		{[]string{"--wasi", "testdata/in/wasi-nostart.wasm"}, exitInvalid},
		{[]string{"testdata/in/mismatch.wasm", "testdata/in/nosuch.wasm"}, exitInvalid},
		{[]string{"testdata/in"}, exitInvalid},
		{[]string{"--nope"}, exitUsage},
		// An empty path is a usage error, found before any file is read.
		{[]string{""}, exitUsage},
		{[]string{"testdata/in/ok.wasm", ""}, exitUsage},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		if got := run(append([]string{"lucet-validate"}, tt.args...), strings.NewReader(""), &out, &out); got != tt.want {
			t.Errorf("%v: exit %d, want %d; output:\n%s", tt.args, got, tt.want, out.String())
		}
	}
}

// TestOutputUnwritable: a verdict that cannot be written is a failure
// (exit 1, as the help says), in text and JSON, with one line on stderr,
// not a silent success (or, for JSON, a usage error).
func TestOutputUnwritable(t *testing.T) {
	for _, args := range [][]string{
		{"testdata/in/ok.wasm"},
		{"testdata/in/mismatch.wasm"},
		{"--json", "testdata/in/ok.wasm"},
		{"--json", "testdata/in/ok.wasm", "testdata/in/mismatch.wasm"},
	} {
		var errs bytes.Buffer
		code := run(append([]string{"lucet-validate"}, args...), strings.NewReader(""), failWriter{}, &errs)
		if code != exitInvalid || errs.String() != "lucet-validate: write: no space left on device\n" {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and one line", args, code, errs.String(), exitInvalid)
		}
	}
	var errs bytes.Buffer
	if code := run([]string{"lucet-validate", "--quiet", "testdata/in/ok.wasm"}, strings.NewReader(""), failWriter{}, &errs); code != exitOK || errs.Len() != 0 {
		t.Errorf("--quiet writes nothing, so cannot fail to: exit %d, stderr %q", code, errs.String())
	}
}

// failWriter fails every write, as standard output on a full disk does.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("write: no space left on device") }

// No file and a terminal on standard input is a usage error, not a wait;
// so is "-" from a terminal, among other files or alone (2, as in every
// tool: README's exit-status table), and no file is checked.
func TestTerminalStdin(t *testing.T) {
	tty := ptytest.Open(t)
	var out bytes.Buffer
	if code := run([]string{"lucet-validate"}, tty, &out, &out); code != exitUsage || !strings.Contains(out.String(), "standard input is a terminal") {
		t.Errorf("no file: exit %d, %q", code, out.String())
	}
	out.Reset()
	for _, args := range [][]string{{"-"}, {"../../testdata/hello.wasm", "-"}, {"--json", "-"}} {
		out.Reset()
		code := run(append([]string{"lucet-validate"}, args...), tty, &out, &out)
		if code != exitUsage || !strings.Contains(out.String(), "standard input, which is a terminal") || strings.Count(out.String(), "\n") != 1 {
			t.Errorf("%q: exit %d, %q", args, code, out.String())
		}
	}
}
