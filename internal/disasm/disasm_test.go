package disasm

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/abi"
	"github.com/lucet-go/lucet/pkg/object"
	"github.com/lucet-go/lucet/pkg/object/objtest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (go test -update rewrites it):\n%s", path, got)
	}
}

func TestObjectGolden(t *testing.T) {
	for _, tt := range []struct {
		file   string
		syntax Syntax
	}{{"small.gnu.txt", GNU}, {"small.intel.txt", Intel}} {
		t.Run(tt.file, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Object(&buf, objtest.Small(), Options{Syntax: tt.syntax}); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.file, buf.Bytes())
		})
	}
}

func TestFunc(t *testing.T) {
	tests := []struct {
		name  string
		code  []byte
		base  uint64
		sites []object.Site
		want  []string
	}{
		{"bad byte", []byte{0x06, 0xc3}, 0x40, nil, []string{"(bad)", "ret"}},
		{"long instruction wraps", []byte{0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8}, 0, nil, []string{"      8:\t07 08\n"}},
		{"branch at offset 0", []byte{0xeb, 0x00, 0xc3}, 0, nil, []string{"(0x2)"}},
		{"trap and call site at the same offset", []byte{0xe8, 0, 0, 0, 0, 0x0f, 0x0b}, 0x100, []object.Site{
			{CodeOffset: 0x105, Code: abi.SiteCall, WasmOffset: 1},
			{CodeOffset: 0x105, Code: abi.TrapUnreachable, WasmOffset: 2},
		}, []string{"call site, wasm 0x1", "trap: unreachable, wasm 0x2"}},
		{"trap raised by a call to a trap routine", []byte{0xe8, 0, 0, 0, 0, 0x90}, 0x10, []object.Site{
			{CodeOffset: 0x15, Code: abi.TrapStackOverflow, WasmOffset: 3},
		}, []string{"call 0x15                                # trap: call stack exhausted, wasm 0x3\n      15:\t90                     \tnop\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Func(&buf, tt.code, tt.base, "f", Options{Syntax: Intel, Sites: tt.sites}); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(buf.String(), w) {
					t.Errorf("listing lacks %q:\n%s", w, buf.String())
				}
			}
		})
	}
}

func TestParseSyntax(t *testing.T) {
	for in, want := range map[string]Syntax{"gnu": GNU, "ATT": GNU, "intel": Intel} {
		if got, err := ParseSyntax(in); err != nil || got != want {
			t.Errorf("ParseSyntax(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseSyntax("plan9"); err == nil {
		t.Errorf("ParseSyntax(plan9) succeeded")
	}
}

func TestObjectGaps(t *testing.T) {
	o := objtest.Small()
	o.Meta.Labels = nil // 0x37 ud2 is now code no symbol covers
	o.Text[0x19] = 0x90 // nop padding after add stays hidden
	var buf bytes.Buffer
	if err := Object(&buf, o, Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "<.text+0x37>:\n      37:\t0f 0b") {
		t.Errorf("uncovered code at 0x37 not listed:\n%s", buf.String())
	}
	if strings.Contains(buf.String(), "<.text+0x19>") {
		t.Errorf("padding listed:\n%s", buf.String())
	}
}
