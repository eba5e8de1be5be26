package objdump

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/internal/cliflag"
	"github.com/lucet-go/lucet/pkg/link"
	"github.com/lucet-go/lucet/pkg/object/objtest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func smallSO(t *testing.T) (string, []byte) {
	t.Helper()
	b, err := link.ELF(objtest.Small())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "small.so")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, b
}

func TestGolden(t *testing.T) {
	path, b := smallSO(t)
	tests := []struct {
		golden string
		args   []string
		stdin  bool
	}{
		{"small.txt", []string{path}, false},
		{"small-d.txt", []string{path, "-d"}, false},
		{"small-d-intel.txt", []string{"-d", "--syntax", "intel", path}, false},
		{"small.json", []string{"--json"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			var stdin bytes.Buffer
			if tt.stdin {
				stdin.Write(b)
			}
			var stdout, stderr bytes.Buffer
			if code := Run(append([]string{"lucet-objdump"}, tt.args...), &stdin, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			// The temporary path differs between runs.
			got := bytes.ReplaceAll(stdout.Bytes(), []byte(path), []byte("small.so"))
			golden(t, tt.golden, got)
		})
	}
}

func TestJSONShape(t *testing.T) {
	path, _ := smallSO(t)
	var stdout, stderr bytes.Buffer
	if code := Run([]string{"lucet-objdump", "--json", "-d", path}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var r report
	if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Functions) != 3 || r.Functions[0].Name != "add" || !strings.Contains(r.Functions[0].Disassembly, "<add>:") {
		t.Errorf("functions %+v", r.Functions)
	}
	if r.Functions[1].Sites[0].Kind != "trap: unreachable" || len(r.Stubs) != 3 {
		t.Errorf("sites %+v stubs %+v", r.Functions[1].Sites, r.Stubs)
	}
}

func TestErrors(t *testing.T) {
	path, b := smallSO(t)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	flipped := append([]byte(nil), b...)
	flipped[0x5011] ^= 1
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"truncated", []string{write("trunc.so", b[:len(b)/3])}, 1, "truncated"},
		{"flipped", []string{write("flip.so", flipped)}, 1, "checksum mismatch"},
		{"not a module", []string{write("x.so", []byte("\x01\x02\x03\x04\x05"))}, 1, "not a WebAssembly module or a lucet object"},
		{"foreign elf", []string{"/bin/ls"}, 1, "not a lucet module"},
		{"missing file", []string{filepath.Join(dir, "nope.so")}, 1, "no such file"},
		{"two files", []string{path, path}, 2, "one module at a time"},
		{"bad flag", []string{"--bogus", path}, 2, "flag provided but not defined"},
		{"bad syntax", []string{"-d", "-M", "plan9", path}, 2, "unknown assembly syntax"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.args[0] == "/bin/ls" {
				if _, err := os.Stat("/bin/ls"); err != nil {
					t.Skip("no /bin/ls to use as a foreign ELF file")
				}
			}
			var stdout, stderr bytes.Buffer
			code := Run(append([]string{"lucet-objdump"}, tt.args...), strings.NewReader(""), &stdout, &stderr)
			if code != tt.code || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr.String(), tt.code, tt.want)
			}
			if code == 1 && strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("error is not one line: %q", stderr.String())
			}
			if strings.Contains(stderr.String(), "goroutine") {
				t.Errorf("panic trace: %s", stderr.String())
			}
		})
	}
}

func TestPermute(t *testing.T) {
	tests := []struct{ in, want string }{
		{"prog x.so -d --syntax intel -- -y", "prog -d --syntax intel -- x.so -y"},
		{"prog -M intel x.so --json", "prog -M intel --json -- x.so"},
		{"prog --syntax=intel - -d", "prog --syntax=intel -d -- -"},
		{"prog", "prog"},
	}
	for _, tt := range tests {
		if got := strings.Join(cliflag.Permute(strings.Fields(tt.in), cliFlags()), " "); got != tt.want {
			t.Errorf("permute(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFuelShown(t *testing.T) {
	o := objtest.Small()
	o.Meta.Fuel = true
	b, err := link.ELF(o)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "fuel metering:   yes"},
		{[]string{"--json"}, `"fuel_metering": true`},
	} {
		var stdout, stderr bytes.Buffer
		args := append([]string{"lucet-objdump"}, tt.args...)
		if code := Run(args, bytes.NewReader(b), &stdout, &stderr); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
		}
		if !strings.Contains(stdout.String(), tt.want) {
			t.Errorf("%v: output lacks %q", args, tt.want)
		}
	}
}
