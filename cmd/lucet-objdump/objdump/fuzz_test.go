package objdump

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lucet-go/lucet/pkg/decode"
)

func addSeeds(f *testing.F) {
	mods, _ := filepath.Glob(filepath.Join(moduleDir, "small", "*.wasm"))
	bad, _ := filepath.Glob(filepath.Join("testdata", "bad", "*"))
	for _, p := range append(append(mods, filepath.Join(moduleDir, "hello.wasm")), bad...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}

// FuzzSections: the framing reader never panics, and on every module
// decode accepts it finds the code bodies decode found, at the same
// places.
func FuzzSections(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		secs, codes, err := readSections(b)
		m, derr := decode.Decode(b, decode.Options{})
		if derr != nil {
			return
		}
		if err != nil {
			t.Fatalf("decode accepts the module, the framing reader does not: %v", err)
		}
		if len(codes) != len(m.Codes) {
			t.Fatalf("%d bodies, decode found %d", len(codes), len(m.Codes))
		}
		for i, c := range m.Codes {
			if end := c.BodyOffset + len(c.Body); codes[i].End != end || codes[i].Start > c.BodyOffset {
				t.Fatalf("body %d at [%#x, %#x), decode's instructions at [%#x, %#x)", i, codes[i].Start, codes[i].End, c.BodyOffset, end)
			}
		}
		prev := 8
		for _, s := range secs {
			if s.Start <= prev || s.End < s.Start || s.End > len(b) {
				t.Fatalf("section %d at [%#x, %#x) after %#x in %d bytes", s.ID, s.Start, s.End, prev, len(b))
			}
			prev = s.End
		}
		if len(b) > 8 && prev != len(b) {
			t.Fatalf("sections end at %#x of %d bytes", prev, len(b))
		}
	})
}

// FuzzDescribe: whatever the input, lucet-objdump describes it (exit 0)
// or refuses it in one line (exit 1), in text and in JSON; never a panic,
// even on modules that decode but reference types, functions or globals
// that do not exist.
func FuzzDescribe(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, args := range [][]string{{"-"}, {"--json", "-"}} {
			var out, errb bytes.Buffer
			code := Run(append([]string{"lucet-objdump"}, args...), bytes.NewReader(b), &out, &errb)
			switch {
			case strings.Contains(errb.String(), "internal error"):
				t.Fatalf("%v: %s", args, errb.String())
			case code == 0 && errb.Len() == 0 && out.Len() > 0:
			case code == 1 && strings.Count(errb.String(), "\n") == 1 && out.Len() == 0:
			default:
				t.Fatalf("%v: exit %d, stderr %q, %d bytes out", args, code, errb.String(), out.Len())
			}
		}
	})
}
